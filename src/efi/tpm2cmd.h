/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TPM 2.0 commands cctrusted.efi sends through EFI_TCG2_PROTOCOL's
 * SubmitCommand, built and parsed field by field after TPM 2.0 Library
 * Part 3 (commands) and Part 2 (structures); big-endian on the wire.
 * Pure: bytes in, bytes out.
 */
#ifndef CCT_EFI_TPM2CMD_H
#define CCT_EFI_TPM2CMD_H

#include <stddef.h>
#include <stdint.h>

#define TPM2_CMD_MAX 1024u

struct tpm2_buf {
    uint8_t b[TPM2_CMD_MAX];
    size_t len;
    int overflow;
};

/* TPM2_PCR_Read of the PCRs in mask (bit n = PCR n, 0-23) of one bank. */
void tpm2_cmd_pcr_read(struct tpm2_buf *c, uint16_t alg, uint32_t mask);
/*
 * Parse its response: for each PCR the TPM returned (in ascending order),
 * digest i goes to out + i*size. *got receives the mask of PCRs returned
 * (the TPM returns at most 8 per call). 0, or -1 on a malformed or failed
 * response (*rc receives the TPM response code).
 */
int tpm2_rsp_pcr_read(const uint8_t *r, size_t len, uint16_t alg, size_t size, uint8_t *out,
                      size_t max_digests, uint32_t *got, uint32_t *rc);

/* TPM2_CreatePrimary of an ECC P-256 restricted signing key (ECDSA-SHA256) under the
 * endorsement hierarchy (empty password). */
void tpm2_cmd_create_primary_ak(struct tpm2_buf *c);
/* Parse: the object handle and a view of its TPM2B_PUBLIC (with the size field). */
int tpm2_rsp_create_primary(const uint8_t *r, size_t len, uint32_t *handle, const uint8_t **pub,
                            size_t *pub_len, uint32_t *rc);

/* TPM2_Quote with key handle over the PCRs in mask of bank alg, qualifying data nonce. */
void tpm2_cmd_quote(struct tpm2_buf *c, uint32_t handle, uint16_t alg, uint32_t mask,
                    const uint8_t *nonce, size_t nonce_len);
/* Parse: views of the TPM2B_ATTEST (with size) and the TPMT_SIGNATURE. */
int tpm2_rsp_quote(const uint8_t *r, size_t len, const uint8_t **attest, size_t *attest_len,
                   const uint8_t **sig, size_t *sig_len, uint32_t *rc);

/* TPM2_FlushContext. */
void tpm2_cmd_flush(struct tpm2_buf *c, uint32_t handle);
/* The response code of any response, or -1 when it is not one. */
int tpm2_rsp_code(const uint8_t *r, size_t len, uint32_t *rc);

#endif
