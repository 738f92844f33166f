//! The volume sources that put files in the container: config and secret volumes
//! with `items`, modes and `optional`; downward-API, projected and ephemeral
//! volumes. Kubernetes' validation of each is pre-empted here: file paths
//! relative, without `..`, unique in the volume; modes 0–0777; the keys items
//! name exist when the program knows them; only the pod fields a volume may show;
//! token lifetimes of at least ten minutes; claims with a size and access modes.

use super::super::Checker;
use super::super::calls::Args;
use super::super::eval::{Choices, What};
use crate::ast::{Arg, Expr, ExprKind, Ident, Key};
use crate::diag::{Code, Diagnostic, closest, did_you_mean};
use crate::ir::{Claim, DownwardItem, DownwardRef, KeyPath, Keyed, Projection, VolumeSource};
use crate::schema::Gate;
use crate::source::Span;

/// The pod fields a downward-API volume can show (Kubernetes' list for volumes
/// is shorter than for env vars: a node or an IP can change, a file cannot say so).
const VOLUME_FIELDS: &[&str] =
    &["metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels", "metadata.annotations"];
const ACCESS_MODES: Choices = &[
    ("read-write-once", "ReadWriteOnce"),
    ("read-only-many", "ReadOnlyMany"),
    ("read-write-many", "ReadWriteMany"),
    ("read-write-once-pod", "ReadWriteOncePod"),
];
const READ_WRITE_ONCE_POD: Gate = Gate { alpha: 22, beta: 27, ga: 29 };
const VOLUME_MODES: Choices = &[("filesystem", "Filesystem"), ("block", "Block")];
/// Kubernetes' bounds of a service account token's `expirationSeconds`.
const TOKEN_MIN_SECONDS: u64 = 600;
const TOKEN_MAX_SECONDS: u64 = 1 << 32;

/// Paths already used in one volume (a projected volume's sources share it).
type Paths = Vec<(String, Span)>;

impl<'a> Checker<'a> {
    /// `config(name, …)` or `secret(name, …)` as a volume, or as a projected volume's source
    /// (which has no `default-mode` of its own).
    pub(super) fn keyed(
        &mut self,
        name: &'a Ident,
        args: &'a [Arg],
        span: Span,
        secret: bool,
        projected: bool,
    ) -> Option<Keyed> {
        self.keyed_in(name, args, span, secret, projected, &mut Vec::new())
    }

    fn keyed_in(
        &mut self,
        name: &'a Ident,
        args: &'a [Arg],
        span: Span,
        secret: bool,
        projected: bool,
        paths: &mut Paths,
    ) -> Option<Keyed> {
        let sig = match (secret, projected) {
            (false, false) => "config(name, items = { \"key\": \"path\" }, default-mode = 0o644, optional = true)",
            (true, false) => "secret(name, items = { \"key\": \"path\" }, default-mode = 0o400, optional = true)",
            (false, true) => "config(name, items = { \"key\": \"path\" }, optional = true)",
            (true, true) => "secret(name, items = { \"key\": \"path\" }, optional = true)",
        };
        let mut a = self.args(name, args, span, (1, 1), sig)?;
        let target = a.positional[0];
        let items = self.named_arg(&mut a, "items");
        let mode = if projected { None } else { self.named_arg(&mut a, "default-mode") };
        let optional = self.named_arg(&mut a, "optional");
        let known: &[&str] = if projected { &["items", "optional"] } else { &["items", "default-mode", "optional"] };
        self.finish_args(a, known, sig);
        let object = if secret { self.secret_ref(target)? } else { self.config_ref(target)? };
        let mut out = Keyed::named(&object);
        let mut ok = true;
        if let Some(m) = mode {
            out.default_mode = self.file_mode(m, "`default-mode`");
            ok &= out.default_mode.is_some();
        }
        if let Some(o) = optional {
            out.optional = self.bool(o, "`optional`");
            ok &= out.optional.is_some();
        }
        match items {
            Some(items) => match self.key_items(items, &object, secret, paths) {
                Some(list) => out.items = list,
                None => ok = false,
            },
            // Without items every key is a file: in a projected volume, the keys the program
            // knows take their paths beside the other sources' files.
            None if projected => {
                for key in self.known_keys(&object, secret).unwrap_or_default() {
                    ok &= self.file_path(&key, target.span, paths);
                }
            }
            None => {}
        }
        ok.then_some(out)
    }

