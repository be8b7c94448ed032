/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-caller request rate limit: a token bucket per caller key (container
 * id, else uid). The table has a fixed size, so memory does not grow with
 * the number of callers: a caller not seen for the longest time gives its
 * slot to a new one. Slots are grouped in stripes, each with its own lock,
 * so callers rarely contend.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"

#define STRIPES 64
#define SLOTS 64 /* per stripe: 4096 callers tracked at once */

struct slot {
    char key[PEER_ID_MAX + 8];
    double tokens;
    double last;
};

struct stripe {
    pthread_mutex_t lock;
    struct slot s[SLOTS];
};

struct ratelimit {
    double rate, burst;
    struct stripe st[STRIPES];
};

int ratelimit_new(double rate, double burst, struct ratelimit **out)
{
    struct ratelimit *rl = calloc(1, sizeof(*rl));
    if (rl == NULL) {
        return -1;
    }
    rl->rate = rate;
    rl->burst = burst;
    for (size_t i = 0; i < STRIPES; i++) {
        pthread_mutex_init(&rl->st[i].lock, NULL);
    }
    *out = rl;
    return 0;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (rl == NULL) {
        return;
    }
    for (size_t i = 0; i < STRIPES; i++) {
        pthread_mutex_destroy(&rl->st[i].lock);
    }
    free(rl);
}

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 16777619u;
    }
    return h;
}

int ratelimit_take(struct ratelimit *rl, const char *key)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    struct stripe *sp = &rl->st[hash(key) % STRIPES];
    pthread_mutex_lock(&sp->lock);
    struct slot *hit = NULL, *oldest = &sp->s[0];
    for (size_t i = 0; i < SLOTS; i++) {
        struct slot *s = &sp->s[i];
        if (strcmp(s->key, key) == 0 && s->key[0] != '\0') {
            hit = s;
            break;
        }
        if (s->last < oldest->last) {
            oldest = s;
        }
    }
    if (hit == NULL) {
        hit = oldest;
        size_t n = strlen(key);
        if (n >= sizeof(hit->key)) {
            n = sizeof(hit->key) - 1;
        }
        memcpy(hit->key, key, n);
        hit->key[n] = '\0';
        hit->tokens = rl->burst;
        hit->last = t;
    }
    hit->tokens += (t - hit->last) * rl->rate;
    if (hit->tokens > rl->burst) {
        hit->tokens = rl->burst;
    }
    hit->last = t;
    int ok = hit->tokens >= 1.0;
    if (ok) {
        hit->tokens -= 1.0;
    }
    pthread_mutex_unlock(&sp->lock);
    return ok;
}
