//! A `service`: a ClusterIP or headless Service in front of pods of the
//! program. Its selector must select some of them, and a port it forwards to by
//! name must be a port those pods have: a Service that matches no pod, or names a
//! port no pod has, is accepted by Kubernetes and every connection to it fails.

use crate::ast::{self, ExprKind};
use crate::check::eval::What;
use crate::check::fields::Fields;
use crate::check::probes::ports::port_name;
use crate::check::{Checker, read};
use crate::diag::{Code, Diagnostic, closest};
use crate::ir::{self, StringMap};
use crate::kinds::Kind;
use crate::schema;
use crate::source::Span;

/// The pods a workload of the program makes, as a Service sees them.
pub(crate) struct Pods {
    /// "job `web`"
    pub workload: String,
    /// The labels the pods carry (the template's, and those their controller adds).
    pub labels: StringMap,
    /// The names of their containers' ports.
    pub ports: Vec<String>,
}

/// What a Service can select of a checked workload.
pub(crate) fn pods_of(object: &ir::Object) -> Option<Pods> {
    let (keyword, name, pod) = match object {
        ir::Object::Job(j) => ("job", &j.meta.name, &j.pod),
        ir::Object::Cron(c) => ("cron", &c.meta.name, &c.pod),
        ir::Object::Daemon(d) => ("daemon", &d.meta.name, &d.pod),
        ir::Object::Deployment(d) => ("deployment", &d.meta.name, &d.pod),
        // The driver's pod (its executors are made by the driver, with labels of Spark's own).
        ir::Object::Spark(s) => ("spark", &s.meta.name, &s.pod),
        _ => return None,
    };
    let mut labels = pod.labels.clone();
    match object {
        // The Job controller labels its pods with the Job's name (a CronJob's Jobs have names of their own).
        ir::Object::Job(j) if !j.generate_name => {
            labels.insert("job-name".into(), name.clone());
            labels.insert("batch.kubernetes.io/job-name".into(), name.clone());
        }
        ir::Object::Daemon(ir::Daemon { selector: None, .. })
        | ir::Object::Deployment(ir::Deployment { selector: None, .. }) => {
            let selected = pod.labels.get(crate::lower::NAME_LABEL).unwrap_or(name).clone();
            labels.insert(crate::lower::NAME_LABEL.into(), selected);
        }
        _ => {}
    }
    let ports = pod
        .containers
        .iter()
        .chain(&pod.init_containers)
        .flat_map(|c| c.ports.iter().filter_map(|p| p.name.clone()))
        .collect();
    Some(Pods { workload: format!("{keyword} `{name}`"), labels, ports })
}

pub(crate) fn service<'a>(
    ck: &mut Checker<'a>,
    name: &str,
    span: Span,
    body: &'a ast::Block,
    pods: Option<&[Pods]>,
) -> Option<ir::Service> {
    let mut f = Fields::from_block(ck, body, schema::SERVICE_ITEM, "a `service`");
    let meta = ck.meta(&mut f, name, span, Kind::Service);
    let selector_given = f.peek_span(&schema::SERVICE_SELECTOR).is_some();
    let selector = read::string_map(ck, &mut f, &schema::SERVICE_SELECTOR);
    let headless = read::boolean(ck, &mut f, &schema::HEADLESS).is_some_and(|(b, _)| b);
    let publish_not_ready = read::boolean(ck, &mut f, &schema::PUBLISH_NOT_READY).map(|(b, _)| b);
    let ports_span = f.peek_span(&schema::SERVICE_PORTS);
    let items = read::expr(ck, &mut f, &schema::SERVICE_PORTS).and_then(|e| ck.list(e, What::Key("ports")));
    let mut ports = Vec::new();
    let mut ok = true;
    for item in items.unwrap_or_default() {
        match port(ck, item) {
            Some(p) => ports.push(p),
            None => ok = false,
        }
    }
    f.finish(ck);

    let Some((entries, at)) = selector else {
        if !selector_given {
            ck.report(
                Diagnostic::error(Code::ServiceSelector, span, format!("`{name}` selects no pods"))
                    .label("no `selector`")
                    .help(
                        "name the labels of the pods it serves: `selector = { app: \"web\" }` (the pods' `pod-labels`)",
                    ),
            );
        }
        return None;
    };
    let wanted: StringMap = entries.into_iter().map(|(k, v)| (k.text.clone(), v)).collect();
    // A workload with errors has no pods to compare with: the selection is not judged.
    let pods = pods?;
    let selected: Vec<&Pods> =
        pods.iter().filter(|p| !wanted.is_empty() && wanted.iter().all(|(k, v)| p.labels.get(k) == Some(v))).collect();
    if selected.is_empty() {
        report_no_pods(ck, name, at, &wanted, pods);
        return None;
    }
    ok &= ports_agree(ck, &ports, &selected, headless, ports_span.unwrap_or(span));
    let meta = meta?;
    ok.then(|| ir::Service {
        meta,
        selector: wanted,
        ports: ports.into_iter().map(|p| p.port).collect(),
        headless,
        publish_not_ready,
    })
}

