/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path priorities: the inputs read on a worker, the prioritizer chosen and run on the loop. */
#pragma once

#include <stdbool.h>

#include "alua.h"
#include "path_facts.h"

struct daemon;
struct path;

/**
 * struct prio_sample - what a worker read for a path's priority, with every test.
 * @alua: the sysfs attributes (TPGS, attached handler, access_state, preferred_path).
 * @rtpg_tried: REPORT TARGET PORT GROUPS was sent.
 * @rtpg_ok: it answered and listed the path's target port group, which is @group.
 */
struct prio_sample {
	struct mp_path_alua alua;
	bool rtpg_tried;
	bool rtpg_ok;
	struct mp_alua_group group;
};

/**
 * prio_sample_read() - read @dev's priority inputs, on a worker: sysfs, and with @rtpg a
 * REPORT TARGET PORT GROUPS through sg device @sg for target port group @tpg.
 */
void prio_sample_read(const char *dev, const char *sg, int tpg, bool rtpg, unsigned timeout_ms,
		      struct prio_sample *ret);

/* Whether @p's next sample should include RTPG (its prioritizer or ALUA detection needs it). */
bool path_prio_wants_rtpg(const struct path *p);

/**
 * path_prio_update() - choose @p's prioritizer (prio, prio_args, detect_prio, as multipath-tools
 * selects it) and compute its priority from @s. A path whose prioritizer fails keeps its
 * priority. Return: true when the priority changed.
 */
bool path_prio_update(struct daemon *d, struct path *p, const struct prio_sample *s);
