//! A `spark`: a Spark application whose driver pod is written as a workload's pod
//! (read by `pod.rs`, like a job's), with the application, its driver and
//! executors, and its Spark settings around it. What it becomes is in
//! `lower/kinds/spark.rs`; why, in docs/reference/spark.md.

use crate::check::Checker;
use crate::check::eval::What;
use crate::check::fields::Fields;
use crate::check::read;
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Pod, SparkLanguage, SparkResources};
use crate::schema::{self, Key};
use crate::source::Span;
use crate::units::Quantity;

/// One MiB in the nano-units of a quantity.
const MIB_NANOS: i128 = 1024 * 1024 * 1_000_000_000;
/// Spark refuses a heap below 1.5 × its 300 MiB reserve (`UnifiedMemoryManager`): an
/// executor's `spark.executor.memory`, and the driver JVM's maximum memory, which is a
/// little less than its `-Xmx` (a 450m heap reports about 434 MiB; 512m is enough).
const MIN_HEAP_MIB: i64 = 450;
const MIN_DRIVER_HEAP_MIB: i64 = 512;
/// Spark's overhead default: 10% of the heap, at least 384 MiB.
const MIN_OVERHEAD_MIB: i64 = 384;
/// Spark's default executor count (`spark.executor.instances`).
const DEFAULT_EXECUTORS: i32 = 2;
/// What the driver's Service adds to the item's name.
pub(crate) const SERVICE_SUFFIX: &str = "-driver";

/// The driver is the main container, written in the item: `image` is required even
/// when the pod has other containers (the pod reader would take them for all there is).
pub(super) fn has_driver(ck: &mut Checker, f: &Fields, name: &str, span: Span) -> bool {
    let image = f.peek_span(&schema::IMAGE).is_some();
    let others = f.labeled.iter().any(|l| l.key.text == schema::CONTAINER_BLOCK.key);
    if !image && others {
        ck.report(
            Diagnostic::error(Code::MissingKey, span, format!("`spark {name}` has no `image`"))
                .label("the driver runs in the main container, written in the item")
                .help("add `image = \"apache/spark:3.5.3\"`; `container` blocks are sidecars of the driver"),
        );
    }
    image || !others
}

/// `driver { … }`, read before the QoS assertion so that the pod has its resources:
/// they go into the main container (requests; a memory limit equal to the request).
/// The main container's own `resources` may add others (`ephemeral-storage`, GPUs),
/// not CPU or memory, which Spark must know of too.
pub(super) fn driver<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    pod: Option<&mut Pod>,
    span: Span,
) -> Option<(SparkResources, bool)> {
    let driver = resources(ck, f, &schema::SPARK_DRIVER_BLOCK, true);
    let mut ok = true;
    if let (Some((d, _)), Some(pod)) = (&driver, pod)
        && let Some(main) = pod.containers.first_mut()
    {
        let mut written = main.resources.requests.keys().chain(main.resources.limits.keys());
        if let Some(name) = written.find(|k| *k == "cpu" || *k == "memory") {
            ok = false;
            ck.report(
                Diagnostic::error(
                    Code::SparkOwnKey,
                    main.resources_span.unwrap_or(span),
                    format!("the driver's `{name}` is set by `driver {{ … }}`"),
                )
                .label("the driver container's CPU and memory come from `driver`")
                .help("write `driver { cores = 1, memory = 2Gi }` (the heap; its overhead is added to the pod's memory); `resources` may add others, such as `\"ephemeral-storage\"`"),
            );
        }
        let memory = Quantity::from_nanos(i128::from(d.memory_mib + d.overhead_mib) * MIB_NANOS, mebibytes());
        main.resources.requests.insert("cpu".into(), d.cpu);
        main.resources.requests.insert("memory".into(), memory);
        main.resources.limits.insert("memory".into(), memory);
        if let Some(limit) = d.cpu_limit {
            main.resources.limits.insert("cpu".into(), limit);
        }
    }
    driver.map(|(r, _)| (r, ok))
}

fn mebibytes() -> Quantity {
    Quantity::parse("1Mi").expect("a quantity")
}

