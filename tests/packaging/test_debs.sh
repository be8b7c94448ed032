#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Slow (about 5 minutes): build the Debian packages from a copy of this tree
# with dpkg-buildpackage -us -uc -b, check them with lintian (no errors),
# install them, and use what they installed: cctrusted --version and info,
# the demo (tools/demo.sh) on the installed cctrusted, man cctrusted, the
# Python binding loading the installed library, and the -dev package's
# example built with pkg-config. The packages are removed at the end.
#
# It installs packages on this machine, so it runs only as root and when
# CCT_TEST_DEBS=1 (tools/test.sh sets it); otherwise it skips (77).
# usage: test_debs.sh SOURCEDIR
set -u
src=$(cd "$1" && pwd)
if [ "${CCT_TEST_DEBS:-0}" != 1 ]; then
    echo "skipped: set CCT_TEST_DEBS=1 to build and install the Debian packages (slow, needs root)"
    exit 77
fi
if [ "$(id -u)" != 0 ]; then
    echo "skipped: installing packages needs root"
    exit 77
fi
for t in dpkg-buildpackage dh lintian man pkg-config; do
    if ! command -v "$t" > /dev/null; then
        echo "skipped: $t not installed (packages: dpkg-dev debhelper dh-python lintian man-db)"
        exit 77
    fi
done
pkgs="python3-cctrusted cctrusted libcctrusted-dev libcctrusted0"
for p in $pkgs; do
    if dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed"; then
        echo "skipped: $p is already installed on this machine; not touching it"
        exit 77
    fi
done

fail=0
check() { if [ "$1" = 0 ]; then echo "ok   $2"; else echo "FAIL $2"; fail=1; fi; }
work=$(mktemp -d)
installed=0
cleanup() {
    if [ $installed = 1 ]; then
        # shellcheck disable=SC2086
        dpkg --purge $pkgs > /dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Build from a copy: dpkg-buildpackage writes into the tree and its parent.
mkdir "$work/src"
(cd "$src" && tar --exclude='./build*' --exclude=./.git --exclude=./debian/tmp -cf - .) |
    tar -xf - -C "$work/src"
(cd "$work/src" && dpkg-buildpackage -us -uc -b > "$work/build.log" 2>&1)
rc=$?
check $rc "dpkg-buildpackage -us -uc -b"
if [ $rc != 0 ]; then
    tail -40 "$work/build.log"
    exit 1
fi
for p in $pkgs; do
    ls "$work/${p}_"*.deb > /dev/null 2>&1
    check $? "built $p"
done
lintian --fail-on error "$work"/*.changes > "$work/lintian.log" 2>&1
rc=$?
check $rc "lintian: no errors"
[ $rc = 0 ] || cat "$work/lintian.log"
grep -E '^W:' "$work/lintian.log"

# shellcheck disable=SC2086
dpkg -i "$work"/libcctrusted0_*.deb "$work"/libcctrusted-dev_*.deb "$work"/cctrusted_*.deb \
    "$work"/python3-cctrusted_*.deb > "$work/install.log" 2>&1
rc=$?
installed=1
check $rc "dpkg -i of the four packages"
[ $rc = 0 ] || { cat "$work/install.log"; exit 1; }

cli=/usr/bin/cctrusted
version=$(sed -n "s/^ *version : '\([^']*\)',.*/\1/p" "$src/meson.build" | head -1)
out=$("$cli" --version)
echo "$out" | head -1 | grep -qx "cctrusted $version"
check $? "installed cctrusted --version: $(echo "$out" | tr '\n' ' ')"
"$cli" info > "$work/info.out" 2>&1
rc=$?
[ $rc = 0 ] || [ $rc = 3 ]
check $? "cctrusted info: exit $rc (0 on a TEE, 3 without one)"
grep -q "checked:" "$work/info.out"
check $? "cctrusted info lists what it checked"

CCTRUSTED=$cli sh "$src/tools/demo.sh" > "$work/demo.log" 2>&1
rc=$?
check $rc "tools/demo.sh on the installed cctrusted"
grep -q "demo finished" "$work/demo.log"
check $? "the demo ran to its end"
[ $rc = 0 ] || tail -30 "$work/demo.log"

MANPAGER=cat MANWIDTH=80 man cctrusted 2> /dev/null | grep -q "^NAME"
check $? "man cctrusted"
MANPAGER=cat man 3 libcctrusted 2> /dev/null | grep -q "cct_replay_logs"
check $? "man 3 libcctrusted"
MANPAGER=cat man 8 cctrustedd 2> /dev/null | grep -q "^NAME"
check $? "man 8 cctrustedd"
[ -f /usr/share/bash-completion/completions/cctrusted ]
check $? "bash completion installed"

py=$(cd / && env -u CCTRUSTED_LIB /usr/bin/python3 -c \
    'import cctrusted; print(cctrusted.__file__); print(cctrusted.library_path())' 2>&1)
echo "$py" | head -1 | grep -q "^/usr/lib/python3/dist-packages/cctrusted/"
check $? "python3-cctrusted imports from dist-packages ($(echo "$py" | tr '\n' ' '))"
echo "$py" | tail -1 | grep -q "libcctrusted.so.0"
check $? "the binding loads the installed libcctrusted.so.0"

ex=/usr/share/doc/libcctrusted-dev/examples/replay.c
# shellcheck disable=SC2046
cc "$ex" -o "$work/replay" $(pkg-config --cflags --libs libcctrusted) 2> "$work/cc.log"
check $? "the -dev example builds with pkg-config alone"
/usr/bin/python3 "$src/tools/mklog.py" --banks sha256,sha384 --out "$work/log.bin" \
    --expect "$work/log.exp"
"$work/replay" "$work/log.bin" | sort > "$work/got"
grep -v '^#' "$work/log.exp" | sort > "$work/want"
cmp -s "$work/got" "$work/want"
check $? "installed example's replay equals mklog.py's values ($(wc -l < "$work/want") registers)"
exit $fail
