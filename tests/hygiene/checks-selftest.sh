#!/bin/sh
# Self-test of the header and exported-symbol checks: each must reject a
# deliberately broken fixture and accept a correct one.
# Usage: checks-selftest.sh CC [CC-ARGS...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# Header check: a header using size_t without including <stddef.h>.
mkdir -p "$tmp/good/cctrusted" "$tmp/bad/cctrusted"
cat > "$tmp/good/cctrusted/x.h" <<'SRC'
#ifndef X_H
#define X_H
#include <stddef.h>
size_t cct_x(void);
#endif
SRC
cp "$tmp/good/cctrusted/x.h" "$tmp/bad/cctrusted/x.h"
cat > "$tmp/bad/cctrusted/y.h" <<'SRC'
#ifndef Y_H
#define Y_H
size_t cct_y(void);
#endif
SRC
if sh "$here/check-headers.sh" "$tmp/bad" "$@" > "$tmp/log" 2>&1; then
    echo "FAIL: check-headers accepted a header that does not compile alone"
    fail=1
elif ! grep -q "cctrusted/y.h does not compile alone" "$tmp/log"; then
    echo "FAIL: check-headers did not name the broken header"
    fail=1
fi
if ! sh "$here/check-headers.sh" "$tmp/good" "$@" > "$tmp/log" 2>&1; then
    echo "FAIL: check-headers rejected a correct header"
    cat "$tmp/log"
    fail=1
fi

# Umbrella check: an umbrella missing y.h is rejected, one with both accepted.
printf '#include <cctrusted/x.h>\n' > "$tmp/bad/cctrusted/cctrusted.h"
if sh "$here/check-umbrella.sh" "$tmp/bad" > "$tmp/log" 2>&1; then
    echo "FAIL: check-umbrella accepted an umbrella that misses a header"
    fail=1
elif ! grep -q "does not include cctrusted/y.h" "$tmp/log" || grep -q "cctrusted/x.h" "$tmp/log"; then
    echo "FAIL: check-umbrella did not name exactly the missing header"
    cat "$tmp/log"
    fail=1
fi
printf '#include <cctrusted/x.h>\n#include <cctrusted/y.h>\n' > "$tmp/bad/cctrusted/cctrusted.h"
if ! sh "$here/check-umbrella.sh" "$tmp/bad" > "$tmp/log" 2>&1; then
    echo "FAIL: check-umbrella rejected a complete umbrella"
    cat "$tmp/log"
    fail=1
fi
rm -f "$tmp/bad/cctrusted/cctrusted.h"

# Thread-safety notes: y.h has none (rejected, named), x.h gets one (accepted).
if sh "$here/check-thread-notes.sh" "$tmp/good" > "$tmp/log" 2>&1; then
    echo "FAIL: check-thread-notes accepted a header without a Threads: statement"
    fail=1
elif ! grep -q "cctrusted/x.h has no" "$tmp/log"; then
    echo "FAIL: check-thread-notes did not name the header"
    fail=1
fi
printf '/* Threads: pure. */\n' >> "$tmp/good/cctrusted/x.h"
if ! sh "$here/check-thread-notes.sh" "$tmp/good" > "$tmp/log" 2>&1; then
    echo "FAIL: check-thread-notes rejected a header with a Threads: statement"
    cat "$tmp/log"
    fail=1
fi

# Symbol check: a library leaking a helper and missing a declared function.
cat > "$tmp/lib.c" <<'SRC'
#include <stddef.h>
size_t cct_x(void) { return 1; }
int helper(void);
int helper(void) { return 2; }
SRC
printf '#include <stddef.h>\nsize_t cct_x(void);\nint cct_missing(int a);\n' > "$tmp/api.h"
"$@" -shared -fPIC -o "$tmp/libbad.so" "$tmp/lib.c"
if python3 "$here/check-symbols.py" "$tmp/libbad.so" "$tmp/api.h" > "$tmp/log" 2>&1; then
    echo "FAIL: check-symbols accepted a leaking library"
    fail=1
elif ! grep -q "exports helper" "$tmp/log" || ! grep -q "cct_missing is declared" "$tmp/log"; then
    echo "FAIL: check-symbols did not report both problems"
    cat "$tmp/log"
    fail=1
fi
printf 'CCT_T { global: cct_x; local: *; };\n' > "$tmp/ver"
"$@" -shared -fPIC -Wl,--version-script="$tmp/ver" -o "$tmp/libgood.so" "$tmp/lib.c"
printf '#include <stddef.h>\n/* cct_commented(void) is not a declaration */\n#define CCT_MACRO(x) cct_macro(x)\nsize_t cct_x(void);\n' > "$tmp/api.h"
if ! python3 "$here/check-symbols.py" "$tmp/libgood.so" "$tmp/api.h" > "$tmp/log" 2>&1; then
    echo "FAIL: check-symbols rejected a correct library"
    cat "$tmp/log"
    fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "ok: header, umbrella, thread-note and symbol checks reject broken fixtures and accept good ones"
