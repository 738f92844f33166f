//! Keys of the security area: the container's `security-context { … }`, the pod's
//! `pod-security-context { … }`, the host namespaces and the service account
//! token, the `pod-security` assertion (Pod Security Standards) and the
//! program's `defaults { … }`.

use super::*;

pub const SECCOMP_PROFILES: Choices =
    &[("runtime-default", "RuntimeDefault"), ("unconfined", "Unconfined"), ("localhost", "Localhost")];
pub const APPARMOR_PROFILES: Choices = SECCOMP_PROFILES;
pub const FS_GROUP_CHANGE_POLICIES: Choices = &[("on-root-mismatch", "OnRootMismatch"), ("always", "Always")];
pub const PROC_MOUNTS: Choices = &[("default", "Default"), ("unmasked", "Unmasked")];
pub const SELINUX_CHANGE_POLICIES: Choices = &[("recursive", "Recursive"), ("mount-option", "MountOption")];
/// The Pod Security Standards levels, most open first.
pub const POD_SECURITY_LEVELS: Choices =
    &[("privileged", "privileged"), ("baseline", "baseline"), ("restricted", "restricted")];
/// The only level that has settings to fill in (baseline forbids, it sets nothing).
pub const DEFAULT_LEVELS: Choices = &[("restricted", "restricted")];

/// User and group ids: Kubernetes accepts 0 to 2^31 − 1.
const ID: Shape = Shape::Int { min: 0, max: I32_MAX };

