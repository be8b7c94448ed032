/* SPDX-License-Identifier: Apache-2.0 */
/* Links against the installable static library: the public API resolves
 * from it, and it works (a log parsed, an event replayed). */
#include <stdio.h>
#include <string.h>

#include <cctrusted/cctrusted.h>

int main(void)
{
    if (strcmp(cct_strerror(CCT_EMALFORMED), "CCT_EMALFORMED") != 0) {
        fprintf(stderr, "cct_strerror gave the wrong name\n");
        return 1;
    }
    cct_replay *rp = NULL;
    static const uint8_t digest[32] = { 1 };
    int r = cct_replay_new(NULL, &rp);
    if (r == 0) {
        r = cct_replay_extend(rp, CCT_REG_PCR, 9, CCT_ALG_SHA256, digest, sizeof(digest));
    }
    if (r == 0) {
        r = cct_replay_finish(rp);
    }
    if (r != 0 || cct_replay_count(rp) != 1) {
        fprintf(stderr, "replay through the static library failed: %s\n", cct_strerror(r));
        cct_replay_free(rp);
        return 1;
    }
    cct_replay_free(rp);
    printf("ok: static library links and replays\n");
    return 0;
}
