# pg.sh - a private PostgreSQL 15 cluster for the tests, on a loopback port,
# started with initdb/pg_ctl and removed afterwards.  Sourced after lib.sh.
#
#   pg_start      sets PG_URI (postgresql://ucprov@127.0.0.1:PORT/ucprov) and PGDATA_DIR
#   pg_stop       stops the cluster (pg_ctl stop -m fast)
#   pg_restart    pg_ctl start again on the same port and data
# The cluster runs as the invoking user, or as "postgres" when run as root
# (initdb refuses root).  pg_skip_unless_available skips the whole script when
# the server binaries are missing.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_FSYNC=${PG_FSYNC:-off}   # tests need no durability; the benchmarks turn it on
PG_URI=
PG_PORT=
PGDATA_DIR=

pg_available() { [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ]; }

pg_run() {   # pg_run CMD ARGS...: as the cluster's owner
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

pg_start() {
    PGDATA_DIR=$WORK/pgdata
    PG_PORT=$(pg_free_port)
    mkdir -p "$PGDATA_DIR"
    [ "$(id -u)" -eq 0 ] && { chown postgres "$WORK" "$PGDATA_DIR"; chmod 755 "$WORK"; }
    pg_run "$PG_BIN/initdb" -D "$PGDATA_DIR" -U ucprov --auth=trust -E UTF8 >"$WORK/initdb.log" 2>&1 ||
        { cat "$WORK/initdb.log"; return 1; }
    pg_run "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PGDATA_DIR -c fsync=$PG_FSYNC" \
        start >/dev/null || { cat "$PGDATA_DIR/server.log"; return 1; }
    pg_run "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U ucprov ucprov || return 1
    PG_URI="postgresql://ucprov@127.0.0.1:$PG_PORT/ucprov"
}

pg_stop() {
    [ -n "$PGDATA_DIR" ] && pg_run "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null 2>&1
    return 0
}

pg_restart() {
    pg_run "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PGDATA_DIR -c fsync=$PG_FSYNC" \
        start >/dev/null
}

pg_skip_unless_available() {
    if ! pg_available; then
        echo "1..0 # SKIP PostgreSQL 15 server binaries not installed ($PG_BIN)"
        exit 0
    fi
}
