//! Every key a program can write: where it may appear, what it takes, and the
//! Kubernetes field it becomes. The checker uses this table for "did you mean"
//! and for the Kubernetes names users type by habit (`backoffLimit` → `retries`);
//! `docs/reference/keys.md` is generated from it (a test keeps them equal).

/// Where a key may be written (a bit set).
pub type Contexts = u16;
pub const JOB: Contexts = 1;
pub const CRON: Contexts = 2;
pub const DAEMON: Contexts = 4;
pub const CONTAINER: Contexts = 8;
pub const CONFIG: Contexts = 16;
pub const SECRET: Contexts = 32;
pub const RESOURCES: Contexts = 64;
pub const REQUESTS: Contexts = 128;
pub const TOLERATION: Contexts = 256;
pub const AFFINITY: Contexts = 512;
pub const NODE_TERM: Contexts = 1024;
pub const FAILURE_RULE: Contexts = 2048;
pub const SUCCESS_RULE: Contexts = 4096;

pub const WORKLOAD: Contexts = JOB | CRON | DAEMON;
/// Keys of the main container, written directly in a workload, or in `container`/`init` blocks.
pub const ANY_CONTAINER: Contexts = WORKLOAD | CONTAINER;

pub struct KeyDoc {
    pub key: &'static str,
    pub contexts: Contexts,
    /// What the value looks like, in the user's terms.
    pub takes: &'static str,
    /// The Kubernetes field it becomes (path from the object or container).
    pub k8s: &'static str,
    pub doc: &'static str,
}

macro_rules! keys {
    ($($key:literal in $ctx:expr, $takes:literal => $k8s:literal, $doc:literal;)*) => {
        pub const KEYS: &[KeyDoc] = &[$(KeyDoc { key: $key, contexts: $ctx, takes: $takes, k8s: $k8s, doc: $doc }),*];
    };
}

