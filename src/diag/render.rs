//! The one place diagnostics become text: miette's graphical report for
//! terminals, one JSON object per line for machines.
//!
//! Control characters (ESC, BEL, NUL, DEL, the C1 range; all but tab and line
//! ends) are shown escaped as `\u{1b}` in terminal output — in source lines and
//! in messages — never sent raw: ESC would start a terminal control sequence.
//! JSON and SARIF escape them already.

use super::{Diagnostic, Label, Severity};
use crate::source::SourceMap;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report};

/// Terminal width used for wrapping; fixed so snapshots do not depend on the terminal.
const WIDTH: usize = 100;

/// Renders one diagnostic the way a user sees it on a terminal.
pub fn human(diag: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    let file = diag.primary.as_ref().map(|p| p.span.file);
    let source = file.map(|f| Escaped::new(&sources.get(f).text));
    let span_range = |l: &Label| match &source {
        Some(s) => s.offset(l.span.start as usize)..s.offset(l.span.end as usize),
        None => l.span.start as usize..l.span.end as usize,
    };
    let mut report = MietteDiagnostic::new(visible(&diag.message)).with_code(diag.code.as_str()).with_severity(
        match diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
    );
    let mut labels = Vec::new();
    // Labels in another file than the primary one cannot be drawn in the same
    // snippet; they become notes under the help line instead.
    let mut notes = Vec::new();
    if let Some(p) = &diag.primary {
        let text = (!p.message.is_empty()).then(|| visible(&p.message).into_owned());
        labels.push(LabeledSpan::new_primary_with_span(text, span_range(p)));
    }
    for l in &diag.secondary {
        if Some(l.span.file) == file {
            labels.push(LabeledSpan::new_with_span(Some(visible(&l.message).into_owned()), span_range(l)));
        } else {
            let f = sources.get(l.span.file);
            let (line, col) = f.line_col(l.span.start);
            notes.push(format!("{}: {}:{line}:{col}", visible(&l.message), visible(&f.name)));
        }
    }
    report = report.with_labels(labels);
    let mut help = diag.help.as_deref().map(visible).unwrap_or_default().into_owned();
    for n in notes {
        if !help.is_empty() {
            help.push('\n');
        }
        help.push_str(&n);
    }
    if !help.is_empty() {
        report = report.with_help(help);
    }
    let mut report = Report::new(report);
    if let (Some(file), Some(source)) = (file, source) {
        let f = sources.get(file);
        let name = visible(&f.name).into_owned();
        let at = diag.primary.as_ref().map(|p| {
            let (line, column) = f.line_col(p.span.start);
            (source.offset(p.span.start as usize), line - 1, column - 1)
        });
        report = match (source.text, at) {
            (std::borrow::Cow::Owned(text), Some(at)) => report.with_source_code(Shown { name, text, primary: at }),
            (_, _) => report.with_source_code(NamedSource::new(name, f.text.clone())),
        };
    }
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    // Long lines wrap at spaces only: a suggested fix such as `rolling(max-surge = 1)`
    // must stay whole so it can be copied.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        // Rendering into a String cannot fail in practice; fall back to one line.
        out = format!("{}[{}]: {}\n", diag.severity.as_str(), diag.code.as_str(), diag.message);
    }
    out
}

/// Whether a character is shown escaped: a control character other than tab
/// and line ends (`\r` counts as one only before `\n`).
fn hidden(c: char, next: Option<char>) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n') && !(c == '\r' && next == Some('\n'))
}

fn escape(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

/// `text` with its control characters escaped (borrowed when there are none).
fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    Escaped::new(text).text
}

/// An escaped source text for miette, which counts the column in the header
/// (`file:line:column`) in the text it is given: here it is the column in the
/// file, as in JSON, whatever escapes stand before it on the line.
struct Shown {
    name: String,
    text: String,
    /// The primary label's offset in `text`, and its 0-based line and column in the file.
    primary: (usize, usize, usize),
}

impl miette::SourceCode for Shown {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self.text.read_span(span, before, after)?;
        let (at, line, column) = self.primary;
        let (line, column) = match (before, after) {
            (0, 0) if span.offset() == at => (line, column),
            _ => (contents.line(), contents.column()),
        };
        let (data, span, lines) = (contents.data(), *contents.span(), contents.line_count());
        Ok(Box::new(miette::MietteSpanContents::new_named(self.name.clone(), data, span, line, column, lines)))
    }
}

/// A source text with its control characters escaped, and how to move a byte
/// offset of the original into it (each escape is longer than its character).
struct Escaped<'t> {
    text: std::borrow::Cow<'t, str>,
    /// `(offset in the original, bytes added by this escape and all before it)`.
    shifts: Vec<(usize, usize)>,
}

