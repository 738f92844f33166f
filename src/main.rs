//! The `pipec` command line: reads files, calls the IO-free core, renders
//! diagnostics, writes output. Exit codes: 0 ok, 1 diagnostics with errors,
//! 2 usage or I/O error.

mod fmt_cmd;
mod import_cli;
mod output;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use pipec::check::{CheckOptions, ParamInput};
use pipec::diag::{Code, Diagnostic, Severity, render};
use pipec::target::Target;
use pipec::version::KubeVersion;
use pipec::{Compilation, FsLoader, Output, Session};
use std::io::{IsTerminal, Write};
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pipec",
    version,
    about = "Compile .pipe programs to Kubernetes YAML: Jobs, CronJobs, DaemonSets, Deployments and the objects around them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How diagnostics are printed (on stderr).
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Colour in human diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Print errors only: no warnings, no summary.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// The Kubernetes version to emit for (1.27 … 1.37): newer fields are errors, beta ones warnings.
    #[arg(long, global = true, value_name = "VERSION", default_value = "1.37", value_parser = parse_kube_version)]
    kube_version: KubeVersion,
    /// Print the QoS class of each workload (on stderr), and why it is not Guaranteed.
    #[arg(long, global = true)]
    explain_qos: bool,
    /// Print the Pod Security Standards level of each workload (on stderr), and why it is not higher.
    #[arg(long, global = true)]
    explain_security: bool,
    /// Set a `param` of the program: `--set replicas=8` (repeatable; wins over --values).
    #[arg(long = "set", global = true, value_name = "NAME=VALUE", value_parser = parse_set)]
    set: Vec<(String, String)>,
    /// Read `param` values from a YAML (or JSON) map: `replicas: 8`.
    #[arg(long, global = true, value_name = "FILE")]
    values: Vec<PathBuf>,
    /// Raise or lower a limit on input size: `--limit objects=500000` (repeatable;
    /// names and defaults: docs/language.md#limits).
    #[arg(long = "limit", global = true, value_name = "NAME=VALUE", value_parser = parse_limit)]
    limits: Vec<String>,
    /// Hand the objects to another tool: the value of their `app.kubernetes.io/managed-by`
    /// label (default `pipec`), e.g. `--managed-by Helm`.
    #[arg(long, global = true, value_name = "NAME", value_parser = parse_managed_by)]
    managed_by: Option<String>,
    /// What fan-out groups, Spark jobs and pipelines become: kubernetes (built-in kinds,
    /// any cluster), jobset, spark-operator or argo (an operator the cluster runs).
    #[arg(long, global = true, value_name = "TARGET", default_value = "kubernetes", value_parser = Target::parse)]
    target: Target,
}

fn parse_managed_by(text: &str) -> Result<String, String> {
    match pipec::check::label_value_problem(text) {
        None => Ok(text.to_string()),
        Some(problem) => Err(format!("`{text}` cannot be a label value: {problem}")),
    }
}

/// Checked here so that a bad setting is a usage error; applied in order below.
fn parse_limit(text: &str) -> Result<String, String> {
    pipec::limits::Limits::default().set(text).map(|()| text.to_string())
}

fn parse_set(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((name.trim().to_string(), value.to_string())),
        _ => Err(format!("`{text}` is not NAME=VALUE, e.g. --set replicas=8")),
    }
}

fn parse_kube_version(text: &str) -> Result<KubeVersion, String> {
    KubeVersion::parse(text)
}

