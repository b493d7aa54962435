#!/usr/bin/env bash
# Launches the demo on a fresh machine: installs what is missing (with the demo's numpy/pandas/xarray/matplotlib),
# then runs scripts/demo.ts (Ctrl-C stops it all).
set -euo pipefail
cd "$(dirname "$0")/.."
PANGEO_SETUP_DEMO=1 bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs
exec node --import tsx scripts/demo.ts
