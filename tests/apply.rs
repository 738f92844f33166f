//! `pipec apply`, `diff`, `delete`, prune and `--wait` against the fake API
//! server (tests/support/fake_apiserver), one server per test on 127.0.0.1.
//! The pipec binary is run as a user runs it, with a kubeconfig naming the
//! fake; nothing else is contacted (HOME and KUBECONFIG point into the test's
//! own directory).
#![cfg(feature = "cluster")]

#[path = "support/fake_apiserver/mod.rs"]
mod fake_apiserver;

use fake_apiserver::{FakeApiServer, Fault, Outcome};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Proxy settings a machine may have: the tests talk to 127.0.0.1 directly, never through one.
const PROXY_VARS: [&str; 6] = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"];

fn no_proxy(c: &mut Command) -> &mut Command {
    for v in PROXY_VARS {
        c.env_remove(v);
    }
    c
}

const SHOP: &str = r#"
namespace "shop" {
  labels = { team: "web" }
}

config settings {
  data = { "mode": "fast" }
}

service-account runner {}

service web {
  selector = { app: "web" }
  ports = [{ port: 80 }]
}

deployment web {
  image = "nginx:1.27"
  replicas = 2
  pod-labels = { app: "web" }
}

daemon agent {
  image = "busybox:1.36"
}

job migrate {
  image = "busybox:1.36"
  retries = 1
}
"#;

struct Setup {
    server: FakeApiServer,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

fn setup() -> Setup {
    let server = FakeApiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    server.write_kubeconfig(&kubeconfig, "default").unwrap();
    Setup { server, dir, kubeconfig }
}

impl Setup {
    /// Writes `<name>.pipe` (its name is the program label) into its own folder.
    fn program(&self, folder: &str, name: &str, text: &str) -> PathBuf {
        let dir = self.dir.path().join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.pipe"));
        std::fs::write(&path, text).unwrap();
        path
    }

    fn command(&self, args: &[&str]) -> Command {
        self.command_with(&self.kubeconfig, args)
    }

    fn command_with(&self, kubeconfig: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pipec"));
        c.args(args)
            .arg("--kubeconfig")
            .arg(kubeconfig)
            .env_remove("KUBECONFIG")
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        no_proxy(&mut c);
        c
    }

    fn pipec(&self, args: &[&str]) -> Run {
        Run(self.command(args).output().unwrap())
    }

    fn object(&self, api_version: &str, kind: &str, ns: &str, name: &str) -> Option<Value> {
        self.server.object(api_version, kind, ns, name)
    }
}

struct Run(Output);

impl Run {
    fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    fn ok(self) -> Run {
        assert_eq!(self.code(), 0, "stdout:\n{}\nstderr:\n{}", self.stdout(), self.stderr());
        self
    }
}

fn patches(requests: &[String]) -> usize {
    requests.iter().filter(|r| r.starts_with("PATCH ")).count()
}

/// The objects `pipec build` emits for `file`, as JSON.
fn built(file: &Path) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_pipec")).arg("build").arg(file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    serde_norway::Deserializer::from_str(&text).map(|doc| serde::Deserialize::deserialize(doc).unwrap()).collect()
}

/// Every field of `desired` has its value in `live` (lists item by item).
fn contains(live: &Value, desired: &Value) -> bool {
    match (live, desired) {
        (Value::Object(l), Value::Object(d)) => d.iter().all(|(k, v)| l.get(k).is_some_and(|lv| contains(lv, v))),
        (Value::Array(l), Value::Array(d)) => l.len() == d.len() && l.iter().zip(d).all(|(a, b)| contains(a, b)),
        (a, b) => a == b,
    }
}

