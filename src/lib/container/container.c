/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-container measurement (include/cctrusted/container.h): the events an
 * OCI hook records when a container is created, the container log, the
 * start record in the node's runtime log, the container's view of IMA
 * (ima-cgpath / ima-dep-cgn) and the REPORTDATA binding of a container.
 * The verifier of a container-bound report is in container_verify.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cctrusted/container.h>
#include <cctrusted/ima.h>

#include "container/container_internal.h"
#include "crypto/crypto.h"
#include "formats/cel/tlv.h"
#include "formats/tcg/tcg.h"
#include "platform/platform.h"
#include "platform/tee.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hex.h"

#define CONTAINER_DIR_DEFAULT "/var/lib/cctrusted/containers"
#define CONTAINER_STATE_MAX ((size_t)1024 * 1024)
#define CONTAINER_CONFIG_MAX ((size_t)4 * 1024 * 1024)
#define CONTAINER_LOG_MAX ((size_t)16 * 1024 * 1024)
#define CONTAINER_TAG_ID CCT_CONTAINER_TAG_ID
#define RUNTIME_TAG_ID CCT_RUNTIME_TAG_ID

int cct_container_id_valid(const char *id)
{
    if (id == NULL || id[0] == '\0' || id[0] == '.') {
        return 0;
    }
    size_t n = 0;
    for (const char *p = id; *p != '\0'; p++, n++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '-';
        if (!ok || n >= CCT_CONTAINER_ID_MAX) {
            return 0;
        }
    }
    return 1;
}

int cct_container_dir(const cct_context *ctx, char *out, size_t len)
{
    if (ctx == NULL || out == NULL || len == 0) {
        return CCT_EINVAL;
    }
    const char *env = secure_getenv("CCT_CONTAINER_DIR");
    int n;
    if (env != NULL && env[0] != '\0') {
        n = snprintf(out, len, "%s", env);
    } else if (ctx->platform == CCT_PLATFORM_SIM && ctx->sim_state_dir[0] != '\0') {
        n = snprintf(out, len, "%s/containers", ctx->sim_state_dir);
    } else {
        return cct_path(ctx->sysroot, CONTAINER_DIR_DEFAULT, out, len);
    }
    return (n < 0 || (size_t)n >= len) ? CCT_ELIMIT : 0;
}

int cct_container_reportdata(const uint8_t imr[CCT_CONTAINER_IMR_SIZE], const uint8_t *nonce,
                             size_t nonce_len, const uint8_t *user_data, size_t user_data_len,
                             uint8_t out[64])
{
    if (imr == NULL || out == NULL || (nonce == NULL && nonce_len > 0) ||
        (user_data == NULL && user_data_len > 0)) {
        return CCT_EINVAL;
    }
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    unsigned int olen = 0;
    uint8_t md[64];
    int ok = m != NULL && EVP_DigestInit_ex(m, EVP_sha512(), NULL) == 1 &&
             EVP_DigestUpdate(m, imr, CCT_CONTAINER_IMR_SIZE) == 1 &&
             (nonce_len == 0 || EVP_DigestUpdate(m, nonce, nonce_len) == 1) &&
             (user_data_len == 0 || EVP_DigestUpdate(m, user_data, user_data_len) == 1) &&
             EVP_DigestFinal_ex(m, md, &olen) == 1 && olen == 64;
    EVP_MD_CTX_free(m);
    if (!ok) {
        return CCT_EIO;
    }
    memcpy(out, md, 64);
    return 0;
}

/* ---- cgroup matching (ima-cgpath / ima-dep-cgn) ---- */

static int component_names(const char *c, size_t n, const char *id, size_t idlen)
{
    static const char *const prefixes[] = { "docker-", "cri-containerd-", "crio-", "libpod-", "" };
    static const char scope[] = ".scope";
    if (n > sizeof(scope) - 1 &&
        memcmp(c + n - (sizeof(scope) - 1), scope, sizeof(scope) - 1) == 0) {
        n -= sizeof(scope) - 1;
    }
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t pl = strlen(prefixes[i]);
        if (n == pl + idlen && memcmp(c, prefixes[i], pl) == 0 && memcmp(c + pl, id, idlen) == 0) {
            return 1;
        }
    }
    return 0;
}

int cct_container_cgroup_matches(const char *path, size_t len, const char *id)
{
    if (path == NULL || !cct_container_id_valid(id)) {
        return 0;
    }
    size_t idlen = strlen(id);
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && path[j] != '/') {
            j++;
        }
        if (j > i && component_names(path + i, j - i, id, idlen)) {
            return 1;
        }
        i = j + 1;
    }
    return 0;
}

