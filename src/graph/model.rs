//! The graph as data: nodes for the objects that matter to "what runs and who talks to
//! whom", edges for the relations Kubernetes resolves by name or by label.

use super::footprint::Footprint;
use crate::lower::K8sObject;
use k8s_openapi::api::core::v1::{PodSpec, PodTemplateSpec};
use std::collections::BTreeMap;

/// The label that marks the objects of one fan-out group (its roles and their Service).
pub const GROUP_LABEL: &str = "pipec.dev/group";

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    Workload,
    Service,
    ServiceAccount,
    Role,
    ConfigMap,
    /// Pods a workload creates at run time (a Spark driver's executors).
    Created,
    /// A pipeline's task: a Job its runner (or Argo) creates when its upstream has succeeded.
    Task,
}

#[derive(Clone, Debug)]
pub struct Node {
    /// Unique and stable: `job/train-ps`.
    pub id: String,
    pub kind: NodeKind,
    /// `Job train-ps`.
    pub title: String,
    /// More lines: pod count, footprint, ports.
    pub lines: Vec<String>,
    /// The fan-out group it belongs to (an index into [`Graph::groups`]).
    pub group: Option<usize>,
    /// Named by the program but not one of its objects (a ServiceAccount the cluster has).
    pub external: bool,
    /// The pipeline whose task it is (an index into [`Graph::pipelines`]).
    pub pipeline: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// Service → the workloads whose pods it selects.
    Selects,
    /// Workload → a Service whose DNS name its pods are given.
    Reaches,
    /// Workload → the ServiceAccount its pods run as.
    RunsAs,
    /// ServiceAccount → the Role a binding grants it.
    BoundTo,
    /// Workload → a ConfigMap its pods mount or read.
    Reads,
    /// A Spark driver → the executors it creates at run time.
    Creates,
    /// A pipeline's task → a task `after` it.
    Then,
    /// A pipeline's runner (or its Argo Workflow) → the tasks it starts first.
    Starts,
}

