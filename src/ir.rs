//! The checked program: every value typed, every name resolved, defaults that
//! pipec decides (restart policy, pull policy) filled in. `lower` turns this into
//! Kubernetes objects without having to report anything.

use crate::kinds::Kind;
use crate::units::Quantity;
use std::collections::BTreeMap;

mod pipeline;
pub use pipeline::{ARGO_RUN, ARGO_SERVICE_STEP, Pipeline, RUN_PLACEHOLDER, Task, Work};

pub type StringMap = BTreeMap<String, String>;

#[derive(Debug, Clone)]
pub struct Program {
    /// Value of the `pipec.dev/program` label: the file name without `.pipe`.
    pub name: String,
    pub namespace: Option<String>,
    /// Value of the `app.kubernetes.io/managed-by` label: `pipec`, or the tool named
    /// with `--managed-by` that takes the objects over.
    pub manager: String,
    /// The Kubernetes version the objects are for (the re-check of `raw` patches reads it).
    pub kube_version: crate::version::KubeVersion,
    /// `--target`: what fan-out groups, Spark jobs and pipelines lower to.
    pub target: crate::target::Target,
    /// In source order (empty when the objects went to a [`crate::check::Sink`]).
    pub objects: Vec<Object>,
    /// Every object's kind and name, in source order, also when the objects themselves were not kept.
    pub keys: Vec<ObjectKey>,
}

impl Program {
    /// The program without its objects (what lowering an object needs).
    pub fn clone_header(&self) -> Program {
        Program {
            name: self.name.clone(),
            namespace: self.namespace.clone(),
            manager: self.manager.clone(),
            kube_version: self.kube_version,
            target: self.target,
            objects: Vec::new(),
            keys: Vec::new(),
        }
    }
}

/// What identifies an object in a cluster (with the program's namespace).
#[derive(Debug, Clone)]
pub struct ObjectKey {
    /// `Job`, `CronJob`, …
    pub kind: &'static str,
    pub name: String,
    /// Where the name was written.
    pub span: crate::source::Span,
}

#[derive(Debug, Clone)]
pub struct Meta {
    pub name: String,
    /// Where the name was written (for clashes across files).
    pub span: crate::source::Span,
    pub labels: StringMap,
    pub annotations: StringMap,
    /// `raw { "spec.template.spec.hostNetwork" = true }`: set on the emitted object.
    pub raw: Vec<RawPatch>,
}

/// A field the language does not model, set by path on the emitted object.
#[derive(Debug, Clone)]
pub struct RawPatch {
    /// `spec.template.spec.containers[0].stdin`
    pub path: String,
    pub value: serde_json::Value,
    pub span: crate::source::Span,
}

/// A checked item. It lowers to one object or several (`lower/kinds/`); its
/// name and `raw` patches are those of its own object.
#[derive(Debug, Clone)]
pub enum Object {
    Config(Config),
    Job(Job),
    Cron(Cron),
    Daemon(Daemon),
    Deployment(Deployment),
    /// `namespace "qa" { … }`: the Namespace itself.
    Namespace(Meta),
    ServiceAccount(ServiceAccount),
    /// `role` (namespaced) and `cluster-role`.
    Role(Role),
    /// `role-binding` and `cluster-role-binding`.
    Binding(Binding),
    Service(Service),
    /// `group`: one Indexed Job per role and a headless Service, or a JobSet.
    Group(Group),
    /// `spark NAME { … }`: the driver Job and the objects around it, or a SparkApplication.
    Spark(Box<Spark>),
    /// `pipeline NAME { task … }`: a graph of Jobs and what runs it.
    Pipeline(Pipeline),
    /// Lowers to a Job and a ConfigMap: tests one item → many objects.
    #[cfg(test)]
    Pair(Job),
}

