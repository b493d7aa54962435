#!/usr/bin/env bash
# Installs everything the tests and the demo need on a fresh Debian 12 machine, skipping what is already there:
# Debian packages (JupyterHub 3, Jupyter server, ipykernel, Dask distributed, boto3 for the kernels' AWS tests, Chromium,
# RequireJS for the widgets e2e suite's stand-in CDN,
# build deps for code-server;
# with PANGEO_SETUP_DEMO=1 also numpy, pandas, xarray and matplotlib for the demo's notebook),
# the npm dependencies, the ipywidgets test kernel (scripts/install-widget-kernel.sh), and code-server 4.100.3 (cached outside the repo).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(jupyterhub python3-jupyter-server python3-ipykernel python3-distributed python3-prometheus-client python3-boto3 chromium libjs-requirejs
  build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep git)

# The demo's hub server gets the basic Pangeo stack (Debian 12 has no bokeh); the tests do not need it.
if [[ "${PANGEO_SETUP_DEMO:-}" == "1" ]]; then
  APT_PACKAGES+=(python3-numpy python3-pandas python3-xarray python3-matplotlib)
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi

# The ipywidgets 8 + ipykernel 7 test kernel (venv + kernelspec) from the machine's folder of wheels (issue 18).
# Without the wheels the rest of the setup still completes; the tests that need this kernel then fail saying why.
if ! bash scripts/install-widget-kernel.sh >/dev/null; then
  echo "setup: WARNING: no ipywidgets test kernel (see the message above); the widget tests will fail until it is installed" >&2
fi

if [[ "${PANGEO_SKIP_CODE_SERVER:-}" != "1" ]]; then
  bash scripts/install-code-server.sh >/dev/null
fi
echo "setup: done" >&2
