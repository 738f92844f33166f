//! Checking for the probes area: container ports, probes, lifecycle hooks, termination message settings and env-from.
