/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's commands: a table of named handlers, read-only ones rendered from the snapshot. */

/*
 * Protocol, for CLI authors (framing in libmpath/ipc.h):
 *
 * Request: command words separated by single spaces, optionally ending in
 * "--json". "list" is accepted wherever "show" is.
 *
 *   show topology [nocheck] [MAP]  the `multipath -ll` layout; nocheck prints
 *                                  "undef" for checker states (`-l`); MAP may be
 *                                  an alias, WWID, dm-N or one of its paths
 *   show paths                     one path per row, unclaimed paths last
 *   show paths [raw] format FMT    one line per path through multipathd's wildcards
 *                                  (%d dev, %w WWID, %t dm state, %T checker state...;
 *                                  libmpath/topology_format.h), in columns, or raw
 *   show maps [raw] format FMT     the same for maps (%n name, %w WWID, %d dm-N...)
 *   show maps                      one map per row
 *   show map NAME                  one map in the -ll layout
 *   show map NAME config           its resolved settings, each with its origin:
 *                                  (file:line), (built-in VENDOR PRODUCT) or (default)
 *   show map NAME regions          a switch stack's regions: runs of regions with
 *                                  the same owning member
 *   show config                    the effective config in multipath.conf syntax,
 *                                  compiled-in defaults and built-in table included
 *   show status                    counts, snapshot generation and age
 *   show iscsi VIEW [N]            the iSCSI session manager: sessions, ifaces, members or
 *                                  check; "check N" answers -EAGAIN until check run N ended
 *   help                           the list of commands
 *   fail path DEV                  administratively fail DEV; checkers never reinstate it
 *   reinstate path DEV             lift that; DEV is reinstated once its checker sees it answer
 *   add path DEV                   take a block device (sdX) as a path
 *   del path DEV                   forget a path and remove it from its map
 *   resize map NAME                reload NAME with its paths' current size
 *   reconfigure                    reload multipath.conf; keeps the old one on errors
 *   iscsi rebalance                discover the group again and lay the sessions out anew
 *   iscsi check [--fix]            start a run of the host checks (and fixes); answers
 *                                  "check N started"
 *   shutdown                       stop the daemon
 *   <plugin verb> ...              a verb of a loaded selector plugin, e.g.
 *                                  "failover list [MAP]"; `help` lists them
 *
 * Reply: a status and a UTF-8 body.
 *   status 0: the body is the output (text, or JSON with --json). Commands
 *     that change state answer "ok" or a summary; with --json,
 *     {"message": "..."}. An empty body is valid (e.g. no maps).
 *   status -errno: the body is one human-readable line, never JSON:
 *     -EINVAL  unknown command or bad arguments ("unknown command: ... (try 'help')")
 *     -ENODEV  no such path or map
 *     -EEXIST  add path: already a path
 *     -EPERM   a state-changing command (or plugin verb) from a non-root client
 *     -EMSGSIZE the request exceeds MP_IPC_MAX_REQUEST (the connection is closed)
 *     -EBUSY   every connection the uid may hold is busy (the connection is closed)
 *     -ETIMEDOUT the daemon's loop did not answer in 30 s; the command may still run
 *     -ESHUTDOWN the daemon is stopping
 *
 * Read-only commands are answered from the published snapshot on the IPC
 * thread, so they never wait for the event loop; several requests may be sent
 * on one connection, and are answered in order (mpathd/ipc_server.c). Plugin verbs run on the loop
 * (plugin state is not in the snapshot); the read-only ones need no root.
 */
#include <errno.h>
#include <libudev.h>
#include <stdarg.h>
#include <string.h>
#include <urcu.h>

#include "checker.h"
#include "clock.h"
#include "commands.h"
#include "daemon.h"
#include "iscsi_manager.h"
#include "json.h"
#include "log.h"
#include "map.h"
#include "path.h"
#include "reconfigure.h"
#include "plugins.h"
#include "snapshot.h"
#include "strbuf.h"
#include "topology_format.h"
#include "topology_print.h"
#include "util.h"

