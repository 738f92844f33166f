//! Job fields (also a cron's job template) and the Job rules of the API server:
//! Indexed-only fields, pod failure and success policies, Indexed hostnames, and
//! the deadline that makes retries unreachable.

use super::Checker;
use super::fields::{Fields, Value};
use super::read;
use crate::ast;
use crate::check::eval::What;
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, ExitCodes, FailureRule, SuccessRule};
use crate::schema;
use crate::source::Span;
use crate::units::Duration;

const I32_MAX: i64 = schema::I32_MAX;
/// Kubernetes' limits for Indexed Jobs with per-index retries and for policy rules.
const MAX_INDEXED_FOR_PER_INDEX: i64 = 100_000;
const MAX_POLICY_RULES: usize = 20;

/// What the rules need to know about the pod and the object around the job spec.
pub(super) struct JobContext<'n> {
    pub name: &'n str,
    pub restart_policy: &'static str,
    pub restart_span: Option<Span>,
    pub with_suspend: bool,
}

/// The Job fields; `pod` is the checked pod (`None` when it had errors), for the
/// rules that name its containers.
pub(super) fn job_spec<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    cx: &JobContext,
    pod: Option<&ir::Pod>,
) -> ir::JobSpec {
    let completions = read::int(ck, f, &schema::COMPLETIONS);
    let parallelism = read::int(ck, f, &schema::PARALLELISM);
    let retries = read::int(ck, f, &schema::RETRIES);
    let deadline = read::seconds(ck, f, &schema::DEADLINE);
    let ttl = read::seconds(ck, f, &schema::TTL).map(|(s, _)| s);
    let mode = read::choice(ck, f, &schema::COMPLETION_MODE).map(|(m, _)| m);
    let indexed = mode == Some("Indexed");
    let suspend = if cx.with_suspend { read::boolean(ck, f, &schema::SUSPEND).map(|(b, _)| b) } else { None };

    let per_index_span = f.peek_span(&schema::RETRIES_PER_INDEX);
    let max_failed_span = f.peek_span(&schema::MAX_FAILED_INDEXES);
    let per_index = read::int(ck, f, &schema::RETRIES_PER_INDEX);
    let max_failed = read::int(ck, f, &schema::MAX_FAILED_INDEXES);
    let pod_replacement = read::choice(ck, f, &schema::POD_REPLACEMENT).map(|(p, _)| p);
    let managed_by = read::string(ck, f, &schema::MANAGED_BY).map(|(s, _)| s);
    let failure_policy = read::take(ck, f, &schema::FAILURE_POLICY)
        .and_then(|(k, v)| failure_policy(ck, k, v, cx, per_index.is_some(), pod));
    let success_policy = read::take(ck, f, &schema::SUCCESS_POLICY).and_then(|(k, v)| {
        if !indexed {
            indexed_only(ck, k.span.to(v.span()), "success-policy");
        }
        success_policy(ck, k, v, completions.map(|(n, _)| n))
    });

    for (key, span) in [("retries-per-index", per_index_span), ("max-failed-indexes", max_failed_span)] {
        if let Some(span) = span
            && !indexed
        {
            indexed_only(ck, span, key);
        }
    }
    if let (Some((_, span)), None) = (max_failed, per_index) {
        ck.report(
            Diagnostic::error(Code::IndexedOnly, span, "`max-failed-indexes` needs `retries-per-index`")
                .label("without per-index retries")
                .help("add `retries-per-index = 1` (Kubernetes counts failed indexes only with per-index retries)"),
        );
    }
    if indexed {
        indexed_rules(ck, cx.name, completions, parallelism, per_index, max_failed);
    }
    if let (Some((p, p_span)), Some((c, c_span))) = (parallelism, completions)
        && p > c
        && c > 0
    {
        // The Job controller never runs more pods than completions are left.
        ck.report(
            Diagnostic::warning(
                Code::ParallelismAboveCompletions,
                p_span,
                format!(
                    "`parallelism = {p}` with `completions = {c}`: at most {c} pod{} ever run{} at once",
                    if c == 1 { "" } else { "s" },
                    if c == 1 { "s" } else { "" }
                ),
            )
            .label("more than the completions")
            .secondary(c_span, "the completions")
            .help(format!(
                "for a queue drained by {p} workers, leave `completions` out (the Job ends when the workers exit); \
                 else write `parallelism = {c}`"
            )),
        );
    }
    if let (Some((n, span)), Some((deadline, deadline_span))) = (retries, deadline) {
        retries_reachable(ck, n, span, deadline, deadline_span);
    }

    ir::JobSpec {
        completions: completions.map(|(n, _)| n as i32),
        parallelism: parallelism.map(|(n, _)| n as i32),
        backoff_limit: retries.map(|(n, _)| n as i32),
        active_deadline_seconds: deadline.map(|(s, _)| s),
        ttl_seconds_after_finished: ttl.map(|s| s as i32),
        completion_mode: mode,
        suspend,
        backoff_limit_per_index: per_index.map(|(n, _)| n as i32),
        max_failed_indexes: max_failed.map(|(n, _)| n as i32),
        pod_failure_policy: failure_policy,
        success_policy,
        pod_replacement_policy: pod_replacement,
        managed_by,
    }
}