pub(super) fn spark<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    meta: Option<ir::Meta>,
    pod: Option<Pod>,
    driver: Option<(SparkResources, bool)>,
    span: Span,
) -> Option<ir::Object> {
    let (driver, mut ok) = match driver {
        Some((d, ok)) => (Some(d), ok),
        None => (None, true),
    };
    let name = meta.as_ref().map_or_else(|| ck.sources.text(span).to_string(), |m| m.name.clone());
    let main_file = main_file(ck, f, span);
    let main_class = read::string(ck, f, &schema::SPARK_MAIN_CLASS);
    if let Some((_, language, file_span)) = &main_file {
        ok &= main_class_fits(ck, *language, main_class.as_ref(), *file_span, span);
    }
    let executor = resources(ck, f, &schema::SPARK_EXECUTOR_BLOCK, false);
    let conf = conf(ck, f);
    let retries = read::int32(ck, f, &schema::SPARK_RETRIES).unwrap_or(0);
    let deadline = read::seconds(ck, f, &schema::SPARK_DEADLINE);
    let ttl = read::seconds(ck, f, &schema::SPARK_TTL).map(|(s, _)| s);
    let version = read::string(ck, f, &schema::SPARK_VERSION).map(|(s, _)| s);
    let service = format!("{name}{SERVICE_SUFFIX}");
    ok &= service_name_fits(ck, &name, &service, span);
    let mut pod = pod;
    if let Some(pod) = pod.as_mut() {
        ok &= driver_token(ck, pod);
    }
    let image = pod.as_ref().and_then(|p| p.containers.first()).map(|c| c.image.clone()).unwrap_or_default();
    let spark_version = version.or_else(|| version_of(&image));
    let operator = ck.target == crate::target::Target::SparkOperator;
    if operator {
        ok &= operator_fits(ck, spark_version.is_some(), deadline, span);
    }

    let (
        Some(meta),
        Some(mut pod),
        Some(driver),
        Some((executor, executors)),
        Some(conf),
        Some((main_file, language, _)),
        true,
    ) = (meta, pod, driver, executor, conf, main_file, ok)
    else {
        return None;
    };
    for (key, value) in ir::spark_driver_labels(&name) {
        pod.labels.insert(key.into(), value);
    }
    // The driver's ServiceAccount: the item's own, unless the program declares it or
    // another `spark` already made it (one ServiceAccount, one Role and binding each).
    let service_account = pod.service_account.clone().unwrap_or_else(|| name.clone());
    let declared = ck.declared.service_accounts.contains(&service_account)
        || ck.declared.spark_service_accounts.contains(&service_account);
    if !declared {
        ck.declared.spark_service_accounts.push(service_account.clone());
    }
    Some(ir::Object::Spark(Box::new(ir::Spark {
        meta,
        pod,
        main_class: main_class.map(|(c, _)| c),
        main_file,
        language,
        image,
        driver,
        executor,
        executors,
        conf,
        service_account,
        own_service_account: !declared,
        service,
        retries,
        deadline,
        ttl,
        spark_version,
        operator,
    })))
}

/// `main-file`: `local:///path` (in the image) or a URL; the language from its extension.
fn main_file<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, span: Span) -> Option<(String, SparkLanguage, Span)> {
    let Some((file, at)) = read::string(ck, f, &schema::SPARK_MAIN_FILE) else {
        if f.peek_span(&schema::SPARK_MAIN_FILE).is_none() {
            ck.report(
                Diagnostic::error(Code::MissingKey, span, "a `spark` has no `main-file`")
                    .label("which application should run?")
                    .help("add `main-file = \"local:///opt/spark/examples/jars/spark-examples_2.12-3.5.3.jar\"` (a jar, `.py` or `.R` file)"),
            );
        }
        return None;
    };
    let problem = match file.split_once("://") {
        Some(("local", path)) if !path.starts_with('/') => Some((
            "`local://` is followed by an absolute path",
            format!("write `local:///{path}` (three slashes: the file `/{path}` in the image)"),
        )),
        Some(("file", path)) => Some((
            "`file://` names a file of the machine that runs spark-submit",
            format!("for a file in the image write `local://{path}`"),
        )),
        Some((scheme, _))
            if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)) =>
        {
            Some((
                "not a URL scheme",
                "write `local:///path` for a file in the image, or a URL (`s3a://…`, `https://…`)".into(),
            ))
        }
        Some(_) => None,
        None if file.starts_with('/') => Some((
            "a bare path",
            format!("for the file `{file}` in the image write `local://{file}`; executors fetch other files by URL"),
        )),
        None => Some((
            "neither `local://` nor a URL",
            "write `local:///path` for a file in the image, or a URL (`s3a://…`, `https://…`)".into(),
        )),
    };
    if let Some((label, help)) = problem {
        ck.report(
            Diagnostic::error(Code::SparkMainFile, at, format!("the driver cannot fetch `{file}`"))
                .label(label)
                .help(help),
        );
        return None;
    }
    let path = file.split(['?', '#']).next().unwrap_or(&file);
    let language = if path.ends_with(".py") {
        SparkLanguage::Python
    } else if path.ends_with(".R") || path.ends_with(".r") {
        SparkLanguage::R
    } else {
        SparkLanguage::Jvm
    };
    Some((file, language, at))
}

