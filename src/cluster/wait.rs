//! `--wait`: after the apply, follow each workload to its end — a Job to
//! Complete or Failed (succeeded and failed of its completions), a Deployment
//! or DaemonSet until rolled out (updated and ready of desired), or failed
//! (progress deadline exceeded, a pod crash-looping or unable to pull its
//! image). Progress bars on a terminal, a line per change otherwise (CI
//! logs); then the end state of each, with the reason and the last log lines
//! of a failed pod. The workloads are read with one list per kind and
//! namespace every poll, however many there are. A pipeline's runner Job is
//! followed as the pipeline, task by task ([`pipeline`], [`tasks`]); an Argo
//! Workflow by its phase and pod nodes ([`argo`]).

mod argo;
mod pipeline;
mod tasks;

use super::connect::Connection;
use super::plan::{self, Desired};
use super::retry::{Retries, retry};
use crate::kinds::Kind;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::{ListParams, LogParams};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

const POLL: Duration = Duration::from_millis(250);
/// Waiting reasons of a container that will not get better by waiting.
const STUCK: [&str; 6] = [
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
    "InvalidImageName",
    "CreateContainerError",
];

#[derive(Clone, Debug, PartialEq)]
enum End {
    Running,
    Done,
    Failed(String),
}

struct Tracked<'a> {
    d: &'a Desired,
    /// `3/10 succeeded, 1 failed`
    line: String,
    pos: u64,
    len: u64,
    end: End,
    object: Value,
    bar: Option<ProgressBar>,
    /// A pod that explains a failure.
    pod: Option<String>,
}

fn int(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// A Job's end from its conditions: `Complete`, `Failed` (with its reason and message), or neither yet.
fn job_end(object: &Value) -> End {
    if condition(object, "Complete").is_some_and(|c| c["status"] == "True") {
        End::Done
    } else if let Some(c) = condition(object, "Failed").filter(|c| c["status"] == "True") {
        End::Failed(format!("{}: {}", c["reason"].as_str().unwrap_or("Failed"), c["message"].as_str().unwrap_or("")))
    } else {
        End::Running
    }
}

fn condition<'v>(object: &'v Value, kind: &str) -> Option<&'v Value> {
    object["status"]["conditions"].as_array()?.iter().find(|c| c["type"] == kind)
}

/// Progress of one workload from its live object.
fn progress(kind: Kind, object: &Value) -> (u64, u64, String, End) {
    let status = &object["status"];
    let observed = object["metadata"]["generation"]
        .as_i64()
        .is_none_or(|g| status["observedGeneration"].as_i64().is_some_and(|o| o >= g));
    match kind {
        Kind::Job => {
            let total = object["spec"]["completions"].as_u64().unwrap_or(1);
            let (succeeded, failed, active) =
                (int(&status["succeeded"]), int(&status["failed"]), int(&status["active"]));
            let line = format!("{succeeded}/{total} succeeded, {failed} failed, {active} running");
            (succeeded, total, line, job_end(object))
        }
        Kind::Deployment => {
            let desired = object["spec"]["replicas"].as_u64().unwrap_or(1);
            let (updated, ready, available, replicas) = (
                int(&status["updatedReplicas"]),
                int(&status["readyReplicas"]),
                int(&status["availableReplicas"]),
                int(&status["replicas"]),
            );
            let line = format!("{updated}/{desired} updated, {ready}/{desired} ready");
            let end = if let Some(c) =
                condition(object, "Progressing").filter(|c| c["reason"] == "ProgressDeadlineExceeded")
            {
                End::Failed(format!("ProgressDeadlineExceeded: {}", c["message"].as_str().unwrap_or("")))
            } else if observed && updated == desired && available == desired && replicas <= desired {
                End::Done
            } else {
                End::Running
            };
            (ready.min(desired), desired, line, end)
        }
        Kind::Workflow => argo::progress(object),
        _ => {
            let desired = int(&status["desiredNumberScheduled"]);
            let (updated, ready, available) =
                (int(&status["updatedNumberScheduled"]), int(&status["numberReady"]), int(&status["numberAvailable"]));
            let line = format!("{updated}/{desired} updated, {ready}/{desired} ready");
            let seen = !status.is_null() && status.get("observedGeneration").is_some();
            let end =
                if seen && observed && updated == desired && available == desired { End::Done } else { End::Running };
            (ready.min(desired), desired, line, end)
        }
    }
}

