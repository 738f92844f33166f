//! The names a file defines and where each is used: lets, params, templates and their
//! parameters, `for` variables, configs, secrets, service accounts, roles and imports. One
//! walk builds the [`Index`]; definition, references, rename, hover on a name and the names
//! offered by completion all read it.

use crate::ast::{
    Arg, Block, EntryKind, Expr, ExprKind, File, Instance, Item, ItemKind, Key, LabeledValue, Name, ObjectKind,
    StrPart, StringLit,
};
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Let,
    Param,
    Template,
    TemplateParam,
    ForVar,
    Config,
    Secret,
    ServiceAccount,
    Role,
    ClusterRole,
    Import,
    /// A pipeline's `task NAME { … }`, named by the `after` of its siblings.
    Task,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Let => "let",
            Kind::Param => "param",
            Kind::Template => "template",
            Kind::TemplateParam => "template parameter",
            Kind::ForVar => "for variable",
            Kind::Config => "config",
            Kind::Secret => "secret",
            Kind::ServiceAccount => "service-account",
            Kind::Role => "role",
            Kind::ClusterRole => "cluster-role",
            Kind::Import => "import",
            Kind::Task => "task",
        }
    }

    /// A value an expression can name with a bare word.
    pub fn is_value(self) -> bool {
        matches!(self, Kind::Let | Kind::Param | Kind::TemplateParam | Kind::ForVar)
    }

    /// Rename is offered where every use is a word the index sees (not a string in a key).
    pub fn renames(self) -> bool {
        matches!(self, Kind::Let | Kind::Param | Kind::Template | Kind::TemplateParam | Kind::ForVar | Kind::Task)
    }
}

#[derive(Debug, Clone)]
pub struct Symbol {
    pub name: String,
    pub kind: Kind,
    /// The name where it is defined.
    pub name_span: Span,
    /// The whole definition (the item, or the parameter).
    pub span: Span,
    /// Where it can be named: `None` for the whole file, or the template or `for` it belongs to.
    pub scope: Option<Span>,
}

#[derive(Debug, Default)]
pub struct Index {
    pub symbols: Vec<Symbol>,
    /// Every use: the span of the name as written, and the symbol it names.
    pub uses: Vec<(Span, usize)>,
}

fn contains(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}

impl Index {
    pub fn build(file: &File) -> Index {
        let mut index = Index::default();
        let mut scopes = vec![Vec::new()];
        define_items(&mut index, &file.items, None, &mut scopes);
        walk_items(&mut index, &file.items, &mut scopes);
        index
    }

    /// The symbol whose definition or a use of which is at `offset`, with the span there.
    pub fn at(&self, offset: usize) -> Option<(usize, Span)> {
        let used = self.uses.iter().find(|(span, _)| contains(*span, offset)).map(|(s, i)| (*i, *s));
        used.or_else(|| {
            self.symbols.iter().enumerate().find(|(_, s)| contains(s.name_span, offset)).map(|(i, s)| (i, s.name_span))
        })
    }

    /// The uses of a symbol, in source order.
    pub fn uses_of(&self, symbol: usize) -> impl Iterator<Item = Span> + '_ {
        self.uses.iter().filter(move |(_, i)| *i == symbol).map(|(s, _)| *s)
    }

    /// The symbols that can be named at `offset`, innermost first.
    pub fn in_scope(&self, offset: usize) -> Vec<&Symbol> {
        let mut found: Vec<&Symbol> =
            self.symbols.iter().filter(|s| s.scope.is_some_and(|sc| contains(sc, offset))).collect();
        found.sort_by_key(|s| std::cmp::Reverse(s.scope.map(|sc| sc.start)));
        found.extend(self.symbols.iter().filter(|s| s.scope.is_none()));
        found
    }
}

/// The names a list of items defines, in the scope being built (the file, or a `for`).
fn define_items(index: &mut Index, items: &[Item], scope: Option<Span>, scopes: &mut [Vec<usize>]) {
    for item in items {
        let mut add = |name: &str, kind: Kind, name_span: Span| {
            index.symbols.push(Symbol { name: name.to_string(), kind, name_span, span: item.span, scope });
            scopes.last_mut().expect("a scope").push(index.symbols.len() - 1);
        };
        match &item.kind {
            ItemKind::Let { name, .. } => add(&name.node, Kind::Let, name.span),
            ItemKind::Param { name, .. } => add(&name.node, Kind::Param, name.span),
            ItemKind::Template { name, .. } => add(&name.node, Kind::Template, name.span),
            ItemKind::Config { name, .. } => add_name(name, Kind::Config, &mut add),
            ItemKind::Secret { name, .. } => add_name(name, Kind::Secret, &mut add),
            ItemKind::Object { kind, name, .. } => {
                let kind = match kind.node {
                    ObjectKind::ServiceAccount => Kind::ServiceAccount,
                    ObjectKind::Role => Kind::Role,
                    ObjectKind::ClusterRole => Kind::ClusterRole,
                    _ => continue,
                };
                add_name(name, kind, &mut add);
            }
            ItemKind::Import(path) => {
                // `import "std/soak"` and `import "./common.pipe"` are named `soak` and `common`.
                if let Some(text) = path.as_plain() {
                    let stem = text.rsplit('/').next().unwrap_or(&text).trim_end_matches(".pipe").to_string();
                    add(&stem, Kind::Import, path.span);
                }
            }
            _ => {}
        }
    }
}