int cct_ima_event_cgroup(const struct cct_event *ev, const char **path, size_t *len)
{
    if (ev == NULL || path == NULL || len == NULL) {
        return CCT_EINVAL;
    }
    static const char cgpath[] = "ima-cgpath", cgn[] = "ima-dep-cgn";
    int known = (ev->ima_template_len == sizeof(cgpath) - 1 &&
                 memcmp(ev->ima_template, cgpath, sizeof(cgpath) - 1) == 0) ||
                (ev->ima_template_len == sizeof(cgn) - 1 &&
                 memcmp(ev->ima_template, cgn, sizeof(cgn) - 1) == 0);
    if (ev->ima_template == NULL || !known) {
        return CCT_ENOTFOUND;
    }
    /* Both templates: dep | cgroup | d-ng | n-ng; the cgroup is field 1. */
    struct cct_ima_field f[CCT_IMA_MAX_FIELDS_PUBLIC];
    int nf = cct_ima_event_fields(ev, f, CCT_IMA_MAX_FIELDS_PUBLIC);
    if (nf < 0) {
        return nf;
    }
    if (nf < 4) {
        return CCT_EMALFORMED;
    }
    size_t n = f[1].len;
    while (n > 0 && f[1].data[n - 1] == '\0') {
        n--; /* string fields carry their terminating NUL in binary lists */
    }
    *path = (const char *)f[1].data;
    *len = n;
    return 0;
}

/* ---- container view: its own events, then its IMA entries ---- */

static const struct cct_digest *find_sha384(const struct cct_event *ev)
{
    for (size_t i = 0; i < ev->n_digests; i++) {
        if (ev->digests[i].alg == CCT_ALG_SHA384 && ev->digests[i].size == CCT_CONTAINER_IMR_SIZE) {
            return &ev->digests[i];
        }
    }
    return NULL;
}

static int imr_extend(uint8_t imr[CCT_CONTAINER_IMR_SIZE], const uint8_t *d)
{
    uint8_t buf[2 * CCT_CONTAINER_IMR_SIZE];
    memcpy(buf, imr, CCT_CONTAINER_IMR_SIZE);
    memcpy(buf + CCT_CONTAINER_IMR_SIZE, d, CCT_CONTAINER_IMR_SIZE);
    return cct_digest(CCT_ALG_SHA384, buf, sizeof(buf), imr);
}

static void copy_err(struct cct_error *dst, const struct cct_error *src)
{
    if (dst != NULL && src != NULL) {
        *dst = *src;
    }
}

int cct_container_log_walk(const uint8_t *clog, size_t len, cct_container_event_cb cb, void *arg,
                           uint8_t imr[CCT_CONTAINER_IMR_SIZE], uint64_t *n, struct cct_error *err)
{
    if (clog == NULL || len == 0) {
        return 0;
    }
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = CCT_LOG_CEL_TLV;
    cct_eventlog *log = NULL;
    int r = cct_eventlog_from_memory(clog, len, &o, &log, err);
    if (r < 0) {
        return r;
    }
    struct cct_event ev;
    while ((r = cct_eventlog_next(log, &ev)) == 1) {
        if (ev.index != CCT_CONTAINER_IMR || ev.cel_content_type == CCT_CEL_MGT ||
            (ev.flags & CCT_EVENT_F_HEADER)) {
            continue;
        }
        const struct cct_digest *d = find_sha384(&ev);
        if (d == NULL) {
            r = cct_err(err, CCT_EUNSUPPORTED, (int64_t)ev.number, (int64_t)ev.offset,
                        "container log event %llu has no SHA-384 digest",
                        (unsigned long long)ev.number);
            break;
        }
        if (*n >= CCT_CONTAINER_MAX_EVENTS * 64ull) {
            r = cct_err(err, CCT_ELIMIT, (int64_t)ev.number, (int64_t)ev.offset,
                        "container log has more events than the library replays");
            break;
        }
        if ((r = imr_extend(imr, d->bytes)) < 0) {
            break;
        }
        (*n)++;
        if (cb != NULL && (r = cb(arg, &ev)) < 0) {
            break;
        }
    }
    if (r < 0 && r != CCT_EVERIFY && err != NULL && err->code == 0) {
        copy_err(err, cct_eventlog_error(log));
    }
    cct_eventlog_free(log);
    return r < 0 ? r : 0;
}

