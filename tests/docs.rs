//! Documentation generated from the code stays equal to it.
//! Regenerate with `UPDATE_DOCS=1 cargo test --test docs`.

use std::path::Path;

#[test]
fn keys_reference_matches_the_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reference/keys.md");
    let expected = pipec::schema::reference_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(actual == expected, "docs/reference/keys.md is out of date: run `UPDATE_DOCS=1 cargo test --test docs`");
}

#[test]
fn every_key_is_listed_in_the_reference() {
    let page = pipec::schema::reference_markdown();
    for k in pipec::schema::all() {
        let row = format!("\n| `{}` |", k.key);
        let count = page.matches(&row).count();
        let entries = pipec::schema::all().filter(|o| o.key == k.key).count();
        assert_eq!(count, entries, "`{}` is listed {count} times in docs/reference/keys.md", k.key);
    }
}

#[test]
fn every_key_names_its_kubernetes_field() {
    for k in pipec::schema::all() {
        assert!(!k.field().is_empty() && !k.doc.is_empty(), "{} lacks docs", k.key);
    }
}

#[test]
fn checks_table_matches_the_codes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md");
    let expected = pipec::diag::checks_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(actual == expected, "docs/checks.md is out of date: run `UPDATE_DOCS=1 cargo test --test docs`");
}

#[test]
fn limits_table_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md");
    let page = std::fs::read_to_string(&path).unwrap();
    let marker = "<!-- limits table: generated from src/limits.rs, kept equal by tests/docs.rs -->\n";
    let start = page.find(marker).expect("docs/language.md has the limits table marker") + marker.len();
    let end = start + page[start..].find("\n\n").unwrap_or(page.len() - start) + 1;
    let expected = pipec::limits::markdown_table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{expected}{}", &page[..start], &page[end..])).unwrap();
        return;
    }
    assert!(
        page[start..end] == expected,
        "the limits table in docs/language.md is out of date: run `UPDATE_DOCS=1 cargo test --test docs`"
    );
}

#[test]
fn readme_shows_what_the_soak_example_builds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme.find("```yaml\n").expect("README has the example's YAML") + "```yaml\n".len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let path = root.join("examples/soak.pipe");
    let program = "examples/soak.pipe".to_string();
    let text = std::fs::read_to_string(&path).unwrap();
    let c = pipec::compile(vec![(program, text)], &pipec::FsLoader, &pipec::Options::default());
    assert!(!c.has_errors());
    let stream = c.yaml_stream();
    assert!(
        stream.contains(shown),
        "README.md shows other YAML for examples/soak.pipe than `pipec build` prints:\n{stream}"
    );
}
