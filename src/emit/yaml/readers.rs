//! The quoting decision against models of real readers' resolvers, over every short string of
//! the characters that numbers, booleans, nulls and timestamps are made of: a string written
//! plain must be a string to all of them. The models are the readers' published rules (YAML 1.1
//! types, YAML 1.2 core schema, PyYAML's and ruamel.yaml's implicit resolvers, go-yaml v2/v3's
//! resolve.go), written out here as patterns for a small matcher; where a reader's own check is
//! hard to mirror exactly (Go's number and time parsers) the model errs towards "not a string",
//! which can only make this test stricter. `tests/yaml_readers.rs` runs the real readers.

use super::{Style, style};

/// One pattern: alternatives of sequences of (atom, repetition). Matches whole strings.
struct Pattern(Vec<Vec<(Atom, Rep)>>);

enum Atom {
    Byte(u8),
    Class(Box<[bool; 256]>),
    Group(Vec<Vec<(Atom, Rep)>>),
}

#[derive(Clone, Copy)]
enum Rep {
    One,
    Opt,
    Star,
    Plus,
}

type Cont<'a> = &'a mut dyn FnMut(&[u8]) -> bool;

impl Pattern {
    /// The subset the resolvers use: literals, `\.`, `\t`, `[…]` with ranges, `(?:…)`, `|`, `?*+`.
    fn new(p: &str) -> Pattern {
        let mut i = 0;
        let alts = parse_alts(p.as_bytes(), &mut i);
        assert_eq!(i, p.len(), "unbalanced pattern {p}");
        Pattern(alts)
    }
    fn matches(&self, s: &str) -> bool {
        alts(&self.0, s.as_bytes(), &mut |rest| rest.is_empty())
    }
}

fn parse_alts(p: &[u8], i: &mut usize) -> Vec<Vec<(Atom, Rep)>> {
    let mut out = vec![vec![]];
    while let Some(&c) = p.get(*i) {
        if c == b')' {
            break;
        }
        *i += 1;
        if c == b'|' {
            out.push(vec![]);
            continue;
        }
        let atom = match c {
            b'(' => {
                assert_eq!(&p[*i..*i + 2], b"?:");
                *i += 2;
                let group = parse_alts(p, i);
                assert_eq!(p.get(*i), Some(&b')'));
                *i += 1;
                Atom::Group(group)
            }
            b'[' => {
                let mut set = [false; 256];
                while p[*i] != b']' {
                    let lo = escaped(p, i);
                    let hi = if p[*i] == b'-' && p[*i + 1] != b']' {
                        *i += 1;
                        escaped(p, i)
                    } else {
                        lo
                    };
                    (lo..=hi).for_each(|b| set[b as usize] = true);
                }
                *i += 1;
                Atom::Class(Box::new(set))
            }
            _ => {
                *i -= 1;
                Atom::Byte(escaped(p, i))
            }
        };
        let rep = match p.get(*i) {
            Some(b'?') => Rep::Opt,
            Some(b'*') => Rep::Star,
            Some(b'+') => Rep::Plus,
            _ => Rep::One,
        };
        if !matches!(rep, Rep::One) {
            *i += 1;
        }
        out.last_mut().unwrap_or_else(|| unreachable!()).push((atom, rep));
    }
    out
}

fn escaped(p: &[u8], i: &mut usize) -> u8 {
    let c = p[*i];
    *i += 1;
    if c != b'\\' {
        return c;
    }
    *i += 1;
    if p[*i - 1] == b't' { b'\t' } else { p[*i - 1] }
}

fn alts(alternatives: &[Vec<(Atom, Rep)>], s: &[u8], k: Cont) -> bool {
    alternatives.iter().any(|seq| sequence(seq, s, k))
}

fn sequence(seq: &[(Atom, Rep)], s: &[u8], k: Cont) -> bool {
    let Some(((atom, rep), rest)) = seq.split_first() else { return k(s) };
    match rep {
        Rep::One => one(atom, s, &mut |r| sequence(rest, r, k)),
        Rep::Opt => {
            if one(atom, s, &mut |r| sequence(rest, r, k)) {
                return true;
            }
            sequence(rest, s, k)
        }
        Rep::Star => star(atom, rest, s, k),
        Rep::Plus => one(atom, s, &mut |r| star(atom, rest, r, k)),
    }
}

