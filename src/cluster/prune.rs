//! `--prune` and `pipec delete`. Only objects that carry both of a program's
//! labels — `pipec.dev/program=<name>` and `app.kubernetes.io/managed-by=<tool>`
//! — are ever deleted (live.rs lists nothing else); prune deletes those the
//! program no longer declares, delete all of them. Both list what they will
//! remove first and need `--yes` when stdin is not a terminal. Deletes go in
//! the reverse of the apply order (workloads first, Namespaces last).

use super::apply::report_fatal;
use super::connect::{Connection, connect_and_plan};
use super::live::{self, Live};
use super::plan::{self, Desired, Key};
use super::problem::{Doing, Problem, classify};
use super::retry::{Retries, retry};
use super::{ApplyOptions, CONCURRENCY, DryRun, Program, Target};
use futures::StreamExt;
use kube::api::DeleteParams;
use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};

/// Deletes the live objects of the programs that `desired` no longer holds; how many.
pub async fn prune(
    conn: &Connection,
    retries: &Retries,
    desired: &[Desired],
    live: &Live,
    options: &ApplyOptions,
) -> Result<usize, u8> {
    let declared: BTreeSet<Key> = desired.iter().map(Desired::key).collect();
    let doomed: Vec<Key> = live.objects.keys().filter(|k| !declared.contains(*k)).cloned().collect();
    let dry = options.dry_run == Some(DryRun::Server);
    remove(conn, retries, doomed, "prune", options.yes, dry).await
}

/// `pipec delete FILE…`.
pub async fn delete_programs(target: &Target, programs: Vec<Program>, yes: bool, dry_run: bool) -> u8 {
    let (conn, desired) = match connect_and_plan(target, &programs, 1).await {
        Ok(both) => both,
        Err(code) => return code,
    };
    let retries = Retries::default();
    let kinds: BTreeSet<_> = crate::kinds::Kind::ALL.iter().copied().collect();
    let namespaces = live::namespaces(&desired, &conn.namespace);
    let live = match live::gather(&conn, &retries, &programs, &kinds, &namespaces).await {
        Ok(l) => l,
        Err(p) => return report_fatal(p),
    };
    let doomed: Vec<Key> = live.objects.keys().cloned().collect();
    if doomed.is_empty() {
        eprintln!("pipec: nothing to delete: no object in the cluster carries the labels of {}", names(&programs));
        return 0;
    }
    match remove(&conn, &retries, doomed, "delete", yes, dry_run).await {
        Ok(_) => 0,
        Err(code) => code,
    }
}

fn names(programs: &[Program]) -> String {
    let names: Vec<String> = programs.iter().map(|p| format!("`{}`", p.name)).collect();
    names.join(", ")
}

/// Lists `doomed`, asks (or takes `--yes`), deletes in reverse apply order.
async fn remove(
    conn: &Connection,
    retries: &Retries,
    mut doomed: Vec<Key>,
    verb: &str,
    yes: bool,
    dry: bool,
) -> Result<usize, u8> {
    if doomed.is_empty() {
        return Ok(0);
    }
    // Reverse apply order; within a step, by namespace and name.
    doomed.sort_by(|a, b| b.0.apply_order().cmp(&a.0.apply_order()).then_with(|| (&a.1, &a.2).cmp(&(&b.1, &b.2))));
    let n = doomed.len();
    // `prune will delete 2 objects:` / `will delete 3 objects:`
    let who = if verb == "prune" { "prune " } else { "" };
    eprintln!("pipec: {who}will delete {n} object{}:", if n == 1 { "" } else { "s" });
    for (kind, ns, name) in &doomed {
        eprintln!("  {}", plan::what(*kind, Some(ns), name));
    }
    if !dry && !confirm(yes, n, who)? {
        eprintln!("pipec: nothing deleted");
        return Err(1);
    }
    let mut failed = false;
    let mut steps: Vec<Vec<Key>> = Vec::new();
    for key in doomed {
        match steps.last_mut() {
            Some(step) if step[0].0.apply_order() == key.0.apply_order() => step.push(key),
            _ => steps.push(vec![key]),
        }
    }
    let suffix = if dry { " (server dry run)" } else { "" };
    for step in steps {
        let results: Vec<(Key, Result<(), Problem>)> = futures::stream::iter(step.into_iter().map(|key| async move {
            let result = delete_one(conn, retries, &key, dry).await;
            (key, result)
        }))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
        let mut results = results;
        results.sort_by(|a, b| a.0.cmp(&b.0));
        for ((kind, ns, name), result) in results {
            match result {
                Ok(()) => println!("{:<10} {}{suffix}", "deleted", plan::what(kind, Some(&ns), &name)),
                Err(Problem::Fatal(m)) => {
                    eprintln!("pipec: {m}");
                    return Err(1);
                }
                Err(Problem::Object(m) | Problem::ImmutableTemplate(m)) => {
                    failed = true;
                    eprintln!("pipec: {m}");
                }
            }
        }
    }
    if failed { Err(1) } else { Ok(n) }
}

async fn delete_one(conn: &Connection, retries: &Retries, key: &Key, dry: bool) -> Result<(), Problem> {
    let (kind, ns, name) = key;
    let namespace = kind.namespaced().then_some(ns.as_str());
    let api = plan::api(&conn.client, *kind, namespace);
    let mut params = DeleteParams::background();
    if dry {
        params = params.dry_run();
    }
    match retry(retries, || api.delete(name, &params)).await {
        Ok(_) => Ok(()),
        // Gone already: what was wanted.
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
        Err(e) => {
            let doing = Doing {
                verb: "delete",
                what: plan::what(*kind, namespace, name),
                resource: plan::qualified(*kind),
                namespace,
                kind: kind.as_str(),
                api_version: kind.api_version(),
            };
            Err(classify(&e, conn, &doing))
        }
    }
}

/// `--yes`, or a `y` typed on a terminal; refused (exit 2) without either.
fn confirm(yes: bool, n: usize, who: &str) -> Result<bool, u8> {
    if yes {
        return Ok(true);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        eprintln!(
            "pipec: {who}would delete {n} object{}: pass --yes to confirm (stdin is not a terminal)",
            if n == 1 { "" } else { "s" }
        );
        return Err(2);
    }
    eprint!("delete {} object{}? [y/N] ", n, if n == 1 { "" } else { "s" });
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if stdin.lock().read_line(&mut answer).is_err() {
        return Ok(false);
    }
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