fn report_no_pods(ck: &mut Checker, name: &str, at: Span, wanted: &StringMap, pods: &[Pods]) {
    let shown = |labels: &StringMap| labels.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ");
    // A pod with the same label key but another value: the likely typo.
    let near = pods.iter().find_map(|p| {
        wanted.iter().find_map(|(k, v)| {
            let theirs = p.labels.get(k).filter(|t| *t != v)?;
            Some(format!("{}'s pods have `{k}: {theirs}`", p.workload))
        })
    });
    let help = if wanted.is_empty() {
        "name the labels of the pods it serves: `selector = { app: \"web\" }`".to_string()
    } else if pods.is_empty() {
        "the program has no pods: a `service` serves pods of its own program (declare the workload beside it)"
            .to_string()
    } else if let Some(near) = near {
        format!("{near}; a Service selects pods that have every label of its selector")
    } else {
        let listed: Vec<String> =
            pods.iter().take(3).map(|p| format!("{} has `{}`", p.workload, shown(&p.labels))).collect();
        format!("give the pods these labels (`pod-labels`), or select theirs: {}", listed.join("; "))
    };
    ck.report(
        Diagnostic::error(Code::ServiceSelector, at, format!("`{name}` selects no pod of the program"))
            .label(if wanted.is_empty() { "an empty selector" } else { "no pod has all these labels" })
            .help(help),
    );
}

struct WrittenPort {
    port: ir::ServicePort,
    span: Span,
    target_span: Option<Span>,
}

const PORT_EXAMPLE: &str = "{ name: \"http\", port: 80, target: \"http\" }";

fn port<'a>(ck: &mut Checker<'a>, item: &'a ast::Expr) -> Option<WrittenPort> {
    let (e, mut f) = Fields::record(ck, item, schema::SERVICE_PORT, "a Service port", PORT_EXAMPLE)?;
    let name = read::string(ck, &mut f, &schema::SERVICE_PORT_NAME);
    let number_given = f.peek_span(&schema::SERVICE_PORT_NUMBER).is_some();
    let number = read::int(ck, &mut f, &schema::SERVICE_PORT_NUMBER);
    let target = read::expr(ck, &mut f, &schema::SERVICE_TARGET).map(|t| (target(ck, t), t.span));
    let protocol = read::choice(ck, &mut f, &schema::SERVICE_PROTOCOL).map(|(p, _)| p);
    f.finish(ck);
    let mut ok = true;
    if let Some((n, at)) = &name
        && !crate::naming::is_dns_label(n)
    {
        ok = false;
        ck.report(
            Diagnostic::error(Code::ServicePort, *at, format!("`{n}` is not a valid Service port name"))
                .label("not a DNS label")
                .help("a Service port name is lowercase letters, digits and `-`, ≤ 63, e.g. `http` or `grpc`"),
        );
    }
    let Some((number, _)) = number else {
        if !number_given {
            ck.report(
                Diagnostic::error(Code::ServicePort, e.span, "a Service port needs its `port`")
                    .label("no `port`")
                    .help(format!("write `{PORT_EXAMPLE}`")),
            );
        }
        return None;
    };
    let (target, target_span) = match target {
        Some((Some(t), at)) => (Some(t), Some(at)),
        Some((None, _)) => return None,
        None => (None, None),
    };
    ok.then(|| WrittenPort {
        port: ir::ServicePort { name: name.map(|(n, _)| n), port: number as i32, target, protocol },
        span: e.span,
        target_span,
    })
}

