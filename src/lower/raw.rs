//! `raw { "spec.template.spec.hostNetwork" = true }`: fields the language does not
//! model, set by path on the emitted object. The patched object goes through its
//! k8s-openapi type, so a wrong type is an error, and a path the type does not
//! have (dropped on the way) is an error too: a typo is still caught.

use crate::diag::{Code, Diagnostic};
use crate::ir::{Program, RawPatch};
use crate::kinds::K8sObject;
use serde_json::Value;

/// The object with the patches applied, or unchanged with diagnostics.
pub fn apply(object: K8sObject, patches: &[RawPatch], program: &Program, diags: &mut Vec<Diagnostic>) -> K8sObject {
    let Ok(mut json) = serde_json::to_value(&object) else { return object };
    for p in patches {
        if let Err(message) = set(&mut json, &p.path, p.value.clone()) {
            diags.push(Diagnostic::error(Code::RawField, p.span, message).label("cannot set this path").help(HELP));
            return object;
        }
    }
    let patched = match K8sObject::deserialize_as(object.kind(), json) {
        Ok(t) => t,
        Err(e) => {
            let span = patches.last().map(|p| p.span);
            if let Some(span) = span {
                diags.push(
                    Diagnostic::error(Code::RawField, span, format!("the patched object is not valid: {e}"))
                        .label("wrong type for this field")
                        .help("give the field the type Kubernetes expects (see the API reference)"),
                );
            }
            return object;
        }
    };
    // A field Kubernetes does not have is dropped by the typed object: find it.
    let back = serde_json::to_value(&patched).unwrap_or(Value::Null);
    let mut ok = true;
    for p in patches {
        if get(&back, &p.path) != Some(&p.value) {
            let missing = first_missing(&back, &p.path);
            diags.push(
                Diagnostic::error(Code::RawField, p.span, format!("Kubernetes has no field `{missing}` here"))
                    .label("not a field of this object")
                    .help(format!("check the spelling against the API reference; `{}` was dropped", p.path)),
            );
            ok = false;
        }
    }
    if !ok {
        return object;
    }
    super::raw_rules::recheck(patched.kind(), &back, patches, program, diags);
    patched
}

const HELP: &str = "paths are field names from the object's top, separated by dots; lists by index: `containers[0]`";

/// `containers[0]` → ("containers", Some(0)).
fn segment(seg: &str) -> Result<(&str, Option<usize>), String> {
    match seg.split_once('[') {
        Some((name, rest)) => {
            let index = rest
                .strip_suffix(']')
                .and_then(|i| i.parse().ok())
                .ok_or_else(|| format!("`{seg}` is not `name[index]`"))?;
            Ok((name, Some(index)))
        }
        None => Ok((seg, None)),
    }
}

fn set(root: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    let mut at = root;
    for (i, seg) in segments.iter().enumerate() {
        let (name, index) = segment(seg)?;
        let last = i + 1 == segments.len();
        let Value::Object(map) = at else { return Err(format!("`{}` is not an object", segments[..i].join("."))) };
        let entry = map.entry(name.to_string()).or_insert_with(|| {
            if index.is_some() { Value::Array(Vec::new()) } else { Value::Object(Default::default()) }
        });
        at = match index {
            Some(n) => {
                let Value::Array(items) = entry else { return Err(format!("`{name}` is not a list")) };
                if n > items.len() {
                    return Err(format!("`{name}` has {} items; index {n} is past the end", items.len()));
                }
                if n == items.len() {
                    items.push(Value::Object(Default::default()));
                }
                &mut items[n]
            }
            None => entry,
        };
        if last {
            *at = value;
            return Ok(());
        }
    }
    Ok(())
}

fn get<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    let mut at = root;
    for seg in path.split('.') {
        let (name, index) = segment(seg).ok()?;
        at = at.get(name)?;
        if let Some(n) = index {
            at = at.get(n)?;
        }
    }
    Some(at)
}

/// The path up to the first segment missing from `root`.
fn first_missing(root: &Value, path: &str) -> String {
    let segments: Vec<&str> = path.split('.').collect();
    for i in 1..=segments.len() {
        let prefix = segments[..i].join(".");
        if get(root, &prefix).is_none() {
            return prefix;
        }
    }
    path.to_string()
}
