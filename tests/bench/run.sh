#!/bin/sh
# run.sh - ucprov's benchmarks, side by side with its peers, in one run on one
# machine: TFTP (ucprov, tftp-hpa, dnsmasq, atftpd and a minimal in-memory
# reference server) on the same files under the same load, the config port
# against nginx, cold rendering, the 100k-phone import and peak memory; signed
# files and signing throughput (signed.sh); one and two nodes over SQLite and
# PostgreSQL (nodes.sh).
#
# Run by `make bench` (BUILD is the build tree).  Needs root: it installs the
# peers from Debian packages and stops any service they start.  Every server
# listens on 127.0.0.1 only (dnsmasq, whose TFTP port is fixed at 69, runs in
# a private network namespace with its load generator) and is stopped on exit.
# Each figure is the median of REPS runs; results go to $OUT.
set -eu
BUILD=${BUILD:-$(pwd)}
REPS=${REPS:-3}
PHONES=${PHONES:-10000}
SECS=${SECS:-5}                  # length of one TFTP or HTTP measurement
OUT=${OUT:-$BUILD/tests/bench/results}
UCPROV=$BUILD/server/ucprov
UCPROVD=$BUILD/server/ucprovd
LOAD=$BUILD/tests/bench/tftp-load
REF=$BUILD/tests/bench/tftp-ref
RENDER=$BUILD/tests/bench/render-bench
SRC=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/ucprov-bench.XXXXXX)
chmod 755 "$WORK"   # the peers drop to an unprivileged user before opening files
PIDS=
BASE_PORT=47000
# The cache sized for the site, as the README asks of a site this size: the
# PHONES phones' files in both forms (plain and signed, about 6.4 kB a phone)
# with room to spare.  The memory test (rss_bench) keeps the default.
CACHE_MB=$(( (PHONES * 7 + 1023) / 1024 + 32 ))

cleanup() {
    for p in $PIDS; do
        kill "$p" 2>/dev/null || true
    done
    for p in $PIDS; do
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

say() { printf '%s\n' "$*" | tee -a "$OUT/log.txt" >&2; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'; }
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p; s/^$1=\([^[:space:]]*\).*/\1/p" | head -1; }

# --- the peers, from Debian ---------------------------------------------------------
install_peers() {
    export DEBIAN_FRONTEND=noninteractive
    need=
    for p in dnsmasq-base atftpd nginx-light wrk postgresql-15; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need="$need $p"
    done
    if [ -n "$need" ]; then
        # No daemon may start on install: the peers run only as this script starts them.
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        apt-get update -q >/dev/null
        # shellcheck disable=SC2086
        apt-get install -y -q --no-install-recommends $need >/dev/null
        rm -f /usr/sbin/policy-rc.d
    fi
    # tftpd-hpa conflicts with atftpd as a package: unpack it privately.
    if [ ! -x "$OUT/tftpd-hpa/usr/sbin/in.tftpd" ]; then
        (cd "$WORK" && apt-get download tftpd-hpa >/dev/null 2>&1)
        dpkg -x "$WORK"/tftpd-hpa_*.deb "$OUT/tftpd-hpa"
    fi
    for s in nginx atftpd dnsmasq tftpd-hpa; do   # in case a package started one anyway
        if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q "$s" 2>/dev/null; then
            systemctl stop "$s"; systemctl disable -q "$s" 2>/dev/null || true
        elif [ -x "/etc/init.d/$s" ]; then
            "/etc/init.d/$s" stop >/dev/null 2>&1 || true
        fi
    done
}

start_bg() {   # start_bg CMD...: run a server in the background, remember its pid
    "$@" >>"$WORK/servers.log" 2>&1 &
    PIDS="$PIDS $!"
    LAST=$!
}

stop_last() {
    kill "$LAST" 2>/dev/null || true
    wait "$LAST" 2>/dev/null || true
    PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$LAST" | tr '\n' ' ')
}

wait_udp() {   # wait_udp PORT: until something answers a TFTP request there
    for _ in $(seq 1 100); do
        "$LOAD" -s "127.0.0.1:$1" -d "$FILES" -c 1 -n 1 -T 1 >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    say "server on port $1 did not answer"
    return 1
}

# --- the data: PHONES phones behind the demo's VPN profile, exported --------------------
make_data() {
    DB=$WORK/bench.db
    FILES=$WORK/files
    mkdir -p "$FILES"
    "$UCPROV" --db "$DB" demo >/dev/null
    phones_csv "$PHONES" "$WORK/phones.csv"
    "$UCPROV" --db "$DB" import phones "$WORK/phones.csv" >/dev/null
    "$UCPROV" --db "$DB" export --dir "$FILES" >/dev/null
    # An export is 0640 (a config may hold line passwords); the peers read
    # these demo files as their own unprivileged users.
    chmod -R a+rX "$FILES"
    # The demo's three phones stay out of the load: PREFIX selects the imported ones.
    PREFIX=SEP00AB
}

phones_csv() {   # phones_csv COUNT FILE
    awk -v n="$1" 'BEGIN {
        print "name,model,description,common_phone_profile"
        for (i = 0; i < n; i++)
            printf "SEP00AB%08X,Cisco %s,Desk %d,Standard Common Phone Profile VPN\n", i,
                   (i % 3 ? "8861" : "8845"), i
    }' >"$2"
}

# --- TFTP --------------------------------------------------------------------------------
# tftp_start NAME PORT: a server on 127.0.0.1:PORT over $FILES (dnsmasq: none, see below)
tftp_start() {
    case $1 in
    ucprov)   start_bg "$UCPROVD" --db "$DB" --http 127.0.0.1:0 --cnf-http off --cache-mb "$CACHE_MB" \
                  --tftp "127.0.0.1:$2" --tftp-max-transfers 8000 ;;
    tftp-ref) start_bg "$REF" -a "127.0.0.1:$2" -d "$FILES" -T 900 ;;
    tftp-hpa) start_bg "$OUT/tftpd-hpa/usr/sbin/in.tftpd" -L -a "127.0.0.1:$2" -s "$FILES" ;;
    atftpd)   start_bg atftpd --daemon --no-fork --port "$2" --bind-address 127.0.0.1 \
                  --maxthread 5000 --logfile /dev/null "$FILES" ;;
    esac
}

