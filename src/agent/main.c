/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cctrustedd: the node agent. Serves the library's evidence to local
 * callers (containers) over gRPC on a Unix socket, wire-compatible with the
 * CIMA service (and its older CCNP name). A frontend like the CLI: it uses
 * only the public API; docs/agent.md describes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent.h"
#include "container.h"

#define DEFAULT_SOCKET "/run/cima/uds/cima-server.sock"

static struct agent g_agent;

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&g_agent.stopping, 1);
}

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: cctrustedd [--platform auto|tdx|tpm|snp|cca|sim] [--sysroot DIR] [--socket PATH]\n"
        "                  [--policy FILE] [--workers N] [--socket-mode OCTAL] [--check]\n"
        "                  [--container-dir DIR] [--container-ima]\n"
        "       cctrustedd hook [--platform P] [--sysroot DIR] [--container-dir DIR]\n"
        "                       [--no-rootfs]\n"
        "Serves the CIMA gRPC interface (and the CCNP one) on a Unix socket; ready when the "
        "socket\n"
        "exists. Under systemd socket activation the passed socket is used. --check only reads "
        "the\n"
        "policy and exits. See cctrustedd(8).\n");
}

/* Tell systemd we are ready ($NOTIFY_SOCKET, sd_notify(3) protocol). */
static void notify_ready(void)
{
    const char *p = getenv("NOTIFY_SOCKET");
    if (p == NULL || (p[0] != '/' && p[0] != '@') ||
        strlen(p) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        return;
    }
    struct sockaddr_un sa = { 0 };
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, p, strlen(p));
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(p));
    if (sa.sun_path[0] == '@') {
        sa.sun_path[0] = '\0';
    }
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return;
    }
    static const char msg[] = "READY=1\nSTATUS=serving";
    if (sendto(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0) {
        fprintf(stderr, "cctrustedd: sd_notify: %s\n", strerror(errno));
    }
    close(fd);
}

/* A socket passed by systemd (LISTEN_PID/LISTEN_FDS, fd 3), or -1. */
static int activated_socket(void)
{
    const char *pid = getenv("LISTEN_PID");
    const char *fds = getenv("LISTEN_FDS");
    if (pid == NULL || fds == NULL) {
        return -1;
    }
    char *end;
    errno = 0;
    long p = strtol(pid, &end, 10);
    if (errno || *end || p != (long)getpid()) {
        return -1;
    }
    long n = strtol(fds, &end, 10);
    if (errno || *end || n < 1) {
        return -1;
    }
    fcntl(3, F_SETFD, FD_CLOEXEC);
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    return 3;
}

static int mkdir_parents(const char *path)
{
    char d[sizeof(((struct sockaddr_un *)0)->sun_path)];
    snprintf(d, sizeof(d), "%s", path);
    for (char *p = d + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(d, 0755) < 0 && errno != EEXIST) {
                return -1;
            }
            *p = '/';
        }
    }
    return 0;
}

/*
 * Bind the socket. A path already there is either a live agent (connect
 * succeeds: refuse to start, never steal its socket) or a stale socket
 * from one that died (connect refused: remove it and bind).
 */
