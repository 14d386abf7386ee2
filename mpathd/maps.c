/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Maps: claim WWIDs, name them, load their tables, and keep the kernel and their selectors in step. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bindings.h"
#include "daemon.h"
#include "dm.h"
#include "dmtable.h"
#include "log.h"
#include "selectors.h"
#include "strbuf.h"
#include "sysfs.h"
#include "util.h"
#include "words.h"
#include "wwids.h"

#define UUID_PREFIX "mpath-"

struct mpmap *daemon_find_map(struct daemon *d, const char *name)
{
	for (size_t i = 0; i < d->nr_maps; i++) {
		struct mpmap *m = d->maps[i];

		if (streq(m->name, name) || streq(m->wwid, name) || (m->dm_name[0] && streq(m->dm_name, name)))
			return m;
	}
	return NULL;
}

static struct mpmap *map_new(struct daemon *d, const char *wwid)
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
	return m;
}

void map_free(struct mpmap *m)
{
	if (!m)
		return;
	map_selector_detach(m);
	shared_text_unref(m->settings_text);
	free(m->paths);
	for (size_t g = 0; g < m->nr_groups; g++)
		free(m->groups[g].paths);
	free(m->groups);
	free(m->loaded_params);
	mp_strv_free(m->pending_msgs);
	free(m);
}

static void daemon_drop_map(struct daemon *d, struct mpmap *m)
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

/* ---- selectors ---- */

bool map_selector_send(struct daemon *d, struct mpmap *m, int r, char **msgs)
{
	_cleanup_strv_ char **list = msgs;

	if (r < 0)
		return false;
	for (size_t i = 0; list && list[i] && r != MAP_SELECTOR_RELOAD; i++) {
		/* Before the first load there is no device: the load builds from the same state. */
		if (!m->exists || m->removing)
			break;
		if (map_send_message(d, m, list[i]) < 0)
			r = MAP_SELECTOR_RELOAD;
	}
	return r == MAP_SELECTOR_RELOAD;
}

/* Send what a selector asked for, or reload @m when it asked for that. Takes @msgs. */
static void map_selector_apply(struct daemon *d, struct mpmap *m, int r, char **msgs)
{
	if (map_selector_send(d, m, r, msgs))
		map_schedule_reload(d, m);
}

/* A path joined or left @m: a reload follows anyway, so only the selector's messages matter. */
static void map_selector_membership(struct daemon *d, struct mpmap *m, struct path *p, int event)
{
	char **msgs = NULL;
	int r;

	if (!d->startup_done)
		return;		/* the first loads are built from the complete state */
	r = map_selector_path_event(d, m, p, event, &msgs);
	map_selector_send(d, m, r, msgs);
}

/* Tell the selector which paths stopped or started being usable since it last heard. */
static void map_selector_sync_usability(struct daemon *d, struct mpmap *m)
{
	bool reload = false;

	if (!d->startup_done || m->removing)
		return;
	for (size_t i = 0; i < m->nr_paths; i++) {
		struct path *p = m->paths[i];
		bool usable = path_is_usable(p);
		char **msgs = NULL;
		int r;

		if (usable == p->selector_usable)
			continue;
		p->selector_usable = usable;
		r = map_selector_path_event(d, m, p, usable ? MPATH_SEL_PATH_USABLE : MPATH_SEL_PATH_FAILED,
					    &msgs);
		/* a reload now would reorder m->paths under this loop */
		reload |= map_selector_send(d, m, r, msgs);
	}
	if (reload)
		map_schedule_reload(d, m);
}

/* @allow_reload false where a reload could loop: the table was just found current, or failed to load. */
static void map_selector_loaded(struct daemon *d, struct mpmap *m, bool loaded, bool allow_reload)
{
	char **msgs = NULL;
	int r = map_selector_map_event(d, m, loaded ? MPATH_SEL_MAP_LOADED : MPATH_SEL_MAP_LOAD_FAILED,
				       &msgs);

	if (allow_reload)
		map_selector_apply(d, m, r, msgs);
	else
		map_selector_send(d, m, r, msgs);
}

