/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Applying a map's plan: one job at a time per map compares the plan with what the kernel
 * has and does only the difference, loading lower devices before the devices that use them
 * and removing devices top-down. Jobs run in the dm worker pool; their results come back to
 * the model here. A switch device's region map is sent whole after every load (a load resets
 * it) and only where it changed otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "daemon.h"
#include "dm.h"
#include "dmswitch.h"
#include "dmtable.h"
#include "log.h"
#include "map.h"
#include "map_plan.h"
#include "path.h"
#include "snapshot.h"
#include "state_files.h"
#include "strbuf.h"
#include "sysfs.h"
#include "util.h"
#include "words.h"
#include "workers.h"

#define MESSAGE_MAX_LEN 4000	/* set_region_mappings messages are split below this */

enum job_kind { JOB_SYNC, JOB_STATUS, JOB_MESSAGE, JOB_REMOVE };

/* One device of a job: what to do with it, and what the kernel said. */
struct job_dev {
	enum mp_sel_device_type type;
	char name[128];
	char uuid[136];		/* expected; a device with another UUID under this name is not ours */
	char *want;		/* JOB_SYNC: the table wanted (a switch's is built on the worker) */
	bool remove;		/* JOB_SYNC: not in the plan any more; removed top-down at the end */
	bool adopted;		/* JOB_SYNC: found at start-up: a reload logs both tables first */
	uint32_t *regions;	/* switch: the region map wanted */
	uint32_t *old_regions;	/* switch: the map as last sent, NULL when unknown (send it whole) */
	size_t nr_regions;
	uint64_t region_size;
	bool regions_sent;
	/* results */
	uint64_t size;		/* its length in the kernel */
	int result;
	bool exists, created, loaded, removed;
	char *table, *status;
	struct mp_dm_info info;
};

struct map_job {
	struct work_item item;
	struct daemon *daemon;
	struct mpmap *map;
	enum job_kind kind;
	struct map_plan *plan;		/* JOB_SYNC */
	uint64_t size;
	struct job_dev *devs;
	size_t nr_devs;
	char *msg;			/* JOB_MESSAGE, to devs[0] */
	int result;
};

static void map_job_free(struct map_job *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->nr_devs; i++) {
		free(j->devs[i].want);
		free(j->devs[i].regions);
		free(j->devs[i].old_regions);
		free(j->devs[i].table);
		free(j->devs[i].status);
	}
	free(j->devs);
	map_plan_free(j->plan);
	free(j->msg);
	free(j);
}

/* ---- on a worker: the kernel side ---- */

static const char *target_name(enum mp_sel_device_type type)
{
	return type == MP_SEL_DEVICE_SWITCH ? "switch" : "multipath";
}

/* What the kernel has for @jd: table, info and (multipath) status; -ENXIO when there is none. */
static int dev_read(struct job_dev *jd)
{
	uint64_t size;
	int r;

	free(jd->table);
	free(jd->status);
	jd->table = jd->status = NULL;
	/* an info query first: a table query on a missing device is logged as an error */
	r = mp_dm_get_info(jd->name, &jd->info);
	if (r >= 0 && !jd->info.exists)
		r = -ENXIO;
	if (r >= 0)
		r = mp_dm_get_table(jd->name, &jd->info, NULL, &jd->table, &size);
	jd->exists = r >= 0;
	jd->size = r >= 0 ? size : 0;
	if (r < 0)
		return r;
	if (jd->type == MP_SEL_DEVICE_MULTIPATH)
		r = mp_dm_get_status(jd->name, &jd->status);
	return r;
}

/* By meaning: queueing is set by message (it follows no_path_retry), and with no handler
 * asked for, the kernel reports the one attached to the paths. */
static bool multipath_same(const char *have, const char *want)
{
	_cleanup_mp_table_ struct mp_table *a = NULL, *b = NULL;
	unsigned flags = MP_TABLE_EQ_IGNORE_QUEUE_IF_NO_PATH;

	if (!have || mp_table_parse(have, &a) < 0 || mp_table_parse(want, &b) < 0)
		return false;
	if (!b->hwhandler)
		flags |= MP_TABLE_EQ_IGNORE_HWHANDLER;
	return mp_table_equal(a, b, flags);
}