static int listen_on(const char *path, mode_t mode)
{
    struct sockaddr_un sa = { 0 };
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "cctrustedd: socket path too long: %s\n", path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path));
    if (mkdir_parents(path) < 0) {
        fprintf(stderr, "cctrustedd: cannot create the directory of %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "cctrustedd: %s exists and is not a socket; not touching it\n", path);
            return -1;
        }
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            close(probe);
            fprintf(stderr, "cctrustedd: another agent is serving on %s\n", path);
            return -2;
        }
        if (probe >= 0) {
            close(probe);
        }
        if (unlink(path) < 0) {
            fprintf(stderr, "cctrustedd: cannot remove the stale socket %s: %s\n", path,
                    strerror(errno));
            return -1;
        }
        fprintf(stderr, "cctrustedd: removed a stale socket at %s\n", path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    /* Bind under a temporary name, set its mode, then rename into place:
     * the socket appears only when it is ready to serve, with its mode. */
    char tmp[sizeof(sa.sun_path)];
    int n = snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
    struct sockaddr_un ta = sa;
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        close(fd);
        return -1;
    }
    memset(ta.sun_path, 0, sizeof(ta.sun_path));
    memcpy(ta.sun_path, tmp, (size_t)n);
    unlink(tmp);
    if (bind(fd, (struct sockaddr *)&ta, sizeof(ta)) < 0 || chmod(tmp, mode) < 0 ||
        listen(fd, 1024) < 0 || rename(tmp, path) < 0) {
        fprintf(stderr, "cctrustedd: cannot listen on %s: %s\n", path, strerror(errno));
        unlink(tmp);
        close(fd);
        return -1;
    }
    return fd;
}

struct args {
    struct cct_open_options oo;
    const char *sock, *policy_file, *container_dir;
    long workers;
    mode_t mode;
    int check_only;
};

