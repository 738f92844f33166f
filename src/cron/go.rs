//! The three pieces of Go's standard library whose exact behaviour decides what Kubernetes
//! accepts in a schedule: `strconv.Atoi` (robfig's `mustParseInt`), `strings.ToLower` (robfig
//! matches month and weekday names on the lowercased text) and `time.ParseDuration` (`@every`).
//! Each follows Go's algorithm, not a cleaner one: a schedule means what Kubernetes makes of it.

/// Why [`atoi`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AtoiError {
    /// Not a sign and digits.
    Syntax,
    /// Digits, but outside Go's 64-bit `int` (`strconv.ErrRange`).
    Range,
}

/// `strconv.Atoi` on a 64-bit platform, for the non-negative values a cron field can hold:
/// an optional `+`, then ASCII digits (leading zeros allowed), at most `i64::MAX`. A `-` never
/// reaches it here (robfig splits ranges on `-` first), so a negative number is a syntax error.
pub(super) fn atoi(s: &str) -> Result<u64, AtoiError> {
    let digits = s.strip_prefix('+').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AtoiError::Syntax);
    }
    let mut n: u64 = 0;
    for b in digits.bytes() {
        n = n.checked_mul(10).and_then(|n| n.checked_add(u64::from(b - b'0'))).ok_or(AtoiError::Range)?;
    }
    if n > i64::MAX as u64 { Err(AtoiError::Range) } else { Ok(n) }
}

/// Whether Go's `strings.ToLower(text)` equals the ASCII `name` lowercased. Go lowercases
/// with Unicode's simple case mapping, under which exactly two non-ASCII characters become
/// ASCII letters: U+0130 `İ` → `i` and U+212A (the Kelvin sign) → `k`. So `FRİ` is Friday in
/// Kubernetes, while Rust's `to_lowercase` (the full mapping, `i̇`) would not match it.
pub(super) fn lower_eq(text: &str, name: &str) -> bool {
    let mut name = name.bytes();
    for c in text.chars() {
        let lower = match c {
            'İ' => b'i',
            '\u{212a}' => b'k',
            c if c.is_ascii() => (c as u8).to_ascii_lowercase(),
            _ => return false,
        };
        if name.next().map(|b| b.to_ascii_lowercase()) != Some(lower) {
            return false;
        }
    }
    name.next().is_none()
}

/// Why [`parse_duration`] failed: the text is malformed (with a reason), or a number in it does
/// not fit Go's `time.Duration` (about 292 years of nanoseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum DurationError {
    Syntax(String),
    Range,
}

/// Go's `time.ParseDuration`, in nanoseconds, step for step (Go 1.15 and later): each number's
/// integer part is exact, its fraction is read into 64 bits (digits beyond about 18 are
/// dropped) and scaled through float64, so `1.99999999999999999999s` is 2 s, as in Kubernetes.
/// A negative total may reach `-2^63`; a positive one at most `2^63 - 1`.
pub(super) fn parse_duration(s: &str) -> Result<i128, DurationError> {
    const OVER: u64 = 1 << 63;
    let syntax = |why: String| Err(DurationError::Syntax(why));
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return syntax("it is empty".into());
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let (int, after_int) = leading_int(rest)?;
        let consumed_int = after_int.len() != rest.len();
        let (mut frac, mut scale, mut r, mut consumed_frac) = (0, 1.0, after_int, false);
        if let Some(after_dot) = after_int.strip_prefix('.') {
            (frac, scale, r) = leading_fraction(after_dot);
            consumed_frac = r.len() != after_dot.len();
        }
        if !consumed_int && !consumed_frac {
            return syntax(format!("expected a number at `{rest}`"));
        }
        let unit_len = r.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(r.len());
        let unit: u64 = match &r[..unit_len] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return syntax(format!("`{rest}` has no unit")),
            "d" => return syntax("Go durations have no days; write `24h`".into()),
            u => return syntax(format!("unknown unit `{u}`")),
        };
        rest = &r[unit_len..];
        if int > OVER / unit {
            return Err(DurationError::Range);
        }
        let mut v = int * unit;
        if frac > 0 {
            // Go: `v += uint64(float64(f) * (float64(unit) / scale))`; the product is at most
            // an hour of nanoseconds, so the conversion truncates exactly as Go's does.
            v += (frac as f64 * (unit as f64 / scale)) as u64;
            if v > OVER {
                return Err(DurationError::Range);
            }
        }
        total = total.checked_add(v).filter(|t| *t <= OVER).ok_or(DurationError::Range)?;
    }
    if !neg && total > OVER - 1 {
        return Err(DurationError::Range);
    }
    Ok(if neg { -i128::from(total) } else { i128::from(total) })
}

