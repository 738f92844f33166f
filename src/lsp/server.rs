//! The server's state (the open documents) and one handler per request, each taking and giving
//! the protocol's types. The loop in `mod.rs` only moves JSON; benchmarks and tests can call
//! the handlers directly.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CompletionParams, CompletionResponse,
    DidChangeTextDocumentParams, DidOpenTextDocumentParams, DocumentFormattingParams, DocumentSymbolParams,
    DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverParams, Location,
    PrepareRenameResponse, PublishDiagnosticsParams, ReferenceParams, RenameParams, TextDocumentPositionParams,
    TextEdit, Uri, WorkspaceEdit,
};

use super::document::Document;
use super::{actions, completion, hover, symbols};
use crate::check::CheckOptions;
use crate::syntax::keywords;

#[derive(Default)]
pub struct Server {
    documents: HashMap<Uri, Document>,
    options: CheckOptions,
}

impl Server {
    pub fn new(options: CheckOptions) -> Server {
        Server { documents: HashMap::new(), options }
    }

    fn publish(doc: &Document, version: Option<i32>) -> PublishDiagnosticsParams {
        PublishDiagnosticsParams { uri: doc.uri.clone(), diagnostics: doc.published.clone(), version }
    }

    pub fn open(&mut self, params: DidOpenTextDocumentParams) -> PublishDiagnosticsParams {
        let d = params.text_document;
        let doc = Document::new(d.uri.clone(), d.text, &self.options);
        let published = Self::publish(&doc, Some(d.version));
        self.documents.insert(d.uri, doc);
        published
    }

    /// Only the changed document is checked again.
    pub fn change(&mut self, params: DidChangeTextDocumentParams) -> Option<PublishDiagnosticsParams> {
        let doc = self.documents.get_mut(&params.text_document.uri)?;
        super::text::apply_changes(&mut doc.text, params.content_changes);
        doc.analyse(&self.options);
        Some(Self::publish(doc, Some(params.text_document.version)))
    }

    /// A closed document's diagnostics are cleared.
    pub fn close(&mut self, uri: &Uri) -> PublishDiagnosticsParams {
        self.documents.remove(uri);
        PublishDiagnosticsParams { uri: uri.clone(), diagnostics: Vec::new(), version: None }
    }

    pub fn document(&self, uri: &Uri) -> Option<&Document> {
        self.documents.get(uri)
    }

    fn at(&self, p: &TextDocumentPositionParams) -> Option<(&Document, usize)> {
        let doc = self.documents.get(&p.text_document.uri)?;
        Some((doc, doc.offset(p.position)))
    }

    pub fn hover(&self, params: HoverParams) -> Option<Hover> {
        let (doc, offset) = self.at(&params.text_document_position_params)?;
        hover::hover(doc, offset)
    }

    pub fn completion(&self, params: CompletionParams) -> Option<CompletionResponse> {
        let (doc, offset) = self.at(&params.text_document_position)?;
        Some(CompletionResponse::Array(completion::completion(doc, offset)))
    }

    pub fn definition(&self, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
        let (doc, offset) = self.at(&params.text_document_position_params)?;
        let (symbol, _) = doc.names.at(offset)?;
        let s = &doc.names.symbols[symbol];
        Some(GotoDefinitionResponse::Scalar(Location { uri: doc.uri.clone(), range: doc.range(s.name_span) }))
    }

    pub fn references(&self, params: ReferenceParams) -> Option<Vec<Location>> {
        let (doc, offset) = self.at(&params.text_document_position)?;
        let (symbol, _) = doc.names.at(offset)?;
        let mut spans: Vec<_> = doc.names.uses_of(symbol).collect();
        if params.context.include_declaration {
            spans.insert(0, doc.names.symbols[symbol].name_span);
        }
        Some(spans.into_iter().map(|s| Location { uri: doc.uri.clone(), range: doc.range(s) }).collect())
    }

    pub fn document_symbol(&self, params: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
        let doc = self.documents.get(&params.text_document.uri)?;
        Some(DocumentSymbolResponse::Nested(symbols::symbols(doc)))
    }

    pub fn prepare_rename(&self, params: TextDocumentPositionParams) -> Option<PrepareRenameResponse> {
        let (doc, offset) = self.at(&params)?;
        let (symbol, span) = doc.names.at(offset)?;
        let s = &doc.names.symbols[symbol];
        s.kind.renames().then(|| PrepareRenameResponse::RangeWithPlaceholder {
            range: doc.range(span),
            placeholder: s.name.clone(),
        })
    }

    /// Renames a let, param, template, template parameter or `for` variable: its definition and
    /// every use. The new name must be one the parser reads as a name.
    pub fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>, String> {
        let Some((doc, offset)) = self.at(&params.text_document_position) else { return Ok(None) };
        let Some((symbol, _)) = doc.names.at(offset) else { return Ok(None) };
        let s = &doc.names.symbols[symbol];
        if !s.kind.renames() {
            return Err(format!("a {} is named by strings elsewhere; rename it by hand", s.kind.word()));
        }
        let new = params.new_name.as_str();
        let valid = new.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && new.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid || keywords::is_reserved(new) {
            return Err(format!("`{new}` cannot be a name: letters, digits, `-` and `_`, not a keyword"));
        }
        let edits = std::iter::once(s.name_span)
            .chain(doc.names.uses_of(symbol))
            .map(|span| TextEdit { range: doc.range(span), new_text: new.to_string() })
            .collect();
        Ok(Some(WorkspaceEdit { changes: Some(HashMap::from([(doc.uri.clone(), edits)])), ..Default::default() }))
    }

    /// Quick fixes for the diagnostics in the range.
    pub fn code_action(&self, params: CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
        let doc = self.documents.get(&params.text_document.uri)?;
        let (start, end) = (doc.offset(params.range.start), doc.offset(params.range.end));
        let mut out = Vec::new();
        for (d, published) in doc.diagnostics.iter().zip(&doc.published) {
            let Some(p) = d.primary.as_ref().filter(|p| p.span.start as usize <= end && start <= p.span.end as usize)
            else {
                continue;
            };
            if p.span.file != doc.ast_file() {
                continue;
            }
            for fix in actions::fixes(d).into_iter().filter(|f| f.span.file == doc.ast_file()) {
                let edit = TextEdit { range: doc.range(fix.span), new_text: fix.replacement };
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![published.clone()]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(HashMap::from([(doc.uri.clone(), vec![edit])])),
                        ..Default::default()
                    }),
                    is_preferred: Some(true),
                    ..Default::default()
                }));
            }
        }
        Some(out)
    }

    /// The whole document in the canonical layout; nothing while the text does not parse.
    pub fn formatting(&self, params: DocumentFormattingParams) -> Option<Vec<TextEdit>> {
        let doc = self.documents.get(&params.text_document.uri)?;
        let formatted = actions::format(&doc.name, &doc.text)?.ok()?;
        if formatted == doc.text {
            return Some(Vec::new());
        }
        Some(vec![TextEdit { range: doc.range_all(), new_text: formatted }])
    }
}
