//! The executors a Spark driver creates at run time. They are not objects of the program
//! (the driver asks the API server for them), but they are most of what a Spark job costs:
//! the graph reads the driver's `--conf` settings as Spark does and shows them.

use super::footprint::Footprint;
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
