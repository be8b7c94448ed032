#!/bin/sh
# Format the C sources with the committed .clang-format.
# Usage: tools/format.sh [--check] [PATH...]
#   --check  change nothing (clang-format --dry-run --Werror); list the files
#            that differ and exit 1 if any
#   PATH     files or directories (default: the .c/.h files under src,
#            include, tests/unit, tests/core, tests/efi, fuzz and bench)
# tools/test.sh runs --check before every build: the tree is formatted.
set -eu
cd "$(dirname "$0")/.."

check=0
if [ "${1:-}" = "--check" ]; then
    check=1
    shift
fi
cf=""
for c in clang-format-14 clang-format; do
    if command -v "$c" > /dev/null 2>&1; then
        cf=$c
        break
    fi
done
if [ -z "$cf" ]; then
    echo "$0: clang-format not found (apt-get install clang-format-14)" >&2
    exit 1
fi

if [ $# -eq 0 ]; then
    set -- src include tests/unit tests/core tests/efi fuzz bench
fi
files=$(find "$@" -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort)
[ -n "$files" ] || exit 0

if [ "$check" -eq 1 ]; then
    differ=0
    for f in $files; do
        if ! "$cf" --style=file --dry-run -Werror "$f" > /dev/null 2>&1; then
            echo "$f"
            differ=1
        fi
    done
    exit "$differ"
fi
# shellcheck disable=SC2086
"$cf" --style=file -i $files
