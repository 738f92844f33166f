//! A `JobSet` (`jobset.x-k8s.io/v1alpha2`) back to a `group` (docs/reference/groups.md,
//! "`--target jobset`"): each replicated Job a role, when it is the shape a group emits — one
//! copy (`replicas: 1`) of an Indexed Job with `completions` = `parallelism`, the role's
//! `replicas` —; the Jobs' common life cycle (`backoffLimitPerIndex`, `activeDeadlineSeconds`,
//! `podFailurePolicy`) as the group's keys, `successPolicy` as `success`, `failurePolicy` as
//! `restarts`. What the group adds to every member itself (its `PIPEC_*` variables and
//! `TF_CONFIG`, the `pipec.dev/group` and `pipec.dev/role` labels, the subdomain) is taken out;
//! `TF_CONFIG` says the group is TensorFlow's. Another shape keeps the JobSet aside (P0710).

use super::custom::{Aside, Opened, Read, construct, dropped, meaning, open};
use super::objects::strip_own_labels;
use super::pipe::{Entry, Expr, Item};
use super::pod::pod;
use super::reverse::{leftovers, map_at, rows};
use super::server::LeftOut;
use super::yaml::Node;
use crate::diag::Diagnostic;
use crate::schema;
use crate::units::Duration;
use serde_json::{Map, Value};

const GROUP_LABEL: &str = "pipec.dev/group";
const ROLE_LABEL: &str = "pipec.dev/role";
/// TensorFlow's port when a group says none.
const TF_PORT: i64 = 2222;

/// The variables a group gives every member (groups.md, "What each member knows").
pub(super) fn group_var(name: &str) -> bool {
    matches!(name, "PIPEC_GROUP" | "PIPEC_ROLE" | "PIPEC_INDEX" | "PIPEC_NAMESPACE" | "PIPEC_SERVICE" | "TF_CONFIG")
        || name.starts_with("PIPEC_PEERS_")
}

/// What every role's Job says the same (the group's keys), as read from the first.
#[derive(PartialEq, Default, Clone)]
struct Common {
    per_index: Option<Value>,
    deadline: Option<Value>,
    failure: Option<Value>,
}

