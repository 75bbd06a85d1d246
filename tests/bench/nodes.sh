# nodes.sh - the scale-out benchmarks (issue 14), sourced by run.sh: the same
# TFTP storm and 100k import on one node over SQLite, one node over
# PostgreSQL and two nodes over one PostgreSQL.  The PostgreSQL 15 cluster is a
# private one on a loopback port (tests/integration/pg.sh), with fsync on as a
# production server has it.  Uses run.sh's helpers.

# node_start DB PORT LOG: a node, measured once its warm threads have filled its cache
node_start() {
    : >"$3"
    "$UCPROVD" --db "$1" --key-file "$key" --http 127.0.0.1:0 --cnf-http off --cache-mb "$CACHE_MB" \
        --tftp "127.0.0.1:$2" --tftp-max-transfers 8000 2>>"$3" &
    PIDS="$PIDS $!"
    LAST=$!
    wait_udp "$2"
    wait_passes "$3" 1
}

nodes_bench() {
    PG_FSYNC=on
    # shellcheck source=../integration/pg.sh
    . "$SRC/../integration/pg.sh"
    if ! pg_available; then
        say "nodes: PostgreSQL 15 is not installed; the node figures are skipped"
        return
    fi
    pg_start || { say "nodes: the PostgreSQL cluster did not start"; return; }
    key=$WORK/ucprov.key   # the SQLite site's key, which the copy's sealed secrets need
    "$UCPROV" --key-file "$key" migrate --from "$DB" --to "$PG_URI" >/dev/null
    mkdir -p "$WORK/files-pg"
    "$UCPROV" --key-file "$key" --db "$PG_URI" export --dir "$WORK/files-pg" >/dev/null
    if ! diff -rq "$FILES" "$WORK/files-pg" >/dev/null; then
        say "nodes: the files rendered over PostgreSQL differ from SQLite's"
    fi
    pa=$((BASE_PORT + 60)) pb=$((BASE_PORT + 61))
    for setup in sqlite pg1 pg2; do
        db=$PG_URI
        [ "$setup" = sqlite ] && db=$DB
        node_start "$db" "$pa" "$WORK/node-a.log"
        a=$LAST
        [ "$setup" = pg2 ] && node_start "$db" "$pb" "$WORK/node-b.log"
        for r in $(seq 1 "$REPS"); do
            if [ "$setup" = pg2 ]; then   # the phones split over both addresses of option 150
                "$LOAD" -s "127.0.0.1:$pa" -d "$FILES" -p "$PREFIX" -c 100 -T "$SECS" >"$WORK/na.out" &
                la=$!
                "$LOAD" -s "127.0.0.1:$pb" -d "$FILES" -p "$PREFIX" -c 100 -T "$SECS" >"$WORK/nb.out" || true
                wait "$la" || true
                line="$(cat "$WORK/na.out") | $(cat "$WORK/nb.out")"
                rate=$(cat "$WORK/na.out" "$WORK/nb.out" | while read -r l; do echo "$l" | field rate; done |
                    awk '{ s += $1 } END { print s + 0 }')
                bad=$(cat "$WORK/na.out" "$WORK/nb.out" | while read -r l; do
                    echo "$(echo "$l" | field failures) $(echo "$l" | field mismatches)"; done |
                    awk '{ s += $1 + $2 } END { print s + 0 }')
            else
                line=$("$LOAD" -s "127.0.0.1:$pa" -d "$FILES" -p "$PREFIX" -c 200 -T "$SECS" || true)
                rate=$(echo "$line" | field rate)
                bad=$(( $(echo "$line" | field failures) + $(echo "$line" | field mismatches) ))
            fi
            say "nodes $setup run $r: $line"
            echo "$rate" >>"$WORK/nodes.$setup.rate"
            echo "$bad" >>"$WORK/nodes.$setup.bad"
        done
        [ "$setup" = pg2 ] && stop_last
        LAST=$a
        stop_last
    done
    # The 100k import on PostgreSQL, each run into a new database.
    for r in $(seq 1 "$REPS"); do
        pg_run "$PG_BIN/dropdb" -h 127.0.0.1 -p "$PG_PORT" -U ucprov --if-exists ucprov_import >/dev/null 2>&1
        pg_run "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U ucprov ucprov_import
        uri="postgresql://ucprov@127.0.0.1:$PG_PORT/ucprov_import"
        "$UCPROV" --key-file "$key" --db "$uri" demo >/dev/null
        t0=$(date +%s.%N)
        "$UCPROV" --key-file "$key" --db "$uri" import phones "$WORK/big.csv" >/dev/null
        t1=$(date +%s.%N)
        echo "$t1 $t0" | awk '{ printf "%.3f\n", $1 - $2 }' >>"$WORK/import.pg.times"
        say "nodes: import 100k on PostgreSQL run $r: $(tail -1 "$WORK/import.pg.times") s"
    done
    pg_stop
    {
        printf '\n### One node on SQLite, one node on PostgreSQL, two nodes on one PostgreSQL\n\n'
        printf 'TFTP storm as phones ask (no options, %s phones, 200 in flight in all: 100 at each node with two), %ss runs; 100,000-phone CSV import in one transaction. Median of %s runs.\n\n' "$PHONES" "$SECS" "$REPS"
        echo "| setup | TFTP transfers/s | failures+mismatches | 100k import s | rows/s |"
        echo "|---|---:|---:|---:|---:|"
    } >>"$OUT/tables.md"
    for setup in sqlite pg1 pg2; do
        case $setup in
        sqlite) label="1 node, SQLite"; times=$WORK/import.times ;;
        pg1)    label="1 node, PostgreSQL 15"; times=$WORK/import.pg.times ;;
        pg2)    label="2 nodes, one PostgreSQL 15"; times= ;;
        esac
        rate=$(median <"$WORK/nodes.$setup.rate")
        bad=$(awk '{ s += $1 } END { print s + 0 }' "$WORK/nodes.$setup.bad")
        imp=$([ -n "$times" ] && median <"$times" || echo -)
        awk -v l="$label" -v r="$rate" -v b="$bad" -v i="$imp" 'BEGIN {
            if (i == "-") printf "| %s | %.0f | %d | (same database as above) | |\n", l, r, b
            else printf "| %s | %.0f | %d | %.2f | %.0f |\n", l, r, b, i, 100000 / i }' >>"$OUT/tables.md"
    done
}