#[derive(Subcommand)]
enum Command {
    /// Compile programs to YAML: a stream on stdout, or one file per object with -o.
    Build {
        /// Program files, or directories: every `.pipe` file under them that no other file imports.
        #[arg(required = true, value_name = "FILE|DIR")]
        files: Vec<PathBuf>,
        /// Write `<kind>-<name>.yaml` files into DIR (replaced as a whole, atomically).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Write nothing: show how DIR differs from the build, exit 1 if it does.
        #[arg(long, requires = "output")]
        check: bool,
        /// Also write `kustomization.yaml` listing every file (for `kubectl apply -k`, Argo CD, Flux).
        #[arg(long, requires = "output")]
        kustomization: bool,
    },
    /// Check programs and print diagnostics only.
    Check {
        /// Program files, or directories (as for `build`).
        #[arg(required = true, value_name = "FILE|DIR")]
        files: Vec<PathBuf>,
    },
    /// Turn Kubernetes YAML into a `.pipe` program (on stdout, or into OUT.pipe or DIR).
    Import {
        /// YAML files (multi-document), or directories: every `.yaml`/`.yml` file under them.
        #[arg(required = true, value_name = "FILE|DIR")]
        files: Vec<PathBuf>,
        /// One program into OUT.pipe, or one program per YAML file into DIR.
        #[arg(short, long, value_name = "OUT.pipe|DIR")]
        output: Option<PathBuf>,
        /// Keep values equal to the API server's defaults (`dnsPolicy: ClusterFirst`, a Job's
        /// `backoffLimit: 6`…) as keys; without it they are left out (the server sets them again).
        #[arg(long)]
        keep_defaults: bool,
    },
    /// Print the page for a diagnostic code: what it means, a wrong example and the fix.
    Explain {
        /// A code such as P0101.
        code: String,
    },
    /// Draw the objects of programs: workloads with their pods and peak resources,
    /// Services and the pods they select, who reaches whom, ServiceAccounts and their roles,
    /// and each pipeline's tasks with its critical path.
    Graph {
        #[arg(required = true, value_name = "FILE|DIR")]
        files: Vec<PathBuf>,
        /// mermaid (for Markdown) or dot (Graphviz: `| dot -Tsvg`).
        #[arg(long, default_value = "mermaid", value_parser = pipec::graph::Format::parse)]
        format: pipec::graph::Format,
    },
    /// Print the next fire times of every cron, in its time zone.
    Schedule {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// How many fire times to print per cron.
        #[arg(long, default_value_t = 5)]
        next: usize,
        /// Start from this time instead of now: 2026-11-23T10:00 (in each cron's zone) or RFC 3339.
        #[arg(long, value_name = "TIME")]
        from: Option<String>,
    },
    /// Apply programs to a cluster (server-side apply, field manager `pipec`), in dependency order.
    #[cfg(feature = "cluster")]
    Apply {
        /// Program files, or directories (as for `build`).
        #[arg(required = true, value_name = "FILE|DIR")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        cluster: ClusterArgs,
        /// `server`: the server checks everything and stores nothing; `client`: send nothing.
        #[arg(long, value_enum, value_name = "WHERE")]
        dry_run: Option<DryRunArg>,
        /// Delete the objects this program applied before and no longer declares (found by its labels).
        #[arg(long)]
        prune: bool,
        /// Wait for Jobs to finish, Deployments and DaemonSets to roll out, pipelines (task by task) and Argo Workflows to end; exit 1 if one fails.
        #[arg(long)]
        wait: bool,
        /// How long --wait waits: 10m, 90s, 1h30m.
        #[arg(long, requires = "wait", default_value = "10m", value_parser = pipec::cluster::parse_duration)]
        timeout: std::time::Duration,
        /// Take over fields that another field manager owns.
        #[arg(long)]
        force_conflicts: bool,
        /// Delete and recreate a Job whose pod template changed (a Job's template is immutable).
        #[arg(long)]
        replace: bool,
        /// Delete what --prune finds without asking (needed when stdin is not a terminal).
        #[arg(short, long)]
        yes: bool,
    },
    /// Show what `apply` would change, as a unified YAML diff per object; exit 1 if anything would.
    #[cfg(feature = "cluster")]
    Diff {
        #[arg(required = true, value_name = "FILE|DIR")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        cluster: ClusterArgs,
        /// Also show the objects --prune would delete.
        #[arg(long)]
        prune: bool,
    },
    /// Delete every object of the programs from the cluster (only objects with their labels).
    #[cfg(feature = "cluster")]
    Delete {
        #[arg(required = true, value_name = "FILE|DIR")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        cluster: ClusterArgs,
        /// Delete without asking (needed when stdin is not a terminal).
        #[arg(short, long)]
        yes: bool,
        /// `server`: list and check, delete nothing.
        #[arg(long, value_enum, value_name = "WHERE")]
        dry_run: Option<DryRunArg>,
    },
    /// Lay programs out in the canonical layout (docs/fmt.md), in place; `-` reads stdin, writes stdout.
    Fmt {
        /// Files, or directories (every `.pipe` file under them), or `-`.
        #[arg(required = true, value_name = "FILE|DIR|-")]
        files: Vec<PathBuf>,
        /// Write nothing: list the files that are not formatted, exit 1 if there are any.
        #[arg(long)]
        check: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell).
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `pipec man > pipec.1`, or a subcommand's: `pipec man build`.
    Man {
        /// A subcommand whose page to print (pipec-build(1) and so on).
        subcommand: Option<String>,
    },
    /// Run the language server on stdin/stdout (for editors: docs/editors.md).
    #[cfg(feature = "lsp")]
    Lsp,
}

