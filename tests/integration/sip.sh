# sip.sh - a private SIP registrar (Debian's kamailio) on 127.0.0.1 and SIPp
# runs against it, for the tests that prove a rendered phone config is usable.
# Sourced after lib.sh; everything lives under $WORK/sip.  Its EXIT trap stops
# kamailio and any SIPp left, then runs lib.sh's cleanup (a script that sets
# its own EXIT trap later must call sip_cleanup in it).
#
#   sip_subscriber AUTHNAME PASSWORD [LINE]
#                 kamailio's subscriber table (db_text) gets AUTHNAME with
#                 PASSWORD, which may register and call as LINE (the user part
#                 of the AOR; default AUTHNAME); called again with the same
#                 AUTHNAME and PASSWORD, it owns one more line
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
#   sip_prove_cnf FILE
#                 the TAP assertions of sip.tap for a rendered SEP<MAC>.cnf.xml
#                 (below); any .tap script that sourced lib.sh and sip.sh can
#                 call it once, e.g. on a file ucprovd served
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
SIP_HERE=${SIP_HERE:-$(cd "$(dirname "$0")" && pwd)}
SIP_SCENARIOS=${SIP_SCENARIOS:-$SIP_HERE/sip}
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
    for sip_d in $SIP_MODULES /usr/lib/*/kamailio/modules /usr/lib/kamailio/modules \
             /usr/local/lib*/kamailio/modules; do
        [ -f "$sip_d/db_text.so" ] && [ -f "$sip_d/auth_db.so" ] && { echo "$sip_d"; return 0; }
    done
    return 1
}

# The kernel's socket tables (no ss needed): local address HEXIP:HEXPORT in
# column 2, state in column 4 (0A: a TCP listener; 07: a bound UDP socket).
sip_sockets() {         # sip_sockets PORT PROTOS [STATE]: PROTOS' sockets on PORT
    sip_f=
    for sip_pr in $2; do sip_f="$sip_f /proc/net/$sip_pr /proc/net/${sip_pr}6"; done
    # shellcheck disable=SC2086  # file names we made
    awk -v port="$(printf '%04X' "$1")" -v st="${3:-}" \
        'FNR > 1 && $2 ~ (":" port "$") && (st == "" || $4 == st)' $sip_f 2>/dev/null
}

sip_port_busy() {       # sip_port_busy PORT: something has tcp or udp PORT
    [ -n "$(sip_sockets "$1" 'tcp udp')" ]
}

sip_free_port() {
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        sip_p=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
        sip_port_busy "$sip_p" || { echo "$sip_p"; return 0; }
    done
    echo "$sip_p"
}

sip_listening() {       # sip_listening PROTO PORT: PROTO (tcp|udp) PORT is bound
    case $1 in
    tcp) [ -n "$(sip_sockets "$2" tcp 0A)" ] ;;
    *)   [ -n "$(sip_sockets "$2" udp 07)" ] ;;
    esac
}

# db_text escapes ':' (its column separator) and '\' in values.
sip_dbtext_escape() {
    printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/:/\\:/g'
}

# sip_subscriber: staged in subscribers (TAB-separated, values db_text-escaped)
# and written as the table by sip_start, one row per AUTHNAME.
sip_subscriber() {
    case "$1$2${3:-}" in
    *'
'*|*'	'*) echo "sip_subscriber: a line end or TAB in a value" >&2; return 1 ;;
    esac
    printf '%s\t%s\t%s\n' "$(sip_dbtext_escape "$1")" "$(sip_dbtext_escape "$2")" \
        "$(sip_dbtext_escape "${3:-$1}")" >>"$SIP_DIR/subscribers"
}

