//! `pipec apply --wait` of a pipeline (Kubernetes target) against the fake API
//! server (tests/support/fake_apiserver), on 127.0.0.1. The fake runs Jobs'
//! pods but not the pipeline's runner: the test plays it — as runner.sh does,
//! it creates each task's Job from the applied ConfigMap once the tasks it is
//! after are Complete, starts nothing after a failure, and then ends the
//! runner Job (Complete, or Failed by its pod failure policy on exit 3) — or,
//! with `kubectl` on the machine, runs the real runner.sh.
#![cfg(feature = "cluster")]

#[path = "support/fake_apiserver/mod.rs"]
mod fake_apiserver;

use fake_apiserver::{FakeApiServer, Outcome};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const DIAMOND: &str = r#"
pipeline diamond {
  task a { image = "busybox:1.36" }
  task b { image = "busybox:1.36", after = [a] }
  task c { image = "busybox:1.36", after = [a] }
  task d { image = "busybox:1.36", after = [b, c] }
}
"#;

const PROXY_VARS: [&str; 6] = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"];

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
    // The runner Job's own pod is the test's to play: the fake never ends it.
    server.script("diamond", Outcome::hang());
    Setup { server, dir, kubeconfig }
}

struct Run {
    out: Output,
    /// What the played runner did.
    runner: Vec<String>,
}

impl Run {
    fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    fn all(&self) -> String {
        format!("stdout:\n{}\nstderr:\n{}\nrunner: {:?}", self.stdout(), self.stderr(), self.runner)
    }
}

impl Setup {
    fn program(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(format!("{name}.pipe"));
        std::fs::write(&path, text).unwrap();
        path
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pipec"));
        c.args(args)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .env_remove("KUBECONFIG")
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for v in PROXY_VARS {
            c.env_remove(v);
        }
        c
    }

    /// `pipec apply --wait` of `file` (after `flags`), while `runner` plays the pipeline's runner.
    fn apply_wait(
        &self,
        flags: &[&str],
        file: &Path,
        timeout: &str,
        runner: impl FnOnce(&Setup, &AtomicBool) -> Vec<String> + Send,
    ) -> Run {
        let mut args = vec!["apply"];
        args.extend(flags);
        args.extend(["--wait", "--timeout", timeout, file.to_str().unwrap()]);
        let child = self.command(&args).spawn().unwrap();
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let played = scope.spawn(|| runner(self, &stop));
            let out = child.wait_with_output().unwrap();
            stop.store(true, Ordering::Relaxed);
            Run { out, runner: played.join().unwrap() }
        })
    }

    fn job(&self, name: &str) -> Option<Value> {
        self.server.object("batch/v1", "Job", "default", name)
    }

    fn run_id(&self, pipeline: &str) -> String {
        let uid = self.job(pipeline).unwrap()["metadata"]["uid"].as_str().unwrap().replace('-', "");
        uid[24..32].to_string()
    }
}

fn true_conditions(job: &Value) -> Vec<String> {
    job["status"]["conditions"]
        .as_array()
        .map(|cs| {
            cs.iter().filter(|c| c["status"] == "True").filter_map(|c| c["type"].as_str().map(str::to_string)).collect()
        })
        .unwrap_or_default()
}

