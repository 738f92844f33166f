//! pest errors → diagnostics in the user's words. Rule names never leak: every
//! rule that pest can report is described as what a user would type.

use super::Rule;
use super::keywords::{self, Role};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

/// The error of a parse that started at `base` of `src`.
pub(super) fn to_diagnostic(file: FileId, src: &str, base: usize, err: &Error<Rule>) -> Diagnostic {
    diagnostic(file, src, base, None, err)
}

/// The error of one entry parsed alone, its text `base..end` of `src`: an error at the end
/// of that text is at the end of the entry (what follows it in the file is named as found).
pub(super) fn entry_diagnostic(file: FileId, src: &str, base: usize, end: usize, err: &Error<Rule>) -> Diagnostic {
    diagnostic(file, src, base, Some(end), err)
}

fn diagnostic(file: FileId, src: &str, base: usize, end: Option<usize>, err: &Error<Rule>) -> Diagnostic {
    let pos = base
        + match err.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    let positives: Vec<Rule> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };

    if positives.contains(&Rule::close_quote) {
        return unterminated_string(file, src, pos);
    }
    // `key =` and the line ends: refused at the `=` (`assign_value`), or, in an entry's text
    // alone, a value expected at its end.
    let mut pos = pos;
    let mut at_end = end.is_some_and(|end| pos >= end);
    // In an entry, an error found on a later line than the token before it is at the end of
    // that token's line (`args = ["a", "b"` then the next key): where the fix goes.
    if end.is_some() && !at_end {
        let before = token_end_before(src, pos);
        if before > base && src[before..pos].contains('\n') {
            pos = before;
            at_end = true;
        }
    }
    // At the end of the file: after the last token, where the missing part goes.
    let at_eof = pos >= src.len() && token_end_before(src, pos) > base;
    if at_eof {
        pos = token_end_before(src, pos);
        at_end = true;
    }
    if (positives.contains(&Rule::assign_value) && src[pos..].starts_with('=') && rest_of_line_is_blank(src, pos + 1))
        || (at_end && src[..pos].trim_end().ends_with('=') && positives.iter().any(|r| is_value_rule(*r)))
    {
        let at = src[..=pos.min(src.len() - 1)].rfind('=').unwrap_or(pos);
        return missing_value(file, src, at);
    }

    let (found, found_text) = if at_end {
        let next = src[pos..].trim_start_matches([' ', '\t']);
        match next.chars().next() {
            _ if at_eof => ("", "the end of the file".to_string()),
            None | Some('\n' | '\r' | '#') => ("", "the end of the line".to_string()),
            Some(_) => {
                let token = found_token(next, 0);
                (token, format!("`{}`", shown(token)))
            }
        }
    } else {
        let found = found_token(src, pos);
        (found, if found.is_empty() { "end of file".to_string() } else { format!("`{}`", shown(found)) })
    };
    let prev = previous_token(src, pos);
    // After an operator only a value can come; the prefixes and brackets that could start one
    // would only blur that.
    let after_operator = prev.is_some_and(|p| OPERATORS.contains(&p));
    let expected = if after_operator && positives.iter().any(|r| is_value_rule(*r)) {
        "a value".to_string()
    } else {
        describe(&positives)
    };
    let span = if at_end && pos == src.len() {
        // No place after the file's last character to point at: point at that character.
        let last = src[..pos].chars().next_back().map_or(0, char::len_utf8);
        Span::new(file, pos - last, pos)
    } else if at_end {
        Span::new(file, pos, pos)
    } else {
        Span::new(file, pos, pos + found.len().max(usize::from(pos < src.len())).min(src.len() - pos))
    };
    let message = match prev {
        Some(prev) => format!("expected {expected} after `{prev}`"),
        None => format!("expected {expected}"),
    };
    let d = Diagnostic::error(Code::Syntax, span, message).label(format!("found {found_text}"));
    match misspelt_item(&positives, found) {
        Some(kw) => d.suggest(span, kw),
        None if at_eof && positives.contains(&Rule::rbrace) => {
            d.help("a block is not closed before the end of the file: add `}`")
        }
        None => d.help(help_for(&positives, found)),
    }
}

/// The end of the last token before `pos`: back over whitespace and comments.
pub(super) fn token_end_before(src: &str, pos: usize) -> usize {
    let mut before = &src[..pos];
    loop {
        let trimmed = before.trim_end();
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        let code = strip_comment(&trimmed[line_start..]);
        if code.len() == trimmed.len() - line_start {
            return trimmed.len();
        }
        before = &trimmed[..line_start + code.len()];
    }
}

/// The binary operators, as `previous_token` finds them.
const OPERATORS: &[&str] = &["||", "&&", "==", "!=", "<=", ">=", "<", ">", "..", "+", "-", "*", "/", "%"];

