//! `service-account` → ServiceAccount, `role` / `cluster-role` → Role /
//! ClusterRole, `role-binding` / `cluster-role-binding` → RoleBinding /
//! ClusterRoleBinding, `namespace "…" { … }` → Namespace.

use crate::ir;
use crate::lower::Out;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::rbac::v1 as rbac;

pub(super) const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

pub(in crate::lower) fn namespace(meta: &ir::Meta, out: &mut Out) {
    out.own(core::Namespace { metadata: out.meta(meta), ..Default::default() });
}

pub(in crate::lower) fn service_account(a: &ir::ServiceAccount, out: &mut Out) {
    let pull: Vec<core::LocalObjectReference> =
        a.image_pull_secrets.iter().map(|name| core::LocalObjectReference { name: name.clone() }).collect();
    out.own(core::ServiceAccount {
        metadata: out.meta(&a.meta),
        automount_service_account_token: a.automount_token,
        image_pull_secrets: (!pull.is_empty()).then_some(pull),
        ..Default::default()
    });
}

pub(in crate::lower) fn role(r: &ir::Role, out: &mut Out) {
    let rules = Some(r.rules.iter().map(rule).collect());
    let metadata = out.meta(&r.meta);
    if r.cluster {
        out.own(rbac::ClusterRole { metadata, rules, ..Default::default() });
    } else {
        out.own(rbac::Role { metadata, rules });
    }
}

pub(super) fn rule(r: &ir::PolicyRule) -> rbac::PolicyRule {
    let list = |l: &Vec<String>| (!l.is_empty()).then(|| l.clone());
    rbac::PolicyRule {
        api_groups: list(&r.api_groups),
        resources: list(&r.resources),
        verbs: r.verbs.clone(),
        resource_names: list(&r.resource_names),
        non_resource_urls: list(&r.non_resource_urls),
    }
}

pub(in crate::lower) fn binding(b: &ir::Binding, out: &mut Out) {
    let role_ref = rbac::RoleRef {
        api_group: Some(RBAC_GROUP.into()),
        kind: if b.cluster_role { "ClusterRole" } else { "Role" }.into(),
        name: b.role.clone(),
    };
    let subjects: Vec<rbac::Subject> = b.subjects.iter().map(|s| subject(s, out)).collect();
    let subjects = (!subjects.is_empty()).then_some(subjects);
    let metadata = out.meta(&b.meta);
    if b.cluster {
        out.own(rbac::ClusterRoleBinding { metadata, role_ref, subjects });
    } else {
        out.own(rbac::RoleBinding { metadata, role_ref, subjects });
    }
}

pub(super) fn subject(s: &ir::Subject, out: &Out) -> rbac::Subject {
    match s {
        // A service account's namespace is written out, also the program's: a
        // RoleBinding applied into another namespace (`kubectl -n`) still names this one.
        ir::Subject::ServiceAccount { namespace, name } => rbac::Subject {
            kind: "ServiceAccount".into(),
            name: name.clone(),
            namespace: namespace.clone().or_else(|| out.program.namespace.clone()),
            api_group: None,
        },
        ir::Subject::User(name) => rbac::Subject {
            kind: "User".into(),
            name: name.clone(),
            api_group: Some(RBAC_GROUP.into()),
            namespace: None,
        },
        ir::Subject::Group(name) => rbac::Subject {
            kind: "Group".into(),
            name: name.clone(),
            api_group: Some(RBAC_GROUP.into()),
            namespace: None,
        },
    }
}
