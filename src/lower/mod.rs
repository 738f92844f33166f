//! Checked program → typed Kubernetes objects (k8s-openapi). One item may become
//! several objects (a group: Jobs and a Service); each kind's lowering is a file
//! in `kinds/`, the pod template they share is `pod.rs`, the ownership labels
//! `meta.rs`. The only diagnostics are about `raw` patches (`raw.rs`), which can
//! only be checked against the real object; every other decision was made in `check`.

mod kinds;
pub(crate) mod meta;
mod pod;
mod pod_spec;
mod probes;
mod raw;
mod raw_rules;
mod security;
mod volumes;

pub use crate::kinds::K8sObject;
pub use meta::{GROUP_LABEL, INDEX_VAR, MANAGED_BY, NAME_LABEL, PROGRAM_LABEL, ROLE_LABEL};

use crate::diag::Diagnostic;
use crate::ir::{self, Program, RawPatch};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The objects of one checked item, in order, each passed to `each` (no list is
/// built: most items are one object). The item's own object has its `raw`
/// patches applied; diagnostics about them go to `diags`.
pub fn lower_item(program: &Program, item: &ir::Object, diags: &mut Vec<Diagnostic>, mut each: impl FnMut(K8sObject)) {
    let mut out = Out { program, raw: &item.meta().raw, diags, each: &mut each };
    match item {
        ir::Object::Config(c) => kinds::config_map::lower(c, &mut out),
        ir::Object::Job(j) => kinds::job::lower(j, &mut out),
        ir::Object::Cron(c) => kinds::cron_job::lower(c, &mut out),
        ir::Object::Daemon(d) => kinds::daemon_set::lower(d, &mut out),
        ir::Object::Deployment(d) => kinds::deployment::lower(d, &mut out),
        ir::Object::Namespace(m) => kinds::rbac::namespace(m, &mut out),
        ir::Object::ServiceAccount(a) => kinds::rbac::service_account(a, &mut out),
        ir::Object::Role(r) => kinds::rbac::role(r, &mut out),
        ir::Object::Binding(b) => kinds::rbac::binding(b, &mut out),
        ir::Object::Service(s) => kinds::service::lower(s, &mut out),
        ir::Object::Group(g) => kinds::group::lower(g, &mut out),
        ir::Object::Spark(s) => kinds::spark::lower(s, &mut out),
        ir::Object::Pipeline(p) => kinds::pipeline::lower(p, &mut out),
        #[cfg(test)]
        ir::Object::Pair(j) => tests::pair(j, &mut out),
    }
}

/// The Job spec of a pipeline task (or of one role of a fan-out task), as the runner creates
/// it but without a run's labels: `pipec graph` counts its pods and their requests.
pub(crate) fn task_job_spec(spec: &ir::JobSpec, pod: &ir::Pod) -> k8s_openapi::api::batch::v1::JobSpec {
    kinds::job::job_spec(spec, pod::pod_template(pod, pod::template_labels(pod, None)))
}

/// Where the lowering of one item puts its objects.
struct Out<'a> {
    program: &'a Program,
    /// The item's `raw` patches, until its own object takes them.
    raw: &'a [RawPatch],
    diags: &'a mut Vec<Diagnostic>,
    each: &'a mut dyn FnMut(K8sObject),
}

impl Out<'_> {
    /// The metadata of an object named by `meta` (the program's namespace and labels).
    fn meta(&self, meta: &ir::Meta) -> ObjectMeta {
        meta::object_meta(self.program, meta)
    }

    /// The item's own object: the one its name and `raw` patches address (the
    /// first one given, if a kind gives several).
    fn own(&mut self, object: impl Into<K8sObject>) {
        let raw = std::mem::take(&mut self.raw);
        self.push(object.into(), raw);
    }

    /// An object made for the item beside its own (a group's headless Service):
    /// `raw` does not reach it.
    fn also(&mut self, object: impl Into<K8sObject>) {
        self.push(object.into(), &[]);
    }

    /// An object made beside the item's own with `raw` patches of its own (a group role's Job).
    fn also_patched(&mut self, object: impl Into<K8sObject>, raw: &[RawPatch]) {
        self.push(object.into(), raw);
    }

    fn push(&mut self, mut object: K8sObject, raw: &[RawPatch]) {
        if !object.kind().namespaced() {
            object.metadata_mut().namespace = None;
        }
        if !raw.is_empty() {
            object = raw::apply(object, raw, self.program, self.diags);
        }
        (self.each)(object);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1 as batch;
    use k8s_openapi::api::core::v1 as core;

    /// The test-only item `ir::Object::Pair`: a Job and a ConfigMap of the same name.
    pub(super) fn pair(j: &ir::Job, out: &mut Out) {
        out.own(batch::Job { metadata: out.meta(&j.meta), ..Default::default() });
        let data = [("for".to_string(), j.meta.name.clone())].into();
        out.also(core::ConfigMap { metadata: out.meta(&j.meta), data: Some(data), ..Default::default() });
    }

    /// One item → two objects, through the writer: both documents, in order,
    /// each in its own file, `raw` on the item's own object only.
    #[test]
    fn one_item_becomes_two_objects_end_to_end() {
        let text = "namespace \"qa\"\njob first { image = \"busybox\" }\n";
        let mut c =
            crate::driver::compile(vec![("t.pipe".into(), text.into())], &crate::loader::FsLoader, &Default::default());
        assert!(!c.has_errors());
        let program = &mut c.programs[0];
        let span = program.keys[0].span;
        let meta = |name: &str, raw: Vec<RawPatch>| ir::Meta {
            name: name.into(),
            span,
            labels: Default::default(),
            annotations: Default::default(),
            raw,
        };
        // A path both kinds have, so only routing keeps it off the ConfigMap.
        let patch = RawPatch { path: "metadata.annotations.patched".into(), value: "by-raw".into(), span };
        let job = |meta| ir::Job { meta, spec: Default::default(), pod: Default::default(), generate_name: false };
        program.objects =
            vec![ir::Object::Pair(job(meta("both", vec![patch]))), ir::Object::Pair(job(meta("z", vec![])))];

        let kinds: Vec<_> = c.objects().iter().map(|o| (o.kind().as_str(), o.name().to_string())).collect();
        assert_eq!(
            kinds,
            [("Job", "both"), ("ConfigMap", "both"), ("Job", "z"), ("ConfigMap", "z")].map(|(k, n)| (k, n.to_string()))
        );

        let files = c.yaml_files();
        let names: Vec<_> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["job-both.yaml", "configmap-both.yaml", "job-z.yaml", "configmap-z.yaml"]);
        assert!(files[0].1.contains("patched: by-raw"), "the patch is on the Job:\n{}", files[0].1);
        assert!(!files[1].1.contains("patched"), "and not on the ConfigMap:\n{}", files[1].1);
        assert!(files.iter().all(|(_, yaml)| yaml.contains("namespace: qa")));

        let stream = c.yaml_stream();
        let documents: Vec<_> = stream.split("---\n").collect();
        assert_eq!(documents, files.iter().map(|(_, yaml)| yaml.as_str()).collect::<Vec<_>>());
    }
}
