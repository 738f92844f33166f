//! Checking for the security area: a container's `security-context { … }`, the
//! pod's `pod-security-context { … }`, host namespaces and the token, the
//! program's `defaults { … }` (restricted settings filled in where the program
//! says nothing), and the `pod-security = …` assertion (the rules are in
//! `crate::security`).

use super::Checker;
use super::fields::{Fields, Value};
use super::read;
use crate::ast::{self, Block, Key};
use crate::diag::{Code, Diagnostic, closest};
use crate::ir::{Container, Pod, PodSecurity, Profile, RunAs, SeLinux, SecurityContext, Written};
use crate::schema::{self, Key as Row};
use crate::security::{self, At, Level};
use crate::source::Span;

/// What `defaults { … }` asks for (copied into each workload's checker).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Defaults {
    pub restricted: bool,
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    /// Where `defaults` was written (for the second one's message).
    pub span: Option<Span>,
}

/// The Linux capabilities (capabilities(7)), as Kubernetes names them: without `CAP_`.
const CAPABILITIES: &[&str] = &[
    "AUDIT_CONTROL",
    "AUDIT_READ",
    "AUDIT_WRITE",
    "BLOCK_SUSPEND",
    "BPF",
    "CHECKPOINT_RESTORE",
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "IPC_LOCK",
    "IPC_OWNER",
    "KILL",
    "LEASE",
    "LINUX_IMMUTABLE",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "MKNOD",
    "NET_ADMIN",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_RAW",
    "PERFMON",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYSLOG",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_CHROOT",
    "SYS_MODULE",
    "SYS_NICE",
    "SYS_PACCT",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "WAKE_ALARM",
];

/// `defaults { pod-security = restricted, run-as-user = 65532 }`, a top-level item.
pub(super) fn defaults_item<'a>(ck: &mut Checker<'a>, body: &'a Block, span: Span) {
    if let Some(first) = ck.defaults.span {
        ck.report(
            Diagnostic::error(Code::DuplicateDefaults, span, "`defaults` is given twice")
                .label("second one")
                .secondary(first, "first one")
                .help("a program has one `defaults { … }`: merge the two"),
        );
        return;
    }
    let mut f = Fields::from_block(ck, body, schema::DEFAULTS, "`defaults`");
    let mut d = Defaults { span: Some(span), ..Defaults::default() };
    d.restricted = read::choice(ck, &mut f, &schema::DEFAULT_POD_SECURITY).is_some();
    let user_span = f.peek_span(&schema::DEFAULT_RUN_AS_USER).or(f.peek_span(&schema::DEFAULT_RUN_AS_GROUP));
    d.run_as_user = read::int(ck, &mut f, &schema::DEFAULT_RUN_AS_USER).map(|(n, _)| n);
    d.run_as_group = read::int(ck, &mut f, &schema::DEFAULT_RUN_AS_GROUP).map(|(n, _)| n);
    f.finish(ck);
    if let (false, Some(s)) = (d.restricted, user_span) {
        ck.report(
            Diagnostic::error(Code::SecurityContext, s, "`run-as-user` and `run-as-group` in `defaults` go with restricted defaults")
                .label("filled in only with `pod-security = restricted`")
                .help("add `pod-security = restricted` to `defaults`, or set the user in each workload's `pod-security-context`"),
        );
    }
    ck.defaults = d;
}

/// A value read through its row, with the span of `key = value` as written.
fn written<'a, T>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    row: &'static Row,
    read: impl FnOnce(&mut Checker<'a>, &mut Fields<'a>, &'static Row) -> Option<(T, Span)>,
) -> Option<Written<T>> {
    // An absent key costs one look (the hot path writes none of these).
    let span = f.peek_span(row)?;
    read(ck, f, row).map(|(value, _)| Written { value, span: Some(span) })
}

/// The rows of the keys a container's and a pod's contexts share.
struct RunAsRows {
    user: &'static Row,
    group: &'static Row,
    non_root: &'static Row,
    seccomp: &'static Row,
    seccomp_profile: &'static Row,
    apparmor: &'static Row,
    apparmor_profile: &'static Row,
    selinux: &'static Row,
}

