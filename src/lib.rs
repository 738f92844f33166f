//! pipec — a typed language for Kubernetes batch work, and its compiler.
//!
//! The stages run one way: [`syntax`] (text → [`ast`]) → [`check`] (names, types,
//! units, Kubernetes rules → [`ir`]) → [`lower`] (→ k8s-openapi objects) →
//! [`emit`] (→ YAML). The core does no I/O: files named by `file("…")` are read
//! through the [`Loader`] the caller passes in.

pub mod ast;
pub mod check;
pub mod cron;
pub mod diag;
pub mod emit;
pub mod hash;
pub mod ir;
pub mod kinds;
pub mod limits;
pub mod lower;
pub mod modules;
pub mod qos;
pub mod schedule;
pub mod schema;
pub mod security;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod values;
pub mod version;

use diag::{Code, Diagnostic};
use hash::FastMap;
use lower::K8sObject;
use source::SourceMap;

/// Reads the files a program names with `file("…")`.
pub trait Loader {
    /// `path` as written in `program` (the program's name as given to [`compile`]).
    /// The error is a short reason ("no such file", "not UTF-8").
    fn load(&self, program: &str, path: &str) -> Result<String, String>;
}

/// Reads from the file system, relative to the program's directory.
pub struct FsLoader;

impl Loader for FsLoader {
    fn load(&self, program: &str, path: &str) -> Result<String, String> {
        let base = std::path::Path::new(program).parent().unwrap_or(std::path::Path::new(""));
        let full = base.join(path);
        let bytes = std::fs::read(&full).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ if full.is_dir() => "it is a directory".to_string(),
            _ => e.to_string(),
        })?;
        String::from_utf8(bytes)
            .map_err(|_| "it is not UTF-8 text (binary data is not supported in a config)".to_string())
    }
}

/// What a compilation is for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Fields newer than this are errors; beta ones warnings.
    pub kube_version: version::KubeVersion,
    /// Values for the programs' `param`s (`--set name=value`, `--values FILE`), in order: later wins.
    pub params: Vec<(String, check::ParamInput)>,
    /// What to keep of the checked objects.
    pub output: Output,
    /// How much input to accept (`--limit NAME=VALUE`).
    pub limits: limits::Limits,
}

/// What [`compile`] keeps of the checked objects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Output {
    /// The checked objects themselves ([`Compilation::programs`]), for reports and tools.
    #[default]
    Objects,
    /// The YAML, written while checking goes on (on a second thread), each checked
    /// object dropped as soon as it is written.
    Yaml,
}

/// The result of compiling one or more programs.
pub struct Compilation {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    /// The checked programs (also when there are errors), for reports such as QoS.
    /// Their `objects` are empty unless [`Options::output`] is [`Output::Objects`].
    pub programs: Vec<ir::Program>,
    output: Output,
    /// What was written while checking ([`Output::Yaml`]).
    written: Written,
}

/// YAML written during compilation (not shown when there are errors).
#[derive(Default)]
struct Written {
    /// Every object, documents separated by `---`, in pieces of about
    /// [`Written::PIECE`] bytes: one growing string would, at each doubling, briefly
    /// need its old and new copies at once (twice the output in memory).
    pieces: Vec<String>,
    /// Per object: its file name under `-o DIR`, namespace, and where it is (piece, range).
    documents: Vec<(String, Option<String>, usize, std::ops::Range<usize>)>,
}

impl Written {
    const PIECE: usize = 1 << 20;

    /// Appends one document, separated from the previous one by `---`.
    fn push(&mut self, name: String, namespace: Option<String>, write: impl FnOnce(&mut String)) {
        let first = self.documents.is_empty();
        if self.pieces.last().is_none_or(|p| p.len() >= Self::PIECE) {
            self.pieces.push(String::with_capacity(Self::PIECE + Self::PIECE / 4));
        }
        let piece = self.pieces.len() - 1;
        let out = &mut self.pieces[piece];
        if !first {
            out.push_str("---\n");
        }
        let start = out.len();
        write(out);
        self.documents.push((name, namespace, piece, start..out.len()));
    }

