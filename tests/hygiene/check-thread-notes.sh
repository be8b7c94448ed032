#!/bin/sh
# Every public header states its thread safety in a "Threads:" comment.
# Usage: check-thread-notes.sh INCLUDE_DIR
set -eu
n=0
fail=0
for h in "$1"/cctrusted/*.h; do
    n=$((n + 1))
    if ! grep -Eq '^[[:space:]]*(/?\*)[[:space:]]*Threads:' "$h"; then
        echo "FAIL: cctrusted/${h##*/} has no \"Threads:\" statement"
        fail=1
    fi
done
[ "$n" -gt 0 ] || { echo "FAIL: no headers in $1/cctrusted"; exit 1; }
[ "$fail" -eq 0 ] || exit 1
echo "ok: all $n public headers state their thread safety"
