//! The syntax tree tools stand on: an item with a broken entry stays in the tree (the entry an
//! error node, its other entries kept), every span ends at its last token, and `node_at` finds
//! what is under a cursor.

use pipec::ast::{EntryKind, File, ItemKind};
use pipec::source::FileId;
use pipec::syntax::{Node, node_at, parse};

fn tree(src: &str) -> (File, Vec<pipec::diag::Diagnostic>) {
    parse(FileId(0), src)
}

/// The text of each entry of the first workload's block, and whether it is an error node.
fn entries(file: &File, src: &str) -> Vec<(String, bool)> {
    let body = file
        .items
        .iter()
        .find_map(|i| match &i.kind {
            ItemKind::Workload { body: Some(body), .. } => Some(body),
            _ => None,
        })
        .expect("a workload with a body");
    body.entries
        .iter()
        .map(|e| {
            (src[e.span.start as usize..e.span.end as usize].to_string(), matches!(e.kind, EntryKind::Error { .. }))
        })
        .collect()
}

#[test]
fn an_item_with_broken_entries_keeps_the_others() {
    let src = "job a {\n  image = \"x\"\n  completions =\n  parallelism = 2\n  retries = = 3\n  deadline = 1h\n}\n";
    let (file, diags) = tree(src);
    assert_eq!(file.items.len(), 1, "the item is in the tree");
    let got = entries(&file, src);
    let want = [
        ("image = \"x\"", false),
        ("completions =", true),
        ("parallelism = 2", false),
        ("retries = = 3", true),
        ("deadline = 1h", false),
    ];
    assert_eq!(got, want.map(|(t, e)| (t.to_string(), e)));
    // One diagnostic per broken entry, each on the line of its entry.
    let lines: Vec<usize> =
        diags.iter().map(|d| src[..d.primary.as_ref().unwrap().span.start as usize].lines().count()).collect();
    assert_eq!(lines, [3, 5], "{diags:?}");
    assert_eq!(diags[0].code.as_str(), "P0010");
}

#[test]
fn two_values_leave_the_next_entry_alone() {
    let src = "job a {\n  image = \"x\" \"y\"\n  retries = 2\n}\n";
    let (file, diags) = tree(src);
    let got = entries(&file, src);
    assert_eq!(got, [("image = \"x\"".into(), false), ("\"y\"".into(), true), ("retries = 2".into(), false)]);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code.as_str(), "P0011");
    assert_eq!(diags[0].primary.as_ref().unwrap().span.start as usize, src.find("\"y\"").unwrap());
}

#[test]
fn a_broken_entry_keeps_its_key_for_tools() {
    let src = "job a { image = \"x\", retri }";
    let (file, _) = tree(src);
    let ItemKind::Workload { body: Some(body), .. } = &file.items[0].kind else { panic!() };
    let EntryKind::Error { key: Some(key) } = &body.entries[1].kind else { panic!("{:?}", body.entries[1]) };
    assert_eq!(key.text, "retri");
}

/// Spans end at the last token: no trailing spaces, new lines or comments, on the fast path
/// (a correct item) and on pest's (an item with an error elsewhere in it).
#[test]
fn spans_end_at_the_last_token() {
    for broken in [false, true] {
        let extra = if broken { "  oops = = 1\n" } else { "" };
        let src = format!(
            "config x   # exists\n\nparam n: int   # a count\n\njob a {{\n  image = \"x\"   # the image\n{extra}  retries = n + 1   \n  container c {{ workdir = \"/w\" }}  # c\n  mount cfg at \"/etc/x\"   # m\n}}   # end\n"
        );
        let (file, _) = tree(&src);
        let text = |s: pipec::source::Span| &src[s.start as usize..s.end as usize];
        assert_eq!(text(file.items[0].span), "config x");
        assert_eq!(text(file.items[1].span), "param n: int");
        assert!(text(file.items[2].span).ends_with('}') && text(file.items[2].span).starts_with("job a"));
        let mut got: Vec<String> = entries(&file, &src).into_iter().map(|(t, _)| t).collect();
        if broken {
            assert_eq!(got.remove(1), "oops = = 1");
        }
        assert_eq!(
            got,
            ["image = \"x\"", "retries = n + 1", "container c { workdir = \"/w\" }", "mount cfg at \"/etc/x\""]
        );
        let ItemKind::Param { ty, .. } = &file.items[1].kind else { panic!() };
        assert_eq!(text(ty.span), "int");
    }
}

