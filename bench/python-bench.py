#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Benchmark: parse + replay of a 30k-event CCEL and of a 200k-line IMA list
through the Python package `cctrusted` and through the seed SDK
(evidence_api), in one run, same files, same interpreter.

    /usr/bin/python3 bench/python-bench.py [--lib build/libcctrusted.so]
        [--cli build/src/cli/cctrusted] [--peers ../shared/peers] [--runs 3]
        [--out DIR]

Each measurement runs in its own child process (the seed's module state and
ours do not mix) and reports the best of --runs: wall time and CPU time
(time.process_time, which a loaded machine disturbs less), after the imports
and the loading of the library. "cctrusted" is
get-the-events + replay_cc_eventlog (event objects are made when used);
"cctrusted, all objects" also makes every event object before the replay;
"cctrusted + digest checks" is get-the-events + replay_events(), which also
runs the library's digest checks (IMA template hashes, ...) and notes, work
the seed SDK does not do.
Every replay must give the same registers (seed numbering) or the run fails.
For reference, the C CLI `cctrusted replay` on the same files (a process of its
own, CPU time from wait4, process start included), best of --runs. The load
average before and after is printed and written with the table.
"""
import argparse
import hashlib
import json
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CHILD = r'''
import json, sys, time
mode, pkg, boot, ima = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] or None
sys.path.insert(0, pkg)
# Imports and loading the library are not timed (once per process).
if mode == "seed":
    from evidence_api.api import EvidenceApi
    from evidence_api.eventlog import EventLogs, TcgEventLog
else:
    import cctrusted
    cctrusted.library_path()
t0, c0 = time.perf_counter(), time.process_time()
if mode == "seed":
    el = EventLogs(open(boot, "rb").read(), open(ima, "rb").read() if ima else None, 1,
                   TcgEventLog.TCG_FORMAT_PCCLIENT)
    el.select(None, None)
    events = el.event_logs
    t1, c1 = time.perf_counter(), time.process_time()
    rep = EvidenceApi.replay_cc_eventlog(events)
else:
    events = cctrusted.load_eventlogs([boot] + ([ima] if ima else []), index_convention="seed")
    if mode == "ours-all":
        events = list(events)
    t1, c1 = time.perf_counter(), time.process_time()
    if mode == "ours-checked":
        rep = cctrusted.replay_events(events).registers
    else:
        rep = cctrusted.replay_cc_eventlog(events)
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"events": len(events), "parse": [t1 - t0, c1 - c0], "replay": [t2 - t1, c2 - c1],
                  "total": [t2 - t0, c2 - c0],
                  "registers": {str(k): {str(a): bytes(v).hex() for a, v in d.items()}
                                for k, d in rep.items()}}))
'''


def gen_ccel(n, path):
    """A CCEL data area: SpecID header (SHA-384) then n-1 EV_IPL events on CC MR 1-3."""
    body = (
        b"Spec ID Event03\0"
        + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, 1)
        + struct.pack("<HH", 0xC, 48)
        + b"\0"
    )
    parts = [struct.pack("<II20sI", 1, 3, bytes(20), len(body)) + body]
    for i in range(1, n):
        data = b"grub_cmd: event %d" % i
        parts.append(
            struct.pack("<IIIH", 1 + i % 3, 0xD, 1, 0xC)
            + hashlib.sha384(data).digest()
            + struct.pack("<I", len(data))
            + data
        )
    d = b"".join(parts)
    with open(path, "wb") as f:
        f.write(d + b"\xff" * (-len(d) % 65536 or 65536))


def cli_cpu(cli, files):
    """CPU time (user + system) of `cctrusted replay FILES`, output discarded."""
    p = subprocess.Popen(
        [cli, "replay"] + files, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, ru = os.wait4(p.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 2):  # 2: digest warnings (the generated CCEL's GRUB strings)
        sys.exit("python-bench: cctrusted replay %s exited %d" % (" ".join(files), code))
    return ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--lib", default=os.path.join(ROOT, "build", "libcctrusted.so"))
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "src", "cli", "cctrusted"))
    ap.add_argument("--peers", default=os.path.join(ROOT, "..", "shared", "peers"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(HERE, "out", "python"))
    a = ap.parse_args()
    load0 = " ".join(open("/proc/loadavg").read().split()[:3])
    seed = os.path.join(a.peers, "evidence-api-python")
    if not os.path.isdir(os.path.join(seed, "evidence_api")):
        print("python-bench: the seed SDK is not at %s" % seed, file=sys.stderr)
        return 77  # what meson counts as a skip (the python-bench-smoke test)
    os.makedirs(a.out, exist_ok=True)
    ccel = os.path.join(a.out, "ccel-30k.bin")
    small = os.path.join(a.out, "ccel-small.bin")
    ima = os.path.join(a.out, "ima-200k.txt")
    if not os.path.exists(ccel):
        gen_ccel(30000, ccel)
    if not os.path.exists(small):
        gen_ccel(10, small)
    if not os.path.exists(ima):
        subprocess.run(
            [
                sys.executable,
                os.path.join(HERE, "gen-ima.py"),
                "--entries",
                "200000",
                "--ascii",
                "--out",
                ima,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    env = dict(os.environ, CCTRUSTED_LIB=os.path.abspath(a.lib))
    ours_pkg = os.path.join(ROOT, "bindings", "python")
    cases = [("CCEL, 30k events", ccel, ""), ("IMA, 200k lines (+ 10-event CCEL)", small, ima)]
    rows = []
    ok = True
    for name, boot, imalog in cases:
        best = {}
        regs = {}
        for mode, pkg in (
            ("seed", seed),
            ("ours", ours_pkg),
            ("ours-all", ours_pkg),
            ("ours-checked", ours_pkg),
        ):
            for _ in range(a.runs):
                p = subprocess.run(
                    [sys.executable, "-c", CHILD, mode, pkg, boot, imalog],
                    env=env,
                    capture_output=True,
                    text=True,
                )
                if p.returncode != 0:
                    sys.exit("python-bench: %s on %s failed:\n%s" % (mode, name, p.stderr[-2000:]))
                r = json.loads(p.stdout)
                regs[mode] = r["registers"]
                if mode not in best or r["total"][1] < best[mode]["total"][1]:
                    best[mode] = r
        same = regs["seed"] == regs["ours"] == regs["ours-all"] == regs["ours-checked"]
        ok = ok and same
        files = [boot] + ([imalog] if imalog else [])
        c_cpu = min(cli_cpu(a.cli, files) for _ in range(a.runs))
        rows.append((name, best, same, c_cpu))
    modes = ("ours", "ours-all", "ours-checked")
    lines = [
        "| case | events | seed SDK wall / CPU | cctrusted wall / CPU | ratio (CPU) | "
        "cctrusted, all objects wall / CPU | ratio (CPU) | "
        "cctrusted + digest checks wall / CPU | ratio (CPU) | same registers | "
        "C CLI `cctrusted replay` CPU |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, b, same, c_cpu in rows:
        s = b["seed"]["total"]
        cells = ["%s" % name, "%d" % b["ours"]["events"], "%.3f s / %.3f s" % (s[0], s[1])]
        sp = b["seed"]
        split = ["  parse / replay", "", "%.3f / %.3f s CPU" % (sp["parse"][1], sp["replay"][1])]
        for m in modes:
            t = b[m]["total"]
            ratio = s[1] / t[1]
            shown = ("%.0fx" if ratio >= 10 else "%.1fx") % ratio
            cells += ["%.3f s / %.3f s" % (t[0], t[1]), shown]
            split += ["%.3f / %.3f s CPU" % (b[m]["parse"][1], b[m]["replay"][1]), ""]
        cells += ["yes" if same else "NO", "%.3f s" % c_cpu]
        split += ["", ""]
        lines.append("| " + " | ".join(cells) + " |")
        lines.append("| " + " | ".join(split) + " |")
    text = "\n".join(lines)
    load = "load average: %s before, %s after" % (
        load0,
        " ".join(open("/proc/loadavg").read().split()[:3]),
    )
    text += "\n\n" + load
    print(text)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(text + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
