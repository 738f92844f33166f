//! GitOps with the binary: `build DIR` (which files are programs), `-o DIR
//! --check` (the drift, nothing written), `--kustomization`, and one program
//! built for several environments (examples/gitops).

use std::path::Path;
use std::process::{Command, Output};

fn pipec_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipec"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the pipec binary runs")
}

fn pipec(args: &[&str]) -> Output {
    pipec_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const COMMON: &str = "import \"./registry.pipe\"\nlet tag = \"1.0\"\ntemplate app(tag: string) { image = \"${registry.host}/app:${tag}\" }\n";

/// A deploy/ tree: two programs (one nested) sharing a module in lib/, a module
/// importing another, and a hidden directory that is not part of the build.
fn deploy_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("deploy/web.pipe", "import \"./lib/common.pipe\"\njob web-warmup = common.app(tag = common.tag)\n"),
            (
                "deploy/batch/nightly.pipe",
                "import \"../lib/common.pipe\"\ncron nightly = common.app(tag = common.tag) { schedule = \"@daily\" }\n",
            ),
            ("deploy/lib/common.pipe", COMMON),
            ("deploy/lib/registry.pipe", "let host = \"registry.example.com\"\n"),
            ("deploy/.scratch/old.pipe", "job old { image = \"x\" }\n"),
        ],
    );
    dir
}

/// (kind, name) of each document of a YAML stream, in order.
fn objects(stream: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut kind = None;
    for line in stream.lines() {
        if let Some(k) = line.strip_prefix("kind: ") {
            kind = Some(k.to_string());
        } else if let Some(name) = line.strip_prefix("  name: ")
            && let Some(k) = kind.take()
        {
            out.push((k, name.to_string()));
        }
    }
    out
}

