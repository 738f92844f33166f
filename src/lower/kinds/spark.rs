//! `spark` → what Spark 3.5 on Kubernetes needs to run the application in client
//! mode inside its driver pod: the driver's ServiceAccount, a Role and RoleBinding
//! that let it manage its executors, a headless Service the executors reach it by,
//! and the driver as a Job. With `--target spark-operator`, a SparkApplication and
//! the ServiceAccount, Role and RoleBinding its driver needs. docs/reference/spark.md
//! says why each piece is there.

use super::{job, rbac, service};
use crate::crd::spark_application::{RestartPolicy, RoleSpec, SparkApplication, SparkApplicationSpec};
use crate::ir::{self, EnvValue, EnvVar, Port, SparkLanguage, SparkResources};
use crate::lower::Out;
use crate::lower::pod::{pod_template, template_labels};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::rbac::v1 as rbac_api;

/// The API server, as a pod of the cluster reaches it.
pub(crate) const MASTER: &str = "k8s://https://kubernetes.default.svc";
/// Spark's own defaults for the driver's ports (`DriverServiceFeatureStep`), and its UI.
pub(crate) const DRIVER_PORT: i32 = 7078;
pub(crate) const BLOCK_MANAGER_PORT: i32 = 7079;
pub(crate) const UI_PORT: i32 = 4040;
/// The environment the downward API fills, expanded by the kubelet in `args` as `$(NAME)`.
const POD_IP_VAR: &str = "SPARK_DRIVER_BIND_ADDRESS";
const POD_NAME_VAR: &str = "SPARK_DRIVER_POD_NAME";
const NAMESPACE_VAR: &str = "SPARK_DRIVER_NAMESPACE";

/// What the driver may do, and why (Spark's `KubernetesClusterSchedulerBackend` and
/// pod allocator): create, watch, label and delete its executor pods; create the
/// executors' ConfigMap and delete it with the pods when it stops; delete the
/// Services it labelled (none in client mode, but it asks).
pub(crate) fn driver_rules() -> Vec<ir::PolicyRule> {
    let rule = |resource: &str, verbs: &[&str]| ir::PolicyRule {
        api_groups: vec![String::new()],
        resources: vec![resource.to_string()],
        verbs: verbs.iter().map(|v| v.to_string()).collect(),
        ..Default::default()
    };
    vec![
        rule("pods", &["get", "list", "watch", "create", "delete", "deletecollection", "patch"]),
        rule("configmaps", &["get", "list", "watch", "create", "delete", "deletecollection"]),
        rule("services", &["deletecollection"]),
    ]
}

pub(in crate::lower) fn lower(s: &ir::Spark, out: &mut Out) {
    access(s, out);
    if s.operator {
        let application = application(s, out);
        out.own(application);
        return;
    }
    let driver = ir::Service {
        meta: also_meta(s, &s.service),
        selector: ir::spark_driver_labels(&s.meta.name).into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        ports: [("driver-rpc-port", DRIVER_PORT), ("blockmanager", BLOCK_MANAGER_PORT), ("spark-ui", UI_PORT)]
            .into_iter()
            .map(|(name, port)| ir::ServicePort { name: Some(name.into()), port, target: None, protocol: None })
            .collect(),
        headless: true,
        // Executors resolve the driver before it is Ready (it has no readiness probe to pass).
        publish_not_ready: Some(true),
    };
    let driver = service::service(&driver, out);
    out.also(driver);
    let job = ir::Job {
        meta: s.meta.clone(),
        spec: ir::JobSpec {
            backoff_limit: Some(s.retries),
            active_deadline_seconds: s.deadline.map(|(d, _)| d),
            ttl_seconds_after_finished: s.ttl.map(|t| t as i32),
            ..Default::default()
        },
        pod: driver_pod(s),
        generate_name: false,
    };
    let job = job::job(&job, out);
    out.own(job);
}

/// The metadata of an object made beside the item's own: its name, the item's labels.
fn also_meta(s: &ir::Spark, name: &str) -> ir::Meta {
    ir::Meta { name: name.to_string(), raw: Vec::new(), annotations: Default::default(), ..s.meta.clone() }
}

