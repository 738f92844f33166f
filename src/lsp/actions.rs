//! Code actions and formatting, each behind one adapter function: the fixes of a diagnostic
//! ([`fixes`]) and the formatted text of a file ([`format`]). Today the fixes are read from the
//! "did you mean `x`?" help text; when diagnostics carry structured fixes, and when `pipec fmt`'s
//! printer lands, these two functions are what changes.

use crate::diag::Diagnostic;
use crate::source::Span;

/// A replacement that fixes a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
    pub title: String,
}

/// The fixes of a diagnostic: "did you mean `x`?" about a single word under the primary span
/// replaces that word by `x`.
pub fn fixes(d: &Diagnostic, text: &str) -> Vec<Fix> {
    let (Some(primary), Some(help)) = (&d.primary, &d.help) else { return Vec::new() };
    let Some(rest) = help.strip_prefix("did you mean `") else { return Vec::new() };
    let Some((suggested, _)) = rest.split_once('`') else { return Vec::new() };
    let written = text.get(primary.span.start as usize..primary.span.end as usize).unwrap_or("");
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !word(written) || !word(suggested) || written == suggested {
        return Vec::new();
    }
    vec![Fix {
        span: primary.span,
        replacement: suggested.to_string(),
        title: format!("Replace `{written}` with `{suggested}`"),
    }]
}

/// The file in the canonical layout, when the formatter is available (`None`: not yet).
pub fn format(_name: &str, _text: &str) -> Option<Result<String, Vec<Diagnostic>>> {
    None
}

/// Whether [`format`] does anything (formatting is only advertised when it does).
pub fn can_format() -> bool {
    format("", "").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::source::FileId;

    #[test]
    fn did_you_mean_on_a_word_is_a_fix() {
        let text = "job a { image = \"x\", retires = 2 }";
        let span = Span::new(FileId(0), 21, 28);
        let d = Diagnostic::error(Code::Syntax, span, "unknown key").help("did you mean `retries`?");
        let fixes = fixes(&d, text);
        assert_eq!(
            fixes,
            [Fix { span, replacement: "retries".into(), title: "Replace `retires` with `retries`".into() }]
        );
        let other = Diagnostic::error(Code::Syntax, span, "unknown key").help("keys are: `a`, `b`");
        assert!(super::fixes(&other, text).is_empty());
    }
}
