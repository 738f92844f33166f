//! The pod-spec keys beyond containers and placement: DNS, node and host names,
//! service links, process namespace, image pull secrets, runtime class,
//! scheduler, preemption, host aliases and topology spread. Each rule that the
//! API server would apply (`ValidatePodSpec` in Kubernetes) is checked here with
//! its own code, so a wrong pod never reaches the cluster.

use super::Checker;
use super::eval::What;
use super::fields::Fields;
use super::names;
use super::read;
use crate::ast;
use crate::diag::{Code, Diagnostic};
use crate::ir::{DnsConfig, HostAlias, PodSpecKeys, TopologySpread};
use crate::schema::{self, Key};
use crate::source::Span;

/// Whether a word is one of this area's pod-level keys: one pass over the
/// workload's keys decides whether the readers below run at all, so that a
/// workload without any of them (the 10,000-Job loop) pays nothing for them.
fn is_pod_spec_key(word: &str) -> bool {
    matches!(
        word,
        "dns-policy"
            | "dns-config"
            | "node-name"
            | "hostname"
            | "subdomain"
            | "enable-service-links"
            | "share-process-namespace"
            | "image-pull-secrets"
            | "runtime-class"
            | "scheduler-name"
            | "preemption-policy"
            | "host-aliases"
            | "topology-spread"
    )
}

/// The keys `is_pod_spec_key` stands for (a test keeps the two equal).
#[cfg(test)]
const POD_KEYS: &[&Key] = &[
    &schema::DNS_POLICY,
    &schema::DNS_CONFIG_BLOCK,
    &schema::NODE_NAME,
    &schema::HOSTNAME,
    &schema::SUBDOMAIN,
    &schema::ENABLE_SERVICE_LINKS,
    &schema::SHARE_PROCESS_NAMESPACE,
    &schema::IMAGE_PULL_SECRETS,
    &schema::RUNTIME_CLASS,
    &schema::SCHEDULER_NAME,
    &schema::PREEMPTION_POLICY,
    &schema::HOST_ALIASES,
    &schema::TOPOLOGY_SPREAD,
];

