use super::*;

fn zoned(s: &str) -> Zoned {
    s.parse().unwrap()
}
fn err(s: &str) -> CronError {
    Schedule::parse(s).unwrap_err()
}
/// The next `n` fire times, as RFC 9557 strings.
fn fires(schedule: &str, from: &str, n: usize) -> Vec<String> {
    let s = Schedule::parse(schedule).unwrap();
    std::iter::successors(s.next_after(&zoned(from)), |t| s.next_after(t)).take(n).map(|t| t.to_string()).collect()
}

#[test]
fn accepts_kubernetes_schedules() {
    let odd = "  0\t2 * * *  |5/15 +1 1,,2 * 0-6/2|@every 500ms|@yearly|0 0 05 * ?/1"; // robfig quirks
    let plain = "* * * * *|0 * */1 * *|*/15 9-17 * * MON-FRI|0 0 1,15 * *|0 0 * JAN,jul ?|5 4 * * sun|@hourly";
    for s in plain.split('|').chain("@every 1h30m|0 2 * * 0".split('|')).chain(odd.split('|')) {
        assert!(Schedule::parse(s).is_ok(), "{s}: {:?}", Schedule::parse(s));
    }
}

#[test]
fn rejects_with_a_message_a_help_and_a_range() {
    let e = err("0 0 * *");
    assert_eq!((e.message.as_str(), e.range), ("expected 5 fields, found 4", 0..7));
    let e = err("0 0 0 * * *");
    assert!(e.help.contains("seconds are not supported"), "{e:?}");
    let e = err("61 * * * *");
    assert_eq!((e.message.as_str(), e.range), ("minute 61 is out of range (0–59)", 0..2));
    let e = err("* 24 * * *");
    assert_eq!((e.message.as_str(), e.range), ("hour 24 is out of range (0–23)", 2..4));
    assert_eq!(err("* * 0 * *").message, "day-of-month 0 is out of range (1–31)");
    assert_eq!(err("* * * 13 *").message, "month 13 is out of range (1–12 or JAN–DEC)");
    let e = err("* * * * 7");
    assert_eq!((e.message.as_str(), e.range.clone()), ("day-of-week 7 is out of range (0–6 or SUN–SAT)", 8..9));
    assert_eq!(e.help, "Kubernetes does not accept 7 for Sunday; write 0 or SUN");
    assert_eq!(err("* * * * 1-7").range, 10..11);
    let e = err("5-1 * * * *");
    assert_eq!((e.message.as_str(), e.range.clone()), ("the minute range `5-1` runs backwards", 0..3));
    assert!(e.help.contains("`1-5`"), "{e:?}");
    let e = err("*/0 * * * *");
    assert_eq!((e.message.as_str(), e.range), ("a step of 0 never advances", 2..3));
    let e = err("TZ=UTC 0 * * * *");
    assert_eq!((e.help.as_str(), e.range), ("write the zone in `timezone = \"…\"` instead", 0..6));
    assert_eq!(err("CRON_TZ=Europe/Berlin 0 * * * *").range, 0..21);
    let e = err("@every 0s");
    assert_eq!((e.message.as_str(), e.range), ("the `@every` interval must be positive", 7..9));
    assert_eq!(err("@every -5m").message, "the `@every` interval must be positive");
    assert!(err("@every 1d").message.contains("no days"));
    assert_eq!(err("@every 1x").range, 7..9);
    let e = err("@weekly2");
    assert_eq!(
        (e.message.as_str(), e.help.as_str(), e.range),
        ("unknown descriptor `@weekly2`", "did you mean @weekly?", 0..8)
    );
    assert_eq!(err("@Daily").help, "did you mean @daily?");
    assert_eq!(err("@daily ").message, "nothing may follow `@daily`");
    let e = err("* * * FOO *");
    assert_eq!((e.message.as_str(), e.help.as_str(), e.range), ("unknown month name `FOO`", MONTH.help, 6..9));
    assert_eq!(err("* * * JUNE *").help, "did you mean JUN?");
    assert_eq!(err("* * * * Mondey").help, "did you mean MON?");
    assert_eq!(err("* * * MON *").message, "`MON` is a day-of-week name, but this is the month field");
    assert!(err("* * L * *").message.contains("Quartz"));
    assert_eq!(err("* * JUL * *").message, "`JUL` is a month name, but this is the day-of-month field");
    assert!(err("* * * * MON#2").message.contains("Quartz"));
    assert_eq!(err("* JAN * * *").message, "`JAN` is a month name, but this is the hour field");
    assert_eq!(err("*-5 * * * *").message, "`*-5` is not a range");
    assert_eq!(err("1,5,x * * * *").range, 4..5);
    assert_eq!(err(", * * * *").message, "the minute field has no values");
    assert_eq!(err("-5 * * * *").message, "minute values cannot be negative");
    assert_eq!(err("1-2-3 * * * *").message, "`1-2-3` is not a range");
    assert_eq!(err("*/5/2 * * * *").message, "`*/5/2` has more than one `/`");
    assert_eq!(err("* * /5 * *").message, "`/5` is missing a value");
    assert_eq!(err("5/ * * * *").message, "`5/` is missing its step");
    assert!(err("* * * * FRI-MON").help.ends_with("`FRI-SAT,SUN-MON`"));
    assert_eq!(err("@every 1h ").message, "stray whitespace in `@every`");
    assert_eq!(err("").message, "the schedule is empty");
    assert_eq!(err("   ").message, "the schedule is empty");
    assert_eq!(err(" @daily").message, "a descriptor must start the schedule");
}

