/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers for the TEE backend tests: checks, temporary sysroots, and a
 * forked process that plays the kernel's configfs-tsm role on a plain
 * directory.
 */
#ifndef CCT_TESTS_TEE_TEST_H
#define CCT_TESTS_TEE_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

extern int tee_failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            tee_failures++;                                                                        \
        }                                                                                          \
    } while (0)

#define CHECK_RC(expr, want)                                                                       \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ != (want)) {                                                                       \
            fprintf(stderr, "%s:%d: %s returned %d, want %d\n", __FILE__, __LINE__, #expr, rc_,    \
                    (want));                                                                       \
            tee_failures++;                                                                        \
        }                                                                                          \
    } while (0)

struct cct_context;

/* Checks that RTMR0-3 read through ctx equal a replay of ctx's logs; what names the case in
 * messages. */
void tee_check_rtmrs_replay(struct cct_context *ctx, const char *what);

/* Exit code for a skipped test (meson convention). */
#define TEST_SKIP 77

/* mkdtemp under $TMPDIR; aborts on failure. Returns a static-lifetime copy. */
char *tee_tempdir(const char *tag);
/* mkdir -p root/rel */
void tee_mkdirs(const char *root, const char *rel);
/* Write bytes to root/rel (parents created). */
void tee_write(const char *root, const char *rel, const void *p, size_t n);
/* Read a whole file (NUL-terminated, not counted); NULL when absent. *n receives the size. free()
 * it. */
uint8_t *tee_slurp(const char *path, size_t *n);
/* rm -rf */
void tee_rmrf(const char *path);
/* Path of a corpus file ($CCT_CORPUS, else ../shared/corpus of the source tree), or NULL when
 * absent. */
const char *tee_corpus(const char *rel, char *buf, size_t len);

enum tee_responder_mode {
    RESPOND_OK = 0,   /* generation = number of attributes written */
    RESPOND_RACE = 1, /* generation advanced once more: another writer raced */
};

/*
 * Fork a responder for report_dir: for every new entry with an inblob it
 * writes generation, provider, auxblob (when aux != NULL) and finally
 * outblob = blob with the inblob copied at rd_offset (SIZE_MAX: unchanged).
 * Kill it with tee_responder_stop().
 */
pid_t tee_responder_start(const char *report_dir, const char *provider, const uint8_t *blob,
                          size_t len, size_t rd_offset, const uint8_t *aux, size_t aux_len,
                          enum tee_responder_mode mode);
void tee_responder_stop(pid_t pid);

#endif