/* Read handlers see only the snapshot: they run on the IPC thread. */
typedef int (*command_render_t)(const struct snapshot *s, char **args, int nargs, bool json,
				struct strbuf *out);
/* Execute handlers run on the loop and may change the daemon's state. */
typedef int (*command_execute_t)(struct daemon *d, char **args, int nargs, struct strbuf *out);
/* a command answered later: -EINPROGRESS with @done called once, or an error now in @out */
typedef int (*command_start_t)(struct daemon *d, char **args, int nargs, bool json, command_done_t done,
			       void *ctx, struct strbuf *out);

struct command {
	const char *words;		/* "show topology" */
	const char *args;		/* "[nocheck] [MAP]", for help and usage errors */
	int min_args, max_args;
	const char *help;
	command_render_t render;	/* exactly one of render, execute and start is set */
	command_execute_t execute;
	command_start_t start;
};

DEFINE_FREE_FUNC(struct udev_device, udev_device_unref)

/* Replace @out with an error message and return @r. */
static int __attribute__((format(printf, 3, 4)))
command_error(struct strbuf *out, int r, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	strbuf_reset(out);
	strbuf_puts(out, msg ? msg : strerror(-r));
	return r;
}

/* ---- read-only commands ---- */

/* @filter may name a map or one of its paths; the printers answer -ENOENT when nothing matches. */
static int render_ll(const struct mp_topology *t, const char *filter, bool with_checker, bool json,
		     struct strbuf *out)
{
	int r;

	if (json)
		r = mp_topology_json_map_topology(t, filter, out, true);
	else
		r = mp_topology_print_ll(t, filter, with_checker, out);
	if (r == -ENOENT)
		return command_error(out, -ENODEV, "no map or path named '%s'", filter);
	return r;
}

static int show_topology(const struct snapshot *s, char **args, int nargs, bool json,
			 struct strbuf *out)
{
	const struct mp_topology *t = s->topology;
	bool with_checker = true;

	if (nargs > 0 && streq(args[0], "nocheck")) {
		with_checker = false;
		args++;
		nargs--;
	}
	if (nargs > 1)
		return command_error(out, -EINVAL, "usage: show topology [nocheck] [MAP]");
	return render_ll(t, nargs ? args[0] : NULL, with_checker, json, out);
}

/* A printed config: as is, or {"map": ..., "config": "..."} for JSON. */
static int render_config_text(const char *map, const char *text, bool json, struct strbuf *out)
{
	_cleanup_free_ char *doc = NULL;
	struct mp_json j;
	int r;

	if (!json)
		return strbuf_puts(out, text);
	mp_json_init(&j, true);
	mp_json_begin_object(&j);
	if (map)
		mp_json_kv_string(&j, "map", map);
	mp_json_kv_string(&j, "config", text);
	mp_json_end_object(&j);
	r = mp_json_finish(&j, &doc);
	mp_json_release(&j);
	return r < 0 ? r : strbuf_puts(out, doc);
}

/* `show map X config`: every resolved value and where it came from. */
static int show_map_config(const struct snapshot *s, const struct mp_topo_map *m, bool json,
			   struct strbuf *out)
{
	size_t i = (size_t)(m - s->topology->maps);
	const char *text = s->map_settings ? shared_text_str(s->map_settings[i]) : NULL;

	if (!text)
		return command_error(out, -EAGAIN, "%s: settings not resolved yet", m->name);
	return render_config_text(m->name, text, json, out);
}

/* `show map X regions`: which member owns each run of regions of a switch stack. */
static int show_map_regions(const struct snapshot *s, const struct mp_topo_map *m, bool json,
			    struct strbuf *out)
{
	size_t i = (size_t)(m - s->topology->maps);
	const char *text = s->map_regions ? shared_text_str(s->map_regions[i]) : NULL;

	if (!text)
		return command_error(out, -ENOENT, "%s: not a switch stack, or its regions are not loaded yet",
				     m->name);
	return render_config_text(m->name, text, json, out);
}

