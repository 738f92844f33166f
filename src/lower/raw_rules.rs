//! The rules the checker applies, applied again to what `raw` patches set. A patch
//! can set any field, so without this it would bypass them: a Job patched to
//! `restartPolicy: Always`, an invalid name, a label pipec owns, a field newer
//! than `--kube-version`. Runs only on objects that have patches, on the patched
//! object as JSON; each finding is reported at the patch that set the field.

use crate::diag::{Code, Diagnostic};
use crate::ir::{Program, RawPatch};
use crate::kinds::Kind;
use crate::lower::meta::{MANAGED_BY, PROGRAM_LABEL};
use crate::naming;
use crate::schema;
use serde_json::Value;

/// Where each Kubernetes type starts in an object of `kind`, as path segments
/// (`[]` stands for any index), longest first.
fn types(kind: Kind) -> &'static [(&'static [&'static str], &'static str)] {
    match kind {
        Kind::Job => &[
            (&["spec", "template", "spec", "containers[]"], "Container"),
            (&["spec", "template", "spec", "initContainers[]"], "Container"),
            (&["spec", "template", "spec"], "PodSpec"),
            (&["spec", "template"], "PodTemplateSpec"),
            (&["spec"], "JobSpec"),
            (&["metadata"], "ObjectMeta"),
        ],
        Kind::CronJob => &[
            (&["spec", "jobTemplate", "spec", "template", "spec", "containers[]"], "Container"),
            (&["spec", "jobTemplate", "spec", "template", "spec", "initContainers[]"], "Container"),
            (&["spec", "jobTemplate", "spec", "template", "spec"], "PodSpec"),
            (&["spec", "jobTemplate", "spec", "template"], "PodTemplateSpec"),
            (&["spec", "jobTemplate", "spec"], "JobSpec"),
            (&["spec"], "CronJobSpec"),
            (&["metadata"], "ObjectMeta"),
        ],
        Kind::DaemonSet => &[
            (&["spec", "template", "spec", "containers[]"], "Container"),
            (&["spec", "template", "spec", "initContainers[]"], "Container"),
            (&["spec", "template", "spec"], "PodSpec"),
            (&["spec", "template"], "PodTemplateSpec"),
            (&["spec"], "DaemonSetSpec"),
            (&["metadata"], "ObjectMeta"),
        ],
        Kind::Deployment => &[
            (&["spec", "template", "spec", "containers[]"], "Container"),
            (&["spec", "template", "spec", "initContainers[]"], "Container"),
            (&["spec", "template", "spec"], "PodSpec"),
            (&["spec", "template"], "PodTemplateSpec"),
            (&["spec"], "DeploymentSpec"),
            (&["metadata"], "ObjectMeta"),
        ],
        _ => &[(&["metadata"], "ObjectMeta")],
    }
}

/// `containers[0]` → `containers[]`; other segments as they are.
fn generic(seg: &str) -> std::borrow::Cow<'_, str> {
    match seg.split_once('[') {
        Some((name, _)) => format!("{name}[]").into(),
        None => seg.into(),
    }
}

/// The pod template's path in an object of `kind`.
fn template(kind: Kind) -> Option<&'static [&'static str]> {
    match kind {
        Kind::Job | Kind::DaemonSet | Kind::Deployment => Some(&["spec", "template"]),
        Kind::CronJob => Some(&["spec", "jobTemplate", "spec", "template"]),
        _ => None,
    }
}

fn at<'v>(json: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(json, |v, seg| v.get(seg))
}

/// The patch that set `field` (or an object around it, or a field inside it).
fn setter<'p>(patches: &'p [RawPatch], field: &[&str]) -> Option<&'p RawPatch> {
    let field: Vec<&str> = field.to_vec();
    patches.iter().rev().find(|p| {
        let segs: Vec<String> = p.path.split('.').map(|s| s.split('[').next().unwrap_or(s).to_string()).collect();
        let n = segs.len().min(field.len());
        segs[..n].iter().zip(&field[..n]).all(|(a, b)| a == b)
    })
}

pub(super) fn recheck(kind: Kind, json: &Value, patches: &[RawPatch], program: &Program, diags: &mut Vec<Diagnostic>) {
    gates(kind, patches, program, diags);
    restart_policy(kind, json, patches, diags);
    names(kind, json, patches, diags);
    labels(kind, json, patches, program, diags);
}

/// A patched field newer than the target version: as the key for it would be.
fn gates(kind: Kind, patches: &[RawPatch], program: &Program, diags: &mut Vec<Diagnostic>) {
    let target = program.kube_version;
    for p in patches {
        let segs: Vec<std::borrow::Cow<str>> = p.path.split('.').map(generic).collect();
        let Some((prefix, ty)) = types(kind)
            .iter()
            .find(|(prefix, _)| prefix.len() < segs.len() && prefix.iter().zip(&segs).all(|(a, b)| *a == b.as_ref()))
        else {
            continue;
        };
        let rest = &segs[prefix.len()..];
        let row = schema::all().find(|r| {
            r.gate.is_some()
                && r.k8s_type == *ty
                && r.path.len() <= rest.len()
                && r.path.iter().zip(rest).all(|(a, b)| *a == b.as_ref())
        });
        let Some(row) = row else { continue };
        let Some(g) = row.gate else { continue };
        if target.minor < g.beta {
            diags.push(
                Diagnostic::error(
                    Code::FieldTooNew,
                    p.span,
                    format!("`{}` needs Kubernetes 1.{}; the target is {target}", p.path, g.beta),
                )
                .label(format!("{} is unknown to {target} or only alpha there", row.field()))
                .help(format!(
                    "an older API server drops the field silently: target a newer version with `--kube-version 1.{}`, or write the key `{}` and remove this patch",
                    g.beta, row.key
                )),
            );
        } else if target.minor < g.ga {
            diags.push(
                Diagnostic::warning(Code::BetaField, p.span, format!("`{}` is beta in {target} (GA in 1.{})", p.path, g.ga))
                    .label(format!("{} is beta here", row.field()))
                    .help("beta features are on by default but a cluster can switch them off; check your cluster's feature gates"),
            );
        }
    }
}

