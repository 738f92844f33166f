//! The Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards):
//! the level a pod meets — privileged, baseline or restricted — from the controls
//! pipec can express, and why. `pod-security = …` asserts a level (`check/security.rs`),
//! `pipec check --explain-security` prints it ([`report`]), as `qos` does for the QoS class.
//!
//! Controls pipec cannot write (HostProcess, ephemeral containers) are unset in every
//! pod it emits, which each level allows.

use crate::ir::{self, Container, Pod, Profile, VolumeSource, Written};
use crate::source::Span;

/// The levels, most open first: a pod meets a level and every level before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }

    pub fn parse(word: &str) -> Option<Level> {
        [Level::Privileged, Level::Baseline, Level::Restricted].into_iter().find(|l| l.as_str() == word)
    }
}

/// Where a finding is, for a diagnostic.
#[derive(Clone, Debug, PartialEq)]
pub enum At {
    /// The field as written.
    Span(Span),
    /// A container that does not say what the level needs (index in containers, then init containers).
    Container(usize),
    /// A volume of the pod, by name.
    Volume(String),
    /// The pod as a whole (its annotations).
    Pod,
}

/// One control a pod breaks.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The level this breaks: the pod meets at most the level before it.
    pub breaks: Level,
    /// The control's name in the Pod Security Standards.
    pub rule: &'static str,
    /// What the pod does, in pipec's words.
    pub what: String,
    pub at: At,
}

/// Capabilities baseline allows to add.
const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The safe sysctls: namespaced and isolated between pods. The kubelet allows them
/// (from the version given), and the baseline level allows exactly these.
pub const SAFE_SYSCTLS: &[(&str, u32)] = &[
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
];

/// Whether the kubelet of 1.`minor` counts `name` as safe (`/` separators read as `.`).
pub fn is_safe_sysctl(name: &str, minor: u32) -> bool {
    let name = name.replace('/', ".");
    SAFE_SYSCTLS.iter().any(|(n, since)| *n == name && minor >= *since)
}

/// The SELinux types baseline allows (besides none), with the version of the
/// standards that added each.
const BASELINE_SELINUX_TYPES: &[(&str, u32)] =
    &[("container_t", 0), ("container_init_t", 0), ("container_kvm_t", 0), ("container_engine_t", 31)];

/// Every control the pod breaks under the latest standards, baseline ones first.
pub fn findings(pod: &Pod) -> Vec<Finding> {
    findings_for(pod, u32::MAX)
}

/// Every control the pod breaks under the standards of Kubernetes 1.`minor`.
pub fn findings_for(pod: &Pod, minor: u32) -> Vec<Finding> {
    let mut out = Vec::new();
    baseline(pod, &mut out);
    selinux_and_proc(pod, minor, &mut out);
    // Host ports come from the probes area's `ports` (wired once both areas were merged).
    let names: Vec<&str> = containers(pod).map(|(_, c)| c.name.as_str()).collect();
    let ports = containers(pod).flat_map(|(i, c)| c.ports.iter().filter_map(move |p| Some((i, p.host_port?, p.span))));
    out.extend(host_ports(ports, &names));
    restricted(pod, &mut out);
    out.sort_by_key(|f| std::cmp::Reverse(f.breaks == Level::Baseline));
    out
}

/// The highest level the pod meets, given its findings.
pub fn level_of(findings: &[Finding]) -> Level {
    if findings.iter().any(|f| f.breaks == Level::Baseline) {
        Level::Privileged
    } else if findings.iter().any(|f| f.breaks == Level::Restricted) {
        Level::Baseline
    } else {
        Level::Restricted
    }
}

/// The Host Ports control: containers' `hostPort`s must be unset or 0.
/// `ports` are (container index, host port, where it is written) triples.
pub fn host_ports(ports: impl IntoIterator<Item = (usize, i32, Span)>, names: &[&str]) -> Vec<Finding> {
    ports
        .into_iter()
        .filter(|(_, port, _)| *port != 0)
        .map(|(i, port, span)| Finding {
            breaks: Level::Baseline,
            rule: "Host Ports",
            what: format!("container `{}` uses host port {port}", names.get(i).copied().unwrap_or("?")),
            at: At::Span(span),
        })
        .collect()
}

