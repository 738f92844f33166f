//! The YAML writer's output read back by real readers: PyYAML (pure and libyaml), ruamel.yaml
//! (YAML 1.2, pure) and go-yaml v2 (what kubectl reads with) and v3. Every generated string is
//! written as one document's sequence item; each reader must give back exactly that string.
//!
//! Readers that are not installed are skipped with a note, unless `PIPEC_REQUIRE_READERS` says
//! otherwise (as `.ci/run` sets it, after installing them): `python` requires PyYAML and
//! ruamel.yaml, `all` (or `1`) go-yaml too; a required reader that is missing fails the test.
//! `PIPEC_PYTHON` picks the interpreter (default `python3`); go-yaml is looked up in
//! `PIPEC_GOPATH` (default `/usr/share/gocode`, where Debian's golang-gopkg-yaml.v2/v3-dev put it).

use std::path::Path;
use std::process::Command;

fn strings() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let alphabet = b"01_+-.:eExobZ,";
    for len in 1..=4u32 {
        for mut n in 0..alphabet.len().pow(len) {
            let s = (0..len)
                .map(|_| {
                    let c = alphabet[n % alphabet.len()] as char;
                    n /= alphabet.len();
                    c
                })
                .collect();
            out.push(s);
        }
    }
    let words = "y Y yes Yes YES yEs n N no NO on On ON oN off Off OFF true True TRUE tRUE false FALSE null Null \
                 NULL nULL ~ <<  = .inf .Inf .INF +.inf -.inf .nan .NaN .NAN 0o17 0x1F 0b101 1_000 +_1 +__1 +_.5 \
                 +_1e3 +_ 60:30 +1:20 1e3 1E3 .5 1. 0123 2001-12-14 2001-1-2 2001-12-14t21:59:43.10-05:00 \
                 2001-1-2T1:2:3,5Z 2001-12-14T21:59:43Z pipec 500m 32Gi registry.gaofei.com/stable_test:1.0";
    out.extend(words.split(' ').map(String::from));
    out.push("2001-12-14 21:59:43.10 -5".into());
    out.push("0 * */1 * *".into());
    let alphabet = b"0123456789_+-.:eExXoObBaAfFiInNtTzZ ,~yYlLsS";
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = 1 + (x % 10) as usize;
        out.push((0..len).map(|i| alphabet[(x >> ((i * 6) % 60)) as usize % alphabet.len()] as char).collect());
    }
    out
}

const PYTHON: &str = r#"
import json, sys
expected = json.load(open(sys.argv[1], encoding="utf-8"))
text = open(sys.argv[2], encoding="utf-8").read()
readers = []
try:
    import yaml
    readers.append(("PyYAML", lambda t: yaml.load(t, Loader=yaml.SafeLoader)))
    if hasattr(yaml, "CSafeLoader"):
        readers.append(("PyYAML+libyaml", lambda t: yaml.load(t, Loader=yaml.CSafeLoader)))
except ImportError:
    print("missing PyYAML")
try:
    from ruamel.yaml import YAML
    readers.append(("ruamel.yaml", lambda t: YAML(typ="safe", pure=True).load(t)))
except ImportError:
    print("missing ruamel.yaml")
for name, load in readers:
    try:
        got = load(text)
    except Exception as e:
        print(f"{name}: fails to read the document: {e}")
        continue
    bad = [(e, g) for e, g in zip(expected, got) if not (isinstance(g, str) and g == e)]
    if len(got) != len(expected):
        print(f"{name}: {len(got)} items, expected {len(expected)}")
    for e, g in bad[:40]:
        print(f"{name}: {e!r} read as {g!r} ({type(g).__name__})")
    print(f"ok {name}" if not bad else f"{name}: {len(bad)} disagreements")
"#;

const GO: &str = r#"package main

import (
	"encoding/json"
	"fmt"
	"os"

	yaml2 "gopkg.in/yaml.v2"
	yaml3 "gopkg.in/yaml.v3"
)