#[test]
fn a_directory_builds_its_programs_in_path_order_and_its_modules_only_through_imports() {
    let dir = deploy_tree();
    let out = pipec_in(dir.path(), &["build", "deploy"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stream = text(&out.stdout);
    // deploy/batch/nightly.pipe sorts before deploy/web.pipe; lib/ and .scratch/ give nothing.
    assert_eq!(objects(&stream), [("CronJob".into(), "nightly".into()), ("Job".into(), "web-warmup".into())]);
    assert!(stream.contains("image: registry.example.com/app:1.0"), "{stream}");
    // The same build as naming the programs.
    let named = pipec_in(dir.path(), &["build", "deploy/batch/nightly.pipe", "deploy/web.pipe"]);
    assert_eq!(named.stdout, out.stdout);
    // A file named again, directly or through another spelling of the directory, is built once.
    let twice = pipec_in(dir.path(), &["build", "deploy", "deploy/web.pipe", "./deploy/"]);
    assert_eq!(twice.stdout, out.stdout, "{}", text(&twice.stderr));
    // `check` takes the directory too, and so does a trailing slash.
    let check = pipec_in(dir.path(), &["check", "deploy/"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    assert!(check.stderr.is_empty(), "no warnings about the modules: {}", text(&check.stderr));
}

#[test]
fn a_file_with_objects_that_another_imports_is_reported_not_skipped() {
    let dir = deploy_tree();
    write(dir.path(), &[("deploy/lib/registry.pipe", "let host = \"r.example.com\"\njob stray { image = \"x\" }\n")]);
    let out = pipec_in(dir.path(), &["build", "deploy"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("P0111") && stderr.contains("deploy/lib/registry.pipe"), "{stderr}");
}

#[test]
fn a_module_nobody_imports_is_built_as_a_program_and_gives_nothing() {
    let dir = deploy_tree();
    write(dir.path(), &[("deploy/lib/spare.pipe", "let unused = 1\ntemplate t(image: string) { image = image }\n")]);
    let out = pipec_in(dir.path(), &["build", "deploy"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(objects(&text(&out.stdout)).len(), 2);
}

#[test]
fn programs_of_two_directories_that_clash_are_an_error() {
    let dir = deploy_tree();
    write(dir.path(), &[("more/web.pipe", "job web-warmup { image = \"x\" }\n")]);
    let out = pipec_in(dir.path(), &["build", "deploy", "more"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("another file also defines Job `web-warmup`"), "{}", text(&out.stderr));
}

#[test]
fn a_directory_without_programs_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("empty/README.md", "nothing\n")]);
    let out = pipec_in(dir.path(), &["build", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read `empty`: there is no .pipe file under it"),
        "{}",
        text(&out.stderr)
    );
}

/// Every file of DIR: name, bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap(), e.metadata().unwrap().modified().unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn check_says_up_to_date_when_nothing_differs_and_touches_nothing() {
    let dir = deploy_tree();
    let built = pipec_in(dir.path(), &["build", "deploy", "-o", "out"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let before = snapshot(&dir.path().join("out"));
    let dir_mtime = std::fs::metadata(dir.path().join("out")).unwrap().modified().unwrap();
    let out = pipec_in(dir.path(), &["build", "deploy", "-o", "out", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "no diff: {}", text(&out.stdout));
    assert_eq!(text(&out.stderr), "pipec: `out` is up to date (2 files)\n");
    assert_eq!(snapshot(&dir.path().join("out")), before);
    assert_eq!(std::fs::metadata(dir.path().join("out")).unwrap().modified().unwrap(), dir_mtime);
    let quiet = pipec_in(dir.path(), &["build", "deploy", "-o", "out", "--check", "-q"]);
    assert_eq!((quiet.status.code(), quiet.stderr.len()), (Some(0), 0));
}

#[test]
fn check_shows_a_changed_an_added_and_a_removed_object_and_writes_nothing() {
    let dir = deploy_tree();
    assert_eq!(pipec_in(dir.path(), &["build", "deploy", "-o", "out"]).status.code(), Some(0));
    // The sources move on: the image changes, a program is added, one is deleted.
    write(
        dir.path(),
        &[
            ("deploy/lib/common.pipe", &COMMON.replace("1.0", "1.1")),
            ("deploy/backfill.pipe", "job backfill { image = \"busybox:1.36\" }\n"),
        ],
    );
    std::fs::remove_file(dir.path().join("deploy/batch/nightly.pipe")).unwrap();
    let before = snapshot(&dir.path().join("out"));
    let out = pipec_in(dir.path(), &["build", "deploy", "-o", "out", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains(
            "--- out/job-web-warmup.yaml\n+++ out/job-web-warmup.yaml (built)\n@@ -9,7 +9,7 @@\n   template:\n     spec:\n       containers:\n-      - image: registry.example.com/app:1.0\n+      - image: registry.example.com/app:1.1\n"
        ),
        "{report}"
    );
    assert!(report.contains("would add out/job-backfill.yaml (built, not in out)\n"), "{report}");
    assert!(report.contains("would remove out/cronjob-nightly.yaml (in out, not built)\n"), "{report}");
    assert!(!report.contains('\x1b'), "no colour when stdout is not a terminal");
    assert_eq!(
        text(&out.stderr),
        "pipec: `out` differs from the build: 1 changed, 1 to add, 1 to remove (nothing written)\n"
    );
    assert_eq!(snapshot(&dir.path().join("out")), before, "--check writes nothing");
    let coloured = pipec_in(dir.path(), &["build", "deploy", "-o", "out", "--check", "--color", "always"]);
    assert!(text(&coloured.stdout).contains("\x1b[31m-      - image: registry.example.com/app:1.0\x1b[0m"));
    // And the diff applies: patch(1) turns the committed file into the built one.
    if Command::new("patch").arg("--version").output().is_ok() {
        let applied = Command::new("patch")
            .args(["-p0", "-s"])
            .current_dir(dir.path())
            .stdin(std::process::Stdio::piped())
            .spawn();
        let mut child = applied.unwrap();
        use std::io::Write;
        let only_diff: String = report.lines().filter(|l| !l.starts_with("would ")).map(|l| format!("{l}\n")).collect();
        let only_diff = only_diff.replace(" (built)", "");
        child.stdin.take().unwrap().write_all(only_diff.as_bytes()).unwrap();
        assert!(child.wait().unwrap().success());
        let built = pipec_in(dir.path(), &["build", "deploy/web.pipe"]);
        assert_eq!(std::fs::read(dir.path().join("out/job-web-warmup.yaml")).unwrap(), built.stdout);
    }
}

#[test]
fn check_of_a_missing_directory_lists_what_would_be_written_and_creates_nothing() {
    let dir = deploy_tree();
    let out = pipec_in(dir.path(), &["build", "deploy", "-o", "out", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "would add out/cronjob-nightly.yaml (built, not in out)\nwould add out/job-web-warmup.yaml (built, not in out)\n"
    );
    assert_eq!(text(&out.stderr), "pipec: `out` does not exist: the build would write 2 files\n");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn check_refuses_what_a_build_would_refuse_and_needs_an_output_directory() {
    let dir = deploy_tree();
    write(dir.path(), &[("out/notes.md", "mine\n")]);
    let out = pipec_in(dir.path(), &["build", "deploy", "-o", "out", "--check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot check `out`: it holds `notes.md`"), "{}", text(&out.stderr));
    for flag in ["--check", "--kustomization"] {
        let out = pipec_in(dir.path(), &["build", "deploy", flag]);
        assert_eq!(out.status.code(), Some(2), "{flag} without -o is a usage error");
        assert!(text(&out.stderr).contains("--output <DIR>"), "{}", text(&out.stderr));
    }
    // Errors in the sources: exit 1 as for any build, and no diff.
    write(dir.path(), &[("deploy/web.pipe", "job web-warmup { imag = \"x\" }\n")]);
    std::fs::remove_file(dir.path().join("out/notes.md")).unwrap();
    let out = pipec_in(dir.path(), &["build", "deploy", "-o", "out", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_kustomization_lists_the_files_and_is_part_of_the_check() {
    let dir = deploy_tree();
    let out = pipec_in(dir.path(), &["build", "deploy", "-o", "out", "--kustomization"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let kustomization = std::fs::read_to_string(dir.path().join("out/kustomization.yaml")).unwrap();
    assert!(
        kustomization.ends_with("kind: Kustomization\nresources:\n  - cronjob-nightly.yaml\n  - job-web-warmup.yaml\n"),
        "{kustomization}"
    );
    let check = pipec_in(dir.path(), &["build", "deploy", "-o", "out", "--kustomization", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    // Without the flag, a build would drop it: --check says so.
    let check = pipec_in(dir.path(), &["build", "deploy", "-o", "out", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(text(&check.stdout), "would remove out/kustomization.yaml (in out, not built)\n");
    // A new program is a new resource.
    write(dir.path(), &[("deploy/backfill.pipe", "job backfill { image = \"busybox:1.36\" }\n")]);
    let check = pipec_in(dir.path(), &["build", "deploy", "-o", "out", "--kustomization", "--check"]);
    assert!(
        text(&check.stdout).contains("+++ out/kustomization.yaml (built)\n@@ -3,4 +3,5 @@\n"),
        "{}",
        text(&check.stdout)
    );
    assert!(text(&check.stdout).contains("+  - job-backfill.yaml\n"), "{}", text(&check.stdout));
}

/// `kubectl kustomize DIR` renders the objects as they are (only where kubectl is installed).
#[test]
fn kubectl_kustomize_accepts_the_directory() {
    if Command::new("kubectl").arg("version").arg("--client").output().is_err() {
        eprintln!("kubectl is not installed: skipped");
        return;
    }
    let dir = deploy_tree();
    assert_eq!(pipec_in(dir.path(), &["build", "deploy", "-o", "out", "--kustomization"]).status.code(), Some(0));
    let rendered = Command::new("kubectl").args(["kustomize", "out"]).current_dir(dir.path()).output().unwrap();
    assert!(rendered.status.success(), "{}", text(&rendered.stderr));
    let mut names = objects(&text(&rendered.stdout));
    names.sort();
    assert_eq!(names, [("CronJob".into(), "nightly".into()), ("Job".into(), "web-warmup".into())]);
}

/// examples/gitops: one program, built per environment into the directories
/// committed beside it; they are what the sources build (the check CI runs).
#[test]
fn the_gitops_example_is_built_for_each_environment() {
    for env in ["staging", "prod"] {
        let values = format!("examples/gitops/env/{env}.yaml");
        let dir = format!("examples/gitops/out/{env}");
        let out = pipec(&[
            "build",
            "examples/gitops/reports.pipe",
            "--values",
            &values,
            "-o",
            &dir,
            "--kustomization",
            "--check",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{dir} is not what the sources build; rebuild it with `pipec build examples/gitops/reports.pipe --values {values} -o {dir} --kustomization`:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    let staging = std::fs::read_to_string("examples/gitops/out/staging/cronjob-nightly-report.yaml").unwrap();
    let prod = std::fs::read_to_string("examples/gitops/out/prod/cronjob-nightly-report.yaml").unwrap();
    assert!(staging.contains("namespace: reports-staging") && prod.contains("namespace: reports-prod"));
    assert!(staging.contains("builder:2.5.0-rc.1") && prod.contains("builder:2.4.0"));
    assert!(staging.contains("parallelism: 1") && prod.contains("parallelism: 4"));
    // Without --values it still builds (the CI loop builds examples one by one).
    assert_eq!(pipec(&["build", "examples/gitops/reports.pipe"]).status.code(), Some(0));
}
