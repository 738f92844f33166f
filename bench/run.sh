#!/usr/bin/env bash
# Benchmarks pipec against jrsonnet (the fastest peer) on the shared Job workload
# (../shared/bench/workload), both forms, N = 100 … 100,000; verifies every output
# and prints a Markdown table with ratios (paste it into BENCHMARKS.md).
#
#   bench/run.sh [N …]        default: 100 1000 10000 100000
#   PIPEC=/tmp/pipec-before bench/run.sh 10000   the same for another binary
#
# Installs what it needs: hyperfine (Debian package) and jrsonnet 0.5.0-pre98 (cargo).
set -euo pipefail
cd "$(dirname "$0")/.."
workload=${PIPEC_WORKLOAD:-../shared/bench/workload}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000 100000)

command -v hyperfine >/dev/null || { apt-get install -y hyperfine >/dev/null || { echo "install hyperfine" >&2; exit 2; }; }
command -v jrsonnet >/dev/null || cargo install jrsonnet --version 0.5.0-pre98
# PIPEC=path/to/pipec runs another build (e.g. the one before a change) instead of this tree's.
if [ -n "${PIPEC:-}" ]; then pipec=$PIPEC; else cargo build --release --quiet; pipec=./target/release/pipec; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 "$workload/gen_explicit.py" "$tmp" "${sizes[@]}" >/dev/null

echo "| form | N | pipec | jrsonnet | ratio | pipec peak memory | output | memory / output |"
echo "|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  python3 bench/gen-written-out.py "$n" > "$tmp/written-$n.pipe"
  for form in loop written; do
    if [ "$form" = loop ]; then
      p_cmd="$pipec build bench/jobs-loop.pipe --set n=$n"
      j_cmd="jrsonnet -S --tla-code n=$n $workload/programs/jobs.jsonnet"
    else
      p_cmd="$pipec build $tmp/written-$n.pipe"
      j_cmd="jrsonnet -S $tmp/explicit-$n.jsonnet"
    fi
    $p_cmd > "$tmp/p.yaml"
    python3 "$workload/verify.py" "$n" "$tmp/p.yaml" | grep -q IDENTICAL || { echo "pipec output differs ($form, $n)" >&2; exit 1; }
    $j_cmd > "$tmp/j.yaml"
    python3 "$workload/verify.py" "$n" "$tmp/j.yaml" | grep -q IDENTICAL || { echo "jrsonnet output differs ($form, $n)" >&2; exit 1; }
    runs=$([ "$n" -ge 100000 ] && echo 3 || echo 10)
    hyperfine -N -w 1 -r "$runs" --export-json "$tmp/h.json" "$p_cmd" "$j_cmd" >/dev/null 2>&1
    read -r p_ms j_ms < <(python3 -c "import json,sys; r=json.load(open('$tmp/h.json'))['results']; print(*(round(x['median']*1000,1) for x in r))")
    mem=$( { /usr/bin/time -f "%M" $p_cmd > /dev/null; } 2>&1 | tail -1)
    size=$(stat -c %s "$tmp/p.yaml")
    ratio=$(python3 -c "print(round($j_ms/$p_ms, 1))")
    mem_ratio=$(python3 -c "print(round($mem * 1024 / $size, 1))")
    echo "| $form | $n | ${p_ms} ms | ${j_ms} ms | ${ratio}× | $((mem / 1024)) MiB | $((size / 1024)) KiB | ${mem_ratio}× |"
  done
done

# Start-up: `pipec check` on a small program, whole process.
hyperfine -N -w 20 -r 300 --export-json "$tmp/s.json" "$pipec check examples/soak.pipe" >/dev/null 2>&1
python3 -c "import json; r=json.load(open('$tmp/s.json'))['results'][0]; print(f\"\n\`pipec check examples/soak.pipe\`: {r['median']*1000:.2f} ms median, {r['mean']*1000:.2f} ± {r['stddev']*1000:.2f} ms mean (user {r['user']*1000:.2f} ms, system {r['system']*1000:.2f} ms)\")"
