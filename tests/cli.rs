//! The built binary, run as a user runs it: exit codes, output files, formats.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pipec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipec"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the pipec binary runs")
}

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pipe"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "the examples are where they should be");
    files
}

#[test]
fn every_example_builds_with_the_binary() {
    for path in examples() {
        let out = pipec(&["build", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{}: {stderr}", path.display());
        let yaml = String::from_utf8(out.stdout).unwrap();
        assert!(yaml.contains("app.kubernetes.io/managed-by: pipec"), "{}", path.display());
        // Deterministic: a second run gives the same bytes.
        let again = pipec(&["build", path.to_str().unwrap()]);
        assert_eq!(again.stdout, yaml.as_bytes(), "{} is not deterministic", path.display());
    }
}

#[test]
fn check_exits_one_on_errors_and_zero_on_warnings() {
    let out = pipec(&["check", "tests/cases/errors/wrong-types.pipe"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "diagnostics go to stderr");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("P0201") && stderr.contains("wrong-types.pipe:3:17"), "{stderr}");

    let out = pipec(&["check", "tests/cases/ok/empty.pipe"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("P0006"));
    let quiet = pipec(&["check", "-q", "tests/cases/ok/empty.pipe"]);
    assert!(quiet.stderr.is_empty(), "-q hides warnings");
}

#[test]
fn build_with_errors_prints_no_yaml() {
    let out = pipec(&["build", "examples/soak.pipe", "tests/cases/errors/unknown-keys.pipe"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no partial output");
}

#[test]
fn json_messages_are_one_object_per_line() {
    let out = pipec(&["check", "--message-format", "json", "tests/cases/errors/unknown-keys.pipe"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    assert_eq!(lines.len(), 4, "{text}");
    let first = &lines[0];
    assert_eq!(first["code"], "P0101");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "tests/cases/errors/unknown-keys.pipe");
    assert_eq!(first["line"], 2);
    assert_eq!(first["column"], 3);
    assert_eq!(first["end"]["column"], 8);
    assert_eq!(first["help"], "did you mean `image`?");
}

#[test]
fn usage_and_io_errors_exit_two() {
    let out = pipec(&["build", "no/such/file.pipe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));

    // A directory is built (tests/gitops.rs), unless there is nothing to build under it.
    let out = pipec(&["build", "docs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read `docs`: there is no .pipe file under it"));

    let out = pipec(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A file that is not UTF-8 is a diagnostic like any other (exit 1), shown at its
/// first bad byte; the other files are still checked.
#[test]
fn a_file_that_is_not_utf8_is_a_diagnostic_at_its_first_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("latin1.pipe");
    std::fs::write(&latin1, b"job a {\n  image = \"caf\xe9\"\n}\n").unwrap();
    let latin1 = latin1.to_str().unwrap();
    let out = pipec(&["check", latin1, "tests/cases/errors/wrong-types.pipe"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("P0005") && stderr.contains(&format!("{latin1}:2:15")), "{stderr}");
    assert!(stderr.contains("image = \"caf\u{FFFD}\"") && stderr.contains("byte 0xE9 is not UTF-8"), "{stderr}");
    assert!(stderr.contains("P0201"), "the other file is checked too: {stderr}");

    let out = pipec(&["check", "--message-format", "json", latin1]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stderr).expect("one JSON object");
    assert_eq!(json["code"], "P0005");
    assert_eq!(
        (json["file"].as_str(), json["line"].as_u64(), json["column"].as_u64()),
        (Some(latin1), Some(2), Some(15))
    );
    let out = pipec(&["build", latin1]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

/// ESC, BEL, NUL and other control characters in a source line reach the
/// terminal escaped (`\u{1b}`), never raw; columns are still the file's.
#[test]
fn control_characters_in_source_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ctl.pipe");
    std::fs::write(&path, b"job a {\n  env { A = \"\x1b[31m\x07\x00\", B = [1] }\n  image = \"x\"\n}\n").unwrap();
    let path = path.to_str().unwrap();
    let out = pipec(&["check", path]);
    assert_eq!(out.status.code(), Some(1));
    for raw in [0x1b, 0x07, 0x00] {
        assert!(!out.stderr.contains(&raw), "byte {raw:#x} reached the terminal");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(r#"A = "\u{1b}[31m\u{7}\u{0}""#), "{stderr}");
    assert!(stderr.contains(&format!("{path}:2:28")), "the column in the file: {stderr}");
    // With colour on, the only escape sequences are miette's own.
    let coloured = pipec(&["check", "--color", "always", path]);
    assert!(String::from_utf8_lossy(&coloured.stderr).contains(r"\u{1b}[31m"));
    assert!(!coloured.stderr.contains(&0x07) && !coloured.stderr.contains(&0x00));
}

#[test]
fn output_dir_gets_one_file_per_object() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = pipec(&["build", "examples/soak.pipe", "examples/cleaner.pipe", "-o", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut names: Vec<String> =
        std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "configmap-stableconfig.yaml",
            "cronjob-k8scleaner.yaml",
            "job-stable-test.yaml",
            "role-k8scleaner.yaml",
            "rolebinding-k8scleaner.yaml",
            "serviceaccount-k8scleaner.yaml"
        ]
    );
    let job = std::fs::read_to_string(out_dir.join("job-stable-test.yaml")).unwrap();
    assert!(job.starts_with("apiVersion: batch/v1\nkind: Job\n"), "{job}");
    // Nothing is left beside the directory.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn failed_build_leaves_output_dir_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let ok = pipec(&["build", "examples/cleaner.pipe", "-o", out_dir.to_str().unwrap()]);
    assert_eq!(ok.status.code(), Some(0));
    let before = std::fs::read_to_string(out_dir.join("cronjob-k8scleaner.yaml")).unwrap();

    let failed =
        pipec(&["build", "examples/soak.pipe", "tests/cases/errors/wrong-units.pipe", "-o", out_dir.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(1));
    let names: Vec<_> = std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    // The cleaner's CronJob, ServiceAccount, Role and RoleBinding.
    assert_eq!(names.len(), 4, "{names:?}");
    assert_eq!(std::fs::read_to_string(out_dir.join("cronjob-k8scleaner.yaml")).unwrap(), before);
}

#[test]
fn output_dir_with_foreign_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = pipec(&["build", "examples/cleaner.pipe", "-o", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("notes.txt"));
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine");
}

#[test]
fn sarif_is_one_log_with_rules_and_locations() {
    let out = pipec(&["check", "--message-format", "sarif", "tests/cases/errors/unknown-keys.pipe"]);
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stderr).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "pipec");
    assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "P0101");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 2);
    assert_eq!(results[0]["level"], "error");
}

#[test]
fn explain_qos_names_each_workloads_class() {
    let out = pipec(&[
        "check",
        "--explain-qos",
        "examples/log-agent.pipe",
        "examples/virtual-node.pipe",
        "examples/soak.pipe",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("qos: daemon/log-agent: Guaranteed"), "{stderr}");
    assert!(stderr.contains("qos: job/pi: Burstable (container `pi` has no cpu limit)"), "{stderr}");
    assert!(stderr.contains("qos: job/stable-test: BestEffort"), "{stderr}");
}

/// A pipeline's tasks are workloads too: each task's pod, and each role of a fan-out task.
#[test]
fn explain_reports_name_every_pipeline_task_and_role() {
    let out = pipec(&["check", "--explain-qos", "--explain-security", "examples/train-pipeline.pipe"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for task in ["prepare", "train/chief", "train/ps", "train/worker", "evaluate", "publish"] {
        assert!(stderr.contains(&format!("qos: pipeline/train-weekly/{task}: Guaranteed")), "{task}: {stderr}");
        assert!(stderr.contains(&format!("security: pipeline/train-weekly/{task}: restricted")), "{task}: {stderr}");
    }
}

#[test]
fn kube_version_is_checked_and_applied() {
    let out = pipec(&["build", "--kube-version", "1.20", "examples/soak.pipe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1.27 to 1.37"));

    let out = pipec(&["build", "--kube-version", "1.27", "tests/cases/ok/job-policies.pipe"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("P0408"));
    let out = pipec(&["build", "--kube-version", "1.37", "tests/cases/ok/job-policies.pipe"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn schedule_shows_the_next_fire_times_in_the_crons_zone() {
    // Seed 000: `0 * */1 * *` runs every hour, not every day.
    let out = pipec(&["schedule", "examples/cleaner.pipe", "--from", "2026-11-23T10:15", "--next", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        "cron k8scleaner — \"0 * */1 * *\" in Asia/Shanghai\n  runs at minute 0 of every hour\n  \
         2026-11-23 11:00:00 +08:00 (Mon)\n  2026-11-23 12:00:00 +08:00 (Mon)\n  2026-11-23 13:00:00 +08:00 (Mon)\n"
    );
    // An instant is read as such, whatever the zone.
    let out = pipec(&["schedule", "examples/cleaner.pipe", "--from", "2026-11-23T02:15:00Z", "--next", "1"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("2026-11-23 11:00:00 +08:00"));
    let bad = pipec(&["schedule", "examples/cleaner.pipe", "--from", "yesterday"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn schedule_always_answers_even_where_the_zone_skips_a_day() {
    // Issue 17: Pacific/Apia skipped 2011-12-30; robfig's search (and pipec's, before) never ended.
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("apia.pipe");
    std::fs::write(
        &program,
        "cron monthly { schedule = \"0 0 1 * *\", timezone = \"Pacific/Apia\", image = \"busybox:1.36\" }\n\
         cron never { schedule = \"0 0 30 2 *\", image = \"busybox:1.36\" }\n",
    )
    .unwrap();
    let program = program.to_str().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let args = ["schedule", program, "--from", "2011-12-29T00:00:00Z", "--next", "2"].map(String::from);
    std::thread::spawn(move || tx.send(pipec(&args.iter().map(String::as_str).collect::<Vec<_>>())));
    let out = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("pipec schedule returns");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(
            "  (no fire time: the search runs in circles around 2011-12-29, where the zone skips time; \
             Kubernetes' own search (robfig/cron) never returns there, so the CronJob would not run)\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("\"0 0 30 2 *\" in UTC"), "{stdout}");
    assert!(stdout.ends_with("  (no fire time within five years)\n"), "{stdout}");
}

#[test]
fn params_from_set_and_values_files() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("fleet.pipe");
    std::fs::write(
        &program,
        "param n: int = 1\nparam region: string = \"eu\"\nparam timeout: duration = 1h\n\
         for i in 0..n { job \"sync-${region}-${i}\" { image = \"busybox:1.36\", deadline = timeout } }\n",
    )
    .unwrap();
    let values = dir.path().join("values.yaml");
    std::fs::write(&values, "n: 2\nregion: us\ntimeout: 30m\n").unwrap();
    let p = program.to_str().unwrap();
    let out = pipec(&["build", p, "--values", values.to_str().unwrap(), "--set", "n=3"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert_eq!(yaml.matches("kind: Job").count(), 3, "--set wins over --values");
    assert!(yaml.contains("name: sync-us-2") && yaml.contains("activeDeadlineSeconds: 1800"));

    let bad = pipec(&["check", p, "--set", "n=three"]);
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("P0208") && stderr.contains("--set n=three"), "{stderr}");
    let usage = pipec(&["check", p, "--set", "no-equals-sign"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn two_hundred_jobs_from_one_template_are_byte_identical_every_run() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("fleet.pipe");
    std::fs::write(
        &program,
        "import \"std/soak\"\nfor i in 0..200 {\n  job \"soak-${i}\" = soak.test(image = \"registry.example.com/soak:1.${i % 10}\", runs = i + 1)\n}\n",
    )
    .unwrap();
    let p = program.to_str().unwrap();
    let first = pipec(&["build", p]);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    assert_eq!(String::from_utf8_lossy(&first.stdout).matches("kind: Job").count(), 200);
    for _ in 0..3 {
        assert_eq!(pipec(&["build", p]).stdout, first.stdout);
    }
}

/// `-o DIR` under `kill -9` at any moment: DIR holds the old tree or the new one,
/// complete, never a mix or a half-written file.
#[test]
fn killed_build_leaves_the_old_or_the_new_tree() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("fleet.pipe");
    std::fs::write(
        &program,
        "param n: int = 1\nfor i in 0..n { job \"j-${i}\" { image = \"busybox:1.36\", args = [\"${i}\"] } }\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let (p, o) = (program.to_str().unwrap(), out.to_str().unwrap());
    let listing = |d: &Path| -> Vec<(String, usize)> {
        let mut v: Vec<(String, usize)> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap().len())
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(pipec(&["build", p, "--set", "n=3000", "-o", o]).status.code(), Some(0));
    let new_tree = listing(&out);
    let mut outcomes = std::collections::BTreeSet::new();
    for delay_ms in [0u64, 1, 2, 5, 10, 20, 40, 80, 160, 320] {
        assert_eq!(pipec(&["build", p, "--set", "n=5", "-o", o]).status.code(), Some(0));
        let old_tree = listing(&out);
        let mut child = Command::new(env!("CARGO_BIN_EXE_pipec"))
            .args(["build", p, "--set", "n=3000", "-o", o])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = listing(&out);
        if now == old_tree {
            outcomes.insert("old");
        } else if now == new_tree {
            outcomes.insert("new");
        } else {
            panic!("after a kill at {delay_ms} ms, DIR is neither the old nor the new tree ({} files)", now.len());
        }
    }
    assert!(!outcomes.is_empty());
    eprintln!("outcomes: {outcomes:?}");
}

#[test]
fn same_name_in_two_namespaces_gets_two_files() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.pipe"), dir.path().join("b.pipe"));
    std::fs::write(&a, "namespace \"team-a\"\njob x { image = \"busybox:1.36\" }\n").unwrap();
    std::fs::write(&b, "namespace \"team-b\"\njob x { image = \"busybox:1.36\" }\n").unwrap();
    let out_dir = dir.path().join("out");
    let out = pipec(&["build", a.to_str().unwrap(), b.to_str().unwrap(), "-o", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut names: Vec<String> =
        std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["team-a-job-x.yaml", "team-b-job-x.yaml"]);
}

/// Every limit at its ceiling, reached by a program: the CLI's stack holds, and
/// one step past it is a diagnostic. Run through the binary because the ceilings
/// are chosen for the 64 MiB stack it runs the compiler on.
#[test]
fn limits_at_their_ceilings_end_in_output_or_diagnostics_never_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let sum = |n: usize| vec!["1"; n + 1].join(" + ");
    let ifs = |n: usize| format!("{}1{}", "if true then ".repeat(n), " else 0".repeat(n));
    let lets = |n: usize| {
        let mut text: String = (0..n).map(|i| format!("let v{i} = v{}\n", i + 1)).collect();
        text.push_str(&format!("let v{n} = 1\n"));
        text
    };
    let cases: Vec<(&str, String, String)> = vec![
        ("nesting=1000", format!("let x = {}", deep(990)), format!("let x = {}", deep(1001))),
        ("operators=1000", format!("let x = {}", sum(990)), format!("let x = {}", sum(1001))),
        ("ifs-per-item=1000", format!("let x = {}", ifs(990)), format!("let x = {}", ifs(1001))),
        ("depth=1000", lets(990) + "let y = v0", lets(1001) + "let y = v0"),
    ];
    for (limit, ok, too_much) in cases {
        for (text, fits) in [(ok, true), (too_much, false)] {
            let path = dir.path().join("limit.pipe");
            // The job uses the value, so that evaluation reaches the bottom.
            let uses = match limit {
                "depth=1000" => "y",
                "nesting=1000" => "len(x)",
                _ => "x",
            };
            std::fs::write(
                &path,
                format!("{text}\njob a {{ image = \"busybox:1.36\"\n env {{ V = \"${{{uses} + 1}}\" }} }}\n"),
            )
            .unwrap();
            // All four at their ceilings (a long sum is also deep to evaluate), then the one tested.
            let mut args = vec!["check"];
            for ceiling in ["nesting=1000", "operators=1000", "ifs-per-item=1000", "depth=1000", limit] {
                args.extend(["--limit", ceiling]);
            }
            args.push(path.to_str().unwrap());
            let out = pipec(&args);
            let stderr: String = String::from_utf8_lossy(&out.stderr).chars().take(300).collect();
            let code = out.status.code();
            if fits {
                assert_eq!(code, Some(0), "{limit}: {stderr}");
            } else {
                assert_eq!(code, Some(1), "{limit}: past the ceiling is an error: {stderr}");
                assert!(stderr.contains("P0004") || stderr.contains("P0104"), "{limit}: {stderr}");
            }
            assert!(matches!(code, Some(0 | 1)), "{limit}: crashed: {stderr}");
        }
    }
    let out = pipec(&["check", "--limit", "nesting=1001", "examples/soak.pipe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("between 1 and 1000"));
}

#[test]
fn managed_by_hands_the_objects_to_another_tool() {
    let out = pipec(&["build", "--managed-by", "Helm", "examples/soak.pipe"]);
    assert!(out.status.success());
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(yaml.contains("app.kubernetes.io/managed-by: Helm"));
    assert!(!yaml.contains("managed-by: pipec"));
    assert!(yaml.contains("pipec.dev/program: soak"));
    let out = pipec(&["build", "--managed-by", "not a label", "examples/soak.pipe"]);
    assert_eq!(out.status.code(), Some(2));
}
