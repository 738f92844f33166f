//! The task graph of a pipeline: every `after` names another task of it, no task is after
//! itself, no tasks wait for each other in a cycle (the diagnostic shows the whole cycle,
//! each edge at the `after` entry that makes it), no two tasks share a name, and the graph
//! fits the lowering's limits.

use super::Written;
use crate::check::Checker;
use crate::diag::{Code, Diagnostic, closest};
use crate::source::Span;

/// How large a graph a lowering takes (docs/pipelines.md, "Limits").
#[derive(Clone, Copy)]
pub(in crate::check) struct Limits {
    pub tasks: usize,
    /// Tasks that may run at once: those at the same distance from the first tasks.
    pub width: usize,
    /// The longest chain of tasks, each after the one before.
    pub depth: usize,
    pub lowering: &'static str,
    pub why: &'static str,
}

impl Limits {
    /// Every task's Job is kept in one ConfigMap (≤ 1 MiB); the runner creates a level's
    /// Jobs one `kubectl` call at a time, and waits one poll per level.
    pub const KUBERNETES: Limits = Limits {
        tasks: 100,
        width: 50,
        depth: 50,
        lowering: "the Kubernetes runner",
        why: "the task Jobs share one ConfigMap (at most 1 MiB) and the runner starts a level's Jobs one by one",
    };
    /// The Workflow holds every template and the status of every node in one object (etcd: 1.5 MiB).
    pub const ARGO: Limits = Limits {
        tasks: 100,
        width: 50,
        depth: 50,
        lowering: "Argo",
        why: "the Workflow keeps every template and each node's status in one object (at most 1.5 MiB in etcd)",
    };
}

/// The edges `(from, to)`, sorted, or `None` when the graph has an error (reported).
pub(super) fn edges(
    ck: &mut Checker,
    pipeline: Span,
    tasks: &[Written],
    limits: Limits,
) -> Option<Vec<(usize, usize)>> {
    let mut ok = true;
    // The first task of each name; a later one is reported and left out of the graph.
    let mut index: Vec<Option<usize>> = vec![None; tasks.len()];
    for (i, t) in tasks.iter().enumerate() {
        match tasks[..i].iter().position(|u| u.name == t.name) {
            Some(first) => {
                ck.report(
                    Diagnostic::error(Code::DuplicateTask, t.span, format!("two tasks named `{}`", t.name))
                        .label("second one")
                        .secondary(tasks[first].span, "first one")
                        .help("each task becomes a Job named after it: rename one"),
                );
                ok = false;
            }
            None => index[i] = Some(i),
        }
    }
    let mut edges: Vec<(usize, usize, Span)> = Vec::new();
    for (i, t) in tasks.iter().enumerate() {
        if index[i].is_none() {
            continue;
        }
        for (k, (dep, span)) in t.after.iter().enumerate() {
            if *dep == t.name {
                ck.report(
                    Diagnostic::error(Code::TaskAfterItself, *span, format!("task `{dep}` is after itself"))
                        .label("waits for its own success")
                        .secondary(t.span, "the task")
                        .help("a task cannot wait for itself: remove it from its own `after`"),
                );
                ok = false;
                continue;
            }
            if t.after[..k].iter().any(|(d, _)| d == dep) {
                ck.report(
                    Diagnostic::error(Code::DuplicateKey, *span, format!("`{dep}` is listed twice in `after`"))
                        .label("again")
                        .help("list each task once"),
                );
                ok = false;
                continue;
            }
            match tasks.iter().position(|u| u.name == *dep) {
                Some(j) => edges.push((j, i, *span)),
                None => {
                    let others = tasks.iter().filter(|u| u.name != t.name).map(|u| u.name.as_str());
                    let help = match closest(dep, others) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => format!(
                            "the tasks of this pipeline are: {}",
                            tasks.iter().map(|u| format!("`{}`", u.name)).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    ck.report(
                        Diagnostic::error(Code::UnknownTask, *span, format!("no task named `{dep}` in this pipeline"))
                            .label("unknown task")
                            .secondary(t.span, format!("`{}` would wait for it forever", t.name))
                            .help(help),
                    );
                    ok = false;
                }
            }
        }
    }
    if !cycles(ck, tasks, &edges) {
        return None;
    }
    ok &= fits(ck, pipeline, tasks, &edges, limits);
    let mut edges: Vec<(usize, usize)> = edges.into_iter().map(|(a, b, _)| (a, b)).collect();
    edges.sort_unstable();
    ok.then_some(edges)
}

/// Reports each cycle once (a depth-first search; a back edge closes a cycle, which is taken
/// from the path). `true` when there is none.
fn cycles(ck: &mut Checker, tasks: &[Written], edges: &[(usize, usize, Span)]) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let n = tasks.len();
    let mut mark = vec![Mark::New; n];
    let mut found = false;
    for root in 0..n {
        if mark[root] != Mark::New {
            continue;
        }
        // The path: (task, the index of the next outgoing edge to try), and the edge that led to each.
        let mut path: Vec<(usize, usize)> = vec![(root, 0)];
        let mut via: Vec<usize> = Vec::new();
        mark[root] = Mark::OnPath;
        while let Some(&mut (task, ref mut next)) = path.last_mut() {
            let out = edges.iter().enumerate().skip(*next).find(|(_, e)| e.0 == task);
            match out {
                Some((e, &(_, to, _))) => {
                    *next = e + 1;
                    match mark[to] {
                        Mark::New => {
                            mark[to] = Mark::OnPath;
                            path.push((to, 0));
                            via.push(e);
                        }
                        Mark::OnPath => {
                            // The cycle: from `to` along the path back to `task`, then this edge.
                            let start = path.iter().position(|(t, _)| *t == to).unwrap_or(0);
                            let mut cycle: Vec<usize> = via[start..].to_vec();
                            cycle.push(e);
                            report_cycle(ck, tasks, edges, &cycle);
                            found = true;
                        }
                        Mark::Done => {}
                    }
                }
                None => {
                    mark[task] = Mark::Done;
                    path.pop();
                    via.pop();
                }
            }
        }
    }
    !found
}

