/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An example selector plugin ("first-path" policy), written against mpath-selector.h alone. */

/*
 * This plugin is built and installed, but it is an example to copy, not a
 * policy to recommend. Select it with `selector example` in multipath.conf.
 *
 * Policy: one path group per path, in H:C:T:L order, so the path with the
 * lowest SCSI address carries all I/O and the others wait in order (like
 * multipath-tools' "failover" grouping). It keeps no state, so it needs no
 * map_attach(); it answers path events only with reloads, which is also what
 * the daemon does when a plugin has no path_event().
 *
 * Build outside the mpathd tree:
 *   cc -shared -fPIC -fvisibility=hidden -o example.so example.c \
 *      -I/usr/include/mpathd
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpath-selector.h"

/* Compare "H:C:T:L" numerically, so 10:0:0:0 comes after 2:0:0:0. */
static int hctl_cmp(const char *a, const char *b)
{
	unsigned x[4] = { 0 }, y[4] = { 0 };

	if (sscanf(a, "%u:%u:%u:%u", &x[0], &x[1], &x[2], &x[3]) != 4 ||
	    sscanf(b, "%u:%u:%u:%u", &y[0], &y[1], &y[2], &y[3]) != 4)
		return strcmp(a, b);
	for (int i = 0; i < 4; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

static int example_build_layout(const struct mpath_sel_map *map, struct mpath_sel_layout *layout)
{
	const struct mpath_sel_host *h = map->host;
	/* round-robin with one path per group: the repeat count is all it needs */
	const char *path_args[] = { "1", NULL };
	bool *done;
	int dev;

	/* The top device (suffix NULL) is the map itself. */
	dev = h->layout_add_multipath(layout, NULL);
	if (dev < 0)
		return dev;
	done = calloc(map->nr_paths ? map->nr_paths : 1, sizeof(*done));
	if (!done)
		return -ENOMEM;	/* errors are negative errno values */

	/* Selection sort: path counts are small, and this keeps the example short. */
	for (size_t n = 0; n < map->nr_paths; n++) {
		size_t first = map->nr_paths;
		int group, r;

		for (size_t i = 0; i < map->nr_paths; i++)
			if (!done[i] && (first == map->nr_paths ||
					 hctl_cmp(map->paths[i].hctl, map->paths[first].hctl) < 0))
				first = i;
		done[first] = true;

		/* Every group needs at least one path; the first group carries I/O first. */
		group = h->layout_add_group(layout, dev, "round-robin", NULL, 1);
		r = group < 0 ? group : h->layout_add_path(layout, dev, group, first, path_args);
		if (r < 0) {
			free(done);
			return r;
		}
	}
	free(done);
	h->log(h, MPATH_SEL_LOG_DEBUG, "map %s: %zu groups", map->name, map->nr_paths);
	return 0;
}

/* The one exported symbol. Its name must be "mpath_selector", its .name the file name. */
MPATH_SELECTOR_EXPORT const struct mpath_selector_ops mpath_selector = {
	.abi_version = MPATH_SELECTOR_ABI_VERSION,
	.name = "example",
	.description = "example plugin: one group per path in H:C:T:L order (first path first)",
	.build_layout = example_build_layout,
};
