#!/usr/bin/env bash
# 1,000 objects (and their Namespace) applied to the fake API server by
# `pipec apply` and by `kubectl apply --server-side`, side by side, in one run:
# each tool gets a fresh fake (same build, same machine) for its first apply
# (everything created) and then applies again (nothing changes).
#
#   bench/apply.sh [ROUNDS]      # default 3 rounds; prints the median of each
#   NO_BUILD=1 bench/apply.sh     # with the release binaries already built
#
# Needs kubectl on PATH. Only 127.0.0.1 is contacted.
set -euo pipefail
cd "$(dirname "$0")/.."
# Straight to 127.0.0.1, never through a proxy a machine may set.
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy
rounds=${1:-3}
command -v kubectl >/dev/null || { echo "bench/apply.sh: kubectl is not installed" >&2; exit 1; }

# NO_BUILD=1 uses the release binaries as they are (a release build takes minutes here).
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet --bin pipec --example fake-apiserver
pipec=target/release/pipec
fake=target/release/examples/fake-apiserver
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

program=bench/apply-objects.pipe
"$pipec" build -q "$program" > "$work/objects.yaml"
objects=$(grep -c '^kind:' "$work/objects.yaml")

# Starts a fresh fake; its kubeconfig path on stdout.
start_fake() {
  local dir="$work/fake-$1"
  mkdir -p "$dir"
  "$fake" --kubeconfig "$dir/kubeconfig" > "$dir/log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    [ -s "$dir/kubeconfig" ] && grep -q '^fake API server' "$dir/log" && break
    sleep 0.05
  done
  echo "$dir/kubeconfig"
}

# Seconds (3 decimals) that "$@" took; its output goes to $work/last.log.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" > "$work/last.log" 2>&1 || { cat "$work/last.log" >&2; echo "bench/apply.sh: failed: $*" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -a p_create p_again k_create k_again
for round in $(seq "$rounds"); do
  kc=$(start_fake "pipec-$round")
  p_create+=("$(seconds env HOME="$work" "$pipec" apply -q --kubeconfig "$kc" "$program")")
  p_again+=("$(seconds env HOME="$work" "$pipec" apply -q --kubeconfig "$kc" "$program")")
  kc=$(start_fake "kubectl-$round")
  # A fresh HOME: kubectl's discovery cache starts cold, as on a new CI runner; warm for the second apply.
  mkdir -p "$work/home-$round"
  k_create+=("$(seconds env HOME="$work/home-$round" kubectl --kubeconfig "$kc" apply --server-side -f "$work/objects.yaml")")
  k_again+=("$(seconds env HOME="$work/home-$round" kubectl --kubeconfig "$kc" apply --server-side -f "$work/objects.yaml")")
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  pids=()
done

pc=$(median "${p_create[@]}"); pa=$(median "${p_again[@]}")
kc_=$(median "${k_create[@]}"); ka=$(median "${k_again[@]}")
echo "objects: $objects (program $program), rounds: $rounds, median seconds"
printf '%-28s %10s %10s %8s\n' "" "pipec" "kubectl" "ratio"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
printf '%-28s %10s %10s %7sx\n' "first apply (all created)" "$pc" "$kc_" "$(ratio "$kc_" "$pc")"
printf '%-28s %10s %10s %7sx\n' "second apply (no change)" "$pa" "$ka" "$(ratio "$ka" "$pa")"
echo "all rounds: pipec create ${p_create[*]}; again ${p_again[*]}; kubectl create ${k_create[*]}; again ${k_again[*]}"