/* Word by word: the kernel prints a switch table as it was given, spacing aside. */
static bool words_same(const char *a, const char *b)
{
	struct mp_words x = { 0 }, y = { 0 };
	bool same = mp_words_split(a, &x) >= 0 && mp_words_split(b, &y) >= 0 && x.n == y.n;

	for (size_t i = 0; same && i < x.n; i++)
		same = streq(x.v[i], y.v[i]);
	mp_words_release(&x);
	mp_words_release(&y);
	return same;
}

static bool table_same(const struct job_dev *jd)
{
	if (jd->type == MP_SEL_DEVICE_SWITCH)
		return jd->table && words_same(jd->table, jd->want);
	return multipath_same(jd->table, jd->want);
}

/* The switch's region map, whole (after a load, or when our copy is unknown) or what changed. */
static int dev_send_regions(struct job_dev *jd)
{
	_cleanup_strv_ char **msgs = NULL;
	int r;

	if (jd->type != MP_SEL_DEVICE_SWITCH || !jd->regions)
		return 0;
	r = mp_switch_format_mappings(jd->regions, jd->loaded ? NULL : jd->old_regions, jd->nr_regions,
				      MESSAGE_MAX_LEN, &msgs);
	for (size_t i = 0; r >= 0 && msgs && msgs[i]; i++)
		r = mp_dm_message(jd->name, 0, msgs[i]);
	jd->regions_sent = r >= 0;
	return r;
}

/* Create or reload @jd so the kernel has jd->want. */
static int dev_sync(struct job_dev *jd, uint64_t size)
{
	int r = dev_read(jd);

	if (r == -ENXIO) {
		r = mp_dm_create(jd->name, jd->uuid, size, target_name(jd->type), jd->want, false);
		jd->created = jd->loaded = r >= 0;
	} else if (r >= 0 && jd->uuid[0] && !streq(jd->info.uuid, jd->uuid)) {
		/* the name belongs to a device that is not this map's: never touch it */
		r = -EEXIST;
	} else if (r >= 0 && (jd->size != size || !table_same(jd))) {
		if (jd->adopted)
			log_notice("%s: found with a table other than mpathd's for its settings; reloading. "
				   "was: %s; now: %s", jd->name, jd->table ? jd->table : "(none)", jd->want);
		r = mp_dm_reload(jd->name, size, target_name(jd->type), jd->want);
		jd->loaded = r >= 0;
	}
	if (r >= 0)
		r = dev_read(jd);
	if (r >= 0)
		r = dev_send_regions(jd);
	return r;
}

/* A device whose table still names block devices that exist holds live paths. */
static bool table_has_live_paths(const char *table)
{
	_cleanup_mp_table_ struct mp_table *t = NULL;
	char attr[64], buf[16];

	if (!table || mp_table_parse(table, &t) < 0)
		return false;
	for (size_t g = 0; g < t->nr_groups; g++)
		for (size_t i = 0; i < t->groups[g].nr_paths; i++) {
			snprintf(attr, sizeof(attr), "dev/block/%s/dev", t->groups[g].paths[i].dev);
			if (mp_sysfs_read_attr(attr, buf, sizeof(buf)) >= 0)
				return true;
		}
	return false;
}

static int dev_remove(struct job_dev *jd)
{
	int r = dev_read(jd);

	if (r == -ENXIO)
		return 0;
	if (r < 0)
		return r;
	if (jd->uuid[0] && !streq(jd->info.uuid, jd->uuid))
		return -EEXIST;
	if (jd->type == MP_SEL_DEVICE_MULTIPATH && table_has_live_paths(jd->table))
		return -EBUSY;	/* a device with live paths is never removed */
	r = mp_dm_remove(jd->name, false);
	jd->removed = r >= 0;
	if (jd->removed)
		jd->exists = false;
	return r;
}

