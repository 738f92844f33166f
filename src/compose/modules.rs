//! `import`: finds, reads (through the `Loader`) and parses the modules a program
//! imports, with cycle detection. Modules provide templates and `let`s; an object
//! declared in a module is an error (it would be emitted once per importer).

use crate::ast::{File, ItemKind, StringLit};
use crate::diag::{Code, Diagnostic, closest};
use crate::loader::Loader;
use crate::source::{FileId, SourceMap};
use crate::{stdlib, syntax};

pub struct LoadedModule {
    /// The namespace: `soak` for `std/soak`, `common` for `./lib/common.pipe`.
    pub name: String,
    pub file: Option<FileId>,
    pub ast: File,
    /// Not found or not readable (already reported): its name is known, its contents not.
    pub failed: bool,
}

/// Every module reachable from `main`, each once.
pub fn load(
    main: FileId,
    main_ast: &File,
    sources: &mut SourceMap,
    loader: &dyn Loader,
    limits: &crate::limits::Limits,
    diags: &mut Vec<Diagnostic>,
) -> Vec<LoadedModule> {
    let mut loaded: Vec<(String, LoadedModule)> = Vec::new(); // (key = resolved path, module)
    let mut stack: Vec<String> = vec![sources.get(main).name.clone()];
    visit(main, main_ast, sources, Reader { loader, limits }, diags, &mut loaded, &mut stack);
    loaded.into_iter().map(|(_, m)| m).collect()
}

/// How modules are read: through the caller's loader, under the compilation's limits.
#[derive(Clone, Copy)]
struct Reader<'r> {
    loader: &'r dyn Loader,
    limits: &'r crate::limits::Limits,
}

fn visit(
    from: FileId,
    ast: &File,
    sources: &mut SourceMap,
    reader: Reader,
    diags: &mut Vec<Diagnostic>,
    loaded: &mut Vec<(String, LoadedModule)>,
    stack: &mut Vec<String>,
) {
    let imports: Vec<StringLit> = ast
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::Import(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    for import in imports {
        let Some(path) = import.as_plain() else {
            diags.push(
                Diagnostic::error(Code::ModuleNotFound, import.span, "an import path cannot use `${…}`")
                    .label("computed path")
                    .help("write the path out: `import \"./common.pipe\"` or `import \"std/soak\"`"),
            );
            continue;
        };
        let program = sources.get(from).name.clone();
        let (key, name, text) = match resolve(&program, &path, reader.loader) {
            Ok(found) => found,
            Err((message, help)) => {
                diags.push(Diagnostic::error(Code::ModuleNotFound, import.span, message).label("not found").help(help));
                let name = namespace_of(&path);
                if !loaded.iter().any(|(_, m)| m.name == name) {
                    let empty = File { items: Vec::new(), comments: Vec::new() };
                    loaded.push((path.clone(), LoadedModule { name, file: None, ast: empty, failed: true }));
                }
                continue;
            }
        };
        if let Some(pos) = stack.iter().position(|k| *k == key) {
            let mut cycle: Vec<String> = stack[pos..].to_vec();
            cycle.push(key.clone());
            diags.push(
                Diagnostic::error(Code::ImportCycle, import.span, format!("import cycle: {}", cycle.join(" → ")))
                    .label("this import closes the cycle")
                    .help("move what both modules need into a third module that imports neither"),
            );
            continue;
        }
        if loaded.iter().any(|(k, _)| *k == key) {
            continue; // imported already (by another module)
        }
        if let Some((other, _)) = loaded.iter().find(|(_, m)| m.name == name) {
            diags.push(
                Diagnostic::error(
                    Code::ModuleNotFound,
                    import.span,
                    format!("two modules are named `{name}`: {other} and {key}"),
                )
                .label("a second module with this name")
                .help("rename one of the files: a module's name is its file name"),
            );
            continue;
        }
        let id = sources.add(key.clone(), text);
        let module_text = sources.get(id).text.clone();
        let (module_ast, syntax_diags) = syntax::parse_with(id, &module_text, reader.limits);
        diags.extend(syntax_diags.into_iter().filter(|d| d.code != Code::EmptyProgram));
        for item in &module_ast.items {
            if let ItemKind::Config { .. }
            | ItemKind::Secret { .. }
            | ItemKind::Workload { .. }
            | ItemKind::For { .. }
            | ItemKind::Namespace(..)
            | ItemKind::Object { .. }
            | ItemKind::Defaults(_) = &item.kind
            {
                diags.push(
                    Diagnostic::error(
                        Code::ObjectInModule,
                        item.span,
                        format!("module `{name}` declares an object or a namespace"),
                    )
                    .label("not allowed in an imported module")
                    .secondary(import.span, "imported here")
                    .help("modules hold `template`s and `let`s; declare objects in the program that imports them"),
                );
            }
        }
        stack.push(key.clone());
        visit(id, &module_ast, sources, reader, diags, loaded, stack);
        stack.pop();
        loaded.push((key, LoadedModule { name, file: Some(id), ast: module_ast, failed: false }));
    }
}

/// `(key, namespace, text)` of an import path, or (message, help).
fn resolve(program: &str, path: &str, loader: &dyn Loader) -> Result<(String, String, String), (String, String)> {
    if let Some(name) = path.strip_prefix("std/") {
        let name = name.trim_end_matches(".pipe");
        return match stdlib::module(name) {
            Some(text) => Ok((format!("std/{name}.pipe"), name.to_string(), text.to_string())),
            None => {
                let names: Vec<&str> = stdlib::MODULES.iter().map(|(n, _)| *n).collect();
                let help = match closest(name, names.iter().copied()) {
                    Some(best) => format!("did you mean `std/{best}`?"),
                    None => format!(
                        "the standard library has: {}",
                        names.iter().map(|n| format!("std/{n}")).collect::<Vec<_>>().join(", ")
                    ),
                };
                Err((format!("there is no module `std/{name}`"), help))
            }
        };
    }
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let Some(name) = file_name.strip_suffix(".pipe") else {
        return Err((
            format!("`{path}` is not a .pipe file"),
            "import a `.pipe` file (`import \"./common.pipe\"`) or a standard module (`import \"std/soak\"`)".into(),
        ));
    };
    let base = std::path::Path::new(program).parent().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    let key = normalize(&if base.is_empty() { path.to_string() } else { format!("{base}/{path}") });
    match loader.load(program, path) {
        Ok(text) => Ok((key, name.to_string(), text)),
        Err(reason) => Err((
            format!("cannot import `{path}`: {reason}"),
            "paths are relative to the importing file; standard modules are `std/soak`, `std/placement`, `std/qos`"
                .into(),
        )),
    }
}

/// The namespace an import path gives: `std/soak` → `soak`, `./lib/x.pipe` → `x`.
fn namespace_of(path: &str) -> String {
    let last = path.rsplit('/').next().unwrap_or(path);
    last.strip_suffix(".pipe").unwrap_or(last).to_string()
}

/// `a/./b/../c.pipe` → `a/c.pipe`, so one file has one key.
pub(crate) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "." | "" => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') { format!("/{joined}") } else { joined }
}
