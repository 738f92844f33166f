//! Literal values with units: durations (`30s`, `1h30m`, `7d`) and resource
//! quantities (`500m`, `2`, `300Mi`, `1.5Gi`, `1e3`). Parsing returns a precise
//! reason on failure; printing gives Kubernetes' canonical form, so that what
//! pipec emits is what the API server would store (quiet GitOps diffs).

use std::fmt;

/// Why a literal is not a valid duration or quantity. `help` says what to write.
#[derive(Debug, Clone, PartialEq)]
pub struct LiteralError {
    pub message: String,
    pub help: String,
}

fn err(message: impl Into<String>, help: impl Into<String>) -> LiteralError {
    LiteralError { message: message.into(), help: help.into() }
}

/// Splits `1.5Gi` into (`1.5`, `Gi`): the number is digits, `_` and one `.`.
pub fn split_number(text: &str) -> (&str, &str) {
    let body = text.strip_prefix('-').unwrap_or(text);
    let sign = text.len() - body.len();
    let end = body.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_')).unwrap_or(body.len());
    (&text[..sign + end], &text[sign + end..])
}

/// `10_000` → `10000`, without copying text that has no `_` (the usual case).
fn without_underscores(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('_') { text.replace('_', "").into() } else { text.into() }
}

/// A plain integer: `5`, `-1`, `10_000`.
pub fn parse_int(text: &str) -> Result<i64, LiteralError> {
    let (number, unit) = split_number(text);
    if !unit.is_empty() || number.contains('.') {
        return Err(err(format!("`{text}` is not a whole number"), "write a whole number such as `5`"));
    }
    without_underscores(number)
        .parse::<i64>()
        .map_err(|_| err(format!("`{text}` is not a whole number pipec can hold"), "numbers must fit in 64 bits"))
}

// ---- durations ------------------------------------------------------------

/// A length of time in whole seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(pub u64);

