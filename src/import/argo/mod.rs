//! An Argo `Workflow` or `CronWorkflow` (`argoproj.io/v1alpha1`) whose entrypoint is a DAG of
//! container templates — what `--target argo` emits, and what users commonly write — back to
//! `pipeline NAME { task … { after = [...] } }` (docs/pipelines.md).
//!
//! A DAG task's `depends` of the form `a && b` (or `a.Succeeded && b.Succeeded`) and its
//! `dependencies: [a, b]` are `after`; its template's pod is read by the one pod reader,
//! `retryStrategy.limit` is `retries`, `activeDeadlineSeconds` the task's `deadline`. The
//! Workflow's deadline, `ttlStrategy.secondsAfterCompletion` and a CronWorkflow's schedule keys
//! are the pipeline's. Anything else — other `depends` expressions (`a.Failed`, `||`), `when`,
//! loops, `steps`, scripts, artifacts, expressions beyond `{{workflow.parameters.NAME}}` —
//! keeps the object aside (P0710) naming the construct: never a silently different graph.

mod fan_out;

use super::Refs;
use super::custom::{Aside, Opened, Read, construct, dropped, meaning, open};
use super::pipe::{Entry, Expr, Item, quote};
use super::pod::pod;
use super::reverse::{leftovers, rows};
use super::server::LeftOut;
use super::yaml::Node;
use crate::diag::Diagnostic;
use crate::schema;
use crate::units::Duration;
use serde_json::{Map, Value};

/// The label pipec puts on a pipeline's objects and pods, and on each task's pods.
const PIPELINE_LABEL: &str = "pipec.dev/pipeline";
const TASK_LABEL: &str = "pipec.dev/task";
/// A pipeline's `ttl` when none is written (docs/pipelines.md): pipec always emits one.
const DEFAULT_TTL: u64 = 86_400;

/// The account a pipeline's Workflow runs as (made by pipec beside it, with its Role and binding).
pub(super) fn own_account(pipeline: &str) -> String {
    format!("{pipeline}-workflow")
}

