//! What a workload asks of the cluster: its pods' resource requests, times its pods.
//!
//! A container's request is its `requests` entry, else its `limits` entry (the API server
//! copies a limit into a missing request). A pod's request is what the scheduler reserves
//! for it: the larger of its long-running containers together (app containers and sidecars,
//! i.e. init containers with `restartPolicy: Always`) and its largest ordinary init container.

use crate::units::Quantity;
use k8s_openapi::api::core::v1::{Container, PodSpec};
use std::collections::BTreeMap;

/// Amounts per resource name (`cpu`, `memory`, `nvidia.com/gpu`, …), in nano-units.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Footprint(pub BTreeMap<String, i128>);

impl Footprint {
    /// The scheduler's reservation for one pod of `spec`.
    pub fn of_pod(spec: &PodSpec) -> Footprint {
        let mut running = Footprint::default();
        let mut largest_init = Footprint::default();
        for init in spec.init_containers.iter().flatten() {
            let request = Footprint::of_container(init);
            if init.restart_policy.as_deref() == Some("Always") {
                running.add(&request);
            } else {
                largest_init.max_with(&request);
            }
        }
        for container in &spec.containers {
            running.add(&Footprint::of_container(container));
        }
        running.max_with(&largest_init);
        running
    }

    fn of_container(container: &Container) -> Footprint {
        let mut out = Footprint::default();
        let Some(resources) = &container.resources else { return out };
        let mut names: Vec<&String> = resources.requests.iter().flatten().map(|(k, _)| k).collect();
        names.extend(resources.limits.iter().flatten().map(|(k, _)| k));
        for name in names {
            let value = resources
                .requests
                .as_ref()
                .and_then(|r| r.get(name))
                .or_else(|| resources.limits.as_ref().and_then(|l| l.get(name)));
            if let Some(Ok(q)) = value.map(|v| Quantity::parse(&v.0)) {
                out.0.insert(name.clone(), q.nanos());
            }
        }
        out
    }

    pub fn add(&mut self, other: &Footprint) {
        for (name, amount) in &other.0 {
            *self.0.entry(name.clone()).or_default() += amount;
        }
    }

    fn max_with(&mut self, other: &Footprint) {
        for (name, amount) in &other.0 {
            let mine = self.0.entry(name.clone()).or_default();
            *mine = (*mine).max(*amount);
        }
    }

    /// `pods` copies of this footprint.
    pub fn times(&self, pods: i64) -> Footprint {
        Footprint(self.0.iter().map(|(k, v)| (k.clone(), v * i128::from(pods))).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(|v| *v == 0)
    }

    /// `cpu 2 · memory 4Gi`: cpu in cores or milli-cores, bytes in binary units.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (name, nanos) in &self.0 {
            let like = if name == "cpu" { "1" } else { "1Ki" };
            let like = Quantity::parse(like).expect("a valid quantity");
            parts.push(format!("{name} {}", Quantity::from_nanos(*nanos, like)));
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::ResourceRequirements;
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

    fn container(requests: &[(&str, &str)], limits: &[(&str, &str)], restart: Option<&str>) -> Container {
        let map = |pairs: &[(&str, &str)]| {
            (!pairs.is_empty())
                .then(|| pairs.iter().map(|(k, v)| (k.to_string(), K8sQuantity(v.to_string()))).collect())
        };
        Container {
            resources: Some(ResourceRequirements {
                requests: map(requests),
                limits: map(limits),
                ..Default::default()
            }),
            restart_policy: restart.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn a_limit_stands_for_a_missing_request_and_sidecars_add_up() {
        let spec = PodSpec {
            containers: vec![container(&[("cpu", "500m")], &[("memory", "1Gi")], None)],
            init_containers: Some(vec![
                container(&[("cpu", "250m"), ("memory", "256Mi")], &[], Some("Always")),
                container(&[("cpu", "4")], &[], None),
            ]),
            ..Default::default()
        };
        // Running: cpu 750m, memory 1280Mi; the ordinary init container's 4 cpu is larger.
        assert_eq!(Footprint::of_pod(&spec).describe(), "cpu 4 · memory 1280Mi");
        assert_eq!(Footprint::of_pod(&spec).times(3).describe(), "cpu 12 · memory 3840Mi");
    }
}
