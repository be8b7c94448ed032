/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Version and build features of the loaded library.
 * Threads: both functions return constants; any thread may call them at any time.
 */
#ifndef CCTRUSTED_VERSION_H
#define CCTRUSTED_VERSION_H

#include <cctrusted/error.h> /* CCT_WUR */

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Version of the libcctrusted actually loaded ("0.1.0"): a static string,
 * never NULL, never freed. Frontends print it for --version.
 */
CCT_WUR const char *cct_version(void);

/**
 * Whether this build can talk to a TPM through tpm2-tss: 1 when it can, 0
 * when it was built without (meson -Dtpm=disabled); then the TPM backend reads
 * PCRs from sysfs and quotes and extends fail with CCT_EUNSUPPORTED.
 */
CCT_WUR int cct_have_tpm2_tss(void);

#ifdef __cplusplus
}
#endif

#endif
