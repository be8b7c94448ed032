/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the files of the core's environment (src/lib/core). */
#ifndef CCT_CORE_INTERNAL_H
#define CCT_CORE_INTERNAL_H

#include <stdint.h>

#include <cctrusted-core/core.h>

/* The hash table entry of alg, or NULL (none, or no environment yet). */
const struct cct_core_hash *cct_core_find_hash(uint16_t alg);

#endif
