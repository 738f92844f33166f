//! Keys of a `pipeline` and of its tasks (a task also takes every key of a `job`). The
//! schedule keys are the `cron` rows (`cron.rs`), which list `PIPELINE` too.

use super::*;

keys! {
    TASK_BLOCK = key("task", PIPELINE, Shape::Labeled(JOB | TASK), ("", &[]),
        "A task: a Job of the graph, `task NAME { … }` or `task NAME = template(…) { … }`; with `role` blocks, a fan-out group made per run.")
        .takes("`task NAME { … }` or `task NAME = template(…) { … }`");
    PIPELINE_PARAMS = key("params", PIPELINE, Shape::Special("map of values"), ("", &[]),
        "Names every task (and its template's arguments) can use: `params = { day = \"2024-01-31\" }`.");
    PIPELINE_DEADLINE = key("deadline", PIPELINE, Shape::Seconds { min: 1 }, ("JobSpec", &["activeDeadlineSeconds"]),
        "Time limit for the whole run (the runner Job's deadline; Argo: `Workflow.spec.activeDeadlineSeconds`).");
    PIPELINE_TTL = key("ttl", PIPELINE, Shape::Seconds { min: 0 }, ("JobSpec", &["ttlSecondsAfterFinished"]),
        "Delete a finished run, with every task Job it owns, after this long (default 1d).");
    RUNNER_IMAGE = key("runner-image", PIPELINE, Shape::Str, ("Container", &["image"]),
        "The image of the runner (Kubernetes target): a shell and `kubectl`; default `registry.k8s.io/kubectl`, pinned.");
    AFTER = key("after", TASK, Shape::Special("list of task names"), ("", &[]),
        "The tasks that must succeed before this one starts: `after = [extract, clean]`.");
}
