//! Structured fixes: every fix a diagnostic of the error cases offers, applied alone to the
//! text, leaves a program without that diagnostic (same code at the same place).

use std::path::{Path, PathBuf};

fn pipe_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            pipe_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "pipe") {
            out.push(path);
        }
    }
}

fn compile(name: &str, text: &str) -> pipec::Compilation {
    pipec::compile(vec![(name.to_string(), text.to_string())], &pipec::FsLoader, &pipec::Options::default())
}

#[test]
fn applying_a_fix_removes_its_diagnostic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    pipe_files(&root.join("tests/cases/errors"), &mut files);
    files.sort();
    let mut applied = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        // Options a case sets in a comment would change what is reported.
        if text.contains("# test-options:") {
            continue;
        }
        let name = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let c = compile(&name, &text);
        for d in c.diagnostics.iter().filter(|d| d.fixes.len() == 1) {
            let fix = &d.fixes[0];
            let (start, end) = (fix.span.start as usize, fix.span.end as usize);
            assert!(!fix.title.is_empty() && fix.replacement != text[start..end], "{name}: {fix:?}");
            let fixed = format!("{}{}{}", &text[..start], fix.replacement, &text[end..]);
            let again = compile(&name, &fixed);
            let same = again.diagnostics.iter().find(|e| {
                e.code == d.code && e.primary.as_ref().map(|p| p.span.start) == d.primary.as_ref().map(|p| p.span.start)
            });
            assert!(same.is_none(), "{name}: `{}` still reported after the fix {fix:?}:\n{fixed}", d.message);
            applied += 1;
        }
    }
    assert!(applied >= 25, "only {applied} fixes applied");
}

/// `--message-format json` carries the fixes, with lines, columns and byte offsets.
#[test]
fn json_diagnostics_carry_the_fixes() {
    let text = "job a {\n  image = \"busybox:1.36\"\n  retires = 3\n}\n";
    let c = compile("a.pipe", text);
    let d = c.diagnostics.iter().find(|d| d.code.as_str() == "P0101").expect("an unknown key");
    let json: serde_json::Value = serde_json::from_str(&pipec::diag::render::json(d, &c.sources)).unwrap();
    let fix = &json["fixes"][0];
    assert_eq!(fix["replacement"], "retries");
    assert_eq!(fix["title"], "write `retries`");
    assert_eq!((fix["line"].as_u64(), fix["column"].as_u64()), (Some(3), Some(3)));
    assert_eq!(fix["offset"].as_u64(), Some(text.find("retires").unwrap() as u64));
    assert_eq!(fix["end_offset"].as_u64(), Some((text.find("retires").unwrap() + 7) as u64));
}

/// SARIF carries them too, as `fixes[].artifactChanges[].replacements[]`.
#[test]
fn sarif_carries_the_fixes() {
    let c = compile("a.pipe", "job a {\n  image = \"busybox:1.36\"\n  retires = 3\n}\n");
    let log: serde_json::Value = serde_json::from_str(&pipec::diag::render::sarif(&c.diagnostics, &c.sources)).unwrap();
    let change = &log["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "a.pipe");
    let replacement = &change["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "retries");
    assert_eq!(replacement["deletedRegion"]["startLine"], 3);
    assert_eq!(
        (replacement["deletedRegion"]["startColumn"].as_u64(), replacement["deletedRegion"]["endColumn"].as_u64()),
        (Some(3), Some(10))
    );
}
