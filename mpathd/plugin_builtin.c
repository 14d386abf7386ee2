/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The built-in "path-grouping" plugin: multipath-tools' grouping by path_grouping_policy
 * (failover, multibus, group_by_prio, group_by_tpg; group_by_serial and group_by_node_name
 * make one group), the best group first, and failback (immediate, followover, or after N
 * seconds) to the best group when its paths come back. Every map without a plugin of its own
 * uses it, and so does a map whose plugin failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "map.h"
#include "plugin_builtin.h"
#include "plugins.h"
#include "prio.h"
#include "util.h"
#include "words.h"

#define REPEAT_MAX 1000000	/* keep rr_min_io_rq * prio sane */

/* Per map: when a deferred failback is due (0: none). */
struct builtin_state {
	uint64_t failback_at;
};

static const struct mp_map_settings *map_settings(const struct mpath_sel_map *map)
{
	return &((const struct mpmap *)map->host_data)->settings;
}

static long long setting(const struct mpath_sel_map *map, enum mp_key k, long long unset)
{
	const struct mp_setting *s = &map_settings(map)->key[k];

	return s->set ? s->num : unset;
}

/* Paths in the order groups are formed: target port group, then H:C:T:L. */
static int path_cmp(const void *a, const void *b, void *arg)
{
	const struct mpath_sel_map *map = arg;
	const struct mpath_sel_path *x = &map->paths[*(const size_t *)a];
	const struct mpath_sel_path *y = &map->paths[*(const size_t *)b];

	if (x->tpg != y->tpg)
		return x->tpg < y->tpg ? -1 : 1;
	return strcmp(x->hctl, y->hctl);
}

/*
 * Each path's group (0-based, in @order) and the number of groups, as path_grouping_policy
 * asks; @order receives the paths in table order within their groups.
 */
static int group_paths(const struct mpath_sel_map *map, size_t *order, unsigned *group)
{
	long long pgp = setting(map, MP_KEY_PATH_GROUPING_POLICY, MP_PGP_FAILOVER);
	_cleanup_free_ struct mp_pg_path *pg = NULL;
	_cleanup_free_ unsigned *by_order = NULL;
	size_t n = map->nr_paths;
	int nr = 0;

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), path_cmp, (void *)map);
	if (n == 0)
		return 0;
	pg = calloc(n ? n : 1, sizeof(*pg));
	by_order = calloc(n ? n : 1, sizeof(*by_order));
	if (!pg || !by_order)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct mpath_sel_path *p = &map->paths[order[i]];

		pg[i] = (struct mp_pg_path){ .prio = p->prio, .tpg = p->tpg, .enabled = p->usable };
	}
	/* every policy's groups are sorted by priority, as multipath-tools sorts them (failover too) */
	nr = mp_pg_group(pg, n, pgp == MP_PGP_GROUP_BY_PRIO ? MP_PG_BY_PRIO :
				pgp == MP_PGP_GROUP_BY_TPG ? MP_PG_BY_TPG :
				pgp == MP_PGP_FAILOVER ? MP_PG_EACH : MP_PG_ALL, false, by_order);
	for (size_t i = 0; nr >= 0 && i < n; i++)
		group[order[i]] = by_order[i];
	return nr;
}

/* The group to carry I/O first (0-based), as multipath-tools selects it. */
static unsigned best_group(const struct mpath_sel_map *map, const unsigned *group, unsigned nr_groups)
{
	_cleanup_free_ struct mp_pg_path *pg = calloc(map->nr_paths ? map->nr_paths : 1, sizeof(*pg));

	if (!pg)
		return 0;
	for (size_t i = 0; i < map->nr_paths; i++)
		pg[i] = (struct mp_pg_path){ .prio = map->paths[i].prio, .tpg = map->paths[i].tpg,
					     .enabled = map->paths[i].usable };
	return mp_pg_best(pg, map->nr_paths, group, nr_groups) - 1;
}

/* The kernel path selector and its arguments from path_selector; per-path argument count. */
static int path_selector(const struct mpath_sel_map *map, char ***ret_words, unsigned *ret_npa)
{
	const struct mp_setting *ps = &map_settings(map)->key[MP_KEY_PATH_SELECTOR];
	_cleanup_strv_ char **sw = NULL;
	struct mp_words w = { 0 };
	int r;

	r = mp_words_split(ps->set && ps->text ? ps->text : "service-time 0", &w);
	for (size_t i = 0; r == 0 && i < w.n; i++)
		r = mp_strv_push(&sw, w.v[i]);
	mp_words_release(&w);
	if (r < 0 || !sw)
		return r < 0 ? r : -EINVAL;
	*ret_npa = streq(sw[0], "service-time") ? 2 : 1;
	*ret_words = TAKE_PTR(sw);
	return 0;
}

