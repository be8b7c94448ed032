#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""One register-value format everywhere: `replay --expect` and `verify --pcrs`.

usage: test_regformat.py CCTRUSTED MKLOG GEN_QUOTES [CORPUS]

Register values are computed here with hashlib (tools/mklog.py writes a TCG2
log and its expected PCRs); a sysfs-only TPM tree (--sysroot) holds the same
values so that `measurement --json` prints them; TPM quotes are built here
over those values and signed with the project's generated AK. Checks:
  - replay --expect takes every format (NAME ALG HEX lines, IMRn names,
    [ALG:]NAME=HEX tokens, replay/measurement/eventlog --json, eventlog
    --output yaml, tpm2_pcrread blocks): each matches, and the same file with
    one digest changed fails naming that register; with the corpus, the YAML
    tpm2_eventlog prints (its own PCR computation) matches as printed;
  - names that do not fit the logs (PCRn or MRTD against a CCEL) and a bad
    line are refused with exit 1, the line named;
  - verify --pcrs with measurement --json output; --eventlog + --pcrs filling
    the PCRs no event extends; a conflict (named check, register, bank, both
    values); a PCR-digest failure naming the bank and the PCRs with no event
    and no value; bad files (line named, exit 1).
"""
import hashlib
import importlib.util
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pyutil import check, report  # noqa: E402

CLI, MKLOG, GEN = sys.argv[1:4]
CORPUS = sys.argv[4] if len(sys.argv) > 4 else ""


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


gen = load("gen_quotes", GEN)


def run(*args, env=None):
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env, timeout=120)


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def read_expect(path):
    """mklog's 'PCRn ALG HEX' lines -> {(index, alg): bytes} (the hashlib values)."""
    out = {}
    for line in open(path):
        if line.strip() and not line.startswith("#"):
            name, alg, hx = line.split()
            out[(int(name.lstrip("PCRTM")), alg)] = bytes.fromhex(hx)
    return out


def flip(b):
    return bytes([b[0] ^ 0x01]) + b[1:]


def expect_case(d, what, log, text, n, wrong_reg):
    """text(values) -> file contents; good values match all n, one changed value fails naming it."""
    p = run("replay", "--expect", write(os.path.join(d, "exp.txt"), text(values)), log)
    check(
        p.returncode == 0 and f"all {n} expected values match" in p.stdout,
        f"replay --expect {what}: {n} values match ({p.stderr.strip()[:100]})",
    )
    bad = dict(values)
    bad[wrong_reg] = flip(bad[wrong_reg])
    p = run("replay", "--expect", write(os.path.join(d, "exp.txt"), text(bad)), log)
    idx, alg = wrong_reg
    check(
        p.returncode == 2 and f"mismatch: PCR{idx} {alg}:" in p.stderr and "1 of" in p.stderr,
        f"replay --expect {what}: one changed digest fails on PCR{idx} {alg}",
    )


