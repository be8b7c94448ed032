/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated platform: a software model shaped like a TDX guest, for
 * development and demos. Never chosen by detection. Its evidence is signed
 * by keys it generates itself under a root whose name says it is a
 * simulation, so verifiers can refuse it. Layouts are in docs/SIM.md.
 *
 * State directory (created on first open, 0700):
 *   registers       "MRTD <hex>" and "RTMR0..3 <hex>" lines (SHA-384)
 *   ccel.bin        boot log in CCEL format, consistent with RTMR0-2
 *   ak.pem          attestation key (ECDSA P-256)
 *   pck.pem         "PCK" key that signs the QE report
 *   root.pem        root key
 *   pck-cert.pem, root-cert.pem   the certificate chain
 *   runtime.cel     runtime extend log (see runtime_log.c)
 *   lock            flock() target serialising creation and extends
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/crypto.h"
#include "formats/tcg/tcg.h"
#include "platform/tee.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hex.h"

#define SIM_DIGEST 48
#define SIM_RTMRS 4
#define SIM_CCEL_SIZE (64u * 1024u)
#define SIM_ROOT_CN "cctrusted SIMULATION root - not trusted"
#define SIM_PCK_CN "cctrusted SIMULATION PCK - not trusted"

/* TDX quote v4 constants (Intel TDX DCAP Quoting Library API, "Quote Format"). */
#define QUOTE_VERSION 4
#define QUOTE_ATT_KEY_ECDSA_P256 2
#define QUOTE_TEE_TDX 0x81u
#define QUOTE_HEADER_LEN 48u
#define QUOTE_BODY_LEN 584u
#define QE_REPORT_LEN 384u
#define CERT_TYPE_QE_REPORT 6
#define CERT_TYPE_PCK_CHAIN 5
static const uint8_t qe_vendor_id[16] = { 0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
                                          0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07 };

struct sim_regs {
    uint8_t mrtd[SIM_DIGEST];
    uint8_t rtmr[SIM_RTMRS][SIM_DIGEST];
};

static int sim_file(const cct_context *ctx, const char *name, char *out, size_t len)
{
    int n = snprintf(out, len, "%s/%s", ctx->sim_state_dir, name);
    return (n < 0 || (size_t)n >= len) ? CCT_ELIMIT : 0;
}

static int sha384(const void *p, size_t n, uint8_t *out)
{
    return cct_digest(CCT_ALG_SHA384, p, n, out);
}

static void extend384(uint8_t *reg, const uint8_t *d)
{
    uint8_t buf[2 * SIM_DIGEST];
    memcpy(buf, reg, SIM_DIGEST);
    memcpy(buf + SIM_DIGEST, d, SIM_DIGEST);
    sha384(buf, sizeof(buf), reg);
}

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static int buf_le(struct cct_buf *b, uint64_t v, size_t n)
{
    uint8_t x[8];
    put_le(x, v, n);
    return cct_buf_append(b, x, n);
}

/* ---- state files ---- */

static int write_atomic(cct_context *ctx, const char *path, const void *p, size_t n, mode_t mode)
{
    const struct cct_file_part part = { p, n };
    return cct_write_file_atomic(path, &part, 1, (unsigned)mode, &ctx->err);
}

static int regs_store(cct_context *ctx, const struct sim_regs *r)
{
    char path[CCT_PATH_MAX], hex[2 * SIM_DIGEST + 1];
    struct cct_buf b;
    cct_buf_init(&b, 0);
    cct_hex_encode(r->mrtd, SIM_DIGEST, hex);
    cct_buf_printf(&b, "MRTD %s\n", hex);
    for (int i = 0; i < SIM_RTMRS; i++) {
        cct_hex_encode(r->rtmr[i], SIM_DIGEST, hex);
        cct_buf_printf(&b, "RTMR%d %s\n", i, hex);
    }
    int rc = b.failed ? cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory") : 0;
    if (rc == 0 && (rc = sim_file(ctx, "registers", path, sizeof(path))) == 0) {
        rc = write_atomic(ctx, path, b.data, b.len, 0600);
    }
    cct_buf_free(&b);
    return rc;
}

