//! Kubernetes' rules for names: object names, labels, config keys. Only the
//! rules that decide whether what pipec emits is accepted live here; the full
//! list of metadata rules is its own stage of checks.

use super::Checker;
use crate::diag::{Code, Diagnostic};
pub use crate::naming::label_value_problem;
use crate::naming::{is_dns_label, is_dns_subdomain, label_key_problem, label_name_problem, suggest};
use crate::source::Span;

/// The `pipec.dev/program` label value for a program file: its name without
/// directory and `.pipe`, made into a valid label value.
pub fn program_label(file_name: &str) -> String {
    let stem = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = stem.strip_suffix(".pipe").unwrap_or(stem);
    let mut label: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' })
        .take(63)
        .collect();
    while label.ends_with(|c: char| !c.is_ascii_alphanumeric()) {
        label.pop();
    }
    while label.starts_with(|c: char| !c.is_ascii_alphanumeric()) {
        label.remove(0);
    }
    if label.is_empty() { "program".to_string() } else { label }
}

/// Object names. `max_len` is the kind's practical limit (Job 63, CronJob 52).
pub fn check_object_name(ck: &mut Checker, name: &str, span: Span, kind: &str, max_len: usize) -> bool {
    if !is_dns_subdomain(name) {
        let fix = suggest(name, true);
        ck.report(
            Diagnostic::error(Code::InvalidName, span, format!("`{name}` is not a valid {kind} name"))
                .label("not a DNS-1123 name")
                .help(format!(
                    "names use lowercase letters, digits, `-` and `.`, and start and end with a letter or digit{}",
                    if fix.is_empty() { String::new() } else { format!(": `{fix}`") }
                )),
        );
        return false;
    }
    if name.len() > max_len {
        ck.report(
            Diagnostic::error(
                Code::InvalidName,
                span,
                format!("`{name}` is {} characters; a {kind} name may have at most {max_len}", name.len()),
            )
            .label("too long")
            .help(match kind {
                "Job" => "the name becomes the `job-name` label of every pod, and label values stop at 63".to_string(),
                "CronJob" => "the controller appends an 11-character suffix to make each Job's name".to_string(),
                _ => format!("shorten it to {max_len} characters"),
            }),
        );
        return false;
    }
    true
}

/// Names that must be DNS labels (namespace, container, volume).
/// A DNS-1035 label (a Service's name) starts with a letter.
pub fn starts_with_letter(ck: &mut Checker, name: &str, span: Span, kind: crate::kinds::Kind) -> bool {
    if name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return true;
    }
    ck.report(
        Diagnostic::error(Code::InvalidName, span, format!("`{name}` is not a valid {kind} name"))
            .label("does not start with a letter")
            .help(format!("a {kind} name is also a DNS name in the cluster: start it with a letter, e.g. `s{name}`")),
    );
    false
}

pub fn check_dns_label(ck: &mut Checker, name: &str, span: Span, what: &str, max_len: usize) -> bool {
    if is_dns_label(name) && name.len() <= max_len {
        return true;
    }
    let fix = suggest(name, false);
    ck.report(
        Diagnostic::error(Code::InvalidName, span, format!("`{name}` is not a valid name for {what}"))
            .label("not a DNS label")
            .help(format!(
                "use at most {max_len} lowercase letters, digits and `-`, starting and ending with a letter or digit{}",
                if fix.is_empty() || fix.len() > max_len { String::new() } else { format!(": `{fix}`") }
            )),
    );
    false
}

/// ConfigMap keys: `[-._a-zA-Z0-9]+`.
pub fn check_config_key(ck: &mut Checker, key: &str, span: Span) {
    let ok = !key.is_empty()
        && key.len() <= 253
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !ok || key == "." || key == ".." {
        ck.report(
            Diagnostic::error(Code::InvalidName, span, format!("`{key}` is not a valid ConfigMap key"))
                .label("invalid key")
                .help("keys use letters, digits, `-`, `_` and `.` (it becomes a file name when mounted)"),
        );
    }
}

