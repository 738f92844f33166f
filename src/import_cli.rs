//! `pipec import FILE.yaml|DIR… [-o OUT.pipe|DIR] [--keep-defaults]`: the CLI around `pipec::import`
//! (reads the files, prints the diagnostics and the summary, writes the programs).

use crate::{Printer, plural};
use pipec::source::SourceMap;
use std::path::{Path, PathBuf};

/// One program to write: its YAML inputs and where it goes (`None`: stdout).
struct Job {
    inputs: Vec<PathBuf>,
    out: Option<PathBuf>,
}

pub fn run(files: &[PathBuf], output: Option<&Path>, keep_defaults: bool, printer: &Printer) -> u8 {
    let mut inputs: Vec<(PathBuf, PathBuf)> = Vec::new(); // (file, path relative to its argument)
    for f in files {
        if f.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = yaml_files(f, &mut found) {
                eprintln!("pipec: cannot read `{}`: {e}", f.display());
                return 2;
            }
            found.sort();
            if found.is_empty() {
                eprintln!("pipec: there is no .yaml or .yml file under `{}`", f.display());
                return 2;
            }
            inputs.extend(found.into_iter().map(|p| (p.clone(), p.strip_prefix(f).unwrap_or(&p).to_path_buf())));
        } else {
            let rel = PathBuf::from(f.file_name().unwrap_or_default());
            inputs.push((f.clone(), rel));
        }
    }
    let jobs: Vec<Job> = match output {
        Some(dir) if dir.extension().is_none_or(|e| e != "pipe") => inputs
            .iter()
            .map(|(file, rel)| Job { inputs: vec![file.clone()], out: Some(dir.join(rel).with_extension("pipe")) })
            .collect(),
        out => vec![Job { inputs: inputs.iter().map(|(f, _)| f.clone()).collect(), out: out.map(Path::to_path_buf) }],
    };
    let mut code = 0;
    for job in jobs {
        code = code.max(one(&job, keep_defaults, printer));
    }
    code
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            yaml_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

fn one(job: &Job, keep_defaults: bool, printer: &Printer) -> u8 {
    let mut sources = SourceMap::new();
    let mut ids = Vec::new();
    for path in &job.inputs {
        match pipec::loader::read(path).map(String::from_utf8) {
            Ok(Ok(text)) => ids.push(sources.add(path.display().to_string(), text)),
            Ok(Err(_)) => {
                eprintln!("pipec: cannot read `{}`: it is not UTF-8 text", path.display());
                return 2;
            }
            Err(message) => {
                eprintln!("pipec: cannot read `{}`: {message}", path.display());
                return 2;
            }
        }
    }
    // The program is named after its file (its objects' `pipec.dev/program` label).
    let named = job.out.as_deref().or(job.inputs.first().map(PathBuf::as_path));
    let program = named.and_then(|p| p.file_stem()).map_or("imported".into(), |s| s.to_string_lossy().into_owned());
    // Into a file, configuration files of ConfigMaps go beside the program.
    let options = pipec::import::Options { data_files: job.out.is_some(), keep_defaults };
    let imported = pipec::import::import_with(&sources, &ids, &program, options);
    printer.list(&imported.diagnostics, &sources);
    if imported.has_errors() {
        return 1;
    }
    let mut pipe = imported.pipe.clone();
    match &job.out {
        None => {
            if !imported.rest.is_empty() {
                // No file to keep them in: shown after the program, as comments.
                pipe.push_str(
                    "\n# Not imported (kinds pipec has no item for), as written; `-o` keeps them in a file:\n",
                );
                for line in imported.rest.lines() {
                    pipe.push_str(&format!("# {line}\n"));
                }
            }
            print!("{pipe}");
        }
        Some(out) => {
            if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty())
                && let Err(e) = std::fs::create_dir_all(parent)
            {
                eprintln!("pipec: cannot write `{}`: {e}", parent.display());
                return 2;
            }
            if let Err(e) = std::fs::write(out, &pipe) {
                eprintln!("pipec: cannot write `{}`: {e}", out.display());
                return 2;
            }
            let base = out.parent().unwrap_or(Path::new(""));
            for (rel, text) in &imported.files {
                let path = base.join(rel);
                let written =
                    path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&path, text));
                if let Err(e) = written {
                    eprintln!("pipec: cannot write `{}`: {e}", path.display());
                    return 2;
                }
            }
            if !imported.rest.is_empty() {
                let rest = out.with_extension("rest.yaml");
                if let Err(e) = std::fs::write(&rest, &imported.rest) {
                    eprintln!("pipec: cannot write `{}`: {e}", rest.display());
                    return 2;
                }
            }
        }
    }
    if !printer.quiet {
        let target = job.out.as_ref().map_or("stdout".to_string(), |p| format!("`{}`", p.display()));
        let objects = imported.summary.iter().filter(|l| !l.contains("kept aside")).count();
        eprintln!("pipec: imported {} into {target}", plural(objects, "object"));
        for line in imported.summary.iter().chain(&imported.left_out) {
            eprintln!("  {line}");
        }
    }
    0
}
