//! A fake Kubernetes API server for tests: plain HTTP on 127.0.0.1, a free
//! port, the real protocol (kubectl and kube-rs both talk to it).
//!
//! It serves discovery (`/api`, `/apis`, group versions), the OpenAPI v3 that
//! kubectl reads, CRUD for every kind pipec emits (and Pods, Secrets),
//! server-side apply with managed fields and conflicts between managers,
//! `dryRun=All`, lists with label and field selectors, watches (chunked JSON
//! events), the `status` subresource driven by simulated Job, Deployment and
//! DaemonSet controllers (pods succeed or fail as a test scripts them by
//! name), pod logs, and injected faults (any status, slow answers, dropped
//! connections).
//!
//! Used in-process by the tests (`#[path = "support/fake_apiserver/mod.rs"] mod
//! fake_apiserver;`) and standalone: `cargo run --example fake-apiserver`,
//! which prints a kubeconfig to point kubectl at. A standalone server is
//! scripted over HTTP (`/fake/…`, see [`admin`]).

#![allow(dead_code)]

mod controller;
mod fields;
mod http;
mod resources;
mod routes;
mod store;

use serde_json::{Value, json};
use std::io::{self, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// What an injected fault does to the requests it matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer with this status (and a `Status` body of the matching reason),
    /// with `Retry-After` seconds when given.
    Status { code: u16, retry_after: Option<u32> },
    /// Read the request, close the connection without an answer.
    Drop,
    /// Answer normally after this many milliseconds.
    Delay(u64),
}

/// A fault for the next `times` requests whose method and `METHOD path?query`
/// line match, after letting `skip` of them through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub method: Option<String>,
    /// A substring of the request line, e.g. `/jobs/` or `dryRun=All`.
    pub path: Option<String>,
    pub action: FaultAction,
    pub times: u32,
    pub skip: u32,
}

impl Fault {
    pub fn status(code: u16) -> Fault {
        Fault { method: None, path: None, action: FaultAction::Status { code, retry_after: None }, times: 1, skip: 0 }
    }
    pub fn drop_connection() -> Fault {
        Fault { action: FaultAction::Drop, ..Fault::status(0) }
    }
    pub fn delay(ms: u64) -> Fault {
        Fault { action: FaultAction::Delay(ms), ..Fault::status(0) }
    }
    pub fn on(mut self, method: &str, path: &str) -> Fault {
        self.method = Some(method.to_string());
        self.path = Some(path.to_string());
        self
    }
    pub fn times(mut self, n: u32) -> Fault {
        self.times = n;
        self
    }
    pub fn skip(mut self, n: u32) -> Fault {
        self.skip = n;
        self
    }
    pub fn retry_after(mut self, seconds: u32) -> Fault {
        if let FaultAction::Status { retry_after, .. } = &mut self.action {
            *retry_after = Some(seconds);
        }
        self
    }

    /// `{"method": "PATCH", "path": "/jobs/", "status": 500, "times": 2}`,
    /// `{"drop": true}` or `{"delayMs": 300}`.
    pub fn from_json(v: &Value) -> Result<Fault, String> {
        let action = if v["drop"] == json!(true) {
            FaultAction::Drop
        } else if let Some(ms) = v["delayMs"].as_u64() {
            FaultAction::Delay(ms)
        } else if let Some(code) = v["status"].as_u64() {
            FaultAction::Status { code: code as u16, retry_after: v["retryAfter"].as_u64().map(|s| s as u32) }
        } else {
            return Err("a fault needs `status`, `drop: true` or `delayMs`".into());
        };
        Ok(Fault {
            method: v["method"].as_str().map(str::to_string),
            path: v["path"].as_str().map(str::to_string),
            action,
            times: v["times"].as_u64().unwrap_or(1) as u32,
            skip: v["skip"].as_u64().unwrap_or(0) as u32,
        })
    }
}

