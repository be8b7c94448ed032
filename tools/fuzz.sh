#!/bin/sh
# Build the libFuzzer targets in build-fuzz (clang-14, ASan + UBSan, library
# instrumented for coverage) and run one of them.
#
# Usage: tools/fuzz.sh TARGET [SECONDS] [LIBFUZZER-OPTION...]
#   TARGET   a fuzz/fuzz-TARGET.c (tcg, ccel)
#   SECONDS  time limit (default 60; 0 = none, e.g. with -runs=N)
# New inputs go to build-fuzz/fuzz-work/TARGET/corpus, crashes to
# build-fuzz/fuzz-work/TARGET/artifacts; the committed seeds, past crashes
# and (when present) the shared evidence corpus are read as extra inputs.
# Add a crash that was fixed to fuzz/crashes/TARGET/ so every build replays it.
set -eu
cd "$(dirname "$0")/.."

if [ $# -lt 1 ]; then
    echo "usage: $0 TARGET [SECONDS] [LIBFUZZER-OPTION...]" >&2
    exit 1
fi
target=$1
secs=${2:-60}
[ $# -ge 2 ] && shift 2 || shift 1
if [ ! -f "fuzz/fuzz-$target.c" ]; then
    echo "$0: no fuzz target fuzz/fuzz-$target.c" >&2
    exit 1
fi

if [ ! -d build-fuzz ]; then
    CC=clang-14 meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
        -Dbuildtype=debugoptimized -Dc_args=-fsanitize=fuzzer-no-link
fi
ninja -C build-fuzz "fuzz/fuzz-$target"

work="build-fuzz/fuzz-work/$target"
mkdir -p "$work/corpus" "$work/artifacts"
set -- -artifact_prefix="$work/artifacts/" -max_len=65536 "$@"
[ "$secs" -gt 0 ] && set -- -max_total_time="$secs" "$@"
[ -f "fuzz/$target.dict" ] && set -- -dict="fuzz/$target.dict" "$@"

# The shared evidence corpus, read-only, as extra seeds.
shared=../shared/corpus
case $target in
    tcg) extra="$shared/tpm-eventlog $shared/ccel" ;;
    ccel) extra="$shared/ccel" ;;
    ima) extra="$shared/ima" ;;
    cel) extra="$shared/cel" ;;
    tdx) extra="$shared/tdx-quote $shared/tdx-report" ;;
    snp) extra="$shared/snp-report" ;;
    tpm) extra="$shared/tpm-quote" ;;
    cca) extra="$shared/cca-token" ;;
    *) extra="" ;;
esac
if [ -d "fuzz/crashes/$target" ]; then
    extra="fuzz/crashes/$target $extra"
fi
dirs=""
for d in $extra; do
    [ -d "$d" ] && dirs="$dirs $d"
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# shellcheck disable=SC2086
exec "build-fuzz/fuzz/fuzz-$target" "$@" "$work/corpus" "fuzz/corpus/$target" $dirs
