//! Workloads: the pod (containers, volumes, placement) and the Job, CronJob and
//! DaemonSet fields around it.

use super::Checker;
use super::eval::Choices;
use super::fields::{Fields, Labeled, Value};
use super::job::{self, JobContext};
use super::names;
use super::qos;
use crate::ast::{self, Block, LabeledValue, WorkloadKind};
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Container, EnvVar, Mount, NodeAffinity, NodeRequirement, Pod, Resources, Toleration, Volume};
use crate::schema::{self, Contexts};
use crate::source::Span;
use crate::values::Suffix;

const PULL: Choices = &[("always", "Always"), ("if-not-present", "IfNotPresent"), ("never", "Never")];
const RESTART: Choices = &[("never", "Never"), ("on-failure", "OnFailure"), ("always", "Always")];
const CONCURRENCY: Choices = &[("allow", "Allow"), ("forbid", "Forbid"), ("replace", "Replace")];
const TOLERATION_OPERATOR: Choices = &[("exists", "Exists"), ("equal", "Equal")];
const EFFECT: Choices =
    &[("no-schedule", "NoSchedule"), ("prefer-no-schedule", "PreferNoSchedule"), ("no-execute", "NoExecute")];
const NODE_OPERATOR: Choices = &[
    ("in", "In"),
    ("not-in", "NotIn"),
    ("exists", "Exists"),
    ("does-not-exist", "DoesNotExist"),
    ("gt", "Gt"),
    ("lt", "Lt"),
];
const I32_MAX: i64 = i32::MAX as i64;

/// The `mount` entries of one container: (is init container, index in its list, mounts).
type ContainerMounts<'a> = (bool, usize, Vec<(&'a ast::Mount, Span)>);

pub(super) fn workload<'a>(
    ck: &mut Checker<'a>,
    kind: WorkloadKind,
    name: &str,
    span: Span,
    body: &'a Block,
) -> Option<ir::Object> {
    let (ctx, place, k8s_kind, max_len) = match kind {
        WorkloadKind::Job => (schema::JOB, "a `job`", "Job", 63),
        WorkloadKind::Cron => (schema::CRON, "a `cron`", "CronJob", 52),
        WorkloadKind::Daemon => (schema::DAEMON, "a `daemon`", "DaemonSet", 253),
    };
    let mut f = Fields::from_block(ck, body, ctx, place);
    let meta = ck.meta(&mut f, name, span, k8s_kind, max_len);
    let (pod, restart) = pod(ck, &mut f, kind, name, span);
    if let (Some(pod), Some((k, v))) = (&pod, f.take("qos")) {
        qos::assertion(ck, pod, k, v);
    }
    let job_cx = JobContext {
        name,
        restart_policy: restart.0,
        restart_span: restart.1,
        with_suspend: kind == WorkloadKind::Job,
    };
    // Read every key before giving up on anything, so that `finish` sees what is left.
    let object = match kind {
        WorkloadKind::Job => {
            let spec = job::job_spec(ck, &mut f, &job_cx);
            meta.zip(pod).map(|(meta, pod)| ir::Object::Job(ir::Job { meta, spec, pod }))
        }
        WorkloadKind::Cron => cron(ck, &mut f, meta, pod, span, &job_cx),
        WorkloadKind::Daemon => {
            let update = match f.take("update") {
                Some((k, v)) => ck.expr_of(k, v).and_then(|e| {
                    let update = ck.update_strategy(e)?;
                    rolling_update_progresses(ck, &update, e.span).then_some(update)
                }),
                None => Some(ir::UpdateStrategy::Default),
            };
            let min_ready_seconds = seconds(ck, &mut f, "min-ready", 0).map(|s| s as i32);
            match (meta, pod, update) {
                (Some(meta), Some(pod), Some(update)) => {
                    Some(ir::Object::Daemon(ir::Daemon { meta, update, min_ready_seconds, pod }))
                }
                _ => None,
            }
        }
    };
    f.finish(ck);
    object
}

