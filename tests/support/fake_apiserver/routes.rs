//! From a request to a response: faults first, then discovery and OpenAPI,
//! then the resource URLs (`/api/v1/namespaces/NS/configmaps/NAME`,
//! `/apis/batch/v1/jobs`, subresources `status` and `log`).

use super::http::{Request, Response};
use super::store::{ApiError, Key, Requirement, State, matches_fields, matches_labels, parse_selector};
use super::{Fault, FaultAction, Inner, resources};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a resource URL names.
#[derive(Debug, Clone)]
struct Target {
    resource: usize,
    namespace: Option<String>,
    name: Option<String>,
    sub: Option<String>,
}

pub fn handle(inner: &Arc<Inner>, req: &Request) -> Response {
    if req.path.starts_with("/fake/") {
        return super::admin(inner, req);
    }
    let action = {
        let mut state = inner.lock();
        state.requests.push(req.line());
        take_fault(&mut state.faults, req)
    };
    let forced = match action {
        Some(FaultAction::Drop) => return Response::Drop,
        Some(FaultAction::Delay(ms)) => {
            std::thread::sleep(Duration::from_millis(ms));
            None
        }
        Some(FaultAction::Status { code, retry_after }) => Some((code, retry_after)),
        None => None,
    };
    let mut state = inner.lock();
    let target = parse_target(&state, &req.path);
    if let Some((code, retry_after)) = forced {
        let error = fault_error(&state, code, req, target.as_ref());
        let mut error = error;
        if let Some(s) = retry_after {
            error.details["retryAfterSeconds"] = json!(s);
        }
        let response = Response::json(code, &error.status());
        return match retry_after {
            Some(s) => response.with_header("Retry-After", &s.to_string()),
            None => response,
        };
    }
    let path = req.path.trim_end_matches('/');
    let table = state.table.clone();
    match (req.method.as_str(), path) {
        ("GET", "/version") => return Response::json(200, &resources::version()),
        ("GET", "/healthz" | "/readyz" | "/livez") => return Response::text(200, "ok"),
        ("GET", "/api") => return Response::json(200, &resources::api_versions(&state.address)),
        ("GET", "/apis") => return Response::json(200, &resources::api_group_list(&table)),
        ("GET", "/openapi/v3") => return Response::json(200, &resources::openapi_v3_root(&table)),
        // kubectl validates a `kind: List` document against OpenAPI v2, a protobuf document: an
        // empty one (zero bytes) leaves its items to the v3 documents. (The pipeline runner
        // writes a fan-out task's objects as a JSON stream, which needs no v2.)
        ("GET", "/openapi/v2") => {
            return Response::Full {
                status: 200,
                content_type: "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
                headers: Vec::new(),
                body: Vec::new(),
            };
        }
        _ => {}
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if req.method == "GET" {
        let gv = match segments.as_slice() {
            ["api", v] => Some(("", *v, false)),
            ["apis", g, v] => Some((*g, *v, false)),
            ["openapi", "v3", "api", v] => Some(("", *v, true)),
            ["openapi", "v3", "apis", g, v] => Some((*g, *v, true)),
            _ => None,
        };
        if let Some((g, v, openapi)) = gv {
            let doc = if openapi {
                resources::openapi_v3_group(&table, g, v)
            } else {
                resources::resource_list(&table, g, v)
            };
            return match doc {
                Some(doc) => Response::json(200, &doc),
                None => not_found_path(path),
            };
        }
    }
    let Some(target) = target else { return not_found_path(path) };
    match resource_request(inner, &mut state, req, target) {
        Ok(response) => response,
        Err(e) => Response::json(e.code, &e.status()),
    }
}

fn not_found_path(path: &str) -> Response {
    Response::json(
        404,
        &ApiError::new(404, "NotFound", format!("the server could not find the requested resource ({path})")).status(),
    )
}

fn take_fault(faults: &mut Vec<Fault>, req: &Request) -> Option<FaultAction> {
    let line = req.line();
    let at = faults.iter().position(|f| {
        f.method.as_ref().is_none_or(|m| m.eq_ignore_ascii_case(&req.method))
            && f.path.as_ref().is_none_or(|p| line.contains(p.as_str()))
    })?;
    let fault = &mut faults[at];
    if fault.skip > 0 {
        fault.skip -= 1;
        return None;
    }
    let action = fault.action.clone();
    fault.times = fault.times.saturating_sub(1);
    if fault.times == 0 {
        faults.remove(at);
    }
    Some(action)
}

fn verb(req: &Request, target: Option<&Target>) -> &'static str {
    match req.method.as_str() {
        "GET" if req.flag("watch") => "watch",
        "GET" if target.is_some_and(|t| t.name.is_none()) => "list",
        "GET" => "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" if target.is_some_and(|t| t.name.is_none()) => "deletecollection",
        "DELETE" => "delete",
        _ => "get",
    }
}

