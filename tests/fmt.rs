//! `pipec fmt`: golden input/output pairs (`tests/fmt/*.in.pipe` → `*.out.pipe`),
//! a fixed point over every program in the repository that compiles to the same
//! YAML, formatting that ignores perturbed whitespace, and the command line.
//!
//! Regenerate the golden outputs with `UPDATE_FMT=1 cargo test --test fmt`, then
//! read every changed `.out.pipe`: it is exactly what a user gets.

use pipec::fmt::format_source;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn rel(path: &Path) -> String {
    path.strip_prefix(ROOT).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

fn pipe_files(dir: &str) -> Vec<PathBuf> {
    pipec::loader::pipe_files(&Path::new(ROOT).join(dir)).unwrap()
}

fn format(name: &str, text: &str) -> String {
    format_source(name, text).unwrap_or_else(|d| panic!("{name} does not format: {d:?}"))
}

#[test]
fn golden_pairs() {
    let update = std::env::var_os("UPDATE_FMT").is_some();
    let mut pairs = 0;
    for input in pipe_files("tests/fmt") {
        let name = rel(&input);
        let Some(stem) = name.strip_suffix(".in.pipe") else { continue };
        let expected_path = Path::new(ROOT).join(format!("{stem}.out.pipe"));
        let got = format(&name, &std::fs::read_to_string(&input).unwrap());
        if update {
            std::fs::write(&expected_path, &got).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| panic!("{stem}.out.pipe is missing"));
        assert_eq!(got, expected, "{name}: the output differs from {stem}.out.pipe");
        assert_eq!(format(&name, &expected), expected, "{stem}.out.pipe is not a fixed point");
        pairs += 1;
    }
    assert!(pairs >= 12, "only {pairs} golden pairs");
}

/// A test file may set options in a comment line: `# test-options: --kube-version 1.30`
/// (as in tests/compile.rs).
fn test_options(text: &str) -> pipec::Options {
    let mut options = pipec::Options::default();
    for line in text.lines().filter_map(|l| l.strip_prefix("# test-options:")) {
        let mut words = line.split_whitespace();
        while let (Some(flag), Some(value)) = (words.next(), words.next()) {
            match flag {
                "--kube-version" => options.kube_version = pipec::version::KubeVersion::parse(value).unwrap(),
                "--limit" => options.limits.set(value).unwrap(),
                "--target" => options.target = pipec::target::Target::parse(value).unwrap(),
                "--set" => {
                    let (k, v) = value.split_once('=').unwrap();
                    options.params.push((k.to_string(), pipec::check::ParamInput::Text(v.to_string())));
                }
                other => panic!("unknown test option {other:?}"),
            }
        }
    }
    options
}

/// What compiling `text` as the file `name` gives: the YAML, and each
/// diagnostic's code and message (positions aside: formatting moves them).
fn compiled(name: &str, text: &str) -> (String, Vec<String>) {
    let c = pipec::compile(vec![(name.to_string(), text.to_string())], &pipec::FsLoader, &test_options(text));
    let diags = c.diagnostics.iter().map(|d| format!("{} {}", d.code.as_str(), d.message)).collect();
    let yaml = if c.has_errors() { String::new() } else { c.yaml_stream().into_owned() };
    (yaml, diags)
}

/// Every `.pipe` file of the repository that parses is a fixed point after one
/// formatting, and the programs compile to the same YAML (and the same
/// diagnostics) formatted or not. Files with syntax errors are refused.
#[test]
fn every_program_is_a_fixed_point_and_compiles_the_same() {
    let mut files: Vec<PathBuf> = ["examples", "stdlib", "tests", "bench"].iter().flat_map(|d| pipe_files(d)).collect();
    files.sort();
    let (mut formatted, mut refused, mut compared) = (0, 0, 0);
    for path in &files {
        let name = rel(path);
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let once = match format_source(&name, &text) {
            Ok(once) => once,
            Err(diags) => {
                assert!(diags.iter().all(|d| d.is_error()) && !diags.is_empty(), "{name}");
                refused += 1;
                continue;
            }
        };
        formatted += 1;
        assert_eq!(format(&name, &once), once, "{name}: formatting twice differs from formatting once");
        for round in 0..rounds() {
            let shaken = perturb(&text, round * 7919 + name.len() as u64);
            assert_eq!(format(&name, &shaken), once, "{name} round {round}: layout changed the output:\n{shaken}");
        }
        // The module files and the editors' fixtures are not programs on their own.
        if name.starts_with("tests/fmt/") || name.contains("/lib/") || name.starts_with("tests/modules/") {
            continue;
        }
        assert_eq!(compiled(&name, &once), compiled(&name, &text), "{name}: formatting changes what it compiles to");
        compared += 1;
    }
    assert!(formatted >= 150 && compared >= 100, "{formatted} formatted, {compared} compiled");
    assert!(refused >= 5, "the syntax-error cases are refused ({refused})");
}

/// Shakes per file: `FMT_ROUNDS=500 cargo test --test fmt` for a longer search.
fn rounds() -> u64 {
    std::env::var("FMT_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(3)
}

/// A small seeded generator (xorshift64*): the perturbations are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn spaces(&mut self) -> &'static str {
        ["", " ", "  ", "\t", "    ", " \t"][self.below(6) as usize]
    }
}

