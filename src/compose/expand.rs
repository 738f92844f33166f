//! Composition, before checking: `param`s get their values, `for` loops are
//! unrolled, templates are instantiated (the use's block merged over the
//! template's), and references into imported modules are replaced by what they
//! name. What comes out is a flat list of concrete items, each with the chain of
//! places it came from ("in template `worker`, used at soak.pipe:12:5"), so that
//! the checker needs to know nothing about composition.

use super::lets::{LetTable, Names};
use super::subst::{
    Member, not_in_module, subst_block, subst_block_module, subst_expr, subst_item, subst_module, subst_name,
};
use super::types::{conform, hint, parse_type, type_example, type_text, type_words};
use super::value::{self, Binding, Env, Failure, Hint, Value};
use crate::ast::*;
use crate::diag::{Code, Diagnostic, Label, closest};
use crate::hash::FastMap;
use crate::source::{Span, Spanned};
use std::borrow::Cow;
use std::cell::RefCell;

/// An imported module: its namespace (`soak` for `std/soak`) and syntax tree.
pub struct Module<'a> {
    pub name: String,
    pub file: &'a File,
    /// The import failed (already reported): uses of the module say nothing more.
    pub failed: bool,
}

/// A concrete item and the places it was expanded from (outermost first).
///
/// A workload's body is not substituted here: `item` has its name and no body,
/// and `body` says how to make the body ([`Expander::body`]). The checker makes
/// each body just before checking it and drops it after, so that a `for` over
/// thousands of jobs never holds thousands of syntax trees.
pub struct Expanded<'a> {
    pub item: Item,
    pub origin: Vec<Label>,
    pub body: Option<Deferred<'a>>,
}

/// A workload body to be made: the item as written and the names bound where it is.
pub struct Deferred<'a> {
    item: &'a Item,
    scope: Scope,
}

/// A value for a `param`, from `--set name=value` (text) or `--values FILE` (data).
#[derive(Clone, Debug)]
pub enum ParamInput {
    Text(String),
    Data(Value),
}

pub struct Expander<'a> {
    pub(super) modules: &'a [Module<'a>],
    /// The `let`s of each module, by the index in `modules`.
    module_lets: Vec<LetTable<'a>>,
    templates: FastMap<&'a str, &'a Item>,
    /// The program's `param`s and `let`s, shared with the checker.
    names: Names<'a>,
    /// Shared, not `&mut`: the checker holds `names` while it asks for bodies.
    diags: RefCell<Vec<Diagnostic>>,
    objects: usize,
    /// `objects` may not pass `limits.objects` (a `for` over a huge range ends in
    /// a diagnostic, not in exhausted memory).
    pub(super) limits: &'a crate::limits::Limits,
}

/// Names bound while expanding: loop variables and params (values), template
/// parameters (expressions from the call site).
#[derive(Clone, Default)]
pub(super) struct Scope {
    pub(super) values: Bindings,
    /// How many module `let`s deep the substitution is (`a.x` whose value names
    /// `b.y` …): bounded by the `depth` limit, so a cycle across modules ends.
    pub(super) depth: usize,
}

/// A few names and what they stand for. A short list beats a hash map here: a
/// scope holds a handful of names and is copied for every `for` iteration.
#[derive(Clone, Default)]
pub(super) struct Bindings(Vec<(String, Expr)>);

impl Bindings {
    pub(super) fn get(&self, name: &str) -> Option<&Expr> {
        self.0.iter().rev().find(|(n, _)| n == name).map(|(_, e)| e)
    }
    pub(super) fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
    pub(super) fn insert(&mut self, name: String, e: Expr) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = e,
            None => self.0.push((name, e)),
        }
    }
    fn extend(&mut self, other: Bindings) {
        for (n, e) in other.0 {
            self.insert(n, e);
        }
    }
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(n, _)| n)
    }
}