    /// The keys of a config (its data) or a secret (its `keys`), when the program knows them.
    fn known_keys(&self, object: &str, secret: bool) -> Option<Vec<String>> {
        if secret {
            self.secrets.get(object)?.keys.clone()
        } else {
            Some(self.configs.get(object)?.keys.as_ref()?.iter().cloned().collect())
        }
    }

    /// `items = { "key": "path", "key": { path = "…", mode = 0o400 } }`
    fn key_items(&mut self, expr: &'a Expr, object: &str, secret: bool, paths: &mut Paths) -> Option<Vec<KeyPath>> {
        let entries = self.map_entries(super::super::fields::Value::Expr(expr), "`items`")?;
        let known = self.known_keys(object, secret);
        let mut out = Vec::new();
        let mut ok = true;
        for (k, v) in entries {
            if let Some(keys) = &known
                && !keys.contains(&k.text)
            {
                self.unknown_item_key(k, object, secret, keys);
                ok = false;
                continue;
            }
            let (e, _) = self.resolve(v)?;
            let (path, mode) = match &e.kind {
                ExprKind::Map(_) => {
                    let Some(fields) = self.item_map(e, "path", "{ path = \"file\", mode = 0o400 }") else {
                        ok = false;
                        continue;
                    };
                    let (path, mode) = fields;
                    (path.and_then(|p| self.string(p, "`path`").map(|s| (s, p.span))), mode)
                }
                _ => (self.string(e, What::Key(&k.text)).map(|s| (s, e.span)), None),
            };
            let Some((path, path_span)) = path else {
                ok = false;
                continue;
            };
            ok &= self.file_path(&path, path_span, paths);
            let mode = match mode {
                Some(m) => match self.file_mode(m, "`mode`") {
                    Some(m) => Some(m),
                    None => {
                        ok = false;
                        continue;
                    }
                },
                None => None,
            };
            out.push(KeyPath { key: k.text.clone(), path, mode });
        }
        ok.then_some(out)
    }

    fn unknown_item_key(&mut self, k: &Key, object: &str, secret: bool, keys: &[String]) {
        let best = closest(&k.text, keys.iter().map(String::as_str));
        let d = if secret {
            let declared = self.secrets[object].span;
            let help = match best {
                Some(best) => format!("did you mean `{best}`? (or add the key to the secret's `keys`)"),
                None => "add the key to the secret's `keys`, if the Secret has it".to_string(),
            };
            Diagnostic::error(
                Code::UndeclaredSecretKey,
                k.span,
                format!("secret `{object}` declares no key `{}`", k.text),
            )
            .label("not among its `keys`")
            .secondary(declared, "declared here")
            .help(help)
        } else {
            let help = did_you_mean(&k.text, keys.iter().map(String::as_str), || {
                format!(
                    "`{object}` has the keys: {}",
                    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                )
            });
            Diagnostic::error(Code::ConfigKeyMissing, k.span, format!("config `{object}` has no key `{}`", k.text))
                .label("no such key")
                .help(help)
        };
        let d = self.text_fix(d, k.span, best);
        self.report(d);
    }

