//! What a group's environment promises its members is really there, judged from the
//! emitted YAML alone (read back as plain data, not from the compiler's own structs):
//! every pod of every Job is run through the kubelet's rules for its environment
//! (variables in order, `$(NAME)` expanded from the variables declared before it,
//! the downward API giving the pod its index and namespace), and every hostname in
//! its peer variables and its `TF_CONFIG` must be
//! - `<host>.<service>.<namespace>.svc` with an emitted headless Service of that name
//!   in that namespace that publishes not-ready members;
//! - the hostname of a pod that exists: an Indexed Job whose pods have that subdomain,
//!   carry every label of the Service's selector, and whose completions cover the index
//!   (`<job>-<index>`); for a JobSet, a replicated Job of the JobSet that names that
//!   subdomain (`<jobset>-<job>-<n>-<index>`, n below its replicas).
//!
//! And each pod's `TF_CONFIG` is JSON whose task is the pod itself: its role, its index,
//! and its own address in the cluster under its type (an evaluator's is not there).

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn build(program: &str, target: &str, kube: Option<&str>) -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(program)).unwrap();
    let mut options = pipec::Options { target: pipec::target::Target::parse(target).unwrap(), ..Default::default() };
    if let Some(v) = kube {
        options.kube_version = pipec::version::KubeVersion::parse(v).unwrap();
    }
    let c = pipec::compile(vec![(program.to_string(), text)], &pipec::FsLoader, &options);
    assert!(!c.has_errors(), "{program} should compile for {target}");
    c.yaml_stream()
        .split("---\n")
        .filter(|d| !d.trim().is_empty())
        .map(|d| serde_norway::from_str(d).unwrap_or_else(|e| panic!("{program}: {e}")))
        .collect()
}

