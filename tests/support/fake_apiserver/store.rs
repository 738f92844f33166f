//! The objects, their managers and the event log. Every write goes through
//! [`State::commit`]: it fills what the server owns (uid, resourceVersion,
//! generation, defaults), keeps status out of writes to the object, refuses a
//! changed Job template, and does not count a write that changes nothing.

use super::fields::{self, FieldSet, Path};
use super::resources::ResourceType;
use super::{Fault, Outcome};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// Index into [`State::table`].
    pub resource: usize,
    /// `""` for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Manager {
    pub name: String,
    /// `Apply` or `Update`.
    pub operation: &'static str,
    pub api_version: String,
    pub time: String,
    pub subresource: Option<&'static str>,
    pub fields: FieldSet,
}

#[derive(Clone, Debug)]
pub struct Stored {
    /// The object without `metadata.managedFields` (rendered from `managers`).
    pub object: Value,
    pub managers: Vec<Manager>,
}

#[derive(Clone, Debug)]
pub struct Event {
    pub rv: u64,
    pub resource: usize,
    pub namespace: String,
    pub kind: &'static str,
    pub object: Value,
}

/// An API error, rendered as a `Status`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Value,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { code, reason, message: message.into(), details: json!({}) }
    }
    pub fn not_found(r: &ResourceType, name: &str) -> ApiError {
        ApiError {
            code: 404,
            reason: "NotFound",
            message: format!("{} \"{name}\" not found", r.qualified()),
            details: json!({"name": name, "group": r.group, "kind": r.plural}),
        }
    }
    pub fn status(&self) -> Value {
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": self.message, "reason": self.reason, "details": self.details, "code": self.code,
        })
    }
}

pub struct State {
    pub table: Vec<ResourceType>,
    pub address: String,
    pub objects: BTreeMap<Key, Stored>,
    pub rv: u64,
    pub events: Vec<Event>,
    /// Writes that changed an object (a no-op apply is not one).
    pub writes: u64,
    /// Every request but the admin ones, as `METHOD path?query` lines.
    pub requests: Vec<String>,
    pub faults: Vec<Fault>,
    /// `(name pattern, outcome)` for the simulated controllers; first match wins.
    pub scripts: Vec<(String, Outcome)>,
    pub logs: HashMap<Key, String>,
    pub uids: u64,
    pub nodes: u32,
    /// Controller ticks since a pod started, or since a workload's generation was last seen.
    pub ages: HashMap<Key, (i64, u32)>,
    pub shutdown: bool,
}

/// How long a deleted Namespace stays Terminating: 25 ticks (half a second at the default tick).
pub const TERMINATING_TICKS: u32 = 25;

pub fn now() -> String {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second()).unwrap_or(now).to_string()
}

/// Whether `name` matches `pattern` (`*` for any run of characters).
pub fn glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            name.starts_with(head)
                && (0..=name.len() - head.len())
                    .any(|i| name.is_char_boundary(head.len() + i) && glob(tail, &name[head.len() + i..]))
        }
    }
}

impl State {
    pub fn new(table: Vec<ResourceType>, address: String, nodes: u32) -> State {
        let mut state = State {
            table,
            address,
            objects: BTreeMap::new(),
            rv: 1000,
            events: Vec::new(),
            writes: 0,
            requests: Vec::new(),
            faults: Vec::new(),
            scripts: Vec::new(),
            logs: HashMap::new(),
            uids: 0,
            nodes,
            ages: HashMap::new(),
            shutdown: false,
        };
        if let Some(ns) = state.resource_index("", "Namespace") {
            for name in ["default", "kube-system", "kube-public"] {
                let object = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
                let key = Key { resource: ns, namespace: String::new(), name: name.to_string() };
                let _ = state.commit(&key, Stored { object, managers: Vec::new() }, false);
            }
        }
        state.writes = 0;
        state
    }

    pub fn resource_index(&self, group: &str, kind: &str) -> Option<usize> {
        self.table.iter().position(|r| r.group == group && r.kind == kind)
    }

