/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Umbrella header of libcctrusted: includes every public header (checked by
 * tests/hygiene/check-umbrella.sh).
 *
 * Threads: see each header. In short, the library has no mutable global
 * state; an object (context, log, replay, report) is used by one thread at
 * a time, and different objects may be used from different threads at once.
 */
#ifndef CCTRUSTED_CCTRUSTED_H
#define CCTRUSTED_CCTRUSTED_H

#include <cctrusted/algorithm.h>
#include <cctrusted/ccel.h>
#include <cctrusted/cel.h>
#include <cctrusted/container.h>
#include <cctrusted/context.h>
#include <cctrusted/error.h>
#include <cctrusted/eventlog.h>
#include <cctrusted/ima.h>
#include <cctrusted/logindex.h>
#include <cctrusted/replay.h>
#include <cctrusted/report.h>
#include <cctrusted/verify.h>
#include <cctrusted/version.h>

#endif
