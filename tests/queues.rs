//! The work-queue patterns of `std/queue` (docs/reference/queues.md) hold together
//! in what they emit: what the environment promises a worker is really there. For
//! every program that uses them (the example, and the ok case with defaults), and
//! for several `--set workers=…`:
//! - an Indexed Job's pod finds its item: `WORK_ITEM_FILE` is `<mount>/$(JOB_COMPLETION_INDEX)`,
//!   `JOB_COMPLETION_INDEX` comes before it (Kubernetes expands only earlier variables),
//!   `<mount>` is a ConfigMap volume, and that ConfigMap is emitted with exactly the keys
//!   `0` … `completions - 1`;
//! - a queue worker has `QUEUE_URL`; a Job with completions never runs more pods than it has items;
//! - the Jobs of one `jobgroup` carry the label on the Job and on its pods, so
//!   `kubectl get jobs,pods -l jobgroup=…` finds them all.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn build(program: &str, set: &[(&str, &str)]) -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(program)).unwrap();
    let mut options = pipec::Options::default();
    for (k, v) in set {
        options.params.push((k.to_string(), pipec::check::ParamInput::Text(v.to_string())));
    }
    let c = pipec::compile(vec![(program.to_string(), text)], &pipec::FsLoader, &options);
    assert!(!c.has_errors(), "{program} should compile");
    c.objects().iter().map(|o| serde_json::to_value(o).unwrap()).collect()
}

fn env_of(container: &Value) -> Vec<(String, Value)> {
    container["env"]
        .as_array()
        .map(|env| env.iter().map(|e| (e["name"].as_str().unwrap().to_string(), e.clone())).collect())
        .unwrap_or_default()
}

/// Checks the patterns' promises; returns how many Jobs of each pattern were seen.
fn check(program: &str, objects: &[Value]) -> [usize; 3] {
    let configs: BTreeMap<&str, BTreeSet<String>> = objects
        .iter()
        .filter(|o| o["kind"] == "ConfigMap")
        .map(|o| {
            let keys = o["data"].as_object().map(|d| d.keys().cloned().collect()).unwrap_or_default();
            (o["metadata"]["name"].as_str().unwrap(), keys)
        })
        .collect();
    let (mut indexed, mut queues, mut grouped) = (0, 0, 0);
    for job in objects.iter().filter(|o| o["kind"] == "Job") {
        let name = job["metadata"]["name"].as_str().unwrap();
        let spec = &job["spec"];
        let pod = &spec["template"]["spec"];
        let container = &pod["containers"][0];
        let env = env_of(container);
        let position = |var: &str| env.iter().position(|(n, _)| n == var);

        if let Some(file) = position("WORK_ITEM_FILE") {
            indexed += 1;
            assert_eq!(spec["completionMode"], "Indexed", "{program} {name}: WORK_ITEM_FILE needs an Indexed Job");
            let index = position("JOB_COMPLETION_INDEX")
                .unwrap_or_else(|| panic!("{program} {name}: no JOB_COMPLETION_INDEX before WORK_ITEM_FILE"));
            assert!(index < file, "{program} {name}: $(JOB_COMPLETION_INDEX) must be declared before it is used");
            assert_eq!(
                env[index].1["valueFrom"]["fieldRef"]["fieldPath"],
                "metadata.annotations['batch.kubernetes.io/job-completion-index']",
                "{program} {name}"
            );
            let value = env[file].1["value"].as_str().unwrap();
            let dir = value
                .strip_suffix("/$(JOB_COMPLETION_INDEX)")
                .unwrap_or_else(|| panic!("{program} {name}: WORK_ITEM_FILE = {value}"));
            let mount = container["volumeMounts"]
                .as_array()
                .and_then(|m| m.iter().find(|m| m["mountPath"] == dir))
                .unwrap_or_else(|| panic!("{program} {name}: nothing is mounted at {dir}"));
            let volume = pod["volumes"].as_array().and_then(|v| v.iter().find(|v| v["name"] == mount["name"])).unwrap();
            let config = volume["configMap"]["name"].as_str().expect("the items are a ConfigMap volume");
            let keys =
                configs.get(config).unwrap_or_else(|| panic!("{program} {name}: ConfigMap {config} is not emitted"));
            let completions = spec["completions"].as_u64().unwrap();
            let expected: BTreeSet<String> = (0..completions).map(|i| i.to_string()).collect();
            assert_eq!(keys, &expected, "{program} {name}: one key per index, 0 … completions - 1");
        }

        if position("QUEUE_URL").is_some() {
            queues += 1;
            assert!(spec["parallelism"].is_u64(), "{program} {name}: a queue's workers are its parallelism");
            if let Some(completions) = spec["completions"].as_u64() {
                let parallelism = spec["parallelism"].as_u64().unwrap();
                assert!(
                    parallelism <= completions,
                    "{program} {name}: {parallelism} workers for {completions} items: the extra pods never start"
                );
            }
        }

        if let Some(group) = job["metadata"]["labels"].get("jobgroup") {
            grouped += 1;
            assert_eq!(&spec["template"]["metadata"]["labels"]["jobgroup"], group, "{program} {name}");
            assert_eq!(env[position("WORK_ITEM").unwrap()].1["value"].as_str().map(|s| !s.is_empty()), Some(true));
        }
    }
    [indexed, queues, grouped]
}

#[test]
fn the_example_keeps_every_promise() {
    for workers in ["1", "3", "12"] {
        let objects = build("examples/queue-patterns.pipe", &[("workers", workers)]);
        // One Indexed Job, two queue Jobs, one Job for each of the three tables.
        assert_eq!(check("examples/queue-patterns.pipe", &objects), [1, 2, 3], "workers = {workers}");
    }
}

#[test]
fn the_defaults_keep_every_promise() {
    let objects = build("tests/cases/ok/composition/queue-defaults.pipe", &[]);
    assert_eq!(check("queue-defaults.pipe", &objects), [1, 2, 1]);
}