static int show_map(const struct snapshot *s, char **args, int nargs, bool json, struct strbuf *out)
{
	const struct mp_topo_map *m = mp_topology_find_map(s->topology, args[0]);

	if (nargs == 2 && !streq(args[1], "config") && !streq(args[1], "regions"))
		return command_error(out, -EINVAL, "usage: show map NAME [config|regions]");
	if (!m)
		return command_error(out, -ENODEV, "no map named '%s'", args[0]);
	if (nargs == 2 && streq(args[1], "regions"))
		return show_map_regions(s, m, json, out);
	if (nargs == 2)
		return show_map_config(s, m, json, out);
	return render_ll(s->topology, args[0], true, json, out);
}

static int show_config(const struct snapshot *s, char **args, int nargs, bool json, struct strbuf *out)
{
	const char *text = shared_text_str(s->config);

	if (!text)
		return command_error(out, -EAGAIN, "the configuration is not available");
	return render_config_text(NULL, text, json, out);
}

static int show_paths(const struct snapshot *s, char **args, int nargs, bool json, struct strbuf *out)
{
	return json ? mp_topology_json_paths(s->topology, out, true) : mp_topology_print_paths(s->topology, out);
}

/* The words after "format", joined again: the format may hold spaces ("%d %w"). */
static int format_join(char **args, int nargs, char **ret)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < nargs; i++)
		if (strbuf_printf(&sb, "%s%s", i ? " " : "", args[i]) < 0)
			return -ENOMEM;
	*ret = strbuf_steal(&sb);
	return *ret ? 0 : -ENOMEM;
}

static int show_format(const struct snapshot *s, char **args, int nargs, bool json, bool raw, bool maps,
		       struct strbuf *out)
{
	_cleanup_free_ char *fmt = NULL;

	if (json)
		return command_error(out, -EINVAL, "a format is text; leave out --json");
	if (format_join(args, nargs, &fmt) < 0)
		return -ENOMEM;
	return maps ? mp_topology_format_maps(s->topology, fmt, raw, out) :
		      mp_topology_format_paths(s->topology, fmt, raw, out);
}

static int show_paths_format(const struct snapshot *s, char **args, int nargs, bool json, struct strbuf *out)
{
	return show_format(s, args, nargs, json, false, false, out);
}

static int show_paths_raw_format(const struct snapshot *s, char **args, int nargs, bool json, struct strbuf *out)
{
	return show_format(s, args, nargs, json, true, false, out);
}

static int show_maps_format(const struct snapshot *s, char **args, int nargs, bool json, struct strbuf *out)
{
	return show_format(s, args, nargs, json, false, true, out);
}

static int show_maps_raw_format(const struct snapshot *s, char **args, int nargs, bool json, struct strbuf *out)
{
	return show_format(s, args, nargs, json, true, true, out);
}

static int show_maps(const struct snapshot *s, char **args, int nargs, bool json, struct strbuf *out)
{
	return json ? mp_topology_json_maps(s->topology, out, true) : mp_topology_print_maps(s->topology, out);
}

struct status_counts {
	size_t maps, paths, active, failed, unclaimed;
};

/* active: the kernel uses it; failed: the kernel or a checker says it is down. */
static void status_count_path(const struct mp_topo_path *p, struct status_counts *c)
{
	c->paths++;
	if (p->dm_state == MP_DM_PATH_ACTIVE)
		c->active++;
	else if (p->dm_state == MP_DM_PATH_FAILED || p->checker_state == MP_CHK_FAULTY ||
		 p->checker_state == MP_CHK_ADMIN_DOWN)
		c->failed++;
}

static void status_count(const struct mp_topology *t, struct status_counts *c)
{
	*c = (struct status_counts){ .maps = t->nr_maps, .unclaimed = t->nr_orphans };
	for (size_t i = 0; i < t->nr_maps; i++)
		for (size_t g = 0; g < t->maps[i].nr_groups; g++)
			for (size_t k = 0; k < t->maps[i].groups[g].nr_paths; k++)
				status_count_path(&t->maps[i].groups[g].paths[k], c);
	for (size_t i = 0; i < t->nr_orphans; i++)
		status_count_path(&t->orphans[i], c);
}