#[test]
fn apply_creates_in_order_and_a_second_apply_sends_nothing() {
    let s = setup();
    let file = s.program("a", "shop", SHOP);
    let first = s.pipec(&["apply", file.to_str().unwrap()]).ok();
    let lines: Vec<&str> = first.0.stdout.split(|b| *b == b'\n').map(|l| std::str::from_utf8(l).unwrap()).collect();
    assert_eq!(
        lines[..7],
        [
            "created    namespace shop",
            "created    serviceaccount shop/runner",
            "created    configmap shop/settings",
            "created    service shop/web",
            "created    deployment shop/web",
            "created    daemonset shop/agent",
            "created    job shop/migrate",
        ]
    );
    for object in built(&file) {
        let ns = object["metadata"]["namespace"].as_str().unwrap_or("");
        let live = s
            .object(
                object["apiVersion"].as_str().unwrap(),
                object["kind"].as_str().unwrap(),
                ns,
                object["metadata"]["name"].as_str().unwrap(),
            )
            .expect("applied");
        assert!(contains(&live, &object), "{live:#}\nlacks\n{object:#}");
        let managers: Vec<&str> = live["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["manager"].as_str())
            .collect();
        assert!(managers.contains(&"pipec"), "{managers:?}");
    }
    let (writes, requests) = (s.server.writes(), s.server.requests().len());
    let second = s.pipec(&["apply", file.to_str().unwrap()]).ok();
    assert!(second.stdout().lines().all(|l| l.starts_with("unchanged ")), "{}", second.stdout());
    assert!(second.stderr().contains("0 created, 0 configured, 7 unchanged"), "{}", second.stderr());
    let after = s.server.requests();
    assert_eq!(patches(&after[requests..]), 0, "the second apply sent patches: {:?}", &after[requests..]);
    // The controllers write status meanwhile; objects themselves are untouched.
    let changed: Vec<&String> = after[requests..].iter().filter(|r| !r.starts_with("GET ")).collect();
    assert!(changed.is_empty(), "{changed:?}");
    assert!(s.server.writes() >= writes);
}

#[test]
fn diff_exit_codes_and_the_diff() {
    let s = setup();
    let file = s.program("a", "shop", SHOP);
    let before = s.pipec(&["diff", file.to_str().unwrap()]);
    assert_eq!(before.code(), 1, "{}", before.stderr());
    assert!(before.stderr().contains("7 would be created"), "{}", before.stderr());
    assert!(s.server.names().is_empty(), "a diff stored something: {:?}", s.server.names());
    s.pipec(&["apply", file.to_str().unwrap()]).ok();
    let same = s.pipec(&["diff", file.to_str().unwrap()]);
    assert_eq!(same.code(), 0, "{}{}", same.stdout(), same.stderr());
    assert_eq!(same.stdout(), "");
    let changed = s.program("a", "shop", &SHOP.replace("\"fast\"", "\"slow\""));
    let diff = s.pipec(&["diff", changed.to_str().unwrap()]);
    assert_eq!(diff.code(), 1);
    assert!(
        diff.stdout().starts_with("--- live/configmap/shop/settings\n+++ pipec/configmap/shop/settings\n"),
        "{}",
        diff.stdout()
    );
    assert!(diff.stdout().contains("\n-  mode: fast\n+  mode: slow\n"), "{}", diff.stdout());
    assert_eq!(diff.stdout().matches("--- live/").count(), 1, "only the ConfigMap differs:\n{}", diff.stdout());
    assert_eq!(
        s.object("v1", "ConfigMap", "shop", "settings").unwrap()["data"]["mode"],
        "fast",
        "diff changed nothing"
    );
    // An error is 2, as for kubectl diff.
    let unreachable = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(unreachable.path(), s.server.kubeconfig("default").replace(&s.server.url(), "http://127.0.0.1:1"))
        .unwrap();
    let mut c = s.command_with(unreachable.path(), &["diff", file.to_str().unwrap()]);
    assert_eq!(Run(c.output().unwrap()).code(), 2);
}

#[test]
fn prune_removes_exactly_the_dropped_objects() {
    let s = setup();
    let file = s.program("a", "shop", SHOP);
    s.pipec(&["apply", file.to_str().unwrap()]).ok();
    // Another program's object and an unlabelled one, in the same namespace.
    let other = s.program("b", "other", "namespace \"shop\"\nconfig extra {\n  data = { \"a\": \"1\" }\n}\n");
    s.pipec(&["apply", other.to_str().unwrap()]).ok();
    s.server
        .put(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "handmade", "namespace": "shop"}, "data": {"x": "y"}}), "kubectl-create")
        .unwrap();
    let mut labelled_by_hand = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "same-program-other-tool", "namespace": "shop",
        "labels": {"pipec.dev/program": "shop", "app.kubernetes.io/managed-by": "Helm"}}});
    s.server.put(labelled_by_hand.take(), "helm").unwrap();
    let dropped = SHOP
        .replace("daemon agent {\n  image = \"busybox:1.36\"\n}\n", "")
        .replace("config settings {\n  data = { \"mode\": \"fast\" }\n}\n", "");
    let file = s.program("a", "shop", &dropped);
    // Not on a terminal and no --yes: nothing deleted, exit 2.
    let refused = s.pipec(&["apply", "--prune", file.to_str().unwrap()]);
    assert_eq!(refused.code(), 2, "{}", refused.stderr());
    assert!(refused.stderr().contains("prune would delete 2 objects: pass --yes"), "{}", refused.stderr());
    assert!(s.object("apps/v1", "DaemonSet", "shop", "agent").is_some());
    let diff = s.pipec(&["diff", "--prune", file.to_str().unwrap()]);
    assert_eq!(diff.code(), 1);
    assert!(diff.stderr().contains("2 would be pruned"), "{}", diff.stderr());
    let pruned = s.pipec(&["apply", "--prune", "--yes", file.to_str().unwrap()]).ok();
    assert!(
        pruned.stderr().contains("prune will delete 2 objects:\n  daemonset shop/agent\n  configmap shop/settings\n"),
        "{}",
        pruned.stderr()
    );
    assert!(pruned.stdout().contains("deleted    daemonset shop/agent\n"));
    let names = s.server.names();
    for gone in ["DaemonSet/shop/agent", "ConfigMap/shop/settings"] {
        assert!(!names.iter().any(|n| n == gone), "{gone} still there: {names:?}");
    }
    for kept in [
        "ConfigMap/shop/extra",
        "ConfigMap/shop/handmade",
        "ConfigMap/shop/same-program-other-tool",
        "Job/shop/migrate",
        "Deployment/shop/web",
        "Namespace//shop",
    ] {
        assert!(names.iter().any(|n| n == kept), "{kept} was deleted: {names:?}");
    }
    // `pipec delete`: the whole program, and still nothing else.
    let deleted = s.pipec(&["delete", "--yes", file.to_str().unwrap()]).ok();
    assert!(
        deleted.stdout().lines().last().unwrap().contains("namespace shop"),
        "Namespaces go last:\n{}",
        deleted.stdout()
    );
    let names = s.server.names();
    assert!(!names.iter().any(|n| n.contains("migrate") || n.contains("Deployment")), "{names:?}");
}

