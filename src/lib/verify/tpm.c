/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TPM 2.0 quote verification: TPMS_ATTEST magic and type, signature by the
 * AK (TPMT_SIGNATURE RSASSA/RSAPSS/ECDSA, or a bare RSASSA-SHA256 signature),
 * qualifying data == the caller's nonce, and pcrDigest == hash of the
 * selected PCR values (TPM 2.0 Part 3, TPM2_Quote).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "util/error.h"
#include "util/hex.h"
#include "verify/common.h"
#include "verify/verify_internal.h"

static const char *curve_name(uint16_t c)
{
    switch (c) {
    case 3: return "P-256";
    case 4: return "P-384";
    case 5: return "P-521";
    default: return NULL;
    }
}

/* AK from PEM/DER SPKI or TPMT_PUBLIC / TPM2B_PUBLIC. */
static EVP_PKEY *load_ak(const uint8_t *p, size_t len, char *detail, size_t dn)
{
    struct cct_tpm_public pub;
    struct cct_error e;
    EVP_PKEY *k = pkey_from_pem_or_der(p, len);
    if (k != NULL) {
        return k;
    }
    cct_error_clear(&e);
    if (cct_tpm_public_parse(p, len, &pub, &e) < 0) {
        snprintf(detail, dn, "AK is neither a PEM/DER public key nor a TPMT_PUBLIC: %.150s",
                 e.message);
        return NULL;
    }
    if (pub.type == CCT_TPM_ALG_RSA) {
        k = rsa_key_from_n_e(pub.unique, pub.unique_len,
                             pub.rsa_exponent ? pub.rsa_exponent : 65537u);
    } else {
        const char *cv = curve_name(pub.curve);
        if (cv != NULL && pub.unique_len == pub.ecc_y_len && pub.unique_len <= 66) {
            k = ec_key_from_xy(cv, pub.unique, pub.ecc_y, pub.unique_len);
        }
    }
    if (k == NULL) {
        snprintf(detail, dn, "cannot build a public key from the TPMT_PUBLIC");
    }
    return k;
}

static const struct cct_pcr_value *find_pcr(const struct cct_pcr_value *v, size_t n, uint16_t alg,
                                            uint32_t idx)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].alg == alg && v[i].index == idx) {
            return &v[i];
        }
    }
    return NULL;
}

/* A list of PCRs per bank, "sha256 PCR 0-7, 9; sha1 PCR 0", built in selection order. */
struct pcr_list {
    char text[160];
    uint16_t alg;
    uint32_t first, last;
    size_t n;
};

static void list_flush(struct pcr_list *l)
{
    size_t used = strlen(l->text);
    if (l->n == 0 || used >= sizeof(l->text)) {
        return;
    }
    if (l->first == l->last) {
        snprintf(l->text + used, sizeof(l->text) - used, "%u", l->first);
    } else {
        snprintf(l->text + used, sizeof(l->text) - used, "%u-%u", l->first, l->last);
    }
}

static void list_add(struct pcr_list *l, uint16_t alg, uint32_t idx)
{
    if (l->n > 0 && alg == l->alg && idx == l->last + 1) {
        l->last = idx;
        l->n++;
        return;
    }
    list_flush(l);
    size_t used = strlen(l->text);
    if (used < sizeof(l->text)) {
        const char *an = cct_alg_name(alg);
        if (l->n == 0 || alg != l->alg) {
            snprintf(l->text + used, sizeof(l->text) - used, "%s%s PCR ", l->n ? "; " : "",
                     an != NULL ? an : "unknown bank");
        } else {
            snprintf(l->text + used, sizeof(l->text) - used, ", ");
        }
    }
    l->alg = alg;
    l->first = l->last = idx;
    l->n++;
}

static const char *list_end(struct pcr_list *l)
{
    list_flush(l);
    l->n = 0;
    return l->text;
}

/*
 * "pcr-digest": the quote's pcrDigest against the hash of vals over its
 * selection. unvalued (may be NULL or "") lists the selected PCRs that had no
 * event and no given value (replayed at their initial value); said on a
 * mismatch.
 */
