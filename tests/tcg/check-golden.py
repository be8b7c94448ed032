#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Golden test of the event-data decoders.

Regenerates the TCG2 log with the generator and checks it equals the
committed events.bin, then dumps events.bin with `cctrusted eventlog` (text
and --json) and diffs against the committed events.out / events.json.

usage: check-golden.py GENERATOR CCTRUSTED DATADIR [--update]
"""
import difflib
import os
import subprocess
import sys
import tempfile


def dump(cli, datadir, json_style):
    args = [cli, "eventlog"] + (["--json"] if json_style else []) + ["events.bin"]
    return subprocess.run(args, cwd=datadir, check=True, stdout=subprocess.PIPE).stdout.decode()


def main():
    if len(sys.argv) not in (4, 5):
        sys.stderr.write(__doc__)
        return 2
    gen, cli, datadir = (os.path.abspath(a) for a in sys.argv[1:4])
    update = len(sys.argv) == 5 and sys.argv[4] == "--update"
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, "events.bin")
        subprocess.run([sys.executable, gen, fresh], check=True)
        with open(fresh, "rb") as f:
            new = f.read()
    golden_bin = os.path.join(datadir, "events.bin")
    if update:
        with open(golden_bin, "wb") as f:
            f.write(new)
    with open(golden_bin, "rb") as f:
        if f.read() != new:
            print("events.bin differs from the generator's output")
            ok = False
    for name, json_style in (("events.out", False), ("events.json", True)):
        got = dump(cli, datadir, json_style)
        path = os.path.join(datadir, name)
        if update:
            with open(path, "w") as f:
                f.write(got)
        with open(path) as f:
            want = f.read()
        if got != want:
            ok = False
            sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), got.splitlines(True), name, "now"))
    print("golden dumps match" if ok else "golden dumps differ")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