fn fault_error(state: &State, code: u16, req: &Request, target: Option<&Target>) -> ApiError {
    let r = target.map(|t| &state.table[t.resource]);
    let name = target.and_then(|t| t.name.clone()).unwrap_or_default();
    let what = r.map(|r| r.qualified()).unwrap_or_else(|| "resource".into());
    let mut e = match code {
        401 => ApiError::new(401, "Unauthorized", "Unauthorized"),
        403 => {
            let ns = target.and_then(|t| t.namespace.clone());
            let r = r.cloned().unwrap_or_else(|| state.table[0].clone());
            let scope = match &ns {
                Some(ns) => format!(" in the namespace \"{ns}\""),
                None => " at the cluster scope".into(),
            };
            let subject = if name.is_empty() { what.clone() } else { format!("{what} \"{name}\"") };
            ApiError::new(
                403,
                "Forbidden",
                format!(
                    "{subject} is forbidden: User \"system:serviceaccount:ci:deployer\" cannot {} resource \"{}\" in API group \"{}\"{scope}",
                    verb(req, target),
                    r.plural,
                    r.group
                ),
            )
        }
        409 => ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {what} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
            ),
        ),
        429 => ApiError::new(429, "TooManyRequests", "Too many requests, please try again later."),
        503 => ApiError::new(503, "ServiceUnavailable", "the server is currently unable to handle the request"),
        504 => ApiError::new(504, "Timeout", "the server was unable to return a response in the time allotted"),
        _ => ApiError::new(code, "InternalError", "Internal error occurred: injected fault"),
    };
    if let Some(r) = r {
        e.details = json!({"name": name, "group": r.group, "kind": r.plural});
    }
    e
}

fn parse_target(state: &State, path: &str) -> Option<Target> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return None,
    };
    let find = |plural: &str, namespaced: Option<bool>| {
        state.table.iter().position(|r| {
            r.group == group
                && r.version == version
                && r.plural == plural
                && namespaced.is_none_or(|n| r.namespaced == n)
        })
    };
    let owned = |s: &&str| s.to_string();
    if rest.len() >= 3
        && rest[0] == "namespaces"
        && rest.len() <= 5
        && let Some(resource) = find(rest[2], Some(true))
    {
        return Some(Target {
            resource,
            namespace: Some(rest[1].to_string()),
            name: rest.get(3).map(owned),
            sub: rest.get(4).map(owned),
        });
    }
    if rest.is_empty() || rest.len() > 3 {
        return None;
    }
    let resource = find(rest[0], None)?;
    Some(Target { resource, namespace: None, name: rest.get(1).map(owned), sub: rest.get(2).map(owned) })
}

fn parse_body(req: &Request) -> Result<Value, ApiError> {
    if req.header("content-type").is_some_and(|c| c.contains("protobuf") || c.contains("cbor")) {
        // Typed clients (`kubectl create namespace`) send protobuf; the fake reads JSON and YAML only.
        return Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            "the fake API server reads JSON and YAML bodies only (use `kubectl apply --server-side -f`)",
        ));
    }
    if let Ok(v) = serde_json::from_slice::<Value>(&req.body) {
        return Ok(v);
    }
    let text = std::str::from_utf8(&req.body).map_err(|_| ApiError::new(400, "BadRequest", "the body is not UTF-8"))?;
    serde_norway::from_str::<Value>(text)
        .map_err(|e| ApiError::new(400, "BadRequest", format!("error decoding YAML: {e}")))
}