/// How the pods of a workload whose name matches a script end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub fail: bool,
    /// Controller ticks a pod runs before it ends (or, for a failing
    /// Deployment or DaemonSet, before its rollout is declared stuck).
    pub run_ticks: u32,
    pub exit_code: i32,
    /// The container's terminated reason: `Completed`, `Error`, `OOMKilled`.
    pub reason: String,
    /// What `pods/NAME/log` returns.
    pub logs: String,
    /// The pods never end.
    pub hang: bool,
}

impl Default for Outcome {
    fn default() -> Outcome {
        Outcome {
            fail: false,
            run_ticks: 2,
            exit_code: 0,
            reason: "Completed".into(),
            logs: "done\n".into(),
            hang: false,
        }
    }
}

impl Outcome {
    pub fn succeed() -> Outcome {
        Outcome::default()
    }
    pub fn fail(reason: &str, logs: &str) -> Outcome {
        Outcome { fail: true, exit_code: 1, reason: reason.into(), logs: logs.into(), ..Outcome::default() }
    }
    pub fn hang() -> Outcome {
        Outcome { hang: true, ..Outcome::default() }
    }
    pub fn ticks(mut self, n: u32) -> Outcome {
        self.run_ticks = n;
        self
    }

    /// `{"fail": true, "reason": "Error", "exitCode": 1, "logs": "...", "runTicks": 3, "hang": false}`.
    pub fn from_json(v: &Value) -> Outcome {
        let base = if v["fail"] == json!(true) { Outcome::fail("Error", "") } else { Outcome::default() };
        Outcome {
            fail: base.fail,
            run_ticks: v["runTicks"].as_u64().map_or(base.run_ticks, |n| n as u32),
            exit_code: v["exitCode"].as_i64().map_or(base.exit_code, |n| n as i32),
            reason: v["reason"].as_str().map_or(base.reason, str::to_string),
            logs: v["logs"].as_str().map_or(base.logs, str::to_string),
            hang: v["hang"] == json!(true),
        }
    }
}

/// How a server is started.
#[derive(Clone, Debug)]
pub struct Config {
    /// 0 for a free port.
    pub port: u16,
    /// How often the simulated controllers move.
    pub tick: Duration,
    /// Nodes a DaemonSet schedules on.
    pub nodes: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config { port: 0, tick: Duration::from_millis(20), nodes: 3 }
    }
}

pub struct Inner {
    state: Mutex<store::State>,
    changed: Condvar,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, store::State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running server; stopped when dropped.
pub struct FakeApiServer {
    inner: Arc<Inner>,
    addr: SocketAddr,
    threads: Vec<JoinHandle<()>>,
}

impl FakeApiServer {
    pub fn start() -> FakeApiServer {
        FakeApiServer::start_with(Config::default()).expect("the fake API server starts on 127.0.0.1")
    }

