/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CCTRUSTED_VERSION_H
#define CCTRUSTED_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Version of the libcctrusted actually loaded ("0.1.0"): a static string,
 * never NULL, never freed. Frontends print it for --version.
 */
const char *cct_version(void);

/**
 * Whether this build can talk to a TPM through tpm2-tss: 1 when it can, 0
 * when it was built without (meson -Dtpm=disabled); then the TPM backend reads
 * PCRs from sysfs and quotes and extends fail with CCT_EUNSUPPORTED.
 */
int cct_have_tpm2_tss(void);

#ifdef __cplusplus
}
#endif

#endif
