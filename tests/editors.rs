//! The editor support files agree with the compiler. The keyword table (`src/syntax/keywords.rs`)
//! is the one list of the language's words: the pest grammar and every editor grammar must list
//! exactly those words, in the roles it gives (an editor grammar not in the repository yet is
//! skipped; once present, it is checked). The VS Code snippets, expanded, compile.

use pipec::syntax::keywords::{KEYWORDS, Role};
use std::collections::BTreeSet;
use std::path::Path;

type Words = BTreeSet<String>;

fn read(relative: &str) -> Option<String> {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).ok()
}

fn table(keep: impl Fn(&pipec::syntax::keywords::Keyword) -> bool) -> Words {
    KEYWORDS.iter().filter(|k| keep(k)).map(|k| k.word.to_string()).collect()
}

/// The pieces of `text` between pairs of `quote` characters.
fn quoted(text: &str, quote: char) -> Vec<String> {
    text.split(quote).skip(1).step_by(2).map(str::to_string).collect()
}

/// The body of the pest rule `name` (from its `=` to the next rule's first line).
fn pest_rule<'a>(grammar: &'a str, name: &str) -> &'a str {
    let lines: Vec<&str> = grammar.lines().collect();
    let starts = |l: &str, n: &str| l.strip_prefix(n).is_some_and(|rest| rest.trim_start().starts_with('='));
    let first = lines.iter().position(|l| starts(l, name)).unwrap_or_else(|| panic!("pipe.pest has no rule `{name}`"));
    let offset = |i: usize| lines[..i].iter().map(|l| l.len() + 1).sum::<usize>();
    let next = (first + 1..lines.len())
        .find(|&i| lines[i].starts_with(|c: char| c.is_ascii_alphabetic()) || lines[i].starts_with("//"))
        .unwrap_or(lines.len());
    &grammar[offset(first)..offset(next).min(grammar.len())]
}

/// Every word a pest rule stands for: its quoted strings, or those of the rules it names
/// (`workload_kw` → `kw_job | kw_cron | kw_daemon`).
fn pest_words(grammar: &str, name: &str) -> Words {
    let body = pest_rule(grammar, name);
    let body = &body[body.find('=').unwrap() + 1..];
    let strings: Words =
        quoted(body, '"').into_iter().filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '-')).collect();
    if !strings.is_empty() {
        return strings;
    }
    body.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("kw_") || w.ends_with("_kw"))
        .flat_map(|w| pest_words(grammar, w))
        .collect()
}

#[test]
fn the_pest_grammar_lists_exactly_the_tables_words() {
    let grammar = read("grammar/pipe.pest").expect("grammar/pipe.pest");
    assert_eq!(pest_words(&grammar, "keyword"), table(|k| k.is_reserved()), "`keyword`: the words `ident` refuses");
    assert_eq!(pest_words(&grammar, "item_keyword"), table(|k| k.role == Role::Strict), "`item_keyword`: no key");
    assert_eq!(
        pest_words(&grammar, "bad_stop"),
        table(|k| k.role == Role::Strict && k.starts_item),
        "`bad_stop`: a broken entry never swallows an item"
    );
    // Every word has a token: `kw_<word>`, or `boolean` for `true` and `false`.
    let mut tokens: Words = grammar
        .lines()
        .filter(|l| l.starts_with("kw_"))
        .map(|l| l.split_whitespace().next().unwrap())
        .flat_map(|rule| pest_words(&grammar, rule))
        .collect();
    tokens.extend(pest_words(&grammar, "boolean"));
    assert_eq!(tokens, table(|_| true), "the `kw_*` tokens and `boolean`");
    // The first token of each alternative of `item` is a word that starts an item.
    let item = pest_rule(&grammar, "item");
    let starts: Words = item
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.ends_with("_item"))
        .flat_map(|rule| {
            let body = pest_rule(&grammar, rule);
            let first = body[body.find('{').unwrap() + 1..].split_whitespace().next().unwrap().to_string();
            pest_words(&grammar, &first)
        })
        .collect();
    assert_eq!(starts, table(|k| k.starts_item), "the words that start an `item`");
}