/// A DaemonSet rolling update with `maxUnavailable` and `maxSurge` both 0 can never replace a pod.
fn rolling_update_progresses(ck: &mut Checker, update: &ir::UpdateStrategy, span: Span) -> bool {
    use ir::IntOrPercent::{Int, Percent};
    let zero = |v: &Option<ir::IntOrPercent>| matches!(v, Some(Int(0))) || matches!(v, Some(Percent(p)) if p == "0%");
    if let ir::UpdateStrategy::Rolling { max_unavailable, max_surge } = update
        && zero(max_unavailable)
        && (zero(max_surge) || max_surge.is_none())
    {
        ck.report(
            Diagnostic::error(Code::RollingUpdateZero, span, "this rolling update can never replace a pod")
                .label("`max-unavailable` 0 and no surge")
                .help("allow one of them: `rolling(max-unavailable = 1)` or `rolling(max-unavailable = 0, max-surge = 1)`"),
        );
        return false;
    }
    true
}

fn cron<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    meta: Option<ir::Meta>,
    pod: Option<Pod>,
    span: Span,
    job_cx: &JobContext,
) -> Option<ir::Object> {
    if let Some((k, v)) = f.take("api-version")
        && let Some(e) = ck.expr_of(k, v)
        && let Some(api) = ck.string(e, "`api-version`")
        && api != "batch/v1"
    {
        let (message, help) = if api == "batch/v1beta1" {
            (
                format!("`batch/v1beta1` CronJobs were removed in Kubernetes 1.25; the target is {}", ck.kube),
                "remove `api-version`: pipec emits `batch/v1`, which has the same fields".to_string(),
            )
        } else {
            (
                format!("`{api}` is not an API version of CronJob"),
                "CronJobs are `batch/v1`: remove `api-version`".to_string(),
            )
        };
        ck.report(Diagnostic::error(Code::RemovedApi, e.span, message).label("not served").help(help));
    }
    let schedule = match f.take("schedule") {
        Some((k, v)) => ck.expr_of(k, v).and_then(|e| {
            let s = ck.string(e, "`schedule`")?;
            check_schedule_shape(ck, &s, e.span).then_some(s)
        }),
        None => {
            ck.report(
                Diagnostic::error(Code::MissingKey, span, "a `cron` needs a `schedule`")
                    .label("no schedule")
                    .help("add `schedule = \"0 2 * * *\"` (five fields: minute hour day-of-month month day-of-week)"),
            );
            None
        }
    };
    let time_zone = match f.take("timezone") {
        Some((k, v)) => {
            ck.gate(k);
            ck.expr_of(k, v).and_then(|e| ck.string(e, "`timezone`"))
        }
        None => None,
    };
    let concurrency_policy = choice(ck, f, "concurrency", CONCURRENCY);
    let starting_deadline_seconds = seconds(ck, f, "starting-deadline", 0);
    let successful_jobs_history_limit = int(ck, f, "keep-succeeded", 0).map(|n| n as i32);
    let failed_jobs_history_limit = int(ck, f, "keep-failed", 0).map(|n| n as i32);
    let suspend = boolean(ck, f, "suspend");
    let job = job::job_spec(ck, f, job_cx);
    Some(ir::Object::Cron(ir::Cron {
        meta: meta?,
        schedule: schedule?,
        time_zone,
        concurrency_policy,
        starting_deadline_seconds,
        successful_jobs_history_limit,
        failed_jobs_history_limit,
        suspend,
        job,
        pod: pod?,
    }))
}

/// Five fields or a macro; the full cron grammar is checked field by field elsewhere.
fn check_schedule_shape(ck: &mut Checker, s: &str, span: Span) -> bool {
    let trimmed = s.trim();
    let ok = if trimmed.starts_with('@') {
        ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"].contains(&trimmed)
            || trimmed.starts_with("@every ")
    } else {
        trimmed.split_whitespace().count() == 5
    };
    if trimmed.contains("TZ=") {
        ck.report(
            Diagnostic::error(Code::BadSchedule, span, "a schedule cannot set its time zone")
                .label("`TZ=` in the schedule")
                .help("Kubernetes rejects `TZ=`/`CRON_TZ=` here: write the zone as `timezone = \"Asia/Shanghai\"`"),
        );
        return false;
    }
    if !ok {
        let n = trimmed.split_whitespace().count();
        ck.report(
            Diagnostic::error(Code::BadSchedule, span, format!("a schedule has five fields, this one has {n}"))
                .label("not a cron schedule")
                .help("write minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\", or a macro such as \"@daily\""),
        );
    }
    ok
}

