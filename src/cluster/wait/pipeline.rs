//! `--wait` for a pipeline on the Kubernetes target: its runner Job (named
//! after the pipeline, labelled `pipec.dev/pipeline`) and the task Jobs of its
//! run, one line (or bar) per task in the graph order of the ConfigMap
//! `<pipeline>-tasks` (`data.tasks`). The runner Job is the pipeline's end:
//! Complete is success, Failed is failure (exit 3 of the runner: a task
//! failed). The task Jobs of every followed pipeline in a namespace are read
//! with one list per poll (selector `pipec.dev/run`).

use super::tasks::{
    PIPELINE_LABEL, RUN_LABEL, Task, TaskState, TaskView, label, parse_tasks, run_id, summary, task_views,
};
use super::{End, failed_job_pod, job_end, last_log_lines};
use crate::cluster::connect::Connection;
use crate::cluster::plan::{self, Desired};
use crate::cluster::retry::{Retries, retry};
use crate::kinds::Kind;
use indicatif::ProgressBar;
use kube::api::ListParams;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A pipeline being followed: its runner Job and its tasks.
pub struct Followed<'a> {
    pub d: &'a Desired,
    pub tasks: Vec<Task>,
    /// The run id, once the runner Job was seen.
    run: Option<String>,
    views: Vec<TaskView>,
    /// The line last shown per task.
    shown: Vec<String>,
    pub end: End,
    runner: Value,
    /// The pipeline's bar, then one per task (on a terminal).
    pub bars: Vec<ProgressBar>,
}

/// The unscheduled pipelines among `desired` (a runner Job and its `<p>-tasks` ConfigMap), and
/// a line for each scheduled one, which is not waited for.
pub fn find(desired: &[Desired]) -> (Vec<Followed<'_>>, Vec<String>) {
    let mut followed = Vec::new();
    let mut skipped = Vec::new();
    for d in desired {
        if d.value["metadata"]["labels"][PIPELINE_LABEL].as_str() != Some(d.name.as_str()) {
            continue;
        }
        match d.kind {
            Kind::Job => {
                let config = desired.iter().find(|c| {
                    c.kind == Kind::ConfigMap && c.namespace == d.namespace && c.name == format!("{}-tasks", d.name)
                });
                let Some(tasks) = config.and_then(|c| c.value["data"]["tasks"].as_str()) else { continue };
                let tasks = parse_tasks(tasks);
                followed.push(Followed {
                    d,
                    shown: vec![String::new(); tasks.len()],
                    views: Vec::new(),
                    tasks,
                    run: None,
                    end: End::Running,
                    runner: Value::Null,
                    bars: Vec::new(),
                });
            }
            Kind::CronJob | Kind::CronWorkflow => skipped.push(format!(
                "pipec: --wait: pipeline {}/{} is scheduled (a {} starts its runs): not waited for",
                d.namespace.as_deref().unwrap_or(""),
                d.name,
                d.kind.as_str()
            )),
            _ => {}
        }
    }
    (followed, skipped)
}