fn manager(req: &Request) -> String {
    match req.param("fieldManager") {
        Some(m) if !m.is_empty() => m.to_string(),
        _ => req.header("user-agent").and_then(|ua| ua.split('/').next()).unwrap_or("unknown").to_string(),
    }
}

fn selectors(req: &Request) -> Result<(Vec<Requirement>, Vec<Requirement>), ApiError> {
    let parse = |name| parse_selector(req.param(name).unwrap_or("")).map_err(|e| ApiError::new(400, "BadRequest", e));
    Ok((parse("labelSelector")?, parse("fieldSelector")?))
}

fn resource_request(inner: &Arc<Inner>, state: &mut State, req: &Request, t: Target) -> Result<Response, ApiError> {
    let r = state.table[t.resource].clone();
    if r.namespaced && t.name.is_some() && t.namespace.is_none() {
        return Err(ApiError::new(
            404,
            "NotFound",
            format!("the server could not find the requested resource ({})", req.path),
        ));
    }
    let dry_run = req.param("dryRun") == Some("All");
    let Some(name) = t.name.clone() else {
        return collection(inner, state, req, &t);
    };
    let key = Key { resource: t.resource, namespace: t.namespace.clone().unwrap_or_default(), name: name.clone() };
    match (req.method.as_str(), t.sub.as_deref()) {
        ("GET", None | Some("status")) => match state.objects.get(&key) {
            Some(s) => Ok(Response::json(200, &state.view(s))),
            None => Err(ApiError::not_found(&r, &name)),
        },
        ("GET", Some("log")) if r.kind == "Pod" => match state.objects.get(&key) {
            Some(_) => Ok(Response::text(200, state.logs.get(&key).map_or("", String::as_str))),
            None => Err(ApiError::not_found(&r, &name)),
        },
        ("DELETE", None) => {
            let view = state.delete(&key, dry_run)?;
            inner.changed.notify_all();
            Ok(Response::json(
                200,
                &json!({
                    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                    "details": {"name": name, "group": r.group, "kind": r.plural, "uid": view["metadata"]["uid"]},
                }),
            ))
        }
        ("PUT", None) => {
            let body = parse_body(req)?;
            if !state.objects.contains_key(&key) {
                return Err(ApiError::not_found(&r, &name));
            }
            let out = state.update(&key, body, &manager(req), dry_run)?;
            inner.changed.notify_all();
            Ok(Response::json(200, &out))
        }
        ("PUT" | "PATCH", Some("status")) => {
            let body = parse_body(req)?;
            let Some(live) = state.objects.get(&key) else { return Err(ApiError::not_found(&r, &name)) };
            let mut status = live.object.get("status").cloned().unwrap_or(json!({}));
            if req.method == "PUT" {
                status = body["status"].clone();
            } else {
                super::fields::merge_patch(&mut status, &body["status"]);
            }
            if !dry_run {
                state.write_status(&key, status);
                inner.changed.notify_all();
            }
            let view = state.objects.get(&key).map(|s| state.view(s)).unwrap_or_default();
            Ok(Response::json(200, &view))
        }
        ("PATCH", None) => {
            let body = parse_body(req)?;
            let content_type =
                req.header("content-type").unwrap_or("").split(';').next().unwrap_or("").trim().to_string();
            let out = match content_type.as_str() {
                "application/apply-patch+yaml" | "application/apply-patch+cbor" => {
                    let Some(m) = req.param("fieldManager").filter(|m| !m.is_empty()) else {
                        return Err(ApiError::new(
                            422,
                            "Invalid",
                            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                        ));
                    };
                    check_identity(&r, &body, &name)?;
                    state.apply(&key, &body, m, req.flag("force"), dry_run)?
                }
                "application/merge-patch+json" | "application/strategic-merge-patch+json" => {
                    let Some(live) = state.objects.get(&key) else { return Err(ApiError::not_found(&r, &name)) };
                    let mut object = live.object.clone();
                    super::fields::merge_patch(&mut object, &body);
                    state.update(&key, object, &manager(req), dry_run)?
                }
                other => {
                    return Err(ApiError::new(
                        415,
                        "UnsupportedMediaType",
                        format!("the body of the request was in an unknown format ({other})"),
                    ));
                }
            };
            inner.changed.notify_all();
            Ok(Response::json(200, &out))
        }
        _ => Err(ApiError::new(
            405,
            "MethodNotAllowed",
            format!("the server does not allow this method on the requested resource ({} {})", req.method, req.path),
        )),
    }
}

