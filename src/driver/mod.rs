//! The driver: compiles programs given on the command line into one output.
//! Each file goes through the [`Session`] (parse, imports, check); the driver
//! adds what only a whole run has — objects that clash across files, the
//! diagnostics in reading order, and, for `build`, the YAML written while
//! checking goes on (`writing.rs`). It does no I/O: files named by the programs
//! are read through the [`Loader`] the caller passes in.

mod drift;
mod tree;
mod writing;

pub use drift::{Drift, KUSTOMIZATION, kustomization};
pub use tree::programs;

use crate::check::{CheckOptions, ParamInput, value::Value};
use crate::diag::{Code, Diagnostic};
use crate::hash::FastMap;
use crate::loader::Loader;
use crate::lower::{self, K8sObject};
use crate::session::{self, Session};
use crate::source::{self, FileId, SourceMap};
use crate::{ir, limits, version};
use writing::{Writer, Writing, Written};

/// What a compilation is for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Fields newer than this are errors; beta ones warnings.
    pub kube_version: version::KubeVersion,
    /// Values for the programs' `param`s (`--set name=value`, `--values FILE`), in order: later wins.
    pub params: Vec<(String, ParamInput)>,
    /// What to keep of the checked objects.
    pub output: Output,
    /// How much input to accept (`--limit NAME=VALUE`).
    pub limits: limits::Limits,
    /// The tool that owns the objects (`--managed-by`), when not pipec.
    pub managed_by: Option<String>,
    /// `--target`: what fan-out groups, Spark jobs and pipelines become.
    pub target: crate::target::Target,
}

impl Options {
    /// What checking each file needs (all but [`Options::output`]).
    pub fn check_options(&self) -> CheckOptions {
        CheckOptions {
            kube_version: self.kube_version,
            params: self.params.clone(),
            limits: self.limits,
            managed_by: self.managed_by.clone(),
            target: self.target,
        }
    }
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

    /// `(file name, YAML)` per object, for `-o DIR`: `<kind>-<name>.yaml`
    /// (`emit::file_name`), with `<namespace>-` in front when two programs put
    /// objects of the same kind and name in different namespaces (the names would
    /// clash otherwise). The one place files are named.
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

/// Compiles programs given as `(name, text)`. Each file is its own program (own
/// namespace and `let`s); objects from all of them form one output.
pub fn compile(inputs: Vec<(String, String)>, loader: &dyn Loader, options: &Options) -> Compilation {
    let mut session = Session::new(options.check_options(), loader);
    let files: Vec<FileId> = inputs.into_iter().map(|(name, text)| session.add_file(name, text)).collect();
    compile_files(session, &files, options.output)
}

/// Compiles the programs already added to `session` (the CLI adds files as
/// bytes, so that one that is not UTF-8 is a diagnostic like any other).
pub fn compile_files(mut session: Session, files: &[FileId], output: Output) -> Compilation {
    let mut diagnostics = Vec::new();
    let mut programs = Vec::new();
    let writer = std::thread::scope(|scope| {
        let mut writing = Writing::Here(Writer::default(), 0);
        for &file in files {
            let (program, diags) = match output {
                // Kept objects are lowered only when they have `raw` patches, to check those.
                Output::Objects => session.check(file),
                Output::Yaml => {
                    let mut send = |p: &ir::Program, o: ir::Object| writing.object(scope, p, o);
                    session.check_with(file, Some(&mut send))
                }
            };
            diagnostics.extend(diags);
            programs.push(program);
        }
        writing.finish()
    });
    diagnostics.extend(writer.diagnostics);
    diagnostics.extend(clashes_across_files(&programs));
    session::sort(&mut diagnostics);
    Compilation { sources: session.into_sources(), diagnostics, programs, output, written: writer.written }
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

/// `--values FILE`: a map of param names to values, as parsed from YAML or JSON.
/// Scalars are read like `--set` text (so `timeout: 30m` is a duration where the
/// param is one); lists and maps are data. The error says what the file must be.
pub fn param_inputs(data: serde_json::Value) -> Result<Vec<(String, ParamInput)>, String> {
    let serde_json::Value::Object(map) = data else {
        return Err("it must be a map of param names to values, e.g. `replicas: 8`".into());
    };
    Ok(map.into_iter().map(|(k, v)| (k, param_input(v))).collect())
}

fn param_input(v: serde_json::Value) -> ParamInput {
    match v {
        serde_json::Value::String(s) => ParamInput::Text(s),
        serde_json::Value::Number(n) => ParamInput::Text(n.to_string()),
        serde_json::Value::Bool(b) => ParamInput::Text(b.to_string()),
        other => ParamInput::Data(data(other)),
    }
}

fn data(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Str(String::new()),
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => n.as_i64().map(Value::Int).unwrap_or_else(|| Value::Number(n.to_string())),
        serde_json::Value::String(s) => Value::Str(s),
        serde_json::Value::Array(items) => Value::List(items.into_iter().map(data).collect()),
        serde_json::Value::Object(map) => Value::Map(map.into_iter().map(|(k, v)| (k, data(v))).collect()),
    }
}
