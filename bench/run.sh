#!/bin/sh
# Benchmark: event-log parse + replay of `cctrusted replay` against
# `tpm2_eventlog` (tpm2-tools) on synthetic TCG2 logs of 10k, 100k and 1M
# events (3 banks), peak RSS of both, and the hash-rate limit of the replay.
#
#   bench/run.sh [BUILD_DIR]        (default: build)
#
# Needs: hyperfine, tpm2-tools, GNU time (/usr/bin/time), python3.
# Environment: RUNS (hyperfine runs for 10k/100k, default 10), RUNS_1M
# (default 3), LOGDIR (where the logs go, default bench/out/logs).
# Writes bench/out/results.txt (the table) and bench/out/*.json (raw data).
set -eu
cd "$(dirname "$0")/.."

BUILD=${1:-build}
RUNS=${RUNS:-10}
RUNS_1M=${RUNS_1M:-3}
OUT=bench/out
LOGDIR=${LOGDIR:-$OUT/logs}
CCT=$BUILD/src/cli/cctrusted
GEN=$BUILD/bench/gen-log
PROBE=$BUILD/bench/hash-probe

. bench/common.sh
bench_setup run.sh "hyperfine tpm2-tools python3" hyperfine tpm2_eventlog python3
mkdir -p "$OUT" "$LOGDIR"

# Peak RSS in KiB of a command (stdout discarded).
rss() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'
}

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), nproc $(nproc)"
    echo "openssl: $(openssl version)"
    echo "tpm2-tools: $(dpkg-query -W -f='${Version}' tpm2-tools 2>/dev/null || echo unknown)"
    echo "hyperfine: $(hyperfine --version)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

for n in 10000 100000 1000000; do
    log=$LOGDIR/tcg2-$n.bin
    # (Re)generate unless a log newer than the generator is there.
    if [ ! -s "$log" ] || [ -n "$(find "$GEN" -newer "$log")" ]; then
        "$GEN" -n "$n" "$log"
    fi

    # The log must be valid for both tools: no digest warnings, exit 0.
    if ! "$CCT" replay "$log" >/dev/null 2>"$OUT/check-$n.err" || [ -s "$OUT/check-$n.err" ]; then
        echo "run.sh: cctrusted does not accept $log cleanly:" >&2
        head -5 "$OUT/check-$n.err" >&2
        exit 1
    fi
    if ! tpm2_eventlog "$log" >/dev/null 2>"$OUT/check-$n.err" || [ -s "$OUT/check-$n.err" ]; then
        echo "run.sh: tpm2_eventlog does not accept $log cleanly:" >&2
        head -5 "$OUT/check-$n.err" >&2
        exit 1
    fi
    rm -f "$OUT/check-$n.err"

    runs=$RUNS
    [ "$n" -lt 1000000 ] || runs=$RUNS_1M
    echo "== $n events: timing (hyperfine, $runs runs each)" >&2
    hyperfine -N --style basic -w 1 -r "$runs" --export-json "$OUT/time-$n.json" \
        -n cctrusted "$CCT replay $log" -n tpm2_eventlog "tpm2_eventlog $log" --output=null >&2

    echo "== $n events: peak RSS" >&2
    echo "$(rss "$CCT" replay "$log") $(rss tpm2_eventlog "$log")" > "$OUT/rss-$n.txt"

    echo "== $n events: hash-rate limit" >&2
    "$PROBE" -r 5 "$log" > "$OUT/probe-$n.txt"
    stat -c %s "$log" > "$OUT/size-$n.txt"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

python3 - "$OUT" > "$OUT/results.txt" <<'EOF'
import json, sys
out = sys.argv[1]
print(open(f"{out}/machine.txt").read().rstrip())
print()
hdr = ("events", "log MiB", "ours ms", "tpm2_eventlog ms", "speed-up", "ours CPU ms",
       "tpm2_eventlog CPU ms", "speed-up CPU", "hash limit ms", "ours CPU/limit", "RSS ours KiB",
       "RSS tpm2_eventlog KiB")
rows = []
for n in (10000, 100000, 1000000):
    t = {r["command"]: r for r in json.load(open(f"{out}/time-{n}.json"))["results"]}
    ours, theirs = t["cctrusted"]["median"], t["tpm2_eventlog"]["median"]
    ours_cpu = t["cctrusted"]["user"] + t["cctrusted"]["system"]
    theirs_cpu = t["tpm2_eventlog"]["user"] + t["tpm2_eventlog"]["system"]
    probe = dict(l.strip().split("=", 1) for l in open(f"{out}/probe-{n}.txt"))
    limit = float(probe["limit_s"])
    r_ours, r_theirs = open(f"{out}/rss-{n}.txt").read().split()
    size = int(open(f"{out}/size-{n}.txt").read())
    rows.append((f"{n}", f"{size / 2**20:.1f}", f"{ours * 1e3:.1f}", f"{theirs * 1e3:.1f}",
                 f"{theirs / ours:.1f}x", f"{ours_cpu * 1e3:.1f}", f"{theirs_cpu * 1e3:.1f}",
                 f"{theirs_cpu / ours_cpu:.1f}x", f"{limit * 1e3:.1f}", f"{ours_cpu / limit:.2f}x",
                 r_ours, r_theirs))
w = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(hdr)]
line = lambda cells: "| " + " | ".join(c.rjust(w[i]) for i, c in enumerate(cells)) + " |"
print(line(hdr))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for r in rows:
    print(line(r))
print()
print("ms: hyperfine wall-clock medians; CPU ms: hyperfine mean user+system (both include process")
print("start). hash limit: bench/hash-probe CPU time, per bank the faster of low-level SHA and EVP,")
print("on exactly the messages the replay must hash:")
for n in (10000, 100000, 1000000):
    p = dict(l.strip().split("=", 1) for l in open(f"{out}/probe-{n}.txt"))
    banks = [k[:-8] for k in p if k.endswith("_extends")]
    parts = ", ".join(f"{b}: {p[b + '_extends']} extends + {p[b + '_checked']} data hashes, "
                      f"{float(p[b + '_lowlevel_s']) * 1e3:.1f}/{float(p[b + '_evp_s']) * 1e3:.1f} ms"
                      for b in banks)
    print(f"  {n}: {int(p['hash_bytes']) / 2**20:.1f} MiB hashed, {p['checked_events']} checked events; "
          f"{parts} (low-level/EVP)")
EOF
cat "$OUT/results.txt"