keys! {
    // ---- containers (the main container is written directly in the workload)
    "image" in ANY_CONTAINER, "string" => "containers[].image", "Container image. Required.";
    "pull" in ANY_CONTAINER, "`always` | `if-not-present` | `never`" => "containers[].imagePullPolicy", "When to pull the image. Default as Kubernetes: `always` for `:latest` or no tag, else `if-not-present`; always emitted.";
    "command" in ANY_CONTAINER, "list of strings" => "containers[].command", "Entrypoint, replacing the image's.";
    "args" in ANY_CONTAINER, "list of strings" => "containers[].args", "Arguments to the entrypoint.";
    "workdir" in ANY_CONTAINER, "string" => "containers[].workingDir", "Working directory.";
    "env" in ANY_CONTAINER, "map: string, `config(name, key)`, `secret(name, key)`, `field(path)`, `resource(name)`" => "containers[].env", "Environment variables, in the order written.";
    "resources" in ANY_CONTAINER, "block" => "containers[].resources", "`cpu`/`memory` directly set requests = limits; or `requests { … }` and `limits { … }`.";
    "mount" in ANY_CONTAINER, "`mount NAME at \"/path\" [readonly] [subpath \"…\"]`" => "containers[].volumeMounts (+ volumes)", "Mounts a config, a secret or a `volume` of the workload.";
    // ---- pods
    "container" in WORKLOAD, "`container NAME { … }`" => "spec.containers[]", "Another container beside the main one.";
    "init" in WORKLOAD, "`init NAME { … }`" => "spec.initContainers[]", "An init container, run to completion before the others, in order.";
    "volume" in WORKLOAD, "`volume NAME = empty-dir(…)` | `host-path(…)` | `pvc(…)` | `config(…)` | `secret(…)`" => "spec.volumes[]", "A volume that `mount` can name.";
    "restart" in WORKLOAD, "`never` | `on-failure` | `always`" => "spec.restartPolicy", "Pod restart policy. Jobs: `never` (default) or `on-failure`; daemons: `always`. Always emitted.";
    "labels" in WORKLOAD | CONFIG, "map of strings" => "metadata.labels", "Labels of the object (Kubernetes does not copy them to the pods).";
    "pod-labels" in WORKLOAD, "map of strings" => "spec.template.metadata.labels", "Labels of the pods.";
    "pod-annotations" in WORKLOAD, "map of strings" => "spec.template.metadata.annotations", "Annotations of the pods.";
    "annotations" in WORKLOAD | CONFIG, "map of strings" => "metadata.annotations", "Annotations for the object.";
    "node-selector" in WORKLOAD, "map of strings" => "spec.nodeSelector", "Only run on nodes with all these labels.";
    "tolerations" in WORKLOAD, "list of `{ key, operator, value, effect, duration }`" => "spec.tolerations", "Taints the pods tolerate.";
    "affinity" in WORKLOAD, "block with `required` / `preferred` node terms" => "spec.affinity.nodeAffinity", "Node affinity.";
    "service-account" in WORKLOAD, "string" => "spec.serviceAccountName", "Service account the pods run as.";
    "priority-class" in WORKLOAD, "string" => "spec.priorityClassName", "Priority class of the pods.";
    "grace-period" in WORKLOAD, "duration" => "spec.terminationGracePeriodSeconds", "Time between SIGTERM and SIGKILL.";
    // ---- jobs (also inside a cron's job template)
    "completions" in JOB | CRON, "int ≥ 0" => "spec.completions", "Successful pods needed to finish the Job.";
    "parallelism" in JOB | CRON, "int ≥ 0" => "spec.parallelism", "Pods running at the same time.";
    "retries" in JOB | CRON, "int ≥ 0" => "spec.backoffLimit", "Failed pods tolerated before the Job fails (Kubernetes default 6).";
    "deadline" in JOB | CRON, "duration > 0" => "spec.activeDeadlineSeconds", "Time limit for the whole Job; wins over `retries`.";
    "ttl" in JOB | CRON, "duration" => "spec.ttlSecondsAfterFinished", "Delete the finished Job after this long.";
    "completion-mode" in JOB | CRON, "`non-indexed` | `indexed`" => "spec.completionMode", "`indexed` gives each pod an index (`JOB_COMPLETION_INDEX`).";
    "suspend" in JOB | CRON, "bool" => "spec.suspend", "Create suspended (a cron: stop scheduling).";
    "retries-per-index" in JOB | CRON, "int ≥ 0" => "spec.backoffLimitPerIndex", "Indexed Jobs: failures tolerated per index (1.29+, GA 1.33).";
    "max-failed-indexes" in JOB | CRON, "int ≥ 0" => "spec.maxFailedIndexes", "Indexed Jobs with `retries-per-index`: failed indexes tolerated before the Job fails.";
    "failure-policy" in JOB | CRON, "list of `{ action, exit-codes | exit-codes-except | condition, … }`" => "spec.podFailurePolicy.rules", "What a pod failure means: fail the Job or index, ignore it, or count it (1.26+, GA 1.31).";
    "success-policy" in JOB | CRON, "list of `{ indexes, count }`" => "spec.successPolicy.rules", "Indexed Jobs: when the Job counts as succeeded early (1.31+, GA 1.33).";
    "pod-replacement" in JOB | CRON, "`terminating-or-failed` | `failed`" => "spec.podReplacementPolicy", "When a replacement pod is created (1.29+, GA 1.34).";
    "managed-by" in JOB | CRON, "string" => "spec.managedBy", "A controller other than the built-in one reconciles the Job (1.32+, GA 1.35).";
    "raw" in WORKLOAD | CONFIG, "map of `\"field.path\" = value`" => "(any field, by path)", "Sets fields pipec does not model yet, checked against the Kubernetes type.";
    "qos" in WORKLOAD, "`guaranteed` | `burstable` | `best-effort`" => "(checked only: status.qosClass)", "Asserts the QoS class the pods get; a contradiction is an error pointing at the resources.";
    // ---- cron
    "schedule" in CRON, "string, cron syntax" => "spec.schedule", "When to run, five cron fields or a macro such as `@daily`.";
    "timezone" in CRON, "string, IANA name" => "spec.timeZone", "Time zone the schedule is read in (default: the controller's).";
    "concurrency" in CRON, "`allow` | `forbid` | `replace`" => "spec.concurrencyPolicy", "What to do when a run is due while the last one runs.";
    "starting-deadline" in CRON, "duration" => "spec.startingDeadlineSeconds", "How late a missed run may still start.";
    "keep-succeeded" in CRON, "int ≥ 0" => "spec.successfulJobsHistoryLimit", "Finished Jobs kept (default 3).";
    "keep-failed" in CRON, "int ≥ 0" => "spec.failedJobsHistoryLimit", "Failed Jobs kept (default 1).";
    "api-version" in CRON, "string" => "apiVersion", "Only `batch/v1`; `batch/v1beta1` was removed in Kubernetes 1.25.";
    // ---- daemon
    "update" in DAEMON, "`rolling(max-unavailable = …, max-surge = …)` | `on-delete`" => "spec.updateStrategy", "How pods are replaced on change (default: rolling, one node at a time).";
    "min-ready" in DAEMON, "duration" => "spec.minReadySeconds", "How long a new pod must be ready to count as available.";
    // ---- config
    "data" in CONFIG, "map of strings or `file(\"path\")`" => "data", "The ConfigMap's entries; `file` reads a file relative to the program.";
    "immutable" in CONFIG, "bool" => "immutable", "Forbid changes after creation.";
    // ---- secret (a reference to a Secret that exists in the cluster)
    "keys" in SECRET, "list of strings" => "(checked only)", "The keys the Secret holds; `secret(name, key)` must name one.";
    // ---- resources
    "cpu" in RESOURCES | REQUESTS, "quantity (cores)" => "resources.{requests,limits}.cpu", "CPU in cores: `2`, `500m`.";
    "memory" in RESOURCES | REQUESTS, "quantity (bytes)" => "resources.{requests,limits}.memory", "Memory in bytes: `512Mi`, `2Gi`.";
    "ephemeral-storage" in RESOURCES | REQUESTS, "quantity (bytes)" => "resources.{requests,limits}.ephemeral-storage", "Local scratch space.";
    "requests" in RESOURCES, "block" => "resources.requests", "What the scheduler reserves.";
    "limits" in RESOURCES, "block" => "resources.limits", "The most the container may use.";
    // ---- tolerations
    "key" in TOLERATION | NODE_TERM, "string" => "key", "Taint key (toleration) or node label key (affinity).";
    "operator" in TOLERATION | NODE_TERM, "`exists` | `equal` (toleration); `in` | `not-in` | `exists` | `does-not-exist` | `gt` | `lt` (affinity)" => "operator", "How the key is matched.";
    "value" in TOLERATION, "string" => "value", "Taint value (with `equal`).";
    "effect" in TOLERATION, "`no-schedule` | `prefer-no-schedule` | `no-execute`" => "effect", "Which taint effect is tolerated (all if omitted).";
    "duration" in TOLERATION, "duration" => "tolerationSeconds", "With `no-execute`: how long the pod stays after the taint appears.";
    "values" in NODE_TERM, "list of strings" => "values", "Label values to match.";
    "weight" in NODE_TERM, "int 1–100" => "weight", "Weight of a preferred term.";
    "action" in FAILURE_RULE, "`fail-job` | `fail-index` | `ignore` | `count`" => "action", "What the matching failure does.";
    "container" in FAILURE_RULE, "string" => "onExitCodes.containerName", "Only exit codes of this container.";
    "exit-codes" in FAILURE_RULE, "list of ints 1–255" => "onExitCodes (operator In)", "Matches these exit codes.";
    "exit-codes-except" in FAILURE_RULE, "list of ints 1–255" => "onExitCodes (operator NotIn)", "Matches any exit code but these (and 0).";
    "condition" in FAILURE_RULE, "`disruption-target` or a condition type string" => "onPodConditions[].type", "Matches pods with this condition.";
    "status" in FAILURE_RULE, "`true` | `false` | `unknown`" => "onPodConditions[].status", "The condition's status (default true).";
    "indexes" in SUCCESS_RULE, "string, e.g. \"0-2,5\"" => "succeededIndexes", "These indexes must succeed.";
    "count" in SUCCESS_RULE, "int ≥ 1" => "succeededCount", "This many (of `indexes`, if given) must succeed.";
    "required" in AFFINITY, "list of node terms" => "requiredDuringSchedulingIgnoredDuringExecution", "Every term must match.";
    "preferred" in AFFINITY, "list of node terms with `weight`" => "preferredDuringSchedulingIgnoredDuringExecution", "Terms the scheduler tries to match.";
}

