/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TPM 2.0 backend: tpm2-tss ESYS over a TCTI (the kernel resource manager
 * /dev/tpmrm0 by default, or any TCTI such as swtpm), with a read-only sysfs
 * fallback for PCR values when ESYS cannot be used.
 *
 * Registers: PCR 0-23 of every allocated bank (TPM2_GetCapability
 * TPM2_CAP_PCRS). The default bank is SHA-256 when allocated, otherwise the
 * first allocated bank.
 *
 * Quote: TPM2_Quote over PCR 0-23 of the default bank, signed by an
 * attestation key (AK):
 *   - a persistent key when $CCT_TPM_AK_HANDLE (e.g. 0x81010002) is set;
 *   - otherwise a transient restricted signing key created as a primary key
 *     in the endorsement hierarchy: ECC NIST P-256 / ECDSA-SHA256, or
 *     RSA-2048 / RSASSA-SHA256 when the TPM has no ECC. Primary keys are
 *     derived from the hierarchy seed, so the same template gives the same
 *     key until the endorsement seed changes.
 * qualifyingData is the REPORTDATA the API derived (64 bytes by default).
 * TPM2B_DATA holds at most sizeof(TPMT_HA) bytes, which depends on the
 * largest hash the TPM implements: a TPM with SHA-512 takes all 64 bytes,
 * others only 32 or 48. The backend tries 64 bytes and, when the TPM rejects
 * the size, the first 32 bytes; the report's REPORTDATA is then shortened to
 * the bytes actually quoted, so cct_report_reportdata() always returns the
 * exact extraData of the TPMS_ATTEST.
 * The report's data is the TPMS_ATTEST as the TPM marshalled it (TPM2B_ATTEST
 * contents), aux the marshalled TPMT_SIGNATURE, key the AK's marshalled
 * TPMT_PUBLIC (TPM 2.0 Part 2, 10.12.8, 11.3.4, 12.2.4).
 *
 * Extend: TPM2_PCR_Extend with the one digest given, into the default bank
 * when the digest has its size, otherwise into the first allocated bank of
 * that size (TPM 2.0 Part 3, 22.2). Other banks are not touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cct-config.h"

#if CCT_HAVE_TSS2
#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_tctildr.h>
#endif

#include "crypto/crypto.h"
#include "platform/platform.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hex.h"

#define TPM_PCR_COUNT 24u
#define TPM_MAX_BANKS 8u
/* Largest sysfs PCR file we accept: hex digest + newline. */
#define TPM_SYSFS_PCR_MAX 256u

#define P_TPMRM "/dev/tpmrm0"
#define P_TPM "/dev/tpm0"
#define P_SYSFS "/sys/class/tpm/tpm0"
#define P_VERSION "/sys/class/tpm/tpm0/tpm_version_major"
#define P_BOOTLOG "/sys/kernel/security/tpm0/binary_bios_measurements"
#define P_IMA_BIN "/sys/kernel/security/ima/binary_runtime_measurements"

struct tpm_state {
#if CCT_HAVE_TSS2
    TSS2_TCTI_CONTEXT *tcti;
    ESYS_CONTEXT *esys; /* NULL in sysfs mode */
#else
    void *esys; /* always NULL: built without tpm2-tss, sysfs mode only */
#endif
    size_t n_banks;
    uint16_t banks[TPM_MAX_BANKS];
    uint16_t default_alg;
    char esys_why[sizeof(
        ((struct cct_error *)0)->message)]; /* why ESYS is unavailable (sysfs mode) */
};

static const uint16_t known_algs[] = { CCT_ALG_SHA1, CCT_ALG_SHA256, CCT_ALG_SHA384, CCT_ALG_SHA512,
                                       CCT_ALG_SM3_256 };

static int path_exists(const char *sysroot, const char *p, char *full, size_t len, struct stat *st)
{
    if (cct_path(sysroot, p, full, len) < 0) {
        return 0;
    }
    return stat(full, st) == 0;
}

