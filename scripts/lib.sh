# Shared by the setup scripts: find or provide pnpm, install Debian's Redis
# tools when missing, install and build the workspace.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PNPM_VERSION="$(node -p "require('$ROOT/package.json').packageManager.split('@')[1]")"
# The registry mirror carries no corepack signatures; pnpm still comes from the npm registry.
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_INTEGRITY_KEYS=0

pnpm_cmd() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
    pnpm "$@"
  elif corepack enable >/dev/null 2>&1 && command -v pnpm >/dev/null 2>&1; then
    pnpm "$@"
  else
    npx -y "pnpm@$PNPM_VERSION" "$@"
  fi
}

ensure_redis_tools() {
  # redis-cli and redis-benchmark for tests and benchmarks; redis-server for
  # the differential tests and the side-by-side benchmark figures; Debian's
  # redis-py (python3-redis) for the client compatibility test.
  if command -v redis-cli >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 \
    && /usr/bin/python3 -c 'import redis.cluster' >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq redis-tools redis-server python3-redis >/dev/null
    # Debian may start a system redis on 6379; our tests never use that port, but stop it anyway.
    (command -v service >/dev/null 2>&1 && service redis-server stop >/dev/null 2>&1) || true
  else
    echo "note: redis-cli/redis-server not found and cannot apt-get install them; tests that need them will say so" >&2
  fi
}

install_workspace() {
  cd "$ROOT"
  pnpm_cmd install --frozen-lockfile
}