/// Keys allowed in a context, for "did you mean".
pub fn keys_in(ctx: Contexts) -> impl Iterator<Item = &'static str> {
    KEYS.iter().filter(move |k| k.contexts & ctx != 0).map(|k| k.key)
}

/// A pipec key whose Kubernetes field is named `word` (`backoffLimit` → `retries`).
pub fn by_kubernetes_name(word: &str, ctx: Contexts) -> Option<&'static KeyDoc> {
    let norm = |s: &str| s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    let word = norm(word);
    KEYS.iter().filter(|k| k.contexts & ctx != 0).find(|k| {
        k.k8s.split(['.', ' ', '[', '(', ',', '{', '}']).filter(|s| !s.is_empty()).any(|seg| norm(seg) == word)
            && !word.is_empty()
            && norm(k.key) != word
    })
}

/// The reference page `docs/reference/keys.md`, generated from [`KEYS`].
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Keys\n\nGenerated from `src/schema.rs` (a test keeps this page equal to it). \
         Each key lists where it may be written, what it takes, and the Kubernetes field it becomes.\n",
    );
    // Each key is listed once, in the first section all of whose contexts it has.
    let sections: &[(&str, Contexts)] = &[
        ("Containers (in `job`, `cron`, `daemon`, `container`, `init`)", CONTAINER),
        ("Pods (in `job`, `cron`, `daemon`)", WORKLOAD),
        ("Jobs (in `job` and `cron`)", JOB | CRON),
        ("CronJobs (in `cron`)", CRON),
        ("DaemonSets (in `daemon`)", DAEMON),
        ("ConfigMaps (in `config`)", CONFIG),
        ("Secrets (in `secret`)", SECRET),
        ("Resources (in `resources`, `requests`, `limits`)", RESOURCES),
        ("Tolerations (items of `tolerations`)", TOLERATION),
        ("Affinity (in `affinity`)", AFFINITY),
        ("Node terms (items of `required` and `preferred`)", NODE_TERM),
        ("Failure policy rules (items of `failure-policy`)", FAILURE_RULE),
        ("Success policy rules (items of `success-policy`)", SUCCESS_RULE),
    ];
    let mut seen = std::collections::HashSet::new();
    for (title, ctx) in sections {
        out.push_str(&format!("\n## {title}\n\n| key | takes | Kubernetes field | meaning |\n|---|---|---|---|\n"));
        for (_, k) in KEYS.iter().enumerate().filter(|(i, k)| k.contexts & ctx == *ctx && seen.insert(*i)) {
            out.push_str(&format!("| `{}` | {} | `{}` | {} |\n", k.key, k.takes.replace('|', "\\|"), k.k8s, k.doc));
        }
    }
    out
}