int cct_container_ima_walk(const char *id, const uint8_t *ima, size_t len,
                           cct_container_event_cb cb, void *arg,
                           uint8_t imr[CCT_CONTAINER_IMR_SIZE], uint64_t *n, struct cct_error *err)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    cct_eventlog *log = NULL;
    int r = cct_eventlog_from_memory(ima, len, &o, &log, err);
    if (r < 0) {
        return r;
    }
    enum cct_log_format f = cct_eventlog_format(log);
    if (f != CCT_LOG_IMA_ASCII && f != CCT_LOG_IMA_BINARY) {
        cct_eventlog_free(log);
        return cct_err(err, CCT_EINVAL, -1, -1, "not an IMA measurement list (%s)",
                       cct_log_format_name(f));
    }
    struct cct_event ev;
    while ((r = cct_eventlog_next(log, &ev)) == 1) {
        const char *cg;
        size_t cglen;
        if (cct_ima_event_cgroup(&ev, &cg, &cglen) < 0 ||
            !cct_container_cgroup_matches(cg, cglen, id)) {
            continue;
        }
        uint8_t dd[CCT_CONTAINER_IMR_SIZE];
        if (ev.flags & CCT_EVENT_F_IMA_VIOLATION) {
            memset(dd, 0xFF, sizeof(dd));
        } else {
            const struct cct_digest *dg = find_sha384(&ev);
            if (dg != NULL) {
                memcpy(dd, dg->bytes, sizeof(dd));
            } else if (f == CCT_LOG_IMA_BINARY && !(ev.flags & CCT_EVENT_F_IMA_LAYOUT_GUESSED)) {
                /* A binary list carries the SHA-1 template digest only: the
                 * SHA-384 bank is SHA-384 over the template data, as the
                 * kernel computes it. */
                if ((r = cct_digest(CCT_ALG_SHA384, ev.data, ev.data_len, dd)) < 0) {
                    break;
                }
            } else {
                r = cct_err(err, CCT_EUNSUPPORTED, (int64_t)ev.number, (int64_t)ev.offset,
                            "IMA entry %llu of container %s has no SHA-384 template digest",
                            (unsigned long long)ev.number, id);
                break;
            }
        }
        const uint8_t *d = dd;
        if ((r = imr_extend(imr, d)) < 0) {
            break;
        }
        (*n)++;
        /* Shown at IMR3 with the one digest that extends it (the violation's is the
         * logged all-zero one, which replay turns into all-0xFF as for any IMA entry). */
        ev.kind = CCT_REG_RTMR;
        ev.index = CCT_CONTAINER_IMR;
        ev.n_digests = 1;
        ev.digests[0].alg = CCT_ALG_SHA384;
        ev.digests[0].size = CCT_CONTAINER_IMR_SIZE;
        static const uint8_t zero[CCT_CONTAINER_IMR_SIZE];
        ev.digests[0].bytes = (ev.flags & CCT_EVENT_F_IMA_VIOLATION) ? zero : d;
        if (cb != NULL && (r = cb(arg, &ev)) < 0) {
            break;
        }
    }
    if (r < 0 && err != NULL && err->code == 0) {
        copy_err(err, cct_eventlog_error(log));
    }
    cct_eventlog_free(log);
    return r < 0 ? r : 0;
}

int cct_container_events(const char *id, const uint8_t *clog, size_t clog_len, const uint8_t *ima,
                         size_t ima_len, cct_container_event_cb cb, void *arg,
                         uint8_t imr[CCT_CONTAINER_IMR_SIZE], uint64_t *n, struct cct_error *err)
{
    cct_error_clear(err);
    if (!cct_container_id_valid(id) || imr == NULL || n == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "container id or outputs missing");
    }
    uint8_t v[CCT_CONTAINER_IMR_SIZE] = { 0 };
    uint64_t count = 0;
    int r = cct_container_log_walk(clog, clog_len, cb, arg, v, &count, err);
    if (r == 0 && ima != NULL && ima_len > 0) {
        r = cct_container_ima_walk(id, ima, ima_len, cb, arg, v, &count, err);
    }
    if (r < 0) {
        return r;
    }
    memcpy(imr, v, sizeof(v));
    *n = count;
    return 0;
}

/* ---- measuring a container at creation ---- */

struct events {
    char *text[64];
    size_t n;
};

static void events_free(struct events *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->text[i]);
    }
    e->n = 0;
}

static int events_add(struct events *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int events_add(struct events *e, const char *fmt, ...)
{
    if (e->n == sizeof(e->text) / sizeof(e->text[0])) {
        return CCT_ELIMIT;
    }
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return CCT_ENOMEM;
    }
    e->text[e->n++] = s;
    return 0;
}

static void hex384(const uint8_t *d, char out[2 * CCT_CONTAINER_IMR_SIZE + 1])
{
    cct_hex_encode(d, CCT_CONTAINER_IMR_SIZE, out);
}

static const char *json_str(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string)) {
        return NULL;
    }
    return json_object_get_string(v);
}