/// Which cluster, as kubectl's flags say it.
#[cfg(feature = "cluster")]
#[derive(clap::Args)]
struct ClusterArgs {
    /// The namespace of objects that name none (else the context's, else `default`).
    #[arg(short = 'n', long, value_name = "NS")]
    namespace: Option<String>,
    /// The kubeconfig context (else the current one).
    #[arg(long, value_name = "NAME")]
    context: Option<String>,
    /// The kubeconfig file (else KUBECONFIG, else ~/.kube/config).
    #[arg(long, value_name = "PATH")]
    kubeconfig: Option<PathBuf>,
}

#[cfg(feature = "cluster")]
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DryRunArg {
    Server,
    Client,
}

#[derive(Clone, Copy, ValueEnum)]
enum MessageFormat {
    Human,
    Json,
    /// One SARIF 2.1.0 log, for CI code scanning.
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The core recurses over the syntax tree; nesting is capped (`--limit nesting`, with a ceiling),
    // and a roomy stack keeps that cap far from the edge on every platform.
    let worker = std::thread::Builder::new().stack_size(64 << 20).spawn(move || run(cli));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => {
            eprintln!("pipec: internal error (this is a bug; please report it with the input that caused it)");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> u8 {
    match &cli.command {
        Command::Explain { code } => explain(code),
        Command::Import { files, output, keep_defaults } => {
            import_cli::run(files, output.as_deref(), *keep_defaults, &Printer::new(&cli))
        }
        Command::Check { files } => check(&cli, files),
        Command::Build { files, output, check, kustomization } => {
            let dir = output.as_deref().map(|dir| OutDir { dir, check: *check, kustomization: *kustomization });
            build(&cli, files, dir)
        }
        Command::Graph { files, format } => graph(&cli, files, *format),
        Command::Schedule { files, next, from } => schedule(&cli, files, *next, from.as_deref()),
        #[cfg(feature = "cluster")]
        Command::Apply { files, cluster, dry_run, prune, wait, timeout, force_conflicts, replace, yes } => {
            let options = pipec::cluster::ApplyOptions {
                dry_run: dry_run.map(|d| match d {
                    DryRunArg::Server => pipec::cluster::DryRun::Server,
                    DryRunArg::Client => pipec::cluster::DryRun::Client,
                }),
                prune: *prune,
                wait: wait.then_some(*timeout),
                force_conflicts: *force_conflicts,
                replace: *replace,
                yes: *yes,
                color: stdout_color(&cli),
                quiet: cli.quiet,
            };
            cluster_programs(&cli, files).map_or_else(|c| c, |p| pipec::cluster::apply(&cluster.target(), p, &options))
        }
        #[cfg(feature = "cluster")]
        Command::Diff { files, cluster, prune } => cluster_programs(&cli, files)
            .map_or_else(|c| c, |p| pipec::cluster::diff(&cluster.target(), p, *prune, stdout_color(&cli))),
        #[cfg(feature = "cluster")]
        Command::Delete { files, cluster, yes, dry_run } => {
            if *dry_run == Some(DryRunArg::Client) {
                eprintln!(
                    "pipec: delete --dry-run=client would only guess: what to delete is known to the server (use --dry-run=server)"
                );
                return 2;
            }
            cluster_programs(&cli, files)
                .map_or_else(|c| c, |p| pipec::cluster::delete(&cluster.target(), p, *yes, dry_run.is_some()))
        }
        Command::Fmt { files, check } => {
            let printer = Printer::new(&cli);
            fmt_cmd::run(files, *check, &|diags, sources| printer.render(diags, sources))
        }
        Command::Completions { shell } => completions(*shell),
        Command::Man { subcommand } => man(subcommand.as_deref()),
        #[cfg(feature = "lsp")]
        Command::Lsp => lsp(&cli),
    }
}

/// `pipec lsp`: the language server, checking with the command line's options (`--kube-version`…).
#[cfg(feature = "lsp")]
fn lsp(cli: &Cli) -> u8 {
    let options = match check_options(cli) {
        Ok(options) => options,
        Err(code) => return code,
    };
    match pipec::lsp::run_stdio(options) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("pipec lsp: {message}");
            2
        }
    }
}

