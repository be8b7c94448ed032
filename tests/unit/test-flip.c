/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Property test: evidence that verifies must stop verifying when any single
 * byte covered by a signature is changed.
 *
 * usage: test-flip FILE RANGES [root=F] [certs=F] [sig=F] [ak=F] [nonce=HEX] [pcrs=F] [flipsig=1]
 * RANGES holds "start end" lines (byte ranges of FILE to flip). With flipsig=1
 * every byte of the signature file is flipped as well. With trunc=1 every
 * proper prefix of FILE must be rejected too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/cctrusted.h>
#include <cctrusted/verify.h>

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rbe");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            if (buf == NULL) {
                exit(2);
            }
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0) {
            break;
        }
        n += got;
    }
    fclose(f);
    *len = n;
    return buf;
}

static int hexv(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
    size_t n = 0;
    while (s[0] && s[1] && n < max && hexv(s[0]) >= 0 && hexv(s[1]) >= 0) {
        out[n++] = (uint8_t)(hexv(s[0]) << 4 | hexv(s[1]));
        s += 2;
    }
    return n;
}

static struct cct_pcr_value pcrs[CCT_MAX_PCR_VALUES];

/* Lines "sha256:N=HEX" as written by tests/data/gen_quotes.py. */
static size_t load_pcrs(const char *path)
{
    size_t len, n = 0;
    char *text = (char *)slurp(path, &len);
    text = realloc(text, len + 1);
    text[len] = '\0';
    for (char *line = text; line && *line && n < CCT_MAX_PCR_VALUES;) {
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = '\0';
        }
        char *colon = strchr(line, ':'), *eq = strchr(line, '=');
        if (colon && eq) {
            pcrs[n].alg = cct_alg_from_name(strncmp(line, "sha256", 6) == 0 ? "sha256" : "sha1");
            pcrs[n].index = (uint32_t)strtoul(colon + 1, NULL, 10);
            unhex(eq + 1, pcrs[n].digest, 64);
            n++;
        }
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return n;
}

int main(int argc, char **argv)
{
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
    static uint8_t nonce[256];
    uint8_t *files[8] = { 0 };
    int flipsig = 0, trunc = 0;
    if (argc < 3) {
        fprintf(stderr, "usage: test-flip FILE RANGES [key=value]...\n");
        return 2;
    }
    size_t len, rlen;
    uint8_t *buf = slurp(argv[1], &len);
    char *ranges = (char *)slurp(argv[2], &rlen);
    ranges = realloc(ranges, rlen + 1);
    ranges[rlen] = '\0';
    for (int i = 3; i < argc; i++) {
        char *v = strchr(argv[i], '=');
        if (v == NULL) {
            return 2;
        }
        *v++ = '\0';
        size_t n;
        if (strcmp(argv[i], "root") == 0) {
            o.root = files[0] = slurp(v, &n);
            o.root_len = n;
        } else if (strcmp(argv[i], "certs") == 0) {
            o.certs = files[1] = slurp(v, &n);
            o.certs_len = n;
        } else if (strcmp(argv[i], "sig") == 0) {
            o.signature = files[2] = slurp(v, &n);
            o.signature_len = n;
        } else if (strcmp(argv[i], "ak") == 0) {
            o.ak = files[3] = slurp(v, &n);
            o.ak_len = n;
        } else if (strcmp(argv[i], "cpak") == 0) {
            o.cpak = files[4] = slurp(v, &n);
            o.cpak_len = n;
        } else if (strcmp(argv[i], "nonce") == 0) {
            o.nonce = nonce;
            o.nonce_len = unhex(v, nonce, sizeof(nonce));
        } else if (strcmp(argv[i], "pcrs") == 0) {
            o.pcrs = pcrs;
            o.n_pcrs = load_pcrs(v);
        } else if (strcmp(argv[i], "flipsig") == 0) {
            flipsig = 1;
        } else if (strcmp(argv[i], "trunc") == 0) {
            trunc = 1;
        } else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    struct cct_verify_result res;
    struct cct_error err;
    cct_verify_result_init(&res);
    if (cct_verify_report(buf, len, &o, &res, &err) != 0 || !res.ok) {
        fprintf(stderr, "FAIL: unmodified %s does not verify: %s\n", argv[1], err.message);
        return 1;
    }
    size_t flips = 0, accepted = 0;
    for (char *line = ranges; line && *line;) {
        unsigned long a, b;
        if (sscanf(line, "%lu %lu", &a, &b) == 2) {
            for (size_t i = a; i < b && i < len; i++) {
                buf[i] ^= 0x01;
                int rc = cct_verify_report(buf, len, &o, &res, &err);
                if (rc == 0 || res.ok) {
                    fprintf(stderr, "FAIL: flipping byte %zu of %s still verifies\n", i, argv[1]);
                    accepted++;
                }
                buf[i] ^= 0x01;
                flips++;
            }
        }
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    if (flipsig && o.signature != NULL) {
        uint8_t *s = files[2];
        for (size_t i = 0; i < o.signature_len; i++) {
            s[i] ^= 0x01;
            int rc = cct_verify_report(buf, len, &o, &res, &err);
            if (rc == 0 || res.ok) {
                fprintf(stderr, "FAIL: flipping signature byte %zu still verifies\n", i);
                accepted++;
            }
            s[i] ^= 0x01;
            flips++;
        }
    }
    size_t cuts = 0;
    for (size_t n = 0; trunc && n < len; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        if (copy == NULL) {
            return 2;
        }
        memcpy(copy, buf, n);
        int rc = cct_verify_report(copy, n, &o, &res, &err);
        if (rc == 0 || res.ok) {
            fprintf(stderr, "FAIL: %zu-byte prefix of %s verifies\n", n, argv[1]);
            accepted++;
        }
        free(copy);
        cuts++;
    }
    printf("%s: %zu single-byte flips, %zu truncations, %zu accepted\n", argv[1], flips, cuts,
           accepted);
    free(buf);
    free(ranges);
    for (int i = 0; i < 8; i++) {
        free(files[i]);
    }
    if (flips == 0) {
        fprintf(stderr, "FAIL: nothing flipped\n");
        return 1;
    }
    return accepted == 0 ? 0 : 1;
}