static int builtin_build_layout(const struct mpath_sel_map *map, struct mpath_sel_layout *l)
{
	const struct mpath_sel_host *h = map->host;
	long long rq = setting(map, MP_KEY_RR_MIN_IO_RQ, 1);
	size_t n = map->nr_paths;
	_cleanup_free_ size_t *order = calloc(n ? n : 1, sizeof(*order));
	_cleanup_free_ unsigned *group = calloc(n ? n : 1, sizeof(*group));
	_cleanup_strv_ char **sw = NULL;
	char repeat[24];
	unsigned npa;
	int dev, nr, r;

	if (!order || !group)
		return -ENOMEM;
	r = path_selector(map, &sw, &npa);
	if (r < 0)
		return r;
	bool weighted = setting(map, MP_KEY_RR_WEIGHT, MP_RR_WEIGHT_UNIFORM) == MP_RR_WEIGHT_PRIORITIES;
	const char *args[] = { repeat, npa == 2 ? "1" : NULL, NULL };
	const char *const *sel_args = sw[1] && sw[2] ? (const char *const *)&sw[2] : NULL;

	if (rq < 1)
		rq = 1;
	nr = group_paths(map, order, group);
	if (nr < 0)
		return nr;
	dev = h->layout_add_multipath(l, NULL);
	for (int g = 0; dev >= 0 && g < nr; g++) {
		int k = h->layout_add_group(l, dev, sw[0], sel_args, npa);

		for (size_t i = 0; k >= 0 && i < n; i++) {
			int prio = map->paths[order[i]].prio;

			if (group[order[i]] != (unsigned)g)
				continue;
			/* rr_weight priorities: the repeat count times the path's priority, as
			 * multipath-tools writes it (rr_min_io_rq * prio) */
			snprintf(repeat, sizeof(repeat), "%lld",
				 weighted && prio > 0 ? (rq > REPEAT_MAX / prio ? REPEAT_MAX : rq * prio) : rq);
			if ((r = h->layout_add_path(l, dev, k, order[i], args)) < 0)
				return r;
		}
		if (k < 0)
			return k;
	}
	if (dev < 0)
		return dev;
	return nr > 1 ? h->layout_set_initial_group(l, dev, (int)best_group(map, group, (unsigned)nr)) : 0;
}

/* ---- failback: back to the best group once its paths return ---- */

static int builtin_attach(const struct mpath_sel_map *map, void **ret_priv)
{
	*ret_priv = calloc(1, sizeof(struct builtin_state));
	return *ret_priv ? 0 : -ENOMEM;
}

static void builtin_detach(const struct mpath_sel_map *map)
{
	free(map->priv);
}

/* Send the kernel to the best group when it is elsewhere; true when asked to. */
static bool switch_to_best(const struct mpath_sel_map *map, struct mpath_sel_actions *a)
{
	size_t n = map->nr_paths;
	_cleanup_free_ size_t *order = calloc(n ? n : 1, sizeof(*order));
	_cleanup_free_ unsigned *group = calloc(n ? n : 1, sizeof(*group));
	char msg[32];
	unsigned best;
	int nr;

	if (!order || !group || (nr = group_paths(map, order, group)) <= 1)
		return false;
	best = best_group(map, group, (unsigned)nr);
	if (map->active_group < 0 || (unsigned)map->active_group == best)
		return false;
	snprintf(msg, sizeof(msg), "switch_group %u", best + 1);
	map->host->log(map->host, MPATH_SEL_LOG_NOTICE, "map %s: failback to group %u", map->name, best + 1);
	return map->host->action_message(a, NULL, msg) >= 0;
}

/* followover: only the first path of a group to come back moves I/O there. */
static bool first_of_its_group(const struct mpath_sel_map *map, size_t path)
{
	size_t n = map->nr_paths;
	_cleanup_free_ size_t *order = calloc(n ? n : 1, sizeof(*order));
	_cleanup_free_ unsigned *group = calloc(n ? n : 1, sizeof(*group));

	if (!order || !group || group_paths(map, order, group) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (i != path && group[i] == group[path] && map->paths[i].usable)
			return false;
	return true;
}

static int builtin_path_event(const struct mpath_sel_map *map, size_t path, enum mpath_sel_path_event event,
			      struct mpath_sel_actions *a)
{
	struct builtin_state *st = map->priv;
	long long fb = setting(map, MP_KEY_FAILBACK, MP_FAILBACK_MANUAL);

	if (event == MPATH_SEL_PATH_ADDED || event == MPATH_SEL_PATH_REMOVED)
		return map->host->action_reload(a);
	if (event != MPATH_SEL_PATH_USABLE || !st || fb == MP_FAILBACK_MANUAL)
		return 0;
	if (fb > 0) {
		if (!st->failback_at)
			st->failback_at = map->host->now_usec(map->host) + (uint64_t)fb * 1000000;
		return 0;
	}
	if (fb == MP_FAILBACK_FOLLOWOVER && !first_of_its_group(map, path))
		return 0;
	switch_to_best(map, a);
	return 0;
}

static int builtin_tick(const struct mpath_sel_map *map, struct mpath_sel_actions *a)
{
	struct builtin_state *st = map->priv;

	if (!st || !st->failback_at || map->host->now_usec(map->host) < st->failback_at)
		return 0;
	st->failback_at = 0;
	switch_to_best(map, a);
	return 0;
}

const struct mpath_selector_ops plugin_builtin_ops = {
	.abi_version = MPATH_SELECTOR_ABI_VERSION,
	.name = PLUGIN_BUILTIN,
	.description = "built-in: groups by path_grouping_policy and fails back, like multipath-tools",
	.map_attach = builtin_attach,
	.map_detach = builtin_detach,
	.build_layout = builtin_build_layout,
	.path_event = builtin_path_event,
	.tick = builtin_tick,
};
