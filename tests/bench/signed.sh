# signed.sh - the benchmarks of signed files (issue 13), sourced by run.sh:
#   sgn_bench          a storm on SEP<MAC>.cnf.xml.sgn against SEP<MAC>.cnf.xml,
#                      same daemon, alternating runs: TFTP as phones ask (no
#                      options), TFTP with blksize 1428, and HTTP on the config port
#   sign_bench         signing throughput after a change to 100,000 phones, against
#                      `openssl speed -multi NPROC rsa2048` on the same machine
# Uses run.sh's helpers (say, median, field, start_bg, stop_last, wait_udp).

# blocks SIZE: the DATA packets of a TFTP transfer of SIZE bytes at 512 bytes each
blocks_of() { echo "$1" | awk '{ print int($1 / 512) + 1 }'; }

# avg_size DIR SUFFIX: the mean size of the load's files
avg_size() {
    # shellcheck disable=SC2012
    ls -l "$1" | awk -v p="$PREFIX" -v x="$2" '$9 ~ "^" p && substr($9, length($9) - length(x) + 1) == x { s += $5; n++ }
        END { if (n) printf "%.0f\n", s / n; else print 0 }'
}

sgn_bench() {
    port=$((BASE_PORT + 40)) cport=$((BASE_PORT + 41))
    start_bg "$UCPROVD" --db "$DB" --http 127.0.0.1:0 --cnf-http "127.0.0.1:$cport" \
        --tftp "127.0.0.1:$port" --tftp-max-transfers 8000 --cache-mb "$CACHE_MB"
    wait_udp "$port"
    # The signed twins, fetched once (and so signed once) over the config port:
    # the load generator compares every byte it gets with them.
    mkdir -p "$WORK/sgn"
    ls "$FILES" | grep "^$PREFIX" >"$WORK/urls.plain"
    sed 's/$/.sgn/' "$WORK/urls.plain" >"$WORK/urls.sgn"
    awk -v base="http://127.0.0.1:$cport/" '{ printf "url = \"%s%s\"\noutput = \"%s\"\n", base, $1, $1 }' \
        "$WORK/urls.sgn" >"$WORK/sgn.curl"
    (cd "$WORK/sgn" && curl -s -K "$WORK/sgn.curl")
    # Plain and signed alternate, SGN_REPS times each: the two rates are close
    # and a run differs from the next by 10 % or more on a shared machine.
    for r in $(seq 1 "${SGN_REPS:-7}"); do
        for kind in plain sgn; do
            if [ "$kind" = plain ]; then dir=$FILES x=.cnf.xml; else dir=$WORK/sgn x=.cnf.xml.sgn; fi
            for mode in tftp blk; do
                line=$("$LOAD" -s "127.0.0.1:$port" -d "$dir" -p "$PREFIX" -x "$x" -c 200 -T "$SECS" \
                    $([ "$mode" = blk ] && echo -b 1428) || true)
                say "sgn $mode $kind run $r: $line"
                echo "$line" | field rate >>"$WORK/sgn.$mode.$kind"
                echo "$line" | field failures >>"$WORK/sgn.$mode.$kind.fail"
            done
            URLS=$WORK/urls.$kind wrk -t1 -c100 -d"${SECS}s" -s "$SRC/urls.lua" \
                "http://127.0.0.1:$cport/" >"$WORK/wrk.out" 2>&1 || true
            rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK/wrk.out")
            errs=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$WORK/wrk.out")
            say "sgn http $kind run $r: rps=$rps non2xx=${errs:-0}"
            echo "${rps:-0}" >>"$WORK/sgn.http.$kind"
            echo "${errs:-0}" >>"$WORK/sgn.http.$kind.fail"
        done
    done
    stop_last
    psize=$(avg_size "$FILES" .cnf.xml) ssize=$(avg_size "$WORK/sgn" .cnf.xml.sgn)
    pblk=$(blocks_of "$psize") sblk=$(blocks_of "$ssize")
    {
        printf '\n### Signed files: storm on SEP<MAC>.cnf.xml.sgn against SEP<MAC>.cnf.xml (same daemon, alternating runs, %s runs each)\n\n' "${SGN_REPS:-7}"
        printf 'Average file: plain %s bytes (%s DATA packets of 512), signed %s bytes (%s packets).\n\n' \
            "$psize" "$pblk" "$ssize" "$sblk"
        echo "| storm | plain /s | .sgn /s | ratio (goal >= 0.95) | ratio per packet | failures (mismatches included) |"
        echo "|---|---:|---:|---:|---:|---:|"
    } >>"$OUT/tables.md"
    for mode in tftp blk http; do
        case $mode in
        tftp) label="TFTP, no options (as phones ask), 200 in flight" pk=$pblk sk=$sblk ;;
        blk)  label="TFTP, blksize 1428, 200 in flight"
              pk=$(echo "$psize" | awk '{ print int($1 / 1428) + 1 }')
              sk=$(echo "$ssize" | awk '{ print int($1 / 1428) + 1 }') ;;
        http) label="HTTP config port (6970), wrk -c100, keep-alive" pk=1 sk=1 ;;
        esac
        p=$(median <"$WORK/sgn.$mode.plain") s=$(median <"$WORK/sgn.$mode.sgn")
        bad=$(cat "$WORK/sgn.$mode.plain.fail" "$WORK/sgn.$mode.sgn.fail" | awk '{ s += $1 } END { print s + 0 }')
        awk -v l="$label" -v p="$p" -v s="$s" -v pk="$pk" -v sk="$sk" -v bad="$bad" 'BEGIN {
            printf "| %s | %.0f | %.0f | %.2f | %.2f | %d |\n", l, p, s, (p > 0 ? s / p : 0),
                   (p > 0 ? (s * sk) / (p * pk) : 0), bad }' >>"$OUT/tables.md"
    done
}

