/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The eql-slice selector: every I/O to the array member that holds that part of the volume. */

/*
 * For scale-out arrays that spread a volume over members and say where each part lives
 * (SBC-3 REPORT REFERRALS), as EqualLogic groups do. The map becomes a stack:
 *
 *   <map>            dm "switch": one region per referrals segment, routed to its owner
 *   <map>-m<TPG>     dm "multipath", one per member (target port group): a preferred group
 *                    with the paths to that member, then a fallback group with the paths to
 *                    the other members, which forward the I/O
 *
 * Losing every path to a member costs speed, never an I/O error: its device moves to the
 * fallback group by itself, and back (switch_group 1) when a path to the member returns.
 * Regions follow the referrals: a change is sent as set_region_mappings for the regions that
 * changed, with no table load. Before the first referrals arrive, regions go round-robin.
 *
 * Settings: member_path_selector (default "queue-length 0", what Dell's HIT/Linux used) is the
 * kernel selector in each member device; rr_min_io_rq its repeat count. Any array that reports
 * referrals can use it (selector eql-slice), not only EQLOGIC.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpath-selector.h"
#include "sel-util.h"

#define MEMBERS_MAX		64
#define DEFAULT_REGION_SECTORS	30720	/* an EqualLogic page, 15 MiB, until referrals say */
#define ALUA_OPTIMIZED		0

/* The members of a map: its paths' target port groups, in ascending order. */
static size_t members_of(const struct mpath_sel_map *map, int member[MEMBERS_MAX])
{
	size_t n = 0;

	for (size_t i = 0; i < map->nr_paths; i++) {
		int tpg = map->paths[i].tpg;
		size_t k = 0;

		if (tpg < 0)
			continue;
		while (k < n && member[k] < tpg)
			k++;
		if ((k < n && member[k] == tpg) || n == MEMBERS_MAX)
			continue;
		memmove(&member[k + 1], &member[k], (n - k) * sizeof(*member));
		member[k] = tpg;
		n++;
	}
	return n;
}

static int member_index(const int *member, size_t n, int tpg)
{
	for (size_t k = 0; k < n; k++)
		if (member[k] == tpg)
			return (int)k;
	return -1;
}

/* Sectors per region: one referrals segment, in 512-byte sectors. */
static uint64_t region_sectors(const struct mpath_sel_map *map)
{
	uint64_t per_block = map->block_size >= 512 ? map->block_size / 512 : 1;

	if (!map->nr_segments)
		return DEFAULT_REGION_SECTORS;
	return (map->segments[0].last_lba - map->segments[0].first_lba + 1) * per_block;
}

/* The member owning @lba: the active/optimized target port group of its segment, or -1. */
static int lba_owner(const struct mpath_sel_map *map, uint64_t lba, const int *member, size_t n)
{
	if (map->segment_period)
		lba %= map->segment_period;
	for (size_t s = 0; s < map->nr_segments; s++) {
		const struct mpath_sel_segment *seg = &map->segments[s];

		if (lba < seg->first_lba || lba > seg->last_lba)
			continue;
		for (size_t t = 0; t < seg->nr_tpgs; t++)
			if (seg->tpgs[t].state == ALUA_OPTIMIZED)
				return member_index(member, n, seg->tpgs[t].tpg);
		return -1;
	}
	return -1;
}

static int set_regions(const struct mpath_sel_map *map, struct mpath_sel_layout *l, int top, uint64_t rsize,
		       const int *member, size_t n)
{
	uint64_t per_block = map->block_size >= 512 ? map->block_size / 512 : 1;
	size_t nr = (size_t)((map->size_sectors + rsize - 1) / rsize);
	uint32_t *owner = calloc(nr ? nr : 1, sizeof(*owner));
	int r;

	if (!owner)
		return -ENOMEM;
	for (size_t i = 0; i < nr; i++) {
		int o = lba_owner(map, i * rsize / per_block, member, n);

		owner[i] = o >= 0 ? (uint32_t)o : (uint32_t)(i % n);	/* unknown: spread */
	}
	r = map->host->layout_set_regions(l, top, owner, nr);
	free(owner);
	return r;
}

