#!/usr/bin/env python3
"""TPM backend against prepared directory trees (--sysroot), no TPM needed.

Usage: tpm-sysroot.py CCTRUSTED MKLOG

Checks detection probes and reasons, the sysfs PCR fallback (values written
here, read back through the CLI), `replay --verify` of a generated boot log
against sysfs PCRs holding the values tools/mklog.py computed with hashlib,
a mismatch (exit 2, explained), malformed sysfs values (exit 2), a TPM 1.2
(not chosen), quote/extend without a usable TPM (exit 3) and, when run as
root with setpriv, a device without permission (exit 3).
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


def run(cmd, env=None, show_if_not=None):
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    if show_if_not is not None and p.returncode != show_if_not:
        print(f"command {cmd} exited {p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}", flush=True)
    return p


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    cli, mklog = os.path.abspath(sys.argv[1]), sys.argv[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCT_")}
    tmp = tempfile.mkdtemp(prefix="cct-tpm-sysroot-")
    try:
        return body(cli, mklog, env, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def body(cli, mklog, env, tmp):
    # --- empty root: no TEE, exit 3, every probe listed under the sysroot
    empty = os.path.join(tmp, "empty")
    os.mkdir(empty)
    p = run([cli, "--sysroot", empty, "info", "--json"], env, 3)
    j = json.loads(p.stdout)
    tpm_probes = [pr for pr in j["probes"] if pr["platform"] == "tpm"]
    check(p.returncode == 3 and j["platform"] == "none" and "no TEE" in j["reason"], "empty root: no TEE, exit 3")
    want_paths = {empty + s for s in ("/dev/tpmrm0", "/dev/tpm0", "/sys/class/tpm/tpm0",
                                      "/sys/kernel/security/tpm0/binary_bios_measurements")}
    check({pr["path"] for pr in tpm_probes} == want_paths and not any(pr["found"] for pr in tpm_probes),
          "empty root: the four TPM probes are listed, none found")
    p = run([cli, "--sysroot", empty, "info"], env, 3)
    check(p.returncode == 3 and "checked:" in p.stdout and "/dev/tpmrm0: absent" in p.stdout,
          "text info lists what it checked")
    for cmd in (["measurement"], ["report"], ["eventlog"], ["replay", "--verify"]):
        p = run([cli, "--sysroot", empty, *cmd], env, 3)
        check(p.returncode == 3, f"{' '.join(cmd)} without a TEE exits 3")

    # --- sysfs-only TPM with a boot log whose expected PCRs come from mklog (hashlib)
    root = os.path.join(tmp, "root")
    log = os.path.join(root, "sys/kernel/security/tpm0/binary_bios_measurements")
    os.makedirs(os.path.dirname(log))
    expect = os.path.join(tmp, "expect.txt")
    subprocess.run([sys.executable, mklog, "--banks", "sha1,sha256", "--out", log, "--expect", expect], check=True)
    values = {(b, i): (b"\0" * (20 if b == "sha1" else 32)) for b in ("sha1", "sha256") for i in range(24)}
    for i in range(17, 23):
        for b in ("sha1", "sha256"):
            values[(b, i)] = b"\xff" * len(values[(b, i)])
    for line in open(expect):
        if not line.startswith("#"):
            idx, alg, hx = line.split()
            values[(alg, int(idx[3:]))] = bytes.fromhex(hx)

    def write_pcrs():
        for (b, i), v in values.items():
            write(os.path.join(root, f"sys/class/tpm/tpm0/pcr-{b}/{i}"), v.hex() + "\n")

    write_pcrs()
    write(os.path.join(root, "sys/class/tpm/tpm0/tpm_version_major"), "2\n")
    p = run([cli, "--sysroot", root, "info", "--json"], env, 0)
    j = json.loads(p.stdout)
    check(j["detected"] == "tpm" and j["open"] and sorted(j["banks"]) == ["sha1", "sha256"],
          "sysfs TPM 2.0 detected and opened; banks sha1, sha256")
    check(j["default_algorithm"] == "sha256", "default algorithm sha256")
    check([s["role"] for s in j["log_sources"]] == ["boot"] and j["log_sources"][0]["path"] == log,
          "boot log source under the sysroot")
    p = run([cli, "--sysroot", root, "measurement", "--json"], env, 0)
    got = {(r["alg"], r["index"]): bytes.fromhex(r["digest"]) for r in json.loads(p.stdout)["registers"]}
    check(got == values, f"measurement reads all {len(values)} sysfs PCR values")
    p = run([cli, "--sysroot", root, "replay", "--verify", "--json"], env, 0)
    j = json.loads(p.stdout)
    n_exp = sum(1 for line in open(expect) if not line.startswith("#"))
    check(p.returncode == 0 and j["expect"]["matched"] and j["expect"]["checked"] == n_exp,
          f"replay --verify: {n_exp} replayed registers equal the sysfs PCRs")
    check(j["verify"]["ima_log_included"] is False and "covers the boot and runtime logs only" in p.stderr,
          "no IMA log: the output says the verification covers the boot log only")
    p = run([cli, "--sysroot", root, "eventlog", "--count", "2", "--json"], env, 0)
    check(p.returncode == 0 and json.loads(p.stdout)["logs"][0]["file"] == log, "eventlog reads the live boot log")

    values[("sha256", 7)] = bytes(32)
    write_pcrs()
    p = run([cli, "--sysroot", root, "replay", "--verify"], env, 2)
    check(p.returncode == 2 and "mismatch: PCR7 sha256" in p.stderr and "events feeding PCR7" in p.stderr,
          "a changed PCR7: replay --verify exits 2 and explains it")
    p = run([cli, "--sysroot", root, "report"], env, 3)
    check(p.returncode == 3 and "sysfs" in p.stderr, "sysfs mode: report exits 3 and says why")
    p = run([cli, "--sysroot", root, "extend", "--index", "16", "--data", "x"], env, 3)
    check(p.returncode == 3, "sysfs mode: extend exits 3")
    write(os.path.join(root, "sys/class/tpm/tpm0/pcr-sha256/3"), "not hex\n")
    p = run([cli, "--sysroot", root, "measurement", "--index", "3"], env, 2)
    check(p.returncode == 2 and "hex" in p.stderr, "malformed sysfs PCR value: exit 2")
    p = run([cli, "--sysroot", root, "measurement", "--alg", "sha384"], env, 1)
    check(p.returncode == 1 and "not allocated" in p.stderr, "a bank the TPM does not have: exit 1, says so")

    # --- TPM 1.2 is not chosen
    old = os.path.join(tmp, "tpm12")
    write(os.path.join(old, "sys/class/tpm/tpm0/tpm_version_major"), "1\n")
    p = run([cli, "--sysroot", old, "info", "--json"], env, 3)
    j = json.loads(p.stdout)
    check(p.returncode == 3 and j["detected"] == "none" and
          any("TPM 1 is not supported" in pr["detail"] for pr in j["probes"]), "TPM 1.2 is reported, not chosen")

    # --- permission: a device only root may open
    if os.geteuid() == 0 and shutil.which("setpriv"):
        perm = os.path.join(tmp, "perm")
        write(os.path.join(perm, "dev/tpmrm0"), "")
        os.chmod(os.path.join(perm, "dev/tpmrm0"), 0o600)
        os.chmod(tmp, 0o755)
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        if run(as_nobody + [cli, "--help"], env).returncode == 0:
            p = run(as_nobody + [cli, "--sysroot", perm, "--platform", "tpm", "measurement"], env, 3)
            check(p.returncode == 3 and "no permission" in p.stderr, "device without permission: exit 3, says so")
        else:
            print("skip permission check: cctrusted is not executable by nobody here")
    else:
        print("skip permission check: needs root and setpriv")

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
