/* SPDX-License-Identifier: Apache-2.0 */
/* cctrusted: command-line frontend of libcctrusted (public API only). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct cli_cmd commands[] = {
    { "eventlog", cmd_eventlog, "dump event logs (TCG2, TCG1.2, CCEL)" },
    { "replay", cmd_replay, "replay event logs into registers and compare with expected values" },
    { "info", cmd_info, "detect the platform and explain what was checked" },
    { "measurement", cmd_measurement, "read live measurement registers (every bank)" },
    { "report", cmd_report,
      "get a quote/report bound to a nonce and user data; 'report show FILE' decodes one" },
    { "extend", cmd_extend, "extend a live measurement register" },
    { "verify", cmd_verify, "verify a quote, report or token against keys and vendor roots" },
    { "collateral", cmd_collateral,
      "'collateral fetch QUOTE': TDX collateral from Intel PCS or a PCCS, verified" },
    { "vcek", cmd_vcek, "'vcek fetch REPORT': SNP VCEK and ASK/ARK from the AMD KDS, verified" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: cctrusted [--platform auto|tdx|tpm|snp|cca|sim|agent] [--sysroot DIR] "
               "COMMAND [OPTIONS]\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(f, "\n'cctrusted COMMAND --help' shows the options of a command; "
               "'cctrusted --version' the versions.\n"
               "exit codes: 0 ok, 1 usage, 2 invalid evidence or mismatch, 3 environment\n");
}

static int version(void)
{
    printf("cctrusted %s\nlibcctrusted %s (%s)\n", CCT_CLI_VERSION, cct_version(),
           cct_have_tpm2_tss() ? "with tpm2-tss" : "without tpm2-tss: TPM PCRs from sysfs only");
    return EXIT_OK;
}

/* --version anywhere among a command's arguments (before "--") answers for
 * every command alike, before the command parses its own options. */
static bool wants_version(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            return false;
        }
        if (strcmp(argv[i], "--version") == 0) {
            return true;
        }
    }
    return false;
}

static int run(int argc, char **argv);

int main(int argc, char **argv)
{
    if (cli_json_errors_begin(argc, argv)) {
        return cli_json_errors_end(run(argc, argv));
    }
    return run(argc, argv);
}

static int run(int argc, char **argv)
{
    int first = 1, g = cli_global_options(argc, argv, &first);
    if (g >= 0) {
        return g;
    }
    argc -= first - 1;
    argv += first - 1;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 ||
        strcmp(argv[1], "version") == 0) {
        return version();
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            if (wants_version(argc, argv)) {
                return version();
            }
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "cctrusted: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
