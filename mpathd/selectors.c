/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Selector plugins in the daemon: per-map views, the built-in grouping, events, ticks and verbs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "dmtable.h"
#include "log.h"
#include "map.h"
#include "mpath-config.h"
#include "path.h"
#include "selector_layout.h"
#include "selector_load.h"
#include "selectors.h"
#include "strbuf.h"
#include "util.h"
#include "words.h"

#define BUILTIN_NAME "path-grouping"
#define TICK_USEC 1000000
#define ID_MAX 384

/* Which map uses which selector. A side table, so struct mpmap needs no new member. */
struct map_slot {
	struct mpmap *map;
	char wwid[128];
	struct map_selector sel;
};

static struct {
	struct mp_selector_registry *registry;
	selector_send_fn send;
	sd_event_source *timer;
	struct map_slot *slots;
	size_t nr_slots;
} selectors;

/* ---- the view a plugin sees of a map ---- */

struct sel_view {
	struct mpath_sel_map map;
	struct mpath_sel_path *paths;
	char (*ids)[ID_MAX];
	struct path **src;
};

static int host_setting(const struct mpath_sel_host *host, const struct mpath_sel_map *map,
			const char *keyword, unsigned index, const char **ret_text)
{
	const struct mpmap *m = map->host_data;
	const struct mp_map_settings *s = &m->settings;

	if (streq(keyword, mp_key_name(MP_KEY_FAILOVER_PRIORITY))) {
		if (index >= s->n_failover_prio)
			return -ENOENT;
		*ret_text = s->failover_prio[index].text;
		return 0;
	}
	for (int k = 0; index == 0 && k < MP_KEY_VENDOR; k++) {
		if (!streq(mp_key_name(k), keyword))
			continue;
		if (!s->key[k].set || !s->key[k].text)
			return -ENOENT;
		*ret_text = s->key[k].text;
		return 0;
	}
	return -ENOENT;
}

static bool hctl_parse(const char *s, unsigned long v[4])
{
	return sscanf(s, "%lu:%lu:%lu:%lu", &v[0], &v[1], &v[2], &v[3]) == 4;
}