/* The first annotation present of names, from the state's, else the config's annotations. */
static const char *annotation(json_object *state, json_object *config, const char *const *names)
{
    json_object *a = NULL;
    for (int pass = 0; pass < 2; pass++) {
        json_object *src = pass == 0 ? state : config;
        if (src == NULL || !json_object_object_get_ex(src, "annotations", &a)) {
            continue;
        }
        for (size_t i = 0; names[i] != NULL; i++) {
            const char *v = json_str(a, names[i]);
            if (v != NULL && v[0] != '\0') {
                return v;
            }
        }
    }
    return NULL;
}

/* Text without control characters or spaces, so one event line stays one token. */
static int plain(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s == 0x7f) {
            return 0;
        }
    }
    return 1;
}

struct rootfs_walk {
    EVP_MD_CTX *md;
    uint64_t files;
    uint64_t bytes;
    int too_big;
};

static int hash_file(struct rootfs_walk *w, int dirfd, const char *name, uint64_t size)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return CCT_EIO;
    }
    uint8_t buf[65536];
    uint8_t d[CCT_CONTAINER_IMR_SIZE];
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    int ok = m != NULL && EVP_DigestInit_ex(m, EVP_sha384(), NULL) == 1;
    uint64_t seen = 0;
    while (ok) {
        ssize_t k = read(fd, buf, sizeof(buf));
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            ok = k == 0;
            break;
        }
        seen += (uint64_t)k;
        ok = EVP_DigestUpdate(m, buf, (size_t)k) == 1;
    }
    unsigned int dl = 0;
    ok = ok && seen == size && EVP_DigestFinal_ex(m, d, &dl) == 1;
    EVP_MD_CTX_free(m);
    close(fd);
    if (!ok) {
        return CCT_EIO;
    }
    return EVP_DigestUpdate(w->md, d, sizeof(d)) == 1 ? 0 : CCT_EIO;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The rootfs digest: a SHA-384 over the tree in byte order of the names;
 * per entry "type mode uid gid relative-path\0" then the content digest of a
 * regular file or the target of a symlink. Device nodes and sockets count by
 * their metadata only.
 */
static int rootfs_dir(struct rootfs_walk *w, int fd, const char *rel, int depth)
{
    if (depth > 64) {
        close(fd);
        return CCT_ELIMIT;
    }
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return CCT_EIO;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int r = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nn = realloc(names, nc * sizeof(*nn));
            if (nn == NULL) {
                r = CCT_ENOMEM;
                break;
            }
            names = nn;
            cap = nc;
        }
        if ((names[n] = strdup(de->d_name)) == NULL) {
            r = CCT_ENOMEM;
            break;
        }
        n++;
        if (++w->files > CCT_CONTAINER_ROOTFS_MAX_FILES) {
            w->too_big = 1;
            r = CCT_ELIMIT;
            break;
        }
    }
    if (r == 0 && n > 1) {
        qsort(names, n, sizeof(*names), name_cmp);
    }
    for (size_t i = 0; r == 0 && i < n; i++) {
        struct stat st;
        if (fstatat(dirfd(d), names[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
            r = CCT_EIO;
            break;
        }
        char *path = NULL;
        if (asprintf(&path, "%s/%s", rel, names[i]) < 0) {
            r = CCT_ENOMEM;
            break;
        }
        char head[64];
        int hl = snprintf(head, sizeof(head), "%o %lu %lu ", (unsigned)st.st_mode,
                          (unsigned long)st.st_uid, (unsigned long)st.st_gid);
        if (EVP_DigestUpdate(w->md, head, (size_t)hl) != 1 ||
            EVP_DigestUpdate(w->md, path, strlen(path) + 1) != 1) {
            r = CCT_EIO;
        } else if (S_ISREG(st.st_mode)) {
            w->bytes += (uint64_t)st.st_size;
            if (w->bytes > CCT_CONTAINER_ROOTFS_MAX_BYTES) {
                w->too_big = 1;
                r = CCT_ELIMIT;
            } else {
                r = hash_file(w, dirfd(d), names[i], (uint64_t)st.st_size);
            }
        } else if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t tl = readlinkat(dirfd(d), names[i], target, sizeof(target));
            if (tl < 0 || (size_t)tl >= sizeof(target) ||
                EVP_DigestUpdate(w->md, target, (size_t)tl) != 1) {
                r = CCT_EIO;
            }
        } else if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(d), names[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
            r = sub < 0 ? CCT_EIO : rootfs_dir(w, sub, path, depth + 1);
        }
        free(path);
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    closedir(d);
    return r;
}

/* 1 measured (digest in out), 0 not measured (too big: *why says so), <0 error. */
static int rootfs_digest(const char *root, uint8_t out[CCT_CONTAINER_IMR_SIZE], uint64_t *files)
{
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return CCT_EIO;
    }
    struct rootfs_walk w = { EVP_MD_CTX_new(), 0, 0, 0 };
    if (w.md == NULL || EVP_DigestInit_ex(w.md, EVP_sha384(), NULL) != 1) {
        EVP_MD_CTX_free(w.md);
        close(fd);
        return CCT_ENOMEM;
    }
    int r = rootfs_dir(&w, fd, "", 0);
    unsigned int dl = 0;
    if (r == 0 && EVP_DigestFinal_ex(w.md, out, &dl) != 1) {
        r = CCT_EIO;
    }
    EVP_MD_CTX_free(w.md);
    if (r == CCT_ELIMIT && w.too_big) {
        return 0;
    }
    *files = w.files;
    return r < 0 ? r : 1;
}

