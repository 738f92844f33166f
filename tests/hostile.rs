//! Garbage in: every input ends in diagnostics with codes, never a panic, a stack
//! overflow, or YAML.

fn compile(text: &str) -> pipec::Compilation {
    pipec::compile(vec![("hostile.pipe".to_string(), text.to_string())], &pipec::FsLoader, &pipec::Options::default())
}

fn assert_rejected(text: &str, code: &str) {
    let c = compile(text);
    assert!(c.has_errors(), "expected an error");
    assert!(c.objects().is_empty() && c.yaml_stream().is_empty());
    let codes: Vec<_> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&code), "expected {code}, got {codes:?}");
    for d in &c.diagnostics {
        assert!(d.primary.is_some(), "every diagnostic here has a span");
        assert!(d.help.is_some(), "every diagnostic has a help line: {}", d.message);
    }
}

#[test]
fn ten_megabytes_of_nested_braces() {
    let text = "{".repeat(10 << 20);
    assert_rejected(&text, "P0004");
    let job = format!("job a {{ image = {} }}", "[".repeat(10 << 20));
    assert_rejected(&job, "P0004");
}

#[test]
fn nesting_just_under_the_limit_is_fine() {
    let depth = pipec::limits::Limits::default().nesting - 4;
    let value = format!("{}\"x\"{}", "[".repeat(depth), "]".repeat(depth));
    let c = compile(&format!("let deep = {value}\njob a {{ image = \"busybox:1.36\" }}"));
    assert!(!c.has_errors(), "{:?}", c.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
}

#[test]
fn binary_bytes_and_nul() {
    let bytes: String = (0u8..=127).map(char::from).cycle().take(100_000).collect();
    assert_rejected(&bytes, "P0001");
    assert_rejected("\0\0\0", "P0001");
    assert_rejected("job \0 {}", "P0001");
}

#[test]
fn many_errors_in_one_file_are_all_reported() {
    let text: String = (0..500).map(|i| format!("job j{i} {{ completions 5 }}\n")).collect();
    let c = compile(&text);
    assert_eq!(c.diagnostics.len(), 500);
}

#[test]
fn empty_and_whitespace_files_warn() {
    for text in ["", "   \n\t\n", "# just a comment"] {
        let c = compile(text);
        assert!(!c.has_errors());
        assert_eq!(c.diagnostics.len(), 1);
        assert_eq!(c.diagnostics[0].code.as_str(), "P0006");
    }
}

#[test]
fn long_strings_and_lists() {
    let long = "x".repeat(10 << 20);
    let c = compile(&format!("job a {{ image = \"busybox:1.36\", args = [\"{long}\"] }}"));
    assert!(!c.has_errors());
    let list = vec!["\"a\""; 100_000].join(", ");
    let c = compile(&format!("job a {{ image = \"busybox:1.36\", args = [{list}] }}"));
    assert!(!c.has_errors());
    let yaml = c.yaml_stream();
    assert_eq!(yaml.lines().filter(|l| l.trim() == "- a").count(), 100_000);
}

#[test]
fn truncated_programs_at_every_byte() {
    // Every prefix of a real program parses to diagnostics or objects, never a panic.
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/ok/every-key.pipe")).unwrap();
    for end in (0..text.len()).filter(|i| text.is_char_boundary(*i)) {
        let _ = pipec::compile(
            vec![("tests/cases/ok/every-key.pipe".into(), text[..end].to_string())],
            &pipec::FsLoader,
            &pipec::Options::default(),
        );
    }
}

#[test]
fn huge_numbers() {
    assert_rejected("job a { image = \"x\", completions = 99999999999999999999999999 }", "P0201");
    assert_rejected("job a { image = \"x\", completions = 3000000000 }", "P0204");
    assert_rejected("job a { image = \"x\", deadline = 99999999999w }", "P0204");
    assert_rejected("job a { image = \"x\", deadline = 99999999999999999w }", "P0007");
    assert_rejected("job a { image = \"x\", resources { cpu = 99999999999999999999999 } }", "P0007");
}

#[test]
fn a_hundred_megabyte_file_is_refused_with_a_diagnostic() {
    let text = "#".repeat(100 << 20);
    let c = compile(&text);
    assert!(c.has_errors());
    assert_eq!(c.diagnostics[0].code.as_str(), "P0009");
}

#[test]
fn a_million_element_list_and_a_billion_iteration_loop() {
    // A computed list of a million elements is fine…
    let c = compile("let xs = 0..1000000\njob a { image = \"busybox:1.36\", completions = len(xs) }");
    assert!(!c.has_errors(), "{:?}", c.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    // …a loop that would make a billion objects is a diagnostic, not exhausted memory.
    assert_rejected("for i in 0..1000000000 { job \"j-${i}\" { image = \"busybox:1.36\" } }", "P0204");
    assert_rejected("for i in 0..300000 { job \"j-${i}\" { image = \"busybox:1.36\" } }", "P0209");
}

#[test]
fn self_referencing_values_end_in_a_diagnostic() {
    assert_rejected("let a = b + 1\nlet b = a + 1\njob j { image = \"x\", completions = a }", "P0104");
    assert_rejected("let s = \"${s}\"\njob j { image = s }", "P0104");
}

#[test]
fn a_hundred_thousand_term_sum_is_refused_not_a_stack_overflow() {
    let sum = vec!["1"; 100_000].join(" + ");
    assert_rejected(&format!("job j {{ image = \"x\", completions = {sum} }}"), "P0004");
}

#[test]
fn long_prefix_and_postfix_chains_are_refused() {
    let nots = "!".repeat(100_000);
    assert_rejected(&format!("job j {{ image = \"x\", suspend = {nots}true }}"), "P0004");
    let fields = ".a".repeat(100_000);
    assert_rejected(&format!("let m = {{ a: 1 }}\njob j {{ image = \"x\", completions = m{fields} }}"), "P0004");
}

#[test]
fn deeply_nested_ifs_are_refused_before_the_parser_recurses() {
    let n = 20_000;
    let text =
        format!("job j {{ image = \"x\", completions = {}1{} }}", "if true then ".repeat(n), " else 2".repeat(n));
    assert_rejected(&text, "P0004");
}

/// Inputs the fuzzers found (crashes, or parses that took seconds): each must end
/// in diagnostics.
/// - `slow-nested-calls.pipe` took 4 s in pest before commas became required between
///   arguments (exponential backtracking between a call and a name then a parenthesis);
/// - `long-word-with-multibyte-char.pipe` panicked when an error message cut a long word
///   at byte 40, inside a character;
/// - `group-role-raw-checked-in-both-modes.pipe`: a group role's `raw` was checked by `build`
///   (writing while checking) but not by `check` (keeping the objects). Both modes must say the same.
#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let c = compile(&text);
        assert!(!c.diagnostics.is_empty(), "{}", path.display());
        let written = pipec::compile(
            vec![("hostile.pipe".to_string(), text.clone())],
            &pipec::FsLoader,
            &pipec::Options { output: pipec::Output::Yaml, ..Default::default() },
        );
        let messages = |c: &pipec::Compilation| c.diagnostics.iter().map(|d| d.message.clone()).collect::<Vec<_>>();
        assert_eq!(messages(&written), messages(&c), "{}: build and check disagree", path.display());
        count += 1;
    }
    assert!(count >= 1);
}

#[test]
fn limits_can_be_lowered_and_raised() {
    let program = "for i in 0..20 { job \"j-${i}\" { image = \"busybox:1.36\" } }";
    let with = |setting: &str| {
        let mut options = pipec::Options::default();
        options.limits.set(setting).unwrap();
        pipec::compile(vec![("limits.pipe".to_string(), program.to_string())], &pipec::FsLoader, &options)
    };
    let codes = |c: &pipec::Compilation| c.diagnostics.iter().map(|d| d.code.as_str()).collect::<Vec<_>>();
    assert_eq!(codes(&with("objects=10")), ["P0209"]);
    assert!(!with("objects=20").has_errors());
    assert_eq!(codes(&with("range-elements=19")), ["P0204"]);
    assert_eq!(codes(&with("source-bytes=40")), ["P0009"]);
    assert_eq!(codes(&with("nesting=1")), ["P0004"]);
}