pub(super) fn group(
    node: &Node,
    name: &str,
    what: &str,
    warnings: &mut Vec<Diagnostic>,
    left_out: &mut LeftOut,
) -> Result<Read, Aside> {
    let aside = |path: &[&str], c: &str, help: &str| -> Aside { Box::new(construct(node, path, what, c, help)) };
    let mut own = Vec::new();
    let Opened { mut object, namespace, mut refs } = open(node, what, schema::GROUP, &mut own, left_out, |_| {})?;
    if let Some(k) = object.get("metadata").and_then(Value::as_object).and_then(|m| m.keys().next()) {
        return Err(aside(
            &["metadata", k],
            &format!("`metadata.{k}` has no key of a group"),
            "a group takes `labels` and `annotations`",
        ));
    }
    let Some(Value::Object(mut spec)) = object.remove("spec") else {
        return Err(aside(&["spec"], "it has no `spec`", "a JobSet is its replicated Jobs"));
    };
    if let Some(k) = spec.keys().find(|k| {
        !matches!(
            k.as_str(),
            "replicatedJobs" | "network" | "successPolicy" | "failurePolicy" | "ttlSecondsAfterFinished"
        )
    }) {
        return Err(aside(
            &["spec", k],
            &format!("it sets `spec.{k}`"),
            "a group's JobSet has its roles, its network, its success and failure policies and a ttl",
        ));
    }
    let own_network =
        serde_json::json!({ "enableDNSHostnames": true, "subdomain": name, "publishNotReadyAddresses": true });
    match spec.remove("network") {
        Some(n) if n == own_network => {}
        None => warnings.push(meaning(
            node,
            &["spec"],
            "spec.network",
            "written by the group: DNS hostnames in the subdomain `<group>`, published before the members are ready",
            "the members find each other while they start (`publishNotReadyAddresses`), and each gets the group's `PIPEC_*` variables (its role, index and peers), as a group's always do",
        )),
        Some(n) => {
            return Err(aside(
                &["spec", "network"],
                &format!("its `network` is {n}"),
                "a group's members are `<group>-<role>-0-<i>.<group>`: DNS hostnames in the group's own subdomain",
            ));
        }
    }
    let jobs = match spec.remove("replicatedJobs") {
        Some(Value::Array(j)) if !j.is_empty() => j,
        _ => return Err(aside(&["spec", "replicatedJobs"], "it has no replicated Jobs", "a group is its roles")),
    };
    let mut roles: Vec<(String, Vec<Entry>)> = Vec::new();
    let mut common: Option<Common> = None;
    let mut tf = false;
    let mut port: Option<i64> = None;
    let mut success_indexes: Option<(String, String)> = None;
    for (i, job) in jobs.into_iter().enumerate() {
        let idx = i.to_string();
        let at = |f: &[&'static str]| -> Vec<String> {
            let mut p = vec!["spec".to_string(), "replicatedJobs".to_string(), idx.clone()];
            p.extend(f.iter().map(|s| s.to_string()));
            p
        };
        let aside_at = |f: &[&'static str], c: &str, help: &str| -> Aside {
            let p = at(f);
            aside(&p.iter().map(String::as_str).collect::<Vec<_>>(), c, help)
        };
        let Value::Object(mut job) = job else {
            return Err(aside_at(&[], "a replicated Job is not a map", "write its `name` and `template`"));
        };
        let Some(role) = job.remove("name").and_then(|n| n.as_str().map(String::from)) else {
            return Err(aside_at(&[], "a replicated Job has no name", "name it after its role"));
        };
        if job.remove("replicas").is_some_and(|r| r != 1) {
            return Err(aside_at(
                &["replicas"],
                &format!("`{role}` has several copies of its Job"),
                "a role is one Indexed Job whose indexes are its members: write `replicas: 1` and the members as `completions` = `parallelism`",
            ));
        }
        let Some(Value::Object(mut template)) = job.remove("template") else {
            return Err(aside_at(
                &["template"],
                &format!("`{role}` has no Job template"),
                "every replicated Job has a `template`",
            ));
        };
        if let Some(k) = job.keys().next() {
            return Err(aside_at(
                &[],
                &format!("`{role}` sets `{k}`"),
                "a role's replicated Job is its name, `replicas: 1` and its template",
            ));
        }
        let mut body = Vec::new();
        if let Some(meta) = map_at(&mut template, &["metadata"]) {
            strip_own_labels(meta, &mut refs);
            if let Some(Value::Object(labels)) = meta.get_mut("labels") {
                if labels.get(GROUP_LABEL).and_then(Value::as_str) == Some(name) {
                    labels.remove(GROUP_LABEL);
                }
                if labels.get(ROLE_LABEL).and_then(Value::as_str) == Some(role.as_str()) {
                    labels.remove(ROLE_LABEL);
                }
                if labels.is_empty() {
                    meta.remove("labels");
                }
            }
            rows(meta, "ObjectMeta", schema::GROUP_ROLE, &mut body);
            if let Some(k) = meta.keys().next() {
                return Err(aside_at(
                    &["template", "metadata"],
                    &format!("`{role}`'s Job sets `metadata.{k}`"),
                    "a role's Job takes `labels` and `annotations`",
                ));
            }
        }
        template.remove("metadata");
        let Some(Value::Object(mut js)) = template.remove("spec") else {
            return Err(aside_at(&["template"], &format!("`{role}` has no Job spec"), "write the Job's `spec`"));
        };
        if let Some(k) = template.keys().next() {
            return Err(aside_at(
                &["template"],
                &format!("`{role}`'s Job template sets `{k}`"),
                "a Job template is its `metadata` and `spec`",
            ));
        }
        let (completions, parallelism) = (js.remove("completions"), js.remove("parallelism"));
        let indexed = js.remove("completionMode").is_some_and(|m| m == "Indexed");
        let members = match (&completions, &parallelism) {
            (Some(c), Some(p)) if indexed && c == p => c.as_i64().filter(|n| *n >= 1),
            _ => None,
        };
        let Some(members) = members else {
            return Err(aside_at(
                &["template", "spec"],
                &format!("`{role}` is not an Indexed Job with `completions` = `parallelism`"),
                "a role's members run at once, one index each: `completionMode: Indexed`, `completions` and `parallelism` both the number of members",
            ));
        };
        body.insert(0, Entry::Set("replicas".into(), Expr::Int(members)));
        if js.get("maxFailedIndexes").is_some_and(|m| m != &Value::from(0))
            || (js.contains_key("maxFailedIndexes") != js.contains_key("backoffLimitPerIndex"))
        {
            return Err(aside_at(
                &["template", "spec", "maxFailedIndexes"],
                &format!("`{role}` tolerates failed members (`maxFailedIndexes`)"),
                "a group's `retries-per-index` fails a role at its first member out of retries (`maxFailedIndexes: 0`)",
            ));
        }
        js.remove("maxFailedIndexes");
        let here = Common {
            per_index: js.remove("backoffLimitPerIndex"),
            deadline: js.remove("activeDeadlineSeconds"),
            failure: js.remove("podFailurePolicy"),
        };
        match &common {
            None => common = Some(here),
            Some(c) if *c == here => {}
            Some(_) => {
                return Err(aside_at(
                    &["template", "spec"],
                    &format!("`{role}`'s Job retries, deadline or failure policy differ from the first role's"),
                    "a group's `retries-per-index`, `deadline` and `failure-policy` are every role's",
                ));
            }
        }
        if let Some(Value::Object(policy)) = js.remove("successPolicy") {
            let rules = policy.get("rules").and_then(Value::as_array);
            match rules.map(Vec::as_slice) {
                Some([rule])
                    if policy.len() == 1
                        && rule.as_object().is_some_and(|r| r.len() == 1)
                        && rule.get("succeededIndexes").is_some_and(Value::is_string)
                        && success_indexes.is_none() =>
                {
                    success_indexes = Some((role.clone(), rule["succeededIndexes"].as_str().unwrap_or("").to_string()));
                }
                _ => {
                    return Err(aside_at(
                        &["template", "spec", "successPolicy"],
                        &format!("`{role}`'s Job has a success policy a group does not write"),
                        "a group's `success-indexes` is one rule of succeeded indexes, on its deciding role",
                    ));
                }
            }
        }
        let Some(Value::Object(mut tpl)) = js.remove("template") else {
            return Err(aside_at(
                &["template", "spec"],
                &format!("`{role}`'s Job has no pod template"),
                "write the Job's `template`",
            ));
        };
        if let Some(k) = js.keys().next() {
            return Err(aside_at(
                &["template", "spec"],
                &format!("`{role}`'s Job sets `{k}`"),
                "a role's Job has the group's life cycle: its keys are the group's",
            ));
        }
        let typed = serde_json::from_value::<k8s_openapi::api::core::v1::PodTemplateSpec>(Value::Object(tpl.clone()));
        match typed.map(|t| serde_json::to_value(t).unwrap_or_default()) {
            Err(e) => {
                return Err(aside_at(
                    &["template", "spec", "template"],
                    &format!("`{role}`'s pod template is not one ({e})"),
                    "give it the fields of a PodTemplateSpec",
                ));
            }
            Ok(back) => {
                if let Some(path) = dropped(&Value::Object(tpl.clone()), &back, "template") {
                    return Err(aside_at(
                        &["template", "spec", "template"],
                        &format!("`{path}` is not a field of a pod template"),
                        "check its spelling and depth against the PodTemplateSpec",
                    ));
                }
            }
        }
        // What the group writes into every member itself.
        if let Some(Value::Object(labels)) = map_at(&mut tpl, &["metadata"]).and_then(|m| m.get_mut("labels")) {
            if labels.get(GROUP_LABEL).and_then(Value::as_str) == Some(name) {
                labels.remove(GROUP_LABEL);
            }
            if labels.get(ROLE_LABEL).and_then(Value::as_str) == Some(role.as_str()) {
                labels.remove(ROLE_LABEL);
            }
        }
        if let Some(ps) = map_at(&mut tpl, &["spec"]) {
            if ps.get("subdomain").and_then(Value::as_str) == Some(name) {
                ps.remove("subdomain");
            }
            match ps.remove("restartPolicy").as_ref().and_then(Value::as_str) {
                None | Some("Never") => {}
                Some("OnFailure") => body.push(Entry::Set("restart".into(), Expr::word("on-failure"))),
                Some(other) => {
                    return Err(aside_at(
                        &["template", "spec", "template"],
                        &format!("`{role}`'s pods have `restartPolicy: {other}`"),
                        "a Job's pods restart `never` or `on-failure`",
                    ));
                }
            }
            for list in ["containers", "initContainers"] {
                for c in ps.get_mut(list).and_then(Value::as_array_mut).into_iter().flatten() {
                    let Some(env) = c.get_mut("env").and_then(Value::as_array_mut) else { continue };
                    for v in env.iter() {
                        let var = v.get("name").and_then(Value::as_str).unwrap_or("");
                        tf |= var == "TF_CONFIG";
                        if var.starts_with("PIPEC_PEERS_")
                            && let Some(p) = v
                                .get("value")
                                .and_then(Value::as_str)
                                .and_then(|a| a.split(',').next()?.rsplit_once(':')?.1.parse().ok())
                        {
                            port = Some(p);
                        }
                    }
                    env.retain(|v| !group_var(v.get("name").and_then(Value::as_str).unwrap_or("")));
                    if env.is_empty()
                        && let Some(m) = c.as_object_mut()
                    {
                        m.remove("env");
                    }
                }
            }
        }
        let original = Value::Object(tpl.clone());
        let mut entries = pod(&mut tpl, schema::GROUP_ROLE, &role, &Map::new(), &mut refs);
        let mut raw = Vec::new();
        leftovers(&Value::Object(tpl), &original, "spec.template", &mut raw);
        if let Some((path, _)) = raw.first() {
            return Err(aside_at(
                &["template", "spec", "template"],
                &format!("`{role}`'s pods set `{path}`, which no key of a role writes"),
                "a role's `raw` has no Job to patch in a JobSet: write the field's key",
            ));
        }
        entries.sort_by_key(super::rank);
        body.extend(entries);
        roles.push((role, body));
    }

    let mut head = Vec::new();
    if tf {
        head.push(Entry::Set("framework".into(), Expr::word("tensorflow")));
    }
    match port {
        Some(p) if !(tf && p == TF_PORT) => head.push(Entry::Set("port".into(), Expr::Int(p))),
        _ => {}
    }
    // TensorFlow's rule: the chief decides, else worker 0 (success-indexes "0").
    let has = |r: &str| roles.iter().any(|(x, _)| x == r);
    let implied = if tf { Some(if has("chief") { "chief" } else { "worker" }) } else { None };
    let targets: Option<Vec<String>> = match spec.remove("successPolicy") {
        None => None,
        Some(Value::Object(p)) if p.get("operator") == Some(&Value::from("All")) && p.len() <= 2 => Some(
            p.get("targetReplicatedJobs")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(|x| x.as_str().map(String::from)).collect())
                .unwrap_or_default(),
        ),
        Some(p) => {
            return Err(aside(
                &["spec", "successPolicy"],
                &format!("its success policy is {p}"),
                "a group's JobSet succeeds when all of its deciding roles have (`operator: All`)",
            ));
        }
    };
    let mut until_done: Vec<String> = Vec::new();
    match targets.as_deref() {
        None | Some([]) => {}
        Some([one]) if implied == Some(one.as_str()) => {}
        Some([one]) if roles.len() > 1 || !tf => {
            head.push(Entry::Set("success".into(), Expr::Word(super::pipe::name(one))))
        }
        Some(many) => {
            // Every role not listed is one that serves the others.
            until_done = roles.iter().map(|(r, _)| r.clone()).filter(|r| !many.contains(r)).collect();
        }
    }
    if let Some((role, indexes)) = &success_indexes {
        let implied_zero = tf && implied == Some("worker") && role == "worker" && indexes == "0";
        if !implied_zero {
            head.push(Entry::Set("success-indexes".into(), Expr::str(indexes)));
        }
    }
    let c = common.unwrap_or_default();
    if let Some(v) = &c.per_index {
        head.push(Entry::Set("retries-per-index".into(), Expr::Int(v.as_i64().unwrap_or(0))));
    }
    if let Some(v) = c.deadline.as_ref().and_then(Value::as_u64) {
        head.push(Entry::Set("deadline".into(), Expr::Word(Duration(v).to_string())));
    }
    if let Some(Value::Object(p)) = &c.failure {
        let mut js = Map::new();
        js.insert("podFailurePolicy".into(), Value::Object(p.clone()));
        let mut fp = Vec::new();
        super::objects::failure_policy(&mut js, &mut fp);
        if !js.is_empty() {
            return Err(aside(
                &["spec", "replicatedJobs"],
                "its pod failure policy has rules a group does not write",
                "write the rules a `failure-policy` takes",
            ));
        }
        head.extend(fp);
    }
    if let Some(v) = spec.remove("ttlSecondsAfterFinished") {
        match v.as_u64() {
            Some(s) => head.push(Entry::Set("ttl".into(), Expr::Word(Duration(s).to_string()))),
            None => {
                return Err(aside(
                    &["spec", "ttlSecondsAfterFinished"],
                    &format!("`ttlSecondsAfterFinished: {v}`"),
                    "write a whole number of seconds",
                ));
            }
        }
    }
    match spec.remove("failurePolicy") {
        None => {}
        Some(Value::Object(p)) if p.keys().all(|k| k == "maxRestarts") => {
            if let Some(n) = p.get("maxRestarts").and_then(Value::as_i64) {
                head.push(Entry::Set("restarts".into(), Expr::Int(n)));
            }
        }
        Some(p) => {
            return Err(aside(
                &["spec", "failurePolicy"],
                &format!("its failure policy is {p}"),
                "a group's JobSet restarts as a whole up to `restarts` times (`maxRestarts`); rules have no key",
            ));
        }
    }
    head.extend(own);
    for (role, mut body) in roles {
        if until_done.contains(&role) {
            body.insert(1, Entry::Set("until-done".into(), Expr::word("true")));
        }
        head.push(Entry::Labeled("role".into(), role, body));
    }
    let item = Item { comments: Vec::new(), keyword: "group".into(), name: name.to_string(), body: Some(head) };
    Ok((item, namespace, refs))
}
