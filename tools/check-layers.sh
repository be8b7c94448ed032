#!/bin/sh
# The layering rules of docs ARCHITECTURE ("data flows downwards only"):
#   1. formats/ and replay/ never include platform/ or api/ headers;
#   2. platform/ never calls api/ (no function defined in src/lib/api/ is
#      used in src/lib/platform/);
#   3. src/cli and src/agent include no library-internal header (only
#      <cctrusted/...> from the library), and neither include nor link
#      OpenSSL.
# Prints file:line: rule: what for each violation. A violation listed in the
# exceptions file (default tools/layering-exceptions.txt; lines "RULE FILE
# [NAME]", # comments) is reported as a warning instead; an exception that
# no longer matches anything is reported too, so the list only shrinks.
#
# Usage: tools/check-layers.sh [-x EXCEPTIONS] [ROOT]   (ROOT: default the project)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exc="$here/layering-exceptions.txt"
if [ "${1:-}" = "-x" ]; then
    exc=$2
    shift 2
fi
root=${1:-$(cd "$here/.." && pwd)}
cd "$root"
[ -d src/lib ] || { echo "check-layers: no src/lib under $root" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
found="$tmp/found"
: > "$found"

# Source text without comments and string literals (keeps line numbers):
# file:line:text lines on stdout.
strip() {
    awk '
    FNR == 1 { inc = 0 }
    {
        out = ""; n = length($0)
        for (i = 1; i <= n; i++) {
            c = substr($0, i, 1)
            if (inc) { if (c == "*" && substr($0, i + 1, 1) == "/") { inc = 0; i++ }; continue }
            if (c == "/" && substr($0, i + 1, 1) == "*") { inc = 1; i++; continue }
            if (c == "/" && substr($0, i + 1, 1) == "/") break
            if (c == "\"" && $0 !~ /^[ \t]*#[ \t]*include/) {
                for (i++; i <= n; i++) { c = substr($0, i, 1); if (c == "\\") { i++; continue }; if (c == "\"") break }
                out = out "\"\""; continue
            }
            out = out c
        }
        printf "%s:%d:%s\n", FILENAME, FNR, out
    }' "$@"
}

c_files() {
    for d in "$@"; do
        [ -d "$d" ] && find "$d" -type f \( -name '*.c' -o -name '*.h' \)
    done | LC_ALL=C sort
}

# 1. formats/ and replay/ include neither platform/ nor api/.
files=$(c_files src/lib/formats src/lib/replay)
if [ -n "$files" ]; then
    # shellcheck disable=SC2086
    strip $files | grep -E '^[^:]*:[0-9]+:[ \t]*#[ \t]*include[ \t]*["<]([.][.]/)*(platform|api)/' |
        while IFS=: read -r f l text; do
            hdr=$(echo "$text" | sed 's/.*include[ \t]*["<]\([^">]*\).*/\1/')
            echo "layer-include $f $hdr $l" >> "$found"
        done
fi

# 2. platform/ calls no function defined in api/.
api_funcs=$(c_files src/lib/api | xargs -r awk '
    /^[A-Za-z].*[ *]cct_[A-Za-z0-9_]+\(/ && $0 !~ /;[ \t]*$/ && $0 !~ /^static/ {
        s = $0; sub(/\(.*/, "", s); sub(/.*[ *]/, "", s); print s
    }' | LC_ALL=C sort -u)
files=$(c_files src/lib/platform)
if [ -n "$files" ] && [ -n "$api_funcs" ]; then
    # shellcheck disable=SC2086
    strip $files > "$tmp/platform.txt"
    for fn in $api_funcs; do
        grep -E "^[^:]*:[0-9]+:.*(^|[^A-Za-z0-9_])$fn[ \t]*\(" "$tmp/platform.txt" |
            while IFS=: read -r f l text; do
                echo "platform-api $f $fn $l" >> "$found"
            done || true
    done
fi

# 3. Frontends: public headers only, no OpenSSL (includes and link dependencies).
files=$(c_files src/cli src/agent)
if [ -n "$files" ]; then
    # shellcheck disable=SC2086
    strip $files | grep -E '^[^:]*:[0-9]+:[ \t]*#[ \t]*include' | while IFS=: read -r f l text; do
        hdr=$(echo "$text" | sed 's/.*include[ \t]*["<]\([^">]*\).*/\1/')
        case "$hdr" in
        openssl/*) echo "frontend-openssl $f $hdr $l" >> "$found" ;;
        cctrusted/*) ;;
        util/* | crypto/* | formats/* | eventlog/* | replay/* | platform/* | verify/* | api/* | ../*)
            echo "frontend-internal $f $hdr $l" >> "$found" ;;
        esac
    done
fi
for m in src/cli/meson.build src/agent/meson.build; do
    [ -f "$m" ] || continue
    grep -nE "(^|[^A-Za-z0-9_])(libcrypto|libssl|dependency\([ \t]*'(libcrypto|libssl|openssl)')" "$m" |
        while IFS=: read -r l text; do
            echo "frontend-openssl $m link $l" >> "$found"
        done || true
done

# Report: exceptions downgrade to warnings.
errors=0
warnings=0
exc_list="$tmp/exc"
if [ -f "$exc" ]; then
    sed -e 's/#.*//' -e '/^[ \t]*$/d' "$exc" > "$exc_list"
else
    : > "$exc_list"
fi
describe() {
    case "$1" in
    layer-include) echo "formats/ and replay/ must not include $3" ;;
    platform-api) echo "platform/ calls $3(), defined in api/" ;;
    frontend-internal) echo "frontends include only public <cctrusted/...> headers, not $3" ;;
    frontend-openssl) [ "$3" = link ] && echo "frontends link no OpenSSL" ||
        echo "frontends include no OpenSSL ($3)" ;;
    esac
}
while read -r rule f name l; do
    msg=$(describe "$rule" "$f" "$name")
    if awk -v r="$rule" -v f="$f" -v n="$name" '$1 == r && $2 == f && (NF < 3 || $3 == n) { hit = 1 }
                                                END { exit !hit }' "$exc_list"; then
        echo "$f:$l: warning: $rule: $msg (listed exception)"
        warnings=$((warnings + 1))
    else
        echo "$f:$l: error: $rule: $msg"
        errors=$((errors + 1))
    fi
done < "$found"
while read -r rule f name; do
    if ! awk -v r="$rule" -v f="$f" -v n="${name:-}" '$1 == r && $2 == f && (n == "" || $3 == n) { hit = 1 }
                                                      END { exit !hit }' "$found"; then
        echo "note: exception '$rule $f${name:+ $name}' matches nothing any more: remove it from $exc"
    fi
done < "$exc_list"
if [ "$errors" -gt 0 ]; then
    echo "check-layers: $errors violation(s), $warnings listed exception(s)" >&2
    exit 1
fi
echo "check-layers: layering rules hold ($warnings listed exception(s) reported as warnings)"
