#!/usr/bin/env bash
# Launches the demo on a fresh machine: installs what is missing, then runs scripts/demo.ts (Ctrl-C stops it all).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs
exec node --import tsx scripts/demo.ts