/* SHA-384 of a JSON value's canonical text (json-c's plain, unspaced form). */
static int json_digest(json_object *v, uint8_t out[CCT_CONTAINER_IMR_SIZE])
{
    const char *s = v != NULL ? json_object_to_json_string_ext(
                                    v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
                              : "null";
    return cct_digest(CCT_ALG_SHA384, s, strlen(s), out);
}

static int build_events(const char *state_json, size_t state_len, int measure_rootfs,
                        struct events *ev, char id[CCT_CONTAINER_ID_MAX + 1], int *rootfs_measured,
                        struct cct_error *err)
{
    if (state_len > CONTAINER_STATE_MAX) {
        return cct_err(err, CCT_ELIMIT, -1, -1, "OCI state is larger than %zu bytes",
                       CONTAINER_STATE_MAX);
    }
    json_tokener *tok = json_tokener_new();
    if (tok == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    json_object *state = json_tokener_parse_ex(tok, state_json, (int)state_len);
    enum json_tokener_error je = json_tokener_get_error(tok);
    size_t at = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    json_object *config = NULL;
    uint8_t *cfg = NULL;
    size_t cfg_len = 0;
    char *cfg_path = NULL, *root_path = NULL;
    int r = 0;
    if (state == NULL || je != json_tokener_success ||
        !json_object_is_type(state, json_type_object)) {
        r = cct_err(err, CCT_EMALFORMED, -1, (int64_t)at,
                    "OCI state is not a JSON object (byte %zu: %s)", at,
                    json_tokener_error_desc(je));
        goto out;
    }
    const char *sid = json_str(state, "id");
    const char *bundle = json_str(state, "bundle");
    if (sid == NULL || !cct_container_id_valid(sid)) {
        r = cct_err(err, CCT_EMALFORMED, -1, -1,
                    "OCI state: \"id\" is missing or not a container id ([A-Za-z0-9_.-], 1-%d)",
                    CCT_CONTAINER_ID_MAX);
        goto out;
    }
    if (bundle == NULL || bundle[0] != '/') {
        r = cct_err(err, CCT_EMALFORMED, -1, -1, "OCI state: \"bundle\" is not an absolute path");
        goto out;
    }
    snprintf(id, CCT_CONTAINER_ID_MAX + 1, "%s", sid);
    if (asprintf(&cfg_path, "%s/config.json", bundle) < 0) {
        r = cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
        goto out;
    }
    if ((r = cct_read_file(cfg_path, CONTAINER_CONFIG_MAX, &cfg, &cfg_len, err)) < 0) {
        goto out;
    }
    tok = json_tokener_new();
    if (tok == NULL) {
        r = cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
        goto out;
    }
    config = json_tokener_parse_ex(tok, (const char *)cfg, (int)cfg_len);
    je = json_tokener_get_error(tok);
    at = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (config == NULL || je != json_tokener_success ||
        !json_object_is_type(config, json_type_object)) {
        r = cct_err(err, CCT_EMALFORMED, -1, (int64_t)at, "%s is not a JSON object (byte %zu: %s)",
                    cfg_path, at, json_tokener_error_desc(je));
        goto out;
    }
    uint8_t d[CCT_CONTAINER_IMR_SIZE];
    char hx[2 * CCT_CONTAINER_IMR_SIZE + 1];
    json_object *process = NULL, *args = NULL, *env = NULL, *root = NULL;
    json_object_object_get_ex(config, "process", &process);
    if (process != NULL) {
        json_object_object_get_ex(process, "args", &args);
        json_object_object_get_ex(process, "env", &env);
    }
    const char *cwd = json_str(process, "cwd");
    if ((r = events_add(ev, "container.id %s", id)) < 0) {
        goto nomem;
    }
    if ((r = cct_digest(CCT_ALG_SHA384, cfg, cfg_len, d)) < 0) {
        goto out;
    }
    hex384(d, hx);
    if ((r = events_add(ev, "oci.config sha384:%s", hx)) < 0) {
        goto nomem;
    }
    /* Arguments are shown (they say what runs); the environment only as a
     * digest, since it often carries secrets. */
    const char *argtext = args != NULL
                              ? json_object_to_json_string_ext(
                                    args, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
                              : "null";
    if ((r = events_add(ev, "oci.process.args %s", argtext)) < 0) {
        goto nomem;
    }
    if ((r = events_add(ev, "oci.process.cwd %s", cwd != NULL ? cwd : "")) < 0) {
        goto nomem;
    }
    if ((r = json_digest(env, d)) < 0) {
        goto out;
    }
    hex384(d, hx);
    if ((r = events_add(ev, "oci.process.env sha384:%s", hx)) < 0) {
        goto nomem;
    }
    static const char *const ref_names[] = { "org.opencontainers.image.ref.name",
                                             "io.kubernetes.cri.image-name",
                                             "io.kubernetes.cri-o.ImageName",
                                             "io.podman.annotations.image", NULL };
    static const char *const digest_names[] = { "org.opencontainers.image.base.digest",
                                                "io.kubernetes.cri-o.ImageRef",
                                                "io.kubernetes.cri.image-ref", NULL };
    const char *ref = annotation(state, config, ref_names);
    const char *idig = annotation(state, config, digest_names);
    if (ref != NULL && plain(ref) && (r = events_add(ev, "image.ref %s", ref)) < 0) {
        goto nomem;
    }
    if (idig != NULL && plain(idig) && (r = events_add(ev, "image.digest %s", idig)) < 0) {
        goto nomem;
    }
    json_object_object_get_ex(config, "root", &root);
    const char *rp = json_str(root, "path");
    if (measure_rootfs && rp != NULL && rp[0] != '\0') {
        int a = rp[0] == '/' ? asprintf(&root_path, "%s", rp)
                             : asprintf(&root_path, "%s/%s", bundle, rp);
        if (a < 0) {
            goto nomem;
        }
        uint64_t files = 0;
        int m = rootfs_digest(root_path, d, &files);
        if (m < 0) {
            r = cct_err_sys(err, m, errno, "cannot measure the root file system %s", root_path);
            goto out;
        }
        if (m == 1) {
            hex384(d, hx);
            if ((r = events_add(ev, "rootfs sha384:%s files=%llu", hx, (unsigned long long)files)) <
                0) {
                goto nomem;
            }
            *rootfs_measured = 1;
        }
    }
    r = 0;
    goto out;
nomem:
    r = cct_err(err, r, -1, -1, "cannot record the container's events");
out:
    free(cfg_path);
    free(root_path);
    free(cfg);
    json_object_put(config);
    json_object_put(state);
    return r;
}

int cct_container_encode_tagged(struct cct_buf *b, uint64_t number, uint32_t tag_id,
                                const void *text, size_t tl, uint8_t imr[CCT_CONTAINER_IMR_SIZE])
{
    uint8_t d[CCT_CONTAINER_IMR_SIZE];
    int r = cct_digest(CCT_ALG_SHA384, text, tl, d);
    if (r < 0 || (r = imr_extend(imr, d)) < 0) {
        return r;
    }
    struct cct_buf data;
    cct_buf_init(&data, 0);
    uint8_t tag[8];
    for (int k = 0; k < 4; k++) {
        tag[k] = (uint8_t)(tag_id >> (8 * k));
        tag[4 + k] = (uint8_t)((uint32_t)tl >> (8 * k));
    }
    if (cct_buf_append(&data, tag, sizeof(tag)) < 0 || cct_buf_append(&data, text, tl) < 0) {
        cct_buf_free(&data);
        return CCT_ENOMEM;
    }
    r = cct_cel_tlv_encode(b, number, CCT_REG_RTMR, CCT_CONTAINER_IMR, CCT_ALG_SHA384, d, sizeof(d),
                           EV_EVENT_TAG, data.data, data.len, 0, NULL);
    cct_buf_free(&data);
    return r;
}

static int encode_log(const struct events *ev, struct cct_buf *b,
                      uint8_t imr[CCT_CONTAINER_IMR_SIZE])
{
    uint8_t v[CCT_CONTAINER_IMR_SIZE] = { 0 };
    for (size_t i = 0; i < ev->n; i++) {
        int r = cct_container_encode_tagged(b, i, CONTAINER_TAG_ID, ev->text[i],
                                            strlen(ev->text[i]), v);
        if (r < 0) {
            return r;
        }
    }
    memcpy(imr, v, sizeof(v));
    return 0;
}

int cct_container_event_text(const struct cct_event *ev, uint32_t tag_id, const char **text,
                             size_t *len)
{
    if (ev->cel_content_type != CCT_CEL_PCCLIENT_STD || ev->type != EV_EVENT_TAG ||
        ev->data_len < 8) {
        return CCT_ENOTFOUND;
    }
    uint32_t id = 0, sz = 0;
    for (int k = 0; k < 4; k++) {
        id |= (uint32_t)ev->data[k] << (8 * k);
        sz |= (uint32_t)ev->data[4 + k] << (8 * k);
    }
    if (id != tag_id) {
        return CCT_ENOTFOUND;
    }
    if (sz != ev->data_len - 8) {
        return CCT_EMALFORMED;
    }
    *text = (const char *)ev->data + 8;
    *len = sz;
    return 0;
}

int cct_container_find_start(const uint8_t *node_log, size_t len, const char *id,
                             struct cct_container_start_record *out, struct cct_error *err)
{
    memset(out, 0, sizeof(*out));
    if (node_log == NULL || len == 0) {
        return 0;
    }
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = CCT_LOG_CEL_TLV;
    cct_eventlog *log = NULL;
    int r = cct_eventlog_from_memory(node_log, len, &o, &log, err);
    if (r < 0) {
        return r;
    }
    char prefix[CCT_CONTAINER_ID_MAX + 64];
    int pl = snprintf(prefix, sizeof(prefix), "%s id=%s ", CCT_CONTAINER_START_MAGIC, id);
    struct cct_event ev;
    while ((r = cct_eventlog_next(log, &ev)) == 1) {
        const char *t;
        size_t tl;
        if (ev.cel_content_type == CCT_CEL_MGT ||
            cct_container_event_text(&ev, RUNTIME_TAG_ID, &t, &tl) < 0 || tl <= (size_t)pl ||
            memcmp(t, prefix, (size_t)pl) != 0) {
            continue;
        }
        out->count++;
        if (out->count > 1) {
            continue;
        }
        out->event = ev.number;
        out->index = ev.index;
        /* "events=N imr3=sha384:HEX" */
        char rest[160];
        size_t rl = tl - (size_t)pl < sizeof(rest) - 1 ? tl - (size_t)pl : sizeof(rest) - 1;
        memcpy(rest, t + pl, rl);
        rest[rl] = '\0';
        unsigned long long ne = 0;
        char hx[2 * CCT_CONTAINER_IMR_SIZE + 2];
        int consumed = 0;
        if (sscanf(rest, "events=%llu imr3=sha384:%97[0-9a-f]%n", &ne, hx, &consumed) != 2 ||
            (size_t)consumed != rl || strlen(hx) != 2 * CCT_CONTAINER_IMR_SIZE ||
            cct_hex_decode(hx, strlen(hx), out->imr, sizeof(out->imr)) < 0) {
            r = cct_err(err, CCT_EMALFORMED, (int64_t)ev.number, (int64_t)ev.offset,
                        "node log event %llu: malformed container start record",
                        (unsigned long long)ev.number);
            break;
        }
        out->n_events = ne;
    }
    if (r < 0 && err != NULL && err->code == 0) {
        copy_err(err, cct_eventlog_error(log));
    }
    cct_eventlog_free(log);
    return r < 0 ? r : 0;
}

static int write_log(const char *dir, const char *id, const struct cct_buf *b, char *path,
                     size_t plen, struct cct_error *err)
{
    int n = snprintf(path, plen, "%s/%s.cel", dir, id);
    if (n < 0 || (size_t)n >= plen) {
        return cct_err(err, CCT_ELIMIT, -1, -1, "container log path is too long");
    }
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        return cct_err_sys(err, CCT_EIO, errno, "cannot create %s", dir);
    }
    uint8_t *old = NULL;
    size_t old_len = 0;
    struct cct_error e2;
    if (cct_read_file(path, CONTAINER_LOG_MAX, &old, &old_len, &e2) == 0) {
        int same = old_len == b->len && memcmp(old, b->data, b->len) == 0;
        free(old);
        if (same) {
            return 0;
        }
    }
    const struct cct_file_part part = { b->data, b->len };
    return cct_write_file_atomic(path, &part, 1, 0644, err);
}

static int open_lock(const char *dir)
{
    char path[4200];
    int n = snprintf(path, sizeof(path), "%s/.start.lock", dir);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        return -1;
    }
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
    }
    return fd;
}