#[test]
fn injected_faults_are_retried_and_the_state_is_right() {
    let faults = [
        Fault::status(409).on("PATCH", "/configmaps/settings"),
        Fault::status(429).retry_after(0).on("PATCH", "/services/web").times(2),
        Fault::status(500).on("PATCH", "/deployments/web"),
        Fault::status(503).on("GET", "/jobs?"),
        Fault::drop_connection().on("PATCH", "/jobs/migrate").times(2),
        Fault::delay(300).on("PATCH", "/daemonsets/agent"),
    ];
    let s = setup();
    for f in faults {
        s.server.inject(f);
    }
    let file = s.program("a", "shop", SHOP);
    let run = s.pipec(&["apply", file.to_str().unwrap()]).ok();
    assert!(run.stderr().contains("7 created, 0 configured, 0 unchanged, 7 requests retried"), "{}", run.stderr());
    for object in built(&file) {
        let ns = object["metadata"]["namespace"].as_str().unwrap_or("");
        let live = s.object(
            object["apiVersion"].as_str().unwrap(),
            object["kind"].as_str().unwrap(),
            ns,
            object["metadata"]["name"].as_str().unwrap(),
        );
        assert!(live.is_some_and(|l| contains(&l, &object)), "{object}");
    }
    let again = s.pipec(&["apply", file.to_str().unwrap()]).ok();
    assert!(again.stderr().contains("7 unchanged"), "{}", again.stderr());
}