fn bar_style(width: usize) -> ProgressStyle {
    let template = format!("{{prefix:<{width}.bold}} [{{bar:30}}] {{msg}}");
    ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> ")
}

pub async fn wait(conn: &Connection, desired: &[Desired], timeout: Duration) -> u8 {
    let (mut pipelines, skipped) = pipeline::find(desired);
    for line in skipped {
        eprintln!("{line}");
    }
    let runners: BTreeSet<plan::Key> = pipelines.iter().map(|p| p.d.key()).collect();
    let mut tracked: Vec<Tracked> = desired
        .iter()
        .filter(|d| matches!(d.kind, Kind::Job | Kind::Deployment | Kind::DaemonSet | Kind::Workflow))
        .filter(|d| !runners.contains(&d.key()))
        .map(|d| Tracked {
            d,
            line: "waiting".into(),
            pos: 0,
            len: 1,
            end: End::Running,
            object: Value::Null,
            bar: None,
            pod: None,
        })
        .collect();
    if tracked.is_empty() && pipelines.is_empty() {
        eprintln!(
            "pipec: --wait: nothing to wait for (no Job, Deployment, DaemonSet, Workflow or unscheduled pipeline)"
        );
        return 0;
    }
    let terminal = std::io::stderr().is_terminal();
    let bars = MultiProgress::with_draw_target(if terminal {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    if terminal {
        // The names in one column, so the bars line up; a pipeline's tasks under it, indented.
        let names = tracked.iter().map(|t| t.d.what()).chain(pipelines.iter().map(|p| p.what()));
        let tasks = pipelines.iter().flat_map(|p| p.tasks.iter().map(|t| t.name.len() + 2));
        let style = bar_style(names.map(|n| n.len()).chain(tasks).max().unwrap_or(0));
        for t in &mut tracked {
            t.bar = Some(bars.add(ProgressBar::new(1).with_style(style.clone()).with_prefix(t.d.what())));
        }
        for p in &mut pipelines {
            p.bars.push(bars.add(ProgressBar::new(1).with_style(style.clone()).with_prefix(p.what())));
            for t in &p.tasks {
                let prefix = format!("  {}", t.name);
                p.bars.push(bars.add(ProgressBar::new(1).with_style(style.clone()).with_prefix(prefix)));
            }
        }
    }
    let retries = Retries::default();
    let followed = || tracked.iter().map(|t| t.d).chain(pipelines.iter().map(|p| p.d));
    let groups: BTreeSet<(Kind, Option<String>)> = followed().map(|d| (d.kind, d.namespace.clone())).collect();
    let programs: BTreeSet<String> = followed()
        .filter_map(|d| d.value["metadata"]["labels"][crate::lower::PROGRAM_LABEL].as_str().map(str::to_string))
        .collect();
    let selector =
        format!("{} in ({})", crate::lower::PROGRAM_LABEL, programs.into_iter().collect::<Vec<_>>().join(","));
    let started = Instant::now();
    let deadline = started + timeout;
    let mut polls = 0u32;
    loop {
        polls += 1;
        let mut seen: BTreeMap<plan::Key, Value> = BTreeMap::new();
        for (kind, ns) in &groups {
            let api = plan::api(&conn.client, *kind, ns.as_deref());
            let params = ListParams::default().labels(&selector);
            match retry(&retries, || api.list(&params)).await {
                Ok(list) => {
                    for item in list.items {
                        let key = (
                            *kind,
                            item.metadata.namespace.clone().unwrap_or_default(),
                            item.metadata.name.clone().unwrap_or_default(),
                        );
                        seen.insert(key, serde_json::to_value(&item).unwrap_or(Value::Null));
                    }
                }
                Err(e) => {
                    bars.clear().ok();
                    eprintln!(
                        "pipec: --wait: cannot read {}: {}",
                        plan::qualified(*kind),
                        super::connect::one_line(&e)
                    );
                    return 1;
                }
            }
        }
        for t in tracked.iter_mut().filter(|t| t.end == End::Running) {
            let Some(object) = seen.get(&t.d.key()) else {
                t.end = End::Failed("it was deleted while pipec waited".into());
                continue;
            };
            let (pos, len, line, end) = progress(t.d.kind, object);
            t.object = object.clone();
            t.end = end;
            if line != t.line || (pos, len) != (t.pos, t.len) {
                if !terminal {
                    eprintln!("wait: {}: {line}", t.d.what());
                }
                (t.pos, t.len, t.line) = (pos, len, line);
            }
            if let Some(bar) = &t.bar {
                bar.set_length(len.max(1));
                bar.set_position(pos);
                bar.set_message(t.line.clone());
            }
        }
        if pipelines.iter().any(|p| p.end == End::Running) {
            match pipeline::task_jobs(conn, &retries, &pipelines).await {
                Ok(jobs) => {
                    for p in pipelines.iter_mut().filter(|p| p.end == End::Running) {
                        let ns = p.d.namespace.clone().unwrap_or_default();
                        p.update(seen.get(&p.d.key()), jobs.get(&ns).map_or(&[], Vec::as_slice), terminal);
                    }
                }
                Err(e) => {
                    bars.clear().ok();
                    eprintln!("pipec: --wait: cannot read the pipelines' task Jobs: {}", super::connect::one_line(&e));
                    return 1;
                }
            }
        }
        // A rollout that is not done after a second: is a pod stuck?
        if polls >= 4 {
            for t in
                tracked.iter_mut().filter(|t| t.end == End::Running && !matches!(t.d.kind, Kind::Job | Kind::Workflow))
            {
                if let Some((pod, reason)) = stuck_pod(conn, &retries, t).await {
                    t.end = End::Failed(reason);
                    t.pod = Some(pod);
                }
            }
        }
        if tracked.iter().all(|t| t.end != End::Running) && pipelines.iter().all(|p| p.end != End::Running) {
            break;
        }
        if Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(POLL).await;
    }
    for bar in tracked.iter().filter_map(|t| t.bar.as_ref()).chain(pipelines.iter().flat_map(|p| &p.bars)) {
        bar.finish_and_clear();
    }
    bars.clear().ok();
    report(conn, &retries, (&mut tracked, &pipelines), timeout, started.elapsed()).await
}

/// The first pod of a Deployment or DaemonSet stuck in a waiting state that waiting will not fix.
async fn stuck_pod(conn: &Connection, retries: &Retries, t: &Tracked<'_>) -> Option<(String, String)> {
    let labels = t.object["spec"]["selector"]["matchLabels"].as_object()?;
    let selector: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect();
    let ns = t.d.namespace.as_deref()?;
    let pods: Api<Pod> = Api::namespaced(conn.client.clone(), ns);
    let params = ListParams::default().labels(&selector.join(","));
    let list = retry(retries, || pods.list(&params)).await.ok()?;
    for pod in list.items {
        for c in pod.status.iter().flat_map(|s| s.container_statuses.iter().flatten()) {
            let Some(waiting) = c.state.as_ref().and_then(|s| s.waiting.as_ref()) else { continue };
            let reason = waiting.reason.clone().unwrap_or_default();
            if STUCK.contains(&reason.as_str()) {
                let name = pod.metadata.name.clone().unwrap_or_default();
                let last = c.last_state.as_ref().and_then(|s| s.terminated.as_ref()).map(|t| {
                    format!(", last exit: {} (exit code {})", t.reason.clone().unwrap_or_default(), t.exit_code)
                });
                return Some((
                    name.clone(),
                    format!(
                        "pod {ns}/{name}: container {} is {reason} (restarted {} times{})",
                        c.name,
                        c.restart_count,
                        last.unwrap_or_default()
                    ),
                ));
            }
        }
    }
    None
}

/// The failed pod of a Job that explains it best: the last to fail.
async fn failed_job_pod(conn: &Connection, retries: &Retries, ns: &str, job: &str) -> Option<(String, String)> {
    let pods: Api<Pod> = Api::namespaced(conn.client.clone(), ns);
    let params = ListParams::default().labels(&format!("job-name={job}"));
    let list = retry(retries, || pods.list(&params)).await.ok()?;
    let pod = list
        .items
        .into_iter()
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Failed"))
        .max_by_key(|p| p.metadata.creation_timestamp.clone().map(|t| t.0))?;
    let name = pod.metadata.name.clone().unwrap_or_default();
    let mut line = format!("pod {ns}/{name}: Failed");
    for c in pod.status.iter().flat_map(|s| s.container_statuses.iter().flatten()) {
        if let Some(term) = c.state.as_ref().and_then(|s| s.terminated.as_ref()) {
            line.push_str(&format!(
                "; container {}: {} (exit code {})",
                c.name,
                term.reason.clone().unwrap_or_default(),
                term.exit_code
            ));
        }
    }
    Some((name, line))
}

async fn last_log_lines(conn: &Connection, retries: &Retries, ns: &str, pod: &str) -> Vec<String> {
    let pods: Api<Pod> = Api::namespaced(conn.client.clone(), ns);
    let params = LogParams { tail_lines: Some(10), ..LogParams::default() };
    match retry(retries, || pods.logs(pod, &params)).await {
        Ok(text) => {
            let lines: Vec<String> = text.lines().map(str::to_string).collect();
            lines[lines.len().saturating_sub(10)..].to_vec()
        }
        Err(_) => Vec::new(),
    }
}

async fn report(
    conn: &Connection,
    retries: &Retries,
    (tracked, pipelines): (&mut [Tracked<'_>], &[pipeline::Followed<'_>]),
    timeout: Duration,
    took: Duration,
) -> u8 {
    let (mut ok, mut failed, mut waiting) = (0, 0, 0);
    for t in tracked.iter_mut() {
        match t.end.clone() {
            End::Done => {
                ok += 1;
                println!("{:<10} {}: {}", "succeeded", t.d.what(), t.line);
            }
            End::Running => {
                waiting += 1;
                println!("{:<10} {}: {} (still going after {})", "timed out", t.d.what(), t.line, human(timeout));
            }
            End::Failed(reason) => {
                failed += 1;
                println!("{:<10} {}: {reason}", "failed", t.d.what());
                if t.d.kind == Kind::Job
                    && let Some(ns) = t.d.namespace.as_deref()
                    && let Some((pod, line)) = failed_job_pod(conn, retries, ns, &t.d.name).await
                {
                    println!("           {line}");
                    t.pod = Some(pod);
                }
                for line in if t.d.kind == Kind::Workflow { argo::task_lines(&t.object) } else { Vec::new() } {
                    println!("           {line}");
                }
                if !matches!(t.d.kind, Kind::Job | Kind::Workflow)
                    && t.pod.is_none()
                    && let Some((pod, line)) = stuck_pod(conn, retries, t).await
                {
                    println!("           {line}");
                    t.pod = Some(pod);
                }
                if let (Some(pod), Some(ns)) = (&t.pod, t.d.namespace.as_deref()) {
                    let lines = last_log_lines(conn, retries, ns, pod).await;
                    if !lines.is_empty() {
                        println!("           last log lines of pod {ns}/{pod}:");
                        for l in lines {
                            println!("             | {l}");
                        }
                    }
                }
            }
        }
    }
    let still = format!("(still going after {})", human(timeout));
    for p in pipelines {
        p.report(conn, retries, &still).await;
        match p.end {
            End::Done => ok += 1,
            End::Running => waiting += 1,
            End::Failed(_) => failed += 1,
        }
    }
    eprintln!(
        "pipec: waited {:.1} s: {ok} succeeded, {failed} failed{}",
        took.as_secs_f64(),
        if waiting > 0 { format!(", {waiting} timed out (--timeout {})", human(timeout)) } else { String::new() }
    );
    if failed + waiting > 0 { 1 } else { 0 }
}

fn human(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, m, _) => format!("{h}h{m}m"),
    }
}
