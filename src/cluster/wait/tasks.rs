//! A pipeline run's tasks from its ConfigMap's `tasks` list and the run's task Jobs: what
//! each task is doing (waiting, running, succeeded, failed, not started), for `--wait`.
//! Pure functions of the listed objects; [`super::pipeline`] reads them from the cluster.

use super::{End, condition, int};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The labels of a run's task Jobs, as the pipeline lowering writes them
/// (src/lower/kinds/pipeline/mod.rs; the cluster layer reads them, it does not import the lowering).
pub(super) const PIPELINE_LABEL: &str = "pipec.dev/pipeline";
pub(super) const RUN_LABEL: &str = "pipec.dev/run";
const TASK_LABEL: &str = "pipec.dev/task";
const ROLE_LABEL: &str = crate::lower::ROLE_LABEL;

/// One line of `data.tasks`: `<task> <after>` or `<task> <after> <roles> <decide>`.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub name: String,
    /// The upstream tasks (`-`: none).
    pub after: Vec<String>,
    /// A fan-out task's roles, one Job each (`-`: a plain task, one Job).
    pub roles: Vec<String>,
    /// The roles whose Jobs must complete (`-`: every Job of the task).
    pub decide: Vec<String>,
}

pub fn parse_tasks(text: &str) -> Vec<Task> {
    let list = |word: Option<&str>| -> Vec<String> {
        match word {
            None | Some("-") => Vec::new(),
            Some(w) => w.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        }
    };
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let name = words.next()?.to_string();
            Some(Task { name, after: list(words.next()), roles: list(words.next()), decide: list(words.next()) })
        })
        .collect()
}

/// The run id: the last 8 hex digits of the runner Job's uid (`tr -d - | cut -c25-32`, as runner.sh).
pub fn run_id(uid: &str) -> String {
    uid.chars().filter(|c| *c != '-').skip(24).take(8).collect()
}

#[derive(Clone, Debug, PartialEq)]
pub enum TaskState {
    /// No Job yet: these upstream tasks have not succeeded.
    Waiting(Vec<String>),
    /// Its upstream tasks succeeded: the runner creates its Job at its next round.
    Starting,
    Running,
    Succeeded,
    /// The Job that failed, and why.
    Failed {
        job: String,
        reason: String,
    },
    /// It will not be started, and why.
    NotStarted(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct TaskView {
    pub state: TaskState,
    /// `0/1 succeeded, 0 failed, 1 running`, `worker 3/4 succeeded, ps 0/2 succeeded; 0 failed, 5 running`
    pub counts: String,
    pub pos: u64,
    pub len: u64,
}

impl TaskView {
    pub fn line(&self) -> String {
        match &self.state {
            TaskState::Waiting(up) => format!("waiting for {}", up.join(", ")),
            TaskState::Starting => "starting (its upstream tasks succeeded)".into(),
            TaskState::Running => format!("running: {}", self.counts),
            TaskState::Succeeded => format!("succeeded: {}", self.counts),
            TaskState::Failed { reason, .. } => format!("failed: {reason}"),
            TaskState::NotStarted(why) => format!("not started: {why}"),
        }
    }
}

pub(super) fn label<'v>(job: &'v Value, key: &str) -> Option<&'v str> {
    job["metadata"]["labels"][key].as_str()
}

pub(super) fn is_true(job: &Value, kind: &str) -> bool {
    condition(job, kind).is_some_and(|c| c["status"] == "True")
}

/// Why a Job failed (a true `Failed` or `FailureTarget` condition), if it did.
fn job_failure(job: &Value) -> Option<String> {
    let c = ["Failed", "FailureTarget"].iter().find_map(|k| condition(job, k).filter(|c| c["status"] == "True"))?;
    Some(format!("{}: {}", c["reason"].as_str().unwrap_or("Failed"), c["message"].as_str().unwrap_or("")))
}