# tftp_run NAME PORT CLIENTS ARGS...: one measurement; prints the generator's line
tftp_run() {
    name=$1 port=$2 clients=$3
    shift 3
    if [ "$name" = dnsmasq ]; then
        # dnsmasq's TFTP port is always 69: server and load share a private
        # network namespace, so nothing outside it sees either.
        unshare -n sh -c '
            ip link set lo up
            dnsmasq --no-daemon --port=0 --enable-tftp --tftp-root="$1" --listen-address=127.0.0.1 \
                --bind-interfaces --tftp-max=10000 --quiet-tftp --pid-file= --conf-file=/dev/null \
                >/dev/null 2>&1 &
            d=$!
            for i in $(seq 1 50); do "$2" -s 127.0.0.1:69 -d "$1" -c 1 -n 1 -T 1 >/dev/null 2>&1 && break; sleep 0.05; done
            shift 2
            "$@"
            kill $d; wait $d 2>/dev/null' sh "$FILES" "$LOAD" \
            "$LOAD" -s 127.0.0.1:69 -d "$FILES" -p "$PREFIX" -c "$clients" -T "$SECS" "$@" || true
    else
        "$LOAD" -s "127.0.0.1:$port" -d "$FILES" -p "$PREFIX" -c "$clients" -T "$SECS" "$@" || true
    fi
}

tftp_bench() {   # tftp_bench LABEL CLIENTS ARGS...: every server, REPS runs each
    label=$1 clients=$2
    shift 2
    port=$BASE_PORT
    for s in ucprov tftp-ref dnsmasq atftpd tftp-hpa; do
        port=$((port + 1))
        [ "$s" = dnsmasq ] || { tftp_start "$s" "$port"; wait_udp "$port" || continue; }
        for r in $(seq 1 "$REPS"); do
            line=$(tftp_run "$s" "$port" "$clients" "$@")
            say "$label $s run $r: $line"
            echo "$s $line" >>"$OUT/$label.raw"
        done
        [ "$s" = dnsmasq ] || stop_last
    done
}