#[cfg(feature = "cluster")]
impl ClusterArgs {
    fn target(&self) -> pipec::cluster::Target {
        pipec::cluster::Target {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            namespace: self.namespace.clone(),
        }
    }
}

/// The programs' objects for `apply`, `diff` and `delete`, each with the labels that find it again.
#[cfg(feature = "cluster")]
fn cluster_programs(cli: &Cli, files: &[PathBuf]) -> Result<Vec<pipec::cluster::Program>, u8> {
    let compilation = compile(cli, files, Output::Objects)?;
    let mut ignored = Vec::new(); // `raw` patches were checked by `compile`
    Ok(compilation
        .programs
        .iter()
        .map(|p| {
            let mut objects = Vec::new();
            for o in &p.objects {
                pipec::lower::lower_item(p, o, &mut ignored, |k| objects.push(k));
            }
            pipec::cluster::Program { name: p.name.clone(), manager: p.manager.clone(), objects }
        })
        .collect())
}

#[cfg(feature = "cluster")]
fn stdout_color(cli: &Cli) -> bool {
    match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// `pipec completions SHELL`: generated from the clap definitions above, so it never lags them.
fn completions(shell: clap_complete::Shell) -> u8 {
    let mut stdout = std::io::stdout().lock();
    clap_complete::generate(shell, &mut Cli::command(), "pipec", &mut stdout);
    write_result(stdout.flush())
}

/// `pipec man [SUBCOMMAND]`: the manual page, from the same definitions, or a subcommand's page
/// (its options in full; the main page lists the subcommands as pipec-build(1)…). Printed rather
/// than generated at build time: nothing to keep in the repository, and it always matches the binary.
fn man(subcommand: Option<&str>) -> u8 {
    let mut cli = Cli::command();
    // Gives the subcommands their page names (`pipec-build`) and the global options.
    cli.build();
    let version = cli.get_version().unwrap_or_default().to_string();
    let page = match subcommand {
        None => cli,
        Some(name) => match cli.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).filter(|n| *n != "help").collect();
                eprintln!("pipec: `{name}` is not a subcommand; pages: {}", names.join(", "));
                return 2;
            }
        },
    };
    let man = clap_mangen::Man::new(page).source(format!("pipec {version}"));
    let mut stdout = std::io::stdout().lock();
    write_result(man.render(&mut stdout).and_then(|()| stdout.flush()))
}

fn write_result(result: std::io::Result<()>) -> u8 {
    match result {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("pipec: cannot write to stdout: {e}");
            2
        }
    }
}

/// `pipec check`: the diagnostics only.
fn check(cli: &Cli, files: &[PathBuf]) -> u8 {
    compile(cli, files, Output::Objects).map_or_else(|code| code, |_| 0)
}

/// `-o DIR` and what goes with it.
struct OutDir<'a> {
    dir: &'a Path,
    /// `--check`: compare, write nothing.
    check: bool,
    /// `--kustomization`: a `kustomization.yaml` among the files.
    kustomization: bool,
}

/// `pipec build`: the YAML on stdout, or one file per object in `dir`.
fn build(cli: &Cli, files: &[PathBuf], dir: Option<OutDir>) -> u8 {
    // YAML is written while checking goes on, unless a report needs the checked objects.
    let output = if cli.explain_qos || cli.explain_security { Output::Objects } else { Output::Yaml };
    let compilation = match compile(cli, files, output) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(OutDir { dir, check, kustomization }) = dir {
        let mut files = compilation.yaml_files();
        if kustomization {
            files.push(pipec::driver::kustomization(&files));
        }
        if check {
            return check_dir(cli, dir, &files);
        }
        return match output::replace_dir(dir, &files) {
            Ok(()) => 0,
            Err(message) => {
                eprintln!("pipec: cannot write `{}`: {message}", dir.display());
                2
            }
        };
    }
    let mut stdout = std::io::stdout().lock();
    match compilation.write_yaml(&mut stdout).and_then(|_| stdout.flush()) {
        Ok(()) => 0,
        // A closed pipe (`pipec build … | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("pipec: cannot write to stdout: {e}");
            2
        }
    }
}

