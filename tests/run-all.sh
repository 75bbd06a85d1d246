#!/bin/sh
# run-all.sh: install what is missing, build ucprov twice (warnings as errors;
# AddressSanitizer + UBSan) and run every unit and integration test in both.
# Ends with "N passed, N failed"; exits non-zero when anything failed.
set -u
cd "$(dirname "$0")/.."
TOP=$(pwd)
JOBS=${JOBS:-2}

sh tests/install-deps.sh || exit 1
# The browser tests' one npm package (playwright-core, pinned by the lock file),
# reinstalled when node_modules holds another version; the tests use Debian 12's
# node 18 and nothing newer, so say which node and npm run them.
echo "run-all: node $(node --version 2>&1) ($(command -v node)), npm $(npm --version 2>&1)"
pin=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' tests/browser/package.json)
have=$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' \
    tests/browser/node_modules/playwright-core/package.json 2>/dev/null)
if [ "$have" != "$pin" ]; then
    (cd tests/browser && npm ci --no-audit --no-fund) || exit 1
fi
if [ -f config.status ]; then
    echo "run-all: the source tree is configured in place; cleaning it for out-of-tree builds"
    make distclean >/dev/null 2>&1 || true
fi
[ -x configure ] || autoreconf -fi || exit 1

PASS=0
FAIL=0
count() {   # count LOGFILE: add a test-suite.log's totals
    p=$(sed -n 's/^# PASS: *//p' "$1")
    f=$(sed -n 's/^# FAIL: *//p' "$1")
    e=$(sed -n 's/^# ERROR: *//p' "$1")
    x=$(sed -n 's/^# XPASS: *//p' "$1")
    PASS=$((PASS + ${p:-0}))
    FAIL=$((FAIL + ${f:-0} + ${e:-0} + ${x:-0}))
}

run_build() {   # run_build NAME CONFIGURE-ARGS...
    name=$1; shift
    dir=$TOP/build/$name
    echo "=== $name build: configure $*"
    mkdir -p "$dir"
    if ! (cd "$dir" && "$TOP/configure" "$@" >configure.out 2>&1); then
        tail -20 "$dir/configure.out"
        FAIL=$((FAIL + 1))
        echo "FAIL: $name configure"
        return
    fi
    if ! make -C "$dir" -j"$JOBS" >"$dir/make.out" 2>&1; then
        grep -E 'error|warning' "$dir/make.out" | head -40
        FAIL=$((FAIL + 1))
        echo "FAIL: $name build"
        return
    fi
    make -C "$dir" -j"$JOBS" check ${CHECK_ARGS:-} >"$dir/check.out" 2>&1
    grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' "$dir/check.out" | grep -v '^PASS' | head -50
    for log in "$dir"/test-suite.log; do
        [ -f "$log" ] && count "$log"
    done
    if grep -qE '^# (FAIL|ERROR): *[1-9]' "$dir/test-suite.log" 2>/dev/null; then
        # Show the failing tests' logs so CI output says what broke.
        # A TAP result line names the script, then the assertion: keep the script.
        for t in $(sed -n 's/^\(FAIL\|ERROR\): \([^ ]*\).*$/\2/p' "$dir/check.out" | sort -u); do
            echo "--- ${t%.tap}.log"
            tail -40 "$dir/${t%.tap}.log" 2>/dev/null
        done
    fi
    echo "=== $name: $(sed -n 's/^# \(TOTAL\|PASS\|FAIL\|ERROR\): *\(.*\)/\1 \2/p' "$dir/test-suite.log" | tr '\n' ' ')"
}

run_build werror --enable-werror
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS
# The load and kill suites once, in the build above (tests/integration/local.mk).
CHECK_ARGS="SLOW_TESTS="
run_build sanitizers --enable-werror --enable-sanitizers
CHECK_ARGS=

# The fuzzers: a short run of each on its seed corpus, which holds every input
# that once crashed one (make fuzz FUZZ_SECONDS=600 for a long run).
for f in tftp phonelog cert json csv tlv; do
    if make -C "$TOP/build/werror" "fuzz-$f" FUZZ_SECONDS="${FUZZ_SECONDS:-10}" \
        >"$TOP/build/fuzz-$f.out" 2>&1; then
        PASS=$((PASS + 1))
        echo "PASS: fuzz-$f ($(sed -n 's/^stat::number_of_executed_units: *//p' "$TOP/build/fuzz-$f.out") runs)"
    else
        FAIL=$((FAIL + 1))
        echo "FAIL: fuzz-$f"
        tail -30 "$TOP/build/fuzz-$f.out"
    fi
done

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
