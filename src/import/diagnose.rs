//! What is wrong with a YAML document, said in its terms and where it was written: a kind
//! Kubernetes does not have (with the one probably meant), a removed API version, a field
//! its type does not have — and where that field belongs, found by trying it at each
//! level of the object's own type (through k8s-openapi, so no list of fields is kept
//! here) —, and an indentation that broke the YAML, with the fix it probably needed.

use super::yaml::{self, Node, NodeKind};
use crate::diag::{Code, Diagnostic, closest};
use crate::kinds::{K8sObject, Kind};
use crate::source::{FileId, Span};
use serde_json::{Map, Value};

pub enum Found {
    Object {
        kind: Kind,
        name: String,
        namespace: Option<String>,
        object: Map<String, Value>,
    },
    /// A kind pipec has no item for: kept aside as written (`Kind/name`).
    Aside(String),
    Broken,
}

/// API versions a kind had before its current one (imported as the current one, with a note).
const OLD_VERSIONS: &[(&str, &[&str])] = &[
    ("CronJob", &["batch/v1beta1", "batch/v2alpha1"]),
    ("DaemonSet", &["extensions/v1beta1", "apps/v1beta2"]),
    ("Deployment", &["extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"]),
    ("Role", &["rbac.authorization.k8s.io/v1beta1"]),
    ("ClusterRole", &["rbac.authorization.k8s.io/v1beta1"]),
    ("RoleBinding", &["rbac.authorization.k8s.io/v1beta1"]),
    ("ClusterRoleBinding", &["rbac.authorization.k8s.io/v1beta1"]),
];

/// Reads one document as an object of a kind pipec models, reporting what is wrong.
pub fn object(node: &Node, diags: &mut Vec<Diagnostic>) -> Found {
    let head = Span { end: node.span.start.min(node.span.end), ..node.span };
    let NodeKind::Map(_) = &node.kind else {
        diags.push(
            Diagnostic::error(Code::ImportObject, node.span, "this document is not a Kubernetes object")
                .label("not a map")
                .help("each document is an object: `apiVersion`, `kind`, `metadata`, and its fields"),
        );
        return Found::Broken;
    };
    let name_node = node.at(&["metadata", "name"]).or_else(|| node.at(&["metadata", "generateName"]));
    let name = name_node
        .and_then(Node::as_str)
        .map(|n| n.strip_suffix('-').filter(|_| node.at(&["metadata", "name"]).is_none()).unwrap_or(n).to_string());
    let Some((kind_key, kind_node)) = node.entry("kind") else {
        diags.push(
            Diagnostic::error(Code::ImportObject, head, "this document has no `kind`")
                .label("no `kind`")
                .help("say what the object is: `kind: Job` (and `apiVersion: batch/v1`)"),
        );
        return Found::Broken;
    };
    let _ = kind_key;
    let text = kind_node.as_str().unwrap_or("");
    let known = Kind::ALL.iter().copied().find(|k| k.as_str() == text);
    if let Some(kind) = known.filter(|k| !super::objects::importable(*k)) {
        let what = format!("{text}/{}", name.as_deref().unwrap_or("?"));
        diags.push(
            Diagnostic::warning(Code::ImportAside, kind_node.span, format!("`pipec import` does not convert `{kind}` objects yet"))
                .label("kept aside, unchanged")
                .help("the document is written as it is beside the program (`-o`: a `.rest.yaml` file): apply it with pipec's output"),
        );
        return Found::Aside(what);
    }
    let Some(kind) = known else {
        let names = Kind::ALL.iter().map(|k| k.as_str());
        if let Some(best) = closest(text, names) {
            let api = Kind::ALL.iter().find(|k| k.as_str() == best).map_or("", |k| k.api_version());
            diags.push(
                Diagnostic::error(Code::ImportKind, kind_node.span, format!("`{text}` is not a Kubernetes kind"))
                    .label(format!("did you mean `{best}`?"))
                    .help(format!(
                        "kinds are singular and in CamelCase: `kind: {best}` (with `apiVersion: {api}`); the API server rejects `{text}`"
                    )),
            );
            return Found::Broken;
        }
        let what = format!("{text}/{}", name.as_deref().unwrap_or("?"));
        diags.push(
            Diagnostic::warning(Code::ImportAside, kind_node.span, format!("pipec has no item for `{text}` objects"))
                .label("kept aside, unchanged")
                .help("the document is written as it is beside the program (`-o`: a `.rest.yaml` file): apply it with pipec's output"),
        );
        return Found::Aside(what);
    };
    let api = node.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    if api != kind.api_version() {
        let span = node.get("apiVersion").map_or(kind_node.span, |n| n.span);
        let old = OLD_VERSIONS.iter().any(|(k, vs)| *k == kind.as_str() && vs.contains(&api));
        let d = if old {
            Diagnostic::warning(
                Code::ImportApiVersion,
                span,
                format!("`{api}` {} was removed from Kubernetes: imported as `{}`", kind.as_str(), kind.api_version()),
            )
            .label("a removed API version")
            .help(format!("the fields are the same; `pipec build` emits `{}`", kind.api_version()))
        } else {
            Diagnostic::error(
                Code::ImportApiVersion,
                span,
                format!("a {} is `apiVersion: {}`, not `{api}`", kind, kind.api_version()),
            )
            .label("not an API version of this kind")
            .help(format!("write `apiVersion: {}`", kind.api_version()))
        };
        let error = d.is_error();
        diags.push(d);
        if error {
            return Found::Broken;
        }
    }
    let Some(name) = name else {
        diags.push(
            Diagnostic::error(Code::ImportObject, kind_node.span, format!("this {kind} has no `metadata.name`"))
                .label("no name")
                .help("give it a name: `metadata: { name: … }`"),
        );
        return Found::Broken;
    };
    let mut json = node.to_json();
    if let Some(m) = json.as_object_mut() {
        m.insert("apiVersion".into(), Value::from(kind.api_version()));
    }
    if !fields(kind, node, &json, diags) {
        return Found::Broken;
    }
    let namespace = node.at(&["metadata", "namespace"]).and_then(Node::as_str).map(String::from);
    let Value::Object(mut object) = json else { return Found::Broken };
    super::strip_identity(&mut object);
    Found::Object { kind, name, namespace, object }
}