fn main_class_fits(
    ck: &mut Checker,
    language: SparkLanguage,
    class: Option<&(String, Span)>,
    file: Span,
    span: Span,
) -> bool {
    match (language, class) {
        (SparkLanguage::Jvm, None) => {
            ck.report(
                Diagnostic::error(Code::SparkMainClass, file, "a jar needs a `main-class`")
                    .label("which class of the jar runs?")
                    .secondary(span, "in this `spark`")
                    .help("add `main-class = \"org.example.Main\"`: spark-submit reads a jar's manifest only when the jar is a local file, not `local://` or a URL"),
            );
            false
        }
        (SparkLanguage::Python | SparkLanguage::R, Some((class, at))) => {
            ck.report(
                Diagnostic::error(
                    Code::SparkMainClass,
                    *at,
                    format!(
                        "`main-class` is for a jar, but `main-file` is a {} file",
                        if language == SparkLanguage::Python { "Python" } else { "R" }
                    ),
                )
                .label(format!("`{class}` would not run"))
                .secondary(file, "runs this file")
                .help("remove `main-class`: the file itself is the application"),
            );
            false
        }
        _ => true,
    }
}

/// `driver { … }` or `executor { … }`: with the executor count (1 for a driver).
fn resources<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    row: &'static Key,
    is_driver: bool,
) -> Option<(SparkResources, i32)> {
    let (place, example) = if is_driver {
        ("`driver`", "driver { cores = 1, memory = 2Gi }")
    } else {
        ("`executor`", "executor { instances = 5, cores = 1, memory = 2Gi }")
    };
    let mut inner = match read::take(ck, f, row) {
        Some((_, v)) => read::block(ck, row, v, place, example)?,
        None => Fields::empty(if is_driver { schema::SPARK_DRIVER } else { schema::SPARK_EXECUTOR }, place),
    };
    let mut ok = true;
    let instances = read::int(ck, &mut inner, &schema::SPARK_INSTANCES);
    let instances = match (is_driver, instances) {
        (true, Some((n, at))) if n != 1 => {
            ck.report(
                Diagnostic::error(Code::SparkDriverCount, at, format!("a Spark application has one driver, not {n}"))
                    .label("the driver is the application: one per run")
                    .help(
                        "remove `instances` from `driver`; for more parallel work, raise `executor { instances = … }`",
                    ),
            );
            ok = false;
            1
        }
        (false, Some((n, at))) if n < 1 => {
            ck.report(
                Diagnostic::error(Code::SparkExecutors, at, "a Spark application without executors runs no task")
                    .label("0 executors")
                    .help("write `instances = 1` or more; pipec does not set up dynamic allocation, which could start from 0"),
            );
            ok = false;
            0
        }
        (_, Some((n, _))) => n as i32,
        (true, None) => 1,
        (false, None) => DEFAULT_EXECUTORS,
    };
    let cores = read::int(ck, &mut inner, &schema::SPARK_CORES).map_or(1, |(n, _)| n as i32);
    let cpu = quantity(ck, &mut inner, &schema::SPARK_CPU);
    let cpu_limit = quantity(ck, &mut inner, &schema::SPARK_CPU_LIMIT);
    let memory = quantity(ck, &mut inner, &schema::SPARK_MEMORY);
    let overhead = quantity(ck, &mut inner, &schema::SPARK_MEMORY_OVERHEAD);
    inner.finish(ck);
    let whole = |ck: &mut Checker, q: Option<(Quantity, Span)>, key: &str| -> Option<Option<i64>> {
        let Some((q, at)) = q else { return Some(None) };
        if q.nanos() <= 0 || q.nanos() % MIB_NANOS != 0 {
            ck.report(
                Diagnostic::error(
                    Code::SparkResources,
                    at,
                    format!("`{key} = {}` is not a whole number of MiB", ck.sources.text(at)),
                )
                .label("Spark counts memory in MiB")
                .help("write it in `Mi` or `Gi` (`1536Mi`, `2Gi`): Spark takes whole MiB (its `2g` is 2Gi, not 2G)"),
            );
            return None;
        }
        Some(Some((q.nanos() / MIB_NANOS) as i64))
    };
    let memory_mib = whole(ck, memory, "memory");
    let overhead_mib = whole(ck, overhead, "memory-overhead");
    let (Some(memory_mib), Some(overhead_mib)) = (memory_mib, overhead_mib) else { return None };
    let memory_mib = memory_mib.unwrap_or(1024);
    let minimum = if is_driver { MIN_DRIVER_HEAP_MIB } else { MIN_HEAP_MIB };
    if memory_mib < minimum {
        let at = memory.map_or(ck.current_name_span, |(_, at)| at);
        let why = if is_driver {
            "Spark stops at start: it reserves 300 MiB, wants 1.5 times that, and the JVM reports a little less than its heap"
        } else {
            "Spark stops at start: it reserves 300 MiB and wants 1.5 times that"
        };
        ck.report(
            Diagnostic::error(
                Code::SparkResources,
                at,
                format!("a Spark heap of {memory_mib}Mi is below what Spark needs ({minimum}Mi)"),
            )
            .label(why)
            .help(format!("give `memory = {minimum}Mi` or more (1Gi is Spark's default)")),
        );
        ok = false;
    }
    let overhead_mib = overhead_mib.unwrap_or((memory_mib / 10).max(MIN_OVERHEAD_MIB));
    let cpu = match cpu {
        Some((q, at)) if q.nanos() <= 0 => {
            ck.report(
                Diagnostic::error(Code::SparkResources, at, "a CPU request must be more than 0")
                    .label("no CPU")
                    .help("write `cpu = 500m` or more, or remove it (the default is `cores`)"),
            );
            ok = false;
            q
        }
        Some((q, _)) => q,
        None => Quantity::from_int(i64::from(cores)),
    };
    if let Some((limit, at)) = cpu_limit
        && limit.nanos() < cpu.nanos()
    {
        ck.report(
            Diagnostic::error(Code::SparkResources, at, format!("the CPU limit {limit} is below the request {cpu}"))
                .label("Kubernetes rejects a limit below its request")
                .help("raise `cpu-limit`, or lower `cpu` (its default is `cores`)"),
        );
        ok = false;
    }
    ok.then_some((
        SparkResources { cores, cpu, cpu_limit: cpu_limit.map(|(q, _)| q), memory_mib, overhead_mib },
        instances,
    ))
}

