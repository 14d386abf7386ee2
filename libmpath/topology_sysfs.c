/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Topology maps from dm table and status text, with each path's facts read from sysfs. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmtable.h"
#include "path_facts.h"
#include "sysfs.h"
#include "topology_dm.h"
#include "util.h"
#include "words.h"

int mp_topo_path_from_sysfs(const char *devt, struct mp_topo_path *ret)
{
	struct mp_topo_path p = { .tpg = -1, .relative_port = -1 };
	char dev[32];
	int r;

	/* the daemon's own reader, so `mpath -ll` says the same with and without the daemon */
	r = mp_path_dev_for_devt(devt, dev, sizeof(dev));
	if (r >= 0)
		r = mp_path_read_facts(dev, &p, NULL);
	if (r < 0) {
		p = (struct mp_topo_path){ .tpg = -1, .relative_port = -1 };
		snprintf(p.dev_state, sizeof(p.dev_state), "unknown");
	}
	snprintf(p.devt, sizeof(p.devt), "%s", devt);
	*ret = p;
	return r < 0 ? -ENODEV : 0;
}

/* "N word..." as the kernel counts feature words: "1 queue_if_no_path", "0". */
static void features_text(const struct mp_table *t, char *buf, size_t len)
{
	size_t words = 0, used;

	for (char **f = t->features; f && *f; f++) {
		words++;
		for (const char *c = *f; *c; c++)
			words += *c == ' ';
	}
	used = (size_t)snprintf(buf, len, "%zu", words);
	for (char **f = t->features; f && *f && used < len; f++)
		used += (size_t)snprintf(buf + used, len - used, " %s", *f);
}

static void hwhandler_text(const struct mp_table *t, char *buf, size_t len)
{
	size_t used;

	if (!t->hwhandler) {
		snprintf(buf, len, "0");
		return;
	}
	used = (size_t)snprintf(buf, len, "%zu %s", 1 + mp_strv_length(t->hwhandler_args),
				t->hwhandler);
	for (char **a = t->hwhandler_args; a && *a && used < len; a++)
		used += (size_t)snprintf(buf + used, len - used, " %s", *a);
}

/* "service-time 0", as multipath -ll shows the policy. */
static void selector_text(const struct mp_table_group *g, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s %zu", g->selector,
				       mp_strv_length(g->selector_args));

	for (char **a = g->selector_args; a && *a && used < len; a++)
		used += (size_t)snprintf(buf + used, len - used, " %s", *a);
}

static enum mp_pg_state pg_state_from_status(enum mp_group_state s)
{
	switch (s) {
	case MP_GROUP_ACTIVE:
		return MP_PG_ACTIVE;
	case MP_GROUP_ENABLED:
		return MP_PG_ENABLED;
	case MP_GROUP_DISABLED:
		return MP_PG_DISABLED;
	}
	return MP_PG_UNKNOWN;
}

static void path_from_dm(const struct mp_table_path *tp, const struct mp_status *st,
			 const char *wwid, struct mp_topo_path *ret)
{
	const struct mp_status_path *sp = st ? mp_status_find_path(st, tp->dev) : NULL;

	(void)mp_topo_path_from_sysfs(tp->dev, ret);
	snprintf(ret->wwid, sizeof(ret->wwid), "%s", wwid);
	ret->checker_state = MP_CHK_UNCHECKED;
	if (sp) {
		ret->dm_state = sp->active ? MP_DM_PATH_ACTIVE : MP_DM_PATH_FAILED;
		ret->fail_count = (unsigned)sp->fail_count;
	}
}

static int group_from_dm(const struct mp_table *t, size_t index, const struct mp_status *st,
			 const char *wwid, struct mp_topo_group *ret)
{
	const struct mp_table_group *tg = &t->groups[index];
	struct mp_topo_group g = { .nr_paths = tg->nr_paths };

	selector_text(tg, g.selector, sizeof(g.selector));
	/* The status was read after the table; trust its group states only if the shapes agree. */
	if (st && st->nr_groups == t->nr_groups)
		g.state = pg_state_from_status(st->groups[index].state);
	g.paths = calloc(tg->nr_paths ? tg->nr_paths : 1, sizeof(*g.paths));
	if (!g.paths)
		return -ENOMEM;
	for (size_t i = 0; i < tg->nr_paths; i++)
		path_from_dm(&tg->paths[i], st, wwid, &g.paths[i]);
	*ret = g;
	return 0;
}

static void map_vendor_product(struct mp_topo_map *m)
{
	for (size_t g = 0; g < m->nr_groups; g++)
		for (size_t i = 0; i < m->groups[g].nr_paths; i++) {
			const struct mp_topo_path *p = &m->groups[g].paths[i];

			if (p->vendor[0] && p->product[0]) {
				snprintf(m->vendor, sizeof(m->vendor), "%s", p->vendor);
				snprintf(m->product, sizeof(m->product), "%s", p->product);
				return;
			}
		}
}

void mp_topo_map_release(struct mp_topo_map *m)
{
	if (!m)
		return;
	for (size_t g = 0; g < m->nr_groups; g++)
		free(m->groups[g].paths);
	free(m->groups);
	m->groups = NULL;
	m->nr_groups = 0;
}

static void map_identity(const char *name, const struct mp_dm_info *info, struct mp_topo_map *m)
{
	size_t prefix = strlen(MP_DM_UUID_PREFIX);

	snprintf(m->name, sizeof(m->name), "%s", name);
	if (strncmp(info->uuid, MP_DM_UUID_PREFIX, prefix) == 0 && info->uuid[prefix])
		snprintf(m->wwid, sizeof(m->wwid), "%s", info->uuid + prefix);
	else
		snprintf(m->wwid, sizeof(m->wwid), "%s", name);
	snprintf(m->dm_name, sizeof(m->dm_name), "dm-%u", info->minor);
	m->read_only = info->read_only;
}

int mp_topo_map_from_dm(const char *name, const struct mp_dm_info *info, uint64_t size,
			const char *table, const char *status, struct mp_topo_map *ret)
{
	_cleanup_mp_table_ struct mp_table *t = NULL;
	_cleanup_mp_status_ struct mp_status *st = NULL;
	struct mp_topo_map m = { .size_sectors = size };
	int r;

	r = mp_table_parse(table, &t);
	if (r < 0)
		return r;
	if (status && mp_status_parse(status, &st) < 0)
		st = NULL;
	map_identity(name, info, &m);
	features_text(t, m.features, sizeof(m.features));
	hwhandler_text(t, m.hwhandler, sizeof(m.hwhandler));
	m.queueing = mp_table_queue_if_no_path(t) ? -1 : 0;
	m.groups = calloc(t->nr_groups ? t->nr_groups : 1, sizeof(*m.groups));
	if (!m.groups)
		return -ENOMEM;
	for (size_t g = 0; g < t->nr_groups; g++) {
		r = group_from_dm(t, g, st, m.wwid, &m.groups[g]);
		if (r < 0) {
			mp_topo_map_release(&m);
			return r;
		}
		m.nr_groups++;
	}
	map_vendor_product(&m);
	*ret = m;
	return 0;
}