# wait_passes LOG N: until the daemon's log holds N warm-pass lines (10 minutes at most)
wait_passes() {
    for _ in $(seq 1 3000); do
        [ "$(grep -c 'cache warmer:' "$1")" -ge "$2" ] && return 0
        sleep 0.2
    done
    say "no warm pass $2 in $1"
    return 1
}

# pass_line LOG: "rendered render_s signed sign_s total_s" of the last warm pass
pass_line() {
    grep 'cache warmer:' "$1" | tail -1 |
        sed -n 's/.*: \([0-9]*\) configs rendered in \([0-9.]*\) s, \([0-9]*\) signed in \([0-9.]*\) s, \([0-9.]*\) s in all.*/\1 \2 \3 \4 \5/p'
}

# profile_change VALUE: the demo's VPN common phone profile (every phone's) changed
profile_change() {
    curl -s -o /dev/null -u bench:bench-password-1 -X PATCH -H 'Content-Type: application/json' \
        -d "{\"dnd_call_alert\":\"$1\"}" "http://127.0.0.1:$aport/api/v1/common-phone-profiles/2"
}

sign_bench() {
    # The 100,000-phone site of import_bench, served with a cache that holds
    # every plain and signed file, so each pass re-signs the whole site.
    sdb=$WORK/import.db port=$((BASE_PORT + 50)) aport=$((BASE_PORT + 51)) cport=$((BASE_PORT + 52))
    printf 'bench-password-1\n' | "$UCPROV" --db "$sdb" admin add bench >/dev/null 2>&1 || true
    ncpu=$(nproc)
    for r in $(seq 1 "$REPS"); do
        openssl speed -seconds "$SECS" -multi "$ncpu" rsa2048 2>/dev/null |
            awk '/^rsa 2048 bits/ { print $6 }' >>"$WORK/openssl.sign"
    done
    ossl=$(median <"$WORK/openssl.sign")
    say "openssl speed -multi $ncpu rsa2048: $(tr '\n' ' ' <"$WORK/openssl.sign") sign/s"
    log=$WORK/sign.log
    : >"$log"
    "$UCPROVD" --db "$sdb" --http "127.0.0.1:$aport" --cnf-http "127.0.0.1:$cport" \
        --tftp "127.0.0.1:$port" --tftp-max-transfers 8000 --cache-mb 2048 2>>"$log" &
    PIDS="$PIDS $!"
    LAST=$!
    wait_passes "$log" 1 || { stop_last; return; }
    say "sign: start pass: $(pass_line "$log")"
    echo "start $(pass_line "$log")" >>"$WORK/sign.rows"
    n=1
    for r in $(seq 1 "$REPS"); do   # a TFTP key rotation: every signature is stale
        "$UCPROV" --db "$sdb" trust rotate tftp >/dev/null
        sleep 1.1   # the daemon looks at the trust generation once a second, on a fetch
        curl -s -o /dev/null "http://127.0.0.1:$cport/XMLDefault.cnf.xml.sgn"
        n=$((n + 1))
        wait_passes "$log" "$n" || break
        say "sign: rotation $r: $(pass_line "$log")"
        echo "rotate $(pass_line "$log")" >>"$WORK/sign.rows"
    done
    # A change to the common phone profile every phone uses: render and sign
    # every file again.
    profile_change flash_only   # the demo's profile says beep_only
    n=$((n + 1))
    wait_passes "$log" "$n"
    say "sign: profile changed: $(pass_line "$log")"
    echo "profile $(pass_line "$log")" >>"$WORK/sign.rows"
    # The same under a storm of phones: a rotation, then the profile back.
    for change in rotate profile; do
        if [ "$change" = rotate ]; then
            "$UCPROV" --db "$sdb" trust rotate tftp >/dev/null
            sleep 1.1
            curl -s -o /dev/null "http://127.0.0.1:$cport/XMLDefault.cnf.xml.sgn"
        else
            profile_change beep_only
        fi
        "$LOAD" -s "127.0.0.1:$port" -d "$WORK/files100k" -p "$PREFIX" -c 200 -T 600 -C \
            >"$WORK/storm.out" 2>&1 &
        storm=$!
        n=$((n + 1))
        wait_passes "$log" "$n"
        kill -TERM "$storm" 2>/dev/null; wait "$storm" 2>/dev/null || true
        say "sign: $change under a storm: $(pass_line "$log"); storm: $(cat "$WORK/storm.out")"
        echo "$change-storm $(pass_line "$log") $(field rate <"$WORK/storm.out") $(field failures <"$WORK/storm.out") $(field changed <"$WORK/storm.out")" >>"$WORK/sign.rows"
    done
    stop_last
    {
        printf '\n### Signing after a change to 100,000 phones (warm threads: one per core; %s runs of openssl)\n\n' "$REPS"
        printf '`openssl speed -seconds %s -multi %s rsa2048`: %s sign/s (median).  A pass renders every missing file, then signs: signatures/s is the signing phase alone.\n\n' "$SECS" "$ncpu" "$ossl"
        echo "| pass | rendered | in s | signed | in s | signatures/s | vs openssl (goal >= 0.8) | whole pass s | storm transfers/s | storm failures | storm files new |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    } >>"$OUT/tables.md"
    awk -v o="$ossl" '{
        label = "common profile changed, phones fetching (render + sign)"
        if ($1 == "profile") label = "common profile changed (render + sign)"
        if ($1 == "start") label = "first start (render + sign)"
        if ($1 == "rotate") label = "TFTP key rotated (sign)"
        if ($1 == "rotate-storm") label = "TFTP key rotated, phones fetching (sign)"
        rate = $5 > 0 ? $4 / $5 : 0
        storm = NF >= 7 ? $7 : "-"; fail = NF >= 8 ? $8 : "-"; fresh = NF >= 9 ? $9 : "-"
        printf "| %s | %d | %.2f | %d | %.2f | %.0f | %.2f | %.2f | %s | %s | %s |\n", label, $2, $3, $4, $5, rate, (o > 0 ? rate / o : 0), $6, storm, fail, fresh
    }' "$WORK/sign.rows" >>"$OUT/tables.md"
}