func main() {
	var expected []string
	raw, _ := os.ReadFile(os.Args[1])
	if err := json.Unmarshal(raw, &expected); err != nil {
		panic(err)
	}
	text, _ := os.ReadFile(os.Args[2])
	for _, r := range []struct {
		name string
		load func([]byte, interface{}) error
	}{{"go-yaml v2", yaml2.Unmarshal}, {"go-yaml v3", yaml3.Unmarshal}} {
		var got []interface{}
		if err := r.load(text, &got); err != nil {
			fmt.Printf("%s: fails to read the document: %v\n", r.name, err)
			continue
		}
		bad := 0
		for i, g := range got {
			if s, ok := g.(string); !ok || i >= len(expected) || s != expected[i] {
				if bad < 40 {
					fmt.Printf("%s: %q read as %#v\n", r.name, expected[i], g)
				}
				bad++
			}
		}
		if len(got) != len(expected) {
			fmt.Printf("%s: %d items, expected %d\n", r.name, len(got), len(expected))
		} else if bad == 0 {
			fmt.Printf("ok %s\n", r.name)
		} else {
			fmt.Printf("%s: %d disagreements\n", r.name, bad)
		}
	}
}
"#;

/// Runs `cmd`; its report lines, or None (with a note) when the program is not there.
fn run(mut cmd: Command) -> Option<String> {
    match cmd.output() {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => {
            panic!("{cmd:?} failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
        }
        Err(e) => {
            eprintln!("note: {cmd:?} did not start ({e}); its readers are skipped");
            None
        }
    }
}

#[test]
fn real_readers_read_every_plain_or_quoted_string_back() {
    let strings = strings();
    let mut doc = String::new();
    pipec::emit::yaml::write_document(&strings, &mut doc).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (expected, yaml) = (dir.path().join("expected.json"), dir.path().join("doc.yaml"));
    std::fs::write(&expected, serde_json::to_string(&strings).unwrap()).unwrap();
    std::fs::write(&yaml, &doc).unwrap();
    let require = std::env::var("PIPEC_REQUIRE_READERS").unwrap_or_default();

    let mut report = String::new();
    let python = std::env::var("PIPEC_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut cmd = Command::new(&python);
    cmd.arg("-c").arg(PYTHON).arg(&expected).arg(&yaml);
    report += &run(cmd).unwrap_or_else(|| "missing python\n".into());

    let gopath = std::env::var("PIPEC_GOPATH").unwrap_or_else(|_| "/usr/share/gocode".into());
    if Path::new(&gopath).join("src/gopkg.in/yaml.v3").is_dir()
        && Path::new(&gopath).join("src/gopkg.in/yaml.v2").is_dir()
    {
        let main = dir.path().join("main.go");
        std::fs::write(&main, GO).unwrap();
        let mut cmd = Command::new("go");
        cmd.arg("run").arg(&main).arg(&expected).arg(&yaml).env("GO111MODULE", "off").env("GOPATH", &gopath);
        if std::env::var_os("GOCACHE").is_none() && std::env::var_os("HOME").is_none() {
            cmd.env("GOCACHE", dir.path().join("gocache"));
        }
        report += &run(cmd).unwrap_or_else(|| "missing go\n".into());
    } else {
        report += "missing go-yaml\n";
    }

    let missing: Vec<&str> = report.lines().filter(|l| l.starts_with("missing ")).collect();
    let wrong: Vec<&str> = report.lines().filter(|l| !l.starts_with("missing ") && !l.starts_with("ok ")).collect();
    eprintln!("{} strings; {report}", strings.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let required = |m: &str| match require.as_str() {
        "1" | "all" => true,
        "python" => !m.contains("go"),
        _ => false,
    };
    let (fatal, skipped): (Vec<&str>, Vec<&str>) = missing.iter().copied().partition(|m| required(m));
    assert!(fatal.is_empty(), "PIPEC_REQUIRE_READERS={require} but: {}", fatal.join(", "));
    skipped.iter().for_each(|m| eprintln!("note: {m}: skipped"));
}
