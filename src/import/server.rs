//! What the API server and its controllers put into a live object (`kubectl get -o yaml`),
//! taken out before the object becomes an item:
//!
//! - server-generated identity (`identity`): never what the user meant, and wrong on a
//!   re-create (a stale uid, a Job's generated selector that the API server then refuses);
//! - values equal to the API server's defaults (`defaults`, unless `--keep-defaults`): the
//!   server fills them in again, and pipec emits nothing for an absent key, so the applied
//!   object is the same. Read from upstream's defaulting (`pkg/apis/core/v1/defaults.go`,
//!   `pkg/apis/batch/v1/defaults.go`, `pkg/apis/apps/v1/defaults.go`); a default is only left
//!   out where it holds unconditionally for the object at hand (a Job's `backoffLimit: 6`
//!   not beside `backoffLimitPerIndex`, `completions` and `parallelism` only together…).
//!
//! Each drop is noted once per kind of field, for the summary on stderr.

use crate::kinds::Kind;
use serde_json::{Map, Value};

/// What was left out, each kind of field once, in the order met.
#[derive(Default)]
pub struct LeftOut {
    pub identity: Vec<String>,
    pub defaults: Vec<String>,
    /// Objects a converted custom resource's item makes itself (a pipeline's account).
    pub made: Vec<String>,
}

impl LeftOut {
    fn note(list: &mut Vec<String>, what: String) {
        if !list.contains(&what) {
            list.push(what);
        }
    }
    /// The summary lines (none when nothing was left out).
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.identity.is_empty() {
            out.push(format!(
                "left out, server-generated (the API server and its controllers set them; a re-created object gets its own): {}",
                self.identity.join(", ")
            ));
        }
        if !self.defaults.is_empty() {
            out.push(format!(
                "left out, equal to the API server's defaults (it sets them again; `--keep-defaults` keeps them): {}",
                self.defaults.join(", ")
            ));
        }
        if !self.made.is_empty() {
            out.push(format!(
                "left out, made by the item that replaces their custom resource: {}",
                self.made.join(", ")
            ));
        }
        out
    }
}

/// ObjectMeta fields only the API server writes.
const SERVER_META: &[&str] = &[
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    // Owners are named by uid: a stale one makes the garbage collector delete the re-created object.
    "ownerReferences",
];
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// The labels the Job controller puts on a Job and its pods (`generateSelector`).
const JOB_UID_LABELS: &[&str] = &["controller-uid", "batch.kubernetes.io/controller-uid"];
const JOB_NAME_LABELS: &[&str] = &["job-name", "batch.kubernetes.io/job-name"];

/// Takes the server-generated identity out of `object` (named `name`, of `kind`).
pub fn identity(kind: Kind, name: &str, object: &mut Map<String, Value>, out: &mut LeftOut) {
    let mut note = |what: &str| LeftOut::note(&mut out.identity, what.to_string());
    let controller_annotations: &[&str] = match kind {
        Kind::Job => &["batch.kubernetes.io/job-tracking", "batch.kubernetes.io/cronjob-scheduled-timestamp"],
        Kind::Deployment => &["deployment.kubernetes.io/revision"],
        Kind::DaemonSet => &["deprecated.daemonset.template.generation"],
        _ => &[],
    };
    object_identity(object, controller_annotations, &mut note);
    // A template's `creationTimestamp: null` (ObjectMeta's, written by every Go client).
    for path in [
        &["spec", "template", "metadata"][..],
        &["spec", "jobTemplate", "metadata"],
        &["spec", "jobTemplate", "spec", "template", "metadata"],
    ] {
        if let Some(meta) = at(object, path) {
            meta.remove("creationTimestamp");
        }
    }
    match kind {
        Kind::Job => job_identity(name, object, &mut note),
        Kind::Deployment | Kind::DaemonSet => {
            // The ReplicaSets' and controller revisions' hash: never on what a user applies.
            let mut found = false;
            for path in [&["spec", "template", "metadata", "labels"][..], &["spec", "selector", "matchLabels"]] {
                if let Some(labels) = at(object, path) {
                    found |= labels.remove("pod-template-hash").is_some();
                }
            }
            if found {
                note("`pod-template-hash` labels");
            }
        }
        Kind::Service => service_identity(object, &mut note),
        _ => {}
    }
}

