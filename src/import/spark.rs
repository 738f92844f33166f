//! A Spark operator's `SparkApplication` (`sparkoperator.k8s.io/v1beta2`) back to `spark NAME
//! { … }` (docs/reference/spark.md): the image, main class and file, arguments and `sparkConf`
//! as the item's keys, the driver's and executors' cores and memory (Spark's `1g` as `1Gi`) in
//! its `driver { … }` and `executor { … }` blocks — values equal to the item's defaults left
//! out —, `restartPolicy: OnFailure` as `retries`, `timeToLiveSeconds` as `ttl`, and the
//! driver's pod `template` read by the one pod reader. What the item has no key for (the
//! executors' own pods, dependencies, dynamic allocation, client mode…) keeps the object
//! aside (P0710). Built with `--target spark-operator` it is a SparkApplication again.

use super::custom::{Aside, Opened, Read, construct, dropped, open};
use super::pipe::{Entry, Expr, Item};
use super::pod::pod;
use super::reverse::string_map;
use super::server::LeftOut;
use super::yaml::Node;
use crate::schema;
use crate::units::Duration;
use serde_json::{Map, Value};

/// The driver container's name in the operator's pod template (pipec's lowering writes it).
const DRIVER_CONTAINER: &str = "spark-kubernetes-driver";
/// Spark's overhead default: 10% of the heap, at least 384 MiB (as the item's).
const MIN_OVERHEAD_MIB: i64 = 384;

/// The name of the driver's Role and RoleBinding (and Service) pipec makes for a `spark`.
pub(super) fn driver_objects(name: &str) -> String {
    format!("{name}-driver")
}

/// Spark's size (`1g`, `512m`) as a quantity in MiB.
fn mib(v: &Value) -> Option<i64> {
    let s = v.as_str()?.to_ascii_lowercase();
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = n.parse().ok()?;
    match unit {
        "m" | "mb" => Some(n),
        "g" | "gb" => n.checked_mul(1024),
        "t" | "tb" => n.checked_mul(1024 * 1024),
        _ => None,
    }
}

fn mib_expr(m: i64) -> Expr {
    if m % 1024 == 0 { Expr::Word(format!("{}Gi", m / 1024)) } else { Expr::Word(format!("{m}Mi")) }
}

