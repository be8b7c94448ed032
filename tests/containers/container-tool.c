/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helper over the public container API; the tests compute what to
 * expect themselves.
 *   container-tool ima FILE ID       the container's view of an IMA list:
 *                                    "events N", "imr HEX", then one line per
 *                                    event: "EVENT-NUMBER FILE-NAME"
 *   container-tool cgroup PATH ID    "1" when the cgroup path names container ID, else "0"
 *   container-tool id ID             "1" when ID is a valid container id, else "0"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/cctrusted.h>

static int print_event(void *arg, const struct cct_event *ev)
{
    (void)arg;
    printf("%llu %.*s\n", (unsigned long long)ev->number, (int)ev->ima_file_name_len,
           ev->ima_file_name != NULL ? ev->ima_file_name : "");
    return 0;
}

static int read_all(const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rbe");
    if (f == NULL) {
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *b = malloc(cap);
    while (b != NULL) {
        size_t k = fread(b + n, 1, cap - n, f);
        n += k;
        if (n < cap) {
            break;
        }
        uint8_t *nb = realloc(b, cap * 2);
        if (nb == NULL) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    fclose(f);
    if (b == NULL) {
        return -1;
    }
    *out = b;
    *len = n;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "ima") == 0) {
        uint8_t *buf = NULL;
        size_t len = 0;
        if (read_all(argv[2], &buf, &len) < 0) {
            perror(argv[2]);
            return 3;
        }
        uint8_t imr[CCT_CONTAINER_IMR_SIZE];
        uint64_t n = 0;
        struct cct_error err;
        /* first pass: the list of events; second: the register and count */
        int r = cct_container_events(argv[3], NULL, 0, buf, len, print_event, NULL, imr, &n, &err);
        if (r < 0) {
            fprintf(stderr, "error %s: %s\n", cct_strerror(r), err.message);
            free(buf);
            return 2;
        }
        printf("events %llu\nimr ", (unsigned long long)n);
        for (size_t i = 0; i < sizeof(imr); i++) {
            printf("%02x", imr[i]);
        }
        printf("\n");
        free(buf);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "cgroup") == 0) {
        printf("%d\n", cct_container_cgroup_matches(argv[2], strlen(argv[2]), argv[3]));
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "id") == 0) {
        printf("%d\n", cct_container_id_valid(argv[2]));
        return 0;
    }
    fprintf(stderr, "usage: container-tool ima FILE ID | cgroup PATH ID | id ID\n");
    return 1;
}
