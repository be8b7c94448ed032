#!/bin/sh
# The umbrella header cctrusted/cctrusted.h includes every public header, so
# `#include <cctrusted/cctrusted.h>` gives the whole API.
# Usage: check-umbrella.sh INCLUDE_DIR
set -eu
dir=$1/cctrusted
umbrella=$dir/cctrusted.h
[ -f "$umbrella" ] || { echo "FAIL: no $umbrella"; exit 1; }
n=0
fail=0
for h in "$dir"/*.h; do
    name=${h##*/}
    [ "$name" = cctrusted.h ] && continue
    n=$((n + 1))
    if ! grep -Eq "^[[:space:]]*#[[:space:]]*include[[:space:]]*<cctrusted/$name>" "$umbrella"; then
        echo "FAIL: cctrusted/cctrusted.h does not include cctrusted/$name"
        fail=1
    fi
done
[ "$fail" -eq 0 ] || exit 1
echo "ok: cctrusted/cctrusted.h includes all $n public headers"
