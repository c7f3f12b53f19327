#!/usr/bin/env bash
# Installs what the print packs (otwarta/printing) need from Debian, never downloading fonts at run time:
#   - Pango and HarfBuzz, which WeasyPrint lays text out with;
#   - the Noto fonts (Latin, Cyrillic, Georgian, Arabic, Hebrew, …) and DejaVu as the fallback, which
#     WeasyPrint embeds (subset) into every PDF.
# Idempotent and fast when everything is already there. Needs root for apt (as on the dev machines and CI).
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-core fonts-dejavu-core)
source "$(dirname "${BASH_SOURCE[0]}")/apt-packages.sh"
apt_install_missing install-pdf-deps "${PACKAGES[@]}"
fc-cache >/dev/null 2>&1 || true  # refreshes only font directories that changed
fc-list : family | grep -c "Noto Sans Georgian" >/dev/null
echo "install-pdf-deps: Pango, HarfBuzz and the Noto fonts ready"