/// `build -o DIR --check`: the diff between DIR and the build on stdout, a
/// verdict on stderr; exit 1 when they differ. Nothing is written.
fn check_dir(cli: &Cli, dir: &Path, files: &[(String, String)]) -> u8 {
    let present = match output::read_dir(dir) {
        Ok(present) => present,
        Err(message) => {
            eprintln!("pipec: cannot check `{}`: {message}", dir.display());
            return 2;
        }
    };
    let shown = dir.display().to_string();
    let drift = pipec::driver::Drift::between(&shown, files, present.as_deref().unwrap_or_default());
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_all(drift.render(&shown, color).as_bytes()).and_then(|()| stdout.flush());
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("pipec: cannot write to stdout: {e}");
        return 2;
    }
    match (&present, drift.is_empty()) {
        (_, true) => {
            if !cli.quiet {
                eprintln!("pipec: `{shown}` is up to date ({})", plural(files.len(), "file"));
            }
            0
        }
        (None, false) => {
            eprintln!("pipec: `{shown}` does not exist: the build would write {}", plural(files.len(), "file"));
            1
        }
        (Some(_), false) => {
            eprintln!("pipec: `{shown}` differs from the build: {} (nothing written)", drift.summary());
            1
        }
    }
}

/// `pipec schedule`: the next fire times of every cron.
fn graph(cli: &Cli, files: &[PathBuf], format: pipec::graph::Format) -> u8 {
    match compile(cli, files, Output::Objects) {
        Ok(compilation) => {
            let graph = pipec::graph::of_programs(&compilation.programs);
            let mut stdout = std::io::stdout().lock();
            write_result(
                stdout.write_all(pipec::graph::render(&graph, format).as_bytes()).and_then(|()| stdout.flush()),
            )
        }
        Err(code) => code,
    }
}

fn schedule(cli: &Cli, files: &[PathBuf], next: usize, from: Option<&str>) -> u8 {
    let from = match from.map(pipec::schedule::From::parse) {
        Some(Ok(f)) => f,
        Some(Err(message)) => {
            eprintln!("pipec: {message}");
            return 2;
        }
        // The CLI reads the clock; the core never does.
        None => pipec::schedule::From::Instant(jiff::Timestamp::now()),
    };
    match compile(cli, files, Output::Objects) {
        Ok(compilation) => {
            print!("{}", pipec::schedule::report(&compilation.programs, &from, next));
            0
        }
        Err(code) => code,
    }
}

/// What every compiling subcommand does first: read the files and `--values`,
/// compile, print the diagnostics (and `--explain-qos`). `Err` holds the exit
/// code when there is nothing more to do (errors, or a file that cannot be read).
fn compile(cli: &Cli, files: &[PathBuf], output: Output) -> Result<ManuallyDrop<Compilation>, u8> {
    let mut session = Session::new(check_options(cli)?, &FsLoader);
    let ids = add_inputs(&mut session, files)?;
    // The process ends soon after: freeing a large program's trees and objects
    // one by one would only cost time.
    let compilation = ManuallyDrop::new(pipec::driver::compile_files(session, &ids, output));
    Printer::new(cli).diagnostics(&compilation);
    if cli.explain_qos {
        print_qos(&compilation);
    }
    if cli.explain_security {
        eprint!("{}", pipec::security::report(&compilation.programs));
    }
    if compilation.has_errors() { Err(1) } else { Ok(compilation) }
}

/// Reads the files and directories named on the command line into `session`;
/// the programs to compile, in order. A directory gives its programs (the files
/// no other file of it imports: driver/tree.rs), in path order.
fn add_inputs(session: &mut Session, files: &[PathBuf]) -> Result<Vec<pipec::source::FileId>, u8> {
    let mut ids = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for path in files {
        let found = if path.is_dir() {
            match pipec::loader::pipe_files(path) {
                Ok(found) if found.is_empty() => {
                    eprintln!("pipec: cannot read `{}`: there is no .pipe file under it", path.display());
                    return Err(2);
                }
                Ok(found) => found,
                Err(message) => {
                    eprintln!("pipec: cannot read {message}");
                    return Err(2);
                }
            }
        } else {
            vec![path.clone()]
        };
        let mut added = Vec::new();
        for path in &found {
            match pipec::loader::read(path) {
                // Bytes, not text: a file that is not UTF-8 is a diagnostic like any other.
                Ok(bytes) => added.push(session.add_bytes(path.display().to_string(), bytes)),
                Err(message) => {
                    eprintln!("pipec: cannot read `{}`: {message}", path.display());
                    return Err(2);
                }
            }
        }
        let programs: std::collections::HashSet<_> =
            if path.is_dir() { pipec::driver::programs(session, &added) } else { added.clone() }.into_iter().collect();
        for (id, path) in added.iter().zip(&found) {
            // A file named twice (`deploy deploy/web.pipe`) is one program, not a clash with itself.
            let first = seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()));
            if first && programs.contains(id) {
                ids.push(*id);
            }
        }
    }
    Ok(ids)
}