/* Read a small sysfs text file; trailing newline removed. err may be NULL. */
static int read_text(const char *path, char *out, size_t len, struct cct_error *err)
{
    uint8_t *buf = NULL;
    size_t n = 0;
    int r = cct_read_file(path, len - 1, &buf, &n, err);
    if (r < 0) {
        return r;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) {
        n--;
    }
    memcpy(out, buf, n);
    out[n] = '\0';
    free(buf);
    return 0;
}

static int tpm_detect(const char *sysroot, struct cct_detection *d)
{
    char p[CCT_PATH_MAX], ver[16] = "";
    struct stat st;
    int rm = path_exists(sysroot, P_TPMRM, p, sizeof(p), &st);
    cct_probe_add(d, CCT_PLATFORM_TPM, "TPM resource manager", p, rm,
                  rm ? "present (used by default through the device TCTI)" : "absent");
    int raw = path_exists(sysroot, P_TPM, p, sizeof(p), &st);
    cct_probe_add(d, CCT_PLATFORM_TPM, "TPM device", p, raw, raw ? "present" : "absent");
    int sys = path_exists(sysroot, P_SYSFS, p, sizeof(p), &st);
    int have_ver = 0;
    if (sys) {
        char vp[CCT_PATH_MAX];
        if (cct_path(sysroot, P_VERSION, vp, sizeof(vp)) == 0 &&
            read_text(vp, ver, sizeof(ver), NULL) == 0) {
            have_ver = 1;
        }
    }
    cct_probe_add(d, CCT_PLATFORM_TPM, "TPM sysfs", p, sys,
                  !sys       ? "absent (no TPM driver bound)"
                  : have_ver ? "present, tpm_version_major = %s"
                             : "present, tpm_version_major unreadable%s",
                  have_ver ? ver : "");
    int logp = path_exists(sysroot, P_BOOTLOG, p, sizeof(p), &st);
    cct_probe_add(d, CCT_PLATFORM_TPM, "TPM boot event log", p, logp,
                  logp ? "present" : "absent (securityfs not mounted or firmware gave no log)");
    if (have_ver && strcmp(ver, "2") != 0) {
        cct_probe_add(d, CCT_PLATFORM_TPM, "TPM version", NULL, 0,
                      "TPM %s is not supported (TPM 2.0 only)", ver);
        return 0;
    }
    return (rm || raw || (sys && have_ver)) ? 1 : 0;
}

#if CCT_HAVE_TSS2
/* Tss2_RC_Decode lives in libtss2-rc, an extra dependency; the numeric code
 * is enough for tpm2_rc_decode(1). buf holds RC_TEXT_LEN bytes. */
#define RC_TEXT_LEN 32
#define RC_TEXT(rc) rc_text((rc), (char[RC_TEXT_LEN]){ 0 })
static const char *rc_text(TSS2_RC rc, char *buf)
{
    snprintf(buf, RC_TEXT_LEN, "TPM rc 0x%x", (unsigned)rc);
    return buf;
}

/* Map a TSS return code to a CCT code. */
static int code_for(TSS2_RC rc)
{
    TSS2_RC base = rc & 0xffffu;
    if ((base & TPM2_RC_FMT1) != 0) {
        TSS2_RC c = base & (TPM2_RC_FMT1 | 0x3fu);
        if (c == TPM2_RC_AUTH_FAIL || c == TPM2_RC_BAD_AUTH) {
            return CCT_EPERM;
        }
        return CCT_EIO;
    }
    if (base == TPM2_RC_LOCALITY || base == TPM2_RC_NV_UNAVAILABLE) {
        return CCT_EPERM;
    }
    return CCT_EIO;
}
#endif

static int bank_allocated(const struct tpm_state *s, uint16_t alg)
{
    for (size_t i = 0; i < s->n_banks; i++) {
        if (s->banks[i] == alg) {
            return 1;
        }
    }
    return 0;
}