/* The map's name: a configured alias, a user-friendly binding, or the WWID. */
static void map_choose_name(struct daemon *d, struct mpmap *m)
{
	const struct mp_setting *alias = &m->settings.key[MP_KEY_ALIAS];
	const struct mp_setting *ufn = &m->settings.key[MP_KEY_USER_FRIENDLY_NAMES];
	const char *a = NULL;

	if (m->exists)
		return;		/* an adopted or created map keeps its dm name */
	if (alias->set && alias->text && alias->text[0])
		a = alias->text;
	else if (ufn->set && ufn->num && d->bindings &&
		 mp_bindings_assign(d->bindings, &(struct mp_alias_request) { .wwid = m->wwid }, &a) < 0)
		a = NULL;
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
	return wwid_path_count(d, wwid) >= 2;
}

/* 1 when @p joined @m, 0 when it already was a path of @m. */
static int map_attach(struct mpmap *m, struct path *p)
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

void maps_path_added(struct daemon *d, struct path *p)
{
	struct mpmap *m = daemon_find_map(d, p->info.wwid);
	struct mp_map_settings s;
	struct mp_path_ident id = { .wwid = p->info.wwid, .vendor = p->info.vendor,
				    .product = p->info.product, .revision = p->info.revision };

	if (path_blacklisted(d, p))
		return;
	if (!m) {
		if (mp_config_resolve(d->config, &id, &s) < 0 || !wwid_should_claim(d, p->info.wwid, &s))
			return;
		m = map_new(d, p->info.wwid);
		if (!m)
			return;
		if (d->wwids && !mp_wwids_contains(d->wwids, m->wwid) && mp_wwids_add(d->wwids, m->wwid) >= 0)
			mp_wwids_save(d->wwids);
	}
	/* Claim every unclaimed path with this WWID (the first ones arrived before the map). */
	for (size_t i = 0; i < d->nr_paths; i++) {
		struct path *q = d->paths[i];

		if (q->map || q->gone || !streq(q->info.wwid, m->wwid) || path_blacklisted(d, q))
			continue;
		/* a selector attached now sees every claimed path; one attached before hears of it */
		if (map_attach(m, q) > 0 && map_selector_name(m)[0])
			map_selector_membership(d, m, q, MPATH_SEL_PATH_ADDED);
	}
	map_resolve_settings(d, m);
	map_choose_name(d, m);
	map_selector_attach(d, m);
	if (!m->size_sectors)
		m->size_sectors = p->info.size_sectors;
	map_schedule_reload(d, m);
}

void maps_path_removed(struct daemon *d, struct path *p)
{
	struct mpmap *m = p->map;

	if (!m)
		return;
	map_detach(m, p);
	map_selector_membership(d, m, p, MPATH_SEL_PATH_REMOVED);
	map_schedule_reload(d, m);
}

/* After a change: what the kernel now has, as the loop will need it (worker thread). */
static int mp_dm_read_state(const char *name, char **table, char **status, int *open_count,
			    uint32_t *event_nr, char *dm_name, size_t dm_name_len)
{
	struct mp_dm_info info;
	uint64_t size;
	int r;

	r = mp_dm_get_table(name, &info, NULL, table, &size);
	if (r < 0)
		return r;
	r = mp_dm_get_status(name, status);
	if (r < 0)
		return r;
	*open_count = info.open_count;
	*event_nr = info.event_nr;
	snprintf(dm_name, dm_name_len, "dm-%u", info.minor);
	return 0;
}

static int job_load_work(struct dm_job *job)
{
	_cleanup_free_ char *uuid = NULL;
	int r;

	if (asprintf(&uuid, UUID_PREFIX "%s", job->wwid) < 0)
		return -ENOMEM;
	if (job->create)
		r = mp_dm_create(job->map_name, uuid, job->size, "multipath", job->params, false);
	else
		r = mp_dm_reload(job->map_name, job->size, "multipath", job->params);
	if (r < 0)
		return r;
	return mp_dm_read_state(job->map_name, &job->out_table, &job->out_status, &job->out_open_count,
				&job->out_event_nr, job->out_dm_name, sizeof(job->out_dm_name));
}

static void map_apply_status(struct daemon *d, struct mpmap *m, const char *status);
static void map_sync_path_states(struct daemon *d, struct mpmap *m);
static void map_job_finished(struct daemon *d, struct mpmap *m);

