/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's view and the system measurement its IMR3 starts from
 * (include/cctrusted/container.h), through the shared library only, on a
 * prepared proc tree and container directory. Expected values are computed
 * here with OpenSSL: SHA-384 of the measured bytes, the extend chain, the
 * REPORTDATA.
 *
 * Usage: test-container-view   (works in a fresh temporary directory)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <ftw.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cctrusted/cctrusted.h>

#include "testutil.h"

static char dir[256];

/* CHECK, and whether it held. */
#define CHECK_OK(cond, ...) ((cond) ? (CHECK(1, "ok"), 1) : (CHECK(0, __VA_ARGS__), 0))

static void put(const char *rel, const void *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
}

static void proc(int pid, const void *cmdline, size_t n)
{
    char rel[64];
    snprintf(rel, sizeof(rel), "proc/%d", pid);
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    mkdir(path, 0755);
    snprintf(rel, sizeof(rel), "proc/%d/cmdline", pid);
    put(rel, cmdline, n);
}

/* v = SHA-384(v || SHA-384(bytes)); d gets SHA-384(bytes). */
static void extend(uint8_t v[48], const void *bytes, size_t n, uint8_t d[48])
{
    unsigned l = 0;
    uint8_t buf[96];
    EVP_Digest(bytes, n, d, &l, EVP_sha384(), NULL);
    memcpy(buf, v, 48);
    memcpy(buf + 48, d, 48);
    EVP_Digest(buf, 96, v, &l, EVP_sha384(), NULL);
}

static const char containerd_a[] = "/usr/bin/containerd\0--config\0/etc/a.toml"; /* pid 300 */
static const char containerd_b[] = "/usr/bin/containerd\0--other";               /* pid 42 */
static const char kubelet[] = "/usr/bin/kubelet\0-v\0002";
static const char *const names[] = { "/usr/bin/kubelet", "/usr/bin/containerd",
                                     "/usr/bin/not-running" };

static void make_proc(void)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/proc", dir);
    mkdir(p, 0755);
    proc(300, containerd_a, sizeof(containerd_a));
    proc(42, containerd_b, sizeof(containerd_b));
    proc(7, kubelet, sizeof(kubelet));
    proc(2, "", 0);                              /* a kernel thread */
    proc(9, "/usr/bin/kubelet-x", 19);           /* a longer name is another process */
    proc(11, "usr/bin/kubelet", 16);             /* argv[0] must match exactly */
    snprintf(p, sizeof(p), "%s/proc/self", dir); /* not a pid */
    mkdir(p, 0755);
}

/* The policy picks, in policy order, the lowest pid of each name; with or without arguments. */
static void test_system(cct_container_system **with_args)
{
    struct cct_container_system_policy pol = CCT_CONTAINER_SYSTEM_POLICY_INIT;
    pol.processes = names;
    pol.n_processes = 3;
    cct_container_system *s = NULL;
    struct cct_error err;
    CHECK(cct_container_system_measure(dir, &pol, &s, &err) == 0, "measure: %s", err.message);
    uint8_t want[48] = { 0 }, d[48];
    extend(want, "/usr/bin/kubelet", 16, d);
    extend(want, "/usr/bin/containerd", 19, d);
    CHECK(cct_container_system_count(s) == 2, "two of three names run: %zu",
          cct_container_system_count(s));
    CHECK(memcmp(cct_container_system_imr(s), want, 48) == 0, "start value, names only");

    pol.with_args = 1;
    CHECK(cct_container_system_measure(dir, &pol, with_args, &err) == 0, "measure: %s",
          err.message);
    uint8_t want2[48] = { 0 };
    extend(want2, kubelet, sizeof(kubelet), d);
    extend(want2, containerd_b, sizeof(containerd_b), d); /* pid 42 < 300 */
    CHECK(memcmp(cct_container_system_imr(*with_args), want2, 48) == 0,
          "start value with arguments: the whole command line of the lowest pid");
    CHECK(memcmp(want, want2, 48) != 0, "a changed policy changes the start value");

    const char *const rev[] = { names[1], names[0] };
    pol.processes = rev;
    pol.n_processes = 2;
    cct_container_system *r = NULL;
    CHECK(cct_container_system_measure(dir, &pol, &r, &err) == 0, "measure: %s", err.message);
    CHECK(memcmp(cct_container_system_imr(r), want2, 48) != 0, "policy order is replay order");
    cct_container_system_free(r);
    cct_container_system_free(s);

    const char *const empty[] = { "" };
    pol.processes = empty;
    pol.n_processes = 1;
    s = NULL;
    CHECK(cct_container_system_measure(dir, &pol, &s, &err) == CCT_EINVAL && s == NULL,
          "an empty name is refused");
    char bad[300];
    snprintf(bad, sizeof(bad), "%s/nowhere", dir);
    pol.processes = names;
    CHECK(cct_container_system_measure(bad, &pol, &s, &err) == CCT_EIO && s == NULL &&
              strstr(err.message, "nowhere/proc") != NULL,
          "no proc tree: %s", err.message);
    pol.n_processes = 0;
    CHECK(cct_container_system_measure(bad, &pol, &s, &err) == 0 &&
              cct_container_system_count(s) == 0,
          "an empty policy measures nothing");
    uint8_t zero[48] = { 0 };
    CHECK(memcmp(cct_container_system_imr(s), zero, 48) == 0, "and starts IMR3 at zero");
    cct_container_system_free(s);
}