fn pod<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    kind: WorkloadKind,
    name: &str,
    span: Span,
) -> (Option<Pod>, (&'static str, Option<Span>)) {
    let mut ok = true;
    let mut pod = Pod::default();
    let mut restart_span = None;

    // Volumes declared in the workload, then containers (which mount them).
    let labeled = std::mem::take(&mut f.labeled);
    let mut volume_spans: Vec<(String, Span)> = Vec::new();
    for l in labeled.iter().filter(|l| l.key.text == "volume") {
        let Some(vname) = ck.name(l.label) else {
            continue;
        };
        if let Some((_, first)) = volume_spans.iter().find(|(n, _)| *n == vname) {
            ck.report(
                Diagnostic::error(Code::DuplicateObject, l.label.span(), format!("two volumes named `{vname}`"))
                    .label("second one")
                    .secondary(*first, "first one")
                    .help("volume names are unique within a workload: rename one"),
            );
            ok = false;
            continue;
        }
        volume_spans.push((vname.clone(), l.label.span()));
        ok &= names::check_dns_label(ck, &vname, l.label.span(), "a volume", 63);
        let source = match l.value {
            LabeledValue::Expr(e) => ck.volume_source(e),
            LabeledValue::Block(b) => {
                ck.report(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        b.span,
                        "a volume is made with a volume function, not a block",
                    )
                    .label("a block")
                    .help(format!(
                        "write `volume {vname} = empty-dir()` (or `host-path(\"/path\")`, `pvc(\"claim\")`)"
                    )),
                );
                None
            }
        };
        match source {
            Some(source) => pod.volumes.push(Volume { name: vname, source }),
            None => ok = false,
        }
    }

    // The main container is written directly in the workload.
    // The main container is named after the workload (as a DNS label; the object
    // name's own rules were checked with the object).
    let mut main_name: String = name.replace('.', "-").chars().take(63).collect();
    while main_name.ends_with('-') {
        main_name.pop();
    }
    let has_image = f.take("image");
    let has_containers = labeled.iter().any(|l| l.key.text == "container");
    let mut container_mounts: Vec<ContainerMounts<'a>> = Vec::new();
    if has_image.is_some() || !has_containers {
        let mounts = std::mem::take(&mut f.mounts);
        match container_fields(ck, f, main_name.clone(), has_image, span, &format!("`{} {name}`", kind.keyword())) {
            Some(c) => {
                container_mounts.push((false, pod.containers.len(), mounts));
                pod.containers.push(c);
            }
            None => ok = false,
        }
    }
    for l in &labeled {
        let init = match l.key.text.as_str() {
            "container" => false,
            "init" => true,
            "volume" => continue,
            _ => {
                ck.report(super::fields::unknown_key(l.key, f_ctx(kind), kind_place(kind)));
                ok = false;
                continue;
            }
        };
        match extra_container(ck, l, init) {
            Some((c, mounts)) => {
                let list = if init { &mut pod.init_containers } else { &mut pod.containers };
                container_mounts.push((init, list.len(), mounts));
                list.push(c);
            }
            None => ok = false,
        }
    }
    ok &= unique_container_names(ck, &pod, &labeled, &main_name, span);

    // Mounts: a workload volume, or a config or secret of the program (which gets a volume).
    for (init, index, mounts) in container_mounts {
        let mut paths: Vec<(String, Span)> = Vec::new();
        let mut resolved = Vec::new();
        for (m, _) in mounts {
            match mount(ck, m, &mut pod.volumes, &volume_spans, &mut paths) {
                Some(mnt) => resolved.push(mnt),
                None => ok = false,
            }
        }
        let list = if init { &mut pod.init_containers } else { &mut pod.containers };
        list[index].mounts = resolved;
    }

    let restart_default = if kind == WorkloadKind::Daemon { "Always" } else { "Never" };
    pod.restart_policy = match f.take("restart") {
        Some((k, v)) => {
            let value = ck.expr_of(k, v);
            match value.and_then(|e| ck.choice(e, "`restart`", RESTART).map(|c| (c, e))) {
                Some((policy, e)) => {
                    ok &= restart_allowed(ck, kind, policy, e.span);
                    restart_span = Some(e.span);
                    policy
                }
                None => {
                    ok = false;
                    restart_default
                }
            }
        }
        None => restart_default,
    };
    if let Some((_, v)) = f.take("node-selector") {
        match ck.string_map(v, "`node-selector`") {
            Some(entries) => {
                for (k, value) in &entries {
                    ok &= names::check_label(ck, &k.text, k.span, Some((value, k.span)), false);
                }
                pod.node_selector = entries.into_iter().map(|(k, v)| (k.text.clone(), v)).collect()
            }
            None => ok = false,
        }
    }
    if let Some((k, v)) = f.take("tolerations") {
        match ck.expr_of(k, v).and_then(|e| ck.list(e, "`tolerations`")) {
            Some(items) => {
                for item in items {
                    match toleration(ck, item) {
                        Some(t) => pod.tolerations.push(t),
                        None => ok = false,
                    }
                }
            }
            None => ok = false,
        }
    }
    if let Some((_, v)) = f.take("affinity") {
        match affinity(ck, v) {
            Some(a) => pod.affinity = Some(a),
            None => ok = false,
        }
    }
    pod.service_account = string(ck, f, "service-account");
    pod.priority_class = string(ck, f, "priority-class");
    pod.termination_grace_seconds = seconds(ck, f, "grace-period", 0);
    let restart = (pod.restart_policy, restart_span);
    (ok.then_some(pod), restart)
}

