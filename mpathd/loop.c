/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's event loop. sd_event_loop() with its steps spelt out, so each dispatch can be
 * timed: a handler that blocks (a sysfs attribute that takes a kernel lock, a file on a
 * sick disk) shows as a warning instead of as unexplained latency elsewhere.
 */
#include <stdint.h>

#include "clock.h"
#include "log.h"
#include "loop.h"

#define LOOP_STALL_USEC 250000ULL

int loop_run(sd_event *e)
{
	int code = 0, r;

	while (sd_event_get_state(e) != SD_EVENT_FINISHED) {
		r = sd_event_prepare(e);
		if (r == 0)
			r = sd_event_wait(e, UINT64_MAX);
		if (r > 0) {
			uint64_t t0 = now_usec(), took;

			r = sd_event_dispatch(e);
			took = now_usec() - t0;
			if (took >= LOOP_STALL_USEC)
				log_warn("event loop: one event took %llu ms (the log lines just before say which)",
					 (unsigned long long)(took / 1000));
		}
		if (r < 0)
			return r;
	}
	r = sd_event_get_exit_code(e, &code);
	return r < 0 ? r : code;
}