impl<'a> Expander<'a> {
    /// Reads the declarations of the program and its modules: templates, and the
    /// `let` tables (their cycles reported here, once).
    pub fn new(main: &'a File, modules: &'a [Module<'a>], limits: &'a crate::limits::Limits) -> Expander<'a> {
        let mut templates = FastMap::default();
        let mut params = Vec::new();
        for item in &main.items {
            match &item.kind {
                ItemKind::Template { name, .. } => {
                    templates.insert(name.node.as_str(), item);
                }
                ItemKind::Param { name, .. } => params.push(name.node.as_str()),
                _ => {}
            }
        }
        let mut diags = Vec::new();
        let module_names: Vec<&str> = modules.iter().map(|m| m.name.as_str()).collect();
        let lets = LetTable::new(main, &params, &module_names, &mut diags);
        let module_lets = modules.iter().map(|m| LetTable::new(m.file, &[], &module_names, &mut diags)).collect();
        let names = Names { lets, params: FastMap::default(), param_exprs: FastMap::default(), modules: module_names };
        let mut x = Expander { modules, module_lets, templates, names, diags: RefCell::new(diags), objects: 0, limits };
        if !modules.is_empty() {
            // `m.x` in the program's `let`s is replaced once, here, as in bodies.
            let replaced: Vec<Option<Expr>> =
                x.names.lets.iter().map(|l| (!l.cyclic).then(|| subst_expr(&l.value, &Scope::default(), &x))).collect();
            for (l, value) in x.names.lets.iter_mut().zip(replaced) {
                if let Some(value) = value {
                    l.value = Cow::Owned(value);
                }
            }
        }
        x
    }

