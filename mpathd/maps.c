/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The map model: which WWIDs become maps, their names, their paths, and path states. A change
 * here asks its policy (map_policy.c) what it wants and applies the answer: path messages, or
 * a rebuild of the stack (map_apply.c). Nothing here touches the kernel directly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bindings.h"
#include "checker.h"
#include "clock.h"
#include "daemon.h"
#include "dmtable.h"
#include "iscsi_manager.h"
#include "log.h"
#include "map.h"
#include "map_adopt.h"
#include "map_plan.h"
#include "path.h"
#include "path_tmo.h"
#include "snapshot.h"
#include "strbuf.h"
#include "sysfs.h"
#include "util.h"
#include "words.h"
#include "wwids.h"

struct mpmap *daemon_find_map(struct daemon *d, const char *name)
{
	for (size_t i = 0; i < d->nr_maps; i++) {
		struct mpmap *m = d->maps[i];
		const struct map_dev *top = map_top(m);

		if (streq(m->name, name) || streq(m->wwid, name) || (top && streq(top->dm_name, name)))
			return m;
	}
	return NULL;
}

struct mpmap *map_new(struct daemon *d, const char *wwid)
{
	struct mpmap *m = calloc(1, sizeof(*m));
	struct mpmap **n;

	if (!m)
		return NULL;
	n = realloc(d->maps, (d->nr_maps + 1) * sizeof(*n));
	if (!n) {
		free(m);
		return NULL;
	}
	d->maps = n;
	d->maps[d->nr_maps++] = m;
	snprintf(m->wwid, sizeof(m->wwid), "%s", wwid);
	snprintf(m->name, sizeof(m->name), "%s", wwid);
	m->retries_left = -1;
	m->block_size = 512;
	m->daemon = d;
	return m;
}

void map_free(struct mpmap *m)
{
	if (!m)
		return;
	map_policy_detach(m);
	map_referrals_release(m);
	shared_text_unref(m->settings_text);
	shared_text_unref(m->regions_text);
	free(m->paths);
	for (size_t i = 0; i < m->nr_devs; i++) {
		struct map_dev *dev = &m->devs[i];

		free(dev->suffix);
		free(dev->params);
		for (size_t g = 0; g < dev->nr_groups; g++)
			free(dev->groups[g].paths);
		free(dev->groups);
		free(dev->regions);
	}
	free(m->devs);
	mp_strv_free(m->pending_msgs);
	free(m);
}

void daemon_drop_map(struct daemon *d, struct mpmap *m)
{
	for (size_t i = 0; i < d->nr_maps; i++) {
		if (d->maps[i] != m)
			continue;
		memmove(&d->maps[i], &d->maps[i + 1], (d->nr_maps - i - 1) * sizeof(*d->maps));
		d->nr_maps--;
		break;
	}
	for (size_t i = 0; i < m->nr_paths; i++)
		m->paths[i]->map = NULL;
	map_free(m);
}

/* ---- settings ---- */

int map_settings_resolve(const struct mp_config *cfg, const struct mpmap *m, struct mp_map_settings *ret)
{
	struct mp_path_ident id = { .wwid = m->wwid, .protocol = "scsi:unspec" };

	/* a map takes the device and protocol entries of its first path */
	if (m->nr_paths)
		return path_settings_resolve(cfg, m->paths[0], ret);
	return mp_config_resolve(cfg, &id, ret);
}

void map_settings_set(struct mpmap *m, const struct mp_map_settings *s)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	struct shared_text *text = NULL;

	m->settings = *s;
	/* A failure keeps the old text: `show map X config` is stale, nothing else is. */
	if (mp_map_settings_print(s, &sb) < 0 || shared_text_new(strbuf_str(&sb), &text) < 0) {
		log_warn("%s: out of memory printing its settings", m->name);
		return;
	}
	shared_text_unref(m->settings_text);
	m->settings_text = text;
}

static void map_resolve_settings(struct daemon *d, struct mpmap *m)
{
	struct mp_map_settings s;

	if (map_settings_resolve(d->config, m, &s) >= 0)
		map_settings_set(m, &s);
}

/* ---- what the policy asks for ---- */

void map_apply_actions(struct daemon *d, struct mpmap *m, struct mpath_sel_actions *a)
{
	bool reload;

	if (!a)
		return;
	reload = a->reload;
	for (size_t i = 0; i < a->nr_messages; i++) {
		/* Before the first load there is no device: the load builds from the same state. */
		if (!map_exists(m) || m->removing)
			break;
		if (map_send_message(d, m, a->messages[i].suffix, a->messages[i].text) < 0)
			reload = true;
	}
	mp_sel_actions_free(a);
	if (reload)
		map_schedule_reload(d, m);
}

