# Source this to use the project's toolchain: Node 24 and pnpm from ./.tools.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_root/.tools/bin:$_root/node_modules/.bin:$PATH"
for _d in "$_root"/.tools/lib/node_modules/node-*-* "$_root"/.tools/lib/node_modules/node/node_modules/node-*-*; do
  [ -d "$_d/include/node" ] && export npm_config_nodedir="$_d" # node-gyp builds against Node 24's headers
done
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
unset _root _d
