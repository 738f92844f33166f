//! Keys of a `config` (a ConfigMap) and a `secret` (a reference to a Secret that
//! exists in the cluster: its values never belong in the program).

use super::*;

keys! {
    DATA = key("data", CONFIG, Shape::Special("map of strings or `file(\"path\")`"), ("ConfigMap", &["data"]),
        "The ConfigMap's entries; `file` reads a file relative to the program.");
    IMMUTABLE = key("immutable", CONFIG, Shape::Bool, ("ConfigMap", &["immutable"]), "Forbid changes after creation.");
    SECRET_KEYS = key("keys", SECRET, Shape::StrList, ("", &[]),
        "The keys the Secret holds; `secret(name, key)` must name one.");
}
