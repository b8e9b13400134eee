#!/bin/sh
# Install Debian packages for the commands that are missing, with apt-get (as root or with
# sudo); a COMMAND starting with / is a file that must exist (a program or a font).
# Usage: scripts/system-deps.sh COMMAND=PACKAGE[,PACKAGE...] ...
#   e.g. scripts/system-deps.sh ffmpeg=ffmpeg npm=npm /usr/bin/chromium=chromium,fonts-noto-core
set -eu
missing=""
for pair in "$@"; do
    need=${pair%%=*}
    packages=$(echo "${pair#*=}" | tr ',' ' ')
    case "$need" in
        /*) [ -e "$need" ] && continue ;;
        *) command -v "$need" >/dev/null 2>&1 && continue ;;
    esac
    missing="$missing $packages"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing:$missing. Install them with your system's package manager." >&2
    exit 1
fi
echo "Installing with apt-get:$missing"
stamp=/tmp/.tourbuilder-apt-updated
[ -f "$stamp" ] || { $sudo apt-get update -q && touch "$stamp"; }
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
