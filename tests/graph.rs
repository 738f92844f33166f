//! `pipec graph`: snapshots of both formats for a fixture, and every example's graph
//! read by the real tools — Graphviz renders the DOT, Mermaid parses the Mermaid
//! (tests/tools/mermaid, `npm ci` there). Where a tool is missing the test says so and
//! passes, unless PIPEC_GRAPH_TOOLS=required (as in .ci/run, which installs both).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pipec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipec")).args(args).current_dir(root()).env("NO_COLOR", "1").output().unwrap()
}

fn graph(file: &str, format: &str) -> String {
    let out = pipec(&["graph", "-q", "--format", format, file]);
    assert_eq!(out.status.code(), Some(0), "{file}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Every example and graph fixture (programs that compile).
fn programs() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["examples", "tests/graph"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "pipe") {
                files.push(path.strip_prefix(root()).unwrap().to_path_buf());
            }
        }
    }
    files.sort();
    files
}

fn tool_missing(what: &str) -> bool {
    if std::env::var("PIPEC_GRAPH_TOOLS").as_deref() == Ok("required") {
        panic!("{what} is required (PIPEC_GRAPH_TOOLS=required) but missing");
    }
    eprintln!("skipped: {what} is not installed");
    true
}

#[test]
fn the_fixture_graph_in_both_formats() {
    insta::assert_snapshot!("fanout.mmd", graph("tests/graph/fanout.pipe", "mermaid"));
    insta::assert_snapshot!("fanout.dot", graph("tests/graph/fanout.pipe", "dot"));
}

/// A pipeline's task graph: the same tasks, edges and critical path on both targets (only
/// what starts the tasks differs: the runner Job or CronJob, or the Argo Workflow).
#[test]
fn pipelines_in_both_formats_on_both_targets() {
    for example in ["diamond", "nightly-etl", "train-pipeline"] {
        let file = format!("examples/{example}.pipe");
        insta::assert_snapshot!(format!("{example}.mmd"), graph(&file, "mermaid"));
        insta::assert_snapshot!(format!("{example}.dot"), graph(&file, "dot"));
        let argo = pipec(&["graph", "-q", "--target", "argo", "--format", "mermaid", &file]);
        assert_eq!(argo.status.code(), Some(0), "{file}: {}", String::from_utf8_lossy(&argo.stderr));
        insta::assert_snapshot!(format!("{example}-argo.mmd"), String::from_utf8(argo.stdout).unwrap());
    }
    // The fan-out task's group is drawn inside its pipeline, in both formats.
    let dot = graph("examples/train-pipeline.pipe", "dot");
    let (pipeline, group) = (dot.find("subgraph cluster_pipeline_0").unwrap(), dot.find("subgraph cluster_0").unwrap());
    let pipeline_end = pipeline + dot[pipeline..].find("\n  }\n").unwrap();
    assert!(pipeline < group && group < pipeline_end, "the group's cluster is not inside the pipeline's:\n{dot}");
}

#[test]
fn graphviz_renders_every_dot_graph() {
    if Command::new("dot").arg("-V").output().is_err() && tool_missing("Graphviz (`dot`)") {
        return;
    }
    for file in programs() {
        let dot = graph(file.to_str().unwrap(), "dot");
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.is_empty(), "{}: dot says {stderr}\n{dot}", file.display());
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"), "{}", file.display());
    }
}

#[test]
fn mermaid_parses_every_mermaid_graph() {
    let tool = root().join("tests/tools/mermaid");
    let node = Command::new("node").arg("--version").output();
    if (node.is_err() || !tool.join("node_modules/mermaid").exists())
        && tool_missing("Mermaid (node, and `npm ci` in tests/tools/mermaid)")
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for file in programs() {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let path = dir.path().join(format!("{name}.mmd"));
        std::fs::write(&path, graph(file.to_str().unwrap(), "mermaid")).unwrap();
        files.push(path);
    }
    let out = Command::new("node").arg(tool.join("parse.mjs")).args(&files).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "mermaid: {}{stdout}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.matches(": flowchart").count(), files.len(), "{stdout}");
}

#[test]
fn a_program_with_errors_draws_nothing() {
    let out = pipec(&["graph", "tests/cases/errors/wrong-types.pipe"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

/// A custom resource's pods are counted as its controller makes them: a JobSet's replicated
/// Jobs and a SparkApplication's driver and executors give the same peak as the Kubernetes
/// target's Jobs (the figures in the title), and are drawn (a group's Jobs, the executors).
#[test]
fn custom_resources_count_the_pods_their_controllers_make() {
    for (file, target, drawn) in [
        ("examples/tf-training.pipe", "jobset", "JobSet mnist · worker"),
        ("examples/spark-pi.pipe", "spark-operator", "Spark executors of spark-pi"),
    ] {
        let out = pipec(&["graph", "-q", "--target", target, "--format", "mermaid", file]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", String::from_utf8_lossy(&out.stderr));
        let on_target = String::from_utf8(out.stdout).unwrap();
        let kubernetes = graph(file, "mermaid");
        let title = |g: &str| g.lines().find(|l| l.starts_with("title:")).unwrap_or_default().to_string();
        assert_eq!(title(&on_target), title(&kubernetes), "{file} on {target}:\n{on_target}");
        assert!(!title(&on_target).contains(" 0 pods"), "{title:?}", title = title(&on_target));
        assert!(on_target.contains(drawn), "{file} on {target}:\n{on_target}");
    }
}
