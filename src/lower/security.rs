//! Lowering for the security area: the container's and the pod's security
//! contexts, host namespaces and the service account token.

use crate::ir::{self, Profile, RunAs, SeLinux, Written};
use k8s_openapi::api::core::v1 as core;

fn value<T: Clone>(w: &Option<Written<T>>) -> Option<T> {
    w.as_ref().map(|w| w.value.clone())
}

fn seccomp(p: &Option<Written<Profile>>) -> Option<core::SeccompProfile> {
    p.as_ref()
        .map(|w| core::SeccompProfile { type_: w.value.kind.to_string(), localhost_profile: w.value.localhost.clone() })
}

fn apparmor(p: &Option<Written<Profile>>) -> Option<core::AppArmorProfile> {
    p.as_ref().map(|w| core::AppArmorProfile {
        type_: w.value.kind.to_string(),
        localhost_profile: w.value.localhost.clone(),
    })
}

fn selinux(s: &Option<Box<SeLinux>>) -> Option<core::SELinuxOptions> {
    s.as_deref().map(|s| core::SELinuxOptions {
        user: value(&s.user),
        role: value(&s.role),
        type_: value(&s.type_),
        level: value(&s.level),
    })
}

pub(super) fn container(c: &ir::Container, out: &mut core::Container) {
    let Some(sc) = &c.security else { return };
    let RunAs { user, group, non_root, seccomp: sp, apparmor: ap, selinux: se } = &sc.run_as;
    let add: Vec<String> = sc.add.iter().map(|w| w.value.clone()).collect();
    let drop = value(&sc.drop);
    out.security_context = Some(core::SecurityContext {
        run_as_user: value(user),
        run_as_group: value(group),
        run_as_non_root: value(non_root),
        read_only_root_filesystem: sc.read_only_root,
        privileged: value(&sc.privileged),
        allow_privilege_escalation: value(&sc.allow_privilege_escalation),
        capabilities: (!add.is_empty() || drop.is_some())
            .then(|| core::Capabilities { add: (!add.is_empty()).then_some(add), drop }),
        seccomp_profile: seccomp(sp),
        app_armor_profile: apparmor(ap),
        se_linux_options: selinux(se),
        proc_mount: sc.proc_mount.as_ref().map(|w| w.value.to_string()),
        ..Default::default()
    });
}

pub(super) fn pod(pod: &ir::Pod, spec: &mut core::PodSpec) {
    spec.host_network = value(&pod.host_network);
    spec.host_pid = value(&pod.host_pid);
    spec.host_ipc = value(&pod.host_ipc);
    spec.automount_service_account_token = value(&pod.automount_token);
    let Some(ps) = &pod.security else { return };
    let RunAs { user, group, non_root, seccomp: sp, apparmor: ap, selinux: se } = &ps.run_as;
    spec.security_context = Some(core::PodSecurityContext {
        run_as_user: value(user),
        run_as_group: value(group),
        run_as_non_root: value(non_root),
        fs_group: ps.fs_group,
        fs_group_change_policy: ps.fs_group_change_policy.map(String::from),
        supplemental_groups: (!ps.supplemental_groups.is_empty()).then(|| ps.supplemental_groups.clone()),
        sysctls: (!ps.sysctls.is_empty()).then(|| {
            ps.sysctls.iter().map(|w| core::Sysctl { name: w.value.0.clone(), value: w.value.1.clone() }).collect()
        }),
        seccomp_profile: seccomp(sp),
        app_armor_profile: apparmor(ap),
        se_linux_options: selinux(se),
        se_linux_change_policy: ps.selinux_change_policy.map(String::from),
        ..Default::default()
    });
}