/* Options into *o and a. 0, or the exit code (with -1 meaning 0 after --help). */
static int parse_args(int argc, char **argv, struct agent *a, struct args *o)
{
    static const struct option opts[] = {
        { "platform", required_argument, NULL, 'p' },
        { "sysroot", required_argument, NULL, 'r' },
        { "socket", required_argument, NULL, 's' },
        { "policy", required_argument, NULL, 'P' },
        { "workers", required_argument, NULL, 'w' },
        { "socket-mode", required_argument, NULL, 'm' },
        { "check", no_argument, NULL, 'c' },
        { "container-dir", required_argument, NULL, 'd' },
        { "container-ima", no_argument, NULL, 'i' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'p':
            if (cct_platform_from_name(optarg, &o->oo.platform) < 0 ||
                o->oo.platform == CCT_PLATFORM_NONE) {
                fprintf(stderr, "cctrustedd: unknown platform %s\n", optarg);
                return 1;
            }
            break;
        case 'r': o->oo.sysroot = optarg; break;
        case 's': o->sock = optarg; break;
        case 'P': o->policy_file = optarg; break;
        case 'w':
            errno = 0;
            o->workers = strtol(optarg, &end, 10);
            if (errno || *end || o->workers < 1 || o->workers > 64) {
                fprintf(stderr, "cctrustedd: --workers must be 1..64\n");
                return 1;
            }
            break;
        case 'm':
            errno = 0;
            o->mode = (mode_t)strtol(optarg, &end, 8);
            if (errno || *end || o->mode > 0777) {
                fprintf(stderr, "cctrustedd: --socket-mode must be octal, e.g. 0660\n");
                return 1;
            }
            break;
        case 'c': o->check_only = 1; break;
        case 'd': o->container_dir = optarg; break;
        case 'i': a->container_ima = 1; break;
        case 'h': usage(stdout); return -1;
        default: usage(stderr); return 1;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 1;
    }
    return 0;
}

/*
 * What the agent keeps from the platform: its name, the container log
 * directory, the event-log index and the system measurement that starts
 * every container's IMR3. 0 or the exit code.
 */
static int open_node(struct agent *a, const struct args *o)
{
    cct_context *ctx = NULL;
    struct cct_error err;
    int r = cct_open(&o->oo, &ctx, &err);
    if (r < 0) {
        fprintf(stderr, "cctrustedd: cannot open the platform: %s\n", err.message);
        return 3;
    }
    a->platform = cct_context_platform(ctx);
    if (o->container_dir != NULL) {
        snprintf(a->container_dir, sizeof(a->container_dir), "%s", o->container_dir);
    } else if (cct_container_dir(ctx, a->container_dir, sizeof(a->container_dir)) < 0) {
        fprintf(stderr, "cctrustedd: container directory path is too long\n");
        cct_close(ctx);
        return 1;
    }
    r = cct_logindex_open(ctx, &a->logs, &err);
    cct_close(ctx);
    if (r < 0) {
        fprintf(stderr, "cctrustedd: event logs: %s\n", err.message);
        return 2;
    }
    struct cct_container_system_policy sp = CCT_CONTAINER_SYSTEM_POLICY_INIT;
    sp.processes = a->pol.system_names;
    sp.n_processes = a->pol.n_system_processes;
    sp.with_args = a->pol.system_with_args;
    if (cct_container_system_measure(a->procroot, &sp, &a->system, &err) < 0) {
        fprintf(stderr, "cctrustedd: system processes: %s\n", err.message);
        return 2;
    }
    if (sp.n_processes > 0) {
        fprintf(stderr, "cctrustedd: %zu of %zu system processes measured\n",
                cct_container_system_count(a->system), sp.n_processes);
    }
    return 0;
}

static void raise_nofile(unsigned connections)
{
    /* Room for the connection limit plus logs and the library's files. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < connections + 64) {
        rl.rlim_cur = rl.rlim_max < connections + 64 ? rl.rlim_max : connections + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int serve(struct agent *a, const struct args *o)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_signal; /* no SA_RESTART: accept() returns to see the flag */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int lfd = activated_socket();
    int own_socket = lfd < 0;
    if (own_socket) {
        lfd = listen_on(o->sock, o->mode);
        if (lfd < 0) {
            return lfd == -2 ? 4 : 3;
        }
    }
    fprintf(stderr, "cctrustedd: serving %s on %s with %ld workers\n",
            cct_platform_name(a->platform), own_socket ? o->sock : "the activated socket",
            o->workers);
    notify_ready();
    int r = server_run(a, lfd, (unsigned)o->workers);
    close(lfd);
    if (own_socket) {
        unlink(o->sock);
    }
    return r < 0 ? 3 : 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "hook") == 0) {
        return hook_main(argc - 1, argv + 1);
    }
    struct agent *a = &g_agent;
    struct args o = { CCT_OPEN_OPTIONS_INIT, DEFAULT_SOCKET, NULL, NULL, 0, 0666, 0 };
    o.workers = sysconf(_SC_NPROCESSORS_ONLN);
    policy_defaults(&a->pol);
    int r = parse_args(argc, argv, a, &o);
    if (r != 0) {
        return r < 0 ? 0 : r;
    }
    if (o.workers < 1) {
        o.workers = 1;
    }
    char msg[512];
    if (o.policy_file != NULL && policy_load(o.policy_file, &a->pol, msg, sizeof(msg)) < 0) {
        fprintf(stderr, "cctrustedd: policy: %s\n", msg);
        return 1;
    }
    if (o.check_only) {
        printf("policy ok: isolated %s, quotes for %s, rate %.0f/s, %u connections, "
               "%zu system processes\n",
               a->pol.isolated ? "yes" : "no", a->pol.report_any_uid ? "any uid" : "listed uids",
               a->pol.rate_per_second, a->pol.max_connections, a->pol.n_system_processes);
        return 0;
    }
    a->open_opts = o.oo;
    a->procroot = getenv("CCTD_PROCROOT") ? getenv("CCTD_PROCROOT") : "/";
    raise_nofile(a->pol.max_connections);
    if ((r = open_node(a, &o)) == 0) {
        if (a->pol.rate_per_second > 0 &&
            ratelimit_new(a->pol.rate_per_second, a->pol.rate_burst, &a->rl) < 0) {
            r = 3;
        } else {
            r = serve(a, &o);
        }
    }
    cct_logindex_free(a->logs);
    cct_container_system_free(a->system);
    ratelimit_free(a->rl);
    if (r == 0) {
        fprintf(stderr, "cctrustedd: stopped after %llu requests\n",
                (unsigned long long)atomic_load(&a->n_requests));
    }
    return r;
}