fn runner_status(complete: bool, pod: &str) -> Value {
    let now = "2026-12-01T00:00:00Z";
    if complete {
        json!({"startTime": now, "completionTime": now, "succeeded": 1, "conditions": [
            {"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods"},
            {"type": "Complete", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods"},
        ]})
    } else {
        let message =
            format!("Container runner for pod default/{pod} failed with exit code 3 matching FailJob rule at index 0");
        json!({"startTime": now, "failed": 1, "conditions": [
            {"type": "FailureTarget", "status": "True", "reason": "PodFailurePolicy", "message": message},
            {"type": "Failed", "status": "True", "reason": "PodFailurePolicy", "message": message},
        ]})
    }
}

/// Plays the runner of `pipeline` as runner.sh does, until it ends the runner Job or `stop`.
fn play(s: &Setup, stop: &AtomicBool, pipeline: &str) -> Vec<String> {
    let mut log = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        let (Some(runner), Some(config)) =
            (s.job(pipeline), s.server.object("v1", "ConfigMap", "default", &format!("{pipeline}-tasks")))
        else {
            continue;
        };
        let uid = runner["metadata"]["uid"].as_str().unwrap().to_string();
        let run = s.run_id(pipeline);
        let tasks: Vec<(String, Vec<String>)> = config["data"]["tasks"]
            .as_str()
            .unwrap()
            .lines()
            .map(|l| {
                let mut w = l.split_whitespace();
                let name = w.next().unwrap().to_string();
                let after = w.next().filter(|a| *a != "-").map(|a| a.split(',').map(str::to_string).collect());
                (name, after.unwrap_or_default())
            })
            .collect();
        let state = |task: &str| {
            let job = s.job(&format!("{pipeline}-{run}-{task}"))?;
            let c = true_conditions(&job);
            Some(if c.iter().any(|c| c == "Complete") {
                "succeeded"
            } else if c.iter().any(|c| c == "Failed" || c == "FailureTarget") {
                "failed"
            } else {
                "running"
            })
        };
        let states: Vec<Option<&str>> = tasks.iter().map(|(t, _)| state(t)).collect();
        let failed = states.contains(&Some("failed"));
        let running = states.contains(&Some("running"));
        let pod = format!("{pipeline}-runner-pod");
        if failed && !running || states.iter().all(|s| *s == Some("succeeded")) {
            let ok = !failed;
            assert!(s.server.set_status("batch/v1", "Job", "default", pipeline, runner_status(ok, &pod)));
            log.push(if ok { "every task succeeded".into() } else { "exit 3".to_string() });
            return log;
        }
        if failed {
            continue;
        }
        for ((task, after), state) in tasks.iter().zip(&states) {
            if state.is_none() && after.iter().all(|u| state_of(&tasks, &states, u) == Some("succeeded")) {
                let text = config["data"][format!("{task}.json")]
                    .as_str()
                    .unwrap()
                    .replace("@RUN@", &run)
                    .replace("@RUNNER_JOB@", pipeline)
                    .replace("@RUNNER_UID@", &uid);
                s.server.put(serde_json::from_str(&text).unwrap(), "kubectl-create").unwrap();
                log.push(format!("started {task}"));
            }
        }
    }
    log
}

fn state_of<'a>(tasks: &[(String, Vec<String>)], states: &[Option<&'a str>], task: &str) -> Option<&'a str> {
    tasks.iter().position(|(t, _)| t == task).and_then(|i| states[i])
}

/// The lines of `text` that start with `prefix`, in order.
fn lines_with<'t>(text: &'t str, prefix: &str) -> Vec<&'t str> {
    text.lines().filter(|l| l.starts_with(prefix)).collect()
}

/// Where the first line of `text` equal to `line` is; panics with `text` if none.
fn at(text: &str, line: &str) -> usize {
    text.lines().position(|l| l == line).unwrap_or_else(|| panic!("no line `{line}` in:\n{text}"))
}