#[test]
fn the_vim_syntax_lists_exactly_the_tables_words() {
    let vim = read("editors/vim/syntax/pipe.vim").expect("the vim syntax file");
    let words: Words = vim
        .lines()
        .filter_map(|l| l.strip_prefix("syn keyword "))
        .flat_map(|l| l.split_whitespace().skip(1).map(str::to_string))
        .collect();
    assert_eq!(words, table(|_| true));
}

#[test]
fn the_language_guide_lists_exactly_the_tables_words() {
    let guide = read("docs/language.md").expect("docs/language.md");
    let line = |start: &str| -> Words {
        let l =
            guide.lines().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("a line `{start}` in language.md"));
        quoted(l, '`').into_iter().collect()
    };
    assert_eq!(line("- Never a name nor a key:"), table(|k| k.role == Role::Strict));
    assert_eq!(line("- Never a name, but a valid key:"), table(|k| k.role == Role::Reserved));
    assert_eq!(line("- Words only where they have a meaning"), table(|k| k.role == Role::Contextual));
}

/// The alternatives of each plain word group `(a|b|c)` in a TextMate regex.
fn regex_words(pattern: &str) -> Vec<String> {
    let mut words = Vec::new();
    for (open, _) in pattern.match_indices('(') {
        let inner = &pattern[open + 1..];
        let inner = inner.strip_prefix("?:").unwrap_or(inner);
        let Some(close) = inner.find(')') else { continue };
        let group = &inner[..close];
        if group.contains('|') && group.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c == '|') {
            words.extend(group.split('|').map(str::to_string));
        }
    }
    words
}

#[test]
fn the_vscode_grammar_lists_exactly_the_tables_words() {
    let Some(text) = read("editors/vscode/syntaxes/pipe.tmLanguage.json") else { return };
    let grammar: serde_json::Value = serde_json::from_str(&text).expect("the TextMate grammar is JSON");
    let repository = grammar["repository"].as_object().expect("a repository");
    let rule_words = |name: &str| -> Words {
        let rule = &repository[name];
        let pattern =
            rule["match"].as_str().or(rule["begin"].as_str()).unwrap_or_else(|| panic!("`{name}` has a regex"));
        regex_words(pattern).into_iter().collect()
    };
    // Each `keyword-*` rule is one group of the table; together they are all of it, once each.
    let mut all = Words::new();
    for name in repository.keys().filter(|k| k.starts_with("keyword-")) {
        let words = rule_words(name);
        assert!(!words.is_empty(), "`{name}` lists no words");
        assert!(all.is_disjoint(&words), "`{name}` repeats a word of another keyword rule");
        all.extend(words);
    }
    assert_eq!(all, table(|_| true), "the `keyword-*` rules");
    assert_eq!(rule_words("keyword-item"), table(|k| k.starts_item), "`keyword-item`: the words that start an item");
}

#[test]
fn the_tree_sitter_grammar_lists_exactly_the_tables_words() {
    let Some(js) = read("editors/tree-sitter-pipe/grammar.js") else { return };
    let block = |from: &str, to: &str| -> Vec<String> {
        let start = js.find(from).unwrap_or_else(|| panic!("grammar.js has `{from}`")) + from.len();
        let end = start + js[start..].find(to).unwrap_or_else(|| panic!("grammar.js has `{to}` after `{from}`"));
        quoted(&js[start..end], '\'')
    };
    let mut words: Words = block("// BEGIN KEYWORDS", "// END KEYWORDS").into_iter().collect();
    // The literals are values there, in an array of their own.
    words.extend(block("const BOOLEANS = [", "]"));
    assert_eq!(words, table(|_| true));
}