    fn text(&self) -> std::borrow::Cow<'_, str> {
        match self.pieces.as_slice() {
            [] => "".into(),
            [one] => one.as_str().into(),
            many => many.concat().into(),
        }
    }
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Every object to emit, in order: none when there are errors (pipec never
    /// emits a partial result).
    fn each_object(&self, mut f: impl FnMut(&ir::Program, &ir::Object)) {
        if self.has_errors() {
            return;
        }
        for p in &self.programs {
            for o in &p.objects {
                f(p, o);
            }
        }
    }

    /// The objects (for tests and tools) when they were kept ([`Output::Objects`]).
    pub fn objects(&self) -> Vec<K8sObject> {
        let mut out = Vec::new();
        let mut ignored = Vec::new(); // `raw` was checked by `compile`
        self.each_object(|p, o| lower::lower_item(p, o, &mut ignored, |k| out.push(k)));
        out
    }

    /// One YAML stream (empty when there are errors).
    pub fn yaml_stream(&self) -> std::borrow::Cow<'_, str> {
        if self.has_errors() {
            return "".into();
        }
        match self.output {
            Output::Yaml => self.written.text(),
            Output::Objects => self.write_kept().text().into_owned().into(),
        }
    }

    /// Writes the YAML stream (nothing when there are errors) without first
    /// joining it into one string.
    pub fn write_yaml(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match (self.has_errors(), self.output) {
            (true, _) => Ok(()),
            (false, Output::Yaml) => self.written.pieces.iter().try_for_each(|p| out.write_all(p.as_bytes())),
            (false, Output::Objects) => out.write_all(self.yaml_stream().as_bytes()),
        }
    }

    /// `(file name, YAML)` per object, for `-o DIR`: `<kind>-<name>.yaml`, with
    /// `<namespace>-` in front when two programs put objects of the same kind and
    /// name in different namespaces (the names would clash otherwise).
    pub fn yaml_files(&self) -> Vec<(String, String)> {
        if self.has_errors() {
            return Vec::new();
        }
        let kept;
        let written = match self.output {
            Output::Yaml => &self.written,
            Output::Objects => {
                kept = self.write_kept();
                &kept
            }
        };
        let mut count: FastMap<&str, usize> = FastMap::default();
        for (name, ..) in &written.documents {
            *count.entry(name).or_default() += 1;
        }
        let files = written.documents.iter().map(|(name, namespace, piece, range)| {
            let text = written.pieces[*piece][range.clone()].to_string();
            match count[name.as_str()] {
                1 => (name.clone(), text),
                _ => (format!("{}-{name}", namespace.as_deref().unwrap_or("default")), text),
            }
        });
        files.collect()
    }

    /// Writes the kept objects ([`Output::Objects`]).
    fn write_kept(&self) -> Written {
        let mut writer = Writer::default();
        self.each_object(|p, o| writer.object(p, o));
        writer.written
    }
}

/// Lowers checked objects and writes their YAML, collecting the diagnostics of
/// `raw` patches (the only ones lowering has).
#[derive(Default)]
struct Writer {
    written: Written,
    diagnostics: Vec<Diagnostic>,
}

impl Writer {
    fn object(&mut self, program: &ir::Program, object: &ir::Object) {
        lower::lower_item(program, object, &mut self.diagnostics, |object| {
            let (name, namespace) = (emit::file_name(&object), object.namespace().map(String::from));
            self.written.push(name, namespace, |out| emit::write_object(&object, out));
        });
    }
}

/// Where objects are lowered and written: here, for the first few, then on a
/// second thread while checking goes on (on large programs the two halves take
/// about as long as each other; small ones never pay for starting a thread).
enum Writing<'scope> {
    /// The writer, and how many objects it has written.
    Here(Writer, usize),
    There {
        to_writer: std::sync::mpsc::SyncSender<ToWriter>,
        handle: std::thread::ScopedJoinHandle<'scope, Writer>,
        /// The program of the last object sent (name and namespace are what lowering reads).
        last: Option<(String, Option<String>)>,
    },
}

impl<'scope> Writing<'scope> {
    /// Objects written on the checking thread before a writing thread starts.
    const BEFORE_A_THREAD: usize = 64;

