//! `pipec apply`: server-side apply with field manager `pipec`, one step of
//! the apply order at a time, the objects of a step concurrently (at most
//! [`CONCURRENCY`] requests in flight). An object that is live exactly as it
//! would be applied is not sent at all. Each object is one PATCH of the whole
//! object, so an interrupted run leaves every object either as it was or as
//! applied, never half-written.

use super::connect::{Connection, connect_and_plan};
use super::live::{self, Live, already_applied};
use super::plan::{self, Desired};
use super::problem::{Doing, Problem, classify, missing_namespace};
use super::retry::{Retries, retry};
use super::{ApplyOptions, CONCURRENCY, DryRun, Program, Target, prune, wait};
use futures::StreamExt;
use kube::api::{DeleteParams, Patch, PatchParams};
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

pub const FIELD_MANAGER: &str = "pipec";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Configured,
    Unchanged,
    /// Deleted and created again (`--replace`).
    Replaced,
    /// A server dry run of an object whose namespace this run creates: the
    /// server cannot check it before the namespace exists.
    Unchecked,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Configured => "configured",
            Outcome::Unchanged => "unchanged",
            Outcome::Replaced => "replaced",
            Outcome::Unchecked => "created",
        }
    }

    fn index(self) -> usize {
        match self {
            Outcome::Created | Outcome::Unchecked => 0,
            Outcome::Configured => 1,
            Outcome::Unchanged => 2,
            Outcome::Replaced => 3,
        }
    }
}

pub fn doing<'a>(d: &'a Desired, verb: &'a str) -> Doing<'a> {
    Doing {
        verb,
        what: d.what(),
        resource: plan::qualified(d.kind),
        namespace: d.namespace.as_deref(),
        kind: d.kind.as_str(),
        api_version: d.kind.api_version(),
    }
}

/// `--dry-run=client`: the objects in apply order; nothing is sent.
fn client_dry_run(desired: &[Desired], options: &ApplyOptions) -> u8 {
    for wave in plan::waves(desired) {
        for i in wave {
            println!("would apply {} (client dry run: nothing sent)", desired[i].what());
        }
    }
    if options.prune {
        eprintln!(
            "pipec: --prune with --dry-run=client lists nothing: what to prune is known only to the server (use --dry-run=server)"
        );
    }
    0
}

pub async fn run(target: &Target, programs: Vec<Program>, options: &ApplyOptions) -> u8 {
    let started = Instant::now();
    let (conn, desired) = match connect_and_plan(target, &programs, 1).await {
        Ok(both) => both,
        Err(code) => return code,
    };
    if options.dry_run == Some(DryRun::Client) {
        return client_dry_run(&desired, options);
    }
    let retries = Retries::default();
    // With prune, every kind pipec emits (an object may be of a kind the program no longer has).
    let kinds: BTreeSet<_> = if options.prune {
        crate::kinds::Kind::ALL.iter().copied().collect()
    } else {
        desired.iter().map(|d| d.kind).collect()
    };
    let namespaces = live::namespaces(&desired, &conn.namespace);
    let live = match live::gather(&conn, &retries, &programs, &kinds, &namespaces).await {
        Ok(l) => l,
        Err(p) => return report_fatal(p),
    };
    let dry = options.dry_run == Some(DryRun::Server);
    let suffix = if dry { " (server dry run)" } else { "" };
    let mut counts = [0usize; 4];
    let mut failed = 0;
    for wave in plan::waves(&desired) {
        let mut results: Vec<(usize, Result<Outcome, Problem>)> = futures::stream::iter(wave.iter().map(|&i| {
            let (conn, retries, desired, live) = (&conn, &retries, &desired, &live);
            async move { (i, apply_one(conn, retries, (&desired[i], desired), live, options).await) }
        }))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
        results.sort_by_key(|(i, _)| *i);
        let mut fatal = None;
        for (i, result) in results {
            match result {
                Ok(outcome) => {
                    counts[outcome.index()] += 1;
                    if !options.quiet {
                        let note = match outcome {
                            Outcome::Unchecked => {
                                " (server dry run; not checked: its namespace is created by this apply)"
                            }
                            _ => suffix,
                        };
                        println!("{:<10} {}{note}", outcome.as_str(), desired[i].what());
                    }
                }
                Err(Problem::Fatal(m)) => fatal = fatal.or(Some(m)),
                Err(Problem::Object(m) | Problem::ImmutableTemplate(m)) => {
                    failed += 1;
                    eprintln!("pipec: {m}");
                }
            }
        }
        if let Some(m) = fatal {
            eprintln!("pipec: {m}");
            return 1;
        }
    }
    let mut pruned = 0;
    if options.prune && failed == 0 {
        match prune::prune(&conn, &retries, &desired, &live, options).await {
            Ok(n) => pruned = n,
            Err(code) => return code,
        }
    }
    if !options.quiet {
        let [created, configured, unchanged, replaced] = counts;
        let mut parts =
            vec![format!("{created} created"), format!("{configured} configured"), format!("{unchanged} unchanged")];
        if replaced > 0 {
            parts.push(format!("{replaced} replaced"));
        }
        if options.prune {
            parts.push(format!("{pruned} pruned"));
        }
        if failed > 0 {
            parts.push(format!("{failed} failed"));
        }
        let retried = match retries.count() {
            0 => String::new(),
            1 => ", 1 request retried".into(),
            n => format!(", {n} requests retried"),
        };
        eprintln!(
            "pipec: {} object{}{suffix}: {}{retried} ({:.2} s)",
            desired.len(),
            if desired.len() == 1 { "" } else { "s" },
            parts.join(", "),
            started.elapsed().as_secs_f64()
        );
    }
    if failed > 0 {
        return 1;
    }
    match options.wait {
        Some(timeout) if !dry => wait::wait(&conn, &desired, timeout).await,
        _ => 0,
    }
}

