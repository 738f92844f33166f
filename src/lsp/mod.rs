//! `pipec lsp`: a language server on stdin/stdout, built from the compiler's own stages through
//! the [`Session`](crate::session::Session) (no second parser). Compiled only with the Cargo
//! feature `lsp` (on by default); nothing outside this module and `main.rs` names it.
//!
//! - [`server`]: the open documents and one handler per request;
//! - [`document`]: a document's text, tree, names and diagnostics, recomputed on each change;
//! - [`at`]: what is at an offset (the schema context, the key);
//! - [`names`]: definitions and uses of names;
//! - [`hover`], [`completion`], [`symbols`], [`actions`]: the features;
//! - [`text`]: protocol positions and edits.

pub mod actions;
pub mod at;
pub mod completion;
pub mod document;
pub mod hover;
pub mod names;
pub mod server;
pub mod symbols;
pub mod text;

use lsp_server::{Connection, ErrorCode, Message, Notification, ProtocolError, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    PrepareRenameRequest, References, Rename, Request as _,
};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, HoverProviderCapability, InitializeResult, OneOf, RenameOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
};

pub use server::Server;

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::check::CheckOptions;

/// What the server can do.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::INCREMENTAL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            // Only `import "std/`: clients complete words as they are typed, and a list after every
            // space or `=` would be noise.
            trigger_characters: Some(vec!["/".into()]),
            ..Default::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        document_formatting_provider: actions::can_format().then_some(OneOf::Left(true)),
        ..Default::default()
    }
}

const INTERNAL_ERROR: &str = "pipec lsp: internal error (this is a bug; please report it with the file)";

/// Serves on stdin/stdout until the client says `exit`.
pub fn run_stdio(options: CheckOptions) -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection, options)?;
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())
}

/// The protocol over a connection: the handshake, then each message in turn until shutdown.
pub fn serve(connection: &Connection, options: CheckOptions) -> Result<(), String> {
    let protocol = |e: ProtocolError| e.to_string();
    let (id, _params) = connection.initialize_start().map_err(protocol)?;
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo { name: "pipec".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection.initialize_finish(id, result).map_err(protocol)?;
    let mut server = Server::new(options);
    for message in &connection.receiver {
        let reply = match message {
            Message::Request(req) => {
                if connection.handle_shutdown(&req).map_err(protocol)? {
                    return Ok(());
                }
                // A bug in a handler costs that one answer, not the editor's server.
                let id = req.id.clone();
                let answer = catch_unwind(AssertUnwindSafe(|| request(&server, req)))
                    .unwrap_or_else(|_| Response::new_err(id, ErrorCode::InternalError as i32, INTERNAL_ERROR.into()));
                Some(Message::Response(answer))
            }
            Message::Notification(n) => catch_unwind(AssertUnwindSafe(|| notification(&mut server, n)))
                .ok()
                .flatten()
                .map(Message::Notification),
            Message::Response(_) => None,
        };
        if let Some(reply) = reply
            && connection.sender.send(reply).is_err()
        {
            return Err("the client went away".into());
        }
    }
    Ok(())
}

fn params<P: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<P, String> {
    serde_json::from_value(value).map_err(|e| format!("invalid parameters: {e}"))
}

fn ok<R: serde::Serialize>(id: lsp_server::RequestId, result: R) -> Response {
    Response::new_ok(id, result)
}

/// One request's answer.
pub fn request(server: &Server, req: Request) -> Response {
    let Request { id, method, params: value } = req;
    let answer: Result<Response, String> = (|| {
        Ok(match method.as_str() {
            HoverRequest::METHOD => ok(id.clone(), server.hover(params(value)?)),
            Completion::METHOD => ok(id.clone(), server.completion(params(value)?)),
            GotoDefinition::METHOD => ok(id.clone(), server.definition(params(value)?)),
            References::METHOD => ok(id.clone(), server.references(params(value)?)),
            DocumentSymbolRequest::METHOD => ok(id.clone(), server.document_symbol(params(value)?)),
            PrepareRenameRequest::METHOD => ok(id.clone(), server.prepare_rename(params(value)?)),
            Rename::METHOD => match server.rename(params(value)?) {
                Ok(edit) => ok(id.clone(), edit),
                Err(message) => Response::new_err(id.clone(), ErrorCode::RequestFailed as i32, message),
            },
            CodeActionRequest::METHOD => ok(id.clone(), server.code_action(params(value)?)),
            Formatting::METHOD => ok(id.clone(), server.formatting(params(value)?)),
            _ => {
                Response::new_err(id.clone(), ErrorCode::MethodNotFound as i32, format!("`{method}` is not supported"))
            }
        })
    })();
    answer.unwrap_or_else(|message| Response::new_err(id, ErrorCode::InvalidParams as i32, message))
}

/// What a notification changes; the diagnostics to publish, if any.
pub fn notification(server: &mut Server, n: Notification) -> Option<Notification> {
    let published = match n.method.as_str() {
        DidOpenTextDocument::METHOD => server.open(params(n.params).ok()?),
        DidChangeTextDocument::METHOD => server.change(params(n.params).ok()?)?,
        DidCloseTextDocument::METHOD => {
            let p: lsp_types::DidCloseTextDocumentParams = params(n.params).ok()?;
            server.close(&p.text_document.uri)
        }
        _ => return None,
    };
    Some(Notification::new(PublishDiagnostics::METHOD.to_string(), published))
}
