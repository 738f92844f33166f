//! `service-account`, `role` / `cluster-role` and `role-binding` /
//! `cluster-role-binding`: what Kubernetes' RBAC validation rejects, and what it
//! accepts but never grants (a misspelt verb or resource, a binding to a role
//! that does not exist), reported before anything is applied.

use super::rbac_api;
use crate::ast::{self, ExprKind};
use crate::check::eval::What;
use crate::check::fields::Fields;
use crate::check::{Checker, names, read};
use crate::diag::{Code, Diagnostic, closest};
use crate::ir;
use crate::kinds::Kind;
use crate::schema::{self, Key};
use crate::source::Span;

/// The service accounts and roles the program declares, by name: what workloads
/// and bindings refer to. `existing` ones (`cluster-role view` without a block)
/// are in the cluster already and are not emitted.
#[derive(Default)]
pub(crate) struct Declared {
    pub service_accounts: Vec<String>,
    pub roles: Vec<String>,
    pub cluster_roles: Vec<String>,
    /// The ServiceAccounts `spark` items made so far (the first makes it, the others share it).
    pub spark_service_accounts: Vec<String>,
}

pub(crate) fn service_account<'a>(
    ck: &mut Checker<'a>,
    name: &str,
    span: Span,
    body: &'a ast::Block,
) -> Option<ir::ServiceAccount> {
    let mut f = Fields::from_block(ck, body, schema::SERVICE_ACCOUNT_ITEM, "a `service-account`");
    let meta = ck.meta(&mut f, name, span, Kind::ServiceAccount);
    let automount_token = read::boolean(ck, &mut f, &schema::SA_AUTOMOUNT).map(|(b, _)| b);
    let mut image_pull_secrets = Vec::new();
    for (secret, at) in strings(ck, &mut f, &schema::SA_PULL_SECRETS).unwrap_or_default() {
        if names::check_object_name(ck, &secret, at, "Secret", 253) {
            image_pull_secrets.push(secret);
        }
    }
    f.finish(ck);
    Some(ir::ServiceAccount { meta: meta?, automount_token, image_pull_secrets })
}

/// A workload's `service-account = "x"`: one the program does not declare may
/// exist in the cluster, but one a letter away from a declared one is a typo.
pub(crate) fn service_account_reference(ck: &mut Checker, name: &str, span: Span) {
    let declared = &ck.declared.service_accounts;
    if declared.iter().any(|d| d == name) {
        return;
    }
    let Some(best) = closest(name, declared.iter().map(String::as_str)).map(str::to_string) else { return };
    ck.report(
        Diagnostic::warning(
            Code::ServiceAccountTypo,
            span,
            format!("the program declares no service account `{name}`, but `{best}`"),
        )
        .label("not a service account of the program")
        .help(format!("did you mean `{best}`? A pod naming a service account that does not exist is never created")),
    );
}

pub(crate) fn role<'a>(
    ck: &mut Checker<'a>,
    cluster: bool,
    name: &str,
    span: Span,
    body: &'a ast::Block,
) -> Option<ir::Role> {
    let (place, kind) = if cluster { ("a `cluster-role`", Kind::ClusterRole) } else { ("a `role`", Kind::Role) };
    let ctx = schema::ROLE_ITEM;
    let mut f = Fields::from_block(ck, body, ctx, place);
    let meta = ck.meta(&mut f, name, span, kind);
    let mut rules = Vec::new();
    let mut ok = true;
    if let Some(items) = read::expr(ck, &mut f, &schema::RULES).and_then(|e| ck.list(e, What::Key("rules"))) {
        for item in items {
            match rule(ck, cluster, item) {
                Some(r) => rules.push(r),
                None => ok = false,
            }
        }
    }
    f.finish(ck);
    let meta = meta?;
    ok.then_some(ir::Role { meta, cluster, rules })
}

const RULE_EXAMPLE: &str = "{ api-groups: [\"\"], resources: [\"pods\"], verbs: [\"get\", \"list\"] }";

/// Verbs of a rule for non-resource URLs: HTTP methods, lowercase.
const URL_VERBS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options", "*"];

