//! `pipec import`: Kubernetes YAML back to `.pipe`. Every document is read with its
//! positions (`yaml.rs`), checked as the object of its kind (`diagnose.rs`: wrong kinds,
//! fields at the wrong depth, each with where it was probably meant to go), and turned
//! into an item through the schema rows read backwards (`reverse.rs`, `pod.rs`,
//! `objects.rs`). What no key writes becomes `raw`; kinds pipec does not model are kept
//! aside as they were written. Output is one `.pipe` text (`pipe::render`).
//!
//! A tool above the stages, not on the build path: `build` never calls it.

mod argo;
mod custom;
mod defaults;
mod diagnose;
mod jobset;
mod lets;
mod loops;
mod objects;
pub mod pipe;
mod pod;
mod reverse;
mod server;
mod spark;
mod tfjob;
pub mod yaml;

pub use reverse::key_for;

use crate::diag::{Code, Diagnostic};
use crate::kinds::Kind;
use crate::source::{FileId, SourceMap, Span};
use pipe::{Entry, Item};
use serde_json::{Map, Value};

/// What the objects of a file refer to, so that the program declares them.
#[derive(Default)]
pub struct Refs {
    pub configs: Vec<String>,
    pub secrets: Vec<String>,
    pub roles: Vec<String>,
    pub cluster_roles: Vec<String>,
    /// The file's namespace (subjects in it need no `namespace:` prefix).
    pub namespace: Option<String>,
    /// The `app.kubernetes.io/managed-by` of another tool (`Helm`): built with `--managed-by`.
    pub managed_by: Option<String>,
}

/// The result of one import.
pub struct Imported {
    /// The `.pipe` text (empty when there were errors).
    pub pipe: String,
    /// The YAML documents of kinds pipec does not model, as they were written.
    pub rest: String,
    pub diagnostics: Vec<Diagnostic>,
    /// What was converted, one line each (for the summary on stderr).
    pub summary: Vec<String>,
    /// Files the program reads with `file("…")` (path relative to the program, text), with
    /// [`Options::data_files`].
    pub files: Vec<(String, String)>,
    /// What was left out as server-generated or as the API server's defaults, one line per
    /// group, each kind of field named once (for the summary on stderr, after `summary`).
    pub left_out: Vec<String>,
}

/// How `import_with` writes the program.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// A ConfigMap's multi-line entries (configuration files) as `file("configs/<map>/<key>")`
    /// beside the program, instead of one long string.
    pub data_files: bool,
    /// Keep the values equal to the API server's defaults (`terminationMessagePath:
    /// /dev/termination-log`, a Job's `backoffLimit: 6`…) as keys, instead of leaving them out.
    pub keep_defaults: bool,
}

