# lib.sh - shared helpers for the integration tests: TAP output, a ucprovd on
# an ephemeral loopback port, curl wrappers.  Sourced, not run.
#
# UCPROV_TEST_BACKEND=pg runs the same script over PostgreSQL: a private
# cluster (pg.sh) is started here and DB is its URI, so every --db "$DB"
# (daemon and CLI) uses it.  db_query and db_dump read the database whichever
# it is.  Without PostgreSQL's server binaries such a run is skipped.

set -u
TAP_N=0
TAP_FAILED=0
UCPROVD=${UCPROVD:-./server/ucprovd}
UCPROV=${UCPROV:-./server/ucprov}
WORK=$(mktemp -d /tmp/ucprov-it.XXXXXX)
DB=$WORK/ucprov.db
DAEMON_PID=
TEST_BACKEND="${UCPROV_TEST_BACKEND:-sqlite}"
ADMIN_USER=admin
ADMIN_PASS='correct horse battery'

cleanup() {
    if [ -n "$DAEMON_PID" ]; then
        kill "$DAEMON_PID" 2>/dev/null
        wait "$DAEMON_PID" 2>/dev/null
    fi
    if [ "$TAP_FAILED" -ne 0 ] && [ -f "$WORK/daemon.log" ]; then
        echo "# daemon log tail:"
        tail -n 30 "$WORK/daemon.log" | sed 's/^/#   /'
    fi
    [ "$TEST_BACKEND" = pg ] && pg_stop
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$TEST_BACKEND" = pg ]; then
    . "$(dirname "$0")/pg.sh"
    pg_skip_unless_available
    pg_start || bail "cannot start a PostgreSQL cluster"
    DB=$PG_URI
    # The key that seals the phones' secrets: one for every node and the CLI,
    # beside the SQLite files the scripts make (ucprov migrate's source).
    UCPROV_KEY_FILE=$WORK/ucprov.key
    export UCPROV_KEY_FILE
fi

db_query() {     # db_query SQL: rows of a query, fields separated by |
    if [ "$TEST_BACKEND" = pg ]; then
        psql -X -q -A -t -d "$DB" -c "$1"
    else
        sqlite3 "$DB" "$1"
    fi
}

db_dump() {      # db_dump: every row, as text
    if [ "$TEST_BACKEND" = pg ]; then
        pg_dump --data-only "$DB"
    else
        sqlite3 "$DB" .dump
    fi
}

tap_result() {   # tap_result STATUS DESCRIPTION [DIAGNOSTIC]
    TAP_N=$((TAP_N + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $TAP_N - $2"
    else
        TAP_FAILED=$((TAP_FAILED + 1))
        echo "not ok $TAP_N - $2"
        [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/#   /'
    fi
    return 0
}

ok() {           # ok DESCRIPTION COMMAND...: passes when COMMAND succeeds
    d=$1; shift
    if "$@" >/dev/null 2>&1; then tap_result 0 "$d"; else tap_result 1 "$d" "command failed: $*"; fi
}

skip() {         # skip DESCRIPTION REASON: counted, not run
    TAP_N=$((TAP_N + 1))
    echo "ok $TAP_N - $1 # SKIP $2"
}

is() {           # is DESCRIPTION GOT WANT
    if [ "$2" = "$3" ]; then tap_result 0 "$1"; else tap_result 1 "$1" "got:  '$2'
want: '$3'"; fi
}

like() {         # like DESCRIPTION TEXT PATTERN (grep -E)
    if printf '%s' "$2" | grep -Eq -- "$3"; then tap_result 0 "$1"; else tap_result 1 "$1" "'$2' does not match /$3/"; fi
}

# Stop the daemon and fail if a sanitizer complained in its log (the ASan
# build runs these same scripts).
check_daemon_log() {
    [ -n "$DAEMON_PID" ] && stop_daemon
    [ -f "$WORK/daemon.log" ] || return 0
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$WORK/daemon.log"; then
        tap_result 1 "no sanitizer report from ucprovd" "$(grep -E -A12 'Sanitizer|runtime error:' "$WORK/daemon.log" | head -40)"
    else
        tap_result 0 "no sanitizer report from ucprovd"
    fi
}

done_testing() {
    check_daemon_log
    echo "1..$TAP_N"
    [ "$TAP_FAILED" -eq 0 ]
}

bail() {
    echo "Bail out! $*"
    exit 1
}

# start_daemon [EXTRA ARGS...]: ucprovd with every listener on 127.0.0.1, ephemeral
# ports; sets PORT, API, TFTP_PORT and CNF_PORT.
start_daemon() {
    rm -f "$WORK/ready"
    "$UCPROVD" --db "$DB" --http 127.0.0.1:0 --tftp 127.0.0.1:0 --cnf-http 127.0.0.1:0 \
        --ready-file "$WORK/ready" "$@" >>"$WORK/daemon.log" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq 1 100); do
        [ -s "$WORK/ready" ] && break
        kill -0 "$DAEMON_PID" 2>/dev/null || bail "ucprovd exited: $(tail -3 "$WORK/daemon.log")"
        sleep 0.05
    done
    [ -s "$WORK/ready" ] || bail "ucprovd did not become ready"
    PORT=$(sed -n 's/^http=//p' "$WORK/ready")
    TFTP_PORT=$(sed -n 's/^tftp=//p' "$WORK/ready")
    CNF_PORT=$(sed -n 's/^cnf_http=//p' "$WORK/ready")
    API="http://127.0.0.1:$PORT/api/v1"
}

stop_daemon() {
    kill "$DAEMON_PID" 2>/dev/null
    wait "$DAEMON_PID" 2>/dev/null
    DAEMON_PID=
}

add_admin() {
    printf '%s\n' "$ADMIN_PASS" | "$UCPROV" --db "$DB" admin add "$ADMIN_USER" >/dev/null
}

# api METHOD PATH [JSON BODY]: sets STATUS and BODY; authenticates as the admin.
api() {
    method=$1 path=$2
    shift 2
    if [ $# -gt 0 ]; then
        STATUS=$(curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' \
            -u "$ADMIN_USER:$ADMIN_PASS" -X "$method" -H 'Content-Type: application/json' \
            --data-binary "$1" "$API$path")
    else
        STATUS=$(curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' \
            -u "$ADMIN_USER:$ADMIN_PASS" -X "$method" "$API$path")
    fi
    BODY=$(cat "$WORK/body")
}

# jf FILTER: jq over the last BODY
jf() {
    printf '%s' "$BODY" | jq -r "$1"
}

header() {       # header NAME: a header of the last response
    tr -d '\r' <"$WORK/headers" | sed -n "s/^$1: //Ip" | head -n 1
}

# snapshot: every collection, to prove a refused request changed nothing.
snapshot() {
    for c in certificates vpn-profiles vpn-gateways vpn-groups common-phone-profiles phones \
             vpn-feature-configuration system-settings; do
        curl -s -u "$ADMIN_USER:$ADMIN_PASS" "$API/$c?limit=10000"
        echo
    done
}

# make_cert NAME CN [SAN] [DAYS]: a self-signed certificate in $WORK/NAME.pem
make_cert() {
    san=${3:-DNS:$2}
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/$1.key" -out "$WORK/$1.pem" \
        -days "${4:-365}" -subj "/CN=$2" -addext "subjectAltName=$san" >/dev/null 2>&1
}

# cert_hash FILE: what certHashN must hold, computed by the openssl CLI
cert_hash() {
    openssl x509 -in "$1" -outform DER | openssl dgst -sha1 -binary | base64
}

# json_cert STORE FILE: a certificate upload body
json_cert() {
    jq -n --arg store "$1" --rawfile pem "$2" '{store: $store, pem: $pem}'
}

# xpath FILE EXPR: text of an XPath over an XML file
xpath() {
    xmllint --xpath "string($2)" "$1" 2>/dev/null
}