    /// An item written as a map: `{ <first> = …, mode = 0o400 }`; the first is required.
    #[allow(clippy::type_complexity)]
    fn item_map(&mut self, e: &'a Expr, first: &str, example: &str) -> Option<(Option<&'a Expr>, Option<&'a Expr>)> {
        let ExprKind::Map(entries) = &e.kind else { return None };
        let (mut value, mut mode) = (None, None);
        let mut ok = true;
        for me in entries {
            match me.key.text.as_str() {
                k if k == first => value = Some(&me.value),
                "mode" => mode = Some(&me.value),
                other => {
                    let help = did_you_mean(other, [first, "mode"], || format!("write `{example}`"));
                    // Not a key the item has already: that would be written twice.
                    let best = closest(other, [first, "mode"]).filter(|b| entries.iter().all(|e| e.key.text != *b));
                    let d = Diagnostic::error(
                        Code::UnknownKey,
                        me.key.span,
                        format!("`{other}` is not a key of a volume item"),
                    )
                    .label("unknown key")
                    .help(help);
                    let d = self.text_fix(d, me.key.span, best);
                    self.report(d);
                    ok = false;
                }
            }
        }
        if value.is_none() {
            self.report(
                Diagnostic::error(Code::MissingKey, e.span, format!("this item has no `{first}`"))
                    .label(format!("`{first}` missing"))
                    .help(format!("write `{example}`")),
            );
            return None;
        }
        ok.then_some((value, mode))
    }

    /// A file's path inside a volume: relative, without `..`, not yet used.
    fn file_path(&mut self, path: &str, span: Span, paths: &mut Paths) -> bool {
        let problem = if path.is_empty() {
            Some(("an empty file path", "name the file, e.g. \"app.yaml\" or \"conf/app.yaml\"".to_string()))
        } else if path.starts_with('/') {
            Some(("an absolute path", format!("paths are relative to the mount: \"{}\"", path.trim_start_matches('/'))))
        } else if path.split('/').any(|seg| seg == "..") {
            Some(("a path with `..`", "a volume's files stay inside it: remove the `..`".to_string()))
        } else if path.starts_with("..") {
            Some((
                "a path starting with `..`",
                "the kubelet keeps its own files under `..` names: rename it".to_string(),
            ))
        } else {
            None
        };
        if let Some((what, help)) = problem {
            self.report(
                Diagnostic::error(Code::VolumeFilePath, span, format!("`{path}` is {what}: Kubernetes rejects it"))
                    .label("not a relative path inside the volume")
                    .help(help),
            );
            return false;
        }
        let clash = paths.iter().find(|(p, _)| {
            p == path
                || path.strip_prefix(p.as_str()).is_some_and(|rest| rest.starts_with('/'))
                || p.strip_prefix(path).is_some_and(|rest| rest.starts_with('/'))
        });
        if let Some((first, first_span)) = clash {
            let message = if first == path {
                format!("two files at `{path}` in one volume")
            } else {
                format!("`{path}` and `{first}` cannot both be files: one is inside the other")
            };
            self.report(
                Diagnostic::error(Code::VolumeFilePath, span, message)
                    .label("second one")
                    .secondary(*first_span, "first one")
                    .help("every file of a volume needs its own path: change one"),
            );
            return false;
        }
        paths.push((path.to_string(), span));
        true
    }

