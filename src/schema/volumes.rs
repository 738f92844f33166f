//! Keys of the volumes area: volume sources (config/secret items, downward API, projected, ephemeral), mount propagation and native sidecars.
//!
//! The volume sources are functions (`secret(db, items = …)`, `projected(…)`), not
//! keys: their arguments are checked by `check/volumes.rs` and documented, one
//! table per function, in `docs/reference/volumes.md`. Mount propagation is a
//! word of the `mount` statement (`MOUNT`).

use super::*;

/// An init container's `restart`: Kubernetes allows only `Always` there.
pub const SIDECAR_RESTARTS: Choices = &[("always", "Always")];

keys! {
    SIDECAR_RESTART = key("restart", CONTAINER, Shape::Choice(SIDECAR_RESTARTS), ("Container", &["restartPolicy"]),
        "Only in an `init` container: `always` makes it a native sidecar, started before the main containers and \
         kept running beside them; in a Job the pod completes when the main containers finish, and the sidecar is stopped.")
        .gated(28, 29, 33);
}
