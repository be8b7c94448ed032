/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Standalone driver for the fuzz targets when libFuzzer is not used: runs
 * LLVMFuzzerTestOneInput on every file named on the command line or found
 * in a named directory (not recursive; names starting with '.' are
 * skipped), so the seed corpora and every past crash are replayed as a
 * normal test in every build, sanitized or not.
 *
 * Usage: fuzz-TARGET [-o] PATH...
 *   -o   the next PATH is optional: skip it when it does not exist.
 * Exit status: 0 when every input ran, 77 (skipped) when every PATH was
 * optional and absent, 1 on a usage or I/O error or when no input was found.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz-common.h"

/* Inputs larger than this are not replayed whole (libFuzzer's default cap is far lower). */
#define FUZZ_MAX_INPUT (64u * 1024u * 1024u)

static int run_file(const char *path, unsigned long *count)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_size < 0 || (unsigned long long)st.st_size > FUZZ_MAX_INPUT) {
        fprintf(stderr, "%s: cannot stat or larger than %u bytes\n", path, FUZZ_MAX_INPUT);
        close(fd);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    /* Exact size, so ASan sees a read past the end; never NULL for an empty file. */
    uint8_t *buf = malloc(size ? size : 1);
    if (buf == NULL) {
        close(fd);
        return -1;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fprintf(stderr, "%s: short read\n", path);
            free(buf);
            close(fd);
            return -1;
        }
        got += (size_t)n;
    }
    close(fd);
    fprintf(stderr, "running %s (%zu bytes)\n", path, size);
    LLVMFuzzerTestOneInput(buf, size);
    free(buf);
    (*count)++;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, unsigned long *count)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "%s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **t = realloc(names, ncap * sizeof(*t));
            if (t == NULL) {
                rc = -1;
                break;
            }
            names = t;
            cap = ncap;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (names[n] == NULL) {
            rc = -1;
            break;
        }
        snprintf(names[n], len, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    /* A stable order makes a failing run reproducible. */
    if (n > 0) {
        qsort(names, n, sizeof(*names), cmp_names);
    }
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            rc = run_file(names[i], count);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned long count = 0;
    int optional = 0, required = 0, present = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s [-o] PATH...\n", argv[0]);
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0) {
            optional = 1;
            continue;
        }
        const char *path = argv[i];
        struct stat st;
        int rc;
        if (stat(path, &st) < 0) {
            if (optional && errno == ENOENT) {
                fprintf(stderr, "%s: absent, skipped\n", path);
                optional = 0;
                continue;
            }
            fprintf(stderr, "%s: %s\n", path, strerror(errno));
            return 1;
        }
        required += !optional;
        optional = 0;
        present++;
        rc = S_ISDIR(st.st_mode) ? run_dir(path, &count) : run_file(path, &count);
        if (rc < 0) {
            return 1;
        }
    }
    if (present == 0 && required == 0) {
        fprintf(stderr, "no input path exists: skipped\n");
        return 77;
    }
    printf("%lu inputs replayed\n", count);
    if (count == 0) {
        fprintf(stderr, "no inputs found\n");
        return 1;
    }
    return 0;
}
