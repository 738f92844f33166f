//! One clear message per failure, never the client's stack of nested errors:
//! an unreachable server, rejected credentials, a missing permission (which
//! verb on which resource), a missing namespace, a kind the cluster does not
//! serve, fields another manager owns, a Job template that cannot change.
//! A [`Problem::Fatal`] ends the run (every other request would fail alike).

use super::connect::{Connection, one_line};
use kube::core::Status;

#[derive(Debug)]
pub enum Problem {
    Fatal(String),
    Object(String),
    /// A Job's pod template changed: deleting and recreating it (`--replace`) is the way.
    ImmutableTemplate(String),
}

/// What was being done when the error came: for the message.
pub struct Doing<'a> {
    /// `patch`, `list`, `delete`, `get`, `watch`.
    pub verb: &'a str,
    /// `job qa/train`, or `jobs in qa` for a list.
    pub what: String,
    /// `jobs.batch`
    pub resource: String,
    pub namespace: Option<&'a str>,
    pub kind: &'a str,
    pub api_version: &'a str,
}

pub fn is_conflict(s: &Status) -> bool {
    s.code == 409 && s.details.as_ref().is_some_and(|d| d.causes.iter().any(|c| c.reason == "FieldManagerConflict"))
}

/// The namespace a 404 says does not exist.
pub fn missing_namespace(e: &kube::Error) -> Option<String> {
    match e {
        kube::Error::Api(s) if s.code == 404 => {
            s.details.as_ref().filter(|d| d.kind == "namespaces").map(|d| d.name.clone())
        }
        _ => None,
    }
}

pub fn classify(e: &kube::Error, conn: &Connection, doing: &Doing) -> Problem {
    let what = &doing.what;
    match e {
        kube::Error::Api(s) => match s.code {
            401 => Problem::Fatal(format!(
                "the API server at {} rejected the credentials of user `{}` (context `{}`): 401 Unauthorized — they may have expired; log in again and retry",
                conn.url, conn.user, conn.context
            )),
            403 => {
                let scope = match doing.namespace {
                    Some(ns) => format!("in namespace `{ns}`"),
                    None => "at cluster scope".into(),
                };
                Problem::Fatal(format!(
                    "not allowed to {} {} {scope} (user `{}`, context `{}`): pipec needs the `{}` permission on `{}` there; the server said: {}",
                    doing.verb, doing.resource, conn.user, conn.context, doing.verb, doing.resource, s.message
                ))
            }
            404 if s.details.as_ref().is_some_and(|d| d.kind == "namespaces") => {
                let ns = s.details.as_ref().map(|d| d.name.clone()).unwrap_or_default();
                Problem::Fatal(format!(
                    "namespace `{ns}` does not exist in the cluster (context `{}`): declare it in the program or create it first (`kubectl create namespace {ns}`)",
                    conn.context
                ))
            }
            404 if s.message.contains("could not find the requested resource") => Problem::Fatal(format!(
                "the cluster (context `{}`) does not serve {} ({}): is the operator or CRD that provides it installed?",
                conn.context, doing.kind, doing.api_version
            )),
            409 if is_conflict(s) => {
                let mut text = format!("{what}: fields owned by another field manager (pipec would change them):");
                for c in s.details.iter().flat_map(|d| &d.causes) {
                    let owner = c.message.split('"').nth(1).unwrap_or(&c.message);
                    text.push_str(&format!("\n    {}  owned by `{owner}`", c.field));
                }
                text.push_str("\n  pass --force-conflicts to take them over (the other manager may set them back)");
                Problem::Object(text)
            }
            422 if doing.kind == "Job"
                && s.message.contains("field is immutable")
                && s.details
                    .as_ref()
                    .is_some_and(|d| d.causes.iter().any(|c| c.field.starts_with("spec.template"))) =>
            {
                Problem::ImmutableTemplate(format!(
                    "{what}: its pod template changed, and a Job's template cannot be changed in place; rerun with --replace to delete the Job (and its pods) and create it again"
                ))
            }
            code => Problem::Object(format!("{what}: the API server refused it ({code} {}): {}", s.reason, s.message)),
        },
        other if unreachable(other) => Problem::Fatal(format!(
            "cannot reach the API server at {} (context `{}`): {} — is the cluster running, and is this the right context?",
            conn.url,
            conn.context,
            short_cause(other)
        )),
        other => Problem::Object(format!("{what}: {}", one_line(other))),
    }
}

fn chain(e: &dyn std::error::Error) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        out.push(s.to_string());
        source = s.source();
    }
    out
}

fn io_kinds(e: &(dyn std::error::Error + 'static)) -> Vec<std::io::ErrorKind> {
    let mut out = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            out.push(io.kind());
        }
        source = s.source();
    }
    out
}

/// No connection could be made at all (refused, no route, no such host).
pub fn unreachable(e: &kube::Error) -> bool {
    if matches!(e, kube::Error::Api(_)) {
        return false;
    }
    let kinds = io_kinds(e);
    kinds.iter().any(|k| {
        matches!(
            k,
            std::io::ErrorKind::ConnectionRefused
                | std::io::ErrorKind::HostUnreachable
                | std::io::ErrorKind::NetworkUnreachable
        )
    }) || chain(e).iter().any(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("connection refused")
            || t.contains("dns error")
            || t.contains("no route to host")
            || t.contains("failed to lookup")
    })
}

/// A connection that broke or timed out mid-request: worth another try.
pub fn transient(e: &kube::Error) -> bool {
    if matches!(e, kube::Error::Api(_)) || unreachable(e) {
        return false;
    }
    let kinds = io_kinds(e);
    kinds.iter().any(|k| {
        matches!(
            k,
            std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::TimedOut
        )
    }) || chain(e).iter().any(|t| {
        let t = t.to_ascii_lowercase();
        [
            "connection closed",
            "connection reset",
            "broken pipe",
            "incomplete message",
            "end of file",
            "timed out",
            "canceled",
            "connection error",
            "sendrequest",
        ]
        .iter()
        .any(|p| t.contains(p))
    })
}

/// The innermost cause, which says what happened (`Connection refused (os error 111)`).
fn short_cause(e: &kube::Error) -> String {
    chain(e).pop().unwrap_or_default()
}
