//! The pre-commit hooks of `.pre-commit-hooks.yaml` (docs/ci.md), run by the real `pre-commit`
//! (PyPI) in a scratch git repository: `pipec-check` passes on a good program, and
//! `pipec-build-check` passes while the committed YAML is current and fails once the program
//! changes; `pipec-fmt` passes on a formatted program and names one that is not. `.ci/run`
//! installs a pinned pre-commit and sets `PIPEC_PRE_COMMIT`; without one, this test says so
//! and skips.

use std::path::{Path, PathBuf};
use std::process::Command;

fn pre_commit() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PIPEC_PRE_COMMIT") {
        return Some(PathBuf::from(p));
    }
    let found = Command::new("pre-commit").arg("--version").output().is_ok_and(|o| o.status.success());
    found.then(|| PathBuf::from("pre-commit"))
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(ok.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&ok.stderr));
}

#[test]
fn pre_commit_hooks_check_and_catch_drift() {
    let Some(pre_commit) = pre_commit() else {
        eprintln!("skipped: `pre-commit` is not installed (.ci/run installs it: pip install pre-commit)");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pipec = Path::new(env!("CARGO_BIN_EXE_pipec"));
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    std::fs::create_dir_all(dir.join("deploy")).unwrap();
    std::fs::write(dir.join("deploy/report.pipe"), "job report {\n  image = \"busybox:1.36\"\n}\n").unwrap();
    let built = Command::new(pipec).args(["build", "deploy/", "-o", "out/"]).current_dir(dir).output().unwrap();
    assert!(built.status.success());
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "programs and their YAML"]);
    let path = format!("{}:{}", pipec.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let hook = |id: &str| {
        Command::new(&pre_commit)
            .args(["try-repo", &root.display().to_string(), id, "--all-files"])
            .current_dir(dir)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", dir.join(".cache"))
            .output()
            .unwrap()
    };
    for id in ["pipec-check", "pipec-build-check", "pipec-fmt"] {
        let out = hook(id);
        assert!(out.status.success(), "{id} fails on a good repository:\n{}", String::from_utf8_lossy(&out.stdout));
    }
    std::fs::write(dir.join("deploy/report.pipe"), "job report {\n  image = \"busybox:1.37\"\n}\n").unwrap();
    let out = hook("pipec-build-check");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "the build check passes although the YAML is stale:\n{text}");
    assert!(text.contains("busybox:1.37"), "the hook shows the diff:\n{text}");
    // A program out of the canonical layout: the fmt hook names it, and leaves it as it is.
    let ugly = "job report {\n    image   = \"busybox:1.37\"\n}\n";
    std::fs::write(dir.join("deploy/report.pipe"), ugly).unwrap();
    let out = hook("pipec-fmt");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "the fmt hook passes an unformatted program:\n{text}");
    assert!(text.contains("deploy/report.pipe"), "the fmt hook names the file:\n{text}");
    assert_eq!(std::fs::read_to_string(dir.join("deploy/report.pipe")).unwrap(), ugly);
}
