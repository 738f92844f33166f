//! Checking for the probes area: container ports, probes, lifecycle hooks,
//! termination message settings and env-from. `container` reads a container's
//! keys; `pod` applies the rules that span the pod's containers (port names,
//! host ports, init containers, a hook's sleep against the grace period).

mod env_from;
pub(super) mod ports;

use super::Checker;
use super::fields::{Fields, Value};
use super::read;
use crate::ast::{self, ExprKind};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::ir::{EnvFrom, Handler, Hook, HttpGet, Pod, Port, PortRef, Probe, Probes};
use crate::schema::{self, Key};
use crate::source::Span;

/// The probes area's fields of one container, as read (absent keys leave them empty).
#[derive(Default)]
pub(super) struct ContainerKeys {
    pub ports: Vec<Port>,
    pub env_from: Vec<EnvFrom>,
    pub probes: Option<Box<Probes>>,
}

/// Every top-level key of the area: a container that writes none of them skips the rest.
const KEYS: &[&Key] = &[
    &schema::PORTS,
    &schema::LIVENESS,
    &schema::READINESS,
    &schema::STARTUP,
    &schema::POST_START,
    &schema::PRE_STOP,
    &schema::TERMINATION_MESSAGE_PATH,
    &schema::TERMINATION_MESSAGE_POLICY,
    &schema::ENV_FROM,
];

/// Reads the area's keys of one container; `false` when one of them was wrong (reported).
pub(super) fn container<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> (bool, ContainerKeys) {
    let mut out = ContainerKeys::default();
    if KEYS.iter().all(|row| f.peek_span(row).is_none()) {
        return (true, out);
    }
    let mut ok = true;
    if f.peek_span(&schema::PORTS).is_some() {
        match ports::ports(ck, f) {
            Some(p) => out.ports = p,
            None => ok = false,
        }
    }
    let mut probes = Probes::default();
    for (row, slot) in [
        (&schema::LIVENESS, &mut probes.liveness),
        (&schema::READINESS, &mut probes.readiness),
        (&schema::STARTUP, &mut probes.startup),
    ] {
        if f.peek_span(row).is_some() {
            *slot = probe(ck, f, row, &out.ports);
            ok &= slot.is_some();
        }
    }
    for (row, slot) in [(&schema::POST_START, &mut probes.post_start), (&schema::PRE_STOP, &mut probes.pre_stop)] {
        if f.peek_span(row).is_some() {
            *slot = hook(ck, f, row, &out.ports);
            ok &= slot.is_some();
        }
    }
    let path_given = f.peek_span(&schema::TERMINATION_MESSAGE_PATH).is_some();
    if let Some((path, span)) = read::string(ck, f, &schema::TERMINATION_MESSAGE_PATH) {
        if path.starts_with('/') {
            probes.termination_message_path = Some(path);
        } else {
            ck.report(
                Diagnostic::error(
                    Code::TerminationMessagePath,
                    span,
                    format!("termination message path `{path}` is not absolute"),
                )
                .label("relative path")
                .help(format!(
                    "the kubelet reads this file inside the container: write an absolute path, e.g. \"/{}\"",
                    path.trim_start_matches("./")
                )),
            );
            ok = false;
        }
    } else {
        ok &= !path_given;
    }
    let policy_given = f.peek_span(&schema::TERMINATION_MESSAGE_POLICY).is_some();
    probes.termination_message_policy = read::choice(ck, f, &schema::TERMINATION_MESSAGE_POLICY).map(|(p, _)| p);
    ok &= !policy_given || probes.termination_message_policy.is_some();
    if probes.spans().next().is_some()
        || probes.termination_message_path.is_some()
        || probes.termination_message_policy.is_some()
    {
        out.probes = Some(Box::new(probes));
    }
    if f.peek_span(&schema::ENV_FROM).is_some() {
        match env_from::env_from(ck, f) {
            Some(e) => out.env_from = e,
            None => ok = false,
        }
    }
    (ok, out)
}

// ---- probes and hooks

const PROBE_EXAMPLE: &str = "{ http = { path: \"/healthz\", port: 8080 }, period = 10s }";
const HOOK_EXAMPLE: &str = "{ exec = [\"/bin/sh\", \"-c\", \"nginx -s quit\"] }";

