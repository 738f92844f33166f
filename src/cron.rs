//! Kubernetes CronJob schedules: parsed and validated as the CronJob controller does
//! (robfig/cron v3 `ParseStandard`), with fire times computed the way its `SpecSchedule.Next` does.
//!
//! Deliberately stricter than robfig where Kubernetes would accept a schedule that means something
//! other than it says: `*-5` (robfig ignores everything after `*-`), a field with no values such as
//! `,` (never fires), and `@every` with a zero or negative duration (robfig runs it every second).

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::{Span, Timestamp, Zoned};
use std::ops::Range;

mod go;

use go::{AtoiError, DurationError};

/// The answer to "when does it fire next?".
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    At(Zoned),
    /// It does not fire within five years of the start (e.g. `0 0 30 2 *`), or not before the
    /// end of the calendar (year 9999).
    NoneWithinFiveYears,
    /// The search runs in circles around this day (a day the zone skipped, such as 2011-12-30 in
    /// Pacific/Apia): robfig's search, and so Kubernetes' controller, never returns there.
    Loops(Date),
}

/// The most steps one search takes, counting every step of every loop. A search that ends
/// takes at most about 2,100 (five years of days, then one day's hours, minutes and seconds);
/// only a search that runs in circles reaches this.
pub const SEARCH_STEPS: u32 = 20_000;

/// A parsed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule(Kind);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Spec(Spec),
    /// `@every`: whole seconds, at least 1.
    Every(i64),
}

/// One bit per allowed value. `*_star`: the field contains `*` or `?` without a step above 1,
/// which switches day matching from "dom OR dow" to "dom AND dow" (robfig's star bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spec {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    dom_star: bool,
    dow_star: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CronError {
    pub message: String,
    /// What to write instead.
    pub help: String,
    /// The byte range inside the schedule string that is wrong.
    pub range: Range<usize>,
}

fn error(message: impl Into<String>, help: impl Into<String>, range: Range<usize>) -> CronError {
    CronError { message: message.into(), help: help.into(), range }
}

struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    help: &'static str,
}

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_NAMES: &str = "January February March April May June July August September October November December";
const DAY_NAMES: &str = "Sunday Monday Tuesday Wednesday Thursday Friday Saturday";
const FIVE: &str = "Kubernetes schedules have five fields (minute hour day-of-month month day-of-week)";

const MINUTE: Field = Field { name: "minute", min: 0, max: 59, names: &[], help: "minutes are 0–59" };
const HOUR: Field = Field { name: "hour", min: 0, max: 23, names: &[], help: "hours are 0–23 (midnight is 0)" };
const DOM: Field = Field { name: "day-of-month", min: 1, max: 31, names: &[], help: "days of the month are 1–31" };
const MONTH: Field = Field { name: "month", min: 1, max: 12, names: &MONTHS, help: "months are 1–12 or JAN–DEC" };
const DOW: Field =
    Field { name: "day-of-week", min: 0, max: 6, names: &DAYS, help: "weekdays are 0–6 (0 is Sunday) or SUN–SAT" };
const FIELDS: [&Field; 5] = [&MINUTE, &HOUR, &DOM, &MONTH, &DOW];
const DESCRIPTORS: [&str; 8] =
    ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@every"];

impl Field {
    fn bounds(&self) -> String {
        match self.names {
            [] => format!("{}–{}", self.min, self.max),
            n => format!("{}–{} or {}–{}", self.min, self.max, n[0], n[n.len() - 1]),
        }
    }
    fn all(&self) -> u64 {
        bits(self.min, self.max, 1)
    }
}

/// The values `lo, lo+step, …` up to `hi`, as bits.
fn bits(lo: u32, hi: u32, step: u64) -> u64 {
    (lo..=hi).step_by(usize::try_from(step).unwrap_or(usize::MAX)).fold(0, |acc, v| acc | 1 << v)
}

fn has(set: u64, v: i8) -> bool {
    set >> v & 1 == 1
}