/// The levels of each kind's object, with their Kubernetes type (where a field may belong).
pub(super) fn levels(kind: Kind) -> &'static [(&'static str, &'static str)] {
    match kind {
        Kind::Job => &[
            ("metadata", "ObjectMeta"),
            ("spec", "JobSpec"),
            ("spec.template", "PodTemplateSpec"),
            ("spec.template.metadata", "ObjectMeta"),
            ("spec.template.spec", "PodSpec"),
            ("spec.template.spec.containers[0]", "Container"),
        ],
        Kind::CronJob => &[
            ("metadata", "ObjectMeta"),
            ("spec", "CronJobSpec"),
            ("spec.jobTemplate", "JobTemplateSpec"),
            ("spec.jobTemplate.spec", "JobSpec"),
            ("spec.jobTemplate.spec.template", "PodTemplateSpec"),
            ("spec.jobTemplate.spec.template.spec", "PodSpec"),
            ("spec.jobTemplate.spec.template.spec.containers[0]", "Container"),
        ],
        Kind::DaemonSet => &[
            ("metadata", "ObjectMeta"),
            ("spec", "DaemonSetSpec"),
            ("spec.template", "PodTemplateSpec"),
            ("spec.template.metadata", "ObjectMeta"),
            ("spec.template.spec", "PodSpec"),
            ("spec.template.spec.containers[0]", "Container"),
        ],
        Kind::Deployment => &[
            ("metadata", "ObjectMeta"),
            ("spec", "DeploymentSpec"),
            ("spec.template", "PodTemplateSpec"),
            ("spec.template.metadata", "ObjectMeta"),
            ("spec.template.spec", "PodSpec"),
            ("spec.template.spec.containers[0]", "Container"),
        ],
        Kind::Service => &[("metadata", "ObjectMeta"), ("spec", "ServiceSpec")],
        _ => &[("metadata", "ObjectMeta")],
    }
}

