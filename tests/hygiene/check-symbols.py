#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The library exports exactly the functions of the public headers.

Fails when `nm -D --defined-only LIB` (`nm -g --defined-only` for a static
archive LIB.a) lists a symbol that is not a cct_*
function declared in a public header (a leaked internal helper), or when a
declared function is not exported.

Usage: check-symbols.py LIB HEADER|DIR...   (a DIR stands for DIR/*.h)
"""
import glob
import os
import re
import subprocess
import sys


def declared(paths):
    names = set()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
        text = re.sub(r"//[^\n]*", " ", text)
        # Preprocessor lines (with continuations) are not declarations.
        text = re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)
        # A function declaration: a return type (identifier or '*') before the name.
        for m in re.finditer(r"[A-Za-z0-9_*]\s*\b(cct_[A-Za-z0-9_]*)\s*\(", text):
            names.add(m.group(1))
    return names


def exported(lib):
    # A shared library exports its dynamic symbols; a static archive its
    # global ones (what a static link can resolve against).
    cmd = ["nm", "-g", "--defined-only", lib] if lib.endswith(".a") else ["nm", "-D", "--defined-only", lib]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        kind, name = parts[-2], parts[-1]
        if kind == "A":
            continue  # version node (CCTRUSTED_0), not a symbol
        names.add(name.split("@")[0])
    return names


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 1
    lib, headers = sys.argv[1], []
    for arg in sys.argv[2:]:
        headers += sorted(glob.glob(os.path.join(arg, "*.h"))) if os.path.isdir(arg) else [arg]
    want = declared(headers)
    have = exported(lib)
    bad = 0
    for name in sorted(have - want):
        why = "not cct_*" if not name.startswith("cct_") else "not declared in a public header"
        print(f"FAIL: {lib} exports {name} ({why})")
        bad += 1
    for name in sorted(want - have):
        print(f"FAIL: {name} is declared in a public header but not exported")
        bad += 1
    if not want:
        print("FAIL: no functions found in the headers")
        bad += 1
    if bad:
        return 1
    print(f"ok: {len(have)} symbols exported, all cct_* and declared in {len(headers)} public headers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
