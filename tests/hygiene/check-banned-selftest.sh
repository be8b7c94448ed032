#!/bin/sh
# Self-test of tools/check-banned.sh: a file with one banned construct per
# marked line must be rejected with exactly those lines reported, and a file
# of look-alikes that are allowed must pass.
set -eu
check="$(cd "$(dirname "$0")/../.." && pwd)/tools/check-banned.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/bad.c" <<'SRC'
#include <string.h>
struct hdr { int a; };
void f(char *d, const char *s, const uint8_t *buf, const struct cct_event *ev)
{
    uint8_t raw[64];
    strcpy(d, s); /* BAD */
    strcat(d, s); /* BAD */
    sprintf(d, "%d", 1); /* BAD */
    vsprintf(d, "%d", ap); /* BAD */
    char *t = strtok(d, ","); /* BAD */
    int n = atoi(s); /* BAD */
    void *m = alloca(16); /* BAD */
    int fd = open(s, O_RDONLY); /* BAD */
    int fd2 = openat(AT_FDCWD, s, /* BAD */
                     O_RDONLY);
    const struct hdr *h = (const struct hdr *)buf; /* BAD */
    const struct hdr *h2 = (struct hdr *)(buf + 4); /* BAD */
    const struct hdr *h3 = (const struct hdr *)ev->data; /* BAD */
    const struct hdr *h4 = (struct hdr *)(uint8_t *)s; /* BAD */
    const struct hdr *h5 = (const struct hdr*)raw; /* BAD */
}
SRC
cat > "$tmp/good.c" <<'SRC'
#include <string.h>
/* strcpy(d, s) in a comment is fine, and so is open(path) */
struct hdr { int a; };
static int cmp(const void *a, const void *b)
{
    const struct hdr *x = (const struct hdr *)a;
    return x->a;
}
void g(char *d, size_t n, const char *s)
{
    snprintf(d, n, "strcpy(%s)", s);
    vsnprintf(d, n, "%d", ap);
    strncpy(d, s, n);
    int fd = open(s, O_RDONLY | O_CLOEXEC);
    int fd2 = openat(AT_FDCWD, s,
                     O_RDONLY | O_CLOEXEC);
    cct_window_open(&w, s);
    long v = my_atoi_checked(s);
    const char *msg = "do not open( this";
}
SRC

expected=$(grep -n 'BAD' "$tmp/bad.c" | cut -d: -f1 | tr '\n' ' ')
if out=$("$check" "$tmp/bad.c" 2>&1); then
    echo "FAIL: banned constructs were accepted"
    echo "$out"
    exit 1
fi
got=$(echo "$out" | grep "^$tmp/bad.c:" | cut -d: -f2 | sort -n | uniq | tr '\n' ' ')
if [ "$got" != "$expected" ]; then
    echo "FAIL: reported lines '$got', expected '$expected'"
    echo "$out"
    exit 1
fi
if ! out=$("$check" "$tmp/good.c" 2>&1); then
    echo "FAIL: allowed constructs were rejected"
    echo "$out"
    exit 1
fi
echo "ok: $(echo "$expected" | wc -w) banned lines reported, look-alikes accepted"
