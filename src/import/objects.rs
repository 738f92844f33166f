//! One Kubernetes object back to one item, per kind: the object's own fields through the
//! schema rows of its item, the pod through `pod.rs`, and the few fields whose layout is
//! not a key's value (update strategies, selectors, bindings, Service ports) here.

use super::Refs;
use super::pipe::{Entry, Expr, Item};
use super::pod::pod;
use super::reverse::{choice, map_at, rows, string_map, take};
use crate::kinds::Kind;
use crate::lower::meta::{MANAGED_BY, NAME_LABEL, PROGRAM_LABEL};
use crate::schema::{self, Contexts};
use serde_json::{Map, Value};

/// The labels pipec puts on every object (they come back when the program is built);
/// another tool's `managed-by` is `--managed-by NAME` (kept in `refs`).
pub fn strip_own_labels(meta: &mut Map<String, Value>, refs: &mut Refs) {
    if let Some(Value::Object(labels)) = meta.get_mut("labels") {
        labels.remove(PROGRAM_LABEL);
        if let Some(Value::String(tool)) = labels.remove(MANAGED_BY.0)
            && tool != MANAGED_BY.1
        {
            refs.managed_by.get_or_insert(tool);
        }
        if labels.is_empty() {
            meta.remove("labels");
        }
    }
}

/// What the import of one object gives.
pub struct Converted {
    pub item: Item,
    /// The Namespace's own item replaces the file's `namespace` line.
    pub is_namespace: bool,
}

/// The item of `object` (whose `kind`, `apiVersion`, name and namespace the caller has
/// checked and taken out), with what no key writes left in `object` for `raw`.
/// The kinds `import` converts (the others, such as the custom resources pipec emits for a
/// `--target`, are kept aside as written).
pub fn importable(kind: Kind) -> bool {
    context(kind) != 0
}

