/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A map's policy: the view of the map a plugin sees, attaching, layouts and events; it never applies. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "map.h"
#include "map_policy.h"
#include "path.h"
#include "plugins.h"
#include "selector_layout.h"
#include "selector_load.h"
#include "util.h"

#define ID_MAX 384

/* ---- the view a plugin sees of a map ---- */

struct sel_view {
	struct mpath_sel_map map;
	struct mpath_sel_path *paths;
	char (*ids)[ID_MAX];
	struct path **src;
};

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
			int c;

			if (j == i || strncmp(v->ids[j], v->ids[i], ID_MAX) != 0)
				continue;
			c = hctl_cmp(v->src[j]->info.hctl, v->src[i]->info.hctl);
			if (c < 0 || (c == 0 && j < i))
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

static struct mpath_sel_path view_path(struct path *p, bool removed)
{
	const struct mp_topo_path *info = &p->info;
	unsigned host;

	return (struct mpath_sel_path){
		.dev = info->dev, .devt = info->devt, .hctl = info->hctl,
		.host = sscanf(info->hctl, "%u:", &host) == 1 ? (int)host : -1,
		.transport = info->transport, .iscsi_iface = info->iscsi_iface,
		.iscsi_portal = info->iscsi_portal, .iscsi_target = info->iscsi_target,
		.iscsi_netdev = info->iscsi_netdev,
		.tpg = info->tpg, .relative_port = info->relative_port,
		.prio = info->priority,
		.usable = !removed && path_is_usable(p),
		.standby = info->checker_state == MP_CHK_GHOST,
		.dm_failed = info->dm_state == MP_DM_PATH_FAILED,
	};
}

/* The group of the top multipath device the kernel uses, by the last status; -1 when unknown. */
static int map_active_group(const struct mpmap *m)
{
	const struct map_dev *top = map_top(m);

	for (size_t g = 0; top && top->type == MP_SEL_DEVICE_MULTIPATH && g < top->nr_groups; g++)
		if (top->groups[g].state == MP_PG_ACTIVE)
			return (int)g;
	return -1;
}

/*
 * The view of @m. @extra is a path the event is about: it is appended when it is no longer
 * (or not yet) in @m, and shown unusable when @extra_removed. Paths 0..nr_paths-1 are
 * @m->paths in order, so layouts index @m->paths directly.
 */
static int view_build(struct mpmap *m, struct path *extra, bool extra_removed, struct sel_view *v)
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
		v->src[i] = i < m->nr_paths ? m->paths[i] : extra;
		v->paths[i] = view_path(v->src[i], v->src[i] == removed);
	}
	v->map = (struct mpath_sel_map){
		.host = &m->policy.plugin->host,
		.name = m->name, .wwid = m->wwid,
		.vendor = n ? v->src[0]->info.vendor : "", .product = n ? v->src[0]->info.product : "",
		.size_sectors = m->size_sectors, .block_size = m->block_size ? m->block_size : 512,
		.segments = m->referrals.state == REFERRALS_KNOWN ? m->referrals.segments : NULL,
		.nr_segments = m->referrals.state == REFERRALS_KNOWN ? m->referrals.nr_segments : 0,
		.segment_period = m->referrals.period,
		.paths = v->paths, .nr_paths = n,
		.priv = m->policy.priv, .host_data = m,
		.active_group = map_active_group(m),
	};
	view_ids(v);
	return 0;
}

/* ---- attaching ---- */

/* The plugin name @m's settings ask for. */
static const char *map_wanted_plugin(const struct mpmap *m)
{
	const struct mp_setting *sel = &m->settings.key[MP_KEY_SELECTOR];
	const struct mp_setting *pg = &m->settings.key[MP_KEY_PATH_GROUPING_POLICY];

	/* "selector" always has its compiled-in value; only a configured one is a choice. */
	if (sel->set && sel->text && sel->kind != MP_ORIGIN_COMPILED)
		return sel->text;
	if (pg->set && pg->num == MP_PGP_MULTIBUS)
		return "round-robin";
	return PLUGIN_BUILTIN;
}

void map_policy_detach(struct mpmap *m)
{
	struct map_policy *mp = &m->policy;
	struct sel_view v;

	if (mp->plugin && mp->plugin->ops->map_detach) {
		if (view_build(m, NULL, false, &v) == 0) {
			mp->plugin->ops->map_detach(&v.map);
			view_release(&v);
		} else {
			log_err("%s: out of memory detaching selector %s; its state leaks", m->name,
				mp->plugin->name);
		}
	}
	mp->plugin = NULL;
	mp->priv = NULL;
}

static int policy_try(struct mpmap *m, const char *name)
{
	struct map_policy *mp = &m->policy;
	struct sel_view v;
	void *priv = NULL;
	int r;

	r = plugins_get(name, &mp->plugin);
	if (r < 0)
		return r;
	if (mp->plugin->ops->map_attach) {
		mp->priv = NULL;
		r = view_build(m, NULL, false, &v);
		if (r < 0) {
			mp->plugin = NULL;
			return r;
		}
		r = mp->plugin->ops->map_attach(&v.map, &priv);
		view_release(&v);
		if (r < 0) {
			log_err_errno(r, "%s: selector %s refused the map", m->name, name);
			mp->plugin = NULL;
			return r;
		}
	}
	mp->priv = priv;
	return 0;
}