    /// The `let` table of module `m`.
    pub(super) fn lets_of(&self, m: &Module) -> Option<&LetTable<'a>> {
        let i = self.modules.iter().position(|n| std::ptr::eq(n, m))?;
        self.module_lets.get(i)
    }

    /// The program's `param`s and `let`s (after [`Expander::expand`]).
    pub fn names(&self) -> &Names<'a> {
        &self.names
    }

    /// The diagnostics of composition.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diags.into_inner()
    }

    /// Expands the main file. `inputs` are the `--set`/`--values` params.
    pub fn expand(&mut self, main: &'a File, inputs: &[(String, ParamInput)]) -> Vec<Expanded<'a>> {
        self.params(main, inputs);
        let nowhere = Span::new(crate::source::FileId(0), 0, 0);
        self.names.param_exprs =
            self.names.params.iter().map(|(name, v)| (name.clone(), value_to_expr(v, nowhere))).collect();
        self.check_templates(main);
        let scope = self.param_scope();
        let mut out = Vec::new();
        for item in &main.items {
            self.item(item, &scope, &[], &mut out);
        }
        out
    }

    pub(super) fn report(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d);
    }

    fn report_failure(&self, f: Failure) {
        self.diags.borrow_mut().extend(f.into_diagnostics());
    }

    // ---- params ------------------------------------------------------------

    fn params(&mut self, main: &'a File, inputs: &[(String, ParamInput)]) {
        let decls: Vec<(&Ident, &TypeExpr, Option<&Expr>)> = main
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Param { name, ty, default } => Some((name, ty, default.as_ref())),
                _ => None,
            })
            .collect();
        for (name, _) in inputs {
            if !decls.iter().any(|(n, ..)| n.node == *name) {
                let known: Vec<&str> = decls.iter().map(|(n, ..)| n.node.as_str()).collect();
                let help = match closest(name, known.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None if known.is_empty() => format!("declare it in the program: `param {name}: int = 1`"),
                    None => format!("the program's params are: {}", known.join(", ")),
                };
                let file_start = main.items.first().map(|i| Span::new(i.span.file, 0, 0));
                let mut d = Diagnostic::error(
                    Code::BadParamValue,
                    file_start.unwrap_or(Span::new(crate::source::FileId(0), 0, 0)),
                    format!("the program has no param `{name}`"),
                )
                .help(help);
                d.primary = file_start.map(|span| Label { span, message: "no such `param` in this program".into() });
                self.report(d);
            }
        }
        for (name, ty, default) in decls {
            if self.names.params.contains_key(&name.node) {
                self.report(
                    Diagnostic::error(
                        Code::DuplicateLet,
                        name.span,
                        format!("param `{}` is declared twice", name.node),
                    )
                    .label("declared again")
                    .help("declare each param once"),
                );
                continue;
            }
            let given = inputs.iter().rev().find(|(n, _)| *n == name.node).map(|(_, v)| v);
            let value = match given {
                Some(ParamInput::Data(v)) => Some(v.clone()),
                // A bad `--set` is reported; the default (if any) keeps the rest checkable.
                Some(ParamInput::Text(text)) => self
                    .parse_param_text(name, ty, text)
                    .or_else(|| default.and_then(|e| value::eval(e, &self.env(&Scope::default()), hint(ty)).ok())),
                None => match default {
                    Some(e) => match value::eval(e, &self.env(&Scope::default()), hint(ty)) {
                        Ok(v) => Some(v),
                        Err(f) => {
                            self.report_failure(f);
                            None
                        }
                    },
                    None => {
                        self.report(
                            Diagnostic::error(
                                Code::BadParamValue,
                                name.span,
                                format!("param `{}` has no value", name.node),
                            )
                            .label("no default")
                            .help(format!(
                                "give it one: `pipec build … --set {}=…`, or a default in the program",
                                name.node
                            )),
                        );
                        None
                    }
                },
            };
            let Some(value) = value else { continue };
            let source = if given.is_some() {
                format!("the value given for `{}`", name.node)
            } else {
                "the default".to_string()
            };
            match conform(&value, ty) {
                Ok(v) => {
                    self.names.params.insert(name.node.clone(), v);
                }
                Err(expected) => self.report(
                    Diagnostic::error(
                        Code::BadParamValue,
                        ty.span,
                        format!("param `{}` takes {expected}; {source} is {}", name.node, value.kind()),
                    )
                    .label(format!("declared as `{}`", type_text(ty)))
                    .help(format!("give `{}` {expected}, e.g. `--set {}=…`", name.node, name.node)),
                ),
            }
        }
    }

    fn parse_param_text(&mut self, name: &Ident, ty: &TypeExpr, text: &str) -> Option<Value> {
        if ty.name.node == "string" {
            return Some(Value::Str(text.to_string()));
        }
        let parsed = crate::syntax::parse_expr(name.span.file, text, self.limits);
        let result = parsed.and_then(|e| value::eval(&e, &self.env(&Scope::default()), hint(ty)).ok());
        if result.is_none() {
            self.report(
                Diagnostic::error(
                    Code::BadParamValue,
                    name.span,
                    format!("`--set {}={text}` is not {}", name.node, type_words(ty)),
                )
                .label(format!("declared as `{}`", type_text(ty)))
                .help(format!("give {}, e.g. {}", type_words(ty), type_example(ty))),
            );
        }
        result
    }

    fn param_scope(&self) -> Scope {
        let mut scope = Scope::default();
        for (name, e) in &self.names.param_exprs {
            scope.values.insert(name.clone(), e.clone());
        }
        scope
    }

    fn env<'s>(&'s self, scope: &'s Scope) -> ExpandEnv<'s, 'a> {
        ExpandEnv { scope, expander: self }
    }

    /// Template declarations: parameter types are known, defaults fit them.
    fn check_templates(&self, main: &'a File) {
        for item in &main.items {
            let ItemKind::Template { params, .. } = &item.kind else { continue };
            for p in params {
                if parse_type(&p.ty).is_none() {
                    self.report(
                        Diagnostic::error(
                            Code::UnknownVariant,
                            p.ty.span,
                            format!("`{}` is not a type", type_text(&p.ty)),
                        )
                        .label("unknown type")
                        .help("types are int, bool, string, duration, quantity, list<T>, map<T>"),
                    );
                }
            }
        }
    }

    // ---- items -------------------------------------------------------------

    fn item(&mut self, item: &'a Item, scope: &Scope, origin: &[Label], out: &mut Vec<Expanded<'a>>) {
        match &item.kind {
            // `let`s are read once, into the table the checker shares.
            ItemKind::Template { .. } | ItemKind::Param { .. } | ItemKind::Import(_) | ItemKind::Let { .. } => {}
            ItemKind::For { var, second, iter, items } => {
                self.for_loop(var, second.as_ref(), iter, items, scope, origin, out)
            }
            ItemKind::Workload { kind, name, instance, body } => {
                if instance.is_none() && body.is_none() {
                    self.report(
                        Diagnostic::error(
                            Code::MissingKey,
                            name.span(),
                            format!("`{} {}` has no body", kind.node.keyword(), name_text(name)),
                        )
                        .label("neither `{ … }` nor a template")
                        .help("add a block `{ image = \"…\" }`, or use a template: `= worker(…)`"),
                    );
                    return;
                }
                let mut chain = origin.to_vec();
                if let Some(inst) = instance {
                    let template_name = inst.path.iter().map(|p| p.node.as_str()).collect::<Vec<_>>().join(".");
                    chain.push(Label { span: inst.span, message: format!("in template `{template_name}`, used here") });
                }
                let name = subst_name(name, scope, self);
                let item_now = Item {
                    kind: ItemKind::Workload { kind: kind.clone(), name, instance: None, body: None },
                    span: item.span,
                };
                self.count(&item_now);
                out.push(Expanded {
                    item: item_now,
                    origin: chain,
                    body: Some(Deferred { item, scope: scope.clone() }),
                });
            }
            ItemKind::Object { kind, .. } if kind.node == ObjectKind::Pipeline => {
                let item = self.pipeline(item, scope);
                self.push(item, origin.to_vec(), out);
            }
            _ => {
                let item = subst_item(item, scope, self);
                self.push(item, origin.to_vec(), out);
            }
        }
    }

    fn push(&mut self, item: Item, origin: Vec<Label>, out: &mut Vec<Expanded<'a>>) {
        self.count(&item);
        out.push(Expanded { item, origin, body: None });
    }

    fn count(&mut self, item: &Item) {
        if matches!(
            item.kind,
            ItemKind::Workload { .. } | ItemKind::Config { body: Some(_), .. } | ItemKind::Object { body: Some(_), .. }
        ) {
            self.objects += 1;
        }
    }

    /// Makes a workload's body: substitutes the names bound where it was written,
    /// or instantiates its template with the use's block merged over it. `None`
    /// when that failed (and was reported).
    /// With nothing to substitute (no names bound, no modules), the body as written
    /// is used as it is, not copied.
    pub fn body(&self, deferred: &Deferred<'a>) -> Option<Cow<'a, Block>> {
        let ItemKind::Workload { instance, body, .. } = &deferred.item.kind else { return None };
        match (instance, body) {
            (Some(inst), _) => self.instantiate(inst, body.as_ref(), &deferred.scope).map(Cow::Owned),
            (None, Some(b)) if deferred.scope.values.is_empty() && self.modules.is_empty() => Some(Cow::Borrowed(b)),
            (None, Some(b)) => Some(Cow::Owned(subst_block(b, &deferred.scope, self))),
            (None, None) => None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn for_loop(
        &mut self,
        var: &Ident,
        second: Option<&Ident>,
        iter: &Expr,
        items: &'a [Item],
        scope: &Scope,
        origin: &[Label],
        out: &mut Vec<Expanded<'a>>,
    ) {
        let iter = subst_expr(iter, scope, self);
        let value = match value::eval(&iter, &self.env(scope), Hint::None) {
            Ok(v) => v,
            Err(f) => {
                self.report_failure(f);
                return;
            }
        };
        let pairs: Vec<(Value, Option<Value>)> = match value {
            Value::List(items) if second.is_none() => items.into_iter().map(|v| (v, None)).collect(),
            Value::List(items) => items.into_iter().enumerate().map(|(i, v)| (Value::Int(i as i64), Some(v))).collect(),
            Value::Map(entries) => entries.into_iter().map(|(k, v)| (Value::Str(k), Some(v))).collect(),
            v => {
                self.report(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        iter.span,
                        format!("`for` runs over a list, a range or a map, found {}", v.kind()),
                    )
                    .label("not a collection")
                    .help("write `for i in 0..8`, `for t in [\"a\", \"b\"]` or `for k, v in { … }`"),
                );
                return;
            }
        };
        let per_iteration = items
            .iter()
            .filter(|i| {
                matches!(
                    i.kind,
                    ItemKind::Workload { .. }
                        | ItemKind::Config { .. }
                        | ItemKind::Object { .. }
                        | ItemKind::For { .. }
                )
            })
            .count()
            .max(1);
        let max = self.limits.objects;
        if self.objects + pairs.len().saturating_mul(per_iteration) > max {
            self.report(
                Diagnostic::error(
                    Code::ExpansionTooLarge,
                    iter.span,
                    format!(
                        "this `for` would make {} objects; a program may make at most {max}",
                        pairs.len().saturating_mul(per_iteration)
                    ),
                )
                .label("too many iterations")
                .help("split the program, or loop over fewer items (or raise the limit: `--limit objects=…`)"),
            );
            return;
        }
        for item in items {
            if !matches!(
                item.kind,
                ItemKind::Workload { .. }
                    | ItemKind::Config { .. }
                    | ItemKind::Secret { .. }
                    | ItemKind::Object { .. }
                    | ItemKind::For { .. }
            ) {
                self.report(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        item.span,
                        "only objects (`job`, `cron`, `daemon`, `config`, `secret`) and `for` can be inside a `for`",
                    )
                    .label("not allowed inside `for`")
                    .help("move `let`, `param`, `template`, `import` and `namespace` to the top level"),
                );
                return;
            }
        }
        for (first, second_value) in pairs {
            let mut inner = scope.clone();
            let mut label = format!("in `for` with {} = {}", var.node, show(&first));
            inner.values.insert(var.node.clone(), value_to_expr(&first, var.span));
            if let (Some(name), Some(v)) = (second, &second_value) {
                inner.values.insert(name.node.clone(), value_to_expr(v, name.span));
                label.push_str(&format!(", {} = {}", name.node, show(v)));
            }
            let mut chain = origin.to_vec();
            chain.push(Label { span: var.span, message: label });
            for item in items {
                self.item(item, &inner, &chain, out);
            }
        }
    }

    // ---- templates ---------------------------------------------------------

    /// Finds a template by path (`worker` or `soak.stable`).
    fn template(&self, inst: &Instance) -> Option<(&'a Item, Option<&'a Module<'a>>)> {
        match inst.path.as_slice() {
            [name] => match self.templates.get(name.node.as_str()) {
                Some(t) => Some((*t, None)),
                None => {
                    let known: Vec<&str> = self.templates.keys().copied().collect();
                    self.report(
                        Diagnostic::error(Code::UnknownName, name.span, format!("no template named `{}`", name.node))
                            .label("unknown template")
                            .did_you_mean(name.span, &name.node, known.iter().copied(), || {
                                format!(
                                    "declare it: `template {}(…) {{ … }}`, or import a module that has it",
                                    name.node
                                )
                            }),
                    );
                    None
                }
            },
            [ns, name] => {
                let Some(module) = self.modules.iter().find(|m| m.name == ns.node) else {
                    if self.modules.iter().any(|m| m.failed) {
                        return None; // a failed import (reported) probably meant this one
                    }
                    let names: Vec<&str> = self.modules.iter().map(|m| m.name.as_str()).collect();
                    self.report(
                        Diagnostic::error(Code::UnknownName, ns.span, format!("no module named `{}`", ns.node))
                            .label("not imported")
                            .did_you_mean(ns.span, &ns.node, names.iter().copied(), || {
                                format!(
                                    "import it first: `import \"std/{}\"` or `import \"./{}.pipe\"`",
                                    ns.node, ns.node
                                )
                            }),
                    );
                    return None;
                };
                if module.failed {
                    return None;
                }
                let found = module
                    .file
                    .items
                    .iter()
                    .find(|i| matches!(&i.kind, ItemKind::Template { name: n, .. } if n.node == name.node));
                match found {
                    Some(t) => Some((t, Some(module))),
                    None => {
                        let known = module.file.items.iter().filter_map(|i| match &i.kind {
                            ItemKind::Template { name, .. } => Some(name.node.as_str()),
                            _ => None,
                        });
                        self.report(not_in_module(module, &name.node, name.span, Member::Template, known));
                        None
                    }
                }
            }
            _ => {
                self.report(
                    Diagnostic::error(Code::UnknownName, inst.span, "a template is named `name` or `module.name`")
                        .label("too many parts")
                        .help("write `worker(…)` or `soak.stable(…)`"),
                );
                None
            }
        }
    }

    pub(super) fn instantiate(&self, inst: &Instance, body: Option<&Block>, scope: &Scope) -> Option<Block> {
        let (template, module) = self.template(inst)?;
        let ItemKind::Template { name: tname, params, body: tbody } = &template.kind else { return None };
        let mut bound = Scope::default();
        let mut given: Vec<&str> = Vec::new();
        let mut ok = true;
        for arg in &inst.args {
            let Some(arg_name) = &arg.name else {
                self.report(
                    Diagnostic::error(
                        Code::BadTemplateArgs,
                        arg.value.span,
                        format!("arguments to `{}` are named", tname.node),
                    )
                    .label("no name")
                    .help(format!(
                        "write `name = value`; `{}` takes: {}",
                        tname.node,
                        params.iter().map(|p| p.name.node.as_str()).collect::<Vec<_>>().join(", ")
                    )),
                );
                ok = false;
                continue;
            };
            let Some(decl) = params.iter().find(|p| p.name.node == arg_name.node) else {
                let names = params.iter().map(|p| p.name.node.as_str());
                self.report(
                    Diagnostic::error(
                        Code::BadTemplateArgs,
                        arg_name.span,
                        format!("template `{}` has no parameter `{}`", tname.node, arg_name.node),
                    )
                    .label("unknown parameter")
                    .secondary(tname.span, "the template")
                    .did_you_mean(arg_name.span, &arg_name.node, names.clone(), || {
                        format!("`{}` takes: {}", tname.node, names.collect::<Vec<_>>().join(", "))
                    }),
                );
                ok = false;
                continue;
            };
            if bound.values.contains_key(&arg_name.node) {
                self.report(
                    Diagnostic::error(Code::DuplicateKey, arg_name.span, format!("`{}` is given twice", arg_name.node))
                        .label("again")
                        .help("give each argument once"),
                );
                ok = false;
                continue;
            }
            // Given, even if its value turns out wrong: then it is not also "missing".
            given.push(arg_name.node.as_str());
            let value = subst_expr(&arg.value, scope, self);
            // Check the argument against the declared type now, at the call.
            match value::eval(&value, &self.env(scope), hint(&decl.ty)) {
                Ok(v) => {
                    if let Err(expected) = conform(&v, &decl.ty) {
                        self.report(
                            Diagnostic::error(
                                Code::BadTemplateArgs,
                                arg.value.span,
                                format!("`{}` takes {expected}, found {}", arg_name.node, v.kind()),
                            )
                            .label("wrong type")
                            .secondary(decl.span, format!("declared `{}: {}`", decl.name.node, type_text(&decl.ty)))
                            .help(format!("pass {expected}, e.g. {}", type_example(&decl.ty))),
                        );
                        ok = false;
                        continue;
                    }
                }
                Err(f) => {
                    self.report_failure(f);
                    ok = false;
                    continue;
                }
            }
            bound.values.insert(arg_name.node.clone(), value);
        }
        for decl in params {
            if bound.values.contains_key(&decl.name.node) || given.contains(&decl.name.node.as_str()) {
                continue;
            }
            match &decl.default {
                Some(default) => {
                    let default = match module {
                        Some(m) => subst_module(default, m, self, 0),
                        None => default.clone(),
                    };
                    bound.values.insert(decl.name.node.clone(), default);
                }
                None => {
                    self.report(
                        Diagnostic::error(
                            Code::BadTemplateArgs,
                            inst.span,
                            format!("template `{}` needs `{}`", tname.node, decl.name.node),
                        )
                        .label(format!("`{}` is missing", decl.name.node))
                        .secondary(decl.span, "declared without a default")
                        .help(format!("add `{} = …` to the arguments", decl.name.node)),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        // The template's body sees its parameters, the params of the program, and its module's lets.
        let mut template_scope = self.param_scope();
        template_scope.values.extend(bound.values);
        let mut merged = subst_block(tbody, &template_scope, self);
        if let Some(m) = module {
            merged = subst_block_module(&merged, m, self);
        }
        if let Some(body) = body {
            let over = subst_block(body, scope, self);
            merge(&mut merged, over);
        }
        Some(merged)
    }
}

/// The use's entries replace the template's entries with the same key (or the
/// same key and label); other entries are added.
fn merge(base: &mut Block, over: Block) {
    for entry in over.entries {
        let same = base.entries.iter().position(|b| match (&b.kind, &entry.kind) {
            (
                EntryKind::Field { key: a, .. } | EntryKind::Nested { key: a, .. },
                EntryKind::Field { key: b, .. } | EntryKind::Nested { key: b, .. },
            ) => a.text == b.text,
            (EntryKind::Labeled { key: a, label: la, .. }, EntryKind::Labeled { key: b, label: lb, .. }) => {
                a.text == b.text && name_text(la) == name_text(lb)
            }
            _ => false,
        });
        match same {
            Some(i) => base.entries[i] = entry,
            None => base.entries.push(entry),
        }
    }
}

struct ExpandEnv<'s, 'a> {
    scope: &'s Scope,
    expander: &'s Expander<'a>,
}

impl Env for ExpandEnv<'_, '_> {
    fn lookup(&self, name: &str) -> Option<Binding<'_>> {
        if let Some(e) = self.scope.values.get(name) {
            return Some(Binding::Expr(e));
        }
        self.expander.names.lookup(name)
    }
    fn names(&self) -> Vec<String> {
        self.scope.values.keys().cloned().chain(self.expander.names.names().map(str::to_string)).collect()
    }
    fn limits(&self) -> &crate::limits::Limits {
        self.expander.limits
    }
    fn is_module(&self, name: &str) -> bool {
        self.expander.names.is_module(name)
    }
}

/// How a loop value is shown in "in `for` with shard = 3".
fn show(v: &Value) -> String {
    match v {
        Value::Str(s) => format!("\"{s}\""),
        Value::List(_) => "[…]".into(),
        Value::Map(_) => "{…}".into(),
        v => v.to_text().unwrap_or_default(),
    }
}

/// A value written back as a literal expression (for substitution).
pub fn value_to_expr(v: &Value, span: Span) -> Expr {
    let kind = match v {
        Value::Int(n) if *n < 0 => {
            let positive = value_to_expr(&Value::Int(-n), span);
            ExprKind::Unary { op: Spanned::new(UnaryOp::Neg, span), operand: Box::new(positive) }
        }
        Value::Int(n) => ExprKind::Number(n.to_string()),
        Value::Bool(b) => ExprKind::Bool(*b),
        Value::Str(s) => ExprKind::Str(StringLit { parts: vec![StrPart::Text(s.clone())], span }),
        Value::Duration(d) => ExprKind::Number(d.to_string()),
        Value::Quantity(q) => ExprKind::Number(q.to_string()),
        Value::Number(n) => ExprKind::Number(n.clone()),
        Value::List(items) => ExprKind::List(items.iter().map(|i| value_to_expr(i, span)).collect()),
        Value::Map(entries) => ExprKind::Map(
            entries
                .iter()
                .map(|(k, v)| MapEntry {
                    key: Key { text: k.clone(), span, quoted: true },
                    value: value_to_expr(v, span),
                })
                .collect(),
        ),
    };
    Expr { kind, span }
}

fn name_text(n: &Name) -> String {
    match n {
        Name::Word(w) => w.node.clone(),
        Name::Str(s) => s.as_plain().unwrap_or_else(|| "…".into()),
    }
}
