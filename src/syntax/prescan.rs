//! A linear lexical pass that runs before pest. It finds what pest must not see
//! (nesting so deep that a recursive-descent parser would overflow its stack)
//! and collects comments, which the grammar skips.

use crate::ast::Comment;
use crate::limits::Limits;
use crate::source::{FileId, Span};

// The deepest nesting of `{ [ ( ${` a program may use (`Limits::nesting`): real
// programs stay under ten; the limit exists so that hostile input cannot overflow
// the parser's stack. `if … then … else …` nests without brackets and the parser
// recurses into each, so `if`s per top-level item are counted too.

pub struct Prescan {
    pub comments: Vec<Comment>,
    /// The first opening bracket that goes past `Limits::nesting` (or the `if` past
    /// `Limits::ifs_per_item`), and what is too deep.
    pub too_deep: Option<(Span, TooDeep)>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TooDeep {
    Brackets,
    Ifs,
}

#[derive(Clone, Copy, PartialEq)]
enum Frame {
    Bracket,
    /// `${` inside a string: its `}` returns to the string.
    Interp,
    Str,
}

pub fn prescan(file: FileId, src: &str, limits: &Limits) -> Prescan {
    let bytes = src.as_bytes();
    let mut comments = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut too_deep = None;
    let mut ifs_in_item = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let in_string = stack.last() == Some(&Frame::Str);
        if in_string {
            match b {
                b'"' | b'\n' => {
                    stack.pop();
                }
                b'\\' => i += 1,
                b'$' if bytes.get(i + 1) == Some(&b'{') => {
                    stack.push(Frame::Interp);
                    i += 1;
                }
                _ => {}
            }
        } else {
            match b {
                b'#' => {
                    let end = src[i..].find('\n').map_or(bytes.len(), |n| i + n);
                    comments.push(Comment { text: src[i + 1..end].to_string(), span: Span::new(file, i, end) });
                    i = end;
                    continue;
                }
                b'"' => stack.push(Frame::Str),
                // A new top-level item starts a new count of `if`s.
                b'\n' if stack.is_empty() && bytes.get(i + 1).is_some_and(|c| !c.is_ascii_whitespace()) => {
                    ifs_in_item = 0
                }
                b'i' if bytes.get(i + 1) == Some(&b'f')
                    && !bytes.get(i + 2).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
                    && (i == 0
                        || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'-')) =>
                {
                    ifs_in_item += 1;
                    if ifs_in_item > limits.ifs_per_item && too_deep.is_none() {
                        too_deep = Some((Span::new(file, i, i + 2), TooDeep::Ifs));
                    }
                }
                b'{' | b'[' | b'(' => stack.push(Frame::Bracket),
                b'}' | b']' | b')' => {
                    if matches!(stack.last(), Some(Frame::Bracket | Frame::Interp)) {
                        stack.pop();
                    }
                }
                _ => {}
            }
        }
        if stack.len() > limits.nesting && too_deep.is_none() {
            too_deep = Some((Span::new(file, i, i + 1), TooDeep::Brackets));
        }
        i += 1;
    }
    Prescan { comments, too_deep }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_skip_strings() {
        let p = prescan(FileId(0), "let a = \"x # not a comment\" # real\n# second", &Limits::default());
        let texts: Vec<_> = p.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, [" real", " second"]);
        assert!(p.too_deep.is_none());
    }

    #[test]
    fn deep_nesting_is_found_at_the_first_offending_bracket() {
        let limits = Limits::default();
        let src = "[".repeat(limits.nesting + 10);
        let p = prescan(FileId(0), &src, &limits);
        assert_eq!(p.too_deep.map(|(s, _)| s.start), Some(limits.nesting as u32));
        let ok = format!("{}{}", "[".repeat(limits.nesting), "]".repeat(limits.nesting));
        assert!(prescan(FileId(0), &ok, &limits).too_deep.is_none());
    }

    #[test]
    fn interpolation_nests_inside_strings() {
        let p = prescan(FileId(0), r#"let a = "${ {"k": "}"} }" # c"#, &Limits::default());
        assert_eq!(p.comments.len(), 1);
    }
}