/// A step of a path into an object.
#[derive(Clone, Debug, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn dotted(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if s.is_empty() => s.push_str(k),
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Checks the object against its k8s-openapi type: a value of the wrong type, and every
/// field the type does not have (k8s-openapi drops it on the way through). `false` on error.
fn fields(kind: Kind, node: &Node, json: &Value, diags: &mut Vec<Diagnostic>) -> bool {
    let back = match roundtrip(kind, json) {
        Ok(v) => v,
        Err(e) => {
            // `invalid type: string "many", expected i32`: the value is shown where it was written.
            let (span, label) = match culprit(&e).and_then(|text| find_scalar(node, &text)) {
                Some((span, key)) => (span, format!("`{key}` cannot take this value")),
                None => (node.get("kind").map_or(node.span, |k| k.span), "in this object".to_string()),
            };
            diags.push(
                Diagnostic::error(Code::ImportInvalid, span, format!("this is not a valid {kind}: {e}"))
                    .label(label)
                    .help(format!("give the field the type the Kubernetes API reference of {kind} says")),
            );
            return false;
        }
    };
    let mut unknown = Vec::new();
    dropped(json, &back, &mut Vec::new(), &mut unknown);
    for path in &unknown {
        let (parent, Some(Seg::Key(field))) = (&path[..path.len() - 1], path.last()) else { continue };
        let at = dotted(parent);
        let generic = at.replace(|c: char| c.is_ascii_digit(), "0");
        let ty = levels(kind).iter().find(|(p, _)| *p == generic).map(|(_, t)| *t);
        let span = node_at(node, path).map_or(node.span, |(k, _)| k);
        let value = pointer(json, path).cloned().unwrap_or(Value::Null);
        let place = if at.is_empty() { format!("the {kind}") } else { format!("`{at}`") };
        let of = ty.map_or(place.clone(), |t| format!("{t} ({place})"));
        let belongs =
            levels(kind).iter().map(|(p, _)| *p).find(|p| *p != generic && fits(kind, json, p, field, &value));
        let (label, help) = match belongs {
            Some(p) => (
                format!("belongs under `{p}`"),
                format!("`{field}` is a field of `{p}`{}: move it there (indent it under that key)", ty_of(kind, p)),
            ),
            None => {
                let known: Vec<&str> = ty
                    .map(|t| {
                        crate::schema::all()
                            .filter(|k| k.k8s_type == t)
                            .filter_map(|k| k.path.first().copied())
                            .collect()
                    })
                    .unwrap_or_default();
                match closest(field, known.iter().copied()) {
                    Some(best) => ("not a field here".to_string(), format!("did you mean `{best}`?")),
                    None => (
                        "not a field here".to_string(),
                        format!("check the spelling against the API reference of {}", ty.unwrap_or(kind.as_str())),
                    ),
                }
            }
        };
        diags.push(
            Diagnostic::error(Code::ImportField, span, format!("`{field}` is not a field of {of}"))
                .label(label)
                .help(help),
        );
    }
    unknown.is_empty()
}

/// The value a serde type error quotes (`string "many"`, ``integer `-1` ``).
fn culprit(error: &str) -> Option<String> {
    let rest = error.split_once("invalid type: ").or_else(|| error.split_once("invalid value: "))?.1;
    if let Some(quoted) = rest.strip_prefix("string \"") {
        return quoted.split_once('"').map(|(v, _)| v.to_string());
    }
    let (_, value) = rest.split_once('`')?;
    value.split_once('`').map(|(v, _)| v.to_string())
}

/// The first scalar written as `text`, and the key it is the value of.
fn find_scalar(node: &Node, text: &str) -> Option<(Span, String)> {
    match &node.kind {
        NodeKind::Scalar { .. } => None,
        NodeKind::Seq(items) => items.iter().find_map(|n| find_scalar(n, text)),
        NodeKind::Map(entries) => entries.iter().find_map(|(k, v)| match &v.kind {
            NodeKind::Scalar { text: t, .. } if t == text => Some((v.span, k.text.clone())),
            _ => find_scalar(v, text),
        }),
    }
}

fn ty_of(kind: Kind, path: &str) -> String {
    levels(kind).iter().find(|(p, _)| *p == path).map_or(String::new(), |(_, t)| format!(" ({t})"))
}

fn roundtrip(kind: Kind, json: &Value) -> Result<Value, String> {
    let object = K8sObject::deserialize_as(kind, json).map_err(|e| e.to_string())?;
    serde_json::to_value(&object).map_err(|e| e.to_string())
}

