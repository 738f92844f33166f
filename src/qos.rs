//! The QoS class the kubelet gives a pod, computed from cpu and memory of every
//! container, init containers included (the rule in `../shared/reference/k8s-rules.md`).

use crate::ir::{Container, Pod};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QosClass {
    Guaranteed,
    Burstable,
    BestEffort,
}

impl QosClass {
    pub fn as_str(self) -> &'static str {
        match self {
            QosClass::Guaranteed => "Guaranteed",
            QosClass::Burstable => "Burstable",
            QosClass::BestEffort => "BestEffort",
        }
    }
}

/// Why a pod is not Guaranteed: the first container and resource that breaks it.
#[derive(Clone, Debug, PartialEq)]
pub struct Breaker {
    pub container: String,
    pub reason: String,
}

/// The class, and (unless Guaranteed) the first reason it is not Guaranteed.
pub fn classify(pod: &Pod) -> (QosClass, Option<Breaker>) {
    let containers = || pod.containers.iter().chain(&pod.init_containers);
    let sets_any = containers().any(|c| {
        ["cpu", "memory"].iter().any(|r| c.resources.requests.contains_key(*r) || c.resources.limits.contains_key(*r))
    });
    if !sets_any {
        let first = pod.containers.first().map(|c| c.name.clone()).unwrap_or_default();
        return (
            QosClass::BestEffort,
            Some(Breaker { container: first, reason: "no container sets cpu or memory".into() }),
        );
    }
    for c in containers() {
        if let Some(reason) = not_guaranteed(c) {
            return (QosClass::Burstable, Some(Breaker { container: c.name.clone(), reason }));
        }
    }
    (QosClass::Guaranteed, None)
}

fn not_guaranteed(c: &Container) -> Option<String> {
    for r in ["cpu", "memory"] {
        let Some(limit) = c.resources.limits.get(r) else {
            return Some(format!("container `{}` has no {r} limit", c.name));
        };
        // A request left out defaults to the limit.
        if let Some(request) = c.resources.requests.get(r)
            && request.nanos() != limit.nanos()
        {
            return Some(format!("container `{}` requests {r} {request} but is limited to {limit}", c.name));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Quantity;

    fn container(name: &str, requests: &[(&str, &str)], limits: &[(&str, &str)]) -> Container {
        let map = |kv: &[(&str, &str)]| kv.iter().map(|(k, v)| (k.to_string(), Quantity::parse(v).unwrap())).collect();
        let mut c = Container { name: name.into(), ..Default::default() };
        c.resources.requests = map(requests);
        c.resources.limits = map(limits);
        c
    }

    fn pod(containers: Vec<Container>, init: Vec<Container>) -> Pod {
        Pod { containers, init_containers: init, ..Default::default() }
    }

    #[test]
    fn the_kubelet_rule() {
        let g = container("a", &[("cpu", "1"), ("memory", "1Gi")], &[("cpu", "1000m"), ("memory", "1024Mi")]);
        assert_eq!(classify(&pod(vec![g.clone()], vec![])).0, QosClass::Guaranteed);
        // Limits alone: requests default to limits.
        let limits_only = container("b", &[], &[("cpu", "2"), ("memory", "1Gi")]);
        assert_eq!(classify(&pod(vec![limits_only], vec![])).0, QosClass::Guaranteed);
        // An init container without limits makes the pod Burstable.
        let (class, why) = classify(&pod(vec![g.clone()], vec![container("init", &[("cpu", "1")], &[])]));
        assert_eq!(class, QosClass::Burstable);
        assert_eq!(why.unwrap().container, "init");
        let requests_only = container("c", &[("cpu", "16"), ("memory", "32Gi")], &[]);
        assert_eq!(classify(&pod(vec![requests_only], vec![])).0, QosClass::Burstable);
        assert_eq!(classify(&pod(vec![container("d", &[], &[])], vec![])).0, QosClass::BestEffort);
        // Extended resources do not count.
        let gpu_only = container("e", &[], &[("nvidia.com/gpu", "1")]);
        assert_eq!(classify(&pod(vec![gpu_only], vec![])).0, QosClass::BestEffort);
    }
}
