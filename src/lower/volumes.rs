//! Lowering for the volumes area: volume sources (config/secret items, downward API, projected, ephemeral), mount propagation and native sidecars.

use crate::ir::{self, VolumeSource};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

pub(super) fn volume(v: &ir::Volume) -> core::Volume {
    let mut out = core::Volume { name: v.name.clone(), ..Default::default() };
    match &v.source {
        VolumeSource::Config(name) => {
            out.config_map = Some(core::ConfigMapVolumeSource { name: name.clone(), ..Default::default() })
        }
        VolumeSource::Secret(name) => {
            out.secret = Some(core::SecretVolumeSource { secret_name: Some(name.clone()), ..Default::default() })
        }
        VolumeSource::EmptyDir { medium, size_limit } => {
            out.empty_dir = Some(core::EmptyDirVolumeSource {
                medium: medium.map(String::from),
                size_limit: size_limit.map(|q| Quantity(q.to_string())),
                ..Default::default()
            })
        }
        VolumeSource::HostPath { path, kind } => {
            out.host_path = Some(core::HostPathVolumeSource { path: path.clone(), type_: kind.map(String::from) })
        }
        VolumeSource::Pvc { claim, read_only } => {
            out.persistent_volume_claim = Some(core::PersistentVolumeClaimVolumeSource {
                claim_name: claim.clone(),
                read_only: read_only.then_some(true),
            })
        }
    }
    out
}
