#!/usr/bin/env bash
# Sets up everything on a fresh machine and runs the whole default test suite.
source "$(dirname "$0")/lib.sh"
ensure_redis_tools
install_workspace
pnpm_cmd test
