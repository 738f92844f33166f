//! Checking for the volumes area: volume sources (config/secret items, downward API, projected, ephemeral), mount propagation and native sidecars.