pub(super) fn pipeline(
    cron: bool,
    node: &Node,
    name: &str,
    what: &str,
    warnings: &mut Vec<Diagnostic>,
    left_out: &mut LeftOut,
) -> Result<Read, Aside> {
    let aside = |path: &[&str], c: &str, help: &str| -> Aside { Box::new(construct(node, path, what, c, help)) };
    let aside_at = |path: Vec<String>, c: &str, help: &str| -> Aside {
        aside(&path.iter().map(String::as_str).collect::<Vec<_>>(), c, help)
    };
    let mut body = Vec::new();
    // Argo uses `generateName` only when there is no name.
    let named = node.at(&["metadata", "name"]).is_some();
    let Opened { mut object, namespace, mut refs } = open(node, what, schema::PIPELINE, &mut body, left_out, |meta| {
        if meta.remove("generateName").is_some() && !named {
            warnings.push(meaning(node, &["metadata", "generateName"], "metadata.generateName", &format!("the pipeline's {} is named `{name}`", if cron { "CronWorkflow" } else { "Workflow" }), "Argo names each created Workflow `<generateName><suffix>`; pipec's has a fixed name: `kubectl create` it again once the last run is deleted, or start runs with `argo submit --from`"));
        }
        if let Some(Value::Object(labels)) = meta.get_mut("labels") {
            if labels.get(PIPELINE_LABEL).and_then(Value::as_str) == Some(name) {
                labels.remove(PIPELINE_LABEL);
            }
            if labels.is_empty() {
                meta.remove("labels");
            }
        }
    })?;
    let mut raw = Vec::new();
    let meta = object.get("metadata").cloned().unwrap_or(Value::Null);
    leftovers(&meta, &meta, "metadata", &mut raw);
    if let Some((path, _)) = raw.first() {
        return Err(aside(
            &["metadata"],
            &format!("`{path}` has no pipeline key"),
            "a pipeline's object takes `labels` and `annotations`",
        ));
    }
    let Some(Value::Object(mut spec)) = object.remove("spec") else {
        return Err(aside(&["spec"], "it has no `spec`", "a Workflow is its templates"));
    };
    let wf_at: Vec<&str> = if cron { vec!["spec", "workflowSpec"] } else { vec!["spec"] };
    let wf = if cron {
        schedule(node, &mut spec, &aside, &mut body)?;
        match spec.remove("workflowSpec") {
            Some(Value::Object(w)) => w,
            _ => {
                return Err(aside(
                    &["spec"],
                    "it has no `workflowSpec`",
                    "a CronWorkflow starts the Workflow of its `workflowSpec`",
                ));
            }
        }
    } else {
        spec
    };
    for k in wf.keys() {
        if !matches!(
            k.as_str(),
            "entrypoint"
                | "templates"
                | "serviceAccountName"
                | "activeDeadlineSeconds"
                | "ttlStrategy"
                | "podMetadata"
                | "arguments"
        ) {
            return Err(aside(
                &under(&wf_at, k),
                &format!("its Workflow sets `{k}`"),
                "a pipeline writes a DAG of container tasks with a deadline and a ttl; remove the field, or keep the Workflow as it is",
            ));
        }
    }
    match wf.get("activeDeadlineSeconds") {
        None => {}
        Some(v) => match v.as_u64().filter(|s| *s > 0) {
            Some(s) => body.push(Entry::Set("deadline".into(), Expr::Word(Duration(s).to_string()))),
            None => {
                return Err(aside(
                    &under(&wf_at, "activeDeadlineSeconds"),
                    &format!("`activeDeadlineSeconds: {v}`"),
                    "write a whole number of seconds",
                ));
            }
        },
    }
    match wf.get("ttlStrategy") {
        None => warnings.push(meaning(node, &wf_at, "ttlStrategy", "none written: the pipeline's Workflow is deleted 1d after it ends (pipec's default `ttl`)", "write `ttl` in the pipeline for another time; Argo without a `ttlStrategy` keeps the Workflow (unless its controller's defaults say otherwise)")),
        Some(Value::Object(t)) if t.len() == 1 && t.get("secondsAfterCompletion").is_some_and(Value::is_u64) => {
            let s = t["secondsAfterCompletion"].as_u64().unwrap_or(DEFAULT_TTL);
            if s != DEFAULT_TTL {
                body.push(Entry::Set("ttl".into(), Expr::Word(Duration(s).to_string())));
            }
        }
        Some(v) => return Err(aside(&under(&wf_at, "ttlStrategy"), &format!("`ttlStrategy: {v}`"), "a pipeline's `ttl` is `secondsAfterCompletion` (the same for success and failure)")),
    }
    if let Some(m) = wf.get("podMetadata") {
        let own = serde_json::json!({ "labels": { PIPELINE_LABEL: name } });
        if *m != own {
            return Err(aside(
                &under(&wf_at, "podMetadata"),
                "its `podMetadata` labels every pod",
                "write the pods' labels in each task (`pod-labels`)",
            ));
        }
    }
    let params = parameters(node, &wf, &wf_at, &aside, warnings)?;
    if !params.is_empty() {
        body.push(Entry::Set(
            "params".into(),
            Expr::Map(params.iter().map(|(k, v)| (k.clone(), Expr::str(v))).collect()),
        ));
    }
    let account = wf.get("serviceAccountName").and_then(Value::as_str).filter(|a| *a != own_account(name));

    let entry = wf.get("entrypoint").and_then(Value::as_str).unwrap_or("");
    let templates: Vec<&Map<String, Value>> = wf
        .get("templates")
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let template = |n: &str| templates.iter().position(|t| t.get("name").and_then(Value::as_str) == Some(n));
    let Some(ei) = template(entry) else {
        return Err(aside(
            &under(&wf_at, "entrypoint"),
            &format!("its entrypoint `{entry}` is not one of its templates"),
            "name the DAG template in `entrypoint`",
        ));
    };
    // Paths in the YAML: of template `i` and its field, of task `j` of the DAG and its field.
    let tpl_at = |i: usize, f: &[&str]| -> Vec<String> {
        let mut p: Vec<String> = wf_at.iter().map(|s| s.to_string()).collect();
        p.extend(["templates".to_string(), i.to_string()]);
        p.extend(f.iter().map(|s| s.to_string()));
        p
    };
    let task_at = |j: usize, f: &str| tpl_at(ei, &["dag", "tasks", &j.to_string(), f]);
    let Some(Value::Object(dag)) = templates[ei].get("dag") else {
        let shape = ["steps", "container", "script", "resource", "suspend"]
            .into_iter()
            .find(|k| templates[ei].contains_key(*k))
            .unwrap_or("no dag");
        return Err(aside(
            &under(&wf_at, "entrypoint"),
            &format!("its entrypoint `{entry}` is a `{shape}` template, not a DAG"),
            "a pipeline is a DAG of tasks: write `steps` as a DAG whose tasks depend on the step before",
        ));
    };
    if let Some(k) = dag.keys().find(|k| *k != "tasks") {
        return Err(aside_at(
            tpl_at(ei, &["dag", k]),
            &format!("its DAG `{entry}` sets `{k}`"),
            "a pipeline's graph fails fast and runs every task",
        ));
    }
    if let Some(k) = templates[ei].keys().find(|k| *k != "name" && *k != "dag") {
        return Err(aside_at(
            tpl_at(ei, &[k]),
            &format!("its DAG template `{entry}` sets `{k}`"),
            "a pipeline's DAG template has its tasks only",
        ));
    }
    let tasks: Vec<&Map<String, Value>> = dag
        .get("tasks")
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let names: Vec<&str> = tasks.iter().filter_map(|t| t.get("name").and_then(Value::as_str)).collect();
    let mut fan_outs = false;
    for (j, t) in tasks.iter().enumerate() {
        let task = t.get("name").and_then(Value::as_str).unwrap_or("");
        let here = |c: &str| format!("task `{task}` {c}");
        if let Some(k) = t.keys().find(|k| !matches!(k.as_str(), "name" | "template" | "depends" | "dependencies")) {
            let help = match k.as_str() {
                "when" => "a pipeline runs every task whose `after` tasks succeeded: no conditions",
                "withItems" | "withParam" | "withSequence" => {
                    "a loop of tasks is a `for` of tasks, or a fan-out task (roles with `replicas`)"
                }
                "arguments" => "a task's values are written in the task (or its template's arguments)",
                _ => "a pipeline's task is its pod and `after`",
            };
            return Err(aside_at(task_at(j, k), &here(&format!("has `{k}`")), help));
        }
        let mut after: Vec<String> = Vec::new();
        match (t.get("depends"), t.get("dependencies")) {
            (Some(_), Some(_)) => {
                return Err(aside_at(
                    task_at(j, "depends"),
                    &here("has both `depends` and `dependencies`"),
                    "Argo refuses both: write one",
                ));
            }
            (Some(Value::String(d)), None) => {
                for term in d.split("&&").map(str::trim) {
                    let bare = term.strip_suffix(".Succeeded").unwrap_or(term);
                    let plain =
                        !bare.is_empty() && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                    if !plain || !names.contains(&bare) {
                        return Err(aside_at(
                            task_at(j, "depends"),
                            &here(&format!("depends on `{d}`")),
                            "`after` is every listed task succeeded (`a && b`, `a.Succeeded && b.Succeeded`); `||`, `!` and other states (`.Failed`, `.Completed`) have no equivalent",
                        ));
                    }
                    after.push(bare.to_string());
                }
            }
            (None, Some(Value::Array(list))) => {
                for d in list {
                    match d.as_str().filter(|d| names.contains(d)) {
                        Some(d) => after.push(d.to_string()),
                        None => {
                            return Err(aside_at(
                                task_at(j, "dependencies"),
                                &here(&format!("has the dependency {d}")),
                                "list the names of tasks of the DAG",
                            ));
                        }
                    }
                }
            }
            (None, None) => {}
            (Some(v), None) | (None, Some(v)) => {
                return Err(aside_at(
                    task_at(j, "depends"),
                    &here(&format!("depends on {v}")),
                    "write `depends: \"a && b\"`",
                ));
            }
        }
        let tname = t.get("template").and_then(Value::as_str).unwrap_or("");
        let Some(ti) = template(tname) else {
            return Err(aside_at(
                task_at(j, "template"),
                &here(&format!("runs `{tname}`, which is not a template of the Workflow")),
                "a task runs a template of the same Workflow (`templateRef` has no equivalent)",
            ));
        };
        let fan = templates[ti].contains_key("dag");
        fan_outs |= fan;
        let entries = if fan {
            fan_out::fan_out(&templates, ti, task, name, account, &params, &mut refs)
        } else {
            task_pod(templates[ti], task, task, name, account, &params, &mut refs)
        };
        let mut entries = entries.map_err(|(field, c)| {
            aside_at(
                tpl_at(ti, &[&field]),
                &format!("template `{tname}` {c}"),
                "a task is one container template: its pod, `retryStrategy.limit` and `activeDeadlineSeconds`",
            )
        })?;
        let retry_policy =
            templates[ti].get("retryStrategy").and_then(|r| r.get("retryPolicy")).and_then(Value::as_str);
        if let Some(p) = retry_policy.filter(|p| *p != "OnFailure") {
            let path = tpl_at(ti, &["retryStrategy", "retryPolicy"]);
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            warnings.push(meaning(node, &path, &format!("{tname}.retryStrategy.retryPolicy: {p}"), "imported as `retries`: failed pods are retried, not errors", "a task's retries are its Job's (`backoffLimit`, failed pods); Argo's `Always` and `OnError` also retry errors of the pod itself"));
        }
        if !after.is_empty() {
            entries.insert(
                0,
                Entry::Set(
                    "after".into(),
                    Expr::List(after.into_iter().map(|a| Expr::Word(super::pipe::name(&a))).collect()),
                ),
            );
        }
        body.push(Entry::Labeled("task".into(), task.to_string(), entries));
    }
    if tasks.is_empty() {
        return Err(aside_at(
            tpl_at(ei, &["dag"]),
            &format!("its DAG `{entry}` has no tasks"),
            "a pipeline has at least one task",
        ));
    }
    let item = Item { comments: Vec::new(), keyword: "pipeline".into(), name: name.to_string(), body: Some(body) };
    // A fan-out task is recognised in the form pipec gives it: the pipeline must build it again.
    if fan_outs && !fan_out::builds_the_same(&item, &namespace, node) {
        return Err(aside(
            &under(&wf_at, "templates"),
            "a task runs a nested DAG that is not a fan-out task as pipec writes it",
            "a pipeline's fan-out task is roles of members that find each other (`role NAME { replicas = N }`): write it so, or keep the Workflow",
        ));
    }
    Ok((item, namespace, refs))
}

