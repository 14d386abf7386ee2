/* SPDX-License-Identifier: GPL-2.0-or-later */
/* At most one log line a second of a kind, with a count of the lines held back. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define IPC_RATELIMIT_INTERVAL_USEC 1000000

/** struct ipc_ratelimit - one kind of line; zero-initialised. */
struct ipc_ratelimit {
	uint64_t last_usec;	/* when a line last went out */
	bool started;
	unsigned suppressed;	/* held back since */
};

/**
 * ipc_ratelimit_pass() - whether a line may go out at @now_usec.
 * @ret_suppressed: receives how many were held back before this one, when it may.
 */
bool ipc_ratelimit_pass(struct ipc_ratelimit *rl, uint64_t now_usec, unsigned *ret_suppressed);

/**
 * ipc_ratelimit_flush() - lines held back longer than the interval, to report on their own.
 *
 * Return: how many (then counted as reported), or 0 when none or too early.
 */
unsigned ipc_ratelimit_flush(struct ipc_ratelimit *rl, uint64_t now_usec);
