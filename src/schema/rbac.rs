//! Keys of the objects around the workloads: `service-account`, `role`,
//! `cluster-role`, `role-binding`, `cluster-role-binding`, and the block of a
//! `namespace "…" { … }` that emits the Namespace (its labels and annotations
//! are the metadata rows).

use super::*;

keys! {
    SA_AUTOMOUNT = key("automount-service-account-token", SERVICE_ACCOUNT_ITEM, Shape::Bool,
        ("ServiceAccount", &["automountServiceAccountToken"]),
        "Whether pods running as this account get its API token mounted (a pod's own setting wins).");
    SA_PULL_SECRETS = key("image-pull-secrets", SERVICE_ACCOUNT_ITEM, Shape::StrList, ("ServiceAccount", &["imagePullSecrets"]),
        "Secrets (names) that every pod running as this account pulls its images with.");
    RULES = key("rules", ROLE_ITEM, Shape::Records(POLICY_RULE), ("Role", &["rules"]),
        "What the role allows: a list of rules.")
        .takes("list of `{ api-groups, resources, verbs, resource-names }` (and `non-resource-urls` in a `cluster-role`)");
    API_GROUPS = key("api-groups", POLICY_RULE, Shape::StrList, ("PolicyRule", &["apiGroups"]),
        "API groups of the resources: `\"\"` for the core group (pods, configmaps…), `\"apps\"`, `\"batch\"`, …");
    RULE_RESOURCES = key("resources", POLICY_RULE, Shape::StrList, ("PolicyRule", &["resources"]),
        "Resources (plural, lowercase: `pods`, `pods/log`, `jobs`) of the named groups; `*` for all.");
    VERBS = key("verbs", POLICY_RULE, Shape::StrList, ("PolicyRule", &["verbs"]),
        "What may be done: get, list, watch, create, update, patch, delete, deletecollection, `*`, and escalate, bind, impersonate, use, approve, sign where they apply.");
    RESOURCE_NAMES = key("resource-names", POLICY_RULE, Shape::StrList, ("PolicyRule", &["resourceNames"]),
        "Only these objects of the resources (by name).");
    NON_RESOURCE_URLS = key("non-resource-urls", POLICY_RULE, Shape::StrList, ("PolicyRule", &["nonResourceURLs"]),
        "URL paths that are not resources (`/healthz`, `/metrics`, `/api/*`); only in a `cluster-role`, without `api-groups` and `resources`.");
    BINDING_ROLE = key("role", BINDING_ITEM, Shape::Str, ("RoleRef", &["name"]),
        "The `role` of the program that a `role-binding` grants (a Role of the binding's namespace; a `cluster-role-binding` grants cluster roles only).");
    BINDING_CLUSTER_ROLE = key("cluster-role", BINDING_ITEM, Shape::Str, ("RoleRef", &["name"]),
        "The `cluster-role` the binding grants: one of the program, or one the program declares as existing (`cluster-role view`).");
    SUBJECTS = key("subjects", BINDING_ITEM, Shape::Records(SUBJECT), ("RoleBinding", &["subjects"]),
        "Who is granted the role.")
        .takes("list of `{ service-account: \"name\" }` (or `\"namespace:name\"`), `{ user: \"…\" }`, `{ group: \"…\" }`");
    SUBJECT_SERVICE_ACCOUNT = key("service-account", SUBJECT, Shape::Str, ("Subject", &["name"]),
        "A service account: `\"name\"` in the program's namespace, or `\"namespace:name\"` (as `kubectl create rolebinding --serviceaccount`).");
    SUBJECT_USER = key("user", SUBJECT, Shape::Str, ("Subject", &["name"]), "A user, as the cluster's authenticator names it.");
    SUBJECT_GROUP = key("group", SUBJECT, Shape::Str, ("Subject", &["name"]),
        "A group of users (`system:serviceaccounts:ci` is every service account of `ci`).");
}
