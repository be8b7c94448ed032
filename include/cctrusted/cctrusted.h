/* SPDX-License-Identifier: Apache-2.0 */
/* Umbrella header of libcctrusted. */
#ifndef CCTRUSTED_CCTRUSTED_H
#define CCTRUSTED_CCTRUSTED_H

#include <cctrusted/algorithm.h>
#include <cctrusted/context.h>
#include <cctrusted/ccel.h>
#include <cctrusted/error.h>
#include <cctrusted/eventlog.h>
#include <cctrusted/ima.h>
#include <cctrusted/replay.h>
#include <cctrusted/version.h>

#endif
