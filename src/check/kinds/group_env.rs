//! What a group's members know of each other: every pod's role, index and peer
//! addresses in its environment (and `TF_CONFIG` for TensorFlow), its labels, and
//! the subdomain that makes its hostname resolve.
//!
//! Member `i` of role `r` in group `g` has the hostname `g-r-i` (an Indexed Job's
//! pod; `g-r-0-i` in a JobSet, whose Jobs are `g-r-0`), in the subdomain `g` (the
//! headless Service), so it is `g-r-i.g.<namespace>.svc`. The index differs per
//! pod of one Job: it comes from the downward API (the Job controller's
//! `batch.kubernetes.io/job-completion-index` annotation) into `PIPEC_INDEX`,
//! declared before the variables that use it, because the kubelet expands
//! `$(NAME)` in a value only from variables declared earlier in the same list.

use super::group::Role;
use crate::check::Checker;
use crate::ir::{EnvValue, EnvVar};
use crate::lower::{GROUP_LABEL, ROLE_LABEL};

/// The variables every member gets; a program's own `env` may not set them.
pub(crate) use crate::lower::INDEX_VAR;
pub(crate) const NAMESPACE_VAR: &str = "PIPEC_NAMESPACE";
pub(crate) const INDEX_FIELD: &str = "metadata.annotations['batch.kubernetes.io/job-completion-index']";

/// The environment variable that lists role `role`'s members: `PIPEC_PEERS_WORKER`.
pub(crate) fn peers_var(role: &str) -> String {
    format!("PIPEC_PEERS_{}", role.to_ascii_uppercase().replace('-', "_"))
}

/// The names a group's members are known by. A `group` item names everything after itself; a
/// pipeline's fan-out task after the run it belongs to (`<pipeline>-<run id>-<task>`, or on
/// Argo after the Workflow), with a placeholder the runner or Argo fills in.
#[derive(Clone, Debug)]
pub(crate) struct Naming {
    /// `PIPEC_GROUP`: as written (the group's, or the task's, name).
    pub group: String,
    /// The headless Service: the members' subdomain and the start of their hostnames
    /// (`<service>-<role>-<i>`) and of the role Jobs' names (`<service>-<role>`).
    pub service: String,
    /// `service` as long as it is once made, in DNS-name characters: what name checks measure.
    pub measured: String,
    /// `service` as messages show it (`etl-<run id>-train`).
    pub shown: String,
    /// The members' `pipec.dev/group` label (None on Argo, whose own pod labels tell runs apart).
    pub label: Option<String>,
}

impl Naming {
    /// A `group` item's: everything is its name.
    pub(crate) fn item(name: &str) -> Naming {
        Naming {
            group: name.into(),
            service: name.into(),
            measured: name.into(),
            shown: name.into(),
            label: Some(name.into()),
        }
    }
}

/// The DNS name of member `index` of `role`.
fn host(service: &str, role: &str, index: i64, jobset: bool, namespace: &str) -> String {
    if jobset {
        format!("{service}-{role}-0-{index}.{service}.{namespace}.svc")
    } else {
        format!("{service}-{role}-{index}.{service}.{namespace}.svc")
    }
}

