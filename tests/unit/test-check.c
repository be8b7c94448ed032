/* SPDX-License-Identifier: Apache-2.0 */
/* cct_event_check_digest on events whose digests are computed here with
 * OpenSSL (logbuilder.c), correct, wrong, or over a documented variant. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <cctrusted/eventlog.h>

#include "formats/tcg/tcg.h"
#include "logbuilder.h"

static const uint16_t B2[] = { CCT_ALG_SHA1, CCT_ALG_SHA256 };
static const uint8_t zero4[4];

struct built {
    struct cct_event ev;
    uint8_t store[CCT_MAX_DIGESTS][64];
};

/* Digests over `hashed` (which may differ from the event data). */
static void mk(struct built *b, uint32_t pcr, uint32_t type, const void *data, size_t len,
               const void *hashed, size_t hlen)
{
    memset(b, 0, sizeof(*b));
    b->ev.kind = CCT_REG_PCR;
    b->ev.index = pcr;
    b->ev.type = type;
    b->ev.n_digests = 2;
    for (size_t i = 0; i < 2; i++) {
        b->ev.digests[i].alg = B2[i];
        b->ev.digests[i].size = (uint16_t)lb_hash(B2[i], hashed, hlen, b->store[i]);
        b->ev.digests[i].bytes = b->store[i];
    }
    b->ev.data = data;
    b->ev.data_len = len;
}

static void check(const struct built *b, enum cct_digest_check want, int want_literal)
{
    enum cct_digest_check c = (enum cct_digest_check)99;
    int literal = 99;
    assert_int_equal(cct_event_check_digest(&b->ev, &c, &literal), 0);
    assert_int_equal(c, want);
    assert_int_equal(literal, want_literal);
    /* Without literal, events that are not bound skip hashing: same result. */
    c = (enum cct_digest_check)99;
    assert_int_equal(cct_event_check_digest(&b->ev, &c, NULL), 0);
    assert_int_equal(c, want);
}

static void test_separator(void **state)
{
    (void)state;
    struct built b;
    mk(&b, 7, EV_SEPARATOR, zero4, 4, zero4, 4);
    check(&b, CCT_DIGEST_OK, 1);
    /* One bank wrong is enough for a mismatch. */
    b.store[1][5] ^= 1;
    check(&b, CCT_DIGEST_MISMATCH, 0);
    /* Separator over other data than logged. */
    mk(&b, 7, EV_SEPARATOR, zero4, 4, "\xff\xff\xff\xff", 4);
    check(&b, CCT_DIGEST_MISMATCH, 0);
}

static void test_efi_action(void **state)
{
    (void)state;
    static const char s[] = "Calling EFI Application from Boot Option";
    struct built b;
    mk(&b, 4, EV_EFI_ACTION, s, sizeof(s) - 1, s, sizeof(s) - 1);
    check(&b, CCT_DIGEST_OK, 1);
    mk(&b, 4, EV_EFI_ACTION, s, sizeof(s) - 1, s, sizeof(s)); /* hashed with its NUL */
    check(&b, CCT_DIGEST_MISMATCH, 0);
}

/* UEFI_VARIABLE_DATA (PFP 10.4.8): GUID, u64 name chars, u64 data bytes, name (UTF-16), data. */
static void variable(struct lb *v, const char *name, const void *data, size_t dlen)
{
    static const uint8_t guid[16] = { 0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
                                      0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c };
    lb_init(v);
    lb_bytes(v, guid, 16);
    lb_u64(v, strlen(name));
    lb_u64(v, dlen);
    for (const char *c = name; *c; c++) {
        lb_u16(v, (uint16_t)*c);
    }
    lb_bytes(v, data, dlen);
}

static void test_boot_variable(void **state)
{
    (void)state;
    static const uint8_t opt[] = { 1, 0, 0, 0, 0x2c, 0, 'U', 0, 'E', 0, 'F', 0, 'I', 0, 0, 0 };
    struct lb v;
    struct built b;
    variable(&v, "Boot0001", opt, sizeof(opt));
    /* EDK2 hashes only VariableData for Boot#### variables. */
    mk(&b, 1, EV_EFI_VARIABLE_BOOT, v.p, v.len, opt, sizeof(opt));
    check(&b, CCT_DIGEST_OK_ALT, 0);
    /* Hashing the whole structure is the spec's own rule. */
    mk(&b, 1, EV_EFI_VARIABLE_BOOT, v.p, v.len, v.p, v.len);
    check(&b, CCT_DIGEST_OK, 1);
    /* Neither: mismatch. */
    mk(&b, 1, EV_EFI_VARIABLE_BOOT, v.p, v.len, opt, sizeof(opt) - 1);
    check(&b, CCT_DIGEST_MISMATCH, 0);
    /* Driver-config variables (PCR7) are checked the same way. */
    mk(&b, 7, EV_EFI_VARIABLE_DRIVER_CONFIG, v.p, v.len, v.p, v.len);
    check(&b, CCT_DIGEST_OK, 1);
    /* A VariableData length beyond the event: no variant, just a mismatch. */
    v.p[24] = 0xff;
    mk(&b, 1, EV_EFI_VARIABLE_BOOT, v.p, v.len, opt, sizeof(opt));
    check(&b, CCT_DIGEST_MISMATCH, 0);
    lb_free(&v);
}