fn place(row: &'static Key) -> &'static str {
    match row.key {
        "liveness" => "a `liveness` probe",
        "readiness" => "a `readiness` probe",
        "startup" => "a `startup` probe",
        "post-start" => "a `post-start` hook",
        _ => "a `pre-stop` hook",
    }
}

fn probe<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key, ports: &[Port]) -> Option<Probe> {
    let (k, v) = read::take(ck, f, row)?;
    let span = k.span;
    let mut pf = read::block(ck, row, v, place(row), &format!("{} {PROBE_EXAMPLE}", row.key))?;
    let mut ok = true;
    let mut misplaced = false;
    if let Some((sleep, _)) = pf.take_unlisted("sleep") {
        misplaced = true;
        ck.report(
            Diagnostic::error(Code::ProbeHandler, sleep.span, "a probe cannot `sleep`").label("a hook's action").help(
                "`sleep` is for `pre-stop` and `post-start`; a probe checks with `exec`, `http`, `tcp` or `grpc`",
            ),
        );
        ok = false;
    }
    let handler = handler(
        ck,
        &mut pf,
        (row, span, misplaced),
        &[&schema::PROBE_EXEC, &schema::PROBE_HTTP, &schema::PROBE_TCP, &schema::PROBE_GRPC],
        ports,
    );
    let initial_delay = seconds32(ck, &mut pf, &schema::INITIAL_DELAY, &mut ok);
    let period = seconds32(ck, &mut pf, &schema::PERIOD, &mut ok);
    let timeout = seconds32(ck, &mut pf, &schema::TIMEOUT, &mut ok);
    let given = pf.peek_span(&schema::FAILURE_THRESHOLD).is_some();
    let failure_threshold = read::int32(ck, &mut pf, &schema::FAILURE_THRESHOLD);
    ok &= !given || failure_threshold.is_some();
    let success_threshold = match read::int(ck, &mut pf, &schema::SUCCESS_THRESHOLD) {
        Some((n, value_span)) if n != 1 && row.key != schema::READINESS.key => {
            ck.report(
                Diagnostic::error(
                    Code::ProbeTiming,
                    value_span,
                    format!("`success-threshold` of {} must be 1, found {n}", place(row)),
                )
                .label("must be 1")
                .help(format!(
                    "one success ends a failure for `{}`; only `readiness` can ask for several: remove `success-threshold`",
                    row.key
                )),
            );
            ok = false;
            None
        }
        Some((n, _)) => Some(n as i32),
        None => {
            ok &= pf.peek_span(&schema::SUCCESS_THRESHOLD).is_none();
            None
        }
    };
    let grace_span = pf.peek_span(&schema::PROBE_GRACE);
    let termination_grace = read::seconds(ck, &mut pf, &schema::PROBE_GRACE).map(|(s, _)| s);
    ok &= grace_span.is_none() || termination_grace.is_some();
    if let (Some(grace_span), Some(_)) = (grace_span, termination_grace)
        && row.key == schema::READINESS.key
    {
        ck.report(
            Diagnostic::error(
                Code::ProbeTiming,
                grace_span,
                "a `readiness` probe cannot have a `termination-grace-period`",
            )
            .label("readiness never kills the container")
            .help("a failing readiness probe only takes the pod out of Services: remove `termination-grace-period`, or move it to `liveness`"),
        );
        ok = false;
    }
    pf.finish(ck);
    let handler = handler?;
    ok.then_some(Probe {
        handler,
        initial_delay,
        period,
        timeout,
        failure_threshold,
        success_threshold,
        termination_grace,
        span,
    })
}

fn hook<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key, ports: &[Port]) -> Option<Hook> {
    let (k, v) = read::take(ck, f, row)?;
    let span = k.span;
    let mut hf = read::block(ck, row, v, place(row), &format!("{} {HOOK_EXAMPLE}", row.key))?;
    let mut ok = true;
    let mut misplaced = false;
    for word in ["tcp", "grpc"] {
        if let Some((key, _)) = hf.take_unlisted(word) {
            misplaced = true;
            let why = if word == "tcp" {
                "Kubernetes keeps `tcpSocket` in hooks only for old objects and does not run it"
            } else {
                "Kubernetes has no gRPC hook"
            };
            ck.report(
                Diagnostic::error(Code::ProbeHandler, key.span, format!("a hook cannot use `{word}`"))
                    .label("not a hook action")
                    .help(format!("{why}: use `exec`, `http` or `sleep`")),
            );
            ok = false;
        }
    }
    let handler = handler(
        ck,
        &mut hf,
        (row, span, misplaced),
        &[&schema::HOOK_EXEC, &schema::HOOK_HTTP, &schema::HOOK_SLEEP],
        ports,
    );
    hf.finish(ck);
    let handler = handler?;
    ok.then_some(Hook { handler, span })
}

