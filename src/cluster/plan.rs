//! The objects to apply, in the order of `kinds::ApplyOrder` (Namespaces,
//! ServiceAccounts, RBAC, ConfigMaps, Services, workloads): each with its API
//! resource (from the kinds table, so no discovery round trip) and its
//! namespace (`-n`, else the context's, for objects that name none).

use super::Program;
use crate::kinds::{ApplyOrder, Kind};
use kube::core::{ApiResource, DynamicObject};
use kube::{Api, Client};
use serde_json::Value;

pub struct Desired {
    pub kind: Kind,
    /// `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    pub name: String,
    /// The object as sent: JSON, its namespace filled in.
    pub value: Value,
}

impl Desired {
    /// `job qa/train`, `namespace qa`.
    pub fn what(&self) -> String {
        what(self.kind, self.namespace.as_deref(), &self.name)
    }
    pub fn key(&self) -> Key {
        (self.kind, self.namespace.clone().unwrap_or_default(), self.name.clone())
    }
    pub fn api(&self, client: &Client) -> Api<DynamicObject> {
        api(client, self.kind, self.namespace.as_deref())
    }
}

/// (kind, namespace or "", name)
pub type Key = (Kind, String, String);

pub fn what(kind: Kind, namespace: Option<&str>, name: &str) -> String {
    let kind = kind.as_str().to_ascii_lowercase();
    match namespace {
        Some(ns) if !ns.is_empty() => format!("{kind} {ns}/{name}"),
        _ => format!("{kind} {name}"),
    }
}

pub fn resource(kind: Kind) -> ApiResource {
    let (group, version) = match kind.api_version().split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), kind.api_version().to_string()),
    };
    ApiResource {
        group,
        version,
        api_version: kind.api_version().to_string(),
        kind: kind.as_str().to_string(),
        plural: kind.url_path_segment().to_string(),
    }
}

/// `jobs.batch`, `configmaps`: the resource as RBAC names it.
pub fn qualified(kind: Kind) -> String {
    match kind.api_version().split_once('/') {
        Some((group, _)) => format!("{}.{group}", kind.url_path_segment()),
        None => kind.url_path_segment().to_string(),
    }
}

pub fn api(client: &Client, kind: Kind, namespace: Option<&str>) -> Api<DynamicObject> {
    let ar = resource(kind);
    match namespace {
        Some(ns) if kind.namespaced() => Api::namespaced_with(client.clone(), ns, &ar),
        _ => Api::all_with(client.clone(), &ar),
    }
}

/// The objects of every program, namespaces filled in; or why some cannot be applied.
pub fn plan(programs: &[Program], default_namespace: &str) -> Result<Vec<Desired>, Vec<String>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for program in programs {
        for object in &program.objects {
            let kind = object.kind();
            let meta = object.metadata();
            let Some(name) = meta.name.clone() else {
                problems.push(format!(
                    "{}: its name is chosen by the API server (`generateName`), so it cannot be applied (only created); give it a fixed name to apply it",
                    what(kind, meta.namespace.as_deref(), object.name())
                ));
                continue;
            };
            let namespace =
                kind.namespaced().then(|| meta.namespace.clone().unwrap_or_else(|| default_namespace.to_string()));
            let mut value = match serde_json::to_value(object) {
                Ok(v) => v,
                Err(e) => {
                    problems.push(format!("{}: cannot serialize it: {e}", what(kind, namespace.as_deref(), &name)));
                    continue;
                }
            };
            if let Some(ns) = &namespace {
                value["metadata"]["namespace"] = Value::String(ns.clone());
            }
            out.push(Desired { kind, namespace, name, value });
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// Indices of `desired` grouped by apply step, first step first; program order within a step.
pub fn waves(desired: &[Desired]) -> Vec<Vec<usize>> {
    let mut steps: Vec<(ApplyOrder, Vec<usize>)> = Vec::new();
    for (i, d) in desired.iter().enumerate() {
        let order = d.kind.apply_order();
        match steps.iter_mut().find(|(o, _)| *o == order) {
            Some((_, list)) => list.push(i),
            None => steps.push((order, vec![i])),
        }
    }
    steps.sort_by_key(|(o, _)| *o);
    steps.into_iter().map(|(_, list)| list).collect()
}

/// The label selector of a program's objects.
pub fn selector(program: &Program) -> String {
    format!("{}={},{}={}", crate::lower::PROGRAM_LABEL, program.name, crate::lower::MANAGED_BY.0, program.manager)
}
