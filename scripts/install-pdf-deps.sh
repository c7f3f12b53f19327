#!/usr/bin/env bash
# Installs what the print packs (otwarta/printing) need from Debian, never downloading fonts at run time:
#   - Pango and HarfBuzz, which WeasyPrint lays text out with;
#   - the Noto fonts (Latin, Cyrillic, Georgian, Arabic, Hebrew, …) and DejaVu as the fallback, which
#     WeasyPrint embeds (subset) into every PDF.
# Idempotent and fast when everything is already there. Needs root for apt (as on the dev machines and CI).
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-core fonts-dejavu-core)
missing=()
for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-pdf-deps: installing ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fc-cache -f >/dev/null 2>&1 || true
fi
fc-list : family | grep -c "Noto Sans Georgian" >/dev/null
echo "install-pdf-deps: Pango, HarfBuzz and the Noto fonts ready"