# The table: rpid holds the comma-separated lines AUTHNAME owns (a line's name
# is digits, *, # and +); one AUTHNAME with two passwords is refused.
sip_write_db() {
    printf '%s\n' 'id(int,auto) table_name(string) table_version(int)' '1:version:1' \
        '2:subscriber:7' >"$SIP_DIR/db/version"
    [ -f "$SIP_DIR/subscribers" ] || sip_subscriber nobody "$(od -An -N8 -tx8 /dev/urandom)"
    echo 'id(int,auto) username(string) domain(string,null) password(string) ha1(string,null) ha1b(string,null) rpid(string,null)' \
        >"$SIP_DIR/db/subscriber"
    awk -F '\t' '
        !($1 in pass) { order[++n] = $1; pass[$1] = $2; lines[$1] = $3; next }
        pass[$1] "" != $2 "" { print "sip_subscriber: " $1 " has two passwords" > "/dev/stderr"; bad = 1 }
        { lines[$1] = lines[$1] "," $3 }
        END {
            for (i = 1; i <= n; i++) printf "%d:%s::%s:::%s\n", i, order[i], pass[order[i]], lines[order[i]]
            exit bad
        }' "$SIP_DIR/subscribers" >>"$SIP_DIR/db/subscriber" 2>"$SIP_DIR/db.err"
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
    if (!in_list("\$var(user)", "\$avp(line)", ",")) {
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
    sip_write_db || { sed 's/^/# /' "$SIP_DIR/db.err"; return 1; }
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
    sip_n=0
    while [ $sip_n -lt $((SIP_TIMEOUT * 5)) ]; do
        kill -0 "$SIP_PID" 2>/dev/null || return 1
        sip_listening tcp "$SIP_PORT" && sip_listening udp "$SIP_PORT" && break
        sleep 0.2
        sip_n=$((sip_n + 1))
    done
    for sip_t in udp tcp; do
        sip_ok_ping=
        for _ in 1 2 3 4 5; do
            kill -0 "$SIP_PID" 2>/dev/null || return 1
            if sipp_run "ping-$sip_t" options.xml "$sip_t" -recv_timeout 5000; then
                sip_ok_ping=1
                break
            fi
            sleep 1
        done
        [ -n "$sip_ok_ping" ] || return 1
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
    tcp) sip_mode=t1 ;;
    udp) sip_mode=u1 ;;
    *) echo "sipp_args: transport '$2' not supported" >&2; return 1 ;;
    esac
    echo "-t $sip_mode -i 127.0.0.1 -m 1 -nostdin -timeout ${SIP_TIMEOUT}s -timeout_error -trace_msg -message_file $SIP_DIR/$1.msg -trace_err -error_file $SIP_DIR/$1.err -key domain $SIP_DOMAIN -key sipport $SIP_URI_PORT"
}

sipp_run() {
    sip_name=$1 sip_scen=$2 sip_tr=$3
    shift 3
    sip_a=$(sipp_args "$sip_name" "$sip_tr") || return 1
    # shellcheck disable=SC2086  # $a is our own word list
    (cd "$SIP_DIR" && "$SIPP" 127.0.0.1:"$SIP_PORT" -sf "$SIP_SCENARIOS/$sip_scen" $sip_a "$@" \
        >"$SIP_DIR/$sip_name.log" 2>&1 </dev/null)
}

