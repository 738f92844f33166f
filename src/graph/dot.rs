//! Graphviz DOT: `pipec graph --format dot FILE | dot -Tsvg > graph.svg`.

use super::model::{EdgeKind, Graph, Node, NodeKind};
use super::pipeline;
use std::fmt::Write;

/// How a critical path's tasks and steps stand out.
const CRITICAL: &str = ", penwidth=2.5, color=\"#c0392b\"";

/// The fan-out groups in the pipeline `pipeline` (None: at the top), each a cluster.
fn groups(out: &mut String, graph: &Graph, pipeline: Option<usize>, indent: &str) {
    for (index, group) in graph.groups.iter().enumerate().filter(|(_, g)| g.pipeline == pipeline) {
        let _ = writeln!(out, "{indent}subgraph cluster_{index} {{");
        let mut label = format!("group {} · {} pod{}", group.name, group.pods, if group.pods == 1 { "" } else { "s" });
        if !group.footprint.is_empty() {
            label.push_str(&format!("\npeak {}", group.footprint.describe()));
        }
        let _ = writeln!(out, "{indent}  label={};\n{indent}  style=rounded;", quote(&label));
        for node in graph.nodes.iter().filter(|n| n.group == Some(index)) {
            node_line(out, graph, node, &format!("{indent}  "));
        }
        let _ = writeln!(out, "{indent}}}");
    }
}

pub fn render(graph: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quote(&graph.title));
    out.push_str(
        "  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    let _ = writeln!(out, "  label={};\n  labelloc=t;", quote(&summary(graph)));
    for (index, cluster) in graph.pipelines.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_pipeline_{index} {{");
        let _ = writeln!(out, "    label={};\n    style=rounded;\n    labeljust=l;", quote(&cluster.lines.join("\n")));
        groups(&mut out, graph, Some(index), "    ");
        for node in graph.nodes.iter().filter(|n| n.pipeline == Some(index) && n.group.is_none()) {
            node_line(&mut out, graph, node, "    ");
        }
        out.push_str("  }\n");
    }
    groups(&mut out, graph, None, "  ");
    for node in graph.nodes.iter().filter(|n| n.group.is_none() && n.pipeline.is_none()) {
        node_line(&mut out, graph, node, "  ");
    }
    for edge in &graph.edges {
        let mut label = edge.kind.label().to_string();
        if !edge.note.is_empty() {
            label.push_str(&format!("\n{}", edge.note));
        }
        let style = match edge.kind {
            EdgeKind::Selects | EdgeKind::Reaches | EdgeKind::Creates | EdgeKind::Then | EdgeKind::Starts => "solid",
            _ => "dashed",
        };
        let critical = if pipeline::critical_edge(graph, edge) { CRITICAL } else { "" };
        let _ = writeln!(
            out,
            "  {} -> {} [label={}, style={style}{critical}];",
            quote(&edge.from),
            quote(&edge.to),
            quote(&label)
        );
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

fn node_line(out: &mut String, graph: &Graph, node: &Node, indent: &str) {
    let shape = match node.kind {
        NodeKind::Workload => "box",
        NodeKind::Service => "ellipse",
        NodeKind::ServiceAccount => "note",
        NodeKind::Role => "component",
        NodeKind::ConfigMap => "folder",
        NodeKind::Created => "box3d",
        NodeKind::Task => "box",
    };
    let mut label = node.title.clone();
    for line in &node.lines {
        label.push('\n');
        label.push_str(line);
    }
    let mut style = if node.external { ", style=dashed" } else { "" }.to_string();
    if node.kind == NodeKind::Task {
        style.push_str(", style=rounded");
    }
    if pipeline::critical_node(graph, &node.id) {
        style.push_str(CRITICAL);
    }
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
