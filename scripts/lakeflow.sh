#!/usr/bin/env bash
# Runs the `lakeflow` CLI from this checkout's sources (no build needed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec node --conditions=@lakeflow/source --no-warnings=ExperimentalWarning "$ROOT/packages/cli/src/bin.ts" "$@"
