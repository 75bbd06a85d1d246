#!/bin/sh
# install-deps.sh [--build]: the Debian 12 packages ucprov needs.  With --build
# only what building and running take (contrib/quickstart.sh); without, also
# what the tests take (tests/run-all.sh).  Run as root (or through sudo).  Safe
# to run again.
set -eu
# Building and running: compilers, the libraries' -dev packages (libpq-dev for
# the PostgreSQL store to come), and the sqlite3 and openssl tools quickstart.sh
# uses to seed the admin account.
BUILD="build-essential autoconf automake pkg-config
  libmicrohttpd-dev libsqlite3-dev libxml2-dev libssl-dev libjansson-dev libcsv-dev libinih-dev
  libpq-dev sqlite3 openssl"
# Testing: Check (unit tests), xmllint, curl, jq and tftp (integration tests),
# clang and its sanitizer runtimes (fuzzers), chromium (browser tests), and for
# the coming issues a PostgreSQL 15 server, Kamailio and SIPp.
TEST="check libxml2-utils curl jq tftp-hpa clang libclang-rt-dev chromium
  postgresql-15 kamailio sip-tester"

case ${1:-} in
--build) PACKAGES=$BUILD ;;
"") PACKAGES="$BUILD $TEST" ;;
*) echo "usage: $0 [--build]" >&2; exit 2 ;;
esac
missing=
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js for the browser tests: the machine's own if it has one (Debian's
# nodejs package conflicts with a node installed outside apt).
if [ -z "${1:-}" ]; then
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
fi
if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages:$missing; run as root: sudo $0 $*" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
