#!/usr/bin/env bash
# Checks the tree-sitter grammar (run by .ci/run; runnable by hand from anywhere):
#   1. the CLI: tree-sitter-cli $version, installed from crates.io into ~/.cargo/bin unless
#      that version is already there;
#   2. `tree-sitter generate` in a scratch copy gives exactly the committed src/ (so the
#      committed parser cannot drift from grammar.js);
#   3. KEYWORDS in grammar.js are the words the generated grammar uses as keywords, and
#      the `kw_*` tokens of grammar/pipe.pest;
#   4. `tree-sitter test`: the corpus (test/corpus/) and highlight tests (test/highlight/);
#      every query file compiles against the grammar; queries/helix/ is what helix.py writes;
#   5. every .pipe file of the repository: where pipec finds no syntax error (P0001,
#      P0002), tree-sitter parses it without an ERROR or MISSING node; where pipec does,
#      tree-sitter reports one too — except for pipec's line rules (P0010, P0011 and two
#      P0001 cases), which tree-sitter, blind to line ends, may or may not see.
# Usage: editors/tree-sitter-pipe/check.sh [PIPEC]   (default: target/debug/pipec)
set -euo pipefail

version=0.27.1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pipec=${1:-${CARGO_TARGET_DIR:-$root/target}/debug/pipec}
[ -x "$pipec" ] || { echo "check.sh: no pipec at $pipec (cargo build first)" >&2; exit 1; }
pipec=$(cd "$(dirname "$pipec")" && pwd)/$(basename "$pipec")

bin=${CARGO_HOME:-$HOME/.cargo}/bin
tree_sitter=$bin/tree-sitter
if [ -x "$tree_sitter" ] && [ "$("$tree_sitter" --version | awk '{print $2}')" = "$version" ]; then
  echo "tree-sitter $version: cached in $bin"
else
  echo "tree-sitter $version: installing from crates.io (takes minutes when cold)"
  cargo install --locked --quiet tree-sitter-cli --version "$version"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# An empty CLI configuration: no search for other grammars, no warning about it.
echo '{ "parser-directories": [] }' > "$work/config.json"
ts() { "$tree_sitter" "$@" --config-path "$work/config.json"; }
# Compiled parsers go to a fresh directory: a parser cached in ~/.cache by another checkout
# of the grammar is never taken for this one.
export TREE_SITTER_LIBDIR=$work/lib

echo "generate: the committed src/ must be what grammar.js generates"
mkdir "$work/grammar"
cp "$here/grammar.js" "$here/tree-sitter.json" "$work/grammar/"
(cd "$work/grammar" && "$tree_sitter" generate)
if ! diff -r "$here/src" "$work/grammar/src" > "$work/generate.diff"; then
  head -40 "$work/generate.diff"
  echo "src/ differs from what grammar.js generates: run \`tree-sitter generate\` in" \
    "editors/tree-sitter-pipe and commit src/" >&2
  exit 1
fi

echo "keywords: KEYWORDS = the grammar's keyword tokens = pipe.pest's kw_* tokens"
python3 - "$here/grammar.js" "$here/src/grammar.json" "$root/grammar/pipe.pest" <<'EOF'
import json, re, sys
js, generated, pest = (open(p, encoding="utf-8").read() for p in sys.argv[1:])
listed = re.search(r"// BEGIN KEYWORDS\n(.*?)// END KEYWORDS", js, re.S).group(1)
keywords = set(re.findall(r"'([a-z][a-z-]*)'", listed))
booleans = set(re.findall(r"'([a-z]+)'", re.search(r"const BOOLEANS = \[(.*?)\]", js).group(1)))
used = set()
def walk(node):
    if isinstance(node, dict):
        if node.get("type") == "STRING" and re.fullmatch(r"[a-z][a-z-]*", node["value"]):
            used.add(node["value"])
        for value in node.values():
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)
walk(json.loads(generated)["rules"])
pest_words = set(re.findall(r'^kw_\w+\s*=\s*@\{\s*"([a-z-]+)"', pest, re.M))
problems = []
if used - booleans != keywords:
    problems.append(f"grammar uses {sorted(used - booleans - keywords)} not in KEYWORDS; "
                    f"KEYWORDS has {sorted(keywords - used)} that no rule uses")
if pest_words != keywords:
    problems.append(f"pipe.pest has {sorted(pest_words - keywords)} missing from KEYWORDS; "
                    f"KEYWORDS has {sorted(keywords - pest_words)} that pipe.pest lacks")
if problems:
    sys.exit("\n".join(problems))
print(f"  {len(keywords)} keywords agree")
EOF

echo "tree-sitter test"
(cd "$here" && ts test)

