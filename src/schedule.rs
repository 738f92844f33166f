//! `pipec schedule`: the next fire times of every cron in a program, in its time
//! zone, so that a user sees what a schedule really does (`0 * */1 * *` runs
//! hourly, not daily). The caller passes the starting instant: the core reads no clock.

use crate::cron::{Next, Schedule};
use crate::ir::{Object, Program};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::fmt::Write;

/// Where the starting time comes from: an instant, or a wall-clock time read in each cron's zone.
#[derive(Clone, Debug)]
pub enum From {
    Instant(Timestamp),
    WallClock(jiff::civil::DateTime),
}

impl From {
    /// RFC 3339 (`2026-11-23T10:00:00Z`, `…+08:00`) is an instant; without an offset
    /// (`2026-11-23T10:00`, `2026-11-23 10:00`) a wall-clock time in each cron's zone.
    pub fn parse(text: &str) -> Result<From, String> {
        if let Ok(t) = text.parse::<Timestamp>() {
            return Ok(From::Instant(t));
        }
        text.replace(' ', "T").parse::<jiff::civil::DateTime>().map(From::WallClock).map_err(|_| {
            format!("`{text}` is not a time: write 2026-11-23T10:00 (in each cron's zone) or 2026-11-23T10:00:00Z")
        })
    }
}

/// The report: per cron (and scheduled pipeline), its schedule, zone and description, then
/// `count` fire times.
pub fn report(programs: &[Program], from: &From, count: usize) -> String {
    let mut out = String::new();
    for program in programs {
        for object in &program.objects {
            // A cron, or a scheduled pipeline (each fire time starts one run of its graph).
            let (word, name, text, time_zone, suspended) = match object {
                Object::Cron(c) => ("cron", &c.meta.name, &c.cron.schedule, &c.cron.time_zone, c.suspend == Some(true)),
                Object::Pipeline(p) => match &p.schedule {
                    Some(s) => ("pipeline", &p.meta.name, &s.schedule, &s.time_zone, false),
                    None => continue,
                },
                _ => continue,
            };
            let Ok(schedule) = Schedule::parse(text) else { continue };
            let (tz, zone_name) = match time_zone {
                Some(name) => (TimeZone::get(name).unwrap_or(TimeZone::UTC), name.clone()),
                None => {
                    (TimeZone::UTC, "UTC (no `timezone`: the cluster's controller-manager zone applies)".to_string())
                }
            };
            let start = match from {
                From::Instant(t) => t.to_zoned(tz.clone()),
                From::WallClock(dt) => match dt.to_zoned(tz.clone()) {
                    Ok(z) => z,
                    Err(_) => continue,
                },
            };
            let _ = writeln!(out, "{word} {name} — \"{text}\" in {zone_name}");
            let _ = writeln!(out, "  runs {}", schedule.describe());
            if suspended {
                let _ = writeln!(out, "  suspended: no runs until `suspend` is false");
                continue;
            }
            let mut at = start;
            for _ in 0..count {
                match schedule.next(&at) {
                    Next::At(next) => {
                        let _ = writeln!(out, "  {}", next.strftime("%Y-%m-%d %H:%M:%S %:z (%a)"));
                        at = next;
                    }
                    Next::NoneWithinFiveYears => {
                        let _ = writeln!(out, "  (no fire time within five years)");
                        break;
                    }
                    Next::Loops(day) => {
                        let _ = writeln!(
                            out,
                            "  (no fire time: the search runs in circles around {day}, where the zone skips \
                             time; Kubernetes' own search (robfig/cron) never returns there, so the CronJob \
                             would not run)"
                        );
                        break;
                    }
                }
            }
        }
    }
    if out.is_empty() {
        out.push_str("no cron in the program\n");
    }
    out
}
