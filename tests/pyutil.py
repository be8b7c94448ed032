# SPDX-License-Identifier: Apache-2.0
"""Helpers shared by the Python test scripts: counted checks and running the
cctrusted CLI. A script ends with `return report()`."""
import os
import subprocess

# Under a sanitizer build the test interpreter starts with the ASan runtime in
# LD_PRELOAD (tests/meson.build); the programs a test starts (the CLI, which
# links its own runtime, swtpm, tpm2-tools) must not inherit it.
os.environ.pop("LD_PRELOAD", None)

checks = failures = 0


def check(cond, what):
    """Count one check; print what when cond is false. Returns cond."""
    global checks, failures
    checks += 1
    if not cond:
        failures += 1
        print("FAIL: " + what)
    return cond


def run(cli, *args):
    """Run the CLI; (exit code, stdout, stderr)."""
    p = subprocess.run([cli] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stdout, p.stderr


def report(need_checks=False):
    """Print the counts; the exit status (1 on a failure, or on no check at all when need_checks)."""
    print("%d checks, %d failures" % (checks, failures))
    return 1 if failures or (need_checks and checks == 0) else 0
