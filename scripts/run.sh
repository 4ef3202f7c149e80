#!/usr/bin/env bash
# Runs a command with the project's toolchain, bootstrapping it first.
# Usage: scripts/run.sh <command> [args...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"
exec "$@"
