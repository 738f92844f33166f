//! Syntax tree → checked program ([`ir::Program`]). Resolves names, types every
//! value against the key it is written for, applies the Kubernetes rules that
//! decide what pipec emits, and reports every problem it finds (it does not stop
//! at the first).

mod calls;
mod eval;
mod fields;
mod job_spec;
mod kinds;
mod names;
mod placement;
mod pod;
mod pod_spec;
mod probes;
mod qos;
mod read;
mod resources;
mod security;
mod volumes;

use crate::ast::{self, ExprKind, File, ItemKind, Name, ObjectKind, WorkloadKind};
pub use crate::compose::value;
pub use crate::compose::{Expanded, Module, ParamInput};
use crate::compose::{expand, lets};
use crate::diag::{Code, Diagnostic, Label, did_you_mean};
use crate::hash::FastMap;
use crate::ir;
use crate::loader::Loader;
use crate::source::{FileId, SourceMap, Span};
use crate::version::KubeVersion;
pub use names::label_value_problem;
use std::collections::BTreeSet;
use std::collections::hash_map::Entry;

pub struct Checker<'a> {
    sources: &'a SourceMap,
    file: FileId,
    loader: &'a dyn Loader,
    diags: Vec<Diagnostic>,
    /// The program's `param`s and `let`s, read by expansion and shared here.
    names: &'a lets::Names<'a>,
    configs: FastMap<String, ConfigInfo>,
    secrets: FastMap<String, SecretInfo>,
    /// The Kubernetes version the output is for.
    kube: KubeVersion,
    limits: crate::limits::Limits,
    /// `--managed-by`: the tool that owns the objects, when not pipec.
    managed_by: Option<&'a str>,
    /// `--target`.
    target: crate::target::Target,
    /// The name of the object being checked (for rules about the whole object).
    current_name_span: Span,
    /// Where the item being checked was expanded from (template uses, `for` iterations):
    /// added to every diagnostic about it.
    origin: &'a [Label],
    /// The program's `defaults { … }` (security area).
    defaults: security::Defaults,
    /// The object being checked has a `raw` patch setting `hostUsers: false` (a user
    /// namespace, which `proc-mount = unmasked` needs; no key writes it).
    raw_host_users_off: bool,
    /// The service accounts and roles the program declares (bindings and pods name them).
    declared: kinds::rbac::Declared,
    /// The program's namespace, once read.
    program_namespace: Option<String>,
}

struct ConfigInfo {
    /// The data keys, for checking `config(name, key)`; `None` for a ConfigMap
    /// that exists in the cluster (`config name` without a block).
    keys: Option<BTreeSet<String>>,
}

struct SecretInfo {
    span: Span,
    /// Declared with `keys = […]`; `None` when the program did not say.
    keys: Option<Vec<String>>,
}

/// Receives each checked object as soon as it is checked, in source order, with
/// its program (name and namespace; `objects` is empty).
pub type Sink<'s> = &'s mut (dyn FnMut(&ir::Program, ir::Object) + 's);

/// What checking needs besides the program itself.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Fields newer than this are errors; beta ones warnings.
    pub kube_version: KubeVersion,
    /// Values for the program's `param`s (`--set name=value`, `--values FILE`), in order: later wins.
    pub params: Vec<(String, ParamInput)>,
    /// How much input to accept (`--limit NAME=VALUE`).
    pub limits: crate::limits::Limits,
    /// The tool that owns the objects (`--managed-by`), when not pipec.
    pub managed_by: Option<String>,
    /// `--target`: what fan-out groups, Spark jobs and pipelines become.
    pub target: crate::target::Target,
}

/// One program to check: its file and tree, the modules it imports (already
/// loaded), and how `file("…")` is read.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub sources: &'a SourceMap,
    pub file: FileId,
    pub ast: &'a File,
    pub modules: &'a [Module<'a>],
    pub loader: &'a dyn Loader,
}

