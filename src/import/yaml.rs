//! YAML documents as trees whose every node keeps its span in the file, read with
//! `saphyr-parser` (events with positions; why: docs/dependencies.md). Kubernetes
//! reads YAML into JSON values, so the tree turns into a `serde_json::Value` for the
//! conversion, and the spans stay here for the diagnostics.

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::Value;

/// One YAML node and where it was written.
#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A scalar; `plain` when it was written without quotes (so `100` is a number).
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Entries in the order written; each key is a scalar with its own span.
    Map(Vec<(Key, Node)>),
}

#[derive(Clone, Debug)]
pub struct Key {
    pub text: String,
    pub span: Span,
}

impl Node {
    /// The entry `key` of a map node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.text == key).map(|(k, v)| (k, v)),
            _ => None,
        }
    }
    /// The node at a JSON-like path (`["spec", "template"]`), through maps only.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, seg| n.get(seg))
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The value as Kubernetes reads it (YAML 1.2 core schema for plain scalars).
    pub fn to_json(&self) -> Value {
        match &self.kind {
            NodeKind::Scalar { text, plain: false } => Value::String(text.clone()),
            NodeKind::Scalar { text, plain: true } => plain_scalar(text),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => {
                Value::Object(entries.iter().map(|(k, v)| (k.text.clone(), v.to_json())).collect())
            }
        }
    }
}

/// `100` → 100, `true` → true, `~` → null, anything else a string.
fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = text.trim_start_matches('+').parse::<i64>()
    {
        return Value::from(n);
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(n) = i64::from_str_radix(hex, 16)
    {
        return Value::from(n);
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(n) = i64::from_str_radix(oct, 8)
    {
        return Value::from(n);
    }
    let float_like = digits.bytes().any(|b| b.is_ascii_digit())
        && digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && !digits.starts_with(['e', 'E']);
    if float_like
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text.to_string())
}

/// Byte offsets of character indexes (saphyr's markers count characters).
struct Offsets {
    ascii: bool,
    starts: Vec<u32>,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        let ascii = text.is_ascii();
        let starts = if ascii {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i as u32).chain([text.len() as u32]).collect()
        };
        Offsets { ascii, starts }
    }
    fn byte(&self, char_index: usize) -> usize {
        if self.ascii { char_index } else { self.starts.get(char_index).copied().unwrap_or(u32::MAX) as usize }
    }
}

/// A parse failure: the diagnostic, and the line (0-based) the parser stopped at.
pub struct ParseError {
    pub diagnostic: Box<Diagnostic>,
    pub line: usize,
}

/// Collections nested deeper than this are refused (the tree is walked recursively).
const MAX_DEPTH: usize = 500;
/// Nodes one file may hold once aliases are expanded (a "billion laughs" file is refused).
const MAX_NODES: usize = 2_000_000;

fn count(n: &Node) -> usize {
    match &n.kind {
        NodeKind::Scalar { .. } => 1,
        NodeKind::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        NodeKind::Map(entries) => 1 + entries.iter().map(|(_, v)| 1 + count(v)).sum::<usize>(),
    }
}