fn containers(pod: &Pod) -> impl Iterator<Item = (usize, &Container)> {
    pod.containers.iter().chain(&pod.init_containers).enumerate()
}

fn at<T>(w: &Written<T>, container: Option<usize>) -> At {
    match (w.span, container) {
        (Some(s), _) => At::Span(s),
        (None, Some(i)) => At::Container(i),
        (None, None) => At::Pod,
    }
}

fn unconfined(p: &Option<Written<Profile>>) -> Option<&Written<Profile>> {
    p.as_ref().filter(|w| w.value.kind == "Unconfined")
}

fn baseline(pod: &Pod, out: &mut Vec<Finding>) {
    let mut push = |rule, what: String, at| out.push(Finding { breaks: Level::Baseline, rule, what, at });
    for (flag, key) in [(&pod.host_network, "host-network"), (&pod.host_pid, "host-pid"), (&pod.host_ipc, "host-ipc")] {
        if let Some(w) = flag
            && w.value
        {
            push("Host Namespaces", format!("`{key} = true` shares the node's namespace"), at(w, None));
        }
    }
    for v in &pod.volumes {
        match &v.source {
            VolumeSource::HostPath { path, .. } => push(
                "HostPath Volumes",
                format!("volume `{}` is the node's path `{path}`", v.name),
                At::Volume(v.name.clone()),
            ),
            // Every other source pipec writes is one the restricted level allows too
            // (a new source must be placed here: hence no `_` arm).
            VolumeSource::Config(_)
            | VolumeSource::Secret(_)
            | VolumeSource::EmptyDir { .. }
            | VolumeSource::Pvc { .. }
            | VolumeSource::DownwardApi { .. }
            | VolumeSource::Projected { .. }
            | VolumeSource::Ephemeral(_) => {}
        }
    }
    if let Some(ps) = &pod.security {
        if let Some(w) = unconfined(&ps.run_as.seccomp) {
            push("Seccomp", "the pod's seccomp profile is `unconfined`".into(), at(w, None));
        }
        if let Some(w) = unconfined(&ps.run_as.apparmor) {
            push("AppArmor", "the pod's AppArmor profile is `unconfined`".into(), at(w, None));
        }
        for w in &ps.sysctls {
            if !is_safe_sysctl(&w.value.0, u32::MAX) {
                push("Sysctls", format!("sysctl `{}` is not in the safe set", w.value.0), at(w, None));
            }
        }
    }
    for (key, value) in &pod.annotations {
        if let Some(name) = key.strip_prefix("container.apparmor.security.beta.kubernetes.io/")
            && !(value.is_empty() || value == "runtime/default" || value.starts_with("localhost/"))
        {
            push(
                "AppArmor",
                format!("the annotation gives container `{name}` the AppArmor profile `{value}`"),
                At::Pod,
            );
        }
    }
    for (_, c) in containers(pod) {
        let Some(p) = &c.probes else { continue };
        let probes = [&p.liveness, &p.readiness, &p.startup].into_iter().flatten().map(|p| &p.handler);
        let hooks = [&p.post_start, &p.pre_stop].into_iter().flatten().map(|h| &h.handler);
        for handler in probes.chain(hooks) {
            if let ir::Handler::Http(ir::HttpGet { host: Some(w), .. }) = handler
                && !w.value.is_empty()
            {
                let what = format!("container `{}` has an `http` check on `{}`, not its own IP", c.name, w.value);
                push("Host Probes / Lifecycle Hooks", what, at(w, None));
            }
        }
    }
    for (i, c) in containers(pod) {
        let Some(sc) = &c.security else { continue };
        if let Some(w) = &sc.privileged
            && w.value
        {
            push("Privileged Containers", format!("container `{}` is privileged", c.name), at(w, Some(i)));
        }
        for w in &sc.add {
            if !BASELINE_CAPABILITIES.contains(&w.value.as_str()) {
                push("Capabilities", format!("container `{}` adds `{}`", c.name, w.value), at(w, Some(i)));
            }
        }
        if let Some(w) = unconfined(&sc.run_as.seccomp) {
            push("Seccomp", format!("container `{}`'s seccomp profile is `unconfined`", c.name), at(w, Some(i)));
        }
        if let Some(w) = unconfined(&sc.run_as.apparmor) {
            push("AppArmor", format!("container `{}`'s AppArmor profile is `unconfined`", c.name), at(w, Some(i)));
        }
    }
}

