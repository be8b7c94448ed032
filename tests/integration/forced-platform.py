#!/usr/bin/env python3
"""A platform named with --platform must be present (library rule, cct_open).

Usage: forced-platform.py CCTRUSTED

On an empty sysroot, `--platform tdx|snp|cca|tpm info|measurement` exits 3
at open and names the interfaces that were missing; `info --json` says the
context did not open. `--platform sim` always opens. A sysroot with the TDX
measurement files opens as tdx and reads the values written here.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def run(cmd, env):
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    print(f"$ {' '.join(cmd)}  -> {p.returncode}\n{p.stderr.strip()}", flush=True)
    return p


def main():
    cli = os.path.abspath(sys.argv[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCT_")}
    tmp = tempfile.mkdtemp(prefix="cct-forced-")
    try:
        body(cli, env, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


def body(cli, env, tmp):
    empty = os.path.join(tmp, "empty")
    os.mkdir(empty)
    missing = {"tdx": "/dev/tdx_guest", "snp": "/dev/sev-guest",
               "cca": "/sys/bus/platform/devices/arm-cca-dev", "tpm": "/dev/tpmrm0"}
    for plat, probe in missing.items():
        for cmd in (["info"], ["measurement"], ["measurement", "--index", "0"]):
            p = run([cli, "--platform", plat, "--sysroot", empty] + cmd, env)
            check(p.returncode == 3 and f"{plat} requested but not present under {empty}" in p.stderr
                  and probe in p.stderr and "registers:" not in p.stdout,
                  f"--platform {plat} {' '.join(cmd)} on an empty sysroot: exit 3 with the probe reason")
        p = run([cli, "--platform", plat, "--sysroot", empty, "info", "--json"], env)
        j = json.loads(p.stdout)
        check(p.returncode == 3 and j["platform"] == plat and j["open"] is False and probe in j["error"]["message"],
              f"--platform {plat} info --json: open false, error names {probe.split()[0]}")

    simenv = dict(env, CCT_SIM_DIR=os.path.join(tmp, "sim"))
    p = run([cli, "--platform", "sim", "--sysroot", empty, "info"], simenv)
    check(p.returncode == 0 and "registers: 4" in p.stdout, "--platform sim always opens")

    # The TDX measurement files (tsm-mr sysfs) make tdx present; values read back.
    tdx = os.path.join(tmp, "tdx")
    mrdir = os.path.join(tdx, "sys/class/misc/tdx_guest/measurements")
    os.makedirs(mrdir)
    want = {}
    for i in range(4):
        want[i] = bytes((0x21 * (i + 1) + j) & 0xff for j in range(48))
        with open(os.path.join(mrdir, f"rtmr{i}:sha384"), "wb") as f:
            f.write(want[i])
    p = run([cli, "--platform", "tdx", "--sysroot", tdx, "measurement", "--json"], env)
    ok = p.returncode == 0
    if ok:
        got = {m["index"]: m["digest"] for m in json.loads(p.stdout)["registers"]}
        ok = all(got.get(i) == want[i].hex() for i in range(4))
    check(ok, "--platform tdx on a sysroot with tsm-mr files: opens and reads the RTMRs written")


if __name__ == "__main__":
    sys.exit(main())
