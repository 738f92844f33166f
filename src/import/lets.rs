//! Repeated values pulled into `let`s: an image written by several workloads is named
//! once (`let worker-image = "…"`), so that a new tag is one edit.

use super::pipe::{Entry, Expr, File};

/// Replaces every image string used twice or more with a `let`.
pub fn pull_out(file: &mut File) {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for item in &file.items {
        if let Some(body) = &item.body {
            images(body, &mut |image| match counts.iter_mut().find(|(i, _)| i == image) {
                Some((_, n)) => *n += 1,
                None => counts.push((image.to_string(), 1)),
            });
        }
    }
    let mut names: Vec<(String, String)> = Vec::new();
    for (image, n) in counts.into_iter().filter(|(_, n)| *n > 1) {
        let _ = n;
        let mut name = let_name(&image);
        let mut k = 2;
        while names.iter().any(|(_, used)| *used == name) {
            name = format!("{}-{k}", let_name(&image));
            k += 1;
        }
        names.push((image, name));
    }
    if names.is_empty() {
        return;
    }
    for item in &mut file.items {
        if let Some(body) = &mut item.body {
            replace(body, &names);
        }
    }
    file.lets.extend(names.into_iter().map(|(image, name)| (name, Expr::Str(image))));
}

/// `registry.example.com/team/worker:1.2` → `worker-image`.
fn let_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let base = last.split([':', '@']).next().unwrap_or(last);
    let word: String =
        base.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let word = word.trim_matches('-');
    match word.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => format!("{word}-image"),
        _ => format!("image-{word}").trim_end_matches('-').to_string(),
    }
}

fn images(body: &[Entry], seen: &mut dyn FnMut(&str)) {
    for e in body {
        match e {
            Entry::Set(k, Expr::Str(image)) if k == "image" => seen(image),
            Entry::Labeled(_, _, inner) => images(inner, seen),
            _ => {}
        }
    }
}

fn replace(body: &mut [Entry], names: &[(String, String)]) {
    for e in body {
        match e {
            Entry::Set(k, v) if k == "image" => {
                if let Expr::Str(image) = v
                    && let Some((_, name)) = names.iter().find(|(i, _)| i == image)
                {
                    *v = Expr::Word(name.clone());
                }
            }
            Entry::Labeled(_, _, inner) => replace(inner, names),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn let_names_come_from_the_image() {
        assert_eq!(let_name("registry.example.com/team/worker:1.2"), "worker-image");
        assert_eq!(let_name("busybox"), "busybox-image");
        assert_eq!(let_name("x/3proxy:1"), "image-3proxy");
    }
}
