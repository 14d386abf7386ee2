/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Taking over the maps in the kernel at start-up, ours from an earlier run or another
 * daemon's (multipathd): a map is matched to its paths by what its table holds, not only by
 * its UUID, keeps its name and UUID, and is never removed unless mpathd created it. A map
 * none of whose paths mpathd finds is left alone and shown as unmanaged. Devices left without
 * a table by an interrupted create are removed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "checker.h"
#include "daemon.h"
#include "dm.h"
#include "dmtable.h"
#include "log.h"
#include "map.h"
#include "map_adopt.h"
#include "map_plan.h"
#include "path.h"
#include "util.h"
#include "words.h"

/* One dm device as found. */
struct found_dev {
	char *name;
	char *type;		/* "multipath", "switch", or "" without a table */
	char *params;
	uint64_t size;
	struct mp_dm_info info;
	bool taken;		/* assigned to a map */
};

static void found_release(struct found_dev *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].type);
		free(f[i].params);
	}
	free(f);
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Every dm device with its table (never its status: start-up must not wait on a target). */
static int devices_read(char **names, struct found_dev **ret, size_t *ret_n)
{
	size_t n = mp_strv_length(names), k = 0;
	struct found_dev *f = calloc(n ? n : 1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct found_dev *fd = &f[k];
		int r = mp_dm_get_table(names[i], &fd->info, &fd->type, &fd->params, &fd->size);

		if (r == -ENODATA && mp_dm_get_info(names[i], &fd->info) >= 0 && fd->info.exists)
			r = 0;		/* no live table: a create interrupted before its load */
		else if (r < 0)
			continue;	/* gone meanwhile, or several targets: not a map of ours */
		fd->name = strdup(names[i]);
		if (!fd->name) {
			found_release(f, k + 1);
			return -ENOMEM;
		}
		k++;
	}
	*ret = f;
	*ret_n = k;
	return 0;
}

/* Tableless devices with our UUIDs: an interrupted create. Remove them so the name is free. */
static void remove_half_created(struct found_dev *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int r;

		if (f[i].params || !(has_prefix(f[i].info.uuid, MAP_UUID_PREFIX) ||
				     has_prefix(f[i].info.uuid, MAP_STACK_UUID_PREFIX)))
			continue;
		f[i].taken = true;
		if (f[i].info.open_count > 0) {
			log_warn("%s: has no table (an interrupted create) and is open; left alone", f[i].name);
			continue;
		}
		r = mp_dm_remove(f[i].name, false);
		if (r < 0)
			log_warn_errno(r, "%s: has no table (an interrupted create); removing it failed", f[i].name);
		else
			log_warn("%s: had no table (an interrupted create); removed", f[i].name);
	}
}

static int map_dev_from_found(struct map_dev *dev, const struct found_dev *f, const char *suffix,
			      enum mp_sel_device_type type)
{
	*dev = (struct map_dev){ .type = type };
	snprintf(dev->name, sizeof(dev->name), "%s", f->name);
	snprintf(dev->uuid, sizeof(dev->uuid), "%s", f->info.uuid);
	snprintf(dev->devt, sizeof(dev->devt), "%u:%u", f->info.major, f->info.minor);
	snprintf(dev->dm_name, sizeof(dev->dm_name), "dm-%u", f->info.minor);
	dev->event_nr = f->info.event_nr;
	dev->open_count = f->info.open_count;
	dev->params = strdup(f->params ? f->params : "");
	if (suffix)
		dev->suffix = strdup(suffix);
	if (!dev->params || (suffix && !dev->suffix))
		return -ENOMEM;
	if (type == MP_SEL_DEVICE_MULTIPATH)
		map_dev_groups_from_table(dev);
	return 0;
}

static bool created_before(struct daemon *d, const char *name)
{
	for (size_t i = 0; d->created && d->created[i]; i++)
		if (streq(d->created[i], name))
			return true;
	return false;
}

static struct mpmap *adopt_top(struct daemon *d, struct found_dev *top, const char *wwid)
{
	struct mpmap *m = map_new(d, wwid);

	if (!m)
		return NULL;
	snprintf(m->name, sizeof(m->name), "%s", top->name);
	m->size_sectors = top->size;
	m->origin = created_before(d, top->name) ? MAP_CREATED : MAP_ADOPTED;
	top->taken = true;
	return m;
}

/* A switch stack of ours: the top "mpathd-<wwid>", its lower devices "mpathd-<wwid>-<suffix>". */
static int adopt_stack(struct daemon *d, struct found_dev *f, size_t n, struct found_dev *top)
{
	const char *wwid = top->info.uuid + strlen(MAP_STACK_UUID_PREFIX);
	size_t wlen = strlen(wwid), nr = 0;
	struct mpmap *m = adopt_top(d, top, wwid);
	int r = 0;

	if (!m || !(m->devs = calloc(n + 1, sizeof(*m->devs))))
		return -ENOMEM;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		const char *u = f[i].info.uuid;

		if (f[i].taken || !f[i].params || !has_prefix(u, MAP_STACK_UUID_PREFIX) ||
		    strncmp(u + strlen(MAP_STACK_UUID_PREFIX), wwid, wlen) ||
		    u[strlen(MAP_STACK_UUID_PREFIX) + wlen] != '-' || !streq(f[i].type, "multipath"))
			continue;
		r = map_dev_from_found(&m->devs[nr++], &f[i], u + strlen(MAP_STACK_UUID_PREFIX) + wlen + 1,
				       MP_SEL_DEVICE_MULTIPATH);
		f[i].taken = true;
	}
	if (r >= 0)
		r = map_dev_from_found(&m->devs[nr++], top, NULL, MP_SEL_DEVICE_SWITCH);
	m->nr_devs = nr;
	if (r >= 0)
		log_info("%s: adopted a stack of %zu devices (%s)", m->name, nr, m->wwid);
	return r;
}

