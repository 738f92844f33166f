//! The code table, the pages in `docs/errors/` and `pipec explain` agree, and each
//! page's wrong example still produces the output the page shows.

use pipec::diag::{Code, render};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn every_code_has_a_page_titled_as_in_the_table_and_no_page_is_stray() {
    for code in Code::ALL {
        let first = code.page().lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("# {}: {}", code.as_str(), code.title()),
            "title of docs/errors/{}.md",
            code.as_str()
        );
        for section in ["## Wrong", "## Right"] {
            assert!(code.page().contains(section), "docs/errors/{}.md has no `{section}`", code.as_str());
        }
    }
    let pages: BTreeSet<String> = std::fs::read_dir(Path::new(ROOT).join("docs/errors"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let expected: BTreeSet<String> = Code::ALL.iter().map(|c| format!("{}.md", c.as_str())).collect();
    assert_eq!(pages, expected, "docs/errors/ holds exactly one page per code");
}

#[test]
fn explain_prints_the_page() {
    for code in Code::ALL {
        let out = Command::new(env!("CARGO_BIN_EXE_pipec")).args(["explain", code.as_str()]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(String::from_utf8(out.stdout).unwrap(), code.page());
    }
}

/// The first fenced block of `kind` after `from` in `page`.
fn block<'p>(page: &'p str, from: usize, kind: &str) -> Option<(&'p str, usize)> {
    let fence = format!("```{kind}\n");
    let start = page[from..].find(&fence)? + from + fence.len();
    let end = page[start..].find("```")? + start;
    Some((&page[start..end], end))
}

#[test]
fn each_pages_wrong_example_gives_the_output_shown() {
    let mut checked = 0;
    for code in Code::ALL {
        let page = code.page();
        let wrong = page.find("## Wrong").unwrap();
        let Some((program, after)) = block(page, wrong, "pipe") else { continue };
        let Some((shown, _)) = block(page, after, "text") else { continue };
        // Pages whose example reads files or is not a program (P0005, P0009) are checked by hand.
        if program.contains("file(") || program.contains("import \"./") || !shown.starts_with('P') {
            continue;
        }
        // The first line may show the command: `# pipec check --kube-version 1.28 --set n=1 example.pipe`.
        let mut options = pipec::Options::default();
        let first = program.lines().next().unwrap_or_default();
        let mut words = first.split_whitespace();
        while let Some(w) = words.next() {
            match (w, first.starts_with("# pipec")) {
                ("--kube-version", true) => {
                    options.kube_version = pipec::version::KubeVersion::parse(words.next().unwrap()).unwrap()
                }
                ("--target", true) => options.target = pipec::target::Target::parse(words.next().unwrap()).unwrap(),
                ("--set", true) => {
                    let (k, v) = words.next().unwrap().split_once('=').unwrap();
                    options.params.push((k.into(), pipec::check::ParamInput::Text(v.into())));
                }
                _ => {}
            }
        }
        let c = pipec::compile(vec![("example.pipe".into(), program.to_string())], &pipec::FsLoader, &options);
        let rendered: Vec<String> = c.diagnostics.iter().map(|d| render::human(d, &c.sources, false)).collect();
        let rendered = rendered.join("\n");
        let normalize = |s: &str| s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_string();
        assert_eq!(
            normalize(&rendered),
            normalize(shown),
            "docs/errors/{}.md shows other output than pipec gives",
            code.as_str()
        );
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} pages were checked");
}

/// The pages of `pipec import`'s codes show a YAML file: importing it gives the output shown.
#[test]
fn each_import_pages_wrong_yaml_gives_the_output_shown() {
    let mut checked = 0;
    for code in Code::ALL {
        let page = code.page();
        let wrong = page.find("## Wrong").unwrap();
        let Some((yaml, after)) = block(page, wrong, "yaml") else { continue };
        let Some((shown, _)) = block(page, after, "text") else { continue };
        let mut sources = pipec::source::SourceMap::new();
        let id = sources.add("example.yaml", yaml.to_string());
        let imported = pipec::import::import(&sources, &[id], "example");
        let rendered: Vec<String> = imported.diagnostics.iter().map(|d| render::human(d, &sources, false)).collect();
        let normalize = |s: &str| s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_string();
        assert_eq!(normalize(&rendered.join("\n")), normalize(shown), "docs/errors/{}.md", code.as_str());
        assert!(
            imported.diagnostics.iter().all(|d| d.code == *code),
            "docs/errors/{}.md: other codes too",
            code.as_str()
        );
        checked += 1;
    }
    assert!(checked >= 9, "only {checked} import pages were checked");
}
