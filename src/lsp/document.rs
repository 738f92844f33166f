//! One open document: its text, and what the compiler's stages say about it (the syntax tree,
//! the names, the diagnostics), recomputed from the text on every change of this document only.

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range, Uri};

use super::names::Index;
use super::text::LineIndex;
use crate::ast::File;
use crate::check::CheckOptions;
use crate::diag::{Diagnostic, Severity};
use crate::loader::FsLoader;
use crate::session::Session;
use crate::source::{FileId, SourceMap, Span};

pub struct Document {
    pub uri: Uri,
    /// What the compiler calls the file: its path for a `file:` URI (so `import "./x.pipe"` and
    /// `file("…")` are read beside it), the URI otherwise.
    pub name: String,
    pub text: String,
    pub lines: LineIndex,
    pub ast: File,
    pub names: Index,
    /// The compiler's diagnostics of the last check (code actions read their fixes).
    pub diagnostics: Vec<Diagnostic>,
    /// The same, as the protocol publishes them.
    pub published: Vec<lsp_types::Diagnostic>,
    /// The text has syntax errors: the tree lacks the items they are in.
    pub broken: bool,
    /// The file's id in the spans of the tree and the diagnostics.
    file: FileId,
}

impl Document {
    pub fn new(uri: Uri, text: String, options: &CheckOptions) -> Document {
        let name = path_of(&uri).unwrap_or_else(|| uri.as_str().to_string());
        let lines = LineIndex::new(&text);
        let mut doc = Document {
            uri,
            name,
            text,
            lines,
            ast: File { items: Vec::new(), comments: Vec::new() },
            names: Index::default(),
            diagnostics: Vec::new(),
            published: Vec::new(),
            broken: false,
            file: FileId(0),
        };
        doc.analyse(options);
        doc
    }

    /// Parses and checks the text through the session, as `pipec check` would.
    pub fn analyse(&mut self, options: &CheckOptions) {
        self.lines = LineIndex::new(&self.text);
        let mut session = Session::new(options.clone(), &FsLoader);
        let file = session.add_file(self.name.clone(), self.text.as_str());
        self.file = file;
        let (ast, syntax) = session.parse(file);
        let (_, diagnostics) = session.check(file);
        self.broken = !syntax.is_empty();
        self.names = Index::build(&ast);
        self.ast = ast;
        self.published = diagnostics.iter().map(|d| self.to_protocol(d, session.sources(), file)).collect();
        self.diagnostics = diagnostics;
    }

    pub fn range(&self, span: Span) -> Range {
        self.lines.range(&self.text, span.start as usize, span.end as usize)
    }

    /// The span without the blank space after it (an item's span runs up to the next item).
    pub fn trimmed(&self, span: Span) -> Span {
        let text = self.text.get(span.start as usize..span.end as usize).unwrap_or("");
        Span { end: span.start + text.trim_end().len() as u32, ..span }
    }

    pub fn ast_file(&self) -> FileId {
        self.file
    }

    /// The whole text (for an edit that replaces it).
    pub fn range_all(&self) -> Range {
        self.lines.range(&self.text, 0, self.text.len())
    }

    pub fn offset(&self, position: lsp_types::Position) -> usize {
        self.lines.offset(&self.text, position)
    }

    /// The tree of the text with the line at `offset` blanked out: while a line is being typed it
    /// rarely parses, and the item around it would be missing from the tree. Until the parser
    /// recovers inside items, completion reads this tree for the context around the cursor.
    pub fn tree_without_line(&self, offset: usize) -> File {
        let start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = self.text[offset..].find('\n').map_or(self.text.len(), |i| offset + i);
        let mut text = self.text.clone();
        text.replace_range(start..end, &" ".repeat(end - start));
        let mut session = Session::new(CheckOptions::default(), &FsLoader);
        let file = session.add_file(self.name.clone(), text);
        session.parse(file).0
    }

    fn to_protocol(&self, d: &Diagnostic, sources: &SourceMap, file: FileId) -> lsp_types::Diagnostic {
        let mut message = d.message.clone();
        let range = match &d.primary {
            Some(p) if p.span.file == file => self.range(p.span),
            // A problem in an imported file is shown at the top, naming where it is.
            Some(p) => {
                let f = sources.get(p.span.file);
                let (line, col) = f.line_col(p.span.start);
                message = format!("{}:{line}:{col}: {message}", f.name);
                Range::default()
            }
            None => Range::default(),
        };
        if let Some(label) = d.primary.as_ref().map(|p| &p.message).filter(|m| !m.is_empty()) {
            message.push_str(&format!(" ({label})"));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let related: Vec<DiagnosticRelatedInformation> = d
            .secondary
            .iter()
            .filter(|l| l.span.file == file)
            .map(|l| DiagnosticRelatedInformation {
                location: Location { uri: self.uri.clone(), range: self.range(l.span) },
                message: l.message.clone(),
            })
            .collect();
        lsp_types::Diagnostic {
            range,
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(d.code.as_str().to_string())),
            source: Some("pipec".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..Default::default()
        }
    }
}

/// The path of a `file:` URI (percent-escapes decoded), if it is one.
pub fn path_of(uri: &Uri) -> Option<String> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///C:/x` on Windows: the drive letter follows the third slash.
    let rest = match rest.as_bytes() {
        [b'/', _, b':', ..] => &rest[1..],
        _ => rest,
    };
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths() {
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        assert_eq!(path_of(&uri("file:///work/a%20b/x.pipe")).as_deref(), Some("/work/a b/x.pipe"));
        assert_eq!(path_of(&uri("file:///C:/jobs/x.pipe")).as_deref(), Some("C:/jobs/x.pipe"));
        assert_eq!(path_of(&uri("untitled:Untitled-1")), None);
    }
}
