#!/bin/sh
# real_client.sh - fetch from the engine with stock clients: tftp-hpa's tftp
# and curl.  Serves a scratch directory through tests/tftp/tftp-testd.
# Exit status follows automake: 0 pass, 1 fail, 77 skip.
set -u

testd=${TFTP_TESTD:-./tests/tftp/tftp-testd}
if [ ! -x "$testd" ]; then
    echo "tftp-testd not found at $testd (set TFTP_TESTD)" >&2
    exit 1
fi
have_tftp=no
have_curl=no
command -v tftp >/dev/null 2>&1 && have_tftp=yes
curl --version 2>/dev/null | grep -q '^Protocols:.* tftp' && have_curl=yes
if [ $have_tftp = no ] && [ $have_curl = no ]; then
    echo "neither tftp nor a tftp-capable curl installed; skipping"
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tftp-real.XXXXXX") || exit 1
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

root=$work/root
mkdir -p "$root/Desktops/320x212x12" "$work/out"
: >"$root/empty"
head -c 512 /dev/urandom >"$root/exact512"
head -c 307200 /dev/urandom >"$root/big.bin"
head -c 2000 /dev/urandom >"$root/Desktops/320x212x12/List.xml"
printf 'line one\nline two\r\nbare cr\rend\n' >"$root/text.txt"

"$testd" "$root" >"$work/port" 2>"$work/log" &
pid=$!
i=0
while [ ! -s "$work/port" ] && [ $i -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
port=$(cat "$work/port")
if [ -z "$port" ]; then
    echo "tftp-testd did not start" >&2
    cat "$work/log" >&2
    exit 1
fi

failed=0
check() {
    what=$1
    shift
    if "$@"; then
        echo "ok - $what"
    else
        echo "not ok - $what"
        failed=1
    fi
}

# tftp-hpa exits 0 even on an ERROR; only its message tells.
hpa_fetch() {   # MODE NAME: fetched bytes equal the file
    out=$work/out/hpa.$(echo "$2" | tr / _)
    tftp 127.0.0.1 "$port" -m "$1" -c get "$2" "$out" >"$work/hpa.err" 2>&1 &&
        [ ! -s "$work/hpa.err" ] && cmp -s "$root/$2" "$out"
}
hpa_refused() {   # NAME CODE: refused with that code, nothing written
    tftp 127.0.0.1 "$port" -m binary -c get "$1" "$work/out/refused" >"$work/hpa.err" 2>&1
    grep -q "Error code $2" "$work/hpa.err" && [ ! -s "$work/out/refused" ]
}
curl_fetch() {   # NAME [CURL OPTION...]: fetched bytes equal the file
    name=$1
    shift
    curl -sS "$@" "tftp://127.0.0.1:$port/$name" -o "$work/out/curl" &&
        cmp -s "$root/$name" "$work/out/curl"
}
curl_refused() {   # NAME
    ! curl -s "tftp://127.0.0.1:$port/$1" -o /dev/null
}

if [ $have_tftp = yes ]; then
    for f in empty exact512 big.bin Desktops/320x212x12/List.xml; do
        check "tftp-hpa get $f" hpa_fetch binary "$f"
    done
    # The client decodes netascii back to local text: a round trip.
    check "tftp-hpa netascii text.txt" hpa_fetch netascii text.txt
    check "tftp-hpa missing file is error 1" hpa_refused nope 1
    check "tftp-hpa traversal is error 2" hpa_refused ../etc/passwd 2
fi

if [ $have_curl = yes ]; then
    check "curl get big.bin" curl_fetch big.bin
    check "curl blksize 1428" curl_fetch big.bin --tftp-blksize 1428
    check "curl blksize 8" curl_fetch exact512 --tftp-blksize 8
    check "curl missing file fails" curl_refused nope
fi

# SIGTERM goes through tftpd_stop() from a signal handler: a clean exit.
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
check "tftp-testd stops cleanly on SIGTERM" test $rc -eq 0
check "transfers reported" grep -q 'big.bin OK 307200 bytes' "$work/log"

exit $failed