impl Imported {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A document read: an object of a kind pipec emits, or a custom resource already converted.
enum Input {
    Doc(Doc),
    Custom(Box<custom::Custom>),
}

struct Doc {
    kind: Kind,
    name: String,
    namespace: Option<String>,
    object: Map<String, Value>,
    span: Span,
}

/// Imports the YAML files (already in `sources`) as one program named `program`, every
/// value written in the program itself.
pub fn import(sources: &SourceMap, files: &[FileId], program: &str) -> Imported {
    import_with(sources, files, program, Options::default())
}

/// `import`, with the choices of [`Options`].
pub fn import_with(sources: &SourceMap, files: &[FileId], program: &str, options: Options) -> Imported {
    let mut diagnostics = Vec::new();
    let mut summary = Vec::new();
    let mut rest = String::new();
    let mut docs = Vec::new();
    let mut left_out = server::LeftOut::default();
    for &file in files {
        let text = &sources.get(file).text;
        let nodes = match yaml::parse(file, text) {
            Ok(nodes) => nodes,
            Err(e) => {
                // Say what the indentation probably meant, and read on as if it were fixed.
                match diagnose::recover(file, text, e) {
                    (d, Some(nodes)) => {
                        diagnostics.push(d);
                        nodes
                    }
                    (d, None) => {
                        diagnostics.push(d);
                        continue;
                    }
                }
            }
        };
        for node in nodes.into_iter().flat_map(list_items) {
            if let Some(kind) = custom::recognize(&node) {
                match custom::convert(kind, &node, &mut diagnostics, &mut left_out) {
                    Ok(c) => docs.push(Input::Custom(Box::new(c))),
                    Err(what) => {
                        rest.push_str("---\n");
                        rest.push_str(sources.text(node.span).trim_end());
                        rest.push('\n');
                        summary.push(format!("{what}: kept aside (pipec cannot write it the same)"));
                    }
                }
                continue;
            }
            match diagnose::object(&node, &mut diagnostics) {
                diagnose::Found::Object { kind, name, namespace, object } => docs.push(Input::Doc(Doc {
                    kind,
                    name,
                    namespace,
                    object,
                    span: node.get("kind").map_or(node.span, |k| k.span),
                })),
                diagnose::Found::Aside(what) => {
                    rest.push_str("---\n");
                    rest.push_str(sources.text(node.span).trim_end());
                    rest.push('\n');
                    summary.push(format!("{what}: kept aside (pipec has no item for its kind)"));
                }
                diagnose::Found::Broken => {}
            }
        }
    }
    made_beside(&mut docs, &mut left_out);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Imported { pipe: String::new(), rest, diagnostics, summary, files: Vec::new(), left_out: Vec::new() };
    }
    let mut data = Vec::new();
    for doc in docs.iter_mut().filter_map(|d| match d {
        Input::Doc(d) => Some(d),
        Input::Custom(_) => None,
    }) {
        server::identity(doc.kind, &doc.name, &mut doc.object, &mut left_out);
        if !options.keep_defaults {
            server::defaults(doc.kind, &mut doc.object, &mut left_out);
        }
    }
    let pipe = program_of(docs, program, &mut diagnostics, &mut summary, options.data_files.then_some(&mut data));
    Imported { pipe, rest, diagnostics, summary, files: data, left_out: left_out.lines() }
}

/// The objects pipec makes beside a converted custom resource's item (a pipeline's account,
/// Role and binding, a `spark`'s driver Role…), when the file has them with pipec's label:
/// left out, since the item makes them again.
fn made_beside(docs: &mut Vec<Input>, left_out: &mut server::LeftOut) {
    let made: Vec<_> = docs
        .iter()
        .filter_map(|d| match d {
            Input::Custom(c) => Some(custom::made_beside(&c.item)),
            Input::Doc(_) => None,
        })
        .flatten()
        .collect();
    docs.retain(|d| {
        let Input::Doc(doc) = d else { return true };
        let labels = doc.object.get("metadata").and_then(|m| m.get("labels"));
        let own = made.iter().any(|(kind, name, (label, value))| {
            doc.kind == *kind
                && doc.name == *name
                && labels.and_then(|l| l.get(*label)).and_then(Value::as_str) == Some(value.as_str())
        });
        if own {
            left_out.made.push(format!("{}/{}", doc.kind, doc.name));
        }
        !own
    });
}

/// The objects of a document: itself, or the items of a `kind: List` (what `kubectl get
/// deploy,svc -o yaml` prints), each with its own span.
fn list_items(node: yaml::Node) -> Vec<yaml::Node> {
    let is_list = node.get("kind").and_then(yaml::Node::as_str) == Some("List")
        && node.get("apiVersion").and_then(yaml::Node::as_str) == Some("v1");
    match node.get("items").map(|items| &items.kind) {
        Some(yaml::NodeKind::Seq(items)) if is_list => items.clone(),
        _ => vec![node],
    }
}

