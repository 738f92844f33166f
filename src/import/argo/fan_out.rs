//! A fan-out task as `--target argo` writes it (`lower/kinds/pipeline/argo.rs`) read back into
//! a task with `role` blocks; recognised only when the pipeline builds the same Workflow again.

use super::task_pod;
use crate::diag::Diagnostic;
use crate::import::Refs;
use crate::import::pipe::{Entry, Expr, Item};
use crate::import::yaml::Node;
use crate::units::Duration;
use serde_json::{Map, Value};

/// Whether the pipeline, built with `--target argo`, is the object of `node` (its spec).
pub(super) fn builds_the_same(item: &Item, namespace: &Option<String>, node: &Node) -> bool {
    let file = crate::import::pipe::File {
        namespace: namespace.as_ref().map(|n| Item {
            comments: Vec::new(),
            keyword: "namespace".into(),
            name: n.clone(),
            body: None,
        }),
        items: vec![item.clone()],
        ..Default::default()
    };
    let options = crate::check::CheckOptions { target: crate::target::Target::Argo, ..Default::default() };
    let mut session = crate::session::Session::new(options, &crate::import::defaults::NoFiles);
    let id = session.add_file(format!("{}.pipe", item.name), crate::import::pipe::render(&file));
    let (objects, diags) = session.objects(id);
    if diags.iter().any(Diagnostic::is_error) {
        return false;
    }
    let kind = node.get("kind").and_then(Node::as_str).unwrap_or("");
    let input = node.to_json();
    objects
        .iter()
        .filter(|o| o.kind().as_str() == kind)
        .filter_map(|o| serde_json::to_value(o).ok())
        .any(|built| built.get("spec") == input.get("spec"))
}

/// A fan-out task as pipec writes it on Argo (`lower/kinds/pipeline/argo.rs`): a DAG whose first
/// task creates the members' headless Service, then each role's members (`withSequence`),
/// each a pod of its member template, the roles that do not decide daemons.
pub(super) fn fan_out(
    templates: &[&Map<String, Value>],
    ti: usize,
    task: &str,
    pipeline: &str,
    account: Option<&str>,
    params: &[(String, String)],
    refs: &mut Refs,
) -> Result<Vec<Entry>, (String, String)> {
    let not = |c: &str| ("dag".to_string(), format!("is a nested DAG, not a fan-out task as pipec writes it: {c}"));
    let dag_tasks = templates[ti]
        .get("dag")
        .and_then(|d| d.get("tasks"))
        .and_then(Value::as_array)
        .ok_or_else(|| not("no tasks"))?;
    let find = |n: &str| templates.iter().find(|t| t.get("name").and_then(Value::as_str) == Some(n));
    let service = format!("{task}-service");
    let Some((first, members)) = dag_tasks.split_first() else { return Err(not("no tasks")) };
    if first.get("template").and_then(Value::as_str) != Some(service.as_str()) {
        return Err(not(&format!("its first task is not `{service}`")));
    }
    let manifest = find(&service)
        .and_then(|t| t.get("resource"))
        .and_then(|r| r.get("manifest"))
        .and_then(Value::as_str)
        .and_then(|m| serde_json::from_str::<Value>(m).ok())
        .ok_or_else(|| not("no Service manifest"))?;
    let port = manifest.pointer("/spec/ports/0/port").and_then(Value::as_i64);
    let mut tf = false;
    let mut common: Option<(Option<Value>, Option<Value>)> = None;
    let mut roles = Vec::new();
    let mut deciding = Vec::new();
    for m in members {
        let role = m.get("name").and_then(Value::as_str).ok_or_else(|| not("a member task has no name"))?;
        let replicas = m
            .pointer("/withSequence/count")
            .and_then(Value::as_str)
            .and_then(|c| c.parse::<i64>().ok())
            .ok_or_else(|| not("a role without `withSequence`"))?;
        let tname = format!("{task}-{role}");
        let mut t = (*find(&tname).ok_or_else(|| not(&format!("no template `{tname}`")))?).clone();
        t.remove("inputs");
        t.remove("podSpecPatch");
        let daemon = t.remove("daemon").is_some_and(|d| d == true);
        if !daemon {
            deciding.push(role.to_string());
        }
        let here = (t.remove("retryStrategy").and_then(|r| r.get("limit").cloned()), t.remove("activeDeadlineSeconds"));
        match &common {
            None => common = Some(here),
            Some(c) if *c == here => {}
            Some(_) => return Err(not("its roles retry or end differently")),
        }
        if let Some(Value::Object(labels)) = t.get_mut("metadata").and_then(|m| m.get_mut("labels")) {
            labels.remove("pipec.dev/role");
        }
        for list in ["container", "initContainers", "sidecars"] {
            let cs: Vec<&mut Value> = match t.get_mut(list) {
                Some(Value::Array(a)) => a.iter_mut().collect(),
                Some(c @ Value::Object(_)) => vec![c],
                _ => Vec::new(),
            };
            for c in cs {
                let Some(env) = c.get_mut("env").and_then(Value::as_array_mut) else { continue };
                tf |= env.iter().any(|v| v.get("name").and_then(Value::as_str) == Some("TF_CONFIG"));
                env.retain(|v| !crate::import::jobset::group_var(v.get("name").and_then(Value::as_str).unwrap_or("")));
                if env.is_empty()
                    && let Some(o) = c.as_object_mut()
                {
                    o.remove("env");
                }
            }
        }
        let mut body = vec![Entry::Set("replicas".into(), Expr::Int(replicas))];
        body.extend(task_pod(&t, task, role, pipeline, account, params, refs)?);
        roles.push((role.to_string(), body));
    }
    let mut out = Vec::new();
    if tf {
        out.push(Entry::Set("framework".into(), Expr::word("tensorflow")));
    }
    if let Some(p) = port.filter(|p| !(tf && *p == 2222)) {
        out.push(Entry::Set("port".into(), Expr::Int(p)));
    }
    let implied = tf.then(|| if roles.iter().any(|(r, _)| r == "chief") { "chief" } else { "worker" });
    match deciding.as_slice() {
        [one] if implied == Some(one.as_str()) => {}
        [one] if roles.len() > 1 => out.push(Entry::Set("success".into(), Expr::Word(crate::import::pipe::name(one)))),
        _ => {}
    }
    let (retries, deadline) = common.unwrap_or_default();
    if let Some(n) = retries.as_ref().and_then(Value::as_i64) {
        out.push(Entry::Set("retries-per-index".into(), Expr::Int(n)));
    }
    if let Some(s) = deadline.as_ref().and_then(Value::as_u64) {
        out.push(Entry::Set("deadline".into(), Expr::Word(Duration(s).to_string())));
    }
    out.extend(roles.into_iter().map(|(r, b)| Entry::Labeled("role".into(), r, b)));
    Ok(out)
}