pub fn report_fatal(p: Problem) -> u8 {
    match p {
        Problem::Fatal(m) | Problem::Object(m) | Problem::ImmutableTemplate(m) => eprintln!("pipec: {m}"),
    }
    1
}

/// Whether the run applies the Namespace `name`.
pub fn declares_namespace(desired: &[Desired], name: &str) -> bool {
    desired.iter().any(|d| d.kind == crate::kinds::Kind::Namespace && d.name == name)
}

async fn apply_one(
    conn: &Connection,
    retries: &Retries,
    (d, desired_all): (&Desired, &[Desired]),
    live: &Live,
    options: &ApplyOptions,
) -> Result<Outcome, Problem> {
    let before = live.objects.get(&d.key()).map(|(_, v)| v);
    if let Some(l) = before
        && already_applied(&d.value, l, FIELD_MANAGER)
    {
        return Ok(Outcome::Unchanged);
    }
    let dry = options.dry_run == Some(DryRun::Server);
    let mut params = PatchParams::apply(FIELD_MANAGER);
    if options.force_conflicts {
        params = params.force();
    }
    if dry {
        params = params.dry_run();
    }
    let api = d.api(&conn.client);
    let patch = Patch::Apply(&d.value);
    let result = retry(retries, || api.patch(&d.name, &params, &patch)).await;
    match result {
        Ok(after) => {
            let after = serde_json::to_value(&after).unwrap_or(Value::Null);
            Ok(outcome(before, &after, dry))
        }
        Err(e) if dry && missing_namespace(&e).is_some_and(|ns| declares_namespace(desired_all, &ns)) => {
            Ok(Outcome::Unchecked)
        }
        Err(e) => match classify(&e, conn, &doing(d, "patch")) {
            Problem::ImmutableTemplate(_) if options.replace && !dry => {
                replace(conn, retries, d, &params).await?;
                Ok(Outcome::Replaced)
            }
            p => Err(p),
        },
    }
}

/// Created, configured or unchanged, from the live object before and the answer.
fn outcome(before: Option<&Value>, after: &Value, dry: bool) -> Outcome {
    let Some(before) = before else {
        // Not among the program's objects: new, unless the server had it already (unlabelled).
        let existed = !dry
            && after["metadata"]["managedFields"]
                .as_array()
                .is_some_and(|m| m.iter().any(|e| e["manager"] != FIELD_MANAGER));
        return if existed { Outcome::Configured } else { Outcome::Created };
    };
    if dry {
        return if super::diff::comparable(before) == super::diff::comparable(after) {
            Outcome::Unchanged
        } else {
            Outcome::Configured
        };
    }
    if before["metadata"]["resourceVersion"] == after["metadata"]["resourceVersion"] {
        Outcome::Unchanged
    } else {
        Outcome::Configured
    }
}

/// `--replace`: delete the Job (its pods with it), wait until it is gone, apply it again.
async fn replace(conn: &Connection, retries: &Retries, d: &Desired, params: &PatchParams) -> Result<(), Problem> {
    let api = d.api(&conn.client);
    let delete = DeleteParams::background();
    match retry(retries, || api.delete(&d.name, &delete)).await {
        Ok(_) => {}
        Err(kube::Error::Api(s)) if s.code == 404 => {}
        Err(e) => return Err(classify(&e, conn, &doing(d, "delete"))),
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match retry(retries, || api.get_opt(&d.name)).await {
            Ok(None) => break,
            Ok(Some(_)) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(200)).await,
            Ok(Some(_)) => {
                return Err(Problem::Object(format!(
                    "{}: deleted for --replace, but still there after 2 minutes (a finalizer?)",
                    d.what()
                )));
            }
            Err(e) => return Err(classify(&e, conn, &doing(d, "get"))),
        }
    }
    let patch = Patch::Apply(&d.value);
    retry(retries, || api.patch(&d.name, params, &patch)).await.map_err(|e| classify(&e, conn, &doing(d, "patch")))?;
    Ok(())
}
