# SPDX-License-Identifier: Apache-2.0
"""Runs as the process of a runc container (test_containers.py): calls the
node agent through the unmodified CIMA SDK and through `cctrusted --platform
agent`, and writes what it saw to OUT/result.json (plus the report and its
IMR3 events as a CEL-TLV log) for the host to check.

Usage: in_container.py SOCKET OTHER_CONTAINER_ID CCTRUSTED OUT
"""
import json
import os
import subprocess
import sys

import grpc
from cima import CimaSdk
from cima import cima_server_pb2 as pb
from cima import cima_server_pb2_grpc as pbg


def tlv(t, v):
    return bytes([t]) + len(v).to_bytes(4, "big") + v


def main():
    sock, other, cli, out_dir = sys.argv[1:5]
    out = {}
    sdk = CimaSdk("unix:" + sock)
    out["container_id"] = sdk._get_container_id()
    out["count"] = sdk.get_measurement_count()
    m3 = sdk.get_cc_measurement([3, 12])
    out["imr3"] = m3.hash.hex()
    events = sdk.get_cc_eventlog()
    replay = sdk.replay_cc_eventlog(events)
    out["replay"] = {}
    for idx, banks in replay.items():
        for alg, value in banks.items():
            m = sdk.get_cc_measurement([idx, alg])
            out["replay"]["%d/%d" % (idx, alg)] = [value.hex(), m.hash.hex()]
    ch = grpc.insecure_channel("unix:" + sock, options=[("grpc.default_authority", "localhost")])
    stub = pbg.cimaStub(ch)
    try:
        stub.GetCcMeasurement(pb.GetCcMeasurementRequest(container_id=other, index=3, algo_id=0))
        out["forged"] = "OK"
    except grpc.RpcError as e:
        out["forged"] = e.code().name
    r = stub.GetCcReport(pb.GetCcReportRequest(container_id="", nonce="AQID", user_data="BAU="))
    with open(os.path.join(out_dir, "report.bin"), "wb") as f:
        f.write(r.cc_report)
    # The container's own events (IMR3) as served, written as CEL-TLV for `cctrusted verify`.
    raw = stub.GetCcEventlog(pb.GetCcEventlogRequest(container_id="")).event_logs
    cel = b""
    n3 = 0
    for e in raw:
        if e.imr_index != 3:
            continue
        dig = b"".join(tlv(d.algo_id, d.hash) for d in e.digests)
        cel += (tlv(0, n3.to_bytes(8, "big")) + tlv(0x6C, (4).to_bytes(4, "big")) + tlv(3, dig)
                + tlv(5, tlv(0, e.event_type.to_bytes(4, "big")) + tlv(1, e.event)))
        n3 += 1
    out["served_imr3_events"] = n3
    out["served_logs"] = sorted(set(dict(e.extra_info).get("log", "") for e in raw))
    with open(os.path.join(out_dir, "view.cel"), "wb") as f:
        f.write(cel)
    p = subprocess.run([cli, "--platform", "agent", "measurement", "--index", "3", "--json"],
                       capture_output=True, text=True, env=dict(os.environ, CCT_AGENT_SOCKET=sock))
    out["cli_rc"] = p.returncode
    out["cli"] = p.stdout + p.stderr
    out["uid"] = os.getuid()
    with open(os.path.join(out_dir, "result.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
