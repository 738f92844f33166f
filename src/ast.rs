//! The syntax tree. Every node carries the span of its source text; comments are
//! kept beside the items (for the formatter and the language server to come).
//! The tree says what was written, not what it means: `5m` is a number with the
//! unit `m` here, and becomes minutes or milli-units only in `check`.

use crate::source::{Span, Spanned};

#[derive(Debug, Clone)]
pub struct File {
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone)]
pub struct Comment {
    /// The text after `#`.
    pub text: String,
    pub span: Span,
}

pub type Ident = Spanned<String>;

#[derive(Debug, Clone)]
pub struct Item {
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ItemKind {
    /// `namespace "qa"`; with a block (`namespace "qa" { labels = {…} }`) the Namespace object is emitted too.
    Namespace(StringLit, Option<Block>),
    /// `import "./common.pipe"` or `import "std/soak"`: the module's templates and
    /// `let`s become `common.name` / `soak.name`.
    Import(StringLit),
    /// `param replicas: int = 5`, set with `--set replicas=8`.
    Param {
        name: Ident,
        ty: TypeExpr,
        default: Option<Expr>,
    },
    /// `template worker(image: string, cpu: quantity = 1) { … }`
    Template {
        name: Ident,
        params: Vec<ParamDecl>,
        body: Block,
    },
    /// `for shard in 0..8 { … }`, `for key, value in map { … }`
    For {
        var: Ident,
        second: Option<Ident>,
        iter: Expr,
        items: Vec<Item>,
    },
    Let {
        name: Ident,
        value: Expr,
    },
    /// `config name { … }` is emitted; `config name` alone refers to a ConfigMap the cluster has.
    Config {
        name: Name,
        body: Option<Block>,
    },
    Secret {
        name: Name,
        body: Option<Block>,
    },
    /// `service-account NAME { … }`, `role NAME { … }`, …: an object around the workloads.
    /// `role NAME` / `cluster-role NAME` without a block refer to one the cluster has.
    Object {
        kind: Spanned<ObjectKind>,
        name: Name,
        body: Option<Block>,
    },
    /// `defaults { pod-security = restricted }`: what the program's workloads get where they do not say.
    Defaults(Block),
    /// `job a { … }`, or `job a = worker(…) { … }` from a template.
    Workload {
        kind: Spanned<WorkloadKind>,
        name: Name,
        instance: Option<Instance>,
        body: Option<Block>,
    },
}

/// `worker(image = "…")` or `soak.stable(…)`: a template used for a workload.
#[derive(Debug, Clone)]
pub struct Instance {
    /// `["soak", "stable"]` for `soak.stable`.
    pub path: Vec<Ident>,
    pub args: Vec<Arg>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ParamDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub span: Span,
}

/// `int`, `list<string>`, `map<string>`…
#[derive(Debug, Clone)]
pub struct TypeExpr {
    pub name: Ident,
    pub arg: Option<Box<TypeExpr>>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    Job,
    Cron,
    Daemon,
    Deployment,
    /// `spark NAME { … }`: a Spark application, its driver pod written as a workload's.
    Spark,
}

impl WorkloadKind {
    pub fn keyword(self) -> &'static str {
        match self {
            WorkloadKind::Job => "job",
            WorkloadKind::Cron => "cron",
            WorkloadKind::Daemon => "daemon",
            WorkloadKind::Deployment => "deployment",
            WorkloadKind::Spark => "spark",
        }
    }
}

/// The kinds written `keyword NAME { … }` that are not workloads (ServiceAccount, RBAC, Service).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    ServiceAccount,
    Role,
    ClusterRole,
    RoleBinding,
    ClusterRoleBinding,
    Service,
    /// `pipeline NAME { task a { … } task b { after = [a] … } }`: a graph of Jobs.
    Pipeline,
}

