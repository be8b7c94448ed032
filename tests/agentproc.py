# SPDX-License-Identifier: Apache-2.0
"""cctrustedd started for a test: the process, its log file, and a gRPC stub once
its unix socket accepts connections. Shared by the agent, swtpm-agent and
container tests; grpc and the CIMA stubs are imported by the caller."""
import signal
import socket
import subprocess
import time


class AgentProcess:
    def __init__(self, agent, sock, args, env, log_path, wait=20, stub=None):
        """Start AGENT --socket SOCK ARGS; wait up to WAIT s for the socket to accept.
        STUB(channel) -> stub, when given, makes self.channel and self.stub."""
        self.sock = sock
        self.log = open(log_path, "w+")
        self.p = subprocess.Popen([agent, "--socket", sock] + list(args), env=env, stderr=self.log)
        t = time.time()
        while self.p.poll() is None and time.time() - t < wait and not self.ready():
            time.sleep(0.05)
        self.channel = self.stub = None
        if stub is not None:
            import grpc
            self.channel = grpc.insecure_channel("unix:" + sock, options=[("grpc.default_authority", "localhost")])
            self.stub = stub(self.channel)

    def ready(self):
        """The socket accepts connections (a stale file left by a killed agent does not)."""
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(self.sock)
            return True
        except OSError:
            return False
        finally:
            s.close()

    def rss_kb(self):
        with open("/proc/%d/status" % self.p.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return -1

    def stop(self, sig=signal.SIGTERM):
        """Stop the agent (SIG, then SIGKILL after 20 s); its log text."""
        if self.channel is not None:
            self.channel.close()
        if self.p.poll() is None:
            self.p.send_signal(sig)
            try:
                self.p.wait(20)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.seek(0)
        return self.log.read()
