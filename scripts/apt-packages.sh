# Sourced by the scripts/install-*-deps.sh scripts: install the Debian packages that are missing, nothing else.
# Usage: apt_install_missing TAG PACKAGE...   (TAG prefixes the message). Needs root or sudo for apt.
apt_install_missing() {
    local tag="$1"
    shift
    local missing=()
    local package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    echo "$tag: installing ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
