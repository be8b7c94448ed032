#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""cctrusted.fetch_collateral() / collateral_urls() against the local PCS/KDS
stand-in of tests/cli/test_fetch.py (the same recorded corpus responses):
URLs computed here from the evidence bytes, the package's bytes equal the
CLI's output file for the same fetch, verify() takes them, a tampered
signature raises CCTrustedError and caches nothing, and a refused connection
carries the library's code and message.

usage: test_fetch.py CCTRUSTED CORPUS CLI_TEST_FETCH_PY
"""
import importlib.util
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))
from pyutil import check, report  # noqa: E402
import cctrusted  # noqa: E402


def main():
    cli, corpus, server_py = sys.argv[1:4]
    if not cctrusted.have_fetch():
        print("SKIP: the library was built without libcurl")
        return 77
    spec = importlib.util.spec_from_file_location("fetch_server", server_py)
    srv_mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(srv_mod)
    got = srv_mod.setup(corpus)
    if got is None:
        return 77
    paths, fmspc, ca = got
    quote = open(paths["quote"], "rb").read()
    rep = open(paths["report"], "rb").read()
    srv = srv_mod.serve()
    base = "http://127.0.0.1:%d" % srv.server_address[1]
    at = "2026-03-01"

    u = cctrusted.collateral_urls(quote, base_url=base + "/ok")
    want = [base + "/ok/tdx/certification/v4/tcb?fmspc=" + fmspc,
            base + "/ok/tdx/certification/v4/qe/identity",
            base + "/ok/sgx/certification/v4/pckcrl?ca=%s&encoding=der" % ca,
            base + "/ok/sgx/certification/v4/rootcacrl"]
    check([r.url for r in u.requests] == want and u.fmspc == fmspc and u.pck_ca == ca
          and u.data == b"", "collateral_urls: the four PCS v4 URLs, FMSPC %s, CA %s" % (fmspc, ca))
    check([r.url for r in cctrusted.collateral_urls(rep).requests] ==
          ["https://kdsintf.amd.com" + srv_mod.snp_vcek_path(rep),
           "https://kdsintf.amd.com/vcek/v1/Milan/cert_chain"],
          "collateral_urls of the SNP report: the KDS VCEK (CHIP_ID, REPORTED_TCB) and chain")

    with tempfile.TemporaryDirectory() as tmp:
        cache = os.path.join(tmp, "cache")
        os.mkdir(cache, 0o700)
        k = len(srv_mod.STATE.log)
        res = cctrusted.fetch_collateral(quote, base_url=base + "/ok", at=at, retries=0,
                                         cache_dir=cache)
        check([r.what for r in res.requests] == ["tcb-info", "qe-identity", "pck-crl", "root-ca-crl"]
              and all(r.http_status == 200 and r.attempts == 1 and not r.from_cache
                      for r in res.requests), "fetch_collateral: four documents, HTTP 200 once each")
        check(srv_mod.requests_since(k) == [w[len(base):] for w in want], "the server saw the same URLs")
        out = os.path.join(tmp, "coll.json")
        p = subprocess.run([cli, "collateral", "fetch", paths["quote"], "--at", at, "--retries", "0",
                            "--url", base + "/ok", "--out", out], capture_output=True, text=True)
        check(p.returncode == 0 and open(out, "rb").read() == res.data,
              "the package's collateral equals the CLI's file for the same fetch (%s)" % p.stderr.strip())
        v = cctrusted.verify_bytes(quote, collateral=res.data, at=at)
        st = {c.name: c.status for c in v.checks}
        check(all(st.get(n) == "passed" for n in ("tcb-info-signature", "qe-identity-signature",
                                                  "pck-crl", "root-ca-crl", "fmspc")),
              "verify(collateral=fetched): collateral checks passed (%s)" % st)
        again = cctrusted.fetch_collateral(quote, base_url=base + "/ok", at=at, cache_dir=cache)
        check(all(r.from_cache and r.attempts == 0 for r in again.requests) and again.data == res.data,
              "second fetch: served from the cache, same bytes")

        cache2 = os.path.join(tmp, "cache2")
        os.mkdir(cache2, 0o700)
        try:
            cctrusted.fetch_collateral(quote, base_url=base + "/tamper", at=at, retries=0,
                                       cache_dir=cache2)
            check(False, "tampered TCB info signature: refused")
        except cctrusted.CCTrustedError as e:
            check(e.code < 0 and "signature" in e.message.lower(),
                  "tampered TCB info signature: CCTrustedError %s: %s" % (e.name, e.message))
        check(not any(n.startswith("tcb") for n in os.listdir(cache2)),
              "the refused TCB info is not cached (%s)" % os.listdir(cache2))

        vc = cctrusted.fetch_collateral(rep, base_url=base + "/ok", at="2024-01-01", retries=0)
        check([r.what for r in vc.requests] == ["vcek", "cert-chain"] and
              vc.data.count(b"-----BEGIN CERTIFICATE-----") == 3,
              "SNP: VCEK + ASK + ARK as one PEM bundle")
        v = cctrusted.verify_bytes(rep, certs=vc.data, at="2024-01-01")
        st = {c.name: c.status for c in v.checks}
        check(st.get("report-signature") == "passed" and st.get("vcek-chain") == "passed",
              "verify(certs=fetched): signature and chain passed (%s)" % st)

    try:
        cctrusted.fetch_collateral(quote, base_url="http://127.0.0.1:9", retries=0, connect_timeout=2)
        check(False, "refused connection raises")
    except cctrusted.CCTrustedError as e:
        check(e.name == "CCT_EIO" and "127.0.0.1" in e.message,
              "refused connection: CCT_EIO naming the URL (%s)" % e)
    try:
        cctrusted.fetch_collateral(b"\0" * 64)
        check(False, "unknown evidence raises")
    except cctrusted.CCTrustedError as e:
        check(e.name == "CCT_EUNSUPPORTED", "evidence that is neither TDX nor SNP: %s" % e)
    srv.shutdown()
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