/// The path of a field of the Workflow's spec (`spec.workflowSpec.f` in a CronWorkflow).
fn under<'a>(wf_at: &[&'a str], f: &'a str) -> Vec<&'a str> {
    [wf_at, &[f]].concat()
}

/// A CronWorkflow's schedule keys, as the pipeline's (`schedules` of one, or `schedule`).
fn schedule(
    node: &Node,
    spec: &mut Map<String, Value>,
    aside: &dyn Fn(&[&str], &str, &str) -> Aside,
    body: &mut Vec<Entry>,
) -> Result<(), Aside> {
    let _ = node;
    for k in spec.keys() {
        if !matches!(
            k.as_str(),
            "schedules"
                | "schedule"
                | "timezone"
                | "concurrencyPolicy"
                | "startingDeadlineSeconds"
                | "successfulJobsHistoryLimit"
                | "failedJobsHistoryLimit"
                | "workflowSpec"
                | "suspend"
        ) {
            return Err(aside(
                &["spec", k],
                &format!("its CronWorkflow sets `{k}`"),
                "a pipeline's schedule keys are `schedule`, `timezone`, `concurrency`, `starting-deadline`, `keep-succeeded` and `keep-failed`",
            ));
        }
    }
    if spec.remove("suspend").is_some_and(|s| s != Value::Bool(false)) {
        return Err(aside(
            &["spec", "suspend"],
            "it is suspended (`suspend: true`)",
            "a pipeline has no `suspend`: its runs would start; resume it first",
        ));
    }
    let one = match (spec.remove("schedules"), spec.remove("schedule")) {
        (Some(Value::Array(list)), None) if list.len() == 1 && list[0].is_string() => list[0].clone(),
        (None, Some(s @ Value::String(_))) => s,
        (Some(v), _) | (None, Some(v)) => {
            return Err(aside(
                &["spec", "schedules"],
                &format!("its schedule is {v}"),
                "a pipeline has one `schedule`: make one pipeline per schedule",
            ));
        }
        (None, None) => return Err(aside(&["spec"], "it has no schedule", "write `schedules: [\"0 2 * * *\"]`")),
    };
    // The fields of a CronJob's spec under their CronJob names, read by the same rows.
    let mut cron = Map::new();
    cron.insert("schedule".into(), one);
    for (from, to) in [
        ("timezone", "timeZone"),
        ("concurrencyPolicy", "concurrencyPolicy"),
        ("startingDeadlineSeconds", "startingDeadlineSeconds"),
        ("successfulJobsHistoryLimit", "successfulJobsHistoryLimit"),
        ("failedJobsHistoryLimit", "failedJobsHistoryLimit"),
    ] {
        if let Some(v) = spec.remove(from) {
            cron.insert(to.into(), v);
        }
    }
    rows(&mut cron, "CronJobSpec", schema::PIPELINE, body);
    if let Some(k) = cron.keys().next() {
        return Err(aside(
            &["spec", k],
            &format!("its `{k}` is not a value the pipeline's key takes"),
            "check the value against the CronWorkflow CRD",
        ));
    }
    Ok(())
}