/* Under the directory lock: find an earlier start, write the log, extend. */
static int record_start(cct_context *ctx, const char *dir, const struct cct_buf *b,
                        uint32_t node_index, struct cct_container_start_result *res)
{
    struct cct_error *err = &ctx->err;
    /* Node log: a committed start record of this id means a retry. Repair
     * first, so a record a crash left pending is committed or gone. */
    char node_path[4096];
    uint8_t *node = NULL;
    size_t node_len = 0;
    struct cct_container_start_record rec;
    memset(&rec, 0, sizeof(rec));
    int r = cct_runtime_log_repair(ctx);
    if (r < 0) {
        return r;
    }
    if (cct_runtime_log_path(ctx, node_path, sizeof(node_path)) == 0) {
        struct cct_error e2;
        if (cct_read_file(node_path, RUNTIME_LOG_MAX_READ, &node, &node_len, &e2) == 0) {
            r = cct_container_find_start(node, node_len, res->id, &rec, err);
            free(node);
            if (r < 0) {
                return r;
            }
        }
    }
    if (rec.count > 0 &&
        (rec.n_events != res->n_events || !cct_memeq_ct(rec.imr, res->imr, sizeof(res->imr)))) {
        return cct_err(err, CCT_EVERIFY, (int64_t)rec.event, -1,
                       "container %s was already started with other measurements (node log "
                       "event %llu)",
                       res->id, (unsigned long long)rec.event);
    }
    r = write_log(dir, res->id, b, res->log_path, sizeof(res->log_path), err);
    if (r < 0) {
        return r;
    }
    if (rec.count > 0) {
        res->already_recorded = 1;
        return 0;
    }
    char hx[2 * CCT_CONTAINER_IMR_SIZE + 1];
    hex384(res->imr, hx);
    char *text = NULL;
    int tl = asprintf(&text, "%s id=%s events=%zu imr3=sha384:%s", CCT_CONTAINER_START_MAGIC,
                      res->id, res->n_events, hx);
    if (tl < 0) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    uint16_t alg = 0;
    uint8_t d[64];
    r = cct_get_default_algorithm(ctx, &alg);
    if (r == 0) {
        r = cct_digest(alg, text, (size_t)tl, d);
    }
    if (r == 0) {
        r = cct_extend(ctx, node_index, d, cct_alg_digest_size(alg), (const uint8_t *)text,
                       (size_t)tl);
    }
    free(text);
    return r < 0 ? r : 0;
}

