#!/bin/sh
# Generate the CEL test logs into a fresh directory and run the truncation test on them.
# Usage: run_unit.sh TEST_BINARY GEN_CEL_PY
set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
python3 "$2" "$d"
"$1" "$d/cel-pcr.bin" "$d/cel-ccmr.bin"
