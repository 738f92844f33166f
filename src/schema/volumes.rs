//! Keys of the volumes area: volume sources (config/secret items, downward API, projected, ephemeral), mount propagation and native sidecars.

#[allow(unused_imports)]
use super::*;

keys! {}
