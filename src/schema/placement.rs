//! Keys of tolerations, node affinity and its node terms.

use super::*;

pub const TOLERATION_OPERATORS: Choices = &[("exists", "Exists"), ("equal", "Equal")];
pub const TAINT_EFFECTS: Choices =
    &[("no-schedule", "NoSchedule"), ("prefer-no-schedule", "PreferNoSchedule"), ("no-execute", "NoExecute")];
pub const NODE_OPERATORS: Choices = &[
    ("in", "In"),
    ("not-in", "NotIn"),
    ("exists", "Exists"),
    ("does-not-exist", "DoesNotExist"),
    ("gt", "Gt"),
    ("lt", "Lt"),
];

keys! {
    TOLERATION_KEY = key("key", TOLERATION, Shape::Str, ("Toleration", &["key"]), "Taint key.");
    TOLERATION_OPERATOR = key("operator", TOLERATION, Shape::Choice(TOLERATION_OPERATORS), ("Toleration", &["operator"]),
        "How the key is matched.");
    TOLERATION_VALUE = key("value", TOLERATION, Shape::Str, ("Toleration", &["value"]), "Taint value (with `equal`).");
    EFFECT = key("effect", TOLERATION, Shape::Choice(TAINT_EFFECTS), ("Toleration", &["effect"]),
        "Which taint effect is tolerated (all if omitted).");
    TOLERATION_DURATION = key("duration", TOLERATION, Shape::Seconds { min: 0 }, ("Toleration", &["tolerationSeconds"]),
        "With `no-execute`: how long the pod stays after the taint appears.");
    REQUIRED = key("required", AFFINITY, Shape::Records(NODE_TERM),
        ("NodeAffinity", &["requiredDuringSchedulingIgnoredDuringExecution"]), "Every term must match.")
        .takes("list of node terms");
    REQUIRED_ANY = key("required-any", AFFINITY, Shape::Special("list of node terms, each a list of requirements"),
        ("NodeSelector", &["nodeSelectorTerms"]),
        "A node must match one of these terms (each: all of its requirements), and every `required` requirement too.");
    PREFERRED = key("preferred", AFFINITY, Shape::Records(NODE_TERM),
        ("NodeAffinity", &["preferredDuringSchedulingIgnoredDuringExecution"]), "Terms the scheduler tries to match.")
        .takes("list of node terms with `weight`");
    NODE_KEY = key("key", NODE_TERM, Shape::Str, ("NodeSelectorRequirement", &["key"]), "Node label key.");
    NODE_OPERATOR = key("operator", NODE_TERM, Shape::Choice(NODE_OPERATORS), ("NodeSelectorRequirement", &["operator"]),
        "How the label is matched.");
    NODE_VALUES = key("values", NODE_TERM, Shape::StrList, ("NodeSelectorRequirement", &["values"]), "Label values to match.");
    WEIGHT = key("weight", NODE_TERM, Shape::Int { min: 1, max: 100 }, ("PreferredSchedulingTerm", &["weight"]),
        "Weight of a preferred term.");
}