static int regs_load(cct_context *ctx, struct sim_regs *r)
{
    char path[CCT_PATH_MAX];
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = sim_file(ctx, "registers", path, sizeof(path));
    if (rc == 0) {
        rc = cct_read_file_ex(path, CCT_FILE_NOFOLLOW | CCT_FILE_PRIVATE, 4096, &buf, &len,
                              &ctx->err);
    }
    if (rc < 0) {
        return rc;
    }
    int seen = 0;
    char *line = (char *)buf;
    while (line != NULL && *line != '\0') {
        char *nl = strchr(line, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        uint8_t *dst = NULL;
        const char *hex = NULL;
        if (strncmp(line, "MRTD ", 5) == 0) {
            dst = r->mrtd;
            hex = line + 5;
            seen |= 1;
        } else if (strncmp(line, "RTMR", 4) == 0 && line[4] >= '0' && line[4] <= '3' &&
                   line[5] == ' ') {
            dst = r->rtmr[line[4] - '0'];
            hex = line + 6;
            seen |= 2 << (line[4] - '0');
        }
        if (dst != NULL && cct_hex_decode(hex, strlen(hex), dst, SIM_DIGEST) < 0) {
            free(buf);
            return cct_err(&ctx->err, CCT_EMALFORMED, -1, -1, "%s: bad register line", path);
        }
        line = nl ? nl + 1 : NULL;
    }
    free(buf);
    if (seen != 0x1F) {
        return cct_err(&ctx->err, CCT_EMALFORMED, -1, -1, "%s: MRTD or an RTMR is missing", path);
    }
    return 0;
}

/* ---- boot log ---- */

/* One TCG_PCR_EVENT2 with a single SHA-384 digest (PFP 10.2.2); extends regs. */
static int ccel_event(struct cct_buf *b, struct sim_regs *regs, uint32_t mr, uint32_t type,
                      const void *data, size_t len, const void *measured, size_t mlen)
{
    uint8_t d[SIM_DIGEST];
    sha384(measured ? measured : data, measured ? mlen : len, d);
    buf_le(b, mr, 4);
    buf_le(b, type, 4);
    buf_le(b, 1, 4);
    buf_le(b, CCT_ALG_SHA384, 2);
    cct_buf_append(b, d, sizeof(d));
    buf_le(b, len, 4);
    cct_buf_append(b, data, len);
    if (mr >= 1 && mr <= SIM_RTMRS) {
        extend384(regs->rtmr[mr - 1], d);
    }
    return b->failed ? CCT_ENOMEM : 0;
}

/* UEFI_VARIABLE_DATA (UEFI spec / PFP 10.4.4.4): GUID, name length, data length, name (UTF-16),
 * data. */
static void efi_variable(struct cct_buf *v, const char *name, const uint8_t *data, size_t len)
{
    static const uint8_t efi_global[16] = { 0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
                                            0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c };
    cct_buf_append(v, efi_global, sizeof(efi_global));
    buf_le(v, strlen(name), 8);
    buf_le(v, len, 8);
    for (const char *c = name; *c; c++) {
        buf_le(v, (uint8_t)*c, 2);
    }
    cct_buf_append(v, data, len);
}

static int make_boot_log(cct_context *ctx, struct sim_regs *regs)
{
    struct cct_buf b, v;
    cct_buf_init(&b, 0);
    cct_buf_init(&v, 0);
    memset(regs, 0, sizeof(*regs));
    static const char td_image[] = "cctrusted simulated TD image";
    sha384(td_image, sizeof(td_image) - 1, regs->mrtd);

    /* SpecID Event03 in TCG_PCR_EVENT form (PFP 10.4.5.1), at CC MR index 1. */
    cct_buf_append(&v, "Spec ID Event03", 16);
    buf_le(&v, 0, 4); /* platformClass */
    buf_le(&v, 0, 1); /* specVersionMinor */
    buf_le(&v, 2, 1); /* specVersionMajor */
    buf_le(&v, 0, 1); /* specErrata */
    buf_le(&v, 2, 1); /* uintnSize (UINT64) */
    buf_le(&v, 1, 4); /* numberOfAlgorithms */
    buf_le(&v, CCT_ALG_SHA384, 2);
    buf_le(&v, SIM_DIGEST, 2);
    buf_le(&v, 0, 1); /* vendorInfoSize */
    buf_le(&b, 1, 4);
    buf_le(&b, EV_NO_ACTION, 4);
    uint8_t zero20[20] = { 0 };
    cct_buf_append(&b, zero20, sizeof(zero20));
    buf_le(&b, v.len, 4);
    cct_buf_append(&b, v.data, v.len);

    /* RTMR0 (CC MR 1): firmware volume, Secure Boot configuration, separator. */
    v.len = 0;
    static const char fv_name[] = "Fv(cctrusted-sim-TDVF)";
    buf_le(&v, sizeof(fv_name) - 1, 1);
    cct_buf_append(&v, fv_name, sizeof(fv_name) - 1);
    buf_le(&v, 0xFFC00000u, 8);
    buf_le(&v, 0x00400000u, 8);
    static const char fv_bytes[] = "cctrusted simulated firmware volume";
    ccel_event(&b, regs, 1, EV_EFI_PLATFORM_FIRMWARE_BLOB2, v.data, v.len, fv_bytes,
               sizeof(fv_bytes) - 1);
    static const uint8_t off[1] = { 0 };
    v.len = 0;
    efi_variable(&v, "SecureBoot", off, 1);
    ccel_event(&b, regs, 1, EV_EFI_VARIABLE_DRIVER_CONFIG, v.data, v.len, NULL, 0);
    v.len = 0;
    efi_variable(&v, "PK", NULL, 0);
    ccel_event(&b, regs, 1, EV_EFI_VARIABLE_DRIVER_CONFIG, v.data, v.len, NULL, 0);
    static const uint8_t sep[4] = { 0, 0, 0, 0 };
    ccel_event(&b, regs, 1, EV_SEPARATOR, sep, sizeof(sep), NULL, 0);

    /* RTMR1 (CC MR 2): boot loader, ExitBootServices, separator. */
    uint8_t image_event[32] = { 0 };
    static const char loader[] = "cctrusted simulated boot loader image";
    ccel_event(&b, regs, 2, EV_EFI_BOOT_SERVICES_APPLICATION, image_event, sizeof(image_event),
               loader, sizeof(loader) - 1);
    static const char ebs[] = "Exit Boot Services Invocation";
    ccel_event(&b, regs, 2, EV_EFI_ACTION, ebs, sizeof(ebs) - 1, NULL, 0);
    ccel_event(&b, regs, 2, EV_SEPARATOR, sep, sizeof(sep), NULL, 0);

    /* RTMR2 (CC MR 3): kernel command line, as GRUB logs it. */
    static const char cmdline[] = "grub_cmd: linux /vmlinuz root=/dev/vda1 console=hvc0";
    static const char measured[] = "linux /vmlinuz root=/dev/vda1 console=hvc0";
    ccel_event(&b, regs, 3, EV_IPL, cmdline, sizeof(cmdline), measured, sizeof(measured) - 1);

    int rc = 0;
    if (b.failed || v.failed || b.len > SIM_CCEL_SIZE) {
        rc = cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "cannot build the simulated boot log");
    }
    /* The rest of the log area is 0xFF, as firmware leaves it. */
    while (rc == 0 && b.len < SIM_CCEL_SIZE) {
        if (cct_buf_putc(&b, (char)0xFF) < 0) {
            rc = cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
        }
    }
    char path[CCT_PATH_MAX];
    if (rc == 0 && (rc = sim_file(ctx, "ccel.bin", path, sizeof(path))) == 0) {
        rc = write_atomic(ctx, path, b.data, b.len, 0644);
    }
    cct_buf_free(&b);
    cct_buf_free(&v);
    return rc;
}