int cct_container_start(cct_context *ctx, const char *state_json, size_t state_len,
                        const struct cct_container_start_options *opts,
                        struct cct_container_start_result *out)
{
    if (ctx == NULL || state_json == NULL || out == NULL) {
        return CCT_EINVAL;
    }
    struct cct_error *err = &ctx->err;
    cct_error_clear(err);
    struct cct_container_start_options defaults = CCT_CONTAINER_START_OPTIONS_INIT;
    if (opts == NULL) {
        opts = &defaults;
    }
    if (opts->version != CCT_CONTAINER_START_OPTIONS_VERSION) {
        return cct_err(err, CCT_EINVAL, -1, -1, "unknown container start options version %u",
                       opts->version);
    }
    uint32_t node_index = ctx->platform == CCT_PLATFORM_TPM ? CCT_CONTAINER_TPM_PCR : 3;
    if (ctx->platform != CCT_PLATFORM_TPM && ctx->platform != CCT_PLATFORM_TDX &&
        ctx->platform != CCT_PLATFORM_SIM) {
        return cct_err(err, CCT_EUNSUPPORTED, -1, -1,
                       "container starts are recorded in RTMR3 (TDX, sim) or a TPM PCR; %s has "
                       "no runtime register",
                       cct_platform_name(ctx->platform));
    }
    struct cct_container_start_result res;
    memset(&res, 0, sizeof(res));
    res.node_index = node_index;
    char dir[2048];
    if (opts->state_dir != NULL) {
        int n = snprintf(dir, sizeof(dir), "%s", opts->state_dir);
        if (n < 0 || (size_t)n >= sizeof(dir)) {
            return cct_err(err, CCT_ELIMIT, -1, -1, "state directory path is too long");
        }
    } else if (cct_container_dir(ctx, dir, sizeof(dir)) < 0) {
        return cct_err(err, CCT_ELIMIT, -1, -1, "container directory path is too long");
    }

    struct events ev = { { 0 }, 0 };
    int r = build_events(state_json, state_len, opts->measure_rootfs, &ev, res.id,
                         &res.rootfs_measured, err);
    struct cct_buf b;
    cct_buf_init(&b, CONTAINER_LOG_MAX);
    if (r == 0 && (r = encode_log(&ev, &b, res.imr)) < 0) {
        r = cct_err(err, r, -1, -1, "cannot encode the container log");
    }
    res.n_events = ev.n;
    events_free(&ev);
    if (r < 0) {
        cct_buf_free(&b);
        return r;
    }

    /* One start at a time per container directory: two hooks for the same
     * id must not both find no record and both extend. */
    int lock = -1;
    if ((mkdir(dir, 0755) < 0 && errno != EEXIST) || (lock = open_lock(dir)) < 0) {
        cct_buf_free(&b);
        return cct_err_sys(err, CCT_EIO, errno, "cannot lock the container directory %s", dir);
    }
    r = record_start(ctx, dir, &b, node_index, &res);
    cct_buf_free(&b);
    close(lock); /* releases the lock */
    if (r < 0) {
        return r;
    }
    *out = res;
    return 0;
}
