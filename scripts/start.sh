#!/usr/bin/env bash
# Sets up everything on a fresh machine and starts a local 3-node cluster on
# ports 5001-5003 in the foreground (Ctrl-C stops it). Extra arguments go to
# `redisraft-wasm cluster start`.
source "$(dirname "$0")/lib.sh"
install_workspace
exec node "$ROOT/packages/redisraft-wasm/bin/redisraft-wasm.mjs" cluster start "$@"