/// Exactly one of the handler keys `rows`; each written one is read (its errors reported).
/// `owner` is the probe or hook, where it is written, and whether a handler it cannot
/// have was given (already reported: then "nothing to do" is not said too).
fn handler<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    (owner, owner_span, misplaced): (&'static Key, Span, bool),
    rows: &[&'static Key],
    ports: &[Port],
) -> Option<Handler> {
    let written: Vec<(&'static Key, Span)> = rows.iter().filter_map(|r| f.peek_span(r).map(|s| (*r, s))).collect();
    let words = rows.iter().map(|r| format!("`{}`", r.key)).collect::<Vec<_>>().join(", ");
    let mut ok = true;
    match written.as_slice() {
        [] if misplaced => ok = false,
        [] => {
            ck.report(
                Diagnostic::error(Code::ProbeHandler, owner_span, format!("{} says nothing to do", place(owner)))
                    .label("no action")
                    .help(format!("give it one of {words}")),
            );
            ok = false;
        }
        [_] => {}
        [(first, first_span), rest @ ..] => {
            for (r, s) in rest {
                ck.report(
                    Diagnostic::error(
                        Code::ProbeHandler,
                        *s,
                        format!("{} does one thing: `{}` and `{}` are both given", place(owner), first.key, r.key),
                    )
                    .label("second action")
                    .secondary(*first_span, "first action")
                    .help(format!("keep one of {words}")),
                );
            }
            ok = false;
        }
    }
    let mut out = None;
    for (row, _) in written {
        let h = match row.key {
            "exec" => read::string_list(ck, f, row).and_then(|(command, span)| {
                if command.is_empty() {
                    ck.report(
                        Diagnostic::error(Code::ProbeHandler, span, "`exec` needs a command")
                            .label("empty command")
                            .help("write the command and its arguments: `exec = [\"cat\", \"/tmp/healthy\"]`"),
                    );
                    return None;
                }
                Some(Handler::Exec(command))
            }),
            "http" => http(ck, f, row, ports).map(Handler::Http),
            "tcp" => read::expr(ck, f, row).and_then(|e| port_ref(ck, e, ports)).map(Handler::Tcp),
            "grpc" => grpc(ck, f, row, ports),
            _ => sleep(ck, f, row),
        };
        match h {
            Some(h) if out.is_none() => out = Some(h),
            Some(_) => {}
            None => ok = false,
        }
    }
    out.filter(|_| ok)
}

fn http<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key, ports: &[Port]) -> Option<HttpGet> {
    let (k, v) = read::take(ck, f, row)?;
    let mut hf = read::block(ck, row, v, "an `http` check", "http = { path: \"/healthz\", port: 8080 }")?;
    let mut ok = true;
    let path_given = hf.peek_span(&schema::HTTP_PATH).is_some();
    let path = read::string(ck, &mut hf, &schema::HTTP_PATH).map(|(p, _)| p);
    ok &= !path_given || path.is_some();
    let port = match read::expr(ck, &mut hf, &schema::HTTP_PORT) {
        Some(e) => port_ref(ck, e, ports),
        None => {
            ck.report(
                Diagnostic::error(Code::MissingKey, k.span.to(v.span()), "an `http` check needs a `port`")
                    .label("which port?")
                    .help("add `port: 8080`, or the name of one of the container's `ports`"),
            );
            None
        }
    };
    let scheme_given = hf.peek_span(&schema::HTTP_SCHEME).is_some();
    let scheme = read::choice(ck, &mut hf, &schema::HTTP_SCHEME).map(|(s, _)| s);
    ok &= !scheme_given || scheme.is_some();
    let host_given = hf.peek_span(&schema::HTTP_HOST).is_some();
    let host = read::string(ck, &mut hf, &schema::HTTP_HOST).map(|(h, span)| crate::ir::Written::at(h, span));
    ok &= !host_given || host.is_some();
    let mut headers = Vec::new();
    if hf.peek_span(&schema::HTTP_HEADERS).is_some() {
        match read::string_map(ck, &mut hf, &schema::HTTP_HEADERS) {
            Some((entries, _)) => {
                for (key, value) in entries {
                    let valid =
                        !key.text.is_empty() && key.text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
                    if !valid {
                        ck.report(
                            Diagnostic::error(
                                Code::HttpHeader,
                                key.span,
                                format!("`{}` is not an HTTP header name Kubernetes accepts", key.text),
                            )
                            .label("invalid header name")
                            .help("header names have letters, digits and `-` only, e.g. `X-Probe` or `Authorization`"),
                        );
                        ok = false;
                        continue;
                    }
                    headers.push((key.text.clone(), value));
                }
            }
            None => ok = false,
        }
    }
    hf.finish(ck);
    let port = port?;
    ok.then_some(HttpGet { path, port, scheme, host, headers })
}

fn grpc<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key, ports: &[Port]) -> Option<Handler> {
    let (k, v) = read::take(ck, f, row)?;
    if let Value::Expr(e) = v
        && !matches!(ck.resolve(e)?.0.kind, ExprKind::Map(_))
    {
        let (r, _) = ck.resolve(e)?;
        if matches!(r.kind, ExprKind::Word(_) | ExprKind::Str(_)) {
            let name = match &r.kind {
                ExprKind::Word(w) => w.clone(),
                _ => ck.string(r, "a gRPC port")?,
            };
            let number = ports.iter().find(|p| p.name.as_deref() == Some(&name)).map(|p| p.container_port);
            ck.report(
                Diagnostic::error(Code::TypeMismatch, r.span, "a `grpc` check takes a port number, not a name")
                    .label("a name")
                    .help(match number {
                        Some(n) => {
                            format!("Kubernetes' gRPC check has no named ports: write `grpc = {n}` (the port `{name}`)")
                        }
                        None => {
                            "Kubernetes' gRPC check has no named ports: write the number, e.g. `grpc = 9090`".into()
                        }
                    }),
            );
            return None;
        }
        let port = ck.int(e, "a gRPC port", 1, 65535)?;
        return Some(Handler::Grpc { port: port as i32, service: None });
    }
    let mut gf = read::block(ck, row, v, "a `grpc` check", "grpc = { port: 9090, service: \"ready\" }")?;
    let port_given = gf.peek_span(&schema::GRPC_PORT).is_some();
    let port = read::int32(ck, &mut gf, &schema::GRPC_PORT);
    let service_given = gf.peek_span(&schema::GRPC_SERVICE).is_some();
    let service = read::string(ck, &mut gf, &schema::GRPC_SERVICE).map(|(s, _)| s);
    gf.finish(ck);
    if !port_given {
        ck.report(
            Diagnostic::error(Code::MissingKey, k.span.to(v.span()), "a `grpc` check needs a `port`")
                .label("which port?")
                .help("add `port: 9090` (gRPC checks take a port number, not a name)"),
        );
    }
    if service_given && service.is_none() {
        return None;
    }
    Some(Handler::Grpc { port: port?, service })
}