fn add_name(name: &Name, kind: Kind, add: &mut impl FnMut(&str, Kind, Span)) {
    match name {
        Name::Word(w) => add(&w.node, kind, w.span),
        Name::Str(s) => {
            if let (Some(text), Some(span)) = (s.as_plain(), inner_span(s)) {
                add(&text, kind, span);
            }
        }
    }
}

/// A plain string's text without its quotes, when the text is written as is (no escapes).
fn inner_span(s: &StringLit) -> Option<Span> {
    let text = s.as_plain()?;
    let span = Span { file: s.span.file, start: s.span.start + 1, end: s.span.end.saturating_sub(1) };
    (span.len() == text.len()).then_some(span)
}

fn lookup(index: &Index, scopes: &[Vec<usize>], name: &str, wanted: impl Fn(Kind) -> bool) -> Option<usize> {
    scopes.iter().rev().flat_map(|s| s.iter().rev()).copied().find(|&i| {
        let s = &index.symbols[i];
        s.name == name && wanted(s.kind)
    })
}

fn walk_items(index: &mut Index, items: &[Item], scopes: &mut Vec<Vec<usize>>) {
    for item in items {
        match &item.kind {
            ItemKind::For { var, second, iter, items: inner } => {
                walk_expr(index, iter, scopes);
                scopes.push(Vec::new());
                for v in std::iter::once(var).chain(second) {
                    index.symbols.push(Symbol {
                        name: v.node.clone(),
                        kind: Kind::ForVar,
                        name_span: v.span,
                        span: v.span,
                        scope: Some(item.span),
                    });
                    scopes.last_mut().expect("pushed").push(index.symbols.len() - 1);
                }
                define_items(index, inner, Some(item.span), scopes);
                walk_items(index, inner, scopes);
                scopes.pop();
            }
            ItemKind::Template { params, body, .. } => {
                scopes.push(Vec::new());
                for p in params {
                    if let Some(d) = &p.default {
                        walk_expr(index, d, scopes);
                    }
                    index.symbols.push(Symbol {
                        name: p.name.node.clone(),
                        kind: Kind::TemplateParam,
                        name_span: p.name.span,
                        span: p.span,
                        scope: Some(item.span),
                    });
                    scopes.last_mut().expect("pushed").push(index.symbols.len() - 1);
                }
                walk_block(index, body, scopes, In::Plain);
                scopes.pop();
            }
            ItemKind::Let { value, .. } | ItemKind::Param { default: Some(value), .. } => {
                walk_expr(index, value, scopes)
            }
            ItemKind::Workload { instance, body, name, .. } => {
                walk_name(index, name, scopes);
                if let Some(inst) = instance {
                    walk_instance(index, inst, scopes);
                }
                if let Some(b) = body {
                    walk_block(index, b, scopes, In::Plain);
                }
            }
            ItemKind::Object { kind, body: Some(b), .. } if kind.node == ObjectKind::Pipeline => {
                // The tasks are named inside their pipeline only.
                scopes.push(Vec::new());
                for entry in &b.entries {
                    if let EntryKind::Labeled { key, label: Name::Word(w), .. } = &entry.kind
                        && key.text == "task"
                    {
                        index.symbols.push(Symbol {
                            name: w.node.clone(),
                            kind: Kind::Task,
                            name_span: w.span,
                            span: entry.span,
                            scope: Some(item.span),
                        });
                        scopes.last_mut().expect("pushed").push(index.symbols.len() - 1);
                    }
                }
                walk_block(index, b, scopes, In::Pipeline);
                scopes.pop();
            }
            ItemKind::Object { kind, body: Some(b), .. } => {
                let binding = matches!(kind.node, ObjectKind::RoleBinding | ObjectKind::ClusterRoleBinding);
                walk_block(index, b, scopes, if binding { In::Binding } else { In::Plain });
            }
            ItemKind::Config { body: Some(b), .. }
            | ItemKind::Secret { body: Some(b), .. }
            | ItemKind::Namespace(_, Some(b))
            | ItemKind::Defaults(b) => walk_block(index, b, scopes, In::Plain),
            _ => {}
        }
    }
}

