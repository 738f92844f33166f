//! The formatter checks its own work before anything is written: the printed
//! text must parse to the same program, with the same comments in the same order.
//!
//! It does so item by item, which costs nothing for the items already in the
//! canonical layout (the common case: `pipec fmt --check` in CI). Parsing the
//! printed text of each item on its own gives what parsing the whole output
//! gives, because what follows an item in the output is a comment or the
//! keyword of the next item, which no item can take as one of its own parts (an
//! item's optional tail is a `{ … }`, `= …` or an operator, never a keyword). The
//! text between items is whitespace and the comments the printer put there.

use super::printer::Printer;
use super::same;
use crate::ast::File;
use crate::diag::Diagnostic;
use crate::source::FileId;

/// Whether the printer's output means what `tree` (parsed from `src`) means.
pub(super) fn same_meaning(tree: &File, src: &str, p: &Printer) -> bool {
    if !p.all_comments_printed() || p.item_ranges.len() != tree.items.len() {
        return false;
    }
    for (item, &(start, end)) in tree.items.iter().zip(&p.item_ranges) {
        let printed = &p.out[start..end];
        let from = item.span.start as usize;
        let to = p.t.token_end(item.span.end as usize);
        // The comments printed inside the item, by their index.
        let inside: Vec<usize> =
            p.emitted.iter().filter(|&&(_, at)| at >= start && at < end).map(|&(c, _)| c).collect();
        if src.get(from..to) == Some(printed) {
            // The same text: the same item, if it holds the same comments.
            let same_comments = inside.len() == tree.comments.iter().filter(|c| within(c.span, from, to)).count()
                && inside.iter().all(|&c| within(tree.comments[c].span, from, to));
            if !same_comments {
                return false;
            }
            continue;
        }
        let (again, diags) = crate::syntax::parse(FileId(0), printed);
        if diags.iter().any(Diagnostic::is_error)
            || !same::items(std::slice::from_ref(item), &again.items)
            || again.comments.len() != inside.len()
            || again.comments.iter().zip(&inside).any(|(a, &c)| a.text.trim_end() != tree.comments[c].text.trim_end())
        {
            return false;
        }
    }
    true
}

fn within(span: crate::source::Span, from: usize, to: usize) -> bool {
    span.start as usize >= from && (span.start as usize) < to
}
