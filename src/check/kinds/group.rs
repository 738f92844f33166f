//! A `group`: roles that find each other. Each role is a pod (read by the one
//! pod reader, `pod.rs`) and a member count; the group decides the life cycle
//! (which role's success is the group's, retries per member, the failure policy,
//! a deadline) and every member's environment (`group_env.rs`). It lowers to one
//! Indexed Job per role and a headless Service, or to a JobSet
//! (`--target jobset`). docs/reference/groups.md says what each form guarantees.

use super::group_env::{self, Naming};
use crate::ast::{self, ExprKind, LabeledValue, WorkloadKind};
use crate::check::fields::{Fields, Labeled, unknown_key};
use crate::check::job_spec::{self, JobContext};
use crate::check::{Checker, names, qos, read, security};
use crate::diag::{Code, Diagnostic, closest};
use crate::ir::{self, SuccessRule};
use crate::kinds::Kind;
use crate::schema;
use crate::source::Span;
use crate::target::Target;

/// TensorFlow's task types, and how many members each may have.
const TF_TYPES: &[(&str, Option<i64>)] = &[("chief", Some(1)), ("worker", None), ("ps", None), ("evaluator", Some(1))];

/// A role as read, before the group's environment is added to its pod.
pub(super) struct Role {
    pub name: String,
    pub span: Span,
    pub replicas: i64,
    /// Counted for the group's success (not `until-done`, not a TF `ps` or `evaluator`).
    pub counted: bool,
    /// Never exits by itself (`until-done`, a TF `ps`).
    pub never_exits: bool,
    pub restart: (&'static str, Option<Span>),
    pub meta: Option<ir::Meta>,
    pub pod: Option<ir::Pod>,
}

/// Where a group is: an item of its own (its objects named after it, `--target jobset`
/// honoured), or a pipeline's fan-out task (named per run by `naming`; always Indexed Jobs
/// and a Service, which the runner creates and stops).
pub(in crate::check) struct Placement {
    pub naming: Naming,
    pub jobset: bool,
    pub task: bool,
}

pub(super) fn group<'a>(ck: &mut Checker<'a>, name: &str, span: Span, body: &'a ast::Block) -> Option<ir::Object> {
    let f = Fields::from_block(ck, body, schema::GROUP, "a `group`");
    let at = Placement { naming: Naming::item(name), jobset: ck.target == Target::Jobset, task: false };
    read(ck, f, name, span, &at).map(ir::Object::Group)
}