static int hctl_cmp(const char *a, const char *b)
{
	unsigned long x[4], y[4];

	if (!hctl_parse(a, x) || !hctl_parse(b, y))
		return strcmp(a, b);
	for (int i = 0; i < 4; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/* Stable identities: iSCSI target, portal and iface survive reconnects; H:C:T:L is all SCSI has. */
static void view_ids(struct sel_view *v)
{
	size_t n = v->map.nr_paths;

	for (size_t i = 0; i < n; i++) {
		const struct mp_topo_path *info = &v->src[i]->info;

		if (info->iscsi_target[0])
			snprintf(v->ids[i], ID_MAX, "iscsi:%s,%s,%s", info->iscsi_target,
				 info->iscsi_portal, info->iscsi_iface);
		else
			snprintf(v->ids[i], ID_MAX, "hctl:%s", info->hctl);
	}
	/* Two sessions through one iface to one portal: number the later ones in H:C:T:L order. */
	for (size_t i = 0; i < n; i++) {
		unsigned dup = 1;

		for (size_t j = 0; j < n; j++) {
			if (j == i || strncmp(v->ids[j], v->ids[i], ID_MAX) != 0)
				continue;
			if (hctl_cmp(v->src[j]->info.hctl, v->src[i]->info.hctl) < 0 ||
			    (hctl_cmp(v->src[j]->info.hctl, v->src[i]->info.hctl) == 0 && j < i))
				dup++;
		}
		if (dup > 1) {
			size_t len = strnlen(v->ids[i], ID_MAX - 12);

			snprintf(v->ids[i] + len, ID_MAX - len, "#%u", dup);
		}
	}
	for (size_t i = 0; i < n; i++)
		v->paths[i].id = v->ids[i];
}

static void view_release(struct sel_view *v)
{
	free(v->paths);
	free(v->ids);
	free(v->src);
}

/*
 * The view of @m for @ms's plugin. @extra is a path the event is about: it
 * is appended when it is no longer (or not yet) in @m, and shown unusable
 * when @extra_removed.
 */
static int view_build(struct mpmap *m, struct map_selector *ms, struct path *extra,
		      bool extra_removed, struct sel_view *v)
{
	struct path *removed = extra_removed ? extra : NULL;
	size_t n = m->nr_paths + (extra ? 1 : 0);

	for (size_t i = 0; extra && i < m->nr_paths; i++) {
		if (m->paths[i] == extra) {
			n--;
			extra = NULL;
		}
	}
	*v = (struct sel_view){ 0 };
	v->paths = calloc(n ? n : 1, sizeof(*v->paths));
	v->ids = calloc(n ? n : 1, sizeof(*v->ids));
	v->src = calloc(n ? n : 1, sizeof(*v->src));
	if (!v->paths || !v->ids || !v->src) {
		view_release(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct path *p = i < m->nr_paths ? m->paths[i] : extra;
		const struct mp_topo_path *info = &p->info;
		unsigned host;

		v->src[i] = p;
		v->paths[i] = (struct mpath_sel_path){
			.dev = info->dev, .devt = info->devt, .hctl = info->hctl,
			.host = sscanf(info->hctl, "%u:", &host) == 1 ? (int)host : -1,
			.transport = info->transport, .iscsi_iface = info->iscsi_iface,
			.iscsi_portal = info->iscsi_portal, .iscsi_target = info->iscsi_target,
			.iscsi_netdev = "",	/* the topology does not record it yet */
			.tpg = info->tpg, .relative_port = info->relative_port,
			.prio = 0,
			.usable = p != removed && path_is_usable(p),
			.standby = info->checker_state == MP_CHK_GHOST,
			.dm_failed = info->dm_state == MP_DM_PATH_FAILED,
		};
	}
	v->map = (struct mpath_sel_map){
		.host = &ms->plugin->host,
		.name = m->name, .wwid = m->wwid,
		.vendor = n ? v->src[0]->info.vendor : "", .product = n ? v->src[0]->info.product : "",
		.size_sectors = m->size_sectors, .block_size = 512,
		.paths = v->paths, .nr_paths = n,
		.priv = ms->priv, .host_data = m,
	};
	view_ids(v);
	return 0;
}

/* ---- the built-in selector: maps.c's grouping before plugins ---- */

static int builtin_cmp(const void *a, const void *b, void *arg)
{
	const struct mpath_sel_map *map = arg;
	const struct mpath_sel_path *x = &map->paths[*(const size_t *)a];
	const struct mpath_sel_path *y = &map->paths[*(const size_t *)b];

	if (x->tpg != y->tpg)
		return x->tpg < y->tpg ? -1 : 1;
	return strcmp(x->hctl, y->hctl);
}

static int builtin_build_layout(const struct mpath_sel_map *map, struct mpath_sel_layout *l)
{
	const struct mpath_sel_host *h = map->host;
	const struct mp_map_settings *s = &((const struct mpmap *)map->host_data)->settings;
	const struct mp_setting *ps = &s->key[MP_KEY_PATH_SELECTOR];
	const struct mp_setting *pg = &s->key[MP_KEY_PATH_GROUPING_POLICY];
	long long pgp = pg->set ? pg->num : MP_PGP_FAILOVER;
	long long rq = s->key[MP_KEY_RR_MIN_IO_RQ].set ? s->key[MP_KEY_RR_MIN_IO_RQ].num : 1;
	_cleanup_free_ size_t *order = NULL;
	_cleanup_strv_ char **sw = NULL;
	struct mp_words w = { 0 };
	char repeat[24];
	int dev, g = -1, r;

	r = mp_words_split(ps->set && ps->text ? ps->text : "service-time 0", &w);
	if (r < 0)
		return r;
	for (size_t i = 0; r == 0 && i < w.n; i++)
		r = mp_strv_push(&sw, w.v[i]);
	mp_words_release(&w);
	if (r < 0 || !sw)
		return r < 0 ? r : -EINVAL;
	snprintf(repeat, sizeof(repeat), "%lld", rq > 0 ? rq : 1);
	const char *args[] = { repeat, streq(sw[0], "service-time") ? "1" : NULL, NULL };
	const char *const *sel_args = sw[1] && sw[2] ? (const char *const *)&sw[2] : NULL;
	unsigned npa = streq(sw[0], "service-time") ? 2 : 1;

	dev = h->layout_add_multipath(l, NULL);
	if (dev < 0)
		return dev;
	order = calloc(map->nr_paths ? map->nr_paths : 1, sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < map->nr_paths; i++)
		order[i] = i;
	qsort_r(order, map->nr_paths, sizeof(*order), builtin_cmp, (void *)map);
	for (size_t i = 0; i < map->nr_paths; i++) {
		const struct mpath_sel_path *p = &map->paths[order[i]];

		if (g < 0 || pgp == MP_PGP_FAILOVER ||
		    (pgp == MP_PGP_GROUP_BY_TPG && p->tpg != map->paths[order[i - 1]].tpg))
			g = h->layout_add_group(l, dev, sw[0], sel_args, npa);
		r = g < 0 ? g : h->layout_add_path(l, dev, g, order[i], args);
		if (r < 0)
			return r;
	}
	return 0;
}

static const struct mpath_selector_ops builtin_ops = {
	.abi_version = MPATH_SELECTOR_ABI_VERSION,
	.name = BUILTIN_NAME,
	.description = "built-in: groups by path_grouping_policy, like multipath-tools",
	.build_layout = builtin_build_layout,
};

/* ---- registry and per-map slots ---- */

static int registry_get(struct mp_selector_registry **ret)
{
	const char *dir = getenv("MPATHD_SELECTOR_DIR");
	int r;

	if (!selectors.registry) {
		r = mp_selector_registry_new(dir && dir[0] ? dir : MPATH_SELECTOR_DIR, MPATH_STATE_DIR,
					     host_setting, &selectors.registry);
		if (r < 0)
			return r;
		r = mp_selector_registry_add_builtin(selectors.registry, &builtin_ops);
		if (r < 0) {
			selectors.registry = mp_selector_registry_free(selectors.registry);
			return r;
		}
	}
	*ret = selectors.registry;
	return 0;
}

static struct map_slot *slot_find(struct mpmap *m)
{
	for (size_t i = 0; i < selectors.nr_slots; i++)
		if (selectors.slots[i].map == m)
			return &selectors.slots[i];
	return NULL;
}

static void slot_remove(struct map_slot *s)
{
	size_t i = s - selectors.slots;

	selectors.slots[i] = selectors.slots[--selectors.nr_slots];
}

static struct map_selector *map_sel(struct mpmap *m)
{
	struct map_slot *s = slot_find(m);

	return s && s->sel.plugin ? &s->sel : NULL;
}

/* The plugin name @m should use. */
static const char *map_wanted_selector(const struct mpmap *m)
{
	const struct mp_setting *sel = &m->settings.key[MP_KEY_SELECTOR];
	const struct mp_setting *pg = &m->settings.key[MP_KEY_PATH_GROUPING_POLICY];

	/* "selector" always has its compiled-in value; only a configured one is a choice. */
	if (sel->set && sel->text && sel->kind != MP_ORIGIN_COMPILED)
		return sel->text;
	if (pg->set && pg->num == MP_PGP_MULTIBUS)
		return "round-robin";
	return BUILTIN_NAME;
}

static void map_sel_detach(struct mpmap *m, struct map_selector *ms)
{
	struct sel_view v;

	if (ms->attached && ms->plugin->ops->map_detach) {
		if (view_build(m, ms, NULL, false, &v) == 0) {
			ms->plugin->ops->map_detach(&v.map);
			view_release(&v);
		} else {
			log_err("%s: out of memory detaching selector %s; its state leaks", m->name,
				ms->plugin->name);
		}
	}
	*ms = (struct map_selector){ 0 };
}

static int map_sel_try(struct mpmap *m, struct map_selector *ms, const char *name)
{
	struct mp_selector_registry *r;
	struct sel_view v;
	void *priv = NULL;
	int k;

	k = registry_get(&r);
	if (k >= 0)
		k = mp_selector_registry_get(r, name, &ms->plugin);
	if (k < 0)
		return k;
	if (ms->plugin->ops->map_attach) {
		k = view_build(m, ms, NULL, false, &v);
		if (k < 0)
			return k;
		k = ms->plugin->ops->map_attach(&v.map, &priv);
		view_release(&v);
		if (k < 0)
			return log_err_errno(k, "%s: selector %s refused the map", m->name, name);
	}
	ms->priv = priv;
	ms->attached = true;
	return 0;
}

int map_selector_attach(struct daemon *d, struct mpmap *m)
{
	const char *name = map_wanted_selector(m);
	struct map_slot *s = slot_find(m);
	int r;

	if (s && (!streq(s->wwid, m->wwid) || !s->sel.plugin)) {
		/* a freed map's slot whose memory came back as another map: forget it */
		slot_remove(s);
		s = NULL;
	}
	if (s && streq(s->sel.plugin->name, name))
		return 0;
	if (s) {
		log_info("%s: selector changes from %s to %s", m->name, s->sel.plugin->name, name);
		map_sel_detach(m, &s->sel);
	} else {
		s = realloc(selectors.slots, (selectors.nr_slots + 1) * sizeof(*s));
		if (!s)
			return -ENOMEM;
		selectors.slots = s;
		s = &selectors.slots[selectors.nr_slots++];
		*s = (struct map_slot){ .map = m };
		snprintf(s->wwid, sizeof(s->wwid), "%s", m->wwid);
	}
	r = map_sel_try(m, &s->sel, name);
	if (r < 0 && !streq(name, BUILTIN_NAME)) {
		log_err("%s: selector %s unavailable; using the built-in %s", m->name, name, BUILTIN_NAME);
		s->sel = (struct map_selector){ 0 };
		r = map_sel_try(m, &s->sel, BUILTIN_NAME);
	}
	if (r < 0) {
		slot_remove(s);
		return r;
	}
	log_debug("%s: selector %s", m->name, s->sel.plugin->name);
	return 0;
}

void map_selector_detach(struct mpmap *m)
{
	struct map_slot *s = slot_find(m);

	if (!s)
		return;
	if (s->sel.plugin)
		map_sel_detach(m, &s->sel);
	slot_remove(s);
}

const char *map_selector_name(struct mpmap *m)
{
	struct map_selector *ms = map_sel(m);

	return ms ? ms->plugin->name : "";
}

/* ---- tables ---- */

static int layout_to_table(struct mpmap *m, const struct sel_view *v,
			   const struct mpath_sel_layout *l, const char *plugin, struct mp_table *t)
{
	int top = mp_sel_layout_check(l);

	if (top < 0)
		return log_err_errno(top, "%s: selector %s built an invalid layout", m->name, plugin);
	if (l->nr_devices != 1 || l->devices[top].type != MP_SEL_DEVICE_MULTIPATH) {
		log_err("%s: selector %s built a stack of %zu devices; mpathd cannot load stacks yet",
			m->name, plugin, l->nr_devices);
		return -EOPNOTSUPP;
	}
	return mp_sel_layout_fill_table(l, top, &v->map, t);
}

static int build_with(struct mpmap *m, struct map_selector *ms, struct mp_table *t)
{
	_cleanup_sel_layout_ struct mpath_sel_layout *l = NULL;
	struct sel_view v;
	int r;

	r = view_build(m, ms, NULL, false, &v);
	if (r < 0)
		return r;
	r = mp_sel_layout_new(v.map.nr_paths, &l);
	if (r >= 0) {
		r = ms->plugin->ops->build_layout(&v.map, l);
		if (r < 0)
			log_err_errno(r, "%s: selector %s could not build a layout", m->name,
				      ms->plugin->name);
	}
	if (r >= 0)
		r = layout_to_table(m, &v, l, ms->plugin->name, t);
	view_release(&v);
	return r;
}

/* Drop any groups a failed attempt left behind. */
static void table_clear_groups(struct mp_table *t)
{
	struct mp_table *empty = NULL;

	if (t->nr_groups == 0 || mp_table_new(&empty) < 0)
		return;
	/* swap the group arrays, so mp_table_free() releases the old ones */
	empty->groups = t->groups;
	empty->nr_groups = t->nr_groups;
	t->groups = NULL;
	t->nr_groups = 0;
	t->initial_group = 0;
	mp_table_free(empty);
}

int map_selector_build_table(struct daemon *d, struct mpmap *m, struct mp_table *t)
{
	struct map_selector *ms = map_sel(m), builtin = { 0 };
	int r;

	if (!ms) {
		r = map_selector_attach(d, m);
		if (r < 0)
			return r;
		ms = map_sel(m);
	}
	r = build_with(m, ms, t);
	if (r >= 0 || r == -ENOMEM || streq(ms->plugin->name, BUILTIN_NAME))
		return r;
	log_warn("%s: using the built-in %s layout for this load", m->name, BUILTIN_NAME);
	table_clear_groups(t);
	r = mp_selector_registry_get(selectors.registry, BUILTIN_NAME, &builtin.plugin);
	return r < 0 ? r : build_with(m, &builtin, t);
}

/* ---- events ---- */

/* Messages for the top device; anything for a lower device means a reload for now. */
static int actions_result(struct mpmap *m, struct mpath_sel_actions *a, const char *plugin,
			  char ***ret_messages)
{
	_cleanup_strv_ char **msgs = NULL;
	bool reload = a->reload;

	if (a->error)
		return log_err_errno(a->error, "%s: selector %s asked for invalid actions", m->name,
				     plugin);
	for (size_t i = 0; i < a->nr_messages; i++) {
		if (a->messages[i].suffix) {
			log_warn("%s: selector %s sent a message to lower device %s; reloading instead",
				 m->name, plugin, a->messages[i].suffix);
			reload = true;
			continue;
		}
		if (mp_strv_push(&msgs, a->messages[i].text) < 0)
			return -ENOMEM;
	}
	*ret_messages = TAKE_PTR(msgs);
	return reload ? MAP_SELECTOR_RELOAD : 0;
}

typedef int (*sel_call_fn)(const struct mpath_sel_map *map, struct mpath_sel_actions *a,
			   const void *arg);

/* Build the view, call the plugin with a fresh action list, collect what it asked for. */
static int map_call(struct mpmap *m, struct path *extra, bool extra_removed, sel_call_fn fn,
		    const void *arg, char ***ret_messages)
{
	struct map_selector *ms = map_sel(m);
	_cleanup_sel_actions_ struct mpath_sel_actions *a = NULL;
	struct sel_view v;
	int r;

	if (!ms)
		return -ENODEV;
	r = mp_sel_actions_new(&a);
	if (r < 0)
		return r;
	r = view_build(m, ms, extra, extra_removed, &v);
	if (r < 0)
		return r;
	r = fn(&v.map, a, arg);
	view_release(&v);
	if (r < 0)
		return r;
	return actions_result(m, a, ms->plugin->name, ret_messages);
}

struct path_event_arg {
	struct path *p;
	int event;
};

static int call_path_event(const struct mpath_sel_map *map, struct mpath_sel_actions *a,
			   const void *arg)
{
	const struct path_event_arg *pe = arg;
	const struct map_selector *ms = map_sel(map->host_data);
	size_t idx = map->nr_paths;

	for (size_t i = 0; i < map->nr_paths; i++)
		if (streq(map->paths[i].devt, pe->p->info.devt))
			idx = i;
	if (idx == map->nr_paths)
		return -ENOENT;
	if (ms->plugin->ops->path_event)
		return ms->plugin->ops->path_event(map, idx, pe->event, a);
	/* the documented default for plugins without path_event() */
	if (pe->event == MPATH_SEL_PATH_ADDED || pe->event == MPATH_SEL_PATH_REMOVED)
		return map->host->action_reload(a);
	return 0;
}

int map_selector_path_event(struct daemon *d, struct mpmap *m, struct path *p, int event,
			    char ***ret_messages)
{
	struct path_event_arg pe = { p, event };
	int r;

	if (event < MPATH_SEL_PATH_FAILED || event > MPATH_SEL_PATH_REMOVED)
		return -EINVAL;
	r = map_call(m, p, event == MPATH_SEL_PATH_REMOVED, call_path_event, &pe, ret_messages);
	if (r < 0 && r != -ENODEV)
		log_warn_errno(r, "%s: selector %s: path event on %s failed", m->name,
			       map_selector_name(m), p->info.dev);
	return r;
}

static int call_map_event(const struct mpath_sel_map *map, struct mpath_sel_actions *a,
			  const void *arg)
{
	struct map_selector *ms = map_sel(map->host_data);
	const int *event = arg;

	return ms->plugin->ops->map_event ? ms->plugin->ops->map_event(map, *event, a) : 0;
}

int map_selector_map_event(struct daemon *d, struct mpmap *m, int event, char ***ret_messages)
{
	int r;

	if (event < MPATH_SEL_MAP_LOADED || event > MPATH_SEL_MAP_SETTINGS_CHANGED)
		return -EINVAL;
	r = map_call(m, NULL, false, call_map_event, &event, ret_messages);
	if (r < 0 && r != -ENODEV)
		log_warn_errno(r, "%s: selector %s: map event %d failed", m->name,
			       map_selector_name(m), event);
	return r;
}

static int call_tick(const struct mpath_sel_map *map, struct mpath_sel_actions *a, const void *arg)
{
	struct map_selector *ms = map_sel(map->host_data);

	return ms->plugin->ops->tick ? ms->plugin->ops->tick(map, a) : 0;
}

int map_selector_tick(struct daemon *d, struct mpmap *m, char ***ret_messages)
{
	int r = map_call(m, NULL, false, call_tick, NULL, ret_messages);

	if (r < 0 && r != -ENODEV)
		log_warn_errno(r, "%s: selector %s: tick failed", m->name, map_selector_name(m));
	return r;
}

/* Carry out what a tick or verb asked for: messages through the sender, else a reload. */
static void map_apply(struct daemon *d, struct mpmap *m, int r, char **msgs)
{
	for (size_t i = 0; r >= 0 && msgs && msgs[i]; i++) {
		if (!selectors.send || selectors.send(d, m, msgs[i]) < 0)
			r = MAP_SELECTOR_RELOAD;
	}
	if (r == MAP_SELECTOR_RELOAD)
		map_schedule_reload(d, m);
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;

	for (size_t i = 0; i < d->nr_maps; i++) {
		struct mpmap *m = d->maps[i];
		struct map_selector *ms = map_sel(m);
		_cleanup_strv_ char **msgs = NULL;

		if (!ms || !ms->plugin->ops->tick || m->removing)
			continue;
		map_apply(d, m, map_selector_tick(d, m, &msgs), msgs);
	}
	sd_event_source_set_time_relative(s, TICK_USEC);
	return 0;
}

int selectors_start(struct daemon *d, const char *plugin_dir, const char *state_dir,
		    selector_send_fn send)
{
	const char *env = getenv("MPATHD_SELECTOR_DIR");
	int r;

	if (!plugin_dir)
		plugin_dir = env && env[0] ? env : MPATH_SELECTOR_DIR;
	selectors.registry = mp_selector_registry_free(selectors.registry);
	r = mp_selector_registry_new(plugin_dir, state_dir ? state_dir : MPATH_STATE_DIR,
				     host_setting, &selectors.registry);
	if (r >= 0)
		r = mp_selector_registry_add_builtin(selectors.registry, &builtin_ops);
	if (r < 0)
		return r;
	selectors.send = send;
	if (!d->event)
		return 0;
	r = sd_event_add_time_relative(d->event, &selectors.timer, CLOCK_MONOTONIC, TICK_USEC,
				       100000, on_tick, d);
	if (r < 0)
		return log_err_errno(r, "cannot start the selector timer");
	return sd_event_source_set_enabled(selectors.timer, SD_EVENT_ON);
}

void selectors_stop(struct daemon *d)
{
	selectors.timer = sd_event_source_disable_unref(selectors.timer);
	for (size_t i = 0; i < selectors.nr_slots; i++)
		if (selectors.slots[i].sel.plugin)
			map_sel_detach(selectors.slots[i].map, &selectors.slots[i].sel);
	free(selectors.slots);
	selectors.slots = NULL;
	selectors.nr_slots = 0;
	selectors.registry = mp_selector_registry_free(selectors.registry);
	selectors.send = NULL;
}

/* ---- verbs ---- */

int selector_command_lookup(char **argv, int argc, bool *ret_read_only)
{
	const struct mpath_sel_verb *verb;
	struct mp_selector *sel;

	if (mp_selector_registry_find_verb(selectors.registry, argv, argc, &sel, &verb) < 0)
		return -ENOENT;
	*ret_read_only = verb->read_only;
	return 0;
}

static int map_name_cmp(const void *a, const void *b)
{
	return strcmp((*(struct mpmap *const *)a)->name, (*(struct mpmap *const *)b)->name);
}

struct verb_arg {
	const struct mpath_sel_verb *verb;
	int argc;
	char **argv;
	unsigned flags;
	struct mpath_sel_output *out;
};

static int call_verb(const struct mpath_sel_map *map, struct mpath_sel_actions *a, const void *arg)
{
	const struct verb_arg *va = arg;

	return va->verb->run(map, va->argc, va->argv, va->flags, va->out, a);
}

/* Run @verb on @m; its output goes to @sb. Returns the verb's result. */
static int verb_run_map(struct daemon *d, struct mpmap *m, const struct verb_arg *va,
			struct strbuf *sb)
{
	struct mpath_sel_output out;
	_cleanup_strv_ char **msgs = NULL;
	struct verb_arg a = *va;
	int r;

	mp_sel_output_init(&out, sb);
	a.out = &out;
	r = map_call(m, NULL, false, call_verb, &a, &msgs);
	if (r >= 0)
		map_apply(d, m, r, msgs);
	if (r >= 0 && out.error)
		r = out.error;
	return r;
}

int selector_command(struct daemon *d, char **argv, int argc, bool json, struct strbuf *out,
		     bool *ret_read_only)
{
	const struct mpath_sel_verb *verb;
	_cleanup_free_ struct mpmap **maps = NULL;
	struct mp_selector *sel;
	size_t n = 0, taken = 0;
	int words, r = 0;

	words = mp_selector_registry_find_verb(selectors.registry, argv, argc, &sel, &verb);
	if (words < 0)
		return -ENOENT;
	maps = calloc(d->nr_maps ? d->nr_maps : 1, sizeof(*maps));
	if (!maps)
		return -ENOMEM;
	for (size_t i = 0; i < d->nr_maps; i++) {
		struct map_selector *ms = map_sel(d->maps[i]);

		if (ms && ms->plugin == sel && !d->maps[i]->removing)
			maps[n++] = d->maps[i];
	}
	qsort(maps, n, sizeof(*maps), map_name_cmp);

	struct verb_arg va = { verb, argc - words, argv + words, json ? MPATH_SEL_VERB_JSON : 0, NULL };
	_cleanup_strbuf_ struct strbuf all = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		_cleanup_strbuf_ struct strbuf one = STRBUF_INIT;

		r = verb_run_map(d, maps[i], &va, &one);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			strbuf_reset(out);
			strbuf_puts(out, one.len ? strbuf_str(&one) : strerror(-r));
			return r;
		}
		if (json)
			r = strbuf_puts(&all, taken ? "," : "[");
		if (r >= 0)
			r = strbuf_puts(&all, strbuf_str(&one));
		if (r >= 0 && !json && one.len && one.buf[one.len - 1] != '\n')
			r = strbuf_puts(&all, "\n");
		if (r < 0)
			return r;
		taken++;
	}
	if (taken == 0 && !(verb->read_only && argc == words)) {
		strbuf_reset(out);
		strbuf_printf(out, "no map using selector %s has a map or path named in '%s", sel->name,
			      verb->name);
		for (int i = words; i < argc; i++)
			strbuf_printf(out, " %s", argv[i]);
		strbuf_puts(out, "'");
		return -ENODEV;
	}
	if (json)
		r = strbuf_puts(&all, taken ? "]" : "[]");
	if (r >= 0)
		r = strbuf_puts(out, strbuf_str(&all));
	if (r < 0)
		return r;
	*ret_read_only = verb->read_only;
	return 0;
}

int selectors_help(struct strbuf *out)
{
	char usage[64];
	int r = 0;

	for (size_t i = 0; r == 0 && i < mp_selector_registry_count(selectors.registry); i++) {
		const struct mp_selector *s = mp_selector_registry_nth(selectors.registry, i);

		for (const struct mpath_sel_verb *v = s->ops->verbs; r == 0 && v && v->name; v++) {
			snprintf(usage, sizeof(usage), "%s%s%s", v->name, v->usage && v->usage[0] ? " " : "",
				 v->usage ? v->usage : "");
			r = strbuf_printf(out, "  %-32s %s (selector %s)\n", usage, v->help ? v->help : "",
					  s->name);
		}
	}
	return r;
}

void selector_verbs_free(struct selector_verb_info *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].words);
		free(v[i].usage);
		free(v[i].help);
		free(v[i].plugin);
	}
	free(v);
}

