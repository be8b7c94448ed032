#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compare `cctrusted eventlog --json` of a CCEL from the shared evidence
corpus with an independent decoding of the same log (a JSON file listing,
per event, the CC MR index, type, digest_matches_event and decoded strings).

For every event: index equals our index_logged, type names agree,
digest_matches_event agrees, and every decoded string they list (unicode
variable names, strings, tag names) occurs in one of our decoded values.
Exits 77 (skipped) when the corpus is absent.

usage: check-ccel-expected.py CCTRUSTED CORPUS_DIR
"""
import json
import os
import subprocess
import sys

LOG = "ccel/trustee-ccel-alibabacloud-aael-rtmr3.bin"
EXPECTED = "ccel/trustee-ccel-alibabacloud-aael-rtmr3.expected.json"


def strings(obj):
    """Every string value in a decoded object, recursively."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v)


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    cli, corpus = sys.argv[1:3]
    log, exp_path = os.path.join(corpus, LOG), os.path.join(corpus, EXPECTED)
    if not (os.path.exists(log) and os.path.exists(exp_path)):
        print("SKIP: corpus file %s not found" % log)
        return 77
    out = subprocess.run([cli, "eventlog", "--json", log], check=True, stdout=subprocess.PIPE).stdout
    ours = json.loads(out)["logs"][0]["events"]
    with open(exp_path) as f:
        theirs = json.load(f)["uefi_event_logs"]
    # Their list leaves out the SpecID header record.
    ours = [e for e in ours if not (e["number"] == 0 and e["type_name"] == "EV_NO_ACTION")]
    failures = []
    if len(ours) != len(theirs):
        failures.append("event count: ours %d, theirs %d" % (len(ours), len(theirs)))
    checked = 0
    for i, (o, t) in enumerate(zip(ours, theirs)):
        where = "event %d (%s)" % (o["number"], o["type_name"])
        if o["index_logged"] != t["index"]:
            failures.append("%s: index %d vs %d" % (where, o["index_logged"], t["index"]))
        if o["type_name"] != t["type_name"]:
            failures.append("%s: type %s vs %s" % (where, o["type_name"], t["type_name"]))
        if o["digest_matches_event"] != t["digest_matches_event"]:
            failures.append("%s: digest_matches_event %s vs %s" % (where, o["digest_matches_event"],
                                                                   t["digest_matches_event"]))
        if "decode_warning" in o:
            failures.append("%s: decode warning: %s" % (where, o["decode_warning"]))
        values = list(strings(o.get("decoded", {})))
        det = t.get("details", {})
        for key in ("unicode_name", "string"):
            want = det.get(key)
            if isinstance(want, str) and want:
                checked += 1
                if not any(want in v for v in values):
                    failures.append("%s: %s %r not in decoded output %r" % (where, key, want, values))
        # Their device paths use other spellings; the file path node's text is the same.
        for dp in det.get("device_paths", []):
            if dp.startswith("File(") and dp.endswith(")"):
                checked += 1
                if not any(dp[5:-1] in v for v in values):
                    failures.append("%s: file path %r not in decoded output" % (where, dp[5:-1]))
        # Runtime (AAEL) events: domain, operation and content split out.
        data = det.get("data")
        if isinstance(data, dict) and "aael" in o.get("decoded", {}):
            aael = o["decoded"]["aael"]
            for key in ("domain", "operation"):
                checked += 1
                if aael.get(key) != data.get(key):
                    failures.append("%s: aael %s %r vs %r" % (where, key, aael.get(key), data.get(key)))
            content = data.get("content")
            checked += 1
            ours_c = aael.get("content", "")
            if isinstance(content, str):
                ok = ours_c == content
            else:
                try:
                    ok = json.loads(ours_c) == content
                except ValueError:
                    ok = False
            if not ok:
                failures.append("%s: aael content %r vs %r" % (where, ours_c, content))
    for f in failures:
        print("FAIL", f)
    print("%d events compared, %d decoded strings checked, %d failures" % (min(len(ours), len(theirs)), checked,
                                                                          len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
