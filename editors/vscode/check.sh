#!/usr/bin/env bash
# The VS Code extension's checks, as CI runs them: install the pinned tools (package-lock.json),
# check that the grammar fixtures are programs pipec accepts, run the grammar tests on them and
# the client's tests (one against this pipec's `lsp`), and package the extension with the
# client's production dependencies.   Usage: editors/vscode/check.sh PATH/TO/pipec
set -euo pipefail
pipec=$(realpath "${1:?usage: check.sh PATH/TO/pipec}")
cd "$(dirname "$0")"

npm ci --no-audit --no-fund --loglevel=error
# Real programs, so that what the assertions describe is what users write.
for fixture in tests/*.pipe; do
  "$pipec" check -q "$fixture"
done
PIPEC="$pipec" npm test
npm run -s package
test -s pipe.vsix
# The client and the library it loads are inside the package (vsce takes them from node_modules).
listing=$(python3 -m zipfile -l pipe.vsix)
grep -q 'extension/extension.js' <<<"$listing"
grep -q 'extension/node_modules/vscode-languageclient/lib/node/main.js' <<<"$listing"