/* The lower devices' devts, as the switch table names them. */
static int switch_want(struct map_job *j, size_t i)
{
	_cleanup_free_ char **devts = calloc(j->nr_devs ? j->nr_devs : 1, sizeof(*devts));
	char buf[64][16];

	if (!devts || j->nr_devs > 64)
		return -ENOMEM;
	for (size_t k = 0; k < i; k++) {
		if (!j->devs[k].exists)
			continue;
		snprintf(buf[k], sizeof(buf[k]), "%u:%u", j->devs[k].info.major, j->devs[k].info.minor);
		devts[k] = buf[k];
	}
	free(j->devs[i].want);
	j->devs[i].want = NULL;
	return map_plan_switch_params(j->plan, i, devts, &j->devs[i].want);
}

static void job_sync_run(struct map_job *j)
{
	int r = 0;

	for (size_t i = 0; i < j->nr_devs && r >= 0; i++) {
		struct job_dev *jd = &j->devs[i];

		if (jd->remove)
			continue;
		if (jd->type == MP_SEL_DEVICE_SWITCH)
			r = switch_want(j, i);
		if (r >= 0)
			r = jd->result = dev_sync(jd, j->size);
	}
	/* devices no longer in the plan: users first, so nothing still names them */
	for (size_t i = j->nr_devs; r >= 0 && i-- > 0;)
		if (j->devs[i].remove)
			j->devs[i].result = dev_remove(&j->devs[i]);
	j->result = r;
}

static void job_run(struct work_item *w)
{
	struct map_job *j = container_of(w, struct map_job, item);
	int r = 0;

	switch (j->kind) {
	case JOB_SYNC:
		job_sync_run(j);
		return;
	case JOB_STATUS:
		for (size_t i = 0; i < j->nr_devs; i++)
			if ((j->devs[i].result = dev_read(&j->devs[i])) < 0 && r >= 0)
				r = j->devs[i].result;
		break;
	case JOB_MESSAGE:
		r = mp_dm_message(j->devs[0].name, 0, j->msg);
		break;
	case JOB_REMOVE:
		for (size_t i = j->nr_devs; i-- > 0 && r >= 0;)
			r = j->devs[i].result = dev_remove(&j->devs[i]);
		break;
	}
	j->result = r;
}

/* ---- on the loop: results into the model ---- */

static void map_dev_release(struct map_dev *dev)
{
	free(dev->suffix);
	free(dev->params);
	for (size_t g = 0; g < dev->nr_groups; g++)
		free(dev->groups[g].paths);
	free(dev->groups);
	free(dev->regions);
	*dev = (struct map_dev){ 0 };
}

void map_dev_groups_from_table(struct map_dev *dev)
{
	_cleanup_mp_table_ struct mp_table *t = NULL;

	for (size_t g = 0; g < dev->nr_groups; g++)
		free(dev->groups[g].paths);
	free(dev->groups);
	dev->groups = NULL;
	dev->nr_groups = 0;
	if (!dev->params || mp_table_parse(dev->params, &t) < 0)
		return;
	dev->groups = calloc(t->nr_groups ? t->nr_groups : 1, sizeof(*dev->groups));
	if (!dev->groups)
		return;
	for (size_t g = 0; g < t->nr_groups; g++) {
		struct mp_topo_group *tg = &dev->groups[g];
		const struct mp_table_group *src = &t->groups[g];

		snprintf(tg->selector, sizeof(tg->selector), "%s %s", src->selector,
			 src->selector_args && src->selector_args[0] ? src->selector_args[0] : "0");
		tg->state = MP_PG_ENABLED;
		tg->paths = calloc(src->nr_paths ? src->nr_paths : 1, sizeof(*tg->paths));
		if (!tg->paths)
			break;
		for (size_t i = 0; i < src->nr_paths; i++)
			snprintf(tg->paths[i].devt, sizeof(tg->paths[i].devt), "%s", src->paths[i].dev);
		tg->nr_paths = src->nr_paths;
		dev->nr_groups++;
	}
}

struct map_dev *map_find_dev(struct mpmap *m, const char *name)
{
	for (size_t i = 0; i < m->nr_devs; i++)
		if (streq(m->devs[i].name, name))
			return &m->devs[i];
	return NULL;
}

