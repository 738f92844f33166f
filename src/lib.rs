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
pub mod ir;
pub mod lower;
pub mod modules;
pub mod qos;
pub mod schedule;
pub mod schema;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod values;
pub mod version;

use diag::{Code, Diagnostic};
use lower::K8sObject;
use source::SourceMap;
use std::collections::HashMap;

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
}

/// The result of compiling one or more programs.
pub struct Compilation {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    /// The checked programs (also when there are errors), for reports such as QoS.
    pub programs: Vec<ir::Program>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Every object to emit, in order: none when there are errors (pipec never
    /// emits a partial result).
    fn each_object(&self, mut f: impl FnMut(K8sObject)) {
        if self.has_errors() {
            return;
        }
        let mut ignored = Vec::new(); // `raw` was checked by `compile`
        for p in &self.programs {
            for o in &p.objects {
                f(lower::lower_one(p, o, &mut ignored));
            }
        }
    }

    /// The objects (for tests and tools; building output streams them instead).
    pub fn objects(&self) -> Vec<K8sObject> {
        let mut out = Vec::new();
        self.each_object(|o| out.push(o));
        out
    }

    /// One YAML stream. Each object is lowered, written and dropped in turn, so
    /// memory holds the output and one object, not every object.
    pub fn yaml_stream(&self) -> String {
        let mut out = String::new();
        let mut first = true;
        self.each_object(|o| {
            if !first {
                out.push_str("---\n");
            }
            first = false;
            emit::write_object(&o, &mut out);
        });
        out
    }

    /// `(file name, YAML)` per object, for `-o DIR`: `<kind>-<name>.yaml`, with
    /// `<namespace>-` in front when two programs put objects of the same kind and
    /// name in different namespaces (the names would clash otherwise).
    pub fn yaml_files(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, Option<String>, String)> = Vec::new();
        self.each_object(|o| {
            let mut text = String::with_capacity(1024);
            emit::write_object(&o, &mut text);
            out.push((emit::file_name(&o), o.namespace().map(String::from), text));
        });
        let mut count: HashMap<String, usize> = HashMap::new();
        for (name, ..) in &out {
            *count.entry(name.clone()).or_default() += 1;
        }
        out.into_iter()
            .map(|(name, namespace, text)| match count[&name] {
                1 => (name, text),
                _ => (format!("{}-{name}", namespace.as_deref().unwrap_or("default")), text),
            })
            .collect()
    }
}

/// Compiles programs given as `(name, text)`. Each file is its own program (own
/// namespace and `let`s); objects from all of them form one output.
pub fn compile(inputs: Vec<(String, String)>, loader: &dyn Loader, options: &Options) -> Compilation {
    let mut sources = SourceMap::new();
    let ids: Vec<_> = inputs.into_iter().map(|(name, text)| sources.add(name, text)).collect();
    let mut diagnostics = Vec::new();
    let mut programs = Vec::new();
    for id in ids {
        let text = sources.get(id).text.clone();
        let (ast, syntax_diags) = syntax::parse(id, &text);
        diagnostics.extend(syntax_diags);
        let loaded = modules::load(id, &ast, &mut sources, loader, &mut diagnostics);
        let modules: Vec<check::Module> =
            loaded.iter().map(|m| check::Module { name: m.name.clone(), file: &m.ast, failed: m.failed }).collect();
        let (program, check_diags) = check::check(&sources, id, &ast, &modules, loader, options);
        diagnostics.extend(check_diags);
        programs.push(program);
    }
    diagnostics.extend(clashes_across_files(&programs));
    // In reading order: by file, then by position (stable, so related ones stay together).
    diagnostics.sort_by_key(|d| d.primary.as_ref().map(|p| (p.span.file, p.span.start)));
    // `raw` patches can only be checked on the real object: lower those objects now.
    if !diagnostics.iter().any(Diagnostic::is_error) {
        for p in &programs {
            for o in p.objects.iter().filter(|o| !o.meta().raw.is_empty()) {
                lower::lower_one(p, o, &mut diagnostics);
            }
        }
    }
    Compilation { sources, diagnostics, programs }
}

/// Two files that define the same object (kind, namespace, name).
fn clashes_across_files(programs: &[ir::Program]) -> Vec<Diagnostic> {
    let mut seen: HashMap<(&str, Option<&str>, &str), source::Span> = HashMap::new();
    let mut out = Vec::new();
    for p in programs {
        for o in &p.objects {
            let (kind, meta) = match o {
                ir::Object::Config(c) => ("ConfigMap", &c.meta),
                ir::Object::Job(j) => ("Job", &j.meta),
                ir::Object::Cron(c) => ("CronJob", &c.meta),
                ir::Object::Daemon(d) => ("DaemonSet", &d.meta),
            };
            let key = (kind, p.namespace.as_deref(), meta.name.as_str());
            match seen.get(&key) {
                Some(first) if first.file != meta.span.file => out.push(
                    Diagnostic::error(
                        Code::DuplicateObject,
                        meta.span,
                        format!("another file also defines {kind} `{}`", meta.name),
                    )
                    .label("second definition")
                    .secondary(*first, "first defined")
                    .help("the files are applied together, so one object would overwrite the other: rename one"),
                ),
                _ => {
                    seen.insert(key, meta.span);
                }
            }
        }
    }
    out
}