impl EdgeKind {
    pub fn label(self) -> &'static str {
        match self {
            EdgeKind::Selects => "selects",
            EdgeKind::Reaches => "reaches",
            EdgeKind::RunsAs => "runs as",
            EdgeKind::BoundTo => "bound to",
            EdgeKind::Reads => "reads",
            EdgeKind::Creates => "creates",
            EdgeKind::Then => "then",
            EdgeKind::Starts => "starts",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// A detail beside the kind: the ports selected, the binding's name.
    pub note: String,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    /// Peak pods and resources of all its workloads together.
    pub pods: i64,
    pub footprint: Footprint,
    /// The pipeline it is a task of (a fan-out task): drawn inside that pipeline's cluster.
    pub pipeline: Option<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Graph {
    pub title: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub groups: Vec<Group>,
    /// Peak pods and resources of the program's workloads, all running at once
    /// (DaemonSets are per node and not in it: [`Graph::per_node`]).
    pub pods: i64,
    pub footprint: Footprint,
    pub per_node: Footprint,
    pub pipelines: Vec<super::pipeline::Cluster>,
}

/// A workload's pods as the graph needs them.
pub(super) struct Workload<'a> {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) template: &'a PodTemplateSpec,
    /// At most this many pods at once (None: one per node).
    pub(super) peak_pods: Option<i64>,
    pub(super) count_line: String,
}

pub fn build(title: &str, objects: &[K8sObject]) -> Graph {
    let mut graph = Graph { title: title.to_string(), ..Default::default() };
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    let mut group_of = |labels: Option<&BTreeMap<String, String>>, graph: &mut Graph| {
        let name = labels?.get(GROUP_LABEL)?;
        Some(*groups.entry(name.clone()).or_insert_with(|| {
            graph.groups.push(Group { name: name.clone(), pods: 0, footprint: Footprint::default(), pipeline: None });
            graph.groups.len() - 1
        }))
    };

    let workloads: Vec<(Workload, Option<usize>)> = objects
        .iter()
        .flat_map(workloads)
        .map(|w| {
            let group = group_of(w.template.metadata.as_ref().and_then(|m| m.labels.as_ref()), &mut graph);
            (w, group)
        })
        .collect();

    for (w, group) in &workloads {
        let Some(spec) = &w.template.spec else { continue };
        let per_pod = Footprint::of_pod(spec);
        let mut lines = vec![w.count_line.clone()];
        if !per_pod.is_empty() {
            lines.push(format!("each {}", per_pod.describe()));
        }
        match w.peak_pods {
            Some(pods) => {
                let peak = per_pod.times(pods);
                if pods > 1 && !peak.is_empty() {
                    lines.push(format!("peak {}", peak.describe()));
                }
                graph.pods += pods;
                graph.footprint.add(&peak);
                if let Some(g) = group {
                    graph.groups[*g].pods += pods;
                    graph.groups[*g].footprint.add(&peak);
                }
            }
            None => graph.per_node.add(&per_pod),
        }
        graph.nodes.push(Node {
            id: w.id.clone(),
            kind: NodeKind::Workload,
            title: w.title.clone(),
            lines,
            group: *group,
            external: false,
            pipeline: None,
        });
        pod_edges(&mut graph, &w.id, spec, objects);
        let labels = w.template.metadata.as_ref().and_then(|m| m.labels.as_ref());
        if let Some((pods, each)) = super::spark::executors(labels, spec) {
            let peak = each.times(pods);
            let id = format!("{}/executors", w.id);
            let mut lines = vec![format!("{pods} pods, created by the driver"), format!("each {}", each.describe())];
            if pods > 1 {
                lines.push(format!("peak {}", peak.describe()));
            }
            graph.pods += pods;
            graph.footprint.add(&peak);
            let title = format!("Spark executors of {}", w.title.trim_start_matches("Job "));
            graph.nodes.push(Node {
                id: id.clone(),
                kind: NodeKind::Created,
                title,
                lines,
                group: *group,
                external: false,
                pipeline: None,
            });
            graph.edges.push(Edge { from: w.id.clone(), to: id, kind: EdgeKind::Creates, note: String::new() });
        }
    }

    for object in objects {
        match object {
            K8sObject::Service(s) => service(&mut graph, s, &workloads, &mut group_of),
            K8sObject::ServiceAccount(a) => {
                let name = a.metadata.name.clone().unwrap_or_default();
                add_node(
                    &mut graph,
                    format!("serviceaccount/{name}"),
                    NodeKind::ServiceAccount,
                    format!("ServiceAccount {name}"),
                    false,
                );
            }
            K8sObject::Role(r) => {
                let name = r.metadata.name.clone().unwrap_or_default();
                let lines = rules(r.rules.as_deref().unwrap_or_default());
                add_node(&mut graph, format!("role/{name}"), NodeKind::Role, format!("Role {name}"), false).lines =
                    lines;
            }
            K8sObject::ClusterRole(r) => {
                let name = r.metadata.name.clone().unwrap_or_default();
                let lines = rules(r.rules.as_deref().unwrap_or_default());
                add_node(
                    &mut graph,
                    format!("clusterrole/{name}"),
                    NodeKind::Role,
                    format!("ClusterRole {name}"),
                    false,
                )
                .lines = lines;
            }
            K8sObject::ConfigMap(c) => {
                let name = c.metadata.name.clone().unwrap_or_default();
                add_node(
                    &mut graph,
                    format!("configmap/{name}"),
                    NodeKind::ConfigMap,
                    format!("ConfigMap {name}"),
                    false,
                );
            }
            K8sObject::RoleBinding(b) => {
                let binding = b.metadata.name.clone().unwrap_or_default();
                binding_edges(&mut graph, &binding, &b.role_ref, b.subjects.as_deref().unwrap_or_default());
            }
            K8sObject::ClusterRoleBinding(b) => {
                let binding = b.metadata.name.clone().unwrap_or_default();
                binding_edges(&mut graph, &binding, &b.role_ref, b.subjects.as_deref().unwrap_or_default());
            }
            K8sObject::SparkApplication(app) => super::spark::application(&mut graph, app),
            _ => {}
        }
    }
    // Edges may name objects the program does not have (a ServiceAccount of the cluster).
    let known: std::collections::HashSet<String> = graph.nodes.iter().map(|n| n.id.clone()).collect();
    let mut missing: Vec<String> =
        graph.edges.iter().flat_map(|e| [e.from.clone(), e.to.clone()]).filter(|t| !known.contains(t)).collect();
    missing.sort();
    missing.dedup();
    for id in missing {
        let (kind, name) = id.split_once('/').unwrap_or(("", &id));
        let (node_kind, title) = match kind {
            "serviceaccount" => (NodeKind::ServiceAccount, format!("ServiceAccount {name}")),
            "clusterrole" => (NodeKind::Role, format!("ClusterRole {name}")),
            "role" => (NodeKind::Role, format!("Role {name}")),
            _ => (NodeKind::ConfigMap, format!("ConfigMap {name}")),
        };
        let node = add_node(&mut graph, id.clone(), node_kind, title, true);
        node.lines.push("not in the program".into());
    }
    graph.edges.sort();
    graph.edges.dedup();
    graph
}

pub(super) fn add_node(graph: &mut Graph, id: String, kind: NodeKind, title: String, external: bool) -> &mut Node {
    graph.nodes.push(Node { id, kind, title, lines: Vec::new(), group: None, external, pipeline: None });
    graph.nodes.last_mut().expect("just pushed")
}

/// The workloads of an object: one for a built-in workload kind, one per replicated Job of a
/// JobSet (its Jobs are made by the JobSet controller), none for others.
pub(super) fn workloads(object: &K8sObject) -> Vec<Workload<'_>> {
    let K8sObject::JobSet(set) = object else { return workload(object).into_iter().collect() };
    let name = object.name();
    set.spec
        .replicated_jobs
        .iter()
        .filter_map(|rj| {
            let spec = rj.template.spec.as_ref()?;
            let replicas = i64::from(rj.replicas.unwrap_or(1));
            let (pods, line) = job_pods(spec);
            let (pods, line) = match replicas {
                1 => (pods, line),
                n => (pods * n, format!("{n} Jobs × {line}")),
            };
            Some(Workload {
                id: format!("jobset/{name}/{}", rj.name),
                title: format!("JobSet {name} · {}", rj.name),
                template: &spec.template,
                peak_pods: Some(pods),
                count_line: line,
            })
        })
        .collect()
}