#[test]
fn a_diamond_is_followed_task_by_task_in_graph_order() {
    let s = setup();
    s.server.script("diamond-*-a", Outcome::succeed().ticks(20));
    s.server.script("diamond-*-b", Outcome::succeed().ticks(30));
    let file = s.program("diamond", DIAMOND);
    let run = s.apply_wait(&[], &file, "60s", |s, stop| play(s, stop, "diamond"));
    assert_eq!(run.code(), 0, "{}", run.all());
    assert_eq!(
        run.runner,
        ["started a", "started b", "started c", "started d", "every task succeeded"],
        "{}",
        run.all()
    );
    let id = s.run_id("diamond");
    let out = run.stdout();
    let report: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("succeeded  pipeline")).collect();
    let done = "succeeded: 1/1 succeeded, 0 failed, 0 running";
    assert_eq!(
        report,
        [
            format!("succeeded  pipeline default/diamond (run {id}): 4/4 tasks succeeded"),
            format!("             a  {done}"),
            format!("             b  {done}"),
            format!("             c  {done}"),
            format!("             d  {done}"),
        ],
        "{}",
        run.all()
    );
    // The runner Job is the pipeline, not one more Job to follow.
    assert!(out.contains("created    job default/diamond\n"), "{}", run.all());
    assert!(!out.contains("job default/diamond:") && !run.stderr().contains("job default/diamond:"), "{}", run.all());
    // Not a terminal: a line per change, each task's lines in the order they happened.
    let err = run.stderr();
    let events = |task: &str| lines_with(&err, &format!("wait: pipeline default/diamond: {task}: "));
    let first_b = events("b")[0];
    assert_eq!(first_b, "wait: pipeline default/diamond: b: waiting for a", "{}", run.all());
    assert_eq!(events("d")[0], "wait: pipeline default/diamond: d: waiting for b, c", "{}", run.all());
    let a_done = at(&err, &format!("wait: pipeline default/diamond: a: {done}"));
    let b_running = at(&err, "wait: pipeline default/diamond: b: running: 0/1 succeeded, 0 failed, 1 running");
    assert!(a_done < b_running, "b ran only after a succeeded:\n{err}");
    assert!(at(&err, &format!("wait: pipeline default/diamond: b: {done}")) > b_running, "{err}");
    assert!(err.contains(&format!("wait: pipeline default/diamond: run {id}, 4 tasks\n")), "{err}");
    assert!(err.contains("pipec: waited ") && err.contains(": 1 succeeded, 0 failed\n"), "{err}");
    // One list of the run's task Jobs per poll, whatever the number of tasks; no Job read alone.
    let requests = s.server.requests();
    let lists: Vec<&String> =
        requests.iter().filter(|r| r.starts_with("GET ") && r.contains(",pipec.dev/run")).collect();
    let polls = requests
        .iter()
        .filter(|r| r.starts_with("GET ") && r.contains("/jobs?labelSelector=pipec.dev/program in ("))
        .count();
    assert!(lists.len() >= 4 && lists.len() == polls, "{polls} polls: {requests:?}");
    assert!(lists.iter().all(|r| *r == lists[0]), "{lists:?}");
    assert!(!requests.iter().any(|r| r.starts_with("GET ") && r.contains("/jobs/")), "{requests:?}");
    // The task Jobs are the run's, as the runner made them.
    for task in ["a", "b", "c", "d"] {
        let job = s.job(&format!("diamond-{id}-{task}")).expect("the task's Job");
        assert_eq!(job["metadata"]["labels"]["pipec.dev/run"], id.as_str());
    }
}

#[test]
fn a_failed_task_is_named_with_its_pod_and_logs() {
    let s = setup();
    s.server.script("diamond-*-b", Outcome::fail("Error", "loading shard 7\nValueError: bad row 1234\n"));
    s.server.script("diamond-*-c", Outcome::succeed().ticks(15));
    let file = s.program("diamond", DIAMOND);
    let run = s.apply_wait(&[], &file, "60s", |s, stop| play(s, stop, "diamond"));
    assert_eq!(run.code(), 1, "{}", run.all());
    assert_eq!(run.runner, ["started a", "started b", "started c", "exit 3"], "{}", run.all());
    let id = s.run_id("diamond");
    let out = run.stdout();
    let report: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("failed     pipeline")).collect();
    assert_eq!(report.len(), 9, "{}", run.all());
    assert_eq!(
        report[..3],
        [
            format!(
                "failed     pipeline default/diamond (run {id}): task b failed (2/4 tasks succeeded, 1 failed, 1 not started)"
            ),
            "             a  succeeded: 1/1 succeeded, 0 failed, 0 running".into(),
            "             b  failed: BackoffLimitExceeded: Job has reached the specified backoff limit".into(),
        ]
    );
    let pod = format!("pod default/diamond-{id}-b-");
    assert!(report[3].starts_with(&format!("                {pod}")), "{}", run.all());
    assert!(report[3].ends_with(": Failed; container b: Error (exit code 1)"), "{}", run.all());
    assert!(report[4].starts_with(&format!("                last log lines of {pod}")), "{}", run.all());
    assert_eq!(
        report[5..],
        [
            "                  | loading shard 7",
            "                  | ValueError: bad row 1234",
            "             c  succeeded: 1/1 succeeded, 0 failed, 0 running",
            "             d  not started: upstream b failed",
        ]
    );
    assert!(s.job(&format!("diamond-{id}-d")).is_none(), "d was never started");
    let err = run.stderr();
    assert!(err.contains("wait: pipeline default/diamond: d: not started: upstream b failed\n"), "{err}");
    assert!(err.contains(": 0 succeeded, 1 failed\n"), "{err}");
}