const CONTAINER_ROWS: RunAsRows = RunAsRows {
    user: &schema::RUN_AS_USER,
    group: &schema::RUN_AS_GROUP,
    non_root: &schema::RUN_AS_NON_ROOT,
    seccomp: &schema::SECCOMP,
    seccomp_profile: &schema::SECCOMP_PROFILE,
    apparmor: &schema::APPARMOR,
    apparmor_profile: &schema::APPARMOR_PROFILE,
    selinux: &schema::SELINUX_BLOCK,
};

const POD_ROWS: RunAsRows = RunAsRows {
    user: &schema::POD_RUN_AS_USER,
    group: &schema::POD_RUN_AS_GROUP,
    non_root: &schema::POD_RUN_AS_NON_ROOT,
    seccomp: &schema::POD_SECCOMP,
    seccomp_profile: &schema::POD_SECCOMP_PROFILE,
    apparmor: &schema::POD_APPARMOR,
    apparmor_profile: &schema::POD_APPARMOR_PROFILE,
    selinux: &schema::POD_SELINUX,
};

fn run_as<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, rows: &RunAsRows) -> RunAs {
    RunAs {
        user: written(ck, f, rows.user, read::int),
        group: written(ck, f, rows.group, read::int),
        non_root: written(ck, f, rows.non_root, read::boolean),
        seccomp: profile(ck, f, rows.seccomp, rows.seccomp_profile, "seccomp"),
        apparmor: apparmor(ck, f, rows),
        selinux: selinux(ck, f, rows.selinux),
    }
}

/// `selinux { user, role, type, level }`. Kubernetes checks none of the four (the
/// runtime and the node's policy do): each must be a string, and an empty one is
/// the same as none — said, so that `type = ""` is not mistaken for a setting.
fn selinux<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, row: &'static Row) -> Option<Box<SeLinux>> {
    f.peek_span(row)?;
    let (_, v) = read::take(ck, f, row)?;
    let mut b = read::block(ck, row, v, "`selinux`", "selinux { type = \"container_t\", level = \"s0:c123,c456\" }")?;
    let field = |ck: &mut Checker<'a>, b: &mut Fields<'a>, row: &'static Row| {
        let w = written(ck, b, row, read::string)?;
        if let (true, Some(span)) = (w.value.trim().is_empty(), w.span) {
            ck.report(
                Diagnostic::warning(Code::EmptySeLinuxField, span, format!("`{}` is empty", row.key))
                    .label("the same as not writing it")
                    .help(format!(
                        "write the SELinux {} to set (`{}`), or remove `{}` to keep the runtime's default",
                        row.key,
                        match row.key {
                            "user" => "system_u",
                            "role" => "system_r",
                            "type" => "container_t",
                            _ => "s0:c123,c456",
                        },
                        row.key
                    )),
            );
        }
        Some(w)
    };
    let out = SeLinux {
        user: field(ck, &mut b, &schema::SELINUX_USER),
        role: field(ck, &mut b, &schema::SELINUX_ROLE),
        type_: field(ck, &mut b, &schema::SELINUX_TYPE),
        level: field(ck, &mut b, &schema::SELINUX_LEVEL),
    };
    b.finish(ck);
    Some(Box::new(out))
}

/// `proc-mount = unmasked`: the API server rejects it unless the pod has a user
/// namespace of its own (`hostUsers: false`), which only `raw` writes.
fn proc_mount<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> Option<Written<&'static str>> {
    let w = written(ck, f, &schema::PROC_MOUNT, read::choice)?;
    if w.value == "Unmasked"
        && !ck.raw_host_users_off
        && let Some(span) = w.span
    {
        ck.report(
            Diagnostic::error(
                Code::UnmaskedProcMount,
                span,
                "`proc-mount = unmasked` needs a pod with its own user namespace",
            )
            .label("the pod shares the node's user namespace")
            .help(
                "the API server rejects Unmasked unless the pod sets `hostUsers: false`: add \
                     `raw { \"spec.template.spec.hostUsers\" = false }` (the nodes must support user namespaces), \
                     or remove `proc-mount`",
            ),
        );
    }
    Some(w)
}

