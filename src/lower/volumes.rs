//! Lowering for the volumes area: volume sources (config/secret items, downward API,
//! projected, ephemeral), mount propagation and native sidecars.

use crate::ir::{self, DownwardRef, Projection, VolumeSource};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

pub(super) fn volume(v: &ir::Volume) -> core::Volume {
    let mut out = core::Volume { name: v.name.clone(), ..Default::default() };
    match &v.source {
        VolumeSource::Config(c) => {
            out.config_map = Some(core::ConfigMapVolumeSource {
                name: c.name.clone(),
                items: items(&c.items),
                default_mode: c.default_mode,
                optional: c.optional,
                ..Default::default()
            })
        }
        VolumeSource::Secret(s) => {
            out.secret = Some(core::SecretVolumeSource {
                secret_name: Some(s.name.clone()),
                items: items(&s.items),
                default_mode: s.default_mode,
                optional: s.optional,
                ..Default::default()
            })
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
        VolumeSource::DownwardApi { items, default_mode } => {
            out.downward_api = Some(core::DownwardAPIVolumeSource {
                items: downward_files(items),
                default_mode: *default_mode,
                ..Default::default()
            })
        }
        VolumeSource::Projected { sources, default_mode } => {
            out.projected = Some(core::ProjectedVolumeSource {
                sources: Some(sources.iter().map(projection).collect()),
                default_mode: *default_mode,
                ..Default::default()
            })
        }
        VolumeSource::Ephemeral(claim) => {
            out.ephemeral = Some(core::EphemeralVolumeSource {
                volume_claim_template: Some(core::PersistentVolumeClaimTemplate {
                    metadata: None,
                    spec: core::PersistentVolumeClaimSpec {
                        access_modes: Some(claim.access.iter().map(|m| m.to_string()).collect()),
                        resources: Some(core::VolumeResourceRequirements {
                            requests: Some([("storage".to_string(), Quantity(claim.size.to_string()))].into()),
                            limits: None,
                        }),
                        storage_class_name: claim.class.clone(),
                        volume_mode: claim.mode.map(String::from),
                        ..Default::default()
                    },
                }),
            })
        }
    }
    out
}

fn items(list: &[ir::KeyPath]) -> Option<Vec<core::KeyToPath>> {
    (!list.is_empty()).then(|| {
        list.iter()
            .map(|i| core::KeyToPath { key: i.key.clone(), path: i.path.clone(), mode: i.mode, ..Default::default() })
            .collect()
    })
}

fn downward_files(list: &[ir::DownwardItem]) -> Option<Vec<core::DownwardAPIVolumeFile>> {
    Some(
        list.iter()
            .map(|i| {
                let mut file = core::DownwardAPIVolumeFile { path: i.path.clone(), mode: i.mode, ..Default::default() };
                match &i.from {
                    DownwardRef::Field(path) => {
                        file.field_ref = Some(core::ObjectFieldSelector { field_path: path.clone(), api_version: None })
                    }
                    DownwardRef::Resource { resource, container, divisor, .. } => {
                        file.resource_field_ref = Some(core::ResourceFieldSelector {
                            resource: resource.clone(),
                            container_name: Some(container.clone()),
                            divisor: divisor.map(|d| Quantity(d.to_string())),
                        })
                    }
                }
                file
            })
            .collect(),
    )
}

fn projection(p: &Projection) -> core::VolumeProjection {
    let mut out = core::VolumeProjection::default();
    match p {
        Projection::Config(c) => {
            out.config_map =
                Some(core::ConfigMapProjection { name: c.name.clone(), items: items(&c.items), optional: c.optional })
        }
        Projection::Secret(s) => {
            out.secret =
                Some(core::SecretProjection { name: s.name.clone(), items: items(&s.items), optional: s.optional })
        }
        Projection::DownwardApi(list) => {
            out.downward_api = Some(core::DownwardAPIProjection { items: downward_files(list) })
        }
        Projection::Token { path, audience, expiration_seconds } => {
            out.service_account_token = Some(core::ServiceAccountTokenProjection {
                audience: audience.clone(),
                expiration_seconds: *expiration_seconds,
                path: path.clone(),
                ..Default::default()
            })
        }
    }
    out
}

/// A container's own restart policy (a native sidecar) and its mounts' propagation.
pub(super) fn container(c: &ir::Container, out: &mut core::Container) {
    if let Some((policy, _)) = c.restart {
        out.restart_policy = Some(policy.to_string());
    }
    if let Some(mounts) = &mut out.volume_mounts {
        for (m, vm) in c.mounts.iter().zip(mounts.iter_mut()) {
            vm.mount_propagation = m.propagation.map(|(p, _)| p.to_string());
        }
    }
}