static void check_pcr_digest(const struct cct_tpm_attest *a, uint16_t sig_hash,
                             const struct cct_pcr_value *vals, size_t n_vals, const char *unvalued,
                             struct cct_verify_result *res)
{
    /* The digest algorithm is the signing scheme's hash; fall back to the one matching the size. */
    uint16_t alg = sig_hash;
    if (md_for_alg(alg) == NULL || cct_alg_digest_size(alg) != a->pcr_digest_len) {
        static const uint16_t algs[] = { CCT_ALG_SHA256, CCT_ALG_SHA1, CCT_ALG_SHA384,
                                         CCT_ALG_SHA512 };
        alg = 0;
        for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
            if (cct_alg_digest_size(algs[i]) == a->pcr_digest_len) {
                alg = algs[i];
                break;
            }
        }
    }
    if (alg == 0) {
        vres_add(res, "pcr-digest", false, "pcrDigest of %u bytes matches no supported hash",
                 a->pcr_digest_len);
        return;
    }
    struct pcr_list missing, selected;
    memset(&missing, 0, sizeof(missing));
    memset(&selected, 0, sizeof(selected));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t d[64];
    size_t used = 0;
    bool ok = ctx != NULL && EVP_DigestInit_ex(ctx, md_for_alg(alg), NULL) == 1;
    for (size_t s = 0; ok && s < a->n_selections; s++) {
        const struct cct_tpm_pcr_selection *sel = &a->selections[s];
        size_t bank = cct_alg_digest_size(sel->hash);
        for (uint32_t i = 0; ok && i < 8u * sel->size_of_select; i++) {
            if (!(sel->select[i / 8] & (1u << (i % 8)))) {
                continue;
            }
            list_add(&selected, sel->hash, i);
            const struct cct_pcr_value *v = find_pcr(vals, n_vals, sel->hash, i);
            if (v == NULL || bank == 0 || bank > sizeof(v->digest)) {
                list_add(&missing, sel->hash, i);
                continue;
            }
            ok = EVP_DigestUpdate(ctx, v->digest, bank) == 1;
            used++;
        }
    }
    ok = ok && EVP_DigestFinal_ex(ctx, d, NULL) == 1;
    EVP_MD_CTX_free(ctx);
    if (missing.n > 0) {
        vres_add(res, "pcr-digest", false, "no value given for selected %s", list_end(&missing));
        return;
    }
    if (used == 0) {
        /* A digest over nothing vouches for no register. */
        vres_add(res, "pcr-digest", false,
                 "the quote selects no PCR: it vouches for no measurement");
        return;
    }
    bool match = ok && cct_memeq_ct(d, a->pcr_digest, a->pcr_digest_len) == 1;
    const char *an = cct_alg_name(alg);
    if (match) {
        vres_add(res, "pcr-digest", true,
                 "pcrDigest equals the %s hash of the %zu selected PCR values (%s)", an, used,
                 list_end(&selected));
    } else {
        vres_add(res, "pcr-digest", false,
                 "pcrDigest differs from the %s hash of the %zu selected PCR values (%s)%s%s", an,
                 used, list_end(&selected),
                 unvalued != NULL && unvalued[0] ? "; no event and no given value: " : "",
                 unvalued != NULL ? unvalued : "");
    }
}

/* Up to 32 bytes of a digest in hex, "..." when longer. */
static void short_hex(const uint8_t *p, size_t n, char out[72])
{
    size_t k = n > 32 ? 32 : n;
    cct_hex_encode(p, k, out);
    if (k < n) {
        memcpy(out + 2 * k, "...", 4);
    }
}

/* What the merge of replayed and given values found. */
struct merge {
    size_t from_log, from_file, agree, conflicts, unused;
    struct pcr_list unvalued;
    char conflict[CCT_CHECK_DETAIL_MAX];
};

/*
 * The value of each selected PCR: the replay where an event extended it (a
 * given value must agree), else the given value, else the replay's initial
 * value (listed in m->unvalued). Fills vals (CCT__MAX_COVERED entries).
 */
