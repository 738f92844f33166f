//! The resources the fake serves: every kind pipec emits (`pipec::kinds`), and
//! the Pods and Secrets around them; their discovery documents and as much
//! OpenAPI v3 as kubectl reads (whether PATCH takes `fieldValidation`, so that
//! `--validate=strict` is left to the server).

use serde_json::{Value, json};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceType {
    /// `""` for the core group.
    pub group: String,
    pub version: String,
    /// `jobs`
    pub plural: String,
    /// `Job`
    pub kind: String,
    pub namespaced: bool,
    /// Has a `status` subresource (a write to the object leaves its status alone).
    pub status: bool,
    pub short_names: Vec<&'static str>,
}

impl ResourceType {
    /// `batch/v1`, `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.clone() } else { format!("{}/{}", self.group, self.version) }
    }
    /// `jobs.batch`, `configmaps`: how the API server names the resource in messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() { self.plural.clone() } else { format!("{}.{}", self.plural, self.group) }
    }
    /// `/apis/batch/v1` or `/api/v1`.
    pub fn prefix(&self) -> String {
        if self.group.is_empty() { format!("/api/{}", self.version) } else { format!("/apis/{}", self.api_version()) }
    }
}

fn row(api_version: &str, kind: &str, plural: &str, namespaced: bool) -> ResourceType {
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), api_version.to_string()),
    };
    let status = matches!(
        kind,
        "Job" | "CronJob" | "DaemonSet" | "Deployment" | "Pod" | "Namespace" | "Service" | "StatefulSet"
    ) || !matches!(group.as_str(), "" | "batch" | "apps" | "rbac.authorization.k8s.io");
    let short_names = match kind {
        "ConfigMap" => vec!["cm"],
        "CronJob" => vec!["cj"],
        "DaemonSet" => vec!["ds"],
        "Deployment" => vec!["deploy"],
        "Namespace" => vec!["ns"],
        "Pod" => vec!["po"],
        "Service" => vec!["svc"],
        "ServiceAccount" => vec!["sa"],
        _ => vec![],
    };
    ResourceType { group, version, plural: plural.to_string(), kind: kind.to_string(), namespaced, status, short_names }
}

/// Every resource served, in a fixed order.
pub fn table() -> Vec<ResourceType> {
    let mut rows: Vec<ResourceType> = pipec::kinds::Kind::ALL
        .iter()
        .map(|k| row(k.api_version(), k.as_str(), k.url_path_segment(), k.namespaced()))
        .collect();
    for extra in [row("v1", "Pod", "pods", true), row("v1", "Secret", "secrets", true)] {
        if !rows.iter().any(|r| r.kind == extra.kind && r.group == extra.group) {
            rows.push(extra);
        }
    }
    rows
}

/// The group versions, in first-seen order: `v1` first, then `/apis` groups.
fn group_versions(table: &[ResourceType]) -> Vec<(String, String)> {
    let mut seen: Vec<(String, String)> = Vec::new();
    for r in table {
        let gv = (r.group.clone(), r.version.clone());
        if !seen.contains(&gv) {
            seen.push(gv);
        }
    }
    seen
}

pub fn version() -> Value {
    json!({
        "major": "1", "minor": "37", "gitVersion": "v1.37.0-fake", "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.25", "compiler": "gc",
        "platform": "linux/amd64"
    })
}

pub fn api_versions(address: &str) -> Value {
    json!({
        "kind": "APIVersions", "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": address}]
    })
}

pub fn api_group_list(table: &[ResourceType]) -> Value {
    let groups: Vec<Value> = group_versions(table)
        .into_iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, v)| {
            let gv = json!({"groupVersion": format!("{g}/{v}"), "version": v});
            json!({"name": g, "versions": [gv.clone()], "preferredVersion": gv})
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/api/v1` or `/apis/<group>/<version>`; `None` for a group version not served.
pub fn resource_list(table: &[ResourceType], group: &str, version: &str) -> Option<Value> {
    let rows: Vec<&ResourceType> = table.iter().filter(|r| r.group == group && r.version == version).collect();
    if rows.is_empty() {
        return None;
    }
    let verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    let mut resources = Vec::new();
    for r in &rows {
        resources.push(json!({
            "name": r.plural, "singularName": r.kind.to_ascii_lowercase(), "namespaced": r.namespaced,
            "kind": r.kind, "verbs": verbs, "shortNames": r.short_names,
        }));
        if r.status {
            resources.push(json!({
                "name": format!("{}/status", r.plural), "singularName": "", "namespaced": r.namespaced,
                "kind": r.kind, "verbs": ["get", "patch", "update"],
            }));
        }
        if r.kind == "Pod" && r.group.is_empty() {
            resources.push(json!({
                "name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get"],
            }));
        }
    }
    let gv = rows[0].api_version();
    Some(json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}))
}

/// `/openapi/v3`: one entry per group version.
pub fn openapi_v3_root(table: &[ResourceType]) -> Value {
    let mut paths = serde_json::Map::new();
    for (g, v) in group_versions(table) {
        let key = if g.is_empty() { format!("api/{v}") } else { format!("apis/{g}/{v}") };
        paths.insert(key.clone(), json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash=fake0001")}));
    }
    json!({"paths": paths})
}

/// `/openapi/v3/apis/<group>/<version>`: the paths of each resource with the
/// query parameters the fake honours, and the group-version-kind kubectl looks for.
pub fn openapi_v3_group(table: &[ResourceType], group: &str, version: &str) -> Option<Value> {
    let rows: Vec<&ResourceType> = table.iter().filter(|r| r.group == group && r.version == version).collect();
    if rows.is_empty() {
        return None;
    }
    let query = |name: &str| json!({"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": true}});
    let write_params = vec![query("dryRun"), query("fieldManager"), query("fieldValidation"), query("force")];
    let mut paths = serde_json::Map::new();
    for r in rows {
        let gvk = json!({"group": r.group, "version": r.version, "kind": r.kind});
        let ok = json!({"200": {"description": "OK"}});
        let base = if r.namespaced {
            format!("{}/namespaces/{{namespace}}/{}", r.prefix(), r.plural)
        } else {
            format!("{}/{}", r.prefix(), r.plural)
        };
        let op = |action: &str, params: Vec<Value>| {
            json!({
                "operationId": format!("{action}{}", r.kind), "parameters": params, "responses": ok,
                "x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk,
            })
        };
        paths.insert(
            base.clone(),
            json!({"get": op("list", vec![query("labelSelector"), query("watch")]), "post": op("post", write_params.clone())}),
        );
        paths.insert(
            format!("{base}/{{name}}"),
            json!({
                "get": op("get", vec![]), "put": op("put", write_params.clone()),
                "patch": op("patch", write_params.clone()), "delete": op("delete", vec![query("dryRun")]),
            }),
        );
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes (pipec fake)", "version": "v1.37.0"},
        "paths": paths,
        "components": {"schemas": {}},
    }))
}