#[test]
fn fires_every_hour_in_shanghai() {
    let got = fires("0 * */1 * *", "2026-11-23T10:15[Asia/Shanghai]", 3);
    let want = ["11:00", "12:00", "13:00"].map(|t| format!("2026-11-23T{t}:00+08:00[Asia/Shanghai]"));
    assert_eq!(got, want);
}

#[test]
fn dst_gaps_are_skipped_and_overlaps_fire_twice_like_robfig() {
    // 02:00 does not exist in Berlin on 2026-03-29: robfig's hour loop steps 01:00 → 03:00
    // and never sees hour 2 that day, so the job skips a day (it does not run at 03:00).
    let got = fires("0 2 * * *", "2026-03-27T12:00[Europe/Berlin]", 2);
    assert_eq!(got, ["2026-03-28T02:00:00+01:00[Europe/Berlin]", "2026-03-30T02:00:00+02:00[Europe/Berlin]"]);
    // 02:00 happens twice on 2026-10-25: robfig (and so Kubernetes) fires at both.
    let got = fires("0 2 * * *", "2026-10-24T12:00[Europe/Berlin]", 3);
    let want = ["25T02:00:00+02:00", "25T02:00:00+01:00", "26T02:00:00+01:00"];
    assert_eq!(got, want.map(|t| format!("2026-10-{t}[Europe/Berlin]")));
    // Every-minute schedules simply follow real time through the gap.
    let got = fires("* * * * *", "2026-03-29T01:59[Europe/Berlin]", 1);
    assert_eq!(got, ["2026-03-29T03:00:00+02:00[Europe/Berlin]"]);
}

#[test]
fn impossible_dates_end_quickly() {
    let s = Schedule::parse("0 0 30 2 *").unwrap();
    let start = std::time::Instant::now();
    assert_eq!(s.next_after(&zoned("2026-01-01T00:00[UTC]")), None);
    assert!(start.elapsed() < std::time::Duration::from_millis(500));
    assert_eq!(fires("0 0 29 2 *", "2026-01-01T00:00[UTC]", 1), ["2028-02-29T00:00:00+00:00[UTC]"]);
}

#[test]
fn weekdays_and_the_dom_or_dow_rule() {
    // 2026-11-23 is a Monday.
    let got = fires("0 0 * * MON", "2026-11-23T10:15[UTC]", 2);
    assert_eq!(got, ["2026-11-30T00:00:00+00:00[UTC]", "2026-12-07T00:00:00+00:00[UTC]"]);
    // Both restricted: the 13th (a Tuesday in January 2026) OR any Friday.
    let got = fires("0 0 13 * FRI", "2026-01-10T00:00[UTC]", 3);
    let want = ["2026-01-13", "2026-01-16", "2026-01-23"].map(|d| format!("{d}T00:00:00+00:00[UTC]"));
    assert_eq!(got, want);
    // `*/1` keeps robfig's star bit (AND: only Fridays); `*/2` drops it (OR: odd days or Fridays).
    assert_eq!(fires("0 0 */1 * FRI", "2026-01-10T00:00[UTC]", 1), ["2026-01-16T00:00:00+00:00[UTC]"]);
    assert_eq!(fires("0 0 */2 * FRI", "2026-01-10T00:00[UTC]", 1), ["2026-01-11T00:00:00+00:00[UTC]"]);
    assert_eq!(fires("30 4 1 * *", "2026-01-31T23:00[UTC]", 1), ["2026-02-01T04:30:00+00:00[UTC]"]);
    assert_eq!(fires("@yearly", "2026-05-05T00:00[UTC]", 1), ["2027-01-01T00:00:00+00:00[UTC]"]);
}