static void pick_default(struct tpm_state *s)
{
    s->default_alg = cct_alg_default_bank(s->banks, s->n_banks);
}

#if CCT_HAVE_TSS2
/* TPM2_GetCapability(TPM2_CAP_PCRS): a bank counts when any PCR is selected. */
static int load_banks_esys(cct_context *ctx, struct tpm_state *s)
{
    TPMS_CAPABILITY_DATA *cap = NULL;
    TPMI_YES_NO more = 0;
    TSS2_RC rc = Esys_GetCapability(s->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                    TPM2_CAP_PCRS, 0, 1, &more, &cap);
    if (rc != TSS2_RC_SUCCESS) {
        return cct_err(&ctx->err, code_for(rc), -1, -1, "TPM2_GetCapability(PCRS) failed: %s",
                       RC_TEXT(rc));
    }
    s->n_banks = 0;
    const TPML_PCR_SELECTION *l = &cap->data.assignedPCR;
    for (UINT32 i = 0; i < l->count && i < TPM2_NUM_PCR_BANKS; i++) {
        int any = 0;
        for (UINT8 k = 0; k < l->pcrSelections[i].sizeofSelect && k < TPM2_PCR_SELECT_MAX; k++) {
            any |= l->pcrSelections[i].pcrSelect[k] != 0;
        }
        if (any && s->n_banks < TPM_MAX_BANKS &&
            cct_alg_digest_size(l->pcrSelections[i].hash) != 0) {
            s->banks[s->n_banks++] = l->pcrSelections[i].hash;
        }
    }
    Esys_Free(cap);
    if (s->n_banks == 0) {
        return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1,
                       "the TPM has no allocated PCR bank this library knows");
    }
    pick_default(s);
    return 0;
}
#endif

/* Sysfs fallback: /sys/class/tpm/tpm0/pcr-<alg>/ directories (Linux >= 5.12). */
static int load_banks_sysfs(cct_context *ctx, struct tpm_state *s)
{
    s->n_banks = 0;
    for (size_t i = 0; i < sizeof(known_algs) / sizeof(known_algs[0]); i++) {
        char rel[64], p[CCT_PATH_MAX];
        struct stat st;
        snprintf(rel, sizeof(rel), P_SYSFS "/pcr-%s", cct_alg_name(known_algs[i]));
        if (path_exists(ctx->sysroot, rel, p, sizeof(p), &st) && S_ISDIR(st.st_mode) &&
            s->n_banks < TPM_MAX_BANKS) {
            s->banks[s->n_banks++] = known_algs[i];
        }
    }
    if (s->n_banks == 0) {
        return CCT_ENOTFOUND;
    }
    pick_default(s);
    return 0;
}

#if CCT_HAVE_TSS2
/* "device:PATH" (or the default) -> PATH, so a missing or unreadable device
 * gets a precise error instead of a TCTI failure. */
static const char *device_of(const char *conf)
{
    if (strncmp(conf, "device:", 7) == 0) {
        return conf + 7;
    }
    if (strcmp(conf, "device") == 0) {
        return "/dev/tpmrm0";
    }
    return NULL;
}