keys! {
    SECURITY_CONTEXT = key("security-context", ANY_CONTAINER, Shape::Block(SECURITY), ("Container", &["securityContext"]),
        "The container's security context: user, privileges, capabilities, seccomp, AppArmor.");
    RUN_AS_USER = key("run-as-user", SECURITY, ID, ("SecurityContext", &["runAsUser"]),
        "User id the container's processes run as (overrides the image and the pod).");
    RUN_AS_GROUP = key("run-as-group", SECURITY, ID, ("SecurityContext", &["runAsGroup"]),
        "Primary group id of the container's processes.");
    RUN_AS_NON_ROOT = key("run-as-non-root", SECURITY, Shape::Bool, ("SecurityContext", &["runAsNonRoot"]),
        "The kubelet refuses to start the container as user 0 (also when the image's user is root).");
    READ_ONLY_ROOT = key("read-only-root-filesystem", SECURITY, Shape::Bool, ("SecurityContext", &["readOnlyRootFilesystem"]),
        "Mount the container's root filesystem read-only (write to volumes instead).");
    PRIVILEGED = key("privileged", SECURITY, Shape::Bool, ("SecurityContext", &["privileged"]),
        "Run the container privileged: root on the host, every device. Breaks the baseline level.");
    ALLOW_PRIVILEGE_ESCALATION = key("allow-privilege-escalation", SECURITY, Shape::Bool,
        ("SecurityContext", &["allowPrivilegeEscalation"]),
        "Whether a process can gain more privileges than its parent (setuid binaries). `false` for restricted.");
    CAPABILITIES_BLOCK = key("capabilities", SECURITY, Shape::Block(CAPABILITIES), ("SecurityContext", &["capabilities"]),
        "Linux capabilities to add and drop.").takes("block with `add` / `drop`");
    CAP_ADD = key("add", CAPABILITIES, Shape::StrList, ("Capabilities", &["add"]),
        "Capabilities to add, without `CAP_` (`NET_BIND_SERVICE`).");
    CAP_DROP = key("drop", CAPABILITIES, Shape::StrList, ("Capabilities", &["drop"]),
        "Capabilities to drop, without `CAP_`; `ALL` drops every one (restricted needs it).");
    SECCOMP = key("seccomp", SECURITY, Shape::Choice(SECCOMP_PROFILES), ("SecurityContext", &["seccompProfile", "type"]),
        "The container's seccomp profile (overrides the pod's).");
    SECCOMP_PROFILE = key("seccomp-profile", SECURITY, Shape::Str, ("SecurityContext", &["seccompProfile", "localhostProfile"]),
        "With `seccomp = localhost`: the profile's path, relative to the kubelet's seccomp directory.");
    APPARMOR = key("apparmor", SECURITY, Shape::Choice(APPARMOR_PROFILES), ("SecurityContext", &["appArmorProfile", "type"]),
        "The container's AppArmor profile (overrides the pod's). Before 1.30: the pod annotation.").gated(30, 30, 31);
    APPARMOR_PROFILE = key("apparmor-profile", SECURITY, Shape::Str, ("SecurityContext", &["appArmorProfile", "localhostProfile"]),
        "With `apparmor = localhost`: the name of a profile loaded on the node.").gated(30, 30, 31);
    SELINUX_BLOCK = key("selinux", SECURITY, Shape::Block(SELINUX), ("SecurityContext", &["seLinuxOptions"]),
        "The container's SELinux label (overrides the pod's); unset, the runtime picks one.")
        .takes("block with `user` / `role` / `type` / `level`");
    PROC_MOUNT = key("proc-mount", SECURITY, Shape::Choice(PROC_MOUNTS), ("SecurityContext", &["procMount"]),
        "`unmasked` mounts `/proc` without the runtime's masked paths (needs `hostUsers: false`). Breaks the baseline level.")
        .gated(12, 33, 36);

    SELINUX_USER = key("user", SELINUX, Shape::Str, ("SELinuxOptions", &["user"]),
        "The SELinux user (`system_u`). Breaks the baseline level.");
    SELINUX_ROLE = key("role", SELINUX, Shape::Str, ("SELinuxOptions", &["role"]),
        "The SELinux role (`system_r`). Breaks the baseline level.");
    SELINUX_TYPE = key("type", SELINUX, Shape::Str, ("SELinuxOptions", &["type"]),
        "The SELinux type (`container_t`); baseline allows `container_t`, `container_init_t`, `container_kvm_t`, `container_engine_t` (1.31+).");
    SELINUX_LEVEL = key("level", SELINUX, Shape::Str, ("SELinuxOptions", &["level"]),
        "The MLS/MCS level (`s0:c123,c456`): pods with the same level share files on volumes.");

    POD_SECURITY_CONTEXT = key("pod-security-context", WORKLOAD, Shape::Block(POD_SECURITY), ("PodSpec", &["securityContext"]),
        "The pod's security context: what every container inherits, and the pod's own (fs-group, sysctls).");
    POD_RUN_AS_USER = key("run-as-user", POD_SECURITY, ID, ("PodSecurityContext", &["runAsUser"]),
        "User id of every container that does not set its own.");
    POD_RUN_AS_GROUP = key("run-as-group", POD_SECURITY, ID, ("PodSecurityContext", &["runAsGroup"]),
        "Primary group id of every container that does not set its own.");
    POD_RUN_AS_NON_ROOT = key("run-as-non-root", POD_SECURITY, Shape::Bool, ("PodSecurityContext", &["runAsNonRoot"]),
        "Every container must run as a user other than 0 (unless it says otherwise).");
    FS_GROUP = key("fs-group", POD_SECURITY, ID, ("PodSecurityContext", &["fsGroup"]),
        "Group that owns the pod's volumes, added to every container's groups.");
    FS_GROUP_CHANGE_POLICY = key("fs-group-change-policy", POD_SECURITY, Shape::Choice(FS_GROUP_CHANGE_POLICIES),
        ("PodSecurityContext", &["fsGroupChangePolicy"]),
        "When volume ownership is changed to `fs-group`: `always` (default) or `on-root-mismatch` (faster on large volumes).");
    SUPPLEMENTAL_GROUPS = key("supplemental-groups", POD_SECURITY, Shape::Special("list of group ids"),
        ("PodSecurityContext", &["supplementalGroups"]), "More groups for every container's first process.");
    SYSCTLS = key("sysctls", POD_SECURITY, Shape::StrMap, ("PodSecurityContext", &["sysctls"]),
        "Namespaced kernel parameters (`{ \"net.ipv4.ip_local_port_range\": \"1024 65535\" }`). Outside the safe set the kubelet must allow them.");
    POD_SECCOMP = key("seccomp", POD_SECURITY, Shape::Choice(SECCOMP_PROFILES), ("PodSecurityContext", &["seccompProfile", "type"]),
        "The seccomp profile of every container that does not set its own.");
    POD_SECCOMP_PROFILE = key("seccomp-profile", POD_SECURITY, Shape::Str,
        ("PodSecurityContext", &["seccompProfile", "localhostProfile"]), "With `seccomp = localhost`: the profile's path.");
    POD_APPARMOR = key("apparmor", POD_SECURITY, Shape::Choice(APPARMOR_PROFILES), ("PodSecurityContext", &["appArmorProfile", "type"]),
        "The AppArmor profile of every container that does not set its own.").gated(30, 30, 31);
    POD_APPARMOR_PROFILE = key("apparmor-profile", POD_SECURITY, Shape::Str,
        ("PodSecurityContext", &["appArmorProfile", "localhostProfile"]), "With `apparmor = localhost`: the profile's name.")
        .gated(30, 30, 31);
    POD_SELINUX = key("selinux", POD_SECURITY, Shape::Block(SELINUX), ("PodSecurityContext", &["seLinuxOptions"]),
        "The SELinux label of every container that does not set its own; unset, the runtime picks one.")
        .takes("block with `user` / `role` / `type` / `level`");
    SELINUX_CHANGE_POLICY = key("selinux-change-policy", POD_SECURITY, Shape::Choice(SELINUX_CHANGE_POLICIES),
        ("PodSecurityContext", &["seLinuxChangePolicy"]),
        "How volumes get the pod's SELinux label: `mount-option` (mounted with it; 1.37+ or the SELinuxMount gate) or `recursive` (every file relabelled).")
        .gated(32, 33, 36);

    HOST_NETWORK = key("host-network", WORKLOAD, Shape::Bool, ("PodSpec", &["hostNetwork"]),
        "Use the node's network namespace. Breaks the baseline level.");
    HOST_PID = key("host-pid", WORKLOAD, Shape::Bool, ("PodSpec", &["hostPID"]),
        "Use the node's process namespace: see and signal its processes. Breaks the baseline level.");
    HOST_IPC = key("host-ipc", WORKLOAD, Shape::Bool, ("PodSpec", &["hostIPC"]),
        "Use the node's IPC namespace. Breaks the baseline level.");
    AUTOMOUNT_TOKEN = key("automount-service-account-token", WORKLOAD, Shape::Bool,
        ("PodSpec", &["automountServiceAccountToken"]),
        "Mount the service account's API token. `defaults { pod-security = restricted }` makes it `false` for pods that name no `service-account`.");
    POD_SECURITY_LEVEL = key("pod-security", WORKLOAD, Shape::Choice(POD_SECURITY_LEVELS), ("", &[]),
        "Asserts the Pod Security Standards level the pods meet; a field that breaks it is an error naming the rule.");

    DEFAULT_POD_SECURITY = key("pod-security", DEFAULTS, Shape::Choice(DEFAULT_LEVELS), ("", &[]),
        "Fills in restricted settings wherever a workload does not say otherwise: non-root, no privilege escalation, capabilities dropped, RuntimeDefault seccomp, no token without a service account.");
    DEFAULT_RUN_AS_USER = key("run-as-user", DEFAULTS, ID, ("PodSecurityContext", &["runAsUser"]),
        "With restricted defaults: the user id of pods that set none (for images whose user is root).");
    DEFAULT_RUN_AS_GROUP = key("run-as-group", DEFAULTS, ID, ("PodSecurityContext", &["runAsGroup"]),
        "With restricted defaults: the group id of pods that set none.");
}
