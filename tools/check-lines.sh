#!/bin/sh
# Fail when a C source or header has a line longer than the house limit
# (100 columns; a tab counts as up to the next multiple of 8).
# Prints file:line: N columns for each, then a count.
#
# Usage: tools/check-lines.sh [--max N] [DIR|FILE...]
#        (default: src include tests/unit fuzz bench of the project)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
max=100
if [ "${1:-}" = "--max" ]; then
    max=$2
    shift 2
fi
if [ $# -eq 0 ]; then
    cd "$root"
    set -- src include tests/unit fuzz bench
fi
files=$(find "$@" -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort)
[ -n "$files" ] || { echo "check-lines: no C sources under $*" >&2; exit 1; }
# shellcheck disable=SC2086
LC_ALL=C awk -v max="$max" '
{
    # Columns as an editor shows them: tabs to the next stop, UTF-8 characters as one.
    cols = 0
    n = length($0)
    for (i = 1; i <= n; i++) {
        c = substr($0, i, 1)
        if (c >= "\200" && c <= "\277") {
            continue # UTF-8 continuation byte: part of the previous character
        }
        cols = (c == "\t") ? cols + 8 - cols % 8 : cols + 1
    }
    if (cols > max) {
        printf "%s:%d: %d columns (limit %d)\n", FILENAME, FNR, cols, max
        bad++
    }
}
END {
    if (bad) {
        printf "check-lines: %d line(s) over %d columns\n", bad, max > "/dev/stderr"
        exit 1
    }
}' $files
echo "check-lines: $(echo "$files" | wc -l) files within $max columns"