#[test]
fn every_adds_to_the_start_rounded_down() {
    let got = fires("@every 90s", "2026-01-01T00:00:00.5[UTC]", 2);
    assert_eq!(got, ["2026-01-01T00:01:30+00:00[UTC]", "2026-01-01T00:03:00+00:00[UTC]"]);
    assert_eq!(fires("@every 500ms", "2026-01-01T00:00[UTC]", 1), ["2026-01-01T00:00:01+00:00[UTC]"]);
}

#[test]
fn describes_common_shapes() {
    let d = |s: &str| Schedule::parse(s).unwrap().describe();
    assert_eq!(d("0 * * * *"), "at minute 0 of every hour");
    assert_eq!(d("*/5 * * * *"), "every 5 minutes");
    assert_eq!(d("* * * * *"), "every minute");
    assert_eq!(d("0 2 * * *"), "at 02:00 every day");
    assert_eq!(d("@monthly"), "at 00:00 on day 1 of every month");
    assert_eq!(d("@yearly"), "at 00:00 on day 1 of January");
    assert_eq!(d("30 8,20 * * *"), "at 08:30 and 20:30 every day");
    assert_eq!(d("*/15 9-17 * * MON-FRI"), "every 15 minutes during hours 9–17 on Monday through Friday");
    assert_eq!(d("0 */2 * * *"), "at minute 0 every 2 hours");
    assert_eq!(d("0 0 * JAN,jul ?"), "at 00:00 every day in January and July");
    assert_eq!(d("0 0 13 * FRI"), "at 00:00 on day 13 of the month and on every Friday");
    assert_eq!(d("0 0 1,15 * *"), "at 00:00 on days 1 and 15 of every month");
    assert_eq!(d("@every 1h30m"), "every 1 hour 30 minutes");
    assert_eq!(d("@every 1h"), "every hour");
}

#[test]
fn smallest_gaps() {
    let m = |s: &str| Schedule::parse(s).unwrap().min_interval_seconds();
    assert_eq!(m("* * * * *"), Some(60));
    assert_eq!(m("0 * * * *"), Some(3600));
    assert_eq!(m("0,45 * * * *"), Some(15 * 60));
    assert_eq!(m("0 0 * * *"), Some(86_400));
    assert_eq!(m("0 0 1 1 *"), None);
    assert_eq!(m("0 0 29 2 *"), None);
    assert_eq!(m("0 0 30 2 *"), None);
    assert_eq!(m("0 0 1 1,7 *"), Some(181 * 86_400));
    assert_eq!(m("@every 90s"), Some(90));
}

#[test]
fn time_zones() {
    assert!(check_time_zone("Asia/Shanghai").is_ok());
    assert!(check_time_zone("UTC").is_ok());
    let e = check_time_zone("Asia/Shangai").unwrap_err();
    assert!(e.help.contains("Asia/Shanghai"), "{e:?}");
    assert_eq!(e.range, 0..12);
    assert!(check_time_zone("asia/shanghai").unwrap_err().help.contains("case-sensitive"));
    assert!(check_time_zone("Shanghai").unwrap_err().help.contains("Asia/Shanghai"));
    assert!(check_time_zone("Local").is_err());
    assert!(check_time_zone("").is_err());
    assert!(!check_time_zone("PST").unwrap_err().help.contains("did you mean"));
}

// Regression tests for issue 17: each disagreed with Kubernetes before its fix.

#[test]
fn steps_beyond_go_int_are_rejected() {
    // robfig reads a step with strconv.Atoi: 2^63 - 1 is a step (larger than any field, so only
    // the start fires), 2^63 and more fail to parse.
    assert_eq!(fires("*/9223372036854775807 * * * *", "2026-01-01T00:30[UTC]", 1), ["2026-01-01T01:00:00+00:00[UTC]"]);
    let cases = [
        ("*/9223372036854775808 * * * *", "9223372036854775808", 2..21),
        ("*/99999999999999999999 * * * *", "99999999999999999999", 2..22),
        ("0 0/18446744073709551616 * * *", "18446744073709551616", 4..24),
    ];
    for (s, step, range) in cases {
        let e = err(s);
        assert_eq!((e.message, e.range), (format!("the step `{step}` is too large"), range));
    }
    // A value that large is out of range, as before (robfig: "failed to parse int").
    assert_eq!(err("99999999999999999999 * * * *").message, "minute 99999999999999999999 is out of range (0–59)");
}