/// A task from its Jobs (at least one).
fn from_jobs(task: &Task, jobs: &[&Value]) -> TaskView {
    let of_role = |role: &str| jobs.iter().copied().find(|j| label(j, ROLE_LABEL) == Some(role));
    // The Jobs that decide, in the order of the roles (a plain task: all of its Jobs).
    let deciding: Vec<&str> =
        if task.decide.is_empty() { task.roles.iter() } else { task.decide.iter() }.map(String::as_str).collect();
    let (mut succeeded, mut failed, mut active, mut completions, mut pos, mut len) = (0, 0, 0, 0, 0, 0);
    for job in jobs {
        let status = &job["status"];
        let total = job["spec"]["completions"].as_u64().unwrap_or(1);
        let s = int(&status["succeeded"]);
        (succeeded, failed, active) = (succeeded + s, failed + int(&status["failed"]), active + int(&status["active"]));
        completions += total;
        let role = label(job, ROLE_LABEL);
        if task.roles.is_empty() || role.is_some_and(|r| deciding.contains(&r)) {
            (pos, len) = (pos + s.min(total), len + total);
        }
    }
    // The first failed Job, in the order of the roles.
    let mut ordered: Vec<&Value> = jobs.to_vec();
    ordered.sort_by_key(|j| {
        let role = label(j, ROLE_LABEL).unwrap_or("");
        (task.roles.iter().position(|r| r == role), j["metadata"]["name"].as_str().unwrap_or("").to_string())
    });
    let state = if let Some((job, why)) = ordered.iter().find_map(|j| job_failure(j).map(|why| (j, why))) {
        let reason = match label(job, ROLE_LABEL).filter(|_| !task.roles.is_empty()) {
            Some(role) => format!("{role}: {why}"),
            None => why,
        };
        TaskState::Failed { job: job["metadata"]["name"].as_str().unwrap_or("").to_string(), reason }
    } else if task.roles.is_empty() && jobs.iter().all(|j| is_true(j, "Complete"))
        || !task.roles.is_empty() && deciding.iter().all(|r| of_role(r).is_some_and(|j| is_true(j, "Complete")))
    {
        TaskState::Succeeded
    } else {
        TaskState::Running
    };
    let counts = if task.roles.is_empty() {
        format!("{succeeded}/{completions} succeeded, {failed} failed, {active} running")
    } else {
        let roles: Vec<String> = task
            .roles
            .iter()
            .map(|r| match of_role(r) {
                Some(j) => {
                    let total = j["spec"]["completions"].as_u64().unwrap_or(1);
                    format!("{r} {}/{total} succeeded", int(&j["status"]["succeeded"]))
                }
                // Once a fan-out task ended, succeeded or failed, the runner deletes its Jobs that still run.
                None if matches!(state, TaskState::Succeeded | TaskState::Failed { .. }) => format!("{r} stopped"),
                None => format!("{r} (no Job)"),
            })
            .collect();
        format!("{}; {failed} failed, {active} running", roles.join(", "))
    };
    TaskView { state, counts, pos, len: len.max(1) }
}

