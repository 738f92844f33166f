//! The `pipec` command line: reads files, calls the IO-free core, renders
//! diagnostics, writes output. Exit codes: 0 ok, 1 diagnostics with errors,
//! 2 usage or I/O error.

mod output;

use clap::{Parser, Subcommand, ValueEnum};
use pipec::check::ParamInput;
use pipec::check::value::Value;
use pipec::diag::{Code, Diagnostic, Severity, render};
use pipec::version::KubeVersion;
use pipec::{Compilation, FsLoader, Options};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pipec",
    version,
    about = "Compile .pipe programs to Kubernetes Job, CronJob, DaemonSet and ConfigMap YAML"
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
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write `<kind>-<name>.yaml` files into DIR (replaced as a whole, atomically).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Check programs and print diagnostics only.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the page for a diagnostic code: what it means, a wrong example and the fix.
    Explain {
        /// A code such as P0101.
        code: String,
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
    if let Command::Explain { code } = &cli.command {
        return explain(code);
    }
    let files = match &cli.command {
        Command::Explain { .. } => unreachable!("handled above"),
        Command::Build { files, .. } | Command::Check { files } | Command::Schedule { files, .. } => files,
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let printer = Printer { format: cli.message_format, color, quiet: cli.quiet };

    let mut inputs = Vec::new();
    for path in files {
        match read_source(path) {
            Ok(text) => inputs.push((path.display().to_string(), text)),
            Err(ReadError::Io(message)) => {
                eprintln!("pipec: cannot read `{}`: {message}", path.display());
                return 2;
            }
            Err(ReadError::NotUtf8 { line, column }) => {
                printer.not_utf8(&path.display().to_string(), line, column);
                return 2;
            }
        }
    }
    let mut params = Vec::new();
    for file in &cli.values {
        match read_values(file) {
            Ok(values) => params.extend(values),
            Err(message) => {
                eprintln!("pipec: cannot read `{}`: {message}", file.display());
                return 2;
            }
        }
    }
    params.extend(cli.set.iter().map(|(n, v)| (n.clone(), ParamInput::Text(v.clone()))));
    // `build` writes YAML while checking goes on; reports that read the checked objects keep them.
    let output = match &cli.command {
        Command::Build { .. } if cli.explain_qos || cli.explain_security => pipec::Output::Objects,
        Command::Build { .. } => pipec::Output::Yaml,
        _ => pipec::Output::Objects,
    };
    let mut limits = pipec::limits::Limits::default();
    for setting in &cli.limits {
        limits.set(setting).expect("checked by parse_limit");
    }
    let options = Options { kube_version: cli.kube_version, params, output, limits };
    let compilation = pipec::compile(inputs, &FsLoader, &options);
    // The process ends right after this function: freeing a large program's
    // trees and objects one by one would only cost time.
    let compilation = std::mem::ManuallyDrop::new(compilation);
    printer.diagnostics(&compilation);
    if cli.explain_qos {
        print_qos(&compilation);
    }
    if cli.explain_security {
        eprint!("{}", pipec::security::report(&compilation.programs));
    }
    if compilation.has_errors() {
        return 1;
    }
    match &cli.command {
        Command::Check { .. } | Command::Explain { .. } => 0,
        Command::Schedule { next, from, .. } => {
            let from = match from.as_deref().map(pipec::schedule::From::parse) {
                Some(Ok(f)) => f,
                Some(Err(message)) => {
                    eprintln!("pipec: {message}");
                    return 2;
                }
                // The CLI reads the clock; the core never does.
                None => pipec::schedule::From::Instant(jiff::Timestamp::now()),
            };
            print!("{}", pipec::schedule::report(&compilation.programs, &from, *next));
            0
        }
        Command::Build { output: None, .. } => {
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
        Command::Build { output: Some(dir), .. } => match output::replace_dir(dir, &compilation.yaml_files()) {
            Ok(()) => 0,
            Err(message) => {
                eprintln!("pipec: cannot write `{}`: {message}", dir.display());
                2
            }
        },
    }
}

/// `--values FILE`: a YAML or JSON map of param names to values. Scalars are read
/// like `--set` text (so `timeout: 30m` is a duration where the param is one).
fn read_values(path: &PathBuf) -> Result<Vec<(String, ParamInput)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => e.to_string(),
    })?;
    let data: serde_json::Value = serde_norway::from_str(&text).map_err(|e| format!("not YAML: {e}"))?;
    let serde_json::Value::Object(map) = data else {
        return Err("it must be a map of param names to values, e.g. `replicas: 8`".into());
    };
    Ok(map.into_iter().map(|(k, v)| (k, to_param_input(v))).collect())
}

