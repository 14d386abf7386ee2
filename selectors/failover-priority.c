/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The failover-priority selector: NetWare Media Manager failover, one path per group by priority. */

/*
 * Every path that is not administratively Down gets its own path group;
 * groups are ordered by priority, 1 first. The kernel sends I/O to one
 * group, and when its path fails it moves to the next group that has a
 * valid path, which is the next priority. Moving back (failback) is the
 * daemon's job and follows the "failback" setting.
 *
 * A path's priority is, in this order:
 * 1. its run-time priority (`mpath failover set-priority`), kept in the
 *    state file across restarts;
 * 2. the first failover_priority entry of the config that matches it;
 * 3. none: such paths come after every path with a priority, in H:C:T:L
 *    order ("-" in listings).
 * Equal priorities are ordered by H:C:T:L, then major:minor.
 *
 * Down paths (`mpath failover set-state PATH down`) are left out of the
 * table, so they never carry I/O, until set Up again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failover-priority.h"
#include "mpath-selector.h"
#include "sel-util.h"

enum fp_source { FP_SRC_RUNTIME, FP_SRC_CONFIG, FP_SRC_NONE };

static const char *const source_names[] = {
	[FP_SRC_RUNTIME] = "run-time", [FP_SRC_CONFIG] = "config", [FP_SRC_NONE] = "none",
};

/** struct fp_rank - one path with its effective priority, for sorting. */
struct fp_rank {
	size_t path;
	unsigned priority;	/* FP_PRIORITY_MAX + 1 for FP_SRC_NONE */
	enum fp_source source;
	bool down;
};

/* ---- matching failover_priority entries ---- */

/* "10.0.0.1[:port]" or "[fd00::1][:port]" into binary address, family and port (0 = any). */
static bool portal_split(const char *s, unsigned char addr[16], int *family, long *port)
{
	char host[64];
	const char *rest;
	size_t n;

	if (s[0] == '[') {
		rest = strchr(s, ']');
		n = rest ? (size_t)(rest - s - 1) : 0;
		s++;
		rest = rest ? rest + 1 : NULL;
		*family = AF_INET6;
	} else {
		rest = strchr(s, ':');
		n = rest ? (size_t)(rest - s) : strlen(s);
		*family = AF_INET;
	}
	if (n == 0 || n >= sizeof(host))
		return false;
	memcpy(host, s, n);
	host[n] = '\0';
	*port = 0;
	if (rest && *rest) {
		char *end;

		if (*rest != ':')
			return false;
		*port = strtol(rest + 1, &end, 10);
		if (*end || *port <= 0 || *port > 65535)
			return false;
	}
	return inet_pton(*family, host, addr) == 1;
}

static bool match_portal(const char *want, const struct mpath_sel_path *p)
{
	unsigned char a[16], b[16];
	int fa, fb;
	long pa, pb;

	if (!p->iscsi_portal[0] || !portal_split(want, a, &fa, &pa) ||
	    !portal_split(p->iscsi_portal, b, &fb, &pb))
		return false;
	return fa == fb && memcmp(a, b, fa == AF_INET ? 4 : 16) == 0 && (pa == 0 || pa == pb);
}

static bool match_hctl(const char *want, const char *hctl)
{
	for (int i = 0; i < 4; i++) {
		char *end;
		long w = -1, h;

		if (*want == '*')
			end = (char *)want + 1;
		else
			w = strtol(want, &end, 10);
		h = strtol(hctl, (char **)&hctl, 10);
		if (*end != (i == 3 ? '\0' : ':') || *hctl != (i == 3 ? '\0' : ':'))
			return false;
		if (w >= 0 && w != h)
			return false;
		want = end + (i < 3);
		hctl += i < 3;
	}
	return true;
}

