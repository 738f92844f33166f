//! The core as tools call it: a [`Session`] holds the source files of one run
//! (the [`SourceMap`]), the checking options and the [`Loader`], and answers
//! per file — its syntax tree, its checked program, its Kubernetes objects —
//! with plain data and diagnostics (nothing is rendered here). `build` (through
//! the driver), and later `fmt`, `lsp`, `import` and `apply`, all go through it.

use crate::ast::File;
use crate::check::{self, CheckOptions};
use crate::compose::modules;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::loader::Loader;
use crate::lower::{self, K8sObject};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax;

pub struct Session<'a> {
    sources: SourceMap,
    options: CheckOptions,
    loader: &'a dyn Loader,
    /// Files added as bytes that are not UTF-8, each with its diagnostic: they are
    /// never parsed (their text holds replacement characters, not what was written).
    not_utf8: Vec<(FileId, Diagnostic)>,
}

impl<'a> Session<'a> {
    pub fn new(options: CheckOptions, loader: &'a dyn Loader) -> Session<'a> {
        Session { sources: SourceMap::new(), options, loader, not_utf8: Vec::new() }
    }

    pub fn options(&self) -> &CheckOptions {
        &self.options
    }

    /// The files of the session (those added and the modules they import), for
    /// rendering diagnostics and reading spans.
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    pub fn into_sources(self) -> SourceMap {
        self.sources
    }

    /// A program given as text; `name` is what diagnostics show (a path as typed).
    pub fn add_file(&mut self, name: impl Into<String>, text: impl Into<std::sync::Arc<str>>) -> FileId {
        self.sources.add(name, text)
    }

    /// A program given as the bytes of a file. Bytes that are not UTF-8 are a
    /// diagnostic (P0005) at the first bad byte, not a failure: the file is kept
    /// (with replacement characters, so that the line can be shown) but not parsed.
    pub fn add_bytes(&mut self, name: impl Into<String>, bytes: Vec<u8>) -> FileId {
        let error = match String::from_utf8(bytes) {
            Ok(text) => return self.add_file(name, text),
            Err(e) => e,
        };
        let bad = error.utf8_error();
        let (start, len) = (bad.valid_up_to(), bad.error_len().unwrap_or(1));
        let byte = error.as_bytes()[start];
        // The text before the first bad byte is the same in the lossy copy, so offsets agree.
        let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
        let id = self.add_file(name, text);
        let what = if len == 1 { format!("byte 0x{byte:02X}") } else { format!("bytes from 0x{byte:02X}") };
        let d = Diagnostic::error(
            Code::NotUtf8,
            Span::new(id, start, start + '\u{FFFD}'.len_utf8()),
            "the file is not UTF-8 text",
        )
        .label(format!("{what} is not UTF-8 (shown as �)"))
        .help("pipec reads UTF-8 source; is this the right file? Re-save it as UTF-8 if it is");
        self.not_utf8.push((id, d));
        id
    }

    /// The syntax tree of a file, as far as it parses, and the syntax diagnostics.
    pub fn parse(&self, file: FileId) -> (File, Vec<Diagnostic>) {
        if let Some((_, d)) = self.not_utf8.iter().find(|(id, _)| *id == file) {
            return (File { items: Vec::new(), comments: Vec::new() }, vec![d.clone()]);
        }
        let text = &self.sources.get(file).text;
        syntax::parse_with(file, text, &self.options.limits)
    }

    /// The checked program of a file (partial when there are errors) and every
    /// diagnostic about it, in reading order: syntax, imports, checks, and the
    /// `raw` patches (which can only be checked on the Kubernetes object).
    pub fn check(&mut self, file: FileId) -> (ir::Program, Vec<Diagnostic>) {
        let (program, mut diags) = self.check_with(file, None);
        for o in program.objects.iter().filter(|o| o.has_raw()) {
            lower::lower_item(&program, o, &mut diags, drop);
        }
        sort(&mut diags);
        (program, diags)
    }

    /// The Kubernetes objects of a file, in source order, and every diagnostic
    /// about it. No objects when there is an error: pipec never hands on a
    /// partial result.
    pub fn objects(&mut self, file: FileId) -> (Vec<K8sObject>, Vec<Diagnostic>) {
        let (program, diags) = self.check(file);
        if diags.iter().any(Diagnostic::is_error) {
            return (Vec::new(), diags);
        }
        let (mut objects, mut checked_above) = (Vec::new(), Vec::new());
        for o in &program.objects {
            lower::lower_item(&program, o, &mut checked_above, |k| objects.push(k));
        }
        (objects, diags)
    }

    /// Parses and checks a file, its imports loaded into the session. With a
    /// `sink`, each checked object goes there instead of into the program (the
    /// driver writes them while checking goes on); `raw` patches are not checked.
    pub(crate) fn check_with(&mut self, file: FileId, sink: Option<check::Sink>) -> (ir::Program, Vec<Diagnostic>) {
        let (ast, mut diags) = self.parse(file);
        if self.not_utf8.iter().any(|(id, _)| *id == file) {
            let nothing = ir::Program {
                name: String::new(),
                namespace: None,
                manager: String::new(),
                kube_version: Default::default(),
                target: Default::default(),
                objects: Vec::new(),
                keys: Vec::new(),
            };
            return (nothing, diags);
        }
        let loaded = modules::load(file, &ast, &mut self.sources, self.loader, &self.options.limits, &mut diags);
        let modules: Vec<check::Module> =
            loaded.iter().map(|m| check::Module { name: m.name.clone(), file: &m.ast, failed: m.failed }).collect();
        let input = check::Input { sources: &self.sources, file, ast: &ast, modules: &modules, loader: self.loader };
        let (program, mut check_diags) = check::check(input, &self.options, sink);
        // In an item with an entry that did not parse, a "missing" key may be that entry:
        // the syntax error says it already.
        let broken: Vec<_> = ast.items.iter().filter(|i| syntax::has_error_nodes(i)).map(|i| i.span).collect();
        if !broken.is_empty() {
            check_diags.retain(|d| {
                d.code != crate::diag::Code::MissingKey
                    || !d
                        .primary
                        .as_ref()
                        .is_some_and(|p| broken.iter().any(|b| b.start <= p.span.start && p.span.end <= b.end))
            });
        }
        diags.extend(check_diags);
        (program, diags)
    }
}

/// In reading order: by file, then by position (stable, so related ones stay together).
pub(crate) fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| d.primary.as_ref().map(|p| (p.span.file, p.span.start)));
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::loader::NoFiles;

    fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
        diags.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn a_broken_file_parses_as_far_as_it_can_with_diagnostics() {
        let mut session = Session::new(CheckOptions::default(), &NoFiles);
        let file = session.add_file("broken.pipe", "job a {\n  image = \n}\njob b { image = \"busybox\" }\n");
        let (ast, diags) = session.parse(file);
        assert_eq!(codes(&diags), ["P0010"]);
        assert_eq!(ast.items.len(), 2, "the broken item stays in the tree, and parsing goes on");
        let p = diags[0].primary.as_ref().unwrap();
        assert_eq!(session.sources().get(p.span.file).line_col(p.span.start).0, 2, "at the `=` with no value");
    }

    #[test]
    fn a_good_file_checks_to_objects_of_its_kinds() {
        let mut session = Session::new(CheckOptions::default(), &NoFiles);
        let text = "namespace \"batch\"\nconfig c { data = { a: \"1\" } }\njob j { image = \"busybox:1.36\" }\n\
                    cron nightly { schedule = \"0 3 * * *\", image = \"busybox:1.36\" }\ndaemon d { image = \"busybox:1.36\" }\n";
        let file = session.add_file("good.pipe", text);
        let (program, diags) = session.check(file);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(program.namespace.as_deref(), Some("batch"));
        assert_eq!(program.objects.len(), 4);
        let (objects, diags) = session.objects(file);
        assert!(diags.is_empty());
        let kinds: Vec<&str> = objects.iter().map(|o| o.kind().as_str()).collect();
        assert_eq!(kinds, ["ConfigMap", "Job", "CronJob", "DaemonSet"]);
        assert!(objects.iter().all(|o| o.namespace() == Some("batch")));
    }

    #[test]
    fn errors_give_diagnostics_and_no_objects() {
        let mut session = Session::new(CheckOptions::default(), &NoFiles);
        let file = session.add_file("bad.pipe", "job j { image = \"busybox\", completions = \"three\" }\n");
        let (objects, diags) = session.objects(file);
        assert!(objects.is_empty());
        assert_eq!(codes(&diags), ["P0201"]);
    }

    #[test]
    fn raw_patches_are_checked_by_check() {
        let mut session = Session::new(CheckOptions::default(), &NoFiles);
        let file = session.add_file("raw.pipe", "job j {\n  image = \"busybox\"\n  raw { \"spec..x\" = 1 }\n}\n");
        let (_, diags) = session.check(file);
        assert!(!diags.is_empty() && diags.iter().all(Diagnostic::is_error), "{diags:?}");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_a_diagnostic_at_the_first_bad_byte() {
        let mut session = Session::new(CheckOptions::default(), &NoFiles);
        let file = session.add_bytes("latin1.pipe", b"job a {\n  image = \"caf\xe9\"\n}\n".to_vec());
        let (program, diags) = session.check(file);
        assert!(program.objects.is_empty());
        assert_eq!(codes(&diags), ["P0005"]);
        let p = diags[0].primary.as_ref().unwrap();
        assert_eq!(session.sources().get(file).line_col(p.span.start), (2, 15));
        assert_eq!(session.sources().text(p.span), "\u{FFFD}");
        let good = session.add_bytes("good.pipe", b"job a { image = \"caf\xc3\xa9\" }\n".to_vec());
        assert!(session.check(good).1.is_empty());
    }
}