fn indexed_only(ck: &mut Checker, span: Span, key: &str) {
    ck.report(
        Diagnostic::error(Code::IndexedOnly, span, format!("`{key}` only applies to Indexed Jobs"))
            .label("the Job is not Indexed")
            .help("add `completion-mode = indexed` (and `completions`), or remove this key"),
    );
}

fn indexed_rules(
    ck: &mut Checker,
    name: &str,
    completions: Option<(i64, Span)>,
    parallelism: Option<(i64, Span)>,
    per_index: Option<(i64, Span)>,
    max_failed: Option<(i64, Span)>,
) {
    let Some((completions, completions_span)) = completions else {
        ck.report(
            Diagnostic::error(Code::MissingKey, ck.current_name_span, "an Indexed Job needs `completions`")
                .label("Indexed, without completions")
                .help("add `completions = N`: the pods get the indexes 0 … N-1"),
        );
        return;
    };
    // Each pod's hostname is `<job>-<index>`, which must stay a DNS label.
    let hostname = format!("{name}-{}", completions.saturating_sub(1));
    if completions > 0 && hostname.len() > 63 {
        ck.report(
            Diagnostic::error(
                Code::IndexedHostname,
                ck.current_name_span,
                format!("the last pod's hostname `{hostname}` is {} characters, more than 63", hostname.len()),
            )
            .label("name of an Indexed Job")
            .secondary(completions_span, "the last index comes from this")
            .help(format!("shorten the Job's name to at most {} characters", 63 - (hostname.len() - name.len()))),
        );
    }
    if let Some((p, span)) = parallelism
        && completions > 100_000
        && p > 100_000
    {
        ck.report(
            Diagnostic::error(
                Code::OutOfRange,
                span,
                "`parallelism` above 100000 is rejected for Indexed Jobs this large",
            )
            .label("too many pods at once")
            .help("Kubernetes caps parallelism at 100000 when an Indexed Job has more than 100000 completions"),
        );
    }
    if let Some((_, span)) = per_index
        && completions > MAX_INDEXED_FOR_PER_INDEX
    {
        ck.report(
            Diagnostic::error(Code::OutOfRange, span, "`retries-per-index` needs `completions` of at most 100000")
                .label("too many indexes for per-index retries")
                .secondary(completions_span, "completions")
                .help("split the work into several Jobs, or drop per-index retries"),
        );
    }
    if let Some((m, span)) = max_failed
        && m > completions
    {
        ck.report(
            Diagnostic::error(
                Code::OutOfRange,
                span,
                format!("`max-failed-indexes` is {m}, more than the {completions} indexes"),
            )
            .label("more than there are")
            .secondary(completions_span, "completions")
            .help(format!("write at most {completions}")),
        );
    }
}

