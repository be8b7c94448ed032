/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: TCG event logs (crypto-agile TCG2, legacy TCG 1.2) through
 * the public iterator, once with format detection and once forced to each
 * TCG format, with decoding, digest checks and replay of every event.
 */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum cct_log_format formats[] = { CCT_LOG_AUTO, CCT_LOG_TCG2, CCT_LOG_TCG1 };
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        cct_fuzz_walk(data, size, formats[i]);
    }
    return 0;
}