/// A group's keys and roles from `f` (a `group` item's block, or a fan-out task's).
pub(in crate::check) fn read<'a>(
    ck: &mut Checker<'a>,
    mut f: Fields<'a>,
    name: &str,
    span: Span,
    at: &Placement,
) -> Option<ir::Group> {
    let jobset = at.jobset;
    let meta = ck.meta(&mut f, &at.naming.measured, span, if jobset { Kind::JobSet } else { Kind::Service });
    let meta = meta.map(|m| ir::Meta { name: at.naming.service.clone(), ..m });
    let raw_ok = !at.task || forbid_in_task(ck, &meta, "the Service");
    let framework = read::choice(ck, &mut f, &schema::FRAMEWORK).map(|(c, _)| c);
    let tf = framework == Some("tensorflow");
    let port = read::int(ck, &mut f, &schema::GROUP_PORT).map(|(p, _)| p as i32).or(tf.then_some(2222));
    let success = read::expr(ck, &mut f, &schema::GROUP_SUCCESS).and_then(|e| success_word(ck, e));
    let success_indexes = read::string(ck, &mut f, &schema::GROUP_SUCCESS_INDEXES);
    let per_index = read::int(ck, &mut f, &schema::GROUP_RETRIES);
    let deadline = read::seconds(ck, &mut f, &schema::GROUP_DEADLINE);
    let ttl = read::seconds(ck, &mut f, &schema::GROUP_TTL).map(|(s, _)| s as i32);
    let restarts = read::int(ck, &mut f, &schema::GROUP_RESTARTS);
    let failure_key = f.peek_span(&schema::GROUP_FAILURE_POLICY);
    // Every role's restart policy is checked against it below (the rule names the role).
    let never = JobContext { name, restart_policy: "Never", restart_span: None, with_suspend: false };
    let failure_policy = read::take(ck, &mut f, &schema::GROUP_FAILURE_POLICY)
        .map(|(k, v)| job_spec::failure_policy(ck, k, v, &never, per_index.is_some(), None));
    let mut ok = raw_ok && !matches!(failure_policy, Some(None));

    let labeled = std::mem::take(&mut f.labeled);
    let mut roles: Vec<Role> = Vec::new();
    // Whether every role was read: else rules about the roles together are not judged.
    let mut complete = true;
    for l in &labeled {
        if l.key.text != schema::GROUP_ROLE_BLOCK.key {
            ck.report(unknown_key(l.key, schema::GROUP, "a `group`"));
            ok = false;
            continue;
        }
        match role(ck, l, at, tf) {
            Some(r) => {
                if let Some(first) = roles.iter().find(|x| x.name == r.name) {
                    ck.report(
                        Diagnostic::error(Code::GroupDuplicateRole, r.span, format!("two roles named `{}`", r.name))
                            .label("second one")
                            .secondary(first.span, "first one")
                            .help("each role is a Job of its own (`<group>-<role>`) with its own hostnames: rename one, or give the first more `replicas`"),
                    );
                    ok = false;
                    continue;
                }
                roles.push(r)
            }
            None => {
                ok = false;
                complete = false;
            }
        }
    }
    f.finish(ck);
    if !labeled.iter().any(|l| l.key.text == schema::GROUP_ROLE_BLOCK.key) {
        ck.report(
            Diagnostic::error(Code::GroupNoRoles, span, format!("group `{name}` has no roles"))
                .label("no `role NAME { … }`")
                .help("a group is its roles: write `role worker { replicas = 4, image = \"…\" }` (one Indexed Job per role)"),
        );
        return None;
    }
    if tf && complete {
        ok &= tf_roles(ck, &roles, span);
    }
    if let Some((_, at)) = restarts
        && !jobset
    {
        ok = false;
        ck.report(
            Diagnostic::error(Code::GroupTarget, at, "recreating the whole group after a failure needs a JobSet")
                .label("separate Jobs do not restart each other")
                .help("build with `--target jobset` (its `failurePolicy.maxRestarts`), or remove `restarts` and bound each member with `retries-per-index`"),
        );
    }
    if let (Some(policy_span), true) = (failure_key, failure_policy.is_some()) {
        for r in roles.iter().filter(|r| r.restart.0 != "Never") {
            ok = false;
            let d = Diagnostic::error(
                Code::GroupRestart,
                r.restart.1.unwrap_or(r.span),
                format!("role `{}` restarts its containers in place, but the group has a `failure-policy`", r.name),
            )
            .label("`restart = on-failure`")
            .secondary(policy_span, "a pod failure policy needs failed pods")
            .help("write `restart = never` in the role (the default): a failed member is then replaced, and counted by `retries-per-index`");
            ck.report(d);
        }
    }

    // Which role's success is the group's: written, or TensorFlow's rule (the chief, else worker 0).
    let implied_tf = success.is_none() && tf;
    let decider: Option<(String, Span)> = match success {
        Some((word, _)) if word == "all" => None,
        Some(s) => Some(s),
        None if tf => {
            let pick = if roles.iter().any(|r| r.name == "chief") { "chief" } else { "worker" };
            Some((pick.to_string(), span))
        }
        None => None,
    };
    let mut decider_role: Option<usize> = None;
    if !complete {
        return None;
    }
    if let Some((word, at)) = &decider {
        match roles.iter().position(|r| r.name == *word) {
            Some(i) if !roles[i].counted => {
                ok = false;
                ck.report(
                    Diagnostic::error(Code::GroupSuccess, *at, format!("role `{word}` is never counted for success"))
                        .label(if roles[i].never_exits { "never exits by itself" } else { "not counted" })
                        .secondary(roles[i].span, "declared here")
                        .help("name a role whose members exit when the work is done (e.g. `success = worker`)"),
                );
            }
            Some(i) => decider_role = Some(i),
            None if implied_tf => {} // reported by `tf_roles`: the cluster has no worker
            None => {
                ok = false;
                let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
                let help = match closest(word, names.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("write `success = all`, or one of the roles: {}", names.join(", ")),
                };
                ck.report(
                    Diagnostic::error(Code::GroupSuccess, *at, format!("the group has no role `{word}`"))
                        .label("not a role")
                        .help(help),
                );
            }
        }
    } else if ok && !roles.is_empty() && !roles.iter().any(|r| r.counted) {
        ok = false;
        ck.report(
            Diagnostic::error(Code::GroupSuccess, span, format!("no role of `{name}` decides when it is done"))
                .label("every role is `until-done`")
                .help("at least one role's members must exit when the work is done: remove `until-done` from it"),
        );
    }
    // The indexes of the deciding role whose success is enough: written, or worker 0 for TensorFlow.
    let mut success_rule: Option<(String, Span, bool)> =
        success_indexes.map(|(text, at)| (text, at, true)).or_else(|| {
            let worker0 = implied_tf && decider.as_ref().is_some_and(|(w, _)| w == "worker");
            worker0.then(|| ("0".to_string(), span, false))
        });
    if let Some((text, at, written)) = &success_rule {
        match decider_role {
            Some(i) => ok &= job_spec::check_index_list(ck, text, *at, Some(roles[i].replicas)),
            None if *written && decider.is_none() => {
                ok = false;
                ck.report(
                    Diagnostic::error(Code::GroupSuccess, *at, "`success-indexes` needs one deciding role")
                        .label("whose indexes?")
                        .help("name the role whose members these are: `success = worker`"),
                );
            }
            None => {}
        }
        if !written && decider_role.is_some() {
            ok &= implied_gate(
                ck,
                &schema::GROUP_SUCCESS_INDEXES,
                "successPolicy",
                span,
                "worker 0 decides (the group has no `chief`)",
                "add a `role chief { replicas = 1 … }` (its one member decides without a success policy)",
            );
        }
    }
    if decider_role.is_none() {
        success_rule = None;
    }
    // (A fan-out task's runner stops such roles once the task's deciding roles have succeeded.)
    if !jobset
        && !at.task
        && let Some(r) = roles.iter().find(|r| r.never_exits)
        && deadline.is_none()
    {
        ck.report(
            Diagnostic::warning(Code::GroupNeverExits, r.span, format!("role `{}` never exits, and nothing stops it", r.name))
                .label("its Job runs until it is deleted")
                .help("separate Jobs do not stop each other when the group is done: give the group a `deadline` (it ends every role's Job), or build with `--target jobset` (its success policy ends the group)"),
        );
    }

    let (Some(meta), true) = (meta, ok) else { return None };
    group_env::add(ck, &at.naming, jobset, port, tf, &mut roles);
    let success = if jobset { jobset_success(&roles, decider_role) } else { None };
    let out_roles: Option<Vec<ir::GroupRole>> = roles
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let n = r.replicas as i32;
            let spec = ir::JobSpec {
                completions: Some(n),
                parallelism: Some(n),
                completion_mode: Some("Indexed"),
                backoff_limit_per_index: per_index.map(|(n, _)| n as i32),
                // One member out of retries fails its role's Job at once, not when the others end.
                max_failed_indexes: per_index.map(|_| 0),
                active_deadline_seconds: deadline.map(|(s, _)| s),
                ttl_seconds_after_finished: if jobset { None } else { ttl },
                pod_failure_policy: failure_policy.clone().flatten(),
                success_policy: success_rule
                    .as_ref()
                    .filter(|_| decider_role == Some(i))
                    .map(|(text, ..)| vec![SuccessRule { indexes: Some(text.clone()), count: None }]),
                ..Default::default()
            };
            let decides = decider_role.map_or(r.counted, |d| d == i);
            Some(ir::GroupRole { name: r.name, meta: r.meta?, spec, pod: r.pod?, decides })
        })
        .collect();
    let out_roles = out_roles?;
    Some(ir::Group {
        meta,
        jobset,
        port,
        roles: out_roles,
        success,
        restarts: restarts.map(|(n, _)| n as i32),
        ttl: if jobset { ttl } else { None },
    })
}