#[test]
fn a_pipeline_still_running_at_the_timeout_fails_the_wait() {
    let s = setup();
    s.server.script("diamond-*-a", Outcome::hang());
    let file = s.program("diamond", DIAMOND);
    let run = s.apply_wait(&[], &file, "2s", |s, stop| play(s, stop, "diamond"));
    assert_eq!(run.code(), 1, "{}", run.all());
    assert_eq!(run.runner, ["started a"], "{}", run.all());
    let id = s.run_id("diamond");
    let out = run.stdout();
    let report: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("timed out  pipeline")).collect();
    assert_eq!(
        report,
        [
            format!(
                "timed out  pipeline default/diamond (run {id}): 0/4 tasks succeeded, 1 running (still going after 2s)"
            ),
            "             a  running: 0/1 succeeded, 0 failed, 1 running".into(),
            "             b  waiting for a".into(),
            "             c  waiting for a".into(),
            "             d  waiting for b, c".into(),
        ],
        "{}",
        run.all()
    );
    assert!(run.stderr().contains(", 1 timed out (--timeout 2s)"), "{}", run.all());
}

#[test]
fn a_runner_that_fails_by_itself_shows_its_own_pod() {
    let s = setup();
    // The runner's pod runs here (exit 1: not a task's failure) and its Job fails by its backoff limit.
    s.server.script("diamond", Outcome::fail("Error", "error: You must be logged in to the server (Unauthorized)\n"));
    let file = s.program("diamond", DIAMOND);
    let run = s.apply_wait(&[], &file, "60s", |_, _| Vec::new());
    assert_eq!(run.code(), 1, "{}", run.all());
    let out = run.stdout();
    let report: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("failed     pipeline")).collect();
    let id = s.run_id("diamond");
    assert_eq!(
        report[0],
        format!(
            "failed     pipeline default/diamond (run {id}): the runner failed: BackoffLimitExceeded: Job has reached the specified backoff limit"
        ),
        "{}",
        run.all()
    );
    assert!(report[1].starts_with("           pod default/diamond-"), "{}", run.all());
    assert!(report[1].ends_with(": Failed; container runner: Error (exit code 1)"), "{}", run.all());
    assert!(
        report.contains(&"             | error: You must be logged in to the server (Unauthorized)"),
        "{}",
        run.all()
    );
    assert!(report.ends_with(&["             d  not started: the runner ended"]), "{}", run.all());
}

#[test]
fn a_scheduled_pipeline_is_not_waited_for() {
    let s = setup();
    let scheduled = DIAMOND.replace("pipeline diamond {", "pipeline diamond {\n  schedule = \"0 2 * * *\"");
    let file = s.program("nightly", &format!("{scheduled}\njob migrate {{\n  image = \"busybox:1.36\"\n}}\n"));
    let run = s.apply_wait(&[], &file, "30s", |_, _| Vec::new());
    assert_eq!(run.code(), 0, "{}", run.all());
    assert!(
        run.stderr().contains(
            "pipec: --wait: pipeline default/diamond is scheduled (a CronJob starts its runs): not waited for\n"
        ),
        "{}",
        run.all()
    );
    assert!(run.stdout().contains("succeeded  job default/migrate: 1/1 succeeded"), "{}", run.all());
    assert!(!run.stdout().contains("pipeline default/diamond"), "{}", run.all());
}

fn kubectl() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("kubectl")).find(|p| p.is_file())
}

