#!/usr/bin/env bash
# Creates (once) the test kernel environment of issue 18: a venv over Debian's Python with ipywidgets 8.1.9,
# ipykernel 7.4.0, comm and tqdm from a local folder of wheels (no index), and a kernelspec "python3-widgets" for it.
# Prints the kernelspec root (a JUPYTER_PATH entry: <root>/kernels/python3-widgets/kernel.json).
# The wheel folder: $PANGEO_WHEELS, else /opt/pypi/files, else the folder holding an ipywidgets-8 wheel.
# Fails (exit 1) with a message naming what is missing: a test that needs the kernel must not be skipped.
set -euo pipefail

CACHE_ROOT="${PANGEO_CACHE:-$HOME/.cache/pangeo-compute}"
VENV="$CACHE_ROOT/widgets-venv"
SPEC_ROOT="$CACHE_ROOT/widgets-kernelspec"
SPEC_DIR="$SPEC_ROOT/kernels/python3-widgets"
MARKER="$VENV/.pangeo-install-complete"
PACKAGES=(ipywidgets==8.1.9 ipykernel==7.4.0 comm tqdm)

if [[ -f "$MARKER" && -x "$VENV/bin/python" && -f "$SPEC_DIR/kernel.json" ]]; then
  echo "$SPEC_ROOT"
  exit 0
fi

find_wheels() {
  if [[ -n "${PANGEO_WHEELS:-}" ]]; then echo "$PANGEO_WHEELS"; return; fi
  if compgen -G "/opt/pypi/files/ipywidgets-8*.whl" >/dev/null; then echo /opt/pypi/files; return; fi
  local found
  found="$(find / -name 'ipywidgets-8*.whl' -not -path '/proc/*' 2>/dev/null | head -n 1 || true)"
  [[ -n "$found" ]] && dirname "$found"
}
WHEELS="$(find_wheels || true)"
if [[ -z "$WHEELS" ]] || ! compgen -G "$WHEELS/ipywidgets-8*.whl" >/dev/null; then
  if [[ -n "${PANGEO_WHEELS:-}" ]]; then
    echo "install-widget-kernel: PANGEO_WHEELS=$PANGEO_WHEELS holds no ipywidgets-8*.whl." >&2
  else
    echo "install-widget-kernel: no folder of wheels with ipywidgets 8 found (looked in /opt/pypi/files, then the whole disk)." >&2
  fi
  echo "install-widget-kernel: the widget tests need ipywidgets 8.1.9 + ipykernel 7.4.0 wheels: set PANGEO_WHEELS to a folder holding them." >&2
  exit 1
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$VENV.lock"
flock 9
if [[ -f "$MARKER" && -x "$VENV/bin/python" && -f "$SPEC_DIR/kernel.json" ]]; then
  echo "$SPEC_ROOT"
  exit 0
fi
rm -rf "$VENV" "$SPEC_ROOT"
echo "install-widget-kernel: creating $VENV from $WHEELS" >&2
# Debian's Python, not pyenv's: the venv sees Debian's packages (dask, distributed) beside the wheels.
/usr/bin/python3 -m venv --system-site-packages "$VENV"
env -u PYTHONPATH -u PYTHONHOME "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-index --find-links "$WHEELS" "${PACKAGES[@]}" >&2
env -u PYTHONPATH -u PYTHONHOME "$VENV/bin/python" -c 'import ipywidgets, ipykernel, tqdm, comm; assert ipywidgets.__version__.startswith("8."), ipywidgets.__version__' >&2
mkdir -p "$SPEC_DIR"
cat >"$SPEC_DIR/kernel.json" <<JSON
{
  "argv": ["$VENV/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
  "display_name": "Python 3 (ipywidgets 8)",
  "language": "python",
  "metadata": { "debugger": false }
}
JSON
date -u +%FT%TZ >"$MARKER"
echo "$SPEC_ROOT"
