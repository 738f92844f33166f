//! Positions as the protocol counts them (line, UTF-16 code unit) and byte offsets as the
//! compiler does, and edits of a document's text.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// Where each line starts, for converting offsets and positions both ways.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0u32];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i as u32 + 1));
        LineIndex { starts }
    }

    /// The protocol position of a byte offset (clamped to the text, and to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = self.starts[line] as usize;
        let character = text[start..offset].chars().map(char::len_utf16).sum::<usize>();
        Position { line: line as u32, character: character as u32 }
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range { start: self.position(text, start), end: self.position(text, end) }
    }

    /// The byte offset of a protocol position: a character past the end of its line is the
    /// line's end, a line past the end of the text is the text's end.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let start = start as usize;
        let line_end = self.starts.get(position.line as usize + 1).map_or(text.len(), |&s| s as usize - 1);
        let mut units = 0usize;
        for (i, c) in text[start..line_end].char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        line_end
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Applies the client's changes in order (each range is in the text as the previous change left
/// it); a change without a range replaces the whole text.
pub fn apply_changes(text: &mut String, changes: Vec<TextDocumentContentChangeEvent>) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let index = LineIndex::new(text);
                let start = index.offset(text, range.start);
                let end = index.offset(text, range.end).max(start);
                text.replace_range(start..end, &change.text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        let text = "ab\nçd😀e\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position::new(0, 0));
        assert_eq!(index.position(text, 5), Position::new(1, 1)); // after `ç` (2 bytes, 1 unit)
        assert_eq!(index.position(text, 10), Position::new(1, 4)); // after 😀 (4 bytes, 2 units)
        for offset in [0, 1, 3, 5, 6, 10, 11, 12] {
            assert_eq!(index.offset(text, index.position(text, offset)), offset);
        }
        assert_eq!(index.offset(text, Position::new(0, 99)), 2);
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn ranged_changes_edit_in_place() {
        let mut text = String::from("job a {\n  image = \"x\"\n}\n");
        let change = |l1, c1, l2, c2, t: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: t.into(),
        };
        apply_changes(&mut text, vec![change(1, 11, 1, 12, "busybox"), change(0, 4, 0, 5, "b")]);
        assert_eq!(text, "job b {\n  image = \"busybox\"\n}\n");
    }
}
