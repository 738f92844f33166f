//! The metadata every emitted object carries: its name, the program's
//! namespace, and the labels that say pipec owns it.

use crate::ir::{self, Program};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The label every emitted object carries, so that a cluster shows what pipec manages
/// (the value is `pipec`, or the tool named with `--managed-by`).
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "pipec");
/// The label naming the program an object came from (used by prune, later).
pub const PROGRAM_LABEL: &str = "pipec.dev/program";
/// The label a DaemonSet's selector matches on.
pub const NAME_LABEL: &str = "app.kubernetes.io/name";
/// The label every member of a group carries (its headless Service selects it).
pub const GROUP_LABEL: &str = "pipec.dev/group";
/// The label naming a group member's role.
pub const ROLE_LABEL: &str = "pipec.dev/role";
/// A group member's index, in its environment (from the Job's completion index, or on Argo
/// from the member's parameter).
pub const INDEX_VAR: &str = "PIPEC_INDEX";

/// An object's metadata: the item's name, labels and annotations, the ownership labels.
pub(super) fn object_meta(program: &Program, meta: &ir::Meta) -> ObjectMeta {
    let mut labels = meta.labels.clone();
    labels.insert(MANAGED_BY.0.to_string(), program.manager.clone());
    labels.insert(PROGRAM_LABEL.to_string(), program.name.clone());
    ObjectMeta {
        name: Some(meta.name.clone()),
        namespace: program.namespace.clone(),
        labels: Some(labels),
        annotations: (!meta.annotations.is_empty()).then(|| meta.annotations.clone()),
        ..Default::default()
    }
}