/// `$(NAME)` replaced from `env` (unknown names stay as written; `$$` is a `$`), as the kubelet does.
fn expand(text: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('(')
            && let Some(end) = inner.find(')')
            && let Some(value) = env.get(&inner[..end])
        {
            out.push_str(value);
            rest = &inner[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A container's environment in pod `index` of a Job in `namespace`.
fn environment(container: &Value, index: i64, namespace: &str) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    for var in container["env"].as_array().into_iter().flatten() {
        let name = var["name"].as_str().unwrap().to_string();
        let value = if let Some(v) = var["value"].as_str() {
            expand(v, &env)
        } else {
            match var["valueFrom"]["fieldRef"]["fieldPath"].as_str() {
                Some("metadata.namespace") => namespace.to_string(),
                Some("metadata.annotations['batch.kubernetes.io/job-completion-index']") => index.to_string(),
                _ => continue, // another source: not part of what is checked
            }
        };
        env.insert(name, value);
    }
    env
}

/// A pod that exists: its Job (or replicated Job) and what the DNS needs of it.
struct Pods<'a> {
    namespace: &'a str,
    /// `<job>-` (or `<jobset>-<job>-<n>-`) and how many indexes follow it.
    hostname_prefixes: Vec<(String, i64)>,
    subdomain: &'a str,
    labels: &'a Value,
    job: &'a Value,
}

fn indexed_job(spec: &Value) -> (i64, &Value) {
    assert_eq!(spec["completionMode"], "Indexed", "a group's Job is Indexed");
    let completions = spec["completions"].as_i64().unwrap();
    assert_eq!(spec["parallelism"].as_i64(), Some(completions), "every member runs at once");
    (completions, &spec["template"])
}

fn pods(objects: &[Value]) -> Vec<Pods<'_>> {
    let mut out = Vec::new();
    for o in objects {
        let namespace = o["metadata"]["namespace"].as_str().unwrap_or("default");
        match o["kind"].as_str() {
            Some("Job") => {
                let (completions, template) = indexed_job(&o["spec"]);
                out.push(Pods {
                    namespace,
                    hostname_prefixes: vec![(format!("{}-", o["metadata"]["name"].as_str().unwrap()), completions)],
                    subdomain: template["spec"]["subdomain"].as_str().unwrap_or(""),
                    labels: &template["metadata"]["labels"],
                    job: &o["spec"],
                });
            }
            Some("JobSet") => {
                let network = &o["spec"]["network"];
                assert_eq!(network["enableDNSHostnames"], true);
                assert_eq!(network["publishNotReadyAddresses"], true);
                let subdomain = network["subdomain"].as_str().unwrap();
                for rj in o["spec"]["replicatedJobs"].as_array().unwrap() {
                    let (completions, template) = indexed_job(&rj["template"]["spec"]);
                    let replicas = rj["replicas"].as_i64().unwrap_or(1);
                    let name = format!("{}-{}", o["metadata"]["name"].as_str().unwrap(), rj["name"].as_str().unwrap());
                    out.push(Pods {
                        namespace,
                        hostname_prefixes: (0..replicas).map(|n| (format!("{name}-{n}-"), completions)).collect(),
                        subdomain,
                        labels: &template["metadata"]["labels"],
                        job: &rj["template"]["spec"],
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether `host.service.namespace.svc` names a pod that exists, behind a Service that makes it resolve.
fn resolves(objects: &[Value], pods: &[Pods], address: &str) -> Result<(), String> {
    let host_port = address.rsplit_once(':').map_or(address, |(h, p)| {
        assert!(p.parse::<u16>().is_ok(), "{address}: a port");
        h
    });
    let parts: Vec<&str> = host_port.split('.').collect();
    let [host, service, namespace, "svc"] = parts[..] else {
        return Err(format!("{address}: not <host>.<svc>.<ns>.svc"));
    };
    let jobset = objects.iter().any(|o| {
        o["kind"] == "JobSet"
            && o["spec"]["network"]["subdomain"] == service
            && o["metadata"]["namespace"].as_str().unwrap_or("default") == namespace
    });
    let selector = if jobset {
        None // JobSet makes the headless Service itself, selecting its own pods
    } else {
        let svc = objects
            .iter()
            .find(|o| o["kind"] == "Service" && o["metadata"]["name"] == service)
            .ok_or(format!("{address}: no Service `{service}`"))?;
        if svc["metadata"]["namespace"].as_str().unwrap_or("default") != namespace {
            return Err(format!("{address}: Service `{service}` is in another namespace"));
        }
        if svc["spec"]["clusterIP"] != "None" || svc["spec"]["publishNotReadyAddresses"] != true {
            return Err(format!("{address}: Service `{service}` is not headless, publishing not-ready pods"));
        }
        Some(svc["spec"]["selector"].as_object().ok_or(format!("{address}: no selector"))?)
    };
    let found = pods.iter().any(|p| {
        p.namespace == namespace
            && p.subdomain == service
            && selector.is_none_or(|sel| sel.iter().all(|(k, v)| &p.labels[k] == v))
            && p.hostname_prefixes.iter().any(|(prefix, completions)| {
                host.strip_prefix(prefix.as_str())
                    .and_then(|i| i.parse::<i64>().ok())
                    .is_some_and(|i| i < *completions && i.to_string() == host[prefix.len()..])
            })
    });
    found.then_some(()).ok_or(format!("{address}: no pod with this hostname in subdomain `{service}`"))
}

/// Checks every pod of every Job of `objects`; returns how many addresses were resolved.
fn check(program: &str, objects: &[Value]) -> usize {
    let pods = pods(objects);
    assert!(!pods.is_empty(), "{program}: no group");
    let mut resolved = 0;
    for p in &pods {
        let role = p.labels["pipec.dev/role"].as_str().unwrap();
        for (prefix, completions) in &p.hostname_prefixes {
            for index in 0..*completions {
                for c in p.job["template"]["spec"]["containers"].as_array().unwrap() {
                    let env = environment(c, index, p.namespace);
                    assert_eq!(env.get("PIPEC_INDEX"), Some(&index.to_string()), "{program}: the pod knows its index");
                    assert_eq!(env.get("PIPEC_ROLE").map(String::as_str), Some(role));
                    let mut addresses: Vec<String> = env
                        .iter()
                        .filter(|(k, _)| k.starts_with("PIPEC_PEERS_"))
                        .flat_map(|(_, v)| v.split(',').map(str::to_string).collect::<Vec<_>>())
                        .collect();
                    assert!(!addresses.is_empty(), "{program}: pod {prefix}{index} knows no peers");
                    if let Some(tf) = env.get("TF_CONFIG") {
                        let tf: Value =
                            serde_json::from_str(tf).unwrap_or_else(|e| panic!("{program}: TF_CONFIG: {e}"));
                        assert_eq!(tf["task"]["type"], role);
                        assert_eq!(tf["task"]["index"], index, "{program}: TF_CONFIG's index is the pod's");
                        assert_eq!(tf["environment"], "cloud");
                        let cluster = tf["cluster"].as_object().unwrap();
                        assert!(cluster.keys().all(|k| ["chief", "worker", "ps"].contains(&k.as_str())));
                        if role != "evaluator" {
                            let own = cluster[role][index as usize].as_str().unwrap();
                            assert!(
                                own.starts_with(&format!("{prefix}{index}.")),
                                "{program}: {own} is the pod itself"
                            );
                        }
                        addresses.extend(
                            cluster
                                .values()
                                .flat_map(|l| l.as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string())),
                        );
                    }
                    for a in &addresses {
                        resolves(objects, &pods, a).unwrap_or_else(|e| panic!("{program}: {e}"));
                        resolved += 1;
                    }
                }
            }
        }
    }
    resolved
}

#[test]
fn every_promised_hostname_is_an_emitted_pod_behind_an_emitted_service() {
    let programs = [
        ("examples/tf-training.pipe", "kubernetes", None),
        ("examples/tf-training.pipe", "jobset", None),
        ("tests/cases/ok/group.pipe", "kubernetes", None),
        ("tests/cases/ok/group.pipe", "jobset", None),
        ("tests/cases/ok/group-1.27.pipe", "kubernetes", Some("1.27")),
        ("tests/cases/ok/every-key-groups-jobset.pipe", "jobset", None),
        ("tests/cases/ok/every-key-groups.pipe", "kubernetes", None),
        ("tests/cases/ok/group-until-done.pipe", "kubernetes", None),
        ("tests/cases/ok/group-tf-evaluator.pipe", "kubernetes", None),
        ("tests/cases/ok/group-tf-evaluator.pipe", "jobset", None),
    ];
    for (program, target, kube) in programs {
        let objects = build(program, target, kube);
        let resolved = check(program, &objects);
        assert!(resolved >= 8, "{program} ({target}): only {resolved} addresses");
    }
}

#[test]
fn a_wrong_address_is_caught() {
    // The checks can fail: a hostname past the last index, or behind a Service that is not there.
    let objects = build("examples/tf-training.pipe", "kubernetes", None);
    let pods = pods(&objects);
    assert!(resolves(&objects, &pods, "mnist-worker-3.mnist.training.svc:2222").is_ok());
    assert!(resolves(&objects, &pods, "mnist-worker-4.mnist.training.svc:2222").is_err());
    assert!(resolves(&objects, &pods, "mnist-worker-03.mnist.training.svc:2222").is_err());
    assert!(resolves(&objects, &pods, "mnist-worker-0.other.training.svc:2222").is_err());
    assert!(resolves(&objects, &pods, "mnist-worker-0.mnist.default.svc:2222").is_err());
    let env = BTreeMap::from([("A".to_string(), "1".to_string())]);
    assert_eq!(expand("x$(A)y$(B)$$(A)", &env), "x1y$(B)$(A)");
}

/// `--target jobset` output passes the JobSet CRD's schema (strict: a misspelt field fails).
#[test]
fn jobsets_pass_the_crd_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tool = root.join("../shared/tools/crd-validate");
    if !tool.exists() {
        eprintln!("skipped: {} is absent", tool.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for program in [
        "examples/tf-training.pipe",
        "tests/cases/ok/group.pipe",
        "tests/cases/ok/every-key-groups-jobset.pipe",
        "tests/cases/ok/group-until-done.pipe",
    ] {
        let jobsets: Vec<String> = build(program, "jobset", None)
            .iter()
            .filter(|o| o["kind"] == "JobSet")
            .map(|o| serde_norway::to_string(o).unwrap())
            .collect();
        assert!(!jobsets.is_empty(), "{program}: no JobSet");
        let file = dir.path().join(format!("{}.yaml", files.len()));
        std::fs::write(&file, jobsets.join("---\n")).unwrap();
        files.push(file);
    }
    let out = std::process::Command::new(&tool).arg("--strict").args(&files).output().unwrap();
    assert!(
        out.status.success(),
        "crd-validate:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