fn quantity<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key) -> Option<(Quantity, Span)> {
    let e = read::expr(ck, f, row)?;
    ck.quantity(e, What::Key(row.key)).map(|q| (q, e.span))
}

/// The Spark settings the item sets itself, and the key that sets each.
pub(crate) const SET_BY_THE_ITEM: &[(&str, &str)] = &[
    ("spark.master", "the item (the cluster's API server)"),
    ("spark.submit.deployMode", "the item (client mode in the driver pod)"),
    ("spark.app.name", "the item's name"),
    ("spark.driver.host", "the item (its driver Service)"),
    ("spark.driver.bindAddress", "the item (the pod's IP)"),
    ("spark.driver.port", "the item (its driver Service's port 7078)"),
    ("spark.driver.blockManager.port", "the item (its driver Service's port 7079)"),
    ("spark.kubernetes.driver.pod.name", "the item (the pod's own name)"),
    ("spark.kubernetes.namespace", "the item (the pod's own namespace)"),
    ("spark.kubernetes.container.image", "`image`"),
    ("spark.kubernetes.driver.container.image", "`image`"),
    ("spark.kubernetes.executor.container.image", "`image`"),
    ("spark.kubernetes.container.image.pullPolicy", "`pull`"),
    ("spark.kubernetes.authenticate.driver.serviceAccountName", "`service-account`"),
    ("spark.driver.memory", "`driver { memory = … }`"),
    ("spark.driver.memoryOverhead", "`driver { memory-overhead = … }`"),
    ("spark.driver.cores", "`driver { cores = … }`"),
    ("spark.executor.instances", "`executor { instances = … }`"),
    ("spark.executor.cores", "`executor { cores = … }`"),
    ("spark.executor.memory", "`executor { memory = … }`"),
    ("spark.executor.memoryOverhead", "`executor { memory-overhead = … }`"),
    ("spark.kubernetes.executor.request.cores", "`executor { cpu = … }`"),
    ("spark.kubernetes.executor.limit.cores", "`executor { cpu-limit = … }`"),
];

