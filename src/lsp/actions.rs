//! Code actions and formatting, each behind one adapter function: the fixes of a diagnostic
//! ([`fixes`]: the structured fixes the checker attaches, `Diagnostic::fixes`) and the formatted
//! text of a file ([`format`]: `pipec fmt`'s printer, `fmt::format_source`).

use crate::diag::Diagnostic;
use crate::source::Span;

/// A replacement that fixes a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
    pub title: String,
}

/// The fixes of a diagnostic, best first, as the checker gives them ("did you mean `x`?"
/// comes with the edit that writes `x`).
pub fn fixes(d: &Diagnostic) -> Vec<Fix> {
    d.fixes.iter().map(|f| Fix { span: f.span, replacement: f.replacement.clone(), title: f.title.clone() }).collect()
}

/// The file in the canonical layout (`pipec fmt`'s printer); its diagnostics when it does not
/// parse. `None` would mean no formatter (the capability is then not advertised).
pub fn format(name: &str, text: &str) -> Option<Result<String, Vec<Diagnostic>>> {
    Some(crate::fmt::format_source(name, text))
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
    fn the_diagnostics_fixes_are_the_actions() {
        let span = Span::new(FileId(0), 21, 28);
        let d = Diagnostic::error(Code::UnknownKey, span, "unknown key").fix(span, "retries", "write `retries`");
        let fixes = fixes(&d);
        assert_eq!(fixes, [Fix { span, replacement: "retries".into(), title: "write `retries`".into() }]);
        assert!(super::fixes(&Diagnostic::error(Code::UnknownKey, span, "unknown key")).is_empty());
    }
}