#[test]
fn field_conflicts_name_the_field_and_its_manager() {
    let s = setup();
    let file = s.program("a", "shop", SHOP);
    s.pipec(&["apply", file.to_str().unwrap()]).ok();
    s.server
        .apply_as(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "shop"}, "data": {"mode": "manual"}}), "ops-console")
        .unwrap();
    let changed = s.program("a", "shop", &SHOP.replace("\"fast\"", "\"faster\""));
    let run = s.pipec(&["apply", changed.to_str().unwrap()]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains(
            "configmap shop/settings: fields owned by another field manager (pipec would change them):\n    .data.mode  owned by `ops-console`\n  pass --force-conflicts"
        ),
        "{}",
        run.stderr()
    );
    assert!(!run.stderr().contains("retried"), "a conflict is not retried: {}", run.stderr());
    s.pipec(&["apply", "--force-conflicts", changed.to_str().unwrap()]).ok();
    assert_eq!(s.object("v1", "ConfigMap", "shop", "settings").unwrap()["data"]["mode"], "faster");
}

#[test]
fn a_changed_job_template_offers_replace() {
    let s = setup();
    let file = s.program("a", "shop", SHOP);
    s.pipec(&["apply", file.to_str().unwrap()]).ok();
    let uid = s.object("batch/v1", "Job", "shop", "migrate").unwrap()["metadata"]["uid"].clone();
    let changed = s.program(
        "a",
        "shop",
        &SHOP.replace("job migrate {\n  image = \"busybox:1.36\"", "job migrate {\n  image = \"busybox:1.37\""),
    );
    let run = s.pipec(&["apply", changed.to_str().unwrap()]);
    assert_eq!(run.code(), 1);
    let errors: Vec<String> = run.stderr().lines().filter(|l| l.contains("migrate")).map(str::to_string).collect();
    assert_eq!(
        errors,
        [
            "pipec: job shop/migrate: its pod template changed, and a Job's template cannot be changed in place; rerun with --replace to delete the Job (and its pods) and create it again"
        ]
    );
    let replaced = s.pipec(&["apply", "--replace", changed.to_str().unwrap()]).ok();
    assert!(replaced.stdout().contains("replaced   job shop/migrate"), "{}", replaced.stdout());
    let job = s.object("batch/v1", "Job", "shop", "migrate").unwrap();
    assert_ne!(job["metadata"]["uid"], uid);
    assert_eq!(job["spec"]["template"]["spec"]["containers"][0]["image"], "busybox:1.37");
}

#[test]
fn wait_reports_success() {
    let s = setup();
    let file = s.program("a", "shop", SHOP);
    let run = s.pipec(&["apply", "--wait", "--timeout", "30s", file.to_str().unwrap()]).ok();
    let out = run.stdout();
    assert!(out.contains("succeeded  deployment shop/web: 2/2 updated, 2/2 ready\n"), "{out}");
    assert!(out.contains("succeeded  daemonset shop/agent: 3/3 updated, 3/3 ready\n"), "{out}");
    assert!(out.contains("succeeded  job shop/migrate: 1/1 succeeded, 0 failed"), "{out}");
    // Not a terminal: one line per change, for CI logs.
    assert!(run.stderr().contains("wait: job shop/migrate: "), "{}", run.stderr());
    assert!(run.stderr().contains("3 succeeded, 0 failed"), "{}", run.stderr());
}

