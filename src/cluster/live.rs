//! What the cluster holds of a program: the objects that carry both of its
//! labels (`pipec.dev/program=<name>` and `app.kubernetes.io/managed-by=<tool>`),
//! listed per kind and namespace. Used to skip objects that are already as
//! applied (no request at all), to tell created from configured, and by prune
//! and delete — which never touch an object without both labels.

use super::connect::Connection;
use super::plan::{self, Desired, Key};
use super::problem::{Doing, Problem, classify};
use super::retry::{Retries, retry};
use super::{CONCURRENCY, Program};
use crate::kinds::Kind;
use futures::StreamExt;
use kube::api::ListParams;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// Live objects by key, and which program each belongs to.
#[derive(Default)]
pub struct Live {
    pub objects: HashMap<Key, (usize, Value)>,
}

/// The namespaces a run touches: its objects' and the default one.
pub fn namespaces(desired: &[Desired], default_namespace: &str) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = desired.iter().filter_map(|d| d.namespace.clone()).collect();
    out.insert(default_namespace.to_string());
    out
}

/// Lists each program's objects of `kinds` in `namespaces` (cluster-scoped kinds once).
/// A kind the cluster does not serve has no objects; any other failure is the run's.
pub async fn gather(
    conn: &Connection,
    retries: &Retries,
    programs: &[Program],
    kinds: &BTreeSet<Kind>,
    namespaces: &BTreeSet<String>,
) -> Result<Live, Problem> {
    let mut queries = Vec::new();
    for (p, program) in programs.iter().enumerate() {
        for &kind in kinds {
            if kind.namespaced() {
                queries.extend(namespaces.iter().map(|ns| (p, kind, Some(ns.clone()), plan::selector(program))));
            } else {
                queries.push((p, kind, None, plan::selector(program)));
            }
        }
    }
    let results: Vec<_> = futures::stream::iter(queries.into_iter().map(|(p, kind, ns, selector)| async move {
        let api = plan::api(&conn.client, kind, ns.as_deref());
        let params = ListParams::default().labels(&selector);
        let listed = retry(retries, || api.list(&params)).await;
        (p, kind, ns, listed)
    }))
    .buffer_unordered(CONCURRENCY)
    .collect()
    .await;
    let mut live = Live::default();
    for (p, kind, ns, listed) in results {
        match listed {
            Ok(list) => {
                for item in list.items {
                    let name = item.metadata.name.clone().unwrap_or_default();
                    let namespace = item.metadata.namespace.clone().unwrap_or_default();
                    let value = serde_json::to_value(&item).unwrap_or(Value::Null);
                    live.objects.insert((kind, namespace, name), (p, value));
                }
            }
            Err(kube::Error::Api(s)) if s.code == 404 && s.details.as_ref().is_none_or(|d| d.kind != "namespaces") => {}
            Err(e) => {
                let what = match &ns {
                    Some(ns) => format!("{} in namespace {ns}", plan::qualified(kind)),
                    None => plan::qualified(kind),
                };
                let doing = Doing {
                    verb: "list",
                    what,
                    resource: plan::qualified(kind),
                    namespace: ns.as_deref(),
                    kind: kind.as_str(),
                    api_version: kind.api_version(),
                };
                return Err(match classify(&e, conn, &doing) {
                    Problem::Object(m) | Problem::ImmutableTemplate(m) => Problem::Fatal(m),
                    fatal => fatal,
                });
            }
        }
    }
    Ok(live)
}

/// Whether applying `desired` would change nothing: every field it sets has
/// that value live, and pipec's applied field set holds no field it no longer
/// sets (which the apply would remove). Conservative: a list is equal only
/// item by item, so a server default inside a list item is allowed, but an
/// item added by someone else makes it "changed" and the patch is sent.
pub fn already_applied(desired: &Value, live: &Value, manager: &str) -> bool {
    let managed = live["metadata"]["managedFields"].as_array();
    let Some(entry) = managed.and_then(|m| m.iter().find(|e| e["manager"] == manager && e["operation"] == "Apply"))
    else {
        return false;
    };
    contains(live, desired) && fields_within(&entry["fieldsV1"], desired)
}

fn contains(live: &Value, desired: &Value) -> bool {
    match (live, desired) {
        (_, Value::Null) => true,
        (Value::Object(l), Value::Object(d)) => {
            d.iter().all(|(k, v)| v.is_null() || l.get(k).is_some_and(|lv| contains(lv, v)))
        }
        (Value::Array(l), Value::Array(d)) => l.len() == d.len() && l.iter().zip(d).all(|(a, b)| contains(a, b)),
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}

/// Every `f:` field of a `fieldsV1` tree is set in `desired` (inside lists, not looked at).
fn fields_within(fields: &Value, desired: &Value) -> bool {
    let Some(map) = fields.as_object() else { return true };
    map.iter().all(|(key, sub)| match key.strip_prefix("f:") {
        Some(name) => match desired.get(name) {
            None | Some(Value::Null) => false,
            Some(Value::Object(_)) => fields_within(sub, &desired[name]),
            Some(_) => true,
        },
        // `.`, `k:{…}`, `v:…`, `i:…`: list items and the node itself.
        None => true,
    })
}

#[cfg(test)]
mod tests {
    use super::already_applied;
    use serde_json::json;

    fn live(fields: serde_json::Value) -> serde_json::Value {
        json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "namespace": "qa", "uid": "u", "resourceVersion": "7",
                "managedFields": [{"manager": "pipec", "operation": "Apply", "fieldsV1": fields}]},
            "data": {"a": "1", "b": "2"},
        })
    }

    #[test]
    fn the_same_object_is_already_applied() {
        let desired = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "qa"}, "data": {"a": "1", "b": "2"}});
        assert!(already_applied(&desired, &live(json!({"f:data": {"f:a": {}, "f:b": {}}})), "pipec"));
        assert!(!already_applied(&desired, &live(json!({"f:data": {"f:a": {}, "f:b": {}}})), "someone-else"));
    }

    #[test]
    fn a_changed_or_dropped_field_is_not() {
        let changed =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1", "b": "3"}});
        assert!(!already_applied(&changed, &live(json!({"f:data": {"f:a": {}, "f:b": {}}})), "pipec"));
        // `b` was pipec's and is no longer set: the apply would remove it.
        let dropped = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}});
        assert!(!already_applied(&dropped, &live(json!({"f:data": {"f:a": {}, "f:b": {}}})), "pipec"));
        // … but a field someone else set is not pipec's to remove.
        assert!(already_applied(&dropped, &live(json!({"f:data": {"f:a": {}}})), "pipec"));
    }

    #[test]
    fn lists_compare_item_by_item_and_allow_server_defaults() {
        let desired = json!({"spec": {"containers": [{"name": "a", "image": "x"}]}, "metadata": {}});
        let mut l = live(json!({"f:spec": {"f:containers": {}}}));
        l["spec"] = json!({"containers": [{"name": "a", "image": "x", "imagePullPolicy": "IfNotPresent"}]});
        assert!(already_applied(&desired, &l, "pipec"));
        l["spec"] = json!({"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]});
        assert!(!already_applied(&desired, &l, "pipec"));
    }
}
