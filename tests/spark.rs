//! What a `spark` item emits holds together, read back from the YAML itself, for
//! every program that has one (the example and the ok cases):
//! - the driver's `spark.driver.host` is `<service>.<namespace>.svc` of an emitted
//!   headless Service (publishing not-ready addresses) whose selector matches the
//!   driver pod's labels, in the namespace the pod reads from the downward API, and
//!   the Service has the driver and block manager ports the driver is told to use;
//! - every `$(VAR)` in the driver's arguments is a variable of its container defined
//!   from the downward API, `SPARK_DRIVER_BIND_ADDRESS` from `status.podIP`;
//! - the pod runs as a ServiceAccount that a RoleBinding of the program grants a Role
//!   that lets it create, watch and delete pods;
//! - the YAML passes `k8s-validate --strict` for 1.37 and 1.27, and the
//!   SparkApplications of `--target spark-operator` pass `crd-validate --strict`.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const PROGRAMS: &[&str] = &[
    "examples/spark-pi.pipe",
    "tests/cases/ok/spark.pipe",
    "tests/cases/ok/spark-restricted.pipe",
    "tests/cases/ok/every-key-spark.pipe",
];

fn yaml(program: &str, target: pipec::target::Target, kube: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(program)).unwrap();
    let options = pipec::Options {
        target,
        kube_version: pipec::version::KubeVersion::parse(kube).unwrap(),
        ..Default::default()
    };
    let c = pipec::compile(vec![(program.to_string(), text)], &pipec::FsLoader, &options);
    assert!(!c.has_errors(), "{program} should compile for {kube}");
    c.yaml_stream().into_owned()
}

fn documents(stream: &str) -> Vec<Value> {
    stream.split("---\n").map(|d| serde_norway::from_str(d).unwrap()).collect()
}

fn of_kind<'v>(objects: &'v [Value], kind: &str) -> impl Iterator<Item = &'v Value> {
    objects.iter().filter(move |o| o["kind"] == kind)
}

/// `--conf key=value` pairs of the driver's arguments.
fn conf(args: &[String]) -> BTreeMap<String, String> {
    args.windows(2)
        .filter(|w| w[0] == "--conf")
        .filter_map(|w| w[1].split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect()
}

/// The downward-API field of each variable of a container.
fn fields(container: &Value) -> BTreeMap<String, String> {
    container["env"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let path = e["valueFrom"]["fieldRef"]["fieldPath"].as_str()?;
            Some((e["name"].as_str()?.to_string(), path.to_string()))
        })
        .collect()
}

/// `$(NAME)` replaced as the kubelet does, from the downward API of a pod in `namespace`.
fn expand(text: &str, fields: &BTreeMap<String, String>, namespace: &str) -> String {
    let mut out = text.to_string();
    while let Some(start) = out.find("$(") {
        let end = out[start..].find(')').map(|e| start + e).expect("closed");
        let name = &out[start + 2..end];
        let value = match fields.get(name).map(String::as_str) {
            Some("metadata.namespace") => namespace.to_string(),
            Some(path) => format!("<{path}>"),
            None => panic!("`$({name})` is not a downward-API variable of the driver"),
        };
        out.replace_range(start..=end, &value);
    }
    out
}

