//! Keys of `resources`, and of its `requests` and `limits` blocks.

use super::*;

keys! {
    CPU = key("cpu", RESOURCES | REQUESTS, Shape::Quantity, ("ResourceRequirements", &["requests", "cpu"]),
        "CPU in cores: `2`, `500m` (directly in `resources`: request and limit alike).").takes("quantity (cores)");
    MEMORY = key("memory", RESOURCES | REQUESTS, Shape::Quantity, ("ResourceRequirements", &["requests", "memory"]),
        "Memory in bytes: `512Mi`, `2Gi`.").takes("quantity (bytes)");
    EPHEMERAL_STORAGE = key("ephemeral-storage", RESOURCES | REQUESTS, Shape::Quantity,
        ("ResourceRequirements", &["requests", "ephemeral-storage"]), "Local scratch space.").takes("quantity (bytes)");
    REQUESTS_BLOCK = key("requests", RESOURCES, Shape::Block(REQUESTS), ("ResourceRequirements", &["requests"]),
        "What the scheduler reserves.");
    LIMITS_BLOCK = key("limits", RESOURCES, Shape::Block(REQUESTS), ("ResourceRequirements", &["limits"]),
        "The most the container may use.");
}

/// Extended resources (`"nvidia.com/gpu"`) and huge pages (`hugepages-2Mi`): open
/// keys of `resources`, `requests` and `limits`, written as Kubernetes names them.
pub fn is_extended_resource(word: &str) -> bool {
    word.contains('/') || word.starts_with("hugepages-")
}