/// `spec.arguments.parameters` of plain values: the pipeline's `params` (build-time values).
fn parameters(
    node: &Node,
    wf: &Map<String, Value>,
    wf_at: &[&str],
    aside: &dyn Fn(&[&str], &str, &str) -> Aside,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<(String, String)>, Aside> {
    let Some(args) = wf.get("arguments") else { return Ok(Vec::new()) };
    let bad = |c: &str| {
        aside(&under(wf_at, "arguments"), c, "a pipeline's `params` are names with a value, fixed when it is built")
    };
    let Some(args) = args.as_object() else { return Err(bad("its `arguments` are not a map")) };
    if let Some(k) = args.keys().find(|k| *k != "parameters") {
        return Err(bad(&format!("its arguments have `{k}`")));
    }
    let mut out = Vec::new();
    for p in args.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        let m = p.as_object().filter(|m| m.keys().all(|k| k == "name" || k == "value"));
        let (Some(n), Some(v)) = (m.and_then(|m| m.get("name")?.as_str()), m.and_then(|m| m.get("value")?.as_str()))
        else {
            return Err(bad(&format!("the parameter {p} is not a name and a value")));
        };
        if super::pipe::name(n) != n {
            return Err(bad(&format!("the parameter `{n}` is not a name a pipeline can use")));
        }
        out.push((n.to_string(), v.to_string()));
    }
    if !out.is_empty() {
        warnings.push(meaning(
            node,
            &under(wf_at, "arguments"),
            "arguments.parameters",
            "imported as the pipeline's `params`: values fixed when it is built",
            "`argo submit -p NAME=…` no longer changes them; build with `pipec build --set` or edit `params`",
        ));
    }
    Ok(out)
}

