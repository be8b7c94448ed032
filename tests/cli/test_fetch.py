#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`cctrusted collateral fetch` and `cctrusted vcek fetch` against a local
stand-in for Intel PCS and the AMD KDS on 127.0.0.1.

The server replays responses built from the corpus (TCB Info, QE identity,
CRLs and their issuer chains from a QuoteCollateralV3 file; a VCEK and the
Milan ASK/ARK) and serves faults under their own base paths: a response slower
than the timeout, a truncated one, oversized ones, a tampered signature, 500
then 200, 404. The URLs the CLI requests are checked against values computed
here from the quote/report bytes (FMSPC from the PCK certificate's DER, the
PCK CA from the intermediate's name, CHIP_ID and REPORTED_TCB from the report
offsets of the SEV-SNP ABI).

Then a VLEK-signed report made by tests/data/gen_quotes.py: the ASVK chain
comes from /vlek/v1/{product}/cert_chain, is verified against the given ARK,
and with the VLEK added verifies the report.

usage: test_fetch.py CCTRUSTED CORPUS GEN_QUOTES
"""
import base64
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pyutil  # noqa: E402 (shared helpers in tests/)
from pyutil import check  # noqa: E402


# ---- values computed independently from the evidence bytes ----

def pem_certs(blob):
    out = []
    for m in re.finditer(rb"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", blob, re.S):
        out.append(base64.b64decode(b"".join(m.group(1).split())))
    return out


FMSPC_OID = bytes.fromhex("060a2a864886f84d010d0104")  # 1.2.840.113741.1.13.1.4


def quote_fmspc_ca(quote):
    certs = pem_certs(quote)
    leaf, inter = certs[0], certs[1]
    i = leaf.index(FMSPC_OID) + len(FMSPC_OID)
    assert leaf[i] == 0x04 and leaf[i + 1] == 6
    fmspc = leaf[i + 2:i + 8].hex().upper()
    ca = "platform" if b"PCK Platform CA" in inter else "processor"
    return fmspc, ca


def snp_vcek_path(report):
    # SEV-SNP ABI, ATTESTATION_REPORT: REPORTED_TCB at 0x180 (Milan layout: byte 0 boot
    # loader, 1 TEE, 6 SNP, 7 microcode), CHIP_ID at 0x1A0 (64 bytes).
    tcb = report[0x180:0x188]
    hwid = report[0x1A0:0x1E0].hex()
    return "/vcek/v1/Milan/%s?blSPL=%d&teeSPL=%d&snpSPL=%d&ucodeSPL=%d" % (
        hwid, tcb[0], tcb[1], tcb[6], tcb[7])


# ---- the stand-in server ----

class State:
    def __init__(self):
        self.routes = {}  # path+query -> (body, {header: value})
        self.log = []
        self.seen = {}
        self.lock = threading.Lock()


STATE = State()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        m = re.match(r"^/([a-z0-9-]+)(/.*)$", self.path)
        mode, rest = (m.group(1), m.group(2)) if m else ("", self.path)
        with STATE.lock:
            STATE.log.append(self.path)
            n = STATE.seen.get(self.path, 0)
            STATE.seen[self.path] = n + 1
        route = STATE.routes.get(rest)
        if route is None or mode == "notfound":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body, headers = route
        if mode == "flaky" and n == 0:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "slow":
            time.sleep(2.5)
        if mode == "tamper" and b'"signature":"' in body:
            i = body.index(b'"signature":"') + len(b'"signature":"') + 10
            c = b"0" if body[i:i + 1] != b"0" else b"1"
            body = body[:i] + c + body[i + 1:]
        if mode == "big":
            body = body + b" " * (3 << 20)
        self.send_response(200)
        for k, v in headers.items():
            self.send_header(k, v)
        if mode == "big-nolen":
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b" " * 65536)
            except OSError:
                pass
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "trunc":
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (size cap)


def serve():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def run(args, timeout=60):
    t0 = time.monotonic()
    p = subprocess.run(args, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode(), p.stderr.decode(), time.monotonic() - t0


def requests_since(k):
    with STATE.lock:
        return STATE.log[k:]


def vlek(cli, gen_quotes, base, tmp):
    g = os.path.join(tmp, "gen")
    subprocess.run([sys.executable, gen_quotes, g], check=True, capture_output=True)
    rep = open(os.path.join(g, "snp-vlek.report"), "rb").read()
    key = rep[0x48] >> 2 & 7  # SIGNING_KEY: 1 = VLEK
    fam, mod = rep[0x188], rep[0x189]
    prod = "Genoa" if fam == 0x19 and (0x10 <= mod <= 0x1F or 0xA0 <= mod <= 0xAF) else \
        ("Turin" if fam == 0x1A else "Milan")
    certs = open(os.path.join(g, "snp-vlek-certs.pem"), "rb").read()  # VLEK, ASVK
    vlek_pem = b"-----BEGIN" + certs.split(b"-----BEGIN")[1]
    asvk_pem = b"-----BEGIN" + certs.split(b"-----BEGIN")[2]
    ark = os.path.join(g, "snp-vlek-ark.pem")
    STATE.routes["/vlek/v1/%s/cert_chain" % prod] = (asvk_pem + open(ark, "rb").read(), {})
    out = os.path.join(tmp, "asvk.pem")
    k = len(STATE.log)
    rc, so, se, _ = run([cli, "vcek", "fetch", os.path.join(g, "snp-vlek.report"), "--url",
                         base + "/ok", "--root", ark, "--out", out, "--json"])
    check(key == 1 and rc == 0 and requests_since(k) == ["/ok/vlek/v1/%s/cert_chain" % prod] and
          "VLEK" in json.loads(so).get("note", ""),
          "VLEK-signed report: the ASVK chain from /vlek/v1/%s/cert_chain (%s)" % (prod, se.strip()))
    if rc == 0:
        both = os.path.join(tmp, "vlek-all.pem")
        open(both, "wb").write(vlek_pem + open(out, "rb").read())
        rc, so, se, _ = run([cli, "verify", os.path.join(g, "snp-vlek.report"), "--certs", both,
                             "--root", ark, "--json"])
        st = {c["name"]: c["status"] for c in json.loads(so)["checks"]}
        check(st.get("report-signature") == "ok" and st.get("vlek-chain") == "ok",
              "the fetched ASVK chain with the VLEK verifies the report (%s)" % st)
    rc, so, se, _ = run([cli, "vcek", "fetch", os.path.join(g, "snp-vlek.report"), "--url",
                         base + "/ok", "--out", out + ".x"])
    check(rc == 2 and "refused" in se and not os.path.exists(out + ".x"),
          "the same chain without its ARK as root: refused (%s)" % se.strip())


CORPUS_FILES = {
    "quote": ("tdx-quote", "phala-tdx-v5-outdated-fixture.dat"),
    "collateral": ("certs", "phala-tdx-v5-outdated-collateral.json"),
    "report": ("snp-report", "gosev-milan-v2-no-idblock.bin"),
    "vcek": ("certs", "gosev-milan-vcek.der"),
    "askark": ("certs", "amd-milan-ask-ark.pem"),
}


def setup(corpus):
    """Paths of the corpus files and the server's routes for them; None when a file is absent.
    Returns (paths, fmspc, pck_ca)."""
    paths = {k: os.path.join(corpus, *v) for k, v in CORPUS_FILES.items()}
    for p in paths.values():
        if not os.path.exists(p):
            print("SKIP: corpus file %s absent" % p)
            return None
    quote = open(paths["quote"], "rb").read()
    coll = json.load(open(paths["collateral"]))
    report = open(paths["report"], "rb").read()
    fmspc, ca = quote_fmspc_ca(quote)

    enc = lambda s: urllib.parse.quote(s, safe="")
    tcb_body = ('{"tcbInfo":%s,"signature":"%s"}' % (coll["tcb_info"], coll["tcb_info_signature"])).encode()
    qe_body = ('{"enclaveIdentity":%s,"signature":"%s"}' % (coll["qe_identity"], coll["qe_identity_signature"])).encode()
    STATE.routes = {
        "/tdx/certification/v4/tcb?fmspc=" + fmspc:
            (tcb_body, {"TCB-Info-Issuer-Chain": enc(coll["tcb_info_issuer_chain"])}),
        "/tdx/certification/v4/qe/identity":
            (qe_body, {"SGX-Enclave-Identity-Issuer-Chain": enc(coll["qe_identity_issuer_chain"])}),
        "/sgx/certification/v4/pckcrl?ca=%s&encoding=der" % ca:
            (bytes.fromhex(coll["pck_crl"]), {"SGX-PCK-CRL-Issuer-Chain": enc(coll["pck_crl_issuer_chain"])}),
        "/sgx/certification/v4/rootcacrl": (bytes.fromhex(coll["root_ca_crl"]), {}),
        snp_vcek_path(report): (open(paths["vcek"], "rb").read(), {}),
        "/vcek/v1/Milan/cert_chain": (open(paths["askark"], "rb").read(), {}),
    }
    return paths, fmspc, ca


def main():
    cli, corpus, gen_quotes = sys.argv[1:4]
    got = setup(corpus)
    if got is None:
        return 77
    paths, fmspc, ca = got
    quote_path, report_path = paths["quote"], paths["report"]
    report = open(report_path, "rb").read()
    coll = json.load(open(paths["collateral"]))
    check(fmspc == "90C06F000000", "FMSPC from the PCK certificate DER: %s" % fmspc)
    # report show names the same FMSPC, CA and URLs, and decodes the policy bits
    rc, so, se, _ = run([cli, "report", "show", "--json", quote_path])
    d = json.loads(so)
    check(d.get("fmspc") == fmspc and d.get("pck_ca") == ca and
          d["collateral_urls"]["tcb-info"].endswith("/tdx/certification/v4/tcb?fmspc=" + fmspc),
          "report show: FMSPC, PCK CA and the TCB Info URL of the quote")
    rc, so, se, _ = run([cli, "report", "show", "--json", report_path])
    d = json.loads(so)
    policy = int.from_bytes(report[8:16], "little")  # ATTESTATION_REPORT POLICY at 0x08
    named = {16: "SMT", 17: "RESERVED_1", 18: "MIGRATE_MA", 19: "DEBUG", 20: "SINGLE_SOCKET"}
    want_flags = [named[b] for b in sorted(named) if policy >> b & 1]
    check(d["policy"] == "0x%016x" % policy and d["policy_flags"] == want_flags and
          d["collateral_urls"]["vcek"].endswith(snp_vcek_path(report)),
          "report show: SNP policy %s flags %s and the VCEK URL" % (d["policy"], d["policy_flags"]))
    srv = serve()
    base = "http://127.0.0.1:%d" % srv.server_address[1]
    at = "2026-03-01"
    with tempfile.TemporaryDirectory() as tmp:
        cache = os.path.join(tmp, "cache")
        os.mkdir(cache, 0o700)
        out = os.path.join(tmp, "coll.json")
        fetch = [cli, "collateral", "fetch", quote_path, "--at", at, "--retries", "0"]

        # --- happy path, URLs per PCS v4, then verify takes the file ---
        k = len(STATE.log)
        rc, so, se, _ = run(fetch + ["--url", base + "/ok", "--out", out, "--cache", cache, "--json"])
        check(rc == 0, "collateral fetch: exit 0 (%d %s)" % (rc, se.strip()))
        want_ok = lambda b: want
        want = ["/ok/tdx/certification/v4/tcb?fmspc=" + fmspc,
                "/ok/tdx/certification/v4/qe/identity",
                "/ok/sgx/certification/v4/pckcrl?ca=%s&encoding=der" % ca,
                "/ok/sgx/certification/v4/rootcacrl"]
        check(requests_since(k) == want, "requested URLs: %s" % requests_since(k))
        if rc == 0:
            rep = json.loads(so)
            check([q["what"] for q in rep["requests"]] ==
                  ["tcb-info", "qe-identity", "pck-crl", "root-ca-crl"], "JSON lists the requests")
            check(all(q["http_status"] == 200 and q["attempts"] == 1 and not q["from_cache"]
                      for q in rep["requests"]), "each fetched once with HTTP 200")
            rc, so, se, _ = run([cli, "verify", quote_path, "--collateral", out, "--at", at, "--json"])
            v = json.loads(so)
            st = {c["name"]: c["status"] for c in v["checks"]}
            for name in ("tcb-info-signature", "qe-identity-signature", "pck-crl", "root-ca-crl",
                         "tcb-info-validity", "fmspc"):
                check(st.get(name) == "ok", "verify --collateral with the fetched file: %s ok (%s)"
                      % (name, st.get(name)))
            check(len(os.listdir(cache)) == 4, "four documents cached")

        # --- the cache serves while current, refetches when stale ---
        k = len(STATE.log)
        rc, so, se, _ = run(fetch + ["--url", base + "/ok", "--out", out, "--cache", cache, "--json"])
        check(rc == 0 and requests_since(k) == [] and
              all(q["from_cache"] for q in json.loads(so)["requests"]),
              "second fetch served from the cache, no request")
        k = len(STATE.log)
        rc, so, se, _ = run([cli, "collateral", "fetch", quote_path, "--at", "2026-03-25",
                             "--url", base + "/ok", "--out", out, "--cache", cache, "--json"])
        # the root CA CRL's nextUpdate, read by openssl
        der = os.path.join(tmp, "root.crl")
        open(der, "wb").write(bytes.fromhex(coll["root_ca_crl"]))
        nu = subprocess.run(["openssl", "crl", "-inform", "der", "-in", der, "-noout",
                             "-nextupdate"], capture_output=True, text=True).stdout
        nu = time.mktime(time.strptime(nu.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y GMT"))
        root_stale = nu - time.timezone <= time.mktime(time.strptime("2026-03-25", "%Y-%m-%d")) - time.timezone
        got = requests_since(k)
        check(rc == 0 and got[:3] == want_ok(base)[:3] and (len(got) == 4) == root_stale,
              "past nextUpdate (2026-03-20) TCB Info, QE identity and PCK CRL are fetched "
              "again, the root CA CRL only if stale too (%s)" % got)

        # --- a cache directory others can write is refused ---
        shared = os.path.join(tmp, "shared")
        os.mkdir(shared)
        os.chmod(shared, 0o777)
        rc, so, se, _ = run(fetch + ["--url", base + "/ok", "--out", out, "--cache", shared])
        check(rc == 3 and "writable" in se and os.listdir(shared) == [],
              "world-writable cache directory refused (%s)" % se.strip())

        # --- tampered signature: refused, not cached ---
        cache2 = os.path.join(tmp, "cache2")
        os.mkdir(cache2, 0o700)
        rc, so, se, _ = run(fetch + ["--url", base + "/tamper", "--out", out + ".t", "--cache", cache2])
        check(rc == 2 and "refused" in se, "tampered TCB Info signature: exit 2, refused (%s)" % se.strip())
        check(os.listdir(cache2) == [] and not os.path.exists(out + ".t"),
              "tampered: nothing cached, no file written")

        # --- 500 then 200: retried ---
        rc, so, se, _ = run(fetch[:-2] + ["--retries", "2", "--url", base + "/flaky", "--out", out, "--json"])
        ok = rc == 0 and all(q["attempts"] == 2 for q in json.loads(so)["requests"])
        check(ok, "500 then 200: fetched on the second attempt (%d %s)" % (rc, se.strip()))
        rc, so, se, _ = run(fetch + ["--url", base + "/notfound", "--out", out])
        check(rc == 3 and "404" in se, "404: exit 3, no retry (%s)" % se.strip())

        # --- slower than the timeout ---
        rc, so, se, dt = run(fetch[:-2] + ["--retries", "1", "--timeout", "1", "--url", base + "/slow",
                                           "--out", out])
        check(rc == 3 and "attempt 2 of 2" in se and dt < 10,
              "slow response: timed out after 2 attempts in %.1fs (%s)" % (dt, se.strip()))

        # --- truncated, oversized ---
        rc, so, se, _ = run(fetch + ["--url", base + "/trunc", "--out", out])
        check(rc == 3, "truncated response: exit 3 (%s)" % se.strip())
        rc, so, se, _ = run(fetch + ["--url", base + "/big", "--max-size", "100000", "--out", out])
        check(rc == 3 and "larger than" in se, "oversized response (Content-Length): refused (%s)"
              % se.strip())
        rc, so, se, _ = run(fetch + ["--url", base + "/big-nolen", "--max-size", "100000", "--out", out])
        check(rc == 3 and "larger than" in se, "oversized response without a length: stopped at the"
              " cap (%s)" % se.strip())

        # --- SNP: VCEK and chain from the KDS stand-in ---
        certs = os.path.join(tmp, "vcek.pem")
        k = len(STATE.log)
        rc, so, se, _ = run([cli, "vcek", "fetch", report_path, "--url", base + "/ok", "--out",
                             certs, "--at", "2024-01-01", "--json", "--cache", cache])
        check(rc == 0, "vcek fetch: exit 0 (%s)" % se.strip())
        check(requests_since(k) == ["/ok/vcek/v1/Milan/cert_chain", "/ok" + snp_vcek_path(report)],
              "KDS URLs: %s" % requests_since(k))
        if rc == 0:
            rc, so, se, _ = run([cli, "verify", report_path, "--certs", certs, "--at", "2024-01-01",
                                 "--json"])
            st = {c["name"]: c["status"] for c in json.loads(so)["checks"]}
            check(st.get("report-signature") == "ok" and st.get("vcek-chain") == "ok",
                  "verify --certs with the fetched bundle: signature and chain ok")
        # a VCEK that does not verify the report: another report's CHIP_ID route serves it
        bad = bytearray(report)
        bad[0x1A0] ^= 1
        badp = os.path.join(tmp, "bad.bin")
        open(badp, "wb").write(bad)
        STATE.routes[snp_vcek_path(bytes(bad))] = STATE.routes[snp_vcek_path(report)]
        cache3 = os.path.join(tmp, "cache3")
        os.mkdir(cache3, 0o700)
        rc, so, se, _ = run([cli, "vcek", "fetch", badp, "--url", base + "/ok", "--out", certs + ".b",
                             "--at", "2024-01-01", "--cache", cache3])
        check(rc == 2 and "refused" in se and not os.path.exists(certs + ".b"),
              "VCEK that does not verify the report: refused (%s)" % se.strip())
        check(len(os.listdir(cache3)) == 1, "only the verified chain was cached")
        vlek(cli, gen_quotes, base, tmp)
    srv.shutdown()
    return pyutil.report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
