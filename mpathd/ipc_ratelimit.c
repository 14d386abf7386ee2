/* SPDX-License-Identifier: GPL-2.0-or-later */
/* At most one log line a second of a kind, with a count of the lines held back. */
#include "ipc_ratelimit.h"

static bool interval_over(const struct ipc_ratelimit *rl, uint64_t now_usec)
{
	return !rl->started || now_usec - rl->last_usec >= IPC_RATELIMIT_INTERVAL_USEC;
}

bool ipc_ratelimit_pass(struct ipc_ratelimit *rl, uint64_t now_usec, unsigned *ret_suppressed)
{
	if (!interval_over(rl, now_usec)) {
		rl->suppressed++;
		return false;
	}
	*ret_suppressed = rl->suppressed;
	rl->suppressed = 0;
	rl->last_usec = now_usec;
	rl->started = true;
	return true;
}

unsigned ipc_ratelimit_flush(struct ipc_ratelimit *rl, uint64_t now_usec)
{
	unsigned n = rl->suppressed;

	if (n == 0 || !interval_over(rl, now_usec))
		return 0;
	rl->suppressed = 0;
	rl->last_usec = now_usec;
	return n;
}
