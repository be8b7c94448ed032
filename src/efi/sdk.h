/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The six calls of the CC Trusted API inside UEFI, on EFI_TCG2_PROTOCOL or
 * EFI_CC_MEASUREMENT_PROTOCOL and the freestanding core: default algorithm
 * and register count, measurements, event log, replay, report (TPM quote)
 * and extend. The result is one JSON object. Independent of gnu-efi, so the
 * unit tests run it on a host against fake protocols.
 */
#ifndef CCT_EFI_SDK_H
#define CCT_EFI_SDK_H

#include <stddef.h>
#include <stdint.h>

#include "protocols.h"

struct efi_out {
    char *p;
    size_t len, cap;
    int failed;
};

struct efi_env {
    /* memory for the output buffer and the log copy */
    void *(*alloc)(size_t size);
    void (*release)(void *p);
    /* a monotonic tick counter and its rate, for timings (may be NULL) */
    uint64_t (*ticks)(void);
    uint64_t ticks_per_second;
};

#define EFI_EXTEND_DEFAULT UINT32_MAX

struct efi_request {
    int extend;            /* extend (and log) one event */
    uint32_t extend_index; /* PCR (TCG2) or RTMR (CC); EFI_EXTEND_DEFAULT: PCR16 / RTMR2 */
    const char *extend_data;
    int quote;
    uint8_t nonce[32];
    size_t nonce_len;
    int dump_log;             /* the log's bytes in the JSON (hex) */
    const uint8_t *bench_log; /* replay this log instead and time it */
    size_t bench_len;
    int bench_rounds;
};

struct efi_sdk {
    struct efi_env env;
    struct cct_efi_tcg2_protocol *tcg2;
    struct cct_efi_cc_protocol *cc;
    const uint8_t *final_table; /* TCG2 or CC final events table, or NULL */
    struct efi_out out;
};

/* Run a request; the JSON object is in sdk->out (NUL-terminated). Returns 0, or -1 when the
 * output could not be built (no memory). Protocol errors are reported inside the JSON. */
int efi_sdk_run(struct efi_sdk *sdk, const struct efi_request *req);

#endif
