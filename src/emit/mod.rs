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

/// All objects as one stream, documents separated by `---`.
pub fn stream(objects: &[K8sObject]) -> String {
    let mut out = String::with_capacity(objects.len() * 1024);
    for (i, o) in objects.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        write_object(o, &mut out);
    }
    out
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

/// One `(file name, YAML)` per object.
pub fn files(objects: &[K8sObject]) -> Vec<(String, String)> {
    objects
        .iter()
        .map(|o| {
            let mut text = String::with_capacity(1024);
            write_object(o, &mut text);
            (file_name(o), text)
        })
        .collect()
}