/* Whether the entry "<match> <priority>" matches @p; its priority in *@ret. */
static bool config_entry_matches(const char *entry, const struct mpath_sel_path *p, unsigned *ret)
{
	char match[128];
	const char *sp = strrchr(entry, ' ');
	unsigned long prio;
	char *end;

	if (!sp || (size_t)(sp - entry) >= sizeof(match))
		return false;
	memcpy(match, entry, sp - entry);
	match[sp - entry] = '\0';
	prio = strtoul(sp + 1, &end, 10);
	if (*end || prio < FP_PRIORITY_MIN || prio > FP_PRIORITY_MAX)
		return false;
	*ret = prio;
	if (strncmp(match, "portal=", 7) == 0)
		return match_portal(match + 7, p);
	if (strncmp(match, "iface=", 6) == 0)	/* the open-iscsi iface, or the NIC it is bound to */
		return (p->iscsi_iface[0] && strcmp(match + 6, p->iscsi_iface) == 0) ||
		       (p->iscsi_netdev && p->iscsi_netdev[0] && strcmp(match + 6, p->iscsi_netdev) == 0);
	if (strncmp(match, "hctl=", 5) == 0)
		return match_hctl(match + 5, p->hctl);
	if (strncmp(match, "host=host", 9) == 0)
		return p->host >= 0 && strtol(match + 9, &end, 10) == p->host && !*end;
	return false;
}

static enum fp_source config_priority(const struct mpath_sel_map *map,
				      const struct mpath_sel_path *p, unsigned *ret)
{
	const struct mpath_sel_host *h = map->host;
	const char *text;

	for (unsigned i = 0; h->setting(h, map, "failover_priority", i, &text) == 0; i++)
		if (text && config_entry_matches(text, p, ret))
			return FP_SRC_CONFIG;
	*ret = FP_PRIORITY_MAX + 1;
	return FP_SRC_NONE;
}

/* ---- ranking ---- */

static void path_rank(const struct mpath_sel_map *map, size_t i, struct fp_rank *ret)
{
	struct fp_map *fm = map->priv;
	const struct fp_entry *e = fp_entry_find(fm, map->paths[i].id);

	ret->path = i;
	ret->down = e && e->down;
	if (e && e->priority) {
		ret->priority = e->priority;
		ret->source = FP_SRC_RUNTIME;
	} else {
		ret->source = config_priority(map, &map->paths[i], &ret->priority);
	}
}

static int rank_cmp(const void *x, const void *y, void *arg)
{
	const struct mpath_sel_map *map = arg;
	const struct fp_rank *a = x, *b = y;

	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	return sel_path_cmp(&map->paths[a->path], &map->paths[b->path]);
}

/* Every path of @map, best first, Down ones included. */
static int ranks_get(const struct mpath_sel_map *map, struct fp_rank **ret)
{
	struct fp_rank *v = calloc(map->nr_paths ? map->nr_paths : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < map->nr_paths; i++)
		path_rank(map, i, &v[i]);
	qsort_r(v, map->nr_paths, sizeof(*v), rank_cmp, (void *)map);
	*ret = v;
	return 0;
}

/* The best path that is Up and usable, as a rank index, or -1. */
static int best_usable(const struct mpath_sel_map *map, const struct fp_rank *ranks)
{
	for (size_t i = 0; i < map->nr_paths; i++)
		if (!ranks[i].down && map->paths[ranks[i].path].usable)
			return (int)i;
	return -1;
}

static int rank_of_id(const struct mpath_sel_map *map, const struct fp_rank *ranks, const char *id)
{
	for (size_t i = 0; id && i < map->nr_paths; i++)
		if (strcmp(map->paths[ranks[i].path].id, id) == 0)
			return (int)i;
	return -1;
}

