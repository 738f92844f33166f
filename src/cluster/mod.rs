//! Talking to a cluster: `pipec apply`, `pipec diff` and `pipec delete`
//! (Cargo feature `cluster`, on by default). The compiler's stages never
//! import this module; the CLI hands it the lowered objects of each program.
//!
//! - [`connect`]: the kubeconfig, as kubectl reads it (`KUBECONFIG`, `--context`, `-n`);
//! - [`plan`]: the objects in apply order, each with its API resource and namespace;
//! - [`live`]: what the cluster holds of a program (its two labels), for
//!   "nothing to send", prune and delete;
//! - [`apply`]: server-side apply (field manager `pipec`), concurrently within
//!   each step of the order, with retries ([`retry`]) and one clear message per
//!   failure ([`problem`]);
//! - [`diff`]: server-side dry-run against the live objects, as unified YAML diffs;
//! - [`prune`]: deleting what a program no longer declares, and `delete`;
//! - [`wait`]: `--wait` — Jobs to completion, Deployments and DaemonSets rolled out,
//!   pipelines task by task, Argo Workflows.

mod apply;
mod connect;
mod diff;
mod live;
mod plan;
mod problem;
mod prune;
mod retry;
mod wait;

use crate::kinds::K8sObject;
use std::path::PathBuf;
use std::time::Duration;

/// One program's objects, with the label values that identify them in the cluster.
pub struct Program {
    /// The `pipec.dev/program` label value.
    pub name: String,
    /// The `app.kubernetes.io/managed-by` label value (`pipec` unless `--managed-by`).
    pub manager: String,
    pub objects: Vec<K8sObject>,
}

/// Which cluster, as kubectl's flags say it.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// `--kubeconfig PATH` (else `KUBECONFIG`, else `~/.kube/config`).
    pub kubeconfig: Option<PathBuf>,
    /// `--context NAME` (else the current context).
    pub context: Option<String>,
    /// `-n NS`: the namespace of objects that name none (else the context's, else `default`).
    pub namespace: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    /// Send nothing; print what would be applied.
    Client,
    /// The server checks and computes everything, and stores nothing.
    Server,
}

/// What `pipec apply` does besides applying.
#[derive(Clone, Debug, Default)]
pub struct ApplyOptions {
    pub dry_run: Option<DryRun>,
    /// Delete the program's objects that it no longer declares.
    pub prune: bool,
    /// `--wait`: how long to wait for the workloads.
    pub wait: Option<Duration>,
    /// Take over fields another manager owns.
    pub force_conflicts: bool,
    /// Delete and recreate a Job whose template changed.
    pub replace: bool,
    /// Delete without asking (needed when stdin is not a terminal).
    pub yes: bool,
    /// Colour in diffs.
    pub color: bool,
    /// Print errors only.
    pub quiet: bool,
}

/// How many requests are in flight at once within one step of the apply order.
const CONCURRENCY: usize = 32;

fn runtime() -> Result<tokio::runtime::Runtime, u8> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| {
        eprintln!("pipec: cannot start the network runtime: {e}");
        2
    })
}

/// `pipec apply`: the exit code (0 applied, 1 a failure, 2 usage or connection).
pub fn apply(target: &Target, programs: Vec<Program>, options: &ApplyOptions) -> u8 {
    match runtime() {
        Ok(rt) => rt.block_on(apply::run(target, programs, options)),
        Err(code) => code,
    }
}

/// `pipec diff`: 0 no changes, 1 changes, 2 an error.
pub fn diff(target: &Target, programs: Vec<Program>, prune: bool, color: bool) -> u8 {
    match runtime() {
        Ok(rt) => rt.block_on(diff::run(target, programs, prune, color)),
        Err(code) => code,
    }
}

/// `pipec delete`: every object of the programs (found by their labels).
pub fn delete(target: &Target, programs: Vec<Program>, yes: bool, dry_run: bool) -> u8 {
    match runtime() {
        Ok(rt) => rt.block_on(prune::delete_programs(target, programs, yes, dry_run)),
        Err(code) => code,
    }
}

/// `10m`, `90s`, `1h30m`, `45` (seconds).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not a duration: write e.g. 10m, 90s or 1h30m");
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().map_err(|_| bad())?;
        number.clear();
        total += n * match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
    }
    if !number.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert!(parse_duration("10x").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("0s").is_err());
    }
}
