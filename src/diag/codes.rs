//! The one list of diagnostic codes. A code never changes meaning once
//! released; retired codes stay reserved. Each code has a page in `docs/errors/`
//! (embedded in the binary for `pipec explain`), and `docs/checks.md` is
//! generated from this table; tests keep all three in step.

macro_rules! codes {
    ($($variant:ident = $code:literal, $title:literal, $rule:literal;)*) => {
        /// A stable diagnostic code (`P0001`…).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }
            /// One line saying what the code is about (the page title).
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title),* }
            }
            /// The page `pipec explain` prints: `docs/errors/<code>.md`, embedded at build
            /// time (a missing page is a build error, so code and pages cannot drift apart).
            pub fn page(self) -> &'static str {
                match self { $(Code::$variant => include_str!(concat!("../../docs/errors/", $code, ".md"))),* }
            }
            /// The Kubernetes rule or behaviour the check pre-empts ("" for language rules).
            pub fn rule(self) -> &'static str {
                match self { $(Code::$variant => $rule),* }
            }
            pub fn parse(text: &str) -> Option<Code> {
                let text = text.trim();
                Code::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(text))
            }
        }
    };
}

codes! {
    // ---- syntax: P00xx
    Syntax = "P0001", "syntax error", "";
    UnterminatedString = "P0002", "unterminated string", "";
    BadEscape = "P0003", "unknown escape sequence in a string", "";
    TooDeep = "P0004", "nesting too deep", "";
    NotUtf8 = "P0005", "source file is not UTF-8", "";
    EmptyProgram = "P0006", "program declares nothing", "";
    BadNumber = "P0007", "malformed number or unit", "Quantities are `<number><suffix>` with binary or decimal suffixes";
    BadInterpolation = "P0008", "malformed `${…}` interpolation", "";
    TooLarge = "P0009", "source file too large", "";
    // ---- P0010–P0029: recovery inside items
    MissingValue = "P0010", "`=` without a value on its line", "";
    EntriesNotSeparated = "P0011", "two entries on one line without `,`", "";
    // ---- range: fmt P0030–P0039
    FormatChangesProgram = "P0030", "formatting would change the program", "";
    // ---- names: P01xx
    UnknownKey = "P0101", "unknown key", "Unknown fields are dropped by the API server (or rejected with strict validation)";
    DuplicateKey = "P0102", "key given twice", "Duplicate keys in YAML: the last one silently wins";
    DuplicateObject = "P0103", "two objects with the same kind and name", "One object per kind, namespace and name; container and volume names unique in a pod";
    UnknownName = "P0104", "unknown name", "";
    DuplicateNamespace = "P0105", "namespace declared twice", "";
    MissingKey = "P0106", "required key missing", "Required fields: container image, CronJob schedule";
    UnknownFunction = "P0107", "unknown function", "";
    DuplicateLet = "P0108", "`let` binding declared twice", "";
    ImportCycle = "P0109", "modules that import each other", "";
    ModuleNotFound = "P0110", "imported module not found", "";
    ObjectInModule = "P0111", "object declared in an imported module", "";
    // ---- types and units: P02xx
    TypeMismatch = "P0201", "value of the wrong type", "Field types of the OpenAPI schema";
    UnitMismatch = "P0202", "value with the wrong unit", "Seconds fields take durations, resources take quantities";
    SuspiciousUnit = "P0203", "unit that is almost surely a mistake", "`memory: 10m` is accepted and means 0.01 bytes";
    OutOfRange = "P0204", "value out of range", "completions, parallelism, backoffLimit ≥ 0; activeDeadlineSeconds > 0; int32 fields";
    UnknownVariant = "P0205", "unknown choice for this key", "Enum fields (restartPolicy, concurrencyPolicy, imagePullPolicy, …)";
    BadArguments = "P0206", "wrong arguments to a function", "";
    BadTemplateArgs = "P0207", "wrong arguments to a template", "";
    BadParamValue = "P0208", "param without a valid value", "";
    ExpansionTooLarge = "P0209", "program that expands to too many objects", "";
    // ---- files: P03xx
    FileUnreadable = "P0301", "`file(…)` cannot be read", "";
    // ---- Kubernetes rules: P04xx
    RestartPolicy = "P0401", "restart policy the workload kind does not allow", "Job pods: Never or OnFailure; DaemonSet pods: Always";
    InlineSecret = "P0402", "secret values written in the program", "Secrets do not belong in Git";
    InvalidName = "P0403", "name Kubernetes does not accept", "DNS-1123 names; Job ≤ 63, CronJob ≤ 52; ConfigMap keys; env var names; image references";
    MountPath = "P0404", "mount path Kubernetes does not accept", "mountPath absolute; subPath relative without `..`; hostPath absolute";
    DuplicateMountPath = "P0405", "two mounts at the same path", "mountPath unique per container";
    UndeclaredSecretKey = "P0406", "key not declared by the secret", "secretKeyRef to a missing key fails the pod at start";
    ConfigKeyMissing = "P0407", "config key that does not exist", "configMapKeyRef to a missing key fails the pod at start";
    FieldTooNew = "P0408", "field newer than the target Kubernetes version", "Older API servers silently drop fields they do not know";
    BetaField = "P0409", "field in beta on the target Kubernetes version", "Beta features can be switched off by the cluster's feature gates";
    RemovedApi = "P0410", "API version the target Kubernetes version removed", "batch/v1beta1 CronJob was removed in 1.25";
    IndexedOnly = "P0411", "field that needs `completion-mode = indexed`", "backoffLimitPerIndex, maxFailedIndexes, successPolicy need completionMode Indexed";
    FailurePolicy = "P0412", "pod failure policy Kubernetes rejects", "podFailurePolicy: ≤ 20 rules, restartPolicy Never, one of onExitCodes/onPodConditions, codes ≤ 255 unique, NotIn without 0";
    RetriesUnreachable = "P0413", "deadline ends the Job before its retries can be used", "activeDeadlineSeconds wins over backoffLimit";
    RequestsOverLimits = "P0414", "resource request above its limit", "requests must be ≤ limits for every resource";
    QosMismatch = "P0415", "workload does not get the QoS class it asserts", "The kubelet's QoS rule: Guaranteed, Burstable, BestEffort";
    InvalidLabel = "P0416", "label key or value Kubernetes rejects", "Label keys: prefix/name ≤ 63; values ≤ 63 of [A-Za-z0-9._-]; reserved prefixes";
    TooBig = "P0417", "object larger than Kubernetes allows", "Annotations ≤ 256 KiB in total; ConfigMap data ≤ 1 MiB";
    RollingUpdateZero = "P0418", "rolling update that can never make progress", "DaemonSet and Deployment maxUnavailable and maxSurge cannot both be 0";
    IndexedHostname = "P0419", "Indexed Job whose pod hostnames are too long", "Pods get hostname `<job>-<index>`, a DNS label ≤ 63";
    BadSchedule = "P0420", "cron schedule Kubernetes rejects", "Five fields, ranges, steps, names; no TZ= in the schedule";
    UnknownTimeZone = "P0421", "time zone not in the IANA database", "CronJob timeZone must name a zone of the tz database";
    SuspiciousSchedule = "P0422", "schedule that probably does not do what was meant", "A run every minute with runs longer than a minute pile up; startingDeadlineSeconds < 10 may never start";
    RawField = "P0423", "`raw` field Kubernetes does not have, or of the wrong type", "Unknown fields are dropped by the API server; wrong types are rejected";
    // ---- P0424–P0429: conformance

    // ---- P0430–P0439: security contexts, Pod Security Standards
    SecurityContext = "P0430", "security context Kubernetes rejects or the kubelet cannot start", "privileged with allowPrivilegeEscalation false is rejected; runAsNonRoot with runAsUser 0 never starts; Localhost seccomp/AppArmor needs a profile";
    UnknownCapability = "P0431", "capability name Linux does not have", "Capabilities are Linux's names without `CAP_` (NET_BIND_SERVICE); the runtime fails the container on an unknown one";
    InvalidSysctl = "P0432", "sysctl name Kubernetes rejects", "Sysctl names are dot- or slash-separated lowercase segments, ≤ 253, each given once";
    UnsafeSysctl = "P0433", "sysctl outside the kubelet's safe set", "The kubelet rejects pods with unsafe sysctls unless started with --allowed-unsafe-sysctls";
    PodSecurityMismatch = "P0434", "workload does not meet the Pod Security Standards level it asserts", "Pod Security admission rejects pods that break the namespace's enforced level";
    DuplicateDefaults = "P0435", "`defaults` given twice", "";
    // ---- range: selinux P0436–P0439 (SELinux options, procMount)
    EmptySeLinuxField = "P0436", "empty `selinux` field", "An empty SELinux user, role, type or level is the same as none: the runtime's default applies";
    UnmaskedProcMount = "P0437", "`proc-mount = unmasked` in a pod that shares the node's user namespace", "The API server rejects procMount Unmasked unless the pod sets hostUsers: false";

    // ---- P0440–P0449: ports, probes, lifecycle, env-from
    PortName = "P0440", "port name Kubernetes does not accept", "Port names are IANA service names: ≤ 15 of lowercase a-z0-9 and `-`, a letter, no `--`, no `-` at either end";
    DuplicatePort = "P0441", "port given twice", "Port names unique in the pod; port and protocol unique per container; host port, protocol and IP unique in the pod";
    ProbeHandler = "P0442", "probe or hook without exactly one handler", "A probe has one of exec, httpGet, tcpSocket, grpc; a hook one of exec, httpGet, sleep (tcpSocket is deprecated there)";
    ProbeTiming = "P0443", "probe or hook setting Kubernetes rejects", "successThreshold 1 for liveness and startup; no terminationGracePeriodSeconds on readiness; sleep within the pod's grace period";
    UnknownPort = "P0444", "probe port that the container does not name", "A named probe port must be a port of that container, or the probe fails at every check";
    InitContainerProbe = "P0445", "probe or lifecycle hook on an init container", "Init containers (other than sidecars) may not have lifecycle, livenessProbe, readinessProbe or startupProbe";
    EnvFrom = "P0446", "env-from source Kubernetes rejects", "envFrom: one configMapRef or secretRef each; prefix a valid environment variable name";
    HttpHeader = "P0447", "HTTP header name Kubernetes rejects", "httpHeaders names: letters, digits and `-`";
    TerminationMessagePath = "P0448", "termination message path that is not absolute", "terminationMessagePath is a file the kubelet reads inside the container";

    // ---- P0450–P0459: volumes, mounts, sidecars
    VolumeFilePath = "P0450", "file path in a volume Kubernetes rejects", "items[].path, downwardAPI and token paths: relative, no `..` element, not starting with `..`, unique within the volume and across a projected volume's sources";
    FileMode = "P0451", "file mode not written in octal, or outside 0–0777", "defaultMode and items[].mode must be 0–0777";
    DownwardApiVolume = "P0452", "downward-API file Kubernetes rejects", "Volume fieldRef: metadata.name, namespace, uid, labels, annotations only; resourceFieldRef needs the containerName of a container of the pod and a valid divisor";
    TokenExpiration = "P0453", "service account token lifetime Kubernetes rejects", "serviceAccountToken expirationSeconds ≥ 600 (10 minutes) and ≤ 2^32";
    EphemeralClaim = "P0454", "ephemeral volume claim Kubernetes rejects", "volumeClaimTemplate: a storage request > 0, access modes given, ReadWriteOncePod alone";
    MountPropagation = "P0455", "mount propagation Kubernetes rejects", "Bidirectional mount propagation only in privileged containers";
    ContainerRestart = "P0456", "container restart policy Kubernetes rejects", "Only init containers take restartPolicy, and only Always (a native sidecar)";

    // ---- P0460–P0469: pod spec: host namespaces, DNS, scheduling, selectors, template metadata
    NoMainContainer = "P0460", "`container-name` in a workload without a main container", "A workload without `image` has only its `container` blocks";
    SelectorMismatch = "P0461", "workload selector that does not select its own pods", "spec.selector of a DaemonSet or Deployment must be non-empty and match spec.template.metadata.labels; it cannot change after creation";
    DnsConfig = "P0462", "DNS settings Kubernetes rejects", "dnsPolicy None needs dnsConfig.nameservers; ≤ 3 nameservers; ≤ 32 searches of DNS subdomains, ≤ 2048 characters; option names required";
    TopologySpread = "P0463", "topology spread constraint Kubernetes rejects", "maxSkew ≥ 1; topologyKey a label key; minDomains only with DoNotSchedule; (topologyKey, whenUnsatisfiable) unique; matchLabelKeys need labelSelector and not its keys";
    InvalidAddress = "P0464", "IP address Kubernetes rejects", "dnsConfig.nameservers and hostAliases[].ip must be IPv4 or IPv6 addresses";

    // ---- P0470–P0479: rules re-run on `raw`, label ownership, and other fixes
    OwnedLabel = "P0470", "label that pipec sets itself", "app.kubernetes.io/managed-by and pipec.dev/program identify pipec's objects (ownership, prune)";
    ParallelismAboveCompletions = "P0471", "parallelism above the Job's completions", "The Job controller runs at most the remaining completions at once; a work queue drained by N workers leaves completions unset";

    // ---- P0480–P0499: service accounts, RBAC, namespaces, services, deployments
    UnknownVerb = "P0480", "RBAC verb Kubernetes does not have", "Verbs: get list watch create update patch delete deletecollection `*`; escalate and bind on roles, impersonate on users/groups/serviceaccounts, approve and sign on signers";
    UnknownResource = "P0481", "resource its API group does not have", "A rule for a resource that does not exist (`pod` for `pods`) grants nothing";
    PolicyRule = "P0482", "role rule Kubernetes rejects", "A rule needs verbs; resource rules need apiGroups and resources; nonResourceURLs only in a ClusterRole, alone, starting with `/`";
    UnknownRole = "P0483", "binding to a role the program does not have", "A RoleBinding to a missing Role grants nothing, silently";
    BindingSubject = "P0484", "binding subject Kubernetes rejects", "A subject is one ServiceAccount, User or Group; a ServiceAccount in a ClusterRoleBinding needs its namespace";
    ServiceAccountTypo = "P0485", "service account name close to one the program declares", "A pod naming a ServiceAccount that does not exist is never created";
    RoleRef = "P0486", "role reference Kubernetes rejects", "roleRef is one Role or ClusterRole; a RoleBinding's Role is in its own namespace; a ClusterRoleBinding grants ClusterRoles only";
    ServiceSelector = "P0487", "Service that selects no pod of the program", "A Service whose selector matches no pod has no endpoints: every connection to it fails";
    DeploymentSpec = "P0489", "Deployment settings Kubernetes rejects", "maxUnavailable and maxSurge not both 0; progressDeadlineSeconds > minReadySeconds; no on-delete strategy";
    ServicePort = "P0488", "Service port Kubernetes rejects, or that no selected pod has", "Ports: 1–65535, names DNS labels, required and unique with several ports, (port, protocol) unique, at least one unless headless; a named targetPort must be a container port of the pods";

    // ---- range: groups P0500–P0519 (fan-out groups, TensorFlow, JobSet)
    GroupNoRoles = "P0500", "group without roles", "A group is its roles: each role becomes an Indexed Job (a replicated Job of a JobSet)";
    GroupReplicas = "P0501", "role without members", "An Indexed Job needs completions ≥ 1 for a member to exist; a JobSet's replicated Job runs completions pods";
    GroupHostname = "P0502", "member hostname or group Service name Kubernetes rejects", "A pod's hostname `<job>-<index>` is a DNS label (≤ 63); a Service name is a DNS-1035 label (≤ 63, starts with a letter)";
    GroupDuplicateRole = "P0503", "two roles with one name", "Two roles would be the same Job (`<group>-<role>`) and the same hostnames";
    GroupRestart = "P0504", "role restart policy the group's failure handling cannot use", "podFailurePolicy requires restartPolicy Never (the kubelet restarts OnFailure containers in place: no pod ever fails)";
    GroupVersion = "P0505", "group life cycle the target Kubernetes version does not have", "successPolicy is beta in 1.31, GA in 1.33; backoffLimitPerIndex beta in 1.29, GA in 1.33; older API servers drop them silently";
    GroupFramework = "P0506", "role that is not a TensorFlow task type", "TF_CONFIG task types: chief (one), worker, ps, evaluator (one); the cluster needs a worker or a chief";
    GroupSuccess = "P0507", "group success that names no counted role", "successPolicy (and JobSet's targetReplicatedJobs) name roles that exist and that exit";
    GroupEnv = "P0508", "pod setting the group decides itself", "Each member's hostname and subdomain make its DNS name; PIPEC_* and TF_CONFIG are the peer environment the group promises";
    GroupTarget = "P0509", "group setting only a JobSet has", "Separate Jobs do not restart each other: recreating the whole group after a failure is JobSet's failurePolicy.maxRestarts";
    GroupNeverExits = "P0510", "role that never exits, with nothing to stop it", "A Job whose pods never exit runs forever; only activeDeadlineSeconds (or a JobSet's successPolicy) ends it";
    GroupEnvTooLong = "P0511", "peer variable longer than a process may be given", "Linux refuses to start a process with an environment string over 128 KiB (MAX_ARG_STRLEN): the container fails with E2BIG";
    // ---- range: spark (P0520–P0539): the `spark` item and `--target spark-operator`
    SparkOwnKey = "P0520", "key a `spark` item sets itself", "The driver container runs spark-submit with the resources of `driver { … }`";
    SparkConfConflict = "P0521", "Spark setting written again in `conf`", "spark-submit keeps the last `--conf` of a key: one of the two values is silently lost";
    SparkDriverCount = "P0522", "Spark driver count other than 1", "A Spark application has exactly one driver";
    SparkExecutors = "P0523", "Spark executor count below 1", "spark.executor.instances ≥ 1 (without dynamic allocation, 0 executors never run a task)";
    SparkResources = "P0524", "Spark resources Spark or Kubernetes refuses", "Memory in whole MiB, heap ≥ 450 MiB (a driver's 512 MiB: the JVM reports less than -Xmx); CPU > 0; a limit not below its request";
    SparkMainFile = "P0525", "Spark application file the driver cannot fetch", "The application is `local:///path` in the image or a URL the driver and executors can read";
    SparkMainClass = "P0526", "Spark main class missing or out of place", "A jar needs --class (spark-submit reads the manifest only of a local file); a Python or R file takes none";
    SparkName = "P0527", "Spark application name too long for its objects", "The driver's Service `<name>-driver` is a DNS-1035 label: ≤ 63, starting with a letter, no dots";
    SparkOperator = "P0528", "Spark setting a SparkApplication cannot carry", "`--target spark-operator`: sparkVersion is required; the operator has no deadline";
    SparkApiAccess = "P0529", "Spark driver without its ServiceAccount token", "The driver creates its executors through the API server, as its pod's ServiceAccount";

    // ---- P0600–P0629: pipeline
    UnknownTask = "P0600", "`after` names a task the pipeline does not have", "A dependency on a task that does not exist never succeeds: the task would wait forever";
    TaskAfterItself = "P0601", "a task after itself", "A task that waits for its own success never starts";
    TaskCycle = "P0602", "tasks that wait for each other", "A cycle of dependencies deadlocks: none of its tasks ever starts (Argo rejects the DAG)";
    DuplicateTask = "P0603", "two tasks with the same name", "Task Jobs are named after the task: two tasks would be one Job";
    PipelineTooLarge = "P0604", "graph too wide or too deep for its lowering", "The runner keeps every task's Job in one ConfigMap (at most 1 MiB) and polls each level; Argo stores the whole DAG in one object";
    TaskName = "P0605", "task Job name too long with the run id", "Job names are DNS labels (≤ 63 characters): the pipeline, the run id and the task must fit";
    TaskNotOnArgo = "P0607", "task that Argo cannot run as one pod", "An Argo DAG task is one pod retried by retryStrategy: Job completions, indexes and pod failure/success policies have no equivalent";
    TaskKey = "P0606", "Job key the pipeline sets for its tasks", "The runner owns a task Job's name and cleanup (ttlSecondsAfterFinished, ownerReferences)";
    ArgoTemplateName = "P0608", "two Argo templates with one name", "A Workflow's templates need distinct names, as do the tasks of one DAG; pipec names them after the pipeline, its tasks and their roles";
    // ---- range: import P0700–P0729 (`pipec import`: diagnostics in the YAML read)
    ImportYaml = "P0700", "YAML that does not parse", "The API server (and kubectl) refuse a manifest that is not YAML";
    ImportIndent = "P0701", "YAML key indented under a line that already has a value", "A key indented under `key: value` is not YAML; moved lines change which object a field belongs to";
    ImportKind = "P0702", "kind Kubernetes does not have", "Kinds are singular CamelCase names of the API (`Job`, not `Jobs`); an unknown kind is rejected";
    ImportObject = "P0703", "YAML document that is not a Kubernetes object", "Every object has `apiVersion`, `kind` and `metadata.name`";
    ImportApiVersion = "P0704", "removed or wrong API version", "batch/v1beta1 CronJobs were removed in 1.25, extensions/v1beta1 and apps/v1beta1–2 workloads in 1.16";
    ImportField = "P0705", "field its Kubernetes type does not have", "Unknown fields are dropped by the API server (or rejected with strict validation): a field at the wrong depth is silently lost";
    ImportInvalid = "P0706", "value of the wrong type for its Kubernetes field", "The API server rejects an object whose field has the wrong type";
    ImportAside = "P0707", "kind pipec has no item for, kept aside", "";
    ImportNamespace = "P0708", "object outside the program's namespace", "";
    ImportMeaning = "P0709", "operator field imported with another meaning", "";
    ImportConstruct = "P0710", "custom resource pipec cannot write the same, kept aside", "";
}

/// `docs/checks.md`: every check with its code and the Kubernetes rule it pre-empts.
pub fn checks_markdown() -> String {
    let mut out = String::from(
        "# Checks\n\nGenerated from `src/diag/codes.rs` (a test keeps this page equal to it). Every diagnostic \
         pipec reports, with the Kubernetes rule or behaviour it pre-empts; `pipec explain CODE` prints a \
         code's page (`docs/errors/`), with a wrong example and the fix.\n\n\
         | code | check | Kubernetes rule it pre-empts |\n|---|---|---|\n",
    );
    for c in Code::ALL {
        let rule = if c.rule().is_empty() { "— (a language rule)" } else { c.rule() };
        out.push_str(&format!(
            "| [{0}](errors/{0}.md) | {1} | {2} |\n",
            c.as_str(),
            c.title(),
            rule.replace('|', "\\|")
        ));
    }
    out
}