static int open_esys(cct_context *ctx, struct tpm_state *s)
{
    char conf[CCT_PATH_MAX + 16];
    if (ctx->tpm_tcti[0] != '\0') {
        snprintf(conf, sizeof(conf), "%s", ctx->tpm_tcti);
    } else {
        char dev[CCT_PATH_MAX];
        if (cct_path(ctx->sysroot, P_TPMRM, dev, sizeof(dev)) < 0) {
            return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "sysroot path too long");
        }
        snprintf(conf, sizeof(conf), "device:%s", dev);
    }
    const char *dev = device_of(conf);
    if (dev != NULL && access(dev, R_OK | W_OK) != 0) {
        int e = errno;
        if (e == EACCES || e == EPERM) {
            return cct_err_sys(&ctx->err, CCT_EPERM, e,
                               "%s: no permission (needs root or the tss group)", dev);
        }
        return cct_err_sys(&ctx->err, e == ENOENT ? CCT_ENOTFOUND : CCT_EIO, e,
                           "%s: cannot open the TPM", dev);
    }
    TSS2_RC rc = Tss2_TctiLdr_Initialize(conf, &s->tcti);
    if (rc != TSS2_RC_SUCCESS) {
        s->tcti = NULL;
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1, "TCTI '%s' cannot be initialised (%s)",
                       conf, RC_TEXT(rc));
    }
    rc = Esys_Initialize(&s->esys, s->tcti, NULL);
    if (rc != TSS2_RC_SUCCESS) {
        s->esys = NULL;
        Tss2_TctiLdr_Finalize(&s->tcti);
        return cct_err(&ctx->err, code_for(rc), -1, -1, "ESYS over '%s' cannot be initialised (%s)",
                       conf, RC_TEXT(rc));
    }
    int r = load_banks_esys(ctx, s);
    if (r < 0) {
        Esys_Finalize(&s->esys);
        Tss2_TctiLdr_Finalize(&s->tcti);
    }
    return r;
}
#else
static int open_esys(cct_context *ctx, struct tpm_state *s)
{
    if (ctx->tpm_tcti[0] != '\0') {
        return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1,
                       "TCTI '%s' cannot be used: libcctrusted was built without tpm2-tss",
                       ctx->tpm_tcti);
    }
    return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1, "libcctrusted was built without tpm2-tss");
}
#endif

static int tpm_open(cct_context *ctx)
{
    struct tpm_state *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    int r = open_esys(ctx, s);
    if (r < 0 && ctx->tpm_tcti[0] == '\0') {
        /* Registers can still be read from sysfs (no quote, no extend). */
        struct cct_error keep = ctx->err;
        if (load_banks_sysfs(ctx, s) == 0) {
            snprintf(s->esys_why, sizeof(s->esys_why), "%s", keep.message);
            cct_error_clear(&ctx->err);
            r = 0;
        } else {
            ctx->err = keep;
        }
    }
    if (r < 0) {
        free(s);
        return r;
    }
    ctx->priv = s;
    return 0;
}

static void tpm_close(cct_context *ctx)
{
    struct tpm_state *s = ctx->priv;
    if (s == NULL) {
        return;
    }
#if CCT_HAVE_TSS2
    if (s->esys) {
        Esys_Finalize(&s->esys);
    }
    if (s->tcti) {
        Tss2_TctiLdr_Finalize(&s->tcti);
    }
#endif
    free(s);
    ctx->priv = NULL;
}

static int tpm_default_alg(cct_context *ctx, uint16_t *alg)
{
    *alg = ((struct tpm_state *)ctx->priv)->default_alg;
    return 0;
}

static int tpm_count(cct_context *ctx, uint32_t *count)
{
    *count = TPM_PCR_COUNT;
    return 0;
}

static int read_sysfs(cct_context *ctx, uint32_t index, uint16_t alg, struct cct_measurement *out)
{
    char rel[64], p[CCT_PATH_MAX], text[TPM_SYSFS_PCR_MAX];
    snprintf(rel, sizeof(rel), P_SYSFS "/pcr-%s/%u", cct_alg_name(alg), index);
    if (cct_path(ctx->sysroot, rel, p, sizeof(p)) < 0) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "sysroot path too long");
    }
    int r = read_text(p, text, sizeof(text), &ctx->err);
    if (r < 0) {
        return r;
    }
    size_t size = cct_alg_digest_size(alg);
    if (cct_hex_decode(text, strlen(text), out->digest, size) < 0) {
        return cct_err(&ctx->err, CCT_EMALFORMED, -1, -1, "%s: expected %zu hex digits", p,
                       2 * size);
    }
    out->size = (uint16_t)size;
    return 0;
}