tftp_table() {   # tftp_table LABEL TITLE
    {
        echo
        echo "### $2"
        echo
        echo "| server | transfers/s | p50 ms | p99 ms | retransmits | failures | refused | mismatches | vs ref | vs best peer |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    } >>"$OUT/tables.md"
    for s in ucprov tftp-ref dnsmasq atftpd tftp-hpa; do
        grep "^$s " "$OUT/$1.raw" >"$WORK/sel" || true
        for m in rate p50_ms p99_ms retransmits failures refused mismatches; do
            eval "$m=\$(while read -r l; do echo \"\$l\" | field $m; done <\"$WORK/sel\" | median)"
        done
        echo "$s $rate $p50_ms $p99_ms $retransmits $failures $refused $mismatches" >>"$WORK/$1.med"
    done
    ref=$(awk '$1 == "tftp-ref" { print $2 }' "$WORK/$1.med")
    best=$(awk '$1 ~ /^(dnsmasq|atftpd|tftp-hpa)$/ && $2 > b { b = $2 } END { print b + 0 }' "$WORK/$1.med")
    awk -v ref="$ref" -v best="$best" '{
        vr = ref > 0 ? sprintf("%.2f", $2 / ref) : "-"
        vb = best > 0 ? sprintf("%.2f", $2 / best) : "-"
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, vr, vb
    }' "$WORK/$1.med" >>"$OUT/tables.md"
}

# --- HTTP: the config port against nginx ---------------------------------------------------
http_bench() {
    port=$((BASE_PORT + 20))
    cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx.err;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    client_body_temp_path $WORK/nginx-tmp;
    proxy_temp_path $WORK/nginx-tmp;
    fastcgi_temp_path $WORK/nginx-tmp;
    uwsgi_temp_path $WORK/nginx-tmp;
    scgi_temp_path $WORK/nginx-tmp;
    server { listen 127.0.0.1:$port; root $FILES; }
}
EOF
    ls "$FILES" | grep "^$PREFIX" >"$WORK/urls.txt"
    for s in ucprov nginx; do
        if [ "$s" = nginx ]; then
            start_bg nginx -c "$WORK/nginx.conf" -e "$WORK/nginx.err"
        else
            start_bg "$UCPROVD" --db "$DB" --http 127.0.0.1:0 --tftp off --cache-mb "$CACHE_MB" \
                --cnf-http "127.0.0.1:$port"
        fi
        for _ in $(seq 1 100); do
            curl -sf -o /dev/null "http://127.0.0.1:$port/$(head -1 "$WORK/urls.txt")" && break
            sleep 0.05
        done
        for mode in keepalive close; do
            hdr=
            [ "$mode" = close ] && hdr="Connection: close"
            for r in $(seq 1 "$REPS"); do
                URLS=$WORK/urls.txt wrk -t1 -c100 -d"${SECS}s" ${hdr:+-H "$hdr"} \
                    -s "$SRC/urls.lua" "http://127.0.0.1:$port/" >"$WORK/wrk.out" 2>&1 || true
                rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK/wrk.out")
                errs=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$WORK/wrk.out")
                say "http $s $mode run $r: rps=$rps non2xx=${errs:-0}"
                echo "$s $mode ${rps:-0} ${errs:-0}" >>"$OUT/http.raw"
            done
        done
        stop_last
    done
    {
        echo
        echo "### HTTP: config port (ucprov) vs nginx, wrk -t1 -c100, ${SECS}s, $PHONES URLs"
        echo
        echo "| connection | ucprov req/s | nginx req/s | ratio | ucprov non-2xx |"
        echo "|---|---:|---:|---:|---:|"
    } >>"$OUT/tables.md"
    for mode in keepalive close; do
        u=$(awk -v m="$mode" '$1 == "ucprov" && $2 == m { print $3 }' "$OUT/http.raw" | median)
        n=$(awk -v m="$mode" '$1 == "nginx" && $2 == m { print $3 }' "$OUT/http.raw" | median)
        e=$(awk -v m="$mode" '$1 == "ucprov" && $2 == m { print $4 }' "$OUT/http.raw" | median)
        awk -v m="$mode" -v u="$u" -v n="$n" -v e="$e" \
            'BEGIN { printf "| %s | %.0f | %.0f | %.2f | %s |\n", (m == "close" ? "new connection per request" : "keep-alive"), u, n, (n > 0 ? u / n : 0), e }' \
            >>"$OUT/tables.md"
    done
}

# --- render, import, memory ---------------------------------------------------------------
render_bench() {
    "$RENDER" "$DB" "$REPS" >"$WORK/render.out"
    cat "$WORK/render.out" >>"$OUT/log.txt"
    rate=$(while read -r l; do echo "$l" | field per_core; done <"$WORK/render.out" | median)
    bytes=$(head -1 "$WORK/render.out" | field avg_bytes)
    printf '\n### Cold render (fresh service, every phone once, one thread)\n\n| phones | configs/s per core (median of %s) | average file |\n|---:|---:|---:|\n| %s | %s | %s bytes |\n' \
        "$REPS" "$PHONES" "$rate" "$bytes" >>"$OUT/tables.md"
}

