#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Run the programs of examples/ on generated data.

read-log: its digests, extended here with hashlib, give the register values
tools/mklog.py computed on its own; a truncated log fails naming the offset.
replay: prints exactly the registers mklog.py computed.
verify-quote: a quote from tests/data/gen_quotes.py verifies against its
test root, and fails with one byte changed or under the built-in Intel root.

usage: test_examples.py READ_LOG REPLAY VERIFY_QUOTE MKLOG GEN_QUOTES
"""
import hashlib
import os
import subprocess
import sys
import tempfile

HASHES = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}
failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


def run(*args):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120)


def expected(path):
    """mklog.py's expect file: {(register, alg): hex}."""
    out = {}
    for line in open(path):
        if line.strip() and not line.startswith("#"):
            reg, alg, hexd = line.split()
            out[(reg, alg)] = hexd
    return out


def extend_from_dump(text):
    """Replay read-log's lines ('N REG TYPE alg:hex...') with hashlib."""
    regs = {}
    events = 0
    for line in text.splitlines():
        parts = line.split()
        events += 1
        if parts[2] == "EV_NO_ACTION":
            continue
        for d in parts[3:]:
            alg, hexd = d.split(":")
            h = HASHES[alg]
            old = regs.get((parts[1], alg), bytes(h().digest_size))
            regs[(parts[1], alg)] = h(old + bytes.fromhex(hexd)).digest()
    return {k: v.hex() for k, v in regs.items()}, events


def test_logs(read_log, replay, mklog, tmp):
    for name, extra in (("tpm", ["--banks", "sha256,sha384"]), ("ccel", ["--tdx"])):
        log, exp = os.path.join(tmp, name + ".bin"), os.path.join(tmp, name + ".exp")
        subprocess.run([sys.executable, mklog, "--out", log, "--expect", exp] + extra, check=True)
        want = expected(exp)
        check(len(want) > 0, f"{name}: mklog.py wrote expected values")
        p = run(read_log, log)
        check(p.returncode == 0, f"read-log {name}: exit 0 ({p.returncode}, {p.stderr.strip()})")
        got, n = extend_from_dump(p.stdout)
        check(got == want, f"read-log {name}: {n} events' digests extend to mklog.py's registers")
        p = run(replay, log)
        check(p.returncode == 0, f"replay {name}: exit 0 ({p.returncode}, {p.stderr.strip()})")
        lines = {tuple(line.split()[:2]): line.split()[2] for line in p.stdout.splitlines()}
        check(lines == want, f"replay {name}: {len(lines)} registers equal mklog.py's")
    # A log cut inside its last event: read-log stops with the offset.
    data = open(os.path.join(tmp, "tpm.bin"), "rb").read()
    cut = os.path.join(tmp, "cut.bin")
    with open(cut, "wb") as f:
        f.write(data[:-5])
    p = run(read_log, cut)
    check(
        p.returncode == 2 and "offset" in p.stderr,
        f"read-log truncated: exit 2 naming the offset " f"({p.returncode}, {p.stderr.strip()})",
    )
    p = run(replay, cut)
    check(p.returncode == 2 and "offset" in p.stderr, f"replay truncated: exit 2 ({p.returncode})")


def test_verify(verify, gen_quotes, tmp):
    qdir = os.path.join(tmp, "quotes")
    os.mkdir(qdir)
    subprocess.run([sys.executable, gen_quotes, qdir], check=True, capture_output=True)
    quote, root = os.path.join(qdir, "tdx-v4.quote"), os.path.join(qdir, "tdx-root.pem")
    p = run(verify, quote, root)
    check(
        p.returncode == 0 and p.stdout.strip().endswith("verified") and "\nfail " not in "\n" + p.stdout,
        f"verify-quote: generated TDX quote verifies under its root ({p.returncode})",
    )
    bad = bytearray(open(quote, "rb").read())
    bad[48 + 100] ^= 1  # a byte of the TD report body, covered by the quote signature
    badq = os.path.join(tmp, "bad.quote")
    with open(badq, "wb") as f:
        f.write(bad)
    p = run(verify, badq, root)
    check(
        p.returncode == 2 and "\nfail " in "\n" + p.stdout and "NOT verified" in p.stdout,
        f"verify-quote: one changed byte fails ({p.returncode})",
    )
    p = run(verify, quote)
    check(
        p.returncode == 2 and "NOT verified" in p.stdout,
        f"verify-quote: the test chain fails under the built-in Intel root ({p.returncode})",
    )


def main():
    read_log, replay, verify, mklog, gen_quotes = sys.argv[1:6]
    with tempfile.TemporaryDirectory() as tmp:
        test_logs(read_log, replay, mklog, tmp)
        test_verify(verify, gen_quotes, tmp)
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