    pub fn start_with(config: Config) -> io::Result<FakeApiServer> {
        let listener = TcpListener::bind(("127.0.0.1", config.port))?;
        let addr = listener.local_addr()?;
        let state = store::State::new(resources::table(), addr.to_string(), config.nodes);
        let inner = Arc::new(Inner { state: Mutex::new(state), changed: Condvar::new() });
        let accept = {
            let inner = Arc::clone(&inner);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if inner.lock().shutdown {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let inner = Arc::clone(&inner);
                    std::thread::spawn(move || serve_connection(&inner, stream));
                }
            })
        };
        let ticker = {
            let inner = Arc::clone(&inner);
            std::thread::spawn(move || {
                loop {
                    std::thread::sleep(config.tick);
                    let mut state = inner.lock();
                    if state.shutdown {
                        break;
                    }
                    controller::tick(&mut state);
                    drop(state);
                    inner.changed.notify_all();
                }
            })
        };
        Ok(FakeApiServer { inner, addr, threads: vec![accept, ticker] })
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A kubeconfig with one context, `fake`, whose namespace is `namespace`.
    pub fn kubeconfig(&self, namespace: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {}\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: {namespace}\ncurrent-context: fake\nusers:\n- name: fake\n  user:\n    token: fake-token\npreferences: {{}}\n",
            self.url()
        )
    }

    pub fn write_kubeconfig(&self, path: &Path, namespace: &str) -> io::Result<()> {
        std::fs::write(path, self.kubeconfig(namespace))
    }

    pub fn inject(&self, fault: Fault) {
        self.inner.lock().faults.push(fault);
    }

    pub fn clear_faults(&self) {
        self.inner.lock().faults.clear();
    }

    /// The pods of workloads named like `pattern` (`*` for any run) end as `outcome`.
    pub fn script(&self, pattern: &str, outcome: Outcome) {
        self.inner.lock().scripts.insert(0, (pattern.to_string(), outcome));
    }

    /// Writes that changed an object, so far.
    pub fn writes(&self) -> u64 {
        self.inner.lock().writes
    }

    /// Every request so far (not the `/fake/` ones), as `METHOD path?query`.
    pub fn requests(&self) -> Vec<String> {
        self.inner.lock().requests.clone()
    }

    /// The object as a client would GET it.
    pub fn object(&self, api_version: &str, kind: &str, namespace: &str, name: &str) -> Option<Value> {
        let state = self.inner.lock();
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let resource = state.resource_index(group, kind)?;
        let key = store::Key { resource, namespace: namespace.to_string(), name: name.to_string() };
        state.objects.get(&key).map(|s| state.view(s))
    }

    /// Every object (but the built-in namespaces), as a client would GET it, in a fixed order.
    pub fn objects(&self) -> Vec<Value> {
        let state = self.inner.lock();
        state
            .objects
            .values()
            .filter(|s| {
                !(s.object["kind"] == "Namespace"
                    && matches!(s.object["metadata"]["name"].as_str(), Some("default" | "kube-system" | "kube-public")))
            })
            .map(|s| state.view(s))
            .collect()
    }

    /// `Kind/namespace/name` of every object but the built-in namespaces.
    pub fn names(&self) -> Vec<String> {
        self.objects()
            .iter()
            .map(|o| {
                let ns = o["metadata"]["namespace"].as_str().unwrap_or("");
                format!("{}/{}/{}", o["kind"].as_str().unwrap_or(""), ns, o["metadata"]["name"].as_str().unwrap_or(""))
            })
            .collect()
    }

    /// Stores `object` as written by `manager` (an update, as `kubectl create` does).
    pub fn put(&self, object: Value, manager: &str) -> Result<Value, String> {
        let mut state = self.inner.lock();
        let api_version = object["apiVersion"].as_str().unwrap_or("");
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let kind = object["kind"].as_str().unwrap_or("");
        let resource = state.resource_index(group, kind).ok_or(format!("the fake does not serve {kind}"))?;
        let namespaced = state.table[resource].namespaced;
        let namespace = if namespaced { object["metadata"]["namespace"].as_str().unwrap_or("default") } else { "" };
        let key = store::Key {
            resource,
            namespace: namespace.to_string(),
            name: object["metadata"]["name"].as_str().unwrap_or("").to_string(),
        };
        let out = state.update(&key, object, manager, false).map_err(|e| e.message);
        drop(state);
        self.inner.changed.notify_all();
        out
    }

    /// Server-side apply by `manager` taking over conflicting fields, as another
    /// tool does with `--force-conflicts`.
    pub fn apply_as(&self, object: Value, manager: &str) -> Result<Value, String> {
        let mut state = self.inner.lock();
        let api_version = object["apiVersion"].as_str().unwrap_or("");
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let kind = object["kind"].as_str().unwrap_or("");
        let resource = state.resource_index(group, kind).ok_or(format!("the fake does not serve {kind}"))?;
        let namespace = if state.table[resource].namespaced {
            object["metadata"]["namespace"].as_str().unwrap_or("default")
        } else {
            ""
        };
        let key = store::Key {
            resource,
            namespace: namespace.to_string(),
            name: object["metadata"]["name"].as_str().unwrap_or("").to_string(),
        };
        let out = state.apply(&key, &object, manager, true, false).map_err(|e| e.message);
        drop(state);
        self.inner.changed.notify_all();
        out
    }

    /// Writes an object's status, as its controller would (a test playing a controller the
    /// fake does not simulate: a pipeline's runner, Argo's Workflow controller).
    pub fn set_status(&self, api_version: &str, kind: &str, namespace: &str, name: &str, status: Value) -> bool {
        let mut state = self.inner.lock();
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let Some(resource) = state.resource_index(group, kind) else { return false };
        let key = store::Key { resource, namespace: namespace.to_string(), name: name.to_string() };
        if !state.objects.contains_key(&key) {
            return false;
        }
        state.write_status(&key, status);
        drop(state);
        self.inner.changed.notify_all();
        true
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.inner.lock().shutdown = true;
        self.inner.changed.notify_all();
        // Wakes the accept loop.
        let _ = TcpStream::connect(self.addr);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for FakeApiServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn serve_connection(inner: &Arc<Inner>, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let Ok(mut out) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    loop {
        // Idle keep-alive connections notice a shutdown within half a second.
        if reader.buffer().is_empty() {
            let _ = reader.get_ref().set_read_timeout(Some(Duration::from_millis(500)));
            match reader.get_ref().peek(&mut [0u8; 1]) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    if inner.lock().shutdown {
                        return;
                    }
                    continue;
                }
                Err(_) => return,
            }
            let _ = reader.get_ref().set_read_timeout(Some(Duration::from_secs(30)));
        }
        let request = match http::read_request(&mut reader) {
            Ok(Some(r)) => r,
            _ => return,
        };
        let keep_alive = !request.header("connection").is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let response = routes::handle(inner, &request);
        match http::write_response(&mut out, response, keep_alive) {
            Ok(true) => {}
            _ => return,
        }
    }
}

