//! Every key a program can write, as data: where it may appear (its contexts),
//! the shape of its value with its bounds, the Kubernetes field it becomes (a
//! type and a path of segments), the Kubernetes version that brought the field,
//! and its doc. One row per key, in one file per area (`container.rs`, `job.rs`, …).
//!
//! The checker reads plain keys through their rows (`check/read.rs`): shape,
//! bounds and version gate are applied in one place, and `Fields::take` only
//! accepts a row, so a key the checker reads always has one. Cross-field rules
//! stay code. The rows also drive "did you mean", the Kubernetes names users type
//! by habit (`backoffLimit` → `retries`), `docs/reference/keys.md` (generated; a
//! test keeps them equal) and, through `Block`/`Records`/`Labeled` shapes, a walk
//! of the key tree that tools (hover, completion, `import`) can do without
//! running the checker.

/// Defines each row as a constant (`schema::RETRIES`) and the area's list `KEYS`.
macro_rules! keys {
    ($($name:ident = $row:expr;)*) => {
        $(pub const $name: $crate::schema::Key = $row;)*
        pub(super) const KEYS: &[&$crate::schema::Key] = &[$(&$name),*];
    };
}

mod config;
mod container;
mod cron;
mod daemon;
mod deployment;
mod group;
mod job;
mod meta;
mod pipeline;
mod placement;
mod pod;
mod pod_spec;
mod policy;
mod probes;
mod rbac;
mod resources;
mod security;
mod service;
mod spark;
mod volumes;

pub use config::*;
pub use container::*;
pub use cron::*;
pub use daemon::*;
pub use deployment::*;
pub use group::*;
pub use job::*;
pub use meta::*;
pub use pipeline::*;
pub use placement::*;
pub use pod::*;
pub use pod_spec::*;
pub use policy::*;
pub use probes::*;
pub use rbac::*;
pub use resources::*;
pub use security::*;
pub use service::*;
pub use spark::*;
pub use volumes::*;

/// Where a key may be written (a bit set).
pub type Contexts = u128;
pub const JOB: Contexts = 1;
pub const CRON: Contexts = 1 << 1;
pub const DAEMON: Contexts = 1 << 2;
/// A `container NAME { … }` or `init NAME { … }` block.
pub const CONTAINER: Contexts = 1 << 3;
pub const CONFIG: Contexts = 1 << 4;
pub const SECRET: Contexts = 1 << 5;
pub const RESOURCES: Contexts = 1 << 6;
/// `requests { … }` and `limits { … }` inside `resources`.
pub const REQUESTS: Contexts = 1 << 7;
pub const TOLERATION: Contexts = 1 << 8;
pub const AFFINITY: Contexts = 1 << 9;
pub const NODE_TERM: Contexts = 1 << 10;
pub const FAILURE_RULE: Contexts = 1 << 11;
pub const SUCCESS_RULE: Contexts = 1 << 12;
/// A `deployment` (a workload kind like `job`, `cron`, `daemon`; issue 12's kinds helper).
pub const DEPLOYMENT: Contexts = 1 << 13;
// Bits 16 and up are taken by the areas added later, one range per area so that
// areas written at the same time never collide: 16–23 security contexts, 24–31
// ports, probes and lifecycle, 32–39 volumes, 40–47 pod-level blocks (selectors,
// DNS, topology spread, template metadata), 48–55 anything else.
/// `security-context { … }` of a container.
pub const SECURITY: Contexts = 1 << 16;
/// `pod-security-context { … }` of a workload.
pub const POD_SECURITY: Contexts = 1 << 17;
/// `capabilities { … }` inside `security-context`.
pub const CAPABILITIES: Contexts = 1 << 18;
/// The top-level `defaults { … }` item.
pub const DEFAULTS: Contexts = 1 << 19;
/// `selinux { … }` inside `security-context` or `pod-security-context`.
pub const SELINUX: Contexts = 1 << 20;
/// `liveness`, `readiness` and `startup` blocks.
pub const PROBE: Contexts = 1 << 24;
/// `post-start` and `pre-stop` blocks.
pub const HOOK: Contexts = 1 << 25;
/// The `http` check of a probe or hook.
pub const HTTP_GET: Contexts = 1 << 26;
/// The `grpc` check of a probe.
pub const GRPC: Contexts = 1 << 27;
/// One of a container's `ports`.
pub const PORT: Contexts = 1 << 28;

