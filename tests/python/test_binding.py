#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Tests of the ctypes binding (bindings/python/cctrusted) against the built
library ($CCTRUSTED_LIB) and the CLI:

- every mirrored structure has the C compiler's size and field offsets
  (a generated C program prints them);
- on the sim platform (temporary state directory): measurements, event log
  and replay equal the CLI's JSON output; extend changes RTMR3 as hashlib
  predicts; the report carries REPORTDATA = SHA-512(nonce || data);
- offline: a log written by tools/mklog.py replays to the values it writes;
  IMA and CEL logs from tests/{ima,cel} parse and replay as the CLI shows.

usage: test_binding.py --cli CLI --mklog MKLOG --include DIR --gen-ima GEN --gen-cel GEN -- CC [ARGS...]
"""
import argparse
import ctypes
import hashlib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bindings", "python"))
sys.path.insert(0, os.path.join(HERE, ".."))

import cctrusted  # noqa: E402
from cctrusted import _lib as L  # noqa: E402
from pyutil import check, report  # noqa: E402

HEADERS = ["cctrusted/error.h", "cctrusted/algorithm.h", "cctrusted/eventlog.h", "cctrusted/replay.h",
           "cctrusted/context.h", "cctrusted/report.h", "cctrusted/verify.h", "cctrusted/ima.h",
           "cctrusted/collateral.h"]


def c_layout_program():
    """C source printing 'struct size' and 'struct.field offset size' for every mirrored field."""
    lines = ["#include <stddef.h>", "#include <stdio.h>"]
    lines += ["#include <%s>" % h for h in HEADERS]
    lines.append("int main(void)\n{")
    for s in L.STRUCTS:
        n = s.__name__
        lines.append('    printf("%s %%zu\\n", sizeof(struct %s));' % (n, n))
        for f in s._fields_:
            fn = f[0]
            lines.append('    printf("%s.%s %%zu %%zu\\n", offsetof(struct %s, %s), sizeof(((struct %s *)0)->%s));'
                         % (n, fn, n, fn, n, fn))
    lines.append("    return 0;\n}")
    return "\n".join(lines) + "\n"


def test_layout(cc, include, tmp):
    src = os.path.join(tmp, "layout.c")
    exe = os.path.join(tmp, "layout")
    with open(src, "w") as f:
        f.write(c_layout_program())
    p = subprocess.run(cc + ["-std=c11", "-I", include, src, "-o", exe], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if not check(p.returncode == 0, "layout program does not compile:\n" + p.stdout):
        return
    out = subprocess.run([exe], stdout=subprocess.PIPE, text=True, check=True).stdout
    c = {}
    for line in out.splitlines():
        parts = line.split()
        c[parts[0]] = tuple(int(x) for x in parts[1:])
    n = 0
    for s in L.STRUCTS:
        name = s.__name__
        check(c.get(name) == (ctypes.sizeof(s),),
              "sizeof(struct %s): C %s, ctypes %d" % (name, c.get(name), ctypes.sizeof(s)))
        for f in s._fields_:
            fd = getattr(s, f[0])
            key = "%s.%s" % (name, f[0])
            check(c.get(key) == (fd.offset, fd.size), "%s: C (offset, size) %s, ctypes %s"
                  % (key, c.get(key), (fd.offset, fd.size)))
            n += 1
    check(n > 50, "layout check covered %d fields" % n)
    # The check must be able to fail: a structure missing its last field differs in size.
    class short_register(ctypes.Structure):
        _fields_ = L.cct_register._fields_[:-1]
    check(ctypes.sizeof(short_register) != c.get("cct_register", (0,))[0],
          "a truncated mirror of cct_register would not be noticed")


def cli_json(cli, env, *args):
    p = subprocess.run([cli, "--platform", "sim"] + list(args) + ["--json"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, env=env)
    if not check(p.returncode == 0, "cctrusted %s failed: %s" % (" ".join(args), p.stderr)):
        return None
    return json.loads(p.stdout)


def measurements_by_cli(cli, env):
    j = cli_json(cli, env, "measurement")
    if j is None:
        return None, {}
    return j, {(r["register"], r["index"], r["alg"]): bytes.fromhex(r["digest"]) for r in j["registers"]}


def event_as_cli(e):
    """The binding's event in the CLI's JSON shape."""
    d = {"number": e.number, "offset": e.offset, "length": e.length, "register": e.register,
            "index": e.index, "index_logged": e.index_logged, "type": e.type, "type_name": e.type_name,
            "digests": [{"alg": a, "digest": d.hex()} for a, d in e.digests.items()], "data": e.data.hex(),
            "decoded": e.decoded, "digest_check": e.digest_check,
            "digest_matches_event": e.digest_matches_event}
    if e.ima is not None:
        d["ima"] = {k: (v.hex() if isinstance(v, bytes) else v) for k, v in e.ima.items()}
    if e.cel is not None:
        d["cel"] = e.cel
    if e.decode_warning is not None:
        d["decode_warning"] = e.decode_warning
    return d


def compare_eventlog(cli, env, cc, what):
    j = cli_json(cli, env, "eventlog")
    if j is None:
        return
    want = [e for log in j["logs"] for e in log["events"]]
    got = [event_as_cli(e) for e in cc.get_cc_eventlog()]
    check(len(want) > 0, "%s: the CLI shows no events" % what)
    check(len(got) == len(want), "%s: %d events, CLI %d" % (what, len(got), len(want)))
    for i, (g, w) in enumerate(zip(got, want)):
        if not check(g == w, "%s: event %d differs:\n  binding %s\n  cli     %s" % (what, i, g, w)):
            break
    # start/count select by position in the joined list.
    if len(got) >= 4:
        part = [event_as_cli(e) for e in cc.get_cc_eventlog(1, 2)]
        check(part == got[1:3], "%s: get_cc_eventlog(1, 2) is not events 1-2" % what)
        check(cc.get_cc_eventlog(len(got)) == [], "%s: a start at the end yields events" % what)
        check(len(cc.get_cc_eventlog(len(got) - 1, 10)) == 1, "%s: a count past the end" % what)
        check(cc.get_cc_eventlog(0, 0) == [], "%s: count 0 yields events" % what)


def test_sim(cli):
    with tempfile.TemporaryDirectory() as state:
        env = dict(os.environ, CCT_SIM_DIR=state)
        with cctrusted.CCTrusted(platform="sim", sim_state_dir=state) as cc:
            check(cc.platform == "sim", "platform %s" % cc.platform)
            j, regs = measurements_by_cli(cli, env)
            if j is None:
                return
            check(cc.get_default_algorithms() == j["default_algorithm"] == "sha384",
                  "default algorithm %s, CLI %s" % (cc.get_default_algorithms(), j["default_algorithm"]))
            n = cc.get_measurement_count()
            check(n == 4 and n == len(regs), "count %d, CLI shows %d registers" % (n, len(regs)))
            for i in range(n):
                alg, v = cc.get_cc_measurement(i)
                check(regs.get(("rtmr", i, alg)) == v, "RTMR%d %s differs from the CLI" % (i, alg))
                check(cc.get_cc_measurement(i, "sha384") == (alg, v), "RTMR%d by name" % i)
            try:
                cc.get_cc_measurement(n)
                check(False, "register %d exists" % n)
            except cctrusted.CCTrustedError as e:
                check(e.name == "CCT_ENOTFOUND" and e.code == -9, "register past the end: %s" % e)
            compare_eventlog(cli, env, cc, "boot log")

            # Replay equals the registers (RTMR3 untouched: nothing replays into it).
            rp = cc.replay_cc_eventlog()
            check(len(rp) >= 3, "replay has %d registers" % len(rp))
            for i in range(n):
                alg, v = cc.get_cc_measurement(i)
                check(rp.get(("rtmr", i, alg), b"\0" * 48) == v, "replay of RTMR%d differs" % i)

            # Extend RTMR3 and predict it with hashlib.
            old = cc.get_cc_measurement(3)[1]
            digest = hashlib.sha384(b"python binding event").digest()
            cc.extend(3, digest, b"python binding event")
            new = cc.get_cc_measurement(3)[1]
            check(new == hashlib.sha384(old + digest).digest(), "RTMR3 after extend is not sha384(old||digest)")
            check(new != old, "extend did not change RTMR3")
            j2, regs2 = measurements_by_cli(cli, env)
            check(regs2.get(("rtmr", 3, "sha384")) == new, "CLI RTMR3 differs after extend")
            rp = cc.replay_cc_eventlog()
            check(rp.get(("rtmr", 3, "sha384")) == new, "replay of RTMR3 after extend differs")
            compare_eventlog(cli, env, cc, "boot + runtime log")
            evs = [e for e in cc.get_cc_eventlog() if e.register == "rtmr" and e.index == 3]
            check(len(evs) == 1 and evs[0].digests.get("sha384") == digest,
                  "the runtime log has no record of the extend")
            try:
                cc.extend(3, b"\1" * 5)
                check(False, "a 5-byte digest was accepted")
            except cctrusted.CCTrustedError as e:
                check(e.code < 0 and e.message != "", "short digest: %s" % e)

            # Report: REPORTDATA = SHA-512(nonce || data), in the TD quote body.
            nonce, data = os.urandom(32), b"user data"
            rep = cc.get_cc_report(nonce=nonce, data=data)
            want = hashlib.sha512(nonce + data).digest()
            check(rep.reportdata == want, "reportdata is not sha512(nonce||data)")
            check(rep.provider == "sim", "provider %r" % rep.provider)
            # Quote v4: 48-byte header, then the 584-byte TD quote body ending in REPORTDATA;
            # RTMR0-3 are the four 48-byte fields before it.
            check(len(rep.data) > 632 and rep.data[568:632] == want, "REPORTDATA not in the quote body")
            check(rep.data[520:568] == new, "RTMR3 in the quote differs")
            raw = bytes(range(64))
            check(cc.get_cc_report(report_data=raw).data[568:632] == raw, "raw report_data not used")
        try:
            cc.get_measurement_count()
            check(False, "a closed context still answers")
        except cctrusted.CCTrustedError as e:
            check(e.name == "CCT_EINVAL", "closed context: %s" % e)


def test_tpm_sysroot(cli, mklog):
    """A sysfs-only TPM under a prepared sysroot: PCR values written here, the boot log from
    tools/mklog.py; measurements, events and replay as the CLI and mklog say."""
    with tempfile.TemporaryDirectory() as root:
        log = os.path.join(root, "sys/kernel/security/tpm0/binary_bios_measurements")
        os.makedirs(os.path.dirname(log))
        exp = os.path.join(root, "expect.txt")
        subprocess.run([sys.executable, mklog, "--banks", "sha1,sha256", "--out", log, "--expect", exp], check=True)
        want = parse_expect(exp)
        values = {}
        for alg, size in (("sha1", 20), ("sha256", 32)):
            for i in range(24):
                values[(i, alg)] = want.get(("pcr", i, alg), (b"\xff" if 17 <= i <= 22 else b"\0") * size)
                d = os.path.join(root, "sys/class/tpm/tpm0/pcr-%s" % alg)
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, str(i)), "w") as f:
                    f.write(values[(i, alg)].hex() + "\n")
        with open(os.path.join(root, "sys/class/tpm/tpm0/tpm_version_major"), "w") as f:
            f.write("2\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CCT_")}
        with cctrusted.CCTrusted(platform="auto", sysroot=root) as cc:
            check(cc.platform == "tpm", "sysroot TPM: platform %s" % cc.platform)
            check(cc.get_default_algorithms() == "sha256", "sysroot TPM: default algorithm")
            check(cc.get_measurement_count() == 24, "sysroot TPM: 24 PCRs")
            got = {(i, alg): cc.get_cc_measurement(i, alg)[1] for i in range(24) for alg in ("sha1", "sha256")}
            check(got == values, "sysroot TPM: PCR values differ from what was written")
            check(cc.get_cc_measurement(7) == ("sha256", values[(7, "sha256")]), "sysroot TPM: default bank")
            src = cc.get_log_sources()
            check([(p, r) for p, _, r in src] == [(log, "boot")], "log sources %s" % src)
            rp = cc.replay_cc_eventlog()
            check(len(want) > 4 and rp == want, "sysroot TPM: replay differs from mklog")
            p = subprocess.run([cli, "--sysroot", root, "eventlog", "--json"], stdout=subprocess.PIPE, text=True,
                               env=env)
            cli_events = [e for lg in json.loads(p.stdout)["logs"] for e in lg["events"]]
            check(len(cli_events) > 5 and [event_as_cli(e) for e in cc.get_cc_eventlog()] == cli_events,
                  "sysroot TPM: events differ from the CLI")
            for call in (lambda: cc.get_cc_report(nonce=b"n"), lambda: cc.extend(16, bytes(32))):
                try:
                    call()
                    check(False, "sysfs TPM: report/extend succeeded")
                except cctrusted.CCTrustedError as e:
                    check(e.code < 0 and e.message, "sysfs TPM: %s" % e)


def parse_expect(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, alg, hx = line.split()
            kind = "rtmr" if name.startswith("RTMR") else "pcr"
            out[(kind, int(name.lstrip("RTMPC")), alg)] = bytes.fromhex(hx)
    return out


def test_offline(cli, mklog):
    with tempfile.TemporaryDirectory() as tmp:
        for extra in (["--tdx"], ["--banks", "sha1,sha256"]):
            log, exp = os.path.join(tmp, "log.bin"), os.path.join(tmp, "expect.txt")
            subprocess.run([sys.executable, mklog, "--out", log, "--expect", exp] + extra, check=True)
            want = parse_expect(exp)
            what = " ".join(extra)
            got = cctrusted.replay([log])
            check(len(want) > 2 and got == want, "%s: replay differs from mklog:\n  %s\n  %s" % (what, got, want))
            with open(log, "rb") as f:
                blob = f.read()
            evs = cctrusted.parse_eventlog(blob)
            evs2 = cctrusted.parse_eventlog(log, format="tcg2" if "--tdx" not in extra else "ccel")
            check(len(evs) > 5 and [e.raw for e in evs] == [e.raw for e in evs2],
                  "%s: memory and file parses differ" % what)
            check(cctrusted.replay(blob) == want, "%s: replay of a buffer differs" % what)
            p = subprocess.run([cli, "eventlog", "--json", log], stdout=subprocess.PIPE, text=True)
            j = json.loads(p.stdout)
            clie = [e for lg in j["logs"] for e in lg["events"]] if "logs" in j else j.get("events", [])
            check([event_as_cli(e)["decoded"] for e in evs] == [e["decoded"] for e in clie],
                  "%s: decoded events differ from the CLI" % what)
        # Errors carry the code name, message, event number and offset.
        try:
            cctrusted.parse_eventlog(blob[:len(blob) // 3] + b"\x01\x02", format="tcg2")
            check(False, "a cut log parsed")
        except cctrusted.CCTrustedError as e:
            check(e.name in ("CCT_ETRUNCATED", "CCT_EMALFORMED") and e.event > 0 and e.offset > 0
                  and e.message, "cut log error: %r event %d offset %d" % (e, e.event, e.offset))
        try:
            cctrusted.parse_eventlog(os.path.join(tmp, "missing.bin"))
            check(False, "a missing file parsed")
        except cctrusted.CCTrustedError as e:
            check(e.name in ("CCT_EIO", "CCT_ENOTFOUND"), "missing file: %s" % e)


def test_formats(cli, gen_ima, gen_cel):
    """IMA and CEL logs written by the repository's generators: events and replay equal the CLI's."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, gen_ima, os.path.join(tmp, "ima")], check=True)
        subprocess.run([sys.executable, gen_cel, os.path.join(tmp, "cel")], check=True)
        files = ["ima/ima-ng.txt", "ima/ima-sig-le.bin", "ima/ima-buf-be.bin", "ima/rtmr2-sha384.txt",
                 "ima/mixed.txt", "ima/unknown.txt", "cel/cel-pcr.bin", "cel/cel-pcr.json", "cel/systemd.json",
                 "cel/cel-ccmr.bin"]
        for name in files:
            path = os.path.join(tmp, name)
            p = subprocess.run([cli, "eventlog", "--json", path], stdout=subprocess.PIPE, text=True)
            if not check(p.returncode == 0, "%s: cctrusted eventlog failed" % name):
                continue
            want = [e for lg in json.loads(p.stdout)["logs"] for e in lg["events"]]
            got = [event_as_cli(e) for e in cctrusted.parse_eventlog(path)]
            check(len(want) > 1 and len(got) == len(want), "%s: %d events, CLI %d" % (name, len(got), len(want)))
            for i, (g, w) in enumerate(zip(got, want)):
                if not check(g == w, "%s: event %d differs:\n  binding %s\n  cli     %s" % (name, i, g, w)):
                    break
            p = subprocess.run([cli, "replay", "--json", path], stdout=subprocess.PIPE, text=True)
            regs = {(r["register"], r["index"], r["alg"]): bytes.fromhex(r["digest"])
                    for r in json.loads(p.stdout)["registers"]}
            got = cctrusted.replay(path)
            check(len(regs) > 0 and got == regs, "%s: replay differs from the CLI:\n  %s\n  %s" % (name, got, regs))


