#!/bin/sh
# Build the installable static library from the objects of the internal one:
# merge them into one relocatable object (ld -r) and make every global
# symbol local except the public API, so a static link exposes only what a
# shared link does (internal helpers cannot clash with the user's symbols).
# Usage: mkstatic.sh OUT.a INTERNAL.a SYMBOL-LIST LD OBJCOPY AR
set -eu
out=$1 in=$2 syms=$3 ld=$4 objcopy=$5 ar=$6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ld" -r -o "$tmp/libcctrusted.o" --whole-archive "$in"
"$objcopy" --keep-global-symbols="$syms" "$tmp/libcctrusted.o"
rm -f "$out"
"$ar" rcs "$out" "$tmp/libcctrusted.o"
