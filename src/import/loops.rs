//! A run of near-identical objects as one `for`: three or more items of a kind in a row
//! whose names differ in one part (`sync-0`, `sync-1`, … or `worker-orders`,
//! `worker-customers`, …) and whose bodies differ only where that part appears (strings
//! that hold it, or whole numbers equal to it). Written only when the loop is shorter.

use super::pipe::{Entry, Expr, File, Item, item_named, quote};

/// The fewest items worth a loop.
const MIN_RUN: usize = 3;

/// Replaces each run of items that a `for` writes shorter.
pub fn fold(file: &mut File) {
    let mut out = Vec::new();
    let items = std::mem::take(&mut file.items);
    let mut i = 0;
    while i < items.len() {
        let mut best = None;
        // The longest run from here that folds.
        let mut end = i + 1;
        while end < items.len() && items[end].keyword == items[i].keyword && items[end].keyword != "for" {
            end += 1;
        }
        let mut j = end;
        while j >= i + MIN_RUN {
            if let Some(f) = loop_of(&items[i..j]) {
                best = Some((j, f));
                break;
            }
            j -= 1;
        }
        match best {
            Some((j, f)) => {
                out.push(f);
                i = j;
            }
            None => {
                out.push(items[i].clone());
                i += 1;
            }
        }
    }
    file.items = out;
}

/// What varies between the items: each one's part of the name.
enum Parts {
    /// `start..end`, consecutive whole numbers.
    Range(i64, i64),
    Words(Vec<String>),
}

fn loop_of(run: &[Item]) -> Option<Item> {
    let names: Vec<&str> = run.iter().map(|i| i.name.as_str()).collect();
    // Kubernetes names are ASCII; anything else is left as it is (and byte slicing stays safe).
    if names.iter().any(|n| !n.is_ascii()) {
        return None;
    }
    let (prefix, suffix) = words(common(&names));
    let parts: Vec<String> = names.iter().map(|n| n[prefix.len()..n.len() - suffix.len()].to_string()).collect();
    if parts.iter().any(String::is_empty) {
        return None;
    }
    let numbers: Option<Vec<i64>> =
        parts.iter().map(|p| p.parse::<i64>().ok().filter(|n| n.to_string() == *p)).collect();
    let kind = match numbers {
        Some(ns) if ns.windows(2).all(|w| w[1] == w[0] + 1) => Parts::Range(ns[0], ns[ns.len() - 1] + 1),
        _ => Parts::Words(parts.clone()),
    };
    let var = if matches!(kind, Parts::Range(..)) { "i" } else { "item" };
    let bodies: Vec<&Vec<Entry>> = run.iter().map(|i| i.body.as_ref()).collect::<Option<_>>()?;
    let body = entries(&bodies, &parts, var, matches!(kind, Parts::Range(..)))?;
    let head = match &kind {
        Parts::Range(a, b) => format!("{var} in {a}..{b}"),
        Parts::Words(ws) => format!("{var} in [{}]", ws.iter().map(|w| quote(w)).collect::<Vec<_>>().join(", ")),
    };
    let inner = Item { comments: Vec::new(), keyword: run[0].keyword.clone(), name: String::new(), body: Some(body) };
    let mut text = String::new();
    item_named(&mut text, &inner, &template(prefix, var, suffix));
    let folded = Item {
        comments: Vec::new(),
        keyword: "for".into(),
        name: head,
        body: Some(text.lines().map(|l| Entry::Line(l.to_string())).collect()),
    };
    // Only when shorter than the items written out.
    let mut before = String::new();
    for i in run {
        item_named(&mut before, i, &super::pipe::name(&i.name));
    }
    let mut after = String::new();
    item_named(&mut after, &folded, &folded.name);
    (after.len() < before.len()).then_some(folded)
}

/// The longest prefix and suffix all names share (not overlapping in the shortest).
fn common<'a>(names: &[&'a str]) -> (&'a str, &'a str) {
    let first = names[0];
    let mut p = first.len();
    let mut s = first.len();
    for n in &names[1..] {
        p = p.min(first.bytes().zip(n.bytes()).take_while(|(a, b)| a == b).count());
        s = s.min(first.bytes().rev().zip(n.bytes().rev()).take_while(|(a, b)| a == b).count());
    }
    let shortest = names.iter().map(|n| n.len()).min().unwrap_or(0);
    let s = s.min(shortest - p.min(shortest));
    // Cut on character boundaries of the first name.
    while !first.is_char_boundary(p) {
        p -= 1;
    }
    if !first.is_char_boundary(first.len() - s) {
        return (&first[..p], "");
    }
    (&first[..p], &first[first.len() - s..])
}

/// The shared prefix and suffix cut back to whole words (`sync-1` of `sync-10`, `sync-11` is
/// `sync-`; `s` of `orders`, `users` is nothing).
fn words<'a>((prefix, suffix): (&'a str, &'a str)) -> (&'a str, &'a str) {
    let separator = |c: char| !c.is_ascii_alphanumeric();
    let p = prefix.rfind(separator).map_or(0, |i| i + 1);
    let s = suffix.find(separator).unwrap_or(suffix.len());
    (&prefix[..p], &suffix[s..])
}

/// `"prefix${var}suffix"`.
fn template(prefix: &str, var: &str, suffix: &str) -> String {
    let a = quote(prefix);
    let b = quote(suffix);
    format!("{}${{{var}}}{}", &a[..a.len() - 1], &b[1..])
}