/// Template fields that are the pod's (spec fields of the same name).
const POD_FIELDS: &[&str] = &[
    "volumes",
    "nodeSelector",
    "tolerations",
    "affinity",
    "securityContext",
    "serviceAccountName",
    "priorityClassName",
    "schedulerName",
    "hostAliases",
];

/// A container template as a task's entries, or the construct it has that a task has not.
pub(super) fn task_pod(
    t: &Map<String, Value>,
    task: &str,
    container_name: &str,
    pipeline: &str,
    account: Option<&str>,
    params: &[(String, String)],
    refs: &mut Refs,
) -> Result<Vec<Entry>, (String, String)> {
    let mut t = t.clone();
    t.remove("name");
    for (k, v) in [("inputs", "inputs"), ("outputs", "outputs")] {
        if t.get(k).is_some_and(|x| !super::reverse::is_empty(x)) {
            return Err((k.to_string(), format!("has `{v}` (parameters or artifacts)")));
        }
        t.remove(k);
    }
    let Some(Value::Object(container)) = t.remove("container") else {
        let shape = ["dag", "steps", "script", "resource", "suspend", "http", "plugin", "containerSet", "data"]
            .into_iter()
            .find(|k| t.contains_key(*k));
        return Err(match shape {
            Some(s) => (s.to_string(), format!("is a `{s}` template, not a container")),
            None => ("name".into(), "has no container".into()),
        });
    };
    let text = serde_json::to_string(&t).unwrap_or_default() + &serde_json::to_string(&container).unwrap_or_default();
    if let Some(e) =
        expressions(&text).into_iter().find(|e| !params.iter().any(|(n, _)| *e == format!("workflow.parameters.{n}")))
    {
        return Err(("container".into(), format!("uses `{{{{{e}}}}}`")));
    }
    let mut entries = Vec::new();
    match t.remove("retryStrategy") {
        None => {}
        Some(Value::Object(r)) if r.keys().all(|k| k == "limit" || k == "retryPolicy") => {
            let limit = match r.get("limit") {
                Some(Value::Number(n)) => n.as_i64(),
                Some(Value::String(s)) => s.parse().ok(),
                _ => None,
            };
            match limit {
                Some(n) if n > 0 => entries.push(Entry::Set("retries".into(), Expr::Int(n))),
                Some(0) => {}
                _ => return Err(("retryStrategy".into(), "has a `retryStrategy` without a whole `limit`".into())),
            }
        }
        Some(_) => {
            return Err((
                "retryStrategy".into(),
                "has a `retryStrategy` with `backoff`, `expression` or `affinity`".into(),
            ));
        }
    }
    if let Some(v) = t.remove("activeDeadlineSeconds") {
        match v.as_u64().filter(|s| *s > 0) {
            Some(s) => entries.push(Entry::Set("deadline".into(), Expr::Word(Duration(s).to_string()))),
            None => return Err(("activeDeadlineSeconds".into(), format!("has `activeDeadlineSeconds: {v}`"))),
        }
    }
    // The pod as Kubernetes would have it: the template's pod fields, then its patch.
    let mut meta = match t.remove("metadata") {
        Some(Value::Object(m)) => m,
        None => Map::new(),
        Some(_) => return Err(("metadata".into(), "has `metadata` that is not a map".into())),
    };
    if let Some(Value::Object(labels)) = meta.get_mut("labels") {
        if labels.get(PIPELINE_LABEL).and_then(Value::as_str) == Some(pipeline) {
            labels.remove(PIPELINE_LABEL);
        }
        if labels.get(TASK_LABEL).and_then(Value::as_str) == Some(task) {
            labels.remove(TASK_LABEL);
        }
    }
    let mut spec = Map::new();
    let mut containers = vec![Value::Object(container)];
    if let Some(Value::Array(s)) = t.remove("sidecars") {
        containers.extend(s);
    }
    spec.insert("containers".into(), Value::Array(containers));
    if let Some(v) = t.remove("initContainers") {
        spec.insert("initContainers".into(), v);
    }
    for f in POD_FIELDS {
        if let Some(v) = t.remove(*f) {
            spec.insert((*f).into(), v);
        }
    }
    if let Some(a) = account
        && !spec.contains_key("serviceAccountName")
    {
        spec.insert("serviceAccountName".into(), Value::from(a));
    }
    if let Some(patch) = t.remove("podSpecPatch") {
        let Some(Value::Object(p)) = patch.as_str().and_then(|p| serde_json::from_str(p).ok()) else {
            return Err(("podSpecPatch".into(), "has a `podSpecPatch` that is not a JSON object".into()));
        };
        for (k, v) in p {
            if spec.contains_key(&k) {
                return Err(("podSpecPatch".into(), format!("sets `{k}` both in the template and in `podSpecPatch`")));
            }
            spec.insert(k, v);
        }
    }
    if let Some(k) = t.keys().next() {
        return Err((k.clone(), format!("has `{k}`")));
    }
    let mut tpl = Map::new();
    if !meta.is_empty() {
        tpl.insert("metadata".into(), Value::Object(std::mem::take(&mut meta)));
    }
    tpl.insert("spec".into(), Value::Object(spec));
    let typed = serde_json::from_value::<k8s_openapi::api::core::v1::PodTemplateSpec>(Value::Object(tpl.clone()));
    match typed.map(|p| serde_json::to_value(p).unwrap_or_default()) {
        Err(e) => return Err(("container".into(), format!("is not a pod ({e})"))),
        Ok(back) => {
            if let Some(path) = dropped(&Value::Object(tpl.clone()), &back, "") {
                return Err(("container".into(), format!("has `{path}`, not a field of a pod")));
            }
        }
    }
    let original = Value::Object(tpl.clone());
    let mut pod_entries = pod(&mut tpl, schema::JOB, container_name, &Map::new(), refs);
    let mut raw = Vec::new();
    leftovers(&Value::Object(tpl), &original, "", &mut raw);
    if let Some((path, _)) = raw.first() {
        return Err(("container".into(), format!("sets `{path}`, which no key of a task writes")));
    }
    pod_entries.sort_by_key(super::rank);
    entries.splice(0..0, pod_entries);
    for e in &mut entries {
        with_params(e, params);
    }
    Ok(entries)
}

