//! The stages never reach up into the driver: only the crate root (`lib.rs`),
//! the CLI (`main.rs`), the driver and the session may name `compile`, `Options`
//! or the loader through the crate root. A stage that needs the loader imports
//! `crate::loader::Loader`; one that needs options takes `check::CheckOptions`.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether `use crate::{…}` (possibly over several lines) names one of the driver's items.
fn braced_import_of_the_driver(text: &str) -> bool {
    const DRIVER: [&str; 6] = ["Loader", "FsLoader", "Options", "Output", "Compilation", "compile"];
    text.match_indices("use crate::{").any(|(at, _)| {
        let inside = &text[at..];
        let inside = &inside[..inside.find("};").unwrap_or(inside.len())];
        // Only the top level of the braces: `loader::Loader` is the stage's own import.
        let mut depth = 0;
        let mut top = String::new();
        for c in inside["use crate::{".len()..].chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ if depth == 0 => top.push(c),
                _ => {}
            }
        }
        top.split(',').map(str::trim).any(|item| DRIVER.contains(&item))
    })
}

fn reaches_up(text: &str) -> bool {
    const PATHS: [&str; 7] = [
        "crate::Loader",
        "crate::FsLoader",
        "crate::Options",
        "crate::Output",
        "crate::Compilation",
        "crate::compile",
        "crate::Session",
    ];
    braced_import_of_the_driver(text) || PATHS.iter().any(|p| text.contains(p))
}

#[test]
fn no_stage_imports_the_driver_from_the_crate_root() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 30, "the sources are where they should be");
    let allowed =
        |rel: &str| rel == "lib.rs" || rel == "main.rs" || rel.starts_with("driver") || rel.starts_with("session");
    let mut offenders = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if !allowed(&rel) && reaches_up(&std::fs::read_to_string(path).unwrap()) {
            offenders.push(rel);
        }
    }
    assert!(offenders.is_empty(), "these files import the driver from the crate root: {offenders:?}");
}

#[test]
fn the_check_finds_what_it_looks_for() {
    assert!(reaches_up("use crate::{Loader, Options};"));
    assert!(reaches_up("use crate::{\n    ast,\n    compile,\n};"));
    assert!(reaches_up("    let o = crate::Options::default();"));
    assert!(!reaches_up("use crate::{loader::Loader, ir};"));
    assert!(!reaches_up("use crate::{check::{CheckOptions, Input}, ir};"));
    assert!(!reaches_up("use crate::loader::Loader;\nuse crate::{stdlib, syntax};"));
}

/// The language server (`src/lsp/`, feature `lsp`) sits above the core: only `lib.rs` (which
/// declares it) and the CLI name it, and only it names its protocol crates, so that
/// `--no-default-features` builds the same core.
#[test]
fn only_the_cli_names_the_language_server() {
    let offenders = files_outside(&["lsp/", "main.rs"], |rel, text| {
        let named =
            ["crate::lsp", "pipec::lsp", "lsp_types", "lsp_server", "super::lsp"].iter().any(|p| text.contains(p));
        // `lib.rs` declares the module, behind the feature, and names nothing in it.
        named || (rel != "lib.rs" && text.contains("mod lsp"))
    });
    assert!(offenders.is_empty(), "these files name the language server: {offenders:?}");
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(lib.contains("#[cfg(feature = \"lsp\")]\npub mod lsp;"), "lib.rs declares `lsp` behind its feature");
}

/// The files under src/ (paths relative to it), but those starting with one of `allowed`,
/// for which `offends(path, text)` holds: what a feature-gated layer's test reports.
fn files_outside(allowed: &[&str], offends: impl Fn(&str, &str) -> bool) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut offenders = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if allowed.iter().any(|a| rel.starts_with(a)) {
            continue;
        }
        if offends(&rel, &std::fs::read_to_string(path).unwrap()) {
            offenders.push(rel);
        }
    }
    offenders
}

/// Whether `text` names the cluster layer: `crate::cluster`, `pipec::cluster` or the `kube` crate.
fn names_the_cluster_layer(text: &str) -> bool {
    text.contains("crate::cluster")
        || text.contains("pipec::cluster")
        || text.contains("kube::")
        || text.contains("use kube")
}

/// The cluster code (feature `cluster`: kube-rs, tokio) stays in src/cluster/, used
/// only by the CLI: the core builds and is tested without it (`--no-default-features`).
#[test]
fn only_the_cli_uses_the_cluster_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let offenders = files_outside(&["cluster/", "main.rs"], |_, text| names_the_cluster_layer(text));
    assert!(
        offenders.is_empty(),
        "these files use the cluster layer (only src/cluster/ and main.rs may): {offenders:?}"
    );
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    assert!(
        lib.contains("#[cfg(feature = \"cluster\")]\npub mod cluster;"),
        "src/cluster/ is compiled only with the feature"
    );
}

#[test]
fn the_cluster_check_finds_what_it_looks_for() {
    assert!(names_the_cluster_layer("use crate::cluster::apply;"));
    assert!(names_the_cluster_layer("let c = kube::Client::try_default();"));
    assert!(names_the_cluster_layer("use kube::{Api, Client};"));
    assert!(!names_the_cluster_layer("// the kubeconfig of kubectl; kubernetes"));
}