/// Every task's state, in graph order, from the Jobs of the run (`jobs`) and the runner's end.
pub fn task_views(tasks: &[Task], jobs: &[Value], runner: &End) -> Vec<TaskView> {
    let mut views: Vec<TaskView> = Vec::with_capacity(tasks.len());
    // The failed tasks that kept each not-started task from starting.
    let mut culprits: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
    let of_task: Vec<Vec<&Value>> =
        tasks.iter().map(|t| jobs.iter().filter(|j| label(j, TASK_LABEL) == Some(t.name.as_str())).collect()).collect();
    let mut failed: Vec<String> = Vec::new();
    for (t, js) in tasks.iter().zip(&of_task) {
        if !js.is_empty() {
            let view = from_jobs(t, js);
            if matches!(view.state, TaskState::Failed { .. }) {
                failed.push(t.name.clone());
            }
            by_name.insert(&t.name, views.len());
            views.push(view);
            continue;
        }
        by_name.insert(&t.name, views.len());
        views.push(TaskView { state: TaskState::Starting, counts: String::new(), pos: 0, len: 1 });
    }
    for (i, (t, js)) in tasks.iter().zip(&of_task).enumerate() {
        if !js.is_empty() {
            continue;
        }
        let mut up_failed: BTreeSet<String> = BTreeSet::new();
        let mut pending = Vec::new();
        for u in &t.after {
            match by_name.get(u.as_str()).map(|&k| &views[k].state) {
                Some(TaskState::Succeeded) => {}
                Some(TaskState::Failed { .. }) => {
                    up_failed.insert(u.clone());
                }
                Some(TaskState::NotStarted(_)) => {
                    up_failed.extend(culprits.get(u.as_str()).into_iter().flatten().cloned())
                }
                _ => pending.push(u.clone()),
            }
        }
        let state = if !up_failed.is_empty() {
            let names: Vec<String> = up_failed.iter().cloned().collect();
            culprits.insert(&t.name, names.clone());
            TaskState::NotStarted(format!("upstream {} failed", names.join(", ")))
        } else if !failed.is_empty() {
            TaskState::NotStarted(format!("the runner starts no task after {} failed", failed.join(", ")))
        } else if *runner != End::Running {
            TaskState::NotStarted("the runner ended".into())
        } else if pending.is_empty() {
            TaskState::Starting
        } else {
            TaskState::Waiting(pending)
        };
        views[i].state = state;
    }
    views
}