/// `seccomp = localhost` with `seccomp-profile = "…"` (and the same for AppArmor).
fn profile<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    kind_row: &'static Row,
    path_row: &'static Row,
    what: &str,
) -> Option<Written<Profile>> {
    let kind = written(ck, f, kind_row, read::choice);
    let path_span = f.peek_span(path_row);
    let path = read::string(ck, f, path_row);
    match (kind, path) {
        (Some(k), Some((p, span))) if k.value == "Localhost" => {
            let bad = if what == "seccomp" {
                // Kubernetes: a local descending path, relative to the kubelet's seccomp directory.
                p.is_empty() || p.starts_with('/') || p.split('/').any(|s| s == "..")
            } else {
                p.trim().is_empty()
            };
            if bad {
                ck.report(
                    Diagnostic::error(Code::SecurityContext, span, format!("`{}` cannot be `{p}`", path_row.key))
                        .label(if what == "seccomp" { "not a relative path inside the profile directory" } else { "empty" })
                        .help(if what == "seccomp" {
                            "write the path relative to the kubelet's seccomp directory, without `..`: \"profiles/audit.json\""
                        } else {
                            "write the name of an AppArmor profile loaded on the node: \"k8s-apparmor-example-deny-write\""
                        }),
                );
            }
            Some(Written { value: Profile { kind: k.value, localhost: Some(p) }, span: k.span })
        }
        (Some(k), None) if k.value == "Localhost" => {
            if let Some(s) = k.span {
                ck.report(
                    Diagnostic::error(
                        Code::SecurityContext,
                        s,
                        format!("`{} = localhost` needs `{}`", kind_row.key, path_row.key),
                    )
                    .label("which profile?")
                    .help(format!(
                        "add `{} = \"…\"`: Kubernetes rejects a Localhost profile without one",
                        path_row.key
                    )),
                );
            }
            None
        }
        (kind, Some(_)) => {
            let s = path_span.unwrap_or(ck.current_name_span);
            ck.report(
                Diagnostic::error(Code::SecurityContext, s, format!("`{}` goes with `{} = localhost`", path_row.key, kind_row.key))
                    .label(match &kind {
                        Some(_) => "the profile is not `localhost`",
                        None => "no profile type is given",
                    })
                    .help(format!(
                        "write `{} = localhost` to use this profile, or remove `{}` (Kubernetes rejects it with another type)",
                        kind_row.key, path_row.key
                    )),
            );
            kind.map(|k| Written { value: Profile { kind: k.value, localhost: None }, span: k.span })
        }
        (kind, None) => kind.map(|k| Written { value: Profile { kind: k.value, localhost: None }, span: k.span }),
    }
}

/// AppArmor fields came in 1.30; before, the profile is a pod annotation.
fn apparmor<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, rows: &RunAsRows) -> Option<Written<Profile>> {
    if ck.kube.minor < 30 {
        for row in [rows.apparmor, rows.apparmor_profile] {
            if let Some((k, _)) = f.take(row) {
                ck.report(
                    Diagnostic::error(
                        Code::FieldTooNew,
                        k.span,
                        format!("`{}` needs Kubernetes 1.30; the target is {}", k.text, ck.kube),
                    )
                    .label(format!("{} is unknown to {}", row.field(), ck.kube))
                    .help(
                        "before 1.30 AppArmor is set per container by the annotation: write `pod-annotations = { \
                         \"container.apparmor.security.beta.kubernetes.io/NAME\": \"runtime/default\" }` \
                         (or \"localhost/PROFILE\"), or target `--kube-version 1.30`",
                    ),
                );
            }
        }
        return None;
    }
    profile(ck, f, rows.apparmor, rows.apparmor_profile, "AppArmor")
}

