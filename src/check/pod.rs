//! The pod of every workload kind: containers, volumes and mounts, restart policy,
//! placement and the pod's metadata. The kinds around it are in `kinds/`.

use super::Checker;
use super::eval::What;
use super::fields::{Fields, Labeled, Value};
use super::names;
use super::read;
use super::{placement, probes, resources};
use crate::ast::{self, LabeledValue, WorkloadKind};
use crate::diag::{Code, Diagnostic};
use crate::ir::{Container, EnvVar, Mount, Pod, Resources, Volume};
use crate::schema::{self, Contexts};
use crate::source::Span;

/// The `mount` entries of one container: (is init container, index in its list, mounts).
type ContainerMounts<'a> = (bool, usize, Vec<(&'a ast::Mount, Span)>);

pub(super) fn pod<'a>(
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
    for l in labeled.iter().filter(|l| l.key.text == schema::VOLUME.key) {
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
            other => {
                let at = if let LabeledValue::Block(b) = other { b.span } else { l.span };
                ck.report(
                    Diagnostic::error(Code::TypeMismatch, at, "a volume is made with a volume function, not a block")
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

    // The main container is written directly in the workload. It is named by
    // `container-name`, or after the workload (as a DNS label; the object name's
    // own rules were checked with the object). A workload without `image` whose
    // containers are all `container NAME` blocks has no main container.
    let has_image = f.take(&schema::IMAGE);
    let has_containers = labeled.iter().any(|l| l.key.text == schema::CONTAINER_BLOCK.key);
    let has_main = has_image.is_some() || !has_containers;
    // One look at the keys: `None` when absent, `Some(None)` when written wrong (reported).
    let given = read::expr(ck, f, &schema::CONTAINER_NAME)
        .map(|e| ck.string(e, What::Key(schema::CONTAINER_NAME.key)).map(|s| (s, e.span)));
    let main = match given {
        Some(Some((given, at))) => {
            ok &= names::check_dns_label(ck, &given, at, "a container", 63);
            if !has_main {
                ok &= no_main_container(ck, kind, name, at);
            }
            MainName { name: given, span: at, given: true }
        }
        written => {
            ok &= written.is_none();
            let mut derived: String = name.replace('.', "-").chars().take(63).collect();
            while derived.ends_with('-') {
                derived.pop();
            }
            MainName { name: derived, span, given: false }
        }
    };
    let mut container_mounts: Vec<ContainerMounts<'a>> = Vec::new();
    // Every container's name and where it was given, main first, for uniqueness.
    let mut named: Vec<(String, Span, bool)> = Vec::new();
    if has_main {
        let mounts = std::mem::take(&mut f.mounts);
        match container_fields(ck, f, main.name.clone(), has_image, span, &format!("`{} {name}`", kind.keyword())) {
            Some(c) => {
                container_mounts.push((false, pod.containers.len(), mounts));
                pod.containers.push(c);
                named.push((main.name.clone(), main.span, true));
            }
            None => ok = false,
        }
    }
    for l in &labeled {
        let init = match l.key.text.as_str() {
            k if k == schema::CONTAINER_BLOCK.key => false,
            k if k == schema::INIT.key => true,
            k if k == schema::VOLUME.key => continue,
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
                named.push((c.name.clone(), l.label.span(), false));
                list.push(c);
            }
            None => ok = false,
        }
    }
    ok &= unique_container_names(ck, &named, &main);

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

    let restart_default =
        if matches!(kind, WorkloadKind::Daemon | WorkloadKind::Deployment) { "Always" } else { "Never" };
    let restart_given = f.peek_span(&schema::RESTART).is_some();
    pod.restart_policy = match restart_policy(ck, f, kind) {
        Some((policy, span)) => {
            ok &= restart_allowed(ck, kind, policy, span);
            restart_span = Some(span);
            policy
        }
        None => {
            ok &= !restart_given;
            restart_default
        }
    };
    if f.peek_span(&schema::NODE_SELECTOR).is_some() {
        match read::string_map(ck, f, &schema::NODE_SELECTOR) {
            Some((entries, _)) => {
                for (k, value) in &entries {
                    ok &= names::check_label(ck, &k.text, k.span, Some((value, k.span)), false);
                }
                pod.node_selector = entries.into_iter().map(|(k, v)| (k.text.clone(), v)).collect()
            }
            None => ok = false,
        }
    }
    if let Some(e) = read::expr(ck, f, &schema::TOLERATIONS) {
        match ck.list(e, "`tolerations`") {
            Some(items) => {
                for item in items {
                    match placement::toleration(ck, item) {
                        Some(t) => pod.tolerations.push(t),
                        None => ok = false,
                    }
                }
            }
            None => ok = false,
        }
    }
    if let Some((_, v)) = read::take(ck, f, &schema::AFFINITY_BLOCK) {
        match placement::affinity(ck, v) {
            Some(a) => pod.affinity = Some(a),
            None => ok = false,
        }
    }
    if let Some((entries, _)) = read::string_map(ck, f, &schema::POD_LABELS) {
        for (k, value) in entries {
            ok &= names::check_label(ck, &k.text, k.span, Some((&value, k.span)), true);
            pod.labels.insert(k.text.clone(), value);
        }
    }
    if let Some((name, span)) = read::string(ck, f, &schema::TEMPLATE_NAME) {
        ok &= names::check_object_name(ck, &name, span, "pod template", 253);
        pod.template_name = Some(name);
    }
    if let Some((entries, span)) = read::string_map(ck, f, &schema::POD_ANNOTATIONS) {
        ok &= names::check_annotations(ck, &entries, span);
        pod.annotations = entries.into_iter().map(|(k, v)| (k.text.clone(), v)).collect();
    }
    pod.service_account = read::string(ck, f, &schema::SERVICE_ACCOUNT).map(|(s, at)| {
        super::kinds::rbac::service_account_reference(ck, &s, at);
        s
    });
    pod.priority_class = read::string(ck, f, &schema::PRIORITY_CLASS).map(|(s, _)| s);
    pod.termination_grace_seconds = read::seconds(ck, f, &schema::GRACE_PERIOD).map(|(s, _)| s);

    // ---- each area reads its pod-level keys here (one call per area)
    // security area
    super::security::pod(ck, f, &mut pod);

    // pod-spec area
    match super::pod_spec::pod_spec(ck, f) {
        Ok(keys) => pod.spec = keys,
        Err(()) => ok = false,
    }

    // volumes area
    ok &= super::volumes::pod(ck, &pod);

    // probes area
    ok &= probes::pod(ck, &pod);

    let restart = (pod.restart_policy, restart_span);
    (ok.then_some(pod), restart)
}

fn f_ctx(kind: WorkloadKind) -> Contexts {
    match kind {
        WorkloadKind::Job => schema::JOB,
        WorkloadKind::Cron => schema::CRON,
        WorkloadKind::Daemon => schema::DAEMON,
        WorkloadKind::Deployment => schema::DEPLOYMENT,
        WorkloadKind::Spark => schema::SPARK,
    }
}

fn kind_place(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Job => "a `job`",
        WorkloadKind::Cron => "a `cron`",
        WorkloadKind::Daemon => "a `daemon`",
        WorkloadKind::Deployment => "a `deployment`",
        WorkloadKind::Spark => "a `spark`",
    }
}

