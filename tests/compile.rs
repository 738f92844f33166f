//! The compile-test harness: every `.pipe` file under `tests/cases/` and
//! `examples/` is compiled, and what a user would see is snapshotted — the YAML
//! exactly as `pipec build` prints it, or the rendered diagnostics (the text on
//! the terminal, with source lines). Adding a test is adding a file.
//!
//! Review changed snapshots with `cargo insta review` (or `INSTA_UPDATE=always`).

use pipec::diag::render;
use std::path::Path;

/// What `pipec build` shows for a file: diagnostics (if any), then the YAML (if no errors).
fn outcome(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rel = path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/");
    let text = std::fs::read_to_string(path).expect("test files are UTF-8");
    let options = test_options(&text);
    let c = pipec::compile(vec![(rel.clone(), text.clone())], &pipec::FsLoader, &options);
    same_in_every_output_mode(&c, &rel, &text, &options);
    same_data_as_the_reference_serializer(&c, &rel);
    let mut out = String::new();
    for d in &c.diagnostics {
        out.push_str(&render::human(d, &c.sources, false));
        out.push('\n');
    }
    if !c.has_errors() {
        let mut flags = if options.kube_version == pipec::version::KubeVersion::NEWEST {
            String::new()
        } else {
            format!(" --kube-version {}", options.kube_version)
        };
        if options.target != pipec::target::Target::default() {
            flags.push_str(&format!(" --target {}", options.target.name()));
        }
        for (name, value) in &options.params {
            if let pipec::check::ParamInput::Text(v) = value {
                flags.push_str(&format!(" --set {name}={v}"));
            }
        }
        out.push_str(&format!("# pipec build{flags} {rel}\n"));
        out.push_str(&c.yaml_stream());
    }
    out
}

/// `pipec build` writes YAML while checking (`Output::Yaml`); tests and reports
/// keep the checked objects (`Output::Objects`). Both must report the same
/// diagnostics and give the same bytes.
fn same_in_every_output_mode(kept: &pipec::Compilation, name: &str, text: &str, options: &pipec::Options) {
    let rendered = |c: &pipec::Compilation| -> Vec<String> {
        c.diagnostics.iter().map(|d| render::human(d, &c.sources, false)).collect()
    };
    let options = pipec::Options { output: pipec::Output::Yaml, ..options.clone() };
    let c = pipec::compile(vec![(name.to_string(), text.to_string())], &pipec::FsLoader, &options);
    assert_eq!(rendered(&c), rendered(kept), "{name}: diagnostics differ when writing while checking");
    assert_eq!(c.yaml_stream(), kept.yaml_stream(), "{name}: YAML differs when writing while checking");
    assert_eq!(c.yaml_files(), kept.yaml_files(), "{name}: files differ when writing while checking");
}

/// The YAML writer (`emit::yaml`) against the reference: every object's YAML, read
/// back by serde_norway, is the same data as serde_json makes of the k8s-openapi object.
fn same_data_as_the_reference_serializer(c: &pipec::Compilation, name: &str) {
    let objects = c.objects();
    let files = c.yaml_files();
    assert_eq!(objects.len(), files.len());
    for (object, (file, yaml)) in objects.iter().zip(&files) {
        let expected = serde_json::to_value(object).unwrap();
        let read: serde_json::Value = serde_norway::from_str(yaml).unwrap_or_else(|e| panic!("{name} {file}: {e}"));
        assert_eq!(read, expected, "{name} {file}: the YAML reads back as other data");
    }
}

/// A test file may set options in a comment line: `# test-options: --kube-version 1.30`.
fn test_options(text: &str) -> pipec::Options {
    let mut options = pipec::Options::default();
    for line in text.lines().filter_map(|l| l.strip_prefix("# test-options:")) {
        let mut words = line.split_whitespace();
        while let Some(flag) = words.next() {
            match (flag, words.next()) {
                ("--kube-version", Some(v)) => options.kube_version = pipec::version::KubeVersion::parse(v).unwrap(),
                ("--target", Some(t)) => options.target = pipec::target::Target::parse(t).unwrap(),
                ("--limit", Some(setting)) => options.limits.set(setting).unwrap(),
                ("--set", Some(kv)) => {
                    let (k, v) = kv.split_once('=').expect("--set NAME=VALUE");
                    options.params.push((k.to_string(), pipec::check::ParamInput::Text(v.to_string())));
                }
                other => panic!("unknown test option {other:?}"),
            }
        }
    }
    options
}

#[test]
fn cases_that_compile() {
    insta::glob!("cases/ok", "**/*.pipe", |path| {
        let out = outcome(path);
        assert!(!out.contains("× "), "{} should compile without errors:\n{out}", path.display());
        insta::assert_snapshot!(out);
    });
}

#[test]
fn cases_with_errors() {
    insta::glob!("cases/errors", "**/*.pipe", |path| {
        let out = outcome(path);
        assert!(out.contains("× "), "{} should report an error:\n{out}", path.display());
        insta::assert_snapshot!(out);
    });
}

#[test]
fn examples() {
    insta::glob!("../examples", "**/*.pipe", |path| {
        let out = outcome(path);
        assert!(!out.contains("× "), "{} should compile:\n{out}", path.display());
        insta::assert_snapshot!(out);
    });
}

/// The seed examples rewritten with the standard library (`examples/stdlib/`) emit
/// exactly what the written-out ones do.
#[test]
fn stdlib_rewrites_give_the_same_yaml() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut compared = 0;
    for entry in std::fs::read_dir(root.join("stdlib")).unwrap() {
        let rewritten = entry.unwrap().path();
        let original = root.join(rewritten.file_name().unwrap());
        let strip_header = |s: String| s.lines().skip(1).collect::<Vec<_>>().join("\n");
        assert_eq!(
            strip_header(outcome(&rewritten)),
            strip_header(outcome(&original)),
            "{} and {} differ",
            rewritten.display(),
            original.display()
        );
        compared += 1;
    }
    assert!(compared >= 3);
}

/// Past the first objects, YAML is written on a second thread, in pieces of about
/// 1 MB: several programs with many objects each give the same bytes as keeping
/// the objects.
#[test]
fn writing_on_a_second_thread_gives_the_same_bytes() {
    let program = |ns: &str, n: usize| {
        format!(
            "namespace \"{ns}\"\nconfig c {{ data = {{ a: \"1\" }} }}\nfor i in 0..{n} {{\n  job \"j-${{i}}\" {{ image = \"busybox:1.36\" }}\n}}\n"
        )
    };
    let inputs = vec![
        ("one.pipe".to_string(), program("a", 150)),
        ("two.pipe".to_string(), program("b", 3)),
        ("three.pipe".to_string(), program("c", 6000)),
    ];
    let kept = pipec::compile(inputs.clone(), &pipec::FsLoader, &pipec::Options::default());
    let options = pipec::Options { output: pipec::Output::Yaml, ..Default::default() };
    let written = pipec::compile(inputs, &pipec::FsLoader, &options);
    assert!(!kept.has_errors());
    assert_eq!(kept.yaml_stream(), written.yaml_stream());
    assert_eq!(kept.yaml_files(), written.yaml_files());
    assert_eq!(written.yaml_stream().matches("kind: Job").count(), 6153);
    assert!(written.yaml_stream().len() > 1 << 20, "more than one piece");
    let mut bytes = Vec::new();
    written.write_yaml(&mut bytes).unwrap();
    assert_eq!(bytes, kept.yaml_stream().as_bytes());
    assert_eq!(written.yaml_files().iter().filter(|(name, _)| name.starts_with("b-")).count(), 4);
}
