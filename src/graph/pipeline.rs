//! Pipelines in the graph: a cluster per pipeline with a node per task, the `after` edges
//! ("then"), the runner (or the Argo Workflow) linked to the tasks it starts first, the
//! critical path marked and the pipeline's peak stated.
//!
//! The edges come from the checked pipeline (the IR: on both targets the same graph); a
//! task's pods and requests from its Job as lowered, so they are what would run.

use super::footprint::Footprint;
use super::model::{self, Edge, EdgeKind, Graph, Node, NodeKind};
use crate::ir;
use crate::kinds::Kind;
use crate::lower::K8sObject;
use crate::units::Duration;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// What the renderers need of one pipeline beyond its nodes.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub name: String,
    /// The cluster's label, line by line.
    pub lines: Vec<String>,
    /// The node ids of the critical path, first task first.
    pub critical: Vec<String>,
}

impl Cluster {
    /// Whether `edge` is a step of this pipeline's critical path.
    pub fn is_critical(&self, edge: &Edge) -> bool {
        edge.kind == EdgeKind::Then && self.critical.windows(2).any(|w| w[0] == edge.from && w[1] == edge.to)
    }
}

/// Whether `edge` is on a critical path of `graph`.
pub fn critical_edge(graph: &Graph, edge: &Edge) -> bool {
    graph.pipelines.iter().any(|c| c.is_critical(edge))
}

/// Whether the node `id` is on a critical path of `graph`.
pub fn critical_node(graph: &Graph, id: &str) -> bool {
    graph.pipelines.iter().any(|c| c.critical.iter().any(|n| n == id))
}

/// The longest chain of a pipeline, by the sum of its tasks' deadlines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriticalPath {
    /// Task indexes, first task first.
    pub tasks: Vec<usize>,
    /// The sum of the deadlines known on it.
    pub seconds: u64,
    /// Its tasks without a deadline (the pipeline has none either).
    pub unknown: usize,
}

/// The critical path of a task graph: `weights[t]` is task `t`'s deadline (None: unknown),
/// `edges` are `(from, to)` and acyclic. A longer path has the larger sum of known
/// deadlines; at equal sums, more tasks without a deadline; at equal both, the path that
/// comes first in the order the tasks are written (compared task by task). Empty for no tasks.
pub fn critical_path(weights: &[Option<u64>], edges: &[(usize, usize)]) -> CriticalPath {
    let n = weights.len();
    // The best path starting at each task, filled from the last tasks back.
    let mut best: Vec<Option<CriticalPath>> = vec![None; n];
    let longer = |a: &CriticalPath, b: &CriticalPath| (a.seconds, a.unknown) > (b.seconds, b.unknown);
    for t in topological(n, edges).into_iter().rev() {
        let mut next: Option<&CriticalPath> = None;
        let mut successors: Vec<usize> = edges.iter().filter(|(f, _)| *f == t).map(|(_, to)| *to).collect();
        successors.sort_unstable();
        for s in successors {
            let Some(candidate) = best[s].as_ref() else { continue };
            // Ascending, and only a strictly longer path replaces: the first written wins ties.
            if next.is_none_or(|b| longer(candidate, b)) {
                next = Some(candidate);
            }
        }
        let mut path = CriticalPath { tasks: vec![t], seconds: weights[t].unwrap_or(0), unknown: 0 };
        path.unknown = usize::from(weights[t].is_none());
        if let Some(next) = next {
            path.tasks.extend(&next.tasks);
            path.seconds += next.seconds;
            path.unknown += next.unknown;
        }
        best[t] = Some(path);
    }
    let mut result: Option<CriticalPath> = None;
    for path in best.into_iter().flatten() {
        if result.as_ref().is_none_or(|r| longer(&path, r)) {
            result = Some(path);
        }
    }
    result.unwrap_or(CriticalPath { tasks: Vec::new(), seconds: 0, unknown: 0 })
}

/// Kahn's order, the lowest index first among the ready tasks (tasks on a cycle are left out).
fn topological(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut waiting: Vec<usize> = (0..n).map(|t| edges.iter().filter(|(_, to)| *to == t).count()).collect();
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while let Some(next) = (0..n).find(|&t| !done[t] && waiting[t] == 0) {
        done[next] = true;
        order.push(next);
        for &(from, to) in edges {
            if from == next {
                waiting[to] -= 1;
            }
        }
    }
    order
}

/// At most this many sets of tasks are tried for the peak; past it, the sum of all tasks.
const PEAK_BUDGET: usize = 100_000;