/// P0010: the `=` at `at` has no value after it on its line.
fn missing_value(file: FileId, src: &str, at: usize) -> Diagnostic {
    let key = previous_token(src, at).unwrap_or("key");
    Diagnostic::error(Code::MissingValue, Span::new(file, at, at + 1), "expected a value after `=`")
        .label("no value after this `=` on its line")
        .help(format!("write the value on the line of its key: `{key} = …`"))
}

/// Nothing but spaces and a comment from `at` to the end of its line.
fn rest_of_line_is_blank(src: &str, at: usize) -> bool {
    let rest = src.get(at..).unwrap_or("");
    let line = rest.find('\n').map_or(rest, |n| &rest[..n]);
    let code = line.find('#').map_or(line, |n| &line[..n]);
    code.trim().is_empty()
}

/// A token as a message shows it: control characters escaped, quotes as they are.
fn shown(token: &str) -> String {
    token.chars().map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() }).collect()
}

fn unterminated_string(file: FileId, src: &str, pos: usize) -> Diagnostic {
    // The string starts at the last quote before the error on the same line.
    let line_start = src[..pos].rfind('\n').map_or(0, |i| i + 1);
    let start = src[line_start..pos].rfind('"').map_or(pos, |i| line_start + i);
    Diagnostic::error(
        Code::UnterminatedString,
        Span::new(file, start, pos),
        "string is not closed before the end of the line",
    )
    .label("this string has no closing `\"`")
    .help("add a `\"` at the end of the string; strings cannot span lines (read long text with `file(\"…\")`)")
}

/// What a message says where an item was expected: every word of the keyword table that
/// starts one (a test in `keywords.rs` keeps them equal), workloads first, as a user reads them.
pub(super) const ITEM_LIST: &str = "an item (`job`, `cron`, `daemon`, `deployment`, `spark`, `config`, `secret`, `service-account`, `role`, `cluster-role`, `role-binding`, `cluster-role-binding`, `service`, `pipeline`, `let`, `namespace`, `import`, `param`, `template`, `for` or `defaults`)";

/// The words for what was expected, e.g. "`=` or `{`".
fn describe(positives: &[Rule]) -> String {
    // After a complete value, operators (`+`, `.field`, `[index]`) could always
    // continue it: listing them would only bury what is really missing.
    let after_value = positives.iter().any(|r| matches!(r, Rule::comma | Rule::rbrace | Rule::rbracket | Rule::rparen));
    let positives: Vec<Rule> =
        positives.iter().copied().filter(|r| !(is_operator(*r) || (after_value && *r == Rule::lbracket))).collect();
    let positives = positives.as_slice();
    let mut words: Vec<&str> = Vec::new();
    let item_keywords = [
        Rule::kw_namespace,
        Rule::kw_let,
        Rule::kw_config,
        Rule::kw_secret,
        Rule::workload_kw,
        Rule::kw_job,
        Rule::kw_import,
        Rule::kw_param,
        Rule::kw_template,
        Rule::kw_for,
        Rule::kw_defaults,
        Rule::object_kw,
        Rule::kw_service_account,
        Rule::kw_role,
        Rule::kw_cluster_role,
        Rule::kw_role_binding,
        Rule::kw_cluster_role_binding,
        Rule::kw_service,
        Rule::kw_deployment,
        Rule::kw_spark,
        Rule::kw_pipeline,
    ];
    let expects_value = positives.iter().any(|r| is_value_rule(*r));
    let expects_assign = positives.contains(&Rule::assign) || positives.contains(&Rule::assign_value);
    for r in positives {
        let w = match r {
            _ if item_keywords.contains(r) => ITEM_LIST,
            Rule::assign | Rule::assign_value => "`=`",
            Rule::bad_entry => continue,
            Rule::EOI => "a new line or `,`",
            Rule::colon => "`:`",
            Rule::comma => "`,`",
            Rule::lbrace | Rule::block => "`{`",
            Rule::rbrace => "`}`",
            Rule::lbracket => "`[`",
            Rule::rbracket => "`]`",
            Rule::lparen => "`(`",
            Rule::rparen => "`)`",
            Rule::kw_at => "`at`",
            Rule::kw_readonly | Rule::subpath | Rule::kw_subpath | Rule::propagation | Rule::kw_propagation => {
                "`readonly`, `subpath` or `propagation`"
            }
            Rule::kw_mount
            | Rule::task_word
            | Rule::task_use
            | Rule::field
            | Rule::nested
            | Rule::labeled
            | Rule::key
            | Rule::key_word
            | Rule::label_key
            | Rule::map_entry => "a key",
            // After a key, `name` is the rare labelled form (`container sidecar { … }`);
            // when `=` is possible it only adds noise.
            Rule::name | Rule::ident | Rule::call_name | Rule::label | Rule::label_word | Rule::mount_name
                if expects_assign =>
            {
                continue;
            }
            Rule::name | Rule::ident | Rule::call_name | Rule::label | Rule::label_word | Rule::mount_name => "a name",
            Rule::string | Rule::quote => {
                if expects_value {
                    "a value"
                } else {
                    "a string"
                }
            }
            r if is_value_rule(*r) => "a value",
            _ => "something else",
        };
        if !words.contains(&w) {
            words.push(w);
        }
    }
    if words.is_empty() {
        return "something else".to_string();
    }
    match words.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => unreachable!(),
    }
}

