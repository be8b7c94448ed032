#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""TPM command relay for tpm2-tss's "cmd" TCTI: TPM commands on stdin go to
the Unix socket SOCK (a raw TPM data channel), responses come back on
stdout, one whole command and response at a time.

Usage: relay.py SOCK"""
import socket
import struct
import sys


def read_exact(read, n):
    buf = b""
    while len(buf) < n:
        chunk = read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
stdin, stdout = sys.stdin.buffer.raw, sys.stdout.buffer
while True:
    hdr = read_exact(stdin.read, 10)
    if hdr is None:
        break
    size = struct.unpack(">I", hdr[2:6])[0]
    cmd = hdr + (read_exact(stdin.read, size - 10) or b"")
    s.sendall(cmd)
    rh = read_exact(s.recv, 10)
    if rh is None:
        break
    rsize = struct.unpack(">I", rh[2:6])[0]
    stdout.write(rh + (read_exact(s.recv, rsize - 10) or b""))
    stdout.flush()
