//! `pipec lsp` driven over its protocol: the server loop runs in a thread on lsp-server's memory
//! connection and a small client sends what an editor sends (initialize, initialized, didOpen,
//! didChange, requests, shutdown, exit). Fixtures mark the cursor with `$0`. One test starts the
//! real binary on stdio.
#![cfg(feature = "lsp")]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::thread::JoinHandle;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::notification::{
    DidChangeTextDocument, DidOpenTextDocument, Exit, Initialized, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, Initialize,
    PrepareRenameRequest, References, Rename, Shutdown,
};
use lsp_types::*;
use serde_json::{Value, json};

struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next: i32,
    /// Notifications received while waiting for a response.
    pending: Vec<Notification>,
}

/// The text without its `$0` marker, and the marker's position.
fn cursor(marked: &str) -> (String, Position) {
    let at = marked.find("$0").expect("the fixture marks the cursor with $0");
    let before = &marked[..at];
    let line = before.matches('\n').count() as u32;
    let character = before.rsplit('\n').next().unwrap().encode_utf16().count() as u32;
    (marked.replacen("$0", "", 1), Position { line, character })
}

fn uri(name: &str) -> Uri {
    format!("file:///work/lsp-fixtures/{name}").parse().unwrap()
}

impl Client {
    fn start() -> Client {
        let (server, conn) = Connection::memory();
        let handle = std::thread::spawn(move || pipec::lsp::serve(&server, Default::default()));
        let mut client = Client { conn, server: Some(handle), next: 0, pending: Vec::new() };
        let init = client.request::<Initialize>(json!({ "capabilities": {}, "processId": null, "rootUri": null }));
        assert_eq!(init["serverInfo"]["name"], "pipec");
        assert_eq!(init["capabilities"]["renameProvider"]["prepareProvider"], true);
        assert_eq!(init["capabilities"]["documentFormattingProvider"], true);
        client.notify::<Initialized>(json!({}));
        client
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: Value) {
        self.conn.sender.send(Message::Notification(Notification::new(N::METHOD.into(), params))).unwrap();
    }

    fn request<R: lsp_types::request::Request>(&mut self, params: Value) -> Value {
        self.try_request::<R>(params).unwrap_or_else(|e| panic!("{} failed: {e}", R::METHOD))
    }