/// A container's `security-context { … }`.
pub(super) fn container<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> Option<SecurityContext> {
    let span = Some(f.peek_span(&schema::SECURITY_CONTEXT)?);
    let (_, v) = read::take(ck, f, &schema::SECURITY_CONTEXT)?;
    let mut b = read::block(
        ck,
        &schema::SECURITY_CONTEXT,
        v,
        "`security-context`",
        "security-context { run-as-non-root = true }",
    )?;
    let mut sc = SecurityContext {
        run_as: run_as(ck, &mut b, &CONTAINER_ROWS),
        read_only_root: read::boolean(ck, &mut b, &schema::READ_ONLY_ROOT).map(|(v, _)| v),
        privileged: written(ck, &mut b, &schema::PRIVILEGED, read::boolean),
        allow_privilege_escalation: written(ck, &mut b, &schema::ALLOW_PRIVILEGE_ESCALATION, read::boolean),
        proc_mount: proc_mount(ck, &mut b),
        span,
        ..SecurityContext::default()
    };
    if let Some((_, v)) = read::take(ck, &mut b, &schema::CAPABILITIES_BLOCK)
        && let Some(mut caps) =
            read::block(ck, &schema::CAPABILITIES_BLOCK, v, "`capabilities`", "capabilities { drop = [\"ALL\"] }")
    {
        sc.add = capability_list(ck, &mut caps, &schema::CAP_ADD).map(|w| w.value).unwrap_or_default();
        sc.drop = capability_list(ck, &mut caps, &schema::CAP_DROP)
            .map(|w| Written { value: w.value.into_iter().map(|c| c.value).collect(), span: w.span });
        caps.finish(ck);
    }
    b.finish(ck);
    if let (Some(p), Some(e)) = (&sc.privileged, &sc.allow_privilege_escalation)
        && p.value
        && !e.value
        && let (Some(ps), Some(es)) = (p.span, e.span)
    {
        ck.report(
            Diagnostic::error(
                Code::SecurityContext,
                es,
                "a privileged container cannot say `allow-privilege-escalation = false`",
            )
            .label("contradicts `privileged`")
            .secondary(ps, "privileged: it has every privilege already")
            .help("the API server rejects the pair: remove `allow-privilege-escalation`, or `privileged = true`"),
        );
    }
    Some(sc)
}

/// `add = […]` or `drop = […]`: each name a Linux capability, without `CAP_`.
fn capability_list<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    row: &'static Row,
) -> Option<Written<Vec<Written<String>>>> {
    let span = f.peek_span(row);
    let e = read::expr(ck, f, row)?;
    let items = ck.list(e, "`capabilities`")?;
    let mut out = Vec::new();
    for item in items {
        let Some(name) = ck.string(item, "a capability") else { continue };
        if name == "ALL" || CAPABILITIES.contains(&name.as_str()) {
            out.push(Written::at(name, item.span));
            continue;
        }
        let bare = name.strip_prefix("CAP_").or(name.strip_prefix("cap_")).unwrap_or(&name).to_ascii_uppercase();
        let d =
            Diagnostic::error(Code::UnknownCapability, item.span, format!("`{name}` is not a Linux capability name"));
        // The fix rewrites the string as written; a capability from a name or `${…}` is left alone.
        let literal = matches!(&item.kind, crate::ast::ExprKind::Str(s) if s.as_plain().is_some());
        let fix = |d: Diagnostic, best: &str| {
            if literal { d.fix(item.span, format!("\"{best}\""), format!("write \"{best}\"")) } else { d }
        };
        let d = if bare != name && (bare == "ALL" || CAPABILITIES.contains(&bare.as_str())) {
            let d = d
                .label("Kubernetes' name has no `CAP_` and is upper case")
                .help(format!("write \"{bare}\": the container runtime adds the `CAP_` prefix itself"));
            fix(d, &bare)
        } else {
            match closest(&bare, CAPABILITIES.iter().copied().chain(["ALL"])) {
                Some(best) => fix(d.label("unknown capability").help(format!("did you mean \"{best}\"?")), best),
                None => d.label("unknown capability").help(
                    "capabilities are Linux's names without `CAP_`: \"NET_BIND_SERVICE\", \"NET_ADMIN\", \"SYS_TIME\"… (see capabilities(7)); \"ALL\" in `drop`",
                ),
            }
        };
        ck.report(d);
    }
    Some(Written { value: out, span })
}

