#!/usr/bin/env bash
# Renders docs/images/highlighted-example.png: examples/report-api.pipe highlighted by the
# VS Code extension's TextMate grammar (through Shiki), photographed by headless Chromium.
# Needs Node.js and Debian's chromium (`apt-get install chromium`). Run it after changing
# the grammar; .ci/run runs it with --check (the grammar still highlights; the page renders).
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules/shiki ] || npm ci --no-audit --no-fund --loglevel=error
example=../../examples/report-api.pipe
page=$(mktemp --suffix=.html)
shot=$(mktemp --suffix=.png)
profile=$(mktemp -d)
trap 'rm -rf "$page" "$shot" "$profile"' EXIT
node highlight.mjs "$example" "$page"
lines=$(wc -l < "$example")
height=$(( lines * 20 + 60 ))
# The flags keep Chromium off the network (this machine has none) and out of the user's profile.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size="900,$height" \
  --screenshot="$shot" "file://$page" 2>/dev/null
[ -s "$shot" ] || { echo "chromium wrote no screenshot" >&2; exit 1; }
if [ "${1:-}" = "--check" ]; then
  echo "rendered $(stat -c %s "$shot") bytes (not written: --check)"
else
  mkdir -p ../../docs/images
  cp "$shot" ../../docs/images/highlighted-example.png
  echo "wrote docs/images/highlighted-example.png"
fi
