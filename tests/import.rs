//! `pipec import` (issue 15): every example and every ok case builds, is imported back from
//! its YAML, and builds again into the same objects (compared as data, maps in any order);
//! broken YAML gets diagnostics with spans in the YAML file (snapshots of `tests/import/*.yaml`).
//! The real-world corpus is imported in `tests/corpus.rs`.

use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[path = "import/server_defaults.rs"]
mod server_defaults;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn pipe_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            pipe_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "pipe") {
            out.push(path);
        }
    }
}

/// The objects of a YAML stream as data (serde_json compares maps in any order).
fn objects(yaml: &str) -> Vec<Value> {
    serde_norway::Deserializer::from_str(yaml)
        .map(|d| Value::deserialize(d).unwrap())
        .filter(|v| !v.is_null())
        .collect()
}

/// The objects of a YAML stream as the API server stores them: its defaults filled in (so a
/// value `import` left out as a default compares equal to the one written).
fn defaulted(yaml: &str) -> Vec<Value> {
    let mut objects = objects(yaml);
    objects.iter_mut().for_each(server_defaults::apply);
    objects
}

/// Builds `text`; `None` when it does not build (a module, or a case needing params).
fn build(name: &str, text: &str) -> Option<String> {
    let c = pipec::compile(vec![(name.to_string(), text.to_string())], &pipec::FsLoader, &pipec::Options::default());
    if c.has_errors() {
        return None;
    }
    Some(c.yaml_stream().into_owned())
}

fn import(name: &str, yaml: &str, program: &str) -> pipec::import::Imported {
    import_with(name, yaml, program, pipec::import::Options::default())
}

fn import_with(name: &str, yaml: &str, program: &str, options: pipec::import::Options) -> pipec::import::Imported {
    let mut sources = pipec::source::SourceMap::new();
    let id = sources.add(name, yaml.to_string());
    pipec::import::import_with(&sources, &[id], program, options)
}

#[test]
fn build_import_build_gives_the_same_objects() {
    let mut files = Vec::new();
    pipe_files(&Path::new(ROOT).join("examples"), &mut files);
    pipe_files(&Path::new(ROOT).join("tests/cases/ok"), &mut files);
    files.sort();
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(ROOT).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        let Some(first) = build(&rel, &text) else { continue };
        if first.trim().is_empty() {
            continue;
        }
        // Imported under the program's own name, so that `pipec.dev/program` is the same.
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let imported = import(&format!("{stem}.yaml"), &first, &stem);
        assert!(!imported.has_errors(), "{rel}: the import of its YAML failed");
        assert!(imported.rest.is_empty(), "{rel}: every kind pipec emits is imported");
        // The imported program is built where the original is (its `file(…)` paths are not used:
        // data is imported as text).
        let again =
            path.with_file_name(format!("{stem}.pipe")).strip_prefix(ROOT).unwrap().to_string_lossy().to_string();
        // Printed by the formatter: `pipec fmt` leaves it as it is.
        match pipec::fmt::format_source(&again, &imported.pipe) {
            Ok(formatted) if formatted == imported.pipe => {}
            _ => failures.push(format!("{rel}: the imported program is not in `pipec fmt`'s layout")),
        }
        // `raw` only where the language has no key.
        let c =
            pipec::compile(vec![(again.clone(), imported.pipe.clone())], &pipec::FsLoader, &pipec::Options::default());
        for o in c.programs.iter().flat_map(|p| &p.objects) {
            for r in &o.meta().raw {
                if let Some(key) = pipec::import::key_for(o.k8s_kind(), &r.path) {
                    failures.push(format!("{rel}: `raw` for `{}`, which the key `{key}` writes", r.path));
                }
            }
        }
        match build(&again, &imported.pipe) {
            None => failures.push(format!("{rel}: the imported program does not build:\n{}", imported.pipe)),
            Some(second) if defaulted(&second) != defaulted(&first) => {
                failures.push(format!("{rel}: the imported program builds other objects:\n{}", imported.pipe))
            }
            Some(_) => checked += 1,
        }
    }
    assert!(checked >= 30, "only {checked} programs went round");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// An imported program is what a person would write: units as units, choices as words,
