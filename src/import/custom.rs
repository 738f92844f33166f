//! Custom resources of operators a team moves off (a Kubeflow TFJob, …) back to the item
//! that does their work without the operator: each reader (`tfjob.rs`) says, field by
//! field, where the item's keys mean the same, warns where they do not (P0709: the field,
//! and what the item does instead), and keeps the whole object aside where the item cannot
//! write it at all (P0710, naming the construct) — never a silently different workload.

use super::Refs;
use super::objects::strip_own_labels;
use super::pipe::{Entry, Item};
use super::reverse::{map_at, rows};
use super::server::LeftOut;
use super::yaml::{Node, NodeKind};
use crate::diag::{Code, Diagnostic};
use crate::kinds::Kind;
use crate::schema::Contexts;
use crate::source::Span;
use serde_json::{Map, Value};

/// A custom resource converted into an item.
pub(super) struct Custom {
    pub item: Item,
    pub namespace: Option<String>,
    /// What its pods name (configs, secrets), and another tool's `managed-by`.
    pub refs: Refs,
    /// `TFJob/mnist`.
    pub what: String,
    /// Where its `kind` is written (for the namespace warning).
    pub span: Span,
    /// What behaves otherwise than under the operator (the P0709 warnings), for the summary.
    pub differs: Vec<String>,
    /// The `pipec build` option that gives the custom resource again (`--target argo`).
    pub build: Option<String>,
}

/// The objects an item makes beside its own (a pipeline's account, a `spark`'s driver Role),
/// each with the label that says pipec made it: imported with the item, they are left out.
pub(super) fn made_beside(item: &Item) -> Vec<(Kind, String, (&'static str, String))> {
    let name = item.name.clone();
    match item.keyword.as_str() {
        "pipeline" => {
            let account = super::argo::own_account(&name);
            let label = ("pipec.dev/pipeline", name);
            [Kind::ServiceAccount, Kind::Role, Kind::RoleBinding]
                .into_iter()
                .map(|k| (k, account.clone(), label.clone()))
                .collect()
        }
        "spark" => {
            let by_pipec = (crate::lower::meta::MANAGED_BY.0, crate::lower::meta::MANAGED_BY.1.to_string());
            let account = item
                .body
                .iter()
                .flatten()
                .find_map(|e| match e {
                    super::pipe::Entry::Set(k, super::pipe::Expr::Str(a)) if k == "service-account" => Some(a.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| name.clone());
            let driver = super::spark::driver_objects(&name);
            vec![
                (Kind::ServiceAccount, account, by_pipec.clone()),
                (Kind::Role, driver.clone(), by_pipec.clone()),
                (Kind::RoleBinding, driver, by_pipec),
            ]
        }
        _ => Vec::new(),
    }
}

/// A custom resource pipec has a reader for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CustomKind {
    TfJob,
    Workflow,
    CronWorkflow,
    SparkApplication,
    JobSet,
}

/// The reader of `node`'s kind, if pipec has one (by `apiVersion` and `kind` together).
pub(super) fn recognize(node: &Node) -> Option<CustomKind> {
    let field = |k: &str| node.get(k).and_then(Node::as_str);
    match (field("apiVersion")?, field("kind")?) {
        ("kubeflow.org/v1", "TFJob") => Some(CustomKind::TfJob),
        ("argoproj.io/v1alpha1", "Workflow") => Some(CustomKind::Workflow),
        ("argoproj.io/v1alpha1", "CronWorkflow") => Some(CustomKind::CronWorkflow),
        ("sparkoperator.k8s.io/v1beta2", "SparkApplication") => Some(CustomKind::SparkApplication),
        ("jobset.x-k8s.io/v1alpha2", "JobSet") => Some(CustomKind::JobSet),
        _ => None,
    }
}

/// The top of a custom resource as every reader takes it.
pub(super) struct Opened {
    /// The object without `apiVersion`, `kind`, server-generated identity, and its metadata's
    /// `name`, `namespace` and the fields read into the item's keys.
    pub object: Map<String, Value>,
    pub namespace: Option<String>,
    /// pipec's own labels noted (another tool's `managed-by`).
    pub refs: Refs,
}

/// Opens the custom resource `node` (`what`: `TFJob/mnist`): its metadata's item keys
/// (`labels`, `annotations`) read in context `ctx` into `own`, after `before_rows` had its
/// say on the metadata (a reader's own labels and fields); a top-level field other than
/// `metadata` and `spec` keeps it aside.
pub(super) fn open(
    node: &Node,
    what: &str,
    ctx: Contexts,
    own: &mut Vec<Entry>,
    left_out: &mut LeftOut,
    before_rows: impl FnOnce(&mut Map<String, Value>),
) -> Result<Opened, Aside> {
    let Value::Object(mut object) = node.to_json() else {
        return Err(Box::new(construct(node, &[], what, "not a map", "write it as a map")));
    };
    object.remove("apiVersion");
    object.remove("kind");
    super::server::custom_identity(&mut object, left_out);
    let mut refs = Refs::default();
    let mut namespace = None;
    if let Some(meta) = map_at(&mut object, &["metadata"]) {
        meta.remove("name");
        namespace = meta.remove("namespace").and_then(|v| v.as_str().map(String::from));
        strip_own_labels(meta, &mut refs);
        before_rows(meta);
        rows(meta, "ObjectMeta", ctx, own);
    }
    if let Some(k) = object.keys().find(|k| *k != "metadata" && *k != "spec") {
        let kind = what.split('/').next().unwrap_or(what);
        let c = format!("`{k}` is not a field of a {kind}");
        return Err(Box::new(construct(node, &[k], what, &c, &format!("check it against the {kind} CRD"))));
    }
    Ok(Opened { object, namespace, refs })
}

/// The one diagnostic that keeps an object aside.
pub(super) type Aside = Box<Diagnostic>;
/// What a reader makes of a custom resource: the item, its namespace, what its pods name.
pub(super) type Read = (Item, Option<String>, Refs);

/// The item of a custom resource, or `Err(what)` when it is kept aside (the diagnostics say why).
pub(super) fn convert(
    kind: CustomKind,
    node: &Node,
    diags: &mut Vec<Diagnostic>,
    left_out: &mut LeftOut,
) -> Result<Custom, String> {
    let named = node.at(&["metadata", "name"]).and_then(Node::as_str);
    // A Workflow may be named by `generateName` only (what Argo puts before its suffix).
    let generated = node.at(&["metadata", "generateName"]).and_then(Node::as_str).map(|n| n.trim_end_matches('-'));
    let (word, name, build) = match kind {
        CustomKind::TfJob => ("TFJob", named, None),
        CustomKind::Workflow => ("Workflow", named.or(generated), Some("--target argo")),
        CustomKind::CronWorkflow => ("CronWorkflow", named.or(generated), Some("--target argo")),
        CustomKind::SparkApplication => ("SparkApplication", named, Some("--target spark-operator")),
        CustomKind::JobSet => ("JobSet", named, Some("--target jobset")),
    };
    let span = node.get("kind").map_or(node.span, |k| k.span);
    let Some(name) = name else {
        let or_generated = if matches!(kind, CustomKind::Workflow | CustomKind::CronWorkflow) {
            " (or `generateName: …-`)"
        } else {
            ""
        };
        diags.push(
            Diagnostic::error(Code::ImportObject, span, format!("this {word} has no `metadata.name`"))
                .label("no name")
                .help(format!("give it a name: `metadata: {{ name: … }}`{or_generated}")),
        );
        return Err(format!("{word}/?"));
    };
    let what = format!("{word}/{name}");
    let mut warnings = Vec::new();
    let read = match kind {
        CustomKind::TfJob => super::tfjob::group(node, name, &what, &mut warnings, left_out),
        CustomKind::Workflow => super::argo::pipeline(false, node, name, &what, &mut warnings, left_out),
        CustomKind::CronWorkflow => super::argo::pipeline(true, node, name, &what, &mut warnings, left_out),
        CustomKind::SparkApplication => super::spark::spark(node, name, &what, left_out),
        CustomKind::JobSet => super::jobset::group(node, name, &what, &mut warnings, left_out),
    };
    match read {
        Ok((item, namespace, refs)) => {
            // The field each warning names: its message starts with it (`runPolicy.backoffLimit: 3`).
            let differs = warnings.iter().filter_map(|d| d.message.split('`').nth(1).map(String::from)).collect();
            diags.extend(warnings);
            Ok(Custom { item, namespace, refs, what, span, differs, build: build.map(String::from) })
        }
        Err(d) => {
            diags.push(*d);
            Err(what)
        }
    }
}

/// Where the field at `path` is written (its key), else its parent's, else the object's `kind`.
/// A segment that is a number is an item of a list (`["spec", "templates", "0", "dag"]`).
pub(super) fn span_of(node: &Node, path: &[&str]) -> Span {
    for n in (1..=path.len()).rev() {
        let Some(parent) = walk(node, &path[..n - 1]) else { continue };
        let key = path[n - 1];
        if let Some((k, _)) = parent.entry(key) {
            return k.span;
        }
        if let (NodeKind::Seq(items), Ok(i)) = (&parent.kind, key.parse::<usize>())
            && let Some(item) = items.get(i)
        {
            return item.span;
        }
    }
    node.get("kind").map_or(node.span, |k| k.span)
}

fn walk<'n>(node: &'n Node, path: &[&str]) -> Option<&'n Node> {
    path.iter().try_fold(node, |n, seg| match (&n.kind, seg.parse::<usize>()) {
        (NodeKind::Seq(items), Ok(i)) => items.get(i),
        _ => n.get(seg),
    })
}