fn program_of(
    docs: Vec<Input>,
    program: &str,
    diagnostics: &mut Vec<Diagnostic>,
    summary: &mut Vec<String>,
    data_files: Option<&mut Vec<(String, String)>>,
) -> String {
    let builtin = || {
        docs.iter().filter_map(|d| match d {
            Input::Doc(d) => Some(d),
            Input::Custom(_) => None,
        })
    };
    let namespace = builtin()
        .filter(|d| d.kind.namespaced())
        .find_map(|d| d.namespace.clone())
        .or_else(|| {
            docs.iter().find_map(|d| match d {
                Input::Custom(c) => c.namespace.clone(),
                Input::Doc(_) => None,
            })
        })
        .or_else(|| {
            let spaces: Vec<&Doc> = builtin().filter(|d| d.kind == Kind::Namespace).collect();
            (spaces.len() == 1).then(|| spaces[0].name.clone())
        });
    let mut refs = Refs { namespace: namespace.clone(), ..Refs::default() };
    let mut file = pipe::File {
        header: vec![format!("Imported by `pipec import` ({program}): review, then build with `pipec build`.")],
        ..Default::default()
    };
    let mut defined: Vec<(Kind, String)> = Vec::new();
    for input in docs {
        let mut doc = match input {
            Input::Doc(doc) => doc,
            Input::Custom(c) => {
                custom_item(*c, &namespace, &mut refs, diagnostics, summary, &mut file);
                continue;
            }
        };
        let original = Value::Object(doc.object.clone());
        let Some(mut converted) = objects::convert(doc.kind, &doc.name, &mut doc.object, &mut refs) else { continue };
        let mut raw = Vec::new();
        if doc.kind.namespaced() && doc.namespace != namespace {
            match &doc.namespace {
                Some(ns) => raw.push(("metadata.namespace".to_string(), Value::String(ns.clone()))),
                None => diagnostics.push(
                    Diagnostic::warning(Code::ImportNamespace, doc.span, format!("{} `{}` names no namespace", doc.kind, doc.name))
                        .label("no `metadata.namespace`")
                        .help(format!(
                            "the program's namespace is `{}` (from the other objects): it will be this object's too; import it from its own file to keep it apart",
                            namespace.as_deref().unwrap_or("")
                        )),
                ),
            }
        }
        reverse::leftovers(&Value::Object(doc.object), &original, "", &mut raw);
        let what = format!("{}/{}", doc.kind, doc.name);
        if !raw.is_empty() {
            let paths: Vec<&str> = raw.iter().map(|(p, _)| p.as_str()).collect();
            summary.push(format!(
                "{what}: {} {} (raw: {})",
                converted.item.keyword,
                converted.item.name,
                paths.join(", ")
            ));
            let entries = raw.iter().map(|(p, v)| Entry::Set(p.clone(), reverse::any(v))).collect();
            if let Some(body) = &mut converted.item.body {
                body.push(Entry::Block("raw".into(), entries));
            }
        } else {
            summary.push(format!("{what}: {} {}", converted.item.keyword, converted.item.name));
        }
        if let Some(body) = &mut converted.item.body {
            body.sort_by_key(rank);
        }
        defined.push((doc.kind, doc.name.clone()));
        if converted.is_namespace {
            if Some(&doc.name) == namespace.as_ref() {
                file.namespace = Some(converted.item);
            } else {
                diagnostics.push(
                    Diagnostic::warning(
                        Code::ImportNamespace,
                        doc.span,
                        format!("Namespace `{}` is not the namespace of the other objects", doc.name),
                    )
                    .label("another namespace")
                    .help("a program has one namespace: import this Namespace from its own file"),
                );
            }
        } else {
            file.items.push(converted.item);
        }
    }
    if file.namespace.is_none()
        && let Some(ns) = &namespace
    {
        file.namespace = Some(Item { comments: Vec::new(), keyword: "namespace".into(), name: ns.clone(), body: None });
    }
    if let Some(tool) = &refs.managed_by {
        // The line the corpus test reads, and the command to build the same labels.
        file.header.push(format!("build: --managed-by {tool}"));
        summary.push(format!(
            "the objects are managed by `{tool}`: build with `pipec build --managed-by {tool}` to keep that label"
        ));
    }
    declarations(&mut file, &refs, &defined);
    defaults::restricted(&mut file, program);
    defaults::implicit_volumes(&mut file, program);
    lets::pull_out(&mut file);
    loops::fold(&mut file);
    if let Some(out) = data_files {
        // Last: the steps above build the program to compare, and it reads no files.
        config_files(&mut file, out);
    }
    let text = pipe::render(&file);
    // In the formatter's layout, so that `pipec fmt` leaves an imported program as it is.
    // `render` writes valid .pipe; should the formatter refuse it, its own layout stays.
    crate::fmt::format_source(program, &text).unwrap_or(text)
}

/// The order of an item's entries: the main container first (as the examples write
/// them), the object's own keys, mounts and volumes, other containers, `raw` last.
pub(super) fn rank(e: &Entry) -> u8 {
    match e {
        Entry::Set(k, _) | Entry::Block(k, _) => match k.as_str() {
            "image" => 0,
            "container-name" | "pull" | "command" | "args" | "workdir" => 1,
            "labels" | "annotations" => 3,
            "raw" => 9,
            _ => 4,
        },
        Entry::Line(_) => 5,
        Entry::LabeledValue(..) => 6,
        Entry::Labeled(..) => 7,
        Entry::Comment(_) => 4,
    }
}