/// Every document of a file (empty documents left out).
pub fn parse(file: FileId, text: &str) -> Result<Vec<Node>, ParseError> {
    let offsets = Offsets::new(text);
    let span = |s: saphyr_parser::Span| {
        let start = offsets.byte(s.start.index()).min(text.len());
        Span::new(file, start, offsets.byte(s.end.index()).clamp(start, text.len()))
    };
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    // Open collections: the node being built and, for a map, the key waiting for its value.
    let mut stack: Vec<(Node, Option<Key>)> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, Node> = std::collections::HashMap::new();
    let mut anchor_of: Vec<usize> = Vec::new();
    let mut nodes = 0usize;
    let too_much = |at: saphyr_parser::Span, what: &str| {
        let span = span(at);
        let diagnostic = Diagnostic::error(Code::ImportYaml, span, format!("this YAML {what}")).label("here").help(
            format!("Kubernetes objects are nested a few levels deep and hold far fewer than {MAX_NODES} values"),
        );
        ParseError { diagnostic: Box::new(diagnostic), line: 0 }
    };
    while let Some(next) = parser.next_event() {
        let (event, at) = match next {
            Ok(e) => e,
            Err(e) => {
                let offset = offsets.byte(e.marker().index()).min(text.len());
                let end = text[offset..].find('\n').map_or(text.len(), |n| offset + n).max(offset);
                let line = e.marker().line().saturating_sub(1);
                let diagnostic = Diagnostic::error(Code::ImportYaml, Span::new(file, offset, end), "this is not valid YAML")
                    .label(e.info().to_string())
                    .help("fix the YAML here: each key of a map at the same indentation, a value after `key:` on its line or indented below it");
                return Err(ParseError { diagnostic: Box::new(diagnostic), line });
            }
        };
        let node = match event {
            Event::Scalar(text, style, anchor, _) => {
                let node = Node {
                    kind: NodeKind::Scalar { text: text.into_owned(), plain: style == ScalarStyle::Plain },
                    span: span(at),
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(n) => {
                    nodes += count(n);
                    if nodes > MAX_NODES {
                        return Err(too_much(at, "expands its aliases to too many values"));
                    }
                    n.clone()
                }
                None => continue,
            },
            Event::SequenceStart(..) | Event::MappingStart(..) if stack.len() >= MAX_DEPTH => {
                return Err(too_much(at, &format!("is nested more than {MAX_DEPTH} levels deep")));
            }
            Event::SequenceStart(anchor, _) => {
                anchor_of.push(anchor);
                stack.push((Node { kind: NodeKind::Seq(Vec::new()), span: span(at) }, None));
                continue;
            }
            Event::MappingStart(anchor, _) => {
                anchor_of.push(anchor);
                stack.push((Node { kind: NodeKind::Map(Vec::new()), span: span(at) }, None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((mut node, _)) = stack.pop() else { continue };
                node.span = node.span.to(span(at));
                if let Some(anchor) = anchor_of.pop()
                    && anchor > 0
                {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::DocumentEnd | Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::Nothing => {
                continue;
            }
        };
        match stack.last_mut() {
            None => {
                if !matches!(&node.kind, NodeKind::Scalar { text, plain: true } if text.is_empty()) {
                    docs.push(node);
                }
            }
            Some((Node { kind: NodeKind::Seq(items), span }, _)) => {
                *span = span.to(node.span);
                items.push(node);
            }
            Some((Node { kind: NodeKind::Map(entries), span }, pending)) => {
                *span = span.to(node.span);
                match pending.take() {
                    Some(key) => entries.push((key, node)),
                    None => {
                        let text = match &node.kind {
                            NodeKind::Scalar { text, .. } => text.clone(),
                            _ => String::new(),
                        };
                        *pending = Some(Key { text, span: node.span });
                    }
                }
            }
            Some(_) => {}
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_keep_their_spans_and_values() {
        let text = "a: 1\nb:\n  - x\n  - 'y'\nc: {d: true}\n---\ne: ~\n";
        let docs = parse(FileId(0), text).ok().unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].to_json(), serde_json::json!({"a": 1, "b": ["x", "y"], "c": {"d": true}}));
        let (key, value) = docs[0].entry("b").unwrap();
        assert_eq!(&text[key.span.start as usize..key.span.end as usize], "b");
        let y = match &value.kind {
            NodeKind::Seq(items) => &items[1],
            _ => panic!(),
        };
        assert_eq!(&text[y.span.start as usize..y.span.end as usize], "'y'");
        assert_eq!(docs[1].to_json(), serde_json::json!({"e": null}));
    }

    #[test]
    fn plain_scalars_resolve_as_kubernetes_reads_them() {
        assert_eq!(plain_scalar("604800"), Value::from(604800));
        assert_eq!(plain_scalar("0.5"), serde_json::json!(0.5));
        assert_eq!(plain_scalar("500m"), Value::from("500m"));
        assert_eq!(plain_scalar("1e3"), serde_json::json!(1000.0));
        assert_eq!(plain_scalar("-"), Value::from("-"));
        assert_eq!(plain_scalar("v1.2"), Value::from("v1.2"));
    }

    #[test]
    fn broken_yaml_is_a_diagnostic_at_its_line() {
        let Err(e) = parse(FileId(0), "a:\n  b: 1\n c: 2\n") else { panic!("parsed") };
        assert_eq!(e.line, 2);
    }

    #[test]
    fn non_ascii_text_keeps_byte_spans() {
        let text = "a: é\nb: x\n";
        let docs = parse(FileId(0), text).ok().unwrap();
        let (key, _) = docs[0].entry("b").unwrap();
        assert_eq!(&text[key.span.start as usize..key.span.end as usize], "b");
    }
}