/// The pipeline's peak: for pods and for each resource, the largest sum over the sets of
/// tasks that can run at once (no task of the set after another, directly or not). Each
/// figure may come from a different set. Exact, unless there are more than [`PEAK_BUDGET`]
/// such sets: then the sum of all tasks, an upper bound (`exact` false).
pub fn peak(peaks: &[(i64, Footprint)], edges: &[(usize, usize)]) -> (i64, Footprint, bool) {
    let n = peaks.len();
    if n > 127 {
        return everything(peaks);
    }
    // Each task's descendants and ancestors, as bit sets.
    let mut below = vec![0u128; n];
    for t in topological(n, edges).into_iter().rev() {
        for &(from, to) in edges.iter().filter(|(f, _)| *f == t) {
            below[from] |= below[to] | (1u128 << to);
        }
    }
    let mut related = below.clone();
    for (t, set) in below.iter().enumerate() {
        for (u, r) in related.iter_mut().enumerate() {
            if set & (1u128 << u) != 0 {
                *r |= 1u128 << t;
            }
        }
    }
    let mut search = Search { peaks, related: &related, tried: 0, pods: 0, footprint: Footprint::default() };
    if !search.from(0, 0, 0, Footprint::default()) {
        return everything(peaks);
    }
    (search.pods, search.footprint, true)
}

fn everything(peaks: &[(i64, Footprint)]) -> (i64, Footprint, bool) {
    let mut footprint = Footprint::default();
    for (_, f) in peaks {
        footprint.add(f);
    }
    (peaks.iter().map(|(p, _)| p).sum(), footprint, false)
}

struct Search<'a> {
    peaks: &'a [(i64, Footprint)],
    related: &'a [u128],
    tried: usize,
    pods: i64,
    footprint: Footprint,
}

impl Search<'_> {
    /// Every set that adds tasks from `next` on to `chosen`; false when over the budget.
    fn from(&mut self, next: usize, chosen: u128, pods: i64, footprint: Footprint) -> bool {
        self.tried += 1;
        if self.tried > PEAK_BUDGET {
            return false;
        }
        self.pods = self.pods.max(pods);
        for (name, amount) in &footprint.0 {
            let mine = self.footprint.0.entry(name.clone()).or_default();
            *mine = (*mine).max(*amount);
        }
        for t in next..self.peaks.len() {
            if chosen & self.related[t] != 0 {
                continue;
            }
            let mut more = footprint.clone();
            more.add(&self.peaks[t].1);
            if !self.from(t + 1, chosen | (1u128 << t), pods + self.peaks[t].0, more) {
                return false;
            }
        }
        true
    }
}