/* ---- keys and certificates ---- */

static EVP_PKEY *load_key(const char *path)
{
    uint8_t *p = NULL;
    size_t n = 0;
    if (cct_read_file_ex(path, CCT_FILE_NOFOLLOW | CCT_FILE_PRIVATE, 64 * 1024, &p, &n, NULL) < 0) {
        return NULL;
    }
    BIO *m = BIO_new_mem_buf(p, (int)n);
    EVP_PKEY *k = m ? PEM_read_bio_PrivateKey(m, NULL, NULL, NULL) : NULL;
    BIO_free(m);
    OPENSSL_cleanse(p, n);
    free(p);
    return k;
}

static int store_pem(cct_context *ctx, const char *name, EVP_PKEY *key, X509 *cert)
{
    char path[CCT_PATH_MAX];
    int rc = sim_file(ctx, name, path, sizeof(path));
    if (rc < 0) {
        return cct_err(&ctx->err, rc, -1, -1, "path too long");
    }
    /* Private keys go through secure memory, wiped when freed. */
    BIO *m = BIO_new(key ? BIO_s_secmem() : BIO_s_mem());
    int ok = m != NULL && (key ? PEM_write_bio_PrivateKey(m, key, NULL, NULL, 0, NULL, NULL)
                               : PEM_write_bio_X509(m, cert));
    char *p = NULL;
    long n = ok ? BIO_get_mem_data(m, &p) : 0;
    rc = (ok && n > 0) ? write_atomic(ctx, path, p, (size_t)n, key ? 0600 : 0644)
                       : cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "cannot encode %s", name);
    BIO_free(m);
    return rc;
}