fn f_ctx(kind: WorkloadKind) -> Contexts {
    match kind {
        WorkloadKind::Job => schema::JOB,
        WorkloadKind::Cron => schema::CRON,
        WorkloadKind::Daemon => schema::DAEMON,
    }
}

fn kind_place(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Job => "a `job`",
        WorkloadKind::Cron => "a `cron`",
        WorkloadKind::Daemon => "a `daemon`",
    }
}

fn restart_allowed(ck: &mut Checker, kind: WorkloadKind, policy: &str, span: Span) -> bool {
    let (allowed, help) = match kind {
        WorkloadKind::Job | WorkloadKind::Cron => (
            policy != "Always",
            "a Job's pods must end: write `restart = never` (a failed pod is replaced) or `restart = on-failure` (restarted in place)",
        ),
        WorkloadKind::Daemon => {
            (policy == "Always", "a DaemonSet keeps its pods running: remove `restart` or write `restart = always`")
        }
    };
    if !allowed {
        ck.report(
            Diagnostic::error(
                Code::RestartPolicy,
                span,
                format!("a `{}` cannot use `restart = {}`", kind.keyword(), ck.sources.text(span)),
            )
            .label("not allowed for this kind")
            .help(help),
        );
    }
    allowed
}

fn extra_container<'a>(
    ck: &mut Checker<'a>,
    l: &Labeled<'a>,
    init: bool,
) -> Option<(Container, Vec<(&'a ast::Mount, Span)>)> {
    let name = ck.name(l.label)?;
    let LabeledValue::Block(body) = l.value else {
        ck.report(
            Diagnostic::error(Code::TypeMismatch, l.span, format!("`{}` takes a block", l.key.text))
                .label("not a block")
                .help(format!("write `{} {name} {{ image = \"…\" }}`", l.key.text)),
        );
        return None;
    };
    let place = if init { "an `init` container" } else { "a `container`" };
    let name_ok = names::check_dns_label(ck, &name, l.label.span(), "a container", 63);
    let mut f = Fields::from_block(ck, body, schema::CONTAINER, place);
    let mounts = std::mem::take(&mut f.mounts);
    let image = f.take("image");
    for l in std::mem::take(&mut f.labeled) {
        ck.report(super::fields::unknown_key(l.key, schema::CONTAINER, place));
    }
    let c = container_fields(
        ck,
        &mut f,
        name,
        image,
        l.label.span(),
        &format!("`{} {}`", l.key.text, ck.sources.text(l.label.span())),
    );
    f.finish(ck);
    Some((c.filter(|_| name_ok)?, mounts))
}

fn unique_container_names(ck: &mut Checker, pod: &Pod, labeled: &[Labeled], main: &str, span: Span) -> bool {
    let mut ok = true;
    let mut seen: Vec<(&str, Span)> = Vec::new();
    let spans = std::iter::once(span).chain(labeled.iter().filter(|l| l.key.text != "volume").map(|l| l.label.span()));
    let _ = main;
    for (c, s) in pod.containers.iter().chain(&pod.init_containers).zip(spans) {
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == c.name) {
            ck.report(
                Diagnostic::error(Code::DuplicateObject, s, format!("two containers named `{}` in one pod", c.name))
                    .label("second one")
                    .secondary(*first, "first one (the main container is named after the workload)")
                    .help("container names are unique within a pod, init containers included: rename one"),
            );
            ok = false;
        }
        seen.push((&c.name, s));
    }
    ok
}