/// An applied object names the resource and the object of its URL.
fn check_identity(r: &super::resources::ResourceType, body: &Value, name: &str) -> Result<(), ApiError> {
    let api_version = body["apiVersion"].as_str().unwrap_or("");
    let kind = body["kind"].as_str().unwrap_or("");
    if api_version != r.api_version() || kind != r.kind {
        return Err(ApiError::new(
            400,
            "BadRequest",
            format!("the API version in the data ({api_version}) and the kind ({kind}) do not match {}", r.qualified()),
        ));
    }
    match body["metadata"]["name"].as_str() {
        Some(n) if n != name => Err(ApiError::new(
            400,
            "BadRequest",
            format!("the name of the object ({n}) does not match the name on the URL ({name})"),
        )),
        _ => Ok(()),
    }
}

fn collection(inner: &Arc<Inner>, state: &mut State, req: &Request, t: &Target) -> Result<Response, ApiError> {
    let r = state.table[t.resource].clone();
    let dry_run = req.param("dryRun") == Some("All");
    match req.method.as_str() {
        "GET" if req.flag("watch") => Ok(watch(inner, state, req, t)?),
        "GET" => {
            let (labels, fields_sel) = selectors(req)?;
            let keys = state.select(t.resource, t.namespace.as_deref(), &labels, &fields_sel);
            let items: Vec<Value> = keys.iter().filter_map(|k| state.objects.get(k)).map(|s| state.view(s)).collect();
            let rv = state.rv.to_string();
            if req.header("accept").is_some_and(|a| a.contains("as=Table")) {
                return Ok(Response::json(200, &table(&r, &items, &rv)));
            }
            Ok(Response::json(
                200,
                &json!({
                    "kind": format!("{}List", r.kind), "apiVersion": r.api_version(),
                    "metadata": {"resourceVersion": rv}, "items": items,
                }),
            ))
        }
        "POST" => {
            let mut body = parse_body(req)?;
            let name = match (body["metadata"]["name"].as_str(), body["metadata"]["generateName"].as_str()) {
                (Some(n), _) if !n.is_empty() => n.to_string(),
                (_, Some(prefix)) => format!("{prefix}{}", super::store::suffix(state.uids + 1)),
                _ => {
                    return Err(ApiError::new(
                        422,
                        "Invalid",
                        format!(
                            "{} \"\" is invalid: metadata.name: Required value: name or generateName is required",
                            r.kind
                        ),
                    ));
                }
            };
            body["metadata"]["name"] = json!(name);
            let namespace = match (&t.namespace, r.namespaced) {
                (Some(ns), _) => ns.clone(),
                (None, true) => body["metadata"]["namespace"].as_str().unwrap_or("default").to_string(),
                (None, false) => String::new(),
            };
            let key = Key { resource: t.resource, namespace, name: name.clone() };
            if state.objects.contains_key(&key) {
                return Err(ApiError {
                    code: 409,
                    reason: "AlreadyExists",
                    message: format!("{} \"{name}\" already exists", r.qualified()),
                    details: json!({"name": name, "group": r.group, "kind": r.plural}),
                });
            }
            let out = state.update(&key, body, &manager(req), dry_run)?;
            inner.changed.notify_all();
            Ok(Response::json(201, &out))
        }
        "DELETE" => {
            let (labels, fields_sel) = selectors(req)?;
            for key in state.select(t.resource, t.namespace.as_deref(), &labels, &fields_sel) {
                state.delete(&key, dry_run)?;
            }
            inner.changed.notify_all();
            Ok(Response::json(200, &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"})))
        }
        _ => Err(ApiError::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        )),
    }
}

/// `kubectl get`'s server-side printing: a Table with Name and Age.
fn table(r: &super::resources::ResourceType, items: &[Value], rv: &str) -> Value {
    let now = jiff::Timestamp::now();
    let rows: Vec<Value> = items
        .iter()
        .map(|o| {
            let age = o["metadata"]["creationTimestamp"]
                .as_str()
                .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                .map(|t| format!("{}s", (now.as_second() - t.as_second()).max(0)))
                .unwrap_or_else(|| "<unknown>".into());
            let mut meta = o["metadata"].clone();
            if let Some(m) = meta.as_object_mut() {
                m.remove("managedFields");
            }
            json!({
                "cells": [o["metadata"]["name"], age],
                "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta},
            })
        })
        .collect();
    let _ = r;
    json!({
        "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": rv},
        "columnDefinitions": [
            {"name": "Name", "type": "string", "format": "name", "description": "Name of the object", "priority": 0},
            {"name": "Age", "type": "string", "format": "", "description": "Time since creation", "priority": 0},
        ],
        "rows": rows,
    })
}