/// The ServiceAccount (unless the program has it), the Role and its RoleBinding.
fn access(s: &ir::Spark, out: &mut Out) {
    if s.own_service_account {
        let account =
            core::ServiceAccount { metadata: out.meta(&also_meta(s, &s.service_account)), ..Default::default() };
        out.also(account);
    }
    let name = &s.service;
    let role = rbac_api::Role {
        metadata: out.meta(&also_meta(s, name)),
        rules: Some(driver_rules().iter().map(rbac::rule).collect()),
    };
    out.also(role);
    let subject = ir::Subject::ServiceAccount { namespace: None, name: s.service_account.clone() };
    let binding = rbac_api::RoleBinding {
        metadata: out.meta(&also_meta(s, name)),
        role_ref: rbac_api::RoleRef {
            api_group: Some(rbac::RBAC_GROUP.into()),
            kind: "Role".into(),
            name: name.clone(),
        },
        subjects: Some(vec![rbac::subject(&subject, out)]),
    };
    out.also(binding);
}

/// Spark's memory strings: whole MiB (`1024m`), or GiB when exact (`2g`).
fn memory(mib: i64) -> String {
    if mib % 1024 == 0 { format!("{}g", mib / 1024) } else { format!("{mib}m") }
}

/// The spark-submit arguments after the image's entrypoint word `driver` (which adds
/// `--deploy-mode client` and `spark.driver.bindAddress=$SPARK_DRIVER_BIND_ADDRESS`).
pub(crate) fn submit_args(s: &ir::Spark, pull_policy: &str, app_args: &[String]) -> Vec<String> {
    let mut args: Vec<String> =
        ["--master", MASTER, "--deploy-mode", "client", "--name", &s.meta.name].map(String::from).into();
    if let Some(class) = &s.main_class {
        args.extend(["--class".to_string(), class.clone()]);
    }
    args.extend(["--driver-memory".to_string(), memory(s.driver.memory_mib)]);
    let e = &s.executor;
    let mut conf: Vec<(&str, String)> = vec![
        ("spark.driver.host", format!("{}.$({NAMESPACE_VAR}).svc", s.service)),
        ("spark.driver.port", DRIVER_PORT.to_string()),
        ("spark.driver.blockManager.port", BLOCK_MANAGER_PORT.to_string()),
        ("spark.kubernetes.driver.pod.name", format!("$({POD_NAME_VAR})")),
        ("spark.kubernetes.namespace", format!("$({NAMESPACE_VAR})")),
        ("spark.kubernetes.container.image", s.image.clone()),
        ("spark.kubernetes.container.image.pullPolicy", pull_policy.to_string()),
        ("spark.kubernetes.authenticate.driver.serviceAccountName", s.service_account.clone()),
        ("spark.executor.instances", s.executors.to_string()),
        ("spark.executor.cores", e.cores.to_string()),
        ("spark.kubernetes.executor.request.cores", e.cpu.to_string()),
    ];
    if let Some(limit) = &e.cpu_limit {
        conf.push(("spark.kubernetes.executor.limit.cores", limit.to_string()));
    }
    conf.push(("spark.executor.memory", memory(e.memory_mib)));
    conf.push(("spark.executor.memoryOverhead", memory(e.overhead_mib)));
    conf.extend(s.conf.iter().map(|(k, v)| (k.as_str(), v.clone())));
    for (key, value) in conf {
        args.extend(["--conf".to_string(), format!("{key}={value}")]);
    }
    args.push(s.main_file.clone());
    args.extend(app_args.iter().cloned());
    args
}

