/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's OCI runtime hook (`cctrustedd hook`); container views are the library's. */
#ifndef CCTD_CONTAINER_H
#define CCTD_CONTAINER_H

/* `cctrustedd hook`: the OCI runtime hook (state JSON on stdin). Returns the exit code. */
int hook_main(int argc, char **argv);

#endif
