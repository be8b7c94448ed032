/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cctrusted/cctrusted.h>

#include "tee-test.h"

int tee_failures;

char *tee_tempdir(const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    char *p = malloc(4096);
    if (p == NULL) {
        abort();
    }
    snprintf(p, 4096, "%s/cct-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    if (mkdtemp(p) == NULL) {
        perror("mkdtemp");
        abort();
    }
    return p;
}

void tee_mkdirs(const char *root, const char *rel)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s", root, rel);
    for (char *s = p + strlen(root) + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0755) < 0 && errno != EEXIST) {
                perror(p);
                abort();
            }
            *s = c;
            if (c == '\0') {
                break;
            }
        }
    }
}

void tee_write(const char *root, const char *rel, const void *data, size_t n)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s", rel);
    char *slash = strrchr(p, '/');
    if (slash != NULL) {
        *slash = '\0';
        tee_mkdirs(root, p);
    }
    snprintf(p, sizeof(p), "%s/%s", root, rel);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || (n > 0 && write(fd, data, n) != (ssize_t)n) || close(fd) < 0) {
        perror(p);
        abort();
    }
}

uint8_t *tee_slurp(const char *path, size_t *n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    size_t cap = 4096, len = 0;
    uint8_t *b = malloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            cap *= 2;
            b = realloc(b, cap);
        }
        ssize_t r = read(fd, b + len, cap - len - 1);
        if (r <= 0) {
            break;
        }
        len += (size_t)r;
    }
    b[len] = 0; /* NUL after the data, not counted */
    close(fd);
    *n = len;
    return b;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    remove(p);
    return 0;
}

void tee_rmrf(const char *path)
{
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *tee_corpus(const char *rel, char *buf, size_t len)
{
    const char *corpus = getenv("CCT_CORPUS");
    const char *src = getenv("CCT_SOURCE_ROOT");
    struct stat st;
    if (corpus != NULL && *corpus != '\0') {
        snprintf(buf, len, "%s/%s", corpus, rel);
    } else {
        snprintf(buf, len, "%s/../shared/corpus/%s", src ? src : ".", rel);
    }
    return stat(buf, &st) == 0 ? buf : NULL;
}

/* ---- responder ---- */

static void put_file(const char *dir, const char *name, const void *p, size_t n)
{
    char tmp[4096 + 64], fin[4096 + 64];
    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
    snprintf(fin, sizeof(fin), "%s/%s", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return; /* the entry went away */
    }
    if (n > 0 && write(fd, p, n) != (ssize_t)n) {
        close(fd);
        return;
    }
    close(fd);
    rename(tmp, fin);
}

static void respond(const char *dir, const char *provider, const uint8_t *blob, size_t len,
                    size_t rd_offset, const uint8_t *aux, size_t aux_len,
                    enum tee_responder_mode mode)
{
    char p[4096 + 64];
    size_t in_len = 0;
    snprintf(p, sizeof(p), "%s/inblob", dir);
    uint8_t *in = tee_slurp(p, &in_len);
    if (in == NULL || in_len == 0) {
        free(in);
        return;
    }
    struct stat st;
    int writes = 1;
    snprintf(p, sizeof(p), "%s/privlevel", dir);
    if (stat(p, &st) == 0) {
        writes++;
    }
    char gen[32];
    int g = writes + (mode == RESPOND_RACE ? 1 : 0);
    int gl = snprintf(gen, sizeof(gen), "%d\n", g);
    put_file(dir, "generation", gen, (size_t)gl);
    put_file(dir, "provider", provider, strlen(provider));
    if (aux != NULL) {
        put_file(dir, "auxblob", aux, aux_len);
    }
    uint8_t *out = malloc(len);
    memcpy(out, blob, len);
    if (rd_offset != SIZE_MAX && rd_offset < len) {
        size_t n = in_len < len - rd_offset ? in_len : len - rd_offset;
        memcpy(out + rd_offset, in, n);
    }
    put_file(dir, "outblob", out, len);
    free(out);
    free(in);
}

pid_t tee_responder_start(const char *report_dir, const char *provider, const uint8_t *blob,
                          size_t len, size_t rd_offset, const uint8_t *aux, size_t aux_len,
                          enum tee_responder_mode mode)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0) {
        return pid;
    }
    for (;;) {
        DIR *d = opendir(report_dir);
        if (d != NULL) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.') {
                    continue;
                }
                char dir[2048], out[4096];
                struct stat st;
                snprintf(dir, sizeof(dir), "%s/%s", report_dir, e->d_name);
                snprintf(out, sizeof(out), "%s/outblob", dir);
                if (stat(out, &st) == 0) {
                    continue; /* answered already */
                }
                respond(dir, provider, blob, len, rd_offset, aux, aux_len, mode);
            }
            closedir(d);
        }
        struct timespec ts = { 0, 2000000 };
        nanosleep(&ts, NULL);
    }
}

void tee_responder_stop(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
}

void tee_check_rtmrs_replay(struct cct_context *ctx, const char *what)
{
    cct_replay *rp = NULL;
    if (cct_replay_live(ctx, NULL, &rp) < 0) {
        fprintf(stderr, "%s: replay failed: %s\n", what, cct_context_error(ctx)->message);
        tee_failures++;
        return;
    }
    for (uint32_t i = 0; i < 4; i++) {
        struct cct_measurement m;
        struct cct_register r;
        CHECK_RC(cct_get_measurement(ctx, i, 0, &m), 0);
        CHECK_RC(cct_replay_lookup(rp, CCT_REG_RTMR, i, CCT_ALG_SHA384, &r), 0);
        if (m.size != 48 || r.size != 48 || memcmp(m.digest, r.digest, 48) != 0) {
            fprintf(stderr, "%s: RTMR%u differs from the replay\n", what, i);
            tee_failures++;
        }
    }
    cct_replay_free(rp);
}