    fn try_request<R: lsp_types::request::Request>(&mut self, params: Value) -> Result<Value, String> {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn.sender.send(Message::Request(Request::new(id.clone(), R::METHOD.into(), params))).unwrap();
        loop {
            match self.conn.receiver.recv_timeout(std::time::Duration::from_secs(60)).expect("an answer") {
                Message::Response(r) if r.id == id => {
                    return r.response_result.map_err(|e| e.message);
                }
                Message::Notification(n) => self.pending.push(n),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &Uri) -> Vec<Diagnostic> {
        loop {
            let n = match self.pending.iter().position(|n| n.method == PublishDiagnostics::METHOD) {
                Some(i) => self.pending.remove(i),
                None => match self.conn.receiver.recv_timeout(std::time::Duration::from_secs(60)).expect("diagnostics")
                {
                    Message::Notification(n) => n,
                    other => panic!("unexpected {other:?}"),
                },
            };
            let p: PublishDiagnosticsParams = serde_json::from_value(n.params).unwrap();
            if &p.uri == uri {
                return p.diagnostics;
            }
        }
    }

    /// Opens a fixture; the position of its `$0` marker.
    fn open(&mut self, name: &str, marked: &str) -> (Uri, Position, Vec<Diagnostic>) {
        let (text, position) =
            if marked.contains("$0") { cursor(marked) } else { (marked.to_string(), Position::default()) };
        let uri = uri(name);
        self.notify::<DidOpenTextDocument>(json!({
            "textDocument": { "uri": uri, "languageId": "pipe", "version": 1, "text": text }
        }));
        let diagnostics = self.diagnostics(&uri);
        (uri, position, diagnostics)
    }

    fn at(uri: &Uri, position: Position) -> Value {
        json!({ "textDocument": { "uri": uri }, "position": position })
    }

    fn shutdown(mut self) {
        assert_eq!(self.request::<Shutdown>(Value::Null), Value::Null);
        self.notify::<Exit>(Value::Null);
        self.server.take().unwrap().join().unwrap().expect("a clean exit");
    }
}

fn labels(completion: &Value) -> Vec<String> {
    completion.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

const TYPOS: &str = "let image = \"busybox:1.36\"\njob a {\n  image = image\n  retires = 2\n  restart = nevr\n}\njob a { image = image }\n";

#[test]
fn diagnostics_on_open_and_change_with_codes_help_and_related_places() {
    let mut client = Client::start();
    let (uri, _, diags) = client.open("typos.pipe", TYPOS);
    let summary: Vec<(String, u32, u32, u32)> = diags
        .iter()
        .map(|d| {
            let NumberOrString::String(code) = d.code.clone().unwrap() else { panic!() };
            (code, d.range.start.line, d.range.start.character, d.range.end.character)
        })
        .collect();
    assert_eq!(summary, [("P0101".into(), 3, 2, 9), ("P0205".into(), 4, 12, 16), ("P0103".into(), 6, 4, 5)]);
    assert_eq!(diags[0].message, "`retires` is not a key of a `job` (unknown key)\nhelp: did you mean `retries`?");
    assert_eq!(diags[0].severity, Some(DiagnosticSeverity::ERROR));
    let related = diags[2].related_information.as_ref().expect("the first object is shown");
    assert_eq!((related[0].location.range.start.line, related[0].message.as_str()), (1, "first one"));

    // One character typed (`retires` → `retries` is two edits: the `i` removed, then put back).
    client.notify::<DidChangeTextDocument>(json!({
        "textDocument": { "uri": uri, "version": 2 },
        "contentChanges": [
            { "range": { "start": { "line": 3, "character": 5 }, "end": { "line": 3, "character": 6 } }, "text": "" },
            { "range": { "start": { "line": 3, "character": 6 }, "end": { "line": 3, "character": 6 } }, "text": "i" },
        ]
    }));
    let codes: Vec<_> = client.diagnostics(&uri).into_iter().map(|d| d.code.unwrap()).collect();
    assert_eq!(codes, [NumberOrString::String("P0205".into()), NumberOrString::String("P0103".into())]);

    // The whole text replaced, now correct: no diagnostics left.
    client.notify::<DidChangeTextDocument>(json!({
        "textDocument": { "uri": uri, "version": 3 },
        "contentChanges": [{ "text": "job a { image = \"busybox:1.36\" }\n" }]
    }));
    assert!(client.diagnostics(&uri).is_empty());
    client.shutdown();
}

#[test]
fn quick_fixes_are_the_diagnostics_fixes() {
    let mut client = Client::start();
    let (uri, _, diags) = client.open("fixes.pipe", TYPOS);
    let actions = client.request::<CodeActionRequest>(json!({
        "textDocument": { "uri": uri },
        "range": { "start": { "line": 3, "character": 0 }, "end": { "line": 4, "character": 20 } },
        "context": { "diagnostics": [diags[0], diags[1]] }
    }));
    let titles: Vec<&str> = actions.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["write `retries`", "write `never`"]);
    let edit = &actions[1]["edit"]["changes"][uri.as_str()][0];
    assert_eq!(edit["newText"], "never");
    assert_eq!(edit["range"]["start"], json!({ "line": 4, "character": 12 }));
    client.shutdown();
}

#[test]
fn hover_shows_a_keys_documentation_and_kubernetes_field() {
    let mut client = Client::start();
    let (uri, at, _) = client.open("hover.pipe", "job a {\n  image = \"busybox:1.36\"\n  ret$0ries = 2\n}\n");
    let hover = client.request::<HoverRequest>(Client::at(&uri, at));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**retries** — int ≥ 0\n\nFailed pods tolerated"), "{text}");
    assert!(text.contains("Kubernetes: `JobSpec.backoffLimit`"), "{text}");
    assert_eq!(hover["range"], json!({ "start": { "line": 2, "character": 2 }, "end": { "line": 2, "character": 9 } }));

    // A nested block's key, and a choice with the values Kubernetes gets.
    let (uri, at, _) = client.open(
        "hover2.pipe",
        "job a {\n  image = \"x\"\n  restart$0 = never\n  resources { requests { cpu = 1 } }\n}\n",
    );
    let text = client.request::<HoverRequest>(Client::at(&uri, at))["contents"]["value"].as_str().unwrap().to_string();
    assert!(text.contains("- `never` → `Never`"), "{text}");
    let (uri, at, _) =
        client.open("hover3.pipe", "job a {\n  image = \"x\"\n  resources { requests { c$0pu = 1 } }\n}\n");
    let text = client.request::<HoverRequest>(Client::at(&uri, at))["contents"]["value"].as_str().unwrap().to_string();
    assert!(text.contains("**cpu**") && text.contains("ResourceRequirements"), "{text}");
    // A choice word: what Kubernetes gets.
    let (uri, at, _) = client.open("hover5.pipe", "job a {\n  image = \"x\"\n  restart = on-fa$0ilure\n}\n");
    let text = client.request::<HoverRequest>(Client::at(&uri, at))["contents"]["value"].as_str().unwrap().to_string();
    assert!(
        text.starts_with("`on-failure`: a choice of **restart**, written `OnFailure` in `PodSpec.restartPolicy`"),
        "{text}"
    );
    // Nothing to say on a value.
    let (uri, at, _) = client.open("hover4.pipe", "job a {\n  image = \"busy$0box\"\n}\n");
    assert_eq!(client.request::<HoverRequest>(Client::at(&uri, at)), Value::Null);
    client.shutdown();
}

#[test]
fn hover_on_a_name_shows_its_definition() {
    let mut client = Client::start();
    let (uri, at, _) = client.open("names.pipe", "let image = \"busybox:1.36\"\n\njob a {\n  image = ima$0ge\n}\n");
    let text = client.request::<HoverRequest>(Client::at(&uri, at))["contents"]["value"].as_str().unwrap().to_string();
    assert_eq!(text, "let `image` (line 1)\n\n```pipe\nlet image = \"busybox:1.36\"\n```");
    client.shutdown();
}

#[test]
fn completion_offers_the_keys_of_the_block_under_the_cursor() {
    let mut client = Client::start();
    let (uri, at, _) = client.open("keys.pipe", "job a {\n  image = \"x\"\n  $0\n}\n");
    let keys = labels(&client.request::<Completion>(Client::at(&uri, at)));
    assert!(keys.contains(&"retries".into()) && keys.contains(&"container".into()), "{keys:?}");
    assert!(!keys.contains(&"image".into()), "`image` is already written");
    assert!(!keys.contains(&"schedule".into()), "`schedule` is a cron's");
    // A line being typed does not parse: the block around it is still known.
    let (uri, at, diags) =
        client.open("typing.pipe", "cron c {\n  schedule = \"0 3 * * *\"\n  image = \"x\"\n  conc$0\n}\n");
    assert!(!diags.is_empty(), "the half-typed line is an error");
    let keys = labels(&client.request::<Completion>(Client::at(&uri, at)));
    assert!(keys.contains(&"concurrency".into()) && !keys.contains(&"schedule".into()), "{keys:?}");
    // Each completion replaces the word typed so far.
    let completions = client.request::<Completion>(Client::at(&uri, at));
    let edit = &completions.as_array().unwrap()[0]["textEdit"];
    assert_eq!(edit["range"], json!({ "start": { "line": 3, "character": 2 }, "end": { "line": 3, "character": 6 } }));
    // Keys of a record inside a list.
    let (uri, at, _) =
        client.open("records.pipe", "job a {\n  image = \"x\"\n  tolerations = [{ key: \"gpu\", $0 }]\n}\n");
    let keys = labels(&client.request::<Completion>(Client::at(&uri, at)));
    assert!(keys.contains(&"effect".into()) && !keys.contains(&"key".into()), "{keys:?}");
    client.shutdown();
}

#[test]
fn completion_offers_choices_names_items_and_modules() {
    let mut client = Client::start();
    let (uri, at, _) = client.open("choices.pipe", "let retry = 3\njob a {\n  image = \"x\"\n  restart = $0\n}\n");
    let values = labels(&client.request::<Completion>(Client::at(&uri, at)));
    assert_eq!(values, ["never", "on-failure", "always", "retry"]);
    let (uri, at, _) = client.open("items.pipe", "let x = 1\n$0\n");
    let items = labels(&client.request::<Completion>(Client::at(&uri, at)));
    assert!(items.contains(&"job".into()) && items.contains(&"template".into()), "{items:?}");
    let (uri, at, _) = client.open("modules.pipe", "import \"std/$0\"\n");
    let modules = labels(&client.request::<Completion>(Client::at(&uri, at)));
    let stdlib: Vec<&str> = pipec::stdlib::MODULES.iter().map(|(name, _)| *name).collect();
    assert!(stdlib.contains(&"soak"));
    assert_eq!(modules, stdlib, "every module of the standard library, in its order");
    // The configs a `config(…)` can name.
    let (uri, at, _) = client.open(
        "configs.pipe",
        "config a { data = { k: \"1\" } }\nconfig b { data = { k: \"2\" } }\nsecret s { keys = [\"k\"] }\njob j {\n  image = \"x\"\n  env { K = config($0) }\n}\n",
    );
    assert_eq!(labels(&client.request::<Completion>(Client::at(&uri, at))), ["a", "b"]);
    // Names in scope inside a template and a `for`: its own first.
    let (uri, at, _) = client.open(
        "scope.pipe",
        "let base = \"x\"\ntemplate t(tag: string) { image = base }\nfor i in 0..2 {\n  job \"j-${i}\" { image = \"x\", args = [$0] }\n}\n",
    );
    let names = labels(&client.request::<Completion>(Client::at(&uri, at)));
    assert_eq!(names, ["i", "base"]);
    client.shutdown();
}

const NAMES: &str = "param shards: int = 2\nlet image = \"busybox:1.36\"\nconfig settings { data = { mode: \"fast\" } }\n\
service-account runner { automount-service-account-token = false }\n\
template worker(shard: int) {\n  image = image\n  args = [\"${shard}\"]\n  env { MODE = config(settings, \"mode\") }\n  service-account = \"runner\"\n}\n\
for s in 0..shards {\n  job \"w-${s}\" = worker(shard = s)\n}\n";

#[test]
fn definition_and_references_of_lets_params_templates_configs_and_accounts() {
    let mut client = Client::start();
    let (uri, _, diags) = client.open("defs.pipe", NAMES);
    assert!(diags.is_empty(), "{diags:?}");
    let lines: Vec<&str> = NAMES.lines().collect();
    let pos =
        |line: usize, word: &str| Position { line: line as u32, character: lines[line].find(word).unwrap() as u32 + 1 };
    let def = |client: &mut Client, at: Position| {
        let r = client.request::<GotoDefinition>(Client::at(&uri, at));
        (r["range"]["start"]["line"].as_u64().unwrap(), r["range"]["start"]["character"].as_u64().unwrap())
    };
    assert_eq!(def(&mut client, Position { line: 5, character: 11 }), (1, 4)); // `image = image`
    assert_eq!(def(&mut client, pos(7, "settings")), (2, 7));
    assert_eq!(def(&mut client, pos(8, "runner")), (3, 16));
    assert_eq!(def(&mut client, pos(10, "shards")), (0, 6));
    assert_eq!(def(&mut client, pos(11, "worker")), (4, 9));
    assert_eq!(def(&mut client, pos(6, "shard")), (4, 16));

    let refs = |client: &mut Client, at: Position, decl: bool| {
        let r = client.request::<References>(json!({
            "textDocument": { "uri": uri }, "position": at, "context": { "includeDeclaration": decl }
        }));
        r.as_array().unwrap().iter().map(|l| l["range"]["start"]["line"].as_u64().unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(refs(&mut client, pos(4, "worker"), true), [4, 11]);
    assert_eq!(refs(&mut client, pos(10, "s in"), false), [11, 11]);
    assert_eq!(refs(&mut client, pos(3, "runner"), false), [8]);
    client.shutdown();
}

#[test]
fn rename_edits_the_definition_and_every_use() {
    let mut client = Client::start();
    let (uri, _, _) = client.open("rename.pipe", NAMES);
    let at = Position { line: 1, character: 5 };
    let prepared = client.request::<PrepareRenameRequest>(Client::at(&uri, at));
    assert_eq!(prepared["placeholder"], "image");
    let edit =
        client.request::<Rename>(json!({ "textDocument": { "uri": uri }, "position": at, "newName": "worker-image" }));
    let edits = edit["changes"][uri.as_str()].as_array().unwrap();
    let places: Vec<(u64, u64)> = edits
        .iter()
        .map(|e| (e["range"]["start"]["line"].as_u64().unwrap(), e["range"]["start"]["character"].as_u64().unwrap()))
        .collect();
    assert_eq!(places, [(1, 4), (5, 10)]);
    assert!(edits.iter().all(|e| e["newText"] == "worker-image"));
    // Not a name: refused with a reason; a key is not renamed.
    let refused =
        client.try_request::<Rename>(json!({ "textDocument": { "uri": uri }, "position": at, "newName": "job" }));
    assert!(refused.unwrap_err().contains("cannot be a name"));
    let key = Position { line: 5, character: 3 };
    assert_eq!(client.request::<PrepareRenameRequest>(Client::at(&uri, key)), Value::Null);
    // A service account is named by strings: no rename.
    assert_eq!(
        client.request::<PrepareRenameRequest>(Client::at(&uri, Position { line: 3, character: 17 })),
        Value::Null
    );
    client.shutdown();
}

#[test]
fn document_symbols_are_the_items_nested() {
    let mut client = Client::start();
    let (uri, _, _) = client.open(
        "symbols.pipe",
        "namespace \"batch\"\nlet image = \"x\"\njob a {\n  image = image\n  container side { image = image }\n}\n\
         for i in 0..2 {\n  cron \"c-${i}\" { schedule = \"0 3 * * *\", image = image }\n}\n",
    );
    let symbols = client.request::<DocumentSymbolRequest>(json!({ "textDocument": { "uri": uri } }));
    fn outline(v: &Value, depth: usize, out: &mut String) {
        for s in v.as_array().into_iter().flatten() {
            let r = &s["range"];
            out.push_str(&format!(
                "{}{} ({}, kind {}) {}–{}\n",
                "  ".repeat(depth),
                s["name"].as_str().unwrap(),
                s["detail"].as_str().unwrap(),
                s["kind"],
                r["start"]["line"],
                r["end"]["line"]
            ));
            outline(&s["children"], depth + 1, out);
        }
    }
    let mut out = String::new();
    outline(&symbols, 0, &mut out);
    assert_eq!(
        out,
        "batch (namespace, kind 3) 0–0\nimage (let, kind 13) 1–1\na (job, kind 5) 2–5\n  side (container, kind 8) 4–4\n\
         for i (for, kind 3) 6–8\n  \"c-${i}\" (cron, kind 5) 7–7\n"
    );
    client.shutdown();
}

/// The real binary, framed on stdio as an editor starts it.
#[test]
fn pipec_lsp_speaks_the_protocol_on_stdio() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pipec"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pipec runs");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let send = |stdin: &mut std::process::ChildStdin, v: Value| {
        let body = v.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    };
    let receive = |stdout: &mut BufReader<std::process::ChildStdout>| -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            stdout.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    };
    send(&mut stdin, json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }));
    assert_eq!(receive(&mut stdout)["result"]["serverInfo"]["name"], "pipec");
    send(&mut stdin, json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    send(
        &mut stdin,
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": {
        "uri": "file:///nowhere/x.pipe", "languageId": "pipe", "version": 1, "text": "job a { retries = 2 }\n" } } }),
    );
    let published = receive(&mut stdout);
    assert_eq!(published["method"], "textDocument/publishDiagnostics");
    assert_eq!(published["params"]["diagnostics"][0]["code"], "P0106", "{published}");
    send(&mut stdin, json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }));
    assert_eq!(receive(&mut stdout)["id"], 2);
    send(&mut stdin, json!({ "jsonrpc": "2.0", "method": "exit" }));
    assert!(child.wait().unwrap().success());
}