fn rule<'a>(ck: &mut Checker<'a>, cluster: bool, item: &'a ast::Expr) -> Option<ir::PolicyRule> {
    let (e, mut f) = Fields::record(ck, item, schema::POLICY_RULE, "a rule", RULE_EXAMPLE)?;
    let groups = strings(ck, &mut f, &schema::API_GROUPS);
    let resources = strings(ck, &mut f, &schema::RULE_RESOURCES);
    let verbs = strings(ck, &mut f, &schema::VERBS);
    let resource_names = strings(ck, &mut f, &schema::RESOURCE_NAMES);
    let urls_span = f.peek_span(&schema::NON_RESOURCE_URLS);
    let urls = strings(ck, &mut f, &schema::NON_RESOURCE_URLS);
    f.finish(ck);
    let bad = |ck: &mut Checker, span: Span, message: String, label: &str, help: String| {
        ck.report(Diagnostic::error(Code::PolicyRule, span, message).label(label).help(help));
        None
    };
    let verbs = verbs.unwrap_or_default();
    if verbs.is_empty() {
        return bad(
            ck,
            e.span,
            "a rule needs `verbs`".into(),
            "no verbs",
            format!("say what the rule allows: `{RULE_EXAMPLE}`"),
        );
    }
    let urls = urls.unwrap_or_default();
    if let (false, Some(urls_span)) = (urls.is_empty(), urls_span) {
        if !cluster {
            return bad(
                ck,
                urls_span,
                "`non-resource-urls` in a `role`".into(),
                "only a cluster role grants URLs",
                "URLs such as `/healthz` are not in a namespace: grant them in a `cluster-role`".into(),
            );
        }
        if groups.is_some() || resources.is_some() || resource_names.is_some() {
            return bad(
                ck,
                e.span,
                "a rule cannot grant both resources and non-resource URLs".into(),
                "resources and URLs in one rule",
                "write two rules: one with `api-groups` and `resources`, one with `non-resource-urls` alone".into(),
            );
        }
        let mut ok = true;
        for (url, at) in &urls {
            // The authorizer matches a URL exactly, or by a prefix ending in `*`.
            let star_inside = url.find('*').is_some_and(|i| i + 1 != url.len());
            if !url.starts_with('/') && url != "*" || star_inside {
                ok = false;
                ck.report(
                    Diagnostic::error(Code::PolicyRule, *at, format!("`{url}` is not a URL path a rule can match"))
                        .label("not a path")
                        .help("write a path from the root, `*` only at its end: `/healthz`, `/metrics`, `/api/*`"),
                );
            }
        }
        for (verb, at) in &verbs {
            ok &= check_verb(ck, verb, *at, URL_VERBS, None);
        }
        return ok.then(|| ir::PolicyRule {
            verbs: verbs.into_iter().map(|(v, _)| v).collect(),
            non_resource_urls: urls.into_iter().map(|(u, _)| u).collect(),
            ..Default::default()
        });
    }
    let Some(groups) = groups.filter(|g| !g.is_empty()) else {
        return bad(
            ck,
            e.span,
            "a rule for resources needs `api-groups`".into(),
            "no API groups",
            "name the resources' groups: `api-groups: [\"\"]` is the core group (pods, configmaps, secrets), `[\"apps\"]` deployments, `[\"batch\"]` jobs".into(),
        );
    };
    let Some(resources) = resources.filter(|r| !r.is_empty()) else {
        return bad(
            ck,
            e.span,
            "a rule needs `resources`".into(),
            "no resources",
            format!("name what the rule is about: `{RULE_EXAMPLE}`"),
        );
    };
    let group_names: Vec<String> = groups.iter().map(|(g, _)| g.clone()).collect();
    let resource_names_only: Vec<String> = resources.iter().map(|(r, _)| r.clone()).collect();
    let mut ok = true;
    for (r, at) in &resources {
        ok &= check_resource(ck, r, *at, &group_names);
    }
    for (verb, at) in &verbs {
        ok &= check_verb(ck, verb, *at, rbac_api::VERBS, Some((&group_names, &resource_names_only)));
    }
    ok.then(|| ir::PolicyRule {
        api_groups: group_names,
        resources: resource_names_only,
        verbs: verbs.into_iter().map(|(v, _)| v).collect(),
        resource_names: resource_names.unwrap_or_default().into_iter().map(|(n, _)| n).collect(),
        non_resource_urls: Vec::new(),
    })
}