/// The end of the string literal starting at `i` (a `"`), past `${…}` parts
/// and the strings inside them.
fn string_end(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            b'\n' => return j,
            b'$' if b.get(j + 1) == Some(&b'{') => {
                j += 2;
                let mut depth = 1;
                while j < b.len() && depth > 0 {
                    match b[j] {
                        b'"' => j = string_end(b, j) - 1,
                        b'{' => depth += 1,
                        b'}' => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
            }
            _ => j += 1,
        }
    }
    j
}

/// `src` with its layout shaken but its meaning and its line structure kept:
/// every run of whitespace outside strings and comments becomes other
/// whitespace of the same kind (none, one or several line breaks), spaces
/// appear inside brackets and after commas, and comment lines get trailing spaces.
fn perturb(src: &str, seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let b = src.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len() * 2);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                let end = src[i..].find('\n').map_or(b.len(), |n| i + n);
                out.extend_from_slice(&b[i..end]);
                out.extend_from_slice(rng.spaces().as_bytes());
                i = end;
            }
            b'"' => {
                let end = string_end(b, i);
                out.extend_from_slice(&b[i..end]);
                i = end;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {
                let end = i + b[i..].iter().take_while(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n')).count();
                let newlines = b[i..end].iter().filter(|&&c| c == b'\n').count();
                let mut run = String::from(rng.spaces());
                for _ in 0..match newlines {
                    0 => 0,
                    1 => 1,
                    _ => 2 + rng.below(3) as usize,
                } {
                    run.push('\n');
                    run.push_str(rng.spaces());
                }
                if run.is_empty() {
                    run.push(' ');
                }
                out.extend_from_slice(run.as_bytes());
                i = end;
            }
            c @ (b'(' | b'[' | b'{' | b',') => {
                out.push(c);
                i += 1;
                if b.get(i).is_some_and(|n| !n.is_ascii_whitespace()) && rng.below(2) == 0 {
                    out.push(b' ');
                }
            }
            c @ (b')' | b']' | b'}') => {
                if out.last().is_some_and(|p| !p.is_ascii_whitespace()) && rng.below(2) == 0 {
                    out.push(b' ');
                }
                out.push(c);
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("only ASCII is inserted")
}

/// Formatting never depends on the layout it is given: each program that
/// compiles, shaken three ways, formats to exactly the text it formats to
/// unshaken, and the shaken program and its formatted form compile to the YAML
/// of the original.
#[test]
fn formatting_ignores_layout_and_never_changes_the_yaml() {
    let mut files = pipe_files("tests/cases/ok");
    files.extend(pipe_files("examples"));
    let mut checked = 0;
    for path in files.iter().filter(|p| !rel(p).contains("/lib/")) {
        let name = rel(path);
        let text = std::fs::read_to_string(path).unwrap();
        let canonical = format(&name, &text);
        let original = compiled(&name, &text);
        let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
        for round in 0..rounds() {
            let shaken = perturb(&text, hash.wrapping_add(round));
            assert_eq!(compiled(&name, &shaken).0, original.0, "{name} round {round}: the test shook the meaning");
            let got = format(&name, &shaken);
            assert_eq!(got, canonical, "{name} round {round}: layout changed the output; shaken:\n{shaken}");
        }
        assert_eq!(compiled(&name, &canonical).0, original.0, "{name}: formatting changed the YAML");
        checked += 1;
    }
    assert!(checked >= 25, "{checked}");
}

#[test]
fn the_perturbation_keeps_strings_and_comments() {
    let src = "let a = \"x  ${ f(\"}\") }  y\" # c\njob b {image=a}\n";
    let shaken = perturb(src, 7);
    assert!(shaken.contains("\"x  ${ f(\"}\") }  y\""), "{shaken}");
    assert!(shaken.contains("# c"), "{shaken}");
    assert_eq!(shaken.matches('\n').count(), 2, "{shaken}");
}

// ---- the command line -----------------------------------------------------------

fn pipec(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipec"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the pipec binary runs")
}

const UNFORMATTED: &str = "job a {\n    image   = \"busybox:1.36\"\n}\n";
const FORMATTED: &str = "job a {\n  image = \"busybox:1.36\"\n}\n";

#[test]
fn check_lists_what_would_change_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ugly.pipe"), UNFORMATTED).unwrap();
    std::fs::write(dir.path().join("fine.pipe"), FORMATTED).unwrap();

    let out = pipec(dir.path(), &["fmt", "--check", "fine.pipe"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());

    let out = pipec(dir.path(), &["fmt", "--check", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "./ugly.pipe\n");
    assert_eq!(std::fs::read_to_string(dir.path().join("ugly.pipe")).unwrap(), UNFORMATTED, "--check writes nothing");
}

#[test]
fn fmt_rewrites_files_in_place_and_only_those_that_change() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/ugly.pipe"), UNFORMATTED).unwrap();
    std::fs::write(dir.path().join("fine.pipe"), FORMATTED).unwrap();
    std::fs::write(dir.path().join("notes.txt"), UNFORMATTED).unwrap();

    let out = pipec(dir.path(), &["fmt", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "./sub/ugly.pipe\n", "only changed files are named");
    assert_eq!(std::fs::read_to_string(dir.path().join("sub/ugly.pipe")).unwrap(), FORMATTED);
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), UNFORMATTED, "not a .pipe file");
    let mut names: Vec<_> =
        std::fs::read_dir(dir.path().join("sub")).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["ugly.pipe"], "no temporary file is left behind");

    let again = pipec(dir.path(), &["fmt", "--check", "sub/ugly.pipe", "fine.pipe"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty());
}

#[test]
fn a_file_with_syntax_errors_is_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "job a {\n    image = \n}\n";
    std::fs::write(dir.path().join("broken.pipe"), broken).unwrap();
    std::fs::write(dir.path().join("ugly.pipe"), UNFORMATTED).unwrap();

    let out = pipec(dir.path(), &["fmt", "broken.pipe", "ugly.pipe"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("× ") && stderr.contains("broken.pipe:2:"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("broken.pipe")).unwrap(), broken);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ugly.pipe")).unwrap(),
        FORMATTED,
        "the other files are formatted"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ugly.pipe\n");
}

#[test]
fn fmt_dash_reads_stdin_and_writes_stdout() {
    let run = |args: &[&str], input: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pipec"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(&["fmt", "-"], UNFORMATTED);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), FORMATTED);
    assert_eq!(run(&["fmt", "--check", "-"], UNFORMATTED).status.code(), Some(1));
    let fine = run(&["fmt", "--check", "-"], FORMATTED);
    assert_eq!(fine.status.code(), Some(0));
    assert!(fine.stdout.is_empty());
    assert_eq!(run(&["fmt", "-"], "job {").status.code(), Some(1));
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = pipec(dir.path(), &["fmt", "missing.pipe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read `missing.pipe`"));
}