#if CCT_HAVE_TSS2
static void select_pcr(TPML_PCR_SELECTION *sel, uint16_t alg, uint32_t index, int all)
{
    memset(sel, 0, sizeof(*sel));
    sel->count = 1;
    sel->pcrSelections[0].hash = alg;
    sel->pcrSelections[0].sizeofSelect = 3;
    if (all) {
        memset(sel->pcrSelections[0].pcrSelect, 0xff, 3);
    } else {
        sel->pcrSelections[0].pcrSelect[index / 8] = (BYTE)(1u << (index % 8));
    }
}

/* TPM2_PCR_Read of one PCR into m (kind, index and alg already set). */
static int read_esys(cct_context *ctx, struct tpm_state *s, uint32_t index, uint16_t alg,
                     struct cct_measurement m, struct cct_measurement *out)
{
    TPML_PCR_SELECTION sel;
    TPML_PCR_SELECTION *sel_out = NULL;
    TPML_DIGEST *vals = NULL;
    UINT32 counter = 0;
    select_pcr(&sel, alg, index, 0);
    TSS2_RC rc = Esys_PCR_Read(s->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &sel, &counter,
                               &sel_out, &vals);
    if (rc != TSS2_RC_SUCCESS) {
        return cct_err(&ctx->err, code_for(rc), -1, -1, "TPM2_PCR_Read(%s, %u) failed: %s",
                       cct_alg_name(alg), index, RC_TEXT(rc));
    }
    int r = 0;
    size_t size = cct_alg_digest_size(alg);
    if (vals->count != 1 || vals->digests[0].size != size) {
        r = cct_err(&ctx->err, CCT_EMALFORMED, -1, -1,
                    "TPM2_PCR_Read(%s, %u) returned %u values of %u bytes", cct_alg_name(alg),
                    index, (unsigned)vals->count, vals->count ? vals->digests[0].size : 0u);
    } else {
        memcpy(m.digest, vals->digests[0].buffer, size);
        m.size = (uint16_t)size;
        *out = m;
    }
    Esys_Free(sel_out);
    Esys_Free(vals);
    return r;
}
#endif

static int tpm_read(cct_context *ctx, uint32_t index, uint16_t alg, struct cct_measurement *out)
{
    struct tpm_state *s = ctx->priv;
    if (index >= TPM_PCR_COUNT) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1, "PCR %u does not exist (0-%u)", index,
                       TPM_PCR_COUNT - 1);
    }
    if (!bank_allocated(s, alg)) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1, "PCR bank %s is not allocated on this TPM",
                       cct_alg_name(alg) ? cct_alg_name(alg) : "(unknown)");
    }
    struct cct_measurement m;
    memset(&m, 0, sizeof(m));
    m.kind = CCT_REG_PCR;
    m.index = index;
    m.alg = alg;
    if (s->esys == NULL) {
        int r = read_sysfs(ctx, index, alg, &m);
        if (r < 0) {
            return r;
        }
        *out = m;
        return 0;
    }
#if CCT_HAVE_TSS2
    return read_esys(ctx, s, index, alg, m, out);
#else
    return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1, "libcctrusted was built without tpm2-tss");
#endif
}

static int need_esys(cct_context *ctx, const char *what)
{
    struct tpm_state *s = ctx->priv;
    if (s->esys == NULL) {
        return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1,
                       "%s needs the TPM itself; PCRs come from sysfs because %s", what,
                       s->esys_why);
    }
    return 0;
}