    fn object<'env>(&mut self, scope: &'scope std::thread::Scope<'scope, 'env>, program: &ir::Program, o: ir::Object) {
        match self {
            Writing::Here(writer, written) if *written < Self::BEFORE_A_THREAD => {
                writer.object(program, &o);
                *written += 1;
            }
            Writing::Here(writer, _) => {
                let writer = std::mem::take(writer);
                let (to_writer, from_checker) = std::sync::mpsc::sync_channel::<ToWriter>(256);
                let handle = scope.spawn(move || write_received(writer, from_checker));
                *self = Writing::There { to_writer, handle, last: None };
                self.object(scope, program, o);
            }
            Writing::There { to_writer, last, .. } => {
                // Programs are few and objects many: the program goes along only when it changes.
                let same = last.as_ref().is_some_and(|(n, ns)| *n == program.name && *ns == program.namespace);
                let header = (!same).then(|| {
                    *last = Some((program.name.clone(), program.namespace.clone()));
                    program.clone_header()
                });
                let _ = to_writer.send(ToWriter { program: header, object: Box::new(o) });
            }
        }
    }

    fn finish(self) -> Writer {
        match self {
            Writing::Here(writer, _) => writer,
            Writing::There { to_writer, handle, .. } => {
                drop(to_writer);
                handle.join().expect("the writing thread does not panic")
            }
        }
    }
}

fn write_received(mut writer: Writer, from_checker: std::sync::mpsc::Receiver<ToWriter>) -> Writer {
    let mut program = None;
    for message in from_checker {
        if let Some(header) = message.program {
            program = Some(header);
        }
        writer.object(program.as_ref().expect("the first object carries its program"), &message.object);
    }
    writer
}

/// What the checking thread sends the writing thread: an object, and its
/// program when it differs from the previous object's.
struct ToWriter {
    program: Option<ir::Program>,
    object: Box<ir::Object>,
}

/// Compiles programs given as `(name, text)`. Each file is its own program (own
/// namespace and `let`s); objects from all of them form one output.
pub fn compile(inputs: Vec<(String, String)>, loader: &dyn Loader, options: &Options) -> Compilation {
    let mut sources = SourceMap::new();
    let ids: Vec<_> = inputs.into_iter().map(|(name, text)| sources.add(name, text)).collect();
    let mut diagnostics = Vec::new();
    let mut programs = Vec::new();
    let writer = std::thread::scope(|scope| {
        let mut writing = Writing::Here(Writer::default(), 0);
        for &id in &ids {
            let text = sources.get(id).text.clone();
            let (ast, syntax_diags) = syntax::parse_with(id, &text, &options.limits);
            diagnostics.extend(syntax_diags);
            let loaded = modules::load(id, &ast, &mut sources, loader, &options.limits, &mut diagnostics);
            let modules: Vec<check::Module> =
                loaded.iter().map(|m| check::Module { name: m.name.clone(), file: &m.ast, failed: m.failed }).collect();
            let mut send = |p: &ir::Program, o: ir::Object| writing.object(scope, p, o);
            let sink: Option<check::Sink> = match options.output {
                Output::Objects => None,
                Output::Yaml => Some(&mut send),
            };
            let (program, check_diags) = check::check(&sources, id, &ast, &modules, loader, options, sink);
            // Kept objects are lowered only when they have `raw` patches, to check those.
            if options.output == Output::Objects {
                for o in program.objects.iter().filter(|o| !o.meta().raw.is_empty()) {
                    writing.object(scope, &program, o.clone());
                }
            }
            diagnostics.extend(check_diags);
            programs.push(program);
        }
        writing.finish()
    });
    diagnostics.extend(writer.diagnostics);
    diagnostics.extend(clashes_across_files(&programs));
    // In reading order: by file, then by position (stable, so related ones stay together).
    diagnostics.sort_by_key(|d| d.primary.as_ref().map(|p| (p.span.file, p.span.start)));
    // Objects kept for their `raw` patches were written only to be checked.
    let written = if options.output == Output::Yaml { writer.written } else { Written::default() };
    Compilation { sources, diagnostics, programs, output: options.output, written }
}

/// Two files that define the same object (kind, namespace, name).
fn clashes_across_files(programs: &[ir::Program]) -> Vec<Diagnostic> {
    let mut seen: FastMap<(&str, Option<&str>, &str), source::Span> = FastMap::default();
    let mut out = Vec::new();
    for p in programs {
        for o in &p.keys {
            let key = (o.kind, p.namespace.as_deref(), o.name.as_str());
            match seen.get(&key) {
                Some(first) if first.file != o.span.file => out.push(
                    Diagnostic::error(
                        Code::DuplicateObject,
                        o.span,
                        format!("another file also defines {} `{}`", o.kind, o.name),
                    )
                    .label("second definition")
                    .secondary(*first, "first defined")
                    .help("the files are applied together, so one object would overwrite the other: rename one"),
                ),
                _ => {
                    seen.insert(key, o.span);
                }
            }
        }
    }
    out
}
