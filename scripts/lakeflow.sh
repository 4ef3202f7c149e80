#!/usr/bin/env bash
# Runs the `lakeflow` CLI from this checkout's sources (no build needed), with the project's
# Node 24 from .tools when it is there (bash scripts/setup.sh installs it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
[ -x "$ROOT/.tools/bin/node" ] && source "$ROOT/scripts/env.sh"
exec node --conditions=@lakeflow/source --no-warnings=ExperimentalWarning "$ROOT/packages/cli/src/bin.ts" "$@"