/// Paths of the fields of `input` (not null) that `back` lacks.
fn dropped(input: &Value, back: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match (input, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                at.push(Seg::Key(k.clone()));
                match b.get(k) {
                    Some(w) => dropped(v, w, at, out),
                    None if !v.is_null()
                        && !matches!(v, Value::Array(x) if x.is_empty())
                        && !matches!(v, Value::Object(x) if x.is_empty()) =>
                    {
                        out.push(at.clone())
                    }
                    None => {}
                }
                at.pop();
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                at.push(Seg::Index(i));
                dropped(v, w, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// Whether `field: value` placed at `level` stays in the object (the type has it there).
fn fits(kind: Kind, json: &Value, level: &str, field: &str, value: &Value) -> bool {
    let mut trial = json.clone();
    let Some(at) = pointer_mut(&mut trial, level) else { return false };
    let Some(m) = at.as_object_mut() else { return false };
    if m.contains_key(field) {
        return false;
    }
    m.insert(field.to_string(), value.clone());
    roundtrip(kind, &trial)
        .ok()
        .and_then(|back| pointer(&back, &parse_dotted(level)).and_then(|v| v.get(field)).cloned())
        .is_some()
}

fn parse_dotted(level: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in level.split('.') {
        match part.split_once('[') {
            Some((k, i)) => {
                out.push(Seg::Key(k.into()));
                out.push(Seg::Index(i.trim_end_matches(']').parse().unwrap_or(0)));
            }
            None => out.push(Seg::Key(part.into())),
        }
    }
    out
}

fn pointer<'v>(v: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, seg| match seg {
        Seg::Key(k) => v.get(k),
        Seg::Index(i) => v.get(i),
    })
}

fn pointer_mut<'v>(v: &'v mut Value, level: &str) -> Option<&'v mut Value> {
    parse_dotted(level).iter().try_fold(v, |v, seg| match seg {
        Seg::Key(k) => v.get_mut(k),
        Seg::Index(i) => v.get_mut(*i),
    })
}

/// The key span and the value node at a path of the YAML tree.
fn node_at<'n>(node: &'n Node, path: &[Seg]) -> Option<(Span, &'n Node)> {
    let mut at = node;
    let mut key = node.span;
    for seg in path {
        match (seg, &at.kind) {
            (Seg::Key(k), NodeKind::Map(_)) => {
                let (kk, v) = at.entry(k)?;
                key = kk.span;
                at = v;
            }
            (Seg::Index(i), NodeKind::Seq(items)) => {
                at = items.get(*i)?;
                key = at.span;
            }
            _ => return None,
        }
    }
    Some((key, at))
}

/// A YAML file that does not parse: when the cause is a key indented under a line that
/// already has a value, says which key it probably belongs to, and reads the file with
/// that fixed (so that the rest of it is checked too). Otherwise the parser's own message.
pub fn recover(file: FileId, text: &str, error: yaml::ParseError) -> (Diagnostic, Option<Vec<Node>>) {
    let lines: Vec<(usize, &str)> = line_starts(text);
    let Some(fix) = find_misindent(&lines) else { return (*error.diagnostic, None) };
    let (q, p, o, moved) = (fix.parent, fix.valued, fix.child, &fix.moved);
    let key = |i: usize| {
        let (start, line) = lines[i];
        let indent = indent(line);
        let name = content(line).trim_start().split(':').next().unwrap_or("").trim_end();
        (Span::new(file, start + indent, start + indent + name.len()), name.to_string())
    };
    let (o_span, o_name) = key(o);
    let (q_span, q_name) = key(q);
    let (_, p_name) = key(p);
    let moved_names: Vec<String> = moved.iter().map(|&i| format!("`{}`", key(i).1)).collect();
    let mut d = Diagnostic::error(
        Code::ImportIndent,
        o_span,
        format!("`{o_name}` is indented under `{p_name}`, which already has a value"),
    )
    .label(format!("probably meant under `{q_name}`"))
    .secondary(q_span, format!("`{q_name}:` has no value: `{o_name}` belongs here"));
    for &i in moved {
        d = d.secondary(key(i).0, "written between them");
    }
    // The key that holds `q` and the moved lines: what they are fields of.
    let depth = indent(lines[q].1);
    let holder =
        (0..q).rev().find(|&i| !content(lines[i].1).trim().is_empty() && indent(lines[i].1) < depth).map(|i| key(i).1);
    let of = holder.map_or(String::new(), |h| format!(" (fields of `{h}`)"));
    d = d.help(format!(
        "{} {} at the depth of `{q_name}`{of}, written between `{q_name}:` and its content: move {} above `{q_name}:`, so that `{o_name}:` comes right under `{q_name}:`",
        moved_names.join(" and "),
        if moved.len() == 1 { "is" } else { "are" },
        if moved.len() == 1 { "it" } else { "them" },
    ));
    // Read the file with the moved lines above `q`, spans mapped back to the original lines.
    let mut order: Vec<usize> = (0..lines.len()).filter(|i| !moved.contains(i)).collect();
    let at = order.iter().position(|&i| i == q).unwrap_or(0);
    for (k, &m) in moved.iter().enumerate() {
        order.insert(at + k, m);
    }
    let mut fixed = String::new();
    let mut map = Vec::new();
    for &i in &order {
        map.push((fixed.len(), lines[i].0));
        fixed.push_str(lines[i].1);
        fixed.push('\n');
    }
    match yaml::parse(file, &fixed) {
        Ok(mut nodes) => {
            for n in &mut nodes {
                remap(n, &map, text.len());
            }
            (d, Some(nodes))
        }
        Err(_) => (d, None),
    }
}