#[test]
fn wait_reports_a_failed_job_with_its_pod_and_logs() {
    let s = setup();
    s.server
        .script("migrate", Outcome::fail("Error", "connecting to db:5432\nFATAL: password authentication failed\n"));
    s.server.script("web", Outcome::fail("Error", "nginx: [emerg] unknown directive\n"));
    let file = s.program("a", "shop", SHOP);
    let run = s.pipec(&["apply", "--wait", "--timeout", "30s", file.to_str().unwrap()]);
    assert_eq!(run.code(), 1, "{}{}", run.stdout(), run.stderr());
    let out = run.stdout();
    assert!(
        out.contains(
            "failed     job shop/migrate: BackoffLimitExceeded: Job has reached the specified backoff limit\n"
        ),
        "{out}"
    );
    assert!(out.contains("pod shop/migrate-"), "{out}");
    assert!(out.contains(": Failed; container migrate: Error (exit code 1)\n"), "{out}");
    assert!(out.contains("| FATAL: password authentication failed\n"), "{out}");
    assert!(out.contains("failed     deployment shop/web: "), "{out}");
    assert!(out.contains("| nginx: [emerg] unknown directive\n"), "{out}");
    assert!(out.contains("succeeded  daemonset shop/agent"), "{out}");
    assert!(run.stderr().contains("1 succeeded, 2 failed"), "{}", run.stderr());
}

#[test]
fn wait_times_out() {
    let s = setup();
    s.server.script("migrate", Outcome::hang());
    let file = s.program("a", "shop", "namespace \"shop\" {}\njob migrate {\n  image = \"busybox:1.36\"\n}\n");
    let run = s.pipec(&["apply", "--wait", "--timeout", "1s", file.to_str().unwrap()]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stdout().contains("timed out  job shop/migrate: 0/1 succeeded, 0 failed, 1 running (still going after 1s)"),
        "{}",
        run.stdout()
    );
}

#[test]
fn connection_credential_permission_and_namespace_errors_are_one_line_each() {
    let s = setup();
    let file = s.program("a", "shop", SHOP);
    // Unreachable.
    let dead = s.dir.path().join("dead-kubeconfig");
    std::fs::write(&dead, s.server.kubeconfig("default").replace(&s.server.url(), "http://127.0.0.1:1")).unwrap();
    let mut c = s.command_with(&dead, &["apply", file.to_str().unwrap()]);
    let run = Run(c.output().unwrap());
    assert_eq!(run.code(), 1);
    assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());
    assert!(
        run.stderr().starts_with("pipec: cannot reach the API server at http://127.0.0.1:1 (context `fake`): "),
        "{}",
        run.stderr()
    );
    // Expired credentials.
    s.server.inject(Fault::status(401).times(1000));
    let run = s.pipec(&["apply", file.to_str().unwrap()]);
    assert_eq!(run.code(), 1);
    assert_eq!(
        run.stderr(),
        format!(
            "pipec: the API server at {} rejected the credentials of user `fake` (context `fake`): 401 Unauthorized — they may have expired; log in again and retry\n",
            s.server.url()
        )
    );
    s.server.clear_faults();
    // A missing permission.
    s.server.inject(Fault::status(403).on("PATCH", "/configmaps/").times(1000));
    let run = s.pipec(&["apply", file.to_str().unwrap()]);
    assert_eq!(run.code(), 1);
    let error = run.stderr().lines().find(|l| l.starts_with("pipec: not allowed")).unwrap_or_default().to_string();
    assert!(error.starts_with("pipec: not allowed to patch configmaps in namespace `shop` (user `fake`, context `fake`): pipec needs the `patch` permission on `configmaps` there"), "{}", run.stderr());
    assert!(
        s.object("apps/v1", "Deployment", "shop", "web").is_none(),
        "workloads come after ConfigMaps: the run stopped"
    );
    s.server.clear_faults();
    // A namespace that does not exist.
    let elsewhere = s.program("c", "elsewhere", "namespace \"nowhere\"\nconfig c {\n  data = { \"a\": \"1\" }\n}\n");
    let run = s.pipec(&["apply", elsewhere.to_str().unwrap()]);
    assert_eq!(run.code(), 1);
    assert_eq!(
        run.stderr(),
        "pipec: namespace `nowhere` does not exist in the cluster (context `fake`): declare it in the program or create it first (`kubectl create namespace nowhere`)\n"
    );
}