/// The server-generated identity of a custom resource (a TFJob…): its `status` and the
/// metadata only the API server writes, and kubectl's last applied configuration.
pub fn custom_identity(object: &mut Map<String, Value>, out: &mut LeftOut) {
    object_identity(object, &[], &mut |what| LeftOut::note(&mut out.identity, what.to_string()));
}

/// What every live object has that the server wrote: `status`, the server's metadata,
/// kubectl's last applied configuration, and the `controller_annotations` of its controller.
fn object_identity(object: &mut Map<String, Value>, controller_annotations: &[&str], note: &mut impl FnMut(&str)) {
    if object.remove("status").is_some() {
        note("`status`");
    }
    let Some(Value::Object(meta)) = object.get_mut("metadata") else { return };
    for f in SERVER_META {
        if meta.remove(*f).is_some() {
            note(&format!("`metadata.{f}`"));
        }
    }
    if let Some(Value::Object(a)) = meta.get_mut("annotations") {
        if a.remove(LAST_APPLIED).is_some() {
            note(&format!("`{LAST_APPLIED}` (kubectl's)"));
        }
        for k in controller_annotations {
            if a.remove(*k).is_some() {
                note(&format!("`{k}`"));
            }
        }
        if a.is_empty() {
            meta.remove("annotations");
        }
    }
}

/// A Job's generated selector and the labels that go with it (unless `manualSelector: true`:
/// then both are the user's).
fn job_identity(name: &str, object: &mut Map<String, Value>, note: &mut impl FnMut(&str)) {
    let Some(spec) = at(object, &["spec"]) else { return };
    if spec.get("manualSelector") == Some(&Value::Bool(true)) {
        return;
    }
    let generated = spec.get("selector").and_then(Value::as_object).is_some_and(|s| {
        s.len() == 1
            && s.get("matchLabels")
                .and_then(Value::as_object)
                .is_some_and(|m| !m.is_empty() && m.keys().all(|k| JOB_UID_LABELS.contains(&k.as_str())))
    });
    if generated {
        spec.remove("selector");
        note("Job `spec.selector`");
        // The generated selector's companion: written false by the API server.
        if spec.get("manualSelector") == Some(&Value::Bool(false)) {
            spec.remove("manualSelector");
            note("`spec.manualSelector: false`");
        }
    }
    let mut found = false;
    for path in [&["metadata", "labels"][..], &["spec", "template", "metadata", "labels"]] {
        if let Some(labels) = at(object, path) {
            let before = labels.len();
            labels.retain(|k, v| {
                !(JOB_UID_LABELS.contains(&k.as_str()) || JOB_NAME_LABELS.contains(&k.as_str()) && v == name)
            });
            found |= labels.len() != before;
        }
    }
    if found {
        note("the Job controller's labels `controller-uid`, `job-name`");
    }
    for path in [&["metadata"][..], &["spec", "template", "metadata"]] {
        if let Some(meta) = at(object, path)
            && meta.get("labels").and_then(Value::as_object).is_some_and(Map::is_empty)
        {
            meta.remove("labels");
        }
    }
}

/// The addresses the API server allocated to a Service (`clusterIP: None`, headless, is the user's).
fn service_identity(object: &mut Map<String, Value>, note: &mut impl FnMut(&str)) {
    let Some(spec) = at(object, &["spec"]) else { return };
    let headless = spec.get("clusterIP").is_some_and(|ip| ip == "None");
    if !headless && spec.remove("clusterIP").is_some() {
        note("Service `clusterIP`");
    }
    let ips_follow = match spec.get("clusterIPs").and_then(Value::as_array) {
        Some(ips) => !headless || ips.iter().all(|ip| ip == "None"),
        None => false,
    };
    if ips_follow {
        spec.remove("clusterIPs");
        note("Service `clusterIPs`");
    }
    let single = spec.get("ipFamilyPolicy").is_none_or(|p| p == "SingleStack")
        && spec.get("ipFamilies").and_then(Value::as_array).is_none_or(|f| f.len() <= 1);
    if single {
        if spec.remove("ipFamilies").is_some() {
            note("Service `ipFamilies`");
        }
        if spec.remove("ipFamilyPolicy").is_some() {
            note("Service `ipFamilyPolicy: SingleStack`");
        }
    }
}

