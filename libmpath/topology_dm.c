/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads every multipath map from device-mapper into a topology, for `mpath -ll` without a daemon. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "topology_dm.h"
#include "util.h"

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* -ENXIO or -EMEDIUMTYPE when the map vanished or is not (or no longer) a multipath map. */
static int map_read(const char *name, struct mp_topo_map *ret)
{
	_cleanup_free_ char *type = NULL, *table = NULL, *status = NULL;
	struct mp_dm_info info;
	uint64_t size;
	int r;

	r = mp_dm_get_table(name, &info, &type, &table, &size);
	if (r == -ENODATA)
		return -EMEDIUMTYPE;
	if (r < 0)
		return r;
	if (!streq(type, MP_DM_TARGET_MULTIPATH))
		return -EMEDIUMTYPE;
	r = mp_dm_get_status(name, &status);
	if (r == -ENXIO)
		return r;
	if (r < 0)
		log_debug_errno(r, "%s: Failed to read the status", name);
	return mp_topo_map_from_dm(name, &info, size, table, status, ret);
}

static int map_compare(const void *a, const void *b)
{
	return strcmp(((const struct mp_topo_map *)a)->name, ((const struct mp_topo_map *)b)->name);
}

int mp_topology_from_dm(struct mp_topology **ret)
{
	_cleanup_dm_names_ char **names = NULL;
	_cleanup_topology_ struct mp_topology *t = NULL;
	int n;

	n = mp_dm_list_multipath(&names);
	if (n < 0)
		return n;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->created_usec = now_usec();
	t->maps = calloc(n ? (size_t)n : 1, sizeof(*t->maps));
	if (!t->maps)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		int r = map_read(names[i], &t->maps[t->nr_maps]);

		if (r == -ENXIO || r == -EMEDIUMTYPE) {
			log_debug("%s: changed while being read, skipped", names[i]);
			continue;
		}
		if (r == -EINVAL) {
			log_warn("%s: cannot parse its table or status, skipped", names[i]);
			continue;
		}
		if (r < 0)
			return log_err_errno(r, "%s: Failed to read the map", names[i]);
		t->nr_maps++;
	}
	qsort(t->maps, t->nr_maps, sizeof(*t->maps), map_compare);
	*ret = TAKE_PTR(t);
	return 0;
}