/// Baseline's SELinux control (no user or role; the type one of the container
/// types) and its `/proc` Mount Type control (the default masks only).
fn selinux_and_proc(pod: &Pod, minor: u32, out: &mut Vec<Finding>) {
    let mut check = |s: &ir::SeLinux, whose: &str, container: Option<usize>| {
        for (w, field) in [(&s.user, "user"), (&s.role, "role")] {
            if let Some(w) = w.as_ref().filter(|w| !w.value.is_empty()) {
                out.push(Finding {
                    breaks: Level::Baseline,
                    rule: "SELinux",
                    what: format!("{whose} sets the SELinux {field} `{}`", w.value),
                    at: at(w, container),
                });
            }
        }
        if let Some(w) = &s.type_
            && !w.value.is_empty()
            && !BASELINE_SELINUX_TYPES.iter().any(|(t, since)| *t == w.value && minor >= *since)
        {
            out.push(Finding {
                breaks: Level::Baseline,
                rule: "SELinux",
                what: format!("{whose} sets the SELinux type `{}`", w.value),
                at: at(w, container),
            });
        }
    };
    if let Some(s) = pod.security.as_ref().and_then(|p| p.run_as.selinux.as_deref()) {
        check(s, "the pod", None);
    }
    for (i, c) in containers(pod) {
        let Some(sc) = &c.security else { continue };
        if let Some(s) = sc.run_as.selinux.as_deref() {
            check(s, &format!("container `{}`", c.name), Some(i));
        }
    }
    for (i, c) in containers(pod) {
        if let Some(w) = c.security.as_ref().and_then(|s| s.proc_mount.as_ref())
            && w.value != "Default"
        {
            out.push(Finding {
                breaks: Level::Baseline,
                rule: "/proc Mount Type",
                what: format!("container `{}` mounts `/proc` unmasked", c.name),
                at: at(w, Some(i)),
            });
        }
    }
}

