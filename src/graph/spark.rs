//! The executors a Spark driver creates at run time. They are not objects of the program
//! (the driver asks the API server for them), but they are most of what a Spark job costs:
//! the graph reads the driver's `--conf` settings as Spark does and shows them.

use super::footprint::Footprint;
use super::model::{self, Edge, EdgeKind, Graph, NodeKind};
use crate::crd::spark_application::{RoleSpec, SparkApplication};
use k8s_openapi::api::core::v1::PodSpec;

/// Executor count and one executor pod's requests, for a Spark driver pod; None for others.
pub fn executors(
    labels: Option<&std::collections::BTreeMap<String, String>>,
    spec: &PodSpec,
) -> Option<(i64, Footprint)> {
    if labels?.get("spark-role").map(String::as_str) != Some("driver") {
        return None;
    }
    let args = spec.containers.first()?.args.as_deref().unwrap_or_default();
    let conf = |key: &str| {
        let prefix = format!("{key}=");
        args.windows(2).filter(|w| w[0] == "--conf").find_map(|w| w[1].strip_prefix(&prefix).map(str::to_string))
    };
    // Spark's defaults (docs/reference/spark.md): 2 executors, 1 core, 1g heap,
    // overhead max(10 % of the heap, 384 MiB).
    let instances: i64 = conf("spark.executor.instances").and_then(|v| v.parse().ok()).unwrap_or(2);
    let cores =
        conf("spark.kubernetes.executor.request.cores").or_else(|| conf("spark.executor.cores")).unwrap_or("1".into());
    let heap = conf("spark.executor.memory").and_then(|v| jvm_bytes(&v)).unwrap_or(1 << 30);
    let overhead =
        conf("spark.executor.memoryOverhead").and_then(|v| jvm_bytes(&v)).unwrap_or((heap / 10).max(384 << 20));
    let mut pod = Footprint::default();
    if let Ok(q) = crate::units::Quantity::parse(&cores) {
        pod.0.insert("cpu".into(), q.nanos());
    }
    pod.0.insert("memory".into(), (heap + overhead) * 1_000_000_000);
    Some((instances, pod))
}

/// A SparkApplication (`--target spark-operator`): the Spark operator makes its driver pod,
/// and the driver its executors; each pod's requests as the operator asks for them (cores, or
/// `coreRequest`; memory plus its overhead, by default a share of it: 10 % for the JVM, 40 %
/// for Python and R, at least 384 MiB).
pub fn application(graph: &mut Graph, app: &SparkApplication) {
    let name = app.metadata.name.clone().unwrap_or_default();
    let jvm = matches!(app.spec.type_.as_str(), "Scala" | "Java");
    let id = format!("sparkapplication/{name}");
    let driver = role_requests(&app.spec.driver, jvm);
    let node = model::add_node(graph, id.clone(), NodeKind::Workload, format!("SparkApplication {name}"), false);
    node.lines = vec!["driver: 1 pod, made by the Spark operator".into(), format!("each {}", driver.describe())];
    if let Some(account) = app.spec.driver.service_account.as_deref().filter(|a| *a != "default") {
        let to = format!("serviceaccount/{account}");
        graph.edges.push(Edge { from: id.clone(), to, kind: EdgeKind::RunsAs, note: String::new() });
    }
    let instances = i64::from(app.spec.executor.instances.unwrap_or(2));
    let each = role_requests(&app.spec.executor, jvm);
    let peak = each.times(instances);
    let executors = format!("{id}/executors");
    let node =
        model::add_node(graph, executors.clone(), NodeKind::Created, format!("Spark executors of {name}"), false);
    node.lines = vec![format!("{instances} pods, created by the driver"), format!("each {}", each.describe())];
    if instances > 1 {
        node.lines.push(format!("peak {}", peak.describe()));
    }
    graph.edges.push(Edge { from: id, to: executors, kind: EdgeKind::Creates, note: String::new() });
    graph.pods += 1 + instances;
    graph.footprint.add(&driver);
    graph.footprint.add(&peak);
}

/// One driver or executor pod's requests.
fn role_requests(role: &RoleSpec, jvm: bool) -> Footprint {
    let mut pod = Footprint::default();
    let cores = role.core_request.clone().or_else(|| role.cores.map(|c| c.to_string())).unwrap_or("1".into());
    if let Ok(q) = crate::units::Quantity::parse(&cores) {
        pod.0.insert("cpu".into(), q.nanos());
    }
    let heap = role.memory.as_deref().and_then(jvm_bytes).unwrap_or(1 << 30);
    let share = if jvm { heap / 10 } else { heap * 4 / 10 };
    let overhead = role.memory_overhead.as_deref().and_then(jvm_bytes).unwrap_or(share.max(384 << 20));
    pod.0.insert("memory".into(), (heap + overhead) * 1_000_000_000);
    pod
}

/// A JVM size: `2g`, `384m`, `512k`, or bytes (binary units, as Spark reads them).
fn jvm_bytes(text: &str) -> Option<i128> {
    let text = text.trim().to_ascii_lowercase();
    let (digits, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let n: i128 = digits.parse().ok()?;
    let shift = match unit {
        "" | "b" => 0,
        "k" | "kb" => 10,
        "m" | "mb" => 20,
        "g" | "gb" => 30,
        "t" | "tb" => 40,
        _ => return None,
    };
    Some(n << shift)
}

#[cfg(test)]
mod tests {
    #[test]
    fn jvm_sizes_are_binary() {
        assert_eq!(super::jvm_bytes("2g"), Some(2 << 30));
        assert_eq!(super::jvm_bytes("384m"), Some(384 << 20));
        assert_eq!(super::jvm_bytes("12x"), None);
    }
}
