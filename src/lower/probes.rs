//! Lowering for the probes area: container ports, probes, lifecycle hooks,
//! termination message settings and env-from. Only what the program wrote is
//! emitted; Kubernetes fills its own defaults.

use crate::ir::{self, EnvFromSource, Handler, PortRef};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub(super) fn container(c: &ir::Container, out: &mut core::Container) {
    if !c.ports.is_empty() {
        out.ports = Some(c.ports.iter().map(port).collect());
    }
    if !c.env_from.is_empty() {
        out.env_from = Some(c.env_from.iter().map(env_from).collect());
    }
    let Some(p) = &c.probes else { return };
    out.liveness_probe = p.liveness.as_ref().map(probe);
    out.readiness_probe = p.readiness.as_ref().map(probe);
    out.startup_probe = p.startup.as_ref().map(probe);
    if p.post_start.is_some() || p.pre_stop.is_some() {
        out.lifecycle = Some(core::Lifecycle {
            post_start: p.post_start.as_ref().map(|h| hook(&h.handler)),
            pre_stop: p.pre_stop.as_ref().map(|h| hook(&h.handler)),
            ..Default::default()
        });
    }
    out.termination_message_path = p.termination_message_path.clone();
    out.termination_message_policy = p.termination_message_policy.map(String::from);
}

fn port(p: &ir::Port) -> core::ContainerPort {
    core::ContainerPort {
        name: p.name.clone(),
        container_port: p.container_port,
        protocol: p.protocol.map(String::from),
        host_port: p.host_port,
        host_ip: p.host_ip.clone(),
    }
}

fn env_from(e: &ir::EnvFrom) -> core::EnvFromSource {
    let mut out = core::EnvFromSource { prefix: e.prefix.clone(), ..Default::default() };
    match &e.source {
        EnvFromSource::Config(name) => {
            out.config_map_ref = Some(core::ConfigMapEnvSource { name: name.clone(), optional: e.optional })
        }
        EnvFromSource::Secret(name) => {
            out.secret_ref = Some(core::SecretEnvSource { name: name.clone(), optional: e.optional })
        }
    }
    out
}

fn probe(p: &ir::Probe) -> core::Probe {
    let mut out = core::Probe {
        initial_delay_seconds: p.initial_delay,
        period_seconds: p.period,
        timeout_seconds: p.timeout,
        failure_threshold: p.failure_threshold,
        success_threshold: p.success_threshold,
        termination_grace_period_seconds: p.termination_grace,
        ..Default::default()
    };
    match &p.handler {
        Handler::Exec(command) => out.exec = Some(exec(command)),
        Handler::Http(h) => out.http_get = Some(http(h)),
        Handler::Tcp(port) => {
            out.tcp_socket = Some(core::TCPSocketAction { port: port_ref(port), ..Default::default() })
        }
        Handler::Grpc { port, service } => {
            out.grpc = Some(core::GRPCAction { port: *port, service: service.clone(), ..Default::default() })
        }
        // The checker reads `sleep` only in hooks.
        Handler::Sleep { .. } => {}
    }
    out
}

fn hook(h: &Handler) -> core::LifecycleHandler {
    let mut out = core::LifecycleHandler::default();
    match h {
        Handler::Exec(command) => out.exec = Some(exec(command)),
        Handler::Http(h) => out.http_get = Some(http(h)),
        Handler::Sleep { seconds, .. } => out.sleep = Some(core::SleepAction { seconds: *seconds }),
        // The checker reads `tcp` and `grpc` only in probes.
        Handler::Tcp(_) | Handler::Grpc { .. } => {}
    }
    out
}

fn exec(command: &[String]) -> core::ExecAction {
    core::ExecAction { command: Some(command.to_vec()) }
}

fn http(h: &ir::HttpGet) -> core::HTTPGetAction {
    core::HTTPGetAction {
        path: h.path.clone(),
        port: port_ref(&h.port),
        scheme: h.scheme.map(String::from),
        host: h.host.as_ref().map(|w| w.value.clone()),
        http_headers: (!h.headers.is_empty()).then(|| {
            h.headers
                .iter()
                .map(|(name, value)| core::HTTPHeader { name: name.clone(), value: value.clone() })
                .collect()
        }),
        ..Default::default()
    }
}

fn port_ref(p: &PortRef) -> IntOrString {
    match p {
        PortRef::Number(n) => IntOrString::Int(*n),
        PortRef::Name(name) => IntOrString::String(name.clone()),
    }
}