fn entries(bodies: &[&Vec<Entry>], parts: &[String], var: &str, numeric: bool) -> Option<Vec<Entry>> {
    let n = bodies[0].len();
    if bodies.iter().any(|b| b.len() != n) {
        return None;
    }
    (0..n)
        .map(|k| {
            let all: Vec<&Entry> = bodies.iter().map(|b| &b[k]).collect();
            Some(match all[0] {
                Entry::Set(key, _) => {
                    let values = all.iter().map(|e| match e {
                        Entry::Set(k2, v) if k2 == key => Some(v),
                        _ => None,
                    });
                    Entry::Set(key.clone(), unify(&values.collect::<Option<Vec<_>>>()?, parts, var, numeric)?)
                }
                Entry::LabeledValue(key, label, _) => {
                    let values = all.iter().map(|e| match e {
                        Entry::LabeledValue(k2, l2, v) if k2 == key && l2 == label => Some(v),
                        _ => None,
                    });
                    let v = unify(&values.collect::<Option<Vec<_>>>()?, parts, var, numeric)?;
                    Entry::LabeledValue(key.clone(), label.clone(), v)
                }
                Entry::Block(key, _) => {
                    let inner = all.iter().map(|e| match e {
                        Entry::Block(k2, b) if k2 == key => Some(b),
                        _ => None,
                    });
                    Entry::Block(key.clone(), entries(&inner.collect::<Option<Vec<_>>>()?, parts, var, numeric)?)
                }
                Entry::Labeled(key, label, _) => {
                    let inner = all.iter().map(|e| match e {
                        Entry::Labeled(k2, l2, b) if k2 == key && l2 == label => Some(b),
                        _ => None,
                    });
                    Entry::Labeled(
                        key.clone(),
                        label.clone(),
                        entries(&inner.collect::<Option<Vec<_>>>()?, parts, var, numeric)?,
                    )
                }
                e @ (Entry::Line(_) | Entry::Comment(_)) => {
                    if all.iter().any(|x| *x != e) {
                        return None;
                    }
                    e.clone()
                }
            })
        })
        .collect()
}

/// One value for all items: the same value, a string holding each item's part at the same
/// place, or (in a numeric loop) whole numbers equal to it.
fn unify(values: &[&Expr], parts: &[String], var: &str, numeric: bool) -> Option<Expr> {
    if values.iter().all(|v| *v == values[0]) {
        return Some(values[0].clone());
    }
    match values[0] {
        Expr::Str(_) => {
            let strings: Vec<&str> = values
                .iter()
                .map(|v| if let Expr::Str(s) = v { Some(s.as_str()) } else { None })
                .collect::<Option<_>>()?;
            // Each place the first item's part appears in its string, tried in turn.
            strings[0].match_indices(parts[0].as_str()).find_map(|(at, _)| {
                let (a, b) = (&strings[0][..at], &strings[0][at + parts[0].len()..]);
                let fits = strings.iter().zip(parts).all(|(s, p)| *s == format!("{a}{p}{b}"));
                fits.then(|| Expr::Word(template(a, var, b)))
            })
        }
        Expr::Int(_) if numeric => {
            let fits = values.iter().zip(parts).all(|(v, p)| matches!(v, Expr::Int(n) if n.to_string() == *p));
            fits.then(|| Expr::Word(var.to_string()))
        }
        Expr::List(first) => {
            let lists: Vec<&Vec<Expr>> =
                values.iter().map(|v| if let Expr::List(l) = v { Some(l) } else { None }).collect::<Option<_>>()?;
            if lists.iter().any(|l| l.len() != first.len()) {
                return None;
            }
            let items = (0..first.len())
                .map(|k| unify(&lists.iter().map(|l| &l[k]).collect::<Vec<_>>(), parts, var, numeric))
                .collect::<Option<_>>()?;
            Some(Expr::List(items))
        }
        Expr::Map(first) => {
            let maps: Vec<&Vec<(String, Expr)>> =
                values.iter().map(|v| if let Expr::Map(m) = v { Some(m) } else { None }).collect::<Option<_>>()?;
            if maps.iter().any(|m| m.len() != first.len() || m.iter().zip(first).any(|((a, _), (b, _))| a != b)) {
                return None;
            }
            let entries = (0..first.len())
                .map(|k| {
                    Some((
                        first[k].0.clone(),
                        unify(&maps.iter().map(|m| &m[k].1).collect::<Vec<_>>(), parts, var, numeric)?,
                    ))
                })
                .collect::<Option<_>>()?;
            Some(Expr::Map(entries))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(name: &str, table: &str) -> Item {
        Item {
            comments: vec![],
            keyword: "job".into(),
            name: name.into(),
            body: Some(vec![
                Entry::Set("image".into(), Expr::str("registry.example.com/sync:1.0")),
                Entry::Set("args".into(), Expr::List(vec![Expr::str("--table"), Expr::str(table)])),
            ]),
        }
    }

    #[test]
    fn numbered_runs_become_a_range() {
        let mut file = File {
            items: (0..4).map(|i| job(&format!("sync-{i}"), &format!("orders-{i}"))).collect(),
            ..Default::default()
        };
        fold(&mut file);
        let text = super::super::pipe::render(&file);
        assert_eq!(
            text,
            "for i in 0..4 {\n  job \"sync-${i}\" {\n    image = \"registry.example.com/sync:1.0\"\n    args = [\"--table\", \"orders-${i}\"]\n  }\n}\n"
        );
    }

    #[test]
    fn named_runs_become_a_list_and_different_items_stay() {
        let mut file = File {
            items: vec![job("worker-orders", "orders"), job("worker-users", "users"), job("worker-carts", "carts")],
            ..Default::default()
        };
        fold(&mut file);
        assert_eq!(file.items.len(), 1);
        assert_eq!(file.items[0].name, "item in [\"orders\", \"users\", \"carts\"]");
        let mut two = File { items: vec![job("a-1", "x"), job("a-2", "y")], ..Default::default() };
        fold(&mut two);
        assert_eq!(two.items.len(), 2, "two items are not worth a loop");
    }
}