fn restricted(pod: &Pod, out: &mut Vec<Finding>) {
    let mut push = |rule, what: String, at| out.push(Finding { breaks: Level::Restricted, rule, what, at });
    let pod_run_as = pod.security.as_ref().map(|p| &p.run_as);
    if let Some(w) = pod_run_as.and_then(|r| r.non_root.as_ref())
        && !w.value
    {
        push("Running as Non-root", "the pod says `run-as-non-root = false`".into(), at(w, None));
    }
    if let Some(w) = pod_run_as.and_then(|r| r.user.as_ref())
        && w.value == 0
    {
        push("Running as Non-root user", "the pod runs as user 0 (root)".into(), at(w, None));
    }
    // Set either way on the pod: `true` covers the containers, `false` is a finding of its own.
    let pod_non_root = pod_run_as.and_then(|r| r.non_root.as_ref()).is_some();
    let pod_seccomp = pod_run_as.and_then(|r| r.seccomp.as_ref()).map(|w| w.value.kind);
    for (i, c) in containers(pod) {
        let sc = c.security.as_ref();
        let run_as = sc.map(|s| &s.run_as);
        let name = &c.name;
        match sc.and_then(|s| s.allow_privilege_escalation.as_ref()) {
            Some(w) if !w.value => {}
            Some(w) => {
                push("Privilege Escalation", format!("container `{name}` allows privilege escalation"), at(w, Some(i)))
            }
            None => push(
                "Privilege Escalation",
                format!("container `{name}` does not set `allow-privilege-escalation = false`"),
                At::Container(i),
            ),
        }
        match run_as.and_then(|r| r.non_root.as_ref()) {
            Some(w) if !w.value => push(
                "Running as Non-root",
                format!("container `{name}` says `run-as-non-root = false`"),
                at(w, Some(i)),
            ),
            Some(_) => {}
            None if pod_non_root => {}
            None => push(
                "Running as Non-root",
                format!("neither the pod nor container `{name}` sets `run-as-non-root = true`"),
                At::Container(i),
            ),
        }
        if let Some(w) = run_as.and_then(|r| r.user.as_ref())
            && w.value == 0
        {
            push("Running as Non-root user", format!("container `{name}` runs as user 0 (root)"), at(w, Some(i)));
        }
        // Unconfined is a baseline finding already; here the profile must be set at all.
        let seccomp = run_as.and_then(|r| r.seccomp.as_ref()).map(|w| w.value.kind).or(pod_seccomp);
        if seccomp.is_none() {
            push(
                "Seccomp",
                format!("neither the pod nor container `{name}` sets `seccomp = runtime-default` (or `localhost`)"),
                At::Container(i),
            );
        }
        let drops_all = sc.and_then(|s| s.drop.as_ref()).is_some_and(|w| w.value.iter().any(|d| d == "ALL"));
        if !drops_all {
            let at = match sc.and_then(|s| s.drop.as_ref()) {
                Some(w) => at(w, Some(i)),
                None => At::Container(i),
            };
            push("Capabilities", format!("container `{name}` does not drop `ALL` capabilities"), at);
        }
        for w in sc.map(|s| s.add.as_slice()).unwrap_or_default() {
            if w.value != "NET_BIND_SERVICE" && BASELINE_CAPABILITIES.contains(&w.value.as_str()) {
                push(
                    "Capabilities",
                    format!("container `{name}` adds `{}` (restricted allows only `NET_BIND_SERVICE`)", w.value),
                    at(w, Some(i)),
                );
            }
        }
    }
}

/// `security: job/stable-test: baseline (restricted: …; …)`, one line per workload:
/// the level, and every control that keeps the pod from the next one.
pub fn report(programs: &[ir::Program]) -> String {
    let mut out = String::new();
    for program in programs {
        let minor = program.kube_version.minor;
        for (name, pod) in program.objects.iter().flat_map(ir::Object::pods) {
            out.push_str(&line(&name, pod, minor));
            out.push('\n');
        }
    }
    out
}

fn line(name: &str, pod: &Pod, minor: u32) -> String {
    let findings = findings_for(pod, minor);
    let level = level_of(&findings);
    let blocking: Vec<String> = findings
        .iter()
        .filter(|f| f.breaks as u8 == level as u8 + 1)
        .map(|f| format!("{}: {}", f.rule, f.what))
        .collect();
    match level {
        Level::Restricted => format!("security: {name}: restricted"),
        _ => format!("security: {name}: {} (not {}: {})", level.as_str(), next(level), blocking.join("; ")),
    }
}

