//! Checking for the volumes area: the volume sources (`volume NAME = …`), what
//! `mount NAME` of a config or secret makes, mount propagation, native sidecars
//! (`restart = always` in an `init` container), and the pod-wide rules that need
//! every container first. The file-producing sources (config and secret items,
//! downward API, projected, ephemeral) are in `volumes/files.rs`.

mod files;

use super::Checker;
use super::eval::Choices;
use super::fields::Fields;
use super::read;
use crate::ast::{self, Expr, ExprKind};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::ir::{DownwardRef, Keyed, Pod, Projection, VolumeSource};
use crate::schema;
use crate::source::Span;

const MEDIUMS: Choices = &[("disk", ""), ("memory", "Memory")];
const HOST_PATH_TYPES: Choices = &[
    ("directory", "Directory"),
    ("directory-or-create", "DirectoryOrCreate"),
    ("file", "File"),
    ("file-or-create", "FileOrCreate"),
    ("socket", "Socket"),
    ("char-device", "CharDevice"),
    ("block-device", "BlockDevice"),
];
/// `mount … propagation WORD`.
const PROPAGATIONS: Choices =
    &[("none", "None"), ("host-to-container", "HostToContainer"), ("bidirectional", "Bidirectional")];

impl<'a> Checker<'a> {
    /// `volume NAME = …`
    pub fn volume_source(&mut self, expr: &'a Expr) -> Option<VolumeSource> {
        const KNOWN: &[&str] =
            &["empty-dir", "host-path", "pvc", "config", "secret", "downward-api", "projected", "ephemeral"];
        let ExprKind::Call { name, args } = &expr.kind else {
            if let ExprKind::Word(w) = &expr.kind
                && w == "empty-dir"
            {
                return Some(VolumeSource::EmptyDir { medium: None, size_limit: None });
            }
            self.report(
                Diagnostic::error(Code::TypeMismatch, expr.span, "a volume is made with a volume function")
                    .label("not a volume")
                    .help(
                        "write `empty-dir()`, `host-path(\"/path\")`, `pvc(\"claim\")`, `config(name)`, `secret(name)`, \
                         `downward-api(…)`, `projected(…)` or `ephemeral(…)`",
                    ),
            );
            return None;
        };
        match name.node.as_str() {
            "empty-dir" => {
                const SIG: &str = "empty-dir(medium = memory, size = 1Gi)";
                let mut a = self.args(name, args, expr.span, (0, 0), SIG)?;
                let medium = self.named_arg(&mut a, "medium");
                let size = self.named_arg(&mut a, "size");
                self.finish_args(a, &["medium", "size"], SIG);
                let medium = match medium {
                    Some(m) => Some(self.choice(m, "`medium`", MEDIUMS)?).filter(|m| !m.is_empty()),
                    None => None,
                };
                let size_limit = match size {
                    Some(s) => Some(self.quantity(s, "`size`")?),
                    None => None,
                };
                Some(VolumeSource::EmptyDir { medium, size_limit })
            }
            "host-path" => {
                const SIG: &str = "host-path(\"/var/log\", type = directory)";
                let mut a = self.args(name, args, expr.span, (1, 1), SIG)?;
                let path_expr = a.positional[0];
                let kind = self.named_arg(&mut a, "type");
                self.finish_args(a, &["type"], SIG);
                let path = self.string(path_expr, "`host-path`")?;
                if !path.starts_with('/') {
                    self.report(
                        Diagnostic::error(
                            Code::MountPath,
                            path_expr.span,
                            format!("host path `{path}` is not absolute"),
                        )
                        .label("relative path")
                        .help(format!("write the full path on the node: \"/{path}\"")),
                    );
                }
                let kind = match kind {
                    Some(k) => Some(self.choice(k, "`type`", HOST_PATH_TYPES)?),
                    None => None,
                };
                Some(VolumeSource::HostPath { path, kind })
            }
            "pvc" => {
                const SIG: &str = "pvc(\"claim-name\", readonly = true)";
                let mut a = self.args(name, args, expr.span, (1, 1), SIG)?;
                let claim_expr = a.positional[0];
                let ro = self.named_arg(&mut a, "readonly");
                self.finish_args(a, &["readonly"], SIG);
                let claim = self.string(claim_expr, "`pvc`")?;
                let read_only = match ro {
                    Some(r) => self.bool(r, "`readonly`")?,
                    None => false,
                };
                Some(VolumeSource::Pvc { claim, read_only })
            }
            "config" => self.keyed(name, args, expr.span, false, false).map(VolumeSource::Config),
            "secret" => self.keyed(name, args, expr.span, true, false).map(VolumeSource::Secret),
            "downward-api" => self.downward_volume(name, args, expr.span),
            "projected" => self.projected(name, args, expr.span),
            "ephemeral" => self.ephemeral(name, args, expr.span).map(VolumeSource::Ephemeral),
            other => {
                self.unknown_function(name, other, KNOWN, "a volume");
                None
            }
        }
    }

    /// What `mount NAME` names when it is not a `volume` of the workload.
    pub fn mount_source(&self, name: &str) -> Option<VolumeSource> {
        if self.configs.contains_key(name) {
            Some(VolumeSource::Config(Keyed::named(name)))
        } else if self.secrets.contains_key(name) {
            Some(VolumeSource::Secret(Keyed::named(name)))
        } else {
            None
        }
    }

    pub fn mountable_names(&self) -> Vec<&str> {
        self.configs.keys().chain(self.secrets.keys()).map(String::as_str).collect()
    }