/// Adds `p`'s cluster, its task nodes and their edges to `graph`, and its peak to the program's.
pub fn add(graph: &mut Graph, p: &ir::Pipeline) {
    let index = graph.pipelines.len();
    let name = &p.meta.name;
    let ids: Vec<String> = p.tasks.iter().map(|t| format!("pipeline/{name}/{}", t.name)).collect();
    let mut peaks = Vec::new();
    for (task, id) in p.tasks.iter().zip(&ids) {
        let (mut lines, task_peak, group, timing) = match &task.work {
            ir::Work::Job { spec, pod, .. } => {
                let (lines, pods, peak) = job_lines(&task.name, spec, pod);
                let retries = spec.backoff_limit.filter(|r| *r > 0).map(|n| retries_line(n, ""));
                (lines, (pods, peak), None, (spec.active_deadline_seconds, retries))
            }
            ir::Work::Group(g) => {
                let (line, peak, group) = fan_out(graph, index, id, &task.name, g);
                let spec = g.roles.first().map(|r| &r.spec);
                let retries = spec
                    .and_then(|s| s.backoff_limit_per_index)
                    .filter(|r| *r > 0)
                    .map(|n| retries_line(n, " per member"));
                (vec![line], peak, Some(group), (spec.and_then(|s| s.active_deadline_seconds), retries))
            }
        };
        let mut line = match timing.0 {
            Some(s) => format!("deadline {}", duration(s)),
            None => "no deadline".to_string(),
        };
        if let Some(retries) = timing.1 {
            line.push_str(&format!(" · {retries}"));
        }
        lines.push(line);
        peaks.push(task_peak);
        graph.nodes.push(Node {
            id: id.clone(),
            kind: NodeKind::Task,
            title: format!("task {}", task.name),
            lines,
            group,
            external: false,
            pipeline: Some(index),
        });
    }
    for &(from, to) in &p.edges {
        graph.edges.push(Edge {
            from: ids[from].clone(),
            to: ids[to].clone(),
            kind: EdgeKind::Then,
            note: String::new(),
        });
    }
    let runner = runner(graph, p);
    for (t, id) in ids.iter().enumerate() {
        if p.upstream(t).next().is_none() {
            graph.edges.push(Edge {
                from: runner.clone(),
                to: id.clone(),
                kind: EdgeKind::Starts,
                note: String::new(),
            });
        }
    }

    let weights: Vec<Option<u64>> = p
        .tasks
        .iter()
        .map(|t| {
            let own = match &t.work {
                ir::Work::Job { spec, .. } => spec.active_deadline_seconds,
                ir::Work::Group(g) => g.roles.iter().filter_map(|r| r.spec.active_deadline_seconds).max(),
            };
            own.or(p.deadline_seconds).map(|s| u64::try_from(s).unwrap_or(0))
        })
        .collect();
    let path = critical_path(&weights, &p.edges);
    let (pods, footprint, exact) = peak(&peaks, &p.edges);
    graph.pods += pods;
    graph.footprint.add(&footprint);

    let tasks = p.tasks.len();
    let mut head = format!("pipeline {name} · {tasks} task{}", if tasks == 1 { "" } else { "s" });
    if let Some(d) = p.deadline_seconds {
        head.push_str(&format!(" · deadline {}", duration(d)));
    }
    let mut lines = vec![head];
    if !path.tasks.is_empty() {
        let chain: Vec<&str> = path.tasks.iter().map(|&t| p.tasks[t].name.as_str()).collect();
        let total = match (path.seconds, path.unknown) {
            (s, 0) => Duration(s).to_string(),
            (0, u) => format!("{u} task{} without a deadline", if u == 1 { "" } else { "s" }),
            (s, u) => format!("{} + {u} task{} without a deadline", Duration(s), if u == 1 { "" } else { "s" }),
        };
        let mut line = format!("critical path {}: {total}", chain.join(" → "));
        if p.deadline_seconds.is_some_and(|d| u64::try_from(d).unwrap_or(0) < path.seconds) {
            line.push_str(" (the run's deadline ends it first)");
        }
        lines.push(line);
    }
    let mut peak_line = format!("{} {pods} pod{} at once", if exact { "peak" } else { "at most" }, plural(pods));
    if !footprint.is_empty() {
        peak_line.push_str(&format!(" · {}", footprint.describe()));
    }
    lines.push(peak_line);
    let critical = path.tasks.iter().map(|&t| ids[t].clone()).collect();
    graph.pipelines.push(Cluster { name: name.clone(), lines, critical });
}

/// A Job's pods as the graph counts them: its lines, peak pods and peak requests.
fn job_lines(name: &str, spec: &ir::JobSpec, pod: &ir::Pod) -> (Vec<String>, i64, Footprint) {
    let job = batch::Job {
        metadata: ObjectMeta { name: Some(name.to_string()), ..Default::default() },
        spec: Some(crate::lower::task_job_spec(spec, pod)),
        ..Default::default()
    };
    let object = K8sObject::Job(Box::new(job));
    let Some(w) = model::workload(&object) else { return (Vec::new(), 0, Footprint::default()) };
    let mut lines = vec![w.count_line.clone()];
    let pods = w.peak_pods.unwrap_or(1);
    let each = w.template.spec.as_ref().map(Footprint::of_pod).unwrap_or_default();
    if !each.is_empty() {
        lines.push(format!("each {}", each.describe()));
    }
    (lines, pods, each.times(pods))
}

/// A fan-out task's roles: a group cluster inside the pipeline's, holding the task's node and
/// a node per role (which the task creates). Returns the task's line, its peak and the group.
fn fan_out(
    graph: &mut Graph,
    pipeline: usize,
    id: &str,
    task: &str,
    g: &ir::Group,
) -> (String, (i64, Footprint), usize) {
    let group = graph.groups.len();
    let mut total = (0, Footprint::default());
    for role in &g.roles {
        let (mut lines, pods, peak) = job_lines(&role.name, &role.spec, &role.pod);
        if pods > 1 && !peak.is_empty() {
            lines.push(format!("peak {}", peak.describe()));
        }
        if !role.decides {
            lines.push("stopped when the task succeeds".to_string());
        }
        total.0 += pods;
        total.1.add(&peak);
        let role_id = format!("{id}/{}", role.name);
        graph.nodes.push(Node {
            id: role_id.clone(),
            kind: NodeKind::Task,
            title: format!("role {}", role.name),
            lines,
            group: Some(group),
            external: false,
            pipeline: Some(pipeline),
        });
        graph.edges.push(Edge { from: id.to_string(), to: role_id, kind: EdgeKind::Creates, note: String::new() });
    }
    graph.groups.push(model::Group {
        name: task.to_string(),
        pods: total.0,
        footprint: total.1.clone(),
        pipeline: Some(pipeline),
    });
    let roles = g.roles.len();
    let line =
        format!("fan-out: {roles} role{}, {} pod{}", if roles == 1 { "" } else { "s" }, total.0, plural(total.0));
    (line, total, group)
}

