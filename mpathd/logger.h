/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's log output: lines queued by any thread, written by one thread, never waited for. */
#pragma once

#include <stdbool.h>

/*
 * A journald stream or a terminal can stop reading; the event loop must not stop with it.
 * Every log line goes into a bounded queue and one thread writes them to stderr. When the
 * queue is full a line is dropped and counted, and the count is written as soon as there is
 * room again.
 */

/**
 * logger_start() - install the log hook and start the writer thread.
 * @journal: stderr is a journald stream: lines carry "<level>" prefixes, no timestamps.
 * @timestamps: prefix monotonic seconds (tests line the log up with their own clock).
 *
 * Before it, and if the thread cannot start, lines are written directly.
 *
 * Return: 0 or -errno.
 */
int logger_start(bool journal, bool timestamps);

/** logger_stop() - write what is queued (for at most a second) and stop the thread. */
void logger_stop(void);

/** logger_dropped() - how many lines were dropped since the start. */
unsigned long logger_dropped(void);