/// `restart`, read as a choice; a policy written in Kubernetes' spelling
/// (`restart = Always`) that the kind does not allow anyway is said as not
/// allowed for the kind at once, with the kind's own choices, rather than first
/// corrected to a spelling that is the next error.
fn restart_policy<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, kind: WorkloadKind) -> Option<(&'static str, Span)> {
    let e = read::expr(ck, f, &schema::RESTART)?;
    if let ast::ExprKind::Word(w) = &e.kind
        && let Some((_, policy)) =
            schema::RESTART_POLICIES.iter().find(|(word, k8s)| word != w && k8s.eq_ignore_ascii_case(w))
        && !restart_allowed(ck, kind, policy, e.span)
    {
        return None;
    }
    let schema::Shape::Choice(choices) = schema::RESTART.shape else { unreachable!() };
    ck.choice(e, What::Key(schema::RESTART.key), choices).map(|c| (c, e.span))
}

fn restart_allowed(ck: &mut Checker, kind: WorkloadKind, policy: &str, span: Span) -> bool {
    let (allowed, help) = match kind {
        WorkloadKind::Job | WorkloadKind::Cron => (
            policy != "Always",
            "a Job's pods must end: write `restart = never` (a failed pod is replaced) or `restart = on-failure` \
             (restarted in place); for pods that should run forever, write a `deployment` instead of a `job`",
        ),
        WorkloadKind::Daemon => {
            (policy == "Always", "a DaemonSet keeps its pods running: remove `restart` or write `restart = always`")
        }
        WorkloadKind::Deployment => (
            policy == "Always",
            "a Deployment keeps its pods running: remove `restart` (for work that ends, use a `job`)",
        ),
        // A driver restarted in its pod would find its executors gone: the Job starts a new pod.
        WorkloadKind::Spark => (
            policy == "Never",
            "a failed Spark driver is started again as a new pod: remove `restart` and write `retries = 1`",
        ),
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
    let image = f.take(&schema::IMAGE);
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

/// How the main container got its name (for messages about it).
struct MainName {
    name: String,
    span: Span,
    /// Written as `container-name` (else the workload's name).
    given: bool,
}

/// `container-name` where every container is a `container NAME` block.
fn no_main_container(ck: &mut Checker, kind: WorkloadKind, name: &str, at: Span) -> bool {
    ck.report(
        Diagnostic::error(
            Code::NoMainContainer,
            at,
            format!("`container-name` names the main container, but `{} {name}` has none", kind.keyword()),
        )
        .label("no `image` in the workload, so no main container")
        .help("its containers are the `container` blocks, each named by its label: remove `container-name`, or write the main container's `image` in the workload"),
    );
    false
}

/// Names are unique across a pod's containers and init containers.
fn unique_container_names(ck: &mut Checker, named: &[(String, Span, bool)], main: &MainName) -> bool {
    let mut ok = true;
    for (i, (n, s, _)) in named.iter().enumerate() {
        let Some((_, first, first_is_main)) = named[..i].iter().find(|(m, ..)| m == n) else { continue };
        let first_label = match (first_is_main, main.given) {
            (false, _) => "first one",
            (true, true) => "first one: the main container, named by `container-name`",
            (true, false) => "first one: the main container, named after the workload",
        };
        let help = if *first_is_main && !main.given {
            format!(
                "container names are unique within a pod, init containers included: rename this one, or name the main container with `container-name = \"…\"` (it is `{}` now)",
                main.name
            )
        } else {
            "container names are unique within a pod, init containers included: rename one".to_string()
        };
        ck.report(
            Diagnostic::error(Code::DuplicateObject, *s, format!("two containers named `{n}` in one pod"))
                .label("second one")
                .secondary(*first, first_label)
                .help(help),
        );
        ok = false;
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
    let pull_policy = read::choice(ck, f, &schema::PULL).map(|(p, _)| p);
    let command = read::string_list(ck, f, &schema::COMMAND).map(|(l, _)| l).unwrap_or_default();
    let args = read::string_list(ck, f, &schema::ARGS).map(|(l, _)| l).unwrap_or_default();
    let working_dir = read::string(ck, f, &schema::WORKDIR).map(|(s, _)| s);
    let tty = read::boolean(ck, f, &schema::TTY).map(|(b, _)| b);
    let stdin = read::boolean(ck, f, &schema::STDIN).map(|(b, _)| b);
    let mut env = Vec::new();
    if let Some((_, v)) = read::take(ck, f, &schema::ENV) {
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
                    match ck.env_value(e, What::Key(&k.text)) {
                        Some(value) => env.push(EnvVar { name: k.text.clone(), value }),
                        None => ok = false,
                    }
                }
            }
            None => ok = false,
        }
    }
    let resources_span = f.peek_span(&schema::CONTAINER_RESOURCES);
    let resources = match read::take(ck, f, &schema::CONTAINER_RESOURCES) {
        Some((_, v)) => resources::resources(ck, v),
        None => Some(Resources::default()),
    };

    // ---- each area reads its container keys here, before any early return (one call per area)
    // security area
    let security = super::security::container(ck, f);

    // probes area
    let (probes_ok, probe_keys) = probes::container(ck, f);
    ok &= probes_ok;

    // volumes area
    let restart = super::volumes::container_restart(ck, f);

    let (image, _) = image?;
    let pull_policy = pull_policy.unwrap_or_else(|| default_pull_policy(&image));
    ok.then_some(Container {
        name,
        image,
        pull_policy,
        command,
        args,
        working_dir,
        tty,
        stdin,
        env,
        resources: resources?,
        mounts: Vec::new(),
        span: Some(span),
        resources_span,
        // ---- areas' container fields
        // security area
        security: security.map(Box::new),
        // probes area
        ports: probe_keys.ports,
        env_from: probe_keys.env_from,
        probes: probe_keys.probes,
        // volumes area
        restart,
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
    let propagation = ck.mount_propagation(m)?;
    Some(Mount { volume: name, path, read_only: m.read_only.is_some(), sub_path, propagation })
}