fn sleep<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key) -> Option<Handler> {
    let (seconds, span) = read::seconds(ck, f, row)?;
    // A zero sleep is allowed from 1.33 (PodLifecycleSleepActionAllowZero, beta there);
    // below the gate of `sleep` itself, the gate was reported.
    let sleep_known = row.gate.is_none_or(|g| ck.kube.minor >= g.beta);
    if seconds == 0 && sleep_known && ck.kube.minor < 33 {
        ck.report(
            Diagnostic::error(
                Code::ProbeTiming,
                span,
                format!("`sleep = 0s` needs Kubernetes 1.33; the target is {}", ck.kube),
            )
            .label("zero sleep")
            .help("sleep at least `1s`, or remove the hook"),
        );
        return None;
    }
    Some(Handler::Sleep { seconds, span })
}

/// A port by number, or by the name of one of the container's ports.
fn port_ref<'a>(ck: &mut Checker<'a>, e: &'a ast::Expr, ports: &[Port]) -> Option<PortRef> {
    let known = |w: &str| ports.iter().any(|p| p.name.as_deref() == Some(w));
    // A port name of this container wins over a `let` of the same name.
    if let ExprKind::Word(w) = &e.kind
        && known(w)
    {
        return Some(PortRef::Name(w.clone()));
    }
    let (r, _) = ck.resolve(e)?;
    let name = match &r.kind {
        ExprKind::Word(w) => w.clone(),
        ExprKind::Str(_) => ck.string(r, "a port")?,
        _ => return ck.int(e, "a port", 1, 65535).map(|n| PortRef::Number(n as i32)),
    };
    if known(&name) {
        return Some(PortRef::Name(name));
    }
    let names: Vec<&str> = ports.iter().filter_map(|p| p.name.as_deref()).collect();
    let help = did_you_mean(&name, names.iter().copied(), || {
        if names.is_empty() {
            format!("name it in the container's ports (`ports = {{ {name}: 8080 }}`), or write the port number")
        } else {
            format!(
                "the container's ports are named: {}",
                names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            )
        }
    });
    let d = Diagnostic::error(Code::UnknownPort, r.span, format!("this container has no port named `{name}`"))
        .label("not one of its ports")
        .help(help);
    let d = ck.text_fix(d, r.span, crate::diag::closest(&name, names.iter().copied()));
    ck.report(d);
    None
}

