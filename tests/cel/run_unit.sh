#!/bin/sh
# Generate the CEL test logs into a fresh directory and run the truncation test on them.
# Usage: run_unit.sh TEST_BINARY GEN_CEL_PY
set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
python3 "$2" "$d"
"$1" cel-tlv "$d/cel-pcr.bin" cel-tlv "$d/cel-ccmr.bin" cel-json "$d/systemd.json" cel-json "$d/cel-pcr-seq.json"