/// Kubernetes waits 10 s, 20 s, 40 s … (at most 6 minutes) before each retry, and the
/// deadline wins over retries: a deadline shorter than the back-off alone means the
/// later retries can never run.
fn retries_reachable(ck: &mut Checker, retries: i64, retries_span: Span, deadline: i64, deadline_span: Span) {
    let backoff: i64 = (0..retries.min(64)).map(|i| (10i64 << i.min(6)).min(360)).sum();
    if retries > 0 && backoff > deadline {
        let usable = (1..=retries)
            .take_while(|n| (0..*n).map(|i| (10i64 << i.min(6)).min(360)).sum::<i64>() <= deadline)
            .count();
        ck.report(
            Diagnostic::warning(
                Code::RetriesUnreachable,
                retries_span,
                format!("the deadline ends the Job before its {retries} retries can be used"),
            )
            .label(format!("at most {usable} of these can run"))
            .secondary(
                deadline_span,
                format!(
                    "{} deadline; the back-off between failures alone takes {}",
                    Duration(deadline as u64),
                    Duration(backoff as u64)
                ),
            )
            .help("the deadline wins over retries: lengthen `deadline`, or lower `retries` to what fits"),
        );
    }
}

pub(super) fn failure_policy<'a>(
    ck: &mut Checker<'a>,
    key: &'a ast::Key,
    value: Value<'a>,
    cx: &JobContext,
    has_per_index: bool,
    pod: Option<&ir::Pod>,
) -> Option<Vec<FailureRule>> {
    let items = ck.expr_of(key, value).and_then(|e| ck.list(e, "`failure-policy`"))?;
    if cx.restart_policy != "Never" {
        let mut d = Diagnostic::error(Code::FailurePolicy, key.span, "a pod failure policy needs `restart = never`")
            .label("needs failed pods, not restarted containers")
            .help("write `restart = never`: with `on-failure` the kubelet restarts containers and the policy never sees a failed pod");
        if let Some(span) = cx.restart_span {
            d = d.secondary(span, "restart policy set here");
        }
        ck.report(d);
    }
    if items.len() > MAX_POLICY_RULES {
        ck.report(
            Diagnostic::error(
                Code::FailurePolicy,
                items[MAX_POLICY_RULES].span,
                format!("{} rules; Kubernetes allows at most 20", items.len()),
            )
            .label("the 21st rule")
            .help("merge rules with the same action (a rule's exit codes are a list)"),
        );
    }
    let mut rules = Vec::new();
    let mut ok = true;
    for item in items {
        match failure_rule(ck, item, has_per_index, pod) {
            Some(r) => rules.push(r),
            None => ok = false,
        }
    }
    ok.then_some(rules)
}