impl Schedule {
    pub fn parse(text: &str) -> Result<Schedule, CronError> {
        let start = text.len() - text.trim_start().len();
        let body = &text[start..];
        if body.starts_with("TZ=") || body.starts_with("CRON_TZ=") {
            let end = body.find(char::is_whitespace).map_or(text.len(), |i| start + i);
            let message = "Kubernetes does not accept a time zone inside the schedule";
            return Err(error(message, "write the zone in `timezone = \"…\"` instead", start..end));
        }
        if text.starts_with('@') {
            return parse_descriptor(text);
        }
        let fields = split_fields(text);
        let Some(&(first, _)) = fields.first() else {
            return Err(error("the schedule is empty", format!("{FIVE}, e.g. `0 2 * * *`"), 0..text.len()));
        };
        if body.starts_with('@') {
            return Err(error("a descriptor must start the schedule", "remove the leading whitespace", 0..start));
        }
        if fields.len() != 5 {
            let (last_start, last) = fields[fields.len() - 1];
            let help = match fields.len() {
                6 => format!("{FIVE}; seconds are not supported"),
                7 => format!("{FIVE}; seconds and years are not supported"),
                _ => format!("{FIVE}, e.g. `0 2 * * *` for 02:00 every day"),
            };
            let message = format!("expected 5 fields, found {}", fields.len());
            return Err(error(message, help, first..last_start + last.len()));
        }
        let mut sets = [(0, false); 5];
        for (i, &(off, tok)) in fields.iter().enumerate() {
            sets[i] = parse_field(tok, off, FIELDS[i])?;
        }
        let [(minute, _), (hour, _), (dom, dom_star), (month, _), (dow, dow_star)] = sets;
        Ok(Schedule(Kind::Spec(Spec { minute, hour, dom, month, dow, dom_star, dow_star })))
    }

    /// The next fire time strictly after `after`, in `after`'s time zone (the schedule's zone).
    /// None if there is none: see [`Schedule::next`] for why.
    pub fn next_after(&self, after: &Zoned) -> Option<Zoned> {
        match self.next(after) {
            Next::At(t) => Some(t),
            Next::NoneWithinFiveYears | Next::Loops(_) => None,
        }
    }

    /// The next fire time strictly after `after`, in `after`'s time zone, or why there is none.
    /// Always answers, after at most [`SEARCH_STEPS`] steps of the search.
    pub fn next(&self, after: &Zoned) -> Next {
        let tz = after.time_zone();
        let secs = match &self.0 {
            // robfig's ConstantDelaySchedule: `after + delay`, rounded down to the second.
            Kind::Every(delay) => floor_second(after.timestamp()).checked_add(*delay).ok_or(Miss::Never),
            Kind::Spec(spec) => next_spec(spec, tz, after.timestamp()),
        };
        match secs.map(Timestamp::from_second) {
            Ok(Ok(t)) => Next::At(t.to_zoned(tz.clone())),
            Ok(Err(_)) | Err(Miss::Never) => Next::NoneWithinFiveYears,
            Err(Miss::Loops(day)) => Next::Loops(day),
        }
    }

    /// A short English description, e.g. "at 02:00 every day".
    pub fn describe(&self) -> String {
        match &self.0 {
            Kind::Every(secs) => describe_every(*secs),
            Kind::Spec(spec) => describe_spec(spec),
        }
    }

    /// The smallest gap between two consecutive fire times, or None if it fires at most once a
    /// year. Computed on wall-clock time (DST ignored) over the fixed leap cycle 2024–2027, so the
    /// answer does not depend on today's date.
    pub fn min_interval_seconds(&self) -> Option<u64> {
        match &self.0 {
            Kind::Every(secs) => u64::try_from(*secs).ok().filter(|s| *s < 365 * 86_400),
            Kind::Spec(spec) => min_interval_spec(spec),
        }
    }
}

/// Whitespace-separated fields with their byte offsets (robfig uses `strings.Fields`).
fn split_fields(text: &str) -> Vec<(usize, &str)> {
    let offset = |f: &str| f.as_ptr() as usize - text.as_ptr() as usize;
    text.split(char::is_whitespace).filter(|f| !f.is_empty()).map(|f| (offset(f), f)).collect()
}

/// A comma list; empty elements are skipped as robfig does (`1,,2`).
fn parse_field(tok: &str, off: usize, f: &Field) -> Result<(u64, bool), CronError> {
    let (mut set, mut star, mut pos) = (0, false, off);
    for part in tok.split(',') {
        if !part.is_empty() {
            let (b, s) = parse_range(part, pos, f)?;
            set |= b;
            star |= s;
        }
        pos += part.len() + 1;
    }
    if set == 0 {
        let help = format!("write `*` or a value: {}", f.help);
        return Err(error(format!("the {} field has no values", f.name), help, off..off + tok.len()));
    }
    Ok((set, star))
}

