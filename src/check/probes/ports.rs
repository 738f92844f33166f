//! Container ports: names (IANA service names), numbers and protocols, and the
//! rules across a pod (names unique, host ports bound once).

use super::super::Checker;
use super::super::eval::What;
use super::super::fields::{Fields, Value};
use super::super::read;
use crate::ast::{self, ExprKind};
use crate::diag::{Code, Diagnostic};
use crate::ir::Port;
use crate::schema;
use crate::source::Span;

pub(super) fn ports<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> Option<Vec<Port>> {
    let (k, v) = read::take(ck, f, &schema::PORTS)?;
    let named = match v {
        Value::Block(_) => true,
        Value::Expr(e) => match &ck.resolve(e)?.0.kind {
            ExprKind::Map(_) => true,
            ExprKind::List(_) => false,
            _ => {
                ck.report(
                    Diagnostic::error(Code::TypeMismatch, e.span, "`ports` takes a map of named ports or a list")
                        .label("not a map or a list")
                        .help("write `ports = { http: 8080 }` (named) or `ports = [8080]` (unnamed)"),
                );
                return None;
            }
        },
    };
    let mut out: Vec<Port> = Vec::new();
    let mut ok = true;
    if named {
        for (key, e) in ck.map_entries(v, What::Key(k.text.as_str()))? {
            let name_ok = port_name(ck, &key.text, key.span);
            match port(ck, e, Some(key.text.clone()), key.span) {
                Some(p) if name_ok => out.push(p),
                _ => ok = false,
            }
        }
    } else {
        let Value::Expr(e) = v else { return None };
        for item in ck.list(e, "`ports`")? {
            match port(ck, item, None, item.span) {
                Some(p) => out.push(p),
                None => ok = false,
            }
        }
    }
    // Kubernetes keys a container's ports by number and protocol.
    for (i, p) in out.iter().enumerate() {
        if let Some(first) =
            out[..i].iter().find(|q| q.container_port == p.container_port && q.protocol() == p.protocol())
        {
            ck.report(
                Diagnostic::error(
                    Code::DuplicatePort,
                    p.span,
                    format!("port {} ({}) is given twice in this container", p.container_port, p.protocol_word()),
                )
                .label("second one")
                .secondary(first.span, "first one")
                .help("a container lists each port and protocol once: remove one, or give it another protocol"),
            );
            ok = false;
        }
    }
    ok.then_some(out)
}

/// One port: a number, or `{ port, protocol, host-port, host-ip }`.
fn port<'a>(ck: &mut Checker<'a>, e: &'a ast::Expr, name: Option<String>, span: Span) -> Option<Port> {
    let (resolved, _) = ck.resolve(e)?;
    if !matches!(resolved.kind, ExprKind::Map(_)) {
        let n = ck.int(e, "a port", 1, 65535)?;
        return Some(Port { name, container_port: n as i32, protocol: None, host_port: None, host_ip: None, span });
    }
    let (m, mut f) = Fields::record(ck, e, schema::PORT, "a port", "{ port: 53, protocol: udp }")?;
    let mut ok = true;
    if let Some((key, _)) = f.take_unlisted("name") {
        ck.report(
            Diagnostic::error(Code::UnknownKey, key.span, "a port is named by its key in `ports`")
                .label("not a key of a port")
                .help("write the ports as a map: `ports = { dns: { port: 53, protocol: udp } }`"),
        );
        ok = false;
    }
    let number = read::int32(ck, &mut f, &schema::PORT_NUMBER_KEY);
    let protocol = read::choice(ck, &mut f, &schema::PORT_PROTOCOL).map(|(p, _)| p);
    let host_port = read::int32(ck, &mut f, &schema::HOST_PORT);
    let host_ip = read::string(ck, &mut f, &schema::HOST_IP).and_then(|(ip, ip_span)| {
        if ip.parse::<std::net::IpAddr>().is_ok() {
            return Some(ip);
        }
        ck.report(
            Diagnostic::error(Code::TypeMismatch, ip_span, format!("`{ip}` is not an IP address"))
                .label("not an address")
                .help("write the node address to bind, e.g. \"0.0.0.0\" or \"::\""),
        );
        ok = false;
        None
    });
    f.finish(ck);
    let Some(number) = number else {
        ck.report(
            Diagnostic::error(Code::MissingKey, m.span, "a port needs its `port` number")
                .label("which port?")
                .help("write `{ port: 8080 }`"),
        );
        return None;
    };
    ok.then_some(Port { name, container_port: number, protocol, host_port, host_ip, span: m.span })
}