/// defaults left out, an image used twice named once.
#[test]
fn imported_programs_are_idiomatic() {
    let yaml = "\
apiVersion: batch/v1
kind: Job
metadata: { name: soak, namespace: qa }
spec:
  activeDeadlineSeconds: 604800
  backoffLimit: 4
  completionMode: Indexed
  completions: 4
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: soak
        image: registry.example.com/soak:1.2
        imagePullPolicy: IfNotPresent
        resources:
          requests: { cpu: 500m, memory: 1Gi }
          limits: { cpu: 500m, memory: 1Gi }
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: { name: nightly, namespace: qa }
spec:
  schedule: '0 3 * * *'
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: nightly
            image: registry.example.com/soak:1.2
";
    let imported = import("in.yaml", yaml, "in");
    assert!(!imported.has_errors());
    let text = &imported.pipe;
    for expected in [
        "namespace \"qa\"",
        "let soak-image = \"registry.example.com/soak:1.2\"",
        "deadline = 1w",
        "retries = 4",
        "completion-mode = indexed",
        "resources { cpu = 500m, memory = 1Gi }",
        "concurrency = forbid",
        "restart = on-failure",
        "image = soak-image",
    ] {
        assert!(text.contains(expected), "no `{expected}` in:\n{text}");
    }
    for absent in ["pull", "restart = never", "raw", "name ="] {
        assert!(!text.contains(absent), "`{absent}` (a default) in:\n{text}");
    }
    // The removed batch/v1beta1 is said, and converted.
    assert!(imported.diagnostics.iter().any(|d| d.code.as_str() == "P0704" && !d.is_error()));
    let built = build("in.pipe", text).expect("the imported program builds");
    assert!(built.contains("apiVersion: batch/v1\nkind: CronJob"));
}

#[test]
fn kinds_pipec_has_no_item_for_are_kept_aside_as_written() {
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\ndata: { k: v }\n---\n# the ingress\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec: {}\n";
    let imported = import("in.yaml", yaml, "in");
    assert!(!imported.has_errors());
    assert_eq!(
        imported.rest,
        "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec: {}\n"
    );
    assert!(imported.summary.iter().any(|l| l.starts_with("Ingress/web: kept aside")));
    assert!(imported.diagnostics.iter().any(|d| d.code.as_str() == "P0707"));
    assert!(imported.pipe.contains("config a {\n  data = { k: \"v\" }\n}"), "{}", imported.pipe);
}

#[test]
fn broken_yaml_gets_diagnostics_in_the_yaml() {
    insta::glob!("import/*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let rel = path.strip_prefix(ROOT).unwrap().to_string_lossy().replace('\\', "/");
        let mut sources = pipec::source::SourceMap::new();
        let id = sources.add(rel, text);
        let imported = pipec::import::import(&sources, &[id], "program");
        assert!(imported.has_errors(), "{} imports without errors", path.display());
        let shown: Vec<String> =
            imported.diagnostics.iter().map(|d| pipec::diag::render::human(d, &sources, false)).collect();
        insta::assert_snapshot!(shown.join("\n"));
    });
}

/// docs/migration.md's worked example stays true: `examples/migration/pipe/` is what
/// `pipec import examples/migration/yaml/` writes, and `examples/migration/out/` what it builds.
#[test]
fn the_migration_example_is_current() {
    let root = Path::new(ROOT).join("examples/migration");
    let yaml = std::fs::read_to_string(root.join("yaml/reports.yaml")).unwrap();
    let imported = import("examples/migration/yaml/reports.yaml", &yaml, "reports");
    let committed = std::fs::read_to_string(root.join("pipe/reports.pipe")).unwrap();
    assert_eq!(imported.pipe, committed, "re-run `pipec import examples/migration/yaml/ -o examples/migration/pipe`");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pipec"))
        .args(["build", "-q", "examples/migration/pipe/", "-o", "examples/migration/out", "--kustomization", "--check"])
        .current_dir(ROOT)
        .output()
        .unwrap();
    assert!(out.status.success(), "examples/migration/out is stale:\n{}", String::from_utf8_lossy(&out.stdout));
    // The objects are the originals' (as today's API serves them, pipec's labels aside).
    let built = build("examples/migration/pipe/reports.pipe", &committed).unwrap();
    assert_eq!(objects(&built).len(), objects(&yaml).len());
}