/// `dns-config { … }`.
pub const DNS_CONFIG: Contexts = 1 << 40;
/// Items of `options` in `dns-config`.
pub const DNS_OPTION: Contexts = 1 << 41;
/// Items of `topology-spread`.
pub const SPREAD: Contexts = 1 << 42;
/// Items of `host-aliases`.
pub const HOST_ALIAS: Contexts = 1 << 43;

// 48–55: the objects around the workloads (service accounts, RBAC, the Namespace, Services).
/// A `service-account NAME { … }` item.
pub const SERVICE_ACCOUNT_ITEM: Contexts = 1 << 48;
/// A `role NAME { … }` or `cluster-role NAME { … }` item.
pub const ROLE_ITEM: Contexts = 1 << 49;
/// A `service NAME { … }` item.
pub const SERVICE_ITEM: Contexts = 1 << 50;
/// One of the `rules` of a role or cluster role.
pub const POLICY_RULE: Contexts = 1 << 51;
/// A `role-binding NAME { … }` or `cluster-role-binding NAME { … }` item.
pub const BINDING_ITEM: Contexts = 1 << 52;
/// One of a Service's `ports`.
pub const SERVICE_PORT: Contexts = 1 << 53;
/// One of the `subjects` of a binding.
pub const SUBJECT: Contexts = 1 << 54;
/// The block of `namespace "…" { … }`.
pub const NAMESPACE_ITEM: Contexts = 1 << 55;
// 56–63: fan-out groups (issue 12's groups helper).
/// A `group NAME { … }` item.
pub const GROUP: Contexts = 1 << 56;
/// A `role NAME { … }` block of a group: one pod (the pod keys of a workload) and its count.
pub const GROUP_ROLE: Contexts = 1 << 57;
// 64–71: the `spark` item (issue 12's spark helper).
/// A `spark NAME { … }` item (a workload: its block is the driver's pod).
pub const SPARK: Contexts = 1 << 64;
/// `driver { … }` of a `spark`.
pub const SPARK_DRIVER: Contexts = 1 << 65;
/// `executor { … }` of a `spark`.
pub const SPARK_EXECUTOR: Contexts = 1 << 66;
// 72–79: pipelines.
/// A `task NAME { … }` of a pipeline: the keys of a `job` and these (read as `JOB | TASK`).
pub const TASK: Contexts = 1 << 72;
/// A `pipeline NAME { … }` item.
pub const PIPELINE: Contexts = 1 << 73;
/// Items whose block holds `labels`, `annotations` and `raw` besides their own keys.
pub const OBJECT_ITEMS: Contexts = SERVICE_ACCOUNT_ITEM | ROLE_ITEM | BINDING_ITEM | SERVICE_ITEM | PIPELINE;
/// Where a pod is written: the workloads, and each role of a group (read by the one pod reader).
pub const WORKLOAD: Contexts = JOB | CRON | DAEMON | DEPLOYMENT | SPARK | GROUP_ROLE;
/// Keys of the main container, written directly in a workload, or in `container`/`init` blocks.
pub const ANY_CONTAINER: Contexts = WORKLOAD | CONTAINER;

pub const I32_MAX: i64 = i32::MAX as i64;

/// A choice written as a bare word, and the value Kubernetes wants for it.
pub type Choices = &'static [(&'static str, &'static str)];

/// What a key's value looks like. The readers in `check/read.rs` apply it.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A whole number in `min..=max`.
    Int {
        min: i64,
        max: i64,
    },
    /// A duration, written to Kubernetes in whole seconds, at least `min`.
    Seconds {
        min: u64,
    },
    Bool,
    Str,
    StrList,
    StrMap,
    /// A bare word, one of these.
    Choice(Choices),
    /// A Kubernetes quantity (`500m`, `2Gi`).
    Quantity,
    /// A block (or map) of the keys of this context.
    Block(Contexts),
    /// A list of maps, each with the keys of this context.
    Records(Contexts),
    /// `key NAME { … }` (or `key NAME = …`): a named block of the keys of this context.
    Labeled(Contexts),
    /// Read by its own code; the text says what it takes.
    Special(&'static str),
}