pub fn convert(kind: Kind, name: &str, object: &mut Map<String, Value>, refs: &mut Refs) -> Option<Converted> {
    let mut body = Vec::new();
    let ctx = context(kind);
    if let Some(meta) = map_at(object, &["metadata"]) {
        strip_own_labels(meta, refs);
        if kind == Kind::Job && meta.get("generateName").and_then(Value::as_str) == Some(&format!("{name}-")) {
            meta.remove("generateName");
            body.push(Entry::Set("generate-name".into(), Expr::word("true")));
        }
        rows(meta, "ObjectMeta", ctx, &mut body);
    }
    let keyword = match kind {
        Kind::Job => {
            if let Some(spec) = map_at(object, &["spec"]) {
                if let Some(Value::Bool(b)) = take(spec, &["suspend"]) {
                    body.push(Entry::Set("suspend".into(), Expr::Word(b.to_string())));
                }
                job_spec(spec, schema::JOB, &mut body);
                if let Some(tpl) = map_at(spec, &["template"]) {
                    body.extend(pod(tpl, schema::JOB, name, &Map::new(), refs));
                }
            }
            "job"
        }
        Kind::CronJob => {
            if let Some(spec) = map_at(object, &["spec"]) {
                if let Some(Value::Bool(b)) = take(spec, &["suspend"]) {
                    body.push(Entry::Set("suspend".into(), Expr::Word(b.to_string())));
                }
                rows(spec, "CronJobSpec", schema::CRON, &mut body);
                if let Some(meta) = map_at(spec, &["jobTemplate", "metadata"]) {
                    strip_own_labels(meta, refs);
                }
                if let Some(jt) = map_at(spec, &["jobTemplate"]) {
                    rows(jt, "JobTemplateSpec", schema::CRON, &mut body);
                }
                if let Some(js) = map_at(spec, &["jobTemplate", "spec"]) {
                    // In a `cron`, `suspend` is the CronJob's: the Job template's own stays for `raw`.
                    let suspend = js.remove("suspend");
                    job_spec(js, schema::CRON, &mut body);
                    if let Some(s) = suspend {
                        js.insert("suspend".into(), s);
                    }
                    if let Some(tpl) = map_at(js, &["template"]) {
                        body.extend(pod(tpl, schema::CRON, name, &Map::new(), refs));
                    }
                }
            }
            "cron"
        }
        Kind::DaemonSet | Kind::Deployment => {
            let (word, ty) =
                if kind == Kind::DaemonSet { ("daemon", "DaemonSetSpec") } else { ("deployment", "DeploymentSpec") };
            if let Some(spec) = map_at(object, &["spec"]) {
                rows(spec, ty, ctx, &mut body);
                let strategy = if kind == Kind::DaemonSet { "updateStrategy" } else { "strategy" };
                if let Some(e) = spec.get(strategy).and_then(update) {
                    spec.remove(strategy);
                    body.push(Entry::Set("update".into(), e));
                }
                let selector = selector(spec, name, &mut body);
                if let Some(tpl) = map_at(spec, &["template"]) {
                    body.extend(pod(tpl, ctx, name, &selector, refs));
                }
            }
            word
        }
        Kind::ConfigMap => {
            if let Some(Value::Object(data)) = object.get("data")
                && let Some(e) = string_map(data)
            {
                object.remove("data");
                body.push(Entry::Set("data".into(), e));
            }
            rows(object, "ConfigMap", schema::CONFIG, &mut body);
            "config"
        }
        Kind::Namespace => "namespace",
        Kind::ServiceAccount => {
            rows(object, "ServiceAccount", ctx, &mut body);
            if let Some(Value::Array(secrets)) = object.get("imagePullSecrets")
                && let Some(names) = secrets
                    .iter()
                    .map(|s| s.as_object().filter(|m| m.len() == 1)?.get("name")?.as_str().map(Expr::str))
                    .collect::<Option<Vec<_>>>()
            {
                object.remove("imagePullSecrets");
                body.push(Entry::Set("image-pull-secrets".into(), Expr::List(names)));
            }
            "service-account"
        }
        Kind::Role | Kind::ClusterRole => {
            rows(object, "Role", ctx, &mut body);
            if kind == Kind::Role { "role" } else { "cluster-role" }
        }
        Kind::RoleBinding | Kind::ClusterRoleBinding => {
            binding(object, refs, &mut body);
            if kind == Kind::RoleBinding { "role-binding" } else { "cluster-role-binding" }
        }
        Kind::Service => {
            if let Some(spec) = map_at(object, &["spec"]) {
                service(spec, &mut body);
            }
            "service"
        }
        _ => return None,
    };
    Some(Converted {
        item: Item { comments: Vec::new(), keyword: keyword.into(), name: name.into(), body: Some(body) },
        is_namespace: kind == Kind::Namespace,
    })
}

fn context(kind: Kind) -> Contexts {
    match kind {
        Kind::Job => schema::JOB,
        Kind::CronJob => schema::CRON,
        Kind::DaemonSet => schema::DAEMON,
        Kind::Deployment => schema::DEPLOYMENT,
        Kind::ConfigMap => schema::CONFIG,
        Kind::Namespace => schema::NAMESPACE_ITEM,
        Kind::ServiceAccount => schema::SERVICE_ACCOUNT_ITEM,
        Kind::Role | Kind::ClusterRole => schema::ROLE_ITEM,
        Kind::RoleBinding | Kind::ClusterRoleBinding => schema::BINDING_ITEM,
        Kind::Service => schema::SERVICE_ITEM,
        _ => 0,
    }
}

/// The Job fields of a `job` or of a `cron`'s job template.
fn job_spec(spec: &mut Map<String, Value>, ctx: Contexts, body: &mut Vec<Entry>) {
    rows(spec, "JobSpec", ctx, body);
    failure_policy(spec, body);
    if let Some(Value::Object(policy)) = spec.get("successPolicy")
        && policy.len() == 1
        && let Some(rules) = policy.get("rules").and_then(Value::as_array).and_then(|rules| {
            rules
                .iter()
                .map(|r| {
                    let m = r.as_object()?;
                    let mut fields = Vec::new();
                    for (k, v) in m {
                        match k.as_str() {
                            "succeededIndexes" => fields.push(("indexes".to_string(), Expr::str(v.as_str()?))),
                            "succeededCount" => fields.push(("count".to_string(), Expr::Int(v.as_i64()?))),
                            _ => return None,
                        }
                    }
                    Some(Expr::Map(fields))
                })
                .collect::<Option<Vec<_>>>()
        })
    {
        spec.remove("successPolicy");
        body.push(Entry::Set("success-policy".into(), Expr::List(rules)));
    }
}

