#!/bin/sh
# install-deps.sh: the Debian 12 packages ucprov needs to build, run and test.
# Run as root (or through sudo).  Safe to run again.
set -eu
PACKAGES="build-essential autoconf automake pkg-config
  libmicrohttpd-dev libsqlite3-dev libxml2-dev libssl-dev libjansson-dev libcsv-dev libinih-dev check
  sqlite3 openssl libxml2-utils curl jq tftp-hpa clang libclang-rt-dev
  chromium"
missing=
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js for the browser tests: the machine's own if it has one (Debian's
# nodejs package conflicts with a node installed outside apt).
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages:$missing; run as root: sudo $0" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
