#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 30), seeded with every .pipe file of the project.
# Stable toolchain: no sanitizer (`-s none`). Installs cargo-fuzz if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for target in parse parse_equivalence pipeline fmt; do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus"
  find examples tests stdlib -name '*.pipe' -exec cp {} "$corpus"/ \;
  cargo fuzz run -s none "$target" "$corpus" -- -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096
done
