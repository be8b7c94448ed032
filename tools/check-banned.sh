#!/bin/sh
# Fail when C sources use a banned construct (docs: STYLE "Banned"):
#   strcpy, strcat, sprintf/vsprintf (snprintf is fine), strtok, atoi/atol/atoll,
#   alloca, open()/openat() without O_CLOEXEC in the same call, and casts of
#   byte pointers (uint8_t / unsigned char) to struct pointers.
# A grep-style heuristic: comments and string literals are ignored; a cast
# is flagged when its operand is a byte pointer declared in the same file
# (or a struct member declared as a byte pointer anywhere, e.g. ev->data),
# or an explicit (uint8_t *) cast. Prints file:line: reason.
#
# Usage: tools/check-banned.sh [DIR|FILE...]   (default: the project's src/)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
    cd "$root"
    set -- src
fi
files=$(find "$@" -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort)
[ -n "$files" ] || { echo "check-banned: no C sources under $*" >&2; exit 1; }
# Public headers declare struct members (e.g. cct_event.data) used in src/.
headers=$(find "$root/include" -type f -name '*.h' 2>/dev/null | LC_ALL=C sort)

# shellcheck disable=SC2086
awk '
function strip(line,    out, i, c, n) {
    # Remove comments and string/char literals, keeping the state of an
    # open /* */ comment across lines.
    out = ""
    n = length(line)
    for (i = 1; i <= n; i++) {
        c = substr(line, i, 1)
        if (incomment) {
            if (c == "*" && substr(line, i + 1, 1) == "/") { incomment = 0; i++ }
            continue
        }
        if (c == "/" && substr(line, i + 1, 1) == "*") { incomment = 1; i++; continue }
        if (c == "/" && substr(line, i + 1, 1) == "/") break
        if (c == "\"" || c == "\047") {
            q = c
            for (i++; i <= n; i++) {
                c = substr(line, i, 1)
                if (c == "\\") { i++; continue }
                if (c == q) break
            }
            out = out q q
            continue
        }
        out = out c
    }
    return out
}
function report(what) {
    printf "%s:%d: %s\n", FILENAME, FNR, what
    bad++
}
FNR == 1 { incomment = 0; pending = "" }
pass == 1 {
    s = strip($0)
    # Byte-pointer declarations: uint8_t *name, const unsigned char *name, uint8_t name[...]
    while (match(s, /(uint8_t|unsigned[ \t]+char)[ \t]*(const[ \t]*)?\*+[ \t]*(const[ \t]+)?[A-Za-z_][A-Za-z0-9_]*/) ||
           match(s, /(uint8_t|unsigned[ \t]+char)[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\[/)) {
        d = substr(s, RSTART, RLENGTH)
        s = substr(s, RSTART + RLENGTH)
        sub(/[ \t]*\[$/, "", d)
        match(d, /[A-Za-z_][A-Za-z0-9_]*$/)
        name = substr(d, RSTART, RLENGTH)
        local[FILENAME, name] = 1
        member[name] = 1
    }
    next
}
{
    s = strip($0)
    if (match(s, /(^|[^A-Za-z0-9_])(strcpy|strcat|v?sprintf|strtok|atoi|atol|atoll|alloca)[ \t]*\(/)) {
        f = substr(s, RSTART, RLENGTH)
        sub(/^[^A-Za-z]/, "", f)
        sub(/[ \t]*\($/, "", f)
        report("banned function " f "()")
    }
    # open()/openat(): collect the whole call (it may span lines).
    if (pending == "" && match(s, /(^|[^A-Za-z0-9_.>])(open|openat)[ \t]*\(/)) {
        pending = substr(s, RSTART)
        pending_line = FNR
        lines = 0
    } else if (pending != "") {
        pending = pending " " s
    }
    if (pending != "") {
        lines++
        depth = 0
        closed = 0
        for (i = 1; i <= length(pending); i++) {
            c = substr(pending, i, 1)
            if (c == "(") depth++
            if (c == ")") { depth--; if (depth == 0) { closed = 1; break } }
        }
        if (closed || lines >= 8) {
            if (substr(pending, 1, i) !~ /O_CLOEXEC/) {
                printf "%s:%d: open() without O_CLOEXEC\n", FILENAME, pending_line
                bad++
            }
            pending = ""
        }
    }
    # Casts to struct pointers whose operand is a byte pointer.
    t = s
    while (match(t, /\([ \t]*(const[ \t]+)?struct[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*(const[ \t]*)?\*[ \t]*\)/)) {
        rest = substr(t, RSTART + RLENGTH)
        t = rest
        sub(/^[ \t]*/, "", rest)
        if (rest ~ /^\([ \t]*(const[ \t]+)?(uint8_t|unsigned[ \t]+char)[ \t]*(const[ \t]*)?\*[ \t]*\)/) {
            report("cast of a byte pointer to a struct pointer")
            continue
        }
        sub(/^[ \t(]*/, "", rest)
        # operand: identifier, then any ->member / .member
        if (!match(rest, /^[A-Za-z_][A-Za-z0-9_]*/)) continue
        chain = substr(rest, 1, RLENGTH)
        last = chain
        rest = substr(rest, RLENGTH + 1)
        ismember = 0
        while (match(rest, /^[ \t]*(->|[.])[ \t]*[A-Za-z_][A-Za-z0-9_]*/)) {
            m = substr(rest, 1, RLENGTH)
            rest = substr(rest, RLENGTH + 1)
            chain = chain m
            match(m, /[A-Za-z_][A-Za-z0-9_]*$/)
            last = substr(m, RSTART, RLENGTH)
            ismember = 1
        }
        if ((!ismember && (FILENAME, last) in local) || (ismember && last in member)) {
            report("cast of byte pointer \"" chain "\" to a struct pointer")
        }
    }
}
END {
    if (bad) {
        printf "check-banned: %d problem(s)\n", bad > "/dev/stderr"
        exit 1
    }
}
' pass=1 $headers $files pass=2 $files
echo "check-banned: $(echo "$files" | wc -l) files clean"