/// Reads the area's keys of a workload: `Ok(None)` when it writes none of them,
/// `Err(())` when one was wrong (reported).
pub(super) fn pod_spec<'a>(ck: &mut Checker<'a>, f: &mut Fields<'a>) -> Result<Option<Box<PodSpecKeys>>, ()> {
    if !f.any_left(is_pod_spec_key) {
        return Ok(None);
    }
    let mut out = Box::<PodSpecKeys>::default();
    let mut ok = true;
    let policy = read::choice(ck, f, &schema::DNS_POLICY);
    out.dns_policy = policy.map(|(p, _)| p);
    if let Some((_, v)) = read::take(ck, f, &schema::DNS_CONFIG_BLOCK) {
        match dns_config(ck, v) {
            Some(c) => out.dns_config = Some(c),
            None => ok = false,
        }
    }
    if let Some(("None", span)) = policy
        && out.dns_config.as_ref().is_none_or(|c| c.nameservers.is_empty())
        && ok
    {
        ck.report(
            Diagnostic::error(Code::DnsConfig, span, "`dns-policy = none` needs `dns-config` with a nameserver")
                .label("the pods would have no resolver")
                .help("add `dns-config { nameservers = [\"10.0.0.10\"] }`, or use `dns-policy = cluster-first`"),
        );
        ok = false;
    }
    out.node_name =
        name(ck, f, &schema::NODE_NAME, &mut ok, |ck, s, sp| names::check_object_name(ck, s, sp, "node", 253));
    // A group's role has neither: its members' DNS names are the group's (`check/kinds/group.rs`).
    if f.context() & schema::SUBDOMAIN.contexts != 0 {
        out.hostname =
            name(ck, f, &schema::HOSTNAME, &mut ok, |ck, s, sp| names::check_dns_label(ck, s, sp, "a hostname", 63));
        out.subdomain =
            name(ck, f, &schema::SUBDOMAIN, &mut ok, |ck, s, sp| names::check_dns_label(ck, s, sp, "a subdomain", 63));
    }
    out.runtime_class = name(ck, f, &schema::RUNTIME_CLASS, &mut ok, |ck, s, sp| {
        names::check_object_name(ck, s, sp, "RuntimeClass", 253)
    });
    out.scheduler_name = name(ck, f, &schema::SCHEDULER_NAME, &mut ok, |ck, s, sp| {
        names::check_object_name(ck, s, sp, "scheduler", 253)
    });
    out.enable_service_links = read::boolean(ck, f, &schema::ENABLE_SERVICE_LINKS).map(|(b, _)| b);
    out.share_process_namespace = read::boolean(ck, f, &schema::SHARE_PROCESS_NAMESPACE).map(|(b, _)| b);
    out.preemption_policy = read::choice(ck, f, &schema::PREEMPTION_POLICY).map(|(p, _)| p);
    if let Some(e) = read::expr(ck, f, &schema::IMAGE_PULL_SECRETS) {
        match pull_secrets(ck, e) {
            Some(list) => out.image_pull_secrets = list,
            None => ok = false,
        }
    }
    if let Some(e) = read::expr(ck, f, &schema::HOST_ALIASES) {
        for item in ck.list(e, What::Key(schema::HOST_ALIASES.key)).unwrap_or_default() {
            match host_alias(ck, item) {
                Some(a) => out.host_aliases.push(a),
                None => ok = false,
            }
        }
    }
    if let Some(e) = read::expr(ck, f, &schema::TOPOLOGY_SPREAD) {
        match ck.list(e, What::Key(schema::TOPOLOGY_SPREAD.key)) {
            Some(items) => {
                let mut seen: Vec<(String, &'static str, Span)> = Vec::new();
                for item in items {
                    match spread(ck, item, &mut seen) {
                        Some(s) => out.topology_spread.push(s),
                        None => ok = false,
                    }
                }
            }
            None => ok = false,
        }
    }
    if ok { Ok(Some(out)) } else { Err(()) }
}

/// A string key that names something, checked by `rule`.
fn name<'a>(
    ck: &mut Checker<'a>,
    f: &mut Fields<'a>,
    row: &'static Key,
    ok: &mut bool,
    rule: impl FnOnce(&mut Checker<'a>, &str, Span) -> bool,
) -> Option<String> {
    let (s, span) = read::string(ck, f, row)?;
    if rule(ck, &s, span) {
        Some(s)
    } else {
        *ok = false;
        None
    }
}

/// A list of strings with each item's span (the list's own span for a computed list).
fn strings_at<'a>(ck: &mut Checker<'a>, e: &'a ast::Expr, row: &'static Key) -> Option<Vec<(String, Span)>> {
    let values = ck.string_list(e, What::Key(row.key))?;
    let items = match ck.resolve(e) {
        Some((resolved, _)) => match &resolved.kind {
            ast::ExprKind::List(items) if items.len() == values.len() => Some(items),
            _ => None,
        },
        None => None,
    };
    Some(values.into_iter().enumerate().map(|(i, v)| (v, items.map_or(e.span, |items| items[i].span))).collect())
}