impl<'t> Escaped<'t> {
    fn new(original: &'t str) -> Escaped<'t> {
        let needed = |(i, c): (usize, char)| hidden(c, original[i + c.len_utf8()..].chars().next());
        // The common case, a file without control characters, costs one scan and no copy.
        if !original.char_indices().any(needed) {
            return Escaped { text: original.into(), shifts: Vec::new() };
        }
        let mut text = String::with_capacity(original.len() + 16);
        let mut shifts = Vec::new();
        let mut added = 0;
        for (i, c) in original.char_indices() {
            if needed((i, c)) {
                let e = escape(c);
                added += e.len() - c.len_utf8();
                shifts.push((i, added));
                text.push_str(&e);
            } else {
                text.push(c);
            }
        }
        Escaped { text: text.into(), shifts }
    }

    /// Where byte `offset` of the original is in the escaped text.
    fn offset(&self, offset: usize) -> usize {
        match self.shifts.partition_point(|(at, _)| *at < offset) {
            0 => offset,
            n => offset + self.shifts[n - 1].1,
        }
    }
}

/// One JSON object (a single line) per diagnostic:
/// `{code, severity, message, file, line, column, end: {line, column}, help, labels, fixes}`;
/// a fix is `{title, replacement, file, line, column, end: {line, column}, offset, end_offset}`
/// (the text `offset..end_offset`, in bytes, becomes `replacement`).
pub fn json(diag: &Diagnostic, sources: &SourceMap) -> String {
    let position = |l: &Label| {
        let f = sources.get(l.span.file);
        let (line, column) = f.line_col(l.span.start);
        let (end_line, end_column) = f.line_col(l.span.end);
        (f.name.clone(), line, column, end_line, end_column)
    };
    let mut obj = serde_json::json!({
        "code": diag.code.as_str(),
        "severity": diag.severity.as_str(),
        "message": diag.message,
        "help": diag.help,
    });
    if let Some(p) = &diag.primary {
        let (file, line, column, end_line, end_column) = position(p);
        obj["file"] = file.into();
        obj["line"] = line.into();
        obj["column"] = column.into();
        obj["end"] = serde_json::json!({ "line": end_line, "column": end_column });
        if !p.message.is_empty() {
            obj["label"] = p.message.clone().into();
        }
    }
    let labels: Vec<_> = diag
        .secondary
        .iter()
        .map(|l| {
            let (file, line, column, end_line, end_column) = position(l);
            serde_json::json!({
                "message": l.message, "file": file, "line": line, "column": column,
                "end": { "line": end_line, "column": end_column },
            })
        })
        .collect();
    obj["labels"] = labels.into();
    let fixes: Vec<_> = diag
        .fixes
        .iter()
        .map(|fix| {
            let f = sources.get(fix.span.file);
            let (line, column) = f.line_col(fix.span.start);
            let (end_line, end_column) = f.line_col(fix.span.end);
            serde_json::json!({
                "title": fix.title, "replacement": fix.replacement, "file": f.name,
                "line": line, "column": column, "end": { "line": end_line, "column": end_column },
                "offset": fix.span.start, "end_offset": fix.span.end,
            })
        })
        .collect();
    obj["fixes"] = fixes.into();
    obj.to_string()
}

/// One SARIF 2.1.0 log for all diagnostics, for CI code scanning.
pub fn sarif(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let location = |l: &Label| {
        let f = sources.get(l.span.file);
        let (line, column) = f.line_col(l.span.start);
        let (end_line, end_column) = f.line_col(l.span.end);
        serde_json::json!({
            "physicalLocation": {
                "artifactLocation": { "uri": f.name },
                "region": { "startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column },
            },
            "message": { "text": l.message },
        })
    };
    // SARIF's form of an edit: the region deleted and the text put there.
    let fix = |x: &super::Fix| {
        let f = sources.get(x.span.file);
        let (line, column) = f.line_col(x.span.start);
        let (end_line, end_column) = f.line_col(x.span.end);
        serde_json::json!({
            "description": { "text": x.title },
            "artifactChanges": [{
                "artifactLocation": { "uri": f.name },
                "replacements": [{
                    "deletedRegion": { "startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column },
                    "insertedContent": { "text": x.replacement },
                }],
            }],
        })
    };
    let mut used: Vec<super::Code> = diags.iter().map(|d| d.code).collect();
    used.sort();
    used.dedup();
    let rules: Vec<_> = used
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.as_str(),
                "shortDescription": { "text": c.title() },
                "help": { "text": format!("Run `pipec explain {}` for the full page.", c.as_str()) },
            })
        })
        .collect();
    let results: Vec<_> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            serde_json::json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": used.iter().position(|c| *c == d.code),
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": { "text": text },
                "locations": d.primary.iter().map(location).collect::<Vec<_>>(),
                "relatedLocations": d.secondary.iter().map(location).collect::<Vec<_>>(),
                "fixes": d.fixes.iter().map(fix).collect::<Vec<_>>(),
            })
        })
        .collect();
    let log = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "pipec",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}