static void job_load_done(struct daemon *d, struct dm_job *job)
{
	struct mpmap *m = job->userdata;

	m->busy = false;
	if (job->result < 0) {
		log_err_errno(job->result, "%s: loading the table failed", m->name);
		map_selector_loaded(d, m, false, false);	/* reloading now would fail alike */
	} else {
		log_info("%s: %s with %zu paths", m->name, job->create ? "created" : "reloaded", m->nr_paths);
		m->exists = true;
		free(m->loaded_params);
		m->loaded_params = job->out_table ? strdup(job->out_table) : NULL;
		snprintf(m->dm_name, sizeof(m->dm_name), "%s", job->out_dm_name);
		m->event_nr = job->out_event_nr;
		m->open_count = job->out_open_count;
		map_groups_from_table(m, m->loaded_params);
		/* first, so group numbers in what status changes trigger refer to this table */
		map_selector_loaded(d, m, true, true);
		map_apply_status(d, m, job->out_status);
		map_sync_path_states(d, m);
	}
	map_job_finished(d, m);
}

static int job_remove_work(struct dm_job *job)
{
	return mp_dm_remove(job->map_name, false);
}

static void job_remove_done(struct daemon *d, struct dm_job *job)
{
	struct mpmap *m = job->userdata;

	m->busy = false;
	if (job->result < 0) {
		log_warn_errno(job->result, "%s: not removed (still open?)", m->name);
		m->removing = false;
		map_job_finished(d, m);
		return;
	}
	log_info("%s: removed, no paths left", m->name);
	daemon_drop_map(d, m);
	daemon_publish_later(d);
}

static int map_submit(struct daemon *d, struct mpmap *m, dm_job_work_t work, dm_job_done_t done,
		      char *params)
{
	struct dm_job *job = calloc(1, sizeof(*job));

	if (!job) {
		free(params);
		return -ENOMEM;
	}
	job->work = work;
	job->done = done;
	job->params = params;
	job->userdata = m;
	job->size = m->size_sectors;
	job->create = !m->exists;
	snprintf(job->map_name, sizeof(job->map_name), "%s", m->name);
	snprintf(job->wwid, sizeof(job->wwid), "%s", m->wwid);
	m->busy = true;
	return dm_job_submit(d, job);
}

/* The table only changes through here; an adopted map whose table matches is left alone. */
static void map_do_reload(struct daemon *d, struct mpmap *m)
{
	char *params = NULL;

	if (m->nr_paths == 0) {
		if (!m->exists) {
			daemon_drop_map(d, m);
			return;
		}
		m->removing = true;
		map_submit(d, m, job_remove_work, job_remove_done, NULL);
		return;
	}
	if (map_build_params(d, m, &params) < 0)
		return;
	if (map_table_is_loaded(m, params)) {
		log_debug("%s: table unchanged, not reloading", m->name);
		free(params);
		/* what the selector just built is what the kernel has (initial group aside) */
		map_selector_loaded(d, m, true, false);
		map_sync_path_states(d, m);
		map_schedule_status(d, m);
		return;
	}
	log_debug("%s: loading %s", m->name, params);
	map_submit(d, m, job_load_work, job_load_done, params);
}

void map_schedule_reload(struct daemon *d, struct mpmap *m)
{
	if (!d->startup_done)
		return;		/* the first loads happen once enumeration is complete */
	if (m->busy) {
		m->dirty = true;
		return;
	}
	m->dirty = false;
	map_do_reload(d, m);
}

static int job_status_work(struct dm_job *job)
{
	return mp_dm_read_state(job->map_name, &job->out_table, &job->out_status, &job->out_open_count,
				&job->out_event_nr, job->out_dm_name, sizeof(job->out_dm_name));
}

static void job_status_done(struct daemon *d, struct dm_job *job)
{
	struct mpmap *m = job->userdata;

	m->busy = false;
	if (job->result >= 0) {
		m->event_nr = job->out_event_nr;
		m->open_count = job->out_open_count;
		map_apply_status(d, m, job->out_status);
		map_sync_path_states(d, m);
	}
	map_job_finished(d, m);
}

void map_schedule_status(struct daemon *d, struct mpmap *m)
{
	if (!m->exists || m->removing)
		return;
	if (m->busy) {
		m->status_dirty = true;
		return;
	}
	m->status_dirty = false;
	map_submit(d, m, job_status_work, job_status_done, NULL);
}

void maps_all_status(struct daemon *d)
{
	for (size_t i = 0; i < d->nr_maps; i++)
		map_schedule_status(d, d->maps[i]);
}