/// A Job's pods at once, and the line that says so.
fn job_pods(spec: &k8s_openapi::api::batch::v1::JobSpec) -> (i64, String) {
    let parallelism = i64::from(spec.parallelism.unwrap_or(1));
    let pods = match spec.completions {
        Some(c) => parallelism.min(i64::from(c)),
        None => parallelism,
    };
    let mut line = plural(pods, "pod");
    if let Some(c) = spec.completions.filter(|c| i64::from(*c) != pods) {
        line.push_str(&format!(" at a time, {c} completions"));
    }
    if spec.completion_mode.as_deref() == Some("Indexed") {
        line.push_str(" (indexed)");
    }
    (pods, line)
}

fn plural(n: i64, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

pub(super) fn workload(object: &K8sObject) -> Option<Workload<'_>> {
    Some(match object {
        K8sObject::Job(j) => {
            let spec = j.spec.as_ref()?;
            let (pods, line) = job_pods(spec);
            Workload {
                id: format!("job/{}", object.name()),
                title: format!("Job {}", object.name()),
                template: &spec.template,
                peak_pods: Some(pods),
                count_line: line,
            }
        }
        K8sObject::CronJob(c) => {
            let spec = &c.spec;
            let job = spec.job_template.spec.as_ref()?;
            let pods = i64::from(job.parallelism.unwrap_or(1));
            let overlap = match spec.concurrency_policy.as_deref() {
                Some("Forbid") | Some("Replace") => "",
                _ => ", runs may overlap",
            };
            let line = format!("{} per run, schedule {}{overlap}", plural(pods, "pod"), spec.schedule);
            Workload {
                id: format!("cronjob/{}", object.name()),
                title: format!("CronJob {}", object.name()),
                template: &job.template,
                peak_pods: Some(pods),
                count_line: line,
            }
        }
        K8sObject::Deployment(d) => {
            let spec = &d.spec;
            let replicas = i64::from(spec.replicas.unwrap_or(1));
            let surge = match spec.strategy.as_ref().and_then(|s| s.type_.as_deref()) {
                Some("Recreate") => 0,
                _ => surge(
                    replicas,
                    spec.strategy.as_ref().and_then(|s| s.rolling_update.as_ref()).and_then(|r| r.max_surge.as_ref()),
                ),
            };
            let mut line = plural(replicas, "replica");
            if surge > 0 {
                line.push_str(&format!(", +{surge} while rolling out"));
            }
            Workload {
                id: format!("deployment/{}", object.name()),
                title: format!("Deployment {}", object.name()),
                template: &spec.template,
                peak_pods: Some(replicas + surge),
                count_line: line,
            }
        }
        K8sObject::DaemonSet(d) => {
            let spec = &d.spec;
            Workload {
                id: format!("daemonset/{}", object.name()),
                title: format!("DaemonSet {}", object.name()),
                template: &spec.template,
                peak_pods: None,
                count_line: "1 pod per node".into(),
            }
        }
        _ => return None,
    })
}

