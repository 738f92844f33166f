//! Kubernetes objects → YAML text: one multi-document stream, or one file per
//! object. Object order is the program's; key order is k8s-openapi's (fixed),
//! and maps are sorted, so the same program always gives the same bytes.

pub mod yaml;

use crate::lower::K8sObject;

/// Appends one object as a YAML document.
pub fn write_object(object: &K8sObject, out: &mut String) {
    // `K8sObject` serializes as its typed k8s-openapi value, which holds only
    // strings, numbers, bools, maps and lists: the writer has no failure case for them.
    if let Err(e) = yaml::write_document(object, out) {
        unreachable!("YAML writer failed on a k8s-openapi object: {e}");
    }
}

/// The file name of an object under `-o DIR`: `<kind>-<name>.yaml`, lower-case.
pub fn file_name(object: &K8sObject) -> String {
    let (kind, name) = (object.kind().as_str(), object.name());
    let mut file = String::with_capacity(kind.len() + name.len() + ".yaml".len() + 1);
    file.extend(kind.chars().map(|c| c.to_ascii_lowercase()));
    file.push('-');
    file.push_str(name);
    file.push_str(".yaml");
    file
}