fn star(atom: &Atom, rest: &[(Atom, Rep)], s: &[u8], k: Cont) -> bool {
    if one(atom, s, &mut |r| r.len() < s.len() && star(atom, rest, r, k)) {
        return true;
    }
    sequence(rest, s, k)
}

fn one(atom: &Atom, s: &[u8], k: Cont) -> bool {
    match atom {
        Atom::Byte(b) => s.first() == Some(b) && k(&s[1..]),
        Atom::Class(set) => s.first().is_some_and(|&b| set[b as usize]) && k(&s[1..]),
        Atom::Group(g) => alts(g, s, k),
    }
}

/// A reader that resolves plain scalars by (first characters, pattern) rules, as PyYAML and
/// ruamel.yaml do (an empty first-character list: any).
struct Resolver {
    name: &'static str,
    rules: Vec<(&'static str, &'static str, Pattern)>,
}

impl Resolver {
    fn new(name: &'static str, rules: &[(&'static str, &'static str, &'static str)]) -> Resolver {
        Resolver { name, rules: rules.iter().map(|&(tag, first, p)| (tag, first, Pattern::new(p))).collect() }
    }
    /// The tag a plain scalar `s` resolves to.
    fn resolve(&self, s: &str) -> &'static str {
        let first = s.bytes().next();
        self.rules
            .iter()
            .find(|(_, f, p)| (f.is_empty() || first.is_some_and(|c| f.as_bytes().contains(&c))) && p.matches(s))
            .map_or("str", |r| r.0)
    }
}

