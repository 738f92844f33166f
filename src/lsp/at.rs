//! What is at an offset of a file, in the terms hover and completion need: the schema context
//! of the innermost block (or map) around it, the keys already written there, and the key or the
//! entry under the cursor. The one walk over the syntax tree for that is [`node_at`]; when the
//! syntax layer gets its own node-at-offset query, this function is what it replaces.

use crate::ast::{
    Block, Entry, EntryKind, Expr, ExprKind, File, Item, ItemKind, Key, LabeledValue, ObjectKind, WorkloadKind,
};
use crate::schema::{self, Contexts};
use crate::source::Span;

#[derive(Debug, Default)]
pub struct At<'a> {
    /// The context of the innermost block or map around the offset (0: the top level, or a
    /// block whose keys are not in the schema, such as `env`).
    pub ctx: Contexts,
    /// Whether the offset is at the top level, between items (or inside a `for`'s items).
    pub top_level: bool,
    /// The keys already written in that block or map.
    pub written: Vec<&'a str>,
    /// The key under the offset, with the context it is written in.
    pub key: Option<(&'a Key, Contexts)>,
    /// The entry whose value holds the offset: its key and context.
    pub value_of: Option<(&'a Key, Contexts)>,
    /// That value, when the offset is on it (not inside a map or list of it).
    pub value: Option<&'a Expr>,
}

fn inside(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}

/// The context a top-level item's block has.
pub fn item_context(kind: &ItemKind) -> Contexts {
    match kind {
        ItemKind::Workload { kind, .. } => match kind.node {
            WorkloadKind::Job => schema::JOB,
            WorkloadKind::Cron => schema::CRON,
            WorkloadKind::Daemon => schema::DAEMON,
            WorkloadKind::Deployment => schema::DEPLOYMENT,
            WorkloadKind::Spark => schema::SPARK,
            WorkloadKind::Group => schema::GROUP,
        },
        // A template becomes any workload kind: every workload key may be written in it.
        ItemKind::Template { .. } => schema::WORKLOAD,
        ItemKind::Config { .. } => schema::CONFIG,
        ItemKind::Secret { .. } => schema::SECRET,
        ItemKind::Object { kind, .. } => match kind.node {
            ObjectKind::ServiceAccount => schema::SERVICE_ACCOUNT_ITEM,
            ObjectKind::Role | ObjectKind::ClusterRole => schema::ROLE_ITEM,
            ObjectKind::RoleBinding | ObjectKind::ClusterRoleBinding => schema::BINDING_ITEM,
            ObjectKind::Service => schema::SERVICE_ITEM,
            ObjectKind::Pipeline => schema::PIPELINE,
        },
        ItemKind::Namespace(..) => schema::NAMESPACE_ITEM,
        ItemKind::Defaults(_) => schema::DEFAULTS,
        // Imports, params, lets, `for`s (their items have their own), and item kinds this table
        // does not know yet: no keys of the schema.
        _ => 0,
    }
}

fn item_block(kind: &ItemKind) -> Option<&Block> {
    match kind {
        ItemKind::Workload { body, .. }
        | ItemKind::Config { body, .. }
        | ItemKind::Secret { body, .. }
        | ItemKind::Object { body, .. } => body.as_ref(),
        ItemKind::Namespace(_, body) => body.as_ref(),
        ItemKind::Template { body, .. } | ItemKind::Defaults(body) => Some(body),
        _ => None,
    }
}

/// The node at `offset` (a byte offset into the file's text).
pub fn node_at(file: &File, offset: usize) -> At<'_> {
    let mut at = At { top_level: true, ..At::default() };
    items(&file.items, offset, &mut at);
    at
}

fn items<'a>(list: &'a [Item], offset: usize, at: &mut At<'a>) {
    let Some(item) = list.iter().find(|i| inside(i.span, offset)) else { return };
    if let ItemKind::For { items: inner, .. } = &item.kind {
        return items(inner, offset, at);
    }
    if let Some(body) = item_block(&item.kind)
        && inside(body.span, offset)
        && body.span.start as usize != offset
    {
        at.top_level = false;
        block(body, item_context(&item.kind), offset, at);
    } else if let ItemKind::Let { value, .. } | ItemKind::Param { default: Some(value), .. } = &item.kind
        && inside(value.span, offset)
    {
        at.top_level = false;
        expr(value, 0, offset, at);
    } else {
        // On the item's header (its keyword or name): still the top level for completion.
    }
}

/// The context of the keys inside `key`'s value, written in `ctx`.
fn inner(key: &Key, ctx: Contexts) -> Contexts {
    schema::lookup(&key.text, ctx).and_then(|k| k.inner()).unwrap_or(0)
}

/// The context of the keys in `body`, the block of `key` written in `ctx` (a task's block
/// is a Job's or, with `role` blocks, a fan-out group's).
fn inner_block(key: &Key, ctx: Contexts, body: &Block) -> Contexts {
    schema::lookup(&key.text, ctx).and_then(|k| k.inner_of(body)).unwrap_or(0)
}

fn block<'a>(body: &'a Block, ctx: Contexts, offset: usize, at: &mut At<'a>) {
    at.ctx = ctx;
    at.written = body.entries.iter().filter_map(entry_key).map(|k| k.text.as_str()).collect();
    let Some(entry) = body.entries.iter().find(|e| inside(e.span, offset)) else { return };
    entry_at(entry, ctx, offset, at);
}