/// `--kube-version`, `--limit`, `--values` and `--set` (which wins over `--values`).
fn check_options(cli: &Cli) -> Result<CheckOptions, u8> {
    let mut params = Vec::new();
    for file in &cli.values {
        match read_values(file) {
            Ok(values) => params.extend(values),
            Err(message) => {
                eprintln!("pipec: cannot read `{}`: {message}", file.display());
                return Err(2);
            }
        }
    }
    params.extend(cli.set.iter().map(|(n, v)| (n.clone(), ParamInput::Text(v.clone()))));
    let mut limits = pipec::limits::Limits::default();
    for setting in &cli.limits {
        limits.set(setting).expect("checked by parse_limit");
    }
    Ok(CheckOptions {
        kube_version: cli.kube_version,
        params,
        limits,
        managed_by: cli.managed_by.clone(),
        target: cli.target,
    })
}

/// `--values FILE`: a YAML or JSON map of param names to values.
fn read_values(path: &Path) -> Result<Vec<(String, ParamInput)>, String> {
    let bytes = pipec::loader::read(path)?;
    let text = String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
    let data: serde_json::Value = serde_norway::from_str(&text).map_err(|e| format!("not YAML: {e}"))?;
    pipec::driver::param_inputs(data)
}

fn explain(code: &str) -> u8 {
    match Code::parse(code) {
        Some(c) => {
            print!("{}", c.page());
            0
        }
        None => {
            let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            let hint = match pipec::diag::closest(&code.to_ascii_uppercase(), all.iter().copied()) {
                Some(best) => format!("; did you mean {best}?"),
                None => format!("; codes run from {} to {}", all[0], all[all.len() - 1]),
            };
            eprintln!("pipec: `{code}` is not a pipec diagnostic code{hint}");
            2
        }
    }
}

pub(crate) struct Printer {
    format: MessageFormat,
    color: bool,
    pub(crate) quiet: bool,
}

impl Printer {
    fn new(cli: &Cli) -> Printer {
        let color = match cli.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        Printer { format: cli.message_format, color, quiet: cli.quiet }
    }

    /// Diagnostics as text, for `pipec fmt` (which has no compilation).
    fn render(&self, diags: &[Diagnostic], sources: &pipec::source::SourceMap) -> String {
        match self.format {
            MessageFormat::Sarif => render::sarif(diags, sources),
            MessageFormat::Json => diags.iter().map(|d| render::json(d, sources) + "\n").collect(),
            MessageFormat::Human => diags.iter().map(|d| render::human(d, sources, self.color) + "\n").collect(),
        }
    }

    fn diagnostics(&self, c: &Compilation) {
        self.list(&c.diagnostics, &c.sources);
    }

    /// Diagnostics in the chosen format, then the count of errors and warnings.
    pub(crate) fn list(&self, diagnostics: &[Diagnostic], sources: &pipec::source::SourceMap) {
        let mut err = std::io::stderr().lock();
        let shown: Vec<Diagnostic> = diagnostics.iter().filter(|d| !self.quiet || d.is_error()).cloned().collect();
        if let MessageFormat::Sarif = self.format {
            let _ = err.write_all(render::sarif(&shown, sources).as_bytes());
            return;
        }
        for d in &shown {
            let text = match self.format {
                MessageFormat::Json => render::json(d, sources) + "\n",
                // A blank line between diagnostics, as in the snapshots.
                _ => render::human(d, sources, self.color) + "\n",
            };
            let _ = err.write_all(text.as_bytes());
        }
        if matches!(self.format, MessageFormat::Human) && !self.quiet {
            let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
            let warnings = diagnostics.len() - errors;
            if errors + warnings > 0 {
                let _ = writeln!(err, "pipec: {} and {}", plural(errors, "error"), plural(warnings, "warning"));
            }
        }
    }
}

/// `qos: job/stable-test: BestEffort (no container sets cpu or memory)`, one line per workload.
fn print_qos(c: &Compilation) {
    let mut err = std::io::stderr().lock();
    for program in &c.programs {
        for (name, pod) in program.objects.iter().flat_map(pipec::ir::Object::pods) {
            let (class, why) = pipec::qos::classify(pod);
            let why = why.map(|b| format!(" ({})", b.reason)).unwrap_or_default();
            let _ = writeln!(err, "qos: {name}: {}{why}", class.as_str());
        }
    }
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}