static void test_not_bound(void **state)
{
    (void)state;
    struct built b;
    /* The digest of an application covers the PE image, not the log's data. */
    mk(&b, 4, EV_EFI_BOOT_SERVICES_APPLICATION, "devicepath", 10, "image", 5);
    check(&b, CCT_DIGEST_NOT_CHECKED, 0);
    /* Even when it happens to equal H(data), the result says "not checked";
     * `literal` reports the equality. */
    mk(&b, 0, EV_POST_CODE, "POST", 4, "POST", 4);
    check(&b, CCT_DIGEST_NOT_CHECKED, 1);
    mk(&b, 0, EV_NO_ACTION, "StartupLocality\0\x03", 17, "x", 1);
    check(&b, CCT_DIGEST_NOT_CHECKED, 0);
    /* A header event is never checked. */
    mk(&b, 7, EV_SEPARATOR, zero4, 4, "x", 1);
    b.ev.flags = CCT_EVENT_F_HEADER;
    check(&b, CCT_DIGEST_NOT_CHECKED, 0);
    /* Without digests there is nothing to compare. */
    mk(&b, 7, EV_SEPARATOR, zero4, 4, zero4, 4);
    b.ev.n_digests = 0;
    check(&b, CCT_DIGEST_NOT_CHECKED, 0);
}

static void test_ipl_load_options(void **state)
{
    (void)state;
    static const uint8_t u16[] = { 'r', 0, 'o', 0, 'o', 0, 't', 0, '=', 0, '/', 0 };
    struct built b;
    /* UTF-16 load options on PCR8 are measured as logged. */
    mk(&b, 8, EV_IPL, u16, sizeof(u16), u16, sizeof(u16));
    check(&b, CCT_DIGEST_OK, 1);
    mk(&b, 8, EV_IPL, u16, sizeof(u16), "other", 5);
    check(&b, CCT_DIGEST_MISMATCH, 0);
    /* GRUB strings: the digest covers the text after the prefix, without the NUL. */
    mk(&b, 8, EV_IPL, "grub_cmd: linux", 15, "linux", 5);
    check(&b, CCT_DIGEST_OK_RULE, 0);
    /* Other ASCII EV_IPL (a file path, whose digest covers the file) is not bound. */
    mk(&b, 9, EV_IPL, "/boot/grub/grub.cfg", 19, "file content", 12);
    check(&b, CCT_DIGEST_NOT_CHECKED, 0);
    /* Nor is EV_IPL on another PCR. */
    mk(&b, 9, EV_IPL, u16, sizeof(u16), "other", 5);
    check(&b, CCT_DIGEST_NOT_CHECKED, 0);
}

/* GRUB's rule (grub_tpm_verify_string): description = prefix + string + NUL, digest = H(string). */
static void test_grub_strings(void **state)
{
    (void)state;
    static const char cmdline[] = "kernel_cmdline: /vmlinuz root=/dev/vda1 ro quiet";
    static const char changed[] = "kernel_cmdline: /vmlinuz root=/dev/vda1 rw quiet";
    static const char *const text = cmdline + 16;
    struct built b;
    mk(&b, 8, EV_IPL, cmdline, sizeof(cmdline), text, strlen(text));
    check(&b, CCT_DIGEST_OK_RULE, 0);
    /* " ro " changed to " rw " in the log: the digest still says " ro ". */
    mk(&b, 8, EV_IPL, changed, sizeof(changed), text, strlen(text));
    check(&b, CCT_DIGEST_MISMATCH, 0);
    /* Digest over the whole description (prefix and NUL) is not what GRUB measures. */
    mk(&b, 8, EV_IPL, cmdline, sizeof(cmdline), cmdline, sizeof(cmdline));
    check(&b, CCT_DIGEST_MISMATCH, 1);
    /* module_cmdline and grub_cmd follow the same rule. */
    mk(&b, 8, EV_IPL, "module_cmdline: x=1", 20, "x=1", 3);
    check(&b, CCT_DIGEST_OK_RULE, 0);
    /* Bytes after an embedded NUL were never measured: not accepted as bound. */
    static const char tail[] = "grub_cmd: linux\0 init=/bin/sh";
    mk(&b, 8, EV_IPL, tail, sizeof(tail), "linux", 5);
    check(&b, CCT_DIGEST_MISMATCH, 0);
    /* A bank of an algorithm the library does not know cannot match, before or after a
     * known one. */
    mk(&b, 8, EV_IPL, "module_cmdline: x=1", 20, "x=1", 3);
    b.ev.digests[0].alg = 0x7777;
    check(&b, CCT_DIGEST_MISMATCH, 0);
    mk(&b, 8, EV_IPL, "module_cmdline: x=1", 20, "x=1", 3);
    b.ev.digests[1].alg = 0x7777;
    check(&b, CCT_DIGEST_MISMATCH, 0);
    /* A prefix that is not GRUB's is not judged by this rule. */
    mk(&b, 8, EV_IPL, "grub_cmdx linux", 15, "linux", 5);
    check(&b, CCT_DIGEST_NOT_CHECKED, 0);
}

static void test_arguments(void **state)
{
    (void)state;
    struct built b;
    enum cct_digest_check c;
    mk(&b, 7, EV_SEPARATOR, zero4, 4, zero4, 4);
    assert_int_equal(cct_event_check_digest(NULL, &c, NULL), CCT_EINVAL);
    assert_int_equal(cct_event_check_digest(&b.ev, NULL, NULL), CCT_EINVAL);
    /* literal may be NULL. */
    assert_int_equal(cct_event_check_digest(&b.ev, &c, NULL), 0);
    assert_int_equal(c, CCT_DIGEST_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_separator),        cmocka_unit_test(test_efi_action),
        cmocka_unit_test(test_boot_variable),    cmocka_unit_test(test_not_bound),
        cmocka_unit_test(test_ipl_load_options), cmocka_unit_test(test_grub_strings),
        cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