/* Take what the job read of @jd into @dev. */
static void map_dev_update(struct map_dev *dev, const struct job_dev *jd)
{
	if (jd->table && (!dev->params || !streq(dev->params, jd->table))) {
		free(dev->params);
		dev->params = strdup(jd->table);
		map_dev_groups_from_table(dev);
	}
	snprintf(dev->devt, sizeof(dev->devt), "%u:%u", jd->info.major, jd->info.minor);
	snprintf(dev->dm_name, sizeof(dev->dm_name), "dm-%u", jd->info.minor);
	snprintf(dev->uuid, sizeof(dev->uuid), "%s", jd->info.uuid);
	dev->event_nr = jd->info.event_nr;
	dev->open_count = jd->info.open_count;
	if (jd->type == MP_SEL_DEVICE_SWITCH && jd->regions_sent && jd->regions) {
		uint32_t *copy = malloc(jd->nr_regions * sizeof(*copy));

		if (copy) {
			memcpy(copy, jd->regions, jd->nr_regions * sizeof(*copy));
			free(dev->regions);
			dev->regions = copy;
			dev->nr_regions = jd->nr_regions;
			dev->region_size = jd->region_size;
			dev->regions_usec = now_usec();
		}
	}
}

/* The stack after a sync: the job's devices that exist, in its order (lower first). */
static void map_devs_from_job(struct mpmap *m, const struct map_job *j)
{
	struct map_dev *devs = calloc(j->nr_devs ? j->nr_devs : 1, sizeof(*devs));
	size_t n = 0;

	if (!devs) {
		log_err("%s: out of memory recording its devices", m->name);
		return;
	}
	for (size_t i = 0; i < j->nr_devs; i++) {
		const struct job_dev *jd = &j->devs[i];
		struct map_dev *old = map_find_dev(m, jd->name);

		if (!jd->exists)
			continue;
		if (old) {
			devs[n] = *old;		/* moved: keeps groups, regions and their status */
			*old = (struct map_dev){ 0 };
		} else {
			devs[n].type = jd->type;
			snprintf(devs[n].name, sizeof(devs[n].name), "%s", jd->name);
		}
		if (!devs[n].suffix && j->plan && i < j->plan->nr && j->plan->devs[i].suffix)
			devs[n].suffix = strdup(j->plan->devs[i].suffix);
		map_dev_update(&devs[n++], jd);
	}
	for (size_t i = 0; i < m->nr_devs; i++)
		map_dev_release(&m->devs[i]);
	free(m->devs);
	m->devs = devs;
	m->nr_devs = n;
}

static void map_job_finished(struct daemon *d, struct mpmap *m);

/* The name of lower device @k of switch @top: the k-th multipath device of the stack. */
static const char *stack_member(const struct mpmap *m, uint32_t k)
{
	for (size_t i = 0; i < m->nr_devs; i++)
		if (m->devs[i].type == MP_SEL_DEVICE_MULTIPATH && k-- == 0)
			return m->devs[i].name;
	return "?";
}

/* `show map X regions`: runs of regions with the same owner, rendered once per change. */
static void map_regions_render(struct mpmap *m)
{
	const struct map_dev *top = map_top(m);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	struct shared_text *text = NULL;

	if (!top || top->type != MP_SEL_DEVICE_SWITCH || !top->regions)
		return;
	strbuf_printf(&sb, "%s: %zu regions of %llu sectors\nfirst_sector last_sector regions member\n",
		      m->name, top->nr_regions, (unsigned long long)top->region_size);
	for (size_t i = 0, start = 0; i < top->nr_regions; i++) {
		if (i + 1 < top->nr_regions && top->regions[i + 1] == top->regions[i])
			continue;
		strbuf_printf(&sb, "%llu %llu %zu %s\n", (unsigned long long)(start * top->region_size),
			      (unsigned long long)((i + 1) * top->region_size - 1), i + 1 - start,
			      stack_member(m, top->regions[i]));
		start = i + 1;
	}
	if (shared_text_new(strbuf_str(&sb), &text) < 0)
		return;
	shared_text_unref(m->regions_text);
	m->regions_text = text;
}