/// The Kubernetes version a field came in: alpha (off by default), beta (on by
/// default), GA. Older API servers silently drop fields they do not know.
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    pub alpha: u32,
    pub beta: u32,
    pub ga: u32,
}

/// One key.
#[derive(Debug)]
pub struct Key {
    pub key: &'static str,
    pub contexts: Contexts,
    pub shape: Shape,
    /// The Kubernetes type the path starts from (`Container`, `PodSpec`, `JobSpec`,
    /// `ObjectMeta`…); empty for a key that is only checked.
    pub k8s_type: &'static str,
    /// The field, as path segments from `k8s_type` (`["resources", "limits"]`).
    pub path: &'static [&'static str],
    pub gate: Option<Gate>,
    /// Overrides the text generated from `shape` in the docs and messages.
    pub takes: Option<&'static str>,
    pub doc: &'static str,
}

/// A row (the builder functions keep the tables short).
pub const fn key(
    key: &'static str,
    contexts: Contexts,
    shape: Shape,
    k8s: (&'static str, &'static [&'static str]),
    doc: &'static str,
) -> Key {
    Key { key, contexts, shape, k8s_type: k8s.0, path: k8s.1, gate: None, takes: None, doc }
}

impl Key {
    /// The field came in Kubernetes 1.`alpha` (alpha), 1.`beta` (beta, on by default), 1.`ga`.
    pub const fn gated(self, alpha: u32, beta: u32, ga: u32) -> Key {
        Key { gate: Some(Gate { alpha, beta, ga }), ..self }
    }

    /// What the value looks like, when the shape alone does not say it well.
    pub const fn takes(self, text: &'static str) -> Key {
        Key { takes: Some(text), ..self }
    }

    /// `JobSpec.backoffLimit`, or `(checked only)`.
    pub fn field(&self) -> String {
        if self.path.is_empty() {
            return if self.k8s_type.is_empty() { "(checked only)".into() } else { self.k8s_type.into() };
        }
        format!("{}.{}", self.k8s_type, self.path.join("."))
    }

    /// What the value looks like, in the user's terms.
    pub fn takes_text(&self) -> String {
        if let Some(t) = self.takes {
            return t.into();
        }
        match self.shape {
            Shape::Int { min, max } if max == I32_MAX => format!("int ≥ {min}"),
            Shape::Int { min, max } => format!("int {min}–{max}"),
            Shape::Seconds { min: 0 } => "duration".into(),
            Shape::Seconds { min } => format!("duration ≥ {min}s"),
            Shape::Bool => "bool".into(),
            Shape::Str => "string".into(),
            Shape::StrList => "list of strings".into(),
            Shape::StrMap => "map of strings".into(),
            Shape::Choice(c) => c.iter().map(|(w, _)| format!("`{w}`")).collect::<Vec<_>>().join(" | "),
            Shape::Quantity => "quantity".into(),
            Shape::Block(_) => "block".into(),
            Shape::Records(_) => "list of maps".into(),
            Shape::Labeled(_) => format!("`{} NAME {{ … }}`", self.key),
            Shape::Special(t) => t.into(),
        }
    }

    /// The context of the keys inside this one's value (a block, records or a labeled block).
    pub fn inner(&self) -> Option<Contexts> {
        match self.shape {
            Shape::Block(c) | Shape::Records(c) | Shape::Labeled(c) => Some(c),
            _ => None,
        }
    }

    /// The context of the keys in `body`, written as this key's block. The one block whose
    /// context depends on what it holds: a pipeline's task with `role` blocks is a fan-out
    /// group's (`GROUP | TASK`), not a Job's.
    pub fn inner_of(&self, body: &crate::ast::Block) -> Option<Contexts> {
        if self.key == TASK_BLOCK.key && self.contexts == TASK_BLOCK.contexts && fans_out(body) {
            return Some(GROUP | TASK);
        }
        self.inner()
    }
}

/// Whether a task's block has `role` blocks (a fan-out task).
pub fn fans_out(body: &crate::ast::Block) -> bool {
    body.entries
        .iter()
        .any(|e| matches!(&e.kind, crate::ast::EntryKind::Labeled { key, .. } if key.text == GROUP_ROLE_BLOCK.key))
}

/// Every area's rows; a new area is a file and a line here.
const AREAS: &[&[&Key]] = &[
    container::KEYS,
    pod::KEYS,
    pod_spec::KEYS,
    meta::KEYS,
    job::KEYS,
    cron::KEYS,
    daemon::KEYS,
    deployment::KEYS,
    group::KEYS,
    config::KEYS,
    resources::KEYS,
    placement::KEYS,
    policy::KEYS,
    security::KEYS,
    probes::KEYS,
    volumes::KEYS,
    rbac::KEYS,
    service::KEYS,
    spark::KEYS,
    // Last: a job's keys are found before the table reaches these.
    pipeline::KEYS,
];

/// Every row, area by area.
pub fn all() -> impl Iterator<Item = &'static Key> {
    AREAS.iter().flat_map(|area| area.iter().copied())
}

/// The row of `word` in a context, if it has one.
pub fn lookup(word: &str, ctx: Contexts) -> Option<&'static Key> {
    all().find(|k| k.contexts & ctx != 0 && k.key == word)
}