/// The key of an entry that has one (not a mount; not an entry that did not parse). Written
/// with `if let` rather than `match` here and below: the syntax layer adds entry kinds (error
/// nodes), and these walks need only the kinds they name.
fn entry_key(entry: &Entry) -> Option<&Key> {
    if let EntryKind::Field { key, .. } | EntryKind::Nested { key, .. } | EntryKind::Labeled { key, .. } = &entry.kind {
        Some(key)
    } else {
        None
    }
}

fn entry_at<'a>(entry: &'a Entry, ctx: Contexts, offset: usize, at: &mut At<'a>) {
    let Some(key) = entry_key(entry) else { return };
    if inside(key.span, offset) {
        at.key = Some((key, ctx));
        return;
    }
    if let EntryKind::Field { value, .. } = &entry.kind {
        at.value_of = Some((key, ctx));
        if inside(value.span, offset) {
            at.value = Some(value);
            expr(value, inner(key, ctx), offset, at);
        }
    } else if let EntryKind::Nested { body, .. } | EntryKind::Labeled { value: LabeledValue::Block(body), .. } =
        &entry.kind
    {
        if inside(body.span, offset) && body.span.start as usize != offset {
            at.value_of = None;
            block(body, inner_block(key, ctx, body), offset, at);
        }
    } else if let EntryKind::Labeled { value: LabeledValue::Instance(boxed), .. } = &entry.kind
        && let (_, Some(body)) = &**boxed
    {
        // `task load = etl(…) { … }`: the block over the template.
        if inside(body.span, offset) && body.span.start as usize != offset {
            at.value_of = None;
            block(body, inner(key, ctx), offset, at);
        }
    } else if let EntryKind::Labeled { value: LabeledValue::Expr(value), .. } = &entry.kind {
        at.value_of = Some((key, ctx));
        if inside(value.span, offset) {
            expr(value, inner(key, ctx), offset, at);
        }
    }
}

/// Inside a value: a map takes the keys of `ctx` (the context its key gives), a list passes
/// `ctx` on to its items (a list of records).
fn expr<'a>(e: &'a Expr, ctx: Contexts, offset: usize, at: &mut At<'a>) {
    match &e.kind {
        ExprKind::Map(entries) if e.span.start as usize != offset => {
            at.ctx = ctx;
            at.value_of = None;
            at.value = None;
            at.written = entries.iter().map(|m| m.key.text.as_str()).collect();
            for m in entries {
                if inside(m.key.span, offset) {
                    at.key = Some((&m.key, ctx));
                    return;
                }
                if inside(m.value.span, offset) {
                    at.value_of = Some((&m.key, ctx));
                    at.value = Some(&m.value);
                    return expr(&m.value, inner(&m.key, ctx), offset, at);
                }
            }
        }
        ExprKind::List(list) => {
            if let Some(item) = list.iter().find(|i| inside(i.span, offset)) {
                expr(item, ctx, offset, at);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn at(text: &str) -> (String, Option<String>, Option<String>, Contexts) {
        let offset = text.find('|').unwrap();
        let text = text.replace('|', "");
        let (file, diags) = crate::syntax::parse_with(FileId(0), &text, &Default::default());
        assert!(diags.is_empty(), "{diags:?}");
        let a = node_at(&file, offset);
        (a.written.join(","), a.key.map(|(k, _)| k.text.clone()), a.value_of.map(|(k, _)| k.text.clone()), a.ctx)
    }

    #[test]
    fn keys_values_and_contexts_are_found() {
        let (written, key, value_of, ctx) = at("job a {\n  image = \"x\"\n  retr|ies = 2\n}\n");
        assert_eq!(
            (written.as_str(), key.as_deref(), value_of, ctx),
            ("image,retries", Some("retries"), None, schema::JOB)
        );
        let (_, key, value_of, ctx) = at("job a {\n  resources {\n    requests { cpu = 1|00m }\n  }\n}\n");
        assert_eq!((key, value_of.as_deref(), ctx), (None, Some("cpu"), schema::REQUESTS));
        let (_, key, _, ctx) = at("job a {\n  tolerations = [{ ef|fect: no-schedule }]\n}\n");
        assert_eq!((key.as_deref(), ctx), (Some("effect"), schema::TOLERATION));
        let (_, _, _, ctx) = at("cron c {\n  container side {\n    |\n  }\n}\n");
        assert_eq!(ctx, schema::CONTAINER);
        let (_, _, _, ctx) = at("for i in 0..2 {\n  daemon \"d-${i}\" {\n  |\n  }\n}\n");
        assert_eq!(ctx, schema::DAEMON);
        let (_, _, _, ctx) = at("spark s {\n  image = \"x\"\n  driver { cores = 1, | }\n}\n");
        assert_eq!(ctx, schema::SPARK_DRIVER);
        let (written, _, _, ctx) = at("pipeline p {\n  task a {\n    image = \"x\"\n    |\n  }\n}\n");
        assert_eq!((written.as_str(), ctx), ("image", schema::JOB | schema::TASK));
        let (_, _, _, ctx) = at("pipeline p {\n  task a {\n    role w { image = \"x\" }\n    |\n  }\n}\n");
        assert_eq!(ctx, schema::GROUP | schema::TASK, "a fan-out task");
        let (_, _, _, ctx) = at("pipeline p {\n  task a {\n    role w { image = \"x\", | }\n  }\n}\n");
        assert_eq!(ctx, schema::GROUP_ROLE);
    }
}
