# SPDX-License-Identifier: Apache-2.0
"""Calls/s of one Python client process against cctrustedd: the unmodified
CIMA SDK's get_cc_measurement (which also reads /proc/self/mountinfo per
call, as published) and a bare grpcio stub on the same RPC.

Usage: agent-sdk.py SOCKET PEERS N   (run inside a container-like mount
namespace so the SDK finds a container id; see bench/agent.sh)
"""
import json
import os
import sys
import time

sock, peers, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path[:0] = [os.path.join(peers, "cima-python-sdk"), os.path.join(peers, "evidence-api-python")]
import grpc  # noqa: E402
from cima import CimaSdk  # noqa: E402
from cima import cima_server_pb2 as pb, cima_server_pb2_grpc as pbg  # noqa: E402

out = {}
sdk = CimaSdk("unix:" + sock)
sdk.get_cc_measurement([1, 12])
t = time.perf_counter()
for _ in range(n):
    sdk.get_cc_measurement([1, 12])
out["sdk_get_cc_measurement_per_s"] = round(n / (time.perf_counter() - t))
stub = pbg.cimaStub(grpc.insecure_channel("unix:" + sock, options=[("grpc.default_authority", "localhost")]))
req = pb.GetCcMeasurementRequest(index=1, algo_id=12)
stub.GetCcMeasurement(req)
t = time.perf_counter()
for _ in range(n):
    stub.GetCcMeasurement(req)
out["grpcio_stub_per_s"] = round(n / (time.perf_counter() - t))
print(json.dumps(out))