/// A Job's `podFailurePolicy` as `failure-policy = [...]`, taken out of `spec` when its rules
/// are ones the key writes.
pub(super) fn failure_policy(spec: &mut Map<String, Value>, body: &mut Vec<Entry>) {
    if let Some(Value::Object(policy)) = spec.get("podFailurePolicy")
        && policy.len() == 1
        && let Some(rules) = policy.get("rules").and_then(Value::as_array).and_then(|r| failure_rules(r))
    {
        spec.remove("podFailurePolicy");
        body.push(Entry::Set("failure-policy".into(), rules));
    }
}

fn failure_rules(rules: &[Value]) -> Option<Expr> {
    let mut out = Vec::new();
    for r in rules {
        let m = r.as_object()?;
        let mut fields =
            vec![("action".to_string(), Expr::word(choice(schema::FAILURE_ACTIONS, m.get("action")?.as_str()?)?))];
        for (k, v) in m {
            match k.as_str() {
                "action" => {}
                "onExitCodes" => {
                    let c = v.as_object()?;
                    if let Some(n) = c.get("containerName") {
                        fields.push(("container".into(), Expr::str(n.as_str()?)));
                    }
                    let key = match c.get("operator")?.as_str()? {
                        "In" => "exit-codes",
                        "NotIn" => "exit-codes-except",
                        _ => return None,
                    };
                    let codes = c
                        .get("values")?
                        .as_array()?
                        .iter()
                        .map(|x| x.as_i64().map(Expr::Int))
                        .collect::<Option<_>>()?;
                    fields.push((key.into(), Expr::List(codes)));
                    if c.keys().any(|k| !matches!(k.as_str(), "containerName" | "operator" | "values")) {
                        return None;
                    }
                }
                "onPodConditions" => {
                    let [cond] = v.as_array()?.as_slice() else { return None };
                    let kind = cond.get("type")?.as_str()?;
                    let word =
                        if kind == "DisruptionTarget" { Expr::word("disruption-target") } else { Expr::str(kind) };
                    fields.push(("condition".into(), word));
                    // pipec writes the status (true by default) on every condition.
                    let status = cond.get("status").and_then(Value::as_str).unwrap_or("True");
                    if status != "True" {
                        fields.push(("status".into(), Expr::word(choice(schema::CONDITION_STATUSES, status)?)));
                    }
                }
                _ => return None,
            }
        }
        out.push(Expr::Map(fields));
    }
    Some(Expr::List(out))
}

/// `rolling(max-unavailable = 1, max-surge = 0)`, `rolling`, `on-delete`, `recreate`.
fn update(v: &Value) -> Option<Expr> {
    let m = v.as_object()?;
    let amount = |v: &Value| match v {
        Value::Number(n) => n.as_i64().map(Expr::Int),
        Value::String(s) => Some(Expr::str(s)),
        _ => None,
    };
    match m.get("type").and_then(Value::as_str)? {
        "OnDelete" if m.len() == 1 => Some(Expr::word("on-delete")),
        "Recreate" if m.len() == 1 => Some(Expr::word("recreate")),
        "RollingUpdate" => {
            let Some(r) = m.get("rollingUpdate") else { return (m.len() == 1).then(|| Expr::word("rolling")) };
            let r = r.as_object()?;
            let mut args = Vec::new();
            for (k, v) in r {
                match k.as_str() {
                    "maxUnavailable" => args.push((Some("max-unavailable".to_string()), amount(v)?)),
                    "maxSurge" => args.push((Some("max-surge".to_string()), amount(v)?)),
                    _ => return None,
                }
            }
            Some(Expr::Call("rolling".into(), args))
        }
        _ => None,
    }
}

