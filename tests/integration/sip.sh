# sip.sh - a private SIP registrar (Debian's kamailio) on 127.0.0.1 and SIPp
# runs against it, for the tests that prove a rendered phone config is usable.
# Sourced after lib.sh; everything lives under $WORK/sip and is stopped on exit.
#
#   sip_subscriber AUTHNAME PASSWORD [LINE]
#                 a row of kamailio's subscriber table (db_text): AUTHNAME with
#                 PASSWORD may register and call as LINE (the user part of the
#                 AOR; default AUTHNAME) and as no other
#   sip_start DOMAIN URIPORT [PORT]
#                 kamailio on udp and tcp 127.0.0.1:PORT (default: a free one),
#                 taking DOMAIN:URIPORT (the registrar as the phone names it in
#                 its URIs: processNodeName and sipPort) as its own; sets
#                 SIP_PORT; returns once it answers OPTIONS on both transports
#   sip_stop      stops it (TERM, then KILL of its process group)
#   sipp_run NAME SCENARIO TRANSPORT [SIPP ARGS...]
#                 SIPp, one call, as a client of the registrar; its exit status
#   sipp_start NAME SCENARIO TRANSPORT PORT [SIPP ARGS...]
#                 SIPp in server mode on 127.0.0.1:PORT in the background; returns
#                 once the port is bound; sipp_wait NAME waits for its exit status,
#                 sipp_kill NAME ends it
#   sip_free_port a port free on 127.0.0.1 for both tcp and udp
#
# The registrar: REGISTER and INVITE are challenged (digest, realm = the From
# domain, HA1 computed from the plaintext password); a wrong password or an
# unknown user name is answered 403; the authenticated name must own the line
# (To user for REGISTER, From user for INVITE) or it is 403 too.  Registered
# contacts are kept in memory (usrloc), an INVITE for a registered line is
# relayed (record-routed) to its contact.  Logs: $WORK/sip/kamailio.log,
# $WORK/sip/NAME.log and NAME.msg (SIPp's screen and message trace).

KAMAILIO=${KAMAILIO:-kamailio}
SIPP=${SIPP:-sipp}
SIP_MODULES=${SIP_MODULES:-}
SIP_DIR=$WORK/sip
SIP_PORT=
SIP_PID=
SIP_DOMAIN=
SIP_URI_PORT=
SIP_BG_PIDS=
SIP_SCENARIOS=${SIP_SCENARIOS:-$(cd "$(dirname "$0")/sip" && pwd)}
SIP_TIMEOUT=${SIP_TIMEOUT:-60}

mkdir -p "$SIP_DIR/db"

sip_available() {
    command -v "$KAMAILIO" >/dev/null 2>&1 && command -v "$SIPP" >/dev/null 2>&1 &&
        [ -n "$(sip_module_dir)" ]
}

sip_skip_unless_available() {
    sip_available && return 0
    echo "1..0 # SKIP kamailio (with db_text) or sipp (sip-tester) not installed"
    exit 0
}

sip_module_dir() {
    for d in $SIP_MODULES /usr/lib/*/kamailio/modules /usr/lib/kamailio/modules \
             /usr/local/lib*/kamailio/modules; do
        [ -f "$d/db_text.so" ] && [ -f "$d/auth_db.so" ] && { echo "$d"; return 0; }
    done
    return 1
}

sip_port_busy() {       # sip_port_busy PORT: something has tcp or udp PORT
    command -v ss >/dev/null 2>&1 || return 1
    [ -n "$(ss -Htuan "sport = :$1" 2>/dev/null)" ]
}

sip_free_port() {
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        p=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
        sip_port_busy "$p" || { echo "$p"; return 0; }
    done
    echo "$p"
}

sip_listening() {       # sip_listening PROTO PORT: PROTO (tcp|udp) PORT is bound
    command -v ss >/dev/null 2>&1 || { sleep 1; return 0; }
    case $1 in
    tcp) [ -n "$(ss -Hltn "sport = :$2" 2>/dev/null)" ] ;;
    *)   [ -n "$(ss -Hlun "sport = :$2" 2>/dev/null)" ] ;;
    esac
}

# db_text escapes ':' (the column separator), '\' and line ends in values.
sip_dbtext_escape() {
    printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/:/\\:/g'
}

sip_subscriber() {
    f=$SIP_DIR/db/subscriber
    if [ ! -f "$f" ]; then
        echo 'id(int,auto) username(string) domain(string,null) password(string) ha1(string,null) ha1b(string,null) rpid(string,null)' >"$f"
        SIP_SUB_N=0
    fi
    case "$1$2${3:-}" in
    *'
'*) echo "sip_subscriber: a line end in a value" >&2; return 1 ;;
    esac
    SIP_SUB_N=$((SIP_SUB_N + 1))
    printf '%s:%s::%s:::%s\n' "$SIP_SUB_N" "$(sip_dbtext_escape "$1")" \
        "$(sip_dbtext_escape "$2")" "$(sip_dbtext_escape "${3:-$1}")" >>"$f"
}