fn container_fields<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    name: String,
    image: Option<(&'a ast::Key, Value<'a>)>,
    span: Span,
    owner: &str,
) -> Option<Container> {
    let mut ok = true;
    let image = match image {
        Some((k, v)) => ck.expr_of(k, v).and_then(|e| {
            let s = ck.string(e, "`image`")?;
            if s.trim().is_empty() || s.contains(char::is_whitespace) {
                ck.report(
                    Diagnostic::error(
                        Code::InvalidName,
                        e.span,
                        "an image reference cannot be empty or contain spaces",
                    )
                    .label("not an image")
                    .help("write `registry/name:tag`, e.g. \"busybox:1.36\""),
                );
                return None;
            }
            Some((s, e.span))
        }),
        None => {
            ck.report(
                Diagnostic::error(Code::MissingKey, span, format!("{owner} has no `image`"))
                    .label("which image should run?")
                    .help("add `image = \"registry/name:tag\"`"),
            );
            None
        }
    };
    let pull_policy = choice(ck, f, "pull", PULL);
    let command = string_list(ck, f, "command");
    let args = string_list(ck, f, "args");
    let working_dir = string(ck, f, "workdir");
    let mut env = Vec::new();
    if let Some((_, v)) = f.take("env") {
        match ck.map_entries(v, "`env`") {
            Some(entries) => {
                for (k, e) in entries {
                    if k.text.is_empty() || k.text.contains('=') || !k.text.chars().all(|c| c.is_ascii_graphic()) {
                        ck.report(
                            Diagnostic::error(
                                Code::InvalidName,
                                k.span,
                                format!("`{}` is not a valid environment variable name", k.text),
                            )
                            .label("invalid name")
                            .help("use printable ASCII without `=` or spaces, e.g. `LOG_LEVEL`"),
                        );
                        ok = false;
                        continue;
                    }
                    match ck.env_value(e, &format!("`{}`", k.text)) {
                        Some(value) => env.push(EnvVar { name: k.text.clone(), value }),
                        None => ok = false,
                    }
                }
            }
            None => ok = false,
        }
    }
    let resources_span = f.peek_span("resources");
    let resources = match f.take("resources") {
        Some((_, v)) => resources(ck, v),
        None => Some(Resources::default()),
    };
    let (image, image_span) = image?;
    let pull_policy = pull_policy.unwrap_or_else(|| default_pull_policy(&image));
    let _ = image_span;
    ok.then_some(Container {
        name,
        image,
        pull_policy,
        command,
        args,
        working_dir,
        env,
        resources: resources?,
        mounts: Vec::new(),
        span: Some(span),
        resources_span,
    })
}

/// Kubernetes' default: `Always` for `:latest` or no tag, else `IfNotPresent`.
pub fn default_pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

