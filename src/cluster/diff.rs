//! `pipec diff`: for each object, the live object against the result of a
//! server-side dry-run apply of it (what the server would store, defaults and
//! other managers' fields included), as a unified diff of YAML; with
//! `--prune`, the objects prune would delete. Exit 0 for no changes, 1 for
//! changes, 2 for an error, as `kubectl diff`. Secret values are masked.

use super::apply::{FIELD_MANAGER, doing};
use super::connect::connect_and_plan;
use super::live;
use super::plan::Desired;
use super::problem::{Problem, classify};
use super::retry::{Retries, retry};
use super::{CONCURRENCY, Program, Target};
use futures::StreamExt;
use kube::api::{Patch, PatchParams};
use serde_json::Value;
use std::collections::BTreeSet;

/// The object as compared and shown: no managed fields, no server bookkeeping, no status.
pub fn comparable(object: &Value) -> Value {
    let mut o = object.clone();
    if let Some(meta) = o["metadata"].as_object_mut() {
        for field in ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp", "selfLink"] {
            meta.remove(field);
        }
    }
    if let Some(map) = o.as_object_mut() {
        map.remove("status");
    }
    o
}

/// A Secret's values become `***`, and `*** (before)` / `*** (after)` where
/// they differ, so the diff says which key changed and never what it holds.
fn mask_secrets(old: &mut Value, new: &mut Value) {
    let secret = |o: &Value| o["kind"] == "Secret" && o["apiVersion"] == "v1";
    if !secret(old) && !secret(new) {
        return;
    }
    for field in ["data", "stringData"] {
        let before = old[field].clone();
        for (object, mark, other) in [(&mut *old, "before", &new[field].clone()), (&mut *new, "after", &before)] {
            if let Some(map) = object[field].as_object_mut() {
                for (k, v) in map.iter_mut() {
                    let same = other.get(k) == Some(&*v);
                    *v = Value::String(if same { "***".into() } else { format!("*** ({mark})") });
                }
            }
        }
    }
}

fn yaml(object: &Value) -> String {
    if object.is_null() {
        return String::new();
    }
    let mut out = String::new();
    match crate::emit::yaml::write_document(object, &mut out) {
        Ok(()) => out.strip_prefix("---\n").map(str::to_string).unwrap_or(out),
        Err(e) => format!("# cannot show as YAML: {}\n", e.0),
    }
}

fn unified(path: &str, old: &Value, new: &Value) -> String {
    let (mut old, mut new) = (old.clone(), new.clone());
    mask_secrets(&mut old, &mut new);
    let (old, new) = (yaml(&old), yaml(&new));
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("live/{path}"), &format!("pipec/{path}"))
        .to_string()
}

fn path(kind: crate::kinds::Kind, namespace: Option<&str>, name: &str) -> String {
    let kind = kind.as_str().to_ascii_lowercase();
    match namespace {
        Some(ns) if !ns.is_empty() => format!("{kind}/{ns}/{name}"),
        _ => format!("{kind}/{name}"),
    }
}

