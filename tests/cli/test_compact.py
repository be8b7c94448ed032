#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`cctrusted eventlog --output compact`: one line per event.

The digests of the lines, extended here with hashlib, give the register
values tools/mklog.py computed on its own; the footer counts the lines; the
numbering follows --start/--count.

usage: test_compact.py CCTRUSTED MKLOG
"""
import hashlib
import os
import subprocess
import sys
import tempfile

HASHES = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384}
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pyutil import check, report  # noqa: E402 (shared helpers in tests/)


def main():
    cli, mklog = sys.argv[1:3]
    with tempfile.TemporaryDirectory() as tmp:
        for name, extra in (("tpm", ["--banks", "sha256,sha384"]), ("ccel", ["--tdx"])):
            log, exp = os.path.join(tmp, name + ".bin"), os.path.join(tmp, name + ".exp")
            subprocess.run(
                [sys.executable, mklog, "--out", log, "--expect", exp] + extra, check=True
            )
            want = {}
            for line in open(exp):
                if line.strip() and not line.startswith("#"):
                    reg, alg, hexd = line.split()
                    want[(reg, alg)] = hexd
            p = subprocess.run(
                [cli, "eventlog", "--output", "compact", log], capture_output=True, text=True
            )
            check(p.returncode == 0, f"{name}: exit 0 ({p.returncode} {p.stderr.strip()})")
            lines = p.stdout.splitlines()
            events = [ln for ln in lines if not ln.startswith("==>")]
            check(
                lines[0].startswith("==> ")
                and lines[-1].startswith(f"==> {len(events)} events shown"),
                f"{name}: header and footer around {len(events)} one-line events",
            )
            nums = [ln.split()[0] for ln in events]
            check(
                nums == [str(n) for n in range(len(events))],
                f"{name}: lines numbered 0..{len(events) - 1}",
            )
            regs = {}
            for ln in events:
                f = ln.split()
                if f[2] == "EV_NO_ACTION":
                    continue
                for tok in f[3:]:
                    if ":" not in tok or tok.split(":")[0] not in HASHES:
                        break  # the description starts
                    alg, hexd = tok.split(":")
                    h = HASHES[alg]
                    old = regs.get((f[1], alg), bytes(h().digest_size))
                    regs[(f[1], alg)] = h(old + bytes.fromhex(hexd)).digest()
            got = {k: v.hex() for k, v in regs.items()}
            check(
                got == want, f"{name}: compact digests extend to mklog.py's {len(want)} registers"
            )
        p = subprocess.run(
            [
                cli,
                "eventlog",
                "--output",
                "compact",
                "--start",
                "4",
                "--count",
                "2",
                os.path.join(tmp, "tpm.bin"),
            ],
            capture_output=True,
            text=True,
        )
        nums = [ln.split()[0] for ln in p.stdout.splitlines() if not ln.startswith("==>")]
        check(nums == ["4", "5"], f"--start 4 --count 2 gives events 4 and 5 ({nums})")
        p = subprocess.run(
            [cli, "eventlog", "--output", "yaml-ish", os.path.join(tmp, "tpm.bin")],
            capture_output=True,
            text=True,
        )
        check(p.returncode == 1, "an unknown --output is a usage error")
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
