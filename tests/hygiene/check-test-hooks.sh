#!/bin/sh
# The runtime log's crash hook exists exactly in -Dtest_hooks=true builds.
# Usage: check-test-hooks.sh yes|no LIB...
# yes: every LIB must contain the hook (symbol and its environment variable);
# no: none may contain either (nm lists local symbols too).
set -eu
want=$1
shift
fail=0
for lib in "$@"; do
    sym=0
    str=0
    nm "$lib" 2> /dev/null | grep -q ' cct_test_crash_point$' && sym=1
    grep -aq CCT_RUNTIME_LOG_CRASH_AT "$lib" && str=1
    if [ "$want" = yes ] && { [ "$sym" -eq 0 ] || [ "$str" -eq 0 ]; }; then
        echo "FAIL: $lib lacks the crash hook (symbol $sym, string $str) in a test_hooks build"
        fail=1
    elif [ "$want" = no ] && { [ "$sym" -eq 1 ] || [ "$str" -eq 1 ]; }; then
        echo "FAIL: $lib contains the crash hook (symbol $sym, string $str) without test_hooks"
        fail=1
    fi
done
[ "$fail" -eq 0 ] || exit 1
echo "ok: crash hook $( [ "$want" = yes ] && echo present || echo absent) in $*"