/// The driver's pod: the pod as written, its main container running the image's
/// entrypoint in `driver` mode, with the downward API's environment and Spark's ports.
fn driver_pod(s: &ir::Spark) -> ir::Pod {
    let mut pod = s.pod.clone();
    pod.service_account = Some(s.service_account.clone());
    if let Some(main) = pod.containers.first_mut() {
        // The image's entrypoint in `driver` mode binds the driver to the pod's IP; a
        // `command` of the program's own (its spark-submit) is told so here.
        let mut args = if main.command.is_empty() {
            vec!["driver".to_string()]
        } else {
            vec!["--conf".to_string(), format!("spark.driver.bindAddress=$({POD_IP_VAR})")]
        };
        args.extend(submit_args(s, main.pull_policy, &main.args));
        main.args = args;
        let field = |name: &str, path: &str| EnvVar { name: name.into(), value: EnvValue::Field(path.into()) };
        let mut env = vec![
            field(POD_IP_VAR, "status.podIP"),
            field(POD_NAME_VAR, "metadata.name"),
            field(NAMESPACE_VAR, "metadata.namespace"),
        ];
        env.append(&mut main.env);
        main.env = env;
        let span = s.meta.span;
        let port = |name: &str, container_port| Port {
            name: Some(name.into()),
            container_port,
            protocol: None,
            host_port: None,
            host_ip: None,
            span,
        };
        let mut ports = vec![
            port("driver-rpc-port", DRIVER_PORT),
            port("blockmanager", BLOCK_MANAGER_PORT),
            port("spark-ui", UI_PORT),
        ];
        ports.append(&mut main.ports);
        main.ports = ports;
    }
    pod
}

/// `--target spark-operator`: the operator's spark-submit (cluster mode) starts the
/// driver pod from `driver`; what the pod keys say beyond resources goes in its `template`.
fn application(s: &ir::Spark, out: &Out) -> SparkApplication {
    let main = s.pod.containers.first();
    let mut template_pod = s.pod.clone();
    if let Some(c) = template_pod.containers.first_mut() {
        // Spark sets the driver container's arguments and resources itself.
        c.command.clear();
        c.args.clear();
        c.resources = Default::default();
        c.name = "spark-kubernetes-driver".into();
    }
    template_pod.service_account = None;
    // The labels the driver's Service selects: the operator makes its own Service.
    for (key, _) in ir::spark_driver_labels(&s.meta.name) {
        template_pod.labels.remove(key);
    }
    let template = pod_template(&template_pod, template_labels(&template_pod, None));
    // Only when the pod says more than its image: the rest is the SparkApplication's.
    let bare = ir::Pod {
        containers: template_pod
            .containers
            .first()
            .map(|c| ir::Container {
                name: c.name.clone(),
                image: c.image.clone(),
                pull_policy: c.pull_policy,
                ..Default::default()
            })
            .into_iter()
            .collect(),
        restart_policy: template_pod.restart_policy,
        ..Default::default()
    };
    let template = (template != pod_template(&bare, None)).then_some(template);
    let role = |r: &SparkResources, instances: Option<i32>| RoleSpec {
        instances,
        cores: Some(r.cores),
        core_request: Some(r.cpu.to_string()),
        core_limit: r.cpu_limit.map(|q| q.to_string()),
        memory: Some(memory(r.memory_mib)),
        memory_overhead: Some(memory(r.overhead_mib)),
        ..Default::default()
    };
    let driver = RoleSpec {
        service_account: Some(s.service_account.clone()),
        labels: template_pod.labels.clone(),
        template,
        ..role(&s.driver, None)
    };
    SparkApplication {
        metadata: out.meta(&s.meta),
        spec: SparkApplicationSpec {
            type_: match s.language {
                SparkLanguage::Jvm => "Scala",
                SparkLanguage::Python => "Python",
                SparkLanguage::R => "R",
            }
            .into(),
            spark_version: s.spark_version.clone().unwrap_or_default(),
            mode: "cluster".into(),
            image: s.image.clone(),
            image_pull_policy: main.map(|c| c.pull_policy.to_string()),
            main_class: s.main_class.clone(),
            main_application_file: s.main_file.clone(),
            arguments: main.map(|c| c.args.clone()).unwrap_or_default(),
            spark_conf: s.conf.clone(),
            restart_policy: if s.retries > 0 {
                RestartPolicy { type_: "OnFailure".into(), on_failure_retries: Some(s.retries) }
            } else {
                RestartPolicy { type_: "Never".into(), on_failure_retries: None }
            },
            time_to_live_seconds: s.ttl,
            driver,
            executor: role(&s.executor, Some(s.executors)),
        },
    }
}