const BOOL_1_1: &str = "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF";
const BOOL_1_2: &str = "true|True|TRUE|false|False|FALSE";
const NULL: &str = "~|null|Null|NULL|";
const TIMESTAMP: &str = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?\
    (?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?";

fn resolvers() -> Vec<Resolver> {
    vec![
        // The YAML 1.1 type repository (yaml.org/type), as PyYAML and ruamel.yaml's 1.1 mode read it.
        Resolver::new(
            "YAML 1.1 / ruamel.yaml 1.1",
            &[
                ("bool", "yYnNtTfFoO", BOOL_1_1),
                (
                    "float",
                    "-+0123456789.",
                    "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)\
                |\\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)\
                |\\.(?:nan|NaN|NAN)",
                ),
                (
                    "int",
                    "-+0123456789",
                    "[-+]?0b[0-1_]+|[-+]?0?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+\
                |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
                ),
                ("merge", "<", "<<"),
                ("null", "~nN", NULL),
                ("timestamp", "0123456789", TIMESTAMP),
                ("value", "=", "="),
            ],
        ),
        // PyYAML 6 (resolver.py): YAML 1.1 without `y`/`n`, floats need a `.`.
        Resolver::new(
            "PyYAML",
            &[
                ("bool", "yYnNtTfFoO", "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"),
                (
                    "float",
                    "-+0123456789.",
                    "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9_]+(?:[eE][-+][0-9]+)?\
                |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)",
                ),
                (
                    "int",
                    "-+0123456789",
                    "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+\
                |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
                ),
                ("merge", "<", "<<"),
                ("null", "~nN", NULL),
                ("timestamp", "0123456789", TIMESTAMP),
                ("value", "=", "="),
            ],
        ),
        // ruamel.yaml 0.18/0.19 in its default YAML 1.2 mode (resolver.py): `_` in ints, `+_1`.
        Resolver::new(
            "ruamel.yaml 1.2",
            &[
                ("bool", "tTfF", BOOL_1_2),
                (
                    "float",
                    "-+0123456789.",
                    "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?\
                |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?\
                |[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)",
                ),
                ("int", "-+0123456789", "[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+"),
                ("merge", "<", "<<"),
                ("null", "~nN", NULL),
                ("timestamp", "0123456789", TIMESTAMP),
                ("value", "=", "="),
            ],
        ),
        // The YAML 1.2.2 core schema (§10.3.2), as libyaml-based 1.2 readers apply it.
        Resolver::new(
            "YAML 1.2 core",
            &[
                ("null", "", NULL),
                ("bool", "", BOOL_1_2),
                ("int", "", "[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"),
                (
                    "float",
                    "",
                    "[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)\
                |\\.(?:nan|NaN|NAN)",
                ),
            ],
        ),
    ]
}

/// go-yaml's `resolve` (v2 with its YAML 1.1 words, v3 with `0o`), on the hint of the first
/// byte: a map of words, Go's `ParseFloat` after `.`, and after a digit or sign a timestamp or,
/// with every `_` removed, Go's `ParseInt(s, 0, 64)`, a YAML-style float or a `0b`/`0o` int.
struct GoYaml {
    number: Pattern,
    dot_float: Pattern,
    timestamp: Pattern,
    yaml_float: Pattern,
}

impl GoYaml {
    fn new() -> GoYaml {
        let frac = "(?:[.,][0-9]+)?";
        let time = "[0-9][0-9]?:[0-9][0-9]?:[0-9][0-9]?";
        GoYaml {
            // ParseInt(s, 0, 64) or ParseUint, ignoring range (so: more is "a number").
            number: Pattern::new("[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[0-9]+)"),
            dot_float: Pattern::new("\\.[0-9_]+(?:[eE][-+]?[0-9_]+)?"),
            // Go's time.Parse with go-yaml's four layouts (month/day/h/m/s one or two digits,
            // `.` or `,` before the fraction), without range checks.
            timestamp: Pattern::new(&format!(
                "[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]{time}{frac}(?:Z|[-+][0-9][0-9]:[0-9][0-9])\
                 | {time}{frac})?"
            )),
            yaml_float: Pattern::new("[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"),
        }
    }

    fn is_string(&self, s: &str, v2: bool) -> bool {
        const MAP: &[&str] = &[
            "true", "True", "TRUE", "false", "False", "FALSE", "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN",
            ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",
        ];
        const V2_MAP: &[&str] =
            &["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"];
        let hint = match s.bytes().next() {
            None => b'N',
            Some(b'+' | b'-') => b'S',
            Some(b'0'..=b'9') => b'D',
            Some(c) if b"yYnNtTfFoO~".contains(&c) => b'M',
            Some(b'.') => b'.',
            Some(_) => return true,
        };
        if MAP.contains(&s) || (v2 && V2_MAP.contains(&s)) {
            return false;
        }
        match hint {
            b'.' => !self.dot_float.matches(s),
            b'D' | b'S' => {
                let plain = s.replace('_', "");
                let prefixed = |p: &str| plain.strip_prefix(p).or_else(|| plain.strip_prefix(&format!("-{p}")));
                let digits = |p: &str, set: &[u8]| {
                    prefixed(p).is_some_and(|d| !d.is_empty() && d.bytes().all(|c| set.contains(&c)))
                };
                !(self.timestamp.matches(s)
                    || self.number.matches(&plain)
                    || self.yaml_float.matches(&plain)
                    || digits("0b", b"01")
                    || (!v2 && digits("0o", b"01234567")))
            }
            _ => true,
        }
    }
}

/// Every string of length 1..=`max` over `alphabet`.
fn all_strings(alphabet: &[u8], max: usize) -> impl Iterator<Item = String> + '_ {
    (1..=max).flat_map(move |len| {
        let total = alphabet.len().pow(len as u32);
        (0..total).map(move |mut n| {
            (0..len)
                .map(|_| {
                    let c = alphabet[n % alphabet.len()];
                    n /= alphabet.len();
                    c as char
                })
                .collect()
        })
    })
}

fn check(strings: impl Iterator<Item = String>) -> usize {
    let (readers, go) = (resolvers(), GoYaml::new());
    let mut plain = 0;
    let mut wrong = Vec::new();
    for s in strings {
        if style(&s) != Style::Plain {
            continue;
        }
        plain += 1;
        for r in &readers {
            let tag = r.resolve(&s);
            if tag != "str" {
                wrong.push(format!("{s:?} is written plain but {} reads it as {tag}", r.name));
            }
        }
        for (v2, name) in [(true, "go-yaml v2"), (false, "go-yaml v3")] {
            if !go.is_string(&s, v2) {
                wrong.push(format!("{s:?} is written plain but {name} reads it as a non-string"));
            }
        }
    }
    assert!(wrong.is_empty(), "{} disagreements:\n{}", wrong.len(), wrong[..wrong.len().min(40)].join("\n"));
    plain
}

