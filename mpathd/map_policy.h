/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A map's policy: the selector plugin it uses, the plugin's state for it, and the calls into it. */
#pragma once

#include <stdbool.h>

#include "mpath-selector.h"

struct daemon;
struct mpmap;
struct path;
struct mpath_sel_layout;
struct mpath_sel_actions;
struct mp_selector;

/*
 * Names: a "path selector" is the kernel's (round-robin, service-time; the path_selector
 * keyword). A "selector plugin" is a .so in selectors/ (the selector keyword), loaded by
 * plugins.c. A map's "policy" is the plugin attached to it with its per-map state.
 *
 * Which plugin a map uses:
 * - the "selector" keyword when multipath.conf sets it (any level);
 * - otherwise "round-robin" when path_grouping_policy is multibus;
 * - otherwise the built-in "path-grouping" plugin (plugins.c), which groups paths by
 *   path_grouping_policy like multipath-tools.
 * A plugin that cannot be loaded or refuses the map falls back to "path-grouping", and
 * says so once.
 *
 * Everything here runs on the event loop. The calls only read the map and return what the
 * plugin asked for (a layout, or actions); the map applies it (maps.c, map_apply.c).
 */

/**
 * struct map_policy - a map's plugin and the plugin's state.
 * @plugin: owned by the registry; NULL until attached.
 * @priv: the plugin's, from map_attach().
 * @wanted: the plugin the settings ask for, when @plugin is the fallback ("" otherwise).
 */
struct map_policy {
	struct mp_selector *plugin;
	void *priv;
	char wanted[64];	/* the plugin asked for, when another one runs instead */
	bool deferred;		/* @wanted would change an adopted map's type (map_policy_layout) */
};

/**
 * map_policy_attach() - choose @m's plugin from its settings and attach the map to it.
 *
 * Call when the map is created and after its settings change. A map already attached
 * to the right plugin is left alone; one whose plugin changed is detached first (its
 * plugin state is dropped).
 *
 * Return: 0, or -ENOMEM. Plugin failures fall back to "path-grouping".
 */
int map_policy_attach(struct daemon *d, struct mpmap *m);

/** map_policy_detach() - drop @m's plugin state; accepts an unattached map. */
void map_policy_detach(struct mpmap *m);

/** map_policy_name() - the plugin name of @m, for snapshots; "" when not attached. */
const char *map_policy_name(const struct mpmap *m);

/**
 * map_policy_layout() - the devices, groups and paths @m's plugin wants now.
 * @m: an attached map.
 * @ret: receives the checked layout (path numbers index @m->paths); free it with
 *	mp_sel_layout_free().
 *
 * When the plugin fails or builds an invalid layout, the error is logged and the built-in
 * layout is used for this load.
 *
 * Return: the index of the layout's top device, or -errno.
 */
int map_policy_layout(struct mpmap *m, struct mpath_sel_layout **ret);

/**
 * map_policy_path_event() - tell @m's plugin what happened to @p.
 * @p: the path; for MPATH_SEL_PATH_REMOVED it may already be detached from @m.
 * @event: an &enum mpath_sel_path_event.
 * @ret: receives what the plugin asked for (free with mp_sel_actions_free()), or NULL.
 *
 * Return: 0 or -errno (logged).
 */
int map_policy_path_event(struct mpmap *m, struct path *p, int event, struct mpath_sel_actions **ret);

/** map_policy_map_event() - tell @m's plugin about @event (&enum mpath_sel_map_event); as above. */
int map_policy_map_event(struct mpmap *m, int event, struct mpath_sel_actions **ret);

/** map_policy_tick() - run @m's plugin's tick(); as above. False-free: plugins without tick() return 0. */
int map_policy_tick(struct mpmap *m, struct mpath_sel_actions **ret);

/** map_policy_has_tick() - whether @m's plugin wants ticks. */
bool map_policy_has_tick(const struct mpmap *m);

/**
 * map_policy_verb() - run @verb of @m's plugin.
 * @argc, @argv: the words after the verb's name.
 * @flags: MPATH_SEL_VERB_*.
 * @out: the reply being written.
 * @ret: receives the actions the verb asked for, or NULL.
 *
 * Return: the verb's result (-ENOENT: not about this map), or -errno.
 */
int map_policy_verb(struct mpmap *m, const struct mpath_sel_verb *verb, int argc, char **argv,
		    unsigned flags, struct mpath_sel_output *out, struct mpath_sel_actions **ret);