impl Object {
    /// The kind of the item's own object.
    pub fn k8s_kind(&self) -> Kind {
        match self {
            Object::Config(_) => Kind::ConfigMap,
            Object::Job(_) => Kind::Job,
            Object::Cron(_) => Kind::CronJob,
            Object::Daemon(_) => Kind::DaemonSet,
            Object::Deployment(_) => Kind::Deployment,
            Object::Namespace(_) => Kind::Namespace,
            Object::ServiceAccount(_) => Kind::ServiceAccount,
            Object::Role(r) if r.cluster => Kind::ClusterRole,
            Object::Role(_) => Kind::Role,
            Object::Binding(b) if b.cluster => Kind::ClusterRoleBinding,
            Object::Binding(_) => Kind::RoleBinding,
            Object::Service(_) => Kind::Service,
            Object::Group(g) if g.jobset => Kind::JobSet,
            Object::Group(_) => Kind::Service,
            Object::Spark(s) if s.operator => Kind::SparkApplication,
            Object::Spark(_) => Kind::Job,
            Object::Pipeline(p) => p.k8s_kind(),
            #[cfg(test)]
            Object::Pair(_) => Kind::Job,
        }
    }

    /// The Kubernetes kind of the item's own object: `Job`, `ConfigMap`, …
    pub fn kind(&self) -> &'static str {
        self.k8s_kind().as_str()
    }

    /// Whether lowering the object applies `raw` patches (the item's own, or a group role's):
    /// such objects are lowered also when they are only checked, as only then are the patches.
    pub fn has_raw(&self) -> bool {
        match self {
            Object::Group(g) => !g.meta.raw.is_empty() || g.roles.iter().any(|r| !r.meta.raw.is_empty()),
            _ => !self.meta().raw.is_empty(),
        }
    }

    /// The pods the object runs, each with the name reports give it: `job/report`, a group's
    /// roles `group/train/worker`, a pipeline's tasks `pipeline/etl/load` (a fan-out task's
    /// roles `pipeline/etl/train/worker`).
    pub fn pods(&self) -> Vec<(String, &Pod)> {
        let one = |kind: &str, meta: &Meta, pod| vec![(format!("{kind}/{}", meta.name), pod)];
        match self {
            Object::Job(j) => one("job", &j.meta, &j.pod),
            Object::Cron(c) => one("cron", &c.meta, &c.pod),
            Object::Daemon(d) => one("daemon", &d.meta, &d.pod),
            Object::Deployment(d) => one("deployment", &d.meta, &d.pod),
            Object::Spark(s) => one("spark", &s.meta, &s.pod),
            Object::Group(g) => g.roles.iter().map(|r| (format!("group/{}/{}", g.meta.name, r.name), &r.pod)).collect(),
            Object::Pipeline(p) => p
                .tasks
                .iter()
                .flat_map(|t| match &t.work {
                    Work::Job { pod, .. } => vec![(format!("pipeline/{}/{}", p.meta.name, t.name), &**pod)],
                    Work::Group(g) => g
                        .roles
                        .iter()
                        .map(|r| (format!("pipeline/{}/{}/{}", p.meta.name, t.name, r.name), &r.pod))
                        .collect(),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn meta(&self) -> &Meta {
        match self {
            Object::Config(c) => &c.meta,
            Object::Job(j) => &j.meta,
            Object::Cron(c) => &c.meta,
            Object::Daemon(d) => &d.meta,
            Object::Deployment(d) => &d.meta,
            Object::Namespace(m) => m,
            Object::ServiceAccount(a) => &a.meta,
            Object::Role(r) => &r.meta,
            Object::Binding(b) => &b.meta,
            Object::Service(s) => &s.meta,
            Object::Group(g) => &g.meta,
            Object::Spark(s) => &s.meta,
            Object::Pipeline(p) => &p.meta,
            #[cfg(test)]
            Object::Pair(j) => &j.meta,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ServiceAccount {
    pub meta: Meta,
    pub automount_token: Option<bool>,
    pub image_pull_secrets: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub meta: Meta,
    /// A ClusterRole (else a Role of the program's namespace).
    pub cluster: bool,
    pub rules: Vec<PolicyRule>,
}

/// One rule of a role, as Kubernetes has it (empty lists are left out).
#[derive(Debug, Clone, Default)]
pub struct PolicyRule {
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub meta: Meta,
    /// A ClusterRoleBinding (else a RoleBinding of the program's namespace).
    pub cluster: bool,
    /// The role granted: a ClusterRole (else a Role), and its name.
    pub cluster_role: bool,
    pub role: String,
    pub subjects: Vec<Subject>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A ServiceAccount: its namespace (`None`: the program's) and name.
    ServiceAccount {
        namespace: Option<String>,
        name: String,
    },
    User(String),
    Group(String),
}

#[derive(Debug, Clone)]
pub struct Deployment {
    pub meta: Meta,
    pub replicas: Option<i32>,
    pub strategy: DeploymentStrategy,
    pub min_ready_seconds: Option<i32>,
    pub revision_history_limit: Option<i32>,
    pub progress_deadline_seconds: Option<i32>,
    pub paused: Option<bool>,
    /// The program's own selector, already in the pod labels; `None`: `app.kubernetes.io/name: <name>`.
    pub selector: Option<StringMap>,
    pub pod: Pod,
}

#[derive(Debug, Clone)]
pub enum DeploymentStrategy {
    /// Kubernetes' default (rolling, 25% / 25%).
    Default,
    Recreate,
    Rolling {
        max_unavailable: Option<IntOrPercent>,
        max_surge: Option<IntOrPercent>,
    },
}

#[derive(Debug, Clone)]
pub struct Service {
    pub meta: Meta,
    pub selector: StringMap,
    pub ports: Vec<ServicePort>,
    /// `clusterIP: None`.
    pub headless: bool,
    pub publish_not_ready: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: i32,
    /// A number or a container port's name; `None`: the same as `port`.
    pub target: Option<TargetPort>,
    pub protocol: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetPort {
    Number(i32),
    Name(String),
}

/// A fan-out group, checked: every member's environment (role, index, peers,
/// `TF_CONFIG`), labels and subdomain are already in its role's pod.
#[derive(Debug, Clone)]
pub struct Group {
    /// The group's own object: the headless Service, or the JobSet (`jobset`).
    pub meta: Meta,
    /// `--target jobset`: one JobSet (else Indexed Jobs and a headless Service).
    pub jobset: bool,
    /// The port in the peer addresses, also served by the headless Service.
    pub port: Option<i32>,
    pub roles: Vec<GroupRole>,
    /// The roles whose success is the group's (JobSet `successPolicy`); `None`: every role.
    pub success: Option<Vec<String>>,
    /// JobSet `failurePolicy.maxRestarts`.
    pub restarts: Option<i32>,
    /// JobSet `ttlSecondsAfterFinished` (the Jobs carry their own).
    pub ttl: Option<i32>,
}

/// One role: an Indexed Job of `replicas` members (a JobSet's replicated Job).
#[derive(Debug, Clone)]
pub struct GroupRole {
    /// As written (`worker`); the replicated Job's name.
    pub name: String,
    /// The Job's: `<group>-<role>`, with the role's `labels`, `annotations` and `raw`.
    pub meta: Meta,
    pub spec: JobSpec,
    pub pod: Pod,
    /// Its success is (part of) the group's: every counted role when no role decides alone,
    /// else the deciding one. The others (parameter servers, `until-done`) serve them.
    pub decides: bool,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub meta: Meta,
    pub data: StringMap,
    pub immutable: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub meta: Meta,
    pub spec: JobSpec,
    pub pod: Pod,
    /// `generate-name = true`: `metadata.generateName: <name>-` instead of `name`.
    pub generate_name: bool,
}

#[derive(Debug, Clone, Default)]
pub struct JobSpec {
    pub completions: Option<i32>,
    pub parallelism: Option<i32>,
    pub backoff_limit: Option<i32>,
    pub active_deadline_seconds: Option<i64>,
    pub ttl_seconds_after_finished: Option<i32>,
    pub completion_mode: Option<&'static str>,
    pub suspend: Option<bool>,
    pub backoff_limit_per_index: Option<i32>,
    pub max_failed_indexes: Option<i32>,
    pub pod_failure_policy: Option<Vec<FailureRule>>,
    pub success_policy: Option<Vec<SuccessRule>>,
    pub pod_replacement_policy: Option<&'static str>,
    pub managed_by: Option<String>,
}

#[derive(Debug, Clone)]
pub struct FailureRule {
    pub action: &'static str,
    pub on_exit_codes: Option<ExitCodes>,
    /// (condition type, status)
    pub on_pod_conditions: Vec<(String, &'static str)>,
}

#[derive(Debug, Clone)]
pub struct ExitCodes {
    pub container: Option<String>,
    pub operator: &'static str,
    /// Sorted, without duplicates (as Kubernetes requires).
    pub values: Vec<i32>,
}

#[derive(Debug, Clone)]
pub struct SuccessRule {
    pub indexes: Option<String>,
    pub count: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct Cron {
    pub meta: Meta,
    pub cron: CronSchedule,
    pub suspend: Option<bool>,
    /// Metadata of the Jobs it creates (`job-labels`, `job-annotations`).
    pub job_labels: StringMap,
    pub job_annotations: StringMap,
    pub job: JobSpec,
    pub pod: Pod,
}

/// `schedule = "0 2 * * *"` and the CronJob keys around it: a `cron`'s, and a scheduled
/// pipeline's (its CronJob, or on Argo its CronWorkflow).
#[derive(Debug, Clone)]
pub struct CronSchedule {
    pub schedule: String,
    pub time_zone: Option<String>,
    /// `Allow`, `Forbid` or `Replace`.
    pub concurrency_policy: Option<&'static str>,
    pub starting_deadline_seconds: Option<i64>,
    pub successful_jobs_history_limit: Option<i32>,
    pub failed_jobs_history_limit: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct Daemon {
    pub meta: Meta,
    pub update: UpdateStrategy,
    pub min_ready_seconds: Option<i32>,
    /// The program's own selector (`selector`), already in the pod labels; `None`:
    /// pipec's `app.kubernetes.io/name: <name>`.
    pub selector: Option<StringMap>,
    pub pod: Pod,
}

#[derive(Debug, Clone)]
pub enum UpdateStrategy {
    /// Kubernetes' default (`RollingUpdate`, `maxUnavailable: 1`): emit nothing.
    Default,
    Rolling {
        max_unavailable: Option<IntOrPercent>,
        max_surge: Option<IntOrPercent>,
    },
    OnDelete,
}

#[derive(Debug, Clone, PartialEq)]
pub enum IntOrPercent {
    Int(i32),
    Percent(String),
}

#[derive(Debug, Clone, Default)]
pub struct Pod {
    pub containers: Vec<Container>,
    pub init_containers: Vec<Container>,
    pub volumes: Vec<Volume>,
    pub restart_policy: &'static str,
    pub node_selector: StringMap,
    /// Labels and annotations of the pod template (`pod-labels`, `pod-annotations`).
    /// `template-name`: the pod template's `metadata.name` (unused by Kubernetes).
    pub template_name: Option<String>,
    pub labels: StringMap,
    pub annotations: StringMap,
    pub tolerations: Vec<Toleration>,
    pub affinity: Option<NodeAffinity>,
    pub service_account: Option<String>,
    pub priority_class: Option<String>,
    pub termination_grace_seconds: Option<i64>,
    // ---- security area: the pod's security context and what it implies
    pub security: Option<Box<PodSecurity>>,
    pub host_network: Option<Written<bool>>,
    pub host_pid: Option<Written<bool>>,
    pub host_ipc: Option<Written<bool>>,
    pub automount_token: Option<Written<bool>>,
    // ---- pod-spec area: host namespaces, DNS, scheduling, template metadata
    /// `None` when the workload writes none of them (boxed: the pod stays small to move).
    pub spec: Option<Box<PodSpecKeys>>,
    // ---- volumes area: sidecars and volume sources
}

#[derive(Debug, Clone, Default)]
pub struct Container {
    pub name: String,
    /// Where the container is declared, and where its `resources` are (for QoS messages).
    pub span: Option<crate::source::Span>,
    pub resources_span: Option<crate::source::Span>,
    pub image: String,
    pub pull_policy: &'static str,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub working_dir: Option<String>,
    /// `tty`, `stdin`: emitted as written (Kubernetes' default is `false`).
    pub tty: Option<bool>,
    pub stdin: Option<bool>,
    pub env: Vec<EnvVar>,
    pub resources: Resources,
    pub mounts: Vec<Mount>,
    // ---- security area: the container's security context
    pub security: Option<Box<SecurityContext>>,
    // ---- probes area: ports, probes, lifecycle, termination message, env-from
    pub ports: Vec<Port>,
    pub env_from: Vec<EnvFrom>,
    /// Probes, lifecycle hooks and the termination message: boxed, since most containers have none.
    pub probes: Option<Box<Probes>>,
    // ---- volumes area: mount propagation, sidecar restart policy
    /// `Always` on an init container (a native sidecar), and where it was written.
    pub restart: Option<(&'static str, crate::source::Span)>,
}

#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: String,
    pub value: EnvValue,
}

#[derive(Debug, Clone)]
pub enum EnvValue {
    Literal(String),
    ConfigKey { config: String, key: String },
    SecretKey { secret: String, key: String },
    Field(String),
    Resource(String),
}

#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub requests: BTreeMap<String, Quantity>,
    pub limits: BTreeMap<String, Quantity>,
}

#[derive(Debug, Clone)]
pub struct Mount {
    pub volume: String,
    pub path: String,
    pub read_only: bool,
    pub sub_path: Option<String>,
    /// `None`, `HostToContainer` or `Bidirectional`, and where it was written.
    pub propagation: Option<(&'static str, crate::source::Span)>,
}

#[derive(Debug, Clone)]
pub struct Volume {
    pub name: String,
    pub source: VolumeSource,
}

#[derive(Debug, Clone, PartialEq)]
pub enum VolumeSource {
    Config(Keyed),
    Secret(Keyed),
    EmptyDir { medium: Option<&'static str>, size_limit: Option<Quantity> },
    HostPath { path: String, kind: Option<&'static str> },
    Pvc { claim: String, read_only: bool },
    DownwardApi { items: Vec<DownwardItem>, default_mode: Option<i32> },
    Projected { sources: Vec<Projection>, default_mode: Option<i32> },
    Ephemeral(Claim),
}

/// A ConfigMap or Secret as files: all its keys, or only `items`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Keyed {
    pub name: String,
    pub items: Vec<KeyPath>,
    /// Permission bits (0–0o777); never set inside a projected volume (it has its own).
    pub default_mode: Option<i32>,
    pub optional: Option<bool>,
}

impl Keyed {
    pub fn named(name: &str) -> Keyed {
        Keyed { name: name.to_string(), ..Keyed::default() }
    }
}

/// One key as one file.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPath {
    pub key: String,
    /// Relative, without `..`.
    pub path: String,
    pub mode: Option<i32>,
}

/// One file of a downward-API volume.
#[derive(Debug, Clone, PartialEq)]
pub struct DownwardItem {
    pub path: String,
    pub from: DownwardRef,
    pub mode: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DownwardRef {
    Field(String),
    /// A container's resource; `span` is where the container is named (checked against the pod's).
    Resource {
        resource: String,
        container: String,
        divisor: Option<Quantity>,
        span: crate::source::Span,
    },
}

/// One source of a projected volume.
#[derive(Debug, Clone, PartialEq)]
pub enum Projection {
    Config(Keyed),
    Secret(Keyed),
    DownwardApi(Vec<DownwardItem>),
    Token { path: String, audience: Option<String>, expiration_seconds: Option<i64> },
}

/// A generic ephemeral volume: a PersistentVolumeClaim made with the pod and deleted with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub size: Quantity,
    pub class: Option<String>,
    /// `ReadWriteOnce`, …; at least one.
    pub access: Vec<&'static str>,
    pub mode: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Toleration {
    pub key: Option<String>,
    pub operator: Option<&'static str>,
    pub value: Option<String>,
    pub effect: Option<&'static str>,
    pub seconds: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct NodeAffinity {
    /// All must hold (one node selector term).
    pub required: Vec<NodeRequirement>,
    /// `required-any`: one of these terms must hold (each with `required` added to it).
    pub required_any: Vec<Vec<NodeRequirement>>,
    pub preferred: Vec<(i32, NodeRequirement)>,
}

#[derive(Debug, Clone)]
pub struct NodeRequirement {
    pub key: String,
    pub operator: &'static str,
    pub values: Vec<String>,
}

/// A value and where it was written; `span` is `None` when `defaults` filled it in.
/// (The Pod Security Standards check points at the field that breaks a level.)
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Written<T> {
    pub value: T,
    pub span: Option<crate::source::Span>,
}

impl<T> Written<T> {
    pub fn at(value: T, span: crate::source::Span) -> Written<T> {
        Written { value, span: Some(span) }
    }
    pub fn default(value: T) -> Written<T> {
        Written { value, span: None }
    }
}

/// A seccomp or AppArmor profile: `RuntimeDefault`, `Unconfined` or `Localhost` with its profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub kind: &'static str,
    pub localhost: Option<String>,
}

/// What a container's and a pod's security contexts share.
#[derive(Debug, Clone, Default)]
pub struct RunAs {
    pub user: Option<Written<i64>>,
    pub group: Option<Written<i64>>,
    pub non_root: Option<Written<bool>>,
    pub seccomp: Option<Written<Profile>>,
    pub apparmor: Option<Written<Profile>>,
    /// `selinux { … }`: boxed, as it is rare (an absent block is one null pointer).
    pub selinux: Option<Box<SeLinux>>,
}

/// `selinux { user, role, type, level }` (`SELinuxOptions`), each as written.
#[derive(Debug, Clone, Default)]
pub struct SeLinux {
    pub user: Option<Written<String>>,
    pub role: Option<Written<String>>,
    pub type_: Option<Written<String>>,
    pub level: Option<Written<String>>,
}

/// `security-context { … }` of a container.
#[derive(Debug, Clone, Default)]
pub struct SecurityContext {
    pub run_as: RunAs,
    pub read_only_root: Option<bool>,
    pub privileged: Option<Written<bool>>,
    pub allow_privilege_escalation: Option<Written<bool>>,
    /// Without the `CAP_` prefix, as Kubernetes wants them.
    pub add: Vec<Written<String>>,
    /// `None` when `drop` is not written (so that defaults can fill it).
    pub drop: Option<Written<Vec<String>>>,
    /// `proc-mount`: `Default` or `Unmasked`.
    pub proc_mount: Option<Written<&'static str>>,
    /// The `security-context` block.
    pub span: Option<crate::source::Span>,
}

/// `pod-security-context { … }` of a workload.
#[derive(Debug, Clone, Default)]
pub struct PodSecurity {
    pub run_as: RunAs,
    pub fs_group: Option<i64>,
    pub fs_group_change_policy: Option<&'static str>,
    pub supplemental_groups: Vec<i64>,
    pub sysctls: Vec<Written<(String, String)>>,
    /// `selinux-change-policy`: `Recursive` or `MountOption`.
    pub selinux_change_policy: Option<&'static str>,
}

/// The pod-spec keys beyond containers and placement (`check/pod_spec.rs`); all
/// absent by default, so an unused key costs nothing.
#[derive(Debug, Clone, Default)]
pub struct PodSpecKeys {
    pub dns_policy: Option<&'static str>,
    pub dns_config: Option<DnsConfig>,
    pub node_name: Option<String>,
    pub hostname: Option<String>,
    pub subdomain: Option<String>,
    pub enable_service_links: Option<bool>,
    pub share_process_namespace: Option<bool>,
    pub image_pull_secrets: Vec<String>,
    pub runtime_class: Option<String>,
    pub scheduler_name: Option<String>,
    pub preemption_policy: Option<&'static str>,
    pub host_aliases: Vec<HostAlias>,
    pub topology_spread: Vec<TopologySpread>,
}

#[derive(Debug, Clone, Default)]
pub struct DnsConfig {
    pub nameservers: Vec<String>,
    pub searches: Vec<String>,
    /// (name, value)
    pub options: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone)]
pub struct HostAlias {
    pub ip: String,
    pub hostnames: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TopologySpread {
    pub max_skew: i32,
    pub topology_key: String,
    pub when_unsatisfiable: &'static str,
    pub match_labels: StringMap,
    pub match_label_keys: Vec<String>,
    pub min_domains: Option<i32>,
    pub node_affinity_policy: Option<&'static str>,
    pub node_taints_policy: Option<&'static str>,
}

// ---- probes area: ports, probes, lifecycle hooks, termination message, env-from

#[derive(Debug, Clone)]
pub struct Port {
    pub name: Option<String>,
    pub container_port: i32,
    /// `None`: Kubernetes' default, TCP.
    pub protocol: Option<&'static str>,
    /// `None` or 0: no host port.
    pub host_port: Option<i32>,
    pub host_ip: Option<String>,
    pub span: crate::source::Span,
}

#[derive(Debug, Clone, Default)]
pub struct Probes {
    pub liveness: Option<Probe>,
    pub readiness: Option<Probe>,
    pub startup: Option<Probe>,
    pub post_start: Option<Hook>,
    pub pre_stop: Option<Hook>,
    pub termination_message_path: Option<String>,
    pub termination_message_policy: Option<&'static str>,
}

impl Probes {
    /// Where each probe and hook is written, with its key (for rules about the container).
    pub fn spans(&self) -> impl Iterator<Item = (&'static str, crate::source::Span)> + '_ {
        let probes = [("liveness", &self.liveness), ("readiness", &self.readiness), ("startup", &self.startup)];
        let hooks = [("post-start", &self.post_start), ("pre-stop", &self.pre_stop)];
        probes
            .into_iter()
            .filter_map(|(k, p)| p.as_ref().map(|p| (k, p.span)))
            .chain(hooks.into_iter().filter_map(|(k, h)| h.as_ref().map(|h| (k, h.span))))
    }
}

#[derive(Debug, Clone)]
pub struct Probe {
    pub handler: Handler,
    pub initial_delay: Option<i32>,
    pub period: Option<i32>,
    pub timeout: Option<i32>,
    pub failure_threshold: Option<i32>,
    pub success_threshold: Option<i32>,
    pub termination_grace: Option<i64>,
    pub span: crate::source::Span,
}

#[derive(Debug, Clone)]
pub struct Hook {
    pub handler: Handler,
    pub span: crate::source::Span,
}

/// What a probe or hook does (a probe cannot sleep, a hook cannot use tcp or grpc).
#[derive(Debug, Clone)]
pub enum Handler {
    Exec(Vec<String>),
    Http(HttpGet),
    Tcp(PortRef),
    Grpc { port: i32, service: Option<String> },
    Sleep { seconds: i64, span: crate::source::Span },
}

#[derive(Debug, Clone)]
pub struct HttpGet {
    pub path: Option<String>,
    pub port: PortRef,
    pub scheme: Option<&'static str>,
    /// `host`: the address connected to instead of the pod's IP, and where it is written.
    pub host: Option<Written<String>>,
    /// In the order written.
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PortRef {
    Number(i32),
    Name(String),
}

#[derive(Debug, Clone)]
pub struct EnvFrom {
    pub source: EnvFromSource,
    pub prefix: Option<String>,
    pub optional: Option<bool>,
}

#[derive(Debug, Clone)]
pub enum EnvFromSource {
    Config(String),
    Secret(String),
}

/// A checked `spark` item (docs/reference/spark.md). Every name and setting is
/// decided here; lowering only chooses the form (`--target`).
#[derive(Debug, Clone)]
pub struct Spark {
    /// The driver Job's (or the SparkApplication's) name and metadata.
    pub meta: Meta,
    /// The driver's pod as written; its main container's `args` are the application's.
    pub pod: Pod,
    pub main_class: Option<String>,
    /// `local:///…` or a URL.
    pub main_file: String,
    pub language: SparkLanguage,
    /// The image of the driver and the executors (the main container's).
    pub image: String,
    pub driver: SparkResources,
    pub executor: SparkResources,
    pub executors: i32,
    /// The program's own Spark settings (none of those the item sets itself).
    pub conf: StringMap,
    /// The driver's ServiceAccount, and whether the item makes it (else the program's
    /// `service-account` item of that name is used).
    pub service_account: String,
    pub own_service_account: bool,
    /// The headless Service in front of the driver (a DNS-1035 label).
    pub service: String,
    pub retries: i32,
    pub deadline: Option<(i64, crate::source::Span)>,
    pub ttl: Option<i64>,
    /// `spark-version`, or the image's tag when it is a version (`None`: neither).
    pub spark_version: Option<String>,
    /// `--target spark-operator`: a SparkApplication (else a Job and the objects around it).
    pub operator: bool,
}

/// The labels of a `spark` driver's pod, which its Service selects (Spark's own label keys).
pub fn spark_driver_labels(name: &str) -> [(&'static str, String); 2] {
    [("spark-app-name", name.to_string()), ("spark-role", "driver".to_string())]
}

/// What the application file is, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SparkLanguage {
    /// A jar (Scala or Java): needs a main class.
    Jvm,
    Python,
    R,
}

/// A driver's or an executor's resources, as Spark counts them.
#[derive(Debug, Clone)]
pub struct SparkResources {
    pub cores: i32,
    /// The pod's CPU request and limit.
    pub cpu: Quantity,
    pub cpu_limit: Option<Quantity>,
    /// The JVM heap and the memory beyond it, in MiB (Spark's unit).
    pub memory_mib: i64,
    pub overhead_mib: i64,
}
