//! Pipelines on both targets: the examples' Argo output (snapshots; the Kubernetes output is in
//! the `examples` snapshots of tests/compile.rs), checked against the real schemas — the Argo
//! CRDs (`crd-validate --strict`), Hera's models of the Argo API as a second opinion, and the
//! Kubernetes schemas for every object, also the task Jobs the runner creates from its ConfigMap.
//! A tool that is absent skips its check with a message (CI installs them all: .ci/run).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const PROGRAMS: &[&str] = &[
    "examples/nightly-etl.pipe",
    "examples/diamond.pipe",
    "examples/train-pipeline.pipe",
    "tests/cases/ok/pipeline-argo.pipe",
];
/// The examples (the first of [`PROGRAMS`]) whose Argo output is a snapshot.
const EXAMPLES: usize = 3;
/// Programs that need a newer Kubernetes than the oldest supported (a fan-out task's
/// `retries-per-index`: the Job's `backoffLimitPerIndex`, 1.29+).
const NOT_ON_THE_OLDEST: &[&str] = &["examples/train-pipeline.pipe"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn build(program: &str, target: pipec::target::Target, kube: pipec::version::KubeVersion) -> pipec::Compilation {
    let text = std::fs::read_to_string(root().join(program)).unwrap();
    let options = pipec::Options { target, kube_version: kube, ..Default::default() };
    let c = pipec::compile(vec![(program.to_string(), text)], &pipec::FsLoader, &options);
    assert!(!c.has_errors(), "{program}: {:?}", c.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    c
}

fn argo(program: &str) -> pipec::Compilation {
    build(program, pipec::target::Target::Argo, pipec::version::KubeVersion::NEWEST)
}

/// `../shared/tools/NAME` beside the repository (or its worktree's), or `$PIPEC_SHARED/tools`.
fn tool(name: &str) -> Option<PathBuf> {
    let mut places: Vec<PathBuf> = std::env::var_os("PIPEC_SHARED").map(PathBuf::from).into_iter().collect();
    places.extend([root().join("../shared"), root().join("../../shared")]);
    let found = places.into_iter().map(|p| p.join("tools").join(name)).find(|p| p.is_file());
    if found.is_none() {
        eprintln!("skipped: no ../shared/tools/{name}");
    }
    found
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pipec-pipelines-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(tool: &Path, args: &[&str], files: &[PathBuf]) {
    let out = Command::new(tool).args(args).args(files).output().expect("the tool runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{} {args:?} failed:\n{text}", tool.display());
}

#[test]
fn the_examples_on_argo() {
    for program in &PROGRAMS[..EXAMPLES] {
        let c = argo(program);
        let name = Path::new(program).file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(
            format!("argo-{name}"),
            format!("# pipec build --target argo {program}\n{}", c.yaml_stream())
        );
    }
}

#[test]
fn argo_output_passes_the_argo_crds_and_the_kubernetes_schemas() {
    let dir = scratch("argo");
    let files: Vec<PathBuf> = PROGRAMS
        .iter()
        .map(|program| {
            let path = dir.join(format!("{}.yaml", Path::new(program).file_stem().unwrap().to_string_lossy()));
            std::fs::write(&path, argo(program).yaml_stream().as_bytes()).unwrap();
            path
        })
        .collect();
    if let Some(crd_validate) = tool("crd-validate") {
        run(&crd_validate, &["--strict", "--ignore-unknown"], &files);
    }
    // The ServiceAccount, Role and RoleBinding beside each Workflow.
    if let Some(k8s_validate) = tool("k8s-validate") {
        run(&k8s_validate, &["--strict", "--allow-unknown-kinds", "--kube-version", "1.37"], &files);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The task Jobs, as the runner creates them (its placeholders filled in as it does), pass the
/// Kubernetes schemas of the newest and the oldest version: they are not in the YAML CI checks.
#[test]
fn the_runners_task_jobs_pass_the_kubernetes_schemas() {
    let Some(k8s_validate) = tool("k8s-validate") else { return };
    for (version, minor) in
        [("1.37", pipec::version::KubeVersion::NEWEST), ("1.27", pipec::version::KubeVersion::OLDEST)]
    {
        let dir = scratch(&format!("tasks-{version}"));
        let mut files = Vec::new();
        for program in PROGRAMS {
            if minor == pipec::version::KubeVersion::OLDEST && NOT_ON_THE_OLDEST.contains(program) {
                let text = std::fs::read_to_string(root().join(program)).unwrap();
                let options = pipec::Options { kube_version: minor, ..Default::default() };
                let c = pipec::compile(vec![(program.to_string(), text)], &pipec::FsLoader, &options);
                assert!(c.has_errors(), "{program} is refused on {version}, not emitted with fields it drops");
                continue;
            }
            for object in build(program, pipec::target::Target::Kubernetes, minor).objects() {
                let object = serde_json::to_value(&object).unwrap();
                if object["kind"] != "ConfigMap" {
                    continue;
                }
                for (key, text) in object["data"].as_object().unwrap() {
                    let Some(task) = key.strip_suffix(".json") else { continue };
                    let json = text
                        .as_str()
                        .unwrap()
                        .replace("@RUN@", "3f9a0c12")
                        .replace("@RUNNER_JOB@", "nightly-etl-29012345")
                        .replace("@RUNNER_UID@", "0b6c1e1e-8d0b-4c55-9a4e-2c413f9a0c12");
                    // A task's Job, or a fan-out task's Service and role Jobs: JSON objects in a row.
                    let documents: Vec<Value> = serde_json::Deserializer::from_str(&json)
                        .into_iter::<Value>()
                        .collect::<Result<_, _>>()
                        .expect("a task's objects are JSON");
                    let kinds: Vec<&str> = documents.iter().map(|d| d["kind"].as_str().unwrap_or("")).collect();
                    assert!(
                        kinds == ["Job"] || (kinds[0] == "Service" && kinds[1..].iter().all(|k| *k == "Job")),
                        "{task}: {kinds:?}"
                    );
                    for (i, document) in documents.iter().enumerate() {
                        let name = object["metadata"]["name"].as_str().unwrap();
                        let path = dir.join(format!("{name}-{task}-{i}.json"));
                        std::fs::write(&path, serde_json::to_string(document).unwrap()).unwrap();
                        files.push(path);
                    }
                }
            }
        }
        assert!(files.len() >= 10, "the task Jobs of every program: {files:?}");
        run(&k8s_validate, &["--strict", "--kube-version", version], &files);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Hera reads every Workflow and CronWorkflow and writes it back unchanged (it ignores fields
/// it does not know, so a dropped field is one Argo does not have). `PIPEC_HERA_PYTHON` names
/// the Python with Hera (.ci/run sets it: then a missing Hera fails); else `python3` if it has it.
#[test]
fn hera_reads_the_argo_output_unchanged() {
    let required = std::env::var_os("PIPEC_HERA_PYTHON");
    let python = required.clone().unwrap_or_else(|| "python3".into());
    // Hera 7 (pydantic 2: `model_validate`), as .ci/run installs it.
    let probe = "from hera.workflows.models import Workflow; Workflow.model_validate";
    let has_hera = Command::new(&python).args(["-c", probe]).output().is_ok_and(|o| o.status.success());
    if !has_hera {
        assert!(required.is_none(), "PIPEC_HERA_PYTHON={python:?} has no `hera`");
        eprintln!("skipped: no Python with Hera 7 (pip install hera==7.1.0, or set PIPEC_HERA_PYTHON)");
        return;
    }
    let dir = scratch("hera");
    let mut files = Vec::new();
    for program in PROGRAMS {
        for object in argo(program).objects() {
            let object = serde_json::to_value(&object).unwrap();
            if object["apiVersion"] != "argoproj.io/v1alpha1" {
                continue;
            }
            let path = dir.join(format!("{}.json", object["metadata"]["name"].as_str().unwrap()));
            std::fs::write(&path, serde_json::to_string(&object).unwrap()).unwrap();
            files.push(path);
        }
    }
    assert_eq!(files.len(), PROGRAMS.len());
    let out = Command::new(&python).arg(root().join("tests/support/hera_check.py")).args(&files).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "Hera does not read pipec's Argo output as written:\n{text}");
}

/// `pipec schedule` shows a scheduled pipeline's fire times, as a cron's.
#[test]
fn pipec_schedule_lists_a_scheduled_pipeline() {
    let out = Command::new(env!("CARGO_BIN_EXE_pipec"))
        .args(["schedule", "examples/nightly-etl.pipe", "--next", "2", "--from", "2026-12-01T00:00:00Z"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "pipeline nightly-etl — \"0 2 * * *\" in Europe/Berlin\n  runs at 02:00 every day\n  \
         2026-12-01 02:00:00 +01:00 (Tue)\n  2026-12-02 02:00:00 +01:00 (Wed)\n"
    );
}