/// P0710: the object is kept aside because of `construct` (at `path`).
pub(super) fn construct(node: &Node, path: &[&str], what: &str, construct: &str, help: &str) -> Diagnostic {
    Diagnostic::warning(Code::ImportConstruct, span_of(node, path), format!("{what} is kept aside: {construct}"))
        .label("kept aside, unchanged")
        .help(format!("{help}; the object is written as it is beside the program (`-o`: a `.rest.yaml` file)"))
}

/// P0709: the field at `path` is imported as `instead`, which does not mean quite the same.
pub(super) fn meaning(node: &Node, path: &[&str], field: &str, instead: &str, help: &str) -> Diagnostic {
    Diagnostic::warning(Code::ImportMeaning, span_of(node, path), format!("`{field}`: {instead}"))
        .label("not the same behaviour")
        .help(help.to_string())
}

/// The first field of `input` (not null, not empty) that `back` lacks: what a typed
/// round trip dropped (an unknown field), as a dotted path below `at`.
pub(super) fn dropped(input: &serde_json::Value, back: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    match (input, back) {
        (Value::Object(a), Value::Object(b)) => a.iter().find_map(|(k, v)| {
            let path = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
            match b.get(k) {
                Some(w) => dropped(v, w, &path),
                None if !super::reverse::is_empty(v) && !matches!(v, Value::Array(x) if x.is_empty()) => Some(path),
                None => None,
            }
        }),
        (Value::Array(a), Value::Array(b)) => {
            a.iter().zip(b).enumerate().find_map(|(i, (v, w))| dropped(v, w, &format!("{at}[{i}]")))
        }
        _ => None,
    }
}