fn dns_config<'a>(ck: &mut Checker<'a>, v: super::fields::Value<'a>) -> Option<DnsConfig> {
    let mut f = read::block(
        ck,
        &schema::DNS_CONFIG_BLOCK,
        v,
        "`dns-config`",
        "dns-config { nameservers = [\"10.0.0.10\"], searches = [\"svc.cluster.local\"] }",
    )?;
    let mut ok = true;
    let mut out = DnsConfig::default();
    if let Some(e) = read::expr(ck, &mut f, &schema::NAMESERVERS) {
        let list = strings_at(ck, e, &schema::NAMESERVERS).unwrap_or_default();
        if list.len() > 3 {
            ck.report(
                Diagnostic::error(
                    Code::DnsConfig,
                    e.span,
                    format!("{} nameservers; Kubernetes allows at most 3", list.len()),
                )
                .label("too many nameservers")
                .help("the resolver reads at most 3 `nameserver` lines: keep the 3 you need"),
            );
            ok = false;
        }
        for (ip, span) in list {
            ok &= ip_address(ck, &ip, span, "a nameserver");
            out.nameservers.push(ip);
        }
    }
    if let Some(e) = read::expr(ck, &mut f, &schema::SEARCHES) {
        let list = strings_at(ck, e, &schema::SEARCHES).unwrap_or_default();
        let chars = list.iter().map(|(s, _)| s.len()).sum::<usize>() + list.len().saturating_sub(1);
        if list.len() > 32 || chars > 2048 {
            ck.report(
                Diagnostic::error(
                    Code::DnsConfig,
                    e.span,
                    format!("{} search domains of {chars} characters; Kubernetes allows 32 and 2048", list.len()),
                )
                .label("too many search domains")
                .help("keep at most 32 search domains, 2048 characters in all (separated by spaces)"),
            );
            ok = false;
        }
        for (domain, span) in list {
            // A trailing dot (a fully qualified name) is allowed.
            let bare = domain.strip_suffix('.').unwrap_or(&domain);
            ok &= names::check_object_name(ck, bare, span, "search domain", 253);
            out.searches.push(domain);
        }
    }
    if let Some(e) = read::expr(ck, &mut f, &schema::DNS_OPTIONS) {
        for item in ck.list(e, What::Key(schema::DNS_OPTIONS.key)).unwrap_or_default() {
            let Some((e, mut of)) =
                Fields::record(ck, item, schema::DNS_OPTION, "a DNS option", "{ name: \"ndots\", value: \"2\" }")
            else {
                ok = false;
                continue;
            };
            let name = read::string(ck, &mut of, &schema::DNS_OPTION_NAME);
            let value = read::expr(ck, &mut of, &schema::DNS_OPTION_VALUE).and_then(|v| ck.text(v, "`value`"));
            of.finish(ck);
            match name {
                Some((name, _)) if !name.is_empty() => out.options.push((name, value)),
                Some((_, span)) => {
                    ck.report(
                        Diagnostic::error(Code::DnsConfig, span, "a DNS option's `name` cannot be empty")
                            .label("empty name")
                            .help("name a resolver option: `{ name: \"ndots\", value: \"2\" }`"),
                    );
                    ok = false;
                }
                None => {
                    ck.report(
                        Diagnostic::error(Code::DnsConfig, e.span, "a DNS option needs a `name`")
                            .label("no name")
                            .help("name a resolver option: `{ name: \"ndots\", value: \"2\" }`"),
                    );
                    ok = false;
                }
            }
        }
    }
    f.finish(ck);
    ok.then_some(out)
}

/// IPv4 or IPv6, as Kubernetes parses it (no leading zeros in IPv4 parts, no zone).
fn ip_address(ck: &mut Checker, text: &str, span: Span, what: &str) -> bool {
    if text.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    ck.report(
        Diagnostic::error(Code::InvalidAddress, span, format!("`{text}` is not an IP address"))
            .label(format!("{what} must be an IP address"))
            .help("write an IPv4 (`10.0.0.10`) or IPv6 (`fd00::10`) address; host names are not allowed here"),
    );
    false
}