fn conf<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> Option<ir::StringMap> {
    let given = f.peek_span(&schema::SPARK_CONF).is_some();
    let Some((entries, _)) = read::string_map(ck, f, &schema::SPARK_CONF) else {
        return (!given).then(ir::StringMap::new);
    };
    let mut ok = true;
    let mut conf = ir::StringMap::new();
    for (k, value) in entries {
        if let Some((_, by)) = SET_BY_THE_ITEM.iter().find(|(key, _)| *key == k.text) {
            ck.report(
                Diagnostic::error(Code::SparkConfConflict, k.span, format!("`{}` is set by {by}", k.text))
                    .label("written a second time here")
                    .help(if by.starts_with('`') {
                        format!("remove it from `conf`; to change it, write {by}")
                    } else {
                        "remove it from `conf`: pipec sets it so that the driver works from its pod".to_string()
                    }),
            );
            ok = false;
            continue;
        }
        conf.insert(k.text.clone(), value);
    }
    ok.then_some(conf)
}

/// The driver's Service is `<name>-driver`, a DNS-1035 label.
fn service_name_fits(ck: &mut Checker, name: &str, service: &str, span: Span) -> bool {
    let problem = if service.len() > 63 {
        Some(format!("the driver's Service `{service}` would be {} characters, more than 63", service.len()))
    } else if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        Some(format!("the driver's Service `{service}` must start with a letter"))
    } else if name.contains('.') {
        Some(format!("the driver's Service `{service}` cannot contain a dot"))
    } else {
        None
    };
    let Some(message) = problem else { return true };
    ck.report(
        Diagnostic::error(Code::SparkName, span, message)
            .label("the executors reach the driver by this Service's DNS name")
            .help(format!(
                "name the `spark` with at most {} characters, starting with a letter, without dots",
                63 - SERVICE_SUFFIX.len()
            )),
    );
    false
}

/// The version in an image tag (`apache/spark:3.5.3-scala2.12-java17-ubuntu` → `3.5.3`).
fn version_of(image: &str) -> Option<String> {
    let tag = image.rsplit_once(':').map(|(_, t)| t).filter(|t| !t.contains('/'))?;
    let version: String = tag.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let parts: Vec<&str> = version.trim_end_matches('.').split('.').collect();
    (parts.len() == 3 && parts.iter().all(|p| !p.is_empty())).then(|| parts.join("."))
}

/// The driver talks to the API server with its pod's token: one the program turns off
/// is an error; one that restricted `defaults` turn off is turned on again.
fn driver_token(ck: &mut Checker, pod: &mut Pod) -> bool {
    match &pod.automount_token {
        Some(ir::Written { value: false, span: Some(at) }) => {
            ck.report(
                Diagnostic::error(Code::SparkApiAccess, *at, "the Spark driver needs its ServiceAccount token")
                    .label("without it the driver cannot create its executors")
                    .help(
                        "remove `automount-service-account-token = false`: the driver's Role allows only what it needs",
                    ),
            );
            return false;
        }
        Some(ir::Written { value: false, span: None }) => pod.automount_token = None,
        _ => {}
    }
    true
}

/// What a SparkApplication cannot say.
fn operator_fits(ck: &mut Checker, has_version: bool, deadline: Option<(i64, Span)>, span: Span) -> bool {
    let mut ok = true;
    if !has_version {
        ck.report(
            Diagnostic::error(
                Code::SparkOperator,
                span,
                "a SparkApplication needs the Spark version, and the image's tag is not one",
            )
            .label("`sparkVersion` is required")
            .help("write `spark-version = \"3.5.3\"` (the version of Spark in the image)"),
        );
        ok = false;
    }
    if let Some((_, at)) = deadline {
        ck.report(
            Diagnostic::error(Code::SparkOperator, at, "a SparkApplication has no deadline")
                .label("the operator would run the application without it")
                .help("remove `deadline` for `--target spark-operator`, or build for `--target kubernetes` (a Job's activeDeadlineSeconds)"),
        );
        ok = false;
    }
    ok
}
