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
    let options = pipec::check::CheckOptions::default();
    bencher.bench(|| {
        let input =
            pipec::check::Input { sources: &sources, file: id, ast: &ast, modules: &[], loader: &pipec::FsLoader };
        pipec::check::check(input, &options, None)
    });
}

/// The objects a compilation kept, lowered as `Compilation::objects` does for tools.
#[divan::bench(args = SIZES)]
fn lower(bencher: divan::Bencher, n: usize) {
    let c = pipec::compile(vec![("bench.pipe".into(), written_out(n))], &pipec::FsLoader, &pipec::Options::default());
    assert!(!c.has_errors());
    bencher.bench(|| divan::black_box(&c).objects());
}

/// The YAML writer over lowered objects: what `build` does per object after lowering.
#[divan::bench(args = SIZES)]
fn emit(bencher: divan::Bencher, n: usize) {
    let c = pipec::compile(vec![("bench.pipe".into(), written_out(n))], &pipec::FsLoader, &pipec::Options::default());
    assert!(!c.has_errors());
    let objects = c.objects();
    bencher.bench(|| {
        let mut out = String::with_capacity(objects.len() * 1024);
        for o in divan::black_box(&objects) {
            pipec::emit::write_object(o, &mut out);
        }
        out
    });
}