sip_write_db() {
    printf '%s\n' 'id(int,auto) table_name(string) table_version(int)' '1:version:1' \
        '2:subscriber:7' >"$SIP_DIR/db/version"
    [ -f "$SIP_DIR/db/subscriber" ] || sip_subscriber nobody "$(od -An -N8 -tx8 /dev/urandom)"
}

# The configuration: stateless challenge and registrar, stateful relay.
sip_write_cfg() {
    cat >"$SIP_DIR/kamailio.cfg" <<EOF
#!KAMAILIO
debug=2
log_stderror=yes
log_prefix="{\$mt \$hdr(CSeq) \$ci} "
children=2
tcp_children=2
auto_aliases=no
listen=udp:127.0.0.1:$SIP_PORT
listen=tcp:127.0.0.1:$SIP_PORT
alias="$SIP_DOMAIN":$SIP_URI_PORT
dns=no
rev_dns=no
use_dns_cache=off
mpath="$(sip_module_dir)/"

loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "db_text.so"
loadmodule "auth.so"
loadmodule "auth_db.so"

modparam("usrloc", "db_mode", 0)
modparam("auth_db", "db_url", "text://$SIP_DIR/db")
modparam("auth_db", "calculate_ha1", 1)
modparam("auth_db", "password_column", "password")
modparam("auth_db", "use_domain", 0)
modparam("auth_db", "load_credentials", "\$avp(line)=rpid")
modparam("rr", "enable_full_lr", 1)

request_route {
    if (!mf_process_maxfwd_header("10")) {
        sl_send_reply("483", "Too Many Hops");
        exit;
    }
    if (!sanity_check("1511", "7")) exit;
    if (has_totag()) {
        if (loose_route()) {
            t_relay();
            exit;
        }
        if (is_method("ACK") && t_check_trans()) t_relay();
        else if (!is_method("ACK")) sl_send_reply("404", "Not here");
        exit;
    }
    if (is_method("CANCEL")) {
        if (t_check_trans()) t_relay();
        exit;
    }
    if (!is_method("ACK")) {
        if (t_precheck_trans()) {
            t_check_trans();
            exit;
        }
        t_check_trans();
    }
    if (!uri == myself) {
        sl_send_reply("403", "Not relaying");
        exit;
    }
    if (is_method("OPTIONS") && \$rU == \$null) {
        sl_send_reply("200", "Alive");
        exit;
    }
    route(AUTH);
    if (is_method("REGISTER")) {
        if (!save("location")) sl_reply_error();
        else xlog("L_NOTICE", "sip.sh: registered \$tU as \$au via \$pr\n");
        exit;
    }
    if (!is_method("INVITE")) {
        sl_send_reply("405", "Method Not Allowed");
        exit;
    }
    record_route();
    if (!lookup("location")) {
        sl_send_reply("404", "Not Registered");
        exit;
    }
    xlog("L_NOTICE", "sip.sh: call from \$fU to \$tU relayed to \$ru\n");
    if (!t_relay()) sl_reply_error();
}

route[AUTH] {
    if (is_method("REGISTER")) \$var(user) = \$tU;
    else \$var(user) = \$fU;
    auth_check("\$fd", "subscriber", "0");
    \$var(rc) = \$rc;
    if (\$var(rc) == -2 || \$var(rc) == -3) {
        xlog("L_NOTICE", "sip.sh: refused \$au for \$var(user) (\$var(rc))\n");
        sl_send_reply("403", "Forbidden");
        exit;
    }
    if (\$var(rc) < 0) {
        auth_challenge("\$fd", "0");
        exit;
    }
    if (\$avp(line) != \$var(user)) {
        xlog("L_NOTICE", "sip.sh: \$au does not own line \$var(user)\n");
        sl_send_reply("403", "Not Your Line");
        exit;
    }
    consume_credentials();
}
EOF
}

