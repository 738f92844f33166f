//! The parser's fast path (src/syntax/fast.rs) against pest: at every item start
//! the pest path visits, the fast path either declines or gives exactly the item
//! (spans included) and the end pest gives. And it must take every item of the
//! examples and of the benchmark program, or the speed-up would quietly be lost.

use pipec::limits::Limits;
use pipec::source::FileId;
use pipec::syntax::{FastPathReport, check_fast_path};
use std::path::{Path, PathBuf};

fn check(name: &str, src: &str) -> FastPathReport {
    check_fast_path(FileId(0), src, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_all_fast(name: &str, src: &str) {
    let report = check(name, src);
    let declined: Vec<_> = report.declined.iter().map(|&at| src[at..].lines().next().unwrap_or("")).collect();
    assert!(declined.is_empty(), "{name}: the fast path declined {declined:?}");
}

fn pipe_files(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "pipe") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut out);
    out.sort();
    out
}

/// Not UTF-8 files (a test case may be one) are skipped: the parser takes `&str`.
fn read(path: &Path) -> Option<String> {
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

/// The written-out workload program, as bench/gen-written-out.py writes it.
fn written_out(n: usize) -> String {
    let mut s = String::from(
        "# The shared Job workload, written out (bench/gen-written-out.py)\nnamespace \"batch\"\n\
         config soak-config   # exists in the cluster; not emitted\n\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "job job-{i} {{\n  labels = {{ app: \"soak\", tier: \"offline\", index: \"{i}\" }}\n  completions = 1000\n  \
             parallelism = 2\n  retries = 4\n  deadline = 7d\n  restart = never\n  volume cfg = config(soak-config)\n  \
             container main {{\n    image = \"registry.example.com/soak:1.{}\"\n    pull = always\n    \
             command = [\"/bin/run\", \"--case\", \"{i}\"]\n    env {{ CASE = \"{i}\" }}\n    \
             resources {{ cpu = 500m, memory = 300Mi }}\n    mount cfg at \"/etc/soak\"\n  }}\n}}\n",
            i % 10
        ));
    }
    s
}

#[test]
fn every_pipe_file_parses_the_same_both_ways() {
    let mut files = 0;
    for dir in ["tests/cases", "examples", "stdlib", "tests/fuzz-regressions", "bench", "tests/modules"] {
        for path in pipe_files(dir) {
            if let Some(src) = read(&path) {
                check(&path.display().to_string(), &src);
                files += 1;
            }
        }
    }
    assert!(files > 50, "only {files} .pipe files found");
}

#[test]
fn the_fast_path_takes_every_item_of_the_examples_and_the_benchmark() {
    for dir in ["examples", "stdlib", "bench"] {
        for path in pipe_files(dir) {
            let src = read(&path).expect("examples are UTF-8");
            assert_all_fast(&path.display().to_string(), &src);
        }
    }
    let bench = written_out(200);
    let report = check("written-out", &bench);
    assert_eq!((report.items, report.fast), (202, 202));
}

/// Every prefix of a program: unterminated strings, blocks, calls, a `${` cut
/// open, a comment at the end of the input…
#[test]
fn every_truncation_parses_the_same_both_ways() {
    for name in ["examples/stdlib/data-sync.pipe", "examples/log-agent.pipe", "stdlib/soak.pipe"] {
        let src = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).expect("readable");
        for cut in (0..=src.len()).filter(|&i| src.is_char_boundary(i)) {
            check(&format!("{name} cut at {cut}"), &src[..cut]);
        }
    }
}

/// Every program with one byte (or character) left out.
#[test]
fn every_deletion_parses_the_same_both_ways() {
    let name = "examples/soak.pipe";
    let src = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).expect("readable");
    for (at, c) in src.char_indices() {
        let text = format!("{}{}", &src[..at], &src[at + c.len_utf8()..]);
        check(&format!("{name} without byte {at}"), &text);
    }
}

/// Spans pest gives in its own way (a pair ends past the whitespace and comments
/// after an optional part that is absent), operator folding, and the choices
/// where pest goes one way or the other: each is taken by the fast path and must
/// come out as pest has it.
#[test]
fn tricky_items_are_taken_and_agree() {
    let items = [
        "config x   # a comment\n\n# another\n",
        "secret \"s-${a}\" { keys = [\"a\",] , }",
        "param n: int\n",
        "param xs: list< list<string> >   # nested\n",
        "param n: map<int> = 3 + 4 * 5 - 6 / 7 % 8 # c\n",
        "let a = -b.c[1].d   # prefix before postfix\n",
        "let a = ! - x",
        "let a = (1 + 2) * (3)",
        "let a = 1 || 2 && 3 == 4 != 5 < 6 <= 7 > 8 >= 9 .. 10 + 11",
        "let a = 0..n",
        "let a = a-b - c -d",
        "let a = 1.5Gi + 1h30m + 1e3 + 1. + 2_000",
        "let a = f (x, y = 1, z == 2, w,)",
        "let a = config(app) + secret(db, \"k\")",
        "let a = a . b . c",
        "let a = if x > 1 then \"a\" else if y then [1, 2] else {a: 1, \"b\" = 2,}  # trailing\n",
        "let a = [if a then b else c ]",
        "let a = true && false",
        "let a = \"\\\"\\\\\\n\\t\\r\\$ $x ${ a + \"${b}\" } é ${c}\"",
        "let a = \"\"",
        "let a = \"${ a # a comment\n }\"",
        "let a = 1 #c\n + 2",
        // Spans end at the last token, whatever trivia follows (pest's pairs end past it).
        "job a { image = \"x\"/b/c.d\n}",
        "job a { image = b + c[1]   # c\n x = -d.e\n y = 1 + f(x) # c\n}",
        "let a = b * c.d   \n",
        "param p: int = 1 + a.b  # c\n",
        "template t(a: int = 1 + b.c  , b: int = 2 + c ) { }",
        "let a = if x then y else z + w.v  # c\n",
        "import \"std/soak\"",
        "namespace \"ns\"",
        "defaults { pod-security = restricted, run-as-user = 65534 }",
        "job a = soak . test ( image = \"x\" )  \n",
        "job a = t() { mount x at \"/p\" readonly subpath \"s\" , mount y at \"/q\" # c\n }",
        "cron b { container c { image = \"x\" } volume v = empty-dir(), template { } if = 1, true = 2 }",
        "job a { c { } d = {a: 1} e = 2\n f = 3 }",
        "job a { container c {}\n volume v   = empty-dir()  # c\n}",
        "daemon \"d\" { \"app.yaml\" = 1, raw { a = { b: [1] } } }",
        "template t(a: int, b: string = \"x\",) { image = b }",
        "template t() { }",
        "for i in 0..n { job \"j-${i}\" = t(i = i)\n config c }",
        "for k, v in {a: 1} { let x = v }",
    ];
    for src in items {
        let report = check(src, src);
        assert_eq!((report.items, report.fast), (1, 1), "{src:?}: {report:?}");
    }
}

/// What the builder reports (or pest refuses) the fast path declines.
#[test]
fn items_with_diagnostics_or_errors_are_declined() {
    let operators = format!("let a = {}", vec!["1"; Limits::default().operators + 2].join(" + "));
    let items = [
        "let a = \"\\q\"",
        "let a = \"${}\"",
        "let a = {\"${k}\": 1}",
        "let a = \"unterminated",
        "let a = \"two\nlines\"",
        "job a { image = }",
        "job a { mount = 1 }",
        // A value on the line of its `=`, a label on its key's line, entries apart.
        "job a { image =\n \"x\" }",
        "job a { image = # c\n \"x\" }",
        "let a =\n 1",
        "job a { container\n c { } }",
        "job a { volume v =\n empty-dir() }",
        "job a { image = \"x\" \"y\" }",
        "job a { a = 1 b = 2 }",
        "job a { a = [1] b { } }",
        "job a { retri }",
        "let a = f(,)",
        "let a = if(x)",
        "defaults pod-security",
        operators.as_str(),
    ];
    for src in items {
        let report = check(src, src);
        assert_eq!(report.fast, 0, "{src:?}: {report:?}");
    }
}
