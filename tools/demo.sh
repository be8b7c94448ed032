#!/bin/sh
# Main job, end to end on this machine: build, make a TPM event log and a TDX
# CCEL log, dump them, replay them, and check the replay against register
# values computed independently (tools/mklog.py, hashlib).
set -eu
cd "$(dirname "$0")/.."
if ! command -v meson >/dev/null || ! pkg-config --exists libcrypto json-c 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq meson ninja-build pkg-config gcc libssl-dev libjson-c-dev python3
fi
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
cli=build/src/cli/cctrusted
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

python3 tools/mklog.py --banks sha1,sha256,sha384 --out "$out/tpm.bin" --expect "$out/tpm.expect"
python3 tools/mklog.py --tdx --out "$out/ccel.bin" --expect "$out/ccel.expect"

echo "== cctrusted eventlog --count 3 (TPM log, first three events)"
$cli eventlog --count 3 "$out/tpm.bin"
echo
echo "== cctrusted replay --expect (TPM log, 3 banks)"
$cli replay --expect "$out/tpm.expect" "$out/tpm.bin"
echo
echo "== cctrusted replay --json --expect (TDX CCEL, RTMRs)"
$cli replay --json --expect "$out/ccel.expect" "$out/ccel.bin"
echo
echo "demo finished: both logs replay to the independently computed registers"