/* Run the built-in plugin for @m in place of @name, remembering that @name was asked for. */
static int policy_stand_in(struct mpmap *m, const char *name, bool deferred)
{
	char wanted[sizeof(m->policy.wanted)];
	int r;

	snprintf(wanted, sizeof(wanted), "%s", name);	/* @name may be the detached plugin's */
	if (m->policy.plugin)
		map_policy_detach(m);
	r = policy_try(m, PLUGIN_BUILTIN);
	if (r < 0)
		return r;
	snprintf(m->policy.wanted, sizeof(m->policy.wanted), "%s", wanted);
	m->policy.deferred = deferred;
	return 0;
}

int map_policy_attach(struct daemon *d, struct mpmap *m)
{
	struct map_policy *mp = &m->policy;
	const char *name = map_wanted_plugin(m);
	struct mp_selector *wanted;
	int r;

	if (mp->plugin && streq(mp->plugin->name, name))
		return 0;
	/* on the fallback already, and the plugin is still missing or must wait for the
	 * adopted map to be rebuilt: nothing new to say */
	if (mp->plugin && streq(mp->wanted, name) && (mp->deferred || plugins_get(name, &wanted) < 0))
		return 0;
	if (mp->plugin) {
		log_info("%s: selector changes from %s to %s", m->name, mp->plugin->name, name);
		map_policy_detach(m);
	}
	mp->wanted[0] = '\0';
	mp->deferred = false;
	r = policy_try(m, name);
	if (r < 0 && r != -ENOMEM && !streq(name, PLUGIN_BUILTIN)) {
		/* the loader said why once; each map says what it does about it once */
		log_warn("%s: selector %s unavailable; using the built-in %s", m->name, name, PLUGIN_BUILTIN);
		r = policy_stand_in(m, name, false);
	}
	if (r < 0)
		return r;
	log_debug("%s: selector %s", m->name, mp->plugin->name);
	return 0;
}

const char *map_policy_name(const struct mpmap *m)
{
	return m->policy.plugin ? m->policy.plugin->name : "";
}

bool map_policy_has_tick(const struct mpmap *m)
{
	return m->policy.plugin && m->policy.plugin->ops->tick;
}

/* ---- layouts ---- */

static int layout_with(struct mpmap *m, struct mp_selector *plugin, struct mpath_sel_layout **ret)
{
	_cleanup_sel_layout_ struct mpath_sel_layout *l = NULL;
	struct sel_view v;
	int r, top;

	r = view_build(m, NULL, false, &v);
	if (r < 0)
		return r;
	v.map.host = &plugin->host;
	if (plugin != m->policy.plugin)
		v.map.priv = NULL;
	r = mp_sel_layout_new(v.map.nr_paths, &l);
	if (r >= 0)
		r = plugin->ops->build_layout(&v.map, l);
	view_release(&v);
	if (r < 0)
		return log_err_errno(r, "%s: selector %s could not build a layout", m->name, plugin->name);
	top = mp_sel_layout_check(l);
	if (top < 0)
		return log_err_errno(top, "%s: selector %s built an invalid layout", m->name, plugin->name);
	*ret = TAKE_PTR(l);
	return top;
}

static const char *dev_type_name(enum mp_sel_device_type t)
{
	return t == MP_SEL_DEVICE_SWITCH ? "switch" : "multipath";
}

/*
 * An adopted map (another daemon's, or ours from before a restart) whose plugin wants a
 * top device of another type: the kernel cannot change a live device's target type, and
 * building the plugin's stack beside it would claim the same paths twice. The map keeps
 * the built-in layout, the same kind of table it has, until it is rebuilt.
 */
static int layout_defer(struct mpmap *m, struct mpath_sel_layout **ret, int top)
{
	const char *name = m->policy.plugin->name;
	int r;

	if (m->origin != MAP_ADOPTED || !map_exists(m) || streq(name, PLUGIN_BUILTIN) ||
	    (*ret)->devices[top].type == map_top(m)->type)
		return top;
	log_notice("%s: selector %s builds a %s over this %s map found at start-up; the kernel cannot "
		   "change a live map's type, so it keeps the built-in %s layout until it is rebuilt "
		   "(flush the map while idle and restart mpathd)", m->name, name,
		   dev_type_name((*ret)->devices[top].type), dev_type_name(map_top(m)->type), PLUGIN_BUILTIN);
	*ret = mp_sel_layout_free(*ret);
	r = policy_stand_in(m, name, true);
	return r < 0 ? r : layout_with(m, m->policy.plugin, ret);
}

