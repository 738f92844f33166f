//! The language server's latency on a 2,000-line file (divan): the diagnostics after a
//! one-character edit (the document re-parsed and re-checked), hover, and completion in a
//! block (on a file that parses, and while the line being typed does not).
//! `cargo bench --bench lsp`; targets and figures: BENCHMARKS.md. With the binary's allocator.

use lsp_types::{
    CompletionParams, DidChangeTextDocumentParams, DidOpenTextDocumentParams, HoverParams, Position, Range,
    TextDocumentContentChangeEvent, TextDocumentIdentifier, TextDocumentItem, TextDocumentPositionParams, Uri,
    VersionedTextDocumentIdentifier,
};
use pipec::lsp::Server;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const JOBS: usize = 105;

/// About 2,000 lines: a `let`, then jobs of 19 lines each with blocks, maps and choices.
fn program() -> String {
    let mut s = String::from("namespace \"batch\"\nlet image = \"registry.example.com/worker:1.8\"\n\n");
    for i in 0..JOBS {
        s.push_str(&format!(
            "job worker-{i} {{\n  image = image\n  args = [\"--shard\", \"{i}\"]\n  completions = 4\n  parallelism = 2\n  \
             retries = 3\n  deadline = 1h\n  ttl = 10m\n  restart = on-failure\n  labels = {{ team: \"data\", shard: \"{i}\" }}\n  \
             env {{\n    MODE = \"fast\"\n    SHARD = \"{i}\"\n  }}\n  resources {{\n    requests {{ cpu = 500m, memory = 512Mi }}\n    \
             limits {{ memory = 1Gi }}\n  }}\n}}\n\n"
        ));
    }
    s
}

fn uri() -> Uri {
    "file:///bench/workers.pipe".parse().unwrap()
}

fn opened(text: String) -> Server {
    let mut server = Server::new(Default::default());
    let published = server.open(DidOpenTextDocumentParams {
        text_document: TextDocumentItem { uri: uri(), language_id: "pipe".into(), version: 1, text },
    });
    assert!(published.diagnostics.is_empty(), "{:?}", published.diagnostics.first());
    server
}

/// The line of the middle job's `retries`.
fn middle_line(text: &str, what: &str) -> u32 {
    let middle = text.find(&format!("job worker-{} ", JOBS / 2)).unwrap();
    let at = middle + text[middle..].find(what).unwrap();
    text[..at].matches('\n').count() as u32
}

#[divan::bench]
fn diagnostics_after_a_one_character_edit(bencher: divan::Bencher) {
    let text = program();
    assert!(text.lines().count() >= 2000, "{} lines", text.lines().count());
    let line = middle_line(&text, "retries = 3");
    let mut server = opened(text);
    let mut version = 1;
    // `retries = 3` ↔ `retries = 4`: one character replaced each time, the file stays valid.
    bencher.bench_local(|| {
        version += 1;
        let digit = if version % 2 == 0 { "4" } else { "3" };
        let range = Range::new(Position::new(line, 12), Position::new(line, 13));
        let published = server
            .change(DidChangeTextDocumentParams {
                text_document: VersionedTextDocumentIdentifier { uri: uri(), version },
                content_changes: vec![TextDocumentContentChangeEvent {
                    range: Some(range),
                    range_length: None,
                    text: digit.into(),
                }],
            })
            .unwrap();
        assert!(published.diagnostics.is_empty());
        published
    });
}

fn at(line: u32, character: u32) -> TextDocumentPositionParams {
    TextDocumentPositionParams {
        text_document: TextDocumentIdentifier { uri: uri() },
        position: Position::new(line, character),
    }
}

#[divan::bench]
fn hover_on_a_key(bencher: divan::Bencher) {
    let text = program();
    let line = middle_line(&text, "retries = 3");
    let server = opened(text);
    bencher.bench_local(|| {
        let params =
            HoverParams { text_document_position_params: at(line, 4), work_done_progress_params: Default::default() };
        server.hover(params).expect("a hover")
    });
}

/// The completions are the keys of the job around the cursor, less those written there.
fn keys_of_a_job(server: &Server, params: CompletionParams) {
    let Some(lsp_types::CompletionResponse::Array(items)) = server.completion(params) else { panic!("completions") };
    let has = |label: &str| items.iter().any(|i| i.label == label);
    assert!(has("container") && has("pull") && !has("image") && !has("ttl"), "{} items", items.len());
}

fn completion(line: u32, character: u32) -> CompletionParams {
    CompletionParams {
        text_document_position: at(line, character),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
        context: None,
    }
}

#[divan::bench]
fn completion_of_keys(bencher: divan::Bencher) {
    // An empty line in the middle job, where a key would be typed.
    let text = program().replacen("  retries = 3\n", "  retries = 3\n\n", JOBS / 2 + 1).replacen(
        "  retries = 3\n\n",
        "  retries = 3\n",
        JOBS / 2,
    );
    let line = middle_line(&text, "retries = 3") + 1;
    let server = opened(text);
    keys_of_a_job(&server, completion(line, 2));
    bencher.bench_local(|| server.completion(completion(line, 2)).expect("completions"));
}

#[divan::bench]
fn completion_while_the_line_does_not_parse(bencher: divan::Bencher) {
    // `  ret` typed on its own line, last in the job: a syntax error there (before a key or a
    // block, `ret` would read as the label of a labeled entry, and the file would parse).
    let text = program().replacen("  }\n}\n", "  }\n  ret\n}\n", JOBS / 2 + 1).replacen(
        "  }\n  ret\n}\n",
        "  }\n}\n",
        JOBS / 2,
    );
    let line = middle_line(&text, "  ret\n");
    let mut server = Server::new(Default::default());
    let published = server.open(DidOpenTextDocumentParams {
        text_document: TextDocumentItem { uri: uri(), language_id: "pipe".into(), version: 1, text },
    });
    assert!(!published.diagnostics.is_empty());
    keys_of_a_job(&server, completion(line, 5));
    assert!(server.document(&uri()).unwrap().broken, "the job is missing from the tree");
    bencher.bench_local(|| server.completion(completion(line, 5)).expect("completions"));
}
