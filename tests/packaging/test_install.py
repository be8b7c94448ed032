#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""What `meson install` puts on a system, checked from a DESTDIR.

- the man pages render without groff warnings and carry the project version;
- the bash completion offers, for every command, exactly the long options its
  --help documents (plus --help and --version), and the zsh one parses;
- the pkg-config file gives no -I flag but the installed include directory and
  requires no private package;
- examples/read-log.c builds against the installed headers and library with the
  pkg-config flags alone and reads a generated log;
- cctrusted --version (and COMMAND --version) names the project version.

usage: test_install.py BUILDDIR SOURCEDIR VERSION MKLOG CC...
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = 0
COMMANDS = [
    "eventlog", "replay", "info", "measurement", "report", "extend", "verify", "collateral", "vcek"
]
GLOBAL_ONLY = {"--platform", "--sysroot"}


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **kw)


def find(dest, suffix):
    for root, _, files in os.walk(dest):
        for f in files:
            p = os.path.join(root, f)
            if p.endswith(suffix):
                return p
    return None


def check_man(dest, version):
    for page in ("man1/cctrusted.1", "man3/libcctrusted.3"):
        p = find(dest, page)
        check(p is not None, f"{page} installed")
        if p is None:
            continue
        env = dict(os.environ, LC_ALL="C.UTF-8", MANROFFSEQ="", MANWIDTH="80")
        r = run(["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", p], env=env)
        check(
            r.returncode == 0 and r.stderr == "",
            f"{page}: renders without warnings {r.stderr.strip()}",
        )
        r = run(["man", "-l", p], env=env)
        check(
            version in r.stdout and "SEE ALSO" in r.stdout,
            f"{page}: version {version} and SEE ALSO",
        )


def complete(script, words):
    """Run the bash completion function on a command line; the offered words."""
    line = " ".join(words)
    prog = (
        'source /usr/share/bash-completion/bash_completion; source "$1"; shift; '
        'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="${*}"; COMP_POINT=${#COMP_LINE}; '
        "_cctrusted; printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    r = run(["bash", "-c", prog, "x", script] + words)
    if r.returncode != 0:
        print(f"     bash: {r.stderr.strip()} ({line})")
    return set(r.stdout.split())


def check_completion(dest, cli):
    bash = find(dest, "bash-completion/completions/cctrusted")
    check(bash is not None, "bash completion installed")
    zsh = find(dest, "zsh/vendor-completions/_cctrusted")
    check(zsh is not None, "zsh completion installed")
    if zsh and shutil.which("zsh"):
        r = run(["zsh", "-n", zsh])
        check(r.returncode == 0, f"zsh completion parses {r.stderr.strip()}")
    if not bash or not os.path.exists("/usr/share/bash-completion/bash_completion"):
        print("SKIP bash completion behaviour: bash-completion not installed")
        return
    got = complete(bash, ["cctrusted", ""])
    check(set(COMMANDS) <= got, f"bash: commands offered ({sorted(got)})")
    check(
        complete(bash, ["cctrusted", "--platform", ""])
        == {"auto", "tdx", "tpm", "snp", "cca", "sim"},
        "bash: --platform values",
    )
    for cmd in COMMANDS:
        helptext = run([cli, cmd, "--help"]).stdout
        documented = set(re.findall(r"--[a-z][a-z0-9-]*", helptext)) - GLOBAL_ONLY
        documented |= {"--help", "--version"}
        offered = {w for w in complete(bash, ["cctrusted", cmd, "--"]) if w.startswith("--")}
        check(
            offered == documented,
            f"bash: {cmd} options = its --help "
            f"(missing {sorted(documented - offered)}, extra {sorted(offered - documented)})",
        )
    show = complete(bash, ["cctrusted", "report", "show", "--"])
    check(
        show == {"--json", "--raw", "--help", "--version"},
        f"bash: report show options ({sorted(show)})",
    )


def check_pkgconfig(dest, src, mklog, cc, tmp):
    pc = find(dest, "pkgconfig/libcctrusted.pc")
    check(pc is not None, "libcctrusted.pc installed")
    if pc is None:
        return
    text = open(pc).read()
    check("Requires" not in text, "pkg-config: no Requires / Requires.private")
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pc), PKG_CONFIG_SYSROOT_DIR=dest)
    cflags = run(["pkg-config", "--cflags", "libcctrusted"], env=env).stdout.split()
    incdir = os.path.dirname(find(dest, "include/cctrusted/cctrusted.h"))
    check(
        cflags == ["-I" + os.path.dirname(incdir)],
        f"pkg-config --cflags is the include dir only {cflags}",
    )
    libs = run(["pkg-config", "--libs", "libcctrusted"], env=env).stdout.split()
    exe = os.path.join(tmp, "read-log")
    r = run(cc + [os.path.join(src, "examples", "read-log.c"), "-o", exe] + cflags + libs)
    check(
        r.returncode == 0, f"examples/read-log.c builds from the install alone {r.stderr.strip()}"
    )
    if r.returncode != 0:
        return
    log = os.path.join(tmp, "log.bin")
    subprocess.run([sys.executable, mklog, "--out", log, "--expect", log + ".exp"], check=True)
    libdir = [a[2:] for a in libs if a.startswith("-L")][0]
    r = run([exe, log], env=dict(os.environ, LD_LIBRARY_PATH=libdir))
    check(
        r.returncode == 0 and "EV_SEPARATOR" in r.stdout, "installed read-log reads a generated log"
    )


def main():
    build, src, version, mklog = sys.argv[1:5]
    cc = sys.argv[5:]
    with tempfile.TemporaryDirectory() as tmp:
        dest = os.path.join(tmp, "dest")
        r = run(["meson", "install", "-C", build, "--no-rebuild", "--destdir", dest, "--quiet"])
        check(r.returncode == 0, f"meson install --destdir {r.stderr.strip()[-300:]}")
        cli = find(dest, "bin/cctrusted")
        check(cli is not None, "cctrusted installed")
        check_man(dest, version)
        if cli:
            # The installed binary runs against the build's library (same version).
            env = dict(os.environ, LD_LIBRARY_PATH=build)
            for args in (["--version"], ["replay", "--version"], ["report", "show", "--version"]):
                r = run([cli] + args, env=env)
                check(
                    r.returncode == 0
                    and r.stdout.startswith(f"cctrusted {version}\nlibcctrusted {version}"),
                    f"cctrusted {' '.join(args)}: {r.stdout.strip()!r}",
                )
            check_completion(dest, cli)
        check_pkgconfig(dest, src, mklog, cc, tmp)
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