/// Checks one program file. Returns the program (possibly partial when there
/// were errors) and every diagnostic. With a `sink`, each object goes to it
/// instead of into the program, so that a large program's objects need not all
/// be held at once.
pub fn check(input: Input, options: &CheckOptions, sink: Option<Sink>) -> (ir::Program, Vec<Diagnostic>) {
    let Input { sources, file, ast, modules, loader } = input;
    let mut expander = expand::Expander::new(ast, modules, &options.limits);
    let expanded = expander.expand(ast, &options.params);
    let mut ck = Checker {
        sources,
        file,
        loader,
        diags: Vec::new(),
        names: expander.names(),
        configs: FastMap::default(),
        secrets: FastMap::default(),
        kube: options.kube_version,
        limits: options.limits,
        managed_by: options.managed_by.as_deref(),
        target: options.target,
        current_name_span: Span::new(file, 0, 0),
        origin: &[],
        defaults: security::Defaults::default(),
        raw_host_users_off: false,
        declared: Default::default(),
        program_namespace: None,
    };
    let program = match sink {
        Some(sink) => ck.program(&expanded, &expander, sink),
        None => {
            let mut kept = Vec::new();
            let mut program = ck.program(&expanded, &expander, &mut |_, o| kept.push(o));
            program.objects = kept;
            program
        }
    };
    let check_diags = ck.diags;
    let mut diags = expander.into_diagnostics();
    diags.extend(check_diags);
    (program, diags)
}

impl<'a> Checker<'a> {
    pub(crate) fn report(&mut self, mut d: Diagnostic) {
        d.secondary.extend(self.origin.iter().cloned());
        self.diags.push(d);
    }