#[test]
fn every_rounds_long_fractions_as_go() {
    // Go reads the fraction's first ~18 digits and scales them through float64.
    assert_eq!(fires("@every 1.99999999999999999999s", "2026-01-01T00:00[UTC]", 1), ["2026-01-01T00:00:02+00:00[UTC]"]);
    assert_eq!(fires("@every 1.999999999s", "2026-01-01T00:00[UTC]", 1), ["2026-01-01T00:00:01+00:00[UTC]"]);
}

#[test]
fn negative_every_says_negative() {
    assert_eq!(err("@every -9223372036854775808ns").message, "the `@every` interval must be positive");
    assert_eq!(err("@every -99999999999999999999h").message, "the `@every` interval must be positive");
    assert_eq!(
        err("@every 9223372036854775808ns").message,
        "`9223372036854775808ns` is not a duration: it is too large"
    );
}

#[test]
fn names_are_lowercased_as_go_does() {
    // Go's strings.ToLower maps U+0130 to `i`: Kubernetes reads `FRİ` as Friday.
    assert_eq!(fires("0 0 * * FRİ", "2026-01-10T00:00[UTC]", 1), ["2026-01-16T00:00:00+00:00[UTC]"]);
    assert_eq!(Schedule::parse("0 0 * * FRİ"), Schedule::parse("0 0 * * FRI"));
    // U+0131 (dotless ı) stays itself: unknown, as in Kubernetes.
    assert_eq!(err("0 0 * * FRı").message, "unknown day-of-week name `FRı`");
}

#[test]
fn skipped_days_end_the_search() {
    // Each zone skipped a calendar day; robfig's day loop steps back and forth around it forever.
    let cases = [
        ("Pacific/Apia", "2011-12-29T00:00:00Z", "2011-12-29"),
        ("Pacific/Fakaofo", "2011-12-29T00:00:00Z", "2011-12-29"),
        ("Pacific/Kiritimati", "1994-12-29T00:00:00Z", "1994-12-30"),
        ("Pacific/Kwajalein", "1993-08-19T00:00:00Z", "1993-08-20"),
    ];
    for (zone, from, _) in cases {
        let tz = TimeZone::get(zone).unwrap();
        let start = from.parse::<Timestamp>().unwrap().to_zoned(tz);
        let s = Schedule::parse("0 0 1 * *").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(s.next(&start)));
        let got = rx.recv_timeout(std::time::Duration::from_secs(20)).unwrap_or_else(|_| panic!("{zone}: no answer"));
        assert!(matches!(got, Next::Loops(_)), "{zone}: {got:?}");
    }
}

#[test]
fn searches_that_end_stay_far_below_the_step_limit() {
    // The sparsest schedules, in zones with DST and with skipped days, from every month's start:
    // the most steps any of them takes must leave the limit for searches that run in circles.
    let schedules = ["0 0 30 2 *", "0 0 29 2 *", "59 23 31 12 *", "30 2 31 * *", "0 0 29 2 MON", "*/59 */23 31 */11 *"];
    let zones = ["UTC", "Europe/Berlin", "America/Sao_Paulo", "Australia/Lord_Howe", "Pacific/Apia", "Asia/Tehran"];
    let mut most = 0;
    for sched in schedules {
        let Kind::Spec(spec) = Schedule::parse(sched).unwrap().0 else { unreachable!() };
        for zone in zones {
            let tz = TimeZone::get(zone).unwrap();
            for month in 1..=12 {
                let start = jiff::civil::date(2026, month, 1).at(0, 0, 0, 0).to_zoned(tz.clone()).unwrap();
                let mut t = Cursor::new(&tz, start.timestamp().as_second()).unwrap();
                let mut steps = 0;
                let _ = search(&spec, &mut t, &mut steps);
                most = most.max(steps);
            }
        }
    }
    assert!(most < SEARCH_STEPS / 5, "{most} steps");
}
