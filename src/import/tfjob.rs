//! A Kubeflow TFJob (`kubeflow.org/v1`) back to `group NAME { framework = tensorflow … }`
//! (docs/reference/groups.md): each replica type a role (`PS` → `ps`, `Worker` → `worker`,
//! `Chief` and `Master` → `chief`, `Evaluator` → `evaluator`) with its `replicas`, its
//! `restartPolicy` as the role's `restart`, and its pod template read by the one pod reader;
//! the run policy as the group's keys where they mean the same (`deadline`, `ttl`).
//!
//! What the operator does that separate Jobs do not (fail the whole job when one replica
//! fails, stop the parameter servers when training ends, gang-schedule) is said as a warning
//! naming the field (P0709); what a group cannot write at all (a suspended TFJob, an unknown
//! replica type, another controller's `managedBy`) keeps the TFJob aside (P0710).

use super::custom::{Aside, Opened, Read, construct, dropped, meaning, open};
use super::pipe::{Entry, Expr, Item};
use super::pod::pod;
use super::reverse::{leftovers, map_at};
use super::server::LeftOut;
use super::yaml::{Node, NodeKind};
use crate::diag::Diagnostic;
use crate::schema;
use crate::units::Duration;
use serde_json::{Map, Value};

/// TensorFlow's port when the `tensorflow` container names none (`tfjob-port`): the operator's default.
const DEFAULT_PORT: i64 = 2222;
/// The operator's own `runPolicy.managedBy` (the default): any other controller runs the job.
const OPERATOR: &str = "kubeflow.org/training-operator";