# sip_start DOMAIN URIPORT [PORT]: a port is retried only when it was chosen here.
sip_start() {
    SIP_DOMAIN=$1 SIP_URI_PORT=$2
    sip_write_db
    for _ in 1 2 3 4 5; do
        SIP_PORT=${3:-$(sip_free_port)}
        sip_write_cfg
        "$KAMAILIO" -c -f "$SIP_DIR/kamailio.cfg" >"$SIP_DIR/check.log" 2>&1 ||
            { sed 's/^/# /' "$SIP_DIR/check.log" | tail -n 20; return 1; }
        # setsid: kamailio and its children form a process group we can kill.
        setsid "$KAMAILIO" -f "$SIP_DIR/kamailio.cfg" -DD -E -m 64 -M 8 -Y "$SIP_DIR" -w "$SIP_DIR" \
            >>"$SIP_DIR/kamailio.log" 2>&1 &
        SIP_PID=$!
        sip_wait_ready && return 0
        sip_stop
        [ -n "${3:-}" ] && break
    done
    echo "# kamailio did not start or answer OPTIONS; its log and the last ping:"
    tail -n 20 "$SIP_DIR/kamailio.log" | sed 's/^/#   /'
    cat "$SIP_DIR"/ping-*.err "$SIP_DIR"/ping-*.log 2>/dev/null | tail -n 10 | sed 's/^/#   /'
    return 1
}

# Ready: both sockets bound, then an OPTIONS ping answered over each transport.
sip_wait_ready() {
    n=0
    while [ $n -lt $((SIP_TIMEOUT * 5)) ]; do
        kill -0 "$SIP_PID" 2>/dev/null || return 1
        sip_listening tcp "$SIP_PORT" && sip_listening udp "$SIP_PORT" && break
        sleep 0.2
        n=$((n + 1))
    done
    for t in udp tcp; do
        ok_ping=
        for _ in 1 2 3 4 5; do
            kill -0 "$SIP_PID" 2>/dev/null || return 1
            if sipp_run "ping-$t" options.xml "$t" -recv_timeout 5000; then
                ok_ping=1
                break
            fi
            sleep 1
        done
        [ -n "$ok_ping" ] || return 1
    done
}

sip_stop() {
    [ -n "$SIP_PID" ] || return 0
    kill "$SIP_PID" 2>/dev/null
    for _ in $(seq 1 50); do
        kill -0 "$SIP_PID" 2>/dev/null || break
        sleep 0.2
    done
    kill -KILL -- "-$SIP_PID" 2>/dev/null
    wait "$SIP_PID" 2>/dev/null
    SIP_PID=
    return 0
}

sipp_args() {           # sipp_args NAME TRANSPORT: the options every run shares
    case $2 in
    tcp) t=t1 ;;
    udp) t=u1 ;;
    *) echo "sipp_args: transport '$2' not supported" >&2; return 1 ;;
    esac
    echo "-t $t -i 127.0.0.1 -m 1 -nostdin -timeout ${SIP_TIMEOUT}s -timeout_error -trace_msg -message_file $SIP_DIR/$1.msg -trace_err -error_file $SIP_DIR/$1.err -key domain $SIP_DOMAIN -key sipport $SIP_URI_PORT"
}

sipp_run() {
    name=$1 scen=$2 tr=$3
    shift 3
    a=$(sipp_args "$name" "$tr") || return 1
    # shellcheck disable=SC2086  # $a is our own word list
    (cd "$SIP_DIR" && "$SIPP" 127.0.0.1:"$SIP_PORT" -sf "$SIP_SCENARIOS/$scen" $a "$@" \
        >"$SIP_DIR/$name.log" 2>&1 </dev/null)
}

sipp_start() {
    name=$1 scen=$2 tr=$3 port=$4
    shift 4
    a=$(sipp_args "$name" "$tr") || return 1
    # shellcheck disable=SC2086
    (cd "$SIP_DIR" && exec "$SIPP" -sf "$SIP_SCENARIOS/$scen" -p "$port" $a "$@" \
        >"$SIP_DIR/$name.log" 2>&1 </dev/null) &
    eval "SIP_BG_$name=$!"
    SIP_BG_PIDS="$SIP_BG_PIDS $!"
    for _ in $(seq 1 $((SIP_TIMEOUT * 5))); do
        sip_listening "$tr" "$port" && return 0
        kill -0 "$!" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

sipp_wait() {           # sipp_wait NAME: the background SIPp's exit status
    eval "p=\${SIP_BG_$1:-} k=\${SIP_KILLED_$1:-}"
    [ -n "$p" ] || return 1
    wait "$p"
    r=$?
    [ -z "$k" ] || return 1
    return $r
}

sipp_kill() {           # sipp_kill NAME: end a background SIPp; sipp_wait then fails
    eval "p=\${SIP_BG_$1:-}"
    [ -n "$p" ] && kill "$p" 2>/dev/null
    eval "SIP_KILLED_$1=1"
    return 0
}

sip_cleanup() {
    for p in $SIP_BG_PIDS; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    SIP_BG_PIDS=
    if [ "$TAP_FAILED" -ne 0 ] && [ -f "$SIP_DIR/kamailio.log" ]; then
        echo "# kamailio log tail:"
        tail -n 30 "$SIP_DIR/kamailio.log" | sed 's/^/#   /'
    fi
    sip_stop
}
trap 'sip_cleanup; cleanup' EXIT
trap 'exit 143' HUP INT TERM