/// `image-pull-secrets = [regcred, "other"]`: secrets the program declares.
fn pull_secrets<'a>(ck: &mut Checker<'a>, e: &'a ast::Expr) -> Option<Vec<String>> {
    let items = ck.list(e, What::Key(schema::IMAGE_PULL_SECRETS.key))?;
    let mut ok = true;
    let mut out: Vec<String> = Vec::new();
    for item in items {
        let name = match &item.kind {
            ast::ExprKind::Word(w) => Some(w.clone()),
            _ => ck.string(item, "a secret name"),
        };
        let Some(name) = name else {
            ok = false;
            continue;
        };
        if !ck.secrets.contains_key(&name) {
            let help = ck.word_suggestion(&name, ck.secrets.keys().map(String::as_str));
            let help = if help.is_empty() {
                format!(
                    "declare the registry Secret the cluster has: `secret {name}` (created with `kubectl create secret docker-registry`)"
                )
            } else {
                help
            };
            ck.report(
                Diagnostic::error(Code::UnknownName, item.span, format!("no secret named `{name}`"))
                    .label("not declared")
                    .help(help),
            );
            ok = false;
            continue;
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
    ok.then_some(out)
}

fn host_alias<'a>(ck: &mut Checker<'a>, item: &'a ast::Expr) -> Option<HostAlias> {
    let (e, mut f) = Fields::record(
        ck,
        item,
        schema::HOST_ALIAS,
        "a host alias",
        "{ ip: \"10.1.2.3\", hostnames: [\"db.internal\"] }",
    )?;
    let ip = read::string(ck, &mut f, &schema::HOST_ALIAS_IP);
    let hostnames = read::expr(ck, &mut f, &schema::HOST_ALIAS_HOSTNAMES)
        .map(|h| strings_at(ck, h, &schema::HOST_ALIAS_HOSTNAMES).unwrap_or_default());
    f.finish(ck);
    let mut ok = true;
    let ip = match ip {
        Some((ip, span)) => {
            ok &= ip_address(ck, &ip, span, "a host alias's `ip`");
            ip
        }
        None => {
            ck.report(
                Diagnostic::error(Code::MissingKey, e.span, "a host alias needs an `ip`")
                    .label("no ip")
                    .help("write `{ ip: \"10.1.2.3\", hostnames: [\"db.internal\"] }`"),
            );
            return None;
        }
    };
    let mut names_out = Vec::new();
    for (host, span) in hostnames.unwrap_or_default() {
        ok &= names::check_object_name(ck, &host, span, "host alias", 253);
        names_out.push(host);
    }
    ok.then_some(HostAlias { ip, hostnames: names_out })
}