int map_policy_layout(struct mpmap *m, struct mpath_sel_layout **ret)
{
	struct mp_selector *builtin;
	int r;

	if (!m->policy.plugin)
		return -ENODEV;
	r = layout_with(m, m->policy.plugin, ret);
	if (r >= 0)
		return layout_defer(m, ret, r);
	if (r == -ENOMEM || streq(m->policy.plugin->name, PLUGIN_BUILTIN))
		return r;
	log_warn("%s: using the built-in %s layout for this load", m->name, PLUGIN_BUILTIN);
	r = plugins_get(PLUGIN_BUILTIN, &builtin);
	return r < 0 ? r : layout_with(m, builtin, ret);
}

/* ---- events ---- */

typedef int (*policy_call_fn)(const struct mpath_sel_map *map, struct mpath_sel_actions *a,
			      const void *arg);

/* Build the view, call the plugin with a fresh action list, hand back what it asked for. */
static int policy_call(struct mpmap *m, struct path *extra, bool extra_removed, policy_call_fn fn,
		       const void *arg, struct mpath_sel_actions **ret)
{
	_cleanup_sel_actions_ struct mpath_sel_actions *a = NULL;
	struct sel_view v;
	int r;

	*ret = NULL;
	if (!m->policy.plugin)
		return -ENODEV;
	r = mp_sel_actions_new(&a);
	if (r < 0)
		return r;
	r = view_build(m, extra, extra_removed, &v);
	if (r < 0)
		return r;
	r = fn(&v.map, a, arg);
	view_release(&v);
	if (r < 0)
		return r;
	if (a->error)
		return log_err_errno(a->error, "%s: selector %s asked for invalid actions", m->name,
				     map_policy_name(m));
	*ret = TAKE_PTR(a);
	return r;
}

struct path_event_arg {
	struct path *p;
	int event;
};

static int call_path_event(const struct mpath_sel_map *map, struct mpath_sel_actions *a,
			   const void *arg)
{
	const struct path_event_arg *pe = arg;
	const struct mpmap *m = map->host_data;
	size_t idx = map->nr_paths;

	for (size_t i = 0; i < map->nr_paths; i++)
		if (streq(map->paths[i].devt, pe->p->info.devt))
			idx = i;
	if (idx == map->nr_paths)
		return -ENOENT;
	if (m->policy.plugin->ops->path_event)
		return m->policy.plugin->ops->path_event(map, idx, pe->event, a);
	/* the documented default for plugins without path_event() */
	if (pe->event == MPATH_SEL_PATH_ADDED || pe->event == MPATH_SEL_PATH_REMOVED)
		return map->host->action_reload(a);
	return 0;
}

int map_policy_path_event(struct mpmap *m, struct path *p, int event, struct mpath_sel_actions **ret)
{
	struct path_event_arg pe = { p, event };
	int r;

	if (event < MPATH_SEL_PATH_FAILED || event > MPATH_SEL_PATH_REMOVED)
		return -EINVAL;
	r = policy_call(m, p, event == MPATH_SEL_PATH_REMOVED, call_path_event, &pe, ret);
	if (r < 0 && r != -ENODEV)
		log_warn_errno(r, "%s: selector %s: path event on %s failed", m->name, map_policy_name(m),
			       p->info.dev);
	return r;
}

static int call_map_event(const struct mpath_sel_map *map, struct mpath_sel_actions *a,
			  const void *arg)
{
	const struct mpmap *m = map->host_data;
	const int *event = arg;

	return m->policy.plugin->ops->map_event ? m->policy.plugin->ops->map_event(map, *event, a) : 0;
}

int map_policy_map_event(struct mpmap *m, int event, struct mpath_sel_actions **ret)
{
	int r;

	if (event < MPATH_SEL_MAP_LOADED || event > MPATH_SEL_MAP_SETTINGS_CHANGED)
		return -EINVAL;
	r = policy_call(m, NULL, false, call_map_event, &event, ret);
	if (r < 0 && r != -ENODEV)
		log_warn_errno(r, "%s: selector %s: map event %d failed", m->name, map_policy_name(m), event);
	return r;
}

static int call_tick(const struct mpath_sel_map *map, struct mpath_sel_actions *a, const void *arg)
{
	const struct mpmap *m = map->host_data;

	return m->policy.plugin->ops->tick ? m->policy.plugin->ops->tick(map, a) : 0;
}

int map_policy_tick(struct mpmap *m, struct mpath_sel_actions **ret)
{
	int r = policy_call(m, NULL, false, call_tick, NULL, ret);

	if (r < 0 && r != -ENODEV)
		log_warn_errno(r, "%s: selector %s: tick failed", m->name, map_policy_name(m));
	return r;
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

int map_policy_verb(struct mpmap *m, const struct mpath_sel_verb *verb, int argc, char **argv,
		    unsigned flags, struct mpath_sel_output *out, struct mpath_sel_actions **ret)
{
	struct verb_arg va = { verb, argc, argv, flags, out };

	return policy_call(m, NULL, false, call_verb, &va, ret);
}