/// Every request at every position of real programs (the examples, and broken ones from the
/// error cases) is answered: no position makes the server fail.
#[test]
fn every_position_of_real_and_broken_programs_is_answered() {
    use pipec::lsp::Server;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .chain(std::fs::read_dir(root.join("tests/cases/errors")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pipe"))
        .collect();
    files.sort();
    assert!(files.len() > 30, "{} files", files.len());
    let mut server = Server::new(Default::default());
    let mut answered = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let uri: Uri = format!("file://{}", path.display()).parse().unwrap();
        server.open(DidOpenTextDocumentParams {
            text_document: TextDocumentItem {
                uri: uri.clone(),
                language_id: "pipe".into(),
                version: 1,
                text: text.clone(),
            },
        });
        for (line, content) in text.split('\n').enumerate() {
            // Every third position of each line, and its end: enough to land on every token.
            let units = content.encode_utf16().count() as u32;
            for character in (0..units).step_by(3).chain([units]) {
                let at = TextDocumentPositionParams {
                    text_document: TextDocumentIdentifier { uri: uri.clone() },
                    position: Position { line: line as u32, character },
                };
                server.hover(HoverParams {
                    text_document_position_params: at.clone(),
                    work_done_progress_params: Default::default(),
                });
                server.completion(CompletionParams {
                    text_document_position: at.clone(),
                    work_done_progress_params: Default::default(),
                    partial_result_params: Default::default(),
                    context: None,
                });
                server.definition(GotoDefinitionParams {
                    text_document_position_params: at.clone(),
                    work_done_progress_params: Default::default(),
                    partial_result_params: Default::default(),
                });
                server.prepare_rename(at);
                answered += 1;
            }
        }
        let symbols = server.document_symbol(DocumentSymbolParams {
            text_document: TextDocumentIdentifier { uri: uri.clone() },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        });
        assert!(symbols.is_some(), "{}", path.display());
    }
    assert!(answered > 5_000, "{answered} positions");
}

const PIPELINE: &str = "pipeline model-check {\n  deadline = 3h\n  task prepare {\n    image = \"prep:1.8\"\n  }\n  \
task train {\n    after = [prepare]\n    image = \"train:3.2\"\n  }\n  task report {\n    after = [train, prepare]\n    image = \"report:0.9\"\n  }\n}\n";

#[test]
fn tasks_of_a_pipeline_are_defined_used_renamed_and_completed() {
    let mut client = Client::start();
    let (uri, _, diags) = client.open("pipeline.pipe", PIPELINE);
    assert!(diags.is_empty(), "{diags:?}");
    let used = Position { line: 6, character: 14 }; // `prepare` in train's `after`
    let def = client.request::<GotoDefinition>(Client::at(&uri, used));
    assert_eq!(def["range"]["start"], json!({ "line": 2, "character": 7 }));
    let refs = client.request::<References>(json!({
        "textDocument": { "uri": uri }, "position": used, "context": { "includeDeclaration": false }
    }));
    let lines: Vec<u64> =
        refs.as_array().unwrap().iter().map(|l| l["range"]["start"]["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [6, 10]);
    let edit = client.request::<Rename>(json!({ "textDocument": { "uri": uri }, "position": used, "newName": "prep" }));
    assert_eq!(edit["changes"][uri.as_str()].as_array().unwrap().len(), 3);
    // A task's block has a job's keys and `after`; the pipeline's own, its keys.
    let (uri, at, _) = client.open(
        "pipeline-keys.pipe",
        &PIPELINE.replace("    image = \"report:0.9\"\n", "    image = \"report:0.9\"\n    $0\n"),
    );
    let keys = labels(&client.request::<Completion>(Client::at(&uri, at)));
    assert!(
        keys.contains(&"retries".into()) && !keys.contains(&"after".into()) && !keys.contains(&"image".into()),
        "{keys:?}"
    );
    let (uri, at, _) =
        client.open("pipeline-top.pipe", &PIPELINE.replace("  deadline = 3h\n", "  deadline = 3h\n  $0\n"));
    let keys = labels(&client.request::<Completion>(Client::at(&uri, at)));
    assert!(
        keys.contains(&"task".into()) && keys.contains(&"runner-image".into()) && !keys.contains(&"deadline".into()),
        "{keys:?}"
    );
    client.shutdown();
}

#[test]
fn formatting_gives_the_canonical_layout_and_nothing_for_a_broken_file() {
    let mut client = Client::start();
    let (uri, _, _) = client.open("format.pipe", "job a {\nimage=\"busybox:1.36\"\n    retries=2\n}\n");
    let options = json!({ "tabSize": 2, "insertSpaces": true });
    let edits = client.request::<Formatting>(json!({ "textDocument": { "uri": uri }, "options": options }));
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"], "job a {\n  image = \"busybox:1.36\"\n  retries = 2\n}\n");
    assert_eq!(
        edits[0]["range"],
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 4, "character": 0 } })
    );
    let (uri, _, _) = client.open("formatted.pipe", "job a {\n  image = \"busybox:1.36\"\n}\n");
    let edits = client.request::<Formatting>(json!({ "textDocument": { "uri": uri }, "options": options }));
    assert_eq!(edits, json!([]), "already in the layout");
    let (uri, _, _) = client.open("unformattable.pipe", "job a {\n  image = \n");
    let edits = client.request::<Formatting>(json!({ "textDocument": { "uri": uri }, "options": options }));
    assert_eq!(edits, Value::Null, "a file that does not parse is left alone");
    client.shutdown();
}