fn next(level: Level) -> &'static str {
    match level {
        Level::Privileged => "baseline",
        _ => "restricted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{PodSecurity, RunAs, SecurityContext, Volume};

    fn container(name: &str, sc: Option<SecurityContext>) -> Container {
        Container { name: name.into(), security: sc.map(Box::new), ..Default::default() }
    }

    fn hardened() -> SecurityContext {
        SecurityContext {
            allow_privilege_escalation: Some(Written::default(false)),
            drop: Some(Written::default(vec!["ALL".into()])),
            ..Default::default()
        }
    }

    fn restricted_pod(containers: Vec<Container>) -> Pod {
        Pod {
            containers,
            security: Some(Box::new(PodSecurity {
                run_as: RunAs {
                    non_root: Some(Written::default(true)),
                    seccomp: Some(Written::default(Profile { kind: "RuntimeDefault", localhost: None })),
                    ..Default::default()
                },
                ..Default::default()
            })),
            ..Default::default()
        }
    }

    fn rules(pod: &Pod) -> Vec<&'static str> {
        findings(pod).iter().map(|f| f.rule).collect()
    }

    #[test]
    fn a_bare_pod_is_baseline() {
        let pod = Pod { containers: vec![container("a", None)], ..Default::default() };
        let f = findings(&pod);
        assert_eq!(level_of(&f), Level::Baseline);
        assert_eq!(rules(&pod), ["Privilege Escalation", "Running as Non-root", "Seccomp", "Capabilities"]);
    }

    #[test]
    fn restricted_needs_every_control() {
        let pod = restricted_pod(vec![container("a", Some(hardened()))]);
        assert_eq!(level_of(&findings(&pod)), Level::Restricted);
        // A second container without the settings breaks it.
        let pod = restricted_pod(vec![container("a", Some(hardened())), container("b", None)]);
        assert_eq!(rules(&pod), ["Privilege Escalation", "Capabilities"]);
        // Adding NET_BIND_SERVICE is allowed; CHOWN is baseline only; NET_ADMIN breaks baseline.
        let mut sc = hardened();
        sc.add = vec![Written::default("NET_BIND_SERVICE".into())];
        assert_eq!(level_of(&findings(&restricted_pod(vec![container("a", Some(sc.clone()))]))), Level::Restricted);
        sc.add = vec![Written::default("CHOWN".into())];
        assert_eq!(level_of(&findings(&restricted_pod(vec![container("a", Some(sc.clone()))]))), Level::Baseline);
        sc.add = vec![Written::default("NET_ADMIN".into())];
        assert_eq!(level_of(&findings(&restricted_pod(vec![container("a", Some(sc))]))), Level::Privileged);
    }

    #[test]
    fn container_settings_can_replace_the_pods() {
        let mut sc = hardened();
        sc.run_as.non_root = Some(Written::default(true));
        sc.run_as.seccomp = Some(Written::default(Profile { kind: "Localhost", localhost: Some("p.json".into()) }));
        let pod = Pod { containers: vec![container("a", Some(sc))], ..Default::default() };
        assert_eq!(level_of(&findings(&pod)), Level::Restricted);
        // A container's explicit `false` wins over the pod's `true`.
        let mut sc = hardened();
        sc.run_as.non_root = Some(Written::default(false));
        assert_eq!(rules(&restricted_pod(vec![container("a", Some(sc))])), ["Running as Non-root"]);
        let mut sc = hardened();
        sc.run_as.user = Some(Written::default(0));
        assert_eq!(rules(&restricted_pod(vec![container("a", Some(sc))])), ["Running as Non-root user"]);
    }

    #[test]
    fn baseline_controls() {
        let privileged = SecurityContext { privileged: Some(Written::default(true)), ..hardened() };
        assert!(rules(&restricted_pod(vec![container("a", Some(privileged))])).contains(&"Privileged Containers"));
        let mut pod = restricted_pod(vec![container("a", Some(hardened()))]);
        pod.host_network = Some(Written::default(true));
        pod.volumes.push(Volume {
            name: "logs".into(),
            source: VolumeSource::HostPath { path: "/var/log".into(), kind: None },
        });
        assert_eq!(rules(&pod), ["Host Namespaces", "HostPath Volumes"]);
        assert_eq!(level_of(&findings(&pod)), Level::Privileged);
        let mut pod = restricted_pod(vec![container("a", Some(hardened()))]);
        let ps = pod.security.as_mut().unwrap();
        ps.sysctls.push(Written::default(("net.ipv4.tcp_syncookies".into(), "1".into())));
        assert_eq!(level_of(&findings(&pod)), Level::Restricted);
        pod.security.as_mut().unwrap().sysctls.push(Written::default(("kernel.msgmax".into(), "1".into())));
        assert_eq!(rules(&pod), ["Sysctls"]);
        let mut pod = restricted_pod(vec![container("a", Some(hardened()))]);
        pod.annotations.insert("container.apparmor.security.beta.kubernetes.io/a".into(), "unconfined".into());
        assert_eq!(rules(&pod), ["AppArmor"]);
        let mut pod = restricted_pod(vec![container("a", Some(hardened()))]);
        pod.security.as_mut().unwrap().run_as.seccomp =
            Some(Written::default(Profile { kind: "Unconfined", localhost: None }));
        assert_eq!(rules(&pod), ["Seccomp"]);
        // An http check on another address than the pod's (v1.34 standards); empty is unset.
        let http = |host: &str| {
            ir::Handler::Http(ir::HttpGet {
                path: None,
                port: ir::PortRef::Number(8080),
                scheme: None,
                host: Some(Written::default(host.to_string())),
                headers: Vec::new(),
            })
        };
        let mut c = container("a", Some(hardened()));
        let span = Span::new(crate::source::FileId(0), 0, 1);
        c.probes =
            Some(Box::new(ir::Probes { pre_stop: Some(ir::Hook { handler: http(""), span }), ..Default::default() }));
        assert_eq!(level_of(&findings(&restricted_pod(vec![c.clone()]))), Level::Restricted);
        c.probes.as_mut().unwrap().readiness = Some(ir::Probe {
            handler: http("127.0.0.1"),
            initial_delay: None,
            period: None,
            timeout: None,
            failure_threshold: None,
            success_threshold: None,
            termination_grace: None,
            span,
        });
        assert_eq!(rules(&restricted_pod(vec![c])), ["Host Probes / Lifecycle Hooks"]);
    }

    #[test]
    fn selinux_and_proc_mount_controls() {
        let label = |user: &str, type_: &str| {
            let w = |v: &str| (!v.is_empty()).then(|| Written::default(v.to_string()));
            Some(Box::new(ir::SeLinux { user: w(user), type_: w(type_), level: w("s0:c1,c2"), role: None }))
        };
        let with = |sc: SecurityContext| restricted_pod(vec![container("a", Some(sc))]);
        // A level and an allowed type (or none) keep the pod restricted.
        for t in ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"] {
            let mut sc = hardened();
            sc.run_as.selinux = label("", t);
            assert_eq!(level_of(&findings(&with(sc))), Level::Restricted, "type {t:?}");
        }
        // container_engine_t came with the standards of 1.31.
        let mut sc = hardened();
        sc.run_as.selinux = label("", "container_engine_t");
        assert_eq!(findings_for(&with(sc.clone()), 30).iter().map(|f| f.rule).collect::<Vec<_>>(), ["SELinux"]);
        assert!(findings_for(&with(sc), 31).is_empty());
        // A user, or another type, on the pod or a container breaks baseline.
        let mut sc = hardened();
        sc.run_as.selinux = label("system_u", "spc_t");
        assert_eq!(rules(&with(sc)), ["SELinux", "SELinux"]);
        let mut pod = restricted_pod(vec![container("a", Some(hardened()))]);
        pod.security.as_mut().unwrap().run_as.selinux = label("", "unconfined_t");
        assert_eq!(level_of(&findings(&pod)), Level::Privileged);
        // `/proc`: Default is allowed, Unmasked breaks baseline.
        let mut sc = hardened();
        sc.proc_mount = Some(Written::default("Default"));
        assert_eq!(level_of(&findings(&with(sc.clone()))), Level::Restricted);
        sc.proc_mount = Some(Written::default("Unmasked"));
        assert_eq!(rules(&with(sc)), ["/proc Mount Type"]);
    }

    #[test]
    fn host_ports_break_baseline_unless_zero() {
        let span = Span::new(crate::source::FileId(0), 3, 7);
        let f = host_ports([(0, 0, span), (1, 8080, span)], &["a", "b"]);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].breaks, f[0].rule, f[0].at.clone()), (Level::Baseline, "Host Ports", At::Span(span)));
        assert!(f[0].what.contains("`b`") && f[0].what.contains("8080"));
        assert!(host_ports([], &[]).is_empty());
    }

    #[test]
    fn safe_sysctls_depend_on_the_version() {
        assert!(is_safe_sysctl("net.ipv4.tcp_syncookies", 27));
        assert!(is_safe_sysctl("net/ipv4/tcp_syncookies", 27));
        assert!(!is_safe_sysctl("net.ipv4.tcp_keepalive_time", 28));
        assert!(is_safe_sysctl("net.ipv4.tcp_keepalive_time", 29));
        assert!(!is_safe_sysctl("kernel.msgmax", 37));
    }
}
