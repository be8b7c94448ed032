/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's access policy, read from JSON with json-c (see policy.h). */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "policy.h"

void policy_defaults(struct policy *p)
{
    memset(p, 0, sizeof(*p));
    p->isolated = 1;
    p->report_any_uid = 1;
    p->report_from_containers = 1;
    p->max_connections = 4096;
    p->idle_timeout_s = 300;
    p->request_timeout_s = 10;
    p->max_message = 64 * 1024;
    p->max_page = 10000;
}

static int get_uint(json_object *o, const char *k, unsigned lo, unsigned hi, unsigned *out,
                    char *msg, size_t ml)
{
    json_object *v;
    if (!json_object_object_get_ex(o, k, &v)) {
        return 0;
    }
    if (!json_object_is_type(v, json_type_int)) {
        snprintf(msg, ml, "%s: must be an integer", k);
        return -1;
    }
    int64_t x = json_object_get_int64(v);
    if (x < (int64_t)lo || x > (int64_t)hi) {
        snprintf(msg, ml, "%s: %lld is outside %u..%u", k, (long long)x, lo, hi);
        return -1;
    }
    *out = (unsigned)x;
    return 0;
}

static int get_bool(json_object *o, const char *k, int *out, char *msg, size_t ml)
{
    json_object *v;
    if (!json_object_object_get_ex(o, k, &v)) {
        return 0;
    }
    if (!json_object_is_type(v, json_type_boolean)) {
        snprintf(msg, ml, "%s: must be true or false", k);
        return -1;
    }
    *out = json_object_get_boolean(v);
    return 0;
}

static int get_rate(json_object *o, const char *k, double *out, char *msg, size_t ml)
{
    json_object *v;
    if (!json_object_object_get_ex(o, k, &v)) {
        return 0;
    }
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)) {
        snprintf(msg, ml, "%s: must be a number", k);
        return -1;
    }
    double d = json_object_get_double(v);
    if (!(d >= 0 && d <= 1e9)) {
        snprintf(msg, ml, "%s: must be between 0 and 1e9", k);
        return -1;
    }
    *out = d;
    return 0;
}

static const char *const known_keys[] = {
    "isolated",    "report_uids",     "report_from_containers", "rate_per_second",
    "rate_burst",  "max_connections", "idle_timeout_s",         "request_timeout_s",
    "max_message", "max_page",        "system_processes",       "system_with_args",
};

/* An array of strings: absolute executable names, as in argv[0]. */
static int get_processes(json_object *o, struct policy *p, char *msg, size_t ml)
{
    json_object *u;
    if (!json_object_object_get_ex(o, "system_processes", &u)) {
        return 0;
    }
    if (!json_object_is_type(u, json_type_array) ||
        json_object_array_length(u) > POLICY_MAX_PROCESSES) {
        snprintf(msg, ml, "system_processes: must be an array of at most %d names",
                 POLICY_MAX_PROCESSES);
        return -1;
    }
    p->n_system_processes = 0;
    for (size_t i = 0; i < json_object_array_length(u); i++) {
        json_object *e = json_object_array_get_idx(u, i);
        const char *s = json_object_is_type(e, json_type_string) ? json_object_get_string(e) : "";
        size_t n = strlen(s);
        if (n == 0 || n >= POLICY_MAX_NAME) {
            snprintf(msg, ml, "system_processes[%zu]: not a name of 1..%d bytes", i,
                     POLICY_MAX_NAME - 1);
            return -1;
        }
        memcpy(p->system_processes[i], s, n + 1);
        p->system_names[i] = p->system_processes[i];
        p->n_system_processes++;
    }
    return 0;
}

int policy_load(const char *path, struct policy *p, char *msg, size_t ml)
{
    json_object *o = json_object_from_file(path);
    if (o == NULL) {
        snprintf(msg, ml, "%s: cannot read or parse: %s", path, json_util_get_last_err());
        return -1;
    }
    int r = -1;
    unsigned maxmsg = (unsigned)p->max_message;
    if (!json_object_is_type(o, json_type_object)) {
        snprintf(msg, ml, "%s: the policy must be a JSON object", path);
        goto out;
    }
    json_object_object_foreach(o, key, val)
    {
        (void)val;
        size_t i = 0;
        while (i < sizeof(known_keys) / sizeof(known_keys[0]) && strcmp(known_keys[i], key) != 0) {
            i++;
        }
        if (i == sizeof(known_keys) / sizeof(known_keys[0])) {
            snprintf(msg, ml, "%s: unknown key \"%s\"", path, key);
            goto out;
        }
    }
    if (get_bool(o, "isolated", &p->isolated, msg, ml) < 0 ||
        get_bool(o, "report_from_containers", &p->report_from_containers, msg, ml) < 0 ||
        get_rate(o, "rate_per_second", &p->rate_per_second, msg, ml) < 0 ||
        get_rate(o, "rate_burst", &p->rate_burst, msg, ml) < 0 ||
        get_uint(o, "max_connections", 1, 65536, &p->max_connections, msg, ml) < 0 ||
        get_uint(o, "idle_timeout_s", 1, 86400, &p->idle_timeout_s, msg, ml) < 0 ||
        get_uint(o, "request_timeout_s", 1, 3600, &p->request_timeout_s, msg, ml) < 0 ||
        get_uint(o, "max_message", 64, 16u * 1024 * 1024, &maxmsg, msg, ml) < 0 ||
        get_uint(o, "max_page", 1, 1000000, &p->max_page, msg, ml) < 0 ||
        get_bool(o, "system_with_args", &p->system_with_args, msg, ml) < 0 ||
        get_processes(o, p, msg, ml) < 0) {
        goto out;
    }
    p->max_message = maxmsg;
    json_object *u;
    if (json_object_object_get_ex(o, "report_uids", &u)) {
        if (!json_object_is_type(u, json_type_array) ||
            json_object_array_length(u) > POLICY_MAX_UIDS) {
            snprintf(msg, ml, "report_uids: must be an array of at most %d uids", POLICY_MAX_UIDS);
            goto out;
        }
        p->report_any_uid = 0;
        p->n_report_uids = 0;
        for (size_t i = 0; i < json_object_array_length(u); i++) {
            json_object *e = json_object_array_get_idx(u, i);
            int64_t x = json_object_get_int64(e);
            if (!json_object_is_type(e, json_type_int) || x < 0 || x > 0xFFFFFFFEll) {
                snprintf(msg, ml, "report_uids[%zu]: not a uid", i);
                goto out;
            }
            p->report_uids[p->n_report_uids++] = (uid_t)x;
        }
    }
    if (p->rate_per_second > 0 && p->rate_burst < 1) {
        p->rate_burst = p->rate_per_second;
    }
    r = 0;
out:
    json_object_put(o);
    return r;
}

int policy_may_report(const struct policy *p, uid_t uid, int in_container)
{
    if (in_container && !p->report_from_containers) {
        return 0;
    }
    if (p->report_any_uid) {
        return 1;
    }
    for (size_t i = 0; i < p->n_report_uids; i++) {
        if (p->report_uids[i] == uid) {
            return 1;
        }
    }
    return 0;
}