/// `2/4 tasks succeeded, 1 running, 1 failed, 1 not started`
pub fn summary(views: &[TaskView]) -> String {
    let count = |f: fn(&TaskState) -> bool| views.iter().filter(|v| f(&v.state)).count();
    let mut text = format!("{}/{} tasks succeeded", count(|s| *s == TaskState::Succeeded), views.len());
    for (n, what) in [
        (count(|s| *s == TaskState::Running), "running"),
        (count(|s| matches!(s, TaskState::Failed { .. })), "failed"),
        (count(|s| matches!(s, TaskState::NotStarted(_))), "not started"),
    ] {
        if n > 0 {
            text.push_str(&format!(", {n} {what}"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn job(task: &str, role: Option<&str>, completions: u64, succeeded: u64, active: u64, cond: Option<&str>) -> Value {
        let mut labels = json!({"pipec.dev/pipeline": "p", "pipec.dev/run": "0000000a", "pipec.dev/task": task});
        if let Some(r) = role {
            labels["pipec.dev/role"] = json!(r);
        }
        let name = match role {
            Some(r) => format!("p-0000000a-{task}-{r}"),
            None => format!("p-0000000a-{task}"),
        };
        let conditions: Vec<Value> = cond
            .into_iter()
            .map(|c| json!({"type": c, "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}))
            .collect();
        json!({
            "metadata": {"name": name, "labels": labels},
            "spec": {"completions": completions},
            "status": {"succeeded": succeeded, "active": active, "conditions": conditions},
        })
    }

    const DIAMOND: &str = "a -\nb a\nc a\nd b,c\n";

    fn lines(views: &[TaskView]) -> Vec<String> {
        views.iter().map(TaskView::line).collect()
    }

    #[test]
    fn both_forms_of_the_task_list() {
        let tasks = parse_tasks("prep -\ntrain prep worker,ps worker\neval train - -\n");
        assert_eq!(
            tasks,
            [
                Task { name: "prep".into(), after: vec![], roles: vec![], decide: vec![] },
                Task {
                    name: "train".into(),
                    after: vec!["prep".into()],
                    roles: vec!["worker".into(), "ps".into()],
                    decide: vec!["worker".into()]
                },
                Task { name: "eval".into(), after: vec!["train".into()], roles: vec![], decide: vec![] },
            ]
        );
        assert_eq!(run_id("00000000-0000-4000-8000-00000000002a"), "0000002a");
        assert_eq!(run_id("6f1c2a4e-9b0d-4c55-8e21-d3b47a90c1f8"), "7a90c1f8");
    }

    #[test]
    fn a_diamond_waits_then_runs_in_graph_order() {
        let tasks = parse_tasks(DIAMOND);
        assert_eq!(
            lines(&task_views(&tasks, &[], &End::Running)),
            ["starting (its upstream tasks succeeded)", "waiting for a", "waiting for a", "waiting for b, c"]
        );
        let jobs = [job("a", None, 1, 1, 0, Some("Complete")), job("b", None, 1, 0, 1, None)];
        assert_eq!(
            lines(&task_views(&tasks, &jobs, &End::Running)),
            [
                "succeeded: 1/1 succeeded, 0 failed, 0 running",
                "running: 0/1 succeeded, 0 failed, 1 running",
                "starting (its upstream tasks succeeded)",
                "waiting for b, c"
            ]
        );
    }

    #[test]
    fn a_failure_stops_what_comes_after() {
        let tasks = parse_tasks("a -\nb a\nc a\nd b,c\ne d\nf a\n");
        let jobs = [
            job("a", None, 1, 1, 0, Some("Complete")),
            job("b", None, 1, 0, 0, Some("FailureTarget")),
            job("c", None, 1, 1, 0, Some("Complete")),
        ];
        let views = task_views(&tasks, &jobs, &End::Running);
        assert_eq!(
            lines(&views)[1..],
            [
                "failed: BackoffLimitExceeded: Job has reached the specified backoff limit",
                "succeeded: 1/1 succeeded, 0 failed, 0 running",
                "not started: upstream b failed",
                "not started: upstream b failed",
                "not started: the runner starts no task after b failed",
            ]
        );
        assert_eq!(
            views[1].state,
            TaskState::Failed { job: "p-0000000a-b".into(), reason: views[1].line()[8..].into() }
        );
        assert_eq!(summary(&views), "2/6 tasks succeeded, 1 failed, 3 not started");
    }

    #[test]
    fn a_fan_out_task_is_one_line() {
        let tasks = parse_tasks("train - worker,ps worker\n");
        let running = [job("train", Some("worker"), 4, 3, 1, None), job("train", Some("ps"), 2, 0, 2, None)];
        let views = task_views(&tasks, &running, &End::Running);
        assert_eq!(lines(&views), ["running: worker 3/4 succeeded, ps 0/2 succeeded; 0 failed, 3 running"]);
        assert_eq!((views[0].pos, views[0].len), (3, 4), "only the deciding role counts");
        // The workers decide: the parameter servers are stopped (or gone) when they complete.
        let done = [job("train", Some("worker"), 4, 4, 0, Some("Complete")), job("train", Some("ps"), 2, 0, 2, None)];
        assert_eq!(task_views(&tasks, &done, &End::Running)[0].state, TaskState::Succeeded);
        let gone = [job("train", Some("worker"), 4, 4, 0, Some("Complete"))];
        assert_eq!(
            lines(&task_views(&tasks, &gone, &End::Running)),
            ["succeeded: worker 4/4 succeeded, ps stopped; 0 failed, 0 running"]
        );
        let failed = [job("train", Some("worker"), 4, 1, 0, Some("Failed")), job("train", Some("ps"), 2, 0, 2, None)];
        assert_eq!(
            lines(&task_views(&tasks, &failed, &End::Running)),
            ["failed: worker: BackoffLimitExceeded: Job has reached the specified backoff limit"]
        );
        let failed = task_views(&tasks, &failed[..1], &End::Running);
        assert_eq!(failed[0].counts, "worker 1/4 succeeded, ps stopped; 0 failed, 0 running");
        // A role that decides and has no Job yet: not created (the runner makes them together).
        assert_eq!(
            task_views(&tasks, &running[1..], &End::Running)[0].counts,
            "worker (no Job), ps 0/2 succeeded; 0 failed, 2 running"
        );
        // Without `decide`, every role's Job must complete.
        let all = parse_tasks("train - worker,ps -\n");
        assert_eq!(task_views(&all, &done, &End::Running)[0].state, TaskState::Running);
    }

    #[test]
    fn a_runner_that_ended_starts_nothing_more() {
        let tasks = parse_tasks("a -\nb a\n");
        let views = task_views(&tasks, &[job("a", None, 1, 1, 0, Some("Complete"))], &End::Failed("x".into()));
        assert_eq!(lines(&views)[1], "not started: the runner ended");
    }
}
