//! `pipec fmt`: prints a syntax tree in the one canonical layout (docs/fmt.md),
//! keeping its comments and blank lines, which are read from the source beside
//! the tree (`trivia.rs`). The printer works from the tree, so that programs
//! made by tools (`pipec import`) are printed the same way.
//!
//! - `printer.rs`: items, blocks, entries, and where comments and blank lines go;
//! - `expr.rs`: expressions, parentheses, strings, lists and maps by width;
//! - `trivia.rs`: comments, token ends and blank lines, from the source text;
//! - `guard.rs` and `same.rs`: the check that the output means what the input meant.

mod expr;
mod guard;
mod printer;
mod same;
mod trivia;

use crate::ast::File;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Spaces per level of nesting (what the examples use).
pub const INDENT: usize = 2;
/// The line width lists, maps, calls and one-line blocks are fitted into.
pub const WIDTH: usize = 100;

/// Parses `text` and prints it in the canonical layout. A file with syntax
/// errors is not formatted: its diagnostics come back instead (they point into
/// `FileId(0)`: render them with a source map that holds `name`/`text` first).
/// As a last guard, the result is parsed again and must give the same tree and
/// the same comments; otherwise the file is left alone (P0030).
pub fn format_source(name: &str, text: &str) -> Result<String, Vec<Diagnostic>> {
    let file = FileId(0);
    let (tree, diags) = crate::syntax::parse(file, text);
    let errors: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut p = printer::Printer::new(trivia::Trivia { src: text, comments: &tree.comments });
    p.file(&tree);
    if !guard::same_meaning(&tree, text, &p) {
        return Err(vec![changed_meaning(name, file)]);
    }
    Ok(p.out)
}

/// Prints a tree parsed from `source` (which holds its comments and blank lines).
/// A tree made by a tool can be printed with the text its spans point into, or
/// with `""` and spans that are all empty.
pub fn print(file: &File, source: &str) -> String {
    let mut p = printer::Printer::new(trivia::Trivia { src: source, comments: &file.comments });
    p.file(file);
    p.out
}

fn changed_meaning(name: &str, file: FileId) -> Diagnostic {
    Diagnostic::error(Code::FormatChangesProgram, Span::new(file, 0, 0), format!("formatting `{name}` would change it"))
        .label("the file is left as it is")
        .help("this is a bug in `pipec fmt`: please report it with this file")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> File {
        let (tree, diags) = crate::syntax::parse(FileId(0), text);
        assert!(!diags.iter().any(Diagnostic::is_error), "{text}");
        tree
    }

    /// The guard against a printer that would drop parentheses, a comment or an item.
    #[test]
    fn the_guard_sees_a_changed_tree_and_a_lost_comment() {
        let src = "let x = (1 + 2) * 3 # why\n\n# between\nlet y = [1, 2]\n";
        let tree = parse(src);
        let printed = |out: &str| {
            let mut p = printer::Printer::new(trivia::Trivia { src, comments: &tree.comments });
            p.file(&tree);
            let ranges: Vec<(usize, usize)> = p.item_ranges.clone();
            let mut edited = p.out.clone();
            edited.replace_range(ranges[0].0..ranges[0].1, out);
            let shift = out.len() as isize - (ranges[0].1 - ranges[0].0) as isize;
            p.item_ranges[0].1 = (ranges[0].1 as isize + shift) as usize;
            p.item_ranges[1] = ((ranges[1].0 as isize + shift) as usize, (ranges[1].1 as isize + shift) as usize);
            for e in &mut p.emitted[1..] {
                e.1 = (e.1 as isize + shift) as usize;
            }
            p.out = edited;
            guard::same_meaning(&tree, src, &p)
        };
        assert!(printed("let x = (1 + 2) * 3"));
        assert!(!printed("let x = 1 + 2 * 3"), "the missing parentheses are seen");
        assert!(!printed("let x = (1 + 2) * 4"), "another value is seen");
        assert!(!printed("let x = (1 + 2) * 3 let z = 1"), "an item too many is seen");
        let mut p = printer::Printer::new(trivia::Trivia { src, comments: &tree.comments });
        p.file(&tree);
        p.emitted.pop();
        assert!(!guard::same_meaning(&tree, src, &p), "a lost comment is seen");
    }

    #[test]
    fn syntax_errors_come_back_and_nothing_is_printed() {
        let errors = format_source("a.pipe", "job a { image = }").unwrap_err();
        assert!(!errors.is_empty() && errors.iter().all(Diagnostic::is_error), "{errors:?}");
    }

    /// A tree made by a tool has no source text: keys and strings are printed
    /// from the tree (escaped), blocks on one line when they fit.
    #[test]
    fn a_tree_without_source_text_prints_from_the_tree() {
        let text = "job a { image = \"say \\\"hi\\\" ${x}\", labels = { \"app.kubernetes.io/name\": \"a\" } }\n";
        let tree = parse(text);
        assert_eq!(print(&tree, ""), text);
    }

    #[test]
    fn output_ends_with_one_newline_and_has_no_trailing_spaces() {
        let out = format_source("a.pipe", "\n\njob a {   \n image = \"x\"    \n\n\n}   \n\n\n").unwrap();
        assert_eq!(out, "job a {\n  image = \"x\"\n}\n");
    }
}
