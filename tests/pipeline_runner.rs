//! The Kubernetes lowering of a `pipeline` run for real: the runner script pipec emits, run
//! with the machine's `kubectl` against the fake API server (tests/support/fake_apiserver, its
//! simulated Job controller runs the task Jobs' pods). Skipped, with a message, without
//! `kubectl`. Nothing is contacted but the fake, on 127.0.0.1.
//!
//! What is shown: a task starts only after everything it is after has succeeded; a failed
//! task stops its dependents (and the runner exits 3, which its pod failure policy turns into
//! a failed run); a runner restarted midway adopts the Jobs of its run and finishes without
//! creating any task twice; deleting the runner Job deletes the run's task Jobs.

#[path = "support/fake_apiserver/mod.rs"]
mod fake_apiserver;

use fake_apiserver::{Config, FakeApiServer, Outcome};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DIAMOND: &str = r#"
pipeline diamond {
  task a { image = "busybox:1.36" }
  task b { image = "busybox:1.36", after = [a] }
  task c { image = "busybox:1.36", after = [a] }
  task d { image = "busybox:1.36", after = [b, c] }
}
"#;

const BOUNDED: &str = r#"
pipeline bounded {
  deadline = 1h
  task long { image = "busybox:1.36", deadline = 2h }
  task short { image = "busybox:1.36", deadline = 10m, after = [long] }
  task open { image = "busybox:1.36", after = [long] }
}
"#;

const CHAIN: &str = r#"
pipeline etl {
  task extract { image = "busybox:1.36" }
  task transform { image = "busybox:1.36", after = [extract] }
  task load { image = "busybox:1.36", after = [transform] }
}
"#;

/// A fan-out task between two plain ones: `server` never exits by itself (`until-done`), so
/// the task has succeeded when every `worker` has, and the runner stops the servers then.
const FAN_OUT: &str = r#"
pipeline train {
  task prep { image = "busybox:1.36" }
  task fit {
    after = [prep]
    role server { replicas = 2, until-done = true, image = "busybox:1.36" }
    role worker { replicas = 3, image = "busybox:1.36" }
  }
  task report { image = "busybox:1.36", after = [fit] }
}
"#;

fn kubectl() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("kubectl")).find(|p| p.is_file())
}

/// The emitted objects of `source`, as JSON.
fn compile(source: &str) -> Vec<Value> {
    let c = pipec::compile(vec![("p.pipe".into(), source.into())], &pipec::FsLoader, &pipec::Options::default());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    c.objects().iter().map(|o| serde_json::to_value(o).unwrap()).collect()
}

fn find<'v>(objects: &'v [Value], kind: &str, name: &str) -> &'v Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

/// A run: the fake, its kubeconfig, the ConfigMap's files, the runner Job as created there.
struct Run {
    server: FakeApiServer,
    dir: PathBuf,
    kubectl: PathBuf,
    pipeline: String,
    runner: Value,
}

