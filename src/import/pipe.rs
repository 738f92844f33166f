//! The `.pipe` text `import` writes, as a small tree (items, entries, values) and the one
//! function that prints it (`render`), in the layout of the examples: two-space
//! indentation, short maps and blocks on one line, long ones one entry a line.

use crate::syntax::keywords;

/// A value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Expr {
    Str(String),
    Int(i64),
    /// Written as it is: a choice (`never`), a duration (`7d`), a quantity (`500m`), a bool, a name.
    Word(String),
    List(Vec<Expr>),
    /// `{ key: value }`.
    Map(Vec<(String, Expr)>),
    /// `name(arg, key = value)`.
    Call(String, Vec<(Option<String>, Expr)>),
}

impl Expr {
    pub fn str(s: impl Into<String>) -> Expr {
        Expr::Str(s.into())
    }
    pub fn word(s: impl Into<String>) -> Expr {
        Expr::Word(s.into())
    }
}

/// One line (or block) inside an item.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// `key = value`.
    Set(String, Expr),
    /// `key { … }`.
    Block(String, Vec<Entry>),
    /// `container NAME { … }`.
    Labeled(String, String, Vec<Entry>),
    /// `volume NAME = value`.
    LabeledValue(String, String, Expr),
    /// A statement written as it is (`mount x at "/p" readonly`).
    Line(String),
    /// `# …` on its own line.
    Comment(String),
}

/// A top-level item: `job NAME { … }`, `config NAME`, `namespace "x" { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub comments: Vec<String>,
    pub keyword: String,
    pub name: String,
    /// `None`: a declaration without a block (`secret db`).
    pub body: Option<Vec<Entry>>,
}

/// A whole file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    pub header: Vec<String>,
    pub namespace: Option<Item>,
    /// `defaults { pod-security = restricted, … }`.
    pub defaults: Option<Vec<(String, Expr)>>,
    pub lets: Vec<(String, Expr)>,
    /// Declarations of what the objects refer to (`config x`, `secret y`, `cluster-role view`).
    pub declarations: Vec<Item>,
    pub items: Vec<Item>,
}

/// Lines longer than this are split (entries one a line).
const WIDTH: usize = 100;

/// The file as `.pipe` text.
pub fn render(file: &File) -> String {
    let mut out = String::new();
    for line in &file.header {
        comment(&mut out, "", line);
    }
    let mut sections: Vec<String> = Vec::new();
    if let Some(ns) = &file.namespace {
        let mut s = String::new();
        item(&mut s, ns, true);
        sections.push(s);
    }
    if let Some(settings) = &file.defaults {
        let parts: Vec<String> = settings.iter().map(|(k, v)| format!("{k} = {}", inline(v))).collect();
        sections.push(format!("defaults {{ {} }}\n", parts.join(", ")));
    }
    if !file.lets.is_empty() {
        let mut s = String::new();
        for (name, value) in &file.lets {
            s.push_str(&format!("let {name} = {}\n", inline(value)));
        }
        sections.push(s);
    }
    if !file.declarations.is_empty() {
        let mut s = String::new();
        for d in &file.declarations {
            item(&mut s, d, false);
        }
        sections.push(s);
    }
    for i in &file.items {
        let mut s = String::new();
        item(&mut s, i, false);
        sections.push(s);
    }
    if !file.header.is_empty() && !sections.is_empty() {
        out.push('\n');
    }
    out.push_str(&sections.join("\n"));
    out
}

fn comment(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        out.push_str(indent);
        out.push_str(if line.is_empty() { "#" } else { "# " });
        out.push_str(line);
        out.push('\n');
    }
}

fn item(out: &mut String, i: &Item, namespace: bool) {
    let name = match i.keyword.as_str() {
        // `for i in 0..3`: the loop's head, written as it is.
        "for" => i.name.clone(),
        _ if namespace => quote(&i.name),
        _ => name(&i.name),
    };
    item_named(out, i, &name);
}

/// An item with its name already written (a `for`'s items: `job "sync-${i}" { … }`).
pub fn item_named(out: &mut String, i: &Item, name: &str) {
    for c in &i.comments {
        comment(out, "", c);
    }
    match &i.body {
        None => out.push_str(&format!("{} {name}\n", i.keyword)),
        // `namespace "x" {}` is the Namespace object itself; `namespace "x"` only names it.
        Some(body) if body.is_empty() => out.push_str(&format!("{} {name} {{}}\n", i.keyword)),
        Some(body) => {
            out.push_str(&format!("{} {name} {{\n", i.keyword));
            entries(out, body, "  ");
            out.push_str("}\n");
        }
    }
}

/// The entries of a block, one a line, at `indent`.
fn entries(out: &mut String, list: &[Entry], indent: &str) {
    for e in list {
        match e {
            Entry::Set(key, value) => {
                let head = format!("{indent}{} = ", self::key(key));
                out.push_str(&head);
                out.push_str(&value_at(value, indent, head.len()));
                out.push('\n');
            }
            Entry::Block(key, body) => block(out, indent, &self::key(key), body),
            Entry::Labeled(key, label, body) => {
                block(out, indent, &format!("{} {}", self::key(key), self::label(label)), body)
            }
            Entry::LabeledValue(key, label, value) => {
                let head = format!("{indent}{} {} = ", self::key(key), self::label(label));
                out.push_str(&head);
                out.push_str(&value_at(value, indent, head.len()));
                out.push('\n');
            }
            Entry::Line(text) => {
                out.push_str(indent);
                out.push_str(text);
                out.push('\n');
            }
            Entry::Comment(text) => comment(out, indent, text),
        }
    }
}