/// A verb: one of `verbs`, or (for resource rules) a special verb that applies
/// to the rule's resources.
fn check_verb(
    ck: &mut Checker,
    verb: &str,
    at: Span,
    verbs: &[&str],
    resources: Option<(&[String], &[String])>,
) -> bool {
    if verbs.contains(&verb) {
        return true;
    }
    if let Some((groups, resources)) = resources
        && let Some(fits) = rbac_api::special_verb_fits(verb, groups, resources)
    {
        if !fits {
            ck.report(
                Diagnostic::error(Code::UnknownVerb, at, format!("`{verb}` does not apply to the rule's resources"))
                    .label(format!("`{verb}` is only for some resources"))
                    .help(format!("`{verb}` applies to {}", rbac_api::special_verb_targets(verb))),
            );
        }
        return fits;
    }
    let candidates: Vec<&str> = if resources.is_some() { rbac_api::all_verbs().collect() } else { verbs.to_vec() };
    let lower = verb.to_ascii_lowercase();
    let help = if lower != verb && candidates.contains(&lower.as_str()) {
        format!("verbs are lowercase: `{lower}`")
    } else {
        match closest(verb, candidates.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None if resources.is_some() => {
                "verbs are get, list, watch, create, update, patch, delete, deletecollection, or `*` for all".into()
            }
            None => "a rule for URLs takes HTTP verbs: get, post, put, patch, delete, head, options".into(),
        }
    };
    ck.report(
        Diagnostic::error(
            Code::UnknownVerb,
            at,
            if resources.is_some() {
                format!("`{verb}` is not a verb Kubernetes authorizes")
            } else {
                format!("`{verb}` is not an HTTP verb a rule for URLs can grant")
            },
        )
        .label("unknown verb")
        .help(help),
    );
    false
}

/// A resource of the rule's groups, when all of them are built-in groups.
fn check_resource(ck: &mut Checker, resource: &str, at: Span, groups: &[String]) -> bool {
    let mut known: Vec<&str> = Vec::new();
    for g in groups {
        match rbac_api::resources_of(g) {
            Some(r) => known.extend_from_slice(r),
            // `*` or a CRD's group: its resources are not known here.
            None => return true,
        }
    }
    if rbac_api::resource_exists(resource, &known) {
        return true;
    }
    let shown = |g: &str| if g.is_empty() { "the core group `\"\"`".to_string() } else { format!("`{g}`") };
    let elsewhere = rbac_api::GROUPS.iter().find(|(_, r)| rbac_api::resource_exists(resource, r)).map(|(g, _)| *g);
    let help = match (closest(resource, known.iter().copied()), elsewhere) {
        (_, Some(g)) => {
            format!("`{resource}` is in {}: add `\"{g}\"` to `api-groups` (or give it a rule of its own)", shown(g))
        }
        (Some(best), None) => format!("did you mean `{best}`?"),
        (None, None) => {
            "resources are lowercase plurals (`pods`, `jobs`), subresources after a `/` (`pods/log`)".into()
        }
    };
    let in_groups: Vec<String> = groups.iter().map(|g| shown(g)).collect();
    ck.report(
        Diagnostic::error(
            Code::UnknownResource,
            at,
            format!("{} has no resource `{resource}`", in_groups.join(" or ")),
        )
        .label("unknown resource")
        .help(help),
    );
    false
}