    /// `mount … propagation WORD`: Kubernetes' spelling and where it was written;
    /// `Some(None)` when the mount does not say, `None` when the word is wrong.
    pub(super) fn mount_propagation(&mut self, m: &ast::Mount) -> Option<Option<(&'static str, Span)>> {
        let Some(word) = &m.propagation else { return Some(None) };
        if let Some((_, k8s)) = PROPAGATIONS.iter().find(|(w, _)| *w == word.node) {
            return Some(Some((k8s, word.span)));
        }
        let words = || PROPAGATIONS.iter().map(|(w, _)| *w);
        let d =
            Diagnostic::error(Code::UnknownVariant, word.span, format!("`{}` is not a mount propagation", word.node))
                .label("not a choice");
        let d = match PROPAGATIONS.iter().find(|(_, k)| k.eq_ignore_ascii_case(&word.node)) {
            Some((w, _)) => d.help(format!("pipec writes `{w}`")).fix(word.span, *w, format!("write `{w}`")),
            None => d.did_you_mean(word.span, &word.node, words(), || {
                format!(
                    "mount propagation is one of: {}",
                    words().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
                )
            }),
        };
        self.report(d);
        None
    }
}

/// A `container` or `init` block's `restart` (the main container's `restart` is the
/// pod's). Kubernetes takes only `Always` on an init container; whether the
/// container is an init container is decided by [`pod`], which sees every one.
pub(super) fn container_restart<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> Option<(&'static str, Span)> {
    if f.context() & schema::CONTAINER == 0 {
        return None;
    }
    let e = read::expr(ck, f, &schema::SIDECAR_RESTART)?;
    if let ExprKind::Word(w) = &e.kind
        && (w == "never" || w == "on-failure")
    {
        ck.report(
            Diagnostic::error(
                Code::ContainerRestart,
                e.span,
                format!("a container's own `restart` can only be `always`, not `{w}`"),
            )
            .label("not allowed on a container")
            .help(
                "an init container with `restart = always` is a sidecar; without `restart` it runs once, \
                 and the pod's `restart` decides what happens when it fails",
            ),
        );
        return None;
    }
    ck.choice(e, "`restart`", schema::SIDECAR_RESTARTS).map(|c| (c, e.span))
}

/// Kubernetes lets only a privileged container use `Bidirectional` propagation
/// (its mounts reach the host).
pub(super) fn propagation_allowed(propagation: &str, privileged: bool) -> bool {
    propagation != "Bidirectional" || privileged
}

/// The rules that need the whole pod: a regular container cannot restart on its
/// own, bidirectional mounts need privileged containers, and a downward-API
/// resource names a container of the pod.
pub(super) fn pod(ck: &mut Checker, pod: &Pod) -> bool {
    let mut ok = true;
    for c in &pod.containers {
        if let Some((_, span)) = c.restart {
            ck.report(
                Diagnostic::error(
                    Code::ContainerRestart,
                    span,
                    format!("`{}` is not an init container: it cannot have a `restart` of its own", c.name),
                )
                .label("only init containers take `restart`")
                .help(format!(
                    "to run `{}` as a sidecar beside the main container, declare it `init {} {{ … restart = always }}`; \
                     a regular container restarts as the pod's `restart` says",
                    c.name, c.name
                )),
            );
            ok = false;
        }
    }
    for c in pod.containers.iter().chain(&pod.init_containers) {
        // The container's security context (security area) says whether it is privileged.
        let privileged = c.security.as_ref().and_then(|s| s.privileged.as_ref()).is_some_and(|p| p.value);
        for m in &c.mounts {
            if let Some((p, span)) = m.propagation
                && !propagation_allowed(p, privileged)
            {
                ck.report(
                    Diagnostic::error(
                        Code::MountPropagation,
                        span,
                        format!("container `{}` is not privileged: it cannot use bidirectional propagation", c.name),
                    )
                    .label("needs a privileged container")
                    .help(
                        "bidirectional mounts reach back into the host, so Kubernetes allows them only in privileged \
                         containers: use `host-to-container` if the container only needs to see the host's mounts",
                    ),
                );
                ok = false;
            }
        }
    }
    for v in &pod.volumes {
        let items: Vec<&crate::ir::DownwardItem> = match &v.source {
            VolumeSource::DownwardApi { items, .. } => items.iter().collect(),
            VolumeSource::Projected { sources, .. } => sources
                .iter()
                .filter_map(|s| match s {
                    Projection::DownwardApi(items) => Some(items),
                    _ => None,
                })
                .flatten()
                .collect(),
            _ => continue,
        };
        for item in items {
            let mut names = pod.containers.iter().chain(&pod.init_containers).map(|c| c.name.as_str());
            if let DownwardRef::Resource { container, span, .. } = &item.from
                && !names.any(|n| n == container)
            {
                let names: Vec<&str> =
                    pod.containers.iter().chain(&pod.init_containers).map(|c| c.name.as_str()).collect();
                let help = did_you_mean(container, names.iter().copied(), || {
                    format!(
                        "the pod's containers are: {}",
                        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                    )
                });
                ck.report(
                    Diagnostic::error(
                        Code::DownwardApiVolume,
                        *span,
                        format!(
                            "volume `{}` reads the resources of `{container}`, which is not a container of this pod",
                            v.name
                        ),
                    )
                    .label("no such container")
                    .help(help),
                );
                ok = false;
            }
        }
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::propagation_allowed;

    #[test]
    fn bidirectional_needs_privileged() {
        assert!(propagation_allowed("Bidirectional", true));
        assert!(!propagation_allowed("Bidirectional", false));
        assert!(propagation_allowed("HostToContainer", false));
        assert!(propagation_allowed("None", false));
    }
}