/// The command: `-o DIR` writes one program per YAML file (and the kinds kept aside beside
/// it), the summary goes to stderr, and broken YAML exits 1 writing nothing.
#[test]
fn the_command_writes_programs_and_says_what_it_converted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("in/apps")).unwrap();
    std::fs::write(dir.path().join("in/apps/web.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\ndata: { a: b, app.yaml: \"x: 1\\ny: 2\\n\" }\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\n").unwrap();
    std::fs::write(dir.path().join("in/job.yml"), "apiVersion: batch/v1\nkind: Job\nmetadata: { name: pi }\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{ name: pi, image: perl }]\n").unwrap();
    let pipec = env!("CARGO_BIN_EXE_pipec");
    let out =
        std::process::Command::new(pipec).args(["import", "in", "-o", "out"]).current_dir(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("imported 1 object into `out/apps/web.pipe`") && stderr.contains("Secret/s: kept aside"),
        "{stderr}"
    );
    let web = std::fs::read_to_string(dir.path().join("out/apps/web.pipe")).unwrap();
    assert!(web.contains("config web {\n  data = { a: \"b\", \"app.yaml\": file(\"configs/web/app.yaml\") }"), "{web}");
    // A configuration file of several lines is a file beside the program, read back by `file(…)`.
    assert_eq!(std::fs::read_to_string(dir.path().join("out/apps/configs/web/app.yaml")).unwrap(), "x: 1\ny: 2\n");
    let built = std::process::Command::new(pipec)
        .args(["build", "out/apps/web.pipe"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&built.stdout).contains("  app.yaml: |\n    x: 1\n    y: 2\n"),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let rest = std::fs::read_to_string(dir.path().join("out/apps/web.rest.yaml")).unwrap();
    assert_eq!(rest, "---\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\n");
    let job = std::fs::read_to_string(dir.path().join("out/job.pipe")).unwrap();
    assert!(job.contains("job pi {\n  image = \"perl\"\n}"), "{job}");

    std::fs::write(dir.path().join("bad.yaml"), "kind: Jobs\n").unwrap();
    let out = std::process::Command::new(pipec)
        .args(["import", "bad.yaml", "-o", "bad.pipe"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join("bad.pipe").exists());
}

/// Whatever the input, import ends in a program or in diagnostics: never a panic, never
/// unbounded memory (aliases that expand exponentially, nesting thousands deep).
#[test]
fn hostile_yaml_ends_in_diagnostics() {
    let laughs = {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        s
    };
    let deep = format!("kind: Job\nspec: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let inputs: Vec<(&str, String)> = vec![
        ("laughs", laughs),
        ("deep", deep),
        ("empty", String::new()),
        ("list", "- a\n- b\n".into()),
        ("scalar", "just text\n".into()),
        ("tabs", "kind: Job\nmetadata:\n\tname: x\n".into()),
        ("kind-number", "apiVersion: v1\nkind: 5\nmetadata: { name: x }\n".into()),
        ("huge", "apiVersion: batch/v1\nkind: Job\nmetadata: { name: x }\nspec:\n  backoffLimit: 99999999999999999999999\n  template: { spec: { restartPolicy: Never, containers: [{ name: x, image: y }] } }\n".into()),
        ("unicode-names", (0..4).map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{ name: \"é{i}ü\" }}\ndata: {{ k: \"ö{i}\" }}\n")).collect()),
        ("bad-indent-end", "spec:\n  template:\n  a: 1\n    b:".into()),
        ("no-name", "apiVersion: batch/v1\nkind: Job\nspec: {}\n".into()),
        ("control", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: \"a\\u0007\" }\ndata: { \"k\\u001b\": \"\\u0000\" }\n".into()),
    ];
    for (name, text) in inputs {
        let imported = import(&format!("{name}.yaml"), &text, name);
        let mut sources = pipec::source::SourceMap::new();
        let id = sources.add(format!("{name}.yaml"), text.clone());
        let again = pipec::import::import(&sources, &[id], name);
        for d in &again.diagnostics {
            let _ = pipec::diag::render::human(d, &sources, false);
        }
        assert_eq!(imported.pipe, again.pipe, "{name}: deterministic");
        if name == "laughs" || name == "deep" {
            assert!(imported.has_errors(), "{name} is refused");
        }
    }
}

/// A Namespace or a ServiceAccount with nothing but a name is still an object of the program.
#[test]
fn objects_with_nothing_but_a_name_stay_objects() {
    let yaml = "apiVersion: v1\nkind: Namespace\nmetadata: { name: batch }\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: runner, namespace: batch }\n";
    let imported = import("in.yaml", yaml, "in");
    assert!(
        imported.pipe.contains("namespace \"batch\" {}\n") && imported.pipe.contains("service-account runner {}\n"),
        "{}",
        imported.pipe
    );
    let built = build("in.pipe", &imported.pipe).unwrap();
    let kinds: Vec<String> = objects(&built).iter().map(|o| o["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds, ["Namespace", "ServiceAccount"]);
}

/// Custom resources pipec has no reader for are kept aside too (those it has: tests/import_custom.rs).
#[test]
fn custom_resources_are_kept_aside() {
    let yaml =
        "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: ScheduledSparkApplication\nmetadata: { name: pi }\nspec: {}\n";
    let imported = import("in.yaml", yaml, "in");
    assert!(!imported.has_errors());
    assert_eq!(imported.rest, format!("---\n{}", yaml.trim_end()) + "\n");
    assert!(
        imported
            .summary
            .iter()
            .any(|l| l == "ScheduledSparkApplication/pi: kept aside (pipec has no item for its kind)")
    );
}

/// What `kubectl get -o yaml` shows beyond what was applied: the API server's and its
/// controllers' identity of the object (taken off the input before comparing, as the
/// import must leave it out), written here apart from `src/import/server.rs`.
fn minus_server_generated(object: &mut Value) {
    let kind = object["kind"].as_str().unwrap_or("").to_string();
    let name = object["metadata"]["name"].clone();
    let o = object.as_object_mut().unwrap();
    o.remove("status");
    let meta = o.get_mut("metadata").and_then(Value::as_object_mut).unwrap();
    for f in
        ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink", "ownerReferences"]
    {
        meta.remove(f);
    }
    if let Some(Value::Object(a)) = meta.get_mut("annotations") {
        for k in [
            "kubectl.kubernetes.io/last-applied-configuration",
            "batch.kubernetes.io/job-tracking",
            "deployment.kubernetes.io/revision",
            "deprecated.daemonset.template.generation",
        ] {
            a.remove(k);
        }
        if a.is_empty() {
            meta.remove("annotations");
        }
    }
    let spec = o.get_mut("spec").and_then(Value::as_object_mut).unwrap();
    match kind.as_str() {
        "Job" => {
            // The generated selector, and the labels the Job controller adds to match it.
            spec.remove("selector");
            spec.remove("manualSelector");
            for path in ["/metadata/labels", "/spec/template/metadata/labels"] {
                let Some(Value::Object(labels)) = object.pointer_mut(path) else { continue };
                labels.retain(|k, v| {
                    !(k.ends_with("controller-uid")
                        || (k == "job-name" || k == "batch.kubernetes.io/job-name") && *v == name)
                });
            }
        }
        "Service" => {
            if spec.get("clusterIP").is_some_and(|ip| ip != "None") {
                spec.remove("clusterIP");
            }
            for f in ["clusterIPs", "ipFamilies", "ipFamilyPolicy"] {
                spec.remove(f);
            }
        }
        _ => {}
    }
    empty_maps_out(object);
}

/// pipec's own labels off a built object (they are not in the input).
fn minus_pipec_labels(object: &mut Value) {
    for labels in
        ["/metadata/labels", "/spec/template/metadata/labels", "/spec/jobTemplate/spec/template/metadata/labels"]
    {
        if let Some(Value::Object(l)) = object.pointer_mut(labels) {
            l.remove("app.kubernetes.io/managed-by");
            l.remove("pipec.dev/program");
        }
    }
    empty_maps_out(object);
}

/// Labels and template metadata left empty are no labels and no metadata.
fn empty_maps_out(v: &mut Value) {
    if let Value::Object(m) = v {
        m.values_mut().for_each(empty_maps_out);
        m.retain(|k, x| {
            !(matches!(k.as_str(), "labels" | "annotations" | "metadata")
                && x.as_object().is_some_and(|m| m.is_empty()))
        });
    } else if let Value::Array(a) = v {
        a.iter_mut().for_each(empty_maps_out);
    }
}

/// `kubectl get -o yaml` of live objects (a Job with its generated selector, a Deployment, a
/// DaemonSet, a CronJob, Services) imports into what a person would write: no server-generated
/// identity, no value the API server defaults (snapshots), and the program builds objects
/// that the API server stores as the input was (server defaults applied to both sides).
#[test]
fn live_objects_import_without_identity_or_defaults() {
    insta::glob!("import/live/*.yaml", |path| {
        let yaml = std::fs::read_to_string(path).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let imported = import(&format!("{stem}.yaml"), &yaml, &stem);
        assert!(!imported.has_errors(), "{stem}: the import failed");
        insta::assert_snapshot!(format!(
            "{}\n# summary:\n{}\n{}",
            imported.pipe,
            imported.summary.join("\n"),
            imported.left_out.join("\n")
        ));
        for (options, what) in [
            (pipec::import::Options::default(), "without defaults"),
            (pipec::import::Options { keep_defaults: true, ..Default::default() }, "with --keep-defaults"),
        ] {
            let imported = import_with(&format!("{stem}.yaml"), &yaml, &stem, options);
            let identity =
                ["controller-uid", "job-name", "clusterIP", "10.96.", "kubernetes.io/revision", "template.generation"];
            // With the defaults kept, a DaemonSet's `revisionHistoryLimit` (no key) is `raw`.
            let noise: &[&str] = if options.keep_defaults { &[] } else { &["raw", "30s", "cluster-first", "tcp"] };
            for absent in identity.iter().chain(noise) {
                assert!(!imported.pipe.contains(absent), "{stem} {what}: `{absent}` in\n{}", imported.pipe);
            }
            let built = build(&format!("{stem}.pipe"), &imported.pipe)
                .unwrap_or_else(|| panic!("{stem} {what} does not build:\n{}", imported.pipe));
            let mut ours = objects(&built);
            ours.iter_mut().for_each(|o| {
                minus_pipec_labels(o);
                server_defaults::apply(o);
                empty_maps_out(o);
            });
            let mut theirs = objects(&yaml);
            theirs.iter_mut().for_each(|o| {
                minus_server_generated(o);
                server_defaults::apply(o);
                // `creationTimestamp: null` gone, a template's `metadata` is empty.
                empty_maps_out(o);
            });
            assert_eq!(ours, theirs, "{stem} {what}: the built objects are not the input's\n{}", imported.pipe);
        }
    });
}

/// `--keep-defaults` keeps the defaults as keys (today's faithful import), never the identity.
#[test]
fn keep_defaults_keeps_the_servers_defaults() {
    let yaml = std::fs::read_to_string(Path::new(ROOT).join("tests/import/live/job.yaml")).unwrap();
    let kept =
        import_with("job.yaml", &yaml, "job", pipec::import::Options { keep_defaults: true, ..Default::default() });
    for expected in ["retries = 6", "completions = 1", "grace-period = 30s", "dns-policy = cluster-first"] {
        assert!(kept.pipe.contains(expected), "no `{expected}` in\n{}", kept.pipe);
    }
    assert!(kept.left_out.iter().all(|l| !l.contains("defaults")), "{:?}", kept.left_out);
    let dropped = import("job.yaml", &yaml, "job");
    assert!(!dropped.pipe.contains("retries"), "{}", dropped.pipe);
    assert!(dropped.left_out.iter().any(|l| l.contains("`backoffLimit: 6`")), "{:?}", dropped.left_out);
    // A default only where the API server would set it: a queue's `parallelism: 1`
    // alone stays (without it, `completions` would default to 1 too).
    let queue = yaml.replace("  completions: 1\n", "");
    let imported = import("job.yaml", &queue, "job");
    assert!(imported.pipe.contains("parallelism = 1"), "{}", imported.pipe);
}

/// The command says what it left out, and `--keep-defaults` keeps the defaults.
#[test]
fn the_command_lists_what_it_left_out() {
    let pipec = env!("CARGO_BIN_EXE_pipec");
    let run = |extra: &[&str]| {
        let out = std::process::Command::new(pipec)
            .args(["import", "tests/import/live/job.yaml"])
            .args(extra)
            .current_dir(ROOT)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (pipe, stderr) = run(&[]);
    assert!(stderr.contains("pipec: imported 1 object into stdout"), "{stderr}");
    assert!(stderr.contains("left out, server-generated") && stderr.contains("Job `spec.selector`"), "{stderr}");
    assert!(stderr.contains("`terminationMessagePath: /dev/termination-log`"), "{stderr}");
    assert!(!pipe.contains("termination-message-path"), "{pipe}");
    let (pipe, stderr) = run(&["--keep-defaults"]);
    assert!(pipe.contains("termination-message-path = \"/dev/termination-log\""), "{pipe}");
    assert!(!stderr.contains("the API server's defaults"), "{stderr}");
}

/// `kubectl get deploy,svc -o yaml` prints a `kind: List`: its items are imported as documents.
#[test]
fn a_kubectl_list_is_its_items() {
    let yaml = std::fs::read_to_string(Path::new(ROOT).join("tests/import/live/job.yaml")).unwrap();
    let item: String =
        yaml.lines().enumerate().map(|(i, l)| format!("{}{l}\n", if i == 0 { "- " } else { "  " })).collect();
    let list = format!("apiVersion: v1\nitems:\n{item}kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    let imported = import("job.yaml", &list, "job");
    assert!(!imported.has_errors() && imported.rest.is_empty(), "{}", imported.rest);
    assert_eq!(imported.pipe, import("job.yaml", &yaml, "job").pipe);
}
