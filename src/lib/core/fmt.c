/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small vsnprintf for the core's error messages (the shared sources
 * format with snprintf; core/port.h sends those calls here). It knows what
 * the core's format strings use: the conversions d i u x X c s p %, the
 * flags '-' and '0', a width and a precision (also '*'), and the length
 * modifiers hh h l ll z j t. Anything else is copied as it stands, so an
 * unknown conversion shows up in the message instead of reading a wrong
 * argument. C99 semantics: output truncated to n-1 bytes plus NUL; returns
 * the length the whole output would have had.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "core/port.h"

struct out {
    char *s;
    size_t n;
    size_t len; /* total length, also past n */
};

static void put(struct out *o, char c)
{
    if (o->n > 0 && o->len < o->n - 1) {
        o->s[o->len] = c;
    }
    o->len++;
}

static void pad(struct out *o, char c, size_t k)
{
    while (k-- > 0) {
        put(o, c);
    }
}

struct spec {
    int left, zero;
    size_t width;
    int has_prec;
    size_t prec;
};

static void emit_str(struct out *o, const struct spec *sp, const char *s)
{
    size_t n = 0;
    if (s == NULL) {
        s = "(null)";
    }
    while (s[n] != '\0' && (!sp->has_prec || n < sp->prec)) {
        n++;
    }
    if (!sp->left && sp->width > n) {
        pad(o, ' ', sp->width - n);
    }
    for (size_t i = 0; i < n; i++) {
        put(o, s[i]);
    }
    if (sp->left && sp->width > n) {
        pad(o, ' ', sp->width - n);
    }
}

static void emit_num(struct out *o, const struct spec *sp, uintmax_t v, int neg, unsigned base,
                     int upper, const char *prefix)
{
    char digits[64];
    size_t nd = 0;
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    /* A zero precision prints no digit for the value zero (C11 7.21.6.1). */
    while (v != 0 || (nd == 0 && !(sp->has_prec && sp->prec == 0))) {
        digits[nd++] = dig[v % base];
        v /= base;
    }
    size_t np = 0;
    while (prefix[np] != '\0') {
        np++;
    }
    size_t zeros = sp->has_prec && sp->prec > nd ? sp->prec - nd : 0;
    size_t total = nd + zeros + np + (neg ? 1 : 0);
    size_t fill = sp->width > total ? sp->width - total : 0;
    if (!sp->left && !(sp->zero && !sp->has_prec)) {
        pad(o, ' ', fill);
    }
    if (neg) {
        put(o, '-');
    }
    for (size_t i = 0; i < np; i++) {
        put(o, prefix[i]);
    }
    if (!sp->left && sp->zero && !sp->has_prec) {
        pad(o, '0', fill);
    }
    pad(o, '0', zeros);
    while (nd > 0) {
        put(o, digits[--nd]);
    }
    if (sp->left) {
        pad(o, ' ', fill);
    }
}

/* Length modifiers, as the count of 'l' (2 = long long) or the special sizes. */
enum len { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_MAX, L_PTRDIFF };

static uintmax_t get_unsigned(va_list *ap, enum len l)
{
    switch (l) {
    case L_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
    case L_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
    case L_LONG: return va_arg(*ap, unsigned long);
    case L_LLONG: return va_arg(*ap, unsigned long long);
    case L_SIZE: return va_arg(*ap, size_t);
    case L_MAX: return va_arg(*ap, uintmax_t);
    case L_PTRDIFF: return (uintmax_t)va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, unsigned int);
    }
}

static intmax_t get_signed(va_list *ap, enum len l)
{
    switch (l) {
    case L_CHAR: return (signed char)va_arg(*ap, int);
    case L_SHORT: return (short)va_arg(*ap, int);
    case L_LONG: return va_arg(*ap, long);
    case L_LLONG: return va_arg(*ap, long long);
    case L_SIZE: return (intmax_t)va_arg(*ap, size_t);
    case L_MAX: return va_arg(*ap, intmax_t);
    case L_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, int);
    }
}