/// The bare words a key can take (`restart = never`): every choice of the key table is
/// highlighted as one. (The grammar may know a few more: mount propagation, pod-security levels.)
#[test]
fn the_vscode_grammar_knows_every_choice_word() {
    let Some(text) = read("editors/vscode/syntaxes/pipe.tmLanguage.json") else { return };
    let grammar: serde_json::Value = serde_json::from_str(&text).expect("the TextMate grammar is JSON");
    let pattern = grammar["repository"]["choice"]["match"].as_str().expect("a `choice` rule with a match");
    let listed: Words = regex_words(pattern).into_iter().collect();
    let missing: Vec<&str> = pipec::schema::all()
        .filter_map(|k| match k.shape {
            pipec::schema::Shape::Choice(choices) => Some(choices.iter().map(|(word, _)| *word)),
            _ => None,
        })
        .flatten()
        // `true`, `false`, `in` (an operator of tolerations) are keywords, highlighted as such.
        .filter(|w| !listed.contains(*w) && pipec::syntax::keywords::lookup(w).is_none())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(missing.is_empty(), "add to the `choice` rule of pipe.tmLanguage.json: {}", missing.join("|"));
}

/// A snippet body with each placeholder replaced by its default (`${1:name}` → `name`,
/// `${2|never,on-failure|}` → `never`, `$0` → nothing).
fn expand(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(inner) = rest.strip_prefix('{') {
            // The matching `}`: defaults may hold placeholders of their own.
            let mut depth = 1;
            let close = inner
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map(|(i, _)| i)
                .expect("a closed placeholder");
            let placeholder = inner[..close].trim_start_matches(|c: char| c.is_ascii_digit());
            if let Some(choices) = placeholder.strip_prefix('|') {
                out.push_str(choices.split([',', '|']).next().unwrap());
            } else if let Some(default) = placeholder.strip_prefix(':') {
                out.push_str(&expand(default));
            }
            rest = &inner[close + 1..];
        } else {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        }
    }
    out + rest
}

#[test]
fn every_vscode_snippet_compiles_as_written() {
    let Some(text) = read("editors/vscode/snippets/pipe.json") else { return };
    let snippets: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).expect("snippets are JSON");
    assert!(snippets.len() >= 12, "a snippet for each item kind");
    let body = |name: &str| -> String {
        let lines = snippets[name]["body"].as_array().unwrap_or_else(|| panic!("snippet `{name}` has a body"));
        expand(&lines.iter().map(|l| l.as_str().unwrap()).collect::<Vec<_>>().join("\n")).replace('\t', "  ")
    };
    // What some snippets need around them (a program of their own), or in their empty body.
    let context = |name: &str, body: String| -> String {
        match name {
            "mount" => format!("job j {{\n  image = \"busybox:1.36\"\n  volume volume = empty-dir()\n  {body}\n}}"),
            "job from a template" => format!("template worker() {{ image = \"busybox:1.36\" }}\n{body}"),
            "template" => body.replace("\n  \n", "\n  image = \"busybox:${table}\"\n"),
            "for" => body.replace("\n  \n", "\n  job \"j-${item}\" { image = \"busybox:1.36\" }\n"),
            "role-binding" => format!("role name {{ rules = [] }}\n{body}"),
            "service" => format!(
                "deployment name {{\n  image = \"nginx:1.27\"\n  pod-labels = {{ app: \"name\" }}\n  ports = {{ http: 8080 }}\n}}\n{body}"
            ),
            // A file is read beside the program: an inline value instead.
            "config" => body.replace("file(\"configs/app.yaml\")", "\"key: value\""),
            _ => body,
        }
    };
    for name in snippets.keys() {
        let program = context(name, body(name));
        let c = pipec::compile(
            vec![(format!("{name}.pipe"), program.clone())],
            &pipec::FsLoader,
            &pipec::Options::default(),
        );
        let errors: Vec<_> = c.diagnostics.iter().filter(|d| d.is_error()).map(|d| &d.message).collect();
        assert!(errors.is_empty(), "snippet `{name}`:\n{program}\n{errors:?}");
    }
}
