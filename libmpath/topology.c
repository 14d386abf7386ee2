/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The topology snapshot's helpers: freeing, lookups by name, and state names. */
#include <string.h>

#include "topology.h"
#include "util.h"

struct mp_topology *mp_topology_free(struct mp_topology *t)
{
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->nr_maps; i++) {
		struct mp_topo_map *m = &t->maps[i];

		for (size_t g = 0; g < m->nr_groups; g++)
			free(m->groups[g].paths);
		free(m->groups);
		free(m->members);
	}
	free(t->maps);
	free(t->orphans);
	free(t);
	return NULL;
}

/* Admins type "/dev/sdb" and "/dev/mapper/mpatha" as often as the bare names. */
static const char *strip_dev_prefix(const char *name)
{
	if (strncmp(name, "/dev/mapper/", 12) == 0)
		return name + 12;
	if (strncmp(name, "/dev/", 5) == 0)
		return name + 5;
	return name;
}

static bool path_matches(const struct mp_topo_path *p, const char *dev)
{
	return streq(p->dev, dev) || streq(p->devt, dev);
}

static const struct mp_topo_path *map_find_path(const struct mp_topo_map *m, const char *dev)
{
	for (size_t g = 0; g < m->nr_groups; g++)
		for (size_t i = 0; i < m->groups[g].nr_paths; i++)
			if (path_matches(&m->groups[g].paths[i], dev))
				return &m->groups[g].paths[i];
	return NULL;
}

const struct mp_topo_path *mp_topology_find_path(const struct mp_topology *t, const char *dev,
						 const struct mp_topo_map **ret_map)
{
	if (!t || !dev)
		return NULL;
	dev = strip_dev_prefix(dev);
	if (!*dev)
		return NULL;
	for (size_t i = 0; i < t->nr_maps; i++) {
		const struct mp_topo_path *p = map_find_path(&t->maps[i], dev);

		if (p) {
			if (ret_map)
				*ret_map = &t->maps[i];
			return p;
		}
	}
	for (size_t i = 0; i < t->nr_orphans; i++)
		if (path_matches(&t->orphans[i], dev)) {
			if (ret_map)
				*ret_map = NULL;
			return &t->orphans[i];
		}
	return NULL;
}

const struct mp_topo_map *mp_topology_find_map(const struct mp_topology *t, const char *name)
{
	if (!t || !name)
		return NULL;
	name = strip_dev_prefix(name);
	if (!*name)
		return NULL;
	/* Names first: an alias may look like another map's WWID, never the other way round. */
	for (size_t i = 0; i < t->nr_maps; i++)
		if (streq(t->maps[i].name, name))
			return &t->maps[i];
	for (size_t i = 0; i < t->nr_maps; i++)
		if (streq(t->maps[i].wwid, name) || streq(t->maps[i].dm_name, name))
			return &t->maps[i];
	return NULL;
}

bool mp_topo_map_path_repeated(const struct mp_topo_map *m, size_t g, size_t i)
{
	const char *devt = m->groups[g].paths[i].devt;

	for (size_t h = 0; h <= g; h++)
		for (size_t k = 0; k < (h < g ? m->groups[h].nr_paths : i); k++)
			if (streq(m->groups[h].paths[k].devt, devt))
				return true;
	return false;
}

size_t mp_topo_map_nr_paths(const struct mp_topo_map *m)
{
	size_t n = 0;

	for (size_t g = 0; g < m->nr_groups; g++)
		for (size_t i = 0; i < m->groups[g].nr_paths; i++)
			n += !mp_topo_map_path_repeated(m, g, i);
	return n;
}

size_t mp_topo_map_nr_active_paths(const struct mp_topo_map *m)
{
	size_t n = 0;

	for (size_t g = 0; g < m->nr_groups; g++)
		for (size_t i = 0; i < m->groups[g].nr_paths; i++)
			n += m->groups[g].paths[i].dm_state == MP_DM_PATH_ACTIVE &&
			     !mp_topo_map_path_repeated(m, g, i);
	return n;
}

const char *mp_dm_path_state_name(enum mp_dm_path_state s)
{
	switch (s) {
	case MP_DM_PATH_ACTIVE:
		return "active";
	case MP_DM_PATH_FAILED:
		return "failed";
	case MP_DM_PATH_UNKNOWN:
		break;
	}
	return "undef";
}

const char *mp_checker_state_name(enum mp_checker_state s)
{
	/* One word each, so that `show paths` columns stay splittable by whitespace. */
	switch (s) {
	case MP_CHK_READY:
		return "ready";
	case MP_CHK_FAULTY:
		return "faulty";
	case MP_CHK_PENDING:
		return "pending";
	case MP_CHK_GHOST:
		return "ghost";
	case MP_CHK_ADMIN_DOWN:
		return "admin-down";
	case MP_CHK_UNCHECKED:
		break;
	}
	return "undef";
}

const char *mp_pg_state_name(enum mp_pg_state s)
{
	switch (s) {
	case MP_PG_ACTIVE:
		return "active";
	case MP_PG_ENABLED:
		return "enabled";
	case MP_PG_DISABLED:
		return "disabled";
	case MP_PG_UNKNOWN:
		break;
	}
	return "undef";
}
