//! What RBAC rules can name: Kubernetes' verbs, and the built-in resources of
//! the common API groups (with the subresources rules grant, `pods/log`). A
//! group not listed here (a CRD's) is not checked: its resources are the CRD's.

/// Verbs every resource has (`*` is all of them).
pub(super) const VERBS: &[&str] =
    &["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "*"];

/// Verbs that exist only for some resources: (verb, group, resources it applies to).
pub(super) const SPECIAL_VERBS: &[(&str, &str, &[&str])] = &[
    ("escalate", "rbac.authorization.k8s.io", &["roles", "clusterroles"]),
    ("bind", "rbac.authorization.k8s.io", &["roles", "clusterroles"]),
    ("impersonate", "", &["users", "groups", "serviceaccounts"]),
    ("impersonate", "authentication.k8s.io", &["userextras", "uids"]),
    ("approve", "certificates.k8s.io", &["signers"]),
    ("sign", "certificates.k8s.io", &["signers"]),
    ("attest", "certificates.k8s.io", &["signers"]),
    // Pod Security Policies are gone (1.25), but `use` still guards other admission plugins' objects.
    ("use", "*", &[]),
];

/// The built-in resources of each group, subresources after a `/`.
pub(super) const GROUPS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "bindings",
            "componentstatuses",
            "configmaps",
            "endpoints",
            "events",
            "limitranges",
            "namespaces",
            "namespaces/finalize",
            "namespaces/status",
            "nodes",
            "nodes/proxy",
            "nodes/status",
            "nodes/stats",
            "nodes/log",
            "nodes/metrics",
            "nodes/spec",
            "nodes/configz",
            "nodes/healthz",
            "nodes/pods",
            "persistentvolumeclaims",
            "persistentvolumeclaims/status",
            "persistentvolumes",
            "persistentvolumes/status",
            "pods",
            "pods/attach",
            "pods/binding",
            "pods/ephemeralcontainers",
            "pods/eviction",
            "pods/exec",
            "pods/log",
            "pods/portforward",
            "pods/proxy",
            "pods/resize",
            "pods/status",
            "podtemplates",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "replicationcontrollers/status",
            "resourcequotas",
            "resourcequotas/status",
            "secrets",
            "serviceaccounts",
            "serviceaccounts/token",
            "services",
            "services/proxy",
            "services/status",
            // Impersonation targets.
            "users",
            "groups",
        ],
    ),
    (
        "apps",
        &[
            "controllerrevisions",
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/scale",
            "deployments/status",
            "replicasets",
            "replicasets/scale",
            "replicasets/status",
            "statefulsets",
            "statefulsets/scale",
            "statefulsets/status",
        ],
    ),
    ("batch", &["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
    ("rbac.authorization.k8s.io", &["clusterrolebindings", "clusterroles", "rolebindings", "roles"]),
    (
        "networking.k8s.io",
        &[
            "ingressclasses",
            "ingresses",
            "ingresses/status",
            "ipaddresses",
            "networkpolicies",
            "servicecidrs",
            "servicecidrs/status",
        ],
    ),
    ("policy", &["poddisruptionbudgets", "poddisruptionbudgets/status"]),
    ("autoscaling", &["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
    ("coordination.k8s.io", &["leases", "leasecandidates"]),
    (
        "storage.k8s.io",
        &[
            "csidrivers",
            "csinodes",
            "csistoragecapacities",
            "storageclasses",
            "volumeattachments",
            "volumeattachments/status",
            "volumeattributesclasses",
        ],
    ),
    ("apiextensions.k8s.io", &["customresourcedefinitions", "customresourcedefinitions/status"]),
    ("discovery.k8s.io", &["endpointslices"]),
    ("events.k8s.io", &["events"]),
    (
        "certificates.k8s.io",
        &[
            "certificatesigningrequests",
            "certificatesigningrequests/approval",
            "certificatesigningrequests/status",
            "clustertrustbundles",
            "signers",
        ],
    ),
    (
        "admissionregistration.k8s.io",
        &[
            "mutatingwebhookconfigurations",
            "validatingwebhookconfigurations",
            "validatingadmissionpolicies",
            "validatingadmissionpolicies/status",
            "validatingadmissionpolicybindings",
            "mutatingadmissionpolicies",
            "mutatingadmissionpolicybindings",
        ],
    ),
    ("authentication.k8s.io", &["tokenreviews", "selfsubjectreviews", "userextras", "uids"]),
    (
        "authorization.k8s.io",
        &["localsubjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews"],
    ),
    ("node.k8s.io", &["runtimeclasses"]),
    ("scheduling.k8s.io", &["priorityclasses"]),
    ("apiregistration.k8s.io", &["apiservices", "apiservices/status"]),
    ("metrics.k8s.io", &["pods", "nodes"]),
    (
        "flowcontrol.apiserver.k8s.io",
        &["flowschemas", "flowschemas/status", "prioritylevelconfigurations", "prioritylevelconfigurations/status"],
    ),
    (
        "resource.k8s.io",
        &["deviceclasses", "resourceclaims", "resourceclaims/status", "resourceclaimtemplates", "resourceslices"],
    ),
];

/// The resources of a group, if it is one of the built-in groups listed.
pub(super) fn resources_of(group: &str) -> Option<&'static [&'static str]> {
    GROUPS.iter().find(|(g, _)| *g == group).map(|(_, r)| *r)
}

/// Whether `resource` names something among `known` (the resources of the rule's
/// groups): itself, `*`, `pods/*` (every subresource of a known resource),
/// `*/scale` (a subresource some known resource has), or `userextras/<extra>`.
pub(super) fn resource_exists(resource: &str, known: &[&str]) -> bool {
    if resource == "*" || known.contains(&resource) {
        return true;
    }
    match resource.split_once('/') {
        Some((base, "*")) => known.contains(&base),
        Some(("*", sub)) => known.iter().any(|k| k.split_once('/').is_some_and(|(_, s)| s == sub)),
        Some(("userextras", extra)) => !extra.is_empty() && known.contains(&"userextras"),
        _ => false,
    }
}

/// For a special verb: whether a rule with these groups and resources is one it
/// applies to (`None`: the verb is not a special one). Unknown groups and `*` count as fitting.
pub(super) fn special_verb_fits(verb: &str, groups: &[String], resources: &[String]) -> Option<bool> {
    let uses: Vec<&(&str, &str, &[&str])> = SPECIAL_VERBS.iter().filter(|(v, ..)| *v == verb).collect();
    if uses.is_empty() {
        return None;
    }
    // A group pipec does not know (a CRD's), or `*`: the verb may well apply there.
    let unknown_group = groups.iter().any(|g| g == "*" || resources_of(g).is_none());
    let fits = unknown_group
        || uses.iter().any(|(_, group, targets)| {
            *group == "*"
                || groups.iter().any(|g| g == group)
                    && resources.iter().any(|r| {
                        r == "*" || targets.iter().any(|t| r == t || r.split_once('/').is_some_and(|(b, _)| b == *t))
                    })
        });
    Some(fits)
}

/// What a special verb applies to, in words for a help line.
pub(super) fn special_verb_targets(verb: &str) -> String {
    let targets: Vec<String> = SPECIAL_VERBS
        .iter()
        .filter(|(v, ..)| *v == verb)
        .flat_map(|(_, g, rs)| {
            rs.iter().map(move |r| if g.is_empty() { format!("`{r}`") } else { format!("`{r}` of `{g}`") })
        })
        .collect();
    targets.join(", ")
}

/// Every verb a rule may name, for "did you mean".
pub(super) fn all_verbs() -> impl Iterator<Item = &'static str> {
    VERBS.iter().copied().chain(SPECIAL_VERBS.iter().map(|(v, ..)| *v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_and_wildcards() {
        let core = resources_of("").unwrap();
        assert!(resource_exists("pods", core));
        assert!(resource_exists("pods/log", core));
        assert!(resource_exists("pods/*", core));
        assert!(resource_exists("*/status", core));
        assert!(!resource_exists("pod", core));
        assert!(!resource_exists("*/nothing", core));
        assert!(!resource_exists("deployments", core));
        assert!(resource_exists("deployments/scale", resources_of("apps").unwrap()));
        let auth = resources_of("authentication.k8s.io").unwrap();
        assert!(resource_exists("userextras/scopes", auth));
        assert!(resources_of("spark.apache.org").is_none());
    }

    #[test]
    fn special_verbs_fit_their_resources() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let rbac = s(&["rbac.authorization.k8s.io"]);
        assert_eq!(special_verb_fits("bind", &rbac, &s(&["clusterroles"])), Some(true));
        assert_eq!(special_verb_fits("bind", &s(&[""]), &s(&["pods"])), Some(false));
        assert_eq!(special_verb_fits("impersonate", &s(&[""]), &s(&["serviceaccounts"])), Some(true));
        assert_eq!(special_verb_fits("bind", &s(&["example.com"]), &s(&["things"])), Some(true));
        assert_eq!(special_verb_fits("get", &rbac, &s(&["roles"])), None);
    }
}
