//! Keys of a `spark` item (besides its driver pod's, which are a workload's): the
//! application, its driver and executors, its Spark settings. Their "Kubernetes
//! field" is the Spark setting or spark-submit option they become (the driver Job's
//! fields for `retries`, `deadline`, `ttl`); docs/reference/spark.md has the whole mapping.

use super::*;

keys! {
    SPARK_MAIN_CLASS = key("main-class", SPARK, Shape::Str, ("spark-submit --class", &[]),
        "The application's entry point in its jar (`org.apache.spark.examples.SparkPi`); required for a jar.");
    SPARK_MAIN_FILE = key("main-file", SPARK, Shape::Str, ("spark-submit <application-jar>", &[]),
        "The application: a jar, `.py` or `.R` file in the image (`local:///opt/…`) or at a URL (`s3a://…`, `https://…`).");
    SPARK_CONF = key("conf", SPARK, Shape::StrMap, ("spark-submit --conf", &[]),
        "More Spark settings (`{ \"spark.eventLog.enabled\": \"true\" }`); not those the item sets itself.");
    SPARK_VERSION = key("spark-version", SPARK, Shape::Str, ("SparkApplication", &["spec", "sparkVersion"]),
        "The Spark version of the image (`--target spark-operator` needs it; default: the image's tag when it is a version).");
    SPARK_DRIVER_BLOCK = key("driver", SPARK, Shape::Block(SPARK_DRIVER), ("", &[]),
        "The driver's resources: `cores`, `cpu`, `cpu-limit`, `memory`, `memory-overhead` (its pod is the item's).");
    SPARK_EXECUTOR_BLOCK = key("executor", SPARK, Shape::Block(SPARK_EXECUTOR), ("", &[]),
        "The executors: `instances` and their resources (the driver creates their pods).");
    SPARK_RETRIES = key("retries", SPARK, Shape::Int { min: 0, max: I32_MAX }, ("JobSpec", &["backoffLimit"]),
        "How many times a failed driver is started again, as a new pod (default 0).");
    SPARK_DEADLINE = key("deadline", SPARK, Shape::Seconds { min: 1 }, ("JobSpec", &["activeDeadlineSeconds"]),
        "How long the application may run before its driver is stopped.");
    SPARK_TTL = key("ttl", SPARK, Shape::Seconds { min: 0 }, ("JobSpec", &["ttlSecondsAfterFinished"]),
        "How long the finished driver Job is kept.");
    SPARK_INSTANCES = key("instances", SPARK_DRIVER | SPARK_EXECUTOR, Shape::Int { min: 0, max: I32_MAX },
        ("spark.executor.instances", &[]),
        "How many executors run (≥ 1); a driver's is always 1.");
    SPARK_CORES = key("cores", SPARK_DRIVER | SPARK_EXECUTOR, Shape::Int { min: 1, max: I32_MAX },
        ("spark.executor.cores", &[]),
        "Task slots of each executor (`spark.executor.cores`), or of the driver (`spark.driver.cores`); default 1.");
    SPARK_CPU = key("cpu", SPARK_DRIVER | SPARK_EXECUTOR, Shape::Quantity,
        ("spark.kubernetes.executor.request.cores", &[]),
        "The pod's CPU request (default: `cores`); the driver's is its container's request.");
    SPARK_CPU_LIMIT = key("cpu-limit", SPARK_DRIVER | SPARK_EXECUTOR, Shape::Quantity,
        ("spark.kubernetes.executor.limit.cores", &[]),
        "The pod's CPU limit (default none).");
    SPARK_MEMORY = key("memory", SPARK_DRIVER | SPARK_EXECUTOR, Shape::Quantity, ("spark.executor.memory", &[]),
        "The JVM heap (`--driver-memory`, `spark.executor.memory`), whole MiB, at least 450Mi (a driver's 512Mi); default 1Gi.");
    SPARK_MEMORY_OVERHEAD = key("memory-overhead", SPARK_DRIVER | SPARK_EXECUTOR, Shape::Quantity,
        ("spark.executor.memoryOverhead", &[]),
        "Memory beyond the heap, added to the pod's memory (default: 10% of `memory`, at least 384Mi), whole MiB.");
}
