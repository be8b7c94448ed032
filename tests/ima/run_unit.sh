#!/bin/sh
# Generate the IMA test lists into a fresh directory and run the unit test on them.
# Usage: run_unit.sh TEST_BINARY GEN_IMA_PY
set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
python3 "$2" "$d"
"$1" "$d"
