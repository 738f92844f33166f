//! `pipec import` of operators' custom resources (the GitOps adoption issue): a TFJob becomes
//! a `group`, an Argo Workflow or CronWorkflow a `pipeline`. What pipec emits for a `--target`
//! comes back: build → import → build gives the same objects (as data); seed 001's TFJob
//! imports into a group that builds and passes the Kubernetes schemas; what an item cannot
//! write the same is a warning (P0709) or keeps the object aside (P0710), with snapshots of
//! what the user sees (`tests/import/crd/cases/*.yaml`).

use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[path = "import/server_defaults.rs"]
mod server_defaults;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn objects(yaml: &str) -> Vec<Value> {
    serde_norway::Deserializer::from_str(yaml)
        .map(|d| Value::deserialize(d).unwrap())
        .filter(|v| !v.is_null())
        .map(|mut v| {
            server_defaults::apply(&mut v);
            v
        })
        .collect()
}

fn options(target: &str) -> pipec::Options {
    pipec::Options { target: pipec::target::Target::parse(target).unwrap(), ..Default::default() }
}

/// Builds `text` for `target`; the diagnostics' messages when it does not build.
fn build(name: &str, text: &str, target: &str) -> Result<String, String> {
    let c = pipec::compile(vec![(name.to_string(), text.to_string())], &pipec::FsLoader, &options(target));
    if c.has_errors() {
        let shown: Vec<String> =
            c.diagnostics.iter().map(|d| pipec::diag::render::human(d, &c.sources, false)).collect();
        return Err(shown.join("\n"));
    }
    Ok(c.yaml_stream().into_owned())
}

fn import(name: &str, yaml: &str, program: &str) -> (pipec::import::Imported, pipec::source::SourceMap) {
    let mut sources = pipec::source::SourceMap::new();
    let id = sources.add(name, yaml.to_string());
    (pipec::import::import(&sources, &[id], program), sources)
}

/// The `# build: --target X` line of an imported program.
fn target_line(pipe: &str) -> Option<&str> {
    pipe.lines().find_map(|l| l.strip_prefix("# build: --target "))
}

