#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The same calls through the seed SDK (evidence_api, unmodified, from
../shared/peers) and through this package, on the same corpus files:

- event logs (CCEL + IMA, TPM crypto-agile logs): same number of events, and
  for each event the same register index (the package opened with
  index_convention="seed"), type, digests, data, IMA template name, and the
  same dump() lines; the same replay_cc_eventlog() result, except registers
  where the seed is wrong by spec (PCR0 after a StartupLocality event,
  PCR17-22, whose initial values the seed takes as zero: the reason is
  printed); in native numbering every key is the seed's minus one on TDX;
- the replayed RTMRs equal the RTMR fields of the matching TDX quote as the
  seed's own quote parser reads them;
- TDX quotes: the seed's TdxQuote and ours give the same header/body fields
  and the same dump() lines (human-readable and raw).

usage: test_seed_conformance.py PEERS CORPUS   (run with /usr/bin/python3)
Exit 77 (skip) when the seed SDK or the corpus is not there.
"""
import hashlib
import io
import logging
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bindings", "python"))
sys.path.insert(0, os.path.join(HERE, ".."))

from pyutil import check, report  # noqa: E402

PEERS, CORPUS = sys.argv[1], sys.argv[2]
SEED = os.path.join(PEERS, "evidence-api-python")
if not os.path.isdir(os.path.join(SEED, "evidence_api")) or not os.path.isdir(CORPUS):
    print("SKIP: the seed SDK (%s) or the corpus (%s) is not there" % (SEED, CORPUS))
    sys.exit(77)
sys.path.insert(0, SEED)

import cctrusted  # noqa: E402
from evidence_api.api import EvidenceApi  # noqa: E402
from evidence_api.eventlog import EventLogs, TcgEventLog  # noqa: E402
from evidence_api.tcg import TcgImrEvent as SeedImrEvent  # noqa: E402
from evidence_api.tcg import TcgPcClientImrEvent as SeedHeader  # noqa: E402
from evidence_api.tcgcel import TcgTpmsCelEvent as SeedCel  # noqa: E402
from evidence_api.tdx.quote import TdxQuote as SeedTdxQuote  # noqa: E402

CAPTURE = io.StringIO()
_h = logging.StreamHandler(CAPTURE)
_h.setFormatter(logging.Formatter("%(message)s"))
logging.getLogger().addHandler(_h)
logging.getLogger().setLevel(logging.INFO)


def captured(fn):
    """The log lines fn() writes."""
    CAPTURE.seek(0)
    CAPTURE.truncate()
    fn()
    return CAPTURE.getvalue().splitlines()


def corpus(rel):
    return os.path.join(CORPUS, rel)


def seed_events(boot, ima, tdx):
    el = EventLogs(
        open(boot, "rb").read(),
        open(ima, "rb").read() if ima else None,
        1 if tdx else 0,
        TcgEventLog.TCG_FORMAT_PCCLIENT,
    )
    el.select(None, None)
    return el.event_logs


def digests_of(e):
    return [(d.alg.alg_id, bytes(d.hash)) for d in e.digests]


STARTUP_LOCALITY = b"StartupLocality\0"


def seed_wrong(ours, key):
    """Why the seed's value for register `key` is wrong by spec (None when it is not)."""
    if 17 <= key <= 22:
        return "PCR%d starts at all-0xFF (DRTM), the seed starts at zero" % key
    if key == 0:
        for e in ours:
            if (
                getattr(e, "event_type", None) == 3
                and e.imr_index == 0
                and bytes(e.event or b"").startswith(STARTUP_LOCALITY)
            ):
                return (
                    "PCR0 starts at the StartupLocality (%d), the seed starts at zero" % e.event[16]
                )
    return None


HASHES = {0x4: "sha1", 0xB: "sha256", 0xC: "sha384", 0xD: "sha512"}


def by_hashlib(events, key, alg):
    """Register key (a PCR) replayed here with hashlib from the events' digests, from the
    initial value TCG PC Client PFP gives it: all-0xFF for PCR17-22, the StartupLocality
    in the last byte for PCR0."""
    size = hashlib.new(HASHES[alg]).digest_size
    value = b"\xff" * size if 17 <= key <= 22 else bytes(size)
    for e in events:
        if (
            e.imr_index == 0
            and key == 0
            and e.event_type == 3
            and bytes(e.event).startswith(STARTUP_LOCALITY)
        ):
            value = bytes(size - 1) + bytes([e.event[16]])
    for e in events:
        if e.imr_index != key or e.event_type == 3 or isinstance(e, cctrusted.TcgPcClientImrEvent):
            continue
        for d in e.digests:
            if d.alg.alg_id == alg:
                value = hashlib.new(HASHES[alg], value + bytes(d.hash)).digest()
    return value


