/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Daemon glue for selector plugins: pick one per map, build its table, route events, ticks and verbs. */
#pragma once

#include <stdbool.h>

#include "daemon.h"
#include "mpath-selector.h"	/* the event enums */

struct mp_table;
struct mp_selector;
struct strbuf;

/*
 * Everything here runs on the event loop, like the plugins it calls.
 *
 * Which plugin a map uses (map_selector_attach()):
 * - the "selector" keyword when multipath.conf sets it (any level);
 * - otherwise "round-robin" when path_grouping_policy is multibus;
 * - otherwise the built-in "path-grouping" selector, which builds exactly
 *   the groups maps.c built before plugins: failover (one path per group),
 *   multibus (one group), group_by_tpg (one group per target port group),
 *   group_by_serial/prio/node_name (one group); paths sorted by TPG, then
 *   H:C:T:L as text; repeat count rr_min_io_rq.
 * A plugin that cannot be loaded or refuses the map is logged, and the map
 * uses "path-grouping", so it still gets a table.
 */

/** MAP_SELECTOR_RELOAD - returned by the event functions: rebuild and reload the map. */
#define MAP_SELECTOR_RELOAD 1

/** struct map_selector - a map's selector: the plugin and the plugin's state for the map. */
struct map_selector {
	struct mp_selector *plugin;	/* owned by the registry */
	void *priv;			/* the plugin's, from map_attach() */
	bool attached;			/* map_attach() succeeded (or there is none) */
};

/**
 * typedef selector_send_fn - sends a dm message to a map's top device (maps.c's
 * map_send_message()); 0 or -errno.
 */
typedef int (*selector_send_fn)(struct daemon *d, struct mpmap *m, const char *message);

/**
 * selectors_start() - load nothing yet, but set where plugins and state live and start ticking.
 * @d: the daemon.
 * @plugin_dir: where "<name>.so" are; NULL for $MPATHD_SELECTOR_DIR, else MPATH_SELECTOR_DIR.
 * @state_dir: root of the plugins' state files ("<state_dir>/selectors/<plugin>/<wwid>");
 *	NULL for MPATH_STATE_DIR.
 * @send: how messages from ticks and verbs are sent; NULL turns them into reloads
 *	(which put I/O on the group the plugin selected, just less cheaply).
 *
 * Without it, the first map_selector_attach() sets up the defaults, but
 * tick() (deferred failback) never runs.
 *
 * Return: 0 or -errno.
 */
int selectors_start(struct daemon *d, const char *plugin_dir, const char *state_dir,
		    selector_send_fn send);

/** selectors_stop() - stop ticking, detach the maps still attached, unload every plugin. */
void selectors_stop(struct daemon *d);

/**
 * map_selector_attach() - choose @m's plugin (see above) and attach the map to it.
 * @d: the daemon.
 * @m: the map; its settings must be resolved.
 *
 * Call when the map is created and after its settings change (reconfigure):
 * a map already attached to the right plugin is left alone; one whose
 * plugin changed is detached first (its plugin state is dropped).
 *
 * Return: 0, or -ENOMEM. Plugin failures fall back to "path-grouping".
 */
int map_selector_attach(struct daemon *d, struct mpmap *m);

/** map_selector_detach() - drop @m's plugin state; call from map_free(). Accepts unattached maps. */
void map_selector_detach(struct mpmap *m);

/** map_selector_name() - the plugin name of @m, for snapshots; "" when not attached. */
const char *map_selector_name(struct mpmap *m);

/**
 * map_selector_build_table() - fill the groups and paths of @m's top multipath device.
 * @d: the daemon.
 * @m: an attached map (attached now if it is not).
 * @t: a table with features and hardware handler set and no groups.
 *
 * Sets the initial group. Tell the plugin afterwards whether the table was
 * loaded, with map_selector_map_event(MPATH_SEL_MAP_LOADED or _LOAD_FAILED).
 * When the plugin fails, or describes a stack (lower devices or a switch on
 * top, which the daemon cannot load yet), the error is logged and the
 * built-in layout is used for this load.
 *
 * Return: 0, -EINVAL, or -ENOMEM.
 */
