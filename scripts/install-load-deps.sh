#!/usr/bin/env bash
# Installs what the load benchmark (benchmarks/load.py) needs from Debian: nginx (the reverse proxy of the
# production profile and the static-copy baseline), its cache-purge module (the PURGE location of
# deploy/nginx/otwarta-proxy.inc) and wrk (the load generator). Idempotent; needs root for apt.
set -euo pipefail

PACKAGES=(nginx-light libnginx-mod-http-cache-purge wrk)
source "$(dirname "${BASH_SOURCE[0]}")/apt-packages.sh"
apt_install_missing install-load-deps "${PACKAGES[@]}"
# Debian starts the packaged nginx on port 80; the benchmark runs its own instances on free ports.
nginx -v
wrk --version 2>&1 | head -1 || true