static X509 *make_cert(EVP_PKEY *subject_key, const char *cn, EVP_PKEY *issuer_key, X509 *issuer,
                       int ca, long serial)
{
    X509 *c = X509_new();
    X509_NAME *name = X509_NAME_new();
    X509V3_CTX v3;
    int ok = c && name && X509_set_version(c, 2) &&
             ASN1_INTEGER_set(X509_get_serialNumber(c), serial) &&
             X509_gmtime_adj(X509_getm_notBefore(c), -3600) &&
             X509_gmtime_adj(X509_getm_notAfter(c), 20L * 365 * 24 * 3600) &&
             X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                        (const unsigned char *)"cctrusted simulation", -1, -1, 0) &&
             X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
                                        0) &&
             X509_set_subject_name(c, name) &&
             X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name) &&
             X509_set_pubkey(c, subject_key);
    if (ok) {
        X509V3_set_ctx(&v3, issuer ? issuer : c, c, NULL, NULL, 0);
        X509_EXTENSION *bc = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
                                                 ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
        X509_EXTENSION *ku =
            X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage,
                                ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
        ok = bc && ku && X509_add_ext(c, bc, -1) && X509_add_ext(c, ku, -1);
        X509_EXTENSION_free(bc);
        X509_EXTENSION_free(ku);
    }
    ok = ok && X509_sign(c, issuer_key, EVP_sha256()) > 0;
    X509_NAME_free(name);
    if (!ok) {
        X509_free(c);
        return NULL;
    }
    return c;
}

static int make_keys(cct_context *ctx)
{
    EVP_PKEY *ak = EVP_EC_gen("P-256");
    EVP_PKEY *pck = EVP_EC_gen("P-256");
    EVP_PKEY *root = EVP_EC_gen("P-256");
    X509 *root_cert = NULL, *pck_cert = NULL;
    int rc = 0;
    if (ak == NULL || pck == NULL || root == NULL) {
        rc = cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "cannot generate the simulation keys");
    }
    if (rc == 0) {
        root_cert = make_cert(root, SIM_ROOT_CN, root, NULL, 1, 1);
        pck_cert = root_cert ? make_cert(pck, SIM_PCK_CN, root, root_cert, 0, 2) : NULL;
        if (pck_cert == NULL) {
            rc =
                cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "cannot create the simulation certificates");
        }
    }
    if (rc == 0) {
        rc = store_pem(ctx, "ak.pem", ak, NULL);
    }
    if (rc == 0) {
        rc = store_pem(ctx, "pck.pem", pck, NULL);
    }
    if (rc == 0) {
        rc = store_pem(ctx, "root.pem", root, NULL);
    }
    if (rc == 0) {
        rc = store_pem(ctx, "pck-cert.pem", NULL, pck_cert);
    }
    if (rc == 0) {
        rc = store_pem(ctx, "root-cert.pem", NULL, root_cert);
    }
    X509_free(root_cert);
    X509_free(pck_cert);
    EVP_PKEY_free(ak);
    EVP_PKEY_free(pck);
    EVP_PKEY_free(root);
    return rc;
}