#if CCT_HAVE_TSS2
/* Restricted signing key template (TPM 2.0 Part 2, 12.2.4 TPMT_PUBLIC). */
static void ak_template(TPM2B_PUBLIC *t, int ecc)
{
    memset(t, 0, sizeof(*t));
    TPMT_PUBLIC *p = &t->publicArea;
    p->nameAlg = TPM2_ALG_SHA256;
    p->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                          TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
                          TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
    if (ecc) {
        p->type = TPM2_ALG_ECC;
        p->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
        p->parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
        p->parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
        p->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
        p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
    } else {
        p->type = TPM2_ALG_RSA;
        p->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
        p->parameters.rsaDetail.scheme.scheme = TPM2_ALG_RSASSA;
        p->parameters.rsaDetail.scheme.details.rsassa.hashAlg = TPM2_ALG_SHA256;
        p->parameters.rsaDetail.keyBits = 2048;
        p->parameters.rsaDetail.exponent = 0;
    }
}

/* Load the AK: *handle to use, *flush = 1 when transient. *pub (Esys_Free) is its TPM2B_PUBLIC. */
static int load_ak(cct_context *ctx, struct tpm_state *s, ESYS_TR *handle, int *flush,
                   TPM2B_PUBLIC **pub)
{
    const char *env = secure_getenv("CCT_TPM_AK_HANDLE");
    TSS2_RC rc;
    if (env != NULL && *env != '\0') {
        char *end = NULL;
        errno = 0;
        unsigned long h = strtoul(env, &end, 16);
        if (errno != 0 || end == env || *end != '\0' || (h >> 24) != TPM2_HT_PERSISTENT) {
            return cct_err(&ctx->err, CCT_EINVAL, -1, -1,
                           "CCT_TPM_AK_HANDLE '%s' is not a persistent handle "
                           "(0x81xxxxxx)",
                           env);
        }
        rc = Esys_TR_FromTPMPublic(s->esys, (TPM2_HANDLE)h, ESYS_TR_NONE, ESYS_TR_NONE,
                                   ESYS_TR_NONE, handle);
        if (rc != TSS2_RC_SUCCESS) {
            return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1,
                           "no AK at persistent handle 0x%lx (%s)", h, RC_TEXT(rc));
        }
        rc = Esys_ReadPublic(s->esys, *handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, pub, NULL,
                             NULL);
        if (rc != TSS2_RC_SUCCESS) {
            Esys_TR_Close(s->esys, handle);
            return cct_err(&ctx->err, code_for(rc), -1, -1, "TPM2_ReadPublic(0x%lx) failed: %s", h,
                           RC_TEXT(rc));
        }
        *flush = 0;
        return 0;
    }
    TPM2B_SENSITIVE_CREATE sens;
    TPM2B_DATA outside;
    TPML_PCR_SELECTION creation_pcr;
    TPM2B_PUBLIC tmpl;
    memset(&sens, 0, sizeof(sens));
    memset(&outside, 0, sizeof(outside));
    memset(&creation_pcr, 0, sizeof(creation_pcr));
    for (int ecc = 1; ecc >= 0; ecc--) {
        ak_template(&tmpl, ecc);
        rc = Esys_CreatePrimary(s->esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                ESYS_TR_NONE, &sens, &tmpl, &outside, &creation_pcr, handle, pub,
                                NULL, NULL, NULL);
        if (rc == TSS2_RC_SUCCESS) {
            *flush = 1;
            return 0;
        }
        if (code_for(rc) == CCT_EPERM) {
            break;
        }
    }
    return cct_err(&ctx->err, code_for(rc), -1, -1,
                   "cannot create an attestation key in the endorsement hierarchy "
                   "(%s); provision one and set CCT_TPM_AK_HANDLE",
                   RC_TEXT(rc));
}

static int marshal_sig(const TPMT_SIGNATURE *sig, uint8_t **out, size_t *len)
{
    uint8_t *buf = malloc(sizeof(TPMT_SIGNATURE));
    size_t off = 0;
    if (buf == NULL) {
        return CCT_ENOMEM;
    }
    if (Tss2_MU_TPMT_SIGNATURE_Marshal(sig, buf, sizeof(TPMT_SIGNATURE), &off) != TSS2_RC_SUCCESS) {
        free(buf);
        return CCT_EIO;
    }
    *out = buf;
    *len = off;
    return 0;
}