fn restart_policy(kind: Kind, json: &Value, patches: &[RawPatch], diags: &mut Vec<Diagnostic>) {
    let Some(template) = template(kind) else { return };
    let field: Vec<&str> = template.iter().copied().chain(["spec", "restartPolicy"]).collect();
    let Some(patch) = setter(patches, &field) else { return };
    let policy = at(json, &field).and_then(Value::as_str).unwrap_or("");
    let (allowed, help): (&[&str], &str) = match kind {
        Kind::DaemonSet => (&["Always"], "a DaemonSet keeps its pods running: its pods' restartPolicy is Always"),
        Kind::Deployment => (&["Always"], "a Deployment keeps its pods running: its pods' restartPolicy is Always"),
        _ => (
            &["Never", "OnFailure"],
            "a Job's pods must end: write `restart = never` or `restart = on-failure` instead of the patch",
        ),
    };
    if !allowed.contains(&policy) {
        diags.push(
            Diagnostic::error(
                Code::RestartPolicy,
                patch.span,
                format!("this patch gives a {kind}'s pods `restartPolicy: {policy}`"),
            )
            .label("the API server rejects it")
            .help(help),
        );
    }
}

fn names(kind: Kind, json: &Value, patches: &[RawPatch], diags: &mut Vec<Diagnostic>) {
    for field in ["name", "generateName"] {
        let Some(patch) = setter(patches, &["metadata", field]) else { continue };
        let Some(name) = at(json, &["metadata", field]).and_then(Value::as_str) else { continue };
        let max = kind.name_rule().max_len();
        // A generated name gets five random characters appended, the prefix cut by the
        // API server to fit: only its characters are checked.
        let (checked, max) =
            if field == "generateName" { (name.trim_end_matches('-'), usize::MAX) } else { (name, max) };
        let valid =
            if kind.name_rule().dots() { naming::is_dns_subdomain(checked) } else { naming::is_dns_label(checked) };
        if !valid || name.len() > max {
            diags.push(
                Diagnostic::error(
                    Code::InvalidName,
                    patch.span,
                    format!("this patch gives the {kind} the {field} `{name}`"),
                )
                .label(if valid { "too long" } else { "not a DNS-1123 name" })
                .help(format!(
                    "a {kind} {field} is lowercase letters, digits, `-` and `.`, at most {max} characters: `{}`",
                    naming::suggest(name, kind.name_rule().dots())
                )),
            );
        }
    }
}

fn labels(kind: Kind, json: &Value, patches: &[RawPatch], program: &Program, diags: &mut Vec<Diagnostic>) {
    let mut holders: Vec<Vec<&str>> = vec![vec!["metadata"]];
    if let Some(t) = template(kind) {
        holders.push(t.iter().copied().chain(["metadata"]).collect());
    }
    for holder in &holders {
        let field: Vec<&str> = holder.iter().copied().chain(["labels"]).collect();
        let Some(patch) = setter(patches, &field) else { continue };
        let labels = at(json, &field).and_then(Value::as_object);
        for (key, value) in labels.into_iter().flatten() {
            let value = value.as_str().unwrap_or_default();
            let problem = naming::label_key_problem(key)
                .map(|p| format!("`{key}` is not a valid label key: {p}"))
                .or_else(|| {
                    (!value.is_empty())
                        .then(|| naming::label_name_problem(value, "value"))
                        .flatten()
                        .map(|p| format!("`{value}` is not a valid label value: {p}"))
                });
            if let Some(message) = problem {
                diags.push(
                    Diagnostic::error(Code::InvalidLabel, patch.span, message)
                        .label("set by this patch")
                        .help("label keys are `name` or `prefix/name`; values ≤ 63 letters, digits, `-`, `_`, `.`"),
                );
            }
        }
        if holder.len() == 1 {
            let owned = [(MANAGED_BY.0, program.manager.as_str()), (PROGRAM_LABEL, program.name.as_str())];
            for (key, value) in owned {
                if labels.and_then(|l| l.get(key)).and_then(Value::as_str) != Some(value) {
                    diags.push(
                        Diagnostic::error(Code::OwnedLabel, patch.span, format!("this patch changes the label `{key}`, which pipec sets itself"))
                            .label("would replace pipec's label")
                            .help("pipec's own labels say who owns the object (see `pipec explain P0470`): patch single labels (`\"metadata.labels.team\"`) or use `labels`; `--managed-by NAME` hands the objects to another tool"),
                    );
                }
            }
        }
    }
}
