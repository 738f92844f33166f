//! `env-from`: every key of a declared config or secret as environment variables.

use super::super::Checker;
use super::super::fields::Fields;
use super::super::read;
use crate::ast::{self, ExprKind};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::ir::{EnvFrom, EnvFromSource, VolumeSource};
use crate::schema;

const ENV_FROM_EXAMPLE: &str = "env-from = [config(app-settings), secret(db, prefix = \"DB_\")]";

pub(super) fn env_from<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> Option<Vec<EnvFrom>> {
    let e = read::expr(ck, f, &schema::ENV_FROM)?;
    let mut out = Vec::new();
    let mut ok = true;
    for item in ck.list(e, "`env-from`")? {
        match env_source(ck, item) {
            Some(s) => out.push(s),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn env_source<'a>(ck: &mut Checker<'a>, item: &'a ast::Expr) -> Option<EnvFrom> {
    let (e, _) = ck.resolve(item)?;
    let ExprKind::Call { name: func, args } = &e.kind else {
        ck.report(
            Diagnostic::error(Code::EnvFrom, e.span, "an `env-from` source is `config(name)` or `secret(name)`")
                .label("not a source")
                .help(format!("write `{ENV_FROM_EXAMPLE}`")),
        );
        return None;
    };
    let is_config = match func.node.as_str() {
        "config" => true,
        "secret" => false,
        other => {
            ck.unknown_function(func, other, &["config", "secret"], "`env-from`");
            return None;
        }
    };
    let what = if is_config { "config" } else { "secret" };
    let signature = format!("{what}(name, prefix = \"APP_\", optional = true)");
    let positional: Vec<&ast::Expr> = args.iter().filter(|a| a.name.is_none()).map(|a| &a.value).collect();
    let [target] = positional.as_slice() else {
        ck.report(
            Diagnostic::error(
                Code::BadArguments,
                e.span,
                format!("`{what}` in `env-from` takes one name, given {}", positional.len()),
            )
            .label("wrong number of arguments")
            .help(format!("write `{signature}`: every key of the {what} becomes a variable")),
        );
        return None;
    };
    let mut ok = true;
    let mut prefix = None;
    let mut optional = None;
    for a in args {
        let Some(n) = &a.name else { continue };
        match n.node.as_str() {
            "prefix" if prefix.is_none() => match ck.string(&a.value, "`prefix`") {
                Some(p) => match prefix_problem(&p, ck.kube.minor) {
                    None => prefix = Some(p),
                    Some(help) => {
                        ck.report(
                            Diagnostic::error(
                                Code::EnvFrom,
                                a.value.span,
                                format!("`{p}` cannot start environment variable names"),
                            )
                            .label("invalid prefix")
                            .help(help),
                        );
                        ok = false;
                    }
                },
                None => ok = false,
            },
            "optional" if optional.is_none() => match ck.bool(&a.value, "`optional`") {
                Some(b) => optional = Some(b),
                None => ok = false,
            },
            word => {
                let help = did_you_mean(word, ["prefix", "optional"], || format!("write `{signature}`"));
                // Not one given already (a repeated argument is not a typo).
                let given = |b: &&str| args.iter().any(|a| a.name.as_ref().is_some_and(|n| n.node == *b));
                let best = crate::diag::closest(word, ["prefix", "optional"]).filter(|b| !given(b));
                let d = Diagnostic::error(
                    Code::BadArguments,
                    n.span,
                    format!("`{what}` in `env-from` has no argument `{word}`"),
                )
                .label("unknown or repeated argument")
                .help(help);
                let d = ck.text_fix(d, n.span, best);
                ck.report(d);
                ok = false;
            }
        }
    }
    let object = match &target.kind {
        ExprKind::Word(w) => w.clone(),
        _ => ck.string(target, "a config or secret name")?,
    };
    // Configs and secrets of a program have distinct names, so the lookup says which it is.
    let source = match (ck.mount_source(&object), is_config) {
        (Some(VolumeSource::Config(n)), true) => EnvFromSource::Config(n.name),
        (Some(VolumeSource::Secret(n)), false) => EnvFromSource::Secret(n.name),
        (Some(_), _) => {
            let (is, other) = if is_config { ("secret", "config") } else { ("config", "secret") };
            ck.report(
                Diagnostic::error(Code::UnknownName, target.span, format!("`{object}` is a {is}, not a {other}"))
                    .label(format!("declared as a {is}"))
                    .help(format!("write `{is}({object})`")),
            );
            return None;
        }
        (None, _) => {
            let names = ck.mountable_names();
            let help = did_you_mean(&object, names.iter().copied(), || {
                if is_config {
                    format!(
                        "declare it: `config {object} {{ data = {{ … }} }}`, or `config {object}` for one the cluster has"
                    )
                } else {
                    format!("declare the Secret the cluster has: `secret {object}`")
                }
            });
            // The fix names one of the right kind (a secret's name in `config(…)` is another error).
            let right_kind =
                |n: &&str| if is_config { ck.configs.contains_key(*n) } else { ck.secrets.contains_key(*n) };
            let best = crate::diag::closest(&object, names.iter().copied()).filter(right_kind);
            let d = Diagnostic::error(Code::UnknownName, target.span, format!("no {what} named `{object}`"))
                .label("not declared")
                .help(help);
            let d = ck.text_fix(d, target.span, best);
            ck.report(d);
            return None;
        }
    };
    ok.then_some(EnvFrom { source, prefix, optional })
}

/// Why `prefix` cannot begin environment variable names, if it cannot: any printable
/// ASCII but `=` where relaxed names are on by default (1.32), a C-like name before.
fn prefix_problem(prefix: &str, minor: u32) -> Option<String> {
    if prefix.is_empty() {
        return Some("remove `prefix`, or give it some text such as \"APP_\"".into());
    }
    if !prefix.chars().all(|c| c.is_ascii_graphic()) || prefix.contains('=') {
        return Some("a prefix is printable ASCII without `=` or spaces, e.g. \"APP_\"".into());
    }
    let strict = |c: char| c.is_ascii_alphanumeric() || "-._".contains(c);
    let starts = prefix.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || "-._".contains(c));
    if minor < 32 && !(starts && prefix.chars().all(strict)) {
        return Some(format!(
            "before Kubernetes 1.32 variable names are letters, digits, `_`, `-` and `.`, not starting with a digit (the target is 1.{minor})"
        ));
    }
    None
}