static int marshal_pub(const TPMT_PUBLIC *pub, uint8_t **out, size_t *len)
{
    uint8_t *buf = malloc(sizeof(TPMT_PUBLIC));
    size_t off = 0;
    if (buf == NULL) {
        return CCT_ENOMEM;
    }
    if (Tss2_MU_TPMT_PUBLIC_Marshal(pub, buf, sizeof(TPMT_PUBLIC), &off) != TSS2_RC_SUCCESS) {
        free(buf);
        return CCT_EIO;
    }
    *out = buf;
    *len = off;
    return 0;
}

static int size_rejected(TSS2_RC rc)
{
    TSS2_RC base = rc & 0xffffu;
    return (base & TPM2_RC_FMT1) != 0 && (base & (TPM2_RC_FMT1 | 0x3fu)) == TPM2_RC_SIZE;
}

static int tpm_report(cct_context *ctx, const uint8_t *reportdata, size_t rd_len,
                      const struct cct_report_request *req, struct cct_report *out)
{
    struct tpm_state *s = ctx->priv;
    int r = need_esys(ctx, "a quote");
    if (r < 0) {
        return r;
    }
    ESYS_TR ak = ESYS_TR_NONE;
    int flush = 0;
    TPM2B_PUBLIC *pub = NULL;
    r = load_ak(ctx, s, &ak, &flush, &pub);
    if (r < 0) {
        return r;
    }
    TPML_PCR_SELECTION sel;
    TPMT_SIG_SCHEME scheme;
    TPM2B_DATA qd;
    TPM2B_ATTEST *quoted = NULL;
    TPMT_SIGNATURE *sig = NULL;
    TSS2_RC rc = TSS2_RC_SUCCESS;
    select_pcr(&sel, s->default_alg, 0, 1);
    memset(&scheme, 0, sizeof(scheme));
    scheme.scheme = TPM2_ALG_NULL; /* the key's own scheme */
    /* all of REPORTDATA, else the prefix the verifiers accept too (crypto.h) */
    static const size_t tries[] = { CCT__REPORTDATA_SIZE, CCT__TPM_QD_SHORT };
    for (size_t t = 0; t < sizeof(tries) / sizeof(tries[0]); t++) {
        memset(&qd, 0, sizeof(qd));
        qd.size = (UINT16)(rd_len < tries[t] ? rd_len : tries[t]);
        memcpy(qd.buffer, reportdata, qd.size);
        rc = Esys_Quote(s->esys, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &qd, &scheme,
                        &sel, &quoted, &sig);
        if (rc == TSS2_RC_SUCCESS || !size_rejected(rc) || qd.size <= CCT__TPM_QD_SHORT) {
            break;
        }
    }
    if (rc != TSS2_RC_SUCCESS) {
        r = cct_err(&ctx->err, code_for(rc), -1, -1, "TPM2_Quote failed: %s", RC_TEXT(rc));
        goto out;
    }
    out->data = malloc(quoted->size ? quoted->size : 1);
    if (out->data == NULL) {
        r = cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
        goto out;
    }
    memcpy(out->data, quoted->attestationData, quoted->size);
    out->len = quoted->size;
    r = marshal_sig(sig, &out->aux, &out->aux_len);
    if (r == 0) {
        r = marshal_pub(&pub->publicArea, &out->key, &out->key_len);
    }
    if (r < 0) {
        r = cct_err(&ctx->err, r, -1, -1, "cannot marshal the signature or the AK public key");
        goto out;
    }
    snprintf(out->provider, sizeof(out->provider), "tpm");
    out->reportdata_len = qd.size;
out:
    Esys_Free(quoted);
    Esys_Free(sig);
    Esys_Free(pub);
    if (flush) {
        Esys_FlushContext(s->esys, ak);
    } else if (ak != ESYS_TR_NONE) {
        Esys_TR_Close(s->esys, &ak);
    }
    return r;
}
#else
static int tpm_report(cct_context *ctx, const uint8_t *reportdata, size_t rd_len,
                      const struct cct_report_request *req, struct cct_report *out)
{
    return need_esys(ctx, "a quote"); /* fails: esys is always NULL */
}
#endif