impl Port {
    /// The node port it binds, with protocol and address, if it binds one.
    fn host(&self) -> Option<(i32, &'static str, Option<&str>)> {
        self.host_port.filter(|h| *h != 0).map(|h| (h, self.protocol(), self.host_ip.as_deref()))
    }

    fn protocol(&self) -> &'static str {
        self.protocol.unwrap_or("TCP")
    }

    fn protocol_word(&self) -> &'static str {
        let k8s = self.protocol();
        schema::PROTOCOLS.iter().find(|(_, p)| *p == k8s).map_or(k8s, |(w, _)| w)
    }
}

/// Kubernetes' `IsValidPortName` (an IANA service name).
pub(in crate::check) fn port_name(ck: &mut Checker, name: &str, span: Span) -> bool {
    let problem = if name.is_empty() || name.len() > 15 {
        Some("is 1 to 15 characters long")
    } else if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        Some("has only lowercase letters, digits and `-`")
    } else if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        Some("has at least one letter")
    } else if name.contains("--") {
        Some("has no `--`")
    } else if name.starts_with('-') || name.ends_with('-') {
        Some("neither starts nor ends with `-`")
    } else {
        None
    };
    let Some(rule) = problem else { return true };
    let suggestion: String = {
        let lower = name.to_ascii_lowercase().replace(['_', '.', ' '], "-");
        let mut s: String =
            lower.chars().filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-').collect();
        while s.contains("--") {
            s = s.replace("--", "-");
        }
        s.chars().take(15).collect::<String>().trim_matches('-').to_string()
    };
    let help = if name.len() <= 15
        && !suggestion.is_empty()
        && suggestion != name
        && suggestion.bytes().any(|b| b.is_ascii_lowercase())
    {
        format!("a port name {rule}: e.g. `{suggestion}`")
    } else {
        format!("a port name {rule}, e.g. `http` or `metrics`")
    };
    ck.report(
        Diagnostic::error(Code::PortName, span, format!("`{name}` is not a valid port name"))
            .label("not an IANA service name")
            .help(help),
    );
    false
}

/// Across the pod's containers: port names are unique (Services and probes find
/// ports by name) and a host port, protocol and address are bound once.
pub(super) fn across_pod(ck: &mut Checker, ports: Vec<&Port>) -> bool {
    let mut ok = true;
    for (i, p) in ports.iter().enumerate() {
        if let Some(name) = &p.name
            && let Some(first) = ports[..i].iter().find(|q| q.name.as_ref() == Some(name))
        {
            ck.report(
                Diagnostic::error(Code::DuplicatePort, p.span, format!("two ports named `{name}` in one pod"))
                    .label("second one")
                    .secondary(first.span, "first one")
                    .help("Services and probes find a port by its name, so names are unique in the pod: rename one"),
            );
            ok = false;
        }
        if let Some(h) = p.host()
            && let Some(first) = ports[..i].iter().find(|q| q.host() == Some(h))
        {
            ck.report(
                Diagnostic::error(
                    Code::DuplicatePort,
                    p.span,
                    format!("host port {} ({}) is taken twice in one pod", h.0, p.protocol_word()),
                )
                .label("second one")
                .secondary(first.span, "first one")
                .help("a node port can be bound once: use another `host-port`"),
            );
            ok = false;
        }
    }
    ok
}