/// A fan-out task's objects are made per run by the runner (or Argo): a `raw` patch of them
/// has no object to patch when pipec writes its output.
fn forbid_in_task(ck: &mut Checker, meta: &Option<ir::Meta>, what: &str) -> bool {
    let Some(patch) = meta.as_ref().and_then(|m| m.raw.first()) else { return true };
    ck.report(
        Diagnostic::error(Code::TaskKey, patch.span, "a task cannot set `raw`")
            .label("set by the pipeline")
            .help(format!("{what} of a fan-out task is made per run by the runner: set its keys directly")),
    );
    false
}

/// `success = all`, `success = chief` or `success = "chief"`.
fn success_word<'a>(ck: &mut Checker<'a>, e: &'a ast::Expr) -> Option<(String, Span)> {
    if let ExprKind::Word(w) = &e.kind {
        return Some((w.clone(), e.span));
    }
    ck.string(e, "`success`").map(|s| (s, e.span))
}

/// A field the group's life cycle needs without the program writing it: an error
/// below its beta version (the field would be dropped), a warning while beta.
fn implied_gate(
    ck: &mut Checker,
    row: &'static schema::Key,
    field: &str,
    span: Span,
    why: &str,
    instead: &str,
) -> bool {
    let Some(g) = row.gate else { return true };
    let target = ck.kube;
    if target.minor < g.beta {
        ck.report(
            Diagnostic::error(
                Code::GroupVersion,
                span,
                format!("this group needs `{field}`, which Kubernetes {target} does not have"),
            )
            .label(format!("{why}: Kubernetes 1.{}+ (GA 1.{})", g.beta, g.ga))
            .help(format!("{instead}, or target a newer version with `--kube-version 1.{}`", g.ga)),
        );
        return false;
    }
    if target.minor < g.ga {
        ck.gate_field(span, field, &row.field(), g);
    }
    true
}