/// The `{{…}}` expressions of a text, trimmed.
fn expressions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    out
}

/// `{{workflow.parameters.day}}` in a value as the param: `day`, or `"--day=${day}"`.
fn with_params(e: &mut Entry, params: &[(String, String)]) {
    match e {
        Entry::Set(_, v) | Entry::LabeledValue(_, _, v) => expr_params(v, params),
        Entry::Block(_, inner) | Entry::Labeled(_, _, inner) => inner.iter_mut().for_each(|e| with_params(e, params)),
        Entry::Line(_) | Entry::Comment(_) => {}
    }
}

fn expr_params(v: &mut Expr, params: &[(String, String)]) {
    match v {
        Expr::Str(s) if s.contains("{{") => {
            let mut pieces = Vec::new();
            let mut rest = s.as_str();
            while let Some(start) = rest.find("{{") {
                let after = &rest[start + 2..];
                let Some(end) = after.find("}}") else { break };
                let name = after[..end].trim().trim_start_matches("workflow.parameters.");
                if !params.iter().any(|(n, _)| n == name) {
                    return;
                }
                pieces.push((rest[..start].to_string(), name.to_string()));
                rest = &after[end + 2..];
            }
            if let [(before, name)] = pieces.as_slice()
                && before.is_empty()
                && rest.is_empty()
            {
                *v = Expr::Word(name.clone());
                return;
            }
            let mut text = String::new();
            for (before, name) in &pieces {
                text.push_str(inner(before).as_str());
                text.push_str(&format!("${{{name}}}"));
            }
            text.push_str(&inner(rest));
            *v = Expr::Word(format!("\"{text}\""));
        }
        Expr::List(items) => items.iter_mut().for_each(|x| expr_params(x, params)),
        Expr::Map(entries) => entries.iter_mut().for_each(|(_, x)| expr_params(x, params)),
        Expr::Call(_, args) => args.iter_mut().for_each(|(_, x)| expr_params(x, params)),
        _ => {}
    }
}

/// A string literal's text without its quotes (escaped as `quote` does).
fn inner(s: &str) -> String {
    let q = quote(s);
    q[1..q.len() - 1].to_string()
}