struct seen {
    uint64_t n;
    char roles[8][16];
    uint32_t index[8];
    uint8_t digest[8][48];
};

static int collect(void *arg, uint64_t number, const char *role, const struct cct_event *ev)
{
    struct seen *s = arg;
    (void)number;
    if (s->n < 8) {
        snprintf(s->roles[s->n], sizeof(s->roles[0]), "%s", role);
        s->index[s->n] = ev->index;
        for (size_t i = 0; i < ev->n_digests; i++) {
            if (ev->digests[i].alg == CCT_ALG_SHA384) {
                memcpy(s->digest[s->n], ev->digests[i].bytes, 48);
            }
        }
    }
    s->n++;
    return 0;
}

/* One creation-like event at IMR3 in the container's log. */
static void write_container_log(const char *id, const char *text, uint8_t d[48])
{
    struct cct_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.format = CCT_LOG_CEL_TLV;
    ev.kind = CCT_REG_RTMR;
    ev.index = 3;
    ev.type = 0x6; /* EV_EVENT_TAG */
    ev.cel_content_type = CCT_CEL_PCCLIENT_STD;
    ev.data = (const uint8_t *)text;
    ev.data_len = strlen(text);
    unsigned l = 0;
    EVP_Digest(text, strlen(text), d, &l, EVP_sha384(), NULL);
    ev.n_digests = 1;
    ev.digests[0].alg = CCT_ALG_SHA384;
    ev.digests[0].size = 48;
    ev.digests[0].bytes = d;
    uint8_t *out = NULL;
    size_t len = 0;
    struct cct_error err;
    if (cct_cel_encode(&ev, 0, CCT_CEL_ENC_TLV, &out, &len, &err) < 0) {
        fprintf(stderr, "encode: %s\n", err.message);
        exit(2);
    }
    char rel[128];
    snprintf(rel, sizeof(rel), "containers/%s.cel", id);
    put(rel, out, len);
    cct_free(out);
}

