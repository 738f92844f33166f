//! Graphviz DOT: `pipec graph --format dot FILE | dot -Tsvg > graph.svg`.

use super::model::{Graph, Node, NodeKind};
use std::fmt::Write;

pub fn render(graph: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quote(&graph.title));
    out.push_str(
        "  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    let _ = writeln!(out, "  label={};\n  labelloc=t;", quote(&summary(graph)));
    for (index, group) in graph.groups.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{index} {{");
        let mut label = format!("group {} · {} pod{}", group.name, group.pods, if group.pods == 1 { "" } else { "s" });
        if !group.footprint.is_empty() {
            label.push_str(&format!("\npeak {}", group.footprint.describe()));
        }
        let _ = writeln!(out, "    label={};\n    style=rounded;", quote(&label));
        for node in graph.nodes.iter().filter(|n| n.group == Some(index)) {
            node_line(&mut out, node, "    ");
        }
        out.push_str("  }\n");
    }
    for node in graph.nodes.iter().filter(|n| n.group.is_none()) {
        node_line(&mut out, node, "  ");
    }
    for edge in &graph.edges {
        let mut label = edge.kind.label().to_string();
        if !edge.note.is_empty() {
            label.push_str(&format!("\n{}", edge.note));
        }
        let style = match edge.kind {
            super::EdgeKind::Selects | super::EdgeKind::Reaches | super::EdgeKind::Creates => "solid",
            _ => "dashed",
        };
        let _ =
            writeln!(out, "  {} -> {} [label={}, style={style}];", quote(&edge.from), quote(&edge.to), quote(&label));
    }
    out.push_str("}\n");
    out
}

/// The program's peak, shown as the graph's title.
pub(super) fn summary(graph: &Graph) -> String {
    let pods = if graph.pods == 1 { "1 pod".to_string() } else { format!("{} pods", graph.pods) };
    let mut text = format!("{} · {pods} at peak", graph.title);
    if !graph.footprint.is_empty() {
        text.push_str(&format!(" · {}", graph.footprint.describe()));
    }
    if !graph.per_node.is_empty() {
        text.push_str(&format!(" · per node {}", graph.per_node.describe()));
    }
    text
}

fn node_line(out: &mut String, node: &Node, indent: &str) {
    let shape = match node.kind {
        NodeKind::Workload => "box",
        NodeKind::Service => "ellipse",
        NodeKind::ServiceAccount => "note",
        NodeKind::Role => "component",
        NodeKind::ConfigMap => "folder",
        NodeKind::Created => "box3d",
    };
    let mut label = node.title.clone();
    for line in &node.lines {
        label.push('\n');
        label.push_str(line);
    }
    let style = if node.external { ", style=dashed" } else { "" };
    let _ = writeln!(out, "{indent}{} [shape={shape}, label={}{style}];", quote(&node.id), quote(&label));
}

/// A DOT string: quotes and backslashes escaped, line breaks as `\n`.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}
