//! Kubernetes' rules for names and labels, as plain functions of text: the checker
//! reports through them (`check/names.rs`), and so does the re-check of what `raw`
//! patches set (`lower/raw_rules.rs`), which runs after checking.

/// DNS-1123 subdomain: lowercase alphanumerics, `-` and `.`, alphanumeric at both ends.
pub fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

pub fn is_dns_label(s: &str) -> bool {
    is_dns_subdomain(s) && !s.contains('.')
}

/// A suggested valid spelling: lowercase, other characters as `-`.
pub fn suggest(s: &str, allow_dot: bool) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            'a'..='z' | '0'..='9' | '-' => c,
            '.' if allow_dot => c,
            _ => '-',
        })
        .collect();
    mapped.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_string()
}

/// Why a label key is invalid, if it is.
pub fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix
        && (p.len() > 253 || !is_dns_subdomain(p))
    {
        return Some(format!("the prefix `{p}` is not a DNS subdomain (lowercase, ≤ 253)"));
    }
    label_name_problem(name, "name part")
}

pub fn label_name_problem(name: &str, what: &str) -> Option<String> {
    if name.is_empty() {
        return Some(format!("the {what} is empty"));
    }
    if name.len() > 63 {
        return Some(format!("the {what} is {} characters, more than 63", name.len()));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
        return Some(format!("the {what} may only hold letters, digits, `-`, `_` and `.`"));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) || !name.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some(format!("the {what} must start and end with a letter or digit"));
    }
    None
}

/// Why `value` is not a valid label value (for command-line values such as `--managed-by`).
pub fn label_value_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("it is empty".into());
    }
    label_name_problem(value, "value")
}
