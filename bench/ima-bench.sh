#!/bin/sh
# Benchmark: IMA measurement-list replay of `cctrusted replay` against
# `evmctl ima_measurement` (ima-evm-utils), plus a 1M-line ascii list and the
# peak RSS on a ~1 GB binary list. Not a meson test.
#
#   bench/ima-bench.sh [BUILD_DIR]        (default: build)
#
# Both tools do the same work on a 200k-entry binary ima-ng list: parse every
# entry, extend its logged SHA-1 template hash into PCR 10 (SHA-1 bank), and
# compare the result with an expected value given in a file:
#   cctrusted replay --expect EXP FILE        EXP: "10 sha1 HEX"
#   evmctl ima_measurement --ignore-violations --pcrs sha1,PCRS FILE
#                                             PCRS: "PCR-NN: XX XX ..." lines
# (--pcrs replaces reading a TPM; --ignore-violations is a no-op here, the
# list has none; neither tool re-hashes the template data). `cctrusted
# replay FILE` (print the registers, no comparison) is timed as well.
#
# Needs: hyperfine, evmctl, GNU time (/usr/bin/time), python3.
# Environment: RUNS (default 10), BIG_MB (size of the big log, default 1024).
# Writes bench/out/ima-results.txt and bench/out/ima-*.json; the big log is
# deleted afterwards.
set -eu
cd "$(dirname "$0")/.."

BUILD=${1:-build}
RUNS=${RUNS:-10}
BIG_MB=${BIG_MB:-1024}
OUT=bench/out
CCT=$BUILD/src/cli/cctrusted
GEN="python3 bench/gen-ima.py"

. bench/common.sh
bench_setup ima-bench.sh "hyperfine ima-evm-utils python3" hyperfine evmctl python3
mkdir -p "$OUT"
RES=$OUT/ima-results.txt
: > "$RES"

# 1. 200k binary entries, cctrusted vs evmctl.
BIN=$OUT/ima-200k.bin
pcr=$($GEN --entries 200000 --out "$BIN" | awk '{print $3}')
echo "10 sha1 $pcr" > "$OUT/ima-200k.expect"
python3 - "$pcr" "$OUT/ima-200k.pcrs" <<'PY'
import sys
h, out = sys.argv[1], sys.argv[2]
with open(out, "w") as f:
    for i in range(24):
        v = h if i == 10 else "00" * 20
        f.write("PCR-%02d: %s\n" % (i, " ".join(v[j:j + 2].upper() for j in range(0, 40, 2))))
PY
# Both must agree with the generator's hashlib value before they are timed.
"$CCT" replay --expect "$OUT/ima-200k.expect" "$BIN" >/dev/null
evmctl ima_measurement --ignore-violations --pcrs "sha1,$OUT/ima-200k.pcrs" "$BIN" >/dev/null 2>&1
hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$OUT/ima-200k.json" \
    -n cctrusted-expect "$CCT replay --expect $OUT/ima-200k.expect $BIN" \
    -n cctrusted-replay "$CCT replay $BIN" \
    -n evmctl "evmctl ima_measurement --ignore-violations --pcrs sha1,$OUT/ima-200k.pcrs $BIN" | tee -a "$RES"

# 2. 1M-line ascii list.
ASC=$OUT/ima-1m.txt
$GEN --ascii --entries 1000000 --out "$ASC" >/dev/null
hyperfine -N --warmup 1 --runs 3 --export-json "$OUT/ima-1m-ascii.json" \
    -n cctrusted-ascii-1M "$CCT replay $ASC" | tee -a "$RES"
rm -f "$ASC"

# 3. Peak RSS on a ~1 GB binary list (about 1 KiB per entry).
BIG=$OUT/ima-big.bin
n=$((BIG_MB * 1024))
$GEN --entries "$n" --name-len 960 --out "$BIG" >/dev/null
size=$(wc -c < "$BIG")
/usr/bin/time -v "$CCT" replay "$BIG" > /dev/null 2> "$OUT/ima-big.time"
rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$OUT/ima-big.time")
wall=$(awk -F': ' '/Elapsed/ {print $2}' "$OUT/ima-big.time")
rm -f "$BIG"
echo "big binary list: $n entries, $size bytes: cctrusted replay peak RSS $rss KB, wall $wall" | tee -a "$RES"
python3 - "$OUT/ima-200k.json" <<'PY' | tee -a "$RES"
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print("200k binary: evmctl / cctrusted-expect = %.1fx (means %.3f s / %.3f s)"
      % (r["evmctl"] / r["cctrusted-expect"], r["evmctl"], r["cctrusted-expect"]))
PY
