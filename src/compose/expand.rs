//! Composition, before checking: `param`s get their values, `for` loops are
//! unrolled, templates are instantiated (the use's block merged over the
//! template's), and references into imported modules are replaced by what they
//! name. What comes out is a flat list of concrete items, each with the chain of
//! places it came from ("in template `worker`, used at soak.pipe:12:5"), so that
//! the checker needs to know nothing about composition.

use super::lets::{LetTable, Names};
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
    modules: &'a [Module<'a>],
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
    limits: &'a crate::limits::Limits,
}

/// Names bound while expanding: loop variables and params (values), template
/// parameters (expressions from the call site).
#[derive(Clone, Default)]
struct Scope {
    values: Bindings,
}

/// A few names and what they stand for. A short list beats a hash map here: a
/// scope holds a handful of names and is copied for every `for` iteration.
#[derive(Clone, Default)]
struct Bindings(Vec<(String, Expr)>);

impl Bindings {
    fn get(&self, name: &str) -> Option<&Expr> {
        self.0.iter().rev().find(|(n, _)| n == name).map(|(_, e)| e)
    }
    fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
    fn insert(&mut self, name: String, e: Expr) {
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
    fn is_empty(&self) -> bool {
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
    fn lets_of(&self, m: &Module) -> Option<&LetTable<'a>> {
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

    fn report(&self, d: Diagnostic) {
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
        if matches!(item.kind, ItemKind::Workload { .. } | ItemKind::Config { body: Some(_), .. }) {
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
            .filter(|i| matches!(i.kind, ItemKind::Workload { .. } | ItemKind::Config { .. } | ItemKind::For { .. }))
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
                ItemKind::Workload { .. } | ItemKind::Config { .. } | ItemKind::Secret { .. } | ItemKind::For { .. }
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
                    let help = match closest(&name.node, known.iter().copied()) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => {
                            format!("declare it: `template {}(…) {{ … }}`, or import a module that has it", name.node)
                        }
                    };
                    self.report(
                        Diagnostic::error(Code::UnknownName, name.span, format!("no template named `{}`", name.node))
                            .label("unknown template")
                            .help(help),
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
                    let help = match closest(&ns.node, names.iter().copied()) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => {
                            format!("import it first: `import \"std/{}\"` or `import \"./{}.pipe\"`", ns.node, ns.node)
                        }
                    };
                    self.report(
                        Diagnostic::error(Code::UnknownName, ns.span, format!("no module named `{}`", ns.node))
                            .label("not imported")
                            .help(help),
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

    fn instantiate(&self, inst: &Instance, body: Option<&Block>, scope: &Scope) -> Option<Block> {
        let (template, module) = self.template(inst)?;
        let ItemKind::Template { name: tname, params, body: tbody } = &template.kind else { return None };
        let mut bound = Scope::default();
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
                let help = match closest(&arg_name.node, params.iter().map(|p| p.name.node.as_str())) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!(
                        "`{}` takes: {}",
                        tname.node,
                        params.iter().map(|p| p.name.node.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                };
                self.report(
                    Diagnostic::error(
                        Code::BadTemplateArgs,
                        arg_name.span,
                        format!("template `{}` has no parameter `{}`", tname.node, arg_name.node),
                    )
                    .label("unknown parameter")
                    .secondary(tname.span, "the template")
                    .help(help),
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
            if bound.values.contains_key(&decl.name.node) {
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

// ---- types of params -----------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Type {
    Int,
    Bool,
    Str,
    Duration,
    Quantity,
    List(Box<Type>),
    Map(Box<Type>),
    Any,
}

fn parse_type(t: &TypeExpr) -> Option<Type> {
    Some(match (t.name.node.as_str(), &t.arg) {
        ("int", None) => Type::Int,
        ("bool", None) => Type::Bool,
        ("string", None) => Type::Str,
        ("duration", None) => Type::Duration,
        ("quantity", None) => Type::Quantity,
        ("any", None) => Type::Any,
        ("list", Some(a)) => Type::List(Box::new(parse_type(a)?)),
        ("map", Some(a)) => Type::Map(Box::new(parse_type(a)?)),
        ("list", None) => Type::List(Box::new(Type::Any)),
        ("map", None) => Type::Map(Box::new(Type::Any)),
        _ => return None,
    })
}

fn hint(t: &TypeExpr) -> Hint {
    match parse_type(t) {
        Some(Type::Duration) => Hint::Duration,
        Some(Type::Quantity) => Hint::Quantity,
        _ => Hint::None,
    }
}

fn type_text(t: &TypeExpr) -> String {
    match &t.arg {
        Some(a) => format!("{}<{}>", t.name.node, type_text(a)),
        None => t.name.node.clone(),
    }
}

fn type_words(t: &TypeExpr) -> String {
    match parse_type(t) {
        Some(ty) => words(&ty),
        None => format!("a `{}`", type_text(t)),
    }
}

fn words(t: &Type) -> String {
    match t {
        Type::Int => "a whole number".into(),
        Type::Bool => "`true` or `false`".into(),
        Type::Str => "a string".into(),
        Type::Duration => "a duration".into(),
        Type::Quantity => "a quantity".into(),
        Type::List(i) => format!("a list of {}", words(i).trim_start_matches("a ")),
        Type::Map(i) => format!("a map of {}", words(i).trim_start_matches("a ")),
        Type::Any => "a value".into(),
    }
}

fn type_example(t: &TypeExpr) -> &'static str {
    match parse_type(t) {
        Some(Type::Int) => "`5`",
        Some(Type::Bool) => "`true`",
        Some(Type::Str) => "`\"text\"`",
        Some(Type::Duration) => "`30m`",
        Some(Type::Quantity) => "`512Mi`",
        Some(Type::List(_)) => "`[\"a\", \"b\"]`",
        Some(Type::Map(_)) => "`{ key: \"value\" }`",
        _ => "a literal",
    }
}

/// The value converted to the declared type, or what was expected.
fn conform(v: &Value, t: &TypeExpr) -> Result<Value, String> {
    let Some(ty) = parse_type(t) else { return Ok(v.clone()) };
    conform_to(v, &ty).ok_or_else(|| words(&ty))
}

fn conform_to(v: &Value, t: &Type) -> Option<Value> {
    Some(match (t, v) {
        (Type::Any, v) => v.clone(),
        (Type::Int, Value::Int(_)) | (Type::Bool, Value::Bool(_)) | (Type::Str, Value::Str(_)) => v.clone(),
        (Type::Duration, Value::Duration(_)) | (Type::Quantity, Value::Quantity(_)) => v.clone(),
        (Type::Duration, Value::Number(n)) => Value::Duration(crate::values::Duration::parse(n).ok()?),
        (Type::Quantity, Value::Number(n)) => Value::Quantity(crate::values::Quantity::parse(n).ok()?),
        (Type::Quantity, Value::Int(n)) => Value::Quantity(crate::values::Quantity::from_int(*n)),
        (Type::List(inner), Value::List(items)) => {
            Value::List(items.iter().map(|i| conform_to(i, inner)).collect::<Option<_>>()?)
        }
        (Type::Map(inner), Value::Map(entries)) => {
            Value::Map(entries.iter().map(|(k, v)| Some((k.clone(), conform_to(v, inner)?))).collect::<Option<_>>()?)
        }
        _ => return None,
    })
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

// ---- substitution --------------------------------------------------------

fn subst_item(item: &Item, scope: &Scope, x: &Expander) -> Item {
    let kind = match &item.kind {
        ItemKind::Namespace(s) => ItemKind::Namespace(subst_string(s, scope, x)),
        ItemKind::Config { name, body } => {
            ItemKind::Config { name: subst_name(name, scope, x), body: body.as_ref().map(|b| subst_block(b, scope, x)) }
        }
        ItemKind::Secret { name, body } => {
            ItemKind::Secret { name: subst_name(name, scope, x), body: body.as_ref().map(|b| subst_block(b, scope, x)) }
        }
        other => other.clone(),
    };
    Item { kind, span: item.span }
}

fn subst_name(n: &Name, scope: &Scope, x: &Expander) -> Name {
    match n {
        Name::Word(w) => match scope.values.get(&w.node) {
            // A loop variable used as a name: `job t { … }` inside `for t in […]`.
            Some(Expr { kind: ExprKind::Str(s), .. }) => Name::Str(StringLit { parts: s.parts.clone(), span: w.span }),
            _ => n.clone(),
        },
        Name::Str(s) => Name::Str(subst_string(s, scope, x)),
    }
}

fn subst_string(s: &StringLit, scope: &Scope, x: &Expander) -> StringLit {
    let parts = s
        .parts
        .iter()
        .map(|p| match p {
            StrPart::Interp(e) => StrPart::Interp(Box::new(subst_expr(e, scope, x))),
            other => other.clone(),
        })
        .collect();
    StringLit { parts, span: s.span }
}

fn subst_block(b: &Block, scope: &Scope, x: &Expander) -> Block {
    if scope.values.is_empty() && x.modules.is_empty() {
        return b.clone();
    }
    let entries = b
        .entries
        .iter()
        .map(|e| {
            let kind = match &e.kind {
                EntryKind::Field { key, value } => {
                    EntryKind::Field { key: key.clone(), value: subst_expr(value, scope, x) }
                }
                EntryKind::Nested { key, body } => {
                    EntryKind::Nested { key: key.clone(), body: subst_block(body, scope, x) }
                }
                EntryKind::Labeled { key, label, value } => EntryKind::Labeled {
                    key: key.clone(),
                    label: subst_name(label, scope, x),
                    value: match value {
                        LabeledValue::Expr(v) => LabeledValue::Expr(subst_expr(v, scope, x)),
                        LabeledValue::Block(b) => LabeledValue::Block(subst_block(b, scope, x)),
                    },
                },
                EntryKind::Mount(m) => EntryKind::Mount(Mount {
                    source: subst_name(&m.source, scope, x),
                    path: subst_string(&m.path, scope, x),
                    read_only: m.read_only,
                    sub_path: m.sub_path.as_ref().map(|s| subst_string(s, scope, x)),
                }),
            };
            Entry { kind, span: e.span }
        })
        .collect();
    Block { entries, span: b.span }
}

fn subst_expr(e: &Expr, scope: &Scope, x: &Expander) -> Expr {
    let kind = match &e.kind {
        ExprKind::Word(w) => match scope.values.get(w) {
            Some(replacement) => return replacement.clone(),
            None => return e.clone(),
        },
        ExprKind::Str(s) => ExprKind::Str(subst_string(s, scope, x)),
        ExprKind::List(items) => ExprKind::List(items.iter().map(|i| subst_expr(i, scope, x)).collect()),
        ExprKind::Map(entries) => ExprKind::Map(
            entries.iter().map(|m| MapEntry { key: m.key.clone(), value: subst_expr(&m.value, scope, x) }).collect(),
        ),
        ExprKind::Call { name, args } => ExprKind::Call {
            name: name.clone(),
            args: args.iter().map(|a| Arg { name: a.name.clone(), value: subst_expr(&a.value, scope, x) }).collect(),
        },
        ExprKind::Unary { op, operand } => {
            ExprKind::Unary { op: op.clone(), operand: Box::new(subst_expr(operand, scope, x)) }
        }
        ExprKind::Binary { op, lhs, rhs } => ExprKind::Binary {
            op: op.clone(),
            lhs: Box::new(subst_expr(lhs, scope, x)),
            rhs: Box::new(subst_expr(rhs, scope, x)),
        },
        ExprKind::If { cond, then, otherwise } => ExprKind::If {
            cond: Box::new(subst_expr(cond, scope, x)),
            then: Box::new(subst_expr(then, scope, x)),
            otherwise: Box::new(subst_expr(otherwise, scope, x)),
        },
        ExprKind::Field { base, name } => {
            // `module.name` names a module's `let`: replaced by its value.
            if let ExprKind::Word(ns) = &base.kind
                && !scope.values.contains_key(ns)
                && let Some(m) = x.modules.iter().find(|m| m.name == *ns)
            {
                return module_let(m, &name.node, name.span, x, 0).unwrap_or_else(|| e.clone());
            }
            ExprKind::Field { base: Box::new(subst_expr(base, scope, x)), name: name.clone() }
        }
        ExprKind::Index { base, index } => {
            ExprKind::Index { base: Box::new(subst_expr(base, scope, x)), index: Box::new(subst_expr(index, scope, x)) }
        }
        ExprKind::Number(_) | ExprKind::Bool(_) => return e.clone(),
    };
    Expr { kind, span: e.span }
}

/// What a module is asked for by `m.x`.
#[derive(Clone, Copy)]
enum Member {
    Template,
    Let,
}

/// "module `m` has no template `x`" (or `let x`), with the closest name as `m.y`.
fn not_in_module<'k>(
    m: &Module,
    name: &str,
    span: Span,
    member: Member,
    known: impl Iterator<Item = &'k str>,
) -> Diagnostic {
    let known: Vec<&str> = known.collect();
    let (message, label, listed) = match member {
        Member::Template => (
            format!("module `{}` has no template `{name}`", m.name),
            "unknown template",
            format!("`{}` has the templates: {}", m.name, known.join(", ")),
        ),
        Member::Let => (
            format!("module `{}` has no `let {name}`", m.name),
            "not in the module",
            format!("`{}` defines: {}", m.name, known.join(", ")),
        ),
    };
    let help = match closest(name, known.iter().copied()) {
        Some(best) => format!("did you mean `{}.{best}`?", m.name),
        None => listed,
    };
    Diagnostic::error(Code::UnknownName, span, message).label(label).help(help)
}

/// The expression of `let name` in module `m`, with the module's own names replaced.
/// `None` when there is none (reported) or it is in a cycle (reported up front).
fn module_let(m: &Module, name: &str, span: Span, x: &Expander, depth: usize) -> Option<Expr> {
    if m.failed {
        return None;
    }
    let table = x.lets_of(m)?;
    match table.get(name) {
        Some(l) if l.cyclic => None,
        Some(l) if depth <= x.limits.depth => Some(subst_module(&l.value, m, x, depth + 1)),
        Some(_) => {
            // Only a chain through other modules gets here (a module's own cycles are found up front).
            x.report(
                Diagnostic::error(
                    Code::TooDeep,
                    span,
                    format!("`{}.{name}` goes through names more than {} levels deep", m.name, x.limits.depth),
                )
                .label("too deep")
                .help("shorten the chain of `let`s, or raise the limit: `--limit depth=…`"),
            );
            None
        }
        None => {
            x.report(not_in_module(m, name, span, Member::Let, table.names()));
            None
        }
    }
}

/// Replaces the words of `e` that name lets of module `m`.
fn subst_module(e: &Expr, m: &Module, x: &Expander, depth: usize) -> Expr {
    let mut scope = Scope::default();
    for (name, l) in module_lets(m, x) {
        if expr_mentions(e, name)
            && let Some(v) = module_let(m, name, l, x, depth + 1)
        {
            scope.values.insert(name.to_string(), v);
        }
    }
    if scope.values.is_empty() { e.clone() } else { subst_expr(e, &scope, x) }
}

fn subst_block_module(b: &Block, m: &Module, x: &Expander) -> Block {
    let mut scope = Scope::default();
    for (name, l) in module_lets(m, x) {
        if let Some(v) = module_let(m, name, l, x, 1) {
            scope.values.insert(name.to_string(), v);
        }
    }
    if scope.values.is_empty() { b.clone() } else { subst_block(b, &scope, x) }
}

/// The names of module `m`'s `let`s and where each is declared.
fn module_lets<'x>(m: &Module, x: &'x Expander) -> Vec<(&'x str, Span)> {
    match x.lets_of(m) {
        Some(table) => table.names().filter_map(|n| Some((n, table.get(n)?.span))).collect(),
        None => Vec::new(),
    }
}

fn expr_mentions(e: &Expr, name: &str) -> bool {
    match &e.kind {
        ExprKind::Word(w) => w == name,
        ExprKind::Str(s) => s.parts.iter().any(|p| matches!(p, StrPart::Interp(i) if expr_mentions(i, name))),
        ExprKind::List(items) => items.iter().any(|i| expr_mentions(i, name)),
        ExprKind::Map(entries) => entries.iter().any(|m| expr_mentions(&m.value, name)),
        ExprKind::Call { args, .. } => args.iter().any(|a| expr_mentions(&a.value, name)),
        ExprKind::Unary { operand, .. } => expr_mentions(operand, name),
        ExprKind::Binary { lhs, rhs, .. } => expr_mentions(lhs, name) || expr_mentions(rhs, name),
        ExprKind::If { cond, then, otherwise } => {
            expr_mentions(cond, name) || expr_mentions(then, name) || expr_mentions(otherwise, name)
        }
        ExprKind::Field { base, .. } => expr_mentions(base, name),
        ExprKind::Index { base, index } => expr_mentions(base, name) || expr_mentions(index, name),
        ExprKind::Number(_) | ExprKind::Bool(_) => false,
    }
}
