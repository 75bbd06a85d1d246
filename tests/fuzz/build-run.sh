#!/bin/sh
# build-run.sh NAME "LIBS" SOURCE...: build tests/fuzz/fuzz_NAME with libFuzzer
# and the sanitizers, then run it on its seed corpus for SECONDS_MAX seconds.
# New inputs go to tests/fuzz/NAME.work in the build tree; the corpus in the
# source tree is only read.  Exits non-zero when the fuzzer finds a crash.
set -eu
name=$1 libs=$2
shift 2
mkdir -p tests/fuzz "tests/fuzz/$name.work"
# shellcheck disable=SC2086
$CC $FLAGS "$@" -o "tests/fuzz/fuzz_$name" $libs
"./tests/fuzz/fuzz_$name" -max_total_time="$SECONDS_MAX" -print_final_stats=1 \
    -artifact_prefix="tests/fuzz/$name-" "tests/fuzz/$name.work" "$CORPUS/$name"