fn to_param_input(v: serde_json::Value) -> ParamInput {
    match v {
        serde_json::Value::String(s) => ParamInput::Text(s),
        serde_json::Value::Number(n) => ParamInput::Text(n.to_string()),
        serde_json::Value::Bool(b) => ParamInput::Text(b.to_string()),
        other => ParamInput::Data(to_value(other)),
    }
}

fn to_value(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Str(String::new()),
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => n.as_i64().map(Value::Int).unwrap_or_else(|| Value::Number(n.to_string())),
        serde_json::Value::String(s) => Value::Str(s),
        serde_json::Value::Array(items) => Value::List(items.into_iter().map(to_value).collect()),
        serde_json::Value::Object(map) => Value::Map(map.into_iter().map(|(k, v)| (k, to_value(v))).collect()),
    }
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

enum ReadError {
    Io(String),
    NotUtf8 { line: usize, column: usize },
}

fn read_source(path: &PathBuf) -> Result<String, ReadError> {
    if path.is_dir() {
        return Err(ReadError::Io("it is a directory".into()));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        ReadError::Io(match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => e.to_string(),
        })
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
        ReadError::NotUtf8 { line, column }
    })
}

struct Printer {
    format: MessageFormat,
    color: bool,
    quiet: bool,
}

impl Printer {
    fn diagnostics(&self, c: &Compilation) {
        let mut err = std::io::stderr().lock();
        let shown: Vec<Diagnostic> = c.diagnostics.iter().filter(|d| !self.quiet || d.is_error()).cloned().collect();
        if let MessageFormat::Sarif = self.format {
            let _ = err.write_all(render::sarif(&shown, &c.sources).as_bytes());
            return;
        }
        for d in &shown {
            let text = match self.format {
                MessageFormat::Json => render::json(d, &c.sources) + "\n",
                // A blank line between diagnostics, as in the snapshots.
                _ => render::human(d, &c.sources, self.color) + "\n",
            };
            let _ = err.write_all(text.as_bytes());
        }
        if matches!(self.format, MessageFormat::Human) && !self.quiet {
            let errors = c.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
            let warnings = c.diagnostics.len() - errors;
            if errors + warnings > 0 {
                let _ = writeln!(err, "pipec: {} and {}", plural(errors, "error"), plural(warnings, "warning"));
            }
        }
    }

    fn not_utf8(&self, file: &str, line: usize, column: usize) {
        let d = Diagnostic {
            code: Code::NotUtf8,
            severity: Severity::Error,
            message: format!("`{file}` is not UTF-8 text: invalid byte at line {line}, column {column}"),
            primary: None,
            secondary: Vec::new(),
            help: Some("pipec reads UTF-8 source; is this the right file? Re-save it as UTF-8 if it is".into()),
        };
        let sources = pipec::source::SourceMap::new();
        let text = match self.format {
            MessageFormat::Human => render::human(&d, &sources, self.color),
            MessageFormat::Json => render::json(&d, &sources) + "\n",
            MessageFormat::Sarif => render::sarif(std::slice::from_ref(&d), &sources),
        };
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
}

/// `qos: job/stable-test: BestEffort (no container sets cpu or memory)`, one line per workload.
fn print_qos(c: &Compilation) {
    let mut err = std::io::stderr().lock();
    for program in &c.programs {
        for object in &program.objects {
            let (kind, meta, pod) = match object {
                pipec::ir::Object::Job(j) => ("job", &j.meta, &j.pod),
                pipec::ir::Object::Cron(cr) => ("cron", &cr.meta, &cr.pod),
                pipec::ir::Object::Daemon(d) => ("daemon", &d.meta, &d.pod),
                pipec::ir::Object::Config(_) => continue,
            };
            let (class, why) = pipec::qos::classify(pod);
            let why = why.map(|b| format!(" ({})", b.reason)).unwrap_or_default();
            let _ = writeln!(err, "qos: {kind}/{}: {}{why}", meta.name, class.as_str());
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}
