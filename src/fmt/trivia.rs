//! What the syntax tree leaves out and the printer needs, read from the source
//! beside it: where comments are, where a node's last token really ends (some
//! spans run on over the whitespace and comments after them, see `syntax/fast.rs`),
//! and where the author left a blank line.

use crate::ast::Comment;

pub(super) struct Trivia<'a> {
    pub src: &'a str,
    /// In source order (the pre-scan collects them so), never overlapping.
    pub comments: &'a [Comment],
}

impl<'a> Trivia<'a> {
    pub fn start(&self, i: usize) -> usize {
        self.comments[i].span.start as usize
    }

    pub fn end(&self, i: usize) -> usize {
        self.comments[i].span.end as usize
    }

    /// A comment's text after `#`, without the spaces (or `\r`) that end its line.
    pub fn text(&self, i: usize) -> &'a str {
        self.comments[i].text.trim_end()
    }

    /// The end of the last token at or before `end`: steps back over whitespace
    /// and comments.
    pub fn token_end(&self, end: usize) -> usize {
        let bytes = self.src.as_bytes();
        let mut end = end.min(bytes.len());
        loop {
            while end > 0 && matches!(bytes[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
                end -= 1;
            }
            // A comment's span ends at its line's end, after any spaces that end it.
            let i = self.comments.partition_point(|c| (c.span.end as usize) < end);
            match self.comments.get(i) {
                Some(c) if (c.span.start as usize) < end => end = c.span.start as usize,
                _ => return end,
            }
        }
    }

    /// The start of the first token at or after `pos`: steps over whitespace and comments.
    pub fn next_token(&self, pos: usize) -> usize {
        let bytes = self.src.as_bytes();
        let mut pos = pos;
        loop {
            while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t' | b'\r' | b'\n') {
                pos += 1;
            }
            let i = self.comments.partition_point(|c| (c.span.start as usize) < pos);
            match self.comments.get(i) {
                Some(c) if c.span.start as usize == pos => pos = c.span.end as usize,
                _ => return pos,
            }
        }
    }

    /// Whether a comment starts in `start..end`.
    pub fn any_comment_in(&self, start: usize, end: usize) -> bool {
        let i = self.comments.partition_point(|c| (c.span.start as usize) < start);
        self.comments.get(i).is_some_and(|c| (c.span.start as usize) < end)
    }

    /// Whether the source between `from` and `to` holds an empty line (only
    /// whitespace, or the commas that may separate entries).
    pub fn blank_between(&self, from: usize, to: usize) -> bool {
        let Some(between) = self.src.as_bytes().get(from..to) else { return false };
        let mut newline_seen = false;
        for &b in between {
            match b {
                b'\n' if newline_seen => return true,
                b'\n' => newline_seen = true,
                b' ' | b'\t' | b'\r' | b',' => {}
                _ => newline_seen = false,
            }
        }
        false
    }

    /// Whether only spaces and commas stand between `from` and `to` (so that a
    /// comment at `to` trails the token that ends at `from`, on the same line).
    pub fn same_line(&self, from: usize, to: usize) -> bool {
        self.src.as_bytes().get(from..to).is_some_and(|s| s.iter().all(|b| matches!(b, b' ' | b'\t' | b',')))
    }

    /// Whether a line break stands between `from` and `to`.
    pub fn newline_between(&self, from: usize, to: usize) -> bool {
        self.src.as_bytes().get(from..to).is_some_and(|s| s.contains(&b'\n'))
    }

    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        self.src.get(start..end).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn comments(src: &str) -> Vec<Comment> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(at) = src[from..].find('#') {
            let start = from + at;
            let end = src[start..].find('\n').map_or(src.len(), |n| start + n);
            out.push(Comment { text: src[start + 1..end].to_string(), span: Span::new(FileId(0), start, end) });
            from = end;
        }
        out
    }

    #[test]
    fn token_end_steps_back_over_comments_and_blank_lines() {
        let src = "config x   # one  \n\n# two\n  \njob";
        let c = comments(src);
        let t = Trivia { src, comments: &c };
        assert_eq!(t.token_end(src.len() - 3), "config x".len());
        assert_eq!(t.token_end(8), 8);
    }

    #[test]
    fn blank_lines_are_lines_with_nothing_but_spaces_or_commas() {
        let src = "a = 1\n  \nb = 2,\n,\nc = 3\nd = 4";
        let t = Trivia { src, comments: &[] };
        let at = |s: &str| src.find(s).unwrap();
        assert!(t.blank_between(at("1") + 1, at("b")));
        assert!(t.blank_between(at("2") + 1, at("c")));
        assert!(!t.blank_between(at("3") + 1, at("d")));
    }
}
