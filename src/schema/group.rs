//! Keys of a `group` (roles that find each other: Indexed Jobs and a headless
//! Service, or a JobSet) and of its `role` blocks. A role's pod keys are the
//! workload pod keys (`WORKLOAD` includes `GROUP_ROLE`); these are the keys of
//! the group around them.

use super::*;

pub const FRAMEWORKS: Choices = &[("none", "none"), ("tensorflow", "tensorflow")];

keys! {
    GROUP_ROLE_BLOCK = key("role", GROUP, Shape::Labeled(GROUP_ROLE), ("JobSpec", &[]),
        "A role of the group: its pod (the pod keys of a `job`) and `replicas`; one Indexed Job (or replicated Job) each.")
        .takes("`role NAME { replicas = N … }`");
    GROUP_REPLICAS = key("replicas", GROUP_ROLE, Shape::Int { min: 0, max: 100_000 }, ("JobSpec", &["completions"]),
        "Members of the role, indexed 0 … N-1 (also `parallelism`: all run at once).");
    UNTIL_DONE = key("until-done", GROUP_ROLE, Shape::Bool, ("", &[]),
        "The role serves the others and never exits by itself (parameter servers): never counted for the group's success.");
    GROUP_PORT = key("port", GROUP, Shape::Int { min: 1, max: 65535 }, ("ServicePort", &["port"]),
        "The port every member listens on: in the peer addresses and the headless Service (TensorFlow default 2222).");
    FRAMEWORK = key("framework", GROUP, Shape::Choice(FRAMEWORKS), ("", &[]),
        "`tensorflow`: roles are TF task types (`chief`, `worker`, `ps`, `evaluator`) and every pod gets `TF_CONFIG`.");
    GROUP_SUCCESS = key("success", GROUP, Shape::Special("`all`, or the name of a role"), ("", &[]),
        "Which role's success is the group's: `all` counted roles (default), or one role (TensorFlow: `chief`, else `worker`).");
    GROUP_SUCCESS_INDEXES = key("success-indexes", GROUP, Shape::Str, ("JobSpec", &["successPolicy", "rules", "succeededIndexes"]),
        "The members of the deciding role whose success is enough (`\"0\"`); the others are then stopped.").gated(30, 31, 33);
    GROUP_RETRIES = key("retries-per-index", GROUP, Shape::Int { min: 0, max: I32_MAX }, ("JobSpec", &["backoffLimitPerIndex"]),
        "Failures tolerated per member; one more fails its role's Job at once (`maxFailedIndexes: 0`).").gated(28, 29, 33);
    GROUP_FAILURE_POLICY = key("failure-policy", GROUP, Shape::Records(FAILURE_RULE), ("JobSpec", &["podFailurePolicy"]),
        "What a member's failure means, for every role's Job (needs `restart = never` in every role).")
        .takes("list of `{ action, exit-codes | exit-codes-except | condition, … }`").gated(25, 26, 31);
    GROUP_DEADLINE = key("deadline", GROUP, Shape::Seconds { min: 1 }, ("JobSpec", &["activeDeadlineSeconds"]),
        "Time limit of every role's Job: it also stops members that never exit.");
    GROUP_TTL = key("ttl", GROUP, Shape::Seconds { min: 0 }, ("JobSpec", &["ttlSecondsAfterFinished"]),
        "Delete the finished Jobs (the JobSet) after this long.");
    GROUP_RESTARTS = key("restarts", GROUP, Shape::Int { min: 0, max: I32_MAX }, ("JobSet", &["failurePolicy", "maxRestarts"]),
        "`--target jobset` only: times the whole group is recreated after a member fails.");
}