/// A DaemonSet's or Deployment's selector: nothing when it is pipec's own
/// (`app.kubernetes.io/name` of the pods), else `selector = { … }`. Returns the labels
/// the selector adds to the pods (so that `pod-labels` leaves them out).
fn selector(spec: &mut Map<String, Value>, name: &str, body: &mut Vec<Entry>) -> Map<String, Value> {
    let Some(Value::Object(sel)) = spec.get("selector") else { return Map::new() };
    let Some(Value::Object(labels)) = sel.get("matchLabels").filter(|_| sel.len() == 1) else { return Map::new() };
    let labels = labels.clone();
    let pod_labels = spec.get("template").and_then(|t| t.get("metadata")).and_then(|m| m.get("labels"));
    let own = labels.len() == 1
        && labels.get(NAME_LABEL).is_some_and(|v| pod_labels.and_then(|p| p.get(NAME_LABEL)) == Some(v));
    if own {
        spec.remove("selector");
        // pipec selects on the pods' own `app.kubernetes.io/name`, or on the name of the workload.
        return if labels.get(NAME_LABEL).is_some_and(|v| v == name) { labels } else { Map::new() };
    }
    let Some(e) = string_map(&labels) else { return Map::new() };
    spec.remove("selector");
    body.push(Entry::Set("selector".into(), e));
    labels
}

fn binding(object: &mut Map<String, Value>, refs: &mut Refs, body: &mut Vec<Entry>) {
    if let Some(Value::Object(r)) = object.get("roleRef")
        && r.get("apiGroup").is_none_or(|g| g == "rbac.authorization.k8s.io")
        && let (Some(kind), Some(n)) = (r.get("kind").and_then(Value::as_str), r.get("name").and_then(Value::as_str))
    {
        let (key, list) = match kind {
            "Role" => ("role", &mut refs.roles),
            "ClusterRole" => ("cluster-role", &mut refs.cluster_roles),
            _ => return,
        };
        list.push(n.to_string());
        body.push(Entry::Set(key.into(), Expr::str(n)));
        object.remove("roleRef");
    }
    if let Some(Value::Array(subjects)) = object.get("subjects")
        && let Some(list) = subjects.iter().map(|s| subject(s, &refs.namespace)).collect::<Option<Vec<_>>>()
    {
        object.remove("subjects");
        body.push(Entry::Set("subjects".into(), Expr::List(list)));
    }
}

fn subject(s: &Value, namespace: &Option<String>) -> Option<Expr> {
    let m = s.as_object()?;
    let n = m.get("name")?.as_str()?;
    let (key, value) = match m.get("kind")?.as_str()? {
        "ServiceAccount" => {
            let value = match m.get("namespace").and_then(Value::as_str) {
                Some(ns) if Some(ns) != namespace.as_deref() => format!("{ns}:{n}"),
                _ => n.to_string(),
            };
            if m.keys().any(|k| !matches!(k.as_str(), "kind" | "name" | "namespace" | "apiGroup")) {
                return None;
            }
            ("service-account", value)
        }
        "User" => ("user", n.to_string()),
        "Group" => ("group", n.to_string()),
        _ => return None,
    };
    Some(Expr::Map(vec![(key.into(), Expr::Str(value))]))
}

fn service(spec: &mut Map<String, Value>, body: &mut Vec<Entry>) {
    rows(spec, "ServiceSpec", schema::SERVICE_ITEM, body);
    if spec.get("clusterIP").is_some_and(|ip| ip == "None") {
        spec.remove("clusterIP");
        body.push(Entry::Set("headless".into(), Expr::word("true")));
    }
    if spec.get("type").is_some_and(|t| t == "ClusterIP") {
        spec.remove("type");
    }
    let port = |p: &Value| -> Option<Expr> {
        let m = p.as_object()?;
        let mut fields = Vec::new();
        for (k, v) in m {
            match k.as_str() {
                "name" => fields.push(("name".to_string(), Expr::str(v.as_str()?))),
                "port" => fields.push(("port".into(), Expr::Int(v.as_i64()?))),
                "targetPort" => fields.push((
                    "target".into(),
                    match v {
                        Value::Number(n) => Expr::Int(n.as_i64()?),
                        v => Expr::str(v.as_str()?),
                    },
                )),
                "protocol" => fields.push(("protocol".into(), Expr::word(choice(schema::PROTOCOLS, v.as_str()?)?))),
                _ => return None,
            }
        }
        Some(Expr::Map(fields))
    };
    if let Some(Value::Array(ports)) = spec.get("ports")
        && let Some(list) = ports.iter().map(port).collect::<Option<Vec<_>>>()
    {
        spec.remove("ports");
        body.push(Entry::Set("ports".into(), Expr::List(list)));
    }
}