impl ObjectKind {
    pub fn keyword(self) -> &'static str {
        match self {
            ObjectKind::ServiceAccount => "service-account",
            ObjectKind::Role => "role",
            ObjectKind::ClusterRole => "cluster-role",
            ObjectKind::RoleBinding => "role-binding",
            ObjectKind::ClusterRoleBinding => "cluster-role-binding",
            ObjectKind::Service => "service",
            ObjectKind::Pipeline => "pipeline",
        }
    }
}

/// An object name: a bare word (`stable-test`) or a string (`"sync-${shard}"`).
#[derive(Debug, Clone)]
pub enum Name {
    Word(Ident),
    Str(StringLit),
}

impl Name {
    pub fn span(&self) -> Span {
        match self {
            Name::Word(w) => w.span,
            Name::Str(s) => s.span,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Block {
    pub entries: Vec<Entry>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: EntryKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum EntryKind {
    /// `key = value`
    Field { key: Key, value: Expr },
    /// `key { … }`
    Nested { key: Key, body: Block },
    /// `container sidecar { … }` or `volume scratch = empty-dir()`
    Labeled { key: Key, label: Name, value: LabeledValue },
    /// `mount NAME at "PATH" [readonly] [subpath "…"]`
    Mount(Mount),
    /// An entry that does not parse (the entry's span is its text). The syntax error is
    /// reported where it is; later stages skip the entry without a word. `key` is the
    /// entry's first word when it could be a key (`retri` in `retri }`), for tools.
    Error { key: Option<Key> },
}

#[derive(Debug, Clone)]
pub enum LabeledValue {
    Expr(Expr),
    Block(Block),
    /// `task load = etl(step = "load") { after = [transform] }`: a template used for a
    /// pipeline's task, with an optional block over it (boxed: rare, and every entry pays for its size).
    Instance(Box<(Instance, Option<Block>)>),
}

#[derive(Debug, Clone)]
pub struct Mount {
    pub source: Name,
    pub path: StringLit,
    pub read_only: Option<Span>,
    pub sub_path: Option<StringLit>,
    /// `propagation host-to-container`: the word as written (the checker reads it).
    /// Boxed: a mount is the largest entry, and every entry of every block pays for it.
    pub propagation: Option<Box<Ident>>,
}

/// A key: a word, or a string where the key is not a word (`"app.yaml"`).
#[derive(Debug, Clone)]
pub struct Key {
    pub text: String,
    pub span: Span,
    pub quoted: bool,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Str(StringLit),
    /// Digits with an optional unit glued on, exactly as written.
    Number(String),
    Bool(bool),
    /// A bare word: a `let` variable, or a choice such as `never` or `forbid`.
    Word(String),
    List(Vec<Expr>),
    Map(Vec<MapEntry>),
    Call {
        name: Ident,
        args: Vec<Arg>,
    },
    Unary {
        op: Spanned<UnaryOp>,
        operand: Box<Expr>,
    },
    Binary {
        op: Spanned<BinaryOp>,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `base.name`: a module's member, or a map's entry.
    Field {
        base: Box<Expr>,
        name: Ident,
    },
    /// `base[index]`
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Range,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Range => "..",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }

    /// Binding strength for the Pratt parser (higher binds tighter).
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => 3,
            BinaryOp::Range => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 6,
        }
    }
}

#[derive(Debug, Clone)]
pub struct MapEntry {
    pub key: Key,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct StringLit {
    pub parts: Vec<StrPart>,
    pub span: Span,
}

impl StringLit {
    /// The string's text when it has no interpolation.
    pub fn as_plain(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Interp(_) | StrPart::Invalid => return None,
            }
        }
        Some(out)
    }
}

#[derive(Debug, Clone)]
pub enum StrPart {
    /// Text with escapes already decoded.
    Text(String),
    Interp(Box<Expr>),
    /// A part the parser already reported (a bad escape, an empty `${}`): the
    /// string has no value, and nothing more is said about it.
    Invalid,
}