/// A watch: the current objects as `ADDED` (from resourceVersion 0 or none),
/// or the events after the given resourceVersion, then events as they happen
/// until `timeoutSeconds` (default 5 minutes) or shutdown.
fn watch(inner: &Arc<Inner>, state: &mut State, req: &Request, t: &Target) -> Result<Response, ApiError> {
    let (labels, fields_sel) = selectors(req)?;
    let timeout = req.param("timeoutSeconds").and_then(|s| s.parse::<u64>().ok()).unwrap_or(300);
    let start = req.param("resourceVersion").and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    let mut initial = Vec::new();
    let cursor = if start == 0 {
        for key in state.select(t.resource, t.namespace.as_deref(), &labels, &fields_sel) {
            if let Some(s) = state.objects.get(&key) {
                initial.push(json!({"type": "ADDED", "object": state.view(s)}));
            }
        }
        state.events.len()
    } else {
        state.events.partition_point(|e| e.rv <= start)
    };
    let (inner, resource, namespace) = (Arc::clone(inner), t.resource, t.namespace.clone());
    Ok(Response::Stream(Box::new(move |out| {
        for e in initial {
            out.chunk(format!("{e}\n").as_bytes())?;
        }
        let deadline = Instant::now() + Duration::from_secs(timeout);
        let mut cursor = cursor;
        loop {
            let mut batch = Vec::new();
            {
                let mut state = inner.lock();
                loop {
                    while cursor < state.events.len() {
                        let e = &state.events[cursor];
                        cursor += 1;
                        if e.resource == resource
                            && namespace.as_ref().is_none_or(|ns| &e.namespace == ns)
                            && matches_labels(&e.object, &labels)
                            && matches_fields(&e.object, &fields_sel)
                        {
                            batch.push(json!({"type": e.kind, "object": e.object}));
                        }
                    }
                    let now = Instant::now();
                    if !batch.is_empty() || state.shutdown || now >= deadline {
                        break;
                    }
                    let wait = (deadline - now).min(Duration::from_millis(200));
                    state =
                        inner.changed.wait_timeout(state, wait).map(|(g, _)| g).unwrap_or_else(|e| e.into_inner().0);
                }
                if batch.is_empty() {
                    return Ok(());
                }
            }
            for e in batch {
                out.chunk(format!("{e}\n").as_bytes())?;
            }
        }
    })))
}