    fn program<'x>(
        &mut self,
        expanded: &'a [Expanded<'x>],
        expander: &expand::Expander<'x>,
        sink: Sink,
    ) -> ir::Program {
        let items: Vec<&'a ast::Item> = expanded.iter().map(|e| &e.item).collect();
        let name = names::program_label(&self.sources.get(self.file).name);
        let manager = self.managed_by.unwrap_or(crate::lower::MANAGED_BY.1).to_string();
        let mut program = ir::Program {
            name,
            namespace: None,
            manager,
            kube_version: self.kube,
            target: self.target,
            objects: Vec::new(),
            keys: Vec::new(),
        };

        // The namespace first, so that order in the file does not matter (the `let`s
        // were read with the program's other names: `Checker::names`).
        let mut namespace_span: Option<Span> = None;
        // Objects that wait for their place in the file (configs, service accounts, roles, …).
        let mut early: Vec<(usize, ir::Object)> = Vec::new();
        for (index, item) in items.iter().enumerate() {
            match &item.kind {
                ItemKind::Namespace(s, body) => {
                    if let Some(first) = namespace_span {
                        self.report(
                            Diagnostic::error(Code::DuplicateNamespace, s.span, "the namespace is declared twice")
                                .label("second declaration")
                                .secondary(first, "first declared here")
                                .help("a program has one namespace; keep one `namespace` line"),
                        );
                        continue;
                    }
                    namespace_span = Some(s.span);
                    if let Some(ns) = self.interpolate(s) {
                        let valid = names::check_dns_label(self, &ns, s.span, "a namespace", 63);
                        if let (true, Some(body)) = (valid, body) {
                            self.origin = &expanded[index].origin;
                            if let Some(meta) = kinds::namespace(self, &ns, s.span, body) {
                                early.push((index, ir::Object::Namespace(meta)));
                            }
                        }
                        self.program_namespace = Some(ns.clone());
                        program.namespace = Some(ns);
                    }
                }
                ItemKind::Defaults(body) => security::defaults_item(self, body, item.span),
                _ => {}
            }
        }

        // Object names, checked for clashes before the bodies (a clash shows both places).
        let mut named: Vec<(usize, String, Span)> = Vec::new();
        // (kind family, name) → (name span, index of the item: its origin shows where it came from)
        let mut seen: FastMap<(&'static str, String), (Span, usize)> = FastMap::default();
        // What `spark` items make beside their own object: (family, name) → (the spark's name span, name, index).
        let mut made: FastMap<(&'static str, String), (Span, String, usize)> = FastMap::default();
        let kubernetes = self.target == crate::target::Target::Kubernetes;
        for (index, item) in items.iter().enumerate() {
            self.origin = &expanded[index].origin;
            let (family, name) = match &item.kind {
                ItemKind::Config { name, .. } | ItemKind::Secret { name, .. } => ("config or secret", name),
                // For Kubernetes a `spark` is a Job of its name.
                ItemKind::Workload { kind, name, .. } if kind.node == WorkloadKind::Spark && kubernetes => {
                    ("job", name)
                }
                ItemKind::Workload { kind, name, .. } => (kind.node.keyword(), name),
                // One family per kind: a Role and a RoleBinding may share a name.
                ItemKind::Object { kind, name, .. } => (kind.node.keyword(), name),
                _ => continue,
            };
            let Some(text) = self.name(name) else {
                continue;
            };
            let declared = &mut self.declared;
            match family {
                "service-account" => declared.service_accounts.push(text.clone()),
                "role" => declared.roles.push(text.clone()),
                "cluster-role" => declared.cluster_roles.push(text.clone()),
                _ => {}
            }
            let span = name.span();
            // A `spark`'s driver Service, Role and RoleBinding clash with items of those kinds.
            if matches!(&item.kind, ItemKind::Workload { kind, .. } if kind.node == WorkloadKind::Spark) {
                for (family, object) in kinds::spark::made_beside(&text, kubernetes) {
                    if let Some(&(other, other_index)) = seen.get(&(family, object.clone())) {
                        let clash = kinds::spark::Clash {
                            spark: &text,
                            spark_span: span,
                            family,
                            object: &object,
                            span: other,
                        };
                        kinds::spark::made_clash(self, clash, false, &expanded[other_index].origin);
                    }
                    made.entry((family, object)).or_insert((span, text.clone(), index));
                }
            } else if let Some((spark_span, spark, spark_index)) = made.get(&(family, text.clone())) {
                let clash = kinds::spark::Clash { spark, spark_span: *spark_span, family, object: &text, span };
                kinds::spark::made_clash(self, clash, true, &expanded[*spark_index].origin);
            }
            let (first, first_index, text) = match seen.entry((family, text)) {
                Entry::Vacant(slot) => {
                    named.push((index, slot.key().1.clone(), span));
                    slot.insert((span, index));
                    continue;
                }
                Entry::Occupied(slot) => (slot.get().0, slot.get().1, slot.key().1.clone()),
            };
            let mut d = Diagnostic::error(Code::DuplicateObject, span, format!("two objects named `{text}`"))
                .label("second one")
                .secondary(first, "first one");
            // Where the first one came from, when it was expanded (the second's origin is added by `report`).
            for l in &expanded[first_index].origin {
                d = d.secondary(l.span, format!("first one: {}", l.message));
            }
            self.report(d.help(match family {
                "config or secret" => "configs and secrets are mounted by name, so their names must differ: rename one",
                _ => "Kubernetes keeps one object per kind and name: rename one",
            }));
        }

        // Configs, secrets, service accounts and RBAC before workloads, which refer to
        // them; then all in source order.
        let mut configs = early;
        let mut services: Vec<(usize, &String, Span)> = Vec::new();
        for (index, name, span) in &named {
            self.origin = &expanded[*index].origin;
            match &items[*index].kind {
                ItemKind::Config { body: Some(body), .. } => {
                    if let Some(c) = kinds::config_map::config(self, name, *span, body) {
                        configs.push((*index, ir::Object::Config(c)));
                    }
                }
                ItemKind::Config { body: None, .. } => {
                    // A reference: its keys are unknown, so `config(name, key)` cannot be checked.
                    let rule = crate::kinds::Kind::ConfigMap.name_rule();
                    names::check_object_name(self, name, *span, "ConfigMap", rule.max_len());
                    self.configs.insert(name.clone(), ConfigInfo { keys: None });
                }
                ItemKind::Secret { body, .. } => kinds::config_map::secret(self, name, *span, body.as_ref()),
                // Services wait for the workloads: they must select their pods.
                ItemKind::Object { kind, .. } if kind.node == ObjectKind::Service => {
                    services.push((*index, name, *span))
                }
                ItemKind::Object { kind, body, .. } => {
                    if let Some(object) = kinds::object(self, kind, name, *span, body.as_ref(), Some(&[])) {
                        configs.push((*index, object));
                    }
                }
                _ => {}
            }
        }
        configs.sort_by_key(|(index, _)| *index);
        // Each object goes out as soon as it is checked; configs wait for their place in the file.
        // With services, objects after the first one are held until the services are checked
        // (against the pods of every workload), so that all still come out in source order.
        let mut held = Held { from: services.first().map(|s| s.0), objects: Vec::new() };
        let mut pods: Vec<kinds::service::Pods> = Vec::new();
        // Whether every workload was checked (else a Service's selection cannot be judged).
        let mut complete = true;
        // Whether the program has a group (whose objects' names are checked at the end).
        let mut groups = false;
        let mut configs = configs.into_iter().peekable();
        let mut named = named.iter().peekable();
        for (index, e) in expanded.iter().enumerate() {
            let Some(deferred) = &e.body else { continue };
            let ItemKind::Workload { kind, .. } = &items[index].kind else { continue };
            groups |= kind.node == WorkloadKind::Group;
            // Made also when the name clashed or was wrong: the body's own errors are reported too.
            let body = expander.body(deferred);
            while named.next_if(|(i, ..)| *i < index).is_some() {} // configs and secrets, done above
            let Some((_, name, span)) = named.next_if(|(i, ..)| *i == index) else { continue };
            let Some(body) = body else { continue };
            self.origin = &e.origin;
            if let Some(obj) = self.detached(|ck| ck.workload(kind.node, name, *span, &body)) {
                while let Some((i, config)) = configs.next_if(|(i, _)| *i < index) {
                    held.put(&mut program, i, config, sink);
                }
                if held.from.is_some() {
                    pods.extend(kinds::service::pods_of(&obj));
                }
                held.put(&mut program, index, obj, sink);
            } else {
                complete = false;
            }
        }
        for (i, config) in configs {
            held.put(&mut program, i, config, sink);
        }
        for (index, name, span) in services {
            self.origin = &expanded[index].origin;
            let ItemKind::Object { kind, body, .. } = &items[index].kind else { continue };
            if let Some(service) = kinds::object(self, kind, name, span, body.as_ref(), complete.then_some(&pods[..])) {
                held.objects.push((index, service));
            }
        }
        held.objects.sort_by_key(|(index, _)| *index);
        for (_, object) in held.objects {
            send(&mut program, object, sink);
        }
        kinds::rbac::service_account_typos(self);
        self.origin = &[];
        if groups {
            self.group_name_clashes(&program.keys);
        }
        program
    }

    /// Items of one kind and name were reported above, before their bodies; what a
    /// group names from its roles (its Jobs, `<group>-<role>`) and its own Service
    /// can still meet another object's name: the only duplicates left in `keys`.
    fn group_name_clashes(&mut self, keys: &[ir::ObjectKey]) {
        let mut seen: FastMap<(&str, &str), Span> = FastMap::default();
        for k in keys {
            let Some(first) = seen.insert((k.kind, &k.name), k.span) else { continue };
            self.report(
                Diagnostic::error(Code::DuplicateObject, k.span, format!("two {}s named `{}`", k.kind, k.name))
                    .label("second one")
                    .secondary(first, "first one")
                    .help("a group's Service is named after it and its Jobs `<group>-<role>`: rename the group, the role or the other object"),
            );
        }
    }

    /// Runs `check` with a checker that may borrow a syntax tree shorter-lived than
    /// this one's (a workload body made just now, dropped right after), sharing
    /// this checker's declarations and collecting into its diagnostics.
    fn detached<'b, R>(&'b mut self, check: impl FnOnce(&mut Checker<'b>) -> R) -> R {
        let mut ck = Checker {
            sources: self.sources,
            file: self.file,
            loader: self.loader,
            diags: std::mem::take(&mut self.diags),
            names: self.names,
            configs: std::mem::take(&mut self.configs),
            secrets: std::mem::take(&mut self.secrets),
            kube: self.kube,
            limits: self.limits,
            managed_by: self.managed_by,
            target: self.target,
            current_name_span: self.current_name_span,
            origin: self.origin,
            defaults: self.defaults,
            raw_host_users_off: false,
            declared: std::mem::take(&mut self.declared),
            program_namespace: self.program_namespace.take(),
        };
        let result = check(&mut ck);
        self.declared = ck.declared;
        self.program_namespace = ck.program_namespace;
        self.diags = ck.diags;
        self.configs = ck.configs;
        self.secrets = ck.secrets;
        result
    }

    /// The text of an object name, interpolated and checked to be non-empty.
    fn name(&mut self, name: &'a Name) -> Option<String> {
        match name {
            Name::Word(w) => Some(w.node.clone()),
            Name::Str(s) => self.interpolate(s),
        }
    }

    /// The fix that writes `best` over the text at `span`: as a string when that text is a
    /// plain string literal, as a word when it is a word; none for anything else (an
    /// interpolation or a name bound elsewhere: what to change is not this text).
    pub(crate) fn text_fix(&self, d: Diagnostic, span: Span, best: Option<&str>) -> Diagnostic {
        let Some(best) = best else { return d };
        let text = self.sources.text(span);
        let word = |t: &str| {
            t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        let plain = text.len() >= 2
            && text.starts_with('"')
            && text.ends_with('"')
            && !text[1..text.len() - 1].contains(['"', '\\', '$']);
        // A word that names a `let` or `param`: its value is what is wrong, not this word.
        if word(text) && self.names.lookup(text).is_some() {
            return d;
        }
        let replacement = if plain || (word(text) && !word(best)) {
            format!("\"{best}\"")
        } else if word(text) {
            best.to_string()
        } else {
            return d;
        };
        let title = format!("write {replacement}");
        d.fix(span, replacement, title)
    }

    fn word_suggestion<'n>(&self, word: &str, names: impl Iterator<Item = &'n str>) -> String {
        did_you_mean(word, names, String::new)
    }

    /// `labels` and `annotations`, and the object name's rules.
    pub(super) fn meta(
        &mut self,
        f: &mut fields::Fields<'a>,
        name: &str,
        span: Span,
        kind: crate::kinds::Kind,
    ) -> Option<ir::Meta> {
        let rule = kind.name_rule();
        let name_ok = if rule.dots() {
            names::check_object_name(self, name, span, kind.as_str(), rule.max_len())
        } else {
            // A Service's or Namespace's name is a DNS label (a Service's starts with a letter).
            names::check_dns_label(self, name, span, &format!("a {kind}"), rule.max_len())
                && (rule != crate::kinds::NameRule::Dns1035Label || names::starts_with_letter(self, name, span, kind))
        };
        let mut labels = ir::StringMap::new();
        if let Some((_, v)) = f.take(&crate::schema::LABELS)
            && let Some(entries) = self.string_map(v, "`labels`")
        {
            let value_spans = label_value_spans(v);
            for (k, value) in entries {
                if !names::label_not_owned(self, &k.text, k.span) {
                    continue;
                }
                let span = value_spans.iter().find(|(key, _)| *key == k.text).map_or(k.span, |(_, s)| *s);
                names::check_label(self, &k.text, k.span, Some((&value, span)), true);
                labels.insert(k.text.clone(), value);
            }
        }
        let mut annotations = ir::StringMap::new();
        if let Some((entries, span)) = read::string_map(self, f, &crate::schema::ANNOTATIONS) {
            names::check_annotations(self, &entries, span);
            for (k, value) in entries {
                annotations.insert(k.text.clone(), value);
            }
        }
        let raw = match f.take(&crate::schema::RAW) {
            Some((_, v)) => self.raw_patches(v),
            None => Vec::new(),
        };
        self.raw_host_users_off =
            raw.iter().any(|p| p.path.ends_with("spec.hostUsers") && p.value == serde_json::Value::Bool(false));
        name_ok.then(|| ir::Meta { name: name.to_string(), span, labels, annotations, raw })
    }

    fn workload(&mut self, kind: WorkloadKind, name: &str, span: Span, body: &'a ast::Block) -> Option<ir::Object> {
        self.current_name_span = span;
        kinds::workload(self, kind, name, span, body)
    }

    /// A key newer than the target version is an error; beta on the target, a warning.
    pub(crate) fn gate(&mut self, key: &ast::Key, row: &'static crate::schema::Key) {
        let Some(g) = row.gate else { return };
        self.gate_field(key.span, &key.text, &row.field(), g);
    }

    /// The same for what is not a key of its own (a function's argument, a choice):
    /// `text` as the user wrote it, `field` the Kubernetes field or value.
    pub(crate) fn gate_field(&mut self, span: Span, text: &str, field: &str, g: crate::schema::Gate) {
        let target = self.kube;
        if target.minor < g.beta {
            let state = if target.minor >= g.alpha {
                format!("only alpha in {target}, off unless a feature gate enables it")
            } else {
                format!("unknown to {target}")
            };
            self.report(
                Diagnostic::error(
                    Code::FieldTooNew,
                    span,
                    format!("`{}` needs Kubernetes 1.{}; the target is {target}", text, g.beta),
                )
                .label(format!("{} is {state}", field))
                .help(format!(
                    "an older API server drops the field silently: target a newer version with `--kube-version 1.{}`, or remove `{}`",
                    g.beta, text
                )),
            );
        } else if target.minor < g.ga {
            self.report(
                Diagnostic::warning(Code::BetaField, span, format!("`{}` is beta in {target} (GA in 1.{})", text, g.ga))
                    .label(format!("{} is beta here", field))
                    .help("beta features are on by default but a cluster can switch them off; check your cluster's feature gates"),
            );
        }
    }
}

/// The span of each value in a map written as a value or a block, by key.
fn label_value_spans(v: fields::Value) -> Vec<(String, Span)> {
    match v {
        fields::Value::Expr(e) => match &e.kind {
            ExprKind::Map(m) => m.iter().map(|me| (me.key.text.clone(), me.value.span)).collect(),
            _ => Vec::new(),
        },
        fields::Value::Block(b) => b
            .entries
            .iter()
            .filter_map(|en| match &en.kind {
                ast::EntryKind::Field { key, value } => Some((key.text.clone(), value.span)),
                _ => None,
            })
            .collect(),
    }
}

impl<'a> Checker<'a> {
    /// `raw { "path.to.field" = value }`: paths and JSON values; whether Kubernetes
    /// has the field is checked against the k8s-openapi type when lowering.
    fn raw_patches(&mut self, v: fields::Value<'a>) -> Vec<ir::RawPatch> {
        let Some(entries) = self.map_entries(v, "`raw`") else { return Vec::new() };
        let mut out = Vec::new();
        for (key, expr) in entries {
            let bad_path = key.text.is_empty() || key.text.split('.').any(|seg| seg.is_empty() || seg.starts_with('['));
            if bad_path {
                self.report(
                    Diagnostic::error(Code::RawField, key.span, format!("`{}` is not a field path", key.text))
                        .label("not a path")
                        .help("write the path from the object's top, with dots: \"spec.template.spec.hostNetwork\""),
                );
                continue;
            }
            let Some(value) = self.evaluate(expr, value::Hint::None) else { continue };
            match to_json(&value) {
                Some(json) => {
                    out.push(ir::RawPatch { path: key.text.clone(), value: json, span: key.span.to(expr.span) })
                }
                None => self.report(
                    Diagnostic::error(Code::RawField, expr.span, "this value cannot be written into an object")
                        .label("no JSON form")
                        .help("use strings, numbers, booleans, lists and maps"),
                ),
            }
        }
        out
    }
}

/// The JSON form of a value, as Kubernetes reads it (durations in seconds,
/// quantities as strings).
fn to_json(v: &value::Value) -> Option<serde_json::Value> {
    use value::Value as V;
    Some(match v {
        V::Int(n) => serde_json::Value::from(*n),
        V::Bool(b) => serde_json::Value::from(*b),
        V::Str(s) => serde_json::Value::from(s.clone()),
        V::Duration(d) => serde_json::Value::from(d.seconds()),
        V::Quantity(q) => serde_json::Value::from(q.to_string()),
        V::Number(n) => serde_json::Value::from(n.clone()),
        V::List(items) => serde_json::Value::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        V::Map(entries) => serde_json::Value::Object(
            entries.iter().map(|(k, v)| Some((k.clone(), to_json(v)?))).collect::<Option<_>>()?,
        ),
    })
}

/// Objects held back from the first `service` on (see `Checker::program`).
struct Held {
    /// The index of the first service item, if any.
    from: Option<usize>,
    objects: Vec<(usize, ir::Object)>,
}

impl Held {
    fn put(&mut self, program: &mut ir::Program, index: usize, object: ir::Object, sink: Sink) {
        match self.from {
            Some(first) if index > first => self.objects.push((index, object)),
            _ => send(program, object, sink),
        }
    }
}

/// Records the object's key (for clashes across files) and hands it on.
fn send(program: &mut ir::Program, object: ir::Object, sink: Sink) {
    let meta = object.meta();
    program.keys.push(ir::ObjectKey { kind: object.kind(), name: meta.name.clone(), span: meta.span });
    // What a `spark` makes beside its own object clashes with another file's objects too.
    if let ir::Object::Spark(s) = &object {
        let beside = |kind, name: &String| ir::ObjectKey { kind, name: name.clone(), span: meta.span };
        let service = (!s.operator).then(|| beside("Service", &s.service));
        let account = s.own_service_account.then(|| beside("ServiceAccount", &s.service_account));
        let access = [beside("Role", &s.service), beside("RoleBinding", &s.service)];
        program.keys.extend(service.into_iter().chain(access).chain(account));
    }
    // A group's Jobs are named from its roles (`<group>-<role>`): they are objects of the program too.
    if let ir::Object::Group(g) = &object
        && !g.jobset
    {
        for r in &g.roles {
            program.keys.push(ir::ObjectKey { kind: "Job", name: r.meta.name.clone(), span: r.meta.span });
        }
    }
    sink(program, object);
}

#[cfg(test)]
mod tests {
    use super::{CheckOptions, Input};
    use crate::loader::Loader;
    use crate::{driver::Options, driver::compile, ir};

    struct NoFiles;
    impl Loader for NoFiles {
        fn load(&self, _: &str, path: &str) -> Result<String, String> {
            if path == "hello.txt" { Ok("hello\n".into()) } else { Err("no such file".into()) }
        }
    }

    /// The image of the only job in `src`, or the codes of the diagnostics.
    fn image_of(src: &str) -> Result<String, Vec<&'static str>> {
        let mut sources = crate::source::SourceMap::new();
        let id = sources.add("t.pipe", src);
        let (ast, mut diags) = crate::syntax::parse(id, src);
        let input = Input { sources: &sources, file: id, ast: &ast, modules: &[], loader: &NoFiles };
        let (program, check_diags) = super::check(input, &CheckOptions::default(), None);
        diags.extend(check_diags);
        if !diags.is_empty() {
            return Err(diags.iter().map(|d| d.code.as_str()).collect());
        }
        match program.objects.first() {
            Some(ir::Object::Job(j)) => Ok(j.pod.containers[0].image.clone()),
            _ => Err(vec![]),
        }
    }

    #[test]
    fn interpolation_inserts_strings_numbers_and_bools_through_lets() {
        let src = r#"
            let registry = "reg.example.com"
            let repo = "${registry}/team"
            let major = 1
            let debug = true
            job j { image = "${repo}/app:${major}.2-${debug}" }
        "#;
        assert_eq!(image_of(src), Ok("reg.example.com/team/app:1.2-true".into()));
    }

    #[test]
    fn escapes_and_dollar_signs() {
        assert_eq!(image_of(r#"job j { image = "a\$b\"c\\d" }"#), Ok("a$b\"c\\d".into()));
        assert_eq!(image_of(r#"job j { image = "cost$5" }"#), Ok("cost$5".into()));
    }

    #[test]
    fn interpolation_errors_have_codes() {
        assert_eq!(image_of(r#"job j { image = "${nope}" }"#), Err(vec!["P0104"]));
        assert_eq!(image_of(r#"job j { image = "${}" }"#), Err(vec!["P0008"]));
        assert_eq!(image_of(r#"let l = [1] job j { image = "${l}" }"#), Err(vec!["P0008"]));
        assert_eq!(image_of("let a = \"${b}\"\nlet b = \"${a}\"\njob j { image = a }"), Err(vec!["P0104"]));
    }

    #[test]
    fn lets_may_be_used_before_they_are_defined() {
        assert_eq!(image_of("job j { image = img }\nlet img = \"busybox:1.36\""), Ok("busybox:1.36".into()));
    }

    #[test]
    fn compile_emits_nothing_when_there_is_an_error() {
        let c = compile(
            vec![("a.pipe".into(), "job a { image = \"x\" }\njob b { imag = \"x\" }".into())],
            &NoFiles,
            &Options::default(),
        );
        assert!(c.has_errors());
        assert!(c.objects().is_empty());
        let c = compile(
            vec![("a.pipe".into(), "config c { data = { k: file(\"hello.txt\") } }".into())],
            &NoFiles,
            &Options::default(),
        );
        assert!(!c.has_errors());
        assert_eq!(c.objects().len(), 1);
    }
}
