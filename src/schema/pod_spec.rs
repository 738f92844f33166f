//! Keys of the pod spec beyond containers and placement: the main container's
//! name, a DaemonSet's own selector, template metadata (Jobs' `generate-name`,
//! a CronJob's job template), DNS, scheduling, topology spread, host aliases.

use super::*;

pub const DNS_POLICIES: Choices = &[
    ("cluster-first", "ClusterFirst"),
    ("cluster-first-with-host-net", "ClusterFirstWithHostNet"),
    ("default", "Default"),
    ("none", "None"),
];
pub const UNSATISFIABLE: Choices = &[("do-not-schedule", "DoNotSchedule"), ("schedule-anyway", "ScheduleAnyway")];
pub const INCLUSION_POLICIES: Choices = &[("honor", "Honor"), ("ignore", "Ignore")];
pub const PREEMPTION_POLICIES: Choices = &[("preempt-lower-priority", "PreemptLowerPriority"), ("never", "Never")];

keys! {
    CONTAINER_NAME = key("container-name", WORKLOAD, Shape::Str, ("Container", &["name"]),
        "Name of the main container (the one written directly in the workload); default: the workload's name.");
    SELECTOR = key("selector", DAEMON, Shape::StrMap, ("DaemonSetSpec", &["selector", "matchLabels"]),
        "The DaemonSet's own selector instead of `app.kubernetes.io/name: <name>`; its labels are added to the pods. \
         Cannot change once the DaemonSet exists.");
    GENERATE_NAME = key("generate-name", JOB, Shape::Bool, ("ObjectMeta", &["generateName"]),
        "`true`: the API server names each created Job `<name>-xxxxx` (`kubectl create`, not `apply`).");
    JOB_LABELS = key("job-labels", CRON, Shape::StrMap, ("JobTemplateSpec", &["metadata", "labels"]),
        "Labels of the Jobs the CronJob creates.");
    JOB_ANNOTATIONS = key("job-annotations", CRON, Shape::StrMap, ("JobTemplateSpec", &["metadata", "annotations"]),
        "Annotations of the Jobs the CronJob creates.");
    DNS_POLICY = key("dns-policy", WORKLOAD, Shape::Choice(DNS_POLICIES), ("PodSpec", &["dnsPolicy"]),
        "How the pods resolve names (Kubernetes' default: `cluster-first`); `none` needs `dns-config`.");
    DNS_CONFIG_BLOCK = key("dns-config", WORKLOAD, Shape::Block(DNS_CONFIG), ("PodSpec", &["dnsConfig"]),
        "Resolver settings merged into the pods' `/etc/resolv.conf`.")
        .takes("block with `nameservers`, `searches`, `options`");
    NAMESERVERS = key("nameservers", DNS_CONFIG, Shape::StrList, ("PodDNSConfig", &["nameservers"]),
        "IP addresses of DNS servers (at most 3).");
    SEARCHES = key("searches", DNS_CONFIG, Shape::StrList, ("PodDNSConfig", &["searches"]),
        "Search domains (at most 32, 2048 characters in all).");
    DNS_OPTIONS = key("options", DNS_CONFIG, Shape::Records(DNS_OPTION), ("PodDNSConfig", &["options"]),
        "Resolver options.").takes("list of `{ name, value }`");
    DNS_OPTION_NAME = key("name", DNS_OPTION, Shape::Str, ("PodDNSConfigOption", &["name"]), "Option name (`ndots`). Required.");
    DNS_OPTION_VALUE = key("value", DNS_OPTION, Shape::Str, ("PodDNSConfigOption", &["value"]), "Option value (`\"2\"`).");
    NODE_NAME = key("node-name", WORKLOAD, Shape::Str, ("PodSpec", &["nodeName"]),
        "Runs the pods on this node, bypassing the scheduler.");
    HOSTNAME = key("hostname", WORKLOAD & !GROUP_ROLE, Shape::Str, ("PodSpec", &["hostname"]), "The pods' hostname (a DNS label).");
    SUBDOMAIN = key("subdomain", WORKLOAD & !GROUP_ROLE, Shape::Str, ("PodSpec", &["subdomain"]),
        "With a headless Service of this name: the pods get `<hostname>.<subdomain>.<namespace>.svc` names.");
    ENABLE_SERVICE_LINKS = key("enable-service-links", WORKLOAD, Shape::Bool, ("PodSpec", &["enableServiceLinks"]),
        "Whether Services' addresses are injected as environment variables (Kubernetes' default: true).");
    SHARE_PROCESS_NAMESPACE = key("share-process-namespace", WORKLOAD, Shape::Bool, ("PodSpec", &["shareProcessNamespace"]),
        "The pod's containers see each other's processes.");
    IMAGE_PULL_SECRETS = key("image-pull-secrets", WORKLOAD, Shape::StrList, ("PodSpec", &["imagePullSecrets"]),
        "Registry credentials: names of `secret`s declared in the program.").takes("list of secret names");
    RUNTIME_CLASS = key("runtime-class", WORKLOAD, Shape::Str, ("PodSpec", &["runtimeClassName"]),
        "The RuntimeClass the pods run with (`gvisor`, `kata`).");
    SCHEDULER_NAME = key("scheduler-name", WORKLOAD, Shape::Str, ("PodSpec", &["schedulerName"]),
        "The scheduler that places the pods (Kubernetes' default: `default-scheduler`).");
    PREEMPTION_POLICY = key("preemption-policy", WORKLOAD, Shape::Choice(PREEMPTION_POLICIES), ("PodSpec", &["preemptionPolicy"]),
        "Whether the pods may preempt lower-priority pods (Kubernetes' default: `preempt-lower-priority`).");
    HOST_ALIASES = key("host-aliases", WORKLOAD, Shape::Records(HOST_ALIAS), ("PodSpec", &["hostAliases"]),
        "Entries added to the pods' `/etc/hosts`.").takes("list of `{ ip, hostnames }`");
    HOST_ALIAS_IP = key("ip", HOST_ALIAS, Shape::Str, ("HostAlias", &["ip"]), "An IPv4 or IPv6 address. Required.");
    HOST_ALIAS_HOSTNAMES = key("hostnames", HOST_ALIAS, Shape::StrList, ("HostAlias", &["hostnames"]),
        "Names for the address (DNS subdomains).");
    TOPOLOGY_SPREAD = key("topology-spread", WORKLOAD, Shape::Records(SPREAD), ("PodSpec", &["topologySpreadConstraints"]),
        "How the pods spread over zones or nodes.")
        .takes("list of `{ max-skew, topology-key, when-unsatisfiable, match-labels, … }`");
    MAX_SKEW = key("max-skew", SPREAD, Shape::Int { min: 1, max: I32_MAX }, ("TopologySpreadConstraint", &["maxSkew"]),
        "How uneven the spread may be. Required.");
    TOPOLOGY_KEY = key("topology-key", SPREAD, Shape::Str, ("TopologySpreadConstraint", &["topologyKey"]),
        "The node label whose values are the domains (`topology.kubernetes.io/zone`). Required.");
    WHEN_UNSATISFIABLE = key("when-unsatisfiable", SPREAD, Shape::Choice(UNSATISFIABLE),
        ("TopologySpreadConstraint", &["whenUnsatisfiable"]), "What to do when the skew cannot be kept. Required.");
    MATCH_LABELS = key("match-labels", SPREAD, Shape::StrMap, ("TopologySpreadConstraint", &["labelSelector", "matchLabels"]),
        "The pods counted (usually the workload's own `pod-labels`).");
    MATCH_LABEL_KEYS = key("match-label-keys", SPREAD, Shape::StrList, ("TopologySpreadConstraint", &["matchLabelKeys"]),
        "Pod label keys whose values narrow `match-labels` to each pod's own (needs `match-labels`).")
        .gated(25, 27, 35);
    MIN_DOMAINS = key("min-domains", SPREAD, Shape::Int { min: 1, max: I32_MAX }, ("TopologySpreadConstraint", &["minDomains"]),
        "Fewer eligible domains count as skew (only with `do-not-schedule`).")
        .gated(24, 27, 30);
    NODE_AFFINITY_POLICY = key("node-affinity-policy", SPREAD, Shape::Choice(INCLUSION_POLICIES),
        ("TopologySpreadConstraint", &["nodeAffinityPolicy"]), "Whether nodes the pods' node affinity excludes count.")
        .gated(25, 26, 33);
    NODE_TAINTS_POLICY = key("node-taints-policy", SPREAD, Shape::Choice(INCLUSION_POLICIES),
        ("TopologySpreadConstraint", &["nodeTaintsPolicy"]), "Whether nodes with taints the pods do not tolerate count.")
        .gated(25, 26, 33);
}