static size_t merge_values(const cct_replay *rp, const struct cct__coverage *cov,
                           const struct cct_verify_options *o, struct cct_pcr_value *vals,
                           struct merge *m)
{
    size_t n = 0;
    for (size_t i = 0; i < cov->n; i++) {
        const struct cct__cov_reg *c = &cov->regs[i];
        const struct cct_pcr_value *given = find_pcr(o->pcrs, o->n_pcrs, c->alg, c->index);
        struct cct_register reg;
        size_t size = cct_alg_digest_size(c->alg);
        if (cct_replay_lookup(rp, CCT_REG_PCR, c->index, c->alg, &reg) < 0 ||
            reg.size > sizeof(vals[n].digest) || reg.size != size) {
            continue; /* no value: pcr-digest says so */
        }
        vals[n].alg = c->alg;
        vals[n].index = c->index;
        if (reg.n_events > 0) {
            memcpy(vals[n].digest, reg.digest, reg.size);
            m->from_log++;
            if (given != NULL && cct_memeq_ct(given->digest, reg.digest, reg.size) == 1) {
                m->agree++;
            } else if (given != NULL && m->conflicts++ == 0) {
                char lh[72], fh[72];
                short_hex(reg.digest, reg.size, lh);
                short_hex(given->digest, reg.size, fh);
                snprintf(m->conflict, sizeof(m->conflict),
                         "PCR%u %s: the log replays %s, the file "
                         "gives %s",
                         c->index, cct_alg_name(c->alg), lh, fh);
            }
        } else if (given != NULL) {
            memcpy(vals[n].digest, given->digest, reg.size);
            m->from_file++;
        } else {
            memcpy(vals[n].digest, reg.digest, reg.size);
            list_add(&m->unvalued, c->alg, c->index);
        }
        n++;
    }
    for (size_t j = 0; j < o->n_pcrs; j++) {
        bool in = false;
        for (size_t i = 0; i < cov->n && !in; i++) {
            in = cov->regs[i].index == o->pcrs[j].index && cov->regs[i].alg == o->pcrs[j].alg;
        }
        m->unused += !in;
    }
    return n;
}

/* "pcr-values": the given values against the replay (only when values were given). */
static void check_merge(const struct merge *m, struct cct_verify_result *res)
{
    if (m->conflicts > 0) {
        char more[48] = "";
        if (m->conflicts > 1) {
            snprintf(more, sizeof(more), " (+%zu more)", m->conflicts - 1);
        }
        vres_add(res, "pcr-values", false, "%s%s", m->conflict, more);
        return;
    }
    vres_add(res, "pcr-values", true,
             "%zu selected PCR value(s) replayed from the logs (%zu also given, equal), %zu from "
             "the file; %zu given value(s) outside the quote's selection, not used",
             m->from_log, m->agree, m->from_file, m->unused);
}

/*
 * Event logs: every event bound to the quote's PCR selection
 * (verify/binding.c); the replayed values of the selection, filled with the
 * given PCR values where no event extends a register, then check the PCR
 * digest. 0 or an environment error.
 */
static int tpm_bind_logs(const struct cct_tpm_attest *a, uint16_t sig_hash,
                         const struct cct_verify_options *o, struct cct_verify_result *res,
                         struct cct_error *err)
{
    struct cct__coverage *cov = calloc(1, sizeof(*cov));
    struct cct_pcr_value *vals = calloc(CCT__MAX_COVERED, sizeof(*vals));
    struct merge *m = calloc(1, sizeof(*m));
    cct_replay *rp = NULL;
    int rc = 0;
    if (cov == NULL || vals == NULL || m == NULL) {
        free(cov);
        free(vals);
        free(m);
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    if (cct__coverage_tpm(a, cov) < 0) {
        vres_add(res, "eventlog-binding", false, "the quote selects more than %d PCRs",
                 CCT__MAX_COVERED);
    } else {
        rc = cct__bind_logs(o, cov, "the quote's PCR selection", &rp, res, err);
    }
    if (rp != NULL) {
        size_t n = merge_values(rp, cov, o, vals, m);
        if (o->n_pcrs > 0) {
            check_merge(m, res);
        }
        check_pcr_digest(a, sig_hash, vals, n, list_end(&m->unvalued), res);
    }
    cct_replay_free(rp);
    free(cov);
    free(vals);
    free(m);
    return rc;
}

int cct_verify_tpm_quote(const uint8_t *p, size_t len, const struct cct_verify_options *opts,
                         struct cct_verify_result *res, struct cct_error *err)
{
    struct cct_verify_options ob;
    const struct cct_verify_options *o = &ob;
    struct cct_tpm_attest a;
    struct cct_tpm_signature sig;
    struct cct_error perr;
    char detail[CCT_CHECK_DETAIL_MAX];
    EVP_PKEY *ak = NULL;
    int rc;
    uint16_t sig_hash = 0;