#[test]
fn what_pipec_emits_for_a_target_comes_back() {
    let cases: &[(&str, &str, &str)] = &[
        ("examples/diamond.pipe", "argo", "Workflow"),
        ("examples/nightly-etl.pipe", "argo", "CronWorkflow"),
        ("examples/spark-pi.pipe", "spark-operator", "SparkApplication"),
    ];
    let mut failures = Vec::new();
    for (program, target, kind) in cases {
        let text = std::fs::read_to_string(Path::new(ROOT).join(program)).unwrap();
        let first = build(program, &text, target).unwrap();
        assert!(first.contains(&format!("kind: {kind}\n")), "{program}: no {kind} with --target {target}");
        let stem = Path::new(program).file_stem().unwrap().to_string_lossy().to_string();
        let (imported, sources) = import(&format!("{stem}.yaml"), &first, &stem);
        let shown: Vec<String> =
            imported.diagnostics.iter().map(|d| pipec::diag::render::human(d, &sources, false)).collect();
        assert!(!imported.has_errors(), "{program}: {}", shown.join("\n"));
        assert!(imported.rest.is_empty(), "{program}: kept aside:\n{}\n{}", imported.rest, shown.join("\n"));
        assert_eq!(target_line(&imported.pipe), Some(*target), "{program}:\n{}", imported.pipe);
        match pipec::fmt::format_source(program, &imported.pipe) {
            Ok(f) if f == imported.pipe => {}
            _ => failures.push(format!("{program}: the imported program is not in `pipec fmt`'s layout")),
        }
        match build(program, &imported.pipe, target) {
            Err(e) => failures.push(format!("{program}: the imported program does not build:\n{}\n{e}", imported.pipe)),
            Ok(second) if objects(&second) != objects(&first) => failures.push(format!(
                "{program}: the imported program builds other objects:\n{}\n--- first\n{first}\n--- second\n{second}",
                imported.pipe
            )),
            Ok(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn tool(name: &str) -> Option<PathBuf> {
    let root = Path::new(ROOT);
    let found = [root.join("../shared/tools").join(name), root.join("../../shared/tools").join(name)]
        .into_iter()
        .find(|p| p.exists());
    if found.is_none() {
        eprintln!("skipped: ../shared/tools/{name} is not here");
    }
    found
}

/// Seed 001's TFJob (2 parameter servers, 4 workers) is a tensorflow group that builds into
/// objects the Kubernetes schemas accept.
#[test]
fn seed_001_tfjob_is_a_group() {
    let path = "tests/import/crd/seed-001-tfjob.yaml";
    let yaml = std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap();
    let (imported, sources) = import(path, &yaml, "training");
    assert!(!imported.has_errors() && imported.rest.is_empty(), "{}", imported.rest);
    let shown: Vec<String> =
        imported.diagnostics.iter().map(|d| pipec::diag::render::human(d, &sources, false)).collect();
    insta::assert_snapshot!(format!(
        "{}\n# summary:\n{}\n\n# diagnostics:\n{}",
        imported.pipe,
        imported.summary.join("\n"),
        shown.join("\n")
    ));
    for expected in ["framework = tensorflow", "role ps {", "replicas = 2", "role worker {", "replicas = 4"] {
        assert!(imported.pipe.contains(expected), "no `{expected}` in\n{}", imported.pipe);
    }
    let built = build("training.pipe", &imported.pipe, "kubernetes").unwrap();
    let kinds: Vec<String> = objects(&built).iter().map(|o| o["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds, ["Service", "Job", "Job"]);
    // The members find each other as TFJob's would: TF_CONFIG with 2 ps and 4 workers on port 2222.
    assert!(built.contains("dist-mnist-for-e2e-test-worker-3.dist-mnist-for-e2e-test.$(PIPEC_NAMESPACE).svc:2222"));
    let Some(validate) = tool("k8s-validate") else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed-001.yaml");
    std::fs::write(&file, &built).unwrap();
    let out = std::process::Command::new(validate).args(["--strict"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// Custom resources as users write them: what their item writes otherwise (P0709) or cannot
/// write (P0710, the object kept aside), with the diagnostics in the YAML, the program, the summary.
#[test]
fn custom_resources_that_differ_say_so() {
    insta::glob!("import/crd/cases/*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let rel = path.strip_prefix(ROOT).unwrap().to_string_lossy().replace('\\', "/");
        let (imported, sources) = import(&rel, &text, "program");
        assert!(!imported.has_errors(), "{rel}");
        let shown: Vec<String> =
            imported.diagnostics.iter().map(|d| pipec::diag::render::human(d, &sources, false)).collect();
        let aside = !imported.rest.is_empty();
        // Kept aside: as written. Converted: a program that builds.
        if aside {
            assert!(imported.diagnostics.iter().any(|d| d.code.as_str() == "P0710"), "{rel}");
            // As written, from its first field (the comments above it are the file's).
            let object: String = text.lines().skip_while(|l| l.starts_with('#')).map(|l| format!("{l}\n")).collect();
            assert_eq!(imported.rest.trim_end(), format!("---\n{}", object.trim_end()), "{rel}");
        } else {
            let target = target_line(&imported.pipe).unwrap_or("kubernetes");
            if let Err(e) = build("program.pipe", &imported.pipe, target) {
                panic!("{rel}: the imported program does not build:\n{}\n{e}", imported.pipe);
            }
        }
        insta::assert_snapshot!(format!(
            "{}\n# summary:\n{}\n\n# diagnostics:\n{}",
            imported.pipe,
            imported.summary.join("\n"),
            shown.join("\n")
        ));
    });
}

/// Custom resources of the wrong shapes end in a kept-aside object or diagnostics, never a panic.
#[test]
fn broken_custom_resources_end_in_diagnostics() {
    let heads = [
        "apiVersion: kubeflow.org/v1\nkind: TFJob",
        "apiVersion: jobset.x-k8s.io/v1alpha2\nkind: JobSet",
        "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication",
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow",
        "apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow",
    ];
    let bodies = [
        "",
        "metadata: { name: x }",
        "metadata: { name: x }\nspec: 5",
        "metadata: { name: x }\nspec: { tfReplicaSpecs: [], replicatedJobs: {}, templates: x, driver: 5 }",
        "metadata: { name: x }\nspec: { tfReplicaSpecs: { Worker: { replicas: two, template: 5 } } }",
        "metadata: { name: x }\nspec: { tfReplicaSpecs: { PS: {}, Master: { template: {} }, Chief: {} } }",
        "metadata: { name: x }\nspec: { replicatedJobs: [{ name: a, template: { spec: { completionMode: Indexed, completions: 2, parallelism: 2, template: 3 } } }] }",
        "metadata: { name: x }\nspec: { entrypoint: m, templates: [{ name: m, dag: { tasks: [{ name: a, template: m }] } }] }",
        "metadata: { name: x }\nspec: { entrypoint: m, templates: [{ name: m, dag: { tasks: [{ name: a, template: b, depends: \"a &&\" }] } }, { name: b, container: { image: i } }] }",
        "metadata: { name: x }\nspec: { schedules: [], workflowSpec: 3 }",
        "metadata: { name: x }\nspec: { image: i, mainApplicationFile: f.py, type: Python, driver: { memory: 12q }, executor: { instances: -1 } }",
    ];
    for head in heads {
        for body in bodies {
            let yaml = format!("{head}\n{body}\n");
            let (imported, sources) = import("x.yaml", &yaml, "x");
            for d in &imported.diagnostics {
                let _ = pipec::diag::render::human(d, &sources, false);
            }
            // Converted or not, never both; an item that was converted builds or says why.
            assert!(imported.rest.is_empty() || !imported.pipe.contains(" x {"), "{yaml}");
        }
    }
}
