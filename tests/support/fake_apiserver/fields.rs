//! Field sets, as server-side apply tracks them: every leaf of an object is a
//! path of map keys; a list is one leaf (atomic, as `+listType=atomic` — finer
//! than the API server for associative lists, which is enough to see who owns
//! what and to find conflicts). Rendered as `fieldsV1` (`f:spec: {f:parallelism: {}}`).

use serde_json::{Map, Value};
use std::collections::BTreeSet;

pub type Path = Vec<String>;
pub type FieldSet = BTreeSet<Path>;

/// The paths an applied configuration sets: its leaves, less what identifies
/// the object or the server owns.
pub fn applied(object: &Value) -> FieldSet {
    let mut out = FieldSet::new();
    leaves(object, &mut Vec::new(), &mut out);
    out.retain(|p| !server_owned(p));
    out
}

fn server_owned(path: &[String]) -> bool {
    match path.first().map(String::as_str) {
        Some("apiVersion" | "kind" | "status") => true,
        Some("metadata") => matches!(
            path.get(1).map(String::as_str),
            Some(
                "name"
                    | "namespace"
                    | "generateName"
                    | "uid"
                    | "resourceVersion"
                    | "generation"
                    | "creationTimestamp"
                    | "managedFields"
                    | "deletionTimestamp"
                    | "selfLink"
            )
        ),
        _ => false,
    }
}

fn leaves(value: &Value, prefix: &mut Path, out: &mut FieldSet) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                prefix.push(k.clone());
                leaves(v, prefix, out);
                prefix.pop();
            }
        }
        // A null in an applied configuration means "not set".
        Value::Null => {}
        _ if prefix.is_empty() => {}
        _ => {
            out.insert(prefix.clone());
        }
    }
}

/// The paths whose values differ between two objects (for updates: what the writer now owns).
pub fn changed(old: &Value, new: &Value) -> FieldSet {
    let mut all = FieldSet::new();
    leaves(new, &mut Vec::new(), &mut all);
    all.retain(|p| !server_owned(p) && get(old, p) != get(new, p));
    all
}

/// One path is a prefix of the other (they name the same field or one inside the other).
pub fn overlap(a: &[String], b: &[String]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

pub fn get<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut at = value;
    for key in path {
        at = at.as_object()?.get(key)?;
    }
    Some(at)
}

pub fn set(value: &mut Value, path: &[String], leaf: Value) {
    let mut at = value;
    for key in &path[..path.len() - 1] {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        at =
            at.as_object_mut().expect("made an object").entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
    }
    if !at.is_object() {
        *at = Value::Object(Map::new());
    }
    at.as_object_mut().expect("made an object").insert(path[path.len() - 1].clone(), leaf);
}

/// Removes the field at `path`, and the maps it leaves empty (below the top level).
pub fn remove(value: &mut Value, path: &[String]) {
    fn go(at: &mut Value, path: &[String], depth: usize) -> bool {
        let Some(map) = at.as_object_mut() else { return false };
        if path.len() == 1 {
            map.remove(&path[0]);
        } else if let Some(child) = map.get_mut(&path[0])
            && go(child, &path[1..], depth + 1)
        {
            map.remove(&path[0]);
        }
        depth > 0 && map.is_empty()
    }
    if !path.is_empty() {
        go(value, path, 0);
    }
}

/// `.spec.template.spec.containers`, as the API server names a field in a conflict.
pub fn dotted(path: &[String]) -> String {
    path.iter().map(|k| format!(".{k}")).collect()
}

/// The `fieldsV1` form of a set.
pub fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Value::Object(Map::new());
    for path in set {
        let keyed: Path = path.iter().map(|k| format!("f:{k}")).collect();
        if get(&root, &keyed).is_none() {
            set_fields(&mut root, &keyed);
        }
    }
    root
}

fn set_fields(root: &mut Value, keyed: &[String]) {
    let mut at = root;
    for key in keyed {
        at = at
            .as_object_mut()
            .expect("fieldsV1 nodes are maps")
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// JSON merge patch (RFC 7386), also used for strategic merge patches (lists replace).
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            let t = target.as_object_mut().expect("made an object");
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        _ => *target = patch.clone(),
    }
}
