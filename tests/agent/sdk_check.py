# SPDX-License-Identifier: Apache-2.0
"""Runs inside a (fake) container: the unmodified CIMA SDK against cctrustedd.

Usage (PYTHONPATH = the CIMA SDK and evidence_api from ../shared/peers):
  sdk_check.py SOCKET OTHER_CONTAINER_ID
Prints one JSON object with what the SDK saw; the caller checks it.
"""
import hashlib
import json
import sys

import grpc
from cima import CimaSdk
from cima import cima_server_pb2 as pb
from cima import cima_server_pb2_grpc as pbg


def main():
    sock, other = sys.argv[1], sys.argv[2]
    out = {}
    sdk = CimaSdk("unix:" + sock)
    out["container_id"] = sdk._get_container_id()
    algs = sdk.get_default_algorithms()
    out["default_alg"] = algs.alg_id
    out["count"] = sdk.get_measurement_count()
    events = sdk.get_cc_eventlog()
    out["n_events"] = len(events)
    replay = sdk.replay_cc_eventlog(events)
    out["replay"] = {}
    for idx, banks in replay.items():
        for alg, value in banks.items():
            try:
                m = sdk.get_cc_measurement([idx, alg])
                out["replay"]["%d/%d" % (idx, alg)] = [value.hex(), m.hash.hex(), m.alg.alg_id]
            except grpc.RpcError as e:  # recorded: never equal to a replayed value
                out["replay"]["%d/%d" % (idx, alg)] = [value.hex(), "%s: %s" % (e.code().name, e.details()),
                                                       alg]
    out["measurements"] = {}
    for i in range(out["count"]):
        try:
            m = sdk.get_cc_measurement([i, out["default_alg"]])
            out["measurements"][str(i)] = m.hash.hex() if m is not None else None
        except grpc.RpcError as e:
            out["measurements"][str(i)] = "%s: %s" % (e.code().name, e.details())
    # get_cc_report with base64 nonce/user data (the wire carries base64 strings)
    try:
        rep = sdk.get_cc_report("bm9uY2UtZnJvbS1zZGs=", "dXNlci1kYXRh")
        out["report_type"] = type(rep).__name__ if rep is not None else None
        raw = getattr(rep, "_data", None) if rep is not None else None
        out["report_len"] = len(raw) if raw is not None else None
    except grpc.RpcError as e:
        out["report_error"] = [e.code().name, e.details()]
    # The same stub with a forged and with the right container id
    ch = grpc.insecure_channel("unix:" + sock, options=[("grpc.default_authority", "localhost")])
    stub = pbg.cimaStub(ch)
    try:
        stub.GetCcMeasurement(pb.GetCcMeasurementRequest(container_id=other, index=0, algo_id=0))
        out["forged"] = "OK"
    except grpc.RpcError as e:
        out["forged"] = e.code().name
        out["forged_details"] = e.details()
    r = stub.GetCcMeasurement(pb.GetCcMeasurementRequest(container_id=out["container_id"], index=0, algo_id=0))
    out["own_id"] = r.measurement.hash.hex()
    r = stub.GetCcReport(pb.GetCcReportRequest(container_id="", nonce="AQID", user_data="BAU="))
    out["raw_report"] = r.cc_report.hex()
    out["raw_report_type"] = r.cc_type
    print(json.dumps(out))


main()
