//! A small, fast YAML writer implemented as a [`serde::Serializer`].
//!
//! [`write_document`] appends any `T: Serialize` (in practice k8s-openapi objects) to a `String`
//! as one block-style document, straight into the buffer: no intermediate tree, no allocation
//! per scalar. We don't use serde_yaml: it is several times slower on the emit path, and we
//! want byte-for-byte deterministic output with exact control over quoting.
//!
//! Style (kubectl-like, yamllint-clean with 2-space indentation and consistent sequences):
//! mappings are `key: value` indented by 2; sequences are *not* indented relative to their
//! parent key (`args:` / `- a`); a mapping inside a sequence starts on the `- ` line; empty
//! collections are `{}` / `[]`; `None`/unit is `null`; enum variants carrying data are written
//! as a one-key mapping `Variant: value`.
//!
//! Quoting rule: a string is written plain only when both a YAML 1.1 and a YAML 1.2 reader
//! would read it back as the same string. Anything that could resolve to a bool/null (in any
//! case), a number in any 1.1/1.2 form, or a timestamp, that starts with an indicator
//! character or a space, ends with a space or `:`, or contains `: ` or ` #` is single-quoted.
//! Strings with control characters, tabs or characters that are non-printable or line breaks
//! in YAML 1.1 are double-quoted with escapes. Multi-line strings become literal block scalars
//! (`|`, `|-`, `|+`, with an indentation indicator when the first line starts with whitespace)
//! unless a line ends in whitespace or a character needs escaping; then they are double-quoted.

use std::fmt::{self, Write as _};

use serde::Serialize;
use serde::ser;

/// Error raised while writing YAML: a map key that isn't a scalar, or an error raised by a
/// `Serialize` impl.
#[derive(Debug)]
pub struct YamlError(pub String);

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for YamlError {}

impl ser::Error for YamlError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        YamlError(msg.to_string())
    }
}

type Res<T = ()> = Result<T, YamlError>;

/// Appends `value` as one YAML document (no leading `---`, ends with a newline) to `out`.
/// On error `out` is left as it was.
pub fn write_document<T: Serialize + ?Sized>(value: &T, out: &mut String) -> Res {
    let start = out.len();
    let mut w = Writer { out, ctx: Ctx::Top, keep_at: None, avoid_keep_at: None };
    let mut result = value.serialize(&mut w);
    // yamllint allows no blank line at the end of a file, so a `|+` block whose kept blank
    // lines would end the document is written again double-quoted (rare: one extra pass).
    if result.is_ok() && w.out.ends_with("\n\n") {
        w.out.truncate(start);
        (w.ctx, w.avoid_keep_at) = (Ctx::Top, w.keep_at);
        result = value.serialize(&mut w);
    }
    if result.is_err() {
        w.out.truncate(start);
    }
    result
}

/// Where the next value is written.
#[derive(Clone, Copy)]
enum Ctx {
    /// Start of the document.
    Top,
    /// Just after `key:`, the key at this column.
    Value(usize),
    /// Just after `- `, the dash at this column.
    Item(usize),
    /// A map key, at this column: a scalar followed by `:`.
    Key(usize),
}

/// An open mapping or sequence: `col` is the column of its keys or dashes.
struct Block {
    col: usize,
    outer: Ctx,
    len: usize,
    seq: bool,
}

struct Writer<'o> {
    out: &'o mut String,
    ctx: Ctx,
    /// Where the last `|+` block scalar was written.
    keep_at: Option<usize>,
    /// Where a `|+` block scalar must not be written (see [`write_document`]).
    avoid_keep_at: Option<usize>,
}

const SPACES: &str = "                                                                ";

/// Implicit keys longer than this are written as explicit `? key` entries (the limit is 1024).
const MAX_IMPLICIT_KEY: usize = 1000;