fn failure_rule<'a>(
    ck: &mut Checker<'a>,
    item: &'a ast::Expr,
    has_per_index: bool,
    pod: Option<&ir::Pod>,
) -> Option<FailureRule> {
    let (e, mut f) = Fields::record(
        ck,
        item,
        schema::FAILURE_RULE,
        "a failure policy rule",
        "{ action: fail-job, exit-codes: [42] }",
    )?;
    let action_given = f.peek_span(&schema::ACTION).is_some();
    let action = match read::choice(ck, &mut f, &schema::ACTION) {
        Some(action) => Some(action),
        None if action_given => None,
        None => {
            ck.report(
                Diagnostic::error(Code::FailurePolicy, e.span, "a failure policy rule needs an `action`")
                    .label("no action")
                    .help("add `action: fail-job` (or `fail-index`, `ignore`, `count`)"),
            );
            None
        }
    };
    let container = read::string(ck, &mut f, &schema::RULE_CONTAINER);
    if let (Some((name, span)), Some(pod)) = (&container, pod)
        && !rule_container_exists(ck, pod, name, *span)
    {
        return None;
    }
    let container = container.map(|(c, _)| c);
    let codes_in = f.take(&schema::EXIT_CODES);
    let codes_not_in = f.take(&schema::EXIT_CODES_EXCEPT);
    let condition = f.take(&schema::CONDITION);
    let status = condition_status(ck, &mut f);
    f.finish(ck);

    let given: Vec<&ast::Key> = [codes_in, codes_not_in, condition].iter().flatten().map(|(k, _)| *k).collect();
    if given.len() != 1 {
        let mut d = Diagnostic::error(
            Code::FailurePolicy,
            e.span,
            "a failure policy rule matches on exactly one of `exit-codes`, `exit-codes-except`, `condition`",
        )
        .label(if given.is_empty() { "matches nothing" } else { "matches on several" })
        .help("split it into one rule per kind of match");
        for k in given.iter().skip(1) {
            d = d.secondary(k.span, "also given");
        }
        ck.report(d);
        return None;
    }
    let (action, action_span) = action?;
    if action == "FailIndex" && !has_per_index {
        ck.report(
            Diagnostic::error(Code::FailurePolicy, action_span, "`fail-index` needs `retries-per-index`")
                .label("no per-index retries")
                .help("add `retries-per-index` (and `completion-mode = indexed`), or use `fail-job`"),
        );
        return None;
    }
    let mut rule = FailureRule { action, on_exit_codes: None, on_pod_conditions: Vec::new() };
    if let Some((k, v)) = codes_in.or(codes_not_in) {
        let operator = if codes_in.is_some() { "In" } else { "NotIn" };
        let values = exit_codes(ck, k, v, operator)?;
        rule.on_exit_codes = Some(ExitCodes { container, operator, values });
    } else if let Some((k, v)) = condition {
        let x = ck.expr_of(k, v)?;
        let kind = match &x.kind {
            ast::ExprKind::Word(w) if w == "disruption-target" => "DisruptionTarget".to_string(),
            _ => ck.string(x, "`condition`")?,
        };
        rule.on_pod_conditions.push((kind, status.unwrap_or("True")));
    }
    Some(rule)
}

fn exit_codes<'a>(ck: &mut Checker<'a>, key: &'a ast::Key, value: Value<'a>, operator: &str) -> Option<Vec<i32>> {
    let what = format!("`{}`", key.text);
    let items = ck.expr_of(key, value).and_then(|e| ck.list(e, &what))?;
    if items.is_empty() || items.len() > 255 {
        ck.report(
            Diagnostic::error(
                Code::FailurePolicy,
                key.span,
                format!("{what} needs 1 to 255 exit codes, has {}", items.len()),
            )
            .label("wrong number of codes")
            .help("list the exit codes that this rule matches"),
        );
        return None;
    }
    let mut values: Vec<(i32, Span)> = Vec::new();
    for item in items {
        let n = ck.int(item, "an exit code", 0, 255)? as i32;
        if let Some((_, first)) = values.iter().find(|(v, _)| *v == n) {
            ck.report(
                Diagnostic::error(Code::FailurePolicy, item.span, format!("exit code {n} is listed twice"))
                    .label("again")
                    .secondary(*first, "first here")
                    .help("Kubernetes rejects duplicate exit codes: remove one"),
            );
            return None;
        }
        if n == 0 && operator == "In" {
            ck.report(
                Diagnostic::error(Code::FailurePolicy, item.span, "exit code 0 cannot be matched with `exit-codes`")
                    .label("success is not a failure")
                    .help("remove 0: a pod that exits 0 did not fail"),
            );
            return None;
        }
        values.push((n, item.span));
    }
    let mut values: Vec<i32> = values.into_iter().map(|(v, _)| v).collect();
    values.sort_unstable(); // Kubernetes requires them ordered.
    Some(values)
}

