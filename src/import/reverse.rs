//! The schema read backwards: a Kubernetes field → the key that writes it. Each row of
//! `src/schema/` names the Kubernetes type and path its key becomes; here the same rows
//! take their fields out of an object (`take`), so that what is left is what no key
//! writes, and goes to `raw`. The handful of keys whose value is not a plain field
//! (`env`, `mount`, `volume`, `ports`, `update`, …) are read by `pod.rs` and `objects.rs`,
//! each naming the row it stands for.

use super::pipe::{Entry, Expr};
use crate::schema::{self, Contexts, Key, Shape};
use crate::units::{Duration, Quantity};
use serde_json::{Map, Value};

/// Rows read by their own code (their field's layout is not the key's value), per key.
const OWN_CODE: &[&Key] = &[
    &schema::CONTAINER_NAME,
    &schema::CONTAINER_RESOURCES,
    &schema::AFFINITY_BLOCK,
    &schema::IMAGE_PULL_SECRETS,
    &schema::SA_PULL_SECRETS,
    &schema::SYSCTLS,
    &schema::SUPPLEMENTAL_GROUPS,
    &schema::HTTP_HEADERS,
    &schema::FAILURE_POLICY,
    &schema::SUCCESS_POLICY,
    &schema::SELECTOR,
    &schema::DEPLOYMENT_SELECTOR,
    &schema::GENERATE_NAME,
    &schema::HEADLESS,
    &schema::SUSPEND,
    &schema::PORTS,
    &schema::SUBJECTS,
    &schema::SERVICE_PORTS,
    &schema::LIVENESS,
    &schema::READINESS,
    &schema::STARTUP,
    &schema::POST_START,
    &schema::PRE_STOP,
    &schema::POD_SECURITY_CONTEXT,
    &schema::BINDING_ROLE,
    &schema::BINDING_CLUSTER_ROLE,
    &schema::PROBE_HTTP,
    &schema::HOOK_HTTP,
];

fn own_code(row: &Key) -> bool {
    // Rows are consts (copied where named): compared by key and contexts, unique together.
    OWN_CODE.iter().any(|r| r.key == row.key && r.contexts == row.contexts)
}

/// The Kubernetes type the rows of a context start from (`SECURITY` → `SecurityContext`).
fn type_of(ctx: Contexts) -> Option<&'static str> {
    schema::all().find(|k| k.contexts & ctx != 0 && !k.k8s_type.is_empty()).map(|k| k.k8s_type)
}

/// The key of the language that writes a Kubernetes field, if one does: `kind`'s object
/// path (`spec.template.spec.containers[0].tty`) → `tty`. Read from the schema rows (the
/// same rows `rows` takes fields by); `None` is a field only `raw` can set.
pub fn key_for(kind: crate::kinds::Kind, path: &str) -> Option<&'static str> {
    let segs: Vec<&str> = path.split('.').map(|s| s.split('[').next().unwrap_or(s)).collect();
    let mut levels: Vec<(Vec<&str>, &str)> = super::diagnose::levels(kind)
        .iter()
        .map(|(p, t)| (p.split('.').map(|s| s.split('[').next().unwrap_or(s)).collect(), *t))
        .collect();
    levels.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    let found = levels.into_iter().find(|(p, _)| segs.starts_with(p));
    found.and_then(|(anchor, ty)| row_for(ty, &segs[anchor.len()..])).or_else(|| {
        // The object's own fields (a ConfigMap's `data`, a Role's `rules`) start at its kind.
        let own = if kind == crate::kinds::Kind::ClusterRole { "Role" } else { kind.as_str() };
        row_for(own, &segs)
    })
}

fn row_for(ty: &str, rest: &[&str]) -> Option<&'static str> {
    if rest.is_empty() {
        return None;
    }
    for row in schema::all().filter(|r| r.k8s_type == ty && !r.path.is_empty()) {
        if !rest.starts_with(row.path) {
            continue;
        }
        let after = &rest[row.path.len()..];
        if after.is_empty() {
            return Some(row.key);
        }
        match row.shape {
            Shape::Block(inner) | Shape::Records(inner) | Shape::Labeled(inner) => {
                if let Some(k) = type_of(inner).and_then(|t| row_for(t, after)) {
                    return Some(k);
                }
            }
            // A map's entries, a list's items, a value read by its own code: all the key's.
            Shape::StrMap | Shape::StrList | Shape::Special(_) | Shape::Quantity => return Some(row.key),
            _ => {}
        }
    }
    None
}

/// The value at `path` inside `map`, if every step is a map.
pub fn peek<'v>(map: &'v Map<String, Value>, path: &[&str]) -> Option<&'v Value> {
    let (first, rest) = path.split_first()?;
    let v = map.get(*first)?;
    if rest.is_empty() { Some(v) } else { peek(v.as_object()?, rest) }
}