#[test]
fn the_models_know_the_classic_cases() {
    let (readers, go) = (resolvers(), GoYaml::new());
    let tags = |s: &str| readers.iter().map(|r| r.resolve(s)).collect::<Vec<_>>();
    assert_eq!(tags("yes"), ["bool", "bool", "str", "str"]);
    assert_eq!(tags("y"), ["bool", "str", "str", "str"]);
    assert_eq!(tags("+_1"), ["int", "str", "int", "str"]);
    assert_eq!(tags("+_"), ["int", "str", "int", "str"]);
    assert_eq!(tags("1_000"), ["int", "int", "int", "str"]);
    assert_eq!(tags("0o17"), ["str", "str", "int", "int"]);
    assert_eq!(tags("60:30"), ["int", "int", "str", "str"]);
    assert_eq!(tags("1e3"), ["float", "str", "float", "float"]);
    assert_eq!(tags("2001-12-14"), ["timestamp"; 3].into_iter().chain(["str"]).collect::<Vec<_>>());
    assert_eq!(tags("pipec"), ["str"; 4]);
    for s in ["+_1", "+__1", "+_.5", "+_1e3", "yes", "0b1", "-0b1", "2001-1-2t1:2:3,5Z", ".5_5", "+.inf"] {
        assert!(!go.is_string(s, true), "{s}");
    }
    assert!(go.is_string("+_", true) && !go.is_string("0o17", true)); // Go 1.13+: ParseInt reads `0o`
    assert!(go.is_string("yes", false) && go.is_string("_1", true) && go.is_string("1:20", true));
}

#[test]
fn issue_17_signed_underscores_are_quoted() {
    for s in ["+_1", "+__1", "+_.5", "+_1e3", "+_", "+__", "+_0x_1F", "+_0b1"] {
        assert_eq!(style(s), Style::Single, "{s}");
    }
    for s in ["+", "_1", "+a", "+_a", "_"] {
        assert_eq!(style(s), Style::Plain, "{s}");
    }
}

#[test]
fn every_short_numeric_looking_string() {
    // 15^5 ≈ 760,000 strings of the characters that matter most, up to five long.
    let plain = check(all_strings(b"01_+-.:eExobiZ,", 5));
    assert!(plain > 100_000, "{plain}");
}

#[test]
fn every_short_string_of_a_wider_alphabet() {
    let plain = check(all_strings(b"09a_+-.:eEfinx tT~<=yYnNoOlLsS", 3));
    assert!(plain > 5_000, "{plain}");
}

#[test]
fn words_timestamps_and_random_strings() {
    let words = [BOOL_1_1, NULL, ".inf|.Inf|.INF|+.inf|-.inf|.nan|.NaN|.NAN|<<|="].join("|");
    let mut strings: Vec<String> = words.split('|').map(String::from).collect();
    for w in words.split('|').filter(|w| !w.is_empty()) {
        // Every case mix of each word (conservative writers quote them all).
        let n = w.len().min(5);
        for mask in 0..1u32 << n {
            let mixed = w.char_indices().map(|(i, c)| if mask >> i & 1 == 1 { c.to_ascii_uppercase() } else { c });
            strings.push(mixed.collect());
        }
    }
    for base in
        ["2001-12-14", "2001-1-2", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-1-2T1:2:3,5Z"]
    {
        strings.push(base.into());
        strings.extend((1..base.len()).map(|i| base[..i].to_string()));
    }
    // A fixed pseudo-random sample of longer strings (xorshift, deterministic).
    let alphabet = b"0123456789_+-.:eExXoObBaAfFiInNtTzZ ,~yYlLsS";
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..200_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = 1 + (x % 12) as usize;
        let s: String = (0..len).map(|i| alphabet[(x >> ((i * 5) % 60)) as usize % alphabet.len()] as char).collect();
        strings.push(s);
    }
    check(strings.into_iter());
}