pub(super) fn spark(node: &Node, name: &str, what: &str, left_out: &mut LeftOut) -> Result<Read, Aside> {
    let aside = |path: &[&str], c: &str, help: &str| -> Aside { Box::new(construct(node, path, what, c, help)) };
    let mut own = Vec::new();
    let Opened { mut object, namespace, mut refs } = open(node, what, schema::SPARK, &mut own, left_out, |_| {})?;
    if let Some(k) = object.get("metadata").and_then(Value::as_object).and_then(|m| m.keys().next()) {
        return Err(aside(
            &["metadata", k],
            &format!("`metadata.{k}` has no key of a `spark`"),
            "a `spark` item takes `labels` and `annotations`",
        ));
    }
    let Some(Value::Object(spec)) = object.remove("spec") else {
        return Err(aside(&["spec"], "it has no `spec`", "a SparkApplication is its spec"));
    };
    const FIELDS: &[&str] = &[
        "type",
        "sparkVersion",
        "mode",
        "image",
        "imagePullPolicy",
        "mainClass",
        "mainApplicationFile",
        "arguments",
        "sparkConf",
        "restartPolicy",
        "timeToLiveSeconds",
        "driver",
        "executor",
    ];
    if let Some(k) = spec.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(aside(
            &["spec", k],
            &format!("it sets `spec.{k}`"),
            "a `spark` item writes the application, its driver and executors' resources and its Spark settings: move the setting into `conf` if Spark has one",
        ));
    }
    let str_at = |f: &str| spec.get(f).and_then(Value::as_str);
    if str_at("mode").is_some_and(|m| m != "cluster") {
        return Err(aside(
            &["spec", "mode"],
            "it runs in `client` mode",
            "a `spark` item's driver is its own pod (cluster mode)",
        ));
    }
    let Some(image) = str_at("image").map(String::from) else {
        return Err(aside(
            &["spec", "image"],
            "it names no `image`",
            "a `spark` item needs the image of its driver and executors",
        ));
    };
    let Some(file) = str_at("mainApplicationFile").map(String::from) else {
        return Err(aside(
            &["spec", "mainApplicationFile"],
            "it has no `mainApplicationFile`",
            "write the application file",
        ));
    };
    let language = match str_at("type").unwrap_or("Scala") {
        "Scala" | "Java" => "jar",
        "Python" => "py",
        "R" => "R",
        other => {
            return Err(aside(
                &["spec", "type"],
                &format!("`type: {other}`"),
                "the types are Scala, Java, Python and R",
            ));
        }
    };
    let by_file = if file.ends_with(".py") {
        "py"
    } else if file.ends_with(".R") {
        "R"
    } else {
        "jar"
    };
    if language != by_file {
        return Err(aside(
            &["spec", "type"],
            &format!("its `type` does not match `{file}`"),
            "a `spark` item reads the language from the file's extension",
        ));
    }

    let mut body = Vec::new();
    // The driver's pod: the operator's template, with the image and pull policy of the spec.
    let mut driver = match spec.get("driver") {
        Some(Value::Object(d)) => d.clone(),
        None => Map::new(),
        Some(_) => {
            return Err(aside(&["spec", "driver"], "its `driver` is not a map", "write the driver's fields under it"));
        }
    };
    let mut tpl = match driver.remove("template") {
        Some(Value::Object(t)) => t,
        None => Map::new(),
        Some(_) => {
            return Err(aside(
                &["spec", "driver", "template"],
                "its driver `template` is not a pod template",
                "give it the fields of a PodTemplateSpec",
            ));
        }
    };
    let typed = serde_json::from_value::<k8s_openapi::api::core::v1::PodTemplateSpec>(Value::Object(tpl.clone()));
    match typed.map(|t| serde_json::to_value(t).unwrap_or_default()) {
        Err(e) => {
            return Err(aside(
                &["spec", "driver", "template"],
                &format!("its driver template is not a pod template ({e})"),
                "give it the fields of a PodTemplateSpec",
            ));
        }
        Ok(back) => {
            if let Some(path) = dropped(&Value::Object(tpl.clone()), &back, "template") {
                return Err(aside(
                    &["spec", "driver", "template"],
                    &format!("`{path}` is not a field of a pod template"),
                    "check its spelling and depth against the PodTemplateSpec",
                ));
            }
        }
    }
    {
        let spec_map = tpl.entry("spec").or_insert_with(|| Value::Object(Map::new()));
        let Some(pod_spec) = spec_map.as_object_mut() else {
            return Err(aside(
                &["spec", "driver", "template"],
                "its driver template's `spec` is not a map",
                "write the pod's fields under it",
            ));
        };
        if pod_spec.get("restartPolicy").and_then(Value::as_str) == Some("Never") {
            pod_spec.remove("restartPolicy");
        }
        let containers = pod_spec.entry("containers").or_insert_with(|| Value::Array(vec![Value::Object(Map::new())]));
        let Some(first) = containers.as_array_mut().and_then(|c| c.first_mut()).and_then(Value::as_object_mut) else {
            return Err(aside(
                &["spec", "driver", "template"],
                "its driver template has no container",
                "the driver's container is the template's first",
            ));
        };
        if first.get("name").and_then(Value::as_str).is_none_or(|n| n == DRIVER_CONTAINER) {
            first.insert("name".into(), Value::from(name));
        }
        if first.get("image").is_some_and(|i| i.as_str() != Some(image.as_str())) {
            return Err(aside(
                &["spec", "driver", "template"],
                "its driver's container has another image than `spec.image`",
                "a `spark` item runs one image for the driver and the executors",
            ));
        }
        first.insert("image".into(), Value::from(image.as_str()));
        if let Some(p) = spec.get("imagePullPolicy")
            && !first.contains_key("imagePullPolicy")
        {
            first.insert("imagePullPolicy".into(), p.clone());
        }
        if first.contains_key("args") || first.contains_key("resources") {
            return Err(aside(
                &["spec", "driver", "template"],
                "its driver's container sets `args` or `resources`",
                "the driver's arguments are the application's, its resources `driver { … }`",
            ));
        }
    }
    // The driver's labels are its pod's.
    if let Some(Value::Object(labels)) = driver.remove("labels") {
        let meta = tpl.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
        if let Some(m) = meta.as_object_mut() {
            let l = m.entry("labels").or_insert_with(|| Value::Object(Map::new()));
            if let Some(l) = l.as_object_mut() {
                l.extend(labels);
            }
        }
    }
    let account = driver.remove("serviceAccount").and_then(|a| a.as_str().map(String::from));
    let original = Value::Object(tpl.clone());
    let mut pod_entries = pod(&mut tpl, schema::SPARK, name, &Map::new(), &mut refs);
    let mut raw = Vec::new();
    super::reverse::leftovers(&Value::Object(tpl), &original, "template", &mut raw);
    if let Some((path, _)) = raw.first() {
        return Err(aside(
            &["spec", "driver", "template"],
            &format!("the driver's `{path}` has no key of a `spark`"),
            "a `spark` item's pod keys are a job's",
        ));
    }
    pod_entries.sort_by_key(super::rank);
    // The image first, then the application (as docs/reference/spark.md writes it), the pod's keys last.
    let split =
        pod_entries.iter().position(|e| !matches!(e, Entry::Set(k, _) if k == "image")).unwrap_or(pod_entries.len());
    let pod_rest = pod_entries.split_off(split);
    body.extend(pod_entries);
    if let Some(c) = str_at("mainClass") {
        body.push(Entry::Set("main-class".into(), Expr::str(c)));
    }
    body.push(Entry::Set("main-file".into(), Expr::str(&file)));
    match spec.get("arguments") {
        None => {}
        Some(Value::Array(a)) if a.is_empty() => {}
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => body
            .push(Entry::Set("args".into(), Expr::List(a.iter().filter_map(Value::as_str).map(Expr::str).collect()))),
        Some(_) => {
            return Err(aside(
                &["spec", "arguments"],
                "its `arguments` are not strings",
                "write each argument as a string",
            ));
        }
    }
    if let Some(v) = str_at("sparkVersion") {
        // The item reads the version from the image's tag when it is one (`3.5.3-scala2.12…`).
        let tag = image.rsplit_once(':').map_or("", |(_, t)| t);
        let from_tag: String = tag.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        if from_tag.trim_end_matches('.') != v {
            body.push(Entry::Set("spark-version".into(), Expr::str(v)));
        }
    }
    if let Some(a) = account.filter(|a| a != name) {
        body.push(Entry::Set("service-account".into(), Expr::Str(a)));
    }
    body.push(Entry::Block("driver".into(), resources(node, &mut driver, false, language != "jar", &aside)?));
    let mut executor = match spec.get("executor") {
        Some(Value::Object(e)) => e.clone(),
        None => Map::new(),
        Some(_) => {
            return Err(aside(
                &["spec", "executor"],
                "its `executor` is not a map",
                "write the executors' fields under it",
            ));
        }
    };
    body.push(Entry::Block("executor".into(), resources(node, &mut executor, true, language != "jar", &aside)?));
    body.retain(|e| !matches!(e, Entry::Block(_, b) if b.is_empty()));
    match spec.get("restartPolicy") {
        None => {}
        Some(Value::Object(r)) => {
            match (r.get("type").and_then(Value::as_str), r.get("onFailureRetries").and_then(Value::as_i64)) {
                (Some("Never"), None) if r.len() == 1 => {}
                (Some("OnFailure"), Some(n)) if r.len() == 2 && n > 0 => {
                    body.push(Entry::Set("retries".into(), Expr::Int(n)))
                }
                _ => {
                    return Err(aside(
                        &["spec", "restartPolicy"],
                        &format!("`restartPolicy: {}`", Value::Object(r.clone())),
                        "a `spark` item's `retries` is `OnFailure` with `onFailureRetries` (no submission retries, no intervals)",
                    ));
                }
            }
        }
        Some(v) => {
            return Err(aside(
                &["spec", "restartPolicy"],
                &format!("`restartPolicy: {v}`"),
                "write `type` and `onFailureRetries`",
            ));
        }
    }
    if let Some(v) = spec.get("timeToLiveSeconds") {
        match v.as_u64() {
            Some(s) => body.push(Entry::Set("ttl".into(), Expr::Word(Duration(s).to_string()))),
            None => {
                return Err(aside(
                    &["spec", "timeToLiveSeconds"],
                    &format!("`timeToLiveSeconds: {v}`"),
                    "write a whole number of seconds",
                ));
            }
        }
    }
    match spec.get("sparkConf") {
        None => {}
        Some(Value::Object(c)) if c.is_empty() => {}
        Some(Value::Object(c)) => match string_map(c) {
            Some(e) => body.push(Entry::Set("conf".into(), e)),
            None => {
                return Err(aside(
                    &["spec", "sparkConf"],
                    "its `sparkConf` has a value that is not a string",
                    "Spark settings are strings",
                ));
            }
        },
        Some(_) => {
            return Err(aside(&["spec", "sparkConf"], "its `sparkConf` is not a map", "write `key: value` under it"));
        }
    }
    body.extend(pod_rest);
    body.extend(own);
    let item = Item { comments: Vec::new(), keyword: "spark".into(), name: name.to_string(), body: Some(body) };
    Ok((item, namespace, refs))
}