pub(super) fn group(
    node: &Node,
    name: &str,
    what: &str,
    warnings: &mut Vec<Diagnostic>,
    left_out: &mut LeftOut,
) -> Result<Read, Aside> {
    let aside = |path: &[&str], c: &str, help: &str| -> Aside { Box::new(construct(node, path, what, c, help)) };
    let mut body = vec![Entry::Set("framework".into(), Expr::word("tensorflow"))];
    let mut own = Vec::new();
    let Opened { mut object, namespace, mut refs } = open(node, what, schema::GROUP, &mut own, left_out, |_| {})?;
    let Some(Value::Object(mut spec)) = object.remove("spec") else {
        return Err(aside(&["spec"], "it has no `spec.tfReplicaSpecs`", "a TFJob is its replica specs"));
    };
    for k in spec.keys() {
        if !matches!(k.as_str(), "tfReplicaSpecs" | "runPolicy" | "successPolicy" | "enableDynamicWorker") {
            return Err(aside(
                &["spec", k],
                &format!("`spec.{k}` is not a field of a TFJob"),
                "check it against the TFJob CRD (kubeflow.org_tfjobs.yaml)",
            ));
        }
    }

    // The roles, in the order written (the YAML's, not the JSON map's).
    let written: Vec<String> = match node.at(&["spec", "tfReplicaSpecs"]).map(|n| &n.kind) {
        Some(NodeKind::Map(entries)) => entries.iter().map(|(k, _)| k.text.clone()).collect(),
        _ => Vec::new(),
    };
    if written.is_empty() {
        return Err(aside(
            &["spec", "tfReplicaSpecs"],
            "it has no replica specs",
            "a TFJob needs a `Worker` or a `Chief`",
        ));
    }
    let mut roles: Vec<(String, Vec<Entry>)> = Vec::new();
    let mut ports: Vec<(String, i64)> = Vec::new();
    let mut restarts: Vec<&'static str> = Vec::new();
    for key in &written {
        let at = ["spec", "tfReplicaSpecs", key.as_str()];
        let role = match key.to_ascii_lowercase().as_str() {
            "ps" => "ps",
            "worker" => "worker",
            "chief" | "master" => "chief",
            "evaluator" => "evaluator",
            _ => {
                return Err(aside(
                    &at,
                    &format!("`{key}` is not a TensorFlow replica type"),
                    "TFJob's replica types are PS, Worker, Chief (or Master) and Evaluator",
                ));
            }
        };
        if roles.iter().any(|(r, _)| r == role) {
            return Err(aside(
                &at,
                &format!("`{key}` is a second `{role}`"),
                "a TFJob has one Chief or one Master, not both",
            ));
        }
        let Some(Value::Object(mut replica)) =
            spec.get_mut("tfReplicaSpecs").and_then(|r| r.get_mut(key.as_str())).map(Value::take)
        else {
            return Err(aside(
                &at,
                &format!("`{key}` is not a replica spec"),
                "write `replicas`, `restartPolicy` and `template` under it",
            ));
        };
        if let Some(k) = replica.keys().find(|k| !matches!(k.as_str(), "replicas" | "restartPolicy" | "template")) {
            let field = [at.as_slice(), &[k.as_str()]].concat();
            return Err(aside(
                &field,
                &format!("`{k}` is not a field of a replica spec"),
                "a replica spec has `replicas`, `restartPolicy` and `template`",
            ));
        }
        let replicas = match replica.get("replicas") {
            None => 1,
            Some(v) => match v.as_i64() {
                Some(n) if n >= 1 && (n == 1 || !matches!(role, "chief" | "evaluator")) => n,
                _ => {
                    let field = [at.as_slice(), &["replicas"]].concat();
                    return Err(aside(
                        &field,
                        &format!("`{key}` has {v} replicas"),
                        "a role has at least one member, a chief and an evaluator exactly one",
                    ));
                }
            },
        };
        let mut role_body = vec![Entry::Set("replicas".into(), Expr::Int(replicas))];
        let restart_at = [at.as_slice(), &["restartPolicy"]].concat();
        let policy = replica.get("restartPolicy").and_then(Value::as_str).unwrap_or("Never");
        restarts.push(policy_word(policy));
        match policy {
            "Never" => {}
            "OnFailure" => role_body.push(Entry::Set("restart".into(), Expr::word("on-failure"))),
            "Always" => {
                warnings.push(meaning(node, &restart_at, &format!("{key}.restartPolicy: Always"), "imported as `restart = on-failure`", "a Job's pods cannot restart after succeeding: a member that exits 0 is done (the operator would start it again)"));
                role_body.push(Entry::Set("restart".into(), Expr::word("on-failure")));
            }
            "ExitCode" => warnings.push(meaning(node, &restart_at, &format!("{key}.restartPolicy: ExitCode"), "imported as `restart = never` (the default)", "the operator retries only exit codes 128–255; the role's Job retries a failed member whatever its exit code: add a `failure-policy` rule (`{ action: fail-job, exit-codes: [...] }`) for the permanent ones")),
            other => {
                return Err(aside(&restart_at, &format!("`restartPolicy: {other}`"), "TFJob's restart policies are Always, OnFailure, Never and ExitCode"));
            }
        }
        let Some(Value::Object(mut template)) = replica.remove("template") else {
            let field = [at.as_slice(), &["template"]].concat();
            return Err(aside(
                &field,
                &format!("`{key}` has no pod `template`"),
                "every replica spec has a pod template",
            ));
        };
        // The operator writes the replica spec's policy into the pods: the template's own is not used.
        if let Some(s) = map_at(&mut template, &["spec"]) {
            s.remove("restartPolicy");
        }
        if let Some(m) = map_at(&mut template, &["metadata"]) {
            m.remove("creationTimestamp");
        }
        let typed =
            serde_json::from_value::<k8s_openapi::api::core::v1::PodTemplateSpec>(Value::Object(template.clone()));
        let field = [at.as_slice(), &["template"]].concat();
        match typed.map(|t| serde_json::to_value(t).unwrap_or_default()) {
            Err(e) => {
                return Err(aside(
                    &field,
                    &format!("`{key}.template` is not a pod template ({e})"),
                    "give it the fields of a PodTemplateSpec",
                ));
            }
            Ok(back) => {
                if let Some(path) = dropped(&Value::Object(template.clone()), &back, "template") {
                    return Err(aside(
                        &field,
                        &format!("`{path}` is not a field of a pod template"),
                        "check its spelling and depth against the PodTemplateSpec",
                    ));
                }
            }
        }
        ports.push((key.clone(), tf_port(&template).unwrap_or(DEFAULT_PORT)));
        let original = Value::Object(template.clone());
        let mut entries = pod(&mut template, schema::GROUP_ROLE, role, &Map::new(), &mut refs);
        entries.sort_by_key(super::rank);
        role_body.extend(entries);
        let mut raw = Vec::new();
        // A role's `raw` patches its Job: the template is the Job's `spec.template`.
        leftovers(&Value::Object(template), &original, "spec.template", &mut raw);
        if !raw.is_empty() {
            role_body.push(Entry::Block(
                "raw".into(),
                raw.iter().map(|(p, v)| Entry::Set(p.clone(), super::reverse::any(v))).collect(),
            ));
        }
        roles.push((role.to_string(), role_body));
    }
    if !roles.iter().any(|(r, _)| r == "worker" || r == "chief") {
        return Err(aside(
            &["spec", "tfReplicaSpecs"],
            "it has neither a Worker nor a Chief",
            "a TensorFlow group needs a `worker` or a `chief` role",
        ));
    }
    // Each replica type's port is its own `tfjob-port`, else the operator's 2222: one for the group.
    if let Some((first, p)) = ports.first() {
        if let Some((other, _)) = ports.iter().find(|(_, q)| q != p) {
            return Err(aside(
                &["spec", "tfReplicaSpecs", other],
                &format!("`{first}` and `{other}` listen on different `tfjob-port`s"),
                "a group has one `port` for every member: give the replica types the same port",
            ));
        }
        if *p != DEFAULT_PORT {
            body.push(Entry::Set("port".into(), Expr::Int(*p)));
        }
    }

    let has = |r: &str| roles.iter().any(|(x, _)| x == r);
    let mut success = None;
    match spec.remove("successPolicy") {
        None => {}
        Some(Value::String(s)) if s.is_empty() => {}
        Some(Value::String(s)) if s == "AllWorkers" && has("worker") => success = Some(Expr::word("worker")),
        Some(v) => {
            return Err(aside(
                &["spec", "successPolicy"],
                &format!("`successPolicy: {v}`"),
                "TFJob's success policies are \"\" (the chief, else worker 0) and AllWorkers (with workers)",
            ));
        }
    }
    if let Some(e) = success {
        body.push(Entry::Set("success".into(), e));
    }
    if let Some(v) = spec.remove("enableDynamicWorker").filter(|v| v != &Value::Bool(false)) {
        let _ = v;
        warnings.push(meaning(
            node,
            &["spec", "enableDynamicWorker"],
            "enableDynamicWorker",
            "left out: every member is in every TF_CONFIG",
            "the group's cluster is fixed when it is built: workers do not join or leave a running training",
        ));
    }

    let mut policy = match spec.remove("runPolicy") {
        None => Map::new(),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(aside(&["spec", "runPolicy"], "`runPolicy` is not a map", "write its fields under it")),
    };
    fn rp(f: &str) -> [&str; 3] {
        ["spec", "runPolicy", f]
    }
    if let Some(k) = policy.keys().find(|k| {
        !matches!(
            k.as_str(),
            "activeDeadlineSeconds"
                | "backoffLimit"
                | "cleanPodPolicy"
                | "managedBy"
                | "schedulingPolicy"
                | "suspend"
                | "ttlSecondsAfterFinished"
        )
    }) {
        return Err(aside(
            &rp(k),
            &format!("`runPolicy.{k}` is not a field of a run policy"),
            "check it against the TFJob CRD",
        ));
    }
    if policy.get("suspend").is_some_and(|s| s != &Value::Bool(false)) {
        return Err(aside(
            &rp("suspend"),
            "it is suspended (`runPolicy.suspend: true`)",
            "a group has no `suspend`: its Jobs would start when applied; resume the TFJob first, or import it without the field",
        ));
    }
    if let Some(m) = policy.get("managedBy").and_then(Value::as_str).filter(|m| *m != OPERATOR) {
        return Err(aside(
            &rp("managedBy"),
            &format!("another controller runs it (`managedBy: {m}`)"),
            "the Jobs of a group are run by the Job controller",
        ));
    }
    let seconds = |policy: &Map<String, Value>, f: &str| -> Result<Option<u64>, Aside> {
        match policy.get(f) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| aside(&rp(f), &format!("`runPolicy.{f}: {v}`"), "write a whole number of seconds")),
        }
    };
    let deadline = seconds(&policy, "activeDeadlineSeconds")?.filter(|s| *s > 0);
    let ttl = seconds(&policy, "ttlSecondsAfterFinished")?;
    let backoff = seconds(&policy, "backoffLimit")?;
    let all_never = restarts.iter().all(|r| *r == "never");
    match backoff {
        Some(n) => {
            warnings.push(meaning(node, &rp("backoffLimit"), &format!("runPolicy.backoffLimit: {n}"), &format!("imported as `retries-per-index = {n}`"), "the operator counts the failures of the whole TFJob; the group gives each member that many retries (a member failing once more fails its role)"));
            body.push(Entry::Set("retries-per-index".into(), Expr::Int(n as i64)));
        }
        // The operator fails the TFJob on the first failed replica: no retries, as written.
        None if all_never => body.push(Entry::Set("retries-per-index".into(), Expr::Int(0))),
        None => warnings.push(meaning(
            node,
            &["spec", "tfReplicaSpecs"],
            "restartPolicy: OnFailure without runPolicy.backoffLimit",
            "each role's Job fails after 6 restarts (Kubernetes' default `backoffLimit`)",
            "the operator restarts the containers without limit; write `retries-per-index` for the bound you mean",
        )),
    }
    if let Some(s) = deadline {
        body.push(Entry::Set("deadline".into(), Expr::Word(Duration(s).to_string())));
    }
    if let Some(s) = ttl {
        body.push(Entry::Set("ttl".into(), Expr::Word(Duration(s).to_string())));
    }
    // What separate Jobs do not do for each other (groups.md, "What the plain-Kubernetes form cannot do").
    if roles.len() > 1 {
        warnings.push(meaning(node, &["spec", "tfReplicaSpecs"], "tfReplicaSpecs", "each role is a Job of its own: one failing does not fail the others", "the operator fails the whole TFJob when a replica fails; the group's other roles run on until their `deadline`. `pipec build --target jobset` makes it one JobSet that fails (or, with `restarts`, recreates) the group together"));
    }
    let clean = policy.get("cleanPodPolicy").and_then(Value::as_str).unwrap_or("Running");
    match clean {
        "Running" if has("ps") && deadline.is_none() => warnings.push(meaning(node, &rp("cleanPodPolicy"), &format!("runPolicy.cleanPodPolicy: Running{}", if policy.contains_key("cleanPodPolicy") { "" } else { " (the default)" }), "nothing stops the parameter servers when the training is done", "the operator deletes the running pods at the end; separate Jobs do not stop each other: add a `deadline` to the group, or build with `--target jobset`")),
        "Running" | "None" => {}
        "All" => warnings.push(meaning(node, &rp("cleanPodPolicy"), "runPolicy.cleanPodPolicy: All", "the finished pods stay until their Jobs are deleted", "the operator deletes every pod at the end; the group's `ttl` deletes the Jobs (and their pods) after the time you give")),
        other => return Err(aside(&rp("cleanPodPolicy"), &format!("`cleanPodPolicy: {other}`"), "TFJob's clean pod policies are All, Running and None")),
    }
    if let Some(s) = policy.remove("schedulingPolicy").filter(|s| !super::reverse::is_empty(s)) {
        let _ = s;
        warnings.push(meaning(node, &rp("schedulingPolicy"), "runPolicy.schedulingPolicy", "left out: the members are scheduled one by one", "no gang scheduling without the operator's scheduler integration: a member may wait for peers not yet scheduled (set `scheduler-name` or `priority-class` in the roles if the cluster's scheduler gangs pods)"));
    }

    if !own.is_empty() {
        body.extend(own);
    }
    body.extend(roles.into_iter().map(|(r, b)| Entry::Labeled("role".into(), r, b)));
    let mut raw = Vec::new();
    let meta = object.get("metadata").cloned().unwrap_or(Value::Null);
    leftovers(&meta, &meta, "metadata", &mut raw);
    if !raw.is_empty() {
        body.push(Entry::Block(
            "raw".into(),
            raw.iter().map(|(p, v)| Entry::Set(p.clone(), super::reverse::any(v))).collect(),
        ));
    }
    let item = Item { comments: Vec::new(), keyword: "group".into(), name: name.to_string(), body: Some(body) };
    Ok((item, namespace, refs))
}

fn policy_word(policy: &str) -> &'static str {
    match policy {
        "OnFailure" | "Always" => "on-failure",
        _ => "never",
    }
}

/// The `tfjob-port` of the `tensorflow` container, where the operator reads TensorFlow's port.
fn tf_port(template: &Map<String, Value>) -> Option<i64> {
    let containers = template.get("spec")?.get("containers")?.as_array()?;
    let tf = containers.iter().find(|c| c.get("name").and_then(Value::as_str) == Some("tensorflow"))?;
    tf.get("ports")?
        .as_array()?
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some("tfjob-port"))?
        .get("containerPort")?
        .as_i64()
}