static void map_job_finished(struct daemon *d, struct mpmap *m)
{
	while (m->pending_msgs && m->pending_msgs[0] && !m->removing) {
		_cleanup_free_ char *msg = m->pending_msgs[0];

		memmove(m->pending_msgs, m->pending_msgs + 1,
			mp_strv_length(m->pending_msgs) * sizeof(char *));
		if (map_send_message(d, m, msg) >= 0)
			return;		/* its completion comes back here for the rest */
	}
	if (m->dirty)
		map_schedule_reload(d, m);
	else if (m->status_dirty)
		map_schedule_status(d, m);
	daemon_publish_later(d);
}

/* Take the kernel's view: which paths it failed, which group is active. */
static void map_apply_status(struct daemon *d, struct mpmap *m, const char *status)
{
	struct mp_status *st = NULL;

	if (!status || mp_status_parse(status, &st) < 0)
		return;
	for (size_t g = 0; g < st->nr_groups && g < m->nr_groups; g++) {
		struct mp_topo_group *tg = &m->groups[g];

		tg->state = st->groups[g].state == MP_GROUP_ACTIVE ? MP_PG_ACTIVE :
			    st->groups[g].state == MP_GROUP_DISABLED ? MP_PG_DISABLED : MP_PG_ENABLED;
		if (st->next_group == g + 1 && tg->state == MP_PG_ENABLED)
			tg->state = MP_PG_ACTIVE;
	}
	for (size_t i = 0; i < m->nr_paths; i++) {
		struct path *p = m->paths[i];
		const struct mp_status_path *sp = mp_status_find_path(st, p->info.devt);
		enum mp_dm_path_state was = p->info.dm_state;

		if (!sp)
			continue;
		p->info.dm_state = sp->active ? MP_DM_PATH_ACTIVE : MP_DM_PATH_FAILED;
		p->info.fail_count = sp->fail_count;
		if (was != MP_DM_PATH_FAILED && p->info.dm_state == MP_DM_PATH_FAILED &&
		    p->info.checker_state == MP_CHK_READY) {
			/* The kernel saw an I/O error: find out now whether the path is really down. */
			log_info("%s: failed by the kernel", p->info.dev);
			checker_kick(d, p);
		}
	}
	mp_status_free(st);
	map_check_queueing(d, m);
}

static int job_message_work(struct dm_job *job)
{
	return mp_dm_message(job->map_name, 0, job->params);
}

static void job_message_done(struct daemon *d, struct dm_job *job)
{
	struct mpmap *m = job->userdata;

	m->busy = false;
	if (job->result < 0) {
		log_warn_errno(job->result, "%s: message '%s' failed", m->name, job->params);
		m->sync_hold_until = now_usec() + 1000000;	/* no tight retry loop */
	}
	m->status_dirty = true;
	map_job_finished(d, m);
}

int map_send_message(struct daemon *d, struct mpmap *m, const char *msg)
{
	char *params;

	if (!m->exists || m->removing)
		return -ENODEV;		/* no device to tell (a selector's tick may come before the load) */
	params = strdup(msg);
	if (!params)
		return -ENOMEM;
	if (m->busy) {
		/* Sent when the running job ends; a repeat of the last queued one adds nothing. */
		size_t n = mp_strv_length(m->pending_msgs);

		free(params);
		if (n > 0 && streq(m->pending_msgs[n - 1], msg))
			return 0;
		return mp_strv_push(&m->pending_msgs, msg);
	}
	log_debug("%s: message %s", m->name, msg);
	return map_submit(d, m, job_message_work, job_message_done, params);
}

int map_path_message(struct daemon *d, struct path *p, bool reinstate)
{
	char msg[64];

	if (!p->map || !p->map->exists)
		return -ENODEV;
	snprintf(msg, sizeof(msg), "%s %s", reinstate ? "reinstate_path" : "fail_path", p->info.devt);
	if (reinstate)
		log_info("%s: reinstating in %s", p->info.dev, p->map->name);
	else
		log_info("%s: failing in %s", p->info.dev, p->map->name);
	return map_send_message(d, p->map, msg);
}

/* Bring the kernel in line with the checkers: fail what is down, reinstate what is up. */
static void map_sync_path_states(struct daemon *d, struct mpmap *m)
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

