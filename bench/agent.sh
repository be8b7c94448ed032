#!/bin/sh
# Benchmark of cctrustedd (docs/agent.md, "Performance"):
#   - measurement RPC/s and p50/p99 with 1, 16 and 256 concurrent clients (sim platform);
#   - quote RPC/s on sim;
#   - event-log RPC/s, page of 100, for IMA lists of 100k and 1M entries, at the
#     start and at the end of the list (the cost must not depend on either);
#   - agent RSS with the 1M-entry list indexed;
#   - one Python process: the unmodified CIMA SDK and a bare grpcio stub.
#
#   bench/agent.sh [BUILD_DIR]      (default: build)
#
# Every row carries the load average (1, 5, 15 min) taken right after it: the
# machine may be shared. N (default 50000) is the call count per measurement
# row. PERF=1 also profiles the agent with `perf record -g` during one more
# 16-client measurement run and writes the report to bench/out/agent-perf.txt.
#
# Needs: /usr/bin/python3 with python3-grpcio; root, unshare and a writable
# cgroup v2 for the SDK row (skipped otherwise); perf (package linux-perf)
# for PERF=1. Writes bench/out/agent.txt.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${N:-50000}
. bench/common.sh
bench_setup agent.sh "python3-grpcio" /usr/bin/python3
AGENT=$BUILD/src/agent/cctrustedd
CLIENT=$BUILD/src/agent/agent-client
[ -x "$AGENT" ] || { echo "agent.sh: $AGENT not built" >&2; exit 1; }
OUT=bench/out
mkdir -p "$OUT"
TMP=$(mktemp -d)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

start_agent() { # SOCKET ARGS...
    s=$1
    shift
    "$AGENT" --socket "$s" "$@" 2>>"$TMP/agent.log" &
    PIDS="$PIDS $!"
    LAST=$!
    i=0
    while [ ! -S "$s" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
}
rss() { sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$1/status"; }
load() { echo "  (load $(cut -d' ' -f1-3 /proc/loadavg))"; }
# run_client LABEL ARGS...: one row, its JSON line and the load average after it
run_client() {
    printf '%s: ' "$1"
    shift
    "$CLIENT" "$@" | tr -d '\n'
    load
}

{
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), nproc $(nproc)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## sim platform, agent --workers $(nproc)"
export CCT_SIM_DIR="$TMP/sim"
start_agent "$TMP/sim.sock" --platform sim
for c in 1 16 256; do
    run_client "$(printf 'measurement  %4s clients' "$c")" \
        --socket "$TMP/sim.sock" --method measurement --connections "$c" --requests "$N"
done
run_client 'report (quote)   4 clients' --socket "$TMP/sim.sock" --method report --connections 4 \
    --requests 2000
echo "agent RSS after the sim runs: $(rss "$LAST")"
if [ "${PERF:-0}" = 1 ]; then
    # Call-graph profile of the agent alone under the 16-client load.
    perf record -q -g -p "$LAST" -o "$TMP/perf.data" 2>/dev/null &
    perf_pid=$!
    sleep 1
    run_client 'measurement    16 clients (under perf)' \
        --socket "$TMP/sim.sock" --method measurement --connections 16 --requests "$N"
    kill -INT "$perf_pid"
    wait "$perf_pid" 2>/dev/null || true
    {
        echo "# perf record -g of cctrustedd --platform sim --workers $(nproc), 16 clients x" \
            "GetCcMeasurement, $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "## self time by symbol"
        perf report -i "$TMP/perf.data" --stdio --no-children --sort dso,symbol -g none \
            --percent-limit 0.7 2>/dev/null | grep -v '^$'
        echo "## self time by library"
        perf report -i "$TMP/perf.data" --stdio --no-children --sort dso -g none 2>/dev/null |
            grep -v '^$'
        echo "## with children (inclusive), top entries"
        perf report -i "$TMP/perf.data" --stdio --children --sort symbol -g none \
            --percent-limit 4 2>/dev/null | grep -v '^$'
    } > "$OUT/agent-perf.txt"
    echo "profile: $OUT/agent-perf.txt"
fi

# One Python process through the CIMA SDK (inside a docker-looking cgroup and
# mount namespace, as the SDK needs a container id) and through a bare stub.
cg=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/self/mounts)
if [ "$(id -u)" = 0 ] && [ -n "$cg" ] && command -v unshare >/dev/null && mkdir -p "$cg/system.slice/docker-$(printf '%064d' 0).scope" 2>/dev/null; then
    id0=$(printf '%064d' 0)
    mkdir -p "$TMP/docker/containers/$id0"
    : > "$TMP/docker/containers/$id0/hostname"
    : > "$TMP/target"
    printf 'python, 1 process, 5000 sequential calls: '
    unshare -m --propagation private sh -c "echo \$\$ > $cg/system.slice/docker-$id0.scope/cgroup.procs && mount --bind $TMP/docker/containers/$id0/hostname $TMP/target && exec /usr/bin/python3 bench/agent-sdk.py $TMP/sim.sock ../shared/peers 5000"
    rmdir "$cg/system.slice/docker-$id0.scope" 2>/dev/null || true
else
    echo "python SDK row skipped: needs root, unshare and a writable cgroup v2"
fi
kill "$LAST"

for n in 100000 1000000; do
    echo
    echo "## tpm sysroot, IMA list of $n entries (binary, ima-ng)"
    root="$TMP/root$n"
    mkdir -p "$root/sys/kernel/security/ima" "$root/sys/class/tpm/tpm0/pcr-sha256"
    echo 2 > "$root/sys/class/tpm/tpm0/tpm_version_major"
    for i in $(seq 0 23); do printf '%064d\n' 0 > "$root/sys/class/tpm/tpm0/pcr-sha256/$i"; done
    /usr/bin/python3 - "$root/sys/kernel/security/ima/binary_runtime_measurements" "$n" <<'PY'
import hashlib, struct, sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as f:
    for i in range(n):
        name = b"/usr/lib/x86_64-linux-gnu/lib%07d.so\0" % i
        d = b"sha256:\0" + hashlib.sha256(name).digest()
        td = struct.pack("<I", len(d)) + d + struct.pack("<I", len(name)) + name
        f.write(struct.pack("<I", 10) + hashlib.sha1(td).digest() + struct.pack("<I", 6) + b"ima-ng"
                + struct.pack("<I", len(td)) + td)
PY
    echo "list: $(stat -c %s "$root/sys/kernel/security/ima/binary_runtime_measurements") bytes"
    t0=$(date +%s.%N)
    start_agent "$TMP/tpm$n.sock" --platform tpm --sysroot "$root"
    "$CLIENT" --socket "$TMP/tpm$n.sock" --method eventlog --start 0 --count 1 --requests 1 >/dev/null
    echo "indexed (start + first call) in $(awk "BEGIN {printf \"%.2f\", $(date +%s.%N) - $t0}") s;" \
        "agent RSS with $n IMA entries indexed: $(rss "$LAST")"
    for s in 0 $((n - 100)); do
        run_client "$(printf 'eventlog page 100 at %7s, 16 clients' "$s")" --socket "$TMP/tpm$n.sock" \
            --method eventlog --start "$s" --count 100 --connections 16 --requests 20000
    done
    echo "agent RSS after the event-log runs: $(rss "$LAST")"
    kill "$LAST"
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$OUT/agent.txt"