static int tpm_log_sources(cct_context *ctx, struct cct_log_source *out, size_t max, size_t *n)
{
    struct {
        const char *path;
        enum cct_log_format fmt;
        const char *role;
    } cand[] = {
        { P_BOOTLOG, CCT_LOG_AUTO, "boot" },
        { P_IMA_BIN, CCT_LOG_IMA_BINARY, "ima" },
    };
    size_t k = 0;
    for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
        char p[CCT_PATH_MAX];
        struct stat st;
        if (!path_exists(ctx->sysroot, cand[i].path, p, sizeof(p), &st)) {
            continue;
        }
        if (cand[i].fmt == CCT_LOG_IMA_BINARY && !cct_log_format_supported(CCT_LOG_IMA_BINARY)) {
            continue;
        }
        if (k == max) {
            return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "more than %zu log sources", max);
        }
        if (cct_log_source_add(out, max, &k, p, cand[i].fmt, cand[i].role) < 0) {
            return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "log path too long: %s", p);
        }
        out[k - 1].ima_register = CCT_IMA_REGISTER_PCR;
    }
    *n = k;
    return 0;
}

static int tpm_extend(cct_context *ctx, uint32_t index, const uint8_t *digest, size_t len)
{
    struct tpm_state *s = ctx->priv;
    int r = need_esys(ctx, "an extend");
    if (r < 0) {
        return r;
    }
    if (index >= TPM_PCR_COUNT) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1, "PCR %u does not exist (0-%u)", index,
                       TPM_PCR_COUNT - 1);
    }
    uint16_t alg = 0;
    if (cct_alg_digest_size(s->default_alg) == len) {
        alg = s->default_alg;
    } else {
        for (size_t i = 0; i < s->n_banks && alg == 0; i++) {
            if (cct_alg_digest_size(s->banks[i]) == len) {
                alg = s->banks[i];
            }
        }
    }
    if (alg == 0) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "no allocated PCR bank has %zu-byte digests",
                       len);
    }
#if CCT_HAVE_TSS2
    TPML_DIGEST_VALUES dv;
    memset(&dv, 0, sizeof(dv));
    dv.count = 1;
    dv.digests[0].hashAlg = alg;
    memcpy((uint8_t *)&dv.digests[0].digest, digest, len);
    TSS2_RC rc = Esys_PCR_Extend(s->esys, ESYS_TR_PCR0 + index, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                 ESYS_TR_NONE, &dv);
    if (rc != TSS2_RC_SUCCESS) {
        return cct_err(&ctx->err, code_for(rc), -1, -1, "TPM2_PCR_Extend(PCR %u, %s) failed: %s%s",
                       index, cct_alg_name(alg), RC_TEXT(rc),
                       code_for(rc) == CCT_EPERM ? " (PCR not extendable from this locality)" : "");
    }
    return 0;
#else
    return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1, "libcctrusted was built without tpm2-tss");
#endif
}

const struct cct_platform_ops cct_platform_tpm = {
    .platform = CCT_PLATFORM_TPM,
    .name = "tpm",
    .detect = tpm_detect,
    .open = tpm_open,
    .close = tpm_close,
    .default_alg = tpm_default_alg,
    .count = tpm_count,
    .read = tpm_read,
    .report = tpm_report,
    .log_sources = tpm_log_sources,
    .extend = tpm_extend,
};