static int show_status_json(const struct mp_topology *t, const struct status_counts *c, uint64_t age,
			    struct strbuf *out)
{
	_cleanup_free_ char *text = NULL;
	struct mp_json j;
	int r;

	mp_json_init(&j, true);
	mp_json_begin_object(&j);
	mp_json_kv_uint(&j, "maps", c->maps);
	mp_json_kv_uint(&j, "paths", c->paths);
	mp_json_kv_uint(&j, "active_paths", c->active);
	mp_json_kv_uint(&j, "failed_paths", c->failed);
	mp_json_kv_uint(&j, "unclaimed_paths", c->unclaimed);
	mp_json_kv_uint(&j, "generation", t->generation);
	mp_json_key(&j, "snapshot_age_usec");
	if (t->created_usec)
		mp_json_uint(&j, age);
	else
		mp_json_null(&j);
	mp_json_end_object(&j);
	r = mp_json_finish(&j, &text);
	mp_json_release(&j);
	return r < 0 ? r : strbuf_puts(out, text);
}

static int show_status(const struct snapshot *s, char **args, int nargs, bool json, struct strbuf *out)
{
	const struct mp_topology *t = s->topology;
	struct status_counts c;
	uint64_t now = now_usec();
	uint64_t age = t->created_usec && now > t->created_usec ? now - t->created_usec : 0;

	status_count(t, &c);
	if (json)
		return show_status_json(t, &c, age, out);
	strbuf_printf(out, "maps: %zu\n", c.maps);
	strbuf_printf(out, "paths: %zu (active %zu, failed %zu, unclaimed %zu)\n",
		      c.paths, c.active, c.failed, c.unclaimed);
	strbuf_printf(out, "generation: %llu\n", (unsigned long long)t->generation);
	if (!t->created_usec)
		return strbuf_puts(out, "snapshot: none published yet (daemon starting)\n");
	return strbuf_printf(out, "snapshot age: %llu.%03llu s\n", (unsigned long long)(age / 1000000),
			     (unsigned long long)(age % 1000000 / 1000));
}

static int show_iscsi(const struct snapshot *s, char **args, int nargs, bool json, struct strbuf *out)
{
	int r = iscsi_manager_show(args, nargs, json, out);

	return r < 0 ? command_error(out, r, "%s", strbuf_str(out)) : r;
}

static int show_help(const struct snapshot *s, char **args, int nargs, bool json, struct strbuf *out);

/* ---- commands that change state (on the loop) ---- */

/* NULL, with the error in @out, when there is no such path: the caller returns -ENODEV. */
static struct path *path_lookup(struct daemon *d, const char *dev, struct strbuf *out)
{
	struct path *p = daemon_find_path(d, dev);

	if (!p)
		command_error(out, -ENODEV, "no path named '%s'", dev);
	return p;
}

static int cmd_fail_path(struct daemon *d, char **args, int nargs, struct strbuf *out)
{
	enum mp_checker_state was;
	struct path *p;
	int r;

	p = path_lookup(d, args[0], out);
	if (!p)
		return -ENODEV;
	was = p->info.checker_state;
	log_notice("%s: failed by the administrator", p->info.dev);
	/* This sends fail_path to the map unless the path was already down... */
	checker_path_state_changed(d, p, MP_CHK_ADMIN_DOWN);
	/* ...and a repeated fail must still fail it if a reload brought it back. */
	if (was == MP_CHK_ADMIN_DOWN && p->map && p->info.dm_state != MP_DM_PATH_FAILED) {
		r = map_path_message(d, p, false);
		if (r < 0)
			return command_error(out, r, "%s: failed to fail it in %s: %s", p->info.dev,
					     p->map->name, strerror(-r));
	}
	return strbuf_puts(out, "ok");
}

