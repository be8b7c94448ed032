#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The seed-shaped API of the package (CCTrustedVmSdk) on real backends.

- sim platform (temporary state directory) and swtpm (a software TPM with a
  boot log written by tools/mklog.py and extended with tpm2_pcrextend): the
  CIMA-style check, for every register i and every bank the platform holds,
  replay_cc_eventlog(get_cc_eventlog())[i][alg] == get_cc_measurement([i, alg]).hash
  (a register no event touched reads its initial value), before and after
  extend(); also with index_convention="seed" on sim;
- get_cc_report: REPORTDATA = SHA-512(nonce || data) computed with hashlib,
  base64 text inputs as the seed SDKs pass them, verify() returns the
  library's checks, fails closed (sim root not trusted unless given; a TPM
  quote with a flipped byte or a wrong nonce), and accepts what it should;
- get_cc_eventlog(start, count) selects like the seed, ValueError outside;
  a slice of the events replays to what hashlib computes from its digests;
- a log cut inside event k fails with CCTrustedError naming event k and the
  byte offset where its record starts (walked here independently);
- log files: the replay kept from reading a list equals a new replay of the
  same events (registers and notes) and mklog's hashlib values; a file changed
  or grown after it was read makes every use that needs its bytes again fail
  (the kept replay still answers for the events as read); a FIFO is read once.
- digest checks on demand: a list is read without them; replay_cc_eventlog()
  of an IMA list with one wrong template hash gives hashlib's registers,
  replay_events() then runs the checks (one ima-template note, on the entry
  written wrong) with the same registers, as a new replay of a plain list
  does; diagnostics=False gives no note.