/// Takes out the fields of `object` equal to what the API server would default them to.
pub fn defaults(kind: Kind, object: &mut Map<String, Value>, out: &mut LeftOut) {
    let mut d = Defaults { out };
    match kind {
        Kind::Job => {
            if let Some(spec) = at(object, &["spec"]) {
                d.job(spec);
            }
            d.template(object, &["spec", "template"]);
        }
        Kind::CronJob => {
            if let Some(spec) = at(object, &["spec"]) {
                d.drop_eq(spec, "concurrencyPolicy", &Value::from("Allow"));
                d.drop_eq(spec, "suspend", &Value::Bool(false));
                d.drop_eq(spec, "successfulJobsHistoryLimit", &Value::from(3));
                d.drop_eq(spec, "failedJobsHistoryLimit", &Value::from(1));
            }
            // The job template is no Job: SetDefaults_Job does not run on it, only the pod's defaults.
            d.template(object, &["spec", "jobTemplate", "spec", "template"]);
        }
        Kind::Deployment => {
            if let Some(spec) = at(object, &["spec"]) {
                d.drop_eq(spec, "replicas", &Value::from(1));
                d.drop_eq(spec, "revisionHistoryLimit", &Value::from(10));
                d.drop_eq(spec, "progressDeadlineSeconds", &Value::from(600));
                d.rolling(spec, "strategy", &Value::from("25%"), &Value::from("25%"));
            }
            d.template(object, &["spec", "template"]);
        }
        Kind::DaemonSet => {
            if let Some(spec) = at(object, &["spec"]) {
                d.drop_eq(spec, "revisionHistoryLimit", &Value::from(10));
                d.rolling(spec, "updateStrategy", &Value::from(1), &Value::from(0));
            }
            d.template(object, &["spec", "template"]);
        }
        Kind::Service => {
            if let Some(spec) = at(object, &["spec"]) {
                d.service(spec);
            }
        }
        _ => {}
    }
}

struct Defaults<'a> {
    out: &'a mut LeftOut,
}