echo "queries: each compiles against the grammar; queries/helix/ is up to date"
python3 "$here/helix.py" --check
for query in "$here"/queries/*.scm "$here"/queries/helix/*.scm; do
  ts query -p "$here" --quiet "$query" "$root/examples/soak.pipe" > "$work/query.log" 2>&1 ||
    { cat "$work/query.log"; echo "$query does not compile" >&2; exit 1; }
done
echo "  $(ls "$here"/queries/*.scm "$here"/queries/helix/*.scm | wc -l) query files compile"

echo "highlights: no node of any example, stdlib module or test case is captured twice"
# Highlighters differ on which of two matching patterns wins: a node that two patterns
# capture would be coloured differently from one editor to the next.
git -C "$root" ls-files '*.pipe' | sed "s|^|$root/|" > "$work/sources"
for query in "$here/queries/highlights.scm" "$here/queries/helix/highlights.scm"; do
  ts query -p "$here" "$query" --paths "$work/sources" > "$work/captures" 2>/dev/null || true
  python3 - "$work/captures" "$query" <<'EOF_PY'
import collections, re, sys
captures, file = collections.defaultdict(set), None
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if not line.startswith(" "):
        file = line.strip()
        continue
    m = re.search(r"capture: \d+ - ([\w.]+), start: \((\d+), (\d+)\), end: \((\d+), (\d+)\)", line)
    if m:
        captures[(file, *m.groups()[1:])].add(m.group(1))
twice = {node: names for node, names in captures.items() if len(names) > 1}
for (file, row, column, *_), names in list(twice.items())[:10]:
    print(f"  {file}:{int(row) + 1}:{int(column) + 1}: {' and '.join(sorted(names))}")
if twice or not captures:
    sys.exit(f"{sys.argv[2]}: {len(twice)} nodes captured twice" if twice else "no captures at all")
print(f"  {sys.argv[2].split('/queries/')[1]}: {len(captures)} captured nodes, none twice")
EOF_PY
done

echo "parse every .pipe file of the repository"
cd "$root"
git ls-files -z '*.pipe' | xargs -0 -n1 printf '%s\n' > "$work/files"
# tree-sitter exits 1 when any file has an error; the summary says which.
ts parse -p "$here" --quiet --json-summary --paths "$work/files" > "$work/parse.out" 2>&1 || true
# Diagnostics on stderr, one JSON object a line; pipec exits 1 on errors.
xargs -d '\n' "$pipec" check --message-format json < "$work/files" 2> "$work/pipec.jsonl" > /dev/null || true
python3 - "$work/files" "$work/parse.out" "$work/pipec.jsonl" <<'EOF'
import json, sys
files = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
out = open(sys.argv[2], encoding="utf-8").read()
summary = json.loads(out[out.index('{\n  "parse_summaries"'):])
parsed = {s["file"]: s["successful"] for s in summary["parse_summaries"]}
syntax_errors, line_rule_errors = set(), set()
for line in open(sys.argv[3], encoding="utf-8"):
    try:
        diagnostic = json.loads(line)
    except ValueError:
        continue
    if diagnostic.get("code") in ("P0001", "P0002"):
        syntax_errors.add(diagnostic["file"])
    # P0010/P0011: pipec's line rules (a value on its `=`'s line, entries apart: docs/language.md).
    # tree-sitter treats a line end as any other space and cannot see them: it may read such a
    # file as entries over two lines (highlighting stays right) or find an error; both are fine.
    if diagnostic.get("code") in ("P0010", "P0011"):
        line_rule_errors.add(diagnostic["file"])
# The same line rules where pipec's message is the general P0001: a key alone on its line,
# a label on the line below its key.
line_rules = {"tests/cases/errors/syntax/key-alone.pipe", "tests/cases/errors/syntax/label-on-next-line.pipe"}
wrong, skipped, broken = [], [], 0
for f in files:
    if b"\0" in open(f, "rb").read():
        # tree-sitter's lexers read U+0000 as the end of the input: no grammar can parse it.
        skipped.append(f)
        continue
    ok = parsed[f]
    if f in line_rule_errors and f not in syntax_errors:
        broken += 1
    elif f in syntax_errors:
        broken += 1
        if ok and f not in line_rules:
            wrong.append(f"{f}: pipec reports a syntax error, tree-sitter parses it without one")
    elif not ok:
        wrong.append(f"{f}: tree-sitter finds an ERROR or MISSING node, pipec parses it")
if wrong:
    print(out[:out.index('{\n  "parse_summaries"')], end="")
    sys.exit("\n".join(wrong))
print(f"  {len(files) - len(skipped)} files agree with pipec: {len(files) - len(skipped) - broken} parse, "
      f"{broken} have syntax errors in both; skipped (a NUL byte): {', '.join(skipped) or 'none'}")
EOF