impl Writer<'_> {
    fn indent(&mut self, mut n: usize) {
        while n > 0 {
            let k = n.min(SPACES.len());
            self.out.push_str(&SPACES[..k]);
            n -= k;
        }
    }

    fn lead(&mut self, ctx: Ctx) {
        if let Ctx::Value(_) = ctx {
            self.out.push(' ');
        }
    }

    /// Writes a one-line scalar produced by `f` in the current context.
    fn scalar(&mut self, f: impl FnOnce(&mut String)) -> Res {
        if let Ctx::Key(col) = self.ctx {
            let start = self.out.len();
            f(self.out);
            if self.out.len() - start > MAX_IMPLICIT_KEY {
                // `? key` / `: value`, the value placed like a sequence item's.
                self.out.insert_str(start, "? ");
                self.out.push('\n');
                self.indent(col);
                self.out.push_str(": ");
                self.ctx = Ctx::Item(col);
            } else {
                self.out.push(':');
                self.ctx = Ctx::Value(col);
            }
        } else {
            self.lead(self.ctx);
            f(self.out);
            self.out.push('\n');
        }
        Ok(())
    }

    fn begin(&mut self, seq: bool) -> Res<Block> {
        let col = match self.ctx {
            Ctx::Top => 0,
            Ctx::Value(c) if seq => c,
            Ctx::Value(c) | Ctx::Item(c) => c + 2,
            Ctx::Key(_) => return Err(YamlError("YAML map keys must be scalars".into())),
        };
        Ok(Block { col, outer: self.ctx, len: 0, seq })
    }

    /// Moves to the next entry of `b`: a sequence's after its `- `, a mapping's where the key goes.
    fn entry(&mut self, b: &mut Block) {
        if b.len > 0 {
            self.indent(b.col);
        } else if let Ctx::Value(_) = b.outer {
            self.out.push('\n');
            self.indent(b.col);
        }
        b.len += 1;
        self.ctx = if b.seq {
            self.out.push_str("- ");
            Ctx::Item(b.col)
        } else {
            Ctx::Key(b.col)
        };
    }

    fn end(&mut self, b: &Block) -> Res {
        if b.len == 0 {
            self.lead(b.outer);
            self.out.push_str(if b.seq { "[]\n" } else { "{}\n" });
        }
        Ok(())
    }

    /// Opens the one-key mapping `variant:` wrapping an enum variant's data.
    fn variant(&mut self, variant: &str) -> Res {
        let mut outer = self.begin(false)?;
        self.entry(&mut outer);
        self.str_value(variant)
    }

    /// A struct field's name: k8s-openapi's are camelCase words, written as they
    /// are without the full quoting decision (anything else takes the general path).
    fn field_name(&mut self, key: &str) -> Res {
        // Letters only: plain unless it is one of YAML 1.1's words (`on`, `no`, …), all short.
        let word = !key.is_empty()
            && key.bytes().all(|c| c.is_ascii_alphabetic())
            && (key.len() > 5 || plain_ok(key.as_bytes()));
        match self.ctx {
            Ctx::Key(col) if word => {
                self.out.push_str(key);
                self.out.push(':');
                self.ctx = Ctx::Value(col);
                Ok(())
            }
            _ => self.str_value(key),
        }
    }

    fn str_value(&mut self, s: &str) -> Res {
        match style(s) {
            Style::Plain => self.scalar(|out| out.push_str(s)),
            Style::Single => self.scalar(|out| single_quoted(out, s)),
            Style::Literal if self.literal(s) => Ok(()),
            Style::Double | Style::Literal => self.scalar(|out| double_quoted(out, s)),
        }
    }

    /// Writes `s` (which has a line break and fits a literal block) as a literal block scalar;
    /// returns false, writing nothing, when that isn't possible in this position.
    fn literal(&mut self, s: &str) -> bool {
        let needs_indicator = s.trim_start_matches('\n').starts_with([' ', '\t']);
        let col = match self.ctx {
            // At the top level, parsers disagree on what an indentation indicator is relative to.
            Ctx::Top if needs_indicator => return false,
            Ctx::Key(_) => return false,
            Ctx::Top => 2,
            Ctx::Value(c) | Ctx::Item(c) => c + 2,
        };
        let trailing = s.len() - s.trim_end_matches('\n').len();
        if trailing > 1 {
            if self.avoid_keep_at == Some(self.out.len()) {
                return false;
            }
            self.keep_at = Some(self.out.len());
        }
        self.lead(self.ctx);
        self.out.push_str(if needs_indicator { "|2" } else { "|" });
        self.out.push_str(["-\n", "\n", "+\n"][trailing.min(2)]);
        for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
            if !line.is_empty() {
                self.indent(col);
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
        true
    }
}