static int cmd_reinstate_path(struct daemon *d, char **args, int nargs, struct strbuf *out)
{
	struct path *p;

	p = path_lookup(d, args[0], out);
	if (!p)
		return -ENODEV;
	log_notice("%s: reinstated by the administrator", p->info.dev);
	/* The checker reinstates it in the map when the path answers. */
	checker_path_state_changed(d, p, MP_CHK_UNCHECKED);
	checker_kick(d, p);
	return strbuf_puts(out, "ok");
}

/* The name goes into a sysfs lookup: no "/", no "." or "..". */
static bool dev_name_is_valid(const char *dev)
{
	return dev[0] && dev[0] != '.' && !strchr(dev, '/') &&
	       strlen(dev) < sizeof(((struct mp_topo_path *)NULL)->dev);
}

static int cmd_add_path(struct daemon *d, char **args, int nargs, struct strbuf *out)
{
	_cleanup_(udev_device_unrefp) struct udev_device *dev = NULL;
	const char *name = args[0];
	int r;

	if (!dev_name_is_valid(name))
		return command_error(out, -EINVAL, "invalid device name '%s'", name);
	if (daemon_find_path(d, name))
		return command_error(out, -EEXIST, "%s is already a path", name);
	dev = udev_device_new_from_subsystem_sysname(d->udev, "block", name);
	if (!dev)
		return command_error(out, -ENODEV, "no block device named '%s'", name);
	/* its facts are read off the loop; it joins its map when they are in (see the log) */
	r = path_discover(d, dev, DISCOVER_BY_ADMIN);
	if (r < 0)
		return command_error(out, r, "%s: %s", name, strerror(-r));
	return strbuf_printf(out, "ok: %s is being added", name);
}

static int cmd_del_path(struct daemon *d, char **args, int nargs, struct strbuf *out)
{
	struct path *p;

	p = path_lookup(d, args[0], out);
	if (!p)
		return -ENODEV;
	log_notice("%s: removed by the administrator", p->info.dev);
	path_remove(d, p);
	return strbuf_puts(out, "ok");
}

static int cmd_resize_map(struct daemon *d, char **args, int nargs, struct strbuf *out)
{
	struct mpmap *m = daemon_find_map(d, args[0]);
	int r;

	if (!m)
		return command_error(out, -ENODEV, "no map named '%s'", args[0]);
	r = map_resize(d, m);
	if (r < 0)
		return command_error(out, r, "%s: failed to resize: %s", m->name, strerror(-r));
	return strbuf_puts(out, "ok");
}

static int command_finish(int r, struct strbuf *out, bool json_message, char **ret_body);

/* A reconfigure's answer: the summary, as text or {"message": ...}. */
struct reconfigure_ctx {
	command_done_t done;
	void *ctx;
	bool json;
};

static void reconfigure_answer(void *userdata, int result, char *summary)
{
	struct reconfigure_ctx *c = userdata;
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	char *body = NULL;
	int r = result;

	if (result < 0)
		command_error(&out, result, "%s", summary ? summary : strerror(-result));
	else
		strbuf_puts(&out, summary ? summary : "ok");
	free(summary);
	r = command_finish(r, &out, c->json, &body);
	c->done(c->ctx, r, body);
	free(c);
}

