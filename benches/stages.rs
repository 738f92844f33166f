//! Per-stage micro-benchmarks (divan): parse, check (with expansion), lower, emit.
//! `cargo bench --bench stages`. Whole-process figures against peers: BENCHMARKS.md.

use pipec::source::{FileId, SourceMap};

fn main() {
    divan::main();
}

/// The written-out workload program with `n` jobs (as bench/gen-written-out.py writes it).
fn written_out(n: usize) -> String {
    let mut s = String::from("namespace \"batch\"\nconfig soak-config\n");
    for i in 0..n {
        s.push_str(&format!(
            "job job-{i} {{\n  labels = {{ app: \"soak\", tier: \"offline\", index: \"{i}\" }}\n  completions = 1000\n  parallelism = 2\n  \
             retries = 4\n  deadline = 7d\n  restart = never\n  volume cfg = config(soak-config)\n  container main {{\n    \
             image = \"registry.example.com/soak:1.{}\"\n    pull = always\n    command = [\"/bin/run\", \"--case\", \"{i}\"]\n    \
             env {{ CASE = \"{i}\" }}\n    resources {{ cpu = 500m, memory = 300Mi }}\n    mount cfg at \"/etc/soak\"\n  }}\n}}\n",
            i % 10
        ));
    }
    s
}

const SIZES: &[usize] = &[100, 1000];

#[divan::bench(args = SIZES)]
fn parse(bencher: divan::Bencher, n: usize) {
    let text = written_out(n);
    bencher.bench(|| pipec::syntax::parse(FileId(0), divan::black_box(&text)));
}

#[divan::bench(args = SIZES)]
fn check(bencher: divan::Bencher, n: usize) {
    let text = written_out(n);
    let mut sources = SourceMap::new();
    let id = sources.add("bench.pipe", text.clone());
    let (ast, _) = pipec::syntax::parse(id, &text);
    let options = pipec::Options::default();
    bencher.bench(|| pipec::check::check(&sources, id, &ast, &[], &pipec::FsLoader, &options, None));
}

#[divan::bench(args = SIZES)]
fn lower(bencher: divan::Bencher, n: usize) {
    let text = written_out(n);
    let mut sources = SourceMap::new();
    let id = sources.add("bench.pipe", text.clone());
    let (ast, _) = pipec::syntax::parse(id, &text);
    let (program, _) = pipec::check::check(&sources, id, &ast, &[], &pipec::FsLoader, &pipec::Options::default(), None);
    bencher.bench(|| pipec::lower::lower(divan::black_box(&program)));
}

#[divan::bench(args = SIZES)]
fn emit(bencher: divan::Bencher, n: usize) {
    let text = written_out(n);
    let c = pipec::compile(vec![("bench.pipe".into(), text)], &pipec::FsLoader, &pipec::Options::default());
    assert!(!c.has_errors());
    let objects = c.objects();
    bencher.bench(|| pipec::emit::stream(divan::black_box(&objects)));
}