fn success_policy<'a>(
    ck: &mut Checker<'a>,
    key: &'a ast::Key,
    value: Value<'a>,
    completions: Option<i64>,
) -> Option<Vec<SuccessRule>> {
    let items = ck.expr_of(key, value).and_then(|e| ck.list(e, "`success-policy`"))?;
    if items.is_empty() || items.len() > MAX_POLICY_RULES {
        ck.report(
            Diagnostic::error(
                Code::FailurePolicy,
                key.span,
                format!("`success-policy` needs 1 to 20 rules, has {}", items.len()),
            )
            .label("wrong number of rules")
            .help("write rules such as `[{ indexes: \"0\" }]`"),
        );
        return None;
    }
    let mut rules = Vec::new();
    for item in items {
        let (e, mut f) =
            Fields::record(ck, item, schema::SUCCESS_RULE, "a success policy rule", "{ indexes: \"0-2\", count: 2 }")?;
        let indexes = read::string(ck, &mut f, &schema::INDEXES)
            .and_then(|(text, span)| check_index_list(ck, &text, span, completions).then_some(text));
        let count = read::expr(ck, &mut f, &schema::COUNT).and_then(|x| {
            // At most the Job's completions (the row's bound is Kubernetes' int32 one).
            let max = completions.unwrap_or(I32_MAX);
            ck.int(x, "`count`", 1, max).map(|n| n as i32)
        });
        f.finish(ck);
        if indexes.is_none() && count.is_none() {
            ck.report(
                Diagnostic::error(
                    Code::FailurePolicy,
                    e.span,
                    "a success policy rule needs `indexes`, `count`, or both",
                )
                .label("an empty rule")
                .help("write `{ indexes: \"0\" }` (index 0 must succeed) or `{ count: 3 }`"),
            );
            return None;
        }
        rules.push(SuccessRule { indexes, count });
    }
    Some(rules)
}

/// `"0-2,5,7-9"`: ascending, non-overlapping, below `completions`.
pub(super) fn check_index_list(ck: &mut Checker, text: &str, span: Span, completions: Option<i64>) -> bool {
    let mut last: i64 = -1;
    for part in text.split(',') {
        let bounds = part.split_once('-').map_or((part, part), |(a, b)| (a, b));
        let (Ok(a), Ok(b)) = (bounds.0.trim().parse::<i64>(), bounds.1.trim().parse::<i64>()) else {
            ck.report(
                Diagnostic::error(Code::FailurePolicy, span, format!("`{part}` is not an index or a range of indexes"))
                    .label("not an index list")
                    .help("write indexes and ranges separated by commas, ascending: \"0-2,5\""),
            );
            return false;
        };
        if a > b || a <= last || completions.is_some_and(|c| b >= c) {
            ck.report(
                Diagnostic::error(
                    Code::FailurePolicy,
                    span,
                    format!("`{text}` is not an ascending list of indexes below `completions`"),
                )
                .label("out of order or out of range")
                .help("list each index once, ascending, each below the number of completions"),
            );
            return false;
        }
        last = b;
    }
    true
}

/// A condition's `status`: `true` and `false` are written as the booleans they
/// look like (they are words of the language), `unknown` as a bare word.
fn condition_status<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> Option<&'static str> {
    let e = read::expr(ck, f, &schema::STATUS)?;
    match ck.resolve(e)?.0.kind {
        ast::ExprKind::Bool(true) => Some("True"),
        ast::ExprKind::Bool(false) => Some("False"),
        _ => {
            let schema::Shape::Choice(choices) = schema::STATUS.shape else { unreachable!() };
            ck.choice(e, What::Key(schema::STATUS.key), choices)
        }
    }
}

/// A rule's `container` must be a container or init container of the pod: the API
/// server rejects a name that is not.
fn rule_container_exists(ck: &mut Checker, pod: &ir::Pod, name: &str, span: Span) -> bool {
    let mut names = pod.containers.iter().chain(&pod.init_containers).map(|c| c.name.as_str());
    if names.any(|n| n == name) {
        return true;
    }
    let names = pod.containers.iter().chain(&pod.init_containers).map(|c| c.name.as_str());
    let all: Vec<&str> = names.clone().collect();
    let help = crate::diag::did_you_mean(name, names, || {
        format!("the pod's containers are: {}", all.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))
    });
    let d = Diagnostic::error(Code::FailurePolicy, span, format!("the pod has no container named `{name}`"))
        .label("not a container of this pod")
        .help(help);
    let d = ck.text_fix(d, span, crate::diag::closest(name, all.iter().copied()));
    ck.report(d);
    false
}