/// Label keys and values (`labels`, and the keys `node-selector` matches on).
pub fn check_label(ck: &mut Checker, key: &str, key_span: Span, value: Option<(&str, Span)>, set_here: bool) -> bool {
    let mut ok = true;
    if let Some(problem) = label_key_problem(key) {
        ck.report(
            Diagnostic::error(Code::InvalidLabel, key_span, format!("`{key}` is not a valid label key: {problem}"))
                .label("invalid label key")
                .help("a label key is `name` or `prefix/name`: name ≤ 63 of letters, digits, `-`, `_`, `.`; prefix a DNS subdomain"),
        );
        ok = false;
    } else if set_here && (key.starts_with("kubernetes.io/") || key.starts_with("k8s.io/")) {
        ck.report(
            Diagnostic::warning(
                Code::InvalidLabel,
                key_span,
                format!("`{key}` uses a prefix reserved for Kubernetes itself"),
            )
            .label("reserved prefix")
            .help("use your own prefix, e.g. `example.com/…`, or a recommended one such as `app.kubernetes.io/name`"),
        );
    }
    if let Some((value, span)) = value
        && !value.is_empty()
        && let Some(problem) = label_name_problem(value, "value")
    {
        ck.report(
            Diagnostic::error(Code::InvalidLabel, span, format!("`{value}` is not a valid label value: {problem}"))
                .label("invalid label value")
                .help("label values are empty or ≤ 63 letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit; put free text in `annotations`"),
        );
        ok = false;
    }
    ok
}

/// Annotations: keys are label keys; keys and values together ≤ 256 KiB.
pub fn check_annotations(ck: &mut Checker, entries: &[(&crate::ast::Key, String)], span: Span) -> bool {
    let mut ok = true;
    let mut total = 0usize;
    for (k, v) in entries {
        if let Some(problem) = label_key_problem(&k.text) {
            ck.report(
                Diagnostic::error(
                    Code::InvalidLabel,
                    k.span,
                    format!("`{}` is not a valid annotation key: {problem}", k.text),
                )
                .label("invalid annotation key")
                .help("annotation keys follow the label key rules: `name` or `prefix/name`"),
            );
            ok = false;
        }
        total += k.text.len() + v.len();
    }
    if total > 256 * 1024 {
        ck.report(
            Diagnostic::error(
                Code::TooBig,
                span,
                format!("the annotations hold {total} bytes; Kubernetes allows 262144"),
            )
            .label("too large")
            .help("keep annotations small; put large data in a `config` and mount it"),
        );
        ok = false;
    }
    ok
}

/// The labels pipec sets on every object itself, and why: a user's value would be
/// replaced, so writing one is an error rather than silently lost.
pub(super) fn label_not_owned(ck: &mut Checker, key: &str, span: Span) -> bool {
    let why = if key == crate::lower::MANAGED_BY.0 {
        "pipec sets `app.kubernetes.io/managed-by: pipec` on every object, so that a cluster shows who owns it \
         (and `pipec apply --prune` only ever touches its own objects); to hand the objects to another tool, build \
         with `--managed-by NAME` (e.g. `--managed-by Helm`) and remove this label"
    } else if key == crate::lower::PROGRAM_LABEL {
        "pipec sets `pipec.dev/program` to the program's file name on every object: it is how the objects of one \
         program are found again (prune, diff); remove this label, or rename the file to change the value"
    } else {
        return true;
    };
    ck.report(
        Diagnostic::error(Code::OwnedLabel, span, format!("`{key}` is a label pipec sets itself"))
            .label("would be replaced")
            .help(why),
    );
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_labels_are_valid_label_values() {
        assert_eq!(program_label("examples/soak.pipe"), "soak");
        assert_eq!(program_label("dir\\My File!.pipe"), "My-File");
        assert_eq!(program_label("---.pipe"), "program");
        assert_eq!(program_label(&"x".repeat(100)).len(), 63);
    }

    #[test]
    fn dns_names() {
        assert!(is_dns_subdomain("stable-test"));
        assert!(is_dns_subdomain("a.b"));
        assert!(!is_dns_subdomain("Stable"));
        assert!(!is_dns_subdomain("-a"));
        assert!(!is_dns_label("a.b"));
        assert_eq!(suggest("My_Job", false), "my-job");
    }
}
