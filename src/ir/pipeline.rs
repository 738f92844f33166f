//! A checked `pipeline`: its tasks (each a Job), the edges between them, and how a run is
//! started and bounded. Plain data, so that lowering (and a graph drawing) reads it as it is.

use super::{CronSchedule, Group, JobSpec, Meta, Pod};
use crate::kinds::Kind;
use crate::source::Span;

/// In a task's objects on the Kubernetes target, the run's id: the runner fills it in when it
/// creates them (`<pipeline>-@RUN@-<task>`).
pub const RUN_PLACEHOLDER: &str = "@RUN@";
/// On Argo, what tells runs apart: the Workflow's name, which Argo fills in.
pub const ARGO_RUN: &str = "{{workflow.name}}";
/// On Argo, the step of a fan-out task's DAG that creates its headless Service (beside a step per role).
pub const ARGO_SERVICE_STEP: &str = "service";

#[derive(Debug, Clone)]
pub struct Pipeline {
    pub meta: Meta,
    /// The pipeline's own object: the runner `Job` or its `CronJob`; on Argo, the `Workflow` or `CronWorkflow`.
    pub own: Kind,
    /// In the order written.
    pub tasks: Vec<Task>,
    /// `(from, to)`, indexes into `tasks`: `to` starts only after `from` succeeded.
    /// Sorted, without duplicates; the checker proved the graph acyclic.
    pub edges: Vec<(usize, usize)>,
    /// The whole run's deadline, in seconds.
    pub deadline_seconds: Option<i64>,
    /// A finished run (its runner, and through ownerReferences every task Job) is deleted after this long.
    pub ttl_seconds: i32,
    /// The runner's image (Kubernetes target).
    pub runner_image: String,
    pub schedule: Option<CronSchedule>,
}

#[derive(Debug, Clone)]
pub struct Task {
    /// The task's name (its Job is `<pipeline>-<run id>-<name>`).
    pub name: String,
    pub span: Span,
    pub work: Work,
}

/// What a task runs.
#[derive(Debug, Clone)]
pub enum Work {
    /// One Job (on Argo, one pod), with its own `labels` and `annotations` (its name is made per run).
    Job { meta: Meta, spec: JobSpec, pod: Box<Pod> },
    /// A fan-out task (`role` blocks): a group made per run, its Service and role Jobs named
    /// `<pipeline>-<run id>-<task>[-<role>]` (on Argo, pods named after the Workflow). The task
    /// has succeeded when the roles that decide have ([`super::GroupRole::decides`]); the
    /// others are stopped then.
    Group(Group),
}

impl Pipeline {
    pub fn k8s_kind(&self) -> Kind {
        self.own
    }

    /// The tasks `task` waits for, in index order.
    pub fn upstream(&self, task: usize) -> impl Iterator<Item = usize> + '_ {
        self.edges.iter().filter(move |(_, to)| *to == task).map(|(from, _)| *from)
    }

    /// Task indexes in an order where every task comes after all it waits for (Kahn's
    /// algorithm, the lowest index first among the ready ones, so the order is stable).
    pub fn topological_order(&self) -> Vec<usize> {
        let n = self.tasks.len();
        let mut waiting: Vec<usize> = (0..n).map(|t| self.upstream(t).count()).collect();
        let mut done = vec![false; n];
        let mut order = Vec::with_capacity(n);
        while let Some(next) = (0..n).find(|&t| !done[t] && waiting[t] == 0) {
            done[next] = true;
            order.push(next);
            for &(from, to) in &self.edges {
                if from == next {
                    waiting[to] -= 1;
                }
            }
        }
        order
    }
}
