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

/// `node b: Failed: Error (exit code 1)`, a line per failed pod node.
pub fn failed_nodes(object: &Value) -> Vec<String> {
    pods(object)
        .into_iter()
        .filter(|p| matches!(p.1, "Failed" | "Error"))
        .map(|(name, phase, message)| {
            if message.is_empty() {
                format!("node {name}: {phase}")
            } else {
                format!("node {name}: {phase}: {message}")
            }
        })
        .collect()
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
        assert_eq!(failed_nodes(&failed), ["node b: Failed: Error (exit code 1)", "node c: Error"]);
        assert_eq!(progress(&wf("Succeeded", json!({}))).3, End::Done);
        assert_eq!(progress(&json!({"status": {"phase": "Error"}})).3, End::Failed("Error".into()));
    }
}