/* The view: system events, then the container's own; replay of what is served equals IMR3. */
static void test_view(const cct_container_system *sys)
{
    char cdir[300];
    snprintf(cdir, sizeof(cdir), "%s/containers", dir);
    mkdir(cdir, 0755);
    uint8_t own[48];
    write_container_log("c1", "container.id c1", own);
    struct cct_container_view_options o = CCT_CONTAINER_VIEW_OPTIONS_INIT;
    o.dir = cdir;
    o.system = sys;
    cct_container_view *v = NULL;
    struct cct_error err;
    CHECK(cct_container_view_open(NULL, "c1", &o, &v, &err) == 0, "open: %s", err.message);
    cct_logindex *node = NULL;
    CHECK(cct_logindex_open(NULL, &node, &err) == 0, "empty node index");
    CHECK(cct_container_view_count(v, node) == 3, "2 system events + 1 own");
    struct seen s;
    memset(&s, 0, sizeof(s));
    int rc = cct_container_view_page(v, node, 0, 0, collect, &s, &err);
    uint8_t replay[48] = { 0 }, buf[96];
    unsigned l = 0;
    for (uint64_t i = 0; i < s.n && i < 8; i++) {
        memcpy(buf, replay, 48);
        memcpy(buf + 48, s.digest[i], 48);
        EVP_Digest(buf, 96, replay, &l, EVP_sha384(), NULL);
    }
    CHECK(rc == 0 && s.n == 3 && strcmp(s.roles[0], "system") == 0 &&
              strcmp(s.roles[1], "system") == 0 && strcmp(s.roles[2], "container") == 0 &&
              s.index[0] == 3 && s.index[2] == 3,
          "served in order: %llu events", (unsigned long long)s.n);
    CHECK(memcmp(replay, cct_container_view_imr(v), 48) == 0, "replay of the view equals IMR3");
    uint8_t want[48];
    memcpy(want, cct_container_system_imr(sys), 48);
    memcpy(buf, want, 48);
    memcpy(buf + 48, own, 48);
    EVP_Digest(buf, 96, want, &l, EVP_sha384(), NULL);
    CHECK(memcmp(want, cct_container_view_imr(v), 48) == 0, "IMR3 = start value extended");

    struct cct_measurement m;
    CHECK(cct_container_view_measurement(v, 3, 0, &m) == 0 && m.size == 48 &&
              memcmp(m.digest, want, 48) == 0 && m.alg == CCT_ALG_SHA384,
          "GetCcMeasurement(3) is IMR3");
    CHECK(cct_container_view_measurement(v, 3, CCT_ALG_SHA256, &m) == CCT_ENOTFOUND,
          "IMR3 has only the SHA-384 bank");
    CHECK(cct_container_view_measurement(v, 2, 0, &m) == 1, "index 2 is the node's");

    memset(&s, 0, sizeof(s));
    CHECK(cct_container_view_page(v, node, 2, 5, collect, &s, &err) == 0 && s.n == 1 &&
              strcmp(s.roles[0], "container") == 0 && memcmp(s.digest[0], own, 48) == 0,
          "a page at the end");

    uint8_t rd[64], exp[64], in[48 + 3 + 2];
    memcpy(in, want, 48);
    memcpy(in + 48, "abc", 3);
    memcpy(in + 51, "xy", 2);
    EVP_Digest(in, sizeof(in), exp, &l, EVP_sha512(), NULL);
    CHECK(cct_container_view_reportdata(v, (const uint8_t *)"abc", 3, (const uint8_t *)"xy", 2,
                                        rd) == 0 &&
              memcmp(rd, exp, 64) == 0,
          "REPORTDATA = SHA-512(IMR3 || nonce || user_data)");
    cct_container_view_free(v);

    /* No log yet: the view is the start value alone; a bad id is refused. */
    CHECK(cct_container_view_open(NULL, "c2", &o, &v, &err) == 0 &&
              memcmp(cct_container_view_imr(v), cct_container_system_imr(sys), 48) == 0 &&
              cct_container_view_count(v, node) == 2,
          "a container without a log starts at the system value");
    cct_container_view_free(v);
    v = NULL;
    CHECK(cct_container_view_open(NULL, "../x", &o, &v, &err) == CCT_EINVAL && v == NULL,
          "an id with a slash is refused");
    CHECK(cct_container_view_count(NULL, node) == 0, "the node view of an empty index");
    cct_logindex_free(node);
}