fn resources<'a>(ck: &mut Checker<'a>, v: Value<'a>) -> Option<Resources> {
    let mut out = Resources::default();
    let mut ok = true;
    let mut f = match v {
        Value::Block(b) => Fields::from_block(ck, b, schema::RESOURCES, "`resources`"),
        Value::Expr(e) => match &e.kind {
            ast::ExprKind::Map(entries) => Fields::from_map(ck, entries, schema::RESOURCES, "`resources`"),
            _ => {
                ck.report(
                    Diagnostic::error(Code::TypeMismatch, e.span, "`resources` takes a block")
                        .label("not a block")
                        .help("write `resources { cpu = 1, memory = 512Mi }`"),
                );
                return None;
            }
        },
    };
    // Short form: `cpu = 1` sets request and limit alike.
    for (key, q, _) in resource_amounts(ck, &mut f, &mut ok) {
        out.requests.insert(key.clone(), q);
        out.limits.insert(key, q);
    }
    let mut request_spans = Vec::new();
    let mut limit_spans = Vec::new();
    for (name, target) in [("requests", &mut out.requests), ("limits", &mut out.limits)] {
        if let Some((_, v)) = f.take(name) {
            let mut inner = match v {
                Value::Block(b) => Fields::from_block(
                    ck,
                    b,
                    schema::REQUESTS,
                    if name == "requests" { "`requests`" } else { "`limits`" },
                ),
                Value::Expr(e) => match &e.kind {
                    ast::ExprKind::Map(entries) => Fields::from_map(ck, entries, schema::REQUESTS, "`requests`"),
                    _ => {
                        ck.report(
                            Diagnostic::error(Code::TypeMismatch, e.span, format!("`{name}` takes a block"))
                                .label("not a block")
                                .help(format!("write `{name} {{ cpu = 1, memory = 512Mi }}`")),
                        );
                        ok = false;
                        continue;
                    }
                },
            };
            for (key, q, span) in resource_amounts(ck, &mut inner, &mut ok) {
                let spans = if name == "requests" { &mut request_spans } else { &mut limit_spans };
                spans.push((key.clone(), span));
                target.insert(key, q);
            }
            inner.finish(ck);
        }
    }
    f.finish(ck);
    for (key, request_span) in &request_spans {
        if let (Some(request), Some(limit)) = (out.requests.get(key), out.limits.get(key))
            && request.nanos() > limit.nanos()
        {
            let mut d = Diagnostic::error(
                Code::RequestsOverLimits,
                *request_span,
                format!("the {key} request ({request}) is above its limit ({limit})"),
            )
            .label("request above limit")
            .help(format!(
                "raise the limit or lower the request: Kubernetes rejects requests above limits (here {key})"
            ));
            if let Some((_, limit_span)) = limit_spans.iter().find(|(k, _)| k == key) {
                d = d.secondary(*limit_span, "the limit");
            }
            ck.report(d);
            ok = false;
        }
    }
    ok.then_some(out)
}

/// `cpu`, `memory`, `ephemeral-storage` and extended resources (`"nvidia.com/gpu"`).
fn resource_amounts<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    ok: &mut bool,
) -> Vec<(String, crate::values::Quantity, Span)> {
    let mut out = Vec::new();
    let mut keys: Vec<(&ast::Key, Value)> = Vec::new();
    for k in ["cpu", "memory", "ephemeral-storage"] {
        if let Some(kv) = f.take(k) {
            keys.push(kv);
        }
    }
    keys.extend(f.take_rest(|k| k.contains('/') || k.starts_with("hugepages-")));
    for (key, v) in keys {
        let Some(e) = ck.expr_of(key, v) else {
            *ok = false;
            continue;
        };
        let Some(q) = ck.quantity(e, &format!("`{}`", key.text)) else {
            *ok = false;
            continue;
        };
        let text = ck.sources.text(e.span).to_string();
        if key.text == "memory" || key.text == "ephemeral-storage" {
            if q.suffix == Suffix::Milli {
                let n = text.trim_end_matches('m');
                ck.report(
                    Diagnostic::warning(
                        Code::SuspiciousUnit,
                        e.span,
                        format!("`{text}` of {} is {n} thousandths of a byte", key.text),
                    )
                    .label("`m` means milli here")
                    .help(format!("did you mean `{n}Mi` (mebibytes)?")),
                );
            }
        } else if key.text == "cpu" && q.suffix == crate::values::Suffix::Binary {
            ck.report(
                Diagnostic::warning(Code::SuspiciousUnit, e.span, format!("`{text}` of CPU is counted in cores"))
                    .label("a byte unit on CPU")
                    .help("CPU is written in cores (`2`) or millicores (`500m`)"),
            );
        }
        out.push((key.text.clone(), q, e.span));
    }
    out
}

