//! Keys of a DaemonSet (besides the pod's).

use super::*;

keys! {
    UPDATE = key("update", DAEMON, Shape::Special("`rolling(max-unavailable = …, max-surge = …)` | `on-delete`"),
        ("DaemonSetSpec", &["updateStrategy"]), "How pods are replaced on change (default: rolling, one node at a time).");
    MIN_READY = key("min-ready", DAEMON, Shape::Seconds { min: 0 }, ("DaemonSetSpec", &["minReadySeconds"]),
        "How long a new pod must be ready to count as available.");
}
