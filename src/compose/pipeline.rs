//! A `pipeline` before checking: its keys substituted like any item's, then each task made.
//! The pipeline's `params` are names in every task's block and in the arguments of a task's
//! template (`task load = etl(day = day)`), which is instantiated here with the task's block
//! merged over it, as for a workload. A template's own body sees only its arguments.

use super::expand::{Expander, Scope};
use super::subst::{subst_block, subst_item};
use crate::ast::*;

impl<'a> Expander<'a> {
    pub(super) fn pipeline(&self, item: &Item, scope: &Scope) -> Item {
        let item = subst_item(item, scope, self);
        let ItemKind::Object { kind, name, body: Some(body) } = item.kind else { return item };
        let mut params = Scope::default();
        for entry in &body.entries {
            if let EntryKind::Field { key, value } = &entry.kind
                && key.text == crate::schema::PIPELINE_PARAMS.key
                && let ExprKind::Map(entries) = &value.kind
            {
                for e in entries {
                    params.values.insert(e.key.text.clone(), e.value.clone());
                }
            }
        }
        let entries = body
            .entries
            .into_iter()
            .map(|entry| {
                let EntryKind::Labeled { key, label, value } = entry.kind else { return entry };
                if key.text != crate::schema::TASK_BLOCK.key {
                    return Entry { kind: EntryKind::Labeled { key, label, value }, span: entry.span };
                }
                let value = match value {
                    LabeledValue::Block(b) if params.values.is_empty() => LabeledValue::Block(b),
                    LabeledValue::Block(b) => LabeledValue::Block(subst_block(&b, &params, self)),
                    // A template that could not be used (reported) stays a use: the checker
                    // knows the task's name, and says nothing more about its body.
                    LabeledValue::Instance(used) => match self.instantiate(&used.0, used.1.as_ref(), &params) {
                        Some(block) => LabeledValue::Block(block),
                        None => LabeledValue::Instance(used),
                    },
                    other => other,
                };
                Entry { kind: EntryKind::Labeled { key, label, value }, span: entry.span }
            })
            .collect();
        Item { kind: ItemKind::Object { kind, name, body: Some(Block { entries, span: body.span }) }, span: item.span }
    }
}
