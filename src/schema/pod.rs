//! Keys of the pod, written directly in a `job`, `cron` or `daemon`.

use super::*;

pub const RESTART_POLICIES: Choices = &[("never", "Never"), ("on-failure", "OnFailure"), ("always", "Always")];
pub const QOS_CLASSES: Choices =
    &[("guaranteed", "Guaranteed"), ("burstable", "Burstable"), ("best-effort", "BestEffort")];

keys! {
    CONTAINER_BLOCK = key("container", WORKLOAD, Shape::Labeled(CONTAINER), ("PodSpec", &["containers"]),
        "Another container beside the main one.").takes("`container NAME { … }`");
    INIT = key("init", WORKLOAD, Shape::Labeled(CONTAINER), ("PodSpec", &["initContainers"]),
        "An init container, run to completion before the others, in order.").takes("`init NAME { … }`");
    VOLUME = key("volume", WORKLOAD,
        Shape::Special("`volume NAME = empty-dir(…)` | `host-path(…)` | `pvc(…)` | `config(…)` | `secret(…)` | `downward-api(…)` | `projected(…)` | `ephemeral(…)`"),
        ("PodSpec", &["volumes"]), "A volume that `mount` can name; each source's arguments: docs/reference/volumes.md.");
    RESTART = key("restart", WORKLOAD, Shape::Choice(RESTART_POLICIES), ("PodSpec", &["restartPolicy"]),
        "Pod restart policy. Jobs: `never` (default) or `on-failure`; daemons: `always`. Always emitted.");
    POD_LABELS = key("pod-labels", WORKLOAD, Shape::StrMap, ("PodTemplateSpec", &["metadata", "labels"]), "Labels of the pods.");
    POD_ANNOTATIONS = key("pod-annotations", WORKLOAD, Shape::StrMap, ("PodTemplateSpec", &["metadata", "annotations"]),
        "Annotations of the pods.");
    TEMPLATE_NAME = key("template-name", WORKLOAD, Shape::Str, ("PodTemplateSpec", &["metadata", "name"]),
        "Name in the pod template's metadata. Kubernetes does not use it (controllers name the pods); it is here so \
         that manifests that set it move to pipec unchanged.");
    NODE_SELECTOR = key("node-selector", WORKLOAD, Shape::StrMap, ("PodSpec", &["nodeSelector"]),
        "Only run on nodes with all these labels.");
    TOLERATIONS = key("tolerations", WORKLOAD, Shape::Records(TOLERATION), ("PodSpec", &["tolerations"]),
        "Taints the pods tolerate.").takes("list of `{ key, operator, value, effect, duration }`");
    AFFINITY_BLOCK = key("affinity", WORKLOAD, Shape::Block(AFFINITY), ("PodSpec", &["affinity", "nodeAffinity"]),
        "Node affinity.").takes("block with `required` / `preferred` node terms");
    SERVICE_ACCOUNT = key("service-account", WORKLOAD, Shape::Str, ("PodSpec", &["serviceAccountName"]),
        "Service account the pods run as.");
    PRIORITY_CLASS = key("priority-class", WORKLOAD, Shape::Str, ("PodSpec", &["priorityClassName"]), "Priority class of the pods.");
    GRACE_PERIOD = key("grace-period", WORKLOAD, Shape::Seconds { min: 0 }, ("PodSpec", &["terminationGracePeriodSeconds"]),
        "Time between SIGTERM and SIGKILL.");
    QOS = key("qos", WORKLOAD, Shape::Choice(QOS_CLASSES), ("", &[]),
        "Asserts the QoS class the pods get (`status.qosClass`); a contradiction is an error pointing at the resources.");
}