def tpm_quote(d, tag, pcrs, select, nonce):
    """TPMS_ATTEST over the SHA-256 PCRs in select, RSASSA-SHA256 by tpm-ak.key; (attest, sig) paths."""
    bitmap = bytearray(3)
    for i in select:
        bitmap[i // 8] |= 1 << (i % 8)
    digest = hashlib.sha256(b"".join(pcrs[(i, "sha256")] for i in sorted(select))).digest()
    a = (
        struct.pack(">IH", 0xFF544347, 0x8018)
        + struct.pack(">H", 0)
        + struct.pack(">H", len(nonce))
        + nonce
    )
    a += struct.pack(">QIIB", 1, 1, 0, 1) + struct.pack(">Q", 1)
    a += struct.pack(">I", 1) + struct.pack(">HB", 0x000B, 3) + bytes(bitmap)
    a += struct.pack(">H", len(digest)) + digest
    sig = gen.sign(os.path.join(d, "tpm-ak.key"), "sha256", a)
    return (
        write(os.path.join(d, f"{tag}.attest"), a),
        write(os.path.join(d, f"{tag}.sig"), struct.pack(">HHH", 0x0014, 0x000B, len(sig)) + sig),
    )


def verify(d, quote, nonce, *extra):
    attest, sig = quote
    p = run(
        "verify",
        "--json",
        attest,
        "--signature",
        sig,
        "--ak",
        os.path.join(d, "tpm-ak.pem"),
        "--report-data",
        nonce.hex(),
        *extra,
    )
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = {"checks": []}
    checks = {c["name"]: c for c in doc.get("checks", [])}
    return p, checks


with tempfile.TemporaryDirectory() as d:
    P = lambda n: os.path.join(d, n)  # noqa: E731
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCT_")}
    subprocess.run(
        [
            sys.executable,
            MKLOG,
            "--banks",
            "sha1,sha256",
            "--out",
            P("tpm.log"),
            "--expect",
            P("tpm.exp"),
        ],
        check=True,
    )
    subprocess.run(
        [sys.executable, MKLOG, "--tdx", "--out", P("td.log"), "--expect", P("td.exp")], check=True
    )
    values = read_expect(P("tpm.exp"))
    n = len(values)
    check(n == 18, f"mklog wrote {n} expected values (PCR0-8, sha1 and sha256)")

    # ---- a sysfs-only TPM holding the same values: measurement --json prints them
    root = P("root")
    live = {(i, b): bytes(20 if b == "sha1" else 32) for b in ("sha1", "sha256") for i in range(24)}
    for i in range(17, 23):
        for b in ("sha1", "sha256"):
            live[(i, b)] = b"\xff" * len(live[(i, b)])
    live[(9, "sha256")] = hashlib.sha256(b"PCR9 extended without a log record").digest()
    live.update(values)
    for (i, b), v in live.items():
        os.makedirs(os.path.join(root, f"sys/class/tpm/tpm0/pcr-{b}"), exist_ok=True)
        write(os.path.join(root, f"sys/class/tpm/tpm0/pcr-{b}/{i}"), v.hex() + "\n")
    write(os.path.join(root, "sys/class/tpm/tpm0/tpm_version_major"), "2\n")
    p = run("--sysroot", root, "measurement", "--json", env=env)
    meas = json.loads(p.stdout) if p.returncode == 0 else {"registers": []}
    check(
        len(meas["registers"]) == 48,
        f"measurement --json of the sysfs TPM: 48 values ({p.stderr.strip()[:80]})",
    )
    write(P("measurement.json"), p.stdout)

    # ---- replay --expect, every format
    def lines(v):
        return "# NAME ALG HEX\n\n" + "".join(
            f"PCR{i} {b} {x.hex()}  # hashlib\n" for (i, b), x in sorted(v.items())
        )

    def imr_lines(v):
        return "".join(f"IMR{i}, {b}, 0x{x.hex()}\n" for (i, b), x in sorted(v.items()))

    def tokens(v):
        # ALG:PCRn= on one line, bare N=0xHEX (algorithm from the size) on the next
        items = sorted(v.items())
        half = len(items) // 2
        return (
            " ".join(f"{b}:PCR{i}={x.hex()}" for (i, b), x in items[:half])
            + "\n"
            + ";".join(f"{i}=0x{x.hex()}" for (i, b), x in items[half:])
            + "\n"
        )

    def pcrread(v):
        out = ""
        for b in ("sha1", "sha256"):
            out += f"  {b}:\n" + "".join(
                f"    {i:<2}: 0x{x.hex().upper()}\n" for (i, bb), x in sorted(v.items()) if bb == b
            )
        return out

    def measurement_json(v):
        doc = json.loads(open(P("measurement.json")).read())
        for r in doc["registers"]:
            if (r["index"], r["alg"]) in v:
                r["digest"] = v[(r["index"], r["alg"])].hex()
        # only the logged registers: the others are not replayed from this log
        doc["registers"] = [r for r in doc["registers"] if (r["index"], r["alg"]) in v]
        return json.dumps(doc)

    expect_case(d, "NAME ALG HEX lines", P("tpm.log"), lines, n, (7, "sha256"))
    expect_case(d, "IMRn names, comma-separated words, 0x", P("tpm.log"), imr_lines, n, (0, "sha1"))
    expect_case(d, "[ALG:]NAME=HEX and N=0xHEX tokens", P("tpm.log"), tokens, n, (8, "sha256"))
    expect_case(d, "tpm2_pcrread blocks", P("tpm.log"), pcrread, n, (5, "sha1"))
    expect_case(d, "measurement --json", P("tpm.log"), measurement_json, n, (4, "sha256"))

    # the CLI's own outputs, with one digest changed in the text they print
    for what, args in (
        ("replay --json", ["replay", "--json"]),
        ("eventlog --json", ["eventlog", "--json"]),
        ("eventlog --output yaml", ["eventlog", "--output", "yaml"]),
    ):
        out = run(*args, P("tpm.log")).stdout
        want = values[(7, "sha256")].hex()
        check(out.count(want) >= 1, f"{what} prints PCR7 sha256 as hashlib computed it")
        p = run("replay", "--expect", write(P("own.txt"), out), P("tpm.log"))
        check(
            p.returncode == 0 and f"all {n} expected values match" in p.stdout,
            f"replay --expect takes {what} ({p.stderr.strip()[:100]})",
        )
        bad = out.replace(want, flip(values[(7, "sha256")]).hex())
        p = run("replay", "--expect", write(P("own.txt"), bad), P("tpm.log"))
        check(
            p.returncode == 2 and "mismatch: PCR7 sha256:" in p.stderr,
            f"replay --expect {what} with PCR7 changed fails naming it",
        )

    # tpm2_eventlog (tpm2-tools) computes the PCRs on its own: its YAML is taken as it prints it
    if not shutil.which("tpm2_eventlog") or not os.path.isdir(os.path.join(CORPUS, "tpm-eventlog")):
        print("skip tpm2_eventlog interoperation: tpm2_eventlog or the corpus is absent")
    else:
        for name in (
            "gce-cos85-3banks-sha1-sha256-sha384.bin",
            "t2t-event-4banks-sha1-256-384-512.bin",
            "keylime-rhel95-ovmf-sb-enabled-sha256.bin",
            "tss-pc-client-ubuntu-sha1-sha256.bin",
        ):
            log = os.path.join(CORPUS, "tpm-eventlog", name)
            y = subprocess.run(["tpm2_eventlog", log], capture_output=True, text=True).stdout
            want = len(re.findall(r"^    \d+ *: 0x[0-9a-fA-F]+$", y, re.M))
            p = run("replay", "--expect", write(P("tpm2.yaml"), y), log)
            check(
                want > 0 and p.returncode == 0 and f"all {want} expected values match" in p.stdout,
                f"replay --expect takes tpm2_eventlog's YAML of {name}: {want} values match",
            )

    # a CCEL: RTMRn and IMRn fit; PCRn and MRTD do not
    td = read_expect(P("td.exp"))
    p = run(
        "replay",
        "--expect",
        write(
            P("td-imr.txt"), "".join(f"IMR{i} {b} {x.hex()}\n" for (i, b), x in sorted(td.items()))
        ),
        P("td.log"),
    )
    check(
        p.returncode == 0 and f"all {len(td)} expected values match" in p.stdout,
        "CCEL: IMRn = RTMR n matches",
    )
    p = run("replay", "--expect", P("td.exp"), P("td.log"))
    check(p.returncode == 0, "CCEL: RTMRn lines match")
    # names that do not fit the logs: exit 1, with the reason
    for what, name, text, log, want in (
        (
            "CCEL: PCRn names refused (exit 1)",
            "td-pcr.txt",
            "".join(f"PCR{i} {b} {x.hex()}\n" for (i, b), x in sorted(td.items())),
            "td.log",
            ("PCR0 does not fit these logs",),
        ),
        (
            "CCEL: MRTD refused (not replayable)",
            "td-mrtd.txt",
            "MRTD sha384 " + "00" * 48 + "\n",
            "td.log",
            ("MRTD", "no event log replays it"),
        ),
        (
            "RTMR4 refused, line named",
            "tpm-rtmr.txt",
            "RTMR4 sha384 " + "00" * 48 + "\n",
            "tpm.log",
            ("line 1", "RTMR index out of range"),
        ),
    ):
        p = run("replay", "--expect", write(P(name), text), P(log))
        check(p.returncode == 1 and all(w in p.stderr for w in want), what)

    # bad files: the line (and byte offset) named, exit 1
    good = lines(values).splitlines(True)
    for what, bad_line, why in (
        ("short digest", "PCR3 sha256 00ff\n", "algorithm's size"),
        ("unknown algorithm", "PCR3 md5 " + "00" * 16 + "\n", "unknown algorithm"),
        ("two words", "PCR3 sha256\n", "want 'NAME ALG HEX'"),
        ("bad token", "sha256:PCR3=zz\n", "digest"),
        ("bad name", "PCRx sha1 " + "00" * 20 + "\n", "register name"),
    ):
        text = "".join(good[:5]) + bad_line + "".join(good[5:])
        p = run("replay", "--expect", write(P("bad.txt"), text), P("tpm.log"))
        start = len("".join(good[:5]).encode())
        m = re.search(r"byte offset (\d+)", p.stderr)
        off = int(m.group(1)) if m else -1
        check(
            p.returncode == 1
            and "line 6" in p.stderr
            and why in p.stderr
            and start <= off < start + len(bad_line)
            and text[off] not in " \n",
            f"bad line ({what}): exit 1, line 6 and a byte offset in it named ({p.stderr.strip()[:120]})",
        )
    p = run(
        "replay",
        "--expect",
        write(P("dup.txt"), "".join(good) + f"PCR7 sha256 {'11' * 32}\n"),
        P("tpm.log"),
    )
    check(
        p.returncode == 1 and "given twice" in p.stderr,
        "a register given twice with different values is refused",
    )
    p = run(
        "replay",
        "--expect",
        write(P("bad.json"), '{"registers":[{"index":1,"alg":"sha256"}]}'),
        P("tpm.log"),
    )
    check(
        p.returncode == 1 and "registers[0]" in p.stderr,
        "JSON entry without digest: refused naming registers[0]",
    )

    # ---- verify a TPM quote over PCR0-9 sha256; PCR9 has no event in the log
    subprocess.run([sys.executable, GEN, d], check=True, stdout=subprocess.DEVNULL)
    nonce = bytes(range(16))
    quote = tpm_quote(d, "q", live, range(0, 10), nonce)

    p, c = verify(d, quote, nonce, "--pcrs", P("measurement.json"))
    check(
        p.returncode == 0
        and c.get("pcr-digest", {}).get("status") == "ok"
        and "sha256 PCR 0-9" in c["pcr-digest"]["detail"],
        f"verify --pcrs measurement --json: pcr-digest ok over sha256 PCR 0-9 ({p.stderr.strip()[:80]})",
    )
    m2 = json.loads(open(P("measurement.json")).read())
    m2["registers"] = [r for r in m2["registers"] if not (r["index"] == 9 and r["alg"] == "sha256")]
    p, c = verify(d, quote, nonce, "--pcrs", write(P("m-no9.json"), json.dumps(m2)))
    check(
        p.returncode == 2
        and c.get("pcr-digest", {}).get("status") == "fail"
        and "no value given for selected sha256 PCR 9" in c["pcr-digest"]["detail"],
        "verify --pcrs without PCR9: pcr-digest fails naming sha256 PCR 9",
    )
    wrong = dict(live)
    wrong[(3, "sha256")] = flip(wrong[(3, "sha256")])
    p, c = verify(
        d,
        quote,
        nonce,
        "--pcrs",
        write(
            P("wrong.txt"),
            lines({k: v for k, v in wrong.items() if k[1] == "sha256" and k[0] < 10}),
        ),
    )
    check(
        p.returncode == 2
        and c.get("pcr-digest", {}).get("status") == "fail"
        and "differs from the sha256 hash" in c["pcr-digest"]["detail"],
        "verify --pcrs with PCR3 changed: pcr-digest fails",
    )

    # --eventlog alone: PCR9 has no event (replayed as zero), the quote says otherwise
    p, c = verify(d, quote, nonce, "--eventlog", P("tpm.log"))
    det = c.get("pcr-digest", {}).get("detail", "")
    check(
        p.returncode == 2
        and c.get("pcr-digest", {}).get("status") == "fail"
        and "no event and no given value: sha256 PCR 9" in det,
        f"verify --eventlog alone: pcr-digest fails and names sha256 PCR 9 ({det[:140]})",
    )
    # --eventlog + --pcrs filling PCR9
    p, c = verify(
        d,
        quote,
        nonce,
        "--eventlog",
        P("tpm.log"),
        "--pcrs",
        write(P("pcr9.txt"), f"PCR9 sha256 {live[(9, 'sha256')].hex()}\n"),
    )
    check(
        p.returncode == 0
        and c.get("pcr-digest", {}).get("status") == "ok"
        and c.get("pcr-values", {}).get("status") == "ok"
        and "1 from the file" in c["pcr-values"]["detail"],
        f"verify --eventlog + --pcrs PCR9: ok, PCR9 from the file ({p.stderr.strip()[:80]})",
    )
    # the whole measurement: logged PCRs agree with the replay, PCR9 fills in
    p, c = verify(d, quote, nonce, "--eventlog", P("tpm.log"), "--pcrs", P("measurement.json"))
    check(
        p.returncode == 0
        and c.get("pcr-values", {}).get("status") == "ok"
        and "(9 also given, equal), 1 from the file" in c["pcr-values"]["detail"],
        f"verify --eventlog + --pcrs measurement --json: ok ({c.get('pcr-values', {}).get('detail', '')[:120]})",
    )
    # a conflict: the file's PCR4 differs from the log's replay
    p, c = verify(
        d,
        quote,
        nonce,
        "--eventlog",
        P("tpm.log"),
        "--pcrs",
        write(
            P("conflict.txt"), f"PCR9 sha256 {live[(9, 'sha256')].hex()}\nsha256:PCR4={'ab' * 32}\n"
        ),
    )
    det = c.get("pcr-values", {}).get("detail", "")
    check(
        p.returncode == 2
        and c.get("pcr-values", {}).get("status") == "fail"
        and f"PCR4 sha256: the log replays {values[(4, 'sha256')].hex()}, the file gives {'ab' * 32}"
        in det,
        f"verify --eventlog + --pcrs conflict: pcr-values fails naming PCR4, bank, both values ({det[:60]})",
    )
    # bad --pcrs files
    p, c = verify(
        d,
        quote,
        nonce,
        "--pcrs",
        write(P("badp.txt"), f"PCR1 sha256 {'00' * 32}\n\nPCR2 sha256 0\n"),
    )
    check(
        p.returncode == 1 and "line 3" in p.stderr,
        f"verify --pcrs bad line: exit 1, line 3 named ({p.stderr.strip()[:80]})",
    )
    p, c = verify(d, quote, nonce, "--pcrs", write(P("rtmr.txt"), f"RTMR2 sha384 {'00' * 48}\n"))
    check(
        p.returncode == 1 and "not a TPM PCR" in p.stderr and "line 1" in p.stderr,
        "verify --pcrs RTMR2: refused, not a TPM PCR",
    )

sys.exit(report(need_checks=True))