/// `*`, `?`, `a`, `a-b`, each with an optional `/step`.
fn parse_range(expr: &str, off: usize, f: &Field) -> Result<(u64, bool), CronError> {
    let whole = off..off + expr.len();
    let (range, step) = match expr.split_once('/') {
        None => (expr, None),
        Some((_, s)) if s.contains('/') => {
            return Err(error(format!("`{expr}` has more than one `/`"), "write one step, e.g. `0-30/10`", whole));
        }
        Some((r, s)) => {
            let at = off + r.len() + 1..whole.end;
            let step = match go::atoi(s) {
                Err(_) if s.is_empty() => {
                    return Err(error(format!("`{expr}` is missing its step"), "write e.g. `*/5`", whole));
                }
                Err(AtoiError::Syntax) => {
                    return Err(error(format!("the step `{s}` is not a number"), "write e.g. `*/5`", at));
                }
                Err(AtoiError::Range) => {
                    let help = "Kubernetes reads a step as a 64-bit number (at most 9223372036854775807); \
                                a step beyond the field's range fires at its start only: write the start alone";
                    return Err(error(format!("the step `{s}` is too large"), help, at));
                }
                Ok(0) => return Err(error("a step of 0 never advances", "a step must be 1 or more, e.g. `*/5`", at)),
                Ok(n) => n,
            };
            (r, Some(step))
        }
    };
    let step1 = step.unwrap_or(1);
    if range == "*" || range == "?" {
        return Ok((bits(f.min, f.max, step1), step1 == 1));
    }
    let (lo, hi) = match range.split_once('-') {
        None => (range, None),
        Some((a, b)) => (a, Some(b)),
    };
    if lo == "*" || lo == "?" {
        let help = format!("write `{lo}` for every value, or a range such as `{}-{}`", f.min, f.max);
        return Err(error(format!("`{range}` is not a range"), help, whole));
    }
    if lo.is_empty() {
        let message = if hi.is_some() {
            format!("{} values cannot be negative", f.name)
        } else {
            format!("`{expr}` is missing a value")
        };
        return Err(error(message, f.help, whole));
    }
    if hi.is_some_and(|h| h.is_empty() || h.contains('-')) {
        return Err(error(format!("`{range}` is not a range"), "write a range as `start-end`, e.g. `1-5`", whole));
    }
    let start = parse_value(lo, off, f)?;
    let end = match hi {
        Some(h) => parse_value(h, off + lo.len() + 1, f)?,
        None if step.is_some() => f.max, // `a/step` means `a-max/step`
        None => start,
    };
    if start > end {
        let h = hi.unwrap_or_default();
        let named = f.names.iter().any(|n| n.eq_ignore_ascii_case(lo));
        let (first, last) = if named {
            (f.names[0].into(), f.names[f.names.len() - 1].into())
        } else {
            (f.min.to_string(), f.max.to_string())
        };
        let help = format!("ranges do not wrap around: write `{h}-{lo}`, or split it as `{lo}-{last},{first}-{h}`");
        return Err(error(format!("the {} range `{range}` runs backwards", f.name), help, whole));
    }
    Ok((bits(start, end, step1), false))
}