/* A path joined or left @m: a reload follows anyway, so only the policy's messages matter. */
static void map_policy_membership(struct daemon *d, struct mpmap *m, struct path *p, int event)
{
	struct mpath_sel_actions *a = NULL;

	if (!d->startup_done)
		return;		/* the first loads are built from the complete state */
	if (map_policy_path_event(m, p, event, &a) >= 0 && a)
		a->reload = false;
	map_apply_actions(d, m, a);
}

/* Tell the policy which paths stopped or started being usable since it last heard. */
static void map_policy_sync_usability(struct daemon *d, struct mpmap *m)
{
	bool reload = false, returned = false;

	if (!d->startup_done || m->removing)
		return;
	for (size_t i = 0; i < m->nr_paths; i++) {
		struct path *p = m->paths[i];
		struct mpath_sel_actions *a = NULL;
		bool usable = path_is_usable(p);

		if (usable == p->selector_usable)
			continue;
		p->selector_usable = usable;
		returned |= usable;
		if (map_policy_path_event(m, p, usable ? MPATH_SEL_PATH_USABLE : MPATH_SEL_PATH_FAILED,
					  &a) < 0 || !a)
			continue;
		/* a reload now would reorder m->paths under this loop */
		reload |= a->reload;
		a->reload = false;
		map_apply_actions(d, m, a);
	}
	if (reload)
		map_schedule_reload(d, m);
	/* a member that comes back may have had pages moved while it was away */
	if (returned)
		map_referrals_refresh(d, m);
}

/* ---- claiming and naming ---- */

/* Whether @name is held by another map of ours, or was held by a dm device at start. */
static bool name_taken(const char *name, const char *wwid, void *userdata)
{
	struct daemon *d = userdata;

	for (size_t i = 0; i < d->nr_maps; i++)
		if (streq(d->maps[i]->name, name) && !streq(d->maps[i]->wwid, wwid))
			return true;
	for (size_t i = 0; d->dm_names && d->dm_names[i]; i++)
		if (streq(d->dm_names[i], name))
			return true;
	return false;
}

/* The map's name: a configured alias, a user-friendly binding (alias_prefix), or the WWID. */
static void map_choose_name(struct daemon *d, struct mpmap *m)
{
	const struct mp_setting *alias = &m->settings.key[MP_KEY_ALIAS];
	const struct mp_setting *ufn = &m->settings.key[MP_KEY_USER_FRIENDLY_NAMES];
	const struct mp_setting *prefix = &m->settings.key[MP_KEY_ALIAS_PREFIX];
	struct mp_alias_request req = {
		.wwid = m->wwid, .prefix = prefix->set ? prefix->text : NULL,
		.taken = name_taken, .userdata = d,
	};
	const char *a = NULL;

	if (map_exists(m) || m->origin != MAP_NEW)
		return;		/* an adopted or created map keeps its dm name */
	if (alias->set && alias->text && alias->text[0])
		a = alias->text;
	else if (ufn->set && ufn->num && d->bindings && mp_bindings_assign(d->bindings, &req, &a) < 0)
		a = NULL;
	if (a && name_taken(a, m->wwid, d)) {
		/* a bound name another device holds: never take it (the create would fail anyway) */
		log_warn("%s: its name %s is held by another dm device; using the WWID", m->wwid, a);
		a = NULL;
	}
	snprintf(m->name, sizeof(m->name), "%s", a ? a : m->wwid);
}

static size_t wwid_path_count(struct daemon *d, const char *wwid)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nr_paths; i++)
		if (!d->paths[i]->gone && streq(d->paths[i]->info.wwid, wwid))
			n++;
	return n;
}

/* find_multipaths: which WWIDs become maps. */
static bool wwid_should_claim(struct daemon *d, const char *wwid, const struct mp_map_settings *s)
{
	long long fm = s->key[MP_KEY_FIND_MULTIPATHS].set ? s->key[MP_KEY_FIND_MULTIPATHS].num
							  : MP_FIND_MULTIPATHS_STRICT;

	if (fm == MP_FIND_MULTIPATHS_OFF || fm == MP_FIND_MULTIPATHS_GREEDY)
		return true;
	if (s->key[MP_KEY_ALIAS].set && s->key[MP_KEY_ALIAS].kind == MP_ORIGIN_MULTIPATH)
		return true;
	if (d->wwids && mp_wwids_contains(d->wwids, wwid))
		return true;
	/* strict, as in multipath-tools: only WWIDs an admin listed (wwids file, multipaths) */
	if (fm == MP_FIND_MULTIPATHS_STRICT)
		return false;
	return wwid_path_count(d, wwid) >= 2;
}

