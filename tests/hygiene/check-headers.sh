#!/bin/sh
# Every public header must compile on its own (and when included twice)
# under strict C11: a user includes exactly the header they need.
# Usage: check-headers.sh INCLUDE_DIR CC [CC-ARGS...]
set -eu
inc=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
for h in "$inc"/cctrusted/*.h; do
    name=${h##*/}
    src="$tmp/${name%.h}.c"
    {
        echo "#include <cctrusted/$name>"
        echo "#include <cctrusted/$name>"
        echo "typedef int header_test_${name%.h}_type;"
    } > "$src"
    if ! "$@" -std=c11 -Wall -Wextra -Werror -pedantic -Wstrict-prototypes -I"$inc" -c "$src" -o "$tmp/out.o"; then
        echo "FAIL: cctrusted/$name does not compile alone"
        fail=1
    fi
    n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
    echo "FAIL: no headers in $inc/cctrusted"
    exit 1
fi
[ "$fail" -eq 0 ] || exit 1
echo "ok: $n public headers compile alone with $*"