fn parse_value(s: &str, off: usize, f: &Field) -> Result<u32, CronError> {
    let at = off..off + s.len();
    // robfig: a name (matched on Go's lowercasing), else `strconv.Atoi`.
    if let Some(i) = f.names.iter().position(|n| go::lower_eq(s, n)) {
        return Ok(f.min + i as u32);
    }
    let number = match go::atoi(s) {
        Ok(n) => Some(n),
        Err(AtoiError::Range) => Some(u64::MAX), // out of any field's range, as the text says
        Err(AtoiError::Syntax) => None,
    };
    if let Some(n) = number {
        if (u64::from(f.min)..=u64::from(f.max)).contains(&n) {
            return Ok(n as u32);
        }
        let help = if f.name == DOW.name && n == 7 {
            "Kubernetes does not accept 7 for Sunday; write 0 or SUN"
        } else {
            f.help
        };
        return Err(error(format!("{} {s} is out of range ({})", f.name, f.bounds()), help, at));
    }
    let up = s.to_ascii_uppercase();
    let other = [(&MONTH, &MONTHS[..]), (&DOW, &DAYS[..])].into_iter().find(|(_, n)| n.contains(&up.as_str()));
    if let Some((kind, _)) = other {
        return Err(error(format!("`{s}` is a {} name, but this is the {} field", kind.name, f.name), f.help, at));
    }
    let dayish = f.name == DOM.name || f.name == DOW.name;
    if dayish && (up.contains('#') || up.ends_with('L') || up.ends_with('W')) {
        let help = "Kubernetes cron has no `L`, `W` or `#`; list the days instead, e.g. `1,15` or `MON`";
        return Err(error(format!("`{s}` is Quartz syntax, not cron"), help, at));
    }
    if f.names.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(error(format!("{} `{s}` is not a number", f.name), f.help, at));
    }
    // "JUNE" and "MONDAY" start with a name; "JNU" is one transposition away.
    let guess = f
        .names
        .iter()
        .find(|n| up.starts_with(*n))
        .or_else(|| f.names.iter().find(|n| strsim::osa_distance(&up, n) <= 1));
    let help = guess.map_or(f.help.to_string(), |g| format!("did you mean {g}?"));
    Err(error(format!("unknown {} name `{s}`", f.name), help, at))
}

fn parse_descriptor(text: &str) -> Result<Schedule, CronError> {
    let spec = |minute, hour, dom, month, dow| {
        let (dom_star, dow_star) = (dom == DOM.all(), dow == DOW.all());
        Schedule(Kind::Spec(Spec { minute, hour, dom, month, dow, dom_star, dow_star }))
    };
    let (all_h, all_dom, all_mon, all_dow) = (HOUR.all(), DOM.all(), MONTH.all(), DOW.all());
    match text {
        "@yearly" | "@annually" => return Ok(spec(1, 1, 1 << 1, 1 << 1, all_dow)),
        "@monthly" => return Ok(spec(1, 1, 1 << 1, all_mon, all_dow)),
        "@weekly" => return Ok(spec(1, 1, all_dom, all_mon, 1)),
        "@daily" | "@midnight" => return Ok(spec(1, 1, all_dom, all_mon, all_dow)),
        "@hourly" => return Ok(spec(1, all_h, all_dom, all_mon, all_dow)),
        _ => {}
    }
    const EVERY_HELP: &str = "write `@every`, one space and a duration, e.g. `@every 1h30m`";
    if let Some(d) = text.strip_prefix("@every ") {
        let at = 7..text.len();
        if d.trim() != d {
            return Err(error("stray whitespace in `@every`", EVERY_HELP, at));
        }
        let positive = || error("the `@every` interval must be positive", "write e.g. `@every 5m`", at.clone());
        let ns = go::parse_duration(d).map_err(|e| {
            let help = "write a Go duration such as `90s`, `15m` or `1h30m` (units: ns, us, ms, s, m, h)";
            let why = match e {
                // Out of Go's range and negative: that it is negative is the reason that matters.
                DurationError::Range if d.starts_with('-') => return positive(),
                DurationError::Range => "it is too large".to_string(),
                DurationError::Syntax(why) => why,
            };
            error(format!("`{d}` is not a duration: {why}"), help, at.clone())
        })?;
        if ns <= 0 {
            return Err(positive());
        }
        // robfig truncates to whole seconds and runs anything shorter every second.
        return Ok(Schedule(Kind::Every((ns / 1_000_000_000).max(1) as i64)));
    }
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    let word = &text[..end];
    if word == "@every" {
        return Err(error("`@every` needs a duration", EVERY_HELP, 0..text.len()));
    }
    if DESCRIPTORS.contains(&word) {
        return Err(error(format!("nothing may follow `{word}`"), format!("write `{word}` alone"), end..text.len()));
    }
    let lower = word.to_ascii_lowercase();
    let guess = DESCRIPTORS
        .iter()
        .find(|d| lower.starts_with(*d))
        .or_else(|| DESCRIPTORS.iter().find(|d| strsim::osa_distance(&lower, d) <= 2));
    let help = match guess {
        Some(&"@every") => EVERY_HELP.to_string(),
        Some(g) => format!("did you mean {g}?"),
        None => format!("the descriptors are {} and `@every <duration>`", DESCRIPTORS[..7].join(", ")),
    };
    Err(error(format!("unknown descriptor `{word}`"), help, 0..end))
}