/// Keys allowed in a context, for "did you mean".
pub fn keys_in(ctx: Contexts) -> impl Iterator<Item = &'static str> {
    all().filter(move |k| k.contexts & ctx != 0).map(|k| k.key)
}

/// A pipec key whose Kubernetes field is named `word` (`backoffLimit` → `retries`).
pub fn by_kubernetes_name(word: &str, ctx: Contexts) -> Option<&'static Key> {
    let norm = |s: &str| s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    let word = norm(word);
    if word.is_empty() {
        return None;
    }
    all().filter(|k| k.contexts & ctx != 0 && norm(k.key) != word).find(|k| k.path.iter().any(|seg| norm(seg) == word))
}

/// The reference page `docs/reference/keys.md`, generated from the rows.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Keys\n\nGenerated from `src/schema/` (a test keeps this page equal to it). \
         Each key lists where it may be written, what it takes, and the Kubernetes field it becomes \
         (as the Kubernetes type and the path from it), with the version that brought the field when \
         it is newer than 1.27.\n",
    );
    // Each key is listed once, in the first section all of whose contexts it has.
    let sections: &[(&str, Contexts)] = &[
        (
            "Containers (in `job`, `cron`, `daemon`, `deployment`, `spark`, a group's `role`, `container`, `init`)",
            ANY_CONTAINER,
        ),
        ("Container blocks (in `container`, `init`)", CONTAINER),
        ("Pods (in `job`, `cron`, `daemon`, `deployment`, `spark`, a group's `role`)", WORKLOAD),
        (
            "Pods of the workloads (not in a group's `role`, whose members the group names)",
            JOB | CRON | DAEMON | DEPLOYMENT | SPARK,
        ),
        ("Jobs (in `job` and `cron`)", JOB | CRON),
        ("CronJobs (in `cron`)", CRON),
        ("DaemonSets (in `daemon`)", DAEMON),
        ("Deployments (in `deployment`)", DEPLOYMENT),
        ("Groups (in `group`)", GROUP),
        ("Group roles (in `role NAME { … }` of a `group`)", GROUP_ROLE),
        ("ConfigMaps (in `config`)", CONFIG),
        ("Secrets (in `secret`)", SECRET),
        ("Resources (in `resources`, `requests`, `limits`)", RESOURCES),
        ("Tolerations (items of `tolerations`)", TOLERATION),
        ("Affinity (in `affinity`)", AFFINITY),
        ("Node terms (items of `required` and `preferred`)", NODE_TERM),
        ("Failure policy rules (items of `failure-policy`)", FAILURE_RULE),
        ("Success policy rules (items of `success-policy`)", SUCCESS_RULE),
        ("Container security contexts (in `security-context`)", SECURITY),
        ("Capabilities (in `capabilities`)", CAPABILITIES),
        ("Pod security contexts (in `pod-security-context`)", POD_SECURITY),
        ("SELinux options (in `selinux` of either security context)", SELINUX),
        ("Program defaults (in `defaults`)", DEFAULTS),
        ("DNS config (in `dns-config`)", DNS_CONFIG),
        ("DNS options (items of `options` in `dns-config`)", DNS_OPTION),
        ("Topology spread constraints (items of `topology-spread`)", SPREAD),
        ("Host aliases (items of `host-aliases`)", HOST_ALIAS),
        ("Container ports (entries of `ports`)", PORT),
        ("Probes (in `liveness`, `readiness`, `startup`)", PROBE),
        ("Lifecycle hooks (in `post-start`, `pre-stop`)", HOOK),
        ("HTTP checks (`http` of a probe or hook)", HTTP_GET),
        ("gRPC checks (`grpc` of a probe)", GRPC),
        ("Service accounts (in `service-account`)", SERVICE_ACCOUNT_ITEM),
        ("Roles and cluster roles (in `role`, `cluster-role`)", ROLE_ITEM),
        ("Role rules (items of `rules`)", POLICY_RULE),
        ("Bindings (in `role-binding`, `cluster-role-binding`)", BINDING_ITEM),
        ("Binding subjects (items of `subjects`)", SUBJECT),
        ("Services (in `service`)", SERVICE_ITEM),
        ("Service ports (items of `ports` in `service`)", SERVICE_PORT),
        ("Namespaces (in `namespace \"…\" { … }`)", NAMESPACE_ITEM),
        ("Spark applications (in `spark`)", SPARK),
        ("Spark driver and executors (in `driver`, `executor` of a `spark`)", SPARK_DRIVER | SPARK_EXECUTOR),
    ];
    let rows: Vec<&Key> = all().collect();
    let mut listed = vec![false; rows.len()];
    let mut section = |out: &mut String, title: &str, wanted: &dyn Fn(&Key) -> bool| {
        let mut body = String::new();
        for (i, k) in rows.iter().enumerate() {
            if listed[i] || !wanted(k) {
                continue;
            }
            listed[i] = true;
            let gate = match k.gate {
                Some(g) => format!(" (1.{}+, GA 1.{})", g.beta, g.ga),
                None => String::new(),
            };
            body.push_str(&format!(
                "| `{}` | {} | `{}`{gate} | {} |\n",
                k.key,
                k.takes_text().replace('|', "\\|"),
                k.field(),
                k.doc
            ));
        }
        if !body.is_empty() {
            out.push_str(&format!("\n## {title}\n\n| key | takes | Kubernetes field | meaning |\n|---|---|---|---|\n"));
            out.push_str(&body);
        }
    };
    for (title, ctx) in sections {
        section(&mut out, title, &|k| k.contexts & ctx == *ctx);
    }
    // Whatever no section above holds (a context of its own), under its first context's name.
    section(&mut out, "Other keys", &|_| true);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_unique_per_context() {
        let rows: Vec<&Key> = all().collect();
        for (i, a) in rows.iter().enumerate() {
            for b in &rows[i + 1..] {
                assert!(
                    a.key != b.key || a.contexts & b.contexts == 0,
                    "`{}` has two rows that share a context",
                    a.key
                );
            }
        }
    }

    #[test]
    fn gates_are_ordered() {
        for k in all() {
            if let Some(g) = k.gate {
                assert!(g.alpha <= g.beta && g.beta <= g.ga, "{}", k.key);
            }
        }
    }

    #[test]
    fn bounds_are_ordered() {
        for k in all() {
            if let Shape::Int { min, max } = k.shape {
                assert!(min <= max, "{}", k.key);
            }
        }
    }

    #[test]
    fn kubernetes_names_lead_to_keys() {
        assert_eq!(by_kubernetes_name("backoffLimit", JOB).map(|k| k.key), Some("retries"));
        assert_eq!(by_kubernetes_name("restartPolicy", JOB).map(|k| k.key), Some("restart"));
        assert_eq!(by_kubernetes_name("retries", JOB).map(|k| k.key), None);
    }
}