/// Removes and returns the value at `path`.
pub fn take(map: &mut Map<String, Value>, path: &[&str]) -> Option<Value> {
    let (first, rest) = path.split_first()?;
    if rest.is_empty() {
        return map.remove(*first);
    }
    take(map.get_mut(*first)?.as_object_mut()?, rest)
}

/// `take` as the value's own map, for a block read key by key.
pub fn map_at<'v>(map: &'v mut Map<String, Value>, path: &[&str]) -> Option<&'v mut Map<String, Value>> {
    path.iter().try_fold(map, |m, seg| m.get_mut(*seg)?.as_object_mut())
}

/// The pipec word of a Kubernetes choice value (`Never` → `never`).
pub fn choice(choices: schema::Choices, value: &str) -> Option<&'static str> {
    choices.iter().find(|(_, k)| *k == value).map(|(w, _)| *w)
}

/// A plain field's value in the key's terms; `None` when it does not fit the shape (left to `raw`).
pub fn simple(shape: Shape, v: &Value) -> Option<Expr> {
    Some(match (shape, v) {
        (Shape::Int { .. }, Value::Number(n)) => Expr::Int(n.as_i64()?),
        (Shape::Seconds { .. }, Value::Number(n)) => Expr::Word(Duration(n.as_u64()?).to_string()),
        (Shape::Bool, Value::Bool(b)) => Expr::Word(b.to_string()),
        (Shape::Str, Value::String(s)) => Expr::Str(s.clone()),
        (Shape::StrList, Value::Array(items)) => {
            Expr::List(items.iter().map(|x| x.as_str().map(Expr::str)).collect::<Option<_>>()?)
        }
        (Shape::StrMap, Value::Object(m)) if !m.is_empty() => string_map(m)?,
        (Shape::Choice(choices), Value::String(s)) => Expr::word(choice(choices, s)?),
        (Shape::Quantity, v) => quantity(v)?,
        _ => return None,
    })
}

pub fn string_map(m: &Map<String, Value>) -> Option<Expr> {
    Some(Expr::Map(m.iter().map(|(k, x)| Some((k.clone(), Expr::str(x.as_str()?)))).collect::<Option<_>>()?))
}

/// `500m`, `2Gi` as written (a number for a plain count), if pipec reads it as a quantity.
pub fn quantity(v: &Value) -> Option<Expr> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Quantity::parse(&text).ok()?;
    // A plain `.5` is not a number token; `0.5` is.
    let text = if text.starts_with('.') { format!("0{text}") } else { text };
    text.starts_with(|c: char| c.is_ascii_digit()).then_some(Expr::Word(text))
}

/// Takes every field of `map` that a row of `ctx` starting at `k8s_type` writes, as
/// entries; what no row writes stays in `map`.
pub fn rows(map: &mut Map<String, Value>, k8s_type: &str, ctx: Contexts, out: &mut Vec<Entry>) {
    for row in schema::all() {
        if row.contexts & ctx == 0 || row.k8s_type != k8s_type || row.path.is_empty() || own_code(row) {
            continue;
        }
        if let Shape::Block(inner) = row.shape {
            // A block of its own rows: `security-context { run-as-user = 1000 }`.
            if let (Some(ty), Some(block)) = (type_of(inner), map_at(map, row.path)) {
                let mut entries = Vec::new();
                rows(block, ty, inner, &mut entries);
                if !entries.is_empty() {
                    out.push(Entry::Block(row.key.to_string(), entries));
                }
            }
            continue;
        }
        if let Some(e) = row_value(map, row) {
            out.push(Entry::Set(row.key.to_string(), e));
        }
    }
}

/// One row's value taken out of `map`: a plain field, a block of its own rows, or records.
fn row_value(map: &mut Map<String, Value>, row: &Key) -> Option<Expr> {
    let v = peek(map, row.path)?;
    match row.shape {
        Shape::Block(inner) => {
            let ty = type_of(inner)?;
            let block = map_at(map, row.path)?;
            let mut entries = Vec::new();
            rows(block, ty, inner, &mut entries);
            // Written as a map value: `http = { path: "/", port: 8080 }` reads as a block does.
            (!entries.is_empty()).then(|| Expr::Map(entries.into_iter().filter_map(entry_pair).collect()))
        }
        Shape::Records(inner) => {
            let ty = type_of(inner)?;
            let Value::Array(items) = v else { return None };
            let mut records = Vec::new();
            let mut taken = items.clone();
            for item in &mut taken {
                let record = item.as_object_mut()?;
                let mut entries = Vec::new();
                rows(record, ty, inner, &mut entries);
                // A record is written whole or not at all: its fields are one list item.
                if !record.values().all(is_empty) {
                    return None;
                }
                records.push(Expr::Map(entries.into_iter().filter_map(entry_pair).collect()));
            }
            take(map, row.path);
            Some(Expr::List(records))
        }
        Shape::Labeled(_) | Shape::Special(_) => None,
        shape => {
            let e = simple(shape, v)?;
            take(map, row.path);
            Some(e)
        }
    }
}

