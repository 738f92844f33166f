//! Checking for the volumes area: volume sources (config/secret items, downward API, projected, ephemeral), mount propagation and native sidecars.

use super::Checker;
use super::eval::Choices;
use crate::ast::{Expr, ExprKind};
use crate::diag::{Code, Diagnostic};
use crate::ir::VolumeSource;

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

impl<'a> Checker<'a> {
    /// `volume NAME = …`
    pub fn volume_source(&mut self, expr: &'a Expr) -> Option<VolumeSource> {
        const KNOWN: &[&str] = &["empty-dir", "host-path", "pvc", "config", "secret"];
        let ExprKind::Call { name, args } = &expr.kind else {
            if let ExprKind::Word(w) = &expr.kind
                && w == "empty-dir"
            {
                return Some(VolumeSource::EmptyDir { medium: None, size_limit: None });
            }
            self.report(
                Diagnostic::error(Code::TypeMismatch, expr.span, "a volume is made with a volume function")
                    .label("not a volume")
                    .help("write `empty-dir()`, `host-path(\"/path\")`, `pvc(\"claim\")`, `config(name)` or `secret(name)`"),
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
            "config" => {
                let a = self.args(name, args, expr.span, (1, 1), "config(name)")?;
                let c = a.positional[0];
                self.finish_args(a, &[], "config(name)");
                self.config_ref(c).map(VolumeSource::Config)
            }
            "secret" => {
                let a = self.args(name, args, expr.span, (1, 1), "secret(name)")?;
                let s = a.positional[0];
                self.finish_args(a, &[], "secret(name)");
                self.secret_ref(s).map(VolumeSource::Secret)
            }
            other => {
                self.unknown_function(name, other, KNOWN, "a volume");
                None
            }
        }
    }

    /// What `mount NAME` names when it is not a `volume` of the workload.
    pub fn mount_source(&self, name: &str) -> Option<VolumeSource> {
        if self.configs.contains_key(name) {
            Some(VolumeSource::Config(name.to_string()))
        } else if self.secrets.contains_key(name) {
            Some(VolumeSource::Secret(name.to_string()))
        } else {
            None
        }
    }

    pub fn mountable_names(&self) -> Vec<&str> {
        self.configs.keys().chain(self.secrets.keys()).map(String::as_str).collect()
    }
}