struct Misindent {
    /// `template:` (no value)
    parent: usize,
    /// `activeDeadlineSeconds: 100` (a value), the line above the child
    valued: usize,
    /// `spec:` (indented deeper than `valued`)
    child: usize,
    /// The lines at `parent`'s depth between it and `child`.
    moved: Vec<usize>,
}

fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push((start, line.trim_end_matches(['\n', '\r'])));
        start += line.len();
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The line without its comment and trailing blanks.
fn content(line: &str) -> &str {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (c, quote) {
            ('\'' | '"', None) => quote = Some(c),
            (c, Some(q)) if c == q => quote = None,
            ('#', None) if i == 0 || line[..i].ends_with([' ', '\t']) => return line[..i].trim_end(),
            _ => {}
        }
    }
    line.trim_end()
}

fn find_misindent(lines: &[(usize, &str)]) -> Option<Misindent> {
    let real: Vec<usize> = (0..lines.len()).filter(|&i| !content(lines[i].1).trim().is_empty()).collect();
    let valued = |l: &str| {
        let t = l.trim_start();
        !t.starts_with("- ")
            && t.split_once(": ").is_some_and(|(_, v)| !v.trim().is_empty() && !v.trim().starts_with(['|', '>']))
    };
    for w in real.windows(2) {
        let (p, o) = (w[0], w[1]);
        let (pl, ol) = (content(lines[p].1), content(lines[o].1));
        if indent(ol) <= indent(pl) || !valued(pl) || !(ol.ends_with(':') || ol.contains(": ")) {
            continue;
        }
        // Up from `p`: the valued lines at its depth, then the key without a value they interrupt.
        let mut moved = vec![p];
        let mut parent = None;
        for &i in real.iter().rev().filter(|&&i| i < p) {
            let c = content(lines[i].1);
            if c.ends_with(':') && indent(c) < indent(ol) && indent(c) <= indent(pl) {
                parent = Some(i);
                break;
            }
            if indent(c) == indent(pl) && valued(c) {
                moved.push(i);
                continue;
            }
            return None;
        }
        let parent = parent?;
        if indent(content(lines[parent].1)) != indent(pl) {
            return None;
        }
        moved.sort_unstable();
        return Some(Misindent { parent, valued: p, child: o, moved });
    }
    None
}

fn remap(n: &mut Node, map: &[(usize, usize)], len: usize) {
    let f = |off: u32| -> u32 {
        let off = off as usize;
        let i = map.partition_point(|(fixed, _)| *fixed <= off).saturating_sub(1);
        let (fixed, orig) = map.get(i).copied().unwrap_or((0, 0));
        (orig + off.saturating_sub(fixed)).min(len) as u32
    };
    n.span.start = f(n.span.start);
    n.span.end = f(n.span.end).max(n.span.start);
    match &mut n.kind {
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => items.iter_mut().for_each(|x| remap(x, map, len)),
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                k.span.start = f(k.span.start);
                k.span.end = f(k.span.end).max(k.span.start);
                remap(v, map, len);
            }
        }
    }
}