/* no_path_retry N: queue for N checker intervals with no usable path, then fail I/O. */
void map_check_queueing(struct daemon *d, struct mpmap *m)
{
	const struct mp_setting *npr = &m->settings.key[MP_KEY_NO_PATH_RETRY];
	bool any = false;

	/* Called after every change of a path's checker or kernel state: the selector hears first. */
	map_selector_sync_usability(d, m);
	/* An unchecked path (just found, or the daemon just started) is not yet a dead one. */
	for (size_t i = 0; i < m->nr_paths; i++)
		any |= path_is_usable(m->paths[i]) && (m->paths[i]->info.checker_state == MP_CHK_READY ||
							m->paths[i]->info.checker_state == MP_CHK_UNCHECKED);
	if (any) {
		m->retries_left = -1;
		if (m->queueing_disabled) {
			m->queueing_disabled = false;
			log_info("%s: a path is back, queueing again", m->name);
			map_send_message(d, m, "queue_if_no_path");
		}
		return;
	}
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

		if (m->retries_left < 0 || m->queueing_disabled)
			continue;
		if (m->retries_left > 0) {
			m->retries_left--;
			continue;
		}
		log_warn("%s: no_path_retry exhausted, failing queued I/O", m->name);
		m->queueing_disabled = true;
		map_send_message(d, m, "fail_if_no_path");
	}
}

/* At start-up: take over the multipath maps that exist, ours or another daemon's. */
int maps_adopt_existing(struct daemon *d)
{
	_cleanup_strv_ char **names = NULL;
	int r = mp_dm_list_multipath(&names);

	if (r < 0)
		return log_err_errno(r, "listing device-mapper maps failed");
	for (size_t i = 0; names && names[i]; i++) {
		struct mp_dm_info info;
		struct mpmap *m;
		char *table = NULL;
		uint64_t size = 0;

		if (mp_dm_get_info(names[i], &info) < 0 || strncmp(info.uuid, UUID_PREFIX, strlen(UUID_PREFIX)))
			continue;
		if (mp_dm_get_table(names[i], NULL, NULL, &table, &size) < 0)
			continue;
		m = map_new(d, info.uuid + strlen(UUID_PREFIX));
		if (!m) {
			free(table);
			return -ENOMEM;
		}
		snprintf(m->name, sizeof(m->name), "%s", names[i]);
		snprintf(m->dm_name, sizeof(m->dm_name), "dm-%u", info.minor);
		m->exists = m->adopted = true;
		m->loaded_params = table;
		m->size_sectors = size;
		m->open_count = info.open_count;
		m->event_nr = info.event_nr;
		map_groups_from_table(m, table);
		log_info("%s: adopted existing map (%s)", m->name, m->wwid);
	}
	return 0;
}

/* After enumeration: attach paths to adopted maps, resolve settings and load what differs. */
void maps_startup(struct daemon *d)
{
	d->startup_done = true;
	for (size_t i = 0; i < d->nr_paths; i++)
		if (!d->paths[i]->map)
			maps_path_added(d, d->paths[i]);
	for (size_t i = 0; i < d->nr_maps; i++) {
		struct mpmap *m = d->maps[i];

		map_resolve_settings(d, m);
		map_selector_attach(d, m);
		map_schedule_reload(d, m);
	}
}

int map_resize(struct daemon *d, struct mpmap *m)
{
	uint64_t size = 0;
	char **msgs;

	for (size_t i = 0; i < m->nr_paths; i++) {
		char attr[64];

		snprintf(attr, sizeof(attr), "block/%s/size", m->paths[i]->info.dev);
		/* every path must agree on the new size before the map grows */
		if (mp_sysfs_read_attr(attr, attr, sizeof(attr)) < 0)
			return -EIO;
		uint64_t s = strtoull(attr, NULL, 10);
		if (size && s != size)
			return -EAGAIN;
		size = s;
		m->paths[i]->info.size_sectors = s;
	}
	if (!size)
		return -ENODEV;
	m->size_sectors = size;
	/* the selector may answer with messages; the reload below is coming anyway */
	msgs = NULL;
	map_selector_send(d, m, map_selector_map_event(d, m, MPATH_SEL_MAP_RESIZED, &msgs), msgs);
	free(m->loaded_params);
	m->loaded_params = NULL;	/* force the reload even if the table text is unchanged */
	map_schedule_reload(d, m);
	return 0;
}
