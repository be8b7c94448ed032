#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end check of IMA lists through the cctrusted CLI against values
computed by gen_ima.py with hashlib. Usage: test_ima_cli.py CCTRUSTED GEN_IMA."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pyutil import check, report, run  # noqa: E402 (shared helpers in tests/)


def main():
    cli, gen = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, gen, d], check=True)
        with open(os.path.join(d, "expected.json")) as f:
            expected = json.load(f)
        for name, exp in sorted(expected.items()):
            path = os.path.join(d, name)
            # Detection and events.
            rc, out, err = run(cli, "eventlog", "--json", path)
            check(rc == 0, "%s: eventlog exit %d: %s" % (name, rc, err.strip()))
            if rc != 0:
                continue
            log = json.loads(out)["logs"][0]
            check(log["format"] == exp["format"], "%s: format %s, want %s" % (name, log["format"], exp["format"]))
            evs = log["events"]
            check(len(evs) == len(exp["events"]), "%s: %d events, want %d" % (name, len(evs), len(exp["events"])))
            unknown_ascii = name == "unknown.txt"
            for i, (got, want) in enumerate(zip(evs, exp["events"])):
                w = "%s event %d" % (name, i)
                check(got["index"] == want["pcr"], w + ": index")
                check(got["digests"][0]["alg"] == exp["alg"], w + ": template hash alg " + got["digests"][0]["alg"])
                check(got["digests"][0]["digest"] == want["template_hash"], w + ": template hash")
                check(got["ima"]["template"] == want["template"], w + ": template name")
                check(got["ima"]["violation"] == want["violation"], w + ": violation flag")
                check(got["ima"].get("file_name") == want["file_name"], w + ": file name %r" % got["ima"].get("file_name"))
                check(got["ima"].get("file_digest") == want["file_digest"], w + ": file digest")
                if want["violation"]:
                    check(got["digest_check"] == "not-applicable", w + ": violation must not be checked")
                elif unknown_ascii:
                    check(got["digest_check"] == "not-applicable", w + ": unknown ascii template is not checked")
                else:
                    check(got["data"] == want["template_data"], w + ": template data")
                    check(got["digest_check"] == "ok", w + ": template hash check " + got["digest_check"])
                if "banks" in exp and exp["format"] == "ima-bin":
                    pass
            # Replay.
            args = ["replay", "--json"]
            if exp["banks"]:
                args += ["--ima-banks", ",".join(exp["banks"])]
            if exp["kind"] == "rtmr":
                args += ["--ima-register", "rtmr"]
            rc, out, err = run(cli, *(args + [path]))
            check(rc == 0, "%s: replay exit %d: %s" % (name, rc, err.strip()))
            if rc != 0:
                continue
            regs = {"%d %s" % (r["index"], r["alg"]): r for r in json.loads(out)["registers"]}
            check(set(regs) == set(exp["registers"]), "%s: registers %s, want %s" % (name, sorted(regs), sorted(exp["registers"])))
            for k, v in exp["registers"].items():
                check(k in regs and regs[k]["digest"] == v, "%s: register %s" % (name, k))
                check(k in regs and regs[k]["register"] == exp["kind"], "%s: register kind of %s" % (name, k))

        # A tampered entry is reported as a template hash mismatch.
        src = open(os.path.join(d, "ima-sig.txt")).read().replace("/usr/bin/sh", "/usr/bin/zz")
        bad = os.path.join(d, "tampered.txt")
        open(bad, "w").write(src)
        rc, out, err = run(cli, "replay", bad)
        check(rc == 0 and "template hash does not match" in err and "/usr/bin/zz" in err,
              "tampered: mismatch warning (rc %d, %s)" % (rc, err.strip()))
        # Negative inputs: clear message, evidence-invalid exit code, never a crash.
        negatives = {
            "badhex.txt": ("10 zz6a909c60b73277a84050f637886d5786b7a008 ima-ng sha256:00 /x\n", "bad hex in template hash"),
            "badfilehex.txt": ("10 6a6a909c60b73277a84050f637886d5786b7a008 ima-ng sha1:00112233445566778899aabbccddeeff0011223g /x\n",
                               "bad hex in file digest"),
            "unknownalg.txt": ("10 6a6a909c60b73277a84050f637886d5786b7a008 ima-ng foo256:0011 /x\n", "unknown file digest algorithm 'foo256'"),
            "badlen.txt": ("10 6a6a909c60b73277a84050f637886d5786b7a008 ima-ng sha256:0011 /x\n", "wrong length"),
            "fewfields.txt": ("10 6a6a909c60b73277a84050f637886d5786b7a008 ima-ng sha256\n", "too few fields"),
            "badindex.txt": ("10 6a6a909c60b73277a84050f637886d5786b7a008 ima-ng sha1:" + "00" * 20 + " /x\n99999 x\n", "register index"),
        }
        for fn, (content, msg) in negatives.items():
            p = os.path.join(d, fn)
            open(p, "w").write(content)
            rc, out, err = run(cli, "eventlog", "--format", "ima", p)
            check(rc == 2 and msg in err and "byte offset" in err, "%s: rc %d, stderr %r" % (fn, rc, err.strip()))
            check("Segmentation" not in err and rc >= 0, fn + ": crashed")
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