/* Apply the status lines the job read, and bring the kernel in line with the checkers. */
static void map_take_status(struct daemon *d, struct mpmap *m, const struct map_job *j)
{
	for (size_t i = 0; i < j->nr_devs; i++) {
		struct map_dev *dev = map_find_dev(m, j->devs[i].name);

		if (!dev || !j->devs[i].exists)
			continue;
		map_dev_update(dev, &j->devs[i]);
		if (j->devs[i].status)
			map_dev_apply_status(d, m, dev, j->devs[i].status);
	}
	map_sync_path_states(d, m);
}

static bool job_loaded_any(const struct map_job *j)
{
	for (size_t i = 0; i < j->nr_devs; i++)
		if (j->devs[i].loaded || j->devs[i].removed)
			return true;
	return false;
}

static void sync_done(struct daemon *d, struct mpmap *m, struct map_job *j)
{
	struct mpath_sel_actions *a = NULL;
	bool loaded = job_loaded_any(j);

	map_devs_from_job(m, j);
	map_regions_render(m);
	if (j->result < 0) {
		log_err_errno(j->result, "%s: loading its devices failed; trying again at the next check",
			      m->name);
		for (size_t i = 0; i < j->nr_devs; i++)
			if (j->devs[i].result < 0)
				log_warn("%s: %s: %s; %llu sectors, table: %s", m->name, j->devs[i].name,
					 strerror(-j->devs[i].result), (unsigned long long)j->size,
					 j->devs[i].want ? j->devs[i].want : "-");
		m->load_failed = true;
		map_policy_map_event(m, MPATH_SEL_MAP_LOAD_FAILED, &a);
		if (a)
			a->reload = false;	/* reloading now would fail alike */
	} else {
		m->load_failed = false;
		if (loaded)
			log_info("%s: %s with %zu paths", m->name,
				 j->devs[j->nr_devs - 1].created ? "created" : "reloaded", m->nr_paths);
		else
			log_debug("%s: the kernel already has this stack; nothing loaded", m->name);
		if (j->devs[j->nr_devs - 1].created) {
			m->origin = MAP_CREATED;
			state_created_set(d, m->name, true);
		}
		/* first, so group numbers in what status changes trigger refer to this table */
		map_policy_map_event(m, MPATH_SEL_MAP_LOADED, &a);
		if (a && !loaded)
			a->reload = false;	/* found current: a reload could loop */
	}
	map_apply_actions(d, m, a);
	map_take_status(d, m, j);
}

static void remove_done(struct daemon *d, struct mpmap *m, struct map_job *j)
{
	if (j->result < 0) {
		log_warn_errno(j->result, "%s: not removed (%s)", m->name,
			       j->result == -EBUSY ? "open, or its table still has live paths" : "see above");
		m->removing = false;
		map_devs_from_job(m, j);
		map_job_finished(d, m);
		return;
	}
	log_info("%s: removed, no paths left", m->name);
	state_created_set(d, m->name, false);
	map_devs_from_job(m, j);
	m->removing = false;
	if (m->nr_paths > 0) {
		/* a path came back while the map was being removed: build it again */
		log_info("%s: %zu path%s came back during the removal; creating it again", m->name,
			 m->nr_paths, m->nr_paths == 1 ? "" : "s");
		m->origin = MAP_NEW;
		m->dirty = true;
		map_job_finished(d, m);
		return;
	}
	daemon_drop_map(d, m);
	daemon_publish_later(d);
}

static void job_done(struct work_item *w)
{
	struct map_job *j = container_of(w, struct map_job, item);
	struct daemon *d = j->daemon;
	struct mpmap *m = j->map;

	m->busy = false;
	switch (j->kind) {
	case JOB_SYNC:
		sync_done(d, m, j);
		break;
	case JOB_STATUS:
		if (j->result >= 0)
			map_take_status(d, m, j);
		break;
	case JOB_MESSAGE:
		if (j->result < 0) {
			log_warn_errno(j->result, "%s: message '%s' to %s failed", m->name, j->msg,
				       j->devs[0].name);
			m->sync_hold_until = now_usec() + 1000000;	/* no tight retry loop */
		}
		m->status_dirty = true;
		break;
	case JOB_REMOVE:
		remove_done(d, m, j);
		map_job_free(j);
		return;		/* m may be gone; when not, remove_done() went on with it */
	}
	map_job_free(j);
	map_job_finished(d, m);
}

