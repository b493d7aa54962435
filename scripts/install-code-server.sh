#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3) from npm into a cache dir, once, and prints the path of
# its `code-server` entry. The recipe is the verified one from shared/TEST-STACK.md: npm's postinstall
# scripts try to download things this machine cannot reach, so the steps are run by hand.
# Needs (Debian 12): libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep, Node 20.
# All progress goes to stderr (and to <dir>.log) so stdout is only the path.
set -euo pipefail

VERSION=4.100.3
CACHE_ROOT="${PANGEO_CACHE:-$HOME/.cache/pangeo-compute}"
DIR="$CACHE_ROOT/code-server-$VERSION"
MARKER="$DIR/.pangeo-install-complete"
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"
BIN="$DIR/node_modules/.bin/code-server"
LOG="$DIR.log"

installed() { [[ -f "$MARKER" && -x "$BIN" && -f "$ENTRY" ]]; }
if installed; then
  echo "$BIN"
  exit 0
fi

# One build at a time: a second caller waits, then finds the marker.
mkdir -p "$CACHE_ROOT"
exec 9>"$DIR.lock"
flock 9
if installed; then
  echo "$BIN"
  exit 0
fi

# node-pty and argon2 are compiled by node-gyp (python3, make, a C++ compiler).
for tool in node npm python3 make g++; do
  command -v "$tool" >/dev/null || { echo "install-code-server: $tool not on PATH (Debian: apt-get install -y build-essential python3)" >&2; exit 1; }
done
RG="$(command -v rg || true)"
[[ -n "$RG" ]] || { echo "install-code-server: ripgrep (rg) not on PATH: apt-get install -y ripgrep" >&2; exit 1; }
for pc in krb5-gssapi x11 xkbfile libsecret-1; do
  pkg-config --exists "$pc" 2>/dev/null || {
    echo "install-code-server: missing $pc headers: apt-get install -y libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config" >&2
    exit 1
  }
done

# A directory without the marker is a half-done build: start it over.
rm -rf "$DIR"
mkdir -p "$DIR"
: >"$LOG"
echo "install-code-server: building code-server $VERSION in $DIR (~2.5 min, log: $LOG)" >&2

# Root may run npm lifecycle scripts; node-pty's rebuild runs `npx node-gyp`, which must not prompt.
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false
export npm_config_update_notifier=false

step() {
  echo "install-code-server: $*" >&2
  if ! "$@" >>"$LOG" 2>&1; then
    echo "install-code-server: FAILED: $* (last lines of $LOG follow)" >&2
    tail -n 30 "$LOG" >&2
    exit 1
  fi
}

cd "$DIR"
printf '{"name":"pangeo-code-server","private":true}\n' >package.json
step npm install --no-save "code-server@$VERSION" --ignore-scripts
step npm rebuild argon2

CS="$DIR/node_modules/code-server"
cd "$CS/lib/vscode"
step npm install --omit=dev --ignore-scripts
# @vscode/ripgrep's postinstall downloads rg from GitHub: use the system binary instead.
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$RG" node_modules/@vscode/ripgrep/bin/rg
step npm rebuild
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
cd extensions
step npm install --omit=dev

[[ -f "$ENTRY" && -x "$BIN" ]] || { echo "install-code-server: $BIN missing after build" >&2; exit 1; }
CODE_SERVER_CONFIG="$DIR/config.yaml" step "$BIN" --version
date -u +%FT%TZ >"$MARKER"
echo "install-code-server: done" >&2
echo "$BIN"