    pub fn outcome(&self, name: &str) -> Outcome {
        self.scripts.iter().find(|(p, _)| glob(p, name)).map(|(_, o)| o.clone()).unwrap_or_default()
    }

    /// The object as clients see it: with `metadata.managedFields`.
    pub fn view(&self, stored: &Stored) -> Value {
        let mut object = stored.object.clone();
        if !stored.managers.is_empty() {
            let managed: Vec<Value> = stored
                .managers
                .iter()
                .map(|m| {
                    let mut entry = json!({
                        "manager": m.name, "operation": m.operation, "apiVersion": m.api_version,
                        "time": m.time, "fieldsType": "FieldsV1", "fieldsV1": fields::to_fields_v1(&m.fields),
                    });
                    if let Some(sub) = m.subresource {
                        entry["subresource"] = json!(sub);
                    }
                    entry
                })
                .collect();
            object["metadata"]["managedFields"] = Value::Array(managed);
        }
        object
    }

    fn uid(&mut self) -> String {
        self.uids += 1;
        format!("00000000-0000-4000-8000-{:012x}", self.uids)
    }

    /// Stores `next` at `key` (or, with `dry_run`, only computes it): the view
    /// of the object after the write. Unchanged objects keep their resourceVersion.
    pub fn commit(&mut self, key: &Key, mut next: Stored, dry_run: bool) -> Result<Value, ApiError> {
        let r = self.table[key.resource].clone();
        let live = self.objects.get(key).cloned();
        if r.namespaced && !self.namespace_exists(&key.namespace) {
            return Err(ApiError {
                code: 404,
                reason: "NotFound",
                message: format!("namespaces \"{}\" not found", key.namespace),
                details: json!({"name": key.namespace, "kind": "namespaces"}),
            });
        }
        let meta = next.object["metadata"].as_object_mut().map(std::mem::take).unwrap_or_default();
        next.object["metadata"] = Value::Object(meta);
        next.object["apiVersion"] = json!(r.api_version());
        next.object["kind"] = json!(r.kind);
        next.object["metadata"]["name"] = json!(key.name);
        if r.namespaced {
            next.object["metadata"]["namespace"] = json!(key.namespace);
        }
        if let Some(obj) = next.object["metadata"].as_object_mut() {
            obj.remove("managedFields");
        }
        match &live {
            Some(live) => {
                for field in ["uid", "creationTimestamp", "generation", "resourceVersion"] {
                    next.object["metadata"][field] = live.object["metadata"][field].clone();
                }
                if r.status && next.object.get("status") != live.object.get("status") {
                    // Writes to the object itself leave its status alone; the status
                    // subresource and the controllers write it through `write_status`.
                    next.object["status"] = live.object.get("status").cloned().unwrap_or(json!({}));
                }
                if r.kind == "Job" && r.group == "batch" {
                    let (old, new) = (&live.object["spec"]["template"], &next.object["spec"]["template"]);
                    if old != new {
                        return Err(ApiError {
                            code: 422,
                            reason: "Invalid",
                            message: format!(
                                "Job.batch \"{}\" is invalid: spec.template: Invalid value: core.PodTemplateSpec{{...}}: field is immutable",
                                key.name
                            ),
                            details: json!({"name": key.name, "group": "batch", "kind": "Job", "causes": [
                                {"reason": "FieldValueInvalid", "message": "Invalid value: core.PodTemplateSpec{...}: field is immutable", "field": "spec.template"}
                            ]}),
                        });
                    }
                }
            }
            None => {
                let uid = self.uid();
                next.object["metadata"]["uid"] = json!(uid);
                next.object["metadata"]["creationTimestamp"] = json!(now());
                next.object["metadata"]["generation"] = json!(1);
                if r.status {
                    next.object["status"] = json!({});
                }
                defaults_on_create(&r, &mut next.object, &uid, self.uids);
            }
        }
        defaults(&r, &mut next.object);
        if let Some(live) = &live {
            let spec_changed = strip(&live.object) != strip(&next.object);
            let same_fields = live.managers.len() == next.managers.len()
                && live
                    .managers
                    .iter()
                    .zip(&next.managers)
                    .all(|(a, b)| a.name == b.name && a.operation == b.operation && a.fields == b.fields);
            if live.object == next.object && same_fields {
                return Ok(self.view(live));
            }
            if spec_changed {
                let generation = live.object["metadata"]["generation"].as_i64().unwrap_or(1);
                next.object["metadata"]["generation"] = json!(generation + 1);
            }
        }
        if dry_run {
            // Nothing is stored: an update keeps the live resourceVersion, a create has none.
            if live.is_none()
                && let Some(meta) = next.object["metadata"].as_object_mut()
            {
                meta.remove("resourceVersion");
            }
            return Ok(self.view(&next));
        }
        self.rv += 1;
        self.writes += 1;
        next.object["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        let view = self.view(&next);
        let kind = if live.is_some() { "MODIFIED" } else { "ADDED" };
        self.objects.insert(key.clone(), next);
        self.events.push(Event {
            rv: self.rv,
            resource: key.resource,
            namespace: key.namespace.clone(),
            kind,
            object: view.clone(),
        });
        Ok(view)
    }

    /// A controller's or the status subresource's write: only `status` changes.
    pub fn write_status(&mut self, key: &Key, status: Value) {
        let Some(live) = self.objects.get(key) else { return };
        if live.object.get("status") == Some(&status) {
            return;
        }
        let mut next = live.clone();
        next.object["status"] = status;
        self.rv += 1;
        next.object["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        let view = self.view(&next);
        self.objects.insert(key.clone(), next);
        self.events.push(Event {
            rv: self.rv,
            resource: key.resource,
            namespace: key.namespace.clone(),
            kind: "MODIFIED",
            object: view,
        });
    }

    pub fn namespace_exists(&self, name: &str) -> bool {
        match self.resource_index("", "Namespace") {
            Some(ns) => {
                self.objects.contains_key(&Key { resource: ns, namespace: String::new(), name: name.to_string() })
            }
            None => true,
        }
    }

    /// Deletes the object, what it owns (a Job's pods), and for a Namespace everything in it.
    pub fn delete(&mut self, key: &Key, dry_run: bool) -> Result<Value, ApiError> {
        let r = self.table[key.resource].clone();
        let Some(stored) = self.objects.get(key).cloned() else {
            return Err(ApiError::not_found(&r, &key.name));
        };
        let view = self.view(&stored);
        if dry_run {
            return Ok(view);
        }
        if r.kind == "Namespace" && r.group.is_empty() {
            // As the real one: Terminating first, its content and itself gone a moment later.
            if stored.object["metadata"]["deletionTimestamp"].is_null() {
                let mut next = stored.clone();
                next.object["metadata"]["deletionTimestamp"] = json!(now());
                next.object["status"] = json!({"phase": "Terminating"});
                self.rv += 1;
                self.writes += 1;
                next.object["metadata"]["resourceVersion"] = json!(self.rv.to_string());
                let view = self.view(&next);
                self.objects.insert(key.clone(), next);
                self.events.push(Event {
                    rv: self.rv,
                    resource: key.resource,
                    namespace: String::new(),
                    kind: "MODIFIED",
                    object: view.clone(),
                });
                return Ok(view);
            }
            return Ok(view);
        }
        self.remove_now(key);
        Ok(view)
    }

    /// Namespaces marked for deletion go, with everything in them, after
    /// [`TERMINATING_TICKS`] controller ticks (the real ones take seconds).
    pub fn finish_terminating(&mut self) {
        let doomed: Vec<Key> = self
            .objects
            .iter()
            .filter(|(k, s)| {
                self.table[k.resource].kind == "Namespace" && !s.object["metadata"]["deletionTimestamp"].is_null()
            })
            .map(|(k, _)| k.clone())
            .collect();
        for key in doomed {
            let ticks = {
                let entry = self.ages.entry(key.clone()).or_insert((0, 0));
                entry.1 += 1;
                entry.1
            };
            if ticks >= TERMINATING_TICKS {
                self.remove_now(&key);
            }
        }
    }

    /// Deletes the object now, with what it owns and, for a Namespace, what is in it.
    fn remove_now(&mut self, key: &Key) {
        let r = self.table[key.resource].clone();
        let Some(stored) = self.objects.get(key).cloned() else { return };
        let uid = stored.object["metadata"]["uid"].clone();
        let mut doomed = vec![key.clone()];
        for (k, s) in &self.objects {
            let inside = r.kind == "Namespace" && r.group.is_empty() && k.namespace == key.name;
            let owned = s.object["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|refs| refs.iter().any(|o| o["uid"] == uid));
            if inside || owned {
                doomed.push(k.clone());
            }
        }
        for k in doomed {
            if let Some(s) = self.objects.remove(&k) {
                self.rv += 1;
                self.writes += 1;
                let mut object = self.view(&s);
                object["metadata"]["resourceVersion"] = json!(self.rv.to_string());
                self.logs.remove(&k);
                self.ages.remove(&k);
                self.events.push(Event {
                    rv: self.rv,
                    resource: k.resource,
                    namespace: k.namespace,
                    kind: "DELETED",
                    object,
                });
            }
        }
    }

    /// Server-side apply of `applied` by `manager`.
    pub fn apply(
        &mut self,
        key: &Key,
        applied: &Value,
        manager: &str,
        force: bool,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        let r = self.table[key.resource].clone();
        let live = self.objects.get(key).cloned();
        let mut object = live.as_ref().map(|s| s.object.clone()).unwrap_or_else(|| json!({"metadata": {}}));
        let mut managers = live.as_ref().map(|s| s.managers.clone()).unwrap_or_default();
        let new_fields = fields::applied(applied);
        // Conflicts: a field another manager owns, set here to another value.
        let mut conflicts: Vec<(String, Path)> = Vec::new();
        for m in managers.iter().filter(|m| m.name != manager) {
            for p in &new_fields {
                if m.fields.iter().any(|q| fields::overlap(p, q)) && fields::get(&object, p) != fields::get(applied, p)
                {
                    conflicts.push((m.name.clone(), p.clone()));
                }
            }
        }
        if !conflicts.is_empty() && !force {
            let api_version = r.api_version();
            let causes: Vec<Value> = conflicts
                .iter()
                .map(|(m, p)| {
                    json!({"reason": "FieldManagerConflict", "message": format!("conflict with \"{m}\" using {api_version}"), "field": fields::dotted(p)})
                })
                .collect();
            let lines: Vec<String> = conflicts
                .iter()
                .map(|(m, p)| format!("conflict with \"{m}\" using {api_version}: {}", fields::dotted(p)))
                .collect();
            let n = conflicts.len();
            return Err(ApiError {
                code: 409,
                reason: "Conflict",
                message: format!(
                    "Apply failed with {n} conflict{}: {}",
                    if n == 1 { "" } else { "s" },
                    lines.join("\n")
                ),
                details: json!({"name": key.name, "group": r.group, "kind": r.plural, "causes": causes}),
            });
        }
        for (owner, p) in &conflicts {
            if let Some(m) = managers.iter_mut().find(|m| &m.name == owner) {
                m.fields.retain(|q| !fields::overlap(p, q));
            }
        }
        // What this manager set before and no longer does is removed, unless another owns it.
        let old_fields = managers.iter().find(|m| m.name == manager).map(|m| m.fields.clone()).unwrap_or_default();
        for p in old_fields.difference(&new_fields) {
            let shared = managers.iter().any(|m| m.name != manager && m.fields.iter().any(|q| fields::overlap(p, q)));
            if !shared {
                fields::remove(&mut object, p);
            }
        }
        for p in &new_fields {
            if let Some(v) = fields::get(applied, p) {
                fields::set(&mut object, p, v.clone());
            }
        }
        let previous = managers.iter().find(|m| m.name == manager && m.operation == "Apply").cloned();
        managers.retain(|m| !(m.name == manager && m.operation == "Apply"));
        let time = match &previous {
            Some(p) if p.fields == new_fields => p.time.clone(),
            _ => now(),
        };
        let entry = Manager {
            name: manager.to_string(),
            operation: "Apply",
            api_version: r.api_version(),
            time,
            subresource: None,
            fields: new_fields,
        };
        // Keep the manager's place in the list (a re-apply is then no change at all).
        match previous
            .and_then(|_| live.as_ref()?.managers.iter().position(|m| m.name == manager && m.operation == "Apply"))
        {
            Some(at) if at <= managers.len() => managers.insert(at, entry),
            _ => managers.push(entry),
        }
        managers.retain(|m| !m.fields.is_empty());
        self.commit(key, Stored { object, managers }, dry_run)
    }

    /// A create (`POST`), replace (`PUT`) or merge patch by `manager`: it owns what it changed.
    pub fn update(&mut self, key: &Key, object: Value, manager: &str, dry_run: bool) -> Result<Value, ApiError> {
        let r = self.table[key.resource].clone();
        let live = self.objects.get(key).cloned();
        let old = live.as_ref().map(|s| s.object.clone()).unwrap_or(json!({}));
        let changed = fields::changed(&old, &object);
        let mut managers = live.map(|s| s.managers).unwrap_or_default();
        for m in managers.iter_mut().filter(|m| m.name != manager) {
            m.fields.retain(|q| !changed.iter().any(|p| fields::overlap(p, q)));
        }
        if !changed.is_empty() {
            match managers.iter_mut().find(|m| m.name == manager && m.operation == "Update") {
                Some(m) => {
                    m.fields.extend(changed);
                    m.time = now();
                }
                None => managers.push(Manager {
                    name: manager.to_string(),
                    operation: "Update",
                    api_version: r.api_version(),
                    time: now(),
                    subresource: None,
                    fields: changed,
                }),
            }
        }
        managers.retain(|m| !m.fields.is_empty());
        self.commit(key, Stored { object, managers }, dry_run)
    }

    /// The keys of `resource` in `namespace` (all namespaces for `None`), matching the selectors.
    pub fn select(
        &self,
        resource: usize,
        namespace: Option<&str>,
        labels: &[Requirement],
        fields_sel: &[Requirement],
    ) -> Vec<Key> {
        self.objects
            .iter()
            .filter(|(k, s)| {
                k.resource == resource
                    && namespace.is_none_or(|ns| k.namespace == ns)
                    && matches_labels(&s.object, labels)
                    && matches_fields(&s.object, fields_sel)
            })
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// The object less what changes without its spec changing (for `generation`).
fn strip(object: &Value) -> Value {
    let mut o = object.clone();
    if let Some(map) = o.as_object_mut() {
        map.remove("metadata");
        map.remove("status");
    }
    o
}

/// Defaults the API server fills on create: a Job's selector and pod labels, a Service's cluster IP.
fn defaults_on_create(r: &ResourceType, object: &mut Value, uid: &str, serial: u64) {
    if r.group == "batch" && r.kind == "Job" && object["spec"]["manualSelector"] != json!(true) {
        let name = object["metadata"]["name"].clone();
        object["spec"]["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
        let labels = &mut object["spec"]["template"]["metadata"]["labels"];
        if !labels.is_object() {
            *labels = json!({});
        }
        labels["batch.kubernetes.io/controller-uid"] = json!(uid);
        labels["batch.kubernetes.io/job-name"] = name.clone();
        labels["controller-uid"] = json!(uid);
        labels["job-name"] = name;
    }
    if r.group.is_empty() && r.kind == "Service" && object["spec"]["clusterIP"].is_null() {
        object["spec"]["clusterIP"] = json!(format!("10.96.{}.{}", (serial / 250) % 250, serial % 250 + 1));
    }
}

/// Defaults filled on every write where absent.
fn defaults(r: &ResourceType, object: &mut Value) {
    let fill = |o: &mut Value, key: &str, v: Value| {
        if o.is_object() && o.get(key).is_none_or(Value::is_null) {
            o[key] = v;
        }
    };
    match (r.group.as_str(), r.kind.as_str()) {
        ("batch", "Job") => {
            let spec = &mut object["spec"];
            fill(spec, "backoffLimit", json!(6));
            fill(spec, "completionMode", json!("NonIndexed"));
            fill(spec, "suspend", json!(false));
        }
        ("", "Service") => fill(&mut object["spec"], "type", json!("ClusterIP")),
        ("", "Namespace") => {
            fill(object, "spec", json!({"finalizers": ["kubernetes"]}));
            fill(object, "status", json!({"phase": "Active"}));
        }
        _ => {}
    }
}

/// One requirement of a label or field selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    Eq(String, String),
    Ne(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// `a=b,c!=d,e in (x,y),!f,g`.
pub fn parse_selector(text: &str) -> Result<Vec<Requirement>, String> {
    let mut terms = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&text[start..]);
    let mut out = Vec::new();
    for term in terms.into_iter().map(str::trim).filter(|t| !t.is_empty()) {
        let set = |rest: &str| -> Result<Vec<String>, String> {
            let inner = rest
                .trim()
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .ok_or(format!("bad set in `{term}`"))?;
            Ok(inner.split(',').map(|v| v.trim().to_string()).collect())
        };
        out.push(if let Some(k) = term.strip_prefix('!') {
            Requirement::NotExists(k.trim().to_string())
        } else if let Some((k, rest)) = term.split_once(" notin ") {
            Requirement::NotIn(k.trim().to_string(), set(rest)?)
        } else if let Some((k, rest)) = term.split_once(" in ") {
            Requirement::In(k.trim().to_string(), set(rest)?)
        } else if let Some((k, v)) = term.split_once("!=") {
            Requirement::Ne(k.trim().to_string(), v.trim().to_string())
        } else if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
            Requirement::Eq(k.trim().to_string(), v.trim().to_string())
        } else {
            Requirement::Exists(term.to_string())
        });
    }
    Ok(out)
}

fn matches(value: Option<&str>, req: &Requirement) -> bool {
    match req {
        Requirement::Eq(_, v) => value == Some(v.as_str()),
        Requirement::Ne(_, v) => value != Some(v.as_str()),
        Requirement::In(_, vs) => value.is_some_and(|x| vs.iter().any(|v| v == x)),
        Requirement::NotIn(_, vs) => !value.is_some_and(|x| vs.iter().any(|v| v == x)),
        Requirement::Exists(_) => value.is_some(),
        Requirement::NotExists(_) => value.is_none(),
    }
}

fn req_key(req: &Requirement) -> &str {
    match req {
        Requirement::Eq(k, _)
        | Requirement::Ne(k, _)
        | Requirement::In(k, _)
        | Requirement::NotIn(k, _)
        | Requirement::Exists(k)
        | Requirement::NotExists(k) => k,
    }
}

pub fn matches_labels(object: &Value, reqs: &[Requirement]) -> bool {
    reqs.iter().all(|r| matches(object["metadata"]["labels"].get(req_key(r)).and_then(Value::as_str), r))
}

/// Field selectors name dotted paths: `metadata.name=web`, `status.phase=Running`.
pub fn matches_fields(object: &Value, reqs: &[Requirement]) -> bool {
    reqs.iter().all(|r| {
        let path: Vec<String> = req_key(r).split('.').map(str::to_string).collect();
        matches(fields::get(object, &path).and_then(Value::as_str), r)
    })
}

/// The five characters the API server adds to a `generateName`.
pub fn suffix(n: u64) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut x = n.wrapping_mul(2_654_435_761) ^ 0x5bd1e995;
    (0..5)
        .map(|_| {
            let c = ALPHABET[(x % ALPHABET.len() as u64) as usize] as char;
            x /= ALPHABET.len() as u64;
            x = x.wrapping_add(7919);
            c
        })
        .collect()
}