fn is_operator(r: Rule) -> bool {
    matches!(
        r,
        Rule::neg
            | Rule::not
            | Rule::or
            | Rule::and
            | Rule::eq
            | Rule::ne
            | Rule::le
            | Rule::ge
            | Rule::lt
            | Rule::gt
            | Rule::range_op
            | Rule::add
            | Rule::sub
            | Rule::mul
            | Rule::div
            | Rule::rem
            | Rule::field_access
            | Rule::index
    )
}

fn is_value_rule(r: Rule) -> bool {
    matches!(r, Rule::expr | Rule::list | Rule::map | Rule::number | Rule::boolean | Rule::call | Rule::arg)
}

/// Where an item is expected: the item keyword `found` is a misspelling of.
fn misspelt_item(positives: &[Rule], found: &str) -> Option<&'static str> {
    let expects_item =
        positives.iter().any(|r| matches!(r, Rule::kw_job | Rule::workload_kw | Rule::kw_namespace | Rule::kw_for));
    if expects_item { crate::diag::closest(found, keywords::item_words()) } else { None }
}

fn help_for(positives: &[Rule], found: &str) -> String {
    // An item keyword that cannot be a key, where a `}` could come: the block above is not closed.
    if keywords::lookup(found).is_some_and(|k| k.starts_item && k.role == Role::Strict)
        && positives.contains(&Rule::rbrace)
    {
        return "a block is not closed: add `}` before this item".to_string();
    }
    if positives.contains(&Rule::kw_at) {
        return "a mount is written `mount NAME at \"/path\"`, then `readonly`, `subpath \"…\"` or `propagation …` if needed".to_string();
    }
    if positives.contains(&Rule::assign) || positives.contains(&Rule::assign_value) {
        return "write `key = value`, or `key { … }` for a nested block".to_string();
    }
    if positives.iter().any(|r| is_value_rule(*r)) {
        return "a value is a string (\"…\"), a number such as `5`, `30s` or `512Mi`, `true`/`false`, a word, a list `[…]` or a map `{…}`".to_string();
    }
    if positives.contains(&Rule::rbrace) || positives.contains(&Rule::rbracket) || positives.contains(&Rule::rparen) {
        return "check that every bracket is closed and that entries are separated by new lines or `,`".to_string();
    }
    "a program is a list of items: `namespace`, `let`, `config`, `secret`, `job`, `cron`, `daemon`, `deployment`, `spark`, `service`, `service-account`, roles and bindings".to_string()
}

/// The token at `pos`: a word, a number, or one character.
pub(super) fn found_token(src: &str, pos: usize) -> &str {
    let rest = &src[pos.min(src.len())..];
    let word_len =
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.')).unwrap_or(rest.len());
    if word_len > 0 {
        // At most 40 characters (not bytes: a cut inside a character would panic).
        let end = rest[..word_len].char_indices().nth(40).map_or(word_len, |(i, _)| i);
        return &rest[..end];
    }
    rest.chars().next().map_or("", |c| &rest[..c.len_utf8()])
}

/// The token just before `pos`, skipping whitespace and comments.
pub(super) fn previous_token(src: &str, pos: usize) -> Option<&str> {
    let mut before = &src[..pos.min(src.len())];
    // Walk back line by line until a line has code outside its comment.
    loop {
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let code = strip_comment(&before[line_start..]).trim_end();
        if !code.is_empty() {
            before = &before[..line_start + code.len()];
            break;
        }
        if line_start == 0 {
            return None;
        }
        before = &before[..line_start - 1];
    }
    let last = before.chars().next_back()?;
    if last.is_alphanumeric() || last == '_' || last == '-' || last == '.' {
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '.')
            .last()
            .map_or(0, |(i, _)| i);
        Some(&before[start..])
    } else if last == '"' {
        None
    } else {
        Some(&before[before.len() - last.len_utf8()..])
    }
}

/// A line without its `#` comment (a `#` inside a string is not a comment).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}
