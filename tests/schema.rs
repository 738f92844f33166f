//! The schema and the checker agree: every row of every context is written in one
//! of the every-key cases (`tests/cases/ok/every-key*.pipe`), which compile, so
//! each row is accepted where it says it may be written. (The other direction,
//! every key the checker reads has a row, holds by construction: `Fields::take`
//! takes a row, and debug builds assert that the row lists the context.)
//!
//! The walk goes down the schema tree (`Block`, `Records`, `Labeled` shapes), the
//! way a tool would find the row under a cursor without running the checker.

use pipec::ast::{EntryKind, Expr, ExprKind, ItemKind, LabeledValue, ObjectKind, WorkloadKind};
use pipec::schema::{self, Contexts};
use std::collections::BTreeSet;
use std::path::Path;

/// (context bit, key) pairs seen.
type Seen = BTreeSet<(Contexts, &'static str)>;

fn every_key_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/ok");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("every-key"))
        .filter(|p| p.extension().is_some_and(|e| e == "pipe"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

/// The single context bits of a set (a row with `JOB | CRON` must be seen in both).
fn bits(ctx: Contexts) -> impl Iterator<Item = Contexts> {
    (0..Contexts::BITS).map(|i| (1 as Contexts) << i).filter(move |b| ctx & b != 0)
}

fn see(seen: &mut Seen, ctx: Contexts, word: &str, file: &Path) -> Option<&'static schema::Key> {
    if ctx & (schema::RESOURCES | schema::REQUESTS) != 0 && schema::is_extended_resource(word) {
        return None; // an open key: Kubernetes' resource names
    }
    let row = schema::lookup(word, ctx)
        .unwrap_or_else(|| panic!("{}: `{word}` has no row in context {ctx:#x}", file.display()));
    // A block of several contexts (a pipeline's task is `JOB | TASK`) shows the row in each it shares.
    for bit in bits(ctx & row.contexts) {
        seen.insert((bit, row.key));
    }
    Some(row)
}

fn walk_value(seen: &mut Seen, row: &'static schema::Key, value: &Expr, file: &Path) {
    match (row.shape, &value.kind) {
        (schema::Shape::Block(inner), ExprKind::Map(entries)) => {
            for e in entries {
                if let Some(r) = see(seen, inner, &e.key.text, file) {
                    walk_value(seen, r, &e.value, file);
                }
            }
        }
        (schema::Shape::Records(inner), ExprKind::List(items)) => {
            for item in items {
                if let ExprKind::Map(entries) = &item.kind {
                    for e in entries {
                        if let Some(r) = see(seen, inner, &e.key.text, file) {
                            walk_value(seen, r, &e.value, file);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn walk_block(seen: &mut Seen, ctx: Contexts, block: &pipec::ast::Block, file: &Path) {
    for entry in &block.entries {
        match &entry.kind {
            EntryKind::Field { key, value } => {
                if let Some(row) = see(seen, ctx, &key.text, file) {
                    walk_value(seen, row, value, file);
                }
            }
            EntryKind::Nested { key, body } => {
                if let Some(row) = see(seen, ctx, &key.text, file)
                    && let Some(inner) = row.inner()
                {
                    walk_block(seen, inner, body, file);
                }
            }
            EntryKind::Labeled { key, value, .. } => {
                if let Some(row) = see(seen, ctx, &key.text, file)
                    && let LabeledValue::Block(body) = value
                    && let Some(inner) = row.inner_of(body)
                {
                    walk_block(seen, inner, body, file);
                }
            }
            EntryKind::Mount(_) => {
                see(seen, ctx, "mount", file);
            }
            // The every-key cases parse; an entry that does not writes no key.
            EntryKind::Error { .. } => {}
        }
    }
}

#[test]
fn every_row_is_written_in_an_every_key_case() {
    let mut seen = Seen::new();
    for file in every_key_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let (ast, diags) = pipec::syntax::parse(pipec::source::FileId(0), &text);
        assert!(diags.is_empty(), "{} does not parse", file.display());
        for item in &ast.items {
            let (ctx, body) = match &item.kind {
                ItemKind::Workload { kind, body: Some(body), .. } => (
                    match kind.node {
                        WorkloadKind::Job => schema::JOB,
                        WorkloadKind::Cron => schema::CRON,
                        WorkloadKind::Daemon => schema::DAEMON,
                        WorkloadKind::Deployment => schema::DEPLOYMENT,
                        WorkloadKind::Spark => schema::SPARK,
                        WorkloadKind::Group => schema::GROUP,
                    },
                    body,
                ),
                ItemKind::Config { body: Some(body), .. } => (schema::CONFIG, body),
                ItemKind::Secret { body: Some(body), .. } => (schema::SECRET, body),
                ItemKind::Defaults(body) => (schema::DEFAULTS, body),
                ItemKind::Namespace(_, Some(body)) => (schema::NAMESPACE_ITEM, body),
                ItemKind::Object { kind, body: Some(body), .. } => (
                    match kind.node {
                        ObjectKind::ServiceAccount => schema::SERVICE_ACCOUNT_ITEM,
                        ObjectKind::Role | ObjectKind::ClusterRole => schema::ROLE_ITEM,
                        ObjectKind::RoleBinding | ObjectKind::ClusterRoleBinding => schema::BINDING_ITEM,
                        ObjectKind::Service => schema::SERVICE_ITEM,
                        ObjectKind::Pipeline => schema::PIPELINE,
                    },
                    body,
                ),
                _ => continue,
            };
            walk_block(&mut seen, ctx, body, &file);
        }
    }
    let mut missing = Vec::new();
    for row in schema::all() {
        for bit in bits(row.contexts) {
            if !seen.contains(&(bit, row.key)) {
                missing.push(format!("`{}` in context {bit:#x} ({})", row.key, row.field()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rows that no every-key case writes (add them to tests/cases/ok/every-key*.pipe):\n  {}",
        missing.join("\n  ")
    );
}