static int cmd_reconfigure(struct daemon *d, char **args, int nargs, bool json, command_done_t done,
			   void *ctx, struct strbuf *out)
{
	struct reconfigure_ctx *c = malloc(sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	*c = (struct reconfigure_ctx){ done, ctx, json };
	r = daemon_reload_config_async(d, reconfigure_answer, c);
	if (r < 0) {
		free(c);
		return command_error(out, r, "cannot reload: %s", strerror(-r));
	}
	return -EINPROGRESS;
}

static int cmd_iscsi(struct daemon *d, char **args, int nargs, struct strbuf *out)
{
	int r = iscsi_manager_command(d, args, nargs, out);

	return r < 0 ? command_error(out, r, "%s", strbuf_str(out)) : r;
}

static int cmd_shutdown(struct daemon *d, char **args, int nargs, struct strbuf *out)
{
	log_notice("shutdown requested over the socket");
	daemon_request_exit(d);
	return strbuf_puts(out, "ok");
}

static const struct command command_table[] = {
	{ "show topology", "[nocheck] [MAP]", 0, 2, "maps, groups and paths as multipath -ll", show_topology, NULL },
	{ "show paths format", "FORMAT", 1, 64, "every path through multipathd's %-wildcards, in columns",
	  show_paths_format, NULL },
	{ "show paths raw format", "FORMAT", 1, 64, "the same without header or padding",
	  show_paths_raw_format, NULL },
	{ "show paths", "", 0, 0, "every path, unclaimed ones last", show_paths, NULL },
	{ "show maps format", "FORMAT", 1, 64, "every map through multipathd's %-wildcards, in columns",
	  show_maps_format, NULL },
	{ "show maps raw format", "FORMAT", 1, 64, "the same without header or padding",
	  show_maps_raw_format, NULL },
	{ "show maps", "", 0, 0, "every map, one per row", show_maps, NULL },
	{ "show map", "NAME [config|regions]", 1, 2,
	  "one map as multipath -ll; config: its settings and their origins; regions: a stack's region owners",
	  show_map, NULL },
	{ "show config", "", 0, 0, "the configuration in effect, built-in values included", show_config, NULL },
	{ "show status", "", 0, 0, "counts, snapshot generation and age", show_status, NULL },
	{ "show iscsi", "sessions|ifaces|members|check [N]", 1, 2,
	  "the iSCSI session manager: sessions, NICs, members, host checks", show_iscsi, NULL },
	{ "help", "", 0, 0, "this list", show_help, NULL },
	{ "fail path", "DEV", 1, 1, "fail DEV until it is reinstated by hand", NULL, cmd_fail_path },
	{ "reinstate path", "DEV", 1, 1, "let the checker reinstate DEV when it answers", NULL, cmd_reinstate_path },
	{ "add path", "DEV", 1, 1, "take the block device DEV as a path", NULL, cmd_add_path },
	{ "del path", "DEV", 1, 1, "forget the path DEV", NULL, cmd_del_path },
	{ "resize map", "NAME", 1, 1, "reload NAME with its paths' size", NULL, cmd_resize_map },
	{ "reconfigure", "", 0, 0, "reload the configuration", NULL, NULL, cmd_reconfigure },
	{ "iscsi", "rebalance | check [--fix]", 1, 2, "iSCSI sessions: lay out anew, or run the host checks",
	  NULL, cmd_iscsi, NULL },
	{ "shutdown", "", 0, 0, "stop the daemon", NULL, cmd_shutdown },
};

static void help_json_entry(struct mp_json *j, const char *words, const char *args, bool read_only,
			    const char *help, const char *plugin)
{
	mp_json_begin_object(j);
	mp_json_kv_string(j, "command", words);
	mp_json_kv_string(j, "arguments", args);
	mp_json_kv_bool(j, "read_only", read_only);
	mp_json_kv_string(j, "description", help);
	if (plugin)
		mp_json_kv_string(j, "selector", plugin);
	mp_json_end_object(j);
}

static int show_help_json(const struct snapshot *s, struct strbuf *out)
{
	_cleanup_free_ char *text = NULL;
	struct mp_json j;
	int r;

	mp_json_init(&j, true);
	mp_json_begin_object(&j);
	mp_json_key(&j, "commands");
	mp_json_begin_array(&j);
	for (size_t i = 0; i < ARRAY_SIZE(command_table); i++) {
		const struct command *c = &command_table[i];

		help_json_entry(&j, c->words, c->args, c->render != NULL, c->help, NULL);
	}
	for (size_t i = 0; i < s->nr_verbs; i++) {
		const struct plugin_verb_info *v = &s->verbs[i];

		help_json_entry(&j, v->words, v->usage, v->read_only, v->help, v->plugin);
	}
	mp_json_end_array(&j);
	mp_json_end_object(&j);
	r = mp_json_finish(&j, &text);
	mp_json_release(&j);
	return r < 0 ? r : strbuf_puts(out, text);
}

static int help_line(struct strbuf *out, const char *words, const char *args, const char *help,
		     const char *plugin)
{
	char usage[96];
	int r = 0;

	snprintf(usage, sizeof(usage), "%s%s%s", words, args[0] ? " " : "", args);
	/* a long usage gets a line of its own, so the descriptions stay in one column */
	if (strlen(usage) > 32) {
		r = strbuf_printf(out, "  %s\n", usage);
		usage[0] = '\0';
	}
	if (r >= 0)
		r = strbuf_printf(out, "  %-32s %s", usage, help);
	if (r >= 0 && plugin)
		r = strbuf_printf(out, " (selector %s)", plugin);
	return r < 0 ? r : strbuf_puts(out, "\n");
}

static int show_help(const struct snapshot *s, char **args, int nargs, bool json, struct strbuf *out)
{
	int r = 0;

	if (json)
		return show_help_json(s, out);
	strbuf_puts(out, "commands (add --json for JSON output; \"list\" works as \"show\"):\n");
	for (size_t i = 0; i < ARRAY_SIZE(command_table) && r >= 0; i++) {
		const struct command *c = &command_table[i];

		r = help_line(out, c->words, c->args, c->help, NULL);
	}
	if (r >= 0 && s->nr_verbs)
		r = strbuf_puts(out, "commands of the selector plugins in use:\n");
	for (size_t i = 0; i < s->nr_verbs && r >= 0; i++)
		r = help_line(out, s->verbs[i].words, s->verbs[i].usage, s->verbs[i].help, s->verbs[i].plugin);
	return r;
}

/* ---- dispatch ---- */

/* How many leading words of @argv are @words; 0 when they do not match. */
static int words_match(const char *w, char **argv, int argc, bool show_alias)
{
	int i;

	for (i = 0; *w; i++) {
		size_t len = strcspn(w, " ");
		const char *a;

		if (i >= argc)
			return 0;
		a = show_alias && i == 0 && streq(argv[0], "list") ? "show" : argv[i];
		if (strlen(a) != len || strncmp(a, w, len) != 0)
			return 0;
		w += len;
		w += strspn(w, " ");
	}
	return i;
}

/* The daemon's own command @argv starts with, or NULL; *ret_n receives its word count. */
static const struct command *command_find(char **argv, int argc, int *ret_n)
{
	for (size_t i = 0; i < ARRAY_SIZE(command_table); i++) {
		int n = words_match(command_table[i].words, argv, argc, true);

		if (n > 0) {
			*ret_n = n;
			return &command_table[i];
		}
	}
	return NULL;
}

static int command_unknown(char **argv, int argc, struct strbuf *out)
{
	strbuf_reset(out);
	strbuf_puts(out, "unknown command:");
	for (int i = 0; i < argc; i++)
		strbuf_printf(out, " %s", argv[i]);
	strbuf_puts(out, " (try 'help')");
	return -EINVAL;
}

static int command_resolve(char **argv, int argc, struct strbuf *out, const struct command **ret,
			   char ***ret_args, int *ret_nargs)
{
	int n;
	const struct command *c = command_find(argv, argc, &n);

	if (!c)
		return command_unknown(argv, argc, out);
	if (argc - n < c->min_args || argc - n > c->max_args)
		return command_error(out, -EINVAL, "usage: %s%s%s", c->words, c->args[0] ? " " : "", c->args);
	*ret = c;
	*ret_args = argv + n;
	*ret_nargs = argc - n;
	return 0;
}

/* The body is always set (NULL only when even that allocation failed). */
static int command_finish(int r, struct strbuf *out, bool json_message, char **ret_body)
{
	if (r == -ENOMEM || (r < 0 && out->len == 0))
		command_error(out, r, "%s", strerror(-r));
	if (r >= 0 && json_message) {
		_cleanup_free_ char *text = NULL;
		struct mp_json j;

		mp_json_init(&j, true);
		mp_json_begin_object(&j);
		mp_json_kv_string(&j, "message", strbuf_str(out));
		mp_json_end_object(&j);
		r = mp_json_finish(&j, &text);
		mp_json_release(&j);
		strbuf_reset(out);
		strbuf_puts(out, r < 0 ? strerror(-r) : text);
	}
	*ret_body = strbuf_steal(out);
	return r < 0 ? r : 0;
}

bool command_is_read_only(char **argv, int argc)
{
	return argc >= 1 && (streq(argv[0], "show") || streq(argv[0], "list") || streq(argv[0], "help"));
}

/*
 * Plugin verbs run on the loop (plugin state is not in snapshots), so they
 * are not "read-only" above; a client may still run the ones that change
 * nothing. Decided from the snapshot's copy of the verbs, conservatively:
 * any matching verb that changes state, or none at all, needs root.
 */
bool command_needs_root(char **argv, int argc)
{
	const struct snapshot *s;
	bool matched = false, writes = false;
	int n;

	if (command_is_read_only(argv, argc))
		return false;
	if (command_find(argv, argc, &n))
		return true;	/* the daemon's own commands win over plugin verbs */
	rcu_read_lock();
	s = snapshot_acquire();
	for (size_t i = 0; s && i < s->nr_verbs; i++) {
		if (words_match(s->verbs[i].words, argv, argc, false) == 0)
			continue;
		matched = true;
		writes |= !s->verbs[i].read_only;
	}
	rcu_read_unlock();
	return !matched || writes;
}

int commands_render_read(char **argv, int argc, bool json, char **ret_body)
{
	static struct mp_topology empty_topology;	/* before the first publication */
	static const struct snapshot empty = { .topology = &empty_topology };
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	const struct snapshot *s;
	const struct command *c = NULL;
	char **args = NULL;
	int nargs = 0, r;

	r = command_resolve(argv, argc, &out, &c, &args, &nargs);
	if (r >= 0 && !c->render)
		r = command_error(&out, -EINVAL, "'%s' changes state: it is not a read-only command", c->words);
	if (r >= 0) {
		s = snapshot_acquire();
		r = c->render(s ? s : &empty, args, nargs, json, &out);
	}
	return command_finish(r, &out, false, ret_body);
}

/* Not one of the daemon's commands: a verb of a loaded selector plugin, or unknown. */
static int command_execute_plugin(struct daemon *d, char **argv, int argc, bool json, char **ret_body)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	bool read_only;
	int r;

	r = plugin_command(d, argv, argc, json, &out, &read_only);
	if (r == -ENOENT)
		r = command_unknown(argv, argc, &out);
	else if (r >= 0 && !read_only)
		daemon_publish_later(d);
	/* the verb wrote JSON itself when asked to */
	return command_finish(r, &out, false, ret_body);
}

