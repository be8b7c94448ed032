/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: the TDX CCEL. The same bytes go through the event iterator
 * forced to the CCEL format and through the internal ACPI CCEL table parser.
 */
#include <string.h>

#include <cctrusted/ccel.h>

#include "formats/tcg/tcg.h"

#include "fuzz-common.h"

static void table(const uint8_t *data, size_t size)
{
    struct cct_ccel_table_info t;
    struct cct_error err;
    memset(&t, 0xa5, sizeof(t));
    cct_error_clear(&err);
    int rc = cct_ccel_table_parse(data, size, &t, &err);
    if (rc < 0) {
        cct_fuzz_check_error(&err, rc);
        return;
    }
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(size >= 56 && t.length == size);
    FUZZ_CHECK(t.checksum_ok == 1);
    FUZZ_CHECK(memchr(t.oem_id, '\0', sizeof(t.oem_id)) != NULL);
    FUZZ_CHECK(memchr(t.oem_table_id, '\0', sizeof(t.oem_table_id)) != NULL);
    uint8_t sum = 0;
    for (size_t i = 0; i < size; i++) {
        sum = (uint8_t)(sum + data[i]);
    }
    FUZZ_CHECK(sum == 0 && memcmp(data, "CCEL", 4) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cct_fuzz_walk(data, size, CCT_LOG_CCEL);
    table(data, size);
    return 0;
}