def compare_log(name, boot, ima=None, tdx=False):
    if not os.path.exists(boot) or (ima and not os.path.exists(ima)):
        print("skip %s: not in the corpus" % name)
        return None
    try:
        seed = seed_events(boot, ima, tdx)
    except Exception as e:  # the seed cannot read this log: say so, compare nothing
        print("skip %s: the seed SDK cannot parse it (%s: %s)" % (name, type(e).__name__, e))
        return None
    logs = [boot] + ([ima] if ima else [])
    # IMA register left to the library's rule: RTMR when a CCEL is among the logs
    ours = cctrusted.load_eventlogs(logs, index_convention="seed")
    check(len(ours) == len(seed), "%s: %d events, the seed reads %d" % (name, len(ours), len(seed)))
    n_dump = 0
    for i, (o, s) in enumerate(zip(ours, seed)):
        what = "%s event %d" % (name, i)
        if isinstance(s, SeedCel):
            check(
                isinstance(o, cctrusted.TcgTpmsCelEvent),
                "%s: an IMA record (%s)" % (what, type(o).__name__),
            )
            check(o.index == s.index, "%s: index %s, seed %s" % (what, o.index, s.index))
            check(o.content_type == s.content_type == 7, "%s: IMA_TEMPLATE content" % what)
            check(
                o.content.template_name == s.content.template_name,
                "%s: template %r, seed %r"
                % (what, o.content.template_name, s.content.template_name),
            )
            check(digests_of(o) == digests_of(s), "%s: digests" % what)
            continue
        check(
            o.imr_index == s.imr_index,
            "%s: imr_index %d, seed %d" % (what, o.imr_index, s.imr_index),
        )
        check(
            o.event_type == s.event_type,
            "%s: type 0x%x, seed 0x%x" % (what, o.event_type, s.event_type),
        )
        check(bytes(o.event or b"") == bytes(s.event or b""), "%s: event data" % what)
        if isinstance(o, cctrusted.TcgPcClientImrEvent):
            # The log header. The seed makes it a TcgPcClientImrEvent only when its index is 0
            # (a CCEL header carries CC MR index 1): compare the digest field, not the class.
            sd = s.digest if isinstance(s, SeedHeader) else bytes(s.digests[0].hash)
            check(bytes(o.digest) == bytes(sd), "%s: header digest field" % what)
            continue
        check(
            isinstance(s, SeedImrEvent),
            "%s: both TcgImrEvent (seed: %s)" % (what, type(s).__name__),
        )
        check(digests_of(o) == digests_of(s), "%s: digests" % what)
        lines_o, lines_s = captured(o.dump), captured(s.dump)
        if check(
            lines_o == lines_s,
            "%s: dump() lines differ:\n%s\n---\n%s"
            % (what, "\n".join(lines_o), "\n".join(lines_s)),
        ):
            n_dump += 1
    check(n_dump > 0, "%s: at least one dump compared" % name)
    rep_o = cctrusted.replay_cc_eventlog(ours)
    rep_s = EvidenceApi.replay_cc_eventlog(seed)
    check(
        set(rep_o) == set(rep_s),
        "%s: replayed registers %s, seed %s" % (name, sorted(rep_o), sorted(rep_s)),
    )
    same = 0
    for k in sorted(set(rep_o) & set(rep_s)):
        why = seed_wrong(ours, k)
        for alg in sorted(set(rep_o[k]) | set(rep_s[k])):
            a, b = rep_o[k].get(alg), rep_s[k].get(alg)
            if why and a != b:
                print("%s: register %d alg 0x%x differs from the seed: %s" % (name, k, alg, why))
                check(
                    a == by_hashlib(ours, k, alg),
                    "%s: register %d alg 0x%x is the hashlib replay from the "
                    "initial value the spec gives" % (name, k, alg),
                )
                continue
            if check(
                a is not None and b is not None and bytes(a) == bytes(b),
                "%s: register %d alg 0x%x: ours %s, seed %s"
                % (name, k, alg, a and a.hex(), b and bytes(b).hex()),
            ):
                same += 1
    check(same > 0, "%s: at least one register compared" % name)
    # Native numbering: RTMR n is n, so every key is the seed's minus one on TDX.
    native = cctrusted.replay_cc_eventlog(
        cctrusted.load_eventlogs(logs)
    )
    shift = 1 if tdx else 0
    check(
        {k - shift: v for k, v in rep_o.items()} == native,
        "%s: native keys are the seed's minus %d" % (name, shift),
    )
    # The list is read without the digest checks; running them changes no register.
    checked = cctrusted.replay_events(ours)
    check(
        checked.registers == rep_o,
        "%s: replay_events() with the digest checks (%d notes) gives the same registers"
        % (name, len(checked.notes)),
    )
    print(
        "%s: %d events, %d dumps and %d register values equal the seed's"
        % (name, len(ours), n_dump, same)
    )
    return native


