#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""pip-install the package into a fresh virtual environment (no system site
packages, no network: --no-index with Debian's setuptools and wheel from
/usr/share/python-wheels) and run every example of its README there. The
installed package must find the library by its soname (LD_LIBRARY_PATH
holds the build directory; CCTRUSTED_LIB is unset) and ship py.typed.

usage: test_install.py PACKAGE_DIR LIBRARY MKLOG
Exit 77 (skip) when venv or the wheels are missing.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from pyutil import check, report  # noqa: E402

PKG, LIB, MKLOG = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
WHEELS = "/usr/share/python-wheels"
PY = "/usr/bin/python3"


def main():
    if not glob.glob(os.path.join(WHEELS, "wheel-*.whl")) or not glob.glob(
        os.path.join(WHEELS, "setuptools-*.whl")
    ):
        print(
            "SKIP: no setuptools/wheel wheels in %s "
            "(apt-get install python3-wheel-whl python3-venv)"
            % WHEELS
        )
        return 77
    tmp = tempfile.mkdtemp(prefix="cct-pyinstall-")
    try:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PIP_", "PYTHON", "CCTRUSTED_LIB", "VIRTUAL_ENV"))
        }
        env["PIP_CONFIG_FILE"] = os.devnull
        venv = os.path.join(tmp, "venv")
        p = subprocess.run([PY, "-m", "venv", venv], capture_output=True, text=True)
        if p.returncode != 0:
            print("SKIP: python3 -m venv failed (apt-get install python3-venv): " + p.stderr[-300:])
            return 77
        vpy = os.path.join(venv, "bin", "python")
        out = subprocess.run(
            [vpy, "-c", "import sys; print(sys.flags.no_site, sys.prefix != sys.base_prefix)"],
            capture_output=True,
            text=True,
            env=env,
        ).stdout.split()
        cfg = open(os.path.join(venv, "pyvenv.cfg")).read()
        check(
            out == ["0", "True"] and "include-system-site-packages = false" in cfg,
            "a venv without system packages",
        )
        src = os.path.join(tmp, "src")
        shutil.copytree(
            PKG, src, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
        )
        p = subprocess.run(
            [vpy, "-m", "pip", "install", "--no-index", "--find-links", WHEELS, src],
            capture_output=True,
            text=True,
            env=env,
        )
        check(p.returncode == 0, "pip install: " + p.stdout[-800:] + p.stderr[-800:])
        site = subprocess.run(
            [vpy, "-c", "import cctrusted, os; print(os.path.dirname(cctrusted.__file__))"],
            capture_output=True,
            text=True,
            env=dict(env, LD_LIBRARY_PATH=os.path.dirname(LIB)),
            cwd=tmp,
        ).stdout.strip()
        check(
            site.startswith(venv) and os.path.exists(os.path.join(site, "py.typed")),
            "installed into the venv with py.typed: %r" % site,
        )
        work = os.path.join(tmp, "work")
        os.mkdir(work)
        subprocess.run(
            [
                PY,
                MKLOG,
                "--banks",
                "sha1,sha256",
                "--out",
                os.path.join(work, "boot.bin"),
                "--expect",
                os.path.join(work, "boot.exp"),
            ],
            check=True,
        )
        run_env = dict(
            env,
            LD_LIBRARY_PATH=os.path.dirname(LIB),
            CCT_SIM_DIR=os.path.join(tmp, "sim"),
            CCT_SYSROOT="",
        )
        p = subprocess.run(
            [vpy, "-c", "import cctrusted; print(cctrusted.library_path())"],
            capture_output=True,
            text=True,
            env=run_env,
            cwd=work,
        )
        check(
            p.stdout.strip() == "libcctrusted.so.0",
            "found by soname: %r %s" % (p.stdout, p.stderr[-300:]),
        )
        readme = open(os.path.join(PKG, "README.md")).read()
        blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
        check(len(blocks) >= 3, "the README has %d Python examples" % len(blocks))
        for i, code in enumerate(blocks):
            p = subprocess.run(
                [vpy, "-c", "import logging; logging.basicConfig(level=logging.INFO)\n" + code],
                capture_output=True,
                text=True,
                env=run_env,
                cwd=work,
                timeout=120,
            )
            check(
                p.returncode == 0,
                "README example %d fails:\n%s\n%s" % (i + 1, p.stdout[-1500:], p.stderr[-1500:]),
            )
            print(
                "README example %d: exit %d, %d lines of output"
                % (i + 1, p.returncode, len((p.stdout + p.stderr).splitlines()))
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