sipp_start() {
    sip_name=$1 sip_scen=$2 sip_tr=$3 sip_port=$4
    shift 4
    sip_a=$(sipp_args "$sip_name" "$sip_tr") || return 1
    # shellcheck disable=SC2086
    (cd "$SIP_DIR" && exec "$SIPP" -sf "$SIP_SCENARIOS/$sip_scen" -p "$sip_port" $sip_a "$@" \
        >"$SIP_DIR/$sip_name.log" 2>&1 </dev/null) &
    eval "SIP_BG_$sip_name=$!"
    SIP_BG_PIDS="$SIP_BG_PIDS $!"
    for _ in $(seq 1 $((SIP_TIMEOUT * 5))); do
        sip_listening "$sip_tr" "$sip_port" && return 0
        kill -0 "$!" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

sipp_wait() {           # sipp_wait NAME: the background SIPp's exit status
    eval "sip_p=\${SIP_BG_$1:-} sip_k=\${SIP_KILLED_$1:-}"
    [ -n "$sip_p" ] || return 1
    wait "$sip_p"
    sip_r=$?
    [ -z "$sip_k" ] || return 1
    return $sip_r
}

sipp_kill() {           # sipp_kill NAME: end a background SIPp; sipp_wait then fails
    eval "sip_p=\${SIP_BG_$1:-}"
    [ -n "$sip_p" ] && kill "$sip_p" 2>/dev/null
    eval "SIP_KILLED_$1=1"
    return 0
}

# --- the proof for one phone config ----------------------------------------------
# The UA addresses everything to sip:...@processNodeName:sipPort exactly as the
# file says (Request-URI, From, To, digest realm and uri); that name and port
# are reached at 127.0.0.1:SIP_PORT, as DNS and a port forward would, and
# kamailio takes processNodeName:sipPort as its own name.  Host and port are
# the only things mapped: line names, authName and authPassword go to the UA
# and to the registrar's table verbatim.  The first two lines (file order) are
# used; one phone address (127.0.0.1:SIP_UA_PORT) takes calls for both.
sip_prove_cnf() {
    sip_cnf=$1
    if ! sip_available; then
        sip_skip "a phone's lines register and call" "kamailio or sipp not installed"
        return 0
    fi
    sh "$SIP_HERE/sip-values.sh" "$sip_cnf" >"$SIP_DIR/values" 2>"$SIP_DIR/values.err"
    tap_result $? "the UA's values are read from $(basename "$sip_cnf") with xmllint" \
        "$(cat "$SIP_DIR/values.err")"
    SIP_HOST=$(sip_val registrar_host) SIP_URI_PORT=$(sip_val registrar_port)
    SIP_TRANSPORT=$(sip_val transport)
    SIP_TR=$(printf '%s' "$SIP_TRANSPORT" | tr '[:lower:]' '[:upper:]')   # as SIPp writes it
    # shellcheck disable=SC2046  # the buttons, split on purpose
    set -- $(sip_val lines)
    if [ $# -lt 2 ]; then
        tap_result 1 "the file has two lines" "buttons: '$*'; each needs name, authName, authPassword"
        return 1
    fi
    tap_result 0 "the file has two lines (buttons $*)"
    SIP_B1=$1 SIP_B2=$2
    SIP_L1=$(sip_val "line${1}_name") SIP_A1=$(sip_val "line${1}_authName")
    SIP_P1=$(sip_val "line${1}_authPassword")
    SIP_L2=$(sip_val "line${2}_name") SIP_A2=$(sip_val "line${2}_authName")
    SIP_P2=$(sip_val "line${2}_authPassword")
    if [ "$SIP_TRANSPORT" = tls ]; then
        sip_skip "lines register and call over the file's transport" "TLS: this kamailio and sipp have none"
        return 0
    fi
    # The registrar's table, from the same directory numbers the file carries.
    sip_subscriber "$SIP_A1" "$SIP_P1" "$SIP_L1"
    sip_subscriber "$SIP_A2" "$SIP_P2" "$SIP_L2"
    if ! sip_start "$SIP_HOST" "$SIP_URI_PORT"; then
        tap_result 1 "kamailio answers OPTIONS for $SIP_HOST:$SIP_URI_PORT"
        return 1
    fi
    tap_result 0 "kamailio answers OPTIONS for $SIP_HOST:$SIP_URI_PORT on 127.0.0.1:$SIP_PORT (udp and tcp)"
    SIP_UA_PORT=$(sip_free_port)
    while [ "$SIP_UA_PORT" = "$SIP_PORT" ]; do SIP_UA_PORT=$(sip_free_port); done
    sip_prove_register
    sip_prove_call
    sip_prove_refusals
    sip_stop
}

sip_prove_register() {
    sip_register reg1 register.xml "$SIP_L1" "$SIP_A1" "$SIP_P1"
    tap_result $? "line $SIP_B1 ($SIP_L1, authName $SIP_A1) registers: 200 OK" "$(sip_err reg1)"
    like "the registrar took line $SIP_B1 over $SIP_TRANSPORT" "$(cat "$SIP_DIR/kamailio.log")" \
        "sip\\.sh: registered $(sip_re "$SIP_L1 as $SIP_A1") via $SIP_TRANSPORT\$"
    sip_has "its 200 OK binds line $SIP_B1 to the phone's contact" reg1 \
        "^Contact: <sip:$(sip_re "$SIP_L1")@127\\.0\\.0\\.1:$SIP_UA_PORT;transport=$SIP_TR>;expires=[1-9]"
    sip_register reg2 register.xml "$SIP_L2" "$SIP_A2" "$SIP_P2"
    tap_result $? "line $SIP_B2 ($SIP_L2, authName $SIP_A2) registers: 200 OK" "$(sip_err reg2)"
}

# Line 2 calls line 1: the phone answers on line 1's contact.
sip_prove_call() {
    sipp_start answer answer.xml "$SIP_TRANSPORT" "$SIP_UA_PORT" -s "$SIP_L1"
    tap_result $? "the called phone listens on 127.0.0.1:$SIP_UA_PORT ($SIP_TRANSPORT)"
    sipp_run call call.xml "$SIP_TRANSPORT" -s "$SIP_L1" -key caller "$SIP_L2" \
        -au "$SIP_A2" -ap "$SIP_P2" -auth_uri "$SIP_L1@$SIP_HOST:$SIP_URI_PORT"
    sip_rc=$?
    tap_result $sip_rc "line $SIP_B2 calls $SIP_L1: 407 answered, INVITE 200 OK, ACK, BYE 200 OK" \
        "$(sip_err call)"
    [ $sip_rc -eq 0 ] || sipp_kill answer
    sipp_wait answer
    tap_result $? "line $SIP_B1's phone answered the call and the hang-up" "$(sip_err answer)"
    sip_has "the INVITE reached line $SIP_B1's registration" answer \
        "^INVITE sip:$(sip_re "$SIP_L1")@127\\.0\\.0\\.1:$SIP_UA_PORT;transport=$SIP_TR SIP/2\\.0"
    sip_has "it came from line $SIP_B2" answer "^From: <sip:$(sip_re "$SIP_L2@$SIP_HOST:$SIP_URI_PORT")>"
}

# Credentials a phone must not get through with: answered 401 or 403.
sip_prove_refusals() {
    sip_register bad1 refused.xml "$SIP_L1" "$SIP_A1" "${SIP_P1}x"
    tap_result $? "line $SIP_B1 with a wrong password is refused after the challenge" "$(sip_err bad1)"
    like "with 401 or 403" "$(sip_last_status bad1)" '^40[13]$'
    if [ "$SIP_A2" = "$SIP_A1" ]; then
        sip_skip "line $SIP_B1 with line $SIP_B2's credentials is refused" "the lines share authName $SIP_A1"
    else
        sip_register bad2 refused.xml "$SIP_L1" "$SIP_A2" "$SIP_P2"
        tap_result $? "line $SIP_B1 with line $SIP_B2's authName and password is refused" "$(sip_err bad2)"
        like "with 401 or 403" "$(sip_last_status bad2)" '^40[13]$'
    fi
    sip_n=$(grep -cF "sip.sh: registered $SIP_L1 as " "$SIP_DIR/kamailio.log")
    is "line $SIP_B1 was registered once, by its own credentials" "$sip_n" 1
}

# sip_register NAME SCENARIO LINE AUTHNAME PASSWORD: one REGISTER run
sip_register() {
    sipp_run "$1" "$2" "$SIP_TRANSPORT" -s "$3" -au "$4" -ap "$5" \
        -auth_uri "$SIP_HOST:$SIP_URI_PORT" -key contact_port "$SIP_UA_PORT"
}

sip_val() {             # sip_val KEY: a value sip-values.sh printed
    sed -n "s/^$1=//p" "$SIP_DIR/values" | head -n 1
}

sip_re() {              # sip_re TEXT: TEXT as a literal in an extended regex
    printf '%s' "$1" | sed 's/[].[^$*+?(){}|\\/]/\\&/g'
}

sip_err() {             # sip_err NAME: the tail of SIPp's error trace, if any
    tail -n 5 "$SIP_DIR/$1.err" 2>/dev/null
}

sip_skip() {            # sip_skip DESCRIPTION REASON
    TAP_N=$((TAP_N + 1))
    echo "ok $TAP_N - $1 # SKIP $2"
}

# sip_has DESCRIPTION NAME PATTERN: a line of SIPp's trace NAME.msg matches (grep -E)
sip_has() {
    if tr -d '\r' <"$SIP_DIR/$2.msg" | grep -Eq -- "$3"; then
        tap_result 0 "$1"
        return 0
    fi
    tap_result 1 "$1" "no line of $2.msg matches /$3/; it has:
$(tr -d '\r' <"$SIP_DIR/$2.msg" | grep -E '^([A-Z]+ sip:|SIP/2\.0 |Contact:|From:|To:)' | head -n 12)"
}

sip_last_status() {     # sip_last_status NAME: the status of the last response SIPp got
    tr -d '\r' <"$SIP_DIR/$1.msg" | sed -n 's/^SIP\/2\.0 \([0-9][0-9][0-9]\) .*/\1/p' | tail -n 1
}

sip_cleanup() {
    for sip_p in $SIP_BG_PIDS; do
        kill "$sip_p" 2>/dev/null && wait "$sip_p" 2>/dev/null
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
trap 'trap "" PIPE; exit 141' PIPE   # a reader gone (| head): still clean up
