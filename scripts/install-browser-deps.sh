#!/usr/bin/env bash
# Installs what the browser tests (tests/browser/) need, without ever downloading a browser build:
#   - Debian's Chromium (/usr/bin/chromium) through apt, only when it is missing;
#   - the npm package axe-core (pinned) into .cache/axe, only when it is missing or another version.
# Idempotent and fast when everything is already there. Needs root for apt (as on the dev machines and CI).
set -euo pipefail

AXE_VERSION="4.14.1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AXE_DIR="$ROOT/.cache/axe"
AXE_JS="$AXE_DIR/node_modules/axe-core/axe.min.js"
AXE_PKG="$AXE_DIR/node_modules/axe-core/package.json"

source "$ROOT/scripts/apt-packages.sh"
if [ ! -x /usr/bin/chromium ]; then
    apt_install_missing install-browser-deps chromium
fi

installed_axe=""
if [ -f "$AXE_JS" ] && [ -f "$AXE_PKG" ]; then
    installed_axe="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$AXE_PKG" | head -n1)"
fi
if [ "$installed_axe" != "$AXE_VERSION" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        apt_install_missing install-browser-deps npm
    fi
    echo "install-browser-deps: installing axe-core@$AXE_VERSION into .cache/axe"
    mkdir -p "$AXE_DIR"
    npm install --prefix "$AXE_DIR" "axe-core@$AXE_VERSION" --no-audit --no-fund --no-save --loglevel=error
fi

test -x /usr/bin/chromium
test -f "$AXE_JS"
echo "install-browser-deps: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), axe-core $AXE_VERSION ready"