/* One member's device: its own paths first, then the others' as the fallback. */
static int member_device(const struct mpath_sel_map *map, struct mpath_sel_layout *l, int tpg,
			 const struct sel_kernel_selector *ks, const char *const *args)
{
	const struct mpath_sel_host *h = map->host;
	char suffix[16];
	int dev, g, r = 0;

	snprintf(suffix, sizeof(suffix), "m%d", tpg);
	dev = h->layout_add_multipath(l, suffix);
	if (dev < 0)
		return dev;
	for (int pass = 0; pass < 2 && r >= 0; pass++) {
		g = -1;
		for (size_t i = 0; i < map->nr_paths && r >= 0; i++) {
			bool own = map->paths[i].tpg == tpg;

			if (own != (pass == 0))
				continue;
			if (g < 0 && (g = h->layout_add_group(l, dev, ks->name, ks->args, ks->nr_path_args)) < 0)
				return g;
			r = h->layout_add_path(l, dev, g, i, args);
		}
	}
	return r < 0 ? r : dev;
}

static int eql_build_layout(const struct mpath_sel_map *map, struct mpath_sel_layout *l)
{
	const struct mpath_sel_host *h = map->host;
	struct sel_kernel_selector ks;
	int member[MEMBERS_MAX], lower[MEMBERS_MAX];
	size_t n = members_of(map, member);
	long repeat = sel_setting_long(map, "rr_min_io_rq", 1);
	char rep[24];
	const char *args[3] = { rep, "1", NULL };
	int top;

	if (n == 0) {
		h->log(h, MPATH_SEL_LOG_WARN, "map %s: no path reports a target port group; one device", map->name);
		return sel_single_group(map, l);
	}
	sel_kernel_selector_from(map, "member_path_selector", &ks);
	/* only round-robin takes a repeat count; queue-length and service-time force 1 and warn */
	if (strcmp(ks.name, "round-robin") != 0)
		repeat = 1;
	snprintf(rep, sizeof(rep), "%ld", repeat > 0 ? repeat : 1);
	if (ks.nr_path_args < 2)
		args[1] = NULL;
	for (size_t k = 0; k < n; k++) {
		lower[k] = member_device(map, l, member[k], &ks, args);
		if (lower[k] < 0)
			return lower[k];
	}
	top = h->layout_add_switch(l, NULL, region_sectors(map), lower, n);
	if (top < 0)
		return top;
	return set_regions(map, l, top, region_sectors(map), member, n);
}

static int eql_path_event(const struct mpath_sel_map *map, size_t path, enum mpath_sel_path_event event,
			  struct mpath_sel_actions *a)
{
	char suffix[16];

	switch (event) {
	case MPATH_SEL_PATH_ADDED:
	case MPATH_SEL_PATH_REMOVED:
		return map->host->action_reload(a);
	case MPATH_SEL_PATH_USABLE:
		/* a path to the member is back: its device returns to the member's own paths */
		if (map->paths[path].tpg < 0)
			return 0;
		snprintf(suffix, sizeof(suffix), "m%d", map->paths[path].tpg);
		return map->host->action_message(a, suffix, "switch_group 1");
	default:
		return 0;
	}
}

static int eql_map_event(const struct mpath_sel_map *map, enum mpath_sel_map_event event,
			 struct mpath_sel_actions *a)
{
	/* new owners: the daemon rebuilds the layout and sends only the regions that changed */
	if (event == MPATH_SEL_MAP_REFERRALS_CHANGED)
		return map->host->action_reload(a);
	return 0;
}

MPATH_SELECTOR_EXPORT const struct mpath_selector_ops mpath_selector = {
	.abi_version = MPATH_SELECTOR_ABI_VERSION,
	.name = "eql-slice",
	.description = "scale-out arrays: dm-switch over one device per member, regions from REPORT REFERRALS",
	.build_layout = eql_build_layout,
	.path_event = eql_path_event,
	.map_event = eql_map_event,
};