import_bench() {
    phones_csv 100000 "$WORK/big.csv"
    for r in $(seq 1 "$REPS"); do
        rm -f "$WORK/import.db"*
        "$UCPROV" --db "$WORK/import.db" demo >/dev/null
        t0=$(date +%s.%N)
        "$UCPROV" --db "$WORK/import.db" import phones "$WORK/big.csv" >/dev/null
        t1=$(date +%s.%N)
        echo "$t1 $t0" | awk '{ printf "%.3f\n", $1 - $2 }' >>"$WORK/import.times"
        say "import 100k run $r: $(tail -1 "$WORK/import.times") s"
    done
    printf '\n### Bulk import (ucprov import phones, 100,000 rows, one transaction)\n\n| seconds (median of %s) | rows/s |\n|---:|---:|\n' "$REPS" >>"$OUT/tables.md"
    median <"$WORK/import.times" | awk '{ printf "| %.2f | %.0f |\n", $1, 100000 / $1 }' >>"$OUT/tables.md"
}

rss_bench() {
    # 100,000 phones loaded and every one fetched once over TFTP.
    "$UCPROV" --db "$WORK/import.db" export --dir "$WORK/files100k" >/dev/null 2>&1 ||
        { mkdir -p "$WORK/files100k"; "$UCPROV" --db "$WORK/import.db" export --dir "$WORK/files100k" >/dev/null; }
    port=$((BASE_PORT + 30))
    start_bg "$UCPROVD" --db "$WORK/import.db" --http 127.0.0.1:0 --cnf-http off --tftp "127.0.0.1:$port"
    pid=$LAST
    FILES_SAVED=$FILES
    FILES=$WORK/files100k
    wait_udp "$port"
    line=$("$LOAD" -s "127.0.0.1:$port" -d "$FILES" -p SEP00AB -c 200 -n 100000 -T 120 || true)
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
    say "rss: $line VmHWM=${hwm}kB"
    stop_last
    FILES=$FILES_SAVED
    printf '\n### Peak memory of ucprovd (100,000 phones, each fetched once over TFTP)\n\n| VmHWM | fetch run |\n|---:|---|\n| %s MB | %s |\n' \
        "$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')" "$line" >>"$OUT/tables.md"
}

# --- signed files (signed.sh) and several nodes (nodes.sh) ---------------------------------
# shellcheck source=signed.sh
. "$SRC/signed.sh"
# shellcheck source=nodes.sh
. "$SRC/nodes.sh"

# --- main ---------------------------------------------------------------------------------
mkdir -p "$OUT"
rm -f "$OUT"/*.raw "$OUT/tables.md" "$OUT/log.txt"
[ "$(id -u)" -eq 0 ] || { echo "run.sh: needs root (installs the peers, raises limits)" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || true
install_peers
{
    echo "## Run of $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "- machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
    echo "- peers: dnsmasq $(dnsmasq --version | sed -n '1s/.*version \([^ ]*\).*/\1/p'), atftpd $(dpkg-query -W -f='${Version}' atftpd), tftpd-hpa $(dpkg-deb -f "$WORK"/tftpd-hpa_*.deb Version 2>/dev/null || echo '(cached)'), nginx $(nginx -v 2>&1 | sed 's/.*\///'), wrk $(dpkg-query -W -f='${Version}' wrk)"
    echo "- data: $PHONES phones (demo VPN profile), files from \`ucprov export --dir\`; $REPS runs per figure, median shown"
} >"$OUT/tables.md"
make_data
say "data: $(ls "$FILES" | wc -l) files, $(du -sk "$FILES" | cut -f1) kB"
tftp_bench tftp200 200
tftp_table tftp200 "TFTP, no options (as phones fetch), 200 transfers in flight, ${SECS}s per run"
tftp_bench tftp5000 5000
tftp_table tftp5000 "TFTP, no options, 5,000 transfers in flight, ${SECS}s per run"
tftp_bench tftpblk 200 -b 1428
tftp_table tftpblk "TFTP, blksize 1428, 200 in flight"
sgn_bench
http_bench
render_bench
import_bench
rss_bench
sign_bench
nodes_bench
cat "$OUT/tables.md"