pub async fn run(target: &Target, programs: Vec<Program>, prune: bool, color: bool) -> u8 {
    let (conn, desired) = match connect_and_plan(target, &programs, 2).await {
        Ok(both) => both,
        Err(code) => return code,
    };
    let retries = Retries::default();
    let results: Vec<(usize, Result<LiveAndApplied, Problem>)> =
        futures::stream::iter(desired.iter().enumerate().map(|(i, d)| {
            let (conn, retries, desired) = (&conn, &retries, &desired);
            async move { (i, dry_run(conn, retries, d, desired).await) }
        }))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut results = results;
    results.sort_by_key(|(i, _)| *i);
    let mut diffs = Vec::new();
    let (mut changed, mut created, mut deleted) = (0, 0, 0);
    for (i, result) in results {
        let d = &desired[i];
        match result {
            Ok((live, after)) => {
                let (live, after) = (if live.is_null() { live } else { comparable(&live) }, comparable(&after));
                if live != after {
                    if live.is_null() {
                        created += 1
                    } else {
                        changed += 1
                    }
                    let p = path(d.kind, d.namespace.as_deref(), &d.name);
                    diffs.push((p.clone(), unified(&p, &live, &after)));
                }
            }
            Err(Problem::Fatal(m) | Problem::Object(m) | Problem::ImmutableTemplate(m)) => {
                eprintln!("pipec: {m}");
                return 2;
            }
        }
    }
    if prune {
        let kinds: BTreeSet<_> = crate::kinds::Kind::ALL.iter().copied().collect();
        let namespaces = live::namespaces(&desired, &conn.namespace);
        let live = match live::gather(&conn, &retries, &programs, &kinds, &namespaces).await {
            Ok(l) => l,
            Err(p) => {
                super::apply::report_fatal(p);
                return 2;
            }
        };
        let declared: BTreeSet<_> = desired.iter().map(Desired::key).collect();
        let mut doomed: Vec<_> = live.objects.iter().filter(|(k, _)| !declared.contains(*k)).collect();
        doomed.sort_by(|a, b| a.0.cmp(b.0));
        for ((kind, ns, name), (_, object)) in doomed {
            deleted += 1;
            let p = path(*kind, Some(ns), name);
            diffs.push((p.clone(), unified(&p, &comparable(object), &Value::Null)));
        }
    }
    let drift = crate::driver::Drift { changed: diffs, added: Vec::new(), removed: Vec::new() };
    print!("{}", drift.render("", color));
    if drift.is_empty() {
        eprintln!("pipec: no changes ({} object{} as live)", desired.len(), if desired.len() == 1 { "" } else { "s" });
        return 0;
    }
    let mut parts = Vec::new();
    if changed > 0 {
        parts.push(format!("{changed} would change"));
    }
    if created > 0 {
        parts.push(format!("{created} would be created"));
    }
    if deleted > 0 {
        parts.push(format!("{deleted} would be pruned"));
    }
    eprintln!("pipec: {}", parts.join(", "));
    1
}

/// The live object (null when absent) and what a server-side apply would make of it.
type LiveAndApplied = (Value, Value);

/// The live object (null when absent) and what a server-side apply would make of it.
async fn dry_run(
    conn: &super::connect::Connection,
    retries: &Retries,
    d: &Desired,
    all: &[Desired],
) -> Result<LiveAndApplied, Problem> {
    let api = d.api(&conn.client);
    let declared = |e: &kube::Error| {
        super::problem::missing_namespace(e).is_some_and(|ns| super::apply::declares_namespace(all, &ns))
    };
    let live = retry(retries, || api.get_opt(&d.name)).await.map_err(|e| classify(&e, conn, &doing(d, "get")))?;
    let params = PatchParams::apply(FIELD_MANAGER).dry_run();
    let patch = Patch::Apply(&d.value);
    let after = match retry(retries, || api.patch(&d.name, &params, &patch)).await {
        Ok(after) => after,
        // Its namespace is new: the server cannot dry-run it yet; shown as pipec would send it.
        Err(e) if declared(&e) => return Ok((Value::Null, d.value.clone())),
        Err(e) => return Err(classify(&e, conn, &doing(d, "patch"))),
    };
    let live = live.map(|l| serde_json::to_value(&l).unwrap_or(Value::Null)).unwrap_or(Value::Null);
    Ok((live, serde_json::to_value(&after).unwrap_or(Value::Null)))
}

#[cfg(test)]
mod tests {
    use super::unified;
    use serde_json::json;

    #[test]
    fn secret_values_never_show() {
        let live = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"},
            "data": {"password": "aHVudGVyMg==", "user": "YWRtaW4="}});
        let mut new = live.clone();
        new["data"]["password"] = json!("c3dvcmRmaXNo");
        let diff = unified("secret/qa/db", &live, &new);
        assert!(
            !diff.contains("aHVudGVyMg==") && !diff.contains("c3dvcmRmaXNo") && !diff.contains("YWRtaW4="),
            "{diff}"
        );
        assert!(
            diff.contains("-  password: '*** (before)'") || diff.contains("-  password: \"*** (before)\""),
            "{diff}"
        );
        assert!(diff.contains("+  password: '*** (after)'") || diff.contains("+  password: \"*** (after)\""), "{diff}");
        assert!(diff.contains("   user: '***'") || diff.contains("   user: \"***\""), "{diff}");
    }

    #[test]
    fn other_kinds_are_shown_as_they_are() {
        let live = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}});
        let new = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "2"}});
        let diff = unified("configmap/qa/c", &live, &new);
        assert!(diff.contains("-  a: ") && diff.contains("+  a: ") && diff.contains('2'), "{diff}");
    }
}