    /// A file mode: an octal literal `0o644`, or octal digits in a string ("0644").
    pub(super) fn file_mode<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>) -> Option<i32> {
        let what = what.into();
        let (e, _) = self.resolve(expr)?;
        let plain = match &e.kind {
            ExprKind::Str(s) => s.as_plain(),
            _ => None,
        };
        let (text, digits) = match (&e.kind, plain) {
            (ExprKind::Number(t), _) if t == "0" => (t.clone(), "0".to_string()),
            (ExprKind::Number(t), _) => match t.strip_prefix("0o") {
                Some(digits) => (t.clone(), digits.to_string()),
                None => {
                    let digits = t.trim_start_matches('0');
                    let digits = if digits.is_empty() { "0" } else { digits };
                    self.report(
                        Diagnostic::error(Code::FileMode, e.span, format!("{what} is a file mode, written in octal"))
                            .label(format!("`{t}` is a decimal number"))
                            .help(format!(
                                "write `0o{digits}` (or the string \"0{digits}\"): modes are octal, as in `chmod`"
                            )),
                    );
                    return None;
                }
            },
            (ExprKind::Str(_), Some(t)) => {
                let digits = t.strip_prefix("0o").unwrap_or(&t).to_string();
                (format!("\"{t}\""), digits)
            }
            _ => {
                self.report(
                    Diagnostic::error(Code::FileMode, e.span, format!("{what} is a file mode, written in octal"))
                        .label("not a file mode")
                        .help("write an octal mode such as `0o644` (or the string \"0644\")"),
                );
                return None;
            }
        };
        let parsed = (!digits.is_empty() && digits.chars().all(|c| ('0'..='7').contains(&c)))
            .then(|| i64::from_str_radix(&digits, 8).ok())
            .flatten();
        match parsed {
            Some(n) if n <= 0o777 => Some(n as i32),
            Some(_) => {
                self.report(
                    Diagnostic::error(Code::FileMode, e.span, format!("{what} `{text}` is above 0o777"))
                        .label("too large")
                        .help("a file mode is the permission bits, 0o000 to 0o777 (e.g. `0o644`, `0o400`)"),
                );
                None
            }
            None => {
                self.report(
                    Diagnostic::error(Code::FileMode, e.span, format!("{what} `{text}` is not an octal file mode"))
                        .label("not octal")
                        .help("octal digits are 0–7: write a mode such as `0o644` (or the string \"0644\")"),
                );
                None
            }
        }
    }

    /// `downward-api(items = { "labels": field("metadata.labels") }, default-mode = 0o444)`
    pub(super) fn downward_volume(&mut self, name: &'a Ident, args: &'a [Arg], span: Span) -> Option<VolumeSource> {
        const SIG: &str = "downward-api(items = { \"labels\": field(\"metadata.labels\") }, default-mode = 0o444)";
        let mut a = self.args(name, args, span, (0, 0), SIG)?;
        let items = self.named_arg(&mut a, "items");
        let mode = self.named_arg(&mut a, "default-mode");
        self.finish_args(a, &["items", "default-mode"], SIG);
        let items = self.required(items, "downward-api", "items", span, SIG)?;
        let items = self.downward_items(items, &mut Vec::new());
        let default_mode = match mode {
            Some(m) => Some(self.file_mode(m, "`default-mode`")?),
            None => None,
        };
        Some(VolumeSource::DownwardApi { items: items?, default_mode })
    }

    fn required(&mut self, arg: Option<&'a Expr>, call: &str, name: &str, span: Span, sig: &str) -> Option<&'a Expr> {
        if arg.is_none() {
            self.report(
                Diagnostic::error(Code::BadArguments, span, format!("`{call}` needs `{name}`"))
                    .label(format!("`{name}` missing"))
                    .help(format!("write `{sig}`")),
            );
        }
        arg
    }

    /// `{ "path": field("…") | resource("…", container = "…"), "path": { from = …, mode = 0o400 } }`
    fn downward_items(&mut self, expr: &'a Expr, paths: &mut Paths) -> Option<Vec<DownwardItem>> {
        let entries = self.map_entries(super::super::fields::Value::Expr(expr), "`items`")?;
        let mut out = Vec::new();
        let mut ok = true;
        for (k, v) in entries {
            ok &= self.file_path(&k.text, k.span, paths);
            let Some((e, _)) = self.resolve(v) else {
                ok = false;
                continue;
            };
            let (from, mode) = match &e.kind {
                ExprKind::Map(_) => {
                    match self.item_map(e, "from", "{ from = field(\"metadata.labels\"), mode = 0o444 }") {
                        Some((from, mode)) => (from, mode),
                        None => {
                            ok = false;
                            continue;
                        }
                    }
                }
                _ => (Some(e), None),
            };
            let from = from.and_then(|f| self.downward_ref(f));
            let mode = match mode {
                Some(m) => self.file_mode(m, "`mode`").map(Some),
                None => Some(None),
            };
            match (from, mode) {
                (Some(from), Some(mode)) => out.push(DownwardItem { path: k.text.clone(), from, mode }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// `field("metadata.labels")` or `resource("limits.memory", container = "main", divisor = 1Mi)`.
    fn downward_ref(&mut self, expr: &'a Expr) -> Option<DownwardRef> {
        let (e, _) = self.resolve(expr)?;
        let ExprKind::Call { name, args } = &e.kind else {
            self.report(
                Diagnostic::error(Code::TypeMismatch, e.span, "a downward-API file shows `field(…)` or `resource(…)`")
                    .label("not a pod field or resource")
                    .help("write `field(\"metadata.labels\")` or `resource(\"limits.cpu\", container = \"main\")`"),
            );
            return None;
        };
        match name.node.as_str() {
            "field" => {
                let a = self.args(name, args, e.span, (1, 1), "field(\"metadata.labels\")")?;
                let path_expr = a.positional[0];
                self.finish_args(a, &[], "field(\"metadata.labels\")");
                let path = self.string(path_expr, "`field`")?;
                let subscripted = ["metadata.labels['", "metadata.annotations['"]
                    .iter()
                    .any(|p| path.starts_with(p) && path.ends_with("']"));
                if VOLUME_FIELDS.contains(&path.as_str()) || subscripted {
                    return Some(DownwardRef::Field(path));
                }
                if super::super::calls::DOWNWARD_FIELDS.contains(&path.as_str()) {
                    self.report(
                        Diagnostic::error(
                            Code::DownwardApiVolume,
                            path_expr.span,
                            format!("`{path}` can be an env var, not a file of a downward-API volume"),
                        )
                        .label("not allowed in a volume")
                        .help(format!(
                            "a volume shows {}; read `{path}` in `env` with `field(\"{path}\")`",
                            VOLUME_FIELDS.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                        )),
                    );
                } else {
                    self.unknown_path(path_expr.span, &path, "a pod field", VOLUME_FIELDS);
                }
                None
            }
            "resource" => {
                const SIG: &str = "resource(\"limits.memory\", container = \"main\", divisor = 1Mi)";
                let mut a = self.args(name, args, e.span, (1, 1), SIG)?;
                let path_expr = a.positional[0];
                let container = self.named_arg(&mut a, "container");
                let divisor = self.named_arg(&mut a, "divisor");
                self.finish_args(a, &["container", "divisor"], SIG);
                let resource = self.string(path_expr, "`resource`")?;
                let resources = super::super::calls::DOWNWARD_RESOURCES;
                if !resources.contains(&resource.as_str()) {
                    self.unknown_path(path_expr.span, &resource, "a container resource", resources);
                    return None;
                }
                let Some(container) = container else {
                    self.report(
                        Diagnostic::error(
                            Code::DownwardApiVolume,
                            e.span,
                            "a downward-API file of a resource names its container",
                        )
                        .label("which container's resources?")
                        .help(format!("write `resource(\"{resource}\", container = \"main\")`: a volume belongs to the pod, not to one container")),
                    );
                    return None;
                };
                let container_name = self.string(container, "`container`")?;
                let divisor = match divisor {
                    Some(d) => Some(self.divisor(d, &resource)?),
                    None => None,
                };
                Some(DownwardRef::Resource { resource, container: container_name, divisor, span: container.span })
            }
            other => {
                self.unknown_function(name, other, &["field", "resource"], "a downward-API file");
                None
            }
        }
    }

    /// The divisors Kubernetes accepts: `1m` or `1` for CPU; `1` and the powers of 1000 or 1024 for bytes.
    fn divisor(&mut self, expr: &'a Expr, resource: &str) -> Option<crate::units::Quantity> {
        const CPU: &[&str] = &["1m", "1"];
        const BYTES: &[&str] = &["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"];
        let q = self.quantity(expr, "`divisor`")?;
        let allowed = if resource.ends_with("cpu") { CPU } else { BYTES };
        if allowed.contains(&q.to_string().as_str()) {
            return Some(q);
        }
        self.report(
            Diagnostic::error(
                Code::DownwardApiVolume,
                expr.span,
                format!("`{q}` is not a divisor Kubernetes accepts for `{resource}`"),
            )
            .label("not a divisor")
            .help(format!("one of: {}", allowed.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", "))),
        );
        None
    }

    /// `projected(sources = [config(app), secret(db), downward-api(items = …), token(path = "token")], default-mode = 0o440)`
    pub(super) fn projected(&mut self, name: &'a Ident, args: &'a [Arg], span: Span) -> Option<VolumeSource> {
        const SIG: &str =
            "projected(sources = [secret(db), token(path = \"token\", audience = \"vault\")], default-mode = 0o440)";
        let mut a = self.args(name, args, span, (0, 0), SIG)?;
        let sources = self.named_arg(&mut a, "sources");
        let mode = self.named_arg(&mut a, "default-mode");
        self.finish_args(a, &["sources", "default-mode"], SIG);
        let sources = self.required(sources, "projected", "sources", span, SIG)?;
        let items = self.list(sources, "`sources`")?;
        if items.is_empty() {
            self.report(
                Diagnostic::error(Code::BadArguments, sources.span, "a projected volume needs at least one source")
                    .label("no sources")
                    .help(format!("write `{SIG}`")),
            );
            return None;
        }
        let mut paths = Vec::new();
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            match self.projection(item, &mut paths) {
                Some(p) => out.push(p),
                None => ok = false,
            }
        }
        let default_mode = match mode {
            Some(m) => Some(self.file_mode(m, "`default-mode`")?),
            None => None,
        };
        ok.then_some(VolumeSource::Projected { sources: out, default_mode })
    }

    fn projection(&mut self, item: &'a Expr, paths: &mut Paths) -> Option<Projection> {
        const KNOWN: &[&str] = &["config", "secret", "downward-api", "token"];
        let (e, _) = self.resolve(item)?;
        let ExprKind::Call { name, args } = &e.kind else {
            self.report(
                Diagnostic::error(Code::TypeMismatch, e.span, "a projected volume's source is a function")
                    .label("not a source")
                    .help(
                        "write `config(name)`, `secret(name)`, `downward-api(items = …)` or `token(path = \"token\")`",
                    ),
            );
            return None;
        };
        match name.node.as_str() {
            "config" => self.keyed_in(name, args, e.span, false, true, paths).map(Projection::Config),
            "secret" => self.keyed_in(name, args, e.span, true, true, paths).map(Projection::Secret),
            "downward-api" => {
                const SIG: &str = "downward-api(items = { \"labels\": field(\"metadata.labels\") })";
                let mut a = self.args(name, args, e.span, (0, 0), SIG)?;
                let items = self.named_arg(&mut a, "items");
                self.finish_args(a, &["items"], SIG);
                let items = self.required(items, "downward-api", "items", e.span, SIG)?;
                self.downward_items(items, paths).map(Projection::DownwardApi)
            }
            "token" => self.token(name, args, e.span, paths),
            other => {
                self.unknown_function(name, other, KNOWN, "a projected volume");
                None
            }
        }
    }

    /// `token(path = "token", audience = "vault", expiration = 1h)`: a service account token.
    fn token(&mut self, name: &'a Ident, args: &'a [Arg], span: Span, paths: &mut Paths) -> Option<Projection> {
        const SIG: &str = "token(path = \"token\", audience = \"vault\", expiration = 1h)";
        let mut a: Args<'a> = self.args(name, args, span, (0, 0), SIG)?;
        let path = self.named_arg(&mut a, "path");
        let audience = self.named_arg(&mut a, "audience");
        let expiration = self.named_arg(&mut a, "expiration");
        self.finish_args(a, &["path", "audience", "expiration"], SIG);
        let path_expr = self.required(path, "token", "path", span, SIG)?;
        let path = self.string(path_expr, "`path`")?;
        let mut ok = self.file_path(&path, path_expr.span, paths);
        let audience = match audience {
            Some(e) => self.string(e, "`audience`"),
            None => None,
        };
        let expiration_seconds = match expiration {
            Some(e) => {
                let d = self.duration(e, "`expiration`")?;
                let s = d.seconds();
                if !(TOKEN_MIN_SECONDS..=TOKEN_MAX_SECONDS).contains(&s) {
                    let (message, label) = if s < TOKEN_MIN_SECONDS {
                        (format!("a token that expires after {d} is too short-lived for Kubernetes"), "less than 10m")
                    } else {
                        (
                            format!("a token that expires after {d} is beyond what Kubernetes allows"),
                            "more than 2^32 seconds",
                        )
                    };
                    self.report(
                        Diagnostic::error(Code::TokenExpiration, e.span, message)
                            .label(label)
                            .help("a service account token lives at least 10 minutes (`expiration = 10m`); the kubelet renews it at 80 % of its life"),
                    );
                    ok = false;
                }
                Some(s as i64)
            }
            None => None,
        };
        ok.then_some(Projection::Token { path, audience, expiration_seconds })
    }

    /// `ephemeral(size = 10Gi, class = "fast-ssd", access = read-write-once, mode = filesystem)`
    pub(super) fn ephemeral(&mut self, name: &'a Ident, args: &'a [Arg], span: Span) -> Option<Claim> {
        const SIG: &str = "ephemeral(size = 10Gi, class = \"fast-ssd\", access = read-write-once, mode = filesystem)";
        let mut a = self.args(name, args, span, (0, 0), SIG)?;
        let size = self.named_arg(&mut a, "size");
        let class = self.named_arg(&mut a, "class");
        let access = self.named_arg(&mut a, "access");
        let mode = self.named_arg(&mut a, "mode");
        self.finish_args(a, &["size", "class", "access", "mode"], SIG);
        let Some(size_expr) = size else {
            self.report(
                Diagnostic::error(Code::EphemeralClaim, span, "an ephemeral volume needs a `size`")
                    .label("how much storage?")
                    .help(format!("the claim requests storage: write `{SIG}`")),
            );
            return None;
        };
        let size = self.quantity(size_expr, "`size`")?;
        if size.nanos() <= 0 {
            self.report(
                Diagnostic::error(
                    Code::EphemeralClaim,
                    size_expr.span,
                    format!("an ephemeral volume of `{size}` holds nothing"),
                )
                .label("not more than zero")
                .help("a claim requests storage greater than zero, e.g. `size = 10Gi`"),
            );
            return None;
        }
        let class = match class {
            Some(c) => Some(self.string(c, "`class`")?),
            None => None,
        };
        let access = match access {
            Some(e) => self.access_modes(e)?,
            None => vec!["ReadWriteOnce"],
        };
        let mode = match mode {
            Some(m) => Some(self.choice(m, "`mode`", VOLUME_MODES)?),
            None => None,
        };
        Some(Claim { size, class, access, mode })
    }

    /// `read-write-once`, or a list of access modes.
    fn access_modes(&mut self, expr: &'a Expr) -> Option<Vec<&'static str>> {
        let (e, _) = self.resolve(expr)?;
        let words: Vec<&'a Expr> = match &e.kind {
            ExprKind::List(items) => items.iter().collect(),
            _ => vec![e],
        };
        if words.is_empty() {
            self.report(
                Diagnostic::error(Code::EphemeralClaim, e.span, "an ephemeral volume needs an access mode")
                    .label("empty")
                    .help("write `access = read-write-once` (the default when `access` is not written)"),
            );
            return None;
        }
        let mut out = Vec::new();
        for w in words {
            let m = self.choice(w, "`access`", ACCESS_MODES)?;
            if m == "ReadWriteOncePod" {
                self.gate_field(
                    w.span,
                    "read-write-once-pod",
                    "PersistentVolumeClaimSpec.accessModes `ReadWriteOncePod`",
                    READ_WRITE_ONCE_POD,
                );
            }
            if !out.contains(&m) {
                out.push(m);
            }
        }
        if out.len() > 1 && out.contains(&"ReadWriteOncePod") {
            self.report(
                Diagnostic::error(
                    Code::EphemeralClaim,
                    e.span,
                    "`read-write-once-pod` cannot be combined with other access modes",
                )
                .label("more than one access mode")
                .help("Kubernetes takes `read-write-once-pod` alone: write `access = read-write-once-pod`"),
            );
            return None;
        }
        Some(out)
    }
}