static const char *parse_len(const char *f, enum len *l)
{
    *l = L_INT;
    if (f[0] == 'h') {
        *l = f[1] == 'h' ? L_CHAR : L_SHORT;
        return f + (f[1] == 'h' ? 2 : 1);
    }
    if (f[0] == 'l') {
        *l = f[1] == 'l' ? L_LLONG : L_LONG;
        return f + (f[1] == 'l' ? 2 : 1);
    }
    if (f[0] == 'z' || f[0] == 'j' || f[0] == 't') {
        *l = f[0] == 'z' ? L_SIZE : f[0] == 'j' ? L_MAX : L_PTRDIFF;
        return f + 1;
    }
    return f;
}

/* Width or precision: digits or '*'. */
static const char *parse_count(const char *f, va_list *ap, size_t *v, int *neg)
{
    *v = 0;
    *neg = 0;
    if (*f == '*') {
        int a = va_arg(*ap, int);
        *neg = a < 0;
        *v = a < 0 ? (size_t)0 - (size_t)a : (size_t)a;
        return f + 1;
    }
    while (*f >= '0' && *f <= '9') {
        *v = *v < 100000 ? *v * 10 + (size_t)(*f - '0') : *v;
        f++;
    }
    return f;
}

/* One conversion after '%' at f; returns where the format goes on. */
static const char *convert(struct out *o, const char *f, va_list *ap)
{
    const char *start = f - 1;
    struct spec sp = { 0 };
    int neg;
    for (;; f++) {
        if (*f == '-') {
            sp.left = 1;
        } else if (*f == '0') {
            sp.zero = 1;
        } else {
            break;
        }
    }
    f = parse_count(f, ap, &sp.width, &neg);
    if (neg) {
        sp.left = 1; /* a negative '*' width means '-' */
    }
    if (*f == '.') {
        f = parse_count(f + 1, ap, &sp.prec, &neg);
        sp.has_prec = !neg;
    }
    enum len l;
    f = parse_len(f, &l);
    switch (*f) {
    case 'd':
    case 'i': {
        intmax_t v = get_signed(ap, l);
        uintmax_t u = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
        emit_num(o, &sp, u, v < 0, 10, 0, "");
        break;
    }
    case 'u': emit_num(o, &sp, get_unsigned(ap, l), 0, 10, 0, ""); break;
    case 'x': emit_num(o, &sp, get_unsigned(ap, l), 0, 16, 0, ""); break;
    case 'X': emit_num(o, &sp, get_unsigned(ap, l), 0, 16, 1, ""); break;
    case 'p': emit_num(o, &sp, (uintptr_t)va_arg(*ap, void *), 0, 16, 0, "0x"); break;
    case 'c': {
        char c[2] = { (char)va_arg(*ap, int), '\0' };
        if (c[0] == '\0') {
            put(o, '\0');
        } else {
            emit_str(o, &sp, c);
        }
        break;
    }
    case 's': emit_str(o, &sp, va_arg(*ap, const char *)); break;
    case '%': put(o, '%'); break;
    default:
        /* Not known: copy the directive as it stands (its argument, if any,
         * is not consumed). */
        for (const char *q = start; q < f; q++) {
            put(o, *q);
        }
        if (*f == '\0') {
            return f;
        }
        put(o, *f);
        break;
    }
    return f + 1;
}

int cct_core_vsnprintf(char *s, size_t n, const char *fmt, va_list ap)
{
    struct out o = { s, s == NULL ? 0 : n, 0 };
    va_list aq;
    va_copy(aq, ap);
    for (const char *f = fmt; *f != '\0';) {
        if (*f != '%') {
            put(&o, *f++);
            continue;
        }
        f = convert(&o, f + 1, &aq);
    }
    va_end(aq);
    if (o.n > 0) {
        o.s[o.len < o.n ? o.len : o.n - 1] = '\0';
    }
    return o.len > INT32_MAX ? -1 : (int)o.len;
}

int cct_core_snprintf(char *s, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = cct_core_vsnprintf(s, n, fmt, ap);
    va_end(ap);
    return r;
}