fn retries_line(n: i32, what: &str) -> String {
    format!("{n} retr{}{what}", if n == 1 { "y" } else { "ies" })
}

fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn duration(seconds: i64) -> Duration {
    Duration(u64::try_from(seconds).unwrap_or(0))
}

/// The node of what starts the tasks: the runner Job or CronJob the lowering made (already a
/// node), or on Argo a node for the Workflow or CronWorkflow (the controller runs it).
fn runner(graph: &mut Graph, p: &ir::Pipeline) -> String {
    let name = &p.meta.name;
    let (id, title, line) = match p.own {
        Kind::CronJob => return format!("cronjob/{name}"),
        Kind::Workflow => (format!("workflow/{name}"), format!("Workflow {name}"), "run by Argo Workflows".to_string()),
        Kind::CronWorkflow => (
            format!("cronworkflow/{name}"),
            format!("CronWorkflow {name}"),
            match &p.schedule {
                Some(s) => format!("schedule {}, run by Argo Workflows", s.schedule),
                None => "run by Argo Workflows".to_string(),
            },
        ),
        _ => return format!("job/{name}"),
    };
    if !graph.nodes.iter().any(|n| n.id == id) {
        model::add_node(graph, id.clone(), NodeKind::Workload, title, false).lines.push(line);
    }
    // Its pods (the tasks') run as the Workflow's account, which the lowering made.
    let account = format!("serviceaccount/{name}-workflow");
    if graph.nodes.iter().any(|n| n.id == account) {
        graph.edges.push(Edge { from: id.clone(), to: account, kind: EdgeKind::RunsAs, note: String::new() });
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: u64 = 3600;

    #[test]
    fn the_critical_path_sums_deadlines_and_the_first_written_wins_a_tie() {
        // The diamond a → b, a → c, b → d, c → d with b and c equally long: b is written first.
        let edges = [(0, 1), (0, 2), (1, 3), (2, 3)];
        let path = critical_path(&[Some(H), Some(2 * H), Some(2 * H), Some(H)], &edges);
        assert_eq!(path, CriticalPath { tasks: vec![0, 1, 3], seconds: 4 * H, unknown: 0 });
        // c longer: through c.
        let path = critical_path(&[Some(H), Some(2 * H), Some(3 * H), Some(H)], &edges);
        assert_eq!(path.tasks, vec![0, 2, 3]);
        // Two separate chains of equal length: the one whose first task is written first.
        let path = critical_path(&[Some(H), Some(H), Some(H), Some(H)], &[(2, 3), (0, 1)]);
        assert_eq!(path.tasks, vec![0, 1]);
    }

    #[test]
    fn a_task_without_a_deadline_counts_only_after_the_known_sum() {
        // b has no deadline: a → c (2h known) beats a → b (1h + unknown); at equal known sums,
        // the path with a task of unknown length is the longer.
        let edges = [(0, 1), (0, 2)];
        let path = critical_path(&[Some(H), None, Some(H)], &edges);
        assert_eq!(path, CriticalPath { tasks: vec![0, 2], seconds: 2 * H, unknown: 0 });
        let path = critical_path(&[Some(H), Some(0), None], &edges);
        assert_eq!(path, CriticalPath { tasks: vec![0, 2], seconds: H, unknown: 1 });
        let path = critical_path(&[None, None], &[]);
        assert_eq!(path, CriticalPath { tasks: vec![0], seconds: 0, unknown: 1 });
        assert!(critical_path(&[], &[]).tasks.is_empty());
    }

    #[test]
    fn the_peak_is_the_widest_set_of_tasks_that_can_run_at_once() {
        let cpu = |n: i128| Footprint([("cpu".to_string(), n * 1_000_000_000)].into());
        // a → b → d, a → c → d: b and c at once (3 + 4 pods), never a with anything.
        let peaks = [(5, cpu(1)), (3, cpu(8)), (4, cpu(2)), (1, cpu(1))];
        let (pods, footprint, exact) = peak(&peaks, &[(0, 1), (0, 2), (1, 3), (2, 3)]);
        assert_eq!((pods, footprint.describe().as_str(), exact), (7, "cpu 10", true));
        // A chain a → b → c: one task at a time, b is the largest; c is not beside a.
        let (pods, footprint, _) = peak(&peaks[..3], &[(0, 1), (1, 2)]);
        assert_eq!((pods, footprint.describe().as_str()), (5, "cpu 8"));
        // Unrelated tasks all at once.
        assert_eq!(peak(&peaks, &[]).0, 13);
    }
}