/// The admin endpoints of a standalone server:
/// - `GET /fake/state`: `{"writes": N, "objects": ["Kind/namespace/name", …]}`
/// - `GET /fake/requests`: every request so far
/// - `POST /fake/faults`: a fault ([`Fault::from_json`]), or a list of them; `DELETE` clears them
/// - `POST /fake/script`: `{"pattern": "train-*", "fail": true, "reason": "Error", "logs": "…"}` ([`Outcome::from_json`])
fn admin(inner: &Arc<Inner>, req: &http::Request) -> http::Response {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let mut state = inner.lock();
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/fake/state") => {
            let objects: Vec<String> = state
                .objects
                .keys()
                .map(|k| format!("{}/{}/{}", state.table[k.resource].kind, k.namespace, k.name))
                .collect();
            http::Response::json(200, &json!({"writes": state.writes, "objects": objects}))
        }
        ("GET", "/fake/requests") => http::Response::json(200, &json!(state.requests)),
        ("DELETE", "/fake/faults") => {
            state.faults.clear();
            http::Response::json(200, &json!({}))
        }
        ("POST", "/fake/faults") => {
            let list = match &body {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            for item in &list {
                match Fault::from_json(item) {
                    Ok(f) => state.faults.push(f),
                    Err(e) => return http::Response::json(400, &json!({"error": e})),
                }
            }
            http::Response::json(200, &json!({"faults": state.faults.len()}))
        }
        ("POST", "/fake/script") => match body["pattern"].as_str() {
            Some(p) => {
                let outcome = Outcome::from_json(&body);
                state.scripts.insert(0, (p.to_string(), outcome));
                http::Response::json(200, &json!({"scripts": state.scripts.len()}))
            }
            None => http::Response::json(400, &json!({"error": "a script needs `pattern`"})),
        },
        _ => http::Response::json(404, &json!({"error": "no such admin endpoint"})),
    }
}
