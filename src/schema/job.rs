//! Keys of a Job (also written in a `cron`, for its job template).

use super::*;

pub const COMPLETION_MODES: Choices = &[("non-indexed", "NonIndexed"), ("indexed", "Indexed")];
pub const POD_REPLACEMENT_POLICIES: Choices = &[("terminating-or-failed", "TerminatingOrFailed"), ("failed", "Failed")];

keys! {
    COMPLETIONS = key("completions", JOB | CRON, Shape::Int { min: 0, max: I32_MAX }, ("JobSpec", &["completions"]),
        "Successful pods needed to finish the Job.");
    PARALLELISM = key("parallelism", JOB | CRON, Shape::Int { min: 0, max: I32_MAX }, ("JobSpec", &["parallelism"]),
        "Pods running at the same time.");
    RETRIES = key("retries", JOB | CRON, Shape::Int { min: 0, max: I32_MAX }, ("JobSpec", &["backoffLimit"]),
        "Failed pods tolerated before the Job fails (Kubernetes default 6).");
    DEADLINE = key("deadline", JOB | CRON, Shape::Seconds { min: 1 }, ("JobSpec", &["activeDeadlineSeconds"]),
        "Time limit for the whole Job; wins over `retries`.");
    TTL = key("ttl", JOB | CRON, Shape::Seconds { min: 0 }, ("JobSpec", &["ttlSecondsAfterFinished"]),
        "Delete the finished Job after this long.");
    COMPLETION_MODE = key("completion-mode", JOB | CRON, Shape::Choice(COMPLETION_MODES), ("JobSpec", &["completionMode"]),
        "`indexed` gives each pod an index (`JOB_COMPLETION_INDEX`).").gated(21, 22, 24);
    SUSPEND = key("suspend", JOB | CRON, Shape::Bool, ("JobSpec", &["suspend"]),
        "Create suspended (in a `cron`: `CronJobSpec.suspend`, stop scheduling).");
    RETRIES_PER_INDEX = key("retries-per-index", JOB | CRON, Shape::Int { min: 0, max: I32_MAX }, ("JobSpec", &["backoffLimitPerIndex"]),
        "Indexed Jobs: failures tolerated per index.").gated(28, 29, 33);
    MAX_FAILED_INDEXES = key("max-failed-indexes", JOB | CRON, Shape::Int { min: 0, max: I32_MAX }, ("JobSpec", &["maxFailedIndexes"]),
        "Indexed Jobs with `retries-per-index`: failed indexes tolerated before the Job fails.").gated(28, 29, 33);
    FAILURE_POLICY = key("failure-policy", JOB | CRON, Shape::Records(FAILURE_RULE), ("JobSpec", &["podFailurePolicy"]),
        "What a pod failure means: fail the Job or index, ignore it, or count it.")
        .takes("list of `{ action, exit-codes | exit-codes-except | condition, … }`").gated(25, 26, 31);
    SUCCESS_POLICY = key("success-policy", JOB | CRON, Shape::Records(SUCCESS_RULE), ("JobSpec", &["successPolicy"]),
        "Indexed Jobs: when the Job counts as succeeded early.").takes("list of `{ indexes, count }`").gated(30, 31, 33);
    POD_REPLACEMENT = key("pod-replacement", JOB | CRON, Shape::Choice(POD_REPLACEMENT_POLICIES), ("JobSpec", &["podReplacementPolicy"]),
        "When a replacement pod is created.").gated(28, 29, 34);
    MANAGED_BY = key("managed-by", JOB | CRON, Shape::Str, ("JobSpec", &["managedBy"]),
        "A controller other than the built-in one reconciles the Job.").gated(30, 32, 35);
}