int commands_execute(struct daemon *d, char **argv, int argc, bool json, char **ret_body)
{
	return commands_execute_async(d, argv, argc, json, ret_body, NULL, NULL);
}

int commands_execute_async(struct daemon *d, char **argv, int argc, bool json, char **ret_body,
			   command_done_t done, void *ctx)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	const struct command *c = NULL;
	char **args = NULL;
	int nargs = 0, r;

	if (command_is_read_only(argv, argc)) {
		/* Show what the loop knows right now; publishing also registers this thread with RCU. */
		daemon_publish_now(d);
		rcu_read_lock();
		r = commands_render_read(argv, argc, json, ret_body);
		rcu_read_unlock();
		return r;
	}
	if (!command_find(argv, argc, &nargs))
		return command_execute_plugin(d, argv, argc, json, ret_body);
	r = command_resolve(argv, argc, &out, &c, &args, &nargs);
	if (r >= 0 && c->start && !done)
		r = command_error(&out, -EOPNOTSUPP, "'%s' answers later; not here", c->words);
	else if (r >= 0 && c->start) {
		r = c->start(d, args, nargs, json, done, ctx, &out);
		if (r == -EINPROGRESS)
			return r;
	} else if (r >= 0 && !c->execute)
		r = command_error(&out, -EINVAL, "'%s' is read-only: use show or help", c->words);
	else if (r >= 0) {
		r = c->execute(d, args, nargs, &out);
		daemon_publish_later(d);
	}
	return command_finish(r, &out, json, ret_body);
}