fn spread<'a>(
    ck: &mut Checker<'a>,
    item: &'a ast::Expr,
    seen: &mut Vec<(String, &'static str, Span)>,
) -> Option<TopologySpread> {
    let (e, mut f) = Fields::record(
        ck,
        item,
        schema::SPREAD,
        "a topology spread constraint",
        "{ max-skew: 1, topology-key: \"topology.kubernetes.io/zone\", when-unsatisfiable: do-not-schedule, match-labels: { app: \"web\" } }",
    )?;
    let mut ok = true;
    let max_skew = read::int32(ck, &mut f, &schema::MAX_SKEW);
    let key = read::string(ck, &mut f, &schema::TOPOLOGY_KEY);
    if let Some((k, span)) = &key {
        ok &= names::check_label(ck, k, *span, None, false);
    }
    let when = read::choice(ck, &mut f, &schema::WHEN_UNSATISFIABLE);
    let mut match_labels = crate::ir::StringMap::new();
    if let Some((entries, _)) = read::string_map(ck, &mut f, &schema::MATCH_LABELS) {
        for (k, value) in entries {
            ok &= names::check_label(ck, &k.text, k.span, Some((&value, k.span)), false);
            match_labels.insert(k.text.clone(), value);
        }
    }
    let keys_at = read::expr(ck, &mut f, &schema::MATCH_LABEL_KEYS);
    let label_keys = keys_at.map(|k| strings_at(ck, k, &schema::MATCH_LABEL_KEYS).unwrap_or_default());
    let min_domains = read::int(ck, &mut f, &schema::MIN_DOMAINS);
    let node_affinity_policy = read::choice(ck, &mut f, &schema::NODE_AFFINITY_POLICY).map(|(c, _)| c);
    let node_taints_policy = read::choice(ck, &mut f, &schema::NODE_TAINTS_POLICY).map(|(c, _)| c);
    f.finish(ck);

    let missing: Vec<&str> = [
        (max_skew.is_none(), schema::MAX_SKEW.key),
        (key.is_none(), schema::TOPOLOGY_KEY.key),
        (when.is_none(), schema::WHEN_UNSATISFIABLE.key),
    ]
    .into_iter()
    .filter_map(|(absent, k)| absent.then_some(k))
    .collect();
    if !missing.is_empty() && absent_from(e, &missing) {
        let list = missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        ck.report(
            Diagnostic::error(Code::MissingKey, e.span, format!("a topology spread constraint needs {list}"))
                .label("incomplete constraint")
                .help("write `{ max-skew: 1, topology-key: \"topology.kubernetes.io/zone\", when-unsatisfiable: do-not-schedule }`"),
        );
    }
    let (max_skew, (topology_key, key_span), (when_unsatisfiable, when_span)) = (max_skew?, key?, when?);
    if let Some((_, span)) = min_domains
        && when_unsatisfiable != "DoNotSchedule"
    {
        ck.report(
            Diagnostic::error(
                Code::TopologySpread,
                span,
                "`min-domains` only applies with `when-unsatisfiable: do-not-schedule`",
            )
            .label("with schedule-anyway")
            .secondary(when_span, "the scheduler may place the pods anyway")
            .help("write `when-unsatisfiable: do-not-schedule`, or remove `min-domains`"),
        );
        ok = false;
    }
    let mut match_label_keys = Vec::new();
    if let (Some(list), Some(at)) = (label_keys, keys_at) {
        if match_labels.is_empty() && !list.is_empty() {
            ck.report(
                Diagnostic::error(Code::TopologySpread, at.span, "`match-label-keys` needs `match-labels`")
                    .label("narrows a selector that is not there")
                    .help("add `match-labels` with the labels of the pods to count, e.g. `match-labels: { app: \"web\" }`"),
            );
            ok = false;
        }
        for (k, span) in list {
            ok &= names::check_label(ck, &k, span, None, false);
            if match_labels.contains_key(&k) {
                ck.report(
                    Diagnostic::error(Code::TopologySpread, span, format!("`{k}` is in both `match-labels` and `match-label-keys`"))
                        .label("given twice")
                        .help("a key is either matched with a fixed value (`match-labels`) or with each pod's own value (`match-label-keys`): keep one"),
                );
                ok = false;
            }
            match_label_keys.push(k);
        }
    }
    if let Some((_, _, first)) = seen.iter().find(|(k, w, _)| *k == topology_key && *w == when_unsatisfiable) {
        ck.report(
            Diagnostic::error(
                Code::TopologySpread,
                key_span,
                format!("two constraints on `{topology_key}` with the same `when-unsatisfiable`"),
            )
            .label("second one")
            .secondary(*first, "first one")
            .help("Kubernetes allows one constraint per topology key and `when-unsatisfiable`: merge them"),
        );
        ok = false;
    } else {
        seen.push((topology_key.clone(), when_unsatisfiable, key_span));
    }
    ok.then_some(TopologySpread {
        max_skew,
        topology_key,
        when_unsatisfiable,
        match_labels,
        match_label_keys,
        min_domains: min_domains.map(|(n, _)| n as i32),
        node_affinity_policy,
        node_taints_policy,
    })
}

/// Whether the missing keys are truly absent (not written wrong, which was reported).
fn absent_from(e: &ast::Expr, missing: &[&str]) -> bool {
    let ast::ExprKind::Map(entries) = &e.kind else { return true };
    !entries.iter().any(|entry| missing.contains(&entry.key.text.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_test_knows_every_key() {
        for row in POD_KEYS {
            assert!(is_pod_spec_key(row.key), "`{}` is missing from is_pod_spec_key", row.key);
        }
        for row in schema::all().filter(|k| k.contexts & schema::WORKLOAD != 0 && is_pod_spec_key(k.key)) {
            assert!(POD_KEYS.iter().any(|k| k.key == row.key), "`{}` is missing from POD_KEYS", row.key);
        }
    }
}
