/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The round-robin selector: every path of a map in one path group, I/O spread by the kernel. */

/*
 * This is VMware's "PSP round robin" (and multipath-tools' multibus) on
 * dm-multipath: one path group holding all paths, in H:C:T:L order, with the
 * kernel selector from path_selector ("round-robin 0", "queue-length 0",
 * "service-time 0" or "historical-service-time 0").
 *
 * Unusable paths stay in the group: the daemon fails them with fail_path and
 * reinstates them when their checker sees them answer, so a path that comes
 * back carries I/O again without a table reload. Only added and removed paths
 * need a reload.
 *
 * Per-path arguments:
 * - the repeat count is rr_min_io_rq (default 1: switch paths after every
 *   request, VMware's iops=1 tuning);
 * - with rr_weight "priorities", round-robin repeats each path
 *   rr_min_io_rq * prio times (prio from the prioritizer, at least 1), and
 *   service-time gets the prio (1..100) as relative throughput;
 *   queue-length and historical-service-time have nothing to weight.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "mpath-selector.h"
#include "sel-util.h"

#define REPEAT_MAX 1000000	/* keep rr_min_io_rq * prio sane */
#define THROUGHPUT_MAX 100	/* dm-service-time's limit */

static void path_args(const struct sel_kernel_selector *ks, long repeat, bool weighted, int prio,
		      char buf[2][24], const char *args[3])
{
	long tput = 1;

	if (weighted && prio > 0) {
		if (ks->weighted_repeat)
			repeat = repeat > REPEAT_MAX / prio ? REPEAT_MAX : repeat * prio;
		if (ks->throughput_arg)
			tput = prio > THROUGHPUT_MAX ? THROUGHPUT_MAX : prio;
	}
	snprintf(buf[0], sizeof(buf[0]), "%ld", repeat);
	snprintf(buf[1], sizeof(buf[1]), "%ld", tput);
	args[0] = buf[0];
	args[1] = ks->nr_path_args > 1 ? buf[1] : NULL;
	args[2] = NULL;
}

static int rr_build_layout(const struct mpath_sel_map *map, struct mpath_sel_layout *layout)
{
	const struct mpath_sel_host *h = map->host;
	struct sel_kernel_selector ks;
	long repeat = sel_setting_long(map, "rr_min_io_rq", 1);
	bool weighted = sel_setting_is(map, "rr_weight", "priorities");
	size_t *order = NULL;
	int dev, group, r;

	if (repeat < 1)
		repeat = 1;
	if (repeat > REPEAT_MAX)
		repeat = REPEAT_MAX;
	sel_kernel_selector_get(map, &ks);
	dev = h->layout_add_multipath(layout, NULL);
	if (dev < 0 || map->nr_paths == 0)
		return dev < 0 ? dev : 0;
	group = h->layout_add_group(layout, dev, ks.name, ks.args, ks.nr_path_args);
	if (group < 0)
		return group;
	r = sel_sort_paths(map, &order);
	for (size_t i = 0; r == 0 && i < map->nr_paths; i++) {
		const struct mpath_sel_path *p = &map->paths[order[i]];
		const char *args[3];
		char buf[2][24];

		path_args(&ks, repeat, weighted, p->prio, buf, args);
		r = h->layout_add_path(layout, dev, group, order[i], args);
	}
	free(order);
	return r;
}

static int rr_path_event(const struct mpath_sel_map *map, size_t path,
			 enum mpath_sel_path_event event, struct mpath_sel_actions *actions)
{
	/* Failed and usable paths are the daemon's fail_path/reinstate_path business. */
	if (event == MPATH_SEL_PATH_ADDED || event == MPATH_SEL_PATH_REMOVED)
		return map->host->action_reload(actions);
	return 0;
}

MPATH_SELECTOR_EXPORT const struct mpath_selector_ops mpath_selector = {
	.abi_version = MPATH_SELECTOR_ABI_VERSION,
	.name = "round-robin",
	.description = "all paths in one group; the kernel spreads I/O (path_selector, rr_min_io_rq, rr_weight)",
	.build_layout = rr_build_layout,
	.path_event = rr_path_event,
};