/// The pod's keys: `pod-security-context`, host namespaces, the token; then the
/// program's restricted defaults and the rules across the pod and its containers.
pub(super) fn pod<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>, pod: &mut Pod) {
    pod.host_network = written(ck, f, &schema::HOST_NETWORK, read::boolean);
    pod.host_pid = written(ck, f, &schema::HOST_PID, read::boolean);
    pod.host_ipc = written(ck, f, &schema::HOST_IPC, read::boolean);
    pod.automount_token = written(ck, f, &schema::AUTOMOUNT_TOKEN, read::boolean);
    if let Some((_, v)) = read::take(ck, f, &schema::POD_SECURITY_CONTEXT)
        && let Some(mut b) = read::block(
            ck,
            &schema::POD_SECURITY_CONTEXT,
            v,
            "`pod-security-context`",
            "pod-security-context { run-as-user = 1000, fs-group = 2000 }",
        )
    {
        let mut ps = PodSecurity {
            run_as: run_as(ck, &mut b, &POD_ROWS),
            fs_group: read::int(ck, &mut b, &schema::FS_GROUP).map(|(n, _)| n),
            fs_group_change_policy: read::choice(ck, &mut b, &schema::FS_GROUP_CHANGE_POLICY).map(|(c, _)| c),
            selinux_change_policy: selinux_change_policy(ck, &mut b),
            ..PodSecurity::default()
        };
        if let Some(e) = read::expr(ck, &mut b, &schema::SUPPLEMENTAL_GROUPS)
            && let Some(items) = ck.list(e, "`supplemental-groups`")
        {
            ps.supplemental_groups = items.iter().filter_map(|i| ck.int(i, "a group id", 0, schema::I32_MAX)).collect();
        }
        if let Some((entries, _)) = read::string_map(ck, &mut b, &schema::SYSCTLS) {
            ps.sysctls = sysctls(ck, entries);
        }
        b.finish(ck);
        pod.security = Some(Box::new(ps));
    }
    let defaults = ck.defaults;
    if defaults.restricted {
        fill_restricted(pod, &defaults);
    }
    non_root_with_root_user(ck, pod);
}

/// `selinux-change-policy`: before 1.37 the API server takes `MountOption` only with
/// the SELinuxMount feature gate (alpha 1.30, beta but off by default 1.33–1.36).
fn selinux_change_policy<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> Option<&'static str> {
    let (policy, span) = read::choice(ck, f, &schema::SELINUX_CHANGE_POLICY)?;
    // Before 1.33 the field itself is reported (its gate), not the value.
    if policy == "MountOption" && (33..37).contains(&ck.kube.minor) {
        ck.report(
            Diagnostic::error(
                Code::FieldTooNew,
                span,
                format!("`selinux-change-policy = mount-option` needs Kubernetes 1.37; the target is {}", ck.kube),
            )
            .label(format!("MountOption needs the SELinuxMount feature gate, off by default in {}", ck.kube))
            .help(
                "the API server rejects MountOption unless SELinuxMount is on (GA in 1.37): write `recursive`, \
                 target `--kube-version 1.37`, or remove the key (the kubelet then chooses)",
            ),
        );
    }
    Some(policy)
}

