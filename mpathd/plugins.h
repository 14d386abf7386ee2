/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Selector plugins in the daemon: the registry, the built-in path-grouping plugin, ticks and verbs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "mpath-selector.h"

struct daemon;
struct mp_selector;
struct strbuf;

/** PLUGIN_BUILTIN - the plugin every map falls back to: groups by path_grouping_policy. */
#define PLUGIN_BUILTIN "path-grouping"

/**
 * plugins_start() - set where plugins and their state live, and start ticking.
 * @d: the daemon; with no event loop (tests) nothing ticks.
 * @plugin_dir: where "<name>.so" are; NULL for $MPATHD_SELECTOR_DIR, else MPATH_SELECTOR_DIR.
 * @state_dir: root of the plugins' state files; NULL for MPATH_STATE_DIR.
 *
 * Return: 0 or -errno.
 */
int plugins_start(struct daemon *d, const char *plugin_dir, const char *state_dir);

/** plugins_stop() - stop ticking, detach every map, unload every plugin. */
void plugins_stop(struct daemon *d);

/**
 * plugins_get() - the plugin @name, loading it on first use.
 * @ret: receives it.
 *
 * A plugin that fails to load is reported once; later calls fail quietly with the same
 * error until plugins_retry_failed().
 *
 * Return: 0 or -errno.
 */
int plugins_get(const char *name, struct mp_selector **ret);

/** plugins_retry_failed() - forget load failures (a reconfigure may have installed the plugin). */
void plugins_retry_failed(void);

/**
 * plugin_command_lookup() - whether @argv starts with a verb of a loaded plugin.
 * @ret_read_only: receives whether the verb changes nothing.
 *
 * Return: 0, or -ENOENT when no loaded plugin has such a verb.
 */
int plugin_command_lookup(char **argv, int argc, bool *ret_read_only);

/**
 * plugin_command() - run a plugin verb, e.g. {"failover", "list", "mpatha"}, on the loop.
 * @json: the client asked for JSON; the per-map values are joined in an array.
 * @out: receives the reply, or a one-line error message.
 * @ret_read_only: receives whether the verb is read-only; written on success.
 *
 * Runs the verb for every map using the plugin, in name order; the maps apply what it
 * asks for.
 *
 * Return: 0; -ENOENT when no plugin verb matches (@out untouched); -ENODEV when no map
 * took it; -EINVAL for usage errors; another -errno.
 */
int plugin_command(struct daemon *d, char **argv, int argc, bool json, struct strbuf *out,
		   bool *ret_read_only);

/** plugins_help() - append "  <verb> <usage>  <help>" lines for every loaded plugin's verbs. */
int plugins_help(struct strbuf *out);

/**
 * struct plugin_verb_info - a loaded plugin's verb, copied for a snapshot.
 * @words: e.g. "failover list".
 * @usage: its arguments, e.g. "[MAP]"; "" when none.
 * @help: one line.
 * @plugin: the plugin's name.
 * @read_only: any user may run it.
 */
struct plugin_verb_info {
	char *words;
	char *usage;
	char *help;
	char *plugin;
	bool read_only;
};

/**
 * plugins_verbs() - copy every loaded plugin's verbs, for snapshots (client threads cannot
 * ask the registry, which the loop changes as plugins load).
 * @ret: receives the array (NULL when there are none); free with plugin_verbs_free().
 * @ret_n: receives its length.
 *
 * Return: 0 or -ENOMEM.
 */
int plugins_verbs(struct plugin_verb_info **ret, size_t *ret_n);

/** plugin_verbs_free() - free what plugins_verbs() returned; accepts NULL. */
void plugin_verbs_free(struct plugin_verb_info *v, size_t n);