pub(crate) fn binding<'a>(
    ck: &mut Checker<'a>,
    cluster: bool,
    name: &str,
    span: Span,
    body: &'a ast::Block,
) -> Option<ir::Binding> {
    let (place, kind) = if cluster {
        ("a `cluster-role-binding`", Kind::ClusterRoleBinding)
    } else {
        ("a `role-binding`", Kind::RoleBinding)
    };
    let ctx = schema::BINDING_ITEM;
    let mut f = Fields::from_block(ck, body, ctx, place);
    let meta = ck.meta(&mut f, name, span, kind);
    // A cluster binding grants cluster roles only: `role` gets a message of its own.
    let stray_role = if cluster { read::take(ck, &mut f, &schema::BINDING_ROLE) } else { None };
    let role = if cluster { None } else { read::string(ck, &mut f, &schema::BINDING_ROLE) };
    let cluster_role = read::string(ck, &mut f, &schema::BINDING_CLUSTER_ROLE);
    let subjects_span = f.peek_span(&schema::SUBJECTS);
    let items = read::expr(ck, &mut f, &schema::SUBJECTS).and_then(|e| ck.list(e, What::Key("subjects")));
    let mut subjects = Vec::new();
    let mut ok = true;
    for item in items.unwrap_or_default() {
        match subject(ck, cluster, item) {
            Some(s) => subjects.push(s),
            None => ok = false,
        }
    }
    f.finish(ck);
    if let Some((k, v)) = stray_role {
        ck.report(
            Diagnostic::error(Code::RoleRef, k.span.to(v.span()), "a `cluster-role-binding` cannot grant a `role`")
                .label("a Role is in one namespace")
                .help("grant a `cluster-role` (`cluster-role = \"…\"`), or use a `role-binding` to grant the role in its namespace"),
        );
        return None;
    }
    let (cluster_role, (role, role_span)) = match (role, cluster_role) {
        (Some(r), None) => (false, r),
        (None, Some(r)) => (true, r),
        (Some(_), Some((_, second))) => {
            ck.report(
                Diagnostic::error(
                    Code::RoleRef,
                    second,
                    "a binding grants one role: `role` and `cluster-role` are both given",
                )
                .label("second role")
                .help("keep one; write a second binding to grant another role"),
            );
            return None;
        }
        (None, None) => {
            ck.report(
                Diagnostic::error(Code::RoleRef, span, format!("`{name}` names no role to grant"))
                    .label("no `role` or `cluster-role`")
                    .help(if cluster {
                        "add `cluster-role = \"…\"`"
                    } else {
                        "add `role = \"…\"` (a role of the program) or `cluster-role = \"…\"`"
                    }),
            );
            return None;
        }
    };
    ok &= role_ref(ck, cluster_role, &role, role_span);
    if subjects.is_empty() && ok {
        ck.report(
            Diagnostic::warning(
                Code::BindingSubject,
                subjects_span.unwrap_or(span),
                format!("`{name}` grants its role to nobody"),
            )
            .label("no subjects")
            .help("add `subjects = [{ service-account: \"…\" }]` (or `user:` / `group:`)"),
        );
    }
    let meta = meta?;
    ok.then_some(ir::Binding { meta, cluster, cluster_role, role, subjects })
}

/// The role a binding grants must be one the program declares (a role of the
/// cluster is declared as such: `cluster-role view` without a block).
fn role_ref(ck: &mut Checker, cluster_role: bool, role: &str, at: Span) -> bool {
    if !cluster_role && let Some((namespace, _)) = role.split_once('/') {
        ck.report(
            Diagnostic::error(Code::RoleRef, at, format!("a `role-binding` cannot grant a Role of namespace `{namespace}`"))
                .label("a Role of another namespace")
                .help("a RoleBinding grants a Role of its own namespace, or a ClusterRole: grant a `cluster-role`, or bind in that namespace's program"),
        );
        return false;
    }
    let declared = &ck.declared;
    let (own, other, keyword, other_keyword) = if cluster_role {
        (&declared.cluster_roles, &declared.roles, "cluster-role", "role")
    } else {
        (&declared.roles, &declared.cluster_roles, "role", "cluster-role")
    };
    if own.iter().any(|r| r == role) {
        return true;
    }
    let help = if other.iter().any(|r| r == role) {
        format!("`{role}` is a `{other_keyword}` of the program: write `{other_keyword} = \"{role}\"`")
    } else if let Some(best) = closest(role, own.iter().map(String::as_str)) {
        format!("did you mean `{best}`?")
    } else {
        format!(
            "declare it (`{keyword} {role} {{ rules = [ … ] }}`), or, for one the cluster already has, say so with `{keyword} {role}` (no block)"
        )
    };
    ck.report(
        Diagnostic::error(Code::UnknownRole, at, format!("the program has no {keyword} `{role}`"))
            .label(format!("not a `{keyword}` of the program"))
            .help(help),
    );
    false
}

