//! Kubernetes objects → YAML text: one multi-document stream, or one file per
//! object. Object order is the program's; key order is k8s-openapi's (fixed),
//! and maps are sorted, so the same program always gives the same bytes.

pub mod yaml;

use crate::lower::K8sObject;

/// Appends one object as a YAML document.
pub fn write_object(object: &K8sObject, out: &mut String) {
    let result = match object {
        K8sObject::ConfigMap(o) => yaml::write_document(o, out),
        K8sObject::Job(o) => yaml::write_document(o, out),
        K8sObject::CronJob(o) => yaml::write_document(o, out),
        K8sObject::DaemonSet(o) => yaml::write_document(o, out),
    };
    // k8s-openapi objects hold only strings, numbers, bools, maps and lists:
    // the writer has no failure case for them.
    if let Err(e) = result {
        unreachable!("YAML writer failed on a k8s-openapi object: {e}");
    }
}

/// The file name of an object under `-o DIR`: `<kind>-<name>.yaml`, lower-case.
pub fn file_name(object: &K8sObject) -> String {
    format!("{}-{}.yaml", object.kind().to_ascii_lowercase(), object.name())
}
