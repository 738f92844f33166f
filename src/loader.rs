//! How the core reads files: only through a [`Loader`] that its caller passes in
//! (`file("…")` and `import "./…"`), so that the stages themselves do no I/O.
//! [`FsLoader`] is the file system; [`read`] is the one place where an I/O error
//! becomes the short reason users see ("no such file"), for the loader and the CLI.

use std::path::Path;

/// Reads the files a program names with `file("…")` and `import "./…"`.
pub trait Loader {
    /// `path` as written in `program` (the program's name as given to the compiler).
    /// The error is a short reason ("no such file", "not UTF-8").
    fn load(&self, program: &str, path: &str) -> Result<String, String>;
}

/// Reads from the file system, relative to the program's directory.
pub struct FsLoader;

impl Loader for FsLoader {
    fn load(&self, program: &str, path: &str) -> Result<String, String> {
        let base = Path::new(program).parent().unwrap_or(Path::new(""));
        let bytes = read(&base.join(path))?;
        String::from_utf8(bytes)
            .map_err(|_| "it is not UTF-8 text (binary data is not supported in a config)".to_string())
    }
}

/// The bytes of a file, or the short reason it cannot be read.
pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    // Checked first: on some platforms reading a directory "succeeds" with no bytes.
    if path.is_dir() {
        return Err("it is a directory".into());
    }
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    })
}

/// Every `.pipe` file under `dir`, sorted by path (byte order of the path as
/// given), so that a directory build is the same build on every machine. Hidden
/// entries (`.git`, `.cache`, …) are skipped, and symbolic links to directories
/// are not followed (a link back up the tree would never end); links to files are
/// read like files.
pub fn pipe_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        let entries = std::fs::read_dir(&at).map_err(|e| format!("`{}`: {}", at.display(), short(&e)))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("`{}`: {}", at.display(), short(&e)))?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| format!("`{}`: {}", path.display(), short(&e)))?;
            if kind.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "pipe") && path.is_file() {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn short(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// A loader that has no files: for tests of programs that read none.
#[cfg(test)]
pub(crate) struct NoFiles;

#[cfg(test)]
impl Loader for NoFiles {
    fn load(&self, _: &str, _: &str) -> Result<String, String> {
        Err("no such file".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_short() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(&dir.path().join("nope")), Err("no such file".into()));
        assert_eq!(read(dir.path()), Err("it is a directory".into()));
        std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9").unwrap();
        let program = dir.path().join("p.pipe");
        let program = program.to_str().unwrap();
        assert!(FsLoader.load(program, "latin1.txt").unwrap_err().contains("not UTF-8"));
        assert_eq!(FsLoader.load(program, "nope.txt"), Err("no such file".into()));
    }

    #[test]
    fn pipe_files_are_found_in_sorted_order_without_hidden_ones() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.pipe", "a/z.pipe", "a/b/c.pipe", ".git/x.pipe", "notes.txt", "a/.hidden.pipe"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let found: Vec<String> = pipe_files(dir.path())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(found, ["a/b/c.pipe", "a/z.pipe", "b.pipe"]);
        assert!(pipe_files(&dir.path().join("missing")).unwrap_err().contains("no such file"));
    }
}