/* An ima-cgpath line (fields dep, cg-path, d-ng, n-ng) and its SHA-384 template hash. */
static size_t cgpath_line(const char *cg, const char *name, char *out, size_t room, uint8_t th[48])
{
    uint8_t fd[32], td[1024];
    unsigned l = 0;
    EVP_Digest(name, strlen(name), fd, &l, EVP_sha256(), NULL);
    const char *dep = "runc:[2:INIT]";
    struct {
        const void *p;
        uint32_t n;
    } f[5] = { { dep, (uint32_t)strlen(dep) + 1 },
               { cg, (uint32_t)strlen(cg) + 1 },
               { "sha256:", 8 },
               { fd, 32 },
               { name, (uint32_t)strlen(name) + 1 } };
    size_t o = 0;
    for (int i = 0; i < 5; i++) {
        if (i != 3) { /* the d-ng field is "sha256:\0" + digest under one length */
            uint32_t n = i == 2 ? 8 + 32 : f[i].n;
            memcpy(td + o, &n, 4);
            o += 4;
        }
        memcpy(td + o, f[i].p, f[i].n);
        o += f[i].n;
    }
    EVP_Digest(td, o, th, &l, EVP_sha384(), NULL);
    char thx[97], fdx[65];
    for (int i = 0; i < 48; i++) {
        snprintf(thx + 2 * i, 3, "%02x", th[i]);
    }
    for (int i = 0; i < 32; i++) {
        snprintf(fdx + 2 * i, 3, "%02x", fd[i]);
    }
    return (size_t)snprintf(out, room, "10 %s ima-cgpath %s %s sha256:%s %s\n", thx, dep, cg, fdx,
                            name);
}

/* With include_ima, the container's own ima-cgpath entries follow its creation events. */
static void test_view_ima(const cct_container_system *sys, const char *cdir)
{
    char list[16384], path[300];
    uint8_t th[3][48], skip[48];
    size_t n = 0;
    n += cgpath_line("/system.slice/docker-c1.scope", "/bin/a", list + n, sizeof(list) - n, th[0]);
    n += cgpath_line("/system.slice/docker-c9.scope", "/bin/other", list + n, sizeof(list) - n,
                     skip);
    n += cgpath_line("/system.slice/docker-c1.scope", "/bin/a file", list + n, sizeof(list) - n,
                     th[1]);
    n += cgpath_line("/system.slice/docker-c1.scope", "/bin/late", list + n, sizeof(list) - n,
                     th[2]);
    snprintf(path, sizeof(path), "%s/ima.txt", dir);
    FILE *f = fopen(path, "wb");
    /* the last line without its end: still being written */
    if (f == NULL || fwrite(list, 1, n - 1, f) != n - 1 || fclose(f) != 0) {
        exit(2);
    }
    struct cct_container_view_options o = CCT_CONTAINER_VIEW_OPTIONS_INIT;
    o.dir = cdir;
    o.system = sys;
    o.include_ima = 1;
    o.ima_path = path;
    cct_container_view *v = NULL;
    struct cct_error err;
    CHECK(cct_container_view_open(NULL, "c1", &o, &v, &err) == 0, "open with IMA: %s", err.message);
    cct_logindex *node = NULL;
    CHECK(cct_logindex_open(NULL, &node, &err) == 0, "empty node index");
    CHECK(cct_container_view_count(v, node) == 5,
          "2 system + 1 own + 2 of its 3 IMA entries (the cut line waits): %llu",
          (unsigned long long)cct_container_view_count(v, node));
    struct seen s;
    memset(&s, 0, sizeof(s));
    int rc = cct_container_view_page(v, node, 3, 0, collect, &s, &err);
    CHECK(rc == 0 && s.n == 2 && memcmp(s.digest[0], th[0], 48) == 0 &&
              memcmp(s.digest[1], th[1], 48) == 0 && strcmp(s.roles[1], "container") == 0 &&
              s.index[1] == 3,
          "its IMA entries at index 3 with their SHA-384 template hash (%llu)",
          (unsigned long long)s.n);
    cct_container_view *plain = NULL;
    o.include_ima = 0;
    CHECK(cct_container_view_open(NULL, "c1", &o, &plain, &err) == 0, "open without IMA");
    uint8_t want[48], buf[96];
    unsigned l = 0;
    memcpy(want, cct_container_view_imr(plain), 48);
    for (int i = 0; i < 2; i++) {
        memcpy(buf, want, 48);
        memcpy(buf + 48, th[i], 48);
        EVP_Digest(buf, 96, want, &l, EVP_sha384(), NULL);
    }
    CHECK(memcmp(want, cct_container_view_imr(v), 48) == 0,
          "IMR3 = the view without IMA extended with its two entries");
    cct_container_view_free(plain);
    cct_container_view_free(v);
    cct_logindex_free(node);
}