impl Run {
    fn new(source: &str, pipeline: &str, scripts: &[(&str, Outcome)]) -> Option<Run> {
        let Some(kubectl) = kubectl() else {
            eprintln!("skipped: no `kubectl` on PATH (the runner script is run with it)");
            return None;
        };
        let server = FakeApiServer::start_with(Config { tick: Duration::from_millis(30), ..Config::default() })
            .expect("the fake API server starts");
        static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("pipec-runner-{pipeline}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("pipeline")).unwrap();
        server.write_kubeconfig(&dir.join("kubeconfig"), "default").unwrap();
        let objects = compile(source);
        let config = find(&objects, "ConfigMap", &format!("{pipeline}-tasks"));
        for (file, text) in config["data"].as_object().unwrap() {
            std::fs::write(dir.join("pipeline").join(file), text.as_str().unwrap()).unwrap();
        }
        // The runner Job exists (its uid owns the task Jobs) but is not run by the fake: the
        // test runs its script here, as its pod would.
        server.script(pipeline, Outcome::hang());
        for (pattern, outcome) in scripts {
            server.script(pattern, outcome.clone());
        }
        let runner = server.put(find(&objects, "Job", pipeline).clone(), "test").expect("the runner Job is created");
        Some(Run { server, dir, kubectl, pipeline: pipeline.to_string(), runner })
    }

    fn start(&self) -> Child {
        let mut path = self.kubectl.parent().unwrap().as_os_str().to_owned();
        path.push(":/usr/bin:/bin");
        let mut command = Command::new("sh");
        command.arg(self.dir.join("pipeline/run.sh")).env_clear();
        // The runner container's own settings (those with a value), then this machine's.
        for var in self.runner["spec"]["template"]["spec"]["containers"][0]["env"].as_array().unwrap() {
            if let Some(value) = var["value"].as_str() {
                command.env(var["name"].as_str().unwrap(), value);
            }
        }
        command
            .env("PATH", path)
            .env("HOME", &self.dir)
            .env("KUBECONFIG", self.dir.join("kubeconfig"))
            .env("PIPELINE", &self.pipeline)
            .env("NAMESPACE", "default")
            .env("RUNNER_JOB", self.runner["metadata"]["name"].as_str().unwrap())
            .env("RUNNER_UID", self.runner["metadata"]["uid"].as_str().unwrap())
            .env("PIPELINE_DIR", self.dir.join("pipeline"))
            .env("POLL_SECONDS", "0.2")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sh runs")
    }

    fn run_id(&self) -> String {
        let uid = self.runner["metadata"]["uid"].as_str().unwrap().replace('-', "");
        uid[uid.len() - 8..].to_string()
    }

    fn job_name(&self, task: &str) -> String {
        format!("{}-{}-{task}", self.pipeline, self.run_id())
    }

    fn job(&self, task: &str) -> Option<Value> {
        self.server.object("batch/v1", "Job", "default", &self.job_name(task))
    }

    fn jobs_created(&self) -> usize {
        self.created("/jobs")
    }

    /// POSTs to a collection: `/jobs`, `/services`.
    fn created(&self, collection: &str) -> usize {
        self.server.requests().iter().filter(|r| r.starts_with("POST ") && r.contains(collection)).count()
    }

    fn service(&self, task: &str) -> Option<Value> {
        self.server.object("v1", "Service", "default", &self.job_name(task))
    }

    fn pods_of(&self, task: &str) -> usize {
        let Some(job) = self.job(task) else { return 0 };
        let uid = &job["metadata"]["uid"];
        self.server
            .objects()
            .iter()
            .filter(|o| o["kind"] == "Pod")
            .filter(|o| o["metadata"]["ownerReferences"].as_array().is_some_and(|r| r.iter().any(|r| &r["uid"] == uid)))
            .count()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn condition(job: &Value, kind: &str) -> bool {
    job["status"]["conditions"]
        .as_array()
        .is_some_and(|cs| cs.iter().any(|c| c["type"] == kind && c["status"] == "True"))
}

/// Waits for the runner, watching the fake meanwhile: `seen(task)` is called every few
/// milliseconds. Its exit code and output.
fn watch(run: &Run, mut child: Child, mut seen: impl FnMut(&Run)) -> (i32, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        seen(run);
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
            return (status.code().unwrap_or(-1), text);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
            panic!("the runner did not finish in 60 s:\n{text}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Every edge `(up, down)`: whenever `down`'s Job exists, `up`'s Job has completed.
fn never_early(edges: &'static [(&'static str, &'static str)]) -> impl FnMut(&Run) {
    move |run: &Run| {
        for (up, down) in edges {
            if run.job(down).is_some() {
                let up_job = run.job(up);
                assert!(
                    up_job.as_ref().is_some_and(|j| condition(j, "Complete")),
                    "`{down}` started while `{up}` had not succeeded: {up_job:?}"
                );
            }
        }
    }
}

#[test]
fn each_task_starts_only_after_its_upstream_tasks_succeeded() {
    let slow = |ticks| Outcome::succeed().ticks(ticks);
    let Some(run) = Run::new(DIAMOND, "diamond", &[("diamond-*-a", slow(6)), ("diamond-*-b", slow(8))]) else {
        return;
    };
    let (code, log) = watch(&run, run.start(), never_early(&[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]));
    assert_eq!(code, 0, "{log}");
    for task in ["a", "b", "c", "d"] {
        let job = run.job(task).unwrap_or_else(|| panic!("no Job for {task}:\n{log}"));
        assert!(condition(&job, "Complete"), "{task}: {job}");
        let owner = &job["metadata"]["ownerReferences"][0];
        assert_eq!(owner["uid"], run.runner["metadata"]["uid"], "{task} is owned by the runner Job");
        assert_eq!(owner["name"], "diamond");
        assert_eq!(job["metadata"]["labels"]["pipec.dev/run"], run.run_id().as_str());
        assert!(job["metadata"]["labels"].get("pipec.dev/program").is_none(), "the runner's, not the program's");
        assert_eq!(run.pods_of(task), 1, "{task} ran once");
    }
    assert_eq!(run.jobs_created(), 4);
    assert!(log.contains("every task succeeded"), "{log}");

    // One TTL cleans the run: the runner Job's deletion takes the task Jobs with it.
    let delete = Command::new(&run.kubectl)
        .args(["--kubeconfig", run.dir.join("kubeconfig").to_str().unwrap(), "delete", "job", "diamond"])
        .output()
        .unwrap();
    assert!(delete.status.success(), "{}", String::from_utf8_lossy(&delete.stderr));
    for task in ["a", "b", "c", "d"] {
        assert!(run.job(task).is_none(), "{task}'s Job outlived its run");
    }
}

#[test]
fn a_failed_task_stops_its_dependents() {
    let Some(run) = Run::new(
        DIAMOND,
        "diamond",
        &[("diamond-*-b", Outcome::fail("Error", "boom")), ("diamond-*-c", Outcome::succeed().ticks(10))],
    ) else {
        return;
    };
    let (code, log) = watch(&run, run.start(), never_early(&[("a", "b"), ("a", "c")]));
    assert_eq!(code, 3, "a failed task ends the runner with 3 (its pod failure policy fails the run):\n{log}");
    assert!(condition(&run.job("b").unwrap(), "Failed"));
    assert!(run.job("d").is_none(), "`d` was started after `b` failed:\n{log}");
    // `c` was already running beside `b`: it is left to finish, as Argo's DAG does.
    assert!(condition(&run.job("c").unwrap(), "Complete"), "{log}");
    assert!(log.contains("failed: b; 1 task(s) not started"), "{log}");
}

#[test]
fn a_restarted_runner_finishes_the_run_without_repeating_a_task() {
    let Some(run) = Run::new(CHAIN, "etl", &[("etl-*-transform", Outcome::succeed().ticks(15))]) else {
        return;
    };
    // The first runner is killed (as a lost node would) while `transform` runs.
    let mut first = run.start();
    let deadline = Instant::now() + Duration::from_secs(30);
    while run.job("transform").is_none() {
        assert!(Instant::now() < deadline, "transform never started");
        assert!(first.try_wait().unwrap().is_none(), "the first runner ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(!condition(&run.job("transform").unwrap(), "Complete"), "killed midway");
    let extract_uid = run.job("extract").unwrap()["metadata"]["uid"].clone();

    let (code, log) = watch(&run, run.start(), never_early(&[("extract", "transform"), ("transform", "load")]));
    assert_eq!(code, 0, "{log}");
    assert!(!log.contains("started extract") && !log.contains("started transform"), "{log}");
    assert!(log.contains("started load"), "{log}");
    assert_eq!(run.jobs_created(), 3, "each task's Job was created once");
    assert_eq!(run.job("extract").unwrap()["metadata"]["uid"], extract_uid);
    for task in ["extract", "transform", "load"] {
        assert_eq!(run.pods_of(task), 1, "{task} ran once");
    }
}

#[test]
fn no_task_outlives_the_runs_deadline() {
    let Some(run) = Run::new(BOUNDED, "bounded", &[]) else { return };
    let (code, log) = watch(&run, run.start(), |_| {});
    assert_eq!(code, 0, "{log}");
    let deadline = |task: &str| run.job(task).unwrap()["spec"]["activeDeadlineSeconds"].as_i64();
    let long = deadline("long").expect("bounded");
    assert!((3500..=3600).contains(&long), "`long` (2h) gets at most the run's hour: {long}");
    assert_eq!(deadline("short"), Some(600), "a shorter deadline of its own stays");
    assert!(deadline("open").is_some_and(|d| d <= 3600), "a task without a deadline gets the run's rest");
}

#[test]
fn a_fan_out_task_starts_its_roles_together_and_stops_the_servers_once_the_workers_succeeded() {
    let Some(run) = Run::new(
        FAN_OUT,
        "train",
        &[("train-*-fit-server", Outcome::hang()), ("train-*-fit-worker", Outcome::succeed().ticks(6))],
    ) else {
        return;
    };
    let mut servers_seen = false;
    let (code, log) = watch(&run, run.start(), |run| {
        never_early(&[("prep", "fit-server"), ("prep", "fit-worker"), ("fit-worker", "report")])(run);
        if run.service("fit").is_some() {
            assert!(condition(&run.job("prep").unwrap(), "Complete"), "the Service came before `prep` succeeded");
        }
        servers_seen |= run.job("fit-server").is_some();
    });
    assert_eq!(code, 0, "{log}");
    assert!(servers_seen, "the server role's Job was created:\n{log}");
    let service = run.service("fit").unwrap_or_else(|| panic!("no headless Service for the run:\n{log}"));
    assert_eq!(service["spec"]["clusterIP"], "None");
    assert_eq!(service["metadata"]["ownerReferences"][0]["uid"], run.runner["metadata"]["uid"], "owned by the runner");
    let selected = &service["spec"]["selector"]["pipec.dev/group"];
    assert_eq!(selected, &Value::from(run.job_name("fit")), "selects this run's members only");
    let worker = run.job("fit-worker").unwrap();
    assert!(condition(&worker, "Complete"), "{worker}");
    assert_eq!(worker["spec"]["template"]["spec"]["subdomain"], run.job_name("fit").as_str());
    assert_eq!(worker["spec"]["template"]["metadata"]["labels"]["pipec.dev/run"], run.run_id().as_str());
    assert_eq!(run.pods_of("fit-worker"), 3, "one pod per worker");
    assert!(run.job("fit-server").is_none(), "the servers were stopped once the workers succeeded:\n{log}");
    assert!(log.contains("fit ended: stopped its server members"), "{log}");
    assert!(condition(&run.job("report").unwrap(), "Complete"), "{log}");
    assert_eq!((run.jobs_created(), run.created("/services")), (4, 1), "each Job and the Service created once");
}

#[test]
fn a_failed_member_fails_its_fan_out_task_and_stops_the_run() {
    let Some(run) = Run::new(
        FAN_OUT,
        "train",
        &[("train-*-fit-server", Outcome::hang()), ("train-*-fit-worker", Outcome::fail("Error", "diverged"))],
    ) else {
        return;
    };
    let mut servers_seen = false;
    let (code, log) = watch(&run, run.start(), |run| servers_seen |= run.job("fit-server").is_some());
    assert!(servers_seen, "the server role's Job was created:\n{log}");
    assert_eq!(code, 3, "{log}");
    assert!(condition(&run.job("fit-worker").unwrap(), "Failed"), "kept for its logs: {log}");
    // The servers never exit: left alone, they would hold their nodes until the run's TTL.
    assert!(run.job("fit-server").is_none(), "the servers of a failed task were stopped:\n{log}");
    assert!(log.contains("fit ended: stopped its server members"), "{log}");
    assert!(run.job("report").is_none(), "`report` was started after `fit` failed:\n{log}");
    assert!(log.contains("failed: fit; 1 task(s) not started"), "{log}");
}

#[test]
fn a_restarted_runner_adopts_a_fan_out_task_without_creating_it_again() {
    let Some(run) = Run::new(
        FAN_OUT,
        "train",
        &[("train-*-fit-server", Outcome::hang()), ("train-*-fit-worker", Outcome::succeed().ticks(20))],
    ) else {
        return;
    };
    let mut first = run.start();
    let deadline = Instant::now() + Duration::from_secs(30);
    while run.job("fit-worker").is_none() || run.job("fit-server").is_none() {
        assert!(Instant::now() < deadline, "fit never started");
        assert!(first.try_wait().unwrap().is_none(), "the first runner ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let worker_uid = run.job("fit-worker").unwrap()["metadata"]["uid"].clone();
    let (code, log) = watch(&run, run.start(), |_| {});
    assert_eq!(code, 0, "{log}");
    assert!(!log.contains("started fit"), "{log}");
    assert_eq!(run.job("fit-worker").unwrap()["metadata"]["uid"], worker_uid, "adopted, not made again");
    assert_eq!(run.pods_of("fit-worker"), 3, "each worker ran once");
    assert_eq!(run.created("/services"), 1, "{log}");
}