/* ---- submitting ---- */

static int job_new(struct mpmap *m, enum job_kind kind, size_t nr_devs, struct map_job **ret)
{
	struct map_job *j = calloc(1, sizeof(*j));

	if (!j || !(j->devs = calloc(nr_devs ? nr_devs : 1, sizeof(*j->devs)))) {
		free(j);
		return -ENOMEM;
	}
	j->map = m;
	j->kind = kind;
	j->nr_devs = nr_devs;
	j->size = m->size_sectors;
	*ret = j;
	return 0;
}

static void job_submit(struct daemon *d, struct mpmap *m, struct map_job *j)
{
	if (!d->jobs) {		/* stopping: nothing more reaches the kernel */
		map_job_free(j);
		return;
	}
	j->daemon = d;
	j->item = (struct work_item){ .run = job_run, .done = job_done };
	if (work_pool_submit(d->jobs, &j->item) < 0) {
		map_job_free(j);	/* the pool is stopping */
		return;
	}
	m->busy = true;
}

/* A job that reads or removes what is loaded: one entry per loaded device, lower first. */
static int job_for_loaded(struct mpmap *m, enum job_kind kind, struct map_job **ret)
{
	struct map_job *j;
	int r = job_new(m, kind, m->nr_devs, &j);

	if (r < 0)
		return r;
	for (size_t i = 0; i < m->nr_devs; i++) {
		struct job_dev *jd = &j->devs[i];

		jd->type = m->devs[i].type;
		snprintf(jd->name, sizeof(jd->name), "%s", m->devs[i].name);
		snprintf(jd->uuid, sizeof(jd->uuid), "%s", m->devs[i].uuid);
	}
	*ret = j;
	return 0;
}

static bool plan_has_dev(const struct map_plan *plan, const char *name)
{
	for (size_t k = 0; k < plan->nr; k++)
		if (streq(plan->devs[k].name, name))
			return true;
	return false;
}

/* The plan's devices, then the loaded ones it no longer has (to be removed). */
static int job_for_plan(struct mpmap *m, struct map_plan *plan, struct map_job **ret)
{
	size_t extra = 0, n = 0;
	struct map_job *j;
	int r;

	for (size_t i = 0; i < m->nr_devs; i++)
		extra += !plan_has_dev(plan, m->devs[i].name);
	r = job_new(m, JOB_SYNC, plan->nr + extra, &j);
	if (r < 0)
		return r;
	for (size_t k = 0; k < plan->nr; k++, n++) {
		const struct plan_dev *pd = &plan->devs[k];
		const struct map_dev *old = map_find_dev(m, pd->name);
		struct job_dev *jd = &j->devs[n];

		jd->type = pd->type;
		snprintf(jd->name, sizeof(jd->name), "%s", pd->name);
		/* a device we have is checked against the UUID it has (an adopted map keeps its own) */
		snprintf(jd->uuid, sizeof(jd->uuid), "%s", old ? old->uuid : pd->uuid);
		jd->adopted = old && m->origin == MAP_ADOPTED;
		if (pd->params && !(jd->want = strdup(pd->params)))
			r = -ENOMEM;
		if (pd->type == MP_SEL_DEVICE_SWITCH && r >= 0) {
			jd->regions = malloc(pd->nr_regions * sizeof(*jd->regions) + 1);
			if (jd->regions)
				memcpy(jd->regions, pd->regions, pd->nr_regions * sizeof(*jd->regions));
			if (old && old->regions && old->nr_regions == pd->nr_regions &&
			    (jd->old_regions = malloc(old->nr_regions * sizeof(*old->regions))))
				memcpy(jd->old_regions, old->regions, old->nr_regions * sizeof(*old->regions));
			jd->nr_regions = pd->nr_regions;
			jd->region_size = pd->region_size;
			r = jd->regions ? r : -ENOMEM;
		}
	}
	for (size_t i = 0; i < m->nr_devs && r >= 0; i++) {
		if (plan_has_dev(plan, m->devs[i].name))
			continue;
		j->devs[n].type = m->devs[i].type;
		j->devs[n].remove = true;
		snprintf(j->devs[n].name, sizeof(j->devs[n].name), "%s", m->devs[i].name);
		snprintf(j->devs[n].uuid, sizeof(j->devs[n].uuid), "%s", m->devs[i].uuid);
		n++;
	}
	if (r < 0) {
		map_job_free(j);
		return r;
	}
	j->plan = plan;
	*ret = j;
	return 0;
}