/// `driver { … }` or `executor { … }`: cores, CPU request and limit, heap and overhead, each
/// left out where it is the item's default.
fn resources(
    node: &Node,
    role: &mut Map<String, Value>,
    executor: bool,
    non_jvm: bool,
    aside: &dyn Fn(&[&str], &str, &str) -> Aside,
) -> Result<Vec<Entry>, Aside> {
    let _ = node;
    let which = if executor { "executor" } else { "driver" };
    let mut out = Vec::new();
    let bad = |f: &str, v: &Value| {
        aside(
            &["spec", which, f],
            &format!("the {which}'s `{f}: {v}`"),
            "give Spark's value: cores a whole number, memory in `m` or `g`",
        )
    };
    if let Some(v) = role.remove("instances") {
        match v.as_i64() {
            Some(n) if executor && n != 2 => out.push(Entry::Set("instances".into(), Expr::Int(n))),
            Some(2) if executor => {}
            Some(1) if !executor => {}
            _ => return Err(bad("instances", &v)),
        }
    }
    let cores = match role.remove("cores") {
        None => 1,
        Some(v) => v.as_i64().filter(|n| *n >= 1).ok_or_else(|| bad("cores", &v))?,
    };
    if cores != 1 {
        out.push(Entry::Set("cores".into(), Expr::Int(cores)));
    }
    if let Some(v) = role.remove("coreRequest") {
        let q =
            v.as_str().and_then(|s| super::reverse::quantity(&Value::from(s))).ok_or_else(|| bad("coreRequest", &v))?;
        if q != Expr::Word(cores.to_string()) {
            out.push(Entry::Set("cpu".into(), q));
        }
    }
    if let Some(v) = role.remove("coreLimit") {
        let q =
            v.as_str().and_then(|s| super::reverse::quantity(&Value::from(s))).ok_or_else(|| bad("coreLimit", &v))?;
        out.push(Entry::Set("cpu-limit".into(), q));
    }
    let memory = match role.remove("memory") {
        None => 1024,
        Some(v) => mib(&v).ok_or_else(|| bad("memory", &v))?,
    };
    if memory != 1024 {
        out.push(Entry::Set("memory".into(), mib_expr(memory)));
    }
    let overhead = match role.remove("memoryOverhead") {
        Some(v) => mib(&v).ok_or_else(|| bad("memoryOverhead", &v))?,
        // Spark's own default for Python and R is 40% of the heap (10% for the JVM), at least
        // 384 MiB: written, since the item's default is the JVM's.
        None if non_jvm => (memory * 4 / 10).max(MIN_OVERHEAD_MIB),
        None => (memory / 10).max(MIN_OVERHEAD_MIB),
    };
    if overhead != (memory / 10).max(MIN_OVERHEAD_MIB) {
        out.push(Entry::Set("memory-overhead".into(), mib_expr(overhead)));
    }
    if let Some(k) = role.keys().next() {
        return Err(aside(
            &["spec", which, k],
            &format!("its {which} sets `{k}`"),
            if executor {
                "the executors' pods are Spark's: give it a pod template in `conf` (`spark.kubernetes.executor.podTemplateFile`)"
            } else {
                "write the driver's pod settings in its `template`"
            },
        ));
    }
    Ok(out)
}