/// How a string is written: plain, `'single'`, `"double"` or as a `|` literal block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// Byte classes for the quoting decision.
const SCAN: u8 = 1; // needs a closer look in `style`
const INDICATOR: u8 = 2; // can't start a plain scalar
const NUMERIC: u8 = 4; // can appear in a YAML 1.1/1.2 number or timestamp
const NUM_START: u8 = 8; // can start one (a sign, a digit or `.`)

static CLASS: [u8; 256] = {
    let sets: [(&[u8], u8); 4] = [
        (b":#\x7f\xc2\xe2\xef", SCAN),
        (b"-?:,[]{}#&*!|>'\"%@` ", INDICATOR),
        (b"0123456789abcdefABCDEFxXoO_.:+-tTzZ", NUMERIC),
        (b"0123456789.+-", NUM_START),
    ];
    let mut t = [0; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = SCAN;
        i += 1;
    }
    let mut s = 0;
    while s < sets.len() {
        let (bytes, bit) = sets[s];
        let mut j = 0;
        while j < bytes.len() {
            t[bytes[j] as usize] |= bit;
            j += 1;
        }
        s += 1;
    }
    t
};

fn class(c: u8, bit: u8) -> bool {
    CLASS[c as usize] & bit != 0
}

/// Length of a prefix of 8-byte words with no byte in `SCAN` (a bit-trick fast path).
fn boring_prefix(b: &[u8]) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut n = 0;
    for chunk in b.chunks_exact(8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // Non-ASCII, control characters, `:`, `#` or DEL.
        let special = (x & HIGH)
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | has_zero(x ^ (ONES * u64::from(b':')))
            | has_zero(x ^ (ONES * u64::from(b'#')))
            | has_zero(x ^ (ONES * 0x7f));
        if special != 0 {
            break;
        }
        n += 8;
    }
    n
}

/// Decides how `s` is written, in one scan over its bytes.
fn style(s: &str) -> Style {
    let b = s.as_bytes();
    let (mut newline, mut tab, mut trailing_ws, mut plain) = (false, false, false, true);
    for (i, &c) in b.iter().enumerate().skip(boring_prefix(b)) {
        if !class(c, SCAN) {
            continue;
        }
        let next = b.get(i + 1).copied();
        match c {
            b'\n' => {
                newline = true;
                trailing_ws |= i > 0 && matches!(b[i - 1], b' ' | b'\t');
            }
            b'\t' => tab = true,
            0..0x20 | 0x7f => return Style::Double,
            b':' if matches!(next, None | Some(b' ')) => plain = false,
            b'#' if i > 0 && b[i - 1] == b' ' => plain = false,
            // U+0080..U+009F (incl. NEL), U+2028/U+2029, U+FEFF, U+FFFE/U+FFFF.
            _ if matches!(
                b[i..],
                [0xc2, 0x80..=0x9f, ..]
                    | [0xe2, 0x80, 0xa8 | 0xa9, ..]
                    | [0xef, 0xbb, 0xbf, ..]
                    | [0xef, 0xbf, 0xbe | 0xbf, ..]
            ) =>
            {
                return Style::Double;
            }
            _ => {}
        }
    }
    if newline {
        // yamllint also rejects more than two blank lines in a row, even inside a block scalar.
        let fits = !trailing_ws
            && !s.ends_with([' ', '\t'])
            && b.iter().any(|&c| c != b'\n')
            && !s.starts_with("\n\n\n")
            && !s.contains("\n\n\n\n");
        return if fits { Style::Literal } else { Style::Double };
    }
    if tab {
        return Style::Double;
    }
    if plain && plain_ok(b) { Style::Plain } else { Style::Single }
}