/// A converted custom resource into the program: its references, its summary line, and a
/// warning when its namespace is not the program's.
fn custom_item(
    c: custom::Custom,
    namespace: &Option<String>,
    refs: &mut Refs,
    diagnostics: &mut Vec<Diagnostic>,
    summary: &mut Vec<String>,
    file: &mut pipe::File,
) {
    refs.configs.extend(c.refs.configs);
    refs.secrets.extend(c.refs.secrets);
    if let Some(tool) = c.refs.managed_by {
        refs.managed_by.get_or_insert(tool);
    }
    if c.namespace != *namespace
        && let Some(ns) = &c.namespace
    {
        diagnostics.push(
            Diagnostic::warning(Code::ImportNamespace, c.span, format!("{} is in namespace `{ns}`", c.what))
                .label("another namespace")
                .help("a program has one namespace: import this object from its own file to keep it apart"),
        );
    }
    let differs = match c.differs.as_slice() {
        [] => String::new(),
        fields => format!(" (differs from the original, P0709: {})", fields.join(", ")),
    };
    let target = match &c.build {
        Some(option) => {
            // The line the round-trip tests read, and the command that gives the same kind again.
            let line = format!("build: {option}");
            if !file.header.contains(&line) {
                file.header.push(line);
            }
            format!(
                "; `pipec build {option}` makes it a {} again, the default target its plain Kubernetes form",
                c.what.split('/').next().unwrap_or("")
            )
        }
        None => String::new(),
    };
    summary.push(format!("{}: {} {}{differs}{target}", c.what, c.item.keyword, c.item.name));
    file.items.push(c.item);
}

/// `data = { "app.yaml": file("configs/app/app.yaml") }` for each entry of several lines.
fn config_files(file: &mut pipe::File, out: &mut Vec<(String, String)>) {
    for item in file.items.iter_mut().filter(|i| i.keyword == "config") {
        let Some(body) = &mut item.body else { continue };
        for e in body.iter_mut() {
            let Entry::Set(k, pipe::Expr::Map(entries)) = e else { continue };
            if k != "data" {
                continue;
            }
            for (key, value) in entries.iter_mut() {
                let pipe::Expr::Str(text) = value else { continue };
                // A key is a file name (`[-._a-zA-Z0-9]+`, never `.` or `..`): safe as one.
                let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c));
                if !text.contains('\n')
                    || !plain
                    || key.starts_with("..")
                    || key == "."
                    || item.name.contains(['/', '\\'])
                {
                    continue;
                }
                let path = format!("configs/{}/{key}", item.name);
                out.push((path.clone(), std::mem::take(text)));
                *value = pipe::Expr::Call("file".into(), vec![(None, pipe::Expr::Str(path))]);
            }
        }
    }
}

/// `config x`, `secret y`, `role r`, `cluster-role view`: what the objects name and the
/// program does not define.
fn declarations(file: &mut pipe::File, refs: &Refs, defined: &[(Kind, String)]) {
    let mut add = |keyword: &str, names: &[String], kinds: &[Kind]| {
        let mut seen: Vec<&String> = Vec::new();
        for n in names {
            if seen.contains(&n) || defined.iter().any(|(k, d)| kinds.contains(k) && d == n) {
                continue;
            }
            seen.push(n);
            file.declarations.push(Item { comments: Vec::new(), keyword: keyword.into(), name: n.clone(), body: None });
        }
    };
    add("config", &refs.configs, &[Kind::ConfigMap]);
    add("secret", &refs.secrets, &[]);
    add("role", &refs.roles, &[Kind::Role]);
    add("cluster-role", &refs.cluster_roles, &[Kind::ClusterRole]);
}

/// Takes what an object says of itself out of it (kind, version, name, namespace), leaving
/// its fields (what the API server set goes in `server::identity`).
pub(crate) fn strip_identity(object: &mut Map<String, Value>) {
    object.remove("apiVersion");
    object.remove("kind");
    if let Some(Value::Object(meta)) = object.get_mut("metadata") {
        for f in ["name", "namespace"] {
            meta.remove(f);
        }
    }
    if object.get("metadata").is_some_and(|m| m.as_object().is_some_and(Map::is_empty)) {
        object.remove("metadata");
    }
}
