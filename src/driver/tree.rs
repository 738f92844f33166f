//! `pipec build DIR`: which of the files found under a directory are programs.
//! A file that another file of the build imports (`import "./lib/common.pipe"`)
//! is a module and is compiled only through its importers; every other file is
//! a program. The rule needs no naming convention and cannot skip a program: a
//! module may not declare objects (P0111), so a file with objects that some file
//! imports is reported through that import, never dropped without a word.

use crate::ast::ItemKind;
use crate::compose::modules::normalize;
use crate::session::Session;
use crate::source::FileId;

/// The files of `found` that are programs, in the order given.
pub fn programs(session: &Session, found: &[FileId]) -> Vec<FileId> {
    let mut imported: Vec<String> = Vec::new();
    for &file in found {
        let name = &session.sources().get(file).name;
        let base = std::path::Path::new(name).parent().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        // Syntax errors are reported when the file is compiled; here only its imports matter.
        let (ast, _) = session.parse(file);
        for item in &ast.items {
            let ItemKind::Import(path) = &item.kind else { continue };
            let Some(path) = path.as_plain() else { continue };
            if path.starts_with("std/") {
                continue;
            }
            // The key the import resolves to (compose::modules::resolve), so that
            // `./lib/x.pipe` and `lib/../lib/x.pipe` name one file.
            imported.push(normalize(&if base.is_empty() { path } else { format!("{base}/{path}") }));
        }
    }
    imported.sort();
    found
        .iter()
        .copied()
        .filter(|&f| imported.binary_search(&normalize(&session.sources().get(f).name)).is_err())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::CheckOptions;

    use crate::loader::NoFiles;

    fn programs_of(files: &[(&str, &str)]) -> Vec<String> {
        let mut session = Session::new(CheckOptions::default(), &NoFiles);
        let ids: Vec<FileId> = files.iter().map(|(n, t)| session.add_file(*n, *t)).collect();
        programs(&session, &ids).iter().map(|&f| session.sources().get(f).name.clone()).collect()
    }

    #[test]
    fn an_imported_file_is_a_module_and_the_rest_are_programs() {
        let files = [
            ("./deploy/app.pipe", "import \"./lib/common.pipe\"\nimport \"std/soak\"\njob a { image = \"x\" }\n"),
            ("./deploy/batch/nightly.pipe", "import \"../lib/common.pipe\"\nimport \"../lib/other.pipe\"\n"),
            ("./deploy/lib/common.pipe", "import \"./util.pipe\"\nlet x = 1\n"),
            ("./deploy/lib/util.pipe", "let y = 2\n"),
            ("./deploy/lib/other.pipe", "let z = 3\n"),
            ("./deploy/lib/unused.pipe", "let w = 4\n"),
        ];
        assert_eq!(
            programs_of(&files),
            ["./deploy/app.pipe", "./deploy/batch/nightly.pipe", "./deploy/lib/unused.pipe"]
        );
    }

    #[test]
    fn an_import_that_leaves_the_directory_or_does_not_parse_changes_nothing() {
        let files = [("d/a.pipe", "import \"../elsewhere.pipe\"\njob {"), ("d/b.pipe", "import \"${x}.pipe\"\n")];
        assert_eq!(programs_of(&files), ["d/a.pipe", "d/b.pipe"]);
    }
}