/// One `role NAME { … }`.
fn role<'a>(ck: &mut Checker<'a>, l: &Labeled<'a>, at: &Placement, tf: bool) -> Option<Role> {
    let jobset = at.jobset;
    let name = ck.name(l.label)?;
    let span = l.label.span();
    let body = match l.value {
        LabeledValue::Block(body) => body,
        LabeledValue::Expr(e) => {
            ck.report(
                Diagnostic::error(Code::TypeMismatch, e.span, "`role` takes a block")
                    .label("not a block")
                    .help(format!("write `role {name} {{ replicas = 2, image = \"…\" }}`")),
            );
            return None;
        }
        LabeledValue::Instance(used) => {
            ck.report(
                Diagnostic::error(Code::TypeMismatch, used.0.span, "a role is written as a block, not from a template")
                    .label("a template use")
                    .help("use the template for the whole group (`group g = tf.parameter-servers(…)`), or write the role's keys in `role NAME { … }`"),
            );
            return None;
        }
    };
    let name_ok = names::check_dns_label(ck, &name, span, "a role", 63);
    let mut f = Fields::from_block(ck, body, schema::GROUP_ROLE, "a group `role`");
    let replicas = read::int(ck, &mut f, &schema::GROUP_REPLICAS);
    let until_done = read::boolean(ck, &mut f, &schema::UNTIL_DONE).is_some_and(|(b, _)| b);
    let mut ok = name_ok;
    // Not keys of a role (their rows leave the context out): the group's, said so.
    for row in [&schema::HOSTNAME, &schema::SUBDOMAIN] {
        if let Some(written) = f.peek_span(row) {
            f.take_unlisted(row.key);
            ok = false;
            ck.report(
                Diagnostic::error(Code::GroupEnv, written, format!("a group member's `{}` is the group's to decide", row.key))
                    .label("would break the member's DNS name")
                    .help(format!("remove it: member i of role `{name}` is `<job>-i` in the subdomain `{}` (the group's headless Service)", at.naming.shown)),
            );
        }
    }
    let replicas = match replicas {
        Some((0, at)) => {
            ck.report(
                Diagnostic::error(Code::GroupReplicas, at, format!("role `{name}` has no members"))
                    .label("0 replicas")
                    .help("a role needs at least one member; remove the role if the group does not need it"),
            );
            ok = false;
            0
        }
        Some((n, _)) => n,
        None if f.peek_span(&schema::GROUP_REPLICAS).is_some() => {
            ok = false;
            0
        }
        None => 1,
    };
    // The last member's hostname is the longest: it must stay a DNS label.
    let job = format!("{}-{name}", at.naming.measured);
    let last = replicas.saturating_sub(1);
    let hostname = if jobset { format!("{job}-0-{last}") } else { format!("{job}-{last}") };
    let shown = match jobset {
        true => format!("{}-{name}-0-{last}", at.naming.shown),
        false => format!("{}-{name}-{last}", at.naming.shown),
    };
    let fits = hostname.len() <= 63;
    if name_ok && !fits {
        ok = false;
        ck.report(
            Diagnostic::error(
                Code::GroupHostname,
                span,
                format!("member {last}'s hostname `{shown}` is {} characters, more than 63", hostname.len()),
            )
            .label("the role's name is part of every member's hostname")
            .secondary(ck.current_name_span, if at.task { "and so is the task's" } else { "and so is the group's" })
            .help(format!(
                "shorten the {} names by {} together (a hostname is `{}`)",
                if at.task { "pipeline's, the task's and the role's" } else { "group's and the role's" },
                match hostname.len() - 63 {
                    1 => "1 character".to_string(),
                    n => format!("{n} characters"),
                },
                match (jobset, at.task) {
                    (true, _) => "<group>-<role>-0-<index>",
                    (false, false) => "<group>-<role>-<index>",
                    (false, true) => "<pipeline>-<run id>-<task>-<role>-<index>",
                }
            )),
        );
    }
    let meta = if fits && name_ok {
        let meta = ck.meta(&mut f, &job, span, Kind::Job);
        meta.map(|m| ir::Meta { name: format!("{}-{name}", at.naming.service), ..m })
    } else {
        for row in [&schema::LABELS, &schema::ANNOTATIONS, &schema::RAW] {
            f.take(row);
        }
        None
    };
    if let (true, Some(m)) = (jobset, &meta)
        && let Some(patch) = m.raw.first()
    {
        ok = false;
        ck.report(
            Diagnostic::error(
                Code::GroupTarget,
                patch.span,
                "a role's `raw` patches its own Job, which a JobSet does not have",
            )
            .label("no Job object with `--target jobset`")
            .help("write the patch in the group's `raw`, as a path from the JobSet (`spec.replicatedJobs`…)"),
        );
    }
    ok &= !at.task || forbid_in_task(ck, &meta, "a role's Job");
    let (pod, restart) = super::super::pod::pod(ck, &mut f, WorkloadKind::Group, &name, span);
    if let (Some(pod), Some((k, v))) = (&pod, f.take(&schema::QOS)) {
        qos::assertion(ck, pod, k, v);
    }
    if let (Some(pod), Some((k, v))) = (&pod, f.take(&schema::POD_SECURITY_LEVEL)) {
        security::assertion(ck, pod, k, v, body);
    }
    f.finish(ck);
    let (counted, never_exits) = match name.as_str() {
        "ps" if tf => (false, true),
        "evaluator" if tf => (false, false),
        _ => (!until_done, until_done),
    };
    ok.then_some(Role { name, span, replicas, counted, never_exits, restart, meta, pod })
}