/// The task Jobs of every followed pipeline, by namespace: one list per namespace.
pub async fn task_jobs(
    conn: &Connection,
    retries: &Retries,
    pipelines: &[Followed<'_>],
) -> Result<BTreeMap<String, Vec<Value>>, kube::Error> {
    let mut names: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for p in pipelines.iter().filter(|p| p.end == End::Running) {
        names.entry(p.d.namespace.clone().unwrap_or_default()).or_default().insert(&p.d.name);
    }
    let mut out = BTreeMap::new();
    for (ns, names) in names {
        let api = plan::api(&conn.client, Kind::Job, Some(&ns));
        let selector = format!("{PIPELINE_LABEL} in ({}),{RUN_LABEL}", names.into_iter().collect::<Vec<_>>().join(","));
        let params = ListParams::default().labels(&selector);
        let list = retry(retries, || api.list(&params)).await?;
        let items = list.items.iter().map(|j| serde_json::to_value(j).unwrap_or(Value::Null)).collect();
        out.insert(ns, items);
    }
    Ok(out)
}

impl Followed<'_> {
    /// `pipeline qa/nightly`
    pub fn what(&self) -> String {
        format!("pipeline {}/{}", self.d.namespace.as_deref().unwrap_or(""), self.d.name)
    }

    /// A poll: the live runner Job (`None`: gone) and the task Jobs of its namespace.
    pub fn update(&mut self, runner: Option<&Value>, jobs: &[Value], terminal: bool) {
        let Some(runner) = runner else {
            self.end = End::Failed("the runner Job was deleted while pipec waited".into());
            return;
        };
        self.runner = runner.clone();
        let run = run_id(runner["metadata"]["uid"].as_str().unwrap_or(""));
        if self.run.as_deref() != Some(run.as_str()) && !terminal {
            eprintln!("wait: {}: run {run}, {} tasks", self.what(), self.tasks.len());
        }
        self.run = Some(run.clone());
        self.end = job_end(runner);
        let ours: Vec<Value> = jobs
            .iter()
            .filter(|j| label(j, PIPELINE_LABEL) == Some(self.d.name.as_str()) && label(j, RUN_LABEL) == Some(&run))
            .cloned()
            .collect();
        self.views = task_views(&self.tasks, &ours, &self.end);
        for (i, (task, view)) in self.tasks.iter().zip(&self.views).enumerate() {
            let line = view.line();
            if line != self.shown[i] {
                if !terminal {
                    eprintln!("wait: {}: {}: {line}", self.what(), task.name);
                }
                self.shown[i] = line;
            }
        }
        if let Some((head, rest)) = self.bars.split_first() {
            let done = self.views.iter().filter(|v| v.state == TaskState::Succeeded).count() as u64;
            head.set_length(self.tasks.len().max(1) as u64);
            head.set_position(done);
            head.set_message(summary(&self.views));
            for (bar, (view, line)) in rest.iter().zip(self.views.iter().zip(&self.shown)) {
                bar.set_length(view.len.max(1));
                bar.set_position(if view.state == TaskState::Succeeded { view.len.max(1) } else { view.pos });
                bar.set_message(line.clone());
            }
        }
    }

    /// The end state: the pipeline's line on stdout, then one per task in graph order; a failed
    /// task's pod (its reason) and last log lines, or the runner's when no task failed.
    pub async fn report(&self, conn: &Connection, retries: &Retries, timed_out: &str) {
        let ns = self.d.namespace.as_deref().unwrap_or("");
        let run = self.run.as_ref().map(|r| format!(" (run {r})")).unwrap_or_default();
        let failed: Vec<&str> = self
            .tasks
            .iter()
            .zip(&self.views)
            .filter(|(_, v)| matches!(v.state, TaskState::Failed { .. }))
            .map(|(t, _)| t.name.as_str())
            .collect();
        let summary = summary(&self.views);
        match &self.end {
            End::Done => println!("{:<10} {}{run}: {summary}", "succeeded", self.what()),
            End::Running => println!("{:<10} {}{run}: {summary} {timed_out}", "timed out", self.what()),
            End::Failed(_) if !failed.is_empty() => {
                let which = if failed.len() == 1 { "task" } else { "tasks" };
                println!("{:<10} {}{run}: {which} {} failed ({summary})", "failed", self.what(), failed.join(", "));
            }
            End::Failed(reason) => {
                println!("{:<10} {}{run}: the runner failed: {reason}", "failed", self.what());
                if self.runner != Value::Null {
                    explain_job(conn, retries, ns, &self.d.name, "           ").await;
                }
            }
        }
        let width = self.tasks.iter().map(|t| t.name.len()).max().unwrap_or(0);
        let indent = " ".repeat(13 + width + 2);
        for (task, view) in self.tasks.iter().zip(&self.views) {
            println!("             {:<width$}  {}", task.name, view.line());
            if let TaskState::Failed { job, .. } = &view.state {
                explain_job(conn, retries, ns, job, &indent).await;
            }
        }
    }
}

/// A failed Job's last failed pod (phase, containers' reasons) and its last log lines.
async fn explain_job(conn: &Connection, retries: &Retries, ns: &str, job: &str, indent: &str) {
    let Some((pod, line)) = failed_job_pod(conn, retries, ns, job).await else { return };
    println!("{indent}{line}");
    let lines = last_log_lines(conn, retries, ns, &pod).await;
    if !lines.is_empty() {
        println!("{indent}last log lines of pod {ns}/{pod}:");
        for l in lines {
            println!("{indent}  | {l}");
        }
    }
}