/// Extra pods during a rolling update: `maxSurge` (default 25 %, rounded up).
fn surge(replicas: i64, max_surge: Option<&k8s_openapi::apimachinery::pkg::util::intstr::IntOrString>) -> i64 {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    match max_surge {
        Some(IntOrString::Int(n)) => i64::from(*n),
        Some(IntOrString::String(p)) => {
            let percent: i64 = p.trim_end_matches('%').parse().unwrap_or(25);
            (replicas * percent + 99) / 100
        }
        None => (replicas * 25 + 99) / 100,
    }
}

/// The ServiceAccount a pod runs as, the ConfigMaps it reads, the Services it is told about.
fn pod_edges(graph: &mut Graph, from: &str, spec: &PodSpec, objects: &[K8sObject]) {
    let mut edge =
        |to: String, kind: EdgeKind, note: String| graph.edges.push(Edge { from: from.to_string(), to, kind, note });
    if let Some(account) = spec.service_account_name.as_deref().filter(|a| *a != "default") {
        edge(format!("serviceaccount/{account}"), EdgeKind::RunsAs, String::new());
    }
    for volume in spec.volumes.iter().flatten() {
        if let Some(name) = volume.config_map.as_ref().map(|c| c.name.clone()) {
            edge(format!("configmap/{name}"), EdgeKind::Reads, format!("volume {}", volume.name));
        }
    }
    let containers = spec.containers.iter().chain(spec.init_containers.iter().flatten());
    let mut env_text: Vec<&str> = Vec::new();
    let mut arg_text: Vec<&str> = Vec::new();
    for c in containers {
        for from in c.env_from.iter().flatten() {
            if let Some(name) = from.config_map_ref.as_ref().map(|r| r.name.clone()) {
                edge(format!("configmap/{name}"), EdgeKind::Reads, "env".into());
            }
        }
        for var in c.env.iter().flatten() {
            env_text.extend(var.value.as_deref());
            if let Some(name) =
                var.value_from.as_ref().and_then(|v| v.config_map_key_ref.as_ref()).map(|r| r.name.clone())
            {
                edge(format!("configmap/{name}"), EdgeKind::Reads, format!("env {}", var.name));
            }
        }
        arg_text.extend(c.args.iter().flatten().map(String::as_str));
        arg_text.extend(c.command.iter().flatten().map(String::as_str));
    }
    for object in objects {
        let K8sObject::Service(_) = object else { continue };
        let name = object.name();
        let named = env_text.iter().any(|t| names_service(t, name, true))
            || arg_text.iter().any(|t| names_service(t, name, false));
        if named {
            edge(format!("service/{name}"), EdgeKind::Reaches, String::new());
        }
    }
}

