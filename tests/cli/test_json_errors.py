#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Every command's failure paths with JSON output selected print one JSON
document carrying an error object {"code","exit","message","event","offset"}
(top level, or the "error" member of an answer that was already open), whose
exit equals the process's exit status; a parse failure names the event and
byte offset. Also: the CLI's 64-bit and flag fields are hex strings.

usage: test_json_errors.py CCTRUSTED MKLOG
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pyutil import check, report  # noqa: E402 (shared helpers in tests/)


def main():
    cli, mklog = sys.argv[1:3]
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log.bin")
        subprocess.run([sys.executable, mklog, "--out", log, "--expect", log + ".exp"], check=True)
        data = open(log, "rb").read()
        trunc = os.path.join(tmp, "trunc.bin")
        open(trunc, "wb").write(data[: len(data) - 7])  # the last event loses its end
        junk = os.path.join(tmp, "junk.bin")
        open(junk, "wb").write(b"\x01\x02junk" * 40)
        empty = os.path.join(tmp, "root")
        os.mkdir(empty)
        missing = os.path.join(tmp, "missing")
        live = ["--platform", "tdx", "--sysroot", empty]
        cases = [
            (["eventlog", "--json", missing], 3),
            (["eventlog", "--json", trunc], 2),
            (["eventlog", "--output", "json", "--bogus"], 1),
            (["replay", "--json", missing], 3),
            (["replay", "--json", trunc], 2),
            (["replay", "--json", "--bogus"], 1),
            (live + ["info", "--json"], 3),
            (live + ["measurement", "--json"], 3),
            (["measurement", "--json", "--index", "nope"], 1),
            (live + ["report", "--json"], 3),
            (["report", "--json", "--nonce", "xyz"], 1),
            (["report", "show", "--json", junk], 2),
            (["report", "show", "--json", missing], 3),
            (live + ["extend", "--json", "--index", "2", "--data", "x"], 3),
            (["extend", "--json", "--index", "2"], 1),
            (["verify", "--json", missing], 3),
            (["verify", "--json", "--bogus"], 1),
            (["collateral", "fetch", "--json", "--dry-run", junk], 2),
            (["collateral", "fetch", "--json", "--retries", "9", junk], 1),
            (["vcek", "fetch", "--json", "--dry-run", missing], 3),
        ]
        for args, want in cases:
            p = subprocess.run([cli] + args, capture_output=True, text=True)
            what = "cctrusted " + " ".join(a.replace(tmp, "T") for a in args)
            try:
                doc = json.loads(p.stdout)
            except ValueError:
                check(False, "%s: stdout is one JSON document (%r)" % (what, p.stdout[:200]))
                continue
            e = doc.get("error") if isinstance(doc, dict) else None
            ok = (isinstance(e, dict) and p.returncode == want and e.get("exit") == want
                  and e.get("code") == {1: "usage", 2: "invalid", 3: "environment"}[want]
                  and isinstance(e.get("message"), str) and e["message"] != ""
                  and "event" in e and "offset" in e)
            check(ok, "%s: exit %d, error %s" % (what, p.returncode, json.dumps(e)))
            if args[:2] == ["eventlog", "--json"] and args[2] == trunc:
                check(isinstance(e, dict) and isinstance(e.get("event"), int)
                      and isinstance(e.get("offset"), int) and e["offset"] > 0,
                      "truncated log: the error names the event and byte offset")
        # verify's answer to unparsable evidence is its verdict (docs/verify.md): a failed
        # "parse" check, exit 2.
        p = subprocess.run([cli, "verify", "--json", junk], capture_output=True, text=True)
        doc = json.loads(p.stdout)
        check(p.returncode == 2 and doc["verdict"] == "fail" and doc["checks"][0]["name"] == "parse"
              and not doc["checks"][0]["ok"], "verify --json on junk: a failed parse check")
        # A failed verdict is an answer, not an error: no error object, the checks are there.
        p = subprocess.run([cli, "replay", "--json", "--expect", os.devnull, log],
                           capture_output=True, text=True)
        doc = json.loads(p.stdout) if p.stdout.strip() else {}
        check("registers" in doc, "replay's JSON answer stays an answer (exit %d)" % p.returncode)
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