/// An apply killed mid-run leaves each object as it was or as applied: every
/// object is one server-side apply of the whole object, so an object that is
/// there has all of its fields.
#[test]
fn a_killed_apply_leaves_no_object_half_written() {
    let s = setup();
    let file = s.program(
        "a",
        "bulk",
        "param n: int = 1\nnamespace \"bulk\" {}\nfor i in 0..n {\n  config \"cm-${i}\" {\n    data = { \"index\": \"${i}\", \"payload\": \"${i}-abcdefghij\" }\n  }\n}\n",
    );
    s.server.inject(Fault::delay(200).on("PATCH", "/configmaps/").times(10_000));
    let mut child = s
        .command(&["apply", "--set", "n=300", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while s.server.names().len() < 40 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let present: Vec<Value> = s.server.objects().into_iter().filter(|o| o["kind"] == "ConfigMap").collect();
    assert!(present.len() >= 40 && present.len() < 300, "killed mid-run: {} ConfigMaps", present.len());
    let mut c = Command::new(env!("CARGO_BIN_EXE_pipec"));
    let out = c.args(["build", "--set", "n=300"]).arg(&file).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let desired: Vec<Value> =
        serde_norway::Deserializer::from_str(&text).map(|d| serde::Deserialize::deserialize(d).unwrap()).collect();
    for live in &present {
        let name = live["metadata"]["name"].as_str().unwrap();
        let want = desired.iter().find(|d| d["metadata"]["name"] == name).unwrap();
        assert!(contains(live, want), "{name} is half-written:\n{live:#}");
    }
    // Applying again completes the rest.
    s.server.clear_faults();
    let run = s.pipec(&["apply", "--set", "n=300", file.to_str().unwrap()]).ok();
    assert!(run.stderr().contains("301 objects"), "{}", run.stderr());
    assert_eq!(s.server.objects().iter().filter(|o| o["kind"] == "ConfigMap").count(), 300);
}

#[test]
fn server_side_dry_run_stores_nothing() {
    let s = setup();
    let file = s.program("a", "shop", SHOP);
    let run = s.pipec(&["apply", "--dry-run=server", file.to_str().unwrap()]).ok();
    assert!(run.stdout().contains("created    namespace shop (server dry run)"), "{}", run.stdout());
    assert!(s.server.requests().iter().all(|r| !r.starts_with("PATCH ") || r.contains("dryRun=All")));
    assert!(s.server.names().is_empty());
    let client = s.pipec(&["apply", "--dry-run=client", file.to_str().unwrap()]).ok();
    assert!(
        client.stdout().starts_with("would apply namespace shop (client dry run: nothing sent)\n"),
        "{}",
        client.stdout()
    );
}

/// kubectl pointed at the fake applies, gets, diffs and deletes what pipec emits:
/// the fake speaks the real protocol, not only what kube-rs expects.
#[test]
fn kubectl_accepts_the_fake() {
    if Command::new("kubectl").arg("version").arg("--client").output().is_err() {
        eprintln!("skipped: kubectl is not installed");
        return;
    }
    let s = setup();
    let file = s.program("a", "shop", SHOP);
    let yaml = s.dir.path().join("out.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_pipec")).arg("build").arg(&file).output().unwrap();
    std::fs::write(&yaml, &out.stdout).unwrap();
    let kubectl = |args: &[&str]| {
        let out = no_proxy(&mut Command::new("kubectl"))
            .arg("--kubeconfig")
            .arg(&s.kubeconfig)
            .args(args)
            .env("HOME", s.dir.path())
            .env_remove("KUBECONFIG")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let y = yaml.to_str().unwrap();
    let (code, text) = kubectl(&["apply", "--server-side", "-f", y]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("job.batch/migrate serverside-applied"), "{text}");
    let (code, text) = kubectl(&["get", "jobs,deployments,configmaps", "-n", "shop"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("job.batch/migrate")
            && text.contains("deployment.apps/web")
            && text.contains("configmap/settings"),
        "{text}"
    );
    let (code, text) = kubectl(&["diff", "--server-side", "-f", y]);
    assert_eq!(code, 0, "no changes: {text}");
    // `kubectl wait` watches the Job (a chunked watch stream) until the controller completes it.
    let (code, text) = kubectl(&["wait", "--for=condition=complete", "job/migrate", "-n", "shop", "--timeout=30s"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("job.batch/migrate condition met"), "{text}");
    // pipec applies the same values on top: shared ownership, no conflict, nothing changes.
    let run = s.pipec(&["apply", file.to_str().unwrap()]).ok();
    assert!(run.stderr().contains("7 objects"), "{}", run.stderr());
    std::fs::write(&yaml, String::from_utf8_lossy(&out.stdout).replace("mode: fast", "mode: slow")).unwrap();
    let (code, text) = kubectl(&["diff", "--server-side", "--force-conflicts", "-f", y]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("-  mode: fast") && text.contains("+  mode: slow"), "{text}");
    let (code, text) = kubectl(&["get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}"]);
    assert_eq!((code, text.as_str()), (0, "fast"));
    let (code, text) = kubectl(&["delete", "-f", y]);
    assert_eq!(code, 0, "{text}");
    // The Namespace terminates a moment later, with what is left in it (the Job's pods).
    let started = Instant::now();
    while !s.server.names().is_empty() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(s.server.names().is_empty(), "{:?}", s.server.names());
}

/// The cluster is found as kubectl finds it: KUBECONFIG, the current context or
/// `--context`, and `-n` (else the context's namespace) for objects that name none.
#[test]
fn kubeconfig_contexts_and_namespaces_as_kubectl() {
    let s = setup();
    s.server.put(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}), "test").unwrap();
    s.server.put(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ctx-ns"}}), "test").unwrap();
    let two = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: dead\n  cluster:\n    server: http://127.0.0.1:1\n- name: live\n  cluster:\n    server: {}\ncontexts:\n- name: broken\n  context:\n    cluster: dead\n    user: u\n- name: good\n  context:\n    cluster: live\n    user: u\n    namespace: ctx-ns\ncurrent-context: broken\nusers:\n- name: u\n  user:\n    token: t\n",
        s.server.url()
    );
    let kubeconfig = s.dir.path().join("two-contexts");
    std::fs::write(&kubeconfig, two).unwrap();
    let file = s.program("a", "plain", "config settings {\n  data = { \"a\": \"1\" }\n}\n");
    let run = |args: &[&str]| {
        let out = no_proxy(&mut Command::new(env!("CARGO_BIN_EXE_pipec")))
            .args(args)
            .arg(&file)
            .env("KUBECONFIG", &kubeconfig)
            .env("HOME", s.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        Run(out)
    };
    // The current context's server is down.
    let broken = run(&["apply"]);
    assert_eq!(broken.code(), 1);
    assert!(
        broken.stderr().contains("cannot reach the API server at http://127.0.0.1:1 (context `broken`)"),
        "{}",
        broken.stderr()
    );
    // --context picks the other; its namespace is the default.
    run(&["apply", "--context", "good"]).ok();
    assert!(s.object("v1", "ConfigMap", "ctx-ns", "settings").is_some(), "{:?}", s.server.names());
    // -n wins over the context's namespace.
    run(&["apply", "--context", "good", "-n", "team"]).ok();
    assert!(s.object("v1", "ConfigMap", "team", "settings").is_some(), "{:?}", s.server.names());
    let missing = run(&["apply", "--context", "nope"]);
    assert_eq!(missing.code(), 2);
    assert!(
        missing.stderr().contains("the kubeconfig has no context `nope` (it has: broken, good)"),
        "{}",
        missing.stderr()
    );
}