/// TensorFlow's rules: task types only, one chief and one evaluator at most, and a
/// worker or a chief to train.
fn tf_roles(ck: &mut Checker, roles: &[Role], span: Span) -> bool {
    let mut ok = true;
    for r in roles {
        match TF_TYPES.iter().find(|(t, _)| *t == r.name) {
            None => {
                ok = false;
                let help = match closest(&r.name, TF_TYPES.iter().map(|(t, _)| *t)) {
                    Some(best) => {
                        format!("did you mean `{best}`? TF_CONFIG's task types are chief, worker, ps and evaluator")
                    }
                    None => {
                        "TF_CONFIG's task types are chief, worker, ps and evaluator: name the role after one".into()
                    }
                };
                ck.report(
                    Diagnostic::error(
                        Code::GroupFramework,
                        r.span,
                        format!("`{}` is not a TensorFlow task type", r.name),
                    )
                    .label("not chief, worker, ps or evaluator")
                    .help(help),
                );
            }
            Some((t, Some(max))) if r.replicas > *max => {
                ok = false;
                ck.report(
                    Diagnostic::error(
                        Code::GroupFramework,
                        r.span,
                        format!("a TensorFlow cluster has one `{t}`, not {}", r.replicas),
                    )
                    .label(format!("{} replicas", r.replicas))
                    .help("write `replicas = 1`; more members of the work are `worker`s"),
                );
            }
            _ => {}
        }
    }
    if ok && !roles.iter().any(|r| r.name == "worker" || r.name == "chief") {
        ok = false;
        ck.report(
            Diagnostic::error(Code::GroupFramework, span, "a TensorFlow group needs a `worker` or a `chief` role")
                .label("nobody trains")
                .help("add `role worker { replicas = 2, image = \"…\" }`; parameter servers and evaluators only serve the workers"),
        );
    }
    ok
}

/// The JobSet's success policy: all counted roles (when some role is not counted),
/// or the deciding role; `None` is JobSet's default (every replicated Job).
fn jobset_success(roles: &[Role], decider: Option<usize>) -> Option<Vec<String>> {
    match decider {
        Some(i) => Some(vec![roles[i].name.clone()]),
        None if roles.iter().all(|r| r.counted) => None,
        None => Some(roles.iter().filter(|r| r.counted).map(|r| r.name.clone()).collect()),
    }
}