/* Whether @m may be removed now that it has no paths, and what to do first. */
static bool map_may_remove(struct daemon *d, struct mpmap *m)
{
	const struct mp_setting *f = &m->settings.key[MP_KEY_FLUSH_ON_LAST_DEL];
	long long flush = f->set ? f->num : MP_FLUSH_UNUSED;

	if (m->origin != MAP_CREATED) {
		log_info("%s: no paths left; not created by mpathd, so it stays", m->name);
		return false;
	}
	if (flush == MP_FLUSH_NEVER) {
		log_info("%s: no paths left; flush_on_last_del never keeps it", m->name);
		return false;
	}
	if (flush == MP_FLUSH_ALWAYS && !m->queueing_disabled) {
		/* queued I/O fails, so its holder can close it and the removal can go through */
		log_info("%s: no paths left; flush_on_last_del always: failing queued I/O", m->name);
		m->queueing_disabled = true;
		map_send_queueing(d, m, false);
	}
	return true;
}

/* The stack only changes through here; what the kernel already has is left alone. */
/*
 * A map's size, when its first path had none yet (its capacity was still being read): the
 * largest its paths report now. sysfs `size` is the block layer's value in memory, no I/O.
 */
static uint64_t map_size_from_paths(struct mpmap *m)
{
	char attr[64], buf[32];

	for (size_t i = 0; i < m->nr_paths; i++) {
		struct path *p = m->paths[i];
		unsigned long long v;

		snprintf(attr, sizeof(attr), "block/%s/size", p->info.dev);
		if (!p->info.size_sectors && mp_sysfs_read_attr(attr, buf, sizeof(buf)) >= 0 &&
		    sscanf(buf, "%llu", &v) == 1)
			p->info.size_sectors = v;
		if (p->info.size_sectors > m->size_sectors)
			m->size_sectors = p->info.size_sectors;
	}
	return m->size_sectors;
}

static void map_do_reload(struct daemon *d, struct mpmap *m)
{
	_cleanup_sel_layout_ struct mpath_sel_layout *l = NULL;
	struct map_plan *plan = NULL;
	struct map_job *j = NULL;
	int r;

	if (m->unmanaged)
		return;
	if (m->nr_paths == 0) {
		if (!map_exists(m)) {
			daemon_drop_map(d, m);
			return;
		}
		if (!map_may_remove(d, m) || job_for_loaded(m, JOB_REMOVE, &j) < 0)
			return;
		m->removing = true;
		job_submit(d, m, j);
		return;
	}
	if (!m->size_sectors && !map_size_from_paths(m)) {
		log_info("%s: no path reports a size yet; loading once one does", m->name);
		m->load_failed = true;		/* maps_tick() tries again */
		return;
	}
	r = map_policy_layout(m, &l);
	if (r >= 0)
		r = map_plan_build(m, l, &plan);
	if (r >= 0)
		r = job_for_plan(m, plan, &j);
	if (r < 0) {
		map_plan_free(plan);
		log_err_errno(r, "%s: cannot build its tables; the kernel keeps what it has", m->name);
		return;
	}
	log_debug("%s: syncing %zu devices, top table %s", m->name, plan->nr,
		  plan->devs[plan->nr - 1].params ? plan->devs[plan->nr - 1].params : "(switch)");
	job_submit(d, m, j);
}

void map_schedule_reload(struct daemon *d, struct mpmap *m)
{
	if (!d->startup_done)
		return;		/* the first loads happen once enumeration is complete */
	if (m->busy || (!m->removing && map_referrals_pending(d, m))) {
		m->dirty = true;
		return;
	}
	m->dirty = false;
	map_do_reload(d, m);
}

