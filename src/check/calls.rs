//! The built-in functions: `file`, the env sources (`config`, `secret`, `field`,
//! `resource`) and `rolling`. Each checks its own arguments. The volume sources
//! are in `volumes.rs`.

use super::Checker;
use super::eval::What;
use crate::ast::{Arg, Expr, ExprKind, Ident};
use crate::diag::{Code, Diagnostic, closest, did_you_mean};
use crate::ir::{EnvValue, IntOrPercent, UpdateStrategy};
use crate::source::Span;

pub(super) const DOWNWARD_FIELDS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];
pub(super) const DOWNWARD_RESOURCES: &[&str] = &[
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
];

/// The declared objects a call may name.
#[derive(Clone, Copy)]
enum Declared {
    Config,
    Secret,
}

impl Declared {
    fn word(self) -> &'static str {
        match self {
            Declared::Config => "config",
            Declared::Secret => "secret",
        }
    }
}

/// Arguments of one call, checked against its signature.
pub(super) struct Args<'a> {
    call: &'a Ident,
    pub(super) positional: Vec<&'a Expr>,
    named: Vec<(&'a Ident, &'a Expr, bool)>,
}

impl<'a> Checker<'a> {
    pub(super) fn args(
        &mut self,
        call: &'a Ident,
        args: &'a [Arg],
        span: Span,
        positional: (usize, usize),
        signature: &str,
    ) -> Option<Args<'a>> {
        let pos: Vec<&Expr> = args.iter().filter(|a| a.name.is_none()).map(|a| &a.value).collect();
        if pos.len() < positional.0 || pos.len() > positional.1 {
            self.report(
                Diagnostic::error(
                    Code::BadArguments,
                    span,
                    format!("`{}` takes {}, given {}", call.node, count(positional), pos.len()),
                )
                .label("wrong number of arguments")
                .help(format!("write `{signature}`")),
            );
            return None;
        }
        let named = args.iter().filter_map(|a| a.name.as_ref().map(|n| (n, &a.value, false))).collect();
        Some(Args { call, positional: pos, named })
    }

    pub(super) fn named_arg(&mut self, a: &mut Args<'a>, name: &str) -> Option<&'a Expr> {
        a.named.iter_mut().find(|(n, _, taken)| !*taken && n.node == name).map(|(_, e, taken)| {
            *taken = true;
            *e
        })
    }

    /// Reports named arguments nobody asked for.
    pub(super) fn finish_args(&mut self, a: Args<'a>, known: &[&str], signature: &str) {
        for (n, _, taken) in &a.named {
            if *taken {
                continue;
            }
            self.report(
                Diagnostic::error(
                    Code::BadArguments,
                    n.span,
                    format!("`{}` has no argument `{}`", a.call.node, n.node),
                )
                .label("unknown argument")
                .did_you_mean(n.span, &n.node, known.iter().copied(), || format!("write `{signature}`")),
            );
        }
    }

    /// `file("path")`: the text of a file next to the program.
    pub fn file_call(&mut self, call: &'a Expr, args: &'a [Arg]) -> Option<String> {
        let ExprKind::Call { name, .. } = &call.kind else {
            return None;
        };
        let a = self.args(name, args, call.span, (1, 1), "file(\"path/relative/to/program\")")?;
        let path_expr = a.positional[0];
        self.finish_args(a, &[], "file(\"path\")");
        let path = self.string(path_expr, "`file`")?;
        let program = &self.sources.get(self.file).name;
        match self.loader.load(program, &path) {
            Ok(text) => Some(text),
            Err(reason) => {
                self.report(
                    Diagnostic::error(Code::FileUnreadable, path_expr.span, format!("cannot read `{path}`: {reason}"))
                        .label("this file")
                        .help("paths are relative to the directory of the program that names them"),
                );
                None
            }
        }
    }

    /// An env var's value: a literal, or a reference.
    pub fn env_value<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>) -> Option<EnvValue> {
        let what = what.into();
        let ExprKind::Call { name, args } = &expr.kind else {
            return self.text(expr, what).map(EnvValue::Literal);
        };
        match name.node.as_str() {
            "config" => {
                let a = self.args(name, args, expr.span, (2, 2), "config(name, \"key\")")?;
                let (config, key) = (a.positional[0], a.positional[1]);
                self.finish_args(a, &[], "config(name, \"key\")");
                let config = self.config_ref(config)?;
                let key_text = self.string(key, "the config key")?;
                if let Some(known) = &self.configs[&config].keys
                    && !known.contains(&key_text)
                {
                    let help = did_you_mean(&key_text, known.iter().map(String::as_str), || {
                        format!(
                            "`{config}` has the keys: {}",
                            known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                        )
                    });
                    let d = Diagnostic::error(
                        Code::ConfigKeyMissing,
                        key.span,
                        format!("config `{config}` has no key `{key_text}`"),
                    )
                    .label("no such key")
                    .help(help);
                    self.report(with_string_fix(d, key, closest(&key_text, known.iter().map(String::as_str))));
                    return None;
                }
                Some(EnvValue::ConfigKey { config, key: key_text })
            }
            "secret" => {
                let a = self.args(name, args, expr.span, (2, 2), "secret(name, \"key\")")?;
                let (secret, key) = (a.positional[0], a.positional[1]);
                self.finish_args(a, &[], "secret(name, \"key\")");
                let secret = self.secret_ref(secret)?;
                let key_text = self.string(key, "the secret key")?;
                let info = &self.secrets[&secret];
                if let Some(keys) = &info.keys
                    && !keys.contains(&key_text)
                {
                    let declared = info.span;
                    let help = match closest(&key_text, keys.iter().map(String::as_str)) {
                        Some(best) => format!("did you mean `{best}`? (or add the key to the secret's `keys`)"),
                        None => "add the key to the secret's `keys`, if the Secret has it".to_string(),
                    };
                    let d = Diagnostic::error(
                        Code::UndeclaredSecretKey,
                        key.span,
                        format!("secret `{secret}` declares no key `{key_text}`"),
                    )
                    .label("not among its `keys`")
                    .secondary(declared, "declared here")
                    .help(help);
                    self.report(with_string_fix(d, key, closest(&key_text, keys.iter().map(String::as_str))));
                    return None;
                }
                Some(EnvValue::SecretKey { secret, key: key_text })
            }
            "field" => {
                let a = self.args(name, args, expr.span, (1, 1), "field(\"metadata.name\")")?;
                let path_expr = a.positional[0];
                self.finish_args(a, &[], "field(\"path\")");
                let path = self.string(path_expr, "`field`")?;
                let ok = DOWNWARD_FIELDS.contains(&path.as_str())
                    || ["metadata.labels['", "metadata.annotations['"]
                        .iter()
                        .any(|p| path.starts_with(p) && path.ends_with("']"));
                if !ok {
                    self.unknown_path(path_expr.span, &path, "a pod field", DOWNWARD_FIELDS);
                    return None;
                }
                Some(EnvValue::Field(path))
            }
            "resource" => {
                let a = self.args(name, args, expr.span, (1, 1), "resource(\"limits.memory\")")?;
                let path_expr = a.positional[0];
                self.finish_args(a, &[], "resource(\"limits.memory\")");
                let path = self.string(path_expr, "`resource`")?;
                if !DOWNWARD_RESOURCES.contains(&path.as_str()) {
                    self.unknown_path(path_expr.span, &path, "a container resource", DOWNWARD_RESOURCES);
                    return None;
                }
                Some(EnvValue::Resource(path))
            }
            other => {
                self.unknown_function(name, other, &["config", "secret", "field", "resource"], what);
                None
            }
        }
    }

    pub(super) fn unknown_path(&mut self, span: Span, path: &str, what: &str, known: &[&str]) {
        let help = did_you_mean(path, known.iter().copied(), || format!("one of: {}", known.join(", ")));
        self.report(
            Diagnostic::error(Code::UnknownVariant, span, format!("`{path}` is not {what} Kubernetes exposes"))
                .label("unknown path")
                .help(help),
        );
    }

    pub(super) fn unknown_function<'w>(&mut self, name: &Ident, word: &str, known: &[&str], what: impl Into<What<'w>>) {
        let what = what.into();
        let help = match closest(word, known.iter().copied()) {
            Some(best) => format!("did you mean `{best}(…)`?"),
            None => {
                format!("{what} can use: {}", known.iter().map(|k| format!("`{k}(…)`")).collect::<Vec<_>>().join(", "))
            }
        };
        self.report(
            Diagnostic::error(Code::UnknownFunction, name.span, format!("`{word}` is not a function {what} can use"))
                .label("unknown function")
                .help(help),
        );
    }

    /// A config named by a bare word (or string); it must be declared.
    pub(super) fn config_ref(&mut self, expr: &'a Expr) -> Option<String> {
        self.declared_ref(expr, Declared::Config)
    }

    /// A secret named by a bare word (or string); it must be declared.
    pub(super) fn secret_ref(&mut self, expr: &'a Expr) -> Option<String> {
        self.declared_ref(expr, Declared::Secret)
    }

    /// The name of a declared config or secret, or "no config named …" with the closest one.
    fn declared_ref(&mut self, expr: &'a Expr, kind: Declared) -> Option<String> {
        let name = self.object_ref(expr)?;
        let known = match kind {
            Declared::Config => self.configs.contains_key(&name),
            Declared::Secret => self.secrets.contains_key(&name),
        };
        if known {
            return Some(name);
        }
        let help = match kind {
            Declared::Config => self.word_suggestion(&name, self.configs.keys().map(String::as_str)),
            Declared::Secret => self.word_suggestion(&name, self.secrets.keys().map(String::as_str)),
        };
        let help = match kind {
            _ if !help.is_empty() => help,
            Declared::Config => format!("declare it: `config {name} {{ data = {{ … }} }}`"),
            Declared::Secret => format!("declare the Secret the cluster has: `secret {name}`"),
        };
        let word = kind.word();
        self.report(
            Diagnostic::error(Code::UnknownName, expr.span, format!("no {word} named `{name}`"))
                .label("not declared")
                .help(help),
        );
        None
    }

    fn object_ref(&mut self, expr: &'a Expr) -> Option<String> {
        match &expr.kind {
            ExprKind::Word(w) => Some(w.clone()),
            _ => self.string(expr, "an object name"),
        }
    }

    /// A DaemonSet's `update`: `on-delete`, `rolling` or `rolling(max-unavailable = 1, max-surge = 0)`.
    pub fn update_strategy(&mut self, expr: &'a Expr) -> Option<UpdateStrategy> {
        const SIG: &str = "rolling(max-unavailable = 1, max-surge = 0)";
        match &expr.kind {
            ExprKind::Word(w) if w == "on-delete" => Some(UpdateStrategy::OnDelete),
            ExprKind::Word(w) if w == "rolling" => {
                Some(UpdateStrategy::Rolling { max_unavailable: None, max_surge: None })
            }
            ExprKind::Call { name, args } if name.node == "rolling" => {
                let mut a = self.args(name, args, expr.span, (0, 0), SIG)?;
                let mu = self.named_arg(&mut a, "max-unavailable");
                let ms = self.named_arg(&mut a, "max-surge");
                self.finish_args(a, &["max-unavailable", "max-surge"], SIG);
                let max_unavailable = match mu {
                    Some(e) => Some(self.int_or_percent(e, "`max-unavailable`")?),
                    None => None,
                };
                let max_surge = match ms {
                    Some(e) => Some(self.int_or_percent(e, "`max-surge`")?),
                    None => None,
                };
                Some(UpdateStrategy::Rolling { max_unavailable, max_surge })
            }
            ExprKind::Call { name, .. } => {
                self.unknown_function(name, &name.node.clone(), &["rolling"], "`update`");
                None
            }
            _ => {
                self.choice(expr, "`update`", &[("rolling", "RollingUpdate"), ("on-delete", "OnDelete")])?;
                None
            }
        }
    }

    fn int_or_percent<'w>(&mut self, expr: &'a Expr, what: impl Into<What<'w>>) -> Option<IntOrPercent> {
        let what = what.into();
        if let ExprKind::Str(s) = &expr.kind
            && let Some(text) = s.as_plain()
        {
            let ok = text.strip_suffix('%').and_then(|n| n.parse::<u8>().ok()).is_some_and(|n| n <= 100);
            if !ok {
                self.report(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        expr.span,
                        format!("{what} takes a count or a percentage, found \"{text}\""),
                    )
                    .label("not a percentage")
                    .help("write a whole number such as `1`, or a percentage such as \"25%\""),
                );
                return None;
            }
            return Some(IntOrPercent::Percent(text));
        }
        self.int(expr, what, 0, i64::from(i32::MAX)).map(|n| IntOrPercent::Int(n as i32))
    }
}

fn count((min, max): (usize, usize)) -> String {
    match (min, max) {
        (0, 0) => "only named arguments".to_string(),
        (1, 1) => "one argument".to_string(),
        (a, b) if a == b => format!("{a} arguments"),
        (a, b) => format!("{a} to {b} arguments"),
    }
}

/// The fix that writes `best` as the string literal `expr` is (none for a name or an
/// interpolated string: what to change there is not this text).
fn with_string_fix(d: Diagnostic, expr: &crate::ast::Expr, best: Option<&str>) -> Diagnostic {
    match (best, &expr.kind) {
        (Some(best), crate::ast::ExprKind::Str(s)) if s.as_plain().is_some() => {
            d.fix(expr.span, format!("\"{best}\""), format!("write \"{best}\""))
        }
        _ => d,
    }
}