const SUBJECT_EXAMPLE: &str = "{ service-account: \"cleaner\" }";

fn subject<'a>(ck: &mut Checker<'a>, cluster: bool, item: &'a ast::Expr) -> Option<ir::Subject> {
    let (e, mut f) = Fields::record(ck, item, schema::SUBJECT, "a subject", SUBJECT_EXAMPLE)?;
    let account = read::string(ck, &mut f, &schema::SUBJECT_SERVICE_ACCOUNT);
    let user = read::string(ck, &mut f, &schema::SUBJECT_USER);
    let group = read::string(ck, &mut f, &schema::SUBJECT_GROUP);
    f.finish(ck);
    let given = [account.is_some(), user.is_some(), group.is_some()].iter().filter(|g| **g).count();
    if given != 1 {
        ck.report(
            Diagnostic::error(
                Code::BindingSubject,
                e.span,
                if given == 0 { "a subject names no one".to_string() } else { "a subject names one of `service-account`, `user` or `group`".to_string() },
            )
            .label(if given == 0 { "empty subject" } else { "more than one kind of subject" })
            .help("write one subject per entry: `{ service-account: \"cleaner\" }`, `{ user: \"jane\" }`, `{ group: \"ops\" }`"),
        );
        return None;
    }
    let empty = |ck: &mut Checker, at: Span| {
        ck.report(
            Diagnostic::error(Code::BindingSubject, at, "a subject's name is empty")
                .label("empty")
                .help("name the user or group as the cluster's authenticator does"),
        );
        None
    };
    if let Some((user, at)) = user {
        return if user.is_empty() { empty(ck, at) } else { Some(ir::Subject::User(user)) };
    }
    if let Some((group, at)) = group {
        return if group.is_empty() { empty(ck, at) } else { Some(ir::Subject::Group(group)) };
    }
    let (text, at) = account?;
    let (namespace, name) = match text.split_once(':') {
        Some((ns, name)) => (Some(ns.to_string()), name.to_string()),
        None => (None, text.clone()),
    };
    let mut ok = names::check_object_name(ck, &name, at, "ServiceAccount", 253);
    if let Some(ns) = &namespace {
        ok &= names::check_dns_label(ck, ns, at, "a namespace", 63);
    }
    if !ok {
        return None;
    }
    if namespace.is_none() {
        if cluster && ck.program_namespace.is_none() {
            ck.report(
                Diagnostic::error(Code::BindingSubject, at, format!("which namespace's `{name}`?"))
                    .label("a service account without its namespace")
                    .help(format!(
                        "a cluster-role-binding is not in a namespace: write `\"NAMESPACE:{name}\"`, or give the program a `namespace`"
                    )),
            );
            return None;
        }
        service_account_reference(ck, &name, at);
    }
    Some(ir::Subject::ServiceAccount { namespace, name })
}

/// The strings of a list key, each with its span (a list computed by an
/// expression has the expression's span for each).
fn strings<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Key) -> Option<Vec<(String, Span)>> {
    let e = read::expr(ck, f, row)?;
    let (resolved, _) = ck.resolve(e)?;
    if let ExprKind::List(items) = &resolved.kind {
        let out: Vec<Option<(String, Span)>> =
            items.iter().map(|i| ck.text(i, What::Key(row.key)).map(|s| (s, i.span))).collect();
        return out.into_iter().collect();
    }
    ck.string_list(e, What::Key(row.key)).map(|l| l.into_iter().map(|s| (s, e.span)).collect())
}
