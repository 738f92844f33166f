//! Restricted settings written in every workload are what `defaults { pod-security =
//! restricted }` fills in: when every workload of the file has them, they become that one
//! line. The round trip decides: the program with `defaults` must build exactly the objects
//! of the program without, or the settings stay where they were.

use super::pipe::{Entry, Expr, File, Item, render};
use crate::check::CheckOptions;
use crate::loader::Loader;
use crate::session::Session;

const WORKLOADS: &[&str] = &["job", "cron", "daemon", "deployment"];

/// `import` reads no files: a program's `file(…)` is never written by it.
pub(super) struct NoFiles;

impl Loader for NoFiles {
    fn load(&self, _: &str, _: &str) -> Result<String, String> {
        Err("no such file".into())
    }
}

/// Replaces the restricted settings of every workload with `defaults { … }` when that builds the same.
pub fn restricted(file: &mut File, program: &str) {
    let workloads: Vec<&Item> = file.items.iter().filter(|i| WORKLOADS.contains(&i.keyword.as_str())).collect();
    if workloads.is_empty() {
        return;
    }
    // The user and group every workload runs as, if they agree.
    let same = |key: &str| {
        let values: Vec<Option<Expr>> = workloads.iter().map(|w| pod_setting(w, key)).collect();
        values.windows(2).all(|w| w[0] == w[1]).then(|| values[0].clone()).flatten()
    };
    let (user, group) = (same("run-as-user"), same("run-as-group"));
    let mut candidate = file.clone();
    for item in candidate.items.iter_mut().filter(|i| WORKLOADS.contains(&i.keyword.as_str())) {
        if let Some(body) = &mut item.body {
            strip(body, user.as_ref(), group.as_ref());
        }
    }
    if candidate == *file {
        return;
    }
    let mut settings = vec![("pod-security", Expr::word("restricted"))];
    settings.extend(user.map(|u| ("run-as-user", u)));
    settings.extend(group.map(|g| ("run-as-group", g)));
    candidate.defaults = Some(settings.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
    if same_objects(&render(file), &render(&candidate), program) {
        *file = candidate;
    }
}

/// `volume app = config(app)` beside `mount app at …` says what `mount app` says alone (a
/// mounted config or secret is its own volume): left out where that builds the same.
pub fn implicit_volumes(file: &mut File, program: &str) {
    let mut candidate = file.clone();
    for item in &mut candidate.items {
        let Some(body) = &mut item.body else { continue };
        let mounted: Vec<String> = mounts(body);
        body.retain(|e| match e {
            Entry::LabeledValue(k, name, Expr::Call(f, args)) if k == "volume" && (f == "config" || f == "secret") => {
                !(args.len() == 1 && args[0] == (None, Expr::Word(super::pipe::name(name))) && mounted.contains(name))
            }
            _ => true,
        });
    }
    if candidate != *file && same_objects(&render(file), &render(&candidate), program) {
        *file = candidate;
    }
}

/// The volumes the workload's containers mount.
fn mounts(body: &[Entry]) -> Vec<String> {
    let mut out = Vec::new();
    for e in body {
        match e {
            Entry::Line(l) => {
                if let Some(rest) = l.strip_prefix("mount ") {
                    out.push(rest.split(" at ").next().unwrap_or("").trim_matches('"').to_string());
                }
            }
            Entry::Labeled(_, _, inner) => out.extend(mounts(inner)),
            _ => {}
        }
    }
    out
}

fn pod_setting(item: &Item, key: &str) -> Option<Expr> {
    item.body.as_ref()?.iter().find_map(|e| match e {
        Entry::Block(k, inner) if k == "pod-security-context" => inner.iter().find_map(|e| match e {
            Entry::Set(k2, v) if k2 == key => Some(v.clone()),
            _ => None,
        }),
        _ => None,
    })
}

/// Takes out what the restricted defaults fill in.
fn strip(body: &mut Vec<Entry>, user: Option<&Expr>, group: Option<&Expr>) {
    let has_account = body.iter().any(|e| matches!(e, Entry::Set(k, _) if k == "service-account"));
    // Without a service account, restricted defaults mount no token.
    body.retain(|e| {
        has_account
            || !matches!(e, Entry::Set(k, Expr::Word(w)) if k == "automount-service-account-token" && w == "false")
    });
    for e in body.iter_mut() {
        match e {
            Entry::Block(k, inner) if k == "pod-security-context" => inner.retain(|e| match e {
                Entry::Set(k, v) => {
                    let filled = matches!((k.as_str(), v), ("run-as-non-root", Expr::Word(w)) if w == "true")
                        || matches!((k.as_str(), v), ("seccomp", Expr::Word(w)) if w == "runtime-default")
                        || (k == "run-as-user" && Some(v) == user)
                        || (k == "run-as-group" && Some(v) == group);
                    !filled
                }
                _ => true,
            }),
            Entry::Block(k, inner) if k == "security-context" => container(inner),
            Entry::Labeled(k, _, inner) if k == "container" || k == "init" => {
                for e in inner.iter_mut() {
                    if let Entry::Block(k, sc) = e
                        && k == "security-context"
                    {
                        container(sc);
                    }
                }
                inner.retain(|e| !matches!(e, Entry::Block(k, b) if k == "security-context" && b.is_empty()));
            }
            _ => {}
        }
    }
    body.retain(|e| !matches!(e, Entry::Block(k, b) if (k == "security-context" || k == "pod-security-context") && b.is_empty()));
}

fn container(sc: &mut Vec<Entry>) {
    sc.retain(|e| !matches!(e, Entry::Set(k, Expr::Word(w)) if k == "allow-privilege-escalation" && w == "false"));
    for e in sc.iter_mut() {
        if let Entry::Block(k, caps) = e
            && k == "capabilities"
        {
            caps.retain(|e| !matches!(e, Entry::Set(k, Expr::List(l)) if k == "drop" && *l == [Expr::str("ALL")]));
        }
    }
    sc.retain(|e| !matches!(e, Entry::Block(k, b) if k == "capabilities" && b.is_empty()));
}

/// Whether two programs build the same objects.
fn same_objects(a: &str, b: &str, program: &str) -> bool {
    let objects = |text: &str| {
        let mut session = Session::new(CheckOptions::default(), &NoFiles);
        let id = session.add_file(format!("{program}.pipe"), text.to_string());
        let (objects, diags) = session.objects(id);
        if diags.iter().any(|d| d.is_error()) {
            return None;
        }
        objects.iter().map(serde_json::to_value).collect::<Result<Vec<_>, _>>().ok()
    };
    match (objects(a), objects(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}
