#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The -nostdlib program linked against libcctrusted-core.a replays logs
written by tools/mklog.py to the register values mklog computed with
hashlib; a truncated log gives an error naming the event and offset.

Usage: freestanding.py PROGRAM MKLOG"""
import os
import subprocess
import sys
import tempfile

prog, mklog = sys.argv[1], sys.argv[2]
fails = 0


def expect_lines(path):
    return sorted(l.strip() for l in open(path) if l.strip() and not l.startswith("#"))


with tempfile.TemporaryDirectory() as d:
    for name, args in [("tcg2", ["--banks", "sha1,sha256,sha384,sha512"]), ("ccel", ["--tdx"]),
                       ("td-shim", ["--td-shim"]), ("tcg1", ["--tcg1"])]:
        log, exp = os.path.join(d, name + ".bin"), os.path.join(d, name + ".exp")
        subprocess.run([sys.executable, mklog, "--out", log, "--expect", exp] + args, check=True)
        with open(log, "rb") as f:
            data = f.read()
        p = subprocess.run([prog], input=data, capture_output=True)
        got = sorted(l.strip() for l in p.stdout.decode().splitlines() if l.strip())
        want = expect_lines(exp)
        if p.returncode != 0 or got != want:
            print(f"FAIL {name}: exit {p.returncode}\n got {got}\n want {want}")
            fails += 1
        else:
            print(f"ok {name}: {len(got)} registers equal hashlib's")
        if name == "tcg2":
            cut = len(data) - 7
            p = subprocess.run([prog], input=data[:cut], capture_output=True)
            out = p.stdout.decode()
            if p.returncode != 2 or "error:" not in out or "offset" not in out:
                print(f"FAIL truncated log: exit {p.returncode}, output {out!r}")
                fails += 1
            else:
                print(f"ok truncated log: {out.strip()}")
sys.exit(1 if fails else 0)
