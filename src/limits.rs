//! How much input pipec accepts before it stops with a diagnostic instead of
//! running out of stack, memory or time. The defaults are far beyond any real
//! program; `--limit NAME=VALUE` raises or lowers one. Limits that bound how
//! deep the compiler recurses have a ceiling: past it, the 64 MiB stack the
//! CLI runs on could overflow.

/// The limits one compilation works under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes in one source file (P0009).
    pub source_bytes: usize,
    /// Brackets nested inside each other: `{ [ ( ${` (P0004).
    pub nesting: usize,
    /// Operators, prefixes and postfixes in one expression (P0004).
    pub operators: usize,
    /// `if`s in one top-level item (P0004).
    pub ifs_per_item: usize,
    /// Evaluation depth: names through names, values inside values (P0004).
    pub depth: usize,
    /// Elements of one range `a..b` (P0204).
    pub range_elements: usize,
    /// Objects one program expands to (P0209).
    pub objects: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        let mut limits = Limits {
            source_bytes: 0,
            nesting: 0,
            operators: 0,
            ifs_per_item: 0,
            depth: 0,
            range_elements: 0,
            objects: 0,
        };
        for limit in TABLE {
            *(limit.field)(&mut limits) = limit.default;
        }
        limits
    }
}

/// One limit: its `--limit` name, default, ceiling, and what it counts.
pub struct Limit {
    pub name: &'static str,
    pub default: usize,
    /// The largest value `--limit` accepts.
    pub ceiling: usize,
    pub counts: &'static str,
    /// The diagnostic code reported when it is reached.
    pub code: &'static str,
    field: fn(&mut Limits) -> &mut usize,
}

/// Every limit, in the order the docs list them.
pub const TABLE: &[Limit] = &[
    Limit {
        name: "source-bytes",
        default: 64 << 20,
        ceiling: 1 << 30,
        counts: "bytes in one source file",
        code: "P0009",
        field: |l| &mut l.source_bytes,
    },
    Limit {
        name: "nesting",
        default: 64,
        ceiling: 1_000,
        counts: "brackets nested inside each other (`{ [ ( ${`)",
        code: "P0004",
        field: |l| &mut l.nesting,
    },
    Limit {
        name: "operators",
        default: 64,
        ceiling: 1_000,
        counts: "operators, prefixes and postfixes in one expression",
        code: "P0004",
        field: |l| &mut l.operators,
    },
    Limit {
        name: "ifs-per-item",
        default: 256,
        ceiling: 1_000,
        counts: "`if`s in one top-level item",
        code: "P0004",
        field: |l| &mut l.ifs_per_item,
    },
    Limit {
        name: "depth",
        default: 100,
        ceiling: 1_000,
        counts: "evaluation depth (names through names, values inside values)",
        code: "P0004",
        field: |l| &mut l.depth,
    },
    Limit {
        name: "range-elements",
        default: 1_000_000,
        ceiling: 100_000_000,
        counts: "elements of one range `a..b`",
        code: "P0204",
        field: |l| &mut l.range_elements,
    },
    Limit {
        name: "objects",
        default: 200_000,
        ceiling: 10_000_000,
        counts: "objects one program expands to",
        code: "P0209",
        field: |l| &mut l.objects,
    },
];

impl Limits {
    /// Sets one limit from `NAME=VALUE` (`objects=500000`, `source-bytes=256Mi`).
    pub fn set(&mut self, setting: &str) -> Result<(), String> {
        let names = || TABLE.iter().map(|l| l.name).collect::<Vec<_>>().join(", ");
        let Some((name, value)) = setting.split_once('=') else {
            return Err(format!("`{setting}` is not NAME=VALUE; the limits are {}", names()));
        };
        let Some(limit) = TABLE.iter().find(|l| l.name == name.trim()) else {
            return Err(format!("there is no limit `{}`; the limits are {}", name.trim(), names()));
        };
        let value = parse_count(value.trim()).ok_or_else(|| {
            format!("`{}` is not a count: write a whole number such as {}", value.trim(), limit.default)
        })?;
        if value == 0 || value > limit.ceiling {
            return Err(format!("`{}` must be between 1 and {} ({})", limit.name, limit.ceiling, limit.counts));
        }
        *(limit.field)(self) = value;
        Ok(())
    }
}

/// The table in `docs/language.md` (a test keeps the two equal).
pub fn markdown_table() -> String {
    let mut out = String::from("| `--limit` name | counts | default | ceiling | code |\n|---|---|---|---|---|\n");
    for l in TABLE {
        out.push_str(&format!("| `{}` | {} | {} | {} | {} |\n", l.name, l.counts, l.default, l.ceiling, l.code));
    }
    out
}

/// `1000`, `1_000_000`, `64Ki`, `256Mi`, `1Gi`.
fn parse_count(text: &str) -> Option<usize> {
    let (digits, scale) = match text.len().checked_sub(2).map(|i| text.split_at(i)) {
        Some((d, "Ki")) => (d, 1 << 10),
        Some((d, "Mi")) => (d, 1 << 20),
        Some((d, "Gi")) => (d, 1 << 30),
        _ => (text, 1),
    };
    let digits = digits.replace('_', "");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<usize>().ok()?.checked_mul(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_table() {
        let l = Limits::default();
        assert_eq!((l.source_bytes, l.nesting, l.objects), (64 << 20, 64, 200_000));
    }

    #[test]
    fn settings() {
        let mut l = Limits::default();
        l.set("objects=500_000").unwrap();
        l.set("source-bytes=256Mi").unwrap();
        assert_eq!((l.objects, l.source_bytes), (500_000, 256 << 20));
        assert!(l.set("objects").unwrap_err().contains("NAME=VALUE"));
        assert!(l.set("object=5").unwrap_err().contains("there is no limit `object`"));
        assert!(l.set("nesting=5000").unwrap_err().contains("between 1 and 1000"));
        assert!(l.set("nesting=0").is_err());
        assert!(l.set("nesting=-1").unwrap_err().contains("not a count"));
        assert!(l.set("source-bytes=99999999999Gi").is_err());
    }
}