fn sysctls(ck: &mut Checker, entries: Vec<(&Key, String)>) -> Vec<Written<(String, String)>> {
    let mut out: Vec<Written<(String, String)>> = Vec::new();
    for (k, value) in entries {
        let name = k.text.as_str();
        if !is_sysctl_name(name) {
            ck.report(
                Diagnostic::error(Code::InvalidSysctl, k.span, format!("`{name}` is not a sysctl name Kubernetes accepts"))
                    .label("not a sysctl name")
                    .help("sysctl names are lowercase segments of `a-z0-9_-` joined by `.` or `/`, at most 253 characters: \"net.ipv4.tcp_syncookies\""),
            );
            continue;
        }
        // `a/b` and `a.b` are the same sysctl.
        let norm = |s: &str| s.replace('/', ".");
        if let Some(first) = out.iter().find(|w| norm(&w.value.0) == norm(name)) {
            let mut d = Diagnostic::error(Code::InvalidSysctl, k.span, format!("sysctl `{name}` is set twice"))
                .label("set again here")
                .help("a sysctl is set once: keep one value (`a/b` and `a.b` name the same sysctl)");
            if let Some(s) = first.span {
                d = d.secondary(s, "first set here");
            }
            ck.report(d);
            continue;
        }
        if !security::is_safe_sysctl(name, ck.kube.minor) {
            ck.report(
                Diagnostic::warning(Code::UnsafeSysctl, k.span, format!("`{name}` is not a safe sysctl on {}", ck.kube))
                    .label("unsafe: the kubelet must allow it")
                    .help(format!(
                        "the kubelet rejects the pod (SysctlForbidden) unless the node runs with `--allowed-unsafe-sysctls={name}`; the safe ones are {}",
                        security::SAFE_SYSCTLS
                            .iter()
                            .filter(|(_, since)| ck.kube.minor >= *since)
                            .map(|(n, _)| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
            );
        }
        out.push(Written::at((name.to_string(), value), k.span));
    }
    out
}

/// Kubernetes' sysctl name rule: segments of `[a-z0-9]([-_a-z0-9]*[a-z0-9])?` joined by `.` or `/`, ≤ 253.
fn is_sysctl_name(name: &str) -> bool {
    let segment = |s: &str| {
        let b = s.as_bytes();
        !b.is_empty()
            && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-' || *c == b'_')
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
    };
    name.len() <= 253 && name.split(['.', '/']).all(segment)
}

const RUNTIME_DEFAULT: Profile = Profile { kind: "RuntimeDefault", localhost: None };

/// Restricted settings wherever the pod and its containers say nothing. A value
/// written in the program is kept, whatever it is (the inferred level then says so).
fn fill_restricted(pod: &mut Pod, d: &Defaults) {
    let ps = pod.security.get_or_insert_default();
    if ps.run_as.user.is_none() {
        ps.run_as.user = d.run_as_user.map(Written::default);
    }
    if ps.run_as.group.is_none() {
        ps.run_as.group = d.run_as_group.map(Written::default);
    }
    if ps.run_as.seccomp.is_none() {
        ps.run_as.seccomp = Some(Written::default(RUNTIME_DEFAULT));
    }
    let pod_user = ps.run_as.user.as_ref().map(|w| w.value);
    let user = |c: &Container| c.security.as_ref().and_then(|s| s.run_as.user.as_ref()).map(|w| w.value).or(pod_user);
    let containers = || pod.containers.iter().chain(&pod.init_containers);
    let root_somewhere = pod_user == Some(0) || containers().any(|c| user(c) == Some(0));
    // `run-as-non-root` on the pod, unless some container runs as root on purpose:
    // then on each of the others (the kubelet would refuse the root one).
    let pod_non_root = ps.run_as.non_root.is_none() && !root_somewhere;
    if pod_non_root {
        ps.run_as.non_root = Some(Written::default(true));
    }
    let pod_says_non_root = ps.run_as.non_root.is_some();
    for c in pod.containers.iter_mut().chain(pod.init_containers.iter_mut()) {
        let runs_as_root = user(c) == Some(0);
        let sc = c.security.get_or_insert_default();
        if !pod_says_non_root && !runs_as_root && sc.run_as.non_root.is_none() {
            sc.run_as.non_root = Some(Written::default(true));
        }
        // The API server rejects `allowPrivilegeEscalation: false` beside `privileged: true`.
        if sc.allow_privilege_escalation.is_none() && !sc.privileged.as_ref().is_some_and(|p| p.value) {
            sc.allow_privilege_escalation = Some(Written::default(false));
        }
        if sc.drop.is_none() {
            sc.drop = Some(Written::default(vec!["ALL".to_string()]));
        }
    }
    if pod.automount_token.is_none() && pod.service_account.is_none() {
        pod.automount_token = Some(Written::default(false));
    }
}

/// `run-as-non-root = true` and user 0 for the same container (each possibly
/// inherited from the pod): the kubelet refuses to start it.
fn non_root_with_root_user(ck: &mut Checker, pod: &Pod) {
    let pod_run_as = pod.security.as_ref().map(|p| &p.run_as);
    let mut reported: Vec<(Option<Span>, Option<Span>)> = Vec::new();
    for c in pod.containers.iter().chain(&pod.init_containers) {
        let own = c.security.as_ref().map(|s| &s.run_as);
        let non_root = own.and_then(|r| r.non_root.as_ref()).or(pod_run_as.and_then(|r| r.non_root.as_ref()));
        let user = own.and_then(|r| r.user.as_ref()).or(pod_run_as.and_then(|r| r.user.as_ref()));
        let (Some(n), Some(u)) = (non_root, user) else { continue };
        if !(n.value && u.value == 0) || reported.contains(&(n.span, u.span)) {
            continue;
        }
        reported.push((n.span, u.span));
        let Some(us) = u.span else { continue };
        let mut d = Diagnostic::error(
            Code::SecurityContext,
            us,
            format!("container `{}` must run as non-root but runs as user 0", c.name),
        )
        .label("user 0 is root");
        if let Some(ns) = n.span {
            d = d.secondary(ns, "requires a user other than 0");
        }
        ck.report(d.help(
            "the kubelet refuses to start the container: give it a user other than 0, or `run-as-non-root = false` where root is really needed",
        ));
    }
}

/// `pod-security = restricted`: each control the pod breaks is an error at the
/// field that breaks it, naming the rule, with the assertion as a second label.
pub(super) fn assertion<'a>(ck: &mut Checker<'a>, pod: &Pod, key: &'a ast::Key, value: Value<'a>, body: &'a Block) {
    let Some(expr) = ck.expr_of(key, value) else { return };
    let Some(wanted) = ck.choice(expr, "`pod-security`", schema::POD_SECURITY_LEVELS) else { return };
    let Some(wanted) = Level::parse(wanted) else { return };
    let findings = security::findings_for(pod, ck.kube.minor);
    let containers: Vec<&Container> = pod.containers.iter().chain(&pod.init_containers).collect();
    for f in findings.iter().filter(|f| f.breaks <= wanted) {
        let span = match &f.at {
            At::Span(s) => *s,
            At::Container(i) => containers
                .get(*i)
                .and_then(|c| c.security.as_ref().and_then(|s| s.span).or(c.span))
                .unwrap_or(expr.span),
            At::Volume(name) => volume_span(body, name).unwrap_or(expr.span),
            At::Pod => expr.span,
        };
        let help = fix(f.rule, f.breaks);
        let mut d = Diagnostic::error(
            Code::PodSecurityMismatch,
            span,
            format!("{}: the pods break the {} level's “{}” rule", f.what, f.breaks.as_str(), f.rule),
        )
        .label(format!("breaks “{}”", f.rule));
        if span != expr.span {
            d = d.secondary(expr.span, format!("asserts {}", wanted.as_str()));
        }
        ck.report(d.help(help));
    }
}

/// Where `volume NAME` is written in the workload.
fn volume_span(body: &Block, name: &str) -> Option<Span> {
    body.entries.iter().find_map(|e| match &e.kind {
        ast::EntryKind::Labeled { key, label, .. }
            if key.text == schema::VOLUME.key && matches!(label, ast::Name::Word(w) if w.node == name) =>
        {
            Some(e.span)
        }
        _ => None,
    })
}

/// What to write instead, per rule.
fn fix(rule: &str, breaks: Level) -> &'static str {
    match (rule, breaks) {
        ("Host Namespaces", _) => "remove `host-network`, `host-pid` and `host-ipc` (or set them to `false`)",
        ("Privileged Containers", _) => "remove `privileged = true`; add only the capabilities the container needs",
        ("Capabilities", Level::Baseline) => {
            "add only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID or SYS_CHROOT"
        }
        ("Capabilities", _) => {
            "write `capabilities { drop = [\"ALL\"] }` in `security-context` (adding only \"NET_BIND_SERVICE\"), or `defaults { pod-security = restricted }`"
        }
        ("HostPath Volumes", _) => "use an `empty-dir()`, a `pvc(…)`, a config or a secret instead of the node's path",
        ("Host Ports", _) => "remove the host port: reach the pod through its own IP or a Service",
        ("Host Probes / Lifecycle Hooks", _) => "drop `host` from the `http` check: it then reaches the pod's own IP",
        ("AppArmor", _) => "use `apparmor = runtime-default` or `localhost`, not `unconfined`",
        ("Seccomp", Level::Baseline) => "use `seccomp = runtime-default` or `localhost`, not `unconfined`",
        ("Seccomp", _) => {
            "write `seccomp = runtime-default` in `pod-security-context`, or `defaults { pod-security = restricted }`"
        }
        ("Sysctls", _) => "set only safe sysctls (see `pipec explain P0433`)",
        ("SELinux", _) => {
            "remove the SELinux `user` and `role`, and use the type `container_t`, `container_init_t`, `container_kvm_t` or `container_engine_t` (1.31+), or none"
        }
        ("/proc Mount Type", _) => "remove `proc-mount = unmasked` (or write `default`)",
        ("Privilege Escalation", _) => {
            "write `allow-privilege-escalation = false` in the container's `security-context`, or `defaults { pod-security = restricted }`"
        }
        ("Running as Non-root", _) => {
            "write `run-as-non-root = true` in `pod-security-context` (and a `run-as-user` if the image's user is root)"
        }
        ("Running as Non-root user", _) => "run as a user other than 0: `run-as-user = 1000`",
        _ => "see docs/reference/security.md",
    }
}