static int group_of_id(const struct fp_map *fm, const char *id)
{
	for (size_t i = 0; id && i < fm->nr_groups; i++)
		if (strcmp(fm->groups[i], id) == 0)
			return (int)i;
	return -1;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- the table ---- */

static void path_args(const struct sel_kernel_selector *ks, long repeat, char buf[24],
		      const char *args[3])
{
	snprintf(buf, 24, "%ld", repeat);
	args[0] = buf;
	args[1] = ks->nr_path_args > 1 ? "1" : NULL;
	args[2] = NULL;
}

/* Which path carries I/O after a (re)load: see the failback policies in doc/selectors.md. */
static int choose_selected(const struct mpath_sel_map *map, const struct fp_rank *ranks)
{
	const struct mpath_sel_host *h = map->host;
	struct fp_map *fm = map->priv;
	int best = best_usable(map, ranks), cur = rank_of_id(map, ranks, fm->selected);
	long delay;
	enum sel_failback fb = sel_failback_get(map, &delay);

	if (cur >= 0 && (ranks[cur].down || !map->paths[ranks[cur].path].usable))
		cur = -1;
	if (best < 0 || cur < 0 || fm->select_best || fb == SEL_FAILBACK_IMMEDIATE)
		return best;
	/* A reload is no reason to fail back; a deferred failback still comes on time. */
	if (fb == SEL_FAILBACK_DEFERRED && best < cur && !fm->failback_at)
		fm->failback_at = h->now_usec(h) + (uint64_t)delay * 1000000;
	return cur;
}

static int fp_build_layout(const struct mpath_sel_map *map, struct mpath_sel_layout *layout)
{
	const struct mpath_sel_host *h = map->host;
	struct fp_map *fm = map->priv;
	long repeat = sel_setting_long(map, "rr_min_io_rq", 1);
	struct sel_kernel_selector ks;
	struct fp_rank *ranks = NULL;
	char **ids = NULL;
	size_t n = 0;
	int dev, sel, r;

	sel_kernel_selector_get(map, &ks);
	r = ranks_get(map, &ranks);
	if (r < 0)
		return r;
	ids = calloc(map->nr_paths ? map->nr_paths : 1, sizeof(*ids));
	dev = ids ? h->layout_add_multipath(layout, NULL) : -ENOMEM;
	r = dev < 0 ? dev : 0;
	sel = choose_selected(map, ranks);
	for (size_t i = 0; r == 0 && i < map->nr_paths; i++) {
		const char *args[3];
		char buf[24];
		int g;

		if (ranks[i].down)
			continue;
		g = h->layout_add_group(layout, dev, ks.name, ks.args, ks.nr_path_args);
		path_args(&ks, repeat < 1 ? 1 : repeat, buf, args);
		r = g < 0 ? g : h->layout_add_path(layout, dev, g, ranks[i].path, args);
		if (r == 0 && (int)i == sel)
			r = h->layout_set_initial_group(layout, dev, g);
		if (r == 0 && !(ids[n++] = strdup(map->paths[ranks[i].path].id)))
			r = -ENOMEM;
	}
	if (r < 0) {
		strv_free(ids, n);
		free(ranks);
		return r;
	}
	/* Remember what the kernel will number, so later messages name the right group. */
	strv_free(fm->prev_groups, fm->nr_prev_groups);
	fm->prev_groups = fm->groups;
	fm->nr_prev_groups = fm->nr_groups;
	fm->groups = ids;
	fm->nr_groups = n;
	fm->prev_valid = true;
	free(fm->prev_selected);
	fm->prev_selected = fm->selected;
	fm->selected = sel >= 0 ? strdup(map->paths[ranks[sel].path].id) : NULL;
	fm->select_best = false;
	free(ranks);
	return 0;
}

/* ---- reacting ---- */

/* Put I/O on rank @to now with switch_group. */
static int switch_to(const struct mpath_sel_map *map, const struct fp_rank *ranks, int to,
		     struct mpath_sel_actions *actions)
{
	const struct mpath_sel_host *h = map->host;
	struct fp_map *fm = map->priv;
	const struct mpath_sel_path *p = &map->paths[ranks[to].path];
	int g = group_of_id(fm, p->id);
	char msg[32], *id;

	if (g < 0)	/* not in the loaded table: a reload puts it there */
		return h->action_reload(actions);
	id = strdup(p->id);
	if (!id)
		return -ENOMEM;
	free(fm->selected);
	fm->selected = id;
	fm->failback_at = 0;
	snprintf(msg, sizeof(msg), "switch_group %d", g + 1);
	if (ranks[to].source == FP_SRC_NONE)
		h->log(h, MPATH_SEL_LOG_NOTICE, "map %s: I/O moves to %s (no priority)", map->name, p->dev);
	else
		h->log(h, MPATH_SEL_LOG_NOTICE, "map %s: I/O moves to %s (priority %u)", map->name,
		       p->dev, ranks[to].priority);
	return h->action_message(actions, NULL, msg);
}

/* A better path than the selected one is usable: fail back as the policy says. */
static int failback(const struct mpath_sel_map *map, const struct fp_rank *ranks, int best,
		    bool path_came_back, struct mpath_sel_actions *actions)
{
	const struct mpath_sel_host *h = map->host;
	struct fp_map *fm = map->priv;
	long delay;

	switch (sel_failback_get(map, &delay)) {
	case SEL_FAILBACK_IMMEDIATE:
		return switch_to(map, ranks, best, actions);
	case SEL_FAILBACK_FOLLOWOVER:
		return path_came_back ? switch_to(map, ranks, best, actions) : 0;
	case SEL_FAILBACK_DEFERRED:
		if (!fm->failback_at)
			fm->failback_at = h->now_usec(h) + (uint64_t)delay * 1000000;
		return 0;
	case SEL_FAILBACK_MANUAL:
		break;
	}
	return 0;
}

/* Decide after a change of usability; @came_back: a path just became usable. */
static int reevaluate(const struct mpath_sel_map *map, bool came_back,
		      struct mpath_sel_actions *actions)
{
	struct fp_map *fm = map->priv;
	struct fp_rank *ranks = NULL;
	int best, cur, r;

	r = ranks_get(map, &ranks);
	if (r < 0)
		return r;
	best = best_usable(map, ranks);
	cur = rank_of_id(map, ranks, fm->selected);
	if (best < 0 || best == cur)
		r = 0;
	else if (cur < 0 || ranks[cur].down || !map->paths[ranks[cur].path].usable)
		r = switch_to(map, ranks, best, actions);	/* failover: never wait */
	else if (best < cur)
		r = failback(map, ranks, best, came_back, actions);
	free(ranks);
	return r;
}

static int fp_path_event(const struct mpath_sel_map *map, size_t path,
			 enum mpath_sel_path_event event, struct mpath_sel_actions *actions)
{
	switch (event) {
	case MPATH_SEL_PATH_ADDED:
	case MPATH_SEL_PATH_REMOVED:
		return map->host->action_reload(actions);
	case MPATH_SEL_PATH_FAILED:
		return reevaluate(map, false, actions);
	case MPATH_SEL_PATH_USABLE:
		return reevaluate(map, true, actions);
	}
	return 0;
}

static int fp_map_event(const struct mpath_sel_map *map, enum mpath_sel_map_event event,
			struct mpath_sel_actions *actions)
{
	struct fp_map *fm = map->priv;

	if (event == MPATH_SEL_MAP_LOADED)
		fm->prev_valid = false;
	if (event == MPATH_SEL_MAP_LOAD_FAILED && fm->prev_valid) {
		fm->prev_valid = false;
		strv_free(fm->groups, fm->nr_groups);
		fm->groups = fm->prev_groups;
		fm->nr_groups = fm->nr_prev_groups;
		fm->prev_groups = NULL;
		fm->nr_prev_groups = 0;
		free(fm->selected);
		fm->selected = fm->prev_selected;
		fm->prev_selected = NULL;
	}
	return 0;
}

static int fp_tick(const struct mpath_sel_map *map, struct mpath_sel_actions *actions)
{
	const struct mpath_sel_host *h = map->host;
	struct fp_map *fm = map->priv;
	struct fp_rank *ranks = NULL;
	int best, cur, r;

	if (!fm->failback_at || h->now_usec(h) < fm->failback_at)
		return 0;
	fm->failback_at = 0;
	r = ranks_get(map, &ranks);
	if (r < 0)
		return r;
	best = best_usable(map, ranks);
	cur = rank_of_id(map, ranks, fm->selected);
	if (best >= 0 && best != cur)
		r = switch_to(map, ranks, best, actions);
	free(ranks);
	return r;
}

/* ---- life cycle ---- */

static int fp_map_attach(const struct mpath_sel_map *map, void **ret_priv)
{
	struct fp_map *fm = calloc(1, sizeof(*fm));

	if (!fm)
		return -ENOMEM;
	fp_state_load(map, fm);
	*ret_priv = fm;
	return 0;
}

static void fp_map_detach(const struct mpath_sel_map *map)
{
	struct fp_map *fm = map->priv;

	if (!fm)
		return;
	fp_entries_free(fm);
	strv_free(fm->groups, fm->nr_groups);
	strv_free(fm->prev_groups, fm->nr_prev_groups);
	free(fm->selected);
	free(fm->prev_selected);
	free(fm);
}

/* ---- verbs ---- */

static const char *failback_text(const struct mpath_sel_map *map)
{
	const char *text = NULL;

	if (map->host->setting(map->host, map, "failback", 0, &text) < 0 || !text)
		return "manual";
	return text;
}

static int list_text(const struct mpath_sel_map *map, const struct fp_rank *ranks,
		     struct mpath_sel_output *out)
{
	const struct mpath_sel_host *h = map->host;
	struct fp_map *fm = map->priv;
	int r;

	r = h->output_printf(out, "%s (%s) failback %s\n  %-3s %-8s %-8s %-5s %-6s %-8s %-10s %s\n",
			     map->name, map->wwid, failback_text(map), "SEL", "PRIORITY", "SOURCE",
			     "STATE", "STATUS", "DEV", "HCTL", "PATH");
	for (size_t i = 0; r == 0 && i < map->nr_paths; i++) {
		const struct mpath_sel_path *p = &map->paths[ranks[i].path];
		bool selected = fm->selected && strcmp(fm->selected, p->id) == 0;
		char prio[16] = "-";

		if (ranks[i].source != FP_SRC_NONE)
			snprintf(prio, sizeof(prio), "%u", ranks[i].priority);
		r = h->output_printf(out, "  %-3s %8s %-8s %-5s %-6s %-8s %-10s %s\n",
				     selected ? "*" : "", prio, source_names[ranks[i].source],
				     ranks[i].down ? "Down" : "Up", p->usable ? "ready" : "failed",
				     p->dev, p->hctl, p->id);
	}
	return r;
}

static int list_json(const struct mpath_sel_map *map, const struct fp_rank *ranks,
		     struct mpath_sel_output *out)
{
	const struct mpath_sel_host *h = map->host;
	struct fp_map *fm = map->priv;
	int r;

	r = h->output_printf(out, "{\"name\":");
	r = r ?: sel_json_string(h, out, map->name);
	r = r ?: h->output_printf(out, ",\"wwid\":");
	r = r ?: sel_json_string(h, out, map->wwid);
	r = r ?: h->output_printf(out, ",\"failback\":");
	r = r ?: sel_json_string(h, out, failback_text(map));
	r = r ?: h->output_printf(out, ",\"paths\":[");
	for (size_t i = 0; r == 0 && i < map->nr_paths; i++) {
		const struct mpath_sel_path *p = &map->paths[ranks[i].path];

		r = h->output_printf(out, "%s{\"dev\":", i ? "," : "");
		r = r ?: sel_json_string(h, out, p->dev);
		r = r ?: h->output_printf(out, ",\"hctl\":");
		r = r ?: sel_json_string(h, out, p->hctl);
		r = r ?: h->output_printf(out, ",\"id\":");
		r = r ?: sel_json_string(h, out, p->id);
		if (ranks[i].source == FP_SRC_NONE)
			r = r ?: h->output_printf(out, ",\"priority\":null");
		else
			r = r ?: h->output_printf(out, ",\"priority\":%u", ranks[i].priority);
		r = r ?: h->output_printf(out, ",\"source\":\"%s\",\"state\":\"%s\",\"usable\":%s,\"selected\":%s}",
					  source_names[ranks[i].source], ranks[i].down ? "down" : "up",
					  p->usable ? "true" : "false",
					  fm->selected && strcmp(fm->selected, p->id) == 0 ? "true" : "false");
	}
	return r ?: h->output_printf(out, "]}");
}

static int verb_list(const struct mpath_sel_map *map, int argc, char **argv, unsigned flags,
		     struct mpath_sel_output *out, struct mpath_sel_actions *actions)
{
	struct fp_rank *ranks = NULL;
	int r;

	if (argc > 1) {
		map->host->output_printf(out, "usage: failover list [MAP]");
		return -EINVAL;
	}
	if (argc == 1 && !sel_map_is(map, argv[0]))
		return -ENOENT;
	r = ranks_get(map, &ranks);
	if (r < 0)
		return r;
	r = flags & MPATH_SEL_VERB_JSON ? list_json(map, ranks, out) : list_text(map, ranks, out);
	free(ranks);
	return r;
}

/* Make room for @priority: every other explicit priority >= it moves down by one. */
static int insert_shift(const struct mpath_sel_map *map, const char *except, unsigned priority)
{
	struct fp_map *fm = map->priv;
	unsigned *shifted = calloc(map->nr_paths ? map->nr_paths : 1, sizeof(*shifted));

	if (!shifted)
		return -ENOMEM;
	/* Compute first, so a path's new run-time entry cannot shift twice. */
	for (size_t i = 0; i < map->nr_paths; i++) {
		struct fp_rank rk;

		path_rank(map, i, &rk);
		if (strcmp(map->paths[i].id, except) != 0 && rk.source != FP_SRC_NONE &&
		    rk.priority >= priority)
			shifted[i] = rk.priority < FP_PRIORITY_MAX ? rk.priority + 1 : FP_PRIORITY_MAX;
	}
	/* Run-time priorities of paths that are gone now shift too. */
	for (size_t i = 0; i < fm->nr_entries; i++) {
		struct fp_entry *e = &fm->entries[i];

		if (e->priority >= priority && strcmp(e->id, except) != 0 &&
		    sel_path_find(map, e->id) < 0 && e->priority < FP_PRIORITY_MAX)
			e->priority++;
	}
	for (size_t i = 0; i < map->nr_paths; i++) {
		struct fp_entry *e;

		if (!shifted[i])
			continue;
		e = fp_entry_get(fm, map->paths[i].id);
		if (!e) {
			free(shifted);
			return -ENOMEM;
		}
		e->priority = shifted[i];
	}
	free(shifted);
	return 0;
}

static int parse_priority(const char *s, unsigned *ret)
{
	char *end;
	unsigned long v;

	if (strcmp(s, "default") == 0) {
		*ret = 0;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtoul(s, &end, 10);
	if (*end || v < FP_PRIORITY_MIN || v > FP_PRIORITY_MAX)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* A one-line reply: text, or {"message": text}. */
static int reply(const struct mpath_sel_map *map, unsigned flags, struct mpath_sel_output *out,
		 const char *text)
{
	const struct mpath_sel_host *h = map->host;
	int r;

	if (!(flags & MPATH_SEL_VERB_JSON))
		return h->output_printf(out, "%s", text);
	r = h->output_printf(out, "{\"message\":");
	r = r ?: sel_json_string(h, out, text);
	return r ?: h->output_printf(out, "}");
}

/* After a change: save, warn in the reply if that failed, and reload. */
static int commit(const struct mpath_sel_map *map, unsigned flags, struct mpath_sel_output *out,
		  struct mpath_sel_actions *actions)
{
	const struct mpath_sel_host *h = map->host;
	int r = fp_state_save(map, map->priv);

	if (r < 0 && !(flags & MPATH_SEL_VERB_JSON))
		h->output_printf(out, " (warning: not saved: %s)", strerror(-r));
	return h->action_reload(actions);
}

static int verb_set_priority(const struct mpath_sel_map *map, int argc, char **argv,
			     unsigned flags, struct mpath_sel_output *out,
			     struct mpath_sel_actions *actions)
{
	const struct mpath_sel_host *h = map->host;
	const char *arg = NULL;
	char name[256], msg[320];
	bool insert = false;
	unsigned prio;
	const char *eq;
	struct fp_entry *e;
	int p, r;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--insert") == 0)
			insert = true;
		else if (!arg)
			arg = argv[i];
		else
			arg = "";
	}
	eq = arg ? strrchr(arg, '=') : NULL;
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name) || parse_priority(eq + 1, &prio) < 0) {
		h->output_printf(out, "usage: failover set-priority PATH=N|default [--insert] (N in 1..%d)",
				 FP_PRIORITY_MAX);
		return -EINVAL;
	}
	memcpy(name, arg, eq - arg);
	name[eq - arg] = '\0';
	p = sel_path_find(map, name);
	if (p < 0)
		return -ENOENT;
	if (insert && prio) {
		r = insert_shift(map, map->paths[p].id, prio);
		if (r < 0)
			return r;
	}
	e = fp_entry_get(map->priv, map->paths[p].id);
	if (!e)
		return -ENOMEM;
	e->priority = prio;
	snprintf(msg, sizeof(msg), "%s (%s): priority %s%s", map->paths[p].dev, map->name, eq + 1,
		 insert ? ", others shifted" : "");
	r = reply(map, flags, out, msg);
	return r ?: commit(map, flags, out, actions);
}