fn floor_second(ts: Timestamp) -> i64 {
    ts.as_second() - i64::from(ts.subsec_nanosecond() < 0)
}

/// A moment in a zone, with its wall-clock reading (Go's `time.Time` in a location).
struct Cursor<'a> {
    tz: &'a TimeZone,
    secs: i64,
    dt: DateTime,
}

impl<'a> Cursor<'a> {
    fn new(tz: &'a TimeZone, secs: i64) -> Option<Self> {
        Some(Cursor { tz, secs, dt: tz.to_datetime(Timestamp::from_second(secs).ok()?) })
    }
    fn add(&self, secs: i64) -> Option<Self> {
        Cursor::new(self.tz, self.secs.checked_add(secs)?)
    }
    /// Go's `time.Date` for a wall-clock time: look up the offset at the wall time read as UTC,
    /// then at the instant that gives. In a gap this lands an hour later in zones east of UTC and
    /// an hour earlier west of it; in an overlap east zones get the second occurrence.
    fn at_local(&self, dt: DateTime) -> Option<Self> {
        let local = Offset::UTC.to_timestamp(dt).ok()?.as_second();
        let offset = |s: i64| Some(i64::from(self.tz.to_offset(Timestamp::from_second(s).ok()?).seconds()));
        Cursor::new(self.tz, local - offset(local - offset(local)?)?)
    }
}

fn day_matches(s: &Spec, d: Date) -> bool {
    let (dom, dow) = (has(s.dom, d.day()), has(s.dow, d.weekday().to_sunday_zero_offset()));
    if s.dom_star || s.dow_star { dom && dow } else { dom || dow }
}

/// robfig's `SpecSchedule.Next`, step for step, on wall-clock fields: whole months, days and hours
/// that do not match are skipped; wrapping into the next month/day/hour restarts the checks.
///
/// DST, as Kubernetes behaves: wall times in a spring-forward gap never fire (`0 2 * * *` in
/// Europe/Berlin skips 2026-03-29 and next fires 2026-03-30 02:00), while times in a fall-back
/// overlap fire at both occurrences (02:00 CEST and 02:00 CET on 2026-10-25; kubernetes#121594).
fn next_spec(s: &Spec, tz: &TimeZone, after: Timestamp) -> Result<i64, Miss> {
    let mut t = Cursor::new(tz, floor_second(after).checked_add(1).ok_or(Miss::Never)?).ok_or(Miss::Never)?;
    let mut steps = 0;
    search(s, &mut t, &mut steps).ok_or(if steps >= SEARCH_STEPS { Miss::Loops(t.dt.date()) } else { Miss::Never })
}

/// Why [`next_spec`] has no answer.
enum Miss {
    /// Not within five years, or not before the calendar ends.
    Never,
    Loops(Date),
}

/// The body of [`next_spec`]: None when there is no answer (five years passed, the calendar
/// ended, or `steps` reached [`SEARCH_STEPS`]); `t` is left where the search stopped.
fn search(s: &Spec, t: &mut Cursor, steps: &mut u32) -> Option<i64> {
    let mut step = || {
        *steps += 1;
        (*steps < SEARCH_STEPS).then_some(())
    };
    let mut added = false;
    let year_limit = t.dt.year() + 5;
    'wrap: loop {
        step()?;
        if t.dt.year() > year_limit {
            return None;
        }
        while !has(s.month, t.dt.month()) {
            step()?;
            if !added {
                added = true;
                *t = t.at_local(t.dt.date().first_of_month().to_datetime(Time::midnight()))?;
            }
            let d = t.dt.date(); // AddDate(0, 1, 0), with Go's normalisation of day overflow
            let next = d.first_of_month().checked_add(Span::new().months(1).days(d.day() - 1)).ok()?;
            *t = t.at_local(next.to_datetime(t.dt.time()))?;
            if t.dt.month() == 1 {
                continue 'wrap;
            }
        }
        while !day_matches(s, t.dt.date()) {
            step()?;
            if !added {
                added = true;
                *t = t.at_local(t.dt.date().to_datetime(Time::midnight()))?;
            }
            *t = t.at_local(t.dt.date().tomorrow().ok()?.to_datetime(t.dt.time()))?;
            // Where midnight does not exist, move back to the day's first hour as robfig does.
            let h = i64::from(t.dt.hour());
            if h != 0 {
                *t = t.add(if h > 12 { (24 - h) * 3600 } else { -h * 3600 })?;
            }
            if t.dt.day() == 1 {
                continue 'wrap;
            }
        }
        while !has(s.hour, t.dt.hour()) {
            step()?;
            if !added {
                added = true;
                *t = t.at_local(t.dt.date().at(t.dt.hour(), 0, 0, 0))?;
            }
            *t = t.add(3600)?;
            if t.dt.hour() == 0 {
                continue 'wrap;
            }
        }
        while !has(s.minute, t.dt.minute()) {
            step()?;
            if !added {
                added = true;
                *t = t.add(-t.secs.rem_euclid(60))?;
            }
            *t = t.add(60)?;
            if t.dt.minute() == 0 {
                continue 'wrap;
            }
        }
        while t.dt.second() != 0 {
            step()?;
            added = true;
            *t = t.add(1)?;
            if t.dt.second() == 0 {
                continue 'wrap;
            }
        }
        return Some(t.secs);
    }
}

