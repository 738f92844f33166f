//! `pipec build … -o DIR --check`: what a build would change in DIR, without
//! writing it. The comparison is file by file, in the `-o DIR` layout
//! ([`super::Compilation::yaml_files`]): a unified diff for each file whose
//! bytes differ, and the names of files that would be added or removed.

/// How DIR differs from what the sources build. Empty when DIR is up to date.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// Files in both whose bytes differ: (name, unified diff from DIR's copy to the built one).
    pub changed: Vec<(String, String)>,
    /// Built files that DIR does not hold.
    pub added: Vec<String>,
    /// Files in DIR that the build does not produce.
    pub removed: Vec<String>,
}

impl Drift {
    /// `built` in the build's order, `present` as DIR holds them (any order).
    /// `dir` is DIR as the user wrote it, for the diff headers.
    pub fn between(dir: &str, built: &[(String, String)], present: &[(String, Vec<u8>)]) -> Drift {
        let mut drift = Drift::default();
        for (name, text) in built {
            match present.iter().find(|(n, _)| n == name) {
                None => drift.added.push(name.clone()),
                Some((_, bytes)) if bytes.as_slice() == text.as_bytes() => {}
                Some((_, bytes)) => {
                    // A file that is not UTF-8 differs anyway; shown with replacement characters.
                    let old = String::from_utf8_lossy(bytes);
                    let path = format!("{}/{name}", dir.trim_end_matches('/'));
                    let diff = similar::TextDiff::from_lines(old.as_ref(), text.as_str())
                        .unified_diff()
                        .context_radius(3)
                        .header(&path, &format!("{path} (built)"))
                        .to_string();
                    drift.changed.push((name.clone(), diff));
                }
            }
        }
        let mut removed: Vec<String> =
            present.iter().filter(|(n, _)| !built.iter().any(|(b, _)| b == n)).map(|(n, _)| n.clone()).collect();
        removed.sort();
        drift.removed = removed;
        drift
    }

    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }

    /// The report: each diff, then the files to add and to remove. `color`
    /// marks removed lines red, added ones green and hunk headers cyan.
    pub fn render(&self, dir: &str, color: bool) -> String {
        let dir = dir.trim_end_matches('/');
        let paint =
            |code: &str, line: &str| if color { format!("\x1b[{code}m{line}\x1b[0m\n") } else { format!("{line}\n") };
        let mut out = String::new();
        for (_, diff) in &self.changed {
            for (i, line) in diff.lines().enumerate() {
                out.push_str(&match line.as_bytes().first() {
                    _ if i < 2 => paint("1", line),
                    Some(b'@') => paint("36", line),
                    Some(b'-') => paint("31", line),
                    Some(b'+') => paint("32", line),
                    _ => format!("{line}\n"),
                });
            }
        }
        for name in &self.added {
            out.push_str(&paint("32", &format!("would add {dir}/{name} (built, not in {dir})")));
        }
        for name in &self.removed {
            out.push_str(&paint("31", &format!("would remove {dir}/{name} (in {dir}, not built)")));
        }
        out
    }

    /// One line for the end: `1 changed, 1 to add, 2 to remove`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.changed.is_empty() {
            parts.push(format!("{} changed", self.changed.len()));
        }
        if !self.added.is_empty() {
            parts.push(format!("{} to add", self.added.len()));
        }
        if !self.removed.is_empty() {
            parts.push(format!("{} to remove", self.removed.len()));
        }
        parts.join(", ")
    }
}

/// `kustomization.yaml` for `-o DIR --kustomization`: every file of the build as
/// a resource, sorted, so that `kubectl apply -k DIR`, Argo CD and Flux take DIR
/// as it is. File names are `<kind>-<name>.yaml` in lower case (DNS names and
/// dashes), which YAML reads as plain strings: no quoting is ever needed.
pub fn kustomization(files: &[(String, String)]) -> (String, String) {
    let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    let mut text = String::from(
        "# Written by pipec (`-o DIR --kustomization`): every object file of this directory.\n\
         apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
    );
    if names.is_empty() {
        text.push_str("resources: []\n");
    } else {
        text.push_str("resources:\n");
        for name in names {
            text.push_str("  - ");
            text.push_str(name);
            text.push('\n');
        }
    }
    (KUSTOMIZATION.to_string(), text)
}

/// Never the name of an object's file (those are `<kind>-<name>.yaml`).
pub const KUSTOMIZATION: &str = "kustomization.yaml";

#[cfg(test)]
mod tests {
    use super::*;

    fn built(files: &[(&str, &str)]) -> Vec<(String, String)> {
        files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect()
    }

    fn present(files: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        files.iter().map(|(n, t)| (n.to_string(), t.as_bytes().to_vec())).collect()
    }

    #[test]
    fn equal_directories_have_no_drift() {
        let files = [("job-a.yaml", "kind: Job\n"), ("job-b.yaml", "kind: Job\n")];
        let drift = Drift::between("out", &built(&files), &present(&[files[1], files[0]]));
        assert!(drift.is_empty(), "{drift:?}");
        assert_eq!(drift.render("out", false), "");
    }

    #[test]
    fn a_changed_file_gets_a_unified_diff_and_others_are_listed() {
        let drift = Drift::between(
            "out/",
            &built(&[("job-a.yaml", "a: 1\nb: 3\nc: 3\n"), ("job-new.yaml", "x\n")]),
            &present(&[("job-old.yaml", "y\n"), ("job-a.yaml", "a: 1\nb: 2\nc: 3\n")]),
        );
        assert_eq!(drift.added, ["job-new.yaml"]);
        assert_eq!(drift.removed, ["job-old.yaml"]);
        assert_eq!(drift.summary(), "1 changed, 1 to add, 1 to remove");
        let text = drift.render("out/", false);
        assert_eq!(
            text,
            "--- out/job-a.yaml\n+++ out/job-a.yaml (built)\n@@ -1,3 +1,3 @@\n a: 1\n-b: 2\n+b: 3\n c: 3\n\
             would add out/job-new.yaml (built, not in out)\n\
             would remove out/job-old.yaml (in out, not built)\n"
        );
        let colored = drift.render("out", true);
        assert!(colored.contains("\x1b[31m-b: 2\x1b[0m") && colored.contains("\x1b[32m+b: 3\x1b[0m"), "{colored}");
    }

    #[test]
    fn bytes_that_are_not_utf8_differ_and_are_shown() {
        let drift = Drift::between("o", &built(&[("job-a.yaml", "a\n")]), &[("job-a.yaml".into(), b"\xff\n".to_vec())]);
        assert!(drift.changed[0].1.contains("-\u{FFFD}"), "{drift:?}");
    }

    #[test]
    fn the_kustomization_lists_every_file_sorted() {
        let (name, text) = kustomization(&built(&[("job-b.yaml", ""), ("cronjob-a.yaml", "")]));
        assert_eq!(name, "kustomization.yaml");
        assert!(text.ends_with("kind: Kustomization\nresources:\n  - cronjob-a.yaml\n  - job-b.yaml\n"), "{text}");
        assert!(kustomization(&[]).1.ends_with("resources: []\n"));
    }
}