fn toleration<'a>(ck: &mut Checker<'a>, item: &'a ast::Expr) -> Option<Toleration> {
    let (e, _) = ck.resolve(item)?;
    let ast::ExprKind::Map(entries) = &e.kind else {
        ck.report(
            Diagnostic::error(Code::TypeMismatch, e.span, "a toleration is written as a map")
                .label("not a map")
                .help("write `{ key: \"virtual-kubelet.io/provider\", operator: exists, effect: no-schedule }`"),
        );
        return None;
    };
    let mut f = Fields::from_map(ck, entries, schema::TOLERATION, "a toleration");
    let key = string(ck, &mut f, "key");
    let operator = choice(ck, &mut f, "operator", TOLERATION_OPERATOR);
    let value_span = f.take("value");
    let value = value_span.and_then(|(k, v)| ck.expr_of(k, v)).and_then(|e| ck.text(e, "`value`"));
    let effect = choice(ck, &mut f, "effect", EFFECT);
    let seconds = seconds(ck, &mut f, "duration", 0);
    f.finish(ck);
    if operator == Some("Exists") && value.is_some() {
        ck.report(
            Diagnostic::error(Code::TypeMismatch, e.span, "a toleration with `operator: exists` cannot have a `value`")
                .label("value with exists")
                .help("drop the `value`, or use `operator: equal`"),
        );
        return None;
    }
    if seconds.is_some() && effect != Some("NoExecute") {
        ck.report(
            Diagnostic::error(Code::TypeMismatch, e.span, "`duration` only applies to `effect: no-execute`")
                .label("duration without no-execute")
                .help("add `effect: no-execute`, or drop `duration`"),
        );
        return None;
    }
    Some(Toleration { key, operator, value, effect, seconds })
}

fn affinity<'a>(ck: &mut Checker<'a>, v: Value<'a>) -> Option<NodeAffinity> {
    let mut f = match v {
        Value::Block(b) => Fields::from_block(ck, b, schema::AFFINITY, "`affinity`"),
        Value::Expr(e) => match &e.kind {
            ast::ExprKind::Map(entries) => Fields::from_map(ck, entries, schema::AFFINITY, "`affinity`"),
            _ => {
                ck.report(
                    Diagnostic::error(Code::TypeMismatch, e.span, "`affinity` takes a block")
                        .label("not a block")
                        .help("write `affinity { required = [{ key: \"type\", operator: in, values: [\"virtual-kubelet\"] }] }`"),
                );
                return None;
            }
        },
    };
    let mut out = NodeAffinity::default();
    let mut ok = true;
    for (which, preferred) in [("required", false), ("preferred", true)] {
        let Some((k, v)) = f.take(which) else {
            continue;
        };
        let Some(items) = ck.expr_of(k, v).and_then(|e| ck.list(e, &format!("`{which}`"))) else {
            ok = false;
            continue;
        };
        for item in items {
            match node_term(ck, item, preferred) {
                Some((weight, req)) if preferred => out.preferred.push((weight, req)),
                Some((_, req)) => out.required.push(req),
                None => ok = false,
            }
        }
    }
    f.finish(ck);
    ok.then_some(out)
}

fn node_term<'a>(ck: &mut Checker<'a>, item: &'a ast::Expr, preferred: bool) -> Option<(i32, NodeRequirement)> {
    let (e, _) = ck.resolve(item)?;
    let ast::ExprKind::Map(entries) = &e.kind else {
        ck.report(
            Diagnostic::error(Code::TypeMismatch, e.span, "a node term is written as a map")
                .label("not a map")
                .help("write `{ key: \"type\", operator: in, values: [\"virtual-kubelet\"] }`"),
        );
        return None;
    };
    let mut f = Fields::from_map(ck, entries, schema::NODE_TERM, "a node term");
    let key = string(ck, &mut f, "key");
    let operator = choice(ck, &mut f, "operator", NODE_OPERATOR);
    let values = string_list(ck, &mut f, "values");
    let weight = if preferred { int(ck, &mut f, "weight", 1).filter(|w| *w <= 100) } else { None };
    f.finish(ck);
    let (Some(key), Some(operator)) = (key, operator) else {
        ck.report(
            Diagnostic::error(Code::MissingKey, e.span, "a node term needs `key` and `operator`")
                .label("incomplete term")
                .help("write `{ key: \"type\", operator: in, values: [\"virtual-kubelet\"] }`"),
        );
        return None;
    };
    if preferred && weight.is_none() {
        ck.report(
            Diagnostic::error(Code::MissingKey, e.span, "a preferred node term needs a `weight` from 1 to 100")
                .label("no weight")
                .help("add `weight: 50`"),
        );
        return None;
    }
    Some((weight.unwrap_or(0) as i32, NodeRequirement { key, operator, values }))
}