static int verb_info_copy(const struct mp_selector *s, const struct mpath_sel_verb *v,
			  struct selector_verb_info *ret)
{
	*ret = (struct selector_verb_info){
		.words = strdup(v->name), .usage = strdup(v->usage ? v->usage : ""),
		.help = strdup(v->help ? v->help : ""), .plugin = strdup(s->name),
		.read_only = v->read_only,
	};
	return ret->words && ret->usage && ret->help && ret->plugin ? 0 : -ENOMEM;
}

int selectors_verbs(struct selector_verb_info **ret, size_t *ret_n)
{
	struct selector_verb_info *v = NULL;
	size_t n = 0, total = 0;
	int r = 0;

	for (size_t i = 0; i < mp_selector_registry_count(selectors.registry); i++) {
		const struct mp_selector *s = mp_selector_registry_nth(selectors.registry, i);

		for (const struct mpath_sel_verb *verb = s->ops->verbs; verb && verb->name; verb++)
			total++;
	}
	if (total && !(v = calloc(total, sizeof(*v))))
		return -ENOMEM;
	for (size_t i = 0; r == 0 && i < mp_selector_registry_count(selectors.registry); i++) {
		const struct mp_selector *s = mp_selector_registry_nth(selectors.registry, i);

		for (const struct mpath_sel_verb *verb = s->ops->verbs; r == 0 && verb && verb->name; verb++)
			r = verb_info_copy(s, verb, &v[n++]);
	}
	if (r < 0) {
		selector_verbs_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}