/// Whether a one-line, printable string without `: `, ` #` or a final `:` can stay plain.
fn plain_ok(b: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    if class(first, INDICATOR) || last == b' ' {
        return false;
    }
    const WORDS: &[&[u8]] = &[b"y", b"n", b"yes", b"no", b"true", b"false", b"on", b"off", b"null", b"~", b"<<", b"="];
    if b.len() <= 5 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(b)) {
        return false;
    }
    !looks_numeric(b)
}

/// Conservative superset of YAML 1.1/1.2 ints, floats (incl. `.inf`, `.nan`, sexagesimal)
/// and 1.1 timestamps: after an optional sign and, if signed, any `_`, starts with a digit or
/// `.`, and is made only of characters those forms use, or contains a space. The `_` matters:
/// go-yaml drops every `_` before it reads a number (`+_1` is 1) and ruamel.yaml's YAML 1.2
/// ints are `[-+]?[0-9_]+` (so `+_` is an int to it, and fails to convert).
fn looks_numeric(b: &[u8]) -> bool {
    // The common case, a word or a name, leaves on its first byte.
    if !b.first().is_some_and(|&c| class(c, NUM_START)) {
        return false;
    }
    let t = match b {
        [b'+' | b'-', rest @ ..] => {
            let t = &rest[rest.iter().take_while(|&&c| c == b'_').count()..];
            if t.is_empty() {
                return !rest.is_empty(); // `+_`, `-__`: a number to ruamel.yaml
            }
            t
        }
        _ => b,
    };
    match t.first() {
        Some(c) if c.is_ascii_digit() || *c == b'.' => {}
        _ => return false,
    }
    t.eq_ignore_ascii_case(b".inf")
        || t.eq_ignore_ascii_case(b".nan")
        || t.contains(&b' ')
        || match t.iter().position(|&c| !class(c, NUMERIC)) {
            None => true,
            Some(i) => t[i] == b',' && is_date_start(t) && t[i..].iter().all(|&c| c == b',' || class(c, NUMERIC)),
        }
}

/// `YYYY-`: how every timestamp starts. Go's time parser (go-yaml) also takes `,` before the
/// fraction of a second (`2001-12-14t21:59:43,10Z`), a character no other numeric form uses.
fn is_date_start(t: &[u8]) -> bool {
    matches!(t, [a, b, c, d, b'-', ..] if [a, b, c, d].iter().all(|x| x.is_ascii_digit()))
}

fn single_quoted(out: &mut String, s: &str) {
    out.push('\'');
    for (i, part) in s.split('\'').enumerate() {
        if i > 0 {
            out.push_str("''");
        }
        out.push_str(part);
    }
    out.push('\'');
}