/// The real runner.sh (from the applied ConfigMap) run with kubectl as the runner Job's pod would;
/// its exit code ends the runner Job as the Job controller would (3: FailJob).
fn real_runner(s: &Setup, stop: &AtomicBool, kubectl: &Path, pipeline: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let (runner, config) = loop {
        assert!(Instant::now() < deadline && !stop.load(Ordering::Relaxed), "pipec never applied the pipeline");
        let config = s.server.object("v1", "ConfigMap", "default", &format!("{pipeline}-tasks"));
        if let (Some(r), Some(c)) = (s.job(pipeline), config) {
            break (r, c);
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let dir = s.dir.path().join("pipeline");
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in config["data"].as_object().unwrap() {
        std::fs::write(dir.join(file), text.as_str().unwrap()).unwrap();
    }
    let mut path = kubectl.parent().unwrap().as_os_str().to_owned();
    path.push(":/usr/bin:/bin");
    let mut command = Command::new("sh");
    command.arg(dir.join("run.sh")).env_clear();
    for v in PROXY_VARS {
        command.env_remove(v);
    }
    command
        .env("PATH", path)
        .env("HOME", s.dir.path())
        .env("KUBECONFIG", &s.kubeconfig)
        .env("PIPELINE", pipeline)
        .env("NAMESPACE", "default")
        .env("RUNNER_JOB", pipeline)
        .env("RUNNER_UID", runner["metadata"]["uid"].as_str().unwrap())
        .env("PIPELINE_DIR", &dir)
        .env("POLL_SECONDS", "0.1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    // Once pipec has ended (it timed out: the test fails on its output), the runner is stopped.
    while child.try_wait().unwrap().is_none() {
        if stop.load(Ordering::Relaxed) {
            child.kill().unwrap();
            child.wait().unwrap();
            return vec!["the runner was still going when pipec ended".into()];
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(code == 0 || code == 3, "the runner failed by itself ({code}): {}", String::from_utf8_lossy(&out.stderr));
    let pod = format!("{pipeline}-runner");
    assert!(s.server.set_status("batch/v1", "Job", "default", pipeline, runner_status(code == 0, &pod)));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn the_real_runner_is_followed_too() {
    let Some(kubectl) = kubectl() else {
        eprintln!("skipped: no `kubectl` on PATH (the runner script is run with it)");
        return;
    };
    let s = setup();
    s.server.script("diamond-*-c", Outcome::fail("Error", "out of memory in c\n"));
    let file = s.program("diamond", DIAMOND);
    let run = s.apply_wait(&[], &file, "60s", |s, stop| real_runner(s, stop, &kubectl, "diamond"));
    assert_eq!(run.code(), 1, "{}", run.all());
    assert!(run.runner.iter().any(|l| l.ends_with("failed: c; 1 task(s) not started")), "{}", run.all());
    let out = run.stdout();
    let id = s.run_id("diamond");
    assert!(out.contains(&format!("failed     pipeline default/diamond (run {id}): task c failed (")), "{}", run.all());
    assert!(out.contains("\n                  | out of memory in c\n"), "{}", run.all());
    assert!(out.contains("\n             d  not started: upstream c failed\n"), "{}", run.all());
    assert!(out.contains("\n             a  succeeded: 1/1 succeeded, 0 failed, 0 running\n"), "{}", run.all());
}

const FAN_OUT: &str = r#"
pipeline fan {
  task prep { image = "busybox:1.36" }
  task fit {
    after   = [prep]
    success = worker
    role worker {
      replicas = 2
      image    = "busybox:1.36"
    }
    role ps { image = "busybox:1.36" }
  }
  task report { image = "busybox:1.36", after = [fit] }
}
"#;

/// A fan-out task (a Job per role) is one line; its parameter server, which never ends by
/// itself, is stopped by the runner once the workers that decide have succeeded.
#[test]
fn a_fan_out_task_is_one_line_with_its_roles() {
    let Some(kubectl) = kubectl() else {
        eprintln!("skipped: no `kubectl` on PATH (the runner script is run with it)");
        return;
    };
    let s = setup();
    s.server.script("fan", Outcome::hang());
    s.server.script("fan-*-fit-ps", Outcome::hang());
    s.server.script("fan-*-fit-worker", Outcome::succeed().ticks(15));
    s.server.script("fan-*-report", Outcome::succeed().ticks(15));
    let file = s.program("fan", FAN_OUT);
    let run = s.apply_wait(&[], &file, "60s", |s, stop| real_runner(s, stop, &kubectl, "fan"));
    assert_eq!(run.code(), 0, "{}", run.all());
    assert!(run.runner.iter().any(|l| l.contains("stopped its ps members")), "{}", run.all());
    let id = s.run_id("fan");
    let out = run.stdout();
    let report: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("succeeded  pipeline")).collect();
    assert_eq!(
        report,
        [
            format!("succeeded  pipeline default/fan (run {id}): 3/3 tasks succeeded"),
            "             prep    succeeded: 1/1 succeeded, 0 failed, 0 running".into(),
            "             fit     succeeded: worker 2/2 succeeded, ps stopped; 0 failed, 0 running".into(),
            "             report  succeeded: 1/1 succeeded, 0 failed, 0 running".into(),
        ],
        "{}",
        run.all()
    );
    let err = run.stderr();
    let running =
        "wait: pipeline default/fan: fit: running: worker 0/2 succeeded, ps 0/1 succeeded; 0 failed, 3 running";
    assert!(
        at(&err, running) < at(&err, "wait: pipeline default/fan: report: running: 0/1 succeeded, 0 failed, 1 running"),
        "{err}"
    );
    assert!(s.job(&format!("fan-{id}-fit-ps")).is_none(), "the runner stopped the parameter server");
}

/// Plays Argo's Workflow controller: once the Workflow is there, each status in turn, 600 ms
/// apart (the first, too: pipec sees the Workflow before Argo did).
fn play_argo(s: &Setup, stop: &AtomicBool, statuses: &[Value]) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while s.server.object("argoproj.io/v1alpha1", "Workflow", "default", "diamond").is_none() {
        if stop.load(Ordering::Relaxed) || Instant::now() > deadline {
            return vec!["no Workflow".into()];
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    for status in statuses {
        std::thread::sleep(Duration::from_millis(600));
        assert!(s.server.set_status("argoproj.io/v1alpha1", "Workflow", "default", "diamond", status.clone()));
    }
    vec![format!("{} statuses", statuses.len())]
}

fn node(task: &str, phase: &str, message: &str) -> Value {
    json!({"type": "Pod", "displayName": task, "name": format!("diamond.{task}"), "phase": phase, "message": message})
}

#[test]
fn an_argo_workflow_is_followed_by_its_phase_and_pod_nodes() {
    let s = setup();
    let file = s.program("diamond", DIAMOND);
    let running = json!({"phase": "Running", "nodes": {
        "diamond": {"type": "DAG", "displayName": "diamond", "phase": "Running"},
        "diamond-1": node("a", "Succeeded", ""), "diamond-2": node("b", "Running", ""),
    }});
    let failed = json!({"phase": "Failed", "message": "child 'diamond-2' failed", "nodes": {
        "diamond": {"type": "DAG", "displayName": "diamond", "phase": "Failed"},
        "diamond-1": node("a", "Succeeded", ""), "diamond-2": node("b", "Failed", "Error (exit code 1)"),
        "diamond-3": node("c", "Succeeded", ""),
    }});
    let run = s.apply_wait(&["--target", "argo"], &file, "60s", |s, stop| play_argo(s, stop, &[running, failed]));
    assert_eq!(run.code(), 1, "{}", run.all());
    assert_eq!(run.runner, ["2 statuses"], "{}", run.all());
    let err = run.stderr();
    let events = lines_with(&err, "wait: workflow default/diamond: ");
    assert_eq!(
        events,
        [
            "wait: workflow default/diamond: Pending: 0/0 pods succeeded, 0 failed, 0 running",
            "wait: workflow default/diamond: Running: 1/2 pods succeeded, 0 failed, 1 running",
            "wait: workflow default/diamond: Failed: 2/3 pods succeeded, 1 failed, 0 running",
        ],
        "{}",
        run.all()
    );
    let out = run.stdout();
    let report: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("failed     workflow")).collect();
    assert_eq!(
        report,
        [
            "failed     workflow default/diamond: Failed: child 'diamond-2' failed",
            "           node b: Failed: Error (exit code 1)"
        ],
        "{}",
        run.all()
    );
}

#[test]
fn a_succeeded_argo_workflow_ends_the_wait_with_zero() {
    let s = setup();
    let file = s.program("diamond", DIAMOND);
    let nodes: serde_json::Map<String, Value> = ["a", "b", "c", "d"]
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("diamond-{i}"), node(t, "Succeeded", "")))
        .collect();
    let done = json!({"phase": "Succeeded", "nodes": nodes});
    let run = s.apply_wait(&["--target", "argo"], &file, "60s", |s, stop| play_argo(s, stop, &[done]));
    assert_eq!(run.code(), 0, "{}", run.all());
    assert!(
        run.stdout()
            .contains("\nsucceeded  workflow default/diamond: Succeeded: 4/4 pods succeeded, 0 failed, 0 running\n"),
        "{}",
        run.all()
    );
}
