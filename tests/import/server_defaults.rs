//! The API server's defaulting, as the tests apply it to both sides of a comparison: what
//! upstream's `SetDefaults_*` functions fill in where a field is absent
//! (`pkg/apis/core/v1/defaults.go`, `pkg/apis/batch/v1/defaults.go`,
//! `pkg/apis/apps/v1/defaults.go`), for the kinds `pipec import` converts. Written apart from
//! `src/import/server.rs` (which leaves such values out): a value the import drops that pipec
//! then does not emit, and that this defaulting does not give back, shows as a difference.
//! Shared by tests/import.rs and tests/corpus.rs (`#[path]`).

use serde_json::{Map, Value, json};

/// Fills in the API server's defaults of `object` (a Job, CronJob, Deployment, DaemonSet or Service).
pub fn apply(object: &mut Value) {
    everywhere(object);
    let kind = object["kind"].as_str().unwrap_or("").to_string();
    let Some(spec) = object.get_mut("spec").and_then(Value::as_object_mut) else { return };
    match kind.as_str() {
        "Job" => {
            job(spec);
            template(spec.get_mut("template"));
        }
        "CronJob" => {
            or(spec, "concurrencyPolicy", json!("Allow"));
            or(spec, "suspend", json!(false));
            or(spec, "successfulJobsHistoryLimit", json!(3));
            or(spec, "failedJobsHistoryLimit", json!(1));
            // A job template is no Job: only its pod is defaulted.
            template(spec.get_mut("jobTemplate").and_then(|t| t.get_mut("spec")).and_then(|s| s.get_mut("template")));
        }
        "Deployment" => {
            or(spec, "replicas", json!(1));
            or(spec, "revisionHistoryLimit", json!(10));
            or(spec, "progressDeadlineSeconds", json!(600));
            rolling(spec, "strategy", json!("25%"), json!("25%"));
            template(spec.get_mut("template"));
        }
        "DaemonSet" => {
            or(spec, "revisionHistoryLimit", json!(10));
            rolling(spec, "updateStrategy", json!(1), json!(0));
            template(spec.get_mut("template"));
        }
        "Service" => {
            or(spec, "type", json!("ClusterIP"));
            or(spec, "sessionAffinity", json!("None"));
            if spec["type"] != "ExternalName" {
                or(spec, "internalTrafficPolicy", json!("Cluster"));
            }
            for p in list(spec, "ports") {
                or(p, "protocol", json!("TCP"));
                let port = p.get("port").cloned().unwrap_or(Value::Null);
                or(p, "targetPort", port);
            }
        }
        _ => {}
    }
}

/// A null or an empty list is stored as absent (every list field is `omitempty`); a
/// `fieldRef`'s `apiVersion` is v1.
fn everywhere(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null() && !matches!(x, Value::Array(a) if a.is_empty()));
            if let Some(Value::Object(field_ref)) = m.get_mut("fieldRef") {
                or(field_ref, "apiVersion", json!("v1"));
            }
            m.values_mut().for_each(everywhere);
        }
        Value::Array(a) => a.iter_mut().for_each(everywhere),
        _ => {}
    }
}

fn or(map: &mut Map<String, Value>, key: &str, default: Value) {
    map.entry(key).or_insert(default);
}

fn list<'v>(map: &'v mut Map<String, Value>, key: &str) -> impl Iterator<Item = &'v mut Map<String, Value>> {
    map.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten().filter_map(Value::as_object_mut)
}

/// SetDefaults_Job.
fn job(spec: &mut Map<String, Value>) {
    if !spec.contains_key("completions") && !spec.contains_key("parallelism") {
        spec.insert("completions".into(), json!(1));
    }
    or(spec, "parallelism", json!(1));
    let backoff = if spec.contains_key("backoffLimitPerIndex") { json!(i32::MAX) } else { json!(6) };
    or(spec, "backoffLimit", backoff);
    or(spec, "completionMode", json!("NonIndexed"));
    or(spec, "suspend", json!(false));
    let replacement = if spec.contains_key("podFailurePolicy") { "Failed" } else { "TerminatingOrFailed" };
    or(spec, "podReplacementPolicy", json!(replacement));
    or(spec, "manualSelector", json!(false));
}

/// SetDefaults_Deployment's and SetDefaults_DaemonSet's update strategy.
fn rolling(spec: &mut Map<String, Value>, key: &str, unavailable: Value, surge: Value) {
    let strategy = spec.entry(key).or_insert(json!({})).as_object_mut().unwrap();
    or(strategy, "type", json!("RollingUpdate"));
    if strategy["type"] == "RollingUpdate" {
        let r = strategy.entry("rollingUpdate").or_insert(json!({})).as_object_mut().unwrap();
        or(r, "maxUnavailable", unavailable);
        or(r, "maxSurge", surge);
    }
}

/// SetDefaults_PodSpec, SetDefaults_Container, probes, HTTP actions and volumes.
fn template(template: Option<&mut Value>) {
    let Some(spec) = template.and_then(|t| t.get_mut("spec")).and_then(Value::as_object_mut) else { return };
    or(spec, "dnsPolicy", json!("ClusterFirst"));
    or(spec, "restartPolicy", json!("Always"));
    or(spec, "securityContext", json!({}));
    or(spec, "terminationGracePeriodSeconds", json!(30));
    or(spec, "schedulerName", json!("default-scheduler"));
    let host_network = spec.get("hostNetwork") == Some(&json!(true));
    for key in ["containers", "initContainers"] {
        for c in list(spec, key) {
            container(c, host_network);
        }
    }
    for v in list(spec, "volumes") {
        for source in ["configMap", "secret", "downwardAPI", "projected"] {
            if let Some(Value::Object(s)) = v.get_mut(source) {
                or(s, "defaultMode", json!(420));
            }
        }
        if let Some(Value::Object(h)) = v.get_mut("hostPath") {
            or(h, "type", json!(""));
        }
    }
}

fn container(c: &mut Map<String, Value>, host_network: bool) {
    let image = c.get("image").and_then(Value::as_str).unwrap_or("").to_string();
    let last = image.rsplit('/').next().unwrap_or("");
    let tag = if image.contains('@') { Some("") } else { last.split_once(':').map(|(_, t)| t) };
    let pull = if matches!(tag, None | Some("latest")) { "Always" } else { "IfNotPresent" };
    or(c, "imagePullPolicy", json!(pull));
    or(c, "terminationMessagePath", json!("/dev/termination-log"));
    or(c, "terminationMessagePolicy", json!("File"));
    or(c, "resources", json!({}));
    for p in list(c, "ports") {
        or(p, "protocol", json!("TCP"));
        if host_network && let Some(port) = p.get("containerPort").cloned() {
            or(p, "hostPort", port);
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(Value::Object(p)) = c.get_mut(probe) {
            or(p, "timeoutSeconds", json!(1));
            or(p, "periodSeconds", json!(10));
            or(p, "successThreshold", json!(1));
            or(p, "failureThreshold", json!(3));
            http(p);
        }
    }
    if let Some(Value::Object(lifecycle)) = c.get_mut("lifecycle") {
        for hook in lifecycle.values_mut().filter_map(Value::as_object_mut) {
            http(hook);
        }
    }
}

/// SetDefaults_HTTPGetAction.
fn http(handler: &mut Map<String, Value>) {
    if let Some(Value::Object(get)) = handler.get_mut("httpGet") {
        or(get, "path", json!("/"));
        or(get, "scheme", json!("HTTP"));
    }
}
