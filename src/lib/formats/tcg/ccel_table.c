/* SPDX-License-Identifier: Apache-2.0 */
/* Public wrapper of the CCEL ACPI table parser in tcg.c. */
#include <string.h>

#include <cctrusted/ccel.h>

#include "formats/tcg/tcg.h"
#include "util/error.h"

int cct_ccel_table_parse(const uint8_t *p, size_t len, struct cct_ccel_table_info *out,
                         struct cct_error *err)
{
    struct cct_ccel_table t;
    struct cct_ccel_table_info info;

    if (p == NULL || out == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    int r = cct_tcg_ccel_table_parse(p, len, &t, err);
    if (r < 0) {
        return r;
    }
    memset(&info, 0, sizeof(info));
    memcpy(info.signature, "CCEL", 4);
    info.length = t.length;
    info.revision = t.revision;
    info.checksum = p[9]; /* ACPI header: checksum is byte 9 (ACPI 6.5, 5.2.6) */
    info.checksum_ok = t.checksum_ok;
    memcpy(info.oem_id, t.oem_id, 6);
    memcpy(info.oem_table_id, t.oem_table_id, 8);
    info.oem_revision = t.oem_revision;
    info.creator_id = t.creator_id;
    info.creator_revision = t.creator_revision;
    info.cc_type = t.cc_type;
    info.cc_subtype = t.cc_subtype;
    info.laml = t.laml;
    info.lasa = t.lasa;
    *out = info;
    return 0;
}

const char *cct_cc_type_name(uint8_t cc_type)
{
    switch (cc_type) {
    case CCT_CC_TYPE_SEV: return "SEV";
    case CCT_CC_TYPE_TDX: return "TDX";
    default: return NULL;
    }
}
