//! `service` → a Service (ClusterIP, or headless: `clusterIP: None`).

use crate::ir;
use crate::lower::Out;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub(in crate::lower) fn lower(s: &ir::Service, out: &mut Out) {
    let service = service(s, out);
    out.own(service);
}

/// The Service of `s` (also one a `spark` makes for its driver).
pub(super) fn service(s: &ir::Service, out: &Out) -> core::Service {
    let ports: Vec<core::ServicePort> = s
        .ports
        .iter()
        .map(|p| core::ServicePort {
            name: p.name.clone(),
            port: p.port,
            target_port: p.target.as_ref().map(|t| match t {
                ir::TargetPort::Number(n) => IntOrString::Int(*n),
                ir::TargetPort::Name(name) => IntOrString::String(name.clone()),
            }),
            protocol: p.protocol.map(str::to_string),
            ..Default::default()
        })
        .collect();
    core::Service {
        metadata: out.meta(&s.meta),
        spec: Some(core::ServiceSpec {
            selector: Some(s.selector.clone()),
            ports: (!ports.is_empty()).then_some(ports),
            cluster_ip: s.headless.then(|| "None".to_string()),
            publish_not_ready_addresses: s.publish_not_ready,
            ..Default::default()
        }),
        ..Default::default()
    }
}
