/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Live evidence for replay (live.c): what cct_get_log_sources(),
 * cct_get_banks(), cct_live_expected() and cct_replay_live() do once their
 * arguments are checked (ctx, outputs and options valid), for callers inside
 * the library below the API.
 */
#ifndef CCT_PLATFORM_LIVE_H
#define CCT_PLATFORM_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/context.h>
#include <cctrusted/replay.h>

CCT_WUR int cct_live_sources(cct_context *ctx, struct cct_log_source *out, size_t max, size_t *n);
CCT_WUR int cct_live_banks(cct_context *ctx, uint32_t index, uint16_t *algs, size_t max, size_t *n);
CCT_WUR int cct_live_expected_values(cct_context *ctx, const cct_replay *rp,
                                     struct cct_expected *out, size_t max, size_t *n);
/* opts: NULL, version 1 or CCT_REPLAY_OPTIONS_VERSION (checked by the caller). */
CCT_WUR int cct_live_replay(cct_context *ctx, const struct cct_replay_options *opts,
                            cct_replay **out);

#endif
