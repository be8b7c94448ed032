/* SPDX-License-Identifier: Apache-2.0 */
/* Library version and build features (values from meson, cct-config.h). */
#include <cctrusted/version.h>

#include "cct-config.h"

const char *cct_version(void)
{
    return CCT_VERSION_STRING;
}

int cct_have_tpm2_tss(void)
{
    return CCT_HAVE_TSS2;
}