impl Defaults<'_> {
    /// Removes `map[key]` when it is `default`, noting `key: default`.
    fn drop_eq(&mut self, map: &mut Map<String, Value>, key: &str, default: &Value) -> bool {
        if map.get(key) != Some(default) {
            return false;
        }
        map.remove(key);
        let shown = match default {
            Value::String(s) if !s.is_empty() => s.clone(),
            v => v.to_string(),
        };
        LeftOut::note(&mut self.out.defaults, format!("`{key}: {shown}`"));
        true
    }

    /// SetDefaults_Job.
    fn job(&mut self, spec: &mut Map<String, Value>) {
        let one = Value::from(1);
        // An Indexed Job must say its `completions` (pipec and the API server refuse one without).
        let indexed = spec.get("completionMode").is_some_and(|m| m == "Indexed");
        if indexed {
            // `parallelism` alone still defaults to 1.
            self.drop_eq(spec, "parallelism", &one);
        } else if spec.get("completions") == Some(&one) && spec.get("parallelism") == Some(&one) {
            // Defaulted together, only when both are absent.
            self.drop_eq(spec, "completions", &one);
            self.drop_eq(spec, "parallelism", &one);
        } else if spec.contains_key("completions") {
            // Without `completions` the Job is a work queue: the pair would default to 1 and 1.
            self.drop_eq(spec, "parallelism", &one);
        }
        if spec.contains_key("backoffLimitPerIndex") {
            self.drop_eq(spec, "backoffLimit", &Value::from(i32::MAX));
        } else {
            self.drop_eq(spec, "backoffLimit", &Value::from(6));
        }
        self.drop_eq(spec, "completionMode", &Value::from("NonIndexed"));
        self.drop_eq(spec, "suspend", &Value::Bool(false));
        let replacement = if spec.contains_key("podFailurePolicy") { "Failed" } else { "TerminatingOrFailed" };
        self.drop_eq(spec, "podReplacementPolicy", &Value::from(replacement));
    }

    /// `type: RollingUpdate` with the default amounts (Deployment 25 %/25 %, DaemonSet 1/0).
    fn rolling(&mut self, spec: &mut Map<String, Value>, key: &str, unavailable: &Value, surge: &Value) {
        let Some(Value::Object(strategy)) = spec.get_mut(key) else { return };
        if strategy.get("type").is_some_and(|t| t != "RollingUpdate") {
            return;
        }
        if let Some(Value::Object(r)) = strategy.get_mut("rollingUpdate") {
            self.drop_eq(r, "maxUnavailable", unavailable);
            self.drop_eq(r, "maxSurge", surge);
            if r.is_empty() {
                strategy.remove("rollingUpdate");
            }
        }
        if strategy.len() == 1 && strategy.get("type").is_some() {
            spec.remove(key);
            LeftOut::note(&mut self.out.defaults, format!("`{key}.type: RollingUpdate`"));
        }
    }

    /// SetDefaults_PodSpec, SetDefaults_Container, probes and volumes, in the pod template at `path`.
    fn template(&mut self, object: &mut Map<String, Value>, path: &[&str]) {
        let Some(tpl) = at(object, path) else { return };
        let Some(spec) = at(tpl, &["spec"]) else { return };
        self.drop_eq(spec, "dnsPolicy", &Value::from("ClusterFirst"));
        self.drop_eq(spec, "schedulerName", &Value::from("default-scheduler"));
        self.drop_eq(spec, "terminationGracePeriodSeconds", &Value::from(30));
        self.drop_eq(spec, "securityContext", &Value::Object(Map::new()));
        let host_network = spec.get("hostNetwork") == Some(&Value::Bool(true));
        for list in ["containers", "initContainers"] {
            let Some(Value::Array(containers)) = spec.get_mut(list) else { continue };
            for c in containers.iter_mut().filter_map(Value::as_object_mut) {
                self.container(c, host_network);
            }
        }
        if let Some(Value::Array(volumes)) = spec.get_mut("volumes") {
            for v in volumes.iter_mut().filter_map(Value::as_object_mut) {
                for source in ["configMap", "secret", "downwardAPI", "projected"] {
                    if let Some(Value::Object(s)) = v.get_mut(source) {
                        // 0644
                        self.drop_eq(s, "defaultMode", &Value::from(420));
                    }
                }
                if let Some(Value::Object(h)) = v.get_mut("hostPath") {
                    self.drop_eq(h, "type", &Value::from(""));
                }
            }
        }
    }

    fn container(&mut self, c: &mut Map<String, Value>, host_network: bool) {
        self.drop_eq(c, "terminationMessagePath", &Value::from("/dev/termination-log"));
        self.drop_eq(c, "terminationMessagePolicy", &Value::from("File"));
        self.drop_eq(c, "resources", &Value::Object(Map::new()));
        if let Some(Value::Array(ports)) = c.get_mut("ports") {
            for p in ports.iter_mut().filter_map(Value::as_object_mut) {
                self.drop_eq(p, "protocol", &Value::from("TCP"));
                // On the host's network a port is the host's port too (defaultHostNetworkPorts).
                if host_network && p.get("containerPort").is_some() && p.get("hostPort") == p.get("containerPort") {
                    p.remove("hostPort");
                    LeftOut::note(&mut self.out.defaults, "`hostPort` equal to `containerPort` (host network)".into());
                }
            }
        }
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            let Some(Value::Object(p)) = c.get_mut(probe) else { continue };
            self.drop_eq(p, "timeoutSeconds", &Value::from(1));
            self.drop_eq(p, "periodSeconds", &Value::from(10));
            self.drop_eq(p, "successThreshold", &Value::from(1));
            self.drop_eq(p, "failureThreshold", &Value::from(3));
            if let Some(Value::Object(http)) = p.get_mut("httpGet") {
                self.drop_eq(http, "scheme", &Value::from("HTTP"));
            }
        }
    }

    /// SetDefaults_Service.
    fn service(&mut self, spec: &mut Map<String, Value>) {
        self.drop_eq(spec, "type", &Value::from("ClusterIP"));
        self.drop_eq(spec, "sessionAffinity", &Value::from("None"));
        self.drop_eq(spec, "internalTrafficPolicy", &Value::from("Cluster"));
        if let Some(Value::Array(ports)) = spec.get_mut("ports") {
            for p in ports.iter_mut().filter_map(Value::as_object_mut) {
                self.drop_eq(p, "protocol", &Value::from("TCP"));
                if p.get("port").is_some_and(Value::is_number) && p.get("targetPort") == p.get("port") {
                    p.remove("targetPort");
                    LeftOut::note(&mut self.out.defaults, "`targetPort` equal to `port`".into());
                }
            }
        }
    }
}