/* ---- open / lock ---- */

static int sim_lock(cct_context *ctx, int *fd)
{
    char path[CCT_PATH_MAX];
    if (sim_file(ctx, "lock", path, sizeof(path)) < 0) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "path too long");
    }
    *fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (*fd < 0) {
        int e = errno;
        return cct_err_sys(&ctx->err, cct_code_from_errno(e), e, "cannot open %s", path);
    }
    while (flock(*fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            int e = errno;
            close(*fd);
            return cct_err_sys(&ctx->err, CCT_EIO, e, "cannot lock %s", path);
        }
    }
    return 0;
}

/*
 * Remove "<name>.tmp.<pid>" (cct_write_file_atomic()) and "<name>.tmp<pid>" (earlier
 * versions) files a writer killed before its rename left
 * behind (lock held: no writer is active, so every such file is stale).
 */
static void clean_temporaries(cct_context *ctx)
{
    DIR *d = opendir(ctx->sim_state_dir);
    if (d == NULL) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *t = strstr(e->d_name, ".tmp");
        const char *pid = t != NULL && t[4] == '.' ? t + 5 : (t != NULL ? t + 4 : NULL);
        if (t == NULL || t == e->d_name || *pid == '\0' ||
            strspn(pid, "0123456789") != strlen(pid)) {
            continue;
        }
        unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

static int mkdirs(char *path, mode_t mode)
{
    for (char *s = strchr(path + 1, '/');; s = strchr(s + 1, '/')) {
        if (s != NULL) {
            *s = '\0';
        }
        int r = mkdir(path, mode);
        int e = errno;
        if (s != NULL) {
            *s = '/';
        }
        if (r < 0 && e != EEXIST) {
            return -e;
        }
        if (s == NULL) {
            return 0;
        }
    }
}

static int sim_open(cct_context *ctx)
{
    if (ctx->sim_state_dir[0] == '\0') {
        const char *xdg = secure_getenv("XDG_STATE_HOME");
        const char *home = secure_getenv("HOME");
        int n;
        if (xdg != NULL && xdg[0] == '/') {
            n = snprintf(ctx->sim_state_dir, sizeof(ctx->sim_state_dir), "%s/cctrusted-sim", xdg);
        } else if (home != NULL && home[0] == '/') {
            n = snprintf(ctx->sim_state_dir, sizeof(ctx->sim_state_dir),
                         "%s/.local/state/cctrusted-sim", home);
        } else {
            return cct_err(&ctx->err, CCT_EINVAL, -1, -1,
                           "no simulation state directory: set sim_state_dir, $CCT_SIM_DIR, "
                           "$XDG_STATE_HOME or $HOME");
        }
        if (n < 0 || (size_t)n >= sizeof(ctx->sim_state_dir)) {
            return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "simulation state path too long");
        }
    }
    char dir[CCT_PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", ctx->sim_state_dir);
    int e = mkdirs(dir, 0700);
    if (e < 0) {
        return cct_err_sys(&ctx->err, cct_code_from_errno(-e), -e, "cannot create %s",
                           ctx->sim_state_dir);
    }
    /* Keys, registers and the runtime log live here: nobody else may change them. */
    int rc = cct_check_dir(ctx->sim_state_dir, &ctx->err);
    if (rc < 0) {
        return rc;
    }
    int lk = -1;
    rc = sim_lock(ctx, &lk);
    if (rc < 0) {
        return rc;
    }
    clean_temporaries(ctx);
    char path[CCT_PATH_MAX];
    struct stat st;
    if (sim_file(ctx, "registers", path, sizeof(path)) == 0 && stat(path, &st) < 0) {
        /* First open: keys first, registers last (their presence marks a complete state). */
        struct sim_regs regs;
        rc = make_keys(ctx);
        if (rc == 0) {
            rc = make_boot_log(ctx, &regs);
        }
        if (rc == 0) {
            rc = regs_store(ctx, &regs);
        }
    }
    close(lk);
    return rc;
}

static int sim_default_alg(cct_context *ctx, uint16_t *alg)
{
    *alg = CCT_ALG_SHA384;
    return 0;
}

static int sim_count(cct_context *ctx, uint32_t *count)
{
    *count = SIM_RTMRS;
    return 0;
}

static int sim_read(cct_context *ctx, uint32_t index, uint16_t alg, struct cct_measurement *out)
{
    if (index >= SIM_RTMRS) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1,
                       "the simulated TD has RTMR0-3; no register %u", index);
    }
    if (alg != CCT_ALG_SHA384) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1, "RTMRs exist in the sha384 bank only");
    }
    struct sim_regs r;
    int rc = regs_load(ctx, &r);
    if (rc < 0) {
        return rc;
    }
    cct_measurement_set(out, CCT_REG_RTMR, index, CCT_ALG_SHA384, r.rtmr[index], SIM_DIGEST);
    return 0;
}