static int verb_set_state(const struct mpath_sel_map *map, int argc, char **argv, unsigned flags,
			  struct mpath_sel_output *out, struct mpath_sel_actions *actions)
{
	const struct mpath_sel_host *h = map->host;
	struct fp_map *fm = map->priv;
	bool select = argc == 3 && strcmp(argv[2], "--select") == 0;
	struct fp_rank *ranks = NULL;
	struct fp_entry *e;
	char msg[320];
	bool down;
	int p, r;

	if ((argc != 2 && !select) || (strcmp(argv[1], "up") != 0 && strcmp(argv[1], "down") != 0)) {
		h->output_printf(out, "usage: failover set-state PATH up|down [--select]");
		return -EINVAL;
	}
	p = sel_path_find(map, argv[0]);
	if (p < 0)
		return -ENOENT;
	down = strcmp(argv[1], "down") == 0;
	e = fp_entry_get(fm, map->paths[p].id);
	if (!e)
		return -ENOMEM;
	snprintf(msg, sizeof(msg), "%s (%s): %s", map->paths[p].dev, map->name, down ? "Down" : "Up");
	r = reply(map, flags, out, msg);
	if (r < 0)
		return r;
	if (e->down != down) {
		e->down = down;
		fm->select_best = select;
		return commit(map, flags, out, actions);
	}
	if (!select)
		return 0;
	/* Nothing to reload: just move I/O to the best Up path. */
	r = ranks_get(map, &ranks);
	if (r == 0) {
		int best = best_usable(map, ranks);

		if (best >= 0 && best != rank_of_id(map, ranks, fm->selected))
			r = switch_to(map, ranks, best, actions);
		free(ranks);
	}
	return r;
}

static const struct mpath_sel_verb fp_verbs[] = {
	{ "failover list", "[MAP]", "paths of failover-priority maps: priority, Up/Down, which carries I/O",
	  true, verb_list },
	{ "failover set-priority", "PATH=N|default [--insert]",
	  "set a path's priority (1 highest); --insert shifts priorities >= N down by one", false,
	  verb_set_priority },
	{ "failover set-state", "PATH up|down [--select]",
	  "administratively enable or disable a path; --select moves I/O to the best Up path now",
	  false, verb_set_state },
	{ NULL, NULL, NULL, false, NULL },
};

MPATH_SELECTOR_EXPORT const struct mpath_selector_ops mpath_selector = {
	.abi_version = MPATH_SELECTOR_ABI_VERSION,
	.name = "failover-priority",
	.description = "one path per group, ordered by failover_priority (1 highest); failback policy",
	.map_attach = fp_map_attach,
	.map_detach = fp_map_detach,
	.build_layout = fp_build_layout,
	.path_event = fp_path_event,
	.map_event = fp_map_event,
	.tick = fp_tick,
	.verbs = fp_verbs,
};