usage: test_sdk.py MKLOG
"""
import base64
import hashlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bindings", "python"))
sys.path.insert(0, os.path.join(HERE, ".."))

import cctrusted  # noqa: E402
from cctrusted import CCTrustedError, CCTrustedVmSdk  # noqa: E402
from pyutil import check, report  # noqa: E402

MKLOG = sys.argv[1]
SHA = {0x4: "sha1", 0xB: "sha256", 0xC: "sha384", 0xD: "sha512"}


def initial(platform, index, alg):
    size = hashlib.new(SHA[alg]).digest_size
    return b"\xff" * size if platform == "tpm" and 17 <= index <= 22 else bytes(size)


def cima_check(sdk, what, convention_shift=0):
    """For every register and bank: replay of the live log == the register."""
    events = sdk.get_cc_eventlog()
    replayed = sdk.replay_cc_eventlog(events)
    n = sdk.get_measurement_count()
    compared = 0
    touched = 0
    for native in range(n):
        i = native + convention_shift
        for alg in sdk.get_banks(native):
            live = sdk.get_cc_measurement([i, alg])
            check(
                isinstance(live, cctrusted.TcgIMR) and live.index == i,
                "%s: register %d is a TcgIMR" % (what, i),
            )
            want = live.digest(alg).hash
            if i in replayed and alg in replayed[i]:
                touched += 1
                check(
                    replayed[i][alg] == want,
                    "%s: replay[%d][0x%x] %s != register %s"
                    % (what, i, alg, replayed[i][alg].hex(), want.hex()),
                )
            else:
                check(
                    want == initial(sdk.platform, native, alg),
                    "%s: register %d bank 0x%x has no event but is not at its initial value"
                    % (what, i, alg),
                )
            compared += 1
    check(
        compared >= n and touched >= 3,
        "%s: %d registers compared, %d with events" % (what, compared, touched),
    )
    check(
        set(replayed) <= {j + convention_shift for j in range(n)},
        "%s: replay keys %s are register indices" % (what, sorted(replayed)),
    )
    print(
        "%s: %d register values compared (%d replayed from %d events)"
        % (what, compared, touched, len(events))
    )
    return events, replayed


def hashlib_replay(events, register, alg):
    value = bytes(hashlib.new(SHA[alg]).digest_size)
    for e in events:
        if (
            e.imr_index == register
            and e.event_type != 3
            and not isinstance(e, cctrusted.TcgPcClientImrEvent)
        ):
            for d in e.digests:
                if d.alg.alg_id == alg:
                    value = hashlib.new(SHA[alg], value + d.hash).digest()
    return value


def test_sim(tmp):
    state = os.path.join(tmp, "sim")
    with CCTrustedVmSdk(platform="sim", sim_state_dir=state) as sdk:
        check(
            sdk.platform == "sim" and sdk.cc_type == CCTrustedVmSdk.TYPE_CC_TDX,
            "sim opens as a TDX-type platform",
        )
        alg = sdk.get_default_algorithms()
        check(
            isinstance(alg, cctrusted.TcgAlgorithmRegistry)
            and alg.alg_id == 0xC
            and str(alg) == "TPM_ALG_SHA384",
            "default algorithm is a TcgAlgorithmRegistry for SHA-384",
        )
        check(sdk.get_measurement_count() == 4, "4 RTMRs")
        events, _ = cima_check(sdk, "sim")
        kinds = [type(e).__name__ for e in events]
        check(
            kinds[0] == "TcgPcClientImrEvent" and kinds[1:] == ["TcgImrEvent"] * (len(kinds) - 1),
            "sim boot log: a header then TcgImrEvents (%s)" % kinds,
        )
        # extend RTMR3 and RTMR2: the runtime log records them and the replay follows
        for reg in (3, 2, 3):
            old = sdk.get_cc_measurement([reg, 0xC]).hash
            dig = hashlib.sha384(b"app %d" % reg).digest()
            sdk.extend(reg, dig, b"app %d" % reg)
            check(
                sdk.get_cc_measurement([reg]).hash == hashlib.sha384(old + dig).digest(),
                "extend RTMR%d = sha384(old || digest)" % reg,
            )
        old = sdk.get_cc_measurement([3]).hash
        dig = sdk.extend_data(3, b"measured by the library")
        check(
            dig == hashlib.sha384(b"measured by the library").digest()
            and sdk.get_cc_measurement([3]).hash == hashlib.sha384(old + dig).digest(),
            "extend_data: digest = sha384(data), RTMR3 = sha384(old || digest)",
        )
        events, replayed = cima_check(sdk, "sim after extends")
        check(
            isinstance(events[-1], cctrusted.TcgTpmsCelEvent) and events[-1].imr_index == 3,
            "the last extend is the last event (a runtime-log record on RTMR3)",
        )
        # selection, as the seed SDK does it
        n = len(events)
        check(
            sdk.get_cc_eventlog(n) == []
            and len(sdk.get_cc_eventlog(2, 3)) == 3
            and sdk.get_cc_eventlog(2, 3)[0].number == events[2].number,
            "start/count select like the seed",
        )
        for bad in ((n + 1, None), (-1, None), (0, 0), (0, n + 1), (n - 1, 2)):
            try:
                sdk.get_cc_eventlog(*bad)
                check(False, "get_cc_eventlog%s raises ValueError" % (bad,))
            except ValueError:
                pass
        # a slice replays to the hashlib replay of its digests (the library re-reads the records)
        part = list(events)[1:6]
        rp = CCTrustedVmSdk.replay_cc_eventlog(part)
        for reg in rp:
            check(
                rp[reg][0xC] == hashlib_replay(part, reg, 0xC),
                "a slice of the log replays RTMR%d as hashlib" % reg,
            )
        check(
            rp and CCTrustedVmSdk.replay_cc_eventlog([]) == {},
            "slice replayed; an empty list gives {}",
        )
        # the seed's numbering
    with CCTrustedVmSdk(platform="sim", sim_state_dir=state, index_convention="seed") as seed:
        ev_seed, rep_seed = cima_check(seed, "sim, seed numbering", convention_shift=1)
        check(
            {k - 1: v for k, v in rep_seed.items()} == replayed,
            "seed numbering: every key is native + 1",
        )
        check(
            [e.imr_index for e in ev_seed] == [e.imr_index + 1 for e in events],
            "seed numbering of events",
        )
        try:
            seed.get_cc_measurement([0, 0xC])
            check(False, "CC MR 0 (MRTD) is refused")
        except CCTrustedError as e:
            check(e.name == "CCT_ENOTFOUND", "CC MR 0 (MRTD): %s" % e)
    # reports
    with CCTrustedVmSdk(platform="sim", sim_state_dir=state) as sdk:
        nonce, data = os.urandom(32), b"user data"
        q = sdk.get_cc_report(nonce, data)
        check(
            isinstance(q, cctrusted.TdxQuote) and q.cc_type == CCTrustedVmSdk.TYPE_CC_TDX,
            "sim report is a TdxQuote",
        )
        want = hashlib.sha512(nonce + data).digest()
        check(q.body.reportdata == want, "REPORTDATA = sha512(nonce || data)")
        q2 = sdk.get_cc_report(base64.b64encode(nonce).decode(), base64.b64encode(data).decode())
        check(q2.body.reportdata == want, "base64 text nonce/data as the seed SDKs pass them")
        raw = os.urandom(64)
        check(
            sdk.get_cc_report(extraArgs={"report_data": raw}).body.reportdata == raw,
            "extraArgs report_data",
        )
        rtmrs = q.body.rtmrs
        check(
            all(rtmrs[i] == sdk.get_cc_measurement([i]).hash for i in range(4)),
            "quote RTMRs = registers",
        )
        res = q.verify()
        check(
            not res.ok and not res and any(c.ok for c in res.checks) and res.failed,
            "the sim quote does not verify against the Intel root: %r %r" % (res, res.failed),
        )
        res = q.verify(root=open(os.path.join(state, "root-cert.pem"), "rb").read())
        check(
            not res.ok and [k.name for k in res.failed] == ["simulation"],
            "with the sim root but without allow_sim it is refused: %r" % res.failed,
        )
        res = q.verify(root=open(os.path.join(state, "root-cert.pem"), "rb").read(), allow_sim=True)
        check(
            res.ok and len(res.checks) >= 3 and not res.failed and res.unchecked,
            "with the sim root and allow_sim it verifies, listing what it did not check: %r"
            % res.checks,
        )
        sim_root = open(os.path.join(state, "root-cert.pem"), "rb").read()
        res = q.verify(root=sim_root, allow_sim=True, nonce=nonce, data=data)
        rd = {c.name: c for c in res.checks}.get("report-data")
        check(
            res.ok and rd is not None and rd.ok and "SHA-512(nonce || user data)" in rd.detail,
            "verify(nonce=, data=) derives REPORTDATA as get_cc_report did: %r" % (rd,),
        )
        res = q.verify(root=sim_root, allow_sim=True, nonce=base64.b64encode(nonce).decode(),
                       data=base64.b64encode(data).decode())
        check(res.ok, "verify(nonce=, data=) as base64 text, as get_cc_report takes them")
        res = q.verify(root=sim_root, allow_sim=True, nonce=nonce, data=data + b"x")
        check(
            not res.ok and [c.name for c in res.failed] == ["report-data"],
            "another data fails report-data only: %r" % res.failed,
        )
        res = q.verify(root=sim_root, allow_sim=True, report_data=want)
        check(res.ok, "verify(report_data=) with hashlib's SHA-512(nonce || data): %r" % res.failed)
        res = q.verify(root=sim_root, allow_sim=True, nonce=nonce, report_data=want)
        check(
            not res.ok and res.error is not None and res.error.code == -1
            and "exclusive" in res.error.message,
            "nonce= with report_data= is refused as invalid: %r" % (res.error,),
        )
        bad = bytearray(q.data)
        bad[48 + 520] ^= 1  # a REPORTDATA byte of the body
        res = cctrusted.TdxQuote(bytes(bad)).verify(
            root=open(os.path.join(state, "root-cert.pem"), "rb").read()
        )
        check(
            not res.ok and any(c.name == "quote-signature" and not c.ok for c in res.checks),
            "a flipped body byte fails the quote signature",
        )
        check(res.error is None, "a failed check is not an error")
        try:
            cctrusted.TdxQuote(q.data[:100])
            check(False, "a truncated quote raises")
        except CCTrustedError as e:
            check(
                e.name in ("CCT_ETRUNCATED", "CCT_EMALFORMED") and e.message,
                "truncated quote: %s" % e,
            )


def walk_tcg2(data):
    """Record offsets of a crypto-agile log (header: TCG_PCClientPCREvent)."""
    offs = [0]
    size = struct.unpack_from("<I", data, 28)[0]
    pos = 32 + size
    sizes = {}
    body = data[32 : 32 + size]
    for k in range(struct.unpack_from("<I", body, 24)[0]):
        a, s = struct.unpack_from("<HH", body, 28 + 4 * k)
        sizes[a] = s
    while pos + 12 <= len(data):
        offs.append(pos)
        n = struct.unpack_from("<I", data, pos + 8)[0]
        p = pos + 12
        for _ in range(n):
            p += 2 + sizes[struct.unpack_from("<H", data, p)[0]]
        pos = p + 4 + struct.unpack_from("<I", data, p)[0]
    return offs


def test_errors(tmp):
    log = os.path.join(tmp, "tpm.bin")
    subprocess.run(
        [sys.executable, MKLOG, "--banks", "sha1,sha256", "--out", log, "--expect", log + ".exp"],
        check=True,
    )
    data = open(log, "rb").read()
    offs = walk_tcg2(data)
    k = 5
    cut = data[: offs[k] + 20]
    try:
        cctrusted.load_eventlogs(cut)
        check(False, "a log cut inside event %d raises" % k)
    except CCTrustedError as e:
        check(
            e.event == k
            and e.offset >= offs[k]
            and e.code < 0
            and e.name.startswith("CCT_E")
            and e.message,
            "cut log: %s (want event %d at or after offset %d)" % (e, k, offs[k]),
        )
    try:
        cctrusted.load_eventlogs(b"bogus\ninvalid\n", format="tcg2")
        check(False, "text as a TCG2 log raises")
    except CCTrustedError as e:
        check(e.code < 0, "text as TCG2: %s" % e)
    exp = {}
    for line in open(log + ".exp"):
        if not line.startswith("#"):
            idx, alg, hx = line.split()
            exp[(int(idx[3:]), {"sha1": 4, "sha256": 0xB}[alg])] = bytes.fromhex(hx)
    sid = cctrusted.spec_id_event(log)
    check(
        sid.digest_sizes == [(4, 20), (0xB, 32)]
        and (sid.spec_version_major, sid.uintn_size) == (2, 2),
        "SpecID header of the mklog log: %r" % vars(sid),
    )
    try:
        cctrusted.spec_id_event(b"10 " + b"0" * 40 + b" ima-ng sha1:" + b"0" * 40 + b" /x\n")
        check(False, "an IMA list has no SpecID header")
    except CCTrustedError as e:
        check(e.name == "CCT_ENOTFOUND", "IMA list SpecID: %s" % e)
    rep = cctrusted.replay_cc_eventlog(cctrusted.load_eventlogs(log))
    got = {(i, a): v for i, d in rep.items() for a, v in d.items()}
    check(got == exp, "an offline log replays to mklog's hashlib values")
    try:
        cctrusted.replay_cc_eventlog([cctrusted.TcgImrEvent(0, 1, [], 0, b"")])
        check(False, "an event made by hand cannot be replayed")
    except CCTrustedError as e:
        check(e.name == "CCT_EINVAL", "hand-made event: %s" % e)


def expected(path):
    exp = {}
    for line in open(path):
        if not line.startswith("#"):
            idx, alg, hx = line.split()
            exp[(int(idx[3:]), {"sha1": 4, "sha256": 0xB}[alg])] = bytes.fromhex(hx)
    return exp


def flat(rep):
    return {(i, a): v for i, d in rep.items() for a, v in d.items()}


def test_file_sources(tmp):
    log = os.path.join(tmp, "files.bin")
    subprocess.run(
        [sys.executable, MKLOG, "--banks", "sha1,sha256", "--out", log, "--expect", log + ".exp"],
        check=True,
    )
    exp = expected(log + ".exp")
    data = open(log, "rb").read()
    events = cctrusted.load_eventlogs(log)
    kept = cctrusted.replay_events(events)
    check(flat(kept.registers) == exp, "kept replay of a file equals mklog's hashlib values")
    fresh = cctrusted.replay_events(list(events))  # a plain list: replayed again
    check(
        fresh.registers == kept.registers and fresh.notes == kept.notes,
        "kept and new replay of the same events agree (registers and %d notes)"
        % len(kept.notes),
    )
    again = cctrusted.load_eventlogs(log)
    check(
        flat(cctrusted.replay_cc_eventlog(again, workarounds=["dup-separator"])) == exp,
        "an option replays the file again (by path), same values",
    )
    # Changed after reading: same size, other bytes, another modification time.
    changed = os.path.join(tmp, "changed.bin")
    shutil.copyfile(log, changed)
    ev = cctrusted.load_eventlogs(changed)
    flipped = bytearray(data)
    flipped[-1] ^= 1
    with open(changed, "wb") as f:
        f.write(bytes(flipped))
    st = os.stat(changed)
    os.utime(changed, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    for what, use in (
        ("an event object", lambda: ev[3]),
        (
            "a replay with options",
            lambda: cctrusted.replay_cc_eventlog(ev, workarounds=["ebs-missing"]),
        ),
        ("a slice", lambda: cctrusted.replay_cc_eventlog(ev[1:4])),
    ):
        try:
            use()
            check(False, "%s of a changed file raises" % what)
        except CCTrustedError as e:
            check("changed since" in e.message and e.name == "CCT_EIO", "%s: %s" % (what, e))
    check(
        flat(cctrusted.replay_cc_eventlog(ev)) == exp,
        "the kept replay answers for the events as they were read",
    )
    grown = os.path.join(tmp, "grown.bin")
    shutil.copyfile(log, grown)
    ev = cctrusted.load_eventlogs(grown)
    with open(grown, "ab") as f:
        f.write(data[walk_tcg2(data)[1] :][:50])
    try:
        list(ev)
        check(False, "a file grown after reading raises when its events are made")
    except CCTrustedError as e:
        check("changed since" in e.message, "grown file: %s" % e)
    # A FIFO is not a regular file: read once, when loaded.
    fifo = os.path.join(tmp, "log.fifo")
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: open(fifo, "wb").write(data))
    writer.start()
    ev = cctrusted.load_eventlogs(fifo)
    writer.join()
    objs = list(ev)
    check(
        flat(cctrusted.replay_cc_eventlog(ev)) == exp
        and flat(cctrusted.replay_cc_eventlog(objs)) == exp
        and len(objs) == len(walk_tcg2(data)),
        "a FIFO's log replays to the hashlib values (%d events)" % len(objs),
    )


def ima_ng_line(path, content, template_hash=None):
    """An ascii ima-ng line and its template hash (hashlib over the template data)."""
    fd = hashlib.sha256(content).digest()
    d_ng = b"sha256:\0" + fd
    n_ng = path.encode() + b"\0"
    tdata = struct.pack("<I", len(d_ng)) + d_ng + struct.pack("<I", len(n_ng)) + n_ng
    th = template_hash or hashlib.sha1(tdata).digest()
    return "10 %s ima-ng sha256:%s %s\n" % (th.hex(), fd.hex(), path), th


def test_lazy_diagnostics(tmp):
    lines, pcr10 = [], bytes(20)
    for i in range(4):
        wrong = hashlib.sha1(b"not the template data").digest() if i == 2 else None
        line, th = ima_ng_line("/usr/bin/tool%d" % i, b"content %d" % i, wrong)
        lines.append(line)
        pcr10 = hashlib.sha1(pcr10 + th).digest()
    path = os.path.join(tmp, "ima.txt")
    with open(path, "w") as f:
        f.write("".join(lines))
    events = cctrusted.load_eventlogs(path, format="ima")
    regs = cctrusted.replay_cc_eventlog(events)
    check(regs.get(10, {}).get(4) == pcr10, "IMA list read without checks: PCR10 equals hashlib")
    quiet = cctrusted.replay_events(events, diagnostics=False)
    check(
        quiet.notes == [] and quiet.registers == regs, "diagnostics=False: no note, same registers"
    )
    full = cctrusted.replay_events(events)
    codes = [(n["code"], n["event"]) for n in full.notes]
    check(codes == [("ima-template", 2)], "replay_events runs the checks: %s" % codes)
    check(full.registers == regs, "the checks change no register")
    fresh = cctrusted.replay_events(list(events))
    check(
        fresh.notes == full.notes and fresh.registers == regs,
        "a new replay of a plain list gives the same notes and registers",
    )
    again = cctrusted.replay_events(events)
    check(again.notes == full.notes, "the checked replay is kept for the list")
    quiet = cctrusted.replay_events(events, diagnostics=False)
    check(
        quiet.notes == [] and quiet.registers == regs,
        "diagnostics=False after the checked replay: no note, same registers",
    )
    # Digest and content objects are made on first use, then kept; a hand-made event
    # keeps what it was given.
    e = events[2]
    check(
        e.digests is e.digests and e.content is e.content and len(e.digests) == 1,
        "an event's digest list and content are made once",
    )
    check(
        e.digests[0].hash == hashlib.sha1(b"not the template data").digest()
        and e.digests[0].alg.alg_id == 4
        and e.content.template_name == "ima-ng"
        and e.content.template_data.endswith(b"/usr/bin/tool2\0"),
        "the IMA entry's digest and template as written",
    )
    mine = cctrusted.TcgTpmsCelEvent(
        0,
        [cctrusted.TcgDigest(4, b"x" * 20)],
        7,
        10,
        content=cctrusted.TcgTpmsEventImaTemplate(b"data", "ima-ng"),
    )
    check(
        mine.digests[0].hash == b"x" * 20 and mine.content.template_data == b"data",
        "a hand-made event keeps its digests and content",
    )


def free_port_pair():
    for _ in range(50):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        t = socket.socket()
        try:
            if port < 65000:
                t.bind(("127.0.0.1", port + 1))
                return port
        except OSError:
            pass
        finally:
            t.close()
    raise RuntimeError("no free port pair")


def test_swtpm(tmp):
    for tool in ("swtpm", "tpm2_pcrextend", "tpm2_getcap"):
        if shutil.which(tool) is None:
            print("skip swtpm: %s is not installed" % tool)
            return
    state = os.path.join(tmp, "tpmstate")
    os.mkdir(state)
    port = free_port_pair()
    proc = subprocess.Popen(
        [
            "swtpm",
            "socket",
            "--tpm2",
            "--tpmstate",
            "dir=%s" % state,
            "--server",
            "type=tcp,port=%d,bindaddr=127.0.0.1" % port,
            "--ctrl",
            "type=tcp,port=%d,bindaddr=127.0.0.1" % (port + 1),
            "--flags",
            "not-need-init,startup-clear",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        tcti = "swtpm:host=127.0.0.1,port=%d" % port
        env = dict(os.environ, TPM2TOOLS_TCTI=tcti)
        root = os.path.join(tmp, "root")
        logdir = os.path.join(root, "sys/kernel/security/tpm0")
        os.makedirs(logdir)
        logpath = os.path.join(logdir, "binary_bios_measurements")
        with CCTrustedVmSdk(
            platform="tpm",
            sysroot=root,
            tpm_tcti=tcti,
            runtime_log=os.path.join(tmp, "runtime.cel"),
        ) as sdk:
            banks = sdk.get_banks(0)
            names = [SHA[b] for b in banks if b in SHA]
            subprocess.run(
                [
                    sys.executable,
                    MKLOG,
                    "--banks",
                    ",".join(names),
                    "--out",
                    logpath,
                    "--expect",
                    logpath + ".exp",
                ],
                check=True,
            )
            for e in cctrusted.load_eventlogs(logpath):
                if e.event_type == 3 or isinstance(e, cctrusted.TcgPcClientImrEvent):
                    continue
                spec = ",".join("%s=%s" % (SHA[d.alg.alg_id], d.hash.hex()) for d in e.digests)
                subprocess.run(
                    ["tpm2_pcrextend", "%d:%s" % (e.imr_index, spec)],
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            check(sdk.platform == "tpm" and sdk.get_measurement_count() == 24, "swtpm: 24 PCRs")
            check(
                sdk.get_default_algorithms().alg_id in banks, "swtpm: the default bank is allocated"
            )
            cima_check(sdk, "swtpm")
            for reg in (16, 7):
                old = sdk.get_cc_measurement([reg, 0xB]).hash
                dig = hashlib.sha256(b"runtime %d" % reg).digest()
                sdk.extend(reg, dig, b"runtime %d" % reg)
                check(
                    sdk.get_cc_measurement([reg, 0xB]).hash == hashlib.sha256(old + dig).digest(),
                    "swtpm: extend PCR%d = sha256(old || digest)" % reg,
                )
            cima_check(sdk, "swtpm after extends")
            nonce, data = b"tpm nonce", b"tpm data"
            q = sdk.get_cc_report(nonce, data)
            check(
                isinstance(q, cctrusted.Tpm2Quote) and q.cc_type == CCTrustedVmSdk.TYPE_CC_TPM,
                "swtpm: Tpm2Quote",
            )
            want = hashlib.sha512(nonce + data).digest()
            check(
                q.extra_data and want.startswith(q.extra_data),
                "TPM qualifying data = sha512(nonce || data)",
            )
            res = q.verify()
            check(
                not res.ok and [c.name for c in res.failed] == ["pcr-digest"],
                "without PCR values the quote fails closed on pcr-digest only: %r" % res.failed,
            )
            pcrs = {
                (i, alg): sdk.get_cc_measurement([i, alg]).hash
                for alg, idx in q.pcr_select
                for i in idx
            }
            check(len(pcrs) >= 8, "the quote selects %d PCRs" % len(pcrs))
            res = q.verify(pcrs=pcrs)
            check(
                res.ok and not res.failed and len(res.checks) >= 5,
                "swtpm quote verifies: %r" % res.checks,
            )
            # the same values as text in the library's register-value format
            # (N=HEX tokens: the digest size names the SHA bank)
            text = "".join("%d=%s\n" % (i, d.hex()) for (i, a), d in sorted(pcrs.items()))
            check(q.verify(pcrs=text).ok, "swtpm quote verifies with 'N=HEX' text")
            (i0, a0) = min(pcrs)
            bad_text = text.replace(pcrs[(i0, a0)].hex(), "01" * len(pcrs[(i0, a0)]), 1)
            check(not q.verify(pcrs=bad_text).ok, "a wrong PCR value in the text fails the quote")
            res = q.verify(pcrs=pcrs, nonce=nonce, data=data)
            check(res.ok, "swtpm quote verifies with the request's nonce and data: %r" % res.failed)
            res = q.verify(pcrs=pcrs, nonce=nonce, data=data + b"!")
            check(
                not res.ok and [c.name for c in res.failed] == ["nonce"],
                "another data fails the nonce check only: %r" % res.failed,
            )
            pcrs[min(pcrs)] = b"\1" * len(pcrs[min(pcrs)])
            check(not q.verify(pcrs=pcrs).ok, "a wrong PCR value fails the quote")
            res = q.verify(report_data=b"\0" * len(q.extra_data))
            check(not res.ok and res.failed, "a wrong nonce fails: %r" % res.failed)
            bad = bytearray(q.data)
            bad[-1] ^= 1
            res = cctrusted.Tpm2Quote(bytes(bad), q.signature, key=q.key).verify(
                report_data=q.extra_data, pcrs=pcrs
            )
            check(not res.ok and res.failed, "a flipped quote byte fails: %r" % res.failed)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    tmp = tempfile.mkdtemp(prefix="cct-pysdk-")
    try:
        test_sim(tmp)
        test_errors(tmp)
        test_file_sources(tmp)
        test_lazy_diagnostics(tmp)
        test_swtpm(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