fn double_quoted(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, ch) in s.char_indices() {
        let esc = match ch {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\t' => "\\t",
            '\r' => "\\r",
            '\0' => "\\0",
            // Other controls, YAML 1.1 line breaks, BOM, non-characters: `\xNN` / `\uNNNN`.
            '\u{1}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => "",
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        run = i + ch.len_utf8();
        if !esc.is_empty() {
            out.push_str(esc);
        } else if (ch as u32) < 0x100 {
            let _ = write!(out, "\\x{:02X}", ch as u32);
        } else {
            let _ = write!(out, "\\u{:04X}", ch as u32);
        }
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// Writes a float so that both YAML 1.1 and 1.2 read it as a float: always a `.`, and a
/// signed exponent (`1.0e+300`) when there is one.
fn push_float<F: fmt::Debug + Into<f64> + Copy>(out: &mut String, v: F) {
    let f: f64 = v.into();
    if f.is_nan() {
        out.push_str(".nan");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { ".inf" } else { "-.inf" });
    } else {
        let start = out.len();
        let _ = write!(out, "{v:?}");
        if let Some(e) = out[start..].find('e').map(|e| start + e) {
            if !out[start..e].contains('.') {
                out.insert_str(e, ".0");
            }
            let e = out[start..].find('e').map_or(e, |e| start + e);
            if out.as_bytes().get(e + 1) != Some(&b'-') {
                out.insert(e + 1, '+');
            }
        } else if !out[start..].contains('.') {
            out.push_str(".0");
        }
    }
}

/// Scalars written with their `Display` text.
macro_rules! display_scalars {
    ($($name:ident($t:ty)),*) => {$(
        fn $name(self, v: $t) -> Res {
            self.scalar(|o| {
                let _ = write!(o, "{v}");
            })
        }
    )*};
}

impl<'a, 'o> ser::Serializer for &'a mut Writer<'o> {
    type Ok = ();
    type Error = YamlError;
    type SerializeSeq = Compound<'a, 'o>;
    type SerializeTuple = Compound<'a, 'o>;
    type SerializeTupleStruct = Compound<'a, 'o>;
    type SerializeTupleVariant = Compound<'a, 'o>;
    type SerializeMap = Compound<'a, 'o>;
    type SerializeStruct = Compound<'a, 'o>;
    type SerializeStructVariant = Compound<'a, 'o>;

    display_scalars! {
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_i128(i128), serialize_u8(u8), serialize_u16(u16),
        serialize_u32(u32), serialize_u64(u64), serialize_u128(u128)
    }

    fn serialize_f32(self, v: f32) -> Res {
        self.scalar(|o| push_float(o, v))
    }
    fn serialize_f64(self, v: f64) -> Res {
        self.scalar(|o| push_float(o, v))
    }
    fn serialize_char(self, v: char) -> Res {
        self.str_value(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Res {
        self.str_value(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Res {
        let mut seq = self.serialize_seq(Some(v.len()))?;
        v.iter().try_for_each(|b| ser::SerializeSeq::serialize_element(&mut seq, b))?;
        ser::SerializeSeq::end(seq)
    }
    fn serialize_none(self) -> Res {
        self.scalar(|o| o.push_str("null"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Res {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Res {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Res {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Res {
        self.str_value(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Res {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T>(self, _: &str, _: u32, variant: &str, v: &T) -> Res
    where
        T: Serialize + ?Sized,
    {
        self.variant(variant)?;
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Res<Compound<'a, 'o>> {
        let block = self.begin(true)?;
        Ok(Compound { w: self, block })
    }
    fn serialize_tuple(self, _: usize) -> Res<Compound<'a, 'o>> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Res<Compound<'a, 'o>> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_variant(self, _: &str, _: u32, variant: &str, _: usize) -> Res<Compound<'a, 'o>> {
        self.variant(variant)?;
        self.serialize_seq(None)
    }
    fn serialize_map(self, _: Option<usize>) -> Res<Compound<'a, 'o>> {
        let block = self.begin(false)?;
        Ok(Compound { w: self, block })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Res<Compound<'a, 'o>> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(self, _: &str, _: u32, variant: &str, _: usize) -> Res<Compound<'a, 'o>> {
        self.variant(variant)?;
        self.serialize_map(None)
    }
}

/// An open mapping or sequence. (A variant's one-key wrapper needs no state: it has exactly
/// one entry, so nothing is written when it ends.)
struct Compound<'a, 'o> {
    w: &'a mut Writer<'o>,
    block: Block,
}

impl Compound<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Res {
        self.w.entry(&mut self.block);
        v.serialize(&mut *self.w)
    }
}

macro_rules! compound {
    ($($trait:ident::$method:ident),*; $($keyed:ident),*) => {
        $(impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = YamlError;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Res {
                self.element(v)
            }
            fn end(self) -> Res {
                self.w.end(&self.block)
            }
        })*
        $(impl ser::$keyed for Compound<'_, '_> {
            type Ok = ();
            type Error = YamlError;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Res {
                self.w.entry(&mut self.block);
                self.w.field_name(key)?;
                v.serialize(&mut *self.w)
            }
            fn end(self) -> Res {
                self.w.end(&self.block)
            }
        })*
    };
}
compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field;
    SerializeStruct,
    SerializeStructVariant
);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = YamlError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Res {
        self.element(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Res {
        v.serialize(&mut *self.w)
    }
    fn end(self) -> Res {
        self.w.end(&self.block)
    }
}

#[cfg(test)]
mod readers;

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::Job;
    use serde_json::{Map, Value, json};
    use std::collections::BTreeMap;

    fn yaml<T: Serialize + ?Sized>(v: &T) -> String {
        let mut out = String::new();
        write_document(v, &mut out).unwrap();
        out
    }

    /// Writes `v`, checks serde_norway reads it back equal, returns the text.
    fn round_trip(v: &Value) -> String {
        let text = yaml(v);
        let back: Value = serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(&back, v, "\n{text}");
        text
    }

    #[rustfmt::skip]
    const TRICKY: &[&str] = &[
        "", " ", "  lead", "trail ", "a  b", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No",
        "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off",
        "OFF", "null", "Null", "NULL", "~", "0123", "012", "0o17", "0x1F", "1e3", "1E3", ".5",
        "-1", "+1", "1_000", "1.5", "1.", "0", "16", ".inf", "-.Inf", "+.INF", ".nan", ".NaN",
        "60:30", "0b101", "1.0e+3", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5", "-", "---", "...", "<<", "=", "- a", "? x", ": y", ",",
        "[a]", "]", "{a}", "}", "#c", "&a", "*a", "!t", "|", ">", "'", "\"", "%x", "@x", "`x",
        "a: b", "a #b", "a:", "a#b", "a:b", "http://x:80/p?q=1#frag", "500m", "32Gi",
        "registry.gaofei.com/stable_test", "0 * */1 * *", "pipec", "--verbose", "it's",
        "say \"hi\"", "back\\slash", "tab\there", "\ttab", "cr\r\nlf", "nul\0", "bell\x07",
        "del\x7f", "\u{85}next", "line\u{2028}sep", "para\u{2029}", "\u{feff}bom", "\u{fffe}",
        "é ü 日本語 🚀", "\u{a0}nbsp\u{a0}", "a,b", "a[0]", "{{ .Values }}", "50%",
        "long-enough-for-the-word-at-a-time-scan: yes", "0123456789abcdef#x", "0123456789abcde #x",
        // Multi-line strings.
        "a\nb", "a\nb\n", "a\nb\n\n", "a\nb\n\n\n", "a\nb\n\n\n\n", "\na", "\n\na\n", "\n\n\na",
        "  lead\nb\n", "\n  lead\nb", "\tlead\nb", "a\n  b\n    c\n", "a\n\nb", "a\n\n\n\nb",
        "a \nb", "a\n   \nb", "# comment\nkey: value\n- item\n", "---\n...\n", "\n", "\n\n",
        "a\r\nb\r\n", "a\tb\nc\n", "x\n\u{85}y", "'quoted'\n\"dq\"\n", "|\n>\n", "spaces  \n",
        "key: |\n  nested\n", " \n", "a\n\n", "#!/bin/sh\nset -e\necho \"$X\" # hi\n",
    ];

    #[test]
    fn tricky_strings_round_trip() {
        for &s in TRICKY {
            let mut keyed = Map::new();
            keyed.insert(s.to_string(), json!(s));
            keyed.insert(format!("{s}!"), json!([s, { s: [s] }]));
            for v in [
                json!(s),
                json!({ "k": s }),
                Value::Object(keyed),
                json!([s, [s, [s]], { "a": [s, { "b": s }] }]),
                json!({ "outer": { "list": [s, { "x": s, "y": [s, [s]] }], "z": s } }),
                json!([[[s]]]),
            ] {
                round_trip(&v);
            }
        }
    }

    #[test]
    fn structures_round_trip() {
        round_trip(&json!({
            "a": {}, "b": [], "c": [[]], "d": [{}], "e": [[1, 2], [3, [4, 5]]],
            "f": [[{ "x": 1, "y": [] }]], "g": null, "h": true, "i": 1.5, "j": -3,
            "k": 1e300, "l": 1e-7, "m": 0.1, "n": u64::MAX, "o": i64::MIN, "p": 1.0, "q": -0.0,
            "r": [{ "s": { "t": [{ "u": [[{}], []] }] } }], "v": [null, false, "x"],
        }));
        for v in [json!(1), json!("x"), json!(null), json!([]), json!({}), json!("a\nb")] {
            round_trip(&v);
        }
        assert_eq!(round_trip(&json!(" a\nb")), "\" a\\nb\"\n");
        assert_eq!(round_trip(&json!([[1, [2]], [[3]]])), "- - 1\n  - - 2\n- - - 3\n");
        // Keys over 1024 characters must be explicit (`? key`).
        let long = "k".repeat(2000);
        let v = json!({ &long: [1, { &long: 2 }], "x": { &long: { "y": "z\n" } } });
        let expected = "? K\n: - 1\n  - ? K\n    : 2\nx:\n  ? K\n  : 'y': |\n      z\n";
        assert_eq!(round_trip(&v).replace(&long, "K"), expected);
        // Non-string keys.
        assert_eq!(yaml(&BTreeMap::from([(1, true), (-2, false)])), "-2: false\n1: true\n");
        assert_eq!(yaml(&BTreeMap::from([(true, ())])), "true: null\n");
    }

    #[test]
    fn yaml_1_1_words_are_quoted() {
        for w in ["yes", "on", "off", "y", "n", "0123", "1_000", "60:30", "0b101", "2001-12-14"] {
            assert_eq!(yaml(&json!({ "k": w })), format!("k: '{w}'\n"));
            assert_eq!(yaml(&json!({ w: 1 })), format!("'{w}': 1\n"));
        }
        for w in ["500m", "32Gi", "pipec", "http://x", "registry.gaofei.com/stable_test", "1h"] {
            assert_eq!(yaml(&json!({ "k": w })), format!("k: {w}\n"));
        }
    }

    #[test]
    fn scalars_and_quoting_styles() {
        let v = json!(["it's", "'q'", "tab\t", "nul\0\u{85}\u{2028}", "", 1.0, -2.5, 1e300, 0.1]);
        let expected = "- it's\n- '''q'''\n- \"tab\\t\"\n- \"nul\\0\\x85\\u2028\"\n- ''\n- 1.0\n\
                        - -2.5\n- 1.0e+300\n- 0.1\n";
        assert_eq!(round_trip(&v), expected);
        let floats = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
        assert_eq!(yaml(&floats), "- .nan\n- .inf\n- -.inf\n");
        assert_eq!(yaml(&[1e-7f32, 2.5f32]), "- 1.0e-7\n- 2.5\n");
        let misc = (Some('x'), None::<u8>, (), 'y', 7u128);
        assert_eq!(yaml(&misc), "- x\n- null\n- null\n- 'y'\n- 7\n");
    }

    #[test]
    fn block_scalars() {
        let v = json!({ "a": "x\ny", "b": "x\n", "c": "x\n\n", "d": [" x\n y\n"], "e": "x \ny" });
        let expected = "a: |-\n  x\n  y\nb: |\n  x\nc: |+\n  x\n\nd:\n- |2\n   x\n   y\n\
                        e: \"x \\ny\"\n";
        assert_eq!(round_trip(&v), expected);
        assert_eq!(round_trip(&json!({ "k": "a\n\nb\n" })), "k: |\n  a\n\n  b\n");
        // No blank line may end the document, nor more than two follow each other (yamllint).
        assert_eq!(round_trip(&json!({ "k": "x\n\n" })), "k: \"x\\n\\n\"\n");
        assert_eq!(round_trip(&json!(["a\n\n\n\nb"])), "- \"a\\n\\n\\n\\nb\"\n");
    }

    #[derive(Serialize)]
    enum E {
        Unit,
        New(u8),
        Tuple(u8, &'static str),
        Struct { a: Vec<u8> },
    }

    #[test]
    fn enums_and_errors() {
        let v = [E::Unit, E::New(1), E::Tuple(2, "on"), E::Struct { a: vec![] }];
        let expected = "- Unit\n- New: 1\n- Tuple:\n  - 2\n  - 'on'\n- Struct:\n    a: []\n";
        assert_eq!(yaml(&v), expected);
        assert_eq!(yaml(&BTreeMap::from([("k", E::New(3))])), "k:\n  New: 3\n");
        let mut out = String::from("x");
        let err = write_document(&BTreeMap::from([(vec![1], 2)]), &mut out).unwrap_err();
        assert_eq!((err.to_string(), out), ("YAML map keys must be scalars".into(), "x".into()));
    }

    #[test]
    fn job_exact_text_and_round_trip() {
        let job: Job = serde_json::from_value(json!({
            "metadata": { "name": "demo", "labels": { "on": "pipec", "app.kubernetes.io/name": "x" } },
            "spec": { "backoffLimit": 0, "template": { "spec": {
                "restartPolicy": "Never",
                "containers": [{
                    "name": "main",
                    "image": "registry.gaofei.com/stable_test:1.0",
                    "args": ["0123", "1e3", "", "--verbose", "0 * */1 * *"],
                    "env": [
                        { "name": "ENABLED", "value": "yes" },
                        { "name": "SCRIPT", "value": "echo hi\nexit 0\n" },
                    ],
                    "resources": { "limits": { "cpu": "500m" }, "requests": { "memory": "32Gi" } },
                    "volumeMounts": [{ "name": "cfg", "mountPath": "/etc/cfg" }],
                }],
                "volumes": [{ "name": "cfg", "configMap": { "name": "cfg" } }, { "name": "tmp", "emptyDir": {} }],
            } } },
        }))
        .unwrap();
        let text = yaml(&job);
        let expected = "\
apiVersion: batch/v1
kind: Job
metadata:
  labels:
    app.kubernetes.io/name: x
    'on': pipec
  name: demo
spec:
  backoffLimit: 0
  template:
    spec:
      containers:
      - args:
        - '0123'
        - '1e3'
        - ''
        - '--verbose'
        - '0 * */1 * *'
        env:
        - name: ENABLED
          value: 'yes'
        - name: SCRIPT
          value: |
            echo hi
            exit 0
        image: registry.gaofei.com/stable_test:1.0
        name: main
        resources:
          limits:
            cpu: 500m
          requests:
            memory: 32Gi
        volumeMounts:
        - mountPath: /etc/cfg
          name: cfg
      restartPolicy: Never
      volumes:
      - configMap:
          name: cfg
        name: cfg
      - emptyDir: {}
        name: tmp
";
        assert_eq!(text, expected);
        let back: Value = serde_norway::from_str(&text).unwrap();
        assert_eq!(back, serde_json::to_value(&job).unwrap());
        assert_eq!(serde_norway::from_str::<Job>(&text).unwrap(), job);
    }
}