static int sim_extend(cct_context *ctx, uint32_t index, const uint8_t *digest, size_t len)
{
    if (index >= SIM_RTMRS) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1,
                       "the simulated TD has RTMR0-3; no register %u", index);
    }
    if (index < 2) {
        return cct_err(&ctx->err, CCT_EPERM, -1, -1,
                       "RTMR%u belongs to the firmware; RTMR2 and RTMR3 extend", index);
    }
    if (len != SIM_DIGEST) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "RTMR extend needs a 48-byte digest, got %zu",
                       len);
    }
    int lk = -1;
    int rc = sim_lock(ctx, &lk);
    if (rc < 0) {
        return rc;
    }
    struct sim_regs r;
    rc = regs_load(ctx, &r);
    if (rc == 0) {
        extend384(r.rtmr[index], digest);
        rc = regs_store(ctx, &r);
    }
    close(lk);
    return rc;
}

/* ---- quote ---- */

/* ECDSA-P256/SHA-256 signature as r || s (32 bytes each, big endian). */
static int sign_raw(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t out[64])
{
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    uint8_t der[128];
    size_t dlen = sizeof(der);
    int ok = m && EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestSign(m, der, &dlen, msg, len) == 1;
    EVP_MD_CTX_free(m);
    if (!ok) {
        return CCT_EIO;
    }
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
    if (sig == NULL) {
        return CCT_EIO;
    }
    const BIGNUM *r, *s;
    ECDSA_SIG_get0(sig, &r, &s);
    ok = BN_bn2binpad(r, out, 32) == 32 && BN_bn2binpad(s, out + 32, 32) == 32;
    ECDSA_SIG_free(sig);
    return ok ? 0 : CCT_EIO;
}

/* The public point as x || y (64 bytes). */
static int pub_raw(EVP_PKEY *key, uint8_t out[64])
{
    uint8_t pt[65];
    size_t n = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt, sizeof(pt),
                                        &n) != 1 ||
        n != 65 || pt[0] != 0x04) {
        return CCT_EIO;
    }
    memcpy(out, pt + 1, 64);
    return 0;
}

static int read_text(cct_context *ctx, const char *name, struct cct_buf *b)
{
    char path[CCT_PATH_MAX];
    uint8_t *p = NULL;
    size_t n = 0;
    int rc = sim_file(ctx, name, path, sizeof(path));
    if (rc == 0) {
        rc = cct_read_file_ex(path, CCT_FILE_NOFOLLOW | CCT_FILE_PRIVATE, 64 * 1024, &p, &n,
                              &ctx->err);
    }
    if (rc == 0) {
        rc = cct_buf_append(b, p, n);
    }
    free(p);
    return rc;
}