fn min_interval_spec(s: &Spec) -> Option<u64> {
    const DAY: i64 = 24 * 60;
    let minutes: Vec<i64> = (0..24)
        .filter(|h| has(s.hour, *h))
        .flat_map(|h| (0..60).filter(|m| has(s.minute, *m)).map(move |m| i64::from(h) * 60 + i64::from(m)))
        .collect();
    let (first, last) = (*minutes.first()?, *minutes.last()?);
    let mut best = minutes.windows(2).map(|w| w[1] - w[0]).min();
    let (mut day, mut prev) = (jiff::civil::date(2024, 1, 1), None::<i64>);
    let mut fired = false;
    for i in 0..4 * 365 + 1 {
        if has(s.month, day.month()) && day_matches(s, day) {
            if let Some(p) = prev {
                best = Some(best.map_or(i64::MAX, |b| b).min((i - p) * DAY - last + first));
            }
            (prev, fired) = (Some(i), true);
        }
        day = day.tomorrow().ok()?;
    }
    let best = best.filter(|_| fired)?;
    (best < 365 * DAY).then_some(best as u64 * 60)
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

fn describe_every(secs: i64) -> String {
    let parts = [(secs / 3600, "hour"), (secs % 3600 / 60, "minute"), (secs % 60, "second")];
    let parts: Vec<_> = parts.iter().filter(|(n, _)| *n > 0).collect();
    match parts.as_slice() {
        [(1, unit)] => format!("every {unit}"),
        _ => format!("every {}", parts.iter().map(|(n, u)| plural(*n, u)).collect::<Vec<_>>().join(" ")),
    }
}

/// "a", "a and b", "a, b and c".
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn values(set: u64, f: &Field) -> Vec<u32> {
    (f.min..=f.max).filter(|v| set >> v & 1 == 1).collect()
}

/// Values with runs of three or more written as ranges: "9–17", "Monday through Friday".
fn list(set: u64, f: &Field, name: impl Fn(u32) -> String, through: &str) -> String {
    let mut items = Vec::new();
    let vals = values(set, f);
    let mut i = 0;
    while i < vals.len() {
        let mut j = i;
        while j + 1 < vals.len() && vals[j + 1] == vals[j] + 1 {
            j += 1;
        }
        if j - i >= 2 {
            items.push(format!("{}{through}{}", name(vals[i]), name(vals[j])));
        } else {
            items.extend(vals[i..=j].iter().map(|v| name(*v)));
        }
        i = j + 1;
    }
    join(&items)
}

/// `n` if the set is exactly `*/n` with n > 1.
fn step_of(set: u64, f: &Field) -> Option<u32> {
    (2..=f.max).find(|n| set.count_ones() > 1 && set == bits(f.min, f.max, u64::from(*n)))
}

fn describe_spec(s: &Spec) -> String {
    let num = |v: u32| v.to_string();
    let (mins, hours) = (values(s.minute, &MINUTE), values(s.hour, &HOUR));
    let all_hours = s.hour == HOUR.all();
    let clock = !all_hours && mins.len() * hours.len() <= 6;
    let minutes_text = || match (s.minute == MINUTE.all(), step_of(s.minute, &MINUTE), mins.as_slice()) {
        (true, _, _) => "every minute".to_string(),
        (_, Some(n), _) => format!("every {n} minutes"),
        (_, _, [m]) => format!("at minute {m}"),
        _ => format!("at minutes {}", list(s.minute, &MINUTE, num, "–")),
    };
    let time = if all_hours {
        match minutes_text() {
            t if t.starts_with("every") => t,
            t => format!("{t} of every hour"),
        }
    } else if clock {
        let times: Vec<String> =
            hours.iter().flat_map(|h| mins.iter().map(move |m| format!("{h:02}:{m:02}"))).collect();
        format!("at {}", join(&times))
    } else if let Some(n) = step_of(s.hour, &HOUR) {
        format!("{} every {n} hours", minutes_text())
    } else {
        let word = if hours.len() == 1 { "hour" } else { "hours" };
        format!("{} during {word} {}", minutes_text(), list(s.hour, &HOUR, num, "–"))
    };

    let (dom_all, dow_all) = (s.dom == DOM.all(), s.dow == DOW.all());
    let either = !s.dom_star && !s.dow_star; // robfig: a day matches if dom OR dow matches
    let every_day = if either { dom_all || dow_all } else { dom_all && dow_all };
    let months = (s.month != MONTH.all()).then(|| {
        list(s.month, &MONTH, |v| MONTH_NAMES.split(' ').nth(v as usize - 1).unwrap_or_default().into(), " through ")
    });
    let dom_word = if values(s.dom, &DOM).len() == 1 { "day" } else { "days" };
    let doms = format!("{dom_word} {}", list(s.dom, &DOM, num, "–"));
    let dows = list(s.dow, &DOW, |v| DAY_NAMES.split(' ').nth(v as usize).unwrap_or_default().into(), " through ");
    let days = match (every_day, &months) {
        (true, None) if clock => "every day".to_string(),
        (true, None) => String::new(),
        (true, Some(m)) => format!("every day in {m}"),
        (false, m) if either => {
            let m = m.as_ref().map_or(String::new(), |m| format!(" in {m}"));
            format!("on {doms} of the month and on every {dows}{m}")
        }
        (false, m) if dow_all => format!("on {doms} of {}", m.as_deref().unwrap_or("every month")),
        (false, m) => format!("on {dows}{}", m.as_ref().map_or(String::new(), |m| format!(" in {m}"))),
    };
    if days.is_empty() { time } else { format!("{time} {days}") }
}

/// Checks an IANA time zone name as Kubernetes does (`spec.timeZone`): not empty, not `Local`,
/// and known to the embedded database, with the exact spelling (Go's lookup is case-sensitive).
pub fn check_time_zone(name: &str) -> Result<TimeZone, CronError> {
    let range = 0..name.len();
    let example = "write an IANA name such as `Europe/Berlin`, `America/New_York` or `UTC`";
    if name.is_empty() {
        return Err(error("the time zone is empty", example, range));
    }
    if name.eq_ignore_ascii_case("Local") {
        let help = format!("Kubernetes wants an explicit zone: {example}");
        return Err(error("`Local` is not allowed as a time zone", help, range));
    }
    // Kubernetes' own check on each part of the name, before it looks the zone up.
    let part_ok = |p: &str| {
        (1..=14).contains(&p.len())
            && p != "."
            && p != ".."
            && !p.starts_with('-')
            && p.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
    };
    let known = name == "UTC" || jiff::tz::db().available().any(|n| n.as_str() == name);
    if name.split('/').all(part_ok)
        && known
        && let Ok(tz) = TimeZone::get(name)
    {
        return Ok(tz);
    }
    let names: Vec<String> = jiff::tz::db().available().map(|n| n.as_str().to_string()).collect();
    let lower = name.to_ascii_lowercase();
    let score = |n: &String| {
        let n = n.to_ascii_lowercase();
        let city = n.rsplit('/').next().unwrap_or(&n);
        strsim::osa_distance(&lower, &n).min(strsim::osa_distance(&lower, city))
    };
    let limit = if name.len() < 5 { 0 } else { 1 + name.len() / 8 };
    let help = match names.iter().map(|n| (score(n), n)).min() {
        Some((0, n)) if n.eq_ignore_ascii_case(name) => {
            format!("time zone names are case-sensitive: did you mean {n}?")
        }
        Some((d, n)) if d <= limit => format!("did you mean {n}?"),
        _ => example.to_string(),
    };
    Err(error(format!("unknown time zone `{name}`"), help, range))
}

#[cfg(test)]
mod tests;
