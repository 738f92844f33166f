//! Mermaid flowchart: paste into Markdown (GitHub, GitLab render it) or `mmdc`.

use super::model::{EdgeKind, Graph, Node, NodeKind};
use super::pipeline;
use std::collections::HashMap;
use std::fmt::Write;

/// How a critical path's tasks and steps stand out.
const CRITICAL: &str = "stroke:#c0392b,stroke-width:3px";

/// The fan-out groups in the pipeline `pipeline` (None: at the top), each a subgraph.
fn groups(out: &mut String, graph: &Graph, ids: &HashMap<&str, String>, pipeline: Option<usize>, indent: &str) {
    for (index, group) in graph.groups.iter().enumerate().filter(|(_, g)| g.pipeline == pipeline) {
        let mut label = format!("group {} · {} pod{}", group.name, group.pods, if group.pods == 1 { "" } else { "s" });
        if !group.footprint.is_empty() {
            label.push_str(&format!("<br/>peak {}", text(&group.footprint.describe())));
        }
        let _ = writeln!(out, "{indent}subgraph g{index}[\"{}\"]", text_keeping_breaks(&label));
        for node in graph.nodes.iter().filter(|n| n.group == Some(index)) {
            node_line(out, node, &ids[node.id.as_str()], &format!("{indent}  "));
        }
        let _ = writeln!(out, "{indent}end");
    }
}

pub fn render(graph: &Graph) -> String {
    // Mermaid ids are words: number the nodes, keep the readable names in the labels.
    let ids: HashMap<&str, String> =
        graph.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), format!("n{i}"))).collect();
    let mut out = String::new();
    let _ = writeln!(out, "---\ntitle: {}\n---", text(&super::dot::summary(graph)));
    out.push_str("flowchart LR\n");
    for (index, cluster) in graph.pipelines.iter().enumerate() {
        let label = cluster.lines.iter().map(|l| text(l)).collect::<Vec<_>>().join("<br/>");
        let _ = writeln!(out, "  subgraph p{index}[\"{label}\"]");
        groups(&mut out, graph, &ids, Some(index), "    ");
        for node in graph.nodes.iter().filter(|n| n.pipeline == Some(index) && n.group.is_none()) {
            node_line(&mut out, node, &ids[node.id.as_str()], "    ");
        }
        out.push_str("  end\n");
    }
    groups(&mut out, graph, &ids, None, "  ");
    for node in graph.nodes.iter().filter(|n| n.group.is_none() && n.pipeline.is_none()) {
        node_line(&mut out, node, &ids[node.id.as_str()], "  ");
    }
    // Mermaid styles a link by its number: the count of links written before it.
    let mut critical_links = Vec::new();
    let mut link = 0;
    for edge in &graph.edges {
        let (Some(from), Some(to)) = (ids.get(edge.from.as_str()), ids.get(edge.to.as_str())) else { continue };
        let mut label = edge.kind.label().to_string();
        if !edge.note.is_empty() {
            label.push_str(&format!(" {}", edge.note));
        }
        let arrow = match edge.kind {
            _ if pipeline::critical_edge(graph, edge) => "==>",
            EdgeKind::Selects | EdgeKind::Reaches | EdgeKind::Creates | EdgeKind::Then | EdgeKind::Starts => "-->",
            _ => "-.->",
        };
        let _ = writeln!(out, "  {from} {arrow}|\"{}\"| {to}", text(&label));
        if pipeline::critical_edge(graph, edge) {
            critical_links.push(link.to_string());
        }
        link += 1;
    }
    let critical: Vec<&str> = graph
        .nodes
        .iter()
        .filter(|n| pipeline::critical_node(graph, &n.id))
        .map(|n| ids[n.id.as_str()].as_str())
        .collect();
    if !critical.is_empty() {
        let _ = writeln!(out, "  classDef critical {CRITICAL}");
        let _ = writeln!(out, "  class {} critical", critical.join(","));
    }
    if !critical_links.is_empty() {
        let _ = writeln!(out, "  linkStyle {} {CRITICAL}", critical_links.join(","));
    }
    let external: Vec<&str> = graph.nodes.iter().filter(|n| n.external).map(|n| ids[n.id.as_str()].as_str()).collect();
    if !external.is_empty() {
        out.push_str("  classDef external stroke-dasharray: 5 5\n");
        let _ = writeln!(out, "  class {} external", external.join(","));
    }
    out
}

fn node_line(out: &mut String, node: &Node, id: &str, indent: &str) {
    let mut label = text(&node.title);
    for line in &node.lines {
        label.push_str("<br/>");
        label.push_str(&text(line));
    }
    let (open, close) = match node.kind {
        NodeKind::Workload => ("[\"", "\"]"),
        NodeKind::Service => ("([\"", "\"])"),
        NodeKind::ServiceAccount => ("[/\"", "\"/]"),
        NodeKind::Role => ("{{\"", "\"}}"),
        NodeKind::ConfigMap => ("[(\"", "\")]"),
        NodeKind::Created => ("[[\"", "\"]]"),
        NodeKind::Task => ("(\"", "\")"),
    };
    let _ = writeln!(out, "{indent}{id}{open}{label}{close}");
}

/// Label text: Mermaid's entity codes for the characters its syntax takes.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br/>"),
            _ => out.push(c),
        }
    }
    out
}

/// As [`text`] for a label already holding `<br/>` breaks.
fn text_keeping_breaks(s: &str) -> String {
    s.split("<br/>").map(text).collect::<Vec<_>>().join("<br/>")
}