/* 1 when @p joined @m, 0 when it already was a path of @m. */
int map_attach_path(struct mpmap *m, struct path *p)
{
	struct path **n;

	for (size_t i = 0; i < m->nr_paths; i++)
		if (m->paths[i] == p)
			return 0;
	n = realloc(m->paths, (m->nr_paths + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	m->paths = n;
	m->paths[m->nr_paths++] = p;
	p->map = m;
	p->selector_usable = path_is_usable(p);
	return 1;
}

static void map_detach(struct mpmap *m, struct path *p)
{
	for (size_t i = 0; i < m->nr_paths; i++) {
		if (m->paths[i] != p)
			continue;
		memmove(&m->paths[i], &m->paths[i + 1], (m->nr_paths - i - 1) * sizeof(*m->paths));
		m->nr_paths--;
		break;
	}
	p->map = NULL;
}

static bool path_blacklisted(struct daemon *d, const struct path *p)
{
	const char *reason = NULL;
	struct mp_blacklist_query q = {
		.devnode = p->info.dev, .wwid = p->info.wwid,
		.vendor = p->info.vendor, .product = p->info.product,
		.protocol = streq(p->info.transport, "iscsi") ? "scsi:iscsi" : "scsi:unspec",
	};

	if (!mp_config_blacklisted(d->config, &q, &reason))
		return false;
	log_info("%s: blacklisted by %s", p->info.dev, reason ? reason : "config");
	return true;
}

/* Claim every unclaimed path with @m's WWID (the first ones arrived before the map). */
static void map_claim_paths(struct daemon *d, struct mpmap *m)
{
	for (size_t i = 0; i < d->nr_paths; i++) {
		struct path *q = d->paths[i];

		if (q->map || q->gone || !streq(q->info.wwid, m->wwid) || iscsi_path_leaving(q) ||
		    path_blacklisted(d, q))
			continue;
		/* a policy attached now sees every claimed path; one attached before hears of it */
		if (map_attach_path(m, q) <= 0)
			continue;
		checker_claimed(d, q);
		if (m->policy.plugin)
			map_policy_membership(d, m, q, MPATH_SEL_PATH_ADDED);
	}
}

void maps_path_added(struct daemon *d, struct path *p)
{
	struct mpmap *m = daemon_find_map(d, p->info.wwid);
	struct mp_map_settings s;

	if (iscsi_path_leaving(p) || path_blacklisted(d, p))
		return;
	if (!m) {
		if (path_settings_resolve(d->config, p, &s) < 0 || !wwid_should_claim(d, p->info.wwid, &s))
			return;
		m = map_new(d, p->info.wwid);
		if (!m)
			return;
		if (d->wwids && !mp_wwids_contains(d->wwids, m->wwid) && mp_wwids_add(d->wwids, m->wwid) >= 0)
			mp_wwids_save(d->wwids);
	}
	if (m->unmanaged)
		return;
	map_claim_paths(d, m);
	map_resolve_settings(d, m);
	for (size_t i = 0; i < m->nr_paths; i++)
		path_apply_timeouts(d, m->paths[i], &m->settings);
	map_choose_name(d, m);
	map_policy_attach(d, m);
	if (!m->size_sectors)
		m->size_sectors = p->info.size_sectors;
	map_schedule_reload(d, m);
	/* a new path may be the first one to answer REPORT REFERRALS (map_referrals.c) */
	map_referrals_refresh(d, m);
}

void maps_path_removed(struct daemon *d, struct path *p)
{
	struct mpmap *m = p->map;

	if (!m)
		return;
	map_detach(m, p);
	map_policy_membership(d, m, p, MPATH_SEL_PATH_REMOVED);
	map_schedule_reload(d, m);
}

/* ---- path states between the kernel and the checkers ---- */

static enum mp_pg_state group_state(const struct mp_status *st, size_t g)
{
	enum mp_pg_state s = st->groups[g].state == MP_GROUP_ACTIVE ? MP_PG_ACTIVE :
			     st->groups[g].state == MP_GROUP_DISABLED ? MP_PG_DISABLED : MP_PG_ENABLED;

	return st->next_group == g + 1 && s == MP_PG_ENABLED ? MP_PG_ACTIVE : s;
}

/* Whether @dev's groups hold @devt, and its state there. */
static const struct mp_topo_path *dev_find_path(const struct map_dev *dev, const char *devt)
{
	for (size_t g = 0; g < dev->nr_groups; g++)
		for (size_t i = 0; i < dev->groups[g].nr_paths; i++)
			if (streq(dev->groups[g].paths[i].devt, devt))
				return &dev->groups[g].paths[i];
	return NULL;
}

/* A path is failed in the kernel when any device of the stack that holds it has failed it. */
static void map_paths_from_devs(struct daemon *d, struct mpmap *m)
{
	for (size_t i = 0; i < m->nr_paths; i++) {
		struct path *p = m->paths[i];
		enum mp_dm_path_state was = p->info.dm_state, now = MP_DM_PATH_UNKNOWN;
		unsigned fails = 0;

		for (size_t k = 0; k < m->nr_devs; k++) {
			const struct mp_topo_path *tp = dev_find_path(&m->devs[k], p->info.devt);

			if (!tp || tp->dm_state == MP_DM_PATH_UNKNOWN)
				continue;
			if (now != MP_DM_PATH_FAILED)
				now = tp->dm_state;
			fails += tp->fail_count;
		}
		if (now == MP_DM_PATH_UNKNOWN)
			continue;
		p->info.dm_state = now;
		p->info.fail_count = fails;
		if (was != MP_DM_PATH_FAILED && now == MP_DM_PATH_FAILED &&
		    p->info.checker_state == MP_CHK_READY) {
			/* The kernel saw an I/O error: find out now whether the path is really down. */
			log_info("%s: failed by the kernel", p->info.dev);
			checker_kick(d, p);
		}
	}
}

void map_dev_apply_status(struct daemon *d, struct mpmap *m, struct map_dev *dev, const char *status)
{
	_cleanup_mp_status_ struct mp_status *st = NULL;

	if (dev->type != MP_SEL_DEVICE_MULTIPATH || mp_status_parse(status, &st) < 0)
		return;
	for (size_t g = 0; g < st->nr_groups && g < dev->nr_groups; g++) {
		struct mp_topo_group *tg = &dev->groups[g];

		tg->state = group_state(st, g);
		for (size_t i = 0; i < tg->nr_paths; i++) {
			const struct mp_status_path *sp = mp_status_find_path(st, tg->paths[i].devt);

			if (!sp)
				continue;
			tg->paths[i].dm_state = sp->active ? MP_DM_PATH_ACTIVE : MP_DM_PATH_FAILED;
			tg->paths[i].fail_count = sp->fail_count;
		}
	}
	if (dev->params) {
		_cleanup_mp_table_ struct mp_table *t = NULL;

		/* the kernel prints queue_if_no_path as it is now, messages included; every
		 * multipath device of a stack gets the same messages, so any one tells */
		if (mp_table_parse(dev->params, &t) >= 0)
			m->queueing_live = mp_table_queue_if_no_path(t);
	}
	map_paths_from_devs(d, m);
	map_check_queueing(d, m);
}

int map_path_message(struct daemon *d, struct path *p, bool reinstate)
{
	struct mpmap *m = p->map;
	char msg[64];
	int r = -ENODEV;

	if (!m || !map_exists(m))
		return -ENODEV;
	snprintf(msg, sizeof(msg), "%s %s", reinstate ? "reinstate_path" : "fail_path", p->info.devt);
	log_info("%s: %s in %s", p->info.dev, reinstate ? "reinstating" : "failing", m->name);
	/* every multipath device of the stack that holds it: its member's, and the fallbacks */
	for (size_t k = 0; k < m->nr_devs; k++) {
		if (m->devs[k].type != MP_SEL_DEVICE_MULTIPATH || !dev_find_path(&m->devs[k], p->info.devt))
			continue;
		r = map_send_message(d, m, m->devs[k].suffix, msg);
		if (r < 0)
			break;
	}
	return r;
}

void map_sync_path_states(struct daemon *d, struct mpmap *m)
{
	if (now_usec() < m->sync_hold_until)
		return;
	for (size_t i = 0; i < m->nr_paths && !m->busy; i++) {
		struct path *p = m->paths[i];
		bool up = path_is_usable(p) && p->info.checker_state == MP_CHK_READY;
		bool down = !path_is_usable(p);

		if (down && p->info.dm_state != MP_DM_PATH_FAILED)
			map_path_message(d, p, false);
		else if (up && p->info.dm_state == MP_DM_PATH_FAILED)
			map_path_message(d, p, true);
	}
}

/* ---- queueing: no_path_retry ---- */

/* The kernel's queueing as the settings ask, by message (a takeover keeps the table). */
static void map_queueing_follow_settings(struct daemon *d, struct mpmap *m)
{
	bool want = map_settings_want_queueing(&m->settings) && !m->queueing_disabled;

	/* at stop, queue_without_daemon decided (maps_queueing_at_stop()): nothing undoes it */
	if (d->stopping || !map_exists(m) || m->busy || want == m->queueing_live || m->unmanaged)
		return;
	log_info("%s: %s queueing, as no_path_retry asks", m->name, want ? "enabling" : "disabling");
	if (map_send_queueing(d, m, want) >= 0)
		m->queueing_live = want;
}

/* no_path_retry N: queue for N checker intervals with no usable path, then fail I/O. */
void map_check_queueing(struct daemon *d, struct mpmap *m)
{
	const struct mp_setting *npr = &m->settings.key[MP_KEY_NO_PATH_RETRY];
	bool any = false;

	/* Called after every change of a path's checker or kernel state: the policy hears first. */
	map_policy_sync_usability(d, m);
	/* An unchecked path (just found, or the daemon just started) is not yet a dead one. */
	for (size_t i = 0; i < m->nr_paths; i++)
		any |= path_is_usable(m->paths[i]) && (m->paths[i]->info.checker_state == MP_CHK_READY ||
							m->paths[i]->info.checker_state == MP_CHK_UNCHECKED);
	if (any) {
		m->retries_left = -1;
		if (m->queueing_disabled && m->nr_paths > 0) {
			m->queueing_disabled = false;
			log_info("%s: a path is back, queueing again", m->name);
		}
		map_queueing_follow_settings(d, m);
		return;
	}
	map_queueing_follow_settings(d, m);
	if (!npr->set || npr->num <= 0 || m->queueing_disabled)
		return;
	if (m->retries_left < 0) {
		m->retries_left = (int)npr->num;
		log_warn("%s: no usable path, queueing for %d checker intervals", m->name, m->retries_left);
	}
}

void maps_tick(struct daemon *d)
{
	for (size_t i = 0; i < d->nr_maps; i++) {
		struct mpmap *m = d->maps[i];

		if (m->nr_paths == 0 && map_exists(m) && !m->busy && m->origin == MAP_CREATED)
			map_schedule_reload(d, m);	/* a removal refused while open: try again */
		else if (m->load_failed && m->nr_paths > 0 && !m->busy && !m->removing)
			map_schedule_reload(d, m);	/* with what is known now (facts may have come in) */
		if (m->retries_left < 0 || m->queueing_disabled)
			continue;
		if (m->retries_left > 0) {
			m->retries_left--;
			continue;
		}
		log_warn("%s: no_path_retry exhausted, failing queued I/O", m->name);
		m->queueing_disabled = true;
		map_queueing_follow_settings(d, m);
	}
}

/* ---- start-up and resizing ---- */

void maps_startup(struct daemon *d)
{
	d->startup_done = true;
	maps_adopt_paths(d);
	for (size_t i = 0; i < d->nr_paths; i++)
		if (!d->paths[i]->map)
			maps_path_added(d, d->paths[i]);
	for (size_t i = 0; i < d->nr_maps; i++) {
		struct mpmap *m = d->maps[i];

		if (m->unmanaged)
			continue;
		map_resolve_settings(d, m);
		for (size_t k = 0; k < m->nr_paths; k++)
			path_apply_timeouts(d, m->paths[k], &m->settings);
		map_policy_attach(d, m);
		map_schedule_reload(d, m);
	}
}

int map_resize(struct daemon *d, struct mpmap *m)
{
	struct mpath_sel_actions *a = NULL;
	uint64_t size = 0;

	for (size_t i = 0; i < m->nr_paths; i++) {
		char attr[64];
		uint64_t s;

		snprintf(attr, sizeof(attr), "block/%s/size", m->paths[i]->info.dev);
		/* every path must agree on the new size before the map grows */
		if (mp_sysfs_read_attr(attr, attr, sizeof(attr)) < 0)
			return -EIO;
		s = strtoull(attr, NULL, 10);
		if (size && s != size)
			return -EAGAIN;
		size = s;
		m->paths[i]->info.size_sectors = s;
	}
	if (!size)
		return -ENODEV;
	m->size_sectors = size;
	/* the policy may answer with messages; the reload below is coming anyway */
	if (map_policy_map_event(m, MPATH_SEL_MAP_RESIZED, &a) >= 0 && a)
		a->reload = false;
	map_apply_actions(d, m, a);
	for (size_t i = 0; i < m->nr_devs; i++) {
		free(m->devs[i].params);	/* force the reload even if the table text is unchanged */
		m->devs[i].params = NULL;
	}
	map_schedule_reload(d, m);
	/* a grown LUN has new pages: where they live comes with the next referrals */
	map_referrals_refresh(d, m);
	return 0;
}