void map_schedule_status(struct daemon *d, struct mpmap *m)
{
	struct map_job *j;

	if (!map_exists(m) || m->removing)
		return;
	if (m->busy) {
		m->status_dirty = true;
		return;
	}
	m->status_dirty = false;
	if (job_for_loaded(m, JOB_STATUS, &j) >= 0)
		job_submit(d, m, j);
}

void maps_all_status(struct daemon *d)
{
	for (size_t i = 0; i < d->nr_maps; i++)
		map_schedule_status(d, d->maps[i]);
}

static int message_submit(struct daemon *d, struct mpmap *m, const struct map_dev *dev, const char *msg)
{
	struct map_job *j;
	int r = job_new(m, JOB_MESSAGE, 1, &j);

	if (r < 0)
		return r;
	snprintf(j->devs[0].name, sizeof(j->devs[0].name), "%s", dev->name);
	j->devs[0].type = dev->type;
	j->msg = strdup(msg);
	if (!j->msg) {
		map_job_free(j);
		return -ENOMEM;
	}
	log_debug("%s: message %s: %s", m->name, dev->name, msg);
	job_submit(d, m, j);
	return 0;
}

/* "<suffix or ->\t<text>": how a message waits in pending_msgs. */
static int pending_push(struct mpmap *m, const char *suffix, const char *msg)
{
	_cleanup_free_ char *entry = NULL;
	size_t n = mp_strv_length(m->pending_msgs);

	if (asprintf(&entry, "%s\t%s", suffix ? suffix : "-", msg) < 0)
		return -ENOMEM;
	/* a repeat of the last queued one adds nothing */
	if (n > 0 && streq(m->pending_msgs[n - 1], entry))
		return 0;
	return mp_strv_push(&m->pending_msgs, entry);
}

static struct map_dev *map_dev_by_suffix(struct mpmap *m, const char *suffix)
{
	for (size_t i = 0; i < m->nr_devs; i++) {
		const char *s = m->devs[i].suffix;

		if ((!suffix && !s) || (suffix && s && streq(suffix, s)))
			return &m->devs[i];
	}
	return NULL;
}

int map_send_message(struct daemon *d, struct mpmap *m, const char *suffix, const char *msg)
{
	struct map_dev *dev;

	if (!map_exists(m) || m->removing)
		return -ENODEV;		/* no device to tell (a plugin's tick may come before the load) */
	if (m->busy)
		return pending_push(m, suffix, msg);	/* sent when the running job ends */
	dev = map_dev_by_suffix(m, suffix);
	if (!dev)
		return -ENODEV;
	return message_submit(d, m, dev, msg);
}

int map_send_queueing(struct daemon *d, struct mpmap *m, bool queue)
{
	int r = -ENODEV;

	for (size_t k = 0; k < m->nr_devs; k++) {
		if (m->devs[k].type != MP_SEL_DEVICE_MULTIPATH)
			continue;
		r = map_send_message(d, m, m->devs[k].suffix, queue ? "queue_if_no_path" : "fail_if_no_path");
		if (r < 0)
			break;
	}
	return r;
}

/* The next thing for @m once a job ended: queued messages, then a reload, then a status read. */
static void map_job_finished(struct daemon *d, struct mpmap *m)
{
	while (m->pending_msgs && m->pending_msgs[0] && !m->removing) {
		_cleanup_free_ char *entry = m->pending_msgs[0];
		char *text = strchr(entry, '\t');

		memmove(m->pending_msgs, m->pending_msgs + 1, mp_strv_length(m->pending_msgs) * sizeof(char *));
		if (!text)
			continue;
		*text++ = '\0';
		if (map_send_message(d, m, streq(entry, "-") ? NULL : entry, text) >= 0)
			return;		/* its completion comes back here for the rest */
	}
	if (d->stopping)
		return;		/* at stop only the queued messages go out, no reload or read */
	if (m->dirty)
		map_schedule_reload(d, m);
	else if (m->status_dirty)
		map_schedule_status(d, m);
	daemon_publish_later(d);
	daemon_check_ready(d);
}
