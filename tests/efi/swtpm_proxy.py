#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Control-channel proxy between QEMU and swtpm that keeps the TPM alive
after the VM stops, so the host can read the PCRs the firmware left.

QEMU ends its TPM session with CMD_SHUTDOWN, which makes swtpm exit and lose
its PCRs. The proxy forwards every control message (and the data-channel fd
QEMU passes with CMD_SET_DATAFD) but answers CMD_SHUTDOWN itself. Once QEMU
has gone it listens on POST_SOCK: each connection is handed to swtpm as its
data channel, so a TCTI can send TPM commands (relay.py beside this file). SIGTERM
shuts swtpm down and ends the proxy.

Usage: swtpm_proxy.py SWTPM_CTRL_SOCK QEMU_CTRL_SOCK POST_SOCK"""
import array
import os
import select
import signal
import socket
import struct
import sys

CMD_SHUTDOWN, CMD_SET_DATAFD = 3, 16
swtpm_path, qemu_path, post_path = sys.argv[1:4]


def log(msg):
    print(f"swtpm_proxy: {msg}", file=sys.stderr, flush=True)


def recv_with_fds(sock):
    fds = array.array("i")
    data, anc, _, _ = sock.recvmsg(65536, socket.CMSG_LEN(4 * fds.itemsize))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    return data, list(fds)


def send_with_fds(sock, data, fds):
    anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
    sock.sendmsg([data], anc)


swtpm = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
swtpm.connect(swtpm_path)
lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
lst.bind(qemu_path)
lst.listen(1)
stop = False


def on_term(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
qemu, _ = lst.accept()
lst.close()
while True:
    r, _, _ = select.select([qemu, swtpm], [], [])
    if qemu in r:
        data, fds = recv_with_fds(qemu)
        if not data:
            break
        cmd = struct.unpack(">I", data[:4])[0] if len(data) >= 4 else -1
        if cmd == CMD_SHUTDOWN and len(data) == 4:
            log("kept the TPM running past QEMU's CMD_SHUTDOWN")
            qemu.sendall(b"\0\0\0\0")
        else:
            send_with_fds(swtpm, data, fds)
        for fd in fds:
            os.close(fd)
    if swtpm in r:
        data = swtpm.recv(65536)
        if not data:
            log("swtpm closed its control channel")
            sys.exit(1)
        qemu.sendall(data)
qemu.close()
log("QEMU gone; TPM available on " + post_path)
post = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
post.bind(post_path)
post.listen(4)
post.settimeout(0.5)
while not stop:
    try:
        conn, _ = post.accept()
    except socket.timeout:
        continue
    except InterruptedError:
        continue
    send_with_fds(swtpm, struct.pack(">I", CMD_SET_DATAFD), [conn.fileno()])
    res = swtpm.recv(4)
    conn.close()
    if res != b"\0\0\0\0":
        log(f"CMD_SET_DATAFD failed: {res.hex()}")
swtpm.sendall(struct.pack(">I", CMD_SHUTDOWN))
swtpm.recv(4)