def test_detect(cli):
    """Detection in an empty sysroot: the same explanation as `cctrusted info`, and no context opens."""
    with tempfile.TemporaryDirectory() as root:
        d = cctrusted.detect(root)
        p = subprocess.run([cli, "--sysroot", root, "info", "--json"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        j = json.loads(p.stdout)
        check(d["chosen"] == j["detected"] == "none", "detected %s, CLI %s" % (d["chosen"], j["detected"]))
        check(d["reason"] == j["reason"] and d["reason"] != "", "reason differs from the CLI")
        check(len(d["probes"]) > 2 and d["probes"] == j["probes"], "probes differ from the CLI")
        try:
            cctrusted.CCTrusted(platform="auto", sysroot=root)
            check(False, "a context opened with no TEE")
        except cctrusted.CCTrustedError as e:
            check(e.name == "CCT_ENOTFOUND" and root in e.message, "no TEE: %s" % e)
    for bad in (lambda: cctrusted.CCTrusted(platform="z80"), lambda: cctrusted.replay([], workarounds=["nope"]),
                lambda: cctrusted.parse_eventlog(b"", format="nope")):
        try:
            bad()
            check(False, "a bad argument was accepted")
        except cctrusted.CCTrustedError as e:
            check(e.name == "CCT_EINVAL", "bad argument: %s" % e)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--mklog", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--gen-ima", required=True)
    ap.add_argument("--gen-cel", required=True)
    ap.add_argument("cc", nargs="+")
    a = ap.parse_args()
    if "CCTRUSTED_LIB" not in os.environ:
        print("CCTRUSTED_LIB is not set")
        return 1
    print("library: %s" % cctrusted.library_path())
    with tempfile.TemporaryDirectory() as tmp:
        test_layout(a.cc, a.include, tmp)
    test_detect(a.cli)
    test_sim(a.cli)
    test_offline(a.cli, a.mklog)
    test_tpm_sysroot(a.cli, a.mklog)
    test_formats(a.cli, a.gen_ima, a.gen_cel)
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