#[test]
fn the_driver_host_is_its_headless_service_and_the_driver_may_manage_executors() {
    let mut drivers = 0;
    for program in PROGRAMS {
        let objects = documents(&yaml(program, pipec::target::Target::Kubernetes, "1.37"));
        for job in of_kind(&objects, "Job") {
            let pod = &job["spec"]["template"];
            let main = &pod["spec"]["containers"][0];
            let args: Vec<String> =
                main["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect();
            let settings = conf(&args);
            let Some(host) = settings.get("spark.driver.host") else { continue };
            drivers += 1;
            let env = fields(main);
            assert_eq!(env.get("SPARK_DRIVER_BIND_ADDRESS").map(String::as_str), Some("status.podIP"), "{program}");
            // The namespace the pod will run in: the Job's (else kubectl's current one).
            let namespace = job["metadata"]["namespace"].as_str().unwrap_or("default");
            for arg in &args {
                expand(arg, &env, namespace); // every variable is one of the pod's own
            }
            let host = expand(host, &env, namespace);
            let service_name = host.strip_suffix(&format!(".{namespace}.svc")).unwrap_or_else(|| {
                panic!("{program}: spark.driver.host `{host}` is not a Service of namespace {namespace}")
            });
            let service = of_kind(&objects, "Service")
                .find(|s| s["metadata"]["name"] == service_name)
                .unwrap_or_else(|| panic!("{program}: no Service `{service_name}` is emitted"));
            assert_eq!(service["metadata"]["namespace"], job["metadata"]["namespace"], "{program}");
            assert_eq!(service["spec"]["clusterIP"], "None", "{program}: headless");
            assert_eq!(service["spec"]["publishNotReadyAddresses"], true, "{program}");
            let labels = pod["metadata"]["labels"].as_object().unwrap();
            let selector = service["spec"]["selector"].as_object().unwrap();
            assert!(!selector.is_empty());
            for (k, v) in selector {
                assert_eq!(labels.get(k), Some(v), "{program}: the Service selects `{k}: {v}`, the driver pod has not");
            }
            let ports: Vec<String> =
                service["spec"]["ports"].as_array().unwrap().iter().map(|p| p["port"].to_string()).collect();
            for key in ["spark.driver.port", "spark.driver.blockManager.port"] {
                assert!(ports.contains(&settings[key]), "{program}: {key} is not a port of the Service");
            }
            assert_eq!(settings["spark.kubernetes.driver.pod.name"], "$(SPARK_DRIVER_POD_NAME)");
            assert_eq!(env["SPARK_DRIVER_POD_NAME"], "metadata.name");
            assert_eq!(expand(&settings["spark.kubernetes.namespace"], &env, namespace), namespace);

            // The pod's ServiceAccount is granted a Role that manages pods.
            let account = pod["spec"]["serviceAccountName"].as_str().expect("a ServiceAccount");
            assert_eq!(settings["spark.kubernetes.authenticate.driver.serviceAccountName"], account);
            let in_program = of_kind(&objects, "ServiceAccount").any(|a| a["metadata"]["name"] == account);
            assert!(in_program, "{program}: the ServiceAccount `{account}` is emitted");
            let granted = of_kind(&objects, "RoleBinding")
                .filter(|b| b["subjects"].as_array().unwrap().iter().any(|s| s["name"] == account))
                .filter_map(|b| of_kind(&objects, "Role").find(|r| r["metadata"]["name"] == b["roleRef"]["name"]))
                .any(|role| {
                    role["rules"].as_array().unwrap().iter().any(|rule| {
                        let has = |field: &str, word: &str| rule[field].as_array().unwrap().iter().any(|v| v == word);
                        has("resources", "pods")
                            && ["create", "watch", "delete", "deletecollection"].iter().all(|v| has("verbs", v))
                    })
                });
            assert!(granted, "{program}: no Role bound to `{account}` lets the driver manage its executor pods");
        }
    }
    assert!(drivers >= 6, "every program's drivers were seen ({drivers})");
}

fn tool(name: &str) -> Option<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = [root.join("../shared/tools").join(name), root.join("../../shared/tools").join(name)]
        .into_iter()
        .find(|p| p.exists());
    if found.is_none() {
        eprintln!("skipped: ../shared/tools/{name} is not here");
    }
    found
}

fn run(tool: &Path, args: &[&str], file: &Path) {
    let out = Command::new(tool).args(args).arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "{} {args:?} {}:\n{}{}",
        tool.display(),
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_objects_pass_the_kubernetes_schemas() {
    let Some(validate) = tool("k8s-validate") else { return };
    let dir = tempfile::tempdir().unwrap();
    for program in PROGRAMS {
        // The every-key case writes fields newer than 1.27 (refused there, as it should be).
        let versions: &[&str] = if program.contains("every-key") { &["1.37"] } else { &["1.37", "1.27"] };
        for kube in versions.iter().copied() {
            let file = dir.path().join(format!("{}-{kube}.yaml", Path::new(program).file_stem().unwrap().display()));
            std::fs::write(&file, yaml(program, pipec::target::Target::Kubernetes, kube)).unwrap();
            run(&validate, &["--strict", "--kube-version", kube], &file);
        }
    }
}

#[test]
fn spark_applications_pass_the_operators_crd() {
    let (Some(crd), Some(validate)) = (tool("crd-validate"), tool("k8s-validate")) else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut applications = 0;
    for program in ["examples/spark-pi.pipe", "tests/cases/ok/spark-operator.pipe", "tests/cases/ok/spark.pipe"] {
        let objects = documents(&yaml(program, pipec::target::Target::SparkOperator, "1.37"));
        assert!(of_kind(&objects, "Job").next().is_none(), "{program}: no driver Job for the operator");
        let stem = Path::new(program).file_stem().unwrap().display().to_string();
        let (custom, builtin): (Vec<Value>, Vec<Value>) =
            objects.into_iter().partition(|o| o["kind"] == "SparkApplication");
        applications += custom.len();
        for (part, objects, tool, args) in [
            ("crd", custom, &crd, &["--strict"][..]),
            ("k8s", builtin, &validate, &["--strict", "--kube-version", "1.37"][..]),
        ] {
            let text: Vec<String> = objects.iter().map(|o| serde_norway::to_string(o).unwrap()).collect();
            let file = dir.path().join(format!("{stem}-{part}.yaml"));
            std::fs::write(&file, text.join("---\n")).unwrap();
            run(tool, args, &file);
        }
    }
    assert_eq!(applications, 5);
}