fn walk_name(index: &mut Index, name: &Name, scopes: &[Vec<usize>]) {
    if let Name::Str(s) = name {
        walk_string(index, s, scopes);
    }
}

/// What a block is in, for the keys that name things by words or strings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum In {
    Plain,
    /// A role binding: `role = "x"` and `cluster-role = "x"` name a role.
    Binding,
    /// A pipeline: its `task NAME { … }` entries are tasks.
    Pipeline,
    /// A task: `after = [a, b]` names tasks.
    Task,
}

/// `worker(…)` or `soak.stable(…)`: a use of the template (or of the module), and the arguments.
fn walk_instance(index: &mut Index, inst: &Instance, scopes: &[Vec<usize>]) {
    if let Some(first) = inst.path.first() {
        let kind = if inst.path.len() == 2 { Kind::Import } else { Kind::Template };
        if let Some(i) = lookup(index, scopes, &first.node, |k| k == kind) {
            index.uses.push((first.span, i));
        }
    }
    walk_args(index, &inst.args, scopes);
}

/// A block's entries.
fn walk_block(index: &mut Index, block: &Block, scopes: &[Vec<usize>], within: In) {
    // `if let` rather than `match`: entry kinds the walk has nothing to find in (error nodes of
    // the syntax layer) are passed over.
    for entry in &block.entries {
        let inner = |key: &Key| if within == In::Pipeline && key.text == "task" { In::Task } else { In::Plain };
        if let EntryKind::Field { key, value } = &entry.kind {
            let named = match key.text.as_str() {
                "service-account" => Some(Kind::ServiceAccount),
                "role" if within == In::Binding => Some(Kind::Role),
                "cluster-role" if within == In::Binding => Some(Kind::ClusterRole),
                _ => None,
            };
            match named {
                Some(kind) => string_ref(index, value, kind, scopes),
                None if within == In::Task && key.text == "after" => task_refs(index, value, scopes),
                None => walk_expr(index, value, scopes),
            }
        } else if let EntryKind::Nested { key, body }
        | EntryKind::Labeled { key, value: LabeledValue::Block(body), .. } = &entry.kind
        {
            walk_block(index, body, scopes, inner(key))
        } else if let EntryKind::Labeled { key, value: LabeledValue::Instance(boxed), .. } = &entry.kind {
            let (inst, body) = &**boxed;
            walk_instance(index, inst, scopes);
            if let Some(b) = body {
                walk_block(index, b, scopes, inner(key));
            }
        } else if let EntryKind::Labeled { value: LabeledValue::Expr(e), .. } = &entry.kind {
            walk_expr(index, e, scopes)
        } else if let EntryKind::Mount(m) = &entry.kind {
            walk_string(index, &m.path, scopes)
        }
    }
}

/// `after = [extract, clean]`: the words name tasks of the pipeline.
fn task_refs(index: &mut Index, value: &Expr, scopes: &[Vec<usize>]) {
    let ExprKind::List(list) = &value.kind else { return walk_expr(index, value, scopes) };
    for e in list {
        match &e.kind {
            ExprKind::Word(w) => {
                if let Some(i) = lookup(index, scopes, w, |k| k == Kind::Task) {
                    index.uses.push((e.span, i));
                }
            }
            _ => walk_expr(index, e, scopes),
        }
    }
}

/// `service-account = "runner"`: a string that names an item.
fn string_ref(index: &mut Index, value: &Expr, kind: Kind, scopes: &[Vec<usize>]) {
    if let ExprKind::Str(s) = &value.kind
        && let (Some(text), Some(span)) = (s.as_plain(), inner_span(s))
    {
        if let Some(i) = lookup(index, scopes, &text, |k| k == kind) {
            index.uses.push((span, i));
        }
        return;
    }
    walk_expr(index, value, scopes);
}

fn walk_args(index: &mut Index, args: &[Arg], scopes: &[Vec<usize>]) {
    for a in args {
        walk_expr(index, &a.value, scopes);
    }
}

fn walk_string(index: &mut Index, s: &StringLit, scopes: &[Vec<usize>]) {
    for part in &s.parts {
        if let StrPart::Interp(e) = part {
            walk_expr(index, e, scopes);
        }
    }
}