static int adopt_multipath(struct daemon *d, struct found_dev *f)
{
	const char *u = f->info.uuid;
	struct mpmap *m;
	int r;

	/* a multipath map another tool made may have any UUID; its paths will say what it is */
	m = adopt_top(d, f, has_prefix(u, MAP_UUID_PREFIX) ? u + strlen(MAP_UUID_PREFIX) : f->name);
	if (!m || !(m->devs = calloc(1, sizeof(*m->devs))))
		return -ENOMEM;
	r = map_dev_from_found(&m->devs[0], f, NULL, MP_SEL_DEVICE_MULTIPATH);
	m->nr_devs = 1;
	if (r >= 0)
		log_info("%s: adopted existing map (%s, %s)", m->name, m->wwid,
			 m->origin == MAP_CREATED ? "created by mpathd" : "made by another tool");
	return r;
}

/* Every name, for the naming rule: never hand out a name a dm device holds. */
static int names_remember(struct daemon *d, char **names)
{
	mp_strv_free(d->dm_names);
	d->dm_names = NULL;
	return mp_strv_copy(names, &d->dm_names);
}

int maps_adopt_existing(struct daemon *d)
{
	_cleanup_dm_names_ char **names = NULL;
	struct found_dev *f = NULL;
	size_t n = 0;
	int r;

	r = mp_dm_list_all(&names);
	if (r < 0)
		return log_err_errno(r, "listing device-mapper devices failed");
	r = names_remember(d, names);
	if (r >= 0)
		r = devices_read(names, &f, &n);
	if (r < 0)
		return r;
	remove_half_created(f, n);
	/* stacks first, so their lower multipath devices are not taken for maps of their own */
	for (size_t i = 0; r >= 0 && i < n; i++)
		if (!f[i].taken && f[i].params && streq(f[i].type, "switch") &&
		    has_prefix(f[i].info.uuid, MAP_STACK_UUID_PREFIX))
			r = adopt_stack(d, f, n, &f[i]);
	for (size_t i = 0; r >= 0 && i < n; i++)
		if (!f[i].taken && f[i].params && streq(f[i].type, "multipath") &&
		    !has_prefix(f[i].info.uuid, MAP_STACK_UUID_PREFIX))
			r = adopt_multipath(d, &f[i]);
	found_release(f, n);
	return r;
}

/* ---- after enumeration: which paths each adopted map holds ---- */

static bool map_tables_hold(const struct mpmap *m, const char *devt)
{
	for (size_t k = 0; k < m->nr_devs; k++)
		for (size_t g = 0; g < m->devs[k].nr_groups; g++)
			for (size_t i = 0; i < m->devs[k].groups[g].nr_paths; i++)
				if (streq(m->devs[k].groups[g].paths[i].devt, devt))
					return true;
	return false;
}

/* The WWID most of @m's table paths report; NULL when none is known. */
static const char *paths_wwid(struct daemon *d, const struct mpmap *m)
{
	const char *best = NULL;
	size_t best_n = 0;

	for (size_t i = 0; i < d->nr_paths; i++) {
		const char *w = d->paths[i]->info.wwid;
		size_t c = 0;

		if (!map_tables_hold(m, d->paths[i]->info.devt) || (best && streq(best, w)))
			continue;
		for (size_t k = 0; k < d->nr_paths; k++)
			c += map_tables_hold(m, d->paths[k]->info.devt) && streq(d->paths[k]->info.wwid, w);
		if (c > best_n) {
			best = w;
			best_n = c;
		}
	}
	return best;
}

static void adopt_map_paths(struct daemon *d, struct mpmap *m)
{
	const char *w = paths_wwid(d, m);

	if (!w) {
		m->unmanaged = true;
		log_warn("%s: none of the paths in its table were found (blacklisted, or not SCSI); "
			 "left alone, shown as unmanaged", m->name);
		return;
	}
	if (!streq(w, m->wwid)) {
		log_info("%s: its UUID names %s, its paths report WWID %s; it keeps its name and UUID "
			 "and is matched to its paths by its table", m->name, m->wwid, w);
		snprintf(m->wwid, sizeof(m->wwid), "%s", w);
	}
	for (size_t i = 0; i < d->nr_paths; i++) {
		struct path *p = d->paths[i];

		if (!p->map && streq(p->info.wwid, m->wwid) && map_attach_path(m, p) > 0)
			checker_claimed(d, p);
	}
}

void maps_adopt_paths(struct daemon *d)
{
	for (size_t i = 0; i < d->nr_maps; i++)
		if (d->maps[i]->origin != MAP_NEW)
			adopt_map_paths(d, d->maps[i]);
}
