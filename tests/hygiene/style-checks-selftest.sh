#!/bin/sh
# Self-test of the CI style checks: tools/check-layers.sh, tools/check-lines.sh
# and tools/format.sh --check must each reject a broken fixture, naming what
# is wrong, and accept a correct one.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
    echo "FAIL: $*"
    fail=1
}

# ---- layering: one violation of each rule in a fixture tree
t="$tmp/tree"
mkdir -p "$t/src/lib/formats/x" "$t/src/lib/replay" "$t/src/lib/api" "$t/src/lib/platform" "$t/src/cli"
cat > "$t/src/lib/api/api.c" <<'SRC'
#include <stddef.h>
int cct_open_thing(int a)
{
    return a;
}
static int helper(void)
{
    return 0;
}
SRC
cat > "$t/src/lib/formats/x/x.c" <<'SRC'
#include <string.h>
#include "util/reader.h"
#include "platform/platform.h"
/* #include "api/api.h" in a comment is fine */
SRC
cat > "$t/src/lib/replay/r.c" <<'SRC'
#include "../api/internal.h"
SRC
cat > "$t/src/lib/platform/p.c" <<'SRC'
/* cct_open_thing(1) in a comment is fine, and so is "cct_open_thing(2)" */
static int f(void)
{
    return my_cct_open_thing(1) + cct_open_thing(2);
}
SRC
cat > "$t/src/cli/main.c" <<'SRC'
#include <stdio.h>
#include <cctrusted/context.h>
#include "cli.h"
#include "util/error.h"
#include <openssl/evp.h>
SRC
printf "cli = executable('c', 'main.c', dependencies : [cctrusted_dep, libcrypto])\n" > "$t/src/cli/meson.build"
: > "$tmp/none"
if sh "$root/tools/check-layers.sh" -x "$tmp/none" "$t" > "$tmp/log" 2>&1; then
    bad "check-layers accepted a tree with violations"
fi
for want in "src/lib/formats/x/x.c:3: error: layer-include" "src/lib/replay/r.c:1: error: layer-include" \
    "src/lib/platform/p.c:4: error: platform-api: platform/ calls cct_open_thing()" \
    "src/cli/main.c:4: error: frontend-internal" "src/cli/main.c:5: error: frontend-openssl" \
    "src/cli/meson.build:1: error: frontend-openssl: frontends link no OpenSSL"; do
    grep -qF "$want" "$tmp/log" || bad "check-layers did not report '$want'"
done
n=$(grep -c ": error: " "$tmp/log" || true)
[ "$n" -eq 6 ] || bad "check-layers reported $n errors, want exactly 6 (no false positives)"
[ "$fail" -eq 0 ] || cat "$tmp/log"

# Listed exceptions become warnings; a stale one is named.
cat > "$tmp/exc" <<'EXC'
# comment
frontend-openssl src/cli/main.c
frontend-openssl src/cli/meson.build link
platform-api src/lib/platform/gone.c cct_open_thing
EXC
sh "$root/tools/check-layers.sh" -x "$tmp/exc" "$t" > "$tmp/log" 2>&1 || true
grep -q "src/cli/main.c:5: warning: frontend-openssl" "$tmp/log" || bad "exception not downgraded to a warning"
grep -q "src/cli/main.c:4: error: frontend-internal" "$tmp/log" || bad "exception for one rule hid another rule"
grep -q "exception 'platform-api src/lib/platform/gone.c cct_open_thing' matches nothing" "$tmp/log" ||
    bad "stale exception not reported"

# The fixed tree passes.
sed -i '/platform\/platform.h/d' "$t/src/lib/formats/x/x.c"
: > "$t/src/lib/replay/r.c"
sed -i 's/ + cct_open_thing(2)//' "$t/src/lib/platform/p.c"
sed -i '/util\/error.h/d; /openssl/d' "$t/src/cli/main.c"
sed -i 's/, libcrypto//' "$t/src/cli/meson.build"
if ! sh "$root/tools/check-layers.sh" -x "$tmp/none" "$t" > "$tmp/log" 2>&1; then
    bad "check-layers rejected a clean tree"
    cat "$tmp/log"
fi

# ---- line length: 100 columns pass, 101 fail, tabs count to the next stop
mkdir -p "$tmp/lines"
awk 'BEGIN { s = ""; for (i = 0; i < 100; i++) s = s "x"; print s }' > "$tmp/lines/ok.c"
printf '\t\t\t\t\t\t\t\t\t\t\t\t%s\n' "12345" > "$tmp/lines/tabs.c" # 12 tabs = 96 columns, + 5 = 101
awk 'BEGIN { s = ""; for (i = 0; i < 101; i++) s = s "y"; print "ok"; print s }' > "$tmp/lines/long.h"
if sh "$root/tools/check-lines.sh" "$tmp/lines" > "$tmp/log" 2>&1; then
    bad "check-lines accepted lines over 100 columns"
fi
grep -q "long.h:2: 101 columns" "$tmp/log" || bad "check-lines did not report long.h:2"
grep -q "tabs.c:1: 101 columns" "$tmp/log" || bad "check-lines did not expand tabs"
grep -q "ok.c" "$tmp/log" && bad "check-lines reported a 100-column line"
rm "$tmp/lines/long.h" "$tmp/lines/tabs.c"
sh "$root/tools/check-lines.sh" "$tmp/lines" > "$tmp/log" 2>&1 || bad "check-lines rejected 100 columns"

# ---- clang-format check (needs clang-format)
if command -v clang-format-14 > /dev/null 2>&1 || command -v clang-format > /dev/null 2>&1; then
    mkdir -p "$tmp/fmt"
    cp "$root/.clang-format" "$tmp/fmt/"
    printf 'int f(int a)\n{\n    return a;\n}\n' > "$tmp/fmt/good.c"
    printf 'int g(int a){return a;}\n' > "$tmp/fmt/bad.c"
    if sh "$root/tools/format.sh" --check "$tmp/fmt" > "$tmp/log" 2>&1; then
        bad "format.sh --check accepted an unformatted file"
    fi
    grep -q "bad.c" "$tmp/log" || bad "format.sh --check did not name bad.c"
    grep -q "good.c" "$tmp/log" && bad "format.sh --check named a formatted file"
    sh "$root/tools/format.sh" "$tmp/fmt/bad.c" > /dev/null 2>&1 || bad "format.sh could not format"
    sh "$root/tools/format.sh" --check "$tmp/fmt" > "$tmp/log" 2>&1 || bad "format.sh did not fix bad.c"
else
    echo "clang-format not installed: format check not exercised"
fi

[ "$fail" -eq 0 ] || exit 1
echo "ok: check-layers, check-lines and format.sh --check reject broken fixtures and accept good ones"