/* A TCG 1.2 (SHA-1) record: pcr, type, SHA-1 of the data, size, data. */
static size_t tcg1_event(uint8_t *out, uint32_t pcr, uint32_t type, const char *data)
{
    uint32_t n = (uint32_t)strlen(data);
    unsigned l = 0;
    memcpy(out, &pcr, 4);
    memcpy(out + 4, &type, 4);
    EVP_Digest(data, n, out + 8, &l, EVP_sha1(), NULL);
    memcpy(out + 28, &n, 4);
    memcpy(out + 32, data, n);
    return 32 + n;
}

/*
 * A node boot log with events on PCR 3 (a TPM's firmware uses it): a container's view leaves
 * them out, so index 3 of the view holds the container's events only; the node view keeps them.
 */
static void test_view_hides_boot_reg3(const cct_container_system *sys, const char *cdir)
{
    static const uint32_t pcrs[] = { 0, 3, 7, 3, 4 };
    uint8_t log[1024];
    size_t n = 0;
    for (size_t i = 0; i < sizeof(pcrs) / sizeof(pcrs[0]); i++) {
        n += tcg1_event(log + n, pcrs[i], 0x0d, "firmware part");
    }
    put("boot.log", log, n);
    struct cct_log_source src;
    memset(&src, 0, sizeof(src));
    CHECK(snprintf(src.path, sizeof(src.path), "%.200s/boot.log", dir) > 0, "path");
    src.format = CCT_LOG_TCG1;
    snprintf(src.role, sizeof(src.role), "boot");
    struct cct_error err;
    cct_logindex *node = NULL;
    CHECK(cct_logindex_open(NULL, &node, &err) == 0, "empty node index");
    CHECK(cct_logindex_add_source(node, &src, &err) == 0, "add boot log: %s", err.message);
    struct cct_container_view_options o = CCT_CONTAINER_VIEW_OPTIONS_INIT;
    o.dir = cdir;
    o.system = sys;
    cct_container_view *v = NULL;
    CHECK(cct_container_view_open(NULL, "c1", &o, &v, &err) == 0, "open: %s", err.message);
    CHECK(cct_container_view_count(NULL, node) == 5, "the node view has all 5 boot events");
    CHECK(cct_container_view_count(v, node) == 3 + 3,
          "the container view: 3 boot events (not the 2 on PCR 3) + 2 system + 1 own: %llu",
          (unsigned long long)cct_container_view_count(v, node));
    struct seen s;
    memset(&s, 0, sizeof(s));
    int rc = cct_container_view_page(v, node, 0, 0, collect, &s, &err);
    int boot3 = 0, own3 = 0;
    for (uint64_t i = 0; i < s.n && i < 8; i++) {
        boot3 += strcmp(s.roles[i], "boot") == 0 && s.index[i] == 3;
        own3 += strcmp(s.roles[i], "boot") != 0 && s.index[i] == 3;
    }
    CHECK(rc == 0 && s.n == 6 && boot3 == 0 && own3 == 3 && s.index[0] == 0 && s.index[1] == 7 &&
              s.index[2] == 4,
          "served: boot PCR 0, 7, 4, then index 3 only from the container (%llu events)",
          (unsigned long long)s.n);
    memset(&s, 0, sizeof(s));
    CHECK(cct_container_view_page(NULL, node, 0, 0, collect, &s, &err) == 0 && s.n == 5 &&
              s.index[1] == 3 && s.index[3] == 3,
          "the node view serves PCR 3's events");
    cct_container_view_free(v);
    cct_logindex_free(node);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 ? 0 : 0;
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/cct-cview-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        return 2;
    }
    make_proc();
    cct_container_system *sys = NULL;
    test_system(&sys);
    if (sys != NULL) {
        test_view(sys);
        char cdir[300];
        snprintf(cdir, sizeof(cdir), "%s/containers", dir);
        test_view_ima(sys, cdir);
        test_view_hides_boot_reg3(sys, cdir);
    }
    cct_container_system_free(sys);
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
