//! Keys of the probes area: container ports, probes, lifecycle hooks, termination message settings and env-from.

#[allow(unused_imports)]
use super::*;

keys! {}
