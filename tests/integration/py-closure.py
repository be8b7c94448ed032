#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Lists the files Debian's python3 needs to run tests/agent/sdk_check.py (the
CIMA SDK over grpcio and protobuf), for a guest initramfs: the interpreter, the
modules it loads and their shared libraries. One absolute path a line.

Usage: /usr/bin/python3 py-closure.py SDK_DIR EVIDENCE_API_DIR

The modules are those loaded after importing what sdk_check.py imports and
making a call on a channel to a socket nobody serves (grpc loads part of its
machinery lazily, at the first call). The guest has nothing else: a module
missing from this list fails the guest's SDK step with an ImportError.
"""
import os
import subprocess
import sys
import tempfile

sys.path[:0] = sys.argv[1:3]
import hashlib  # noqa: E402,F401
import json  # noqa: E402,F401
import encodings.idna  # noqa: E402,F401

import grpc  # noqa: E402
from cima import CimaSdk  # noqa: E402,F401
from cima import cima_server_pb2 as pb  # noqa: E402
from cima import cima_server_pb2_grpc as pbg  # noqa: E402

with tempfile.TemporaryDirectory() as d:
    ch = grpc.insecure_channel("unix:" + os.path.join(d, "none.sock"),
                               options=[("grpc.default_authority", "localhost")])
    try:
        pbg.cimaStub(ch).GetCcMeasurement(pb.GetCcMeasurementRequest(index=0), timeout=2)
    except grpc.RpcError:
        pass
    try:
        grpc.channel_ready_future(ch).result(timeout=0.2)
    except grpc.FutureTimeoutError:
        pass
    ch.close()

files = {os.path.realpath(sys.executable)}
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if not f:
        continue
    f = os.path.abspath(f)
    if any(f.startswith(os.path.abspath(p) + os.sep) for p in sys.argv[1:3]):
        continue  # the SDK itself is copied whole by the caller
    files.add(f)
for f in list(files):  # every package directory's __init__ on the way
    d = os.path.dirname(f)
    while d.startswith(("/usr/lib/python3", sys.prefix + "/lib/python3")) and d.count("/") > 3:
        init = os.path.join(d, "__init__.py")
        if os.path.exists(init):
            files.add(init)
        d = os.path.dirname(d)
libs = set()
for f in files:
    if f.endswith(".so") or f == os.path.realpath(sys.executable):
        out = subprocess.run(["ldd", f], capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if "=>" in parts and len(parts) > 2 and parts[2].startswith("/"):
                libs.add(parts[2])
            elif parts and parts[0].startswith("/"):
                libs.add(parts[0])
# os.py marks the stdlib's home for the interpreter (sys.prefix detection).
files.add(os.path.join(os.path.dirname(os.__file__), "os.py"))
for f in sorted(files | libs):
    print(f)
