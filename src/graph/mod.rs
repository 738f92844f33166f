//! `pipec graph`: the objects of a program as a picture, before anything is applied —
//! the workloads with their pod counts, the Services and the pods they select, who
//! reaches whom, which ServiceAccount each pod runs as and what it is bound to, and the
//! peak resources of each workload, group and program (pods × requests), so that a
//! fan-out's cost on the cluster is seen up front.
//!
//! The graph is read from the lowered Kubernetes objects, not from the language: what
//! it shows is what would be applied. [`model`] builds it; [`dot`] and [`mermaid`]
//! print it. A pipeline's tasks are the exception: its runner creates them per run, so they
//! are drawn from the checked pipeline ([`pipeline`]), each task's pods from its lowered Job.

pub mod dot;
pub mod footprint;
pub mod mermaid;
pub mod model;
pub mod pipeline;
mod spark;

pub use model::{Edge, EdgeKind, Graph, Node, NodeKind};

use crate::ir::Program;
use crate::lower::{self, K8sObject};

/// How `pipec graph` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Mermaid flowchart (renders in GitHub and GitLab Markdown).
    #[default]
    Mermaid,
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
}

impl Format {
    pub fn parse(text: &str) -> Result<Format, String> {
        match text {
            "mermaid" => Ok(Format::Mermaid),
            "dot" => Ok(Format::Dot),
            _ => Err(format!("`{text}` is not a graph format: mermaid or dot")),
        }
    }
}

/// The graph of checked programs (lowered here; a program with errors never gets this far).
pub fn of_programs(programs: &[Program]) -> Graph {
    let mut objects: Vec<K8sObject> = Vec::new();
    let mut diags = Vec::new();
    for program in programs {
        for object in &program.objects {
            lower::lower_item(program, object, &mut diags, |k| objects.push(k));
        }
    }
    let title = programs.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
    let mut graph = model::build(&title, &objects);
    // A pipeline's tasks are not objects of the program (its runner creates them per run):
    // they come from the checked pipeline, the same on every target.
    for program in programs {
        for object in &program.objects {
            if let crate::ir::Object::Pipeline(p) = object {
                pipeline::add(&mut graph, p);
            }
        }
    }
    graph.edges.sort();
    graph.edges.dedup();
    graph
}

/// The graph printed in `format`.
pub fn render(graph: &Graph, format: Format) -> String {
    match format {
        Format::Mermaid => mermaid::render(graph),
        Format::Dot => dot::render(graph),
    }
}