fn report_cycle(ck: &mut Checker, tasks: &[Written], edges: &[(usize, usize, Span)], cycle: &[usize]) {
    let Some(&first) = cycle.first() else { return };
    let mut names: Vec<&str> = cycle.iter().map(|&e| tasks[edges[e].0].name.as_str()).collect();
    names.push(&tasks[edges[first].0].name);
    let (_, to, span) = edges[first];
    let mut d = Diagnostic::error(Code::TaskCycle, span, format!("tasks wait for each other: {}", names.join(" → ")))
        .label(format!("`{}` waits for `{}`", tasks[to].name, tasks[edges[first].0].name));
    for &e in &cycle[1..] {
        let (from, to, span) = edges[e];
        d = d.secondary(span, format!("`{}` waits for `{}`", tasks[to].name, tasks[from].name));
    }
    ck.report(d.help(
        "a task starts only after those in its `after` have succeeded, so no task of a cycle ever starts: remove one of these entries",
    ));
}

/// The number of tasks, the widest level and the longest chain, against the lowering's limits
/// (the graph has no cycle here).
fn fits(ck: &mut Checker, pipeline: Span, tasks: &[Written], edges: &[(usize, usize, Span)], limits: Limits) -> bool {
    let n = tasks.len();
    let mut ok = true;
    let mut too_large = |what: String, at: Span| {
        ck.report(
            Diagnostic::error(Code::PipelineTooLarge, at, format!("{what} for {}", limits.lowering))
                .label("too large")
                .help(format!("{}: split the pipeline in two, the second scheduled after the first", limits.why)),
        );
        ok = false;
    };
    if n > limits.tasks {
        too_large(format!("{n} tasks are more than the {} a pipeline may have", limits.tasks), pipeline);
        return false;
    }
    // Level of a task: the longest chain of tasks before it (relaxed n times: no cycle, so it settles).
    let mut level = vec![0usize; n];
    for _ in 0..n {
        let mut changed = false;
        for &(from, to, _) in edges {
            if level[to] < level[from] + 1 {
                level[to] = level[from] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let depth = level.iter().max().map_or(0, |d| d + 1);
    if depth > limits.depth {
        let deepest = (0..n).max_by_key(|&t| level[t]).unwrap_or(0);
        too_large(format!("a chain of {depth} tasks is deeper than the {} allowed", limits.depth), tasks[deepest].span);
    }
    let mut counts = vec![0usize; depth.max(1)];
    for &l in &level {
        counts[l] += 1;
    }
    if let Some((widest, &count)) = counts.iter().enumerate().max_by_key(|(_, c)| **c)
        && count > limits.width
    {
        let first = (0..n).find(|&t| level[t] == widest).unwrap_or(0);
        too_large(
            format!("{count} tasks that may run at once are more than the {} allowed", limits.width),
            tasks[first].span,
        );
    }
    ok
}
