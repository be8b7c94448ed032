#!/bin/sh
# The committed .clang-format must load in the installed clang-format (14 on
# Debian 12): an unknown key makes clang-format reject the whole file.
# Skips (77) when clang-format is not installed.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cf=""
for c in clang-format-14 clang-format; do
    if command -v "$c" > /dev/null 2>&1; then
        cf=$c
        break
    fi
done
if [ -z "$cf" ]; then
    echo "clang-format not installed: skipped"
    exit 77
fi
cd "$root"
if ! out=$("$cf" --style=file --assume-filename=src/lib/check.c --dump-config < /dev/null 2>&1); then
    echo "FAIL: $cf rejects .clang-format:"
    echo "$out"
    exit 1
fi
# The loaded style must be ours, not a fallback.
for want in "IndentWidth:     4" "ColumnLimit:     100" "BreakBeforeBraces: Linux"; do
    if ! echo "$out" | grep -q "^$want\$"; then
        echo "FAIL: $cf did not load .clang-format ('$want' missing)"
        exit 1
    fi
done
# Formatting a file with it must work too (style differences are fine here).
if "$cf" --style=file --dry-run src/lib/util/reader.c 2>&1 | grep -q "Error reading"; then
    echo "FAIL: $cf --dry-run cannot read .clang-format"
    exit 1
fi
echo "ok: $($cf --version | head -1) accepts .clang-format"