fn walk_expr(index: &mut Index, e: &Expr, scopes: &[Vec<usize>]) {
    match &e.kind {
        ExprKind::Word(w) => {
            if let Some(i) = lookup(index, scopes, w, Kind::is_value) {
                index.uses.push((e.span, i));
            }
        }
        ExprKind::Str(s) => walk_string(index, s, scopes),
        ExprKind::List(list) => list.iter().for_each(|x| walk_expr(index, x, scopes)),
        ExprKind::Map(entries) => {
            for m in entries {
                // A binding's subjects: `{ service-account: "runner" }`.
                if m.key.text == "service-account" {
                    string_ref(index, &m.value, Kind::ServiceAccount, scopes);
                } else {
                    walk_expr(index, &m.value, scopes);
                }
            }
        }
        ExprKind::Call { name, args } => {
            // `config(settings, "key")`, `secret(db)`: the first argument names the item.
            let item = match name.node.as_str() {
                "config" => Some(Kind::Config),
                "secret" => Some(Kind::Secret),
                _ => None,
            };
            let mut rest = args.iter();
            if let Some(kind) = item
                && let Some(first) = args.first().filter(|a| a.name.is_none())
                && let ExprKind::Word(w) = &first.value.kind
                && let Some(i) = lookup(index, scopes, w, |k| k == kind)
            {
                index.uses.push((first.value.span, i));
                rest.next();
            }
            for a in rest {
                walk_expr(index, &a.value, scopes);
            }
        }
        ExprKind::Unary { operand, .. } => walk_expr(index, operand, scopes),
        ExprKind::Binary { lhs, rhs, .. } => {
            walk_expr(index, lhs, scopes);
            walk_expr(index, rhs, scopes);
        }
        ExprKind::If { cond, then, otherwise } => {
            walk_expr(index, cond, scopes);
            walk_expr(index, then, scopes);
            walk_expr(index, otherwise, scopes);
        }
        ExprKind::Field { base, .. } => {
            // `soak.image`: the module's name is a use of the import.
            if let ExprKind::Word(w) = &base.kind
                && lookup(index, scopes, w, Kind::is_value).is_none()
                && let Some(i) = lookup(index, scopes, w, |k| k == Kind::Import)
            {
                index.uses.push((base.span, i));
            } else {
                walk_expr(index, base, scopes);
            }
        }
        ExprKind::Index { base, index: at } => {
            walk_expr(index, base, scopes);
            walk_expr(index, at, scopes);
        }
        ExprKind::Number(_) | ExprKind::Bool(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn index(text: &str) -> (Index, String) {
        let (file, diags) = crate::syntax::parse_with(FileId(0), text, &Default::default());
        assert!(diags.is_empty(), "{diags:?}");
        (Index::build(&file), text.to_string())
    }

    fn uses(index: &Index, text: &str, name: &str) -> Vec<String> {
        let i = index.symbols.iter().position(|s| s.name == name).unwrap();
        index.uses_of(i).map(|s| format!("{}@{}", &text[s.start as usize..s.end as usize], s.start)).collect()
    }

    #[test]
    fn uses_resolve_through_scopes() {
        let text = "let image = \"x\"\nparam n: int = 2\nconfig settings { data = { a: \"1\" } }\n\
                    service-account runner\n\
                    template worker(image: string) { image = image, env { A = config(settings, \"a\") } }\n\
                    for i in 0..n {\n  job \"w-${i}\" = worker(image = image) { service-account = \"runner\" }\n}\n";
        let (index, text) = index(text);
        // The template's parameter hides the let inside the template; outside, the let is used.
        assert_eq!(uses(&index, &text, "image").len(), 1);
        let param = index.symbols.iter().position(|s| s.kind == Kind::TemplateParam).unwrap();
        assert_eq!(index.uses_of(param).count(), 1);
        assert_eq!(uses(&index, &text, "n").len(), 1);
        assert_eq!(uses(&index, &text, "settings").len(), 1);
        assert_eq!(uses(&index, &text, "worker").len(), 1);
        assert_eq!(uses(&index, &text, "runner").len(), 1);
        assert_eq!(uses(&index, &text, "i").len(), 1);
        let names: Vec<&str> = index.in_scope(text.find("w-").unwrap()).iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names[0], "i");
        assert!(names.contains(&"image") && !names.contains(&"nothing"));
    }

    #[test]
    fn bindings_name_roles_and_accounts_by_strings() {
        let text = "service-account runner { automount-service-account-token = false }\nrole runner { rules = [] }\n\
                    cluster-role view\nrole-binding b {\n  role = \"runner\"\n  subjects = [{ service-account: \"runner\" }]\n}\n\
                    cluster-role-binding c { cluster-role = \"view\", subjects = [{ service-account: \"runner\" }] }\n";
        let (index, text) = index(text);
        let of = |kind: Kind| {
            let i = index.symbols.iter().position(|s| s.kind == kind).unwrap();
            index.uses_of(i).map(|s| text[..s.start as usize].matches('\n').count()).collect::<Vec<_>>()
        };
        assert_eq!(of(Kind::ServiceAccount), [5, 7]);
        assert_eq!(of(Kind::Role), [4]);
        assert_eq!(of(Kind::ClusterRole), [7]);
    }
}