/// Go's `leadingInt`: the digits at the start, failing once the value passes `2^63`.
fn leading_int(s: &str) -> Result<(u64, &str), DurationError> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    let mut x: u64 = 0;
    for b in s[..n].bytes() {
        if x > (1 << 63) / 10 {
            return Err(DurationError::Range);
        }
        x = x * 10 + u64::from(b - b'0');
        if x > 1 << 63 {
            return Err(DurationError::Range);
        }
    }
    Ok((x, &s[n..]))
}

/// Go's `leadingFraction`: the digits at the start as `x / scale`; digits that would overflow
/// are consumed but ignored (so precision stops at about 18 digits).
fn leading_fraction(s: &str) -> (u64, f64, &str) {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    let (mut x, mut scale, mut overflow) = (0u64, 1.0f64, false);
    for b in s[..n].bytes() {
        if overflow {
            continue;
        }
        if x > (i64::MAX as u64) / 10 {
            overflow = true;
            continue;
        }
        let y = x * 10 + u64::from(b - b'0');
        if y > 1 << 63 {
            overflow = true;
            continue;
        }
        x = y;
        scale *= 10.0;
    }
    (x, scale, &s[n..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_fails_on_overflow_as_go_does() {
        assert_eq!(atoi("9223372036854775807"), Ok(i64::MAX as u64));
        assert_eq!(atoi("+007"), Ok(7));
        assert_eq!(atoi("9223372036854775808"), Err(AtoiError::Range));
        assert_eq!(atoi("99999999999999999999"), Err(AtoiError::Range));
        assert_eq!(atoi("184467440737095516160"), Err(AtoiError::Range));
        for bad in ["", "+", "-1", "1_0", " 1", "1 ", "٣", "0x10"] {
            assert_eq!(atoi(bad), Err(AtoiError::Syntax), "{bad:?}");
        }
    }

    #[test]
    fn lowercase_is_go_simple_mapping() {
        assert!(lower_eq("FRİ", "fri"));
        assert!(lower_eq("frİ", "FRI"));
        assert!(lower_eq("frİ", "fri"));
        assert!(lower_eq("Fri", "fri"));
        assert!(lower_eq("\u{212a}", "k"));
        assert!(!lower_eq("FRI\u{307}", "fri"));
        assert!(!lower_eq("FRı", "fri")); // dotless ı lowercases to itself
        assert!(!lower_eq("FR", "fri"));
        assert!(!lower_eq("FRIDAY", "fri"));
    }

    #[test]
    fn durations_match_go() {
        let d = |s: &str| parse_duration(s);
        assert_eq!(d("1.99999999999999999999s"), Ok(2_000_000_000));
        assert_eq!(d("1.9999999999999999s"), Ok(2_000_000_000));
        assert_eq!(d("1.999999999s"), Ok(1_999_999_999));
        assert_eq!(d("0.0000000009s"), Ok(0));
        assert_eq!(d("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(d(".5m"), Ok(30_000_000_000));
        assert_eq!(d("1.s"), Ok(1_000_000_000));
        assert_eq!(d("1h30m0.5s"), Ok(5_400_500_000_000));
        assert_eq!(d("9223372036854775807ns"), Ok(i128::from(i64::MAX)));
        assert_eq!(d("-9223372036854775808ns"), Ok(i128::from(i64::MIN)));
        assert_eq!(d("2562047h47m16.854775807s"), Ok(i128::from(i64::MAX)));
        assert_eq!(d("9223372036854775808ns"), Err(DurationError::Range));
        assert_eq!(d("-9223372036854775809ns"), Err(DurationError::Range));
        assert_eq!(d("2562048h"), Err(DurationError::Range));
        assert_eq!(d("99999999999999999999ns"), Err(DurationError::Range));
        for bad in ["", "-", ".s", "1", "1x", "1d", "s", "1.2.3s"] {
            assert!(matches!(d(bad), Err(DurationError::Syntax(_))), "{bad:?}: {:?}", d(bad));
        }
        assert_eq!(d("0"), Ok(0));
        assert_eq!(d("-0"), Ok(0));
    }
}
