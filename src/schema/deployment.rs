//! Keys of a Deployment (besides the pod's).

use super::*;

keys! {
    REPLICAS = key("replicas", DEPLOYMENT, Shape::Int { min: 0, max: I32_MAX }, ("DeploymentSpec", &["replicas"]),
        "How many pods run (default 1).");
    DEPLOYMENT_UPDATE = key("update", DEPLOYMENT, Shape::Special("`rolling(max-unavailable = …, max-surge = …)` | `recreate`"),
        ("DeploymentSpec", &["strategy"]),
        "How pods are replaced on change: rolling (default: 25% unavailable, 25% surge), or all stopped before new ones start.");
    DEPLOYMENT_MIN_READY = key("min-ready", DEPLOYMENT, Shape::Seconds { min: 0 }, ("DeploymentSpec", &["minReadySeconds"]),
        "How long a new pod must be ready to count as available.");
    DEPLOYMENT_SELECTOR = key("selector", DEPLOYMENT, Shape::StrMap, ("DeploymentSpec", &["selector", "matchLabels"]),
        "The Deployment's own selector (default `app.kubernetes.io/name: <name>`); added to the pod labels; it cannot change once the Deployment exists.");
    REVISION_HISTORY = key("revision-history", DEPLOYMENT, Shape::Int { min: 0, max: I32_MAX }, ("DeploymentSpec", &["revisionHistoryLimit"]),
        "How many old ReplicaSets are kept for rollback (default 10).");
    PROGRESS_DEADLINE = key("progress-deadline", DEPLOYMENT, Shape::Seconds { min: 1 }, ("DeploymentSpec", &["progressDeadlineSeconds"]),
        "How long a rollout may make no progress before it is reported failed (default 10m); longer than `min-ready`.");
    PAUSED = key("paused", DEPLOYMENT, Shape::Bool, ("DeploymentSpec", &["paused"]),
        "Hold rollouts: changes to the pod template start no new pods until unpaused.");
}
