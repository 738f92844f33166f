//! `pipec fmt [--check] FILE|DIR…|-`: lays files out in the canonical layout
//! (`pipec::fmt`). A file is rewritten atomically (a temporary file beside it,
//! then a rename), and only if it changes; a file with syntax errors is never
//! touched. `--check` writes nothing and lists the files that would change.
//! Exit codes: 0 all formatted, 1 syntax errors or (with `--check`) files to
//! format, 2 a file that cannot be read or written.

use pipec::diag::Diagnostic;
use pipec::source::SourceMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// How diagnostics are shown (the CLI's `--message-format` and colour).
pub type Render<'a> = &'a dyn Fn(&[Diagnostic], &SourceMap) -> String;

pub fn run(paths: &[PathBuf], check: bool, render: Render) -> u8 {
    if paths.iter().any(|p| p.as_os_str() == "-") {
        if paths.len() > 1 {
            eprintln!("pipec: `-` (standard input) cannot be formatted together with files");
            return 2;
        }
        return stdin(check, render);
    }
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            match pipec::loader::pipe_files(path) {
                Ok(found) => files.extend(found),
                Err(message) => {
                    eprintln!("pipec: cannot read {message}");
                    return 2;
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    let mut code = 0;
    let mut stdout = std::io::stdout().lock();
    for path in &files {
        let shown = path.display().to_string();
        let text = match read_text(path) {
            Ok(text) => text,
            Err(message) => {
                eprintln!("pipec: cannot read `{shown}`: {message}");
                code = 2;
                continue;
            }
        };
        let formatted = match pipec::fmt::format_source(&shown, &text) {
            Ok(formatted) => formatted,
            Err(diags) => {
                show(&shown, &text, &diags, render);
                code = code.max(1);
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if check {
            code = code.max(1);
        } else if let Err(e) = replace_file(path, &formatted) {
            eprintln!("pipec: cannot write `{shown}`: {e}");
            code = 2;
            continue;
        }
        let _ = writeln!(stdout, "{shown}");
    }
    let _ = stdout.flush();
    code
}

/// `pipec fmt -`: standard input to standard output (with `--check`, nothing
/// on standard output; exit 1 if it would change).
fn stdin(check: bool, render: Render) -> u8 {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("pipec: cannot read standard input: {e}");
        return 2;
    }
    match pipec::fmt::format_source("<stdin>", &text) {
        Err(diags) => {
            show("<stdin>", &text, &diags, render);
            1
        }
        Ok(formatted) if check => u8::from(formatted != text),
        Ok(formatted) => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(formatted.as_bytes()).and_then(|()| stdout.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("pipec: cannot write to stdout: {e}");
                    2
                }
                _ => 0,
            }
        }
    }
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = pipec::loader::read(path)?;
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
}

fn show(name: &str, text: &str, diags: &[Diagnostic], render: Render) {
    let mut sources = SourceMap::new();
    sources.add(name, text);
    eprint!("{}", render(diags, &sources));
}

/// Writes `text` to a temporary file beside `path` (same directory, so the
/// rename stays on one file system), with the original's permissions, then
/// renames it over `path`: a reader sees the old file or the new one, never half.
fn replace_file(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!(".{base}.pipec-fmt-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        if let Ok(meta) = std::fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        file.sync_all()?;
        std::fs::rename(&temp, path)
    };
    write().inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}