/// `target`: a port number, or the name of a container port.
fn target<'a>(ck: &mut Checker<'a>, e: &'a ast::Expr) -> Option<ir::TargetPort> {
    let (resolved, _) = ck.resolve(e)?;
    if let ExprKind::Number(_) = resolved.kind {
        return ck.int(e, What::Key("target"), 1, 65535).map(|n| ir::TargetPort::Number(n as i32));
    }
    let name = ck.string(e, What::Key("target"))?;
    port_name(ck, &name, e.span).then_some(ir::TargetPort::Name(name))
}

/// What Kubernetes requires of a Service's ports together, and that a port
/// forwarded to by name is one the selected pods have.
fn ports_agree(ck: &mut Checker, ports: &[WrittenPort], selected: &[&Pods], headless: bool, at: Span) -> bool {
    let mut ok = true;
    let mut bad = |ck: &mut Checker, span: Span, message: String, label: &str, help: String| {
        ok = false;
        ck.report(Diagnostic::error(Code::ServicePort, span, message).label(label).help(help));
    };
    if ports.is_empty() && !headless {
        bad(
            ck,
            at,
            "a Service needs at least one port".into(),
            "no ports",
            format!("add `ports = [{PORT_EXAMPLE}]`, or make it `headless = true` (DNS names for the pods only)"),
        );
    }
    for (i, p) in ports.iter().enumerate() {
        if ports.len() > 1 && p.port.name.is_none() {
            bad(
                ck,
                p.span,
                "with several ports, each port needs a `name`".into(),
                "no name",
                "name every port: `{ name: \"http\", port: 80 }`".into(),
            );
        }
        if let Some(name) = &p.port.name
            && ports[..i].iter().any(|q| q.port.name.as_ref() == Some(name))
        {
            bad(
                ck,
                p.span,
                format!("two ports are named `{name}`"),
                "second one",
                "port names are unique in a Service".into(),
            );
        }
        let protocol = |q: &WrittenPort| q.port.protocol.unwrap_or("TCP");
        if ports[..i].iter().any(|q| q.port.port == p.port.port && protocol(q) == protocol(p)) {
            bad(
                ck,
                p.span,
                format!("port {} ({}) is given twice", p.port.port, protocol(p)),
                "second one",
                "a Service listens once on a port and protocol: remove one, or give it another port".into(),
            );
        }
        if let (Some(ir::TargetPort::Name(target)), Some(span)) = (&p.port.target, p.target_span)
            && !selected.iter().any(|pods| pods.ports.contains(target))
        {
            let names: Vec<&str> = selected.iter().flat_map(|pods| pods.ports.iter().map(String::as_str)).collect();
            let help = match closest(target, names.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None if names.is_empty() => format!(
                    "the selected pods name no ports: name the container's port (`ports = {{ {target}: 8080 }}`), or give the number"
                ),
                None => format!(
                    "the selected pods' ports are {}",
                    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ),
            };
            bad(
                ck,
                span,
                format!("no pod the Service selects has a port named `{target}`"),
                "not a port of the pods",
                help,
            );
        }
    }
    ok
}
