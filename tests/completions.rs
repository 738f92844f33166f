//! `pipec completions` and `pipec man` are generated from the clap definitions; these tests
//! check them against `pipec --help`, so a subcommand or option added later cannot be missed.

use std::process::Command;

fn pipec(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pipec")).args(args).output().expect("the pipec binary runs");
    assert_eq!(out.status.code(), Some(0), "pipec {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The subcommands and the long options that `pipec --help` lists (less clap's own `help`).
fn help_words() -> (Vec<String>, Vec<String>) {
    help_words_of(&[])
}

/// The same for `pipec SUBCOMMAND --help` (a subcommand has no subcommands: an empty list).
fn help_words_of(subcommand: &[&str]) -> (Vec<String>, Vec<String>) {
    let help = pipec(&[subcommand, &["--help"]].concat());
    let section = |title: &str| -> Vec<String> {
        let start = help.find(title).unwrap_or_else(|| panic!("`{title}` in --help")) + title.len();
        help[start..].lines().skip(1).take_while(|l| l.starts_with(' ')).map(str::to_string).collect()
    };
    // `  build   Compile…`: a name indented by two spaces (a wrapped description has more).
    let commands: Vec<String> = if subcommand.is_empty() { section("Commands:") } else { Vec::new() }
        .iter()
        .filter(|l| l.get(2..).is_some_and(|rest| !rest.starts_with(' ')))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    // The option lines (`  -q, --quiet`, `      --set <NAME=VALUE>`), not the prose under them.
    let options: Vec<String> = help
        .lines()
        .filter(|l| l.trim_start().starts_with('-'))
        .flat_map(|l| l.split_whitespace())
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches(',').to_string())
        .filter(|w| w != "--help" && w != "--version")
        .collect();
    (commands, options)
}

#[test]
fn help_lists_what_the_tests_below_expect() {
    let (commands, options) = help_words();
    for c in ["build", "check", "explain", "schedule", "completions", "man"] {
        assert!(commands.iter().any(|x| x == c), "`{c}` in {commands:?}");
    }
    for o in ["--kube-version", "--message-format", "--set", "--values", "--limit", "--quiet"] {
        assert!(options.iter().any(|x| x == o), "`{o}` in {options:?}");
    }
}

#[test]
fn bash_completion_offers_every_subcommand_and_option() {
    let script = pipec(&["completions", "bash"]);
    assert!(script.contains("complete -F _pipec"), "a bash completion script:\n{script}");
    let (commands, options) = help_words();
    for c in &commands {
        assert!(script.contains(&format!("pipec__subcmd__{}", c.replace('-', "__"))), "bash completion has no `{c}`");
    }
    for o in &options {
        assert!(script.contains(o.as_str()), "bash completion has no `{o}`");
    }
}

#[test]
fn every_shell_gets_a_script() {
    for (shell, marker) in [
        ("zsh", "#compdef pipec"),
        ("fish", "complete -c pipec"),
        ("elvish", "edit:completion:arg-completer[pipec]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = pipec(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        assert!(script.contains("schedule") && script.contains("kube-version"), "{shell}: incomplete");
    }
}

#[test]
fn man_page_names_every_subcommand_and_global_option() {
    let page = pipec(&["man"]);
    assert!(page.starts_with(".ie") && page.contains(".TH pipec 1"), "a roff page:\n{page}");
    let (commands, options) = help_words();
    for c in &commands {
        assert!(page.contains(&format!("pipec\\-{c}(1)")), "man page lists no `{c}`");
    }
    for o in &options {
        // roff writes every `-` as `\-`.
        assert!(page.contains(&o.replace('-', "\\-")), "man page has no `{o}`");
    }
}

#[test]
fn each_subcommand_has_a_page_with_all_its_options() {
    let (commands, _) = help_words();
    for c in &commands {
        let page = pipec(&["man", c]);
        assert!(page.contains(&format!(".TH pipec-{c} 1")), "`pipec man {c}` is the page pipec-{c}(1)");
        let (_, options) = help_words_of(&[c]);
        for o in &options {
            assert!(page.contains(&o.replace('-', "\\-")), "pipec-{c}(1) has no `{o}`");
        }
    }
    let build = help_words_of(&["build"]).1;
    assert!(build.iter().any(|o| o == "--output") && build.iter().any(|o| o == "--kube-version"), "{build:?}");
}