pub(super) fn add(ck: &mut Checker, naming: &Naming, jobset: bool, port: Option<i32>, tf: bool, roles: &mut [Role]) {
    let (group, service) = (naming.group.as_str(), naming.service.as_str());
    // The program's namespace when it has one; else the pod's own, expanded by the kubelet.
    let namespace = match &ck.program_namespace {
        Some(ns) => ns.clone(),
        None => format!("$({NAMESPACE_VAR})"),
    };
    let address = |role: &str, i: i64| {
        let h = host(service, role, i, jobset, &namespace);
        match port {
            Some(p) => format!("{h}:{p}"),
            None => h,
        }
    };
    let peers: Vec<(String, Vec<String>)> =
        roles.iter().map(|r| (r.name.clone(), (0..r.replicas).map(|i| address(&r.name, i)).collect())).collect();
    // TensorFlow's cluster: every task type but the evaluator, which is not part of it.
    let cluster = tf.then(|| {
        let map: serde_json::Map<String, serde_json::Value> = peers
            .iter()
            .filter(|(role, _)| role != "evaluator")
            .map(|(role, list)| (role.clone(), serde_json::Value::from(list.clone())))
            .collect();
        serde_json::Value::Object(map).to_string()
    });
    if !fits_the_kernel(ck, group, &peers, cluster.as_deref(), &namespace, roles) {
        for r in roles.iter_mut() {
            r.pod = None;
        }
        return;
    }
    for r in roles.iter_mut() {
        let mut env = vec![
            literal("PIPEC_GROUP", group),
            literal("PIPEC_ROLE", &r.name),
            EnvVar { name: INDEX_VAR.into(), value: EnvValue::Field(INDEX_FIELD.into()) },
            EnvVar { name: NAMESPACE_VAR.into(), value: EnvValue::Field("metadata.namespace".into()) },
            literal("PIPEC_SERVICE", &format!("{service}.{namespace}.svc")),
        ];
        for (role, list) in &peers {
            env.push(literal(&peers_var(role), &list.join(",")));
        }
        if let Some(cluster) = &cluster {
            // `$(PIPEC_INDEX)` is expanded by the kubelet: the index is a JSON number.
            env.push(literal(
                "TF_CONFIG",
                &format!(
                    "{{\"cluster\":{cluster},\"task\":{{\"type\":\"{}\",\"index\":$({INDEX_VAR})}},\"environment\":\"cloud\"}}",
                    r.name
                ),
            ));
        }
        if let Some(meta) = r.meta.as_mut() {
            if let Some(label) = &naming.label {
                meta.labels.insert(GROUP_LABEL.into(), label.clone());
            }
            meta.labels.insert(ROLE_LABEL.into(), r.name.clone());
        }
        let Some(pod) = r.pod.as_mut() else { continue };
        if let Some(label) = &naming.label {
            pod.labels.insert(GROUP_LABEL.into(), label.clone());
        }
        pod.labels.insert(ROLE_LABEL.into(), r.name.clone());
        pod.spec.get_or_insert_with(Default::default).subdomain = Some(service.into());
        let mut clash = None;
        for c in pod.containers.iter_mut().chain(pod.init_containers.iter_mut()) {
            if let Some(own) = c.env.iter().find(|e| env.iter().any(|g| g.name == e.name)) {
                clash.get_or_insert_with(|| (own.name.clone(), c.span));
            }
            let mut all = env.clone();
            all.append(&mut c.env);
            c.env = all;
        }
        if let Some((var, span)) = clash {
            ck.report(
                crate::diag::Diagnostic::error(
                    crate::diag::Code::GroupEnv,
                    span.unwrap_or(r.span),
                    format!("`{var}` is set by the group in every member's environment"),
                )
                .label(format!("role `{}` sets it again", r.name))
                .help("rename the variable: PIPEC_GROUP, PIPEC_ROLE, PIPEC_INDEX, PIPEC_NAMESPACE, PIPEC_SERVICE, PIPEC_PEERS_<ROLE> and TF_CONFIG are the group's"),
            );
            r.pod = None;
        }
    }
}

/// Linux's MAX_ARG_STRLEN: the longest `NAME=value` string (with its NUL) `execve` takes.
const MAX_ENV_STRING: usize = 32 * 4096;

/// Whether each peer variable (and `TF_CONFIG`) stays within what the kernel passes to a
/// process, with the namespace at its longest (63) where the kubelet expands it.
fn fits_the_kernel(
    ck: &mut Checker,
    group: &str,
    peers: &[(String, Vec<String>)],
    cluster: Option<&str>,
    namespace: &str,
    roles: &[Role],
) -> bool {
    let expanded = |value_len: usize, occurrences: usize| {
        if namespace.starts_with("$(") { value_len + occurrences * (63 - namespace.len()) } else { value_len }
    };
    let mut longest: Option<(String, usize)> = None;
    for (role, list) in peers {
        let value = list.iter().map(|a| a.len() + 1).sum::<usize>();
        let len = peers_var(role).len() + 1 + expanded(value, list.len()) + 1;
        if len > longest.as_ref().map_or(0, |l| l.1) {
            longest = Some((peers_var(role), len));
        }
    }
    if let Some(c) = cluster {
        let members: usize = peers.iter().filter(|(r, _)| r != "evaluator").map(|(_, l)| l.len()).sum();
        let len = "TF_CONFIG=".len() + expanded(c.len(), members) + 64;
        if len > longest.as_ref().map_or(0, |l| l.1) {
            longest = Some(("TF_CONFIG".into(), len));
        }
    }
    let Some((var, len)) = longest.filter(|(_, len)| *len > MAX_ENV_STRING) else { return true };
    let members: i64 = roles.iter().map(|r| r.replicas).sum();
    ck.report(
        crate::diag::Diagnostic::error(
            crate::diag::Code::GroupEnvTooLong,
            ck.current_name_span,
            format!("`{var}` would be {len} bytes in every member of `{group}`, more than a process may be given"),
        )
        .label(format!("{members} members, each address in it"))
        .help("Linux refuses an environment string over 128 KiB (the container fails with E2BIG): split the work into smaller groups, or give the large role fewer, larger members"),
    );
    false
}

fn literal(name: &str, value: &str) -> EnvVar {
    EnvVar { name: name.into(), value: EnvValue::Literal(value.into()) }
}
