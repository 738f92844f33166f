//! Diagnostics as values: every problem pipec finds is a [`Diagnostic`] with a
//! stable [`Code`], a severity, a primary span, labelled secondary spans and a
//! help line. They are rendered in one place (`render`) for terminals (miette),
//! and as JSON for machines.

mod codes;
pub mod render;

pub use codes::{Code, checks_markdown};

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// An edit that fixes a diagnostic: `replacement` written over `span` (an editor's code action;
/// the terminal shows it in the help line, "did you mean `…`?").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
    /// What the edit does, in a few words: "write `retries`".
    pub title: String,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is; `None` only for problems with no source position.
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// Edits that fix it, best first; empty when no fix is sure enough to offer.
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: Some(Label { span, message: String::new() }),
            secondary: Vec::new(),
            help: None,
            fixes: Vec::new(),
        }
    }
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, span, message) }
    }
    /// The text under the primary caret.
    pub fn label(mut self, text: impl Into<String>) -> Diagnostic {
        if let Some(p) = &mut self.primary {
            p.message = text.into();
        }
        self
    }
    pub fn secondary(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label { span, message: text.into() });
        self
    }
    pub fn help(mut self, text: impl Into<String>) -> Diagnostic {
        self.help = Some(text.into());
        self
    }
    /// Offers an edit: `replacement` over `span`.
    pub fn fix(mut self, span: Span, replacement: impl Into<String>, title: impl Into<String>) -> Diagnostic {
        self.fixes.push(Fix { span, replacement: replacement.into(), title: title.into() });
        self
    }
    /// "did you mean `best`?" as the help, and the edit that writes `best` over `span`.
    pub fn suggest(self, span: Span, best: &str) -> Diagnostic {
        self.help(format!("did you mean `{best}`?")).fix(span, best, format!("write `{best}`"))
    }
    /// [`Diagnostic::suggest`] with the closest of `candidates` to `word`, or `otherwise()` as
    /// the help (and no fix) when none is close.
    pub fn did_you_mean<'a>(
        self,
        span: Span,
        word: &str,
        candidates: impl IntoIterator<Item = &'a str>,
        otherwise: impl FnOnce() -> String,
    ) -> Diagnostic {
        match closest(word, candidates) {
            Some(best) => self.suggest(span, best),
            None => self.help(otherwise()),
        }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Where diagnostics are collected during one compilation.
#[derive(Default, Debug)]
pub struct Diagnostics {
    pub list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.list.extend(other);
    }
}

/// "did you mean" — the closest candidate by edit distance, if it is close enough
/// to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let c_lower = c.to_ascii_lowercase();
            // Same letters, different case/punctuation (`backoffLimit` vs `backoff-limit`) count as distance 0.
            let squash = |s: &str| s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>();
            let d = if squash(&c_lower) == squash(&lower) { 0 } else { strsim::damerau_levenshtein(&lower, &c_lower) };
            (d, c)
        })
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "did you mean `x`?" for the closest candidate, or `otherwise` when none is close.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: impl FnOnce() -> String,
) -> String {
    match closest(word, candidates) {
        Some(best) => format!("did you mean `{best}`?"),
        None => otherwise(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_and_rejects_strangers() {
        let keys = ["completions", "parallelism", "retries", "deadline"];
        assert_eq!(closest("completion", keys), Some("completions"));
        assert_eq!(closest("paralelism", keys), Some("parallelism"));
        assert_eq!(closest("image", keys), None);
        assert_eq!(closest("Dead-line", keys), Some("deadline"));
    }

    #[test]
    fn codes_round_trip_through_text() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(*code));
        }
        assert_eq!(Code::parse("p0001"), Some(Code::Syntax));
        assert_eq!(Code::parse("P9999"), None);
    }
}