def main():
    native = compare_log(
        "evidence-api CCEL + IMA",
        corpus("ccel/evidence-api-tdx-ccel-64k.bin"),
        corpus("ima/evidence-api-tdx-ima-rtmr2-sha384.txt"),
        tdx=True,
    )
    quote = corpus("tdx-quote/evidence-api-tdx-quote-v4-padded.bin")
    if native is not None and os.path.exists(quote):
        sq = SeedTdxQuote(open(quote, "rb").read())
        for i in range(3):
            check(
                native.get(i, {}).get(0xC) == getattr(sq.body, "rtmr%d" % i),
                "replayed RTMR%d equals RTMR%d of the quote as the seed parses it" % (i, i),
            )
    for f in (
        "trustee-ccel-ovmf-64k.bin",
        "trustee-ccel-grub-64k.bin",
        "trustee-ccel-gcp-tdx-256k.bin",
        "gce-cos113-tdx-ccel-data.bin",
    ):
        compare_log("ccel/" + f, corpus("ccel/" + f), tdx=True)
    compare_log(
        "TPM log + IMA",
        corpus("tpm-eventlog/imaevm-test-bios-pcrs-0-7.bin"),
        corpus("ima/imaevm-test-ascii-pcrs-0-7.txt"),
    )
    for f in (
        "gce-rhel8-uefi-secureboot.bin",
        "gce-cos85-3banks-sha1-sha256-sha384.bin",
        "keylime-rhel95-ovmf-sb-enabled-sha256.bin",
        "tss-pc-client-ubuntu-sha1-sha256.bin",
        "laptop-glinux-no-secureboot.bin",
        "t2t-event-4banks-sha1-256-384-512.bin",
        "gce-ubuntu2404-amd-sevsnp.bin",
    ):
        compare_log("tpm-eventlog/" + f, corpus("tpm-eventlog/" + f))

    for f in (
        "evidence-api-tdx-quote-v4-padded.bin",
        "gce-cos113-tdx-quote-v4-padded.dat",
        "tdx-v4-prod-spr-e4.dat",
    ):
        path = corpus("tdx-quote/" + f)
        if not os.path.exists(path):
            print("skip %s: not in the corpus" % f)
            continue
        data = open(path, "rb").read()
        s, o = SeedTdxQuote(data), cctrusted.TdxQuote(data)
        for part, fields in (
            ("header", ("ver", "ak_type", "qe_vendor", "user_data")),
            (
                "body",
                (
                    "mrseam",
                    "mrsignerseam",
                    "seamattributes",
                    "tdattributes",
                    "xfam",
                    "mrtd",
                    "mrconfig",
                    "mrowner",
                    "mrownerconfig",
                    "rtmr0",
                    "rtmr1",
                    "rtmr2",
                    "rtmr3",
                    "reportdata",
                ),
            ),
        ):
            for fld in fields:
                a, b = getattr(getattr(o, part), fld), getattr(getattr(s, part), fld)
                check(str(a) == str(b), "%s: %s.%s %s, seed %s" % (f, part, fld, a, b))
        check(
            o.sig.sig == s.sig.sig and o.sig.ak == s.sig.ak, "%s: signature and attestation key" % f
        )
        for raw in (False, True):
            lo = captured(lambda: o.dump(is_raw=raw))
            ls = captured(lambda: s.dump(is_raw=raw))
            check(
                len(lo) > 20 and lo == ls,
                "%s: dump(is_raw=%s) gives the seed's %d lines (ours %d)"
                % (f, raw, len(ls), len(lo)),
            )
        print("%s: fields and dumps equal the seed's" % f)
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
