#!/usr/bin/env bash
# Installs what the load benchmark (benchmarks/load.py) needs from Debian: nginx (the reverse proxy of the
# production profile and the static-copy baseline), its cache-purge module (the PURGE location of
# deploy/nginx/otwarta-proxy.inc) and wrk (the load generator). Idempotent; needs root for apt.
set -euo pipefail

PACKAGES=(nginx-light libnginx-mod-http-cache-purge wrk)
missing=()
for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-load-deps: installing ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Debian starts the packaged nginx on port 80; the benchmark runs its own instances on free ports.
nginx -v
wrk --version 2>&1 | head -1 || true