/// A duration Kubernetes keeps in a 32-bit count of seconds.
fn seconds32<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key, ok: &mut bool) -> Option<i32> {
    let given = f.peek_span(row).is_some();
    let Some((s, span)) = read::seconds(ck, f, row) else {
        *ok &= !given;
        return None;
    };
    match i32::try_from(s) {
        Ok(n) => Some(n),
        Err(_) => {
            ck.report(
                Diagnostic::error(
                    Code::OutOfRange,
                    span,
                    format!("`{}` must be at most {} seconds", row.key, i32::MAX),
                )
                .label("too long")
                .help("Kubernetes keeps this duration in 32 bits: write a shorter one"),
            );
            *ok = false;
            None
        }
    }
}

// ---- rules across the pod's containers

/// Port names and host ports across the pod, probes on init containers, hooks'
/// sleeps against the grace period; `false` when one is broken (reported).
pub(super) fn pod(ck: &mut Checker, pod: &Pod) -> bool {
    let mut ok = true;
    let all = || pod.containers.iter().chain(&pod.init_containers);
    if all().all(|c| c.ports.is_empty() && c.probes.is_none()) {
        return true;
    }
    // A native sidecar (an init container with `restart = always`) runs beside the
    // others, so Kubernetes allows it probes and hooks; a plain init container not.
    for c in pod.init_containers.iter().filter(|c| !matches!(c.restart, Some(("Always", _)))) {
        for (key, span) in c.probes.iter().flat_map(|p| p.spans()) {
            ck.report(
                Diagnostic::error(
                    Code::InitContainerProbe,
                    span,
                    format!("init container `{}` cannot have `{key}`", c.name),
                )
                .label("not for an init container")
                .help("an init container runs to completion before the others start: move the probe or hook to a `container`, or make it a sidecar with `restart = always`"),
            );
            ok = false;
        }
    }
    ok &= ports::across_pod(ck, all().flat_map(|c| &c.ports).collect());
    let grace = pod.termination_grace_seconds.unwrap_or(30);
    for c in all() {
        let Some(p) = &c.probes else { continue };
        for h in [&p.post_start, &p.pre_stop].into_iter().flatten() {
            if let Handler::Sleep { seconds, span } = h.handler
                && seconds > grace
            {
                let said =
                    if pod.termination_grace_seconds.is_some() { "its `grace-period`" } else { "the default 30s" };
                ck.report(
                    Diagnostic::error(
                        Code::ProbeTiming,
                        span,
                        format!("the hook sleeps {seconds}s but the pod's grace period is {grace}s"),
                    )
                    .label("longer than the grace period")
                    .help(format!(
                        "the pod is killed after {said}: sleep less, or raise the workload's `grace-period`"
                    )),
                );
                ok = false;
            }
        }
    }
    ok
}