int map_selector_build_table(struct daemon *d, struct mpmap *m, struct mp_table *t);

/**
 * map_selector_path_event() - tell @m's plugin what happened to @p.
 * @d: the daemon.
 * @m: the map.
 * @p: the path; for MPATH_SEL_PATH_REMOVED it may already be detached from @m.
 * @event: an &enum mpath_sel_path_event.
 * @ret_messages: receives a NULL-terminated list of dm messages for @m's
 *	device, in order (free with mp_strv_free()), or NULL for none; written
 *	only on success.
 *
 * Return: MAP_SELECTOR_RELOAD when the map must be rebuilt and reloaded
 * (send the messages first; they refer to the loaded table), 0, or -errno.
 */
int map_selector_path_event(struct daemon *d, struct mpmap *m, struct path *p, int event,
			    char ***ret_messages);

/**
 * map_selector_map_event() - tell @m's plugin about @event (&enum mpath_sel_map_event).
 *
 * Same returns as map_selector_path_event().
 */
int map_selector_map_event(struct daemon *d, struct mpmap *m, int event, char ***ret_messages);

/**
 * map_selector_tick() - run @m's plugin's tick() (selectors_start() does this every second).
 *
 * Same returns as map_selector_path_event().
 */
int map_selector_tick(struct daemon *d, struct mpmap *m, char ***ret_messages);

/**
 * selector_command_lookup() - whether @argv starts with a verb of a loaded plugin.
 * @argv, @argc: the command words ("failover", "list", ...).
 * @ret_read_only: receives whether the verb changes nothing (any user may
 *	run it; it still runs on the loop, since plugin state is not in snapshots).
 *
 * Return: 0, or -ENOENT when no loaded plugin has such a verb.
 */
int selector_command_lookup(char **argv, int argc, bool *ret_read_only);

/**
 * selector_command() - run a plugin verb, e.g. {"failover", "list", "mpatha"}.
 * @d: the daemon.
 * @argv, @argc: the command words, without "--json".
 * @json: the client asked for JSON; the per-map values are joined in an array.
 * @out: receives the reply, or a one-line error message.
 * @ret_read_only: receives whether the verb is read-only; written on success.
 *
 * Runs the verb for every map using the plugin, in name order. Messages the
 * verb asks for go through the send function of selectors_start() (or become
 * reloads); reloads are scheduled with map_schedule_reload().
 *
 * Return: 0; -ENOENT when no plugin verb matches (@out untouched, so the
 * caller can report an unknown command); -ENODEV when no map took it;
 * -EINVAL for usage errors; another -errno.
 */
int selector_command(struct daemon *d, char **argv, int argc, bool json, struct strbuf *out,
		     bool *ret_read_only);

/** selectors_help() - append "  <verb> <usage>  <help>" lines for every loaded plugin's verbs. */
int selectors_help(struct strbuf *out);

/**
 * struct selector_verb_info - a loaded plugin's verb, copied for a snapshot.
 * @words: e.g. "failover list".
 * @usage: its arguments, e.g. "[MAP]"; "" when none.
 * @help: one line.
 * @plugin: the plugin's name.
 * @read_only: any user may run it.
 */
struct selector_verb_info {
	char *words;
	char *usage;
	char *help;
	char *plugin;
	bool read_only;
};

/**
 * selectors_verbs() - copy every loaded plugin's verbs, in registry order.
 * @ret: receives the array (NULL when there are none); free with selector_verbs_free().
 * @ret_n: receives its length.
 *
 * Client threads cannot ask the registry (the loop changes it as plugins
 * load), so snapshots carry this copy for help and permission checks.
 *
 * Return: 0 or -ENOMEM.
 */
int selectors_verbs(struct selector_verb_info **ret, size_t *ret_n);

/** selector_verbs_free() - free what selectors_verbs() returned; accepts NULL. */
void selector_verbs_free(struct selector_verb_info *v, size_t n);