/// An entry as a map entry (a record's field; a nested block becomes a nested map).
pub fn entry_pair(e: Entry) -> Option<(String, Expr)> {
    match e {
        Entry::Set(k, v) => Some((k, v)),
        Entry::Block(k, inner) => Some((k, Expr::Map(inner.into_iter().filter_map(entry_pair).collect()))),
        _ => None,
    }
}

/// A value left with nothing in it (a map whose fields were all taken).
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.values().all(is_empty),
        _ => false,
    }
}

/// Any JSON value as a `.pipe` value (for `raw` and `data`).
pub fn any(v: &Value) -> Expr {
    match v {
        Value::Null => Expr::Map(Vec::new()),
        Value::Bool(b) => Expr::Word(b.to_string()),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Expr::Int(i),
            None => Expr::Word(n.to_string()),
        },
        Value::String(s) => Expr::Str(s.clone()),
        Value::Array(items) => Expr::List(items.iter().map(any).collect()),
        Value::Object(m) => Expr::Map(m.iter().map(|(k, x)| (k.clone(), any(x))).collect()),
    }
}

/// What is left of an object, as `raw` paths: maps are followed down to their fields, and
/// a list pipec writes itself (its items partly taken) by index; any other list is one value.
pub fn leftovers(rest: &Value, original: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    match rest {
        Value::Object(m) => {
            for (k, v) in m {
                // A map left empty (or written empty: `securityContext: {}`, which the API server
                // stores as no settings) sets nothing.
                if is_empty(v) {
                    continue;
                }
                leftovers(v, original.get(k).unwrap_or(&Value::Null), &join(at, k), out);
            }
        }
        Value::Array(items) if rest != original && items.iter().any(Value::is_object) => {
            for (i, v) in items.iter().enumerate() {
                if !is_empty(v) {
                    let o = original.get(i).unwrap_or(&Value::Null);
                    leftovers(v, o, &format!("{at}[{i}]"), out);
                }
            }
        }
        v => out.push((at.to_string(), v.clone())),
    }
}

fn join(at: &str, k: &str) -> String {
    if at.is_empty() { k.to_string() } else { format!("{at}.{k}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_take_their_fields_and_leave_the_rest() {
        let mut spec = json!({"backoffLimit": 4, "activeDeadlineSeconds": 604800, "completionMode": "Indexed", "x": 1});
        let mut out = Vec::new();
        rows(spec.as_object_mut().unwrap(), "JobSpec", schema::JOB, &mut out);
        assert!(out.contains(&Entry::Set("retries".into(), Expr::Int(4))));
        assert!(out.contains(&Entry::Set("deadline".into(), Expr::word("1w"))));
        assert!(out.contains(&Entry::Set("completion-mode".into(), Expr::word("indexed"))));
        assert_eq!(spec, json!({"x": 1}));
    }

    #[test]
    fn fields_lead_back_to_their_keys() {
        use crate::kinds::Kind;
        assert_eq!(key_for(Kind::Job, "spec.backoffLimit"), Some("retries"));
        assert_eq!(
            key_for(Kind::Job, "spec.template.spec.containers[0].securityContext.runAsUser"),
            Some("run-as-user")
        );
        assert_eq!(key_for(Kind::CronJob, "spec.jobTemplate.spec.template.spec.hostNetwork"), Some("host-network"));
        assert_eq!(key_for(Kind::DaemonSet, "metadata.labels"), Some("labels"));
        assert_eq!(key_for(Kind::ConfigMap, "data"), Some("data"));
        assert_eq!(
            key_for(Kind::DaemonSet, "spec.template.spec.containers[0].securityContext.seLinuxOptions.type"),
            Some("type")
        );
        assert_eq!(
            key_for(Kind::DaemonSet, "spec.template.spec.securityContext.seLinuxChangePolicy"),
            Some("selinux-change-policy")
        );
        assert_eq!(
            key_for(Kind::DaemonSet, "spec.template.spec.containers[0].securityContext.windowsOptions.runAsUserName"),
            None
        );
        assert_eq!(key_for(Kind::DaemonSet, "spec.revisionHistoryLimit"), None);
    }

    #[test]
    fn leftovers_follow_maps_and_lists_pipec_writes() {
        let original = json!({"spec": {"a": {"b": 1, "c": 2}, "list": [{"x": 1, "y": 2}], "other": [1, 2]}});
        let rest = json!({"spec": {"a": {"c": 2}, "list": [{"y": 2}], "other": [1, 2]}});
        let mut out = Vec::new();
        leftovers(&rest, &original, "", &mut out);
        let paths: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["spec.a.c", "spec.list[0].y", "spec.other"]);
    }
}
