//! Kubernetes' rules for names: object names, labels, config keys. Only the
//! rules that decide whether what pipec emits is accepted live here; the full
//! list of metadata rules is its own stage of checks.

use super::Checker;
use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// The `pipec.dev/program` label value for a program file: its name without
/// directory and `.pipe`, made into a valid label value.
pub fn program_label(file_name: &str) -> String {
    let stem = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = stem.strip_suffix(".pipe").unwrap_or(stem);
    let mut label: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(63)
        .collect();
    while label.ends_with(|c: char| !c.is_ascii_alphanumeric()) {
        label.pop();
    }
    while label.starts_with(|c: char| !c.is_ascii_alphanumeric()) {
        label.remove(0);
    }
    if label.is_empty() {
        "program".to_string()
    } else {
        label
    }
}

/// DNS-1123 subdomain: lowercase alphanumerics, `-` and `.`, alphanumeric at both ends.
fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

fn is_dns_label(s: &str) -> bool {
    is_dns_subdomain(s) && !s.contains('.')
}

/// A suggested valid spelling: lowercase, other characters as `-`.
fn suggest(s: &str, allow_dot: bool) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            'a'..='z' | '0'..='9' | '-' => c,
            '.' if allow_dot => c,
            _ => '-',
        })
        .collect();
    mapped
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string()
}

/// Object names. `max_len` is the kind's practical limit (Job 63, CronJob 52).
pub fn check_object_name(
    ck: &mut Checker,
    name: &str,
    span: Span,
    kind: &str,
    max_len: usize,
) -> bool {
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
            Diagnostic::error(Code::InvalidName, span, format!("`{name}` is {} characters; a {kind} name may have at most {max_len}", name.len()))
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
pub fn check_dns_label(
    ck: &mut Checker,
    name: &str,
    span: Span,
    what: &str,
    max_len: usize,
) -> bool {
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
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !ok || key == "." || key == ".." {
        ck.report(
            Diagnostic::error(
                Code::InvalidName,
                span,
                format!("`{key}` is not a valid ConfigMap key"),
            )
            .label("invalid key")
            .help(
                "keys use letters, digits, `-`, `_` and `.` (it becomes a file name when mounted)",
            ),
        );
    }
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