fn mount<'a>(
    ck: &mut Checker<'a>,
    m: &'a ast::Mount,
    volumes: &mut Vec<Volume>,
    declared: &[(String, Span)],
    paths: &mut Vec<(String, Span)>,
) -> Option<Mount> {
    let name = ck.name(&m.source)?;
    let path = ck.interpolate(&m.path)?;
    if !path.starts_with('/') {
        ck.report(
            Diagnostic::error(Code::MountPath, m.path.span, format!("mount path `{path}` is not absolute"))
                .label("relative path")
                .help(format!("mount paths start with `/`: \"/{path}\"")),
        );
        return None;
    }
    if let Some((_, first)) = paths.iter().find(|(p, _)| *p == path) {
        ck.report(
            Diagnostic::error(Code::DuplicateMountPath, m.path.span, format!("two mounts at `{path}`"))
                .label("second mount here")
                .secondary(*first, "first mount here")
                .help("a container can mount one volume at a path: change one path"),
        );
        return None;
    }
    paths.push((path.clone(), m.path.span));
    let sub_path = match &m.sub_path {
        Some(s) => {
            let sp = ck.interpolate(s)?;
            if sp.starts_with('/') || sp.split('/').any(|seg| seg == "..") {
                ck.report(
                    Diagnostic::error(
                        Code::MountPath,
                        s.span,
                        format!("subpath `{sp}` must be relative, without `..`"),
                    )
                    .label("not a relative path")
                    .help("a subpath names a file or directory inside the volume, e.g. \"app.yaml\""),
                );
                return None;
            }
            Some(sp)
        }
        None => None,
    };
    if !declared.iter().any(|(n, _)| *n == name) && !volumes.iter().any(|v| v.name == name) {
        match ck.mount_source(&name) {
            Some(source) => {
                if !names::check_dns_label(ck, &name, m.source.span(), "a volume (the config or secret's name)", 63) {
                    return None;
                }
                volumes.push(Volume { name: name.clone(), source });
            }
            None => {
                let mut candidates: Vec<&str> = declared.iter().map(|(n, _)| n.as_str()).collect();
                candidates.extend(ck.mountable_names());
                let help = ck.word_suggestion(&name, candidates.into_iter());
                let help = if help.is_empty() {
                    format!(
                        "declare `volume {name} = empty-dir()` in the workload, or a `config {name}` / `secret {name}` in the program"
                    )
                } else {
                    help
                };
                ck.report(
                    Diagnostic::error(Code::UnknownName, m.source.span(), format!("nothing named `{name}` to mount"))
                        .label("not a volume, config or secret")
                        .help(help),
                );
                return None;
            }
        }
    }
    Some(Mount { volume: name, path, read_only: m.read_only.is_some(), sub_path })
}

// ---- small typed getters over Fields ---------------------------------------

fn expr<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, key: &str) -> Option<&'a ast::Expr> {
    let (k, v) = f.take(key)?;
    ck.expr_of(k, v)
}

fn int<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, key: &str, min: i64) -> Option<i64> {
    let e = expr(ck, f, key)?;
    ck.int(e, &format!("`{key}`"), min, I32_MAX)
}

fn seconds<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, key: &str, min: u64) -> Option<i64> {
    let e = expr(ck, f, key)?;
    ck.seconds(e, &format!("`{key}`"), min)
}

fn string<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, key: &str) -> Option<String> {
    let e = expr(ck, f, key)?;
    ck.string(e, &format!("`{key}`"))
}

fn string_list<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, key: &str) -> Vec<String> {
    expr(ck, f, key).and_then(|e| ck.string_list(e, &format!("`{key}`"))).unwrap_or_default()
}

fn boolean<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, key: &str) -> Option<bool> {
    let e = expr(ck, f, key)?;
    ck.bool(e, &format!("`{key}`"))
}

fn choice<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, key: &str, choices: Choices) -> Option<&'static str> {
    let e = expr(ck, f, key)?;
    ck.choice(e, &format!("`{key}`"), choices)
}
