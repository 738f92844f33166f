//! pest errors → diagnostics in the user's words. Rule names never leak: every
//! rule that pest can report is described as what a user would type.

use super::Rule;
use super::keywords::{self, Role};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

pub(super) fn to_diagnostic(file: FileId, src: &str, base: usize, err: &Error<Rule>) -> Diagnostic {
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

    let found = found_token(src, pos);
    let expected = describe(&positives);
    let span = Span::new(file, pos, pos + found.len().max(usize::from(pos < src.len())).min(src.len() - pos));
    let message = match previous_token(src, pos) {
        Some(prev) => format!("expected {expected} after `{prev}`"),
        None => format!("expected {expected}"),
    };
    let found_text = if found.is_empty() { "end of file".to_string() } else { format!("`{}`", found.escape_debug()) };
    Diagnostic::error(Code::Syntax, span, message)
        .label(format!("found {found_text}"))
        .help(help_for(&positives, found))
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
    let expects_assign = positives.contains(&Rule::assign);
    for r in positives {
        let w = match r {
            _ if item_keywords.contains(r) => ITEM_LIST,
            Rule::assign => "`=`",
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

fn help_for(positives: &[Rule], found: &str) -> String {
    let expects_item =
        positives.iter().any(|r| matches!(r, Rule::kw_job | Rule::workload_kw | Rule::kw_namespace | Rule::kw_for));
    if expects_item && let Some(kw) = crate::diag::closest(found, keywords::item_words()) {
        return format!("did you mean `{kw}`?");
    }
    // An item keyword that cannot be a key, where a `}` could come: the block above is not closed.
    if keywords::lookup(found).is_some_and(|k| k.starts_item && k.role == Role::Strict)
        && positives.contains(&Rule::rbrace)
    {
        return "a block is not closed: add `}` before this item".to_string();
    }
    if positives.contains(&Rule::assign) {
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
fn found_token(src: &str, pos: usize) -> &str {
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
fn previous_token(src: &str, pos: usize) -> Option<&str> {
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
