//! Keys of the rules of a Job's `failure-policy` and `success-policy`.

use super::*;

pub const FAILURE_ACTIONS: Choices =
    &[("fail-job", "FailJob"), ("fail-index", "FailIndex"), ("ignore", "Ignore"), ("count", "Count")];
pub const CONDITION_STATUSES: Choices = &[("true", "True"), ("false", "False"), ("unknown", "Unknown")];

keys! {
    ACTION = key("action", FAILURE_RULE, Shape::Choice(FAILURE_ACTIONS), ("PodFailurePolicyRule", &["action"]),
        "What the matching failure does.");
    RULE_CONTAINER = key("container", FAILURE_RULE, Shape::Str, ("PodFailurePolicyRule", &["onExitCodes", "containerName"]),
        "Only exit codes of this container (a container of the pod).");
    EXIT_CODES = key("exit-codes", FAILURE_RULE, Shape::Special("list of ints 1–255"),
        ("PodFailurePolicyRule", &["onExitCodes", "values"]), "Matches these exit codes (operator `In`).");
    EXIT_CODES_EXCEPT = key("exit-codes-except", FAILURE_RULE, Shape::Special("list of ints 1–255"),
        ("PodFailurePolicyRule", &["onExitCodes", "values"]), "Matches any exit code but these and 0 (operator `NotIn`).");
    CONDITION = key("condition", FAILURE_RULE, Shape::Special("`disruption-target` or a condition type string"),
        ("PodFailurePolicyRule", &["onPodConditions", "type"]), "Matches pods with this condition.");
    STATUS = key("status", FAILURE_RULE, Shape::Choice(CONDITION_STATUSES), ("PodFailurePolicyRule", &["onPodConditions", "status"]),
        "The condition's status (default true).");
    INDEXES = key("indexes", SUCCESS_RULE, Shape::Str, ("SuccessPolicyRule", &["succeededIndexes"]),
        "These indexes must succeed.").takes("string, e.g. \"0-2,5\"");
    COUNT = key("count", SUCCESS_RULE, Shape::Int { min: 1, max: I32_MAX }, ("SuccessPolicyRule", &["succeededCount"]),
        "This many (of `indexes`, if given) must succeed.");
}