const DURATION_UNITS: &[(&str, u64)] = &[("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)];

impl Duration {
    /// Parses `30s`, `5m`, `2h`, `7d`, `1w` and sums such as `1h30m`.
    pub fn parse(text: &str) -> Result<Duration, LiteralError> {
        const UNITS_HELP: &str =
            "durations are whole numbers with a unit: `30s`, `5m`, `2h`, `7d`, `1w`, or sums such as `1h30m`";
        if text.starts_with('-') {
            return Err(err(format!("`{text}` is negative"), "durations cannot be negative"));
        }
        let mut rest = text;
        let mut total: u64 = 0;
        let mut last_unit = usize::MAX; // index into DURATION_UNITS; units must go from large to small
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '_')).unwrap_or(rest.len());
            if digits == 0 {
                return Err(err(format!("`{text}` is not a duration"), UNITS_HELP));
            }
            let number: u64 = without_underscores(&rest[..digits])
                .parse()
                .map_err(|_| err(format!("`{text}` is too long a duration"), UNITS_HELP))?;
            rest = &rest[digits..];
            if rest.starts_with('.') {
                return Err(err(
                    format!("`{text}` has a fraction"),
                    "write the smaller unit instead: `90m` rather than `1.5h`",
                ));
            }
            let unit_len = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
            let unit = &rest[..unit_len];
            if unit.is_empty() {
                return Err(err(
                    format!("`{text}` has no unit"),
                    format!("say which unit is meant, e.g. `{number}s` for seconds or `{number}m` for minutes"),
                ));
            }
            let Some(index) = DURATION_UNITS.iter().position(|(u, _)| *u == unit) else {
                let help = match unit {
                    "ms" | "us" | "ns" => "Kubernetes counts these fields in whole seconds".to_string(),
                    "min" | "mins" => format!("minutes are written `{number}m`"),
                    "sec" | "secs" => format!("seconds are written `{number}s`"),
                    "hr" | "hrs" | "hour" | "hours" => format!("hours are written `{number}h`"),
                    "day" | "days" => format!("days are written `{number}d`"),
                    _ => UNITS_HELP.to_string(),
                };
                return Err(err(format!("`{unit}` is not a unit of time"), help));
            };
            if last_unit != usize::MAX && index <= last_unit {
                return Err(err(
                    format!("`{text}` repeats or reorders its units"),
                    "write units from largest to smallest, each once: `1h30m`",
                ));
            }
            last_unit = index;
            total = number
                .checked_mul(DURATION_UNITS[index].1)
                .and_then(|s| total.checked_add(s))
                .ok_or_else(|| err(format!("`{text}` is too long a duration"), UNITS_HELP))?;
            rest = &rest[unit_len..];
        }
        Ok(Duration(total))
    }

    pub fn seconds(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Duration {
    /// The shortest exact form: `90s` → `1m30s`, `604800s` → `1w`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (unit, size) in DURATION_UNITS {
            if rest >= *size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

// ---- quantities -----------------------------------------------------------

/// A Kubernetes resource quantity, held exactly in nano-units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantity {
    nanos: i128,
    format: QuantityFormat,
    /// The unit as written (`m`, `Gi`, `e3`, or empty), for messages that quote it.
    pub suffix: Suffix,
}

/// Which family of suffixes the canonical form uses (as in apimachinery).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuantityFormat {
    BinarySI,
    DecimalSI,
    DecimalExponent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suffix {
    None,
    Milli,
    Other,
    Binary,
}

const BINARY: &[(&str, u32)] = &[("Ki", 1), ("Mi", 2), ("Gi", 3), ("Ti", 4), ("Pi", 5), ("Ei", 6)];
const DECIMAL: &[(&str, i32)] =
    &[("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18)];

impl Quantity {
    pub fn parse(text: &str) -> Result<Quantity, LiteralError> {
        const HELP: &str = "a quantity is a number with an optional suffix: `500m`, `2`, `300Mi`, `1.5Gi`, `1e3`";
        let (number, suffix) = split_number(text);
        let negative = number.starts_with('-');
        let digits = without_underscores(number.trim_start_matches('-'));
        let (int_part, frac_part) = digits.split_once('.').unwrap_or((&digits, ""));
        if int_part.is_empty() || frac_part.contains('.') || (digits.contains('.') && frac_part.is_empty()) {
            return Err(err(format!("`{text}` is not a number"), HELP));
        }
        if int_part.len() > 19 || frac_part.len() > 9 {
            return Err(err(
                format!("`{text}` has more digits than Kubernetes keeps"),
                "use at most 19 digits before the point and 9 after",
            ));
        }
        // mantissa * 10^-frac_len is the number as written.
        let not_a_number = || err(format!("`{text}` is not a number"), HELP);
        let int: i128 = int_part.parse().map_err(|_| not_a_number())?;
        let frac: i128 = if frac_part.is_empty() { 0 } else { frac_part.parse().map_err(|_| not_a_number())? };
        if frac_part.starts_with(['+', '-']) {
            return Err(not_a_number());
        }
        let mantissa = int * 10i128.pow(frac_part.len() as u32) + frac;
        let scale = frac_part.len() as u32;
        let (nanos, format, kind) = if let Some((_, power)) = BINARY.iter().find(|(s, _)| *s == suffix) {
            let value = mantissa * 1024i128.pow(*power) * 10i128.pow(9 - scale);
            (value, QuantityFormat::BinarySI, Suffix::Binary)
        } else if let Some((_, exp)) = DECIMAL.iter().find(|(s, _)| *s == suffix) {
            let kind = match suffix {
                "" => Suffix::None,
                "m" => Suffix::Milli,
                _ => Suffix::Other,
            };
            (scaled(mantissa, 9 + exp - scale as i32, text)?, QuantityFormat::DecimalSI, kind)
        } else if let Some(exp) = suffix.strip_prefix(['e', 'E']).and_then(|e| e.parse::<i32>().ok()) {
            if !(-9..=18).contains(&exp) {
                return Err(err(
                    format!("`{text}` has an exponent Kubernetes does not accept here"),
                    "use an exponent between e-9 and e18",
                ));
            }
            (scaled(mantissa, 9 + exp - scale as i32, text)?, QuantityFormat::DecimalExponent, Suffix::Other)
        } else {
            let guess = match suffix {
                "KB" | "kb" | "Kb" | "K" => "`k` (1000) or `Ki` (1024)",
                "MB" | "mb" | "Mb" => "`M` (10^6) or `Mi` (2^20)",
                "GB" | "gb" | "Gb" | "g" => "`G` (10^9) or `Gi` (2^30)",
                "TB" | "tb" | "Tb" | "t" => "`T` (10^12) or `Ti` (2^40)",
                "mi" | "MiB" => "`Mi`",
                "gi" | "GiB" => "`Gi`",
                "ki" | "KiB" => "`Ki`",
                _ => "",
            };
            let help = if guess.is_empty() { HELP.to_string() } else { format!("did you mean {guess}?") };
            return Err(err(format!("`{suffix}` is not a quantity suffix"), help));
        };
        let nanos = if negative { -nanos } else { nanos };
        Ok(Quantity { nanos, format, suffix: kind })
    }

    /// From a whole number of units (`cpu = 2`).
    pub fn from_int(n: i64) -> Quantity {
        Quantity { nanos: n as i128 * 1_000_000_000, format: QuantityFormat::DecimalSI, suffix: Suffix::None }
    }

    /// A computed quantity, printed in the family of `like` (`2 * 512Mi` → `1Gi`).
    pub fn from_nanos(nanos: i128, like: Quantity) -> Quantity {
        Quantity { nanos, format: like.format, suffix: like.suffix }
    }

    /// The exact value in billionths of the unit.
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }
}

/// `mantissa * 10^exp`, failing when the result has finer precision than nano.
fn scaled(mantissa: i128, exp: i32, text: &str) -> Result<i128, LiteralError> {
    if exp >= 0 {
        10i128
            .checked_pow(exp as u32)
            .and_then(|p| mantissa.checked_mul(p))
            .ok_or_else(|| err(format!("`{text}` is too large"), "Kubernetes quantities stop at exabytes"))
    } else {
        let p = 10i128.pow((-exp) as u32);
        if mantissa % p != 0 {
            return Err(err(
                format!("`{text}` is finer than Kubernetes keeps"),
                "quantities are exact to one billionth (`1n`)",
            ));
        }
        Ok(mantissa / p)
    }
}

impl fmt::Display for Quantity {
    /// Kubernetes' canonical form: `1000m` → `1`, `1.5Gi` → `1536Mi`, `0.5` → `500m`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.nanos < 0 { "-" } else { "" };
        let n = self.nanos.unsigned_abs();
        if n == 0 {
            return f.write_str("0");
        }
        if self.format == QuantityFormat::BinarySI && n.is_multiple_of(1_000_000_000) && n / 1_000_000_000 >= 1024 {
            let mut whole = n / 1_000_000_000;
            let mut power = 0;
            while power < BINARY.len() && whole.is_multiple_of(1024) {
                whole /= 1024;
                power += 1;
            }
            let suffix = if power == 0 { "" } else { BINARY[power - 1].0 };
            return write!(f, "{sign}{whole}{suffix}");
        }
        // Decimal: the largest power of 1000 that divides the value exactly.
        let mut mantissa = n;
        let mut exp = -9i32;
        while exp < 18 && mantissa.is_multiple_of(1000) {
            mantissa /= 1000;
            exp += 3;
        }
        if self.format == QuantityFormat::DecimalExponent {
            return if exp == 0 { write!(f, "{sign}{mantissa}") } else { write!(f, "{sign}{mantissa}e{exp}") };
        }
        let suffix = DECIMAL.iter().find(|(_, e)| *e == exp).map_or("", |(s, _)| s);
        write!(f, "{sign}{mantissa}{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print() {
        for (text, secs, canon) in [
            ("30s", 30, "30s"),
            ("5m", 300, "5m"),
            ("2h", 7200, "2h"),
            ("7d", 604_800, "1w"),
            ("1w", 604_800, "1w"),
            ("1h30m", 5400, "1h30m"),
            ("90s", 90, "1m30s"),
            ("0s", 0, "0s"),
            ("1_000s", 1000, "16m40s"),
        ] {
            let d = Duration::parse(text).unwrap();
            assert_eq!(d.seconds(), secs, "{text}");
            assert_eq!(d.to_string(), canon, "{text}");
        }
    }

    #[test]
    fn durations_reject_with_reasons() {
        for (text, message) in [
            ("5", "has no unit"),
            ("5ms", "not a unit of time"),
            ("5min", "not a unit of time"),
            ("1.5h", "has a fraction"),
            ("30m1h", "reorders"),
            ("1h1h", "repeats"),
            ("-5s", "negative"),
            ("5Gi", "not a unit of time"),
            ("99999999999999999999w", "too long"),
        ] {
            let e = Duration::parse(text).unwrap_err();
            assert!(e.message.contains(message), "{text}: {}", e.message);
        }
        assert!(Duration::parse("5min").unwrap_err().help.contains("`5m`"));
    }

    #[test]
    fn quantities_parse_and_print_canonically() {
        for (text, canon) in [
            ("500m", "500m"),
            ("2", "2"),
            ("16", "16"),
            ("300Mi", "300Mi"),
            ("1.5Gi", "1536Mi"),
            ("32Gi", "32Gi"),
            ("1024Mi", "1Gi"),
            ("1000m", "1"),
            ("0.5", "500m"),
            ("1e3", "1e3"),
            ("1k", "1k"),
            ("0", "0"),
            ("100Ki", "100Ki"),
            ("512", "512"),
            ("0.1", "100m"),
            ("-1", "-1"),
        ] {
            let q = Quantity::parse(text).unwrap();
            assert_eq!(q.to_string(), canon, "{text}");
        }
    }

    #[test]
    fn quantities_compare_exactly_across_suffixes() {
        let q = |t| Quantity::parse(t).unwrap().nanos();
        assert_eq!(q("1"), q("1000m"));
        assert_eq!(q("1Ki"), q("1024"));
        assert_eq!(q("1G"), q("1e9"));
        assert!(q("1Gi") > q("1G"));
        assert_eq!(Quantity::from_int(16).nanos(), q("16"));
    }

    #[test]
    fn quantities_reject_with_reasons() {
        for (text, message) in [
            ("1GB", "not a quantity suffix"),
            ("1.2.3", "not a number"),
            ("1.", "not a number"),
            ("0.5n", "finer"),
            ("99999999999999999999999", "more digits"),
            ("1e99", "exponent"),
        ] {
            let e = Quantity::parse(text).unwrap_err();
            assert!(e.message.contains(message), "{text}: {}", e.message);
        }
        assert!(Quantity::parse("1Gb").unwrap_err().help.contains("`Gi`"));
    }

    #[test]
    fn ints() {
        assert_eq!(parse_int("10_000"), Ok(10_000));
        assert_eq!(parse_int("-1"), Ok(-1));
        assert!(parse_int("5s").is_err());
        assert!(parse_int("1.5").is_err());
        assert!(parse_int("99999999999999999999").is_err());
    }
}