    rc = vopts_begin(opts, CCT_REPORT_TPM_QUOTE, &ob, res, err);
    if (rc < 0) {
        return rc;
    }
    cct_error_clear(&perr);
    rc = cct_tpm_attest_parse(p, len, &a, &perr);
    if (rc < 0) {
        return vres_parse_failed(res, &perr, err, rc);
    }
    vres_add(res, "magic", a.magic == CCT_TPM_GENERATED_VALUE, "TPM_GENERATED_VALUE 0x%08x",
             a.magic);
    vres_add(res, "type", a.type == CCT_TPM_ST_ATTEST_QUOTE, "TPM_ST_ATTEST_QUOTE 0x%04x", a.type);

    /* signature */
    if (o == NULL || o->signature == NULL || o->ak == NULL) {
        vres_add(res, "signature", false, "no signature and AK given (--signature, --ak)");
    } else if ((ak = load_ak(o->ak, o->ak_len, detail, sizeof(detail))) == NULL) {
        vres_add(res, "signature", false, "%s", detail);
    } else if (cct_tpm_signature_parse(o->signature, o->signature_len, &sig, &perr) == 0) {
        const EVP_MD *md = md_for_alg(sig.hash);
        sig_hash = sig.hash;
        if (md == NULL) {
            rc = -1;
            snprintf(detail, sizeof(detail), "unsupported signature hash 0x%04x", sig.hash);
        } else if (sig.sig_alg == CCT_TPM_ALG_ECDSA) {
            rc = ecdsa_verify_rs(ak, md, p, len, sig.ecc_r, sig.ecc_r_len, sig.ecc_s, sig.ecc_s_len,
                                 detail, sizeof(detail));
        } else {
            rc = sig_verify(ak, md, sig.sig_alg == CCT_TPM_ALG_RSAPSS, p, len, sig.rsa_sig,
                            sig.rsa_sig_len, detail, sizeof(detail));
        }
        vres_add(res, "signature", rc == 1, "%s%s", rc == 1 ? "TPMT_SIGNATURE " : "",
                 rc == 1 ? (sig.sig_alg == CCT_TPM_ALG_ECDSA    ? "ECDSA verifies with the AK"
                            : sig.sig_alg == CCT_TPM_ALG_RSAPSS ? "RSAPSS verifies with the AK"
                                                                : "RSASSA verifies with the AK")
                         : detail);
    } else if (EVP_PKEY_get_base_id(ak) == EVP_PKEY_RSA &&
               (size_t)EVP_PKEY_get_size(ak) == o->signature_len) {
        /* bare RSASSA-PKCS1-v1_5 signature with SHA-256 */
        sig_hash = CCT_ALG_SHA256;
        rc = sig_verify(ak, EVP_sha256(), false, p, len, o->signature, o->signature_len, detail,
                        sizeof(detail));
        vres_add(res, "signature", rc == 1, "%s",
                 rc == 1 ? "raw RSASSA-PKCS1-v1_5/SHA-256 verifies with the AK" : detail);
    } else {
        vres_add(res, "signature", false,
                 "signature is neither a TPMT_SIGNATURE (%s) nor a raw RSA signature",
                 perr.message);
    }

    /* qualifying data */
    if (o == NULL || !cct__expect_given(o)) {
        vres_add(res, "nonce", false,
                 "no expected qualifying data given (the request's nonce and user data, "
                 "--nonce/--data, or the raw value, --report-data; an empty one is "
                 "--report-data '')");
    } else {
        cct__check_extra_data(a.extra_data, a.extra_data_len, o, res);
    }

    /* PCR digest: over the given values, or the values replayed from event logs bound to the
     * selection (given values fill the PCRs no event extends) */
    if (o->logs != NULL) {
        rc = tpm_bind_logs(&a, sig_hash, o, res, err);
        if (rc < 0) {
            EVP_PKEY_free(ak);
            return rc;
        }
    } else if (o->pcrs == NULL || o->n_pcrs == 0) {
        vres_add(res, "pcr-digest", false,
                 "no PCR values given to check the quoted digest against");
    } else {
        check_pcr_digest(&a, sig_hash, o->pcrs, o->n_pcrs, NULL, res);
    }
    vres_skip(res, "ak-trust",
              "the AK is taken as given: its binding to a TPM (EK certificate, credential "
              "activation) is not checked");
    EVP_PKEY_free(ak);
    return vres_finish(res, err);
}