/// Whether `text` holds the DNS name of Service `service`: `svc.ns…`, or a pod's name
/// under it (`host.svc.ns…`); in an env value also the bare name (`REDIS_HOST=redis`).
fn names_service(text: &str, service: &str, bare_counts: bool) -> bool {
    let is_host_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    text.split(|c: char| !is_host_char(c)).any(|token| {
        (bare_counts && token == service)
            || token.starts_with(&format!("{service}."))
            || token.contains(&format!(".{service}."))
    })
}

fn service(
    graph: &mut Graph,
    s: &k8s_openapi::api::core::v1::Service,
    workloads: &[(Workload, Option<usize>)],
    group_of: &mut impl FnMut(Option<&BTreeMap<String, String>>, &mut Graph) -> Option<usize>,
) {
    let name = s.metadata.name.clone().unwrap_or_default();
    let spec = s.spec.as_ref();
    let headless = spec.and_then(|s| s.cluster_ip.as_deref()) == Some("None");
    let ports: Vec<String> = spec
        .and_then(|s| s.ports.as_ref())
        .into_iter()
        .flatten()
        .map(|p| match &p.name {
            Some(n) => format!("{n} {}", p.port),
            None => p.port.to_string(),
        })
        .collect();
    let id = format!("service/{name}");
    // A group's headless Service selects the group's pods by the group label.
    let group = group_of(s.metadata.labels.as_ref(), graph)
        .or_else(|| group_of(s.spec.as_ref().and_then(|s| s.selector.as_ref()), graph));
    let node = add_node(graph, id.clone(), NodeKind::Service, format!("Service {name}"), false);
    node.group = group;
    if headless {
        node.lines.push("headless".into());
    }
    if !ports.is_empty() {
        node.lines.push(format!("ports {}", ports.join(", ")));
    }
    let Some(selector) = spec.and_then(|s| s.selector.as_ref()).filter(|s| !s.is_empty()) else { return };
    for (w, _) in workloads {
        let labels = w.template.metadata.as_ref().and_then(|m| m.labels.as_ref());
        let selected = selector.iter().all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v));
        if selected {
            graph.edges.push(Edge { from: id.clone(), to: w.id.clone(), kind: EdgeKind::Selects, note: String::new() });
        }
    }
}

/// `pods: create, delete` per rule (at most three lines).
fn rules(rules: &[k8s_openapi::api::rbac::v1::PolicyRule]) -> Vec<String> {
    let mut lines: Vec<String> = rules
        .iter()
        .map(|r| {
            let what = r.resources.clone().or_else(|| r.non_resource_urls.clone()).unwrap_or_default().join(", ");
            format!("{what}: {}", r.verbs.join(", "))
        })
        .collect();
    if lines.len() > 3 {
        let more = lines.len() - 2;
        lines.truncate(2);
        lines.push(format!("… {more} more rules"));
    }
    lines
}

fn binding_edges(
    graph: &mut Graph,
    binding: &str,
    role: &k8s_openapi::api::rbac::v1::RoleRef,
    subjects: &[k8s_openapi::api::rbac::v1::Subject],
) {
    let role_id = format!("{}/{}", role.kind.to_ascii_lowercase(), role.name);
    // A binding named as its role says nothing more.
    let note = if binding == role.name { String::new() } else { binding.to_string() };
    for subject in subjects.iter().filter(|s| s.kind == "ServiceAccount") {
        graph.edges.push(Edge {
            from: format!("serviceaccount/{}", subject.name),
            to: role_id.clone(),
            kind: EdgeKind::BoundTo,
            note: note.clone(),
        });
    }
}