fn at<'v>(map: &'v mut Map<String, Value>, path: &[&str]) -> Option<&'v mut Map<String, Value>> {
    super::reverse::map_at(map, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_jobs_generated_selector_goes_and_a_manual_one_stays() {
        let uid = json!({"batch.kubernetes.io/controller-uid": "u", "job-name": "j", "app": "x"});
        let mut job = object(json!({
            "metadata": {"labels": uid, "uid": "u"},
            "spec": {"manualSelector": false, "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u"}},
                     "template": {"metadata": {"labels": uid}}},
        }));
        let mut out = LeftOut::default();
        identity(Kind::Job, "j", &mut job, &mut out);
        assert_eq!(
            Value::Object(job),
            json!({"metadata": {"labels": {"app": "x"}}, "spec": {"template": {"metadata": {"labels": {"app": "x"}}}}})
        );
        let mut manual = object(json!({
            "metadata": {"labels": uid},
            "spec": {"manualSelector": true, "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u"}}},
        }));
        let before = manual.clone();
        identity(Kind::Job, "j", &mut manual, &mut LeftOut::default());
        assert_eq!(manual, before);
    }

    #[test]
    fn job_defaults_hold_only_where_the_server_would_set_them() {
        let mut out = LeftOut::default();
        let mut d = Defaults { out: &mut out };
        let mut spec = object(json!({"completions": 1, "parallelism": 1, "backoffLimit": 6}));
        d.job(&mut spec);
        assert!(spec.is_empty());
        // A work queue's parallelism 1 alone would default completions to 1 as well.
        let mut queue = object(json!({"parallelism": 1}));
        d.job(&mut queue);
        assert_eq!(Value::Object(queue), json!({"parallelism": 1}));
        let mut per_index = object(json!({"backoffLimit": 6, "backoffLimitPerIndex": 1, "completions": 4}));
        d.job(&mut per_index);
        assert_eq!(Value::Object(per_index), json!({"backoffLimit": 6, "backoffLimitPerIndex": 1, "completions": 4}));
        let mut failure = object(json!({"podReplacementPolicy": "TerminatingOrFailed", "podFailurePolicy": {}}));
        d.job(&mut failure);
        assert!(failure.contains_key("podReplacementPolicy"));
    }

    #[test]
    fn a_headless_service_stays_headless() {
        let mut svc = object(json!({"spec": {"clusterIP": "None", "clusterIPs": ["None"], "ipFamilies": ["IPv4"],
                                             "ipFamilyPolicy": "SingleStack"}}));
        identity(Kind::Service, "s", &mut svc, &mut LeftOut::default());
        assert_eq!(Value::Object(svc), json!({"spec": {"clusterIP": "None"}}));
        let mut dual = object(json!({"spec": {"clusterIP": "10.0.0.1", "ipFamilies": ["IPv4", "IPv6"],
                                              "ipFamilyPolicy": "PreferDualStack"}}));
        identity(Kind::Service, "s", &mut dual, &mut LeftOut::default());
        assert_eq!(
            Value::Object(dual),
            json!({"spec": {"ipFamilies": ["IPv4", "IPv6"], "ipFamilyPolicy": "PreferDualStack"}})
        );
    }
}
