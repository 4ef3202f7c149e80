#!/usr/bin/env bash
# publint --strict and attw (ESM only) on every published workspace package.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
status=0
for manifest in "$ROOT"/packages/*/package.json "$ROOT"/connectors/*/package.json; do
  dir="$(dirname "$manifest")"
  if node -e "process.exit(require('$manifest').private ? 0 : 1)"; then continue; fi
  echo "--- $(node -p "require('$manifest').name")"
  (cd "$dir" && publint --strict && attw --pack . --profile esm-only --quiet) || status=1
done
exit $status
