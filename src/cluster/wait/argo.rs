//! `--wait` for an Argo `Workflow` (`--target argo`): Argo's controller runs the graph and
//! writes its state into the Workflow, so the Workflow alone is read — `status.phase`
//! (Pending, Running, Succeeded, Failed, Error) and the pod nodes of `status.nodes`.

use super::End;
use serde_json::Value;

/// The pod nodes (one per task pod, retries included): `(display name, phase, message)`, by name.
fn pods(object: &Value) -> Vec<(&str, &str, &str)> {
    let mut pods: Vec<(&str, &str, &str)> = object["status"]["nodes"]
        .as_object()
        .into_iter()
        .flat_map(|nodes| nodes.values())
        .filter(|n| n["type"] == "Pod")
        .map(|n| {
            (
                n["displayName"].as_str().or(n["name"].as_str()).unwrap_or(""),
                n["phase"].as_str().unwrap_or("Pending"),
                n["message"].as_str().unwrap_or(""),
            )
        })
        .collect();
    pods.sort();
    pods
}

/// Progress of a Workflow: `(succeeded pods, pods, line, end)`.
pub fn progress(object: &Value) -> (u64, u64, String, End) {
    let status = &object["status"];
    let phase = status["phase"].as_str().filter(|p| !p.is_empty()).unwrap_or("Pending");
    let pods = pods(object);
    let count = |phases: &[&str]| pods.iter().filter(|p| phases.contains(&p.1)).count() as u64;
    let (succeeded, failed, running) =
        (count(&["Succeeded"]), count(&["Failed", "Error"]), count(&["Running", "Pending"]));
    let line = format!("{phase}: {succeeded}/{} pods succeeded, {failed} failed, {running} running", pods.len());
    let end = match phase {
        "Succeeded" => End::Done,
        "Failed" | "Error" => End::Failed(match status["message"].as_str().filter(|m| !m.is_empty()) {
            Some(message) => format!("{phase}: {message}"),
            None => phase.to_string(),
        }),
        _ => End::Running,
    };
    (succeeded, pods.len().max(1) as u64, line, end)
}

/// The tasks of the Workflow's DAG (its entry template's) in graph order, each with its state
/// from the node Argo made for it: `b  failed: Error (exit code 1)`, `d  not started`.
pub fn task_lines(object: &Value) -> Vec<String> {
    let spec = &object["spec"];
    let entry = spec["entrypoint"].as_str().unwrap_or("");
    let Some(dag) = spec["templates"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["name"] == entry))
        .and_then(|t| t["dag"]["tasks"].as_array())
    else {
        return Vec::new();
    };
    let names: Vec<&str> = dag.iter().filter_map(|t| t["name"].as_str()).collect();
    // `depends: a.Succeeded && b.Succeeded` (as pipec writes it): the tasks named in it.
    let upstream: Vec<Vec<usize>> = dag
        .iter()
        .map(|t| {
            let depends = t["depends"].as_str().unwrap_or("");
            names
                .iter()
                .enumerate()
                .filter(|(_, n)| depends.split(" && ").any(|d| d.split('.').next() == Some(n)))
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let nodes: Vec<&Value> = object["status"]["nodes"].as_object().into_iter().flat_map(|n| n.values()).collect();
    order(&upstream)
        .into_iter()
        .map(|i| {
            let name = names[i];
            // The task's own node: a Pod, a Retry around its pods, or a fan-out task's DAG.
            let node =
                nodes.iter().find(|n| n["displayName"] == name && n["templateName"].as_str().is_none_or(|t| t == name));
            let state =
                match node.map(|n| (n["phase"].as_str().unwrap_or("Pending"), n["message"].as_str().unwrap_or(""))) {
                    None | Some(("Omitted" | "Skipped", _)) => "not started".to_string(),
                    Some((phase, "")) => phase.to_lowercase(),
                    Some((phase, message)) => format!("{}: {message}", phase.to_lowercase()),
                };
            format!("{name:<width$}  {state}")
        })
        .collect()
}

/// Kahn's order, the first written first among the ready tasks (tasks on a cycle are left out).
fn order(upstream: &[Vec<usize>]) -> Vec<usize> {
    let mut done = vec![false; upstream.len()];
    let mut order = Vec::with_capacity(upstream.len());
    while let Some(next) = (0..upstream.len()).find(|&t| !done[t] && upstream[t].iter().all(|&u| done[u])) {
        done[next] = true;
        order.push(next);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn phases_and_pod_nodes() {
        let wf = |phase: &str, nodes: Value| json!({"status": {"phase": phase, "nodes": nodes, "message": "child 'diamond-b' failed"}});
        let nodes = json!({
            "diamond": {"type": "DAG", "phase": "Running", "displayName": "diamond"},
            "diamond-1": {"type": "Pod", "phase": "Succeeded", "displayName": "a"},
            "diamond-2": {"type": "Pod", "phase": "Running", "displayName": "b"},
        });
        let (pos, len, line, end) = progress(&wf("Running", nodes));
        assert_eq!(
            (pos, len, line.as_str(), end),
            (1, 2, "Running: 1/2 pods succeeded, 0 failed, 1 running", End::Running)
        );
        // Not yet seen by Argo's controller.
        assert_eq!(progress(&json!({})).2, "Pending: 0/0 pods succeeded, 0 failed, 0 running");
        assert_eq!(progress(&json!({})).3, End::Running);
        let failed = wf(
            "Failed",
            json!({
                "diamond-1": {"type": "Pod", "phase": "Succeeded", "displayName": "a"},
                "diamond-2": {"type": "Pod", "phase": "Failed", "displayName": "b", "message": "Error (exit code 1)"},
                "diamond-3": {"type": "Pod", "phase": "Error", "displayName": "c"},
            }),
        );
        assert_eq!(progress(&failed).3, End::Failed("Failed: child 'diamond-b' failed".into()));
        assert_eq!(progress(&wf("Succeeded", json!({}))).3, End::Done);
        assert_eq!(progress(&json!({"status": {"phase": "Error"}})).3, End::Failed("Error".into()));
    }
}

#[cfg(test)]
mod task_tests {
    use serde_json::json;

    #[test]
    fn tasks_in_graph_order_with_their_nodes_state() {
        let dag = json!([
            {"name": "d", "template": "d", "depends": "b.Succeeded && c.Succeeded"},
            {"name": "a", "template": "a"},
            {"name": "b", "template": "b", "depends": "a.Succeeded"},
            {"name": "c", "template": "c", "depends": "a.Succeeded"},
        ]);
        let wf = json!({
            "spec": {"entrypoint": "p", "templates": [{"name": "p", "dag": {"tasks": dag}}]},
            "status": {"nodes": {
                "p-1": {"type": "Pod", "displayName": "a", "templateName": "a", "phase": "Succeeded"},
                "p-2": {"type": "Retry", "displayName": "b", "templateName": "b", "phase": "Failed", "message": "No more retries left"},
                "p-3": {"type": "Pod", "displayName": "b(0)", "templateName": "b", "phase": "Failed", "message": "Error (exit code 1)"},
                "p-4": {"type": "Pod", "displayName": "c", "templateName": "c", "phase": "Running"},
                "p-5": {"type": "Omitted", "displayName": "d", "templateName": "d", "phase": "Omitted"},
            }},
        });
        assert_eq!(
            super::task_lines(&wf),
            ["a  succeeded", "b  failed: No more retries left", "c  running", "d  not started"]
        );
    }
}
