#!/usr/bin/env python3
"""One source of truth: the same logs replay to the same registers through
every frontend, and those registers equal the values computed independently.

Frontends: the C API (replay-dump: cct_replay_live / cct_replay_logs), the
Python binding (ctypes over the library), and the CLI (`replay --json`,
`replay --verify`); live through a prepared sysroot and from files; and
through a CEL export (TLV, JSON, CBOR) of the same logs replayed again.

Cases:
  tdx    generated CCEL (tools/mklog.py --tdx) + an ascii IMA list on RTMR2
         (tests/ima/gen_ima.py); RTMR values computed here with hashlib
  tpm    generated TCG2 log (sha1, sha256) + a binary IMA list on PCR10 with
         the sha256 bank recomputed from the template data; PCRs from hashlib
  corpus the evidence-api TDX quote + CCEL + IMA (skipped without
         ../shared/corpus): registers equal the quote's RTMR0-3

Usage: same_answer.py CCTRUSTED LIBCCTRUSTED REPLAY_DUMP MKLOG GEN_IMA BINDING_DIR CORPUS
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

cli, lib, dump, mklog, gen_ima, binding, corpus = sys.argv[1:8]
os.environ["CCTRUSTED_LIB"] = lib
sys.path.insert(0, binding)
import cctrusted  # noqa: E402

ENV = {k: v for k, v in os.environ.items() if not k.startswith("CCT_")}
failures = []
passed = 0


def check(cond, what):
    global passed
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if cond:
        passed += 1
    else:
        failures.append(what)


def run(cmd, ok=(0,)):
    p = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=120)
    if p.returncode not in ok:
        print(f"command {cmd} exited {p.returncode}\nstdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-2000:]}")
    return p


def c_api(args):
    p = run([dump, *args])
    out = {}
    for line in p.stdout.splitlines():
        kind, idx, alg, hx = line.split()
        out[(kind, int(idx), alg)] = hx
    return out if p.returncode == 0 else None


def cli_replay(args):
    p = run([cli, *args], ok=(0, 2))
    if p.returncode not in (0, 2):
        return None
    j = json.loads(p.stdout)
    return {(r["register"], r["index"], r["alg"]): r["digest"] for r in j["registers"]}


def py(fn):
    try:
        return {k: v.hex() for k, v in fn().items() if k[0] != "mrtd"}
    except cctrusted.CCTrustedError as e:
        print("python:", e)
        return None


def subset(got, want):
    """Every independently computed value is in got, equal; a register no
    event touched is absent from a replay and must be all zero (RTMR, PCR0-16)."""
    return got is not None and all(got.get(k, "0" * len(v)) == v for k, v in want.items())


def compare(case, results, want):
    names = list(results)
    base = results[names[0]]
    for n in names:
        check(subset(results[n], want), f"{case}: {n} gives the independently computed registers "
              f"({len(want)} values)")
        check(results[n] == base, f"{case}: {n} gives exactly the registers of {names[0]}")


def cel_round_trips(case, files, extra_dump, extra_cli, extra_py, tmp):
    out = {}
    for enc in ("cel-tlv", "cel-json", "cel-cbor"):
        path = os.path.join(tmp, f"{case}.{enc}")
        with open(path, "wb") as f:
            p = subprocess.run([cli, "eventlog", "--output", enc, *files], stdout=f, stderr=subprocess.PIPE,
                               env=ENV, timeout=120)
        check(p.returncode == 0, f"{case}: export as {enc}")
        out[f"C API from {enc}"] = c_api([*extra_dump, path])
        out[f"CLI from {enc}"] = cli_replay(["replay", "--json", *extra_cli, path])
        out[f"Python from {enc}"] = py(lambda: cctrusted.replay([path], **extra_py))
    return out


def frontends(case, platform, root, files, tmp, banks=()):
    """The same logs through every frontend, live and from files, and through CEL exports."""
    dump_x = ["--ima-banks", ",".join(banks)] if banks else []
    cli_x = ["--ima-banks", ",".join(banks)] if banks else []
    py_x = {"ima_banks": tuple(banks)} if banks else {}
    res = {
        "C API live": c_api(["--sysroot", root, "--platform", platform]),
        "C API files": c_api([*dump_x, *files]),
        "CLI live": cli_replay(["--platform", platform, "--sysroot", root, "replay", "--json"]),
        "CLI files": cli_replay(["replay", "--json", *cli_x, *files]),
        "Python live": py(lambda: cctrusted.CCTrusted(platform, sysroot=root).replay_cc_eventlog()),
        "Python files": py(lambda: cctrusted.replay(files, **py_x)),
    }
    res.update(cel_round_trips(case, files, dump_x, cli_x, py_x, tmp))
    return res


def ima_extend(start, entries, alg):
    size = hashlib.new(alg).digest_size
    v = bytes.fromhex(start) if start else bytes(size)
    for e in entries:
        d = b"\xff" * size if e["violation"] else bytes.fromhex(e["template_data_hash"][alg])
        v = hashlib.new(alg, v + d).digest()
    return v.hex()


def template_hashes(events, alg):
    for e in events:
        e["template_data_hash"] = e.get("template_data_hash", {})
        e["template_data_hash"][alg] = hashlib.new(alg, bytes.fromhex(e["template_data"])).hexdigest()


def read_expect(path, kind):
    want = {}
    for line in open(path):
        if line.startswith("#"):
            continue
        idx, alg, hx = line.split()
        want[(kind, int(idx.lstrip("PCRTM")), alg)] = hx
    return want


def write(path, data, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(data)


def tdx_case(tmp, ima_dir, ima_exp):
    root = os.path.join(tmp, "tdx")
    ccel = os.path.join(root, "sys/firmware/acpi/tables/data/CCEL")
    os.makedirs(os.path.dirname(ccel))
    exp = os.path.join(tmp, "tdx-expect.txt")
    subprocess.run([sys.executable, mklog, "--tdx", "--out", ccel, "--expect", exp], check=True)
    ima = os.path.join(root, "sys/kernel/security/ima/ascii_runtime_measurements")
    os.makedirs(os.path.dirname(ima))
    shutil.copy(os.path.join(ima_dir, "rtmr2-sha384.txt"), ima)
    want = read_expect(exp, "rtmr")
    events = ima_exp["rtmr2-sha384.txt"]["events"]
    template_hashes(events, "sha384")
    want[("rtmr", 2, "sha384")] = ima_extend(want.get(("rtmr", 2, "sha384")), events, "sha384")
    for i in range(4):
        v = want.get(("rtmr", i, "sha384"), "00" * 48)
        write(os.path.join(root, f"sys/class/misc/tdx_guest/measurements/rtmr{i}:sha384"), v + "\n")
    files = [ima, ccel]  # IMA first on purpose: the library orders boot logs first
    compare("tdx", frontends("tdx", "tdx", root, files, tmp), want)
    p = run([cli, "--platform", "tdx", "--sysroot", root, "replay", "--verify", "--json"])
    j = json.loads(p.stdout) if p.stdout else {}
    check(p.returncode == 0 and j.get("expect", {}).get("matched") and j["expect"]["checked"] == 3,
          "tdx: replay --verify matches RTMR0-3 of the sysroot")
    # An extend without a log record: RTMR3 is not its initial value, no event feeds it.
    write(os.path.join(root, "sys/class/misc/tdx_guest/measurements/rtmr3:sha384"),
          hashlib.sha384(b"unlogged").hexdigest() + "\n")
    p = run([cli, "--platform", "tdx", "--sysroot", root, "replay", "--verify", "--json"], ok=(2,))
    j = json.loads(p.stdout) if p.stdout else {}
    bad = [(m["register"], m["index"]) for m in j.get("expect", {}).get("mismatches", [])]
    check(p.returncode == 2 and bad == [("rtmr", 3)] and "events feeding RTMR3" in p.stderr,
          "tdx: an unlogged extend of RTMR3 is a mismatch, explained")


def tpm_case(tmp, ima_dir, ima_exp):
    root = os.path.join(tmp, "tpm")
    log = os.path.join(root, "sys/kernel/security/tpm0/binary_bios_measurements")
    os.makedirs(os.path.dirname(log))
    exp = os.path.join(tmp, "tpm-expect.txt")
    subprocess.run([sys.executable, mklog, "--banks", "sha1,sha256", "--out", log, "--expect", exp], check=True)
    ima = os.path.join(root, "sys/kernel/security/ima/binary_runtime_measurements")
    os.makedirs(os.path.dirname(ima))
    shutil.copy(os.path.join(ima_dir, "ima-ng-le.bin"), ima)
    want = read_expect(exp, "pcr")
    events = ima_exp["ima-ng-le.bin"]["events"]
    for alg in ("sha1", "sha256"):
        template_hashes(events, alg)
        want[("pcr", 10, alg)] = ima_extend(None, events, alg)
    write(os.path.join(root, "sys/class/tpm/tpm0/tpm_version_major"), "2\n")
    for alg, size in (("sha1", 20), ("sha256", 32)):
        for i in range(24):
            v = want.get(("pcr", i, alg), ("ff" if 17 <= i <= 22 else "00") * size)
            write(os.path.join(root, f"sys/class/tpm/tpm0/pcr-{alg}/{i}"), v + "\n")
    compare("tpm", frontends("tpm", "tpm", root, [log, ima], tmp, banks=("sha256",)), want)
    p = run([cli, "--platform", "tpm", "--sysroot", root, "replay", "--verify", "--json"])
    j = json.loads(p.stdout) if p.stdout else {}
    check(p.returncode == 0 and j.get("expect", {}).get("matched") and j["verify"]["ima_log_included"],
          "tpm: replay --verify matches every replayed PCR, IMA included")


def corpus_case(tmp):
    quote = os.path.join(corpus, "tdx-quote/evidence-api-tdx-quote-v4-padded.bin")
    ccel = os.path.join(corpus, "ccel/evidence-api-tdx-ccel-64k.bin")
    ima = os.path.join(corpus, "ima/evidence-api-tdx-ima-rtmr2-sha384.txt")
    if not all(os.path.exists(p) for p in (quote, ccel, ima)):
        print("skip: evidence-api corpus files not found under", corpus)
        return
    q = open(quote, "rb").read()
    # TD quote v4: 48-byte header, then the TD report body; RTMR0 at body offset 328.
    want = {("rtmr", i, "sha384"): q[48 + 328 + 48 * i:48 + 328 + 48 * (i + 1)].hex() for i in range(4)}
    root = os.path.join(tmp, "corpus")
    for src, dst in ((ccel, "sys/firmware/acpi/tables/data/CCEL"),
                     (ima, "sys/kernel/security/ima/ascii_runtime_measurements")):
        os.makedirs(os.path.dirname(os.path.join(root, dst)), exist_ok=True)
        shutil.copy(src, os.path.join(root, dst))
    for (_, i, _), v in want.items():
        write(os.path.join(root, f"sys/class/misc/tdx_guest/measurements/rtmr{i}:sha384"), v + "\n")
    compare("evidence-api quote", frontends("corpus", "tdx", root, [ccel, ima], tmp), want)


def main():
    tmp = tempfile.mkdtemp(prefix="cct-same-answer-")
    try:
        ima_dir = os.path.join(tmp, "ima")
        subprocess.run([sys.executable, gen_ima, ima_dir], check=True)
        ima_exp = json.load(open(os.path.join(ima_dir, "expected.json")))
        tdx_case(tmp, ima_dir, ima_exp)
        tpm_case(tmp, ima_dir, ima_exp)
        corpus_case(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} checks passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
