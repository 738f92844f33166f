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
    Namespace(StringLit),
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
    Workload {
        kind: Spanned<WorkloadKind>,
        name: Name,
        body: Block,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    Job,
    Cron,
    Daemon,
}

impl WorkloadKind {
    pub fn keyword(self) -> &'static str {
        match self {
            WorkloadKind::Job => "job",
            WorkloadKind::Cron => "cron",
            WorkloadKind::Daemon => "daemon",
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
}

#[derive(Debug, Clone)]
pub enum LabeledValue {
    Expr(Expr),
    Block(Block),
}

#[derive(Debug, Clone)]
pub struct Mount {
    pub source: Name,
    pub path: StringLit,
    pub read_only: Option<Span>,
    pub sub_path: Option<StringLit>,
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