fn cursor(src: &str) -> (String, usize) {
    let at = src.find('|').expect("a cursor `|`");
    (src.replacen('|', "", 1), at)
}

#[test]
fn node_at_finds_the_item_the_keys_and_the_value() {
    let (src, at) = cursor("job a {\n  container main {\n    resources { cpu = 5|00m }\n  }\n}\n");
    let (file, diags) = tree(&src);
    assert!(diags.is_empty());
    let path = node_at(&file, at);
    assert!(matches!(path.item().map(|i| &i.kind), Some(ItemKind::Workload { .. })));
    assert_eq!(path.keys(), ["container", "resources", "cpu"]);
    let value = path.value().expect("a value");
    assert_eq!(&src[value.span.start as usize..value.span.end as usize], "500m");
}

#[test]
fn node_at_a_key_and_at_a_name() {
    let (src, at) = cursor("job a {\n  image = \"x\"\n  retr|ies = 2\n}\n");
    let (file, _) = tree(&src);
    let path = node_at(&file, at);
    assert!(matches!(path.innermost(), Some(Node::Key(k)) if k.text == "retries"));
    assert_eq!(path.keys(), ["retries"]);

    let (src, at) = cursor("job a {\n  container ma|in { image = \"x\" }\n}\n");
    let (file, _) = tree(&src);
    assert!(matches!(node_at(&file, at).innermost(), Some(Node::Name(_))));
}

/// The cursor right after a word being typed, in the item with the error: the tree has the
/// item, the error node and its key.
#[test]
fn node_at_in_an_entry_being_typed() {
    let (src, at) = cursor("job a {\n  image = \"x\"\n  retri|\n}\n");
    let (file, diags) = tree(&src);
    assert_eq!(diags.len(), 1);
    let path = node_at(&file, at);
    assert!(path.item().is_some());
    assert!(path.in_error());
    assert_eq!(path.keys(), ["retri"]);
    assert!(matches!(path.innermost(), Some(Node::Key(k)) if k.text == "retri"));
}

#[test]
fn node_at_inside_maps_lists_calls_and_outside_items() {
    let (src, at) = cursor("job a {\n  labels = { team: \"da|ta\" }\n  args = [\"a\", f(x, \"b\")]\n}\n");
    let (file, _) = tree(&src);
    let path = node_at(&file, at);
    assert!(path.nodes.iter().any(|n| matches!(n, Node::MapEntry(m) if m.key.text == "team")));
    assert_eq!(path.keys(), ["labels"]);

    let at = src.find("\"b\"").unwrap() + 1;
    let path = node_at(&file, at);
    let value = path.value().unwrap();
    assert_eq!(&src[value.span.start as usize..value.span.end as usize], "\"b\"");

    let (src, at) = cursor("# top\n|\njob a { image = \"x\" }\n");
    let (file, _) = tree(&src);
    assert!(node_at(&file, at).nodes.is_empty());
}

#[test]
fn node_at_in_a_for_and_a_let() {
    let (src, at) = cursor("let n = 1 + 2|0\nfor i in 0..n {\n  job \"j-${i}\" { image = \"x\" }\n}\n");
    let (file, _) = tree(&src);
    let path = node_at(&file, at);
    assert_eq!(&src[path.value().unwrap().span.start as usize..][..2], "20");

    let at = src.find("image").unwrap();
    let path = node_at(&file, at);
    let items: Vec<_> = path.nodes.iter().filter(|n| matches!(n, Node::Item(_))).collect();
    assert_eq!(items.len(), 2, "the `for` and the job in it");
    assert!(matches!(path.item().map(|i| &i.kind), Some(ItemKind::Workload { .. })));
    assert_eq!(path.keys(), ["image"]);
}

/// The item being typed at the end of the file, its block not closed yet: it is in the tree
/// with its entries (and an error node where the `}` is missing), so a tool can work on it.
#[test]
fn an_unclosed_item_at_the_end_is_kept() {
    let src = "job done { image = \"x\" }\n\njob typing {\n  image = \"busybox:1.36\"\n  container c {\n    retri";
    let (file, diags) = tree(src);
    assert!(!diags.is_empty());
    assert_eq!(file.items.len(), 2);
    let ItemKind::Workload { body: Some(body), .. } = &file.items[1].kind else { panic!() };
    assert!(matches!(body.entries.last().map(|e| &e.kind), Some(EntryKind::Error { key: None })));
    assert!(file.items[1].span.end as usize <= src.len() && body.span.end as usize <= src.len());
    let path = node_at(&file, src.len());
    assert_eq!(path.keys(), ["container", "retri"]);
}