static int sim_report(cct_context *ctx, const uint8_t *rd, size_t rd_len,
                      const struct cct_report_request *req, struct cct_report *out)
{
    struct sim_regs regs;
    cct_error_clear(&ctx->err);
    int rc = regs_load(ctx, &regs);
    if (rc < 0) {
        return rc;
    }
    char path[CCT_PATH_MAX];
    EVP_PKEY *ak = NULL, *pck = NULL;
    if (sim_file(ctx, "ak.pem", path, sizeof(path)) == 0) {
        ak = load_key(path);
    }
    if (sim_file(ctx, "pck.pem", path, sizeof(path)) == 0) {
        pck = load_key(path);
    }
    if (ak == NULL || pck == NULL) {
        EVP_PKEY_free(ak);
        EVP_PKEY_free(pck);
        return cct_err(&ctx->err, CCT_EIO, -1, -1, "cannot load the simulation keys from %s",
                       ctx->sim_state_dir);
    }
    struct cct_buf q, chain;
    cct_buf_init(&q, 0);
    cct_buf_init(&chain, 0);
    uint8_t zeros[96] = { 0 };
    uint8_t h[SIM_DIGEST];

    /* Header (48 bytes). */
    buf_le(&q, QUOTE_VERSION, 2);
    buf_le(&q, QUOTE_ATT_KEY_ECDSA_P256, 2);
    buf_le(&q, QUOTE_TEE_TDX, 4);
    buf_le(&q, 0, 2); /* QE SVN */
    buf_le(&q, 0, 2); /* PCE SVN */
    cct_buf_append(&q, qe_vendor_id, sizeof(qe_vendor_id));
    uint8_t user[20] = { 0 };
    memcpy(user, "cctrusted-sim", 13);
    cct_buf_append(&q, user, sizeof(user));

    /* TD quote body (584 bytes). */
    uint8_t tcb_svn[16] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    cct_buf_append(&q, tcb_svn, sizeof(tcb_svn));
    static const char seam[] = "cctrusted simulated TDX module";
    sha384(seam, sizeof(seam) - 1, h);
    cct_buf_append(&q, h, SIM_DIGEST);     /* MRSEAM */
    cct_buf_append(&q, zeros, SIM_DIGEST); /* MRSIGNERSEAM */
    buf_le(&q, 0, 8);                      /* SEAMATTRIBUTES */
    buf_le(&q, 0, 8);                      /* TDATTRIBUTES: not debuggable */
    buf_le(&q, 0x00000000000602e7ull, 8);  /* XFAM */
    cct_buf_append(&q, regs.mrtd, SIM_DIGEST);
    cct_buf_append(&q, zeros, SIM_DIGEST); /* MRCONFIGID */
    cct_buf_append(&q, zeros, SIM_DIGEST); /* MROWNER */
    cct_buf_append(&q, zeros, SIM_DIGEST); /* MROWNERCONFIG */
    for (int i = 0; i < SIM_RTMRS; i++) {
        cct_buf_append(&q, regs.rtmr[i], SIM_DIGEST);
    }
    uint8_t reportdata[64] = { 0 };
    memcpy(reportdata, rd, rd_len);
    cct_buf_append(&q, reportdata, sizeof(reportdata));

    /* QE report (SGX REPORTBODY, 384 bytes) binding the attestation key. */
    uint8_t ak_pub[64], qe_auth[32], qe_report[QE_REPORT_LEN], qe_sig[64], quote_sig[64];
    for (size_t i = 0; i < sizeof(qe_auth); i++) {
        qe_auth[i] = (uint8_t)i;
    }
    rc = pub_raw(ak, ak_pub);
    memset(qe_report, 0, sizeof(qe_report));
    if (rc == 0) {
        static const char mre[] = "cctrusted simulated quoting enclave";
        static const char mrs[] = "cctrusted simulated QE signer";
        uint8_t bind[sizeof(ak_pub) + sizeof(qe_auth)];
        /* cpusvn 0..15, miscselect 16, attributes 48, MRENCLAVE 64, MRSIGNER 128,
         * ISVPRODID 256, ISVSVN 258, REPORTDATA 320. */
        qe_report[48] = 0x11; /* attributes: INIT | MODE64BIT */
        rc = cct_digest(CCT_ALG_SHA256, mre, sizeof(mre) - 1, qe_report + 64);
        if (rc == 0) {
            rc = cct_digest(CCT_ALG_SHA256, mrs, sizeof(mrs) - 1, qe_report + 128);
        }
        put_le(qe_report + 256, 2, 2); /* ISVPRODID 2 = TD QE */
        put_le(qe_report + 258, 4, 2);
        memcpy(bind, ak_pub, sizeof(ak_pub));
        memcpy(bind + sizeof(ak_pub), qe_auth, sizeof(qe_auth));
        if (rc == 0) {
            rc = cct_digest(CCT_ALG_SHA256, bind, sizeof(bind), qe_report + 320);
        }
    }
    if (rc == 0) {
        rc = sign_raw(pck, qe_report, sizeof(qe_report), qe_sig);
    }
    if (rc == 0 && !q.failed) {
        rc = sign_raw(ak, q.data, q.len, quote_sig);
    }
    if (rc == 0) {
        rc = read_text(ctx, "pck-cert.pem", &chain);
    }
    if (rc == 0) {
        rc = read_text(ctx, "root-cert.pem", &chain);
    }
    if (rc == 0) {
        /* Signature data: sig, AK, certification data type 6 {QE report,
         * its signature, QE auth data, certification data type 5 (PEM chain)}. */
        size_t inner = QE_REPORT_LEN + 64 + 2 + sizeof(qe_auth) + 2 + 4 + chain.len;
        size_t sig_len = 64 + 64 + 2 + 4 + inner;
        buf_le(&q, sig_len, 4);
        cct_buf_append(&q, quote_sig, 64);
        cct_buf_append(&q, ak_pub, 64);
        buf_le(&q, CERT_TYPE_QE_REPORT, 2);
        buf_le(&q, inner, 4);
        cct_buf_append(&q, qe_report, sizeof(qe_report));
        cct_buf_append(&q, qe_sig, sizeof(qe_sig));
        buf_le(&q, sizeof(qe_auth), 2);
        cct_buf_append(&q, qe_auth, sizeof(qe_auth));
        buf_le(&q, CERT_TYPE_PCK_CHAIN, 2);
        buf_le(&q, chain.len, 4);
        cct_buf_append(&q, chain.data, chain.len);
        if (q.failed) {
            rc = CCT_ENOMEM;
        }
    }
    EVP_PKEY_free(ak);
    EVP_PKEY_free(pck);
    cct_buf_free(&chain);
    if (rc < 0) {
        cct_buf_free(&q);
        return ctx->err.code != 0
                   ? ctx->err.code
                   : cct_err(&ctx->err, rc, -1, -1, "cannot produce a simulated quote");
    }
    out->data = q.data;
    out->len = q.len;
    snprintf(out->provider, sizeof(out->provider), "sim");
    return 0;
}

static int sim_log_sources(cct_context *ctx, struct cct_log_source *out, size_t max, size_t *n)
{
    if (max < 1) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "no room for log sources");
    }
    char p[CCT_PATH_MAX];
    size_t k = 0;
    if (sim_file(ctx, "ccel.bin", p, sizeof(p)) < 0 ||
        cct_log_source_add(out, max, &k, p, CCT_LOG_CCEL, "boot") < 0) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "path too long");
    }
    *n = k;
    return 0;
}

const struct cct_platform_ops cct_platform_sim = {
    .platform = CCT_PLATFORM_SIM,
    .name = "sim",
    .detect = NULL, /* never detected */
    .open = sim_open,
    .default_alg = sim_default_alg,
    .count = sim_count,
    .read = sim_read,
    .report = sim_report,
    .log_sources = sim_log_sources,
    .extend = sim_extend,
};