fn block(out: &mut String, indent: &str, head: &str, body: &[Entry]) {
    let simple = body.iter().all(|e| matches!(e, Entry::Set(..)));
    if simple {
        let parts: Vec<String> = body
            .iter()
            .map(|e| match e {
                Entry::Set(k, v) => format!("{} = {}", key(k), inline(v)),
                _ => unreachable!("only Set entries"),
            })
            .collect();
        let line = format!("{indent}{head} {{ {} }}", parts.join(", "));
        if line.len() <= WIDTH && !line.contains('\n') {
            out.push_str(&line);
            out.push('\n');
            return;
        }
    }
    out.push_str(&format!("{indent}{head} {{\n"));
    entries(out, body, &format!("{indent}  "));
    out.push_str(&format!("{indent}}}\n"));
}

/// A value on one line if it fits, else lists and maps one element a line.
fn value_at(v: &Expr, indent: &str, column: usize) -> String {
    let one = inline(v);
    if column + one.len() <= WIDTH {
        return one;
    }
    let inner = format!("{indent}  ");
    match v {
        Expr::List(items) if !items.is_empty() => {
            let mut s = String::from("[\n");
            for x in items {
                s.push_str(&format!("{inner}{},\n", value_at(x, &inner, inner.len())));
            }
            s.push_str(&format!("{indent}]"));
            s
        }
        Expr::Map(entries) if !entries.is_empty() => {
            let mut s = String::from("{\n");
            for (k, x) in entries {
                let head = format!("{inner}{}: ", key(k));
                s.push_str(&format!("{head}{},\n", value_at(x, &inner, head.len())));
            }
            s.push_str(&format!("{indent}}}"));
            s
        }
        Expr::Call(name, args) if !args.is_empty() => {
            let mut s = format!("{name}(\n");
            for (k, x) in args {
                let head = match k {
                    Some(k) => format!("{inner}{k} = "),
                    None => inner.clone(),
                };
                s.push_str(&format!("{head}{},\n", value_at(x, &inner, head.len())));
            }
            s.push_str(&format!("{indent})"));
            s
        }
        _ => one,
    }
}

/// A value on one line.
pub fn inline(v: &Expr) -> String {
    match v {
        Expr::Str(s) => quote(s),
        Expr::Int(n) => n.to_string(),
        Expr::Word(w) => w.clone(),
        Expr::List(items) => format!("[{}]", items.iter().map(inline).collect::<Vec<_>>().join(", ")),
        Expr::Map(entries) if entries.is_empty() => "{}".into(),
        Expr::Map(entries) => {
            format!(
                "{{ {} }}",
                entries.iter().map(|(k, x)| format!("{}: {}", key(k), inline(x))).collect::<Vec<_>>().join(", ")
            )
        }
        Expr::Call(name, args) => format!(
            "{name}({})",
            args.iter()
                .map(|(k, x)| match k {
                    Some(k) => format!("{k} = {}", inline(x)),
                    None => inline(x),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A string literal: `\` `"` `$` and control characters escaped (one line).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `[A-Za-z_][A-Za-z0-9_-]*`.
fn is_word(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// An item's name: a word unless the language reserves it or it is not one.
pub fn name(s: &str) -> String {
    if is_word(s) && !keywords::lookup(s).is_some_and(|k| k.is_reserved()) { s.to_string() } else { quote(s) }
}

/// A key in a block or a map: a word unless it starts an item or is not one.
pub fn key(s: &str) -> String {
    let item_word = keywords::lookup(s).is_some_and(|k| k.role == keywords::Role::Strict);
    if is_word(s) && !item_word { s.to_string() } else { quote(s) }
}

/// A container's or a volume's name: any word, else a string.
fn label(s: &str) -> String {
    if is_word(s) { s.to_string() } else { quote(s) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_blocks_stay_on_one_line_long_ones_split() {
        let job = Item {
            comments: vec![],
            keyword: "job".into(),
            name: "pi".into(),
            body: Some(vec![
                Entry::Set("image".into(), Expr::str("perl:5.34")),
                Entry::Block("resources".into(), vec![Entry::Set("cpu".into(), Expr::word("500m"))]),
                Entry::Set("args".into(), Expr::List((0..20).map(|i| Expr::str(format!("argument-{i}"))).collect())),
            ]),
        };
        let text = render(&File { items: vec![job], ..Default::default() });
        assert!(
            text.starts_with("job pi {\n  image = \"perl:5.34\"\n  resources { cpu = 500m }\n  args = [\n"),
            "{text}"
        );
        assert!(text.ends_with("    \"argument-19\",\n  ]\n}\n"), "{text}");
    }

    #[test]
    fn names_and_keys_are_quoted_where_the_grammar_needs_it() {
        assert_eq!(name("stable-test"), "stable-test");
        assert_eq!(name("a.b"), "\"a.b\"");
        assert_eq!(name("template"), "\"template\"");
        assert_eq!(key("app.kubernetes.io/name"), "\"app.kubernetes.io/name\"");
        assert_eq!(key("job"), "\"job\"");
        assert_eq!(quote("${x}\n"), "\"\\${x}\\n\"");
    }
}
