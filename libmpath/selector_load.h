/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading selector plugins: dlopen, ABI checks, a registry that loads each once, and their host services. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "mpath-selector.h"

/**
 * struct mp_selector - a loaded (or built-in) selector plugin.
 * @name: its name, as requested and as ops->name says.
 * @path: the file it came from; NULL for a built-in.
 * @handle: the dlopen() handle; NULL for a built-in.
 * @ops: the plugin.
 * @host: its own host callbacks (plugin_name points to @name).
 * @initialized: ops->init() succeeded (or there is none); fini() is due.
 */
struct mp_selector {
	char *name;
	char *path;
	void *handle;
	const struct mpath_selector_ops *ops;
	struct mpath_sel_host host;
	bool initialized;
};

/**
 * mp_selector_check_ops() - whether @ops is a plugin the daemon can use.
 * @ops: the plugin's ops.
 * @name: the name it was loaded as.
 * @where: the file, for messages.
 *
 * Logs the reason on failure.
 *
 * Return: 0; -EPROTO when ops->abi_version is not MPATH_SELECTOR_ABI_VERSION;
 * -ENOEXEC when ops->name differs from @name, or a required member
 * (name, build_layout, a verb's name or run) is NULL.
 */
int mp_selector_check_ops(const struct mpath_selector_ops *ops, const char *name,
			  const char *where);

/**
 * mp_selector_load() - open "<dir>/<name>.so" and check it, without calling init().
 * @dir: the plugin folder.
 * @name: the plugin; letters, digits, '-', '_', '.', not starting with '.'.
 * @ret: receives the plugin; free with mp_selector_unload(). Its host
 *       callbacks are the builders of mp_sel_host_init() only.
 *
 * Opens with RTLD_NOW | RTLD_LOCAL, so a plugin with unresolved symbols
 * (one that uses daemon internals) fails here. Every failure is logged.
 *
 * Return: 0; -EINVAL for a bad name; -ENOENT when the file does not exist;
 * -ENOEXEC when dlopen() fails (not a shared object, unresolved symbols),
 * the symbol "mpath_selector" is missing, or the ops are incomplete or named
 * differently; -EPROTO for another ABI version; -ENOMEM.
 */
int mp_selector_load(const char *dir, const char *name, struct mp_selector **ret);

/** mp_selector_unload() - call fini() if init() ran, dlclose() and free; accepts NULL, returns NULL. */
struct mp_selector *mp_selector_unload(struct mp_selector *s);

/**
 * typedef mp_selector_setting_fn - the daemon's &mpath_sel_host.setting.
 */
typedef int (*mp_selector_setting_fn)(const struct mpath_sel_host *host,
				      const struct mpath_sel_map *map, const char *keyword,
				      unsigned index, const char **ret_text);

struct mp_selector_registry;

/**
 * mp_selector_registry_new() - an empty registry.
 * @plugin_dir: where mp_selector_registry_get() looks for "<name>.so".
 * @state_dir: root of the plugins' state files: plugin P's file for key K
 *	is "<state_dir>/selectors/<P>/<K escaped>", where bytes other than
 *	letters, digits, '-', '_', ':' and a '.' that does not start the name
 *	become "%XX". Folders are created (mode 0700) on the first save.
 * @setting: the settings lookup every plugin's host gets; may be NULL
 *	(every lookup then answers -ENOENT).
 * @ret: receives the registry.
 *
 * Plugins get a host whose log goes to the libmpath log as
 * "selector <name>: <message>" and whose now_usec reads CLOCK_MONOTONIC.
 *
 * Return: 0 or -ENOMEM.
 */
int mp_selector_registry_new(const char *plugin_dir, const char *state_dir,
			     mp_selector_setting_fn setting, struct mp_selector_registry **ret);

/**
 * mp_selector_registry_preload() - load every plugin of the plugin folder and read every state
 * file now, so that later lookups and state_load() touch no file: a daemon calls it before
 * its event loop runs. State saves then update the copy kept here as well as the file.
 * @r: the registry.
 *
 * Return: 0 (a plugin or file that fails is logged and skipped).
 */
int mp_selector_registry_preload(struct mp_selector_registry *r);

/** mp_selector_registry_free() - unload every plugin (fini first); accepts NULL, returns NULL. */
struct mp_selector_registry *mp_selector_registry_free(struct mp_selector_registry *r);

/**
 * mp_selector_registry_add_builtin() - register a plugin compiled into the daemon.
 * @r: the registry.
 * @ops: checked like a loaded plugin; must outlive @r.
 *
 * Return: 0, -EEXIST when the name is taken, or mp_selector_check_ops()'s error.
 */
int mp_selector_registry_add_builtin(struct mp_selector_registry *r,
				     const struct mpath_selector_ops *ops);

/**
 * mp_selector_registry_get() - the plugin @name, loaded and initialized once.
 * @r: the registry.
 * @name: the plugin.
 * @ret: receives it; owned by @r.
 *
 * Failures are not remembered: a plugin installed later loads on the next call.
 *
 * Return: 0, mp_selector_load()'s errors, or init()'s error.
 */
int mp_selector_registry_get(struct mp_selector_registry *r, const char *name,
			     struct mp_selector **ret);

/** mp_selector_registry_count() - how many plugins are loaded. */
size_t mp_selector_registry_count(const struct mp_selector_registry *r);

/** mp_selector_registry_nth() - loaded plugin @i (load order), or NULL. */
struct mp_selector *mp_selector_registry_nth(const struct mp_selector_registry *r, size_t i);

/**
 * mp_selector_registry_find_verb() - the plugin verb that starts @argv.
 * @r: the registry.
 * @argv, @argc: the command words.
 * @ret_sel: receives the plugin.
 * @ret_verb: receives the verb.
 *
 * Verbs are matched word by word against their names; the first loaded
 * plugin wins, and within a plugin the longest name.
 *
 * Return: the number of words the name took, or -ENOENT.
 */
int mp_selector_registry_find_verb(const struct mp_selector_registry *r, char **argv, int argc,
				   struct mp_selector **ret_sel,
				   const struct mpath_sel_verb **ret_verb);

/**
 * mp_selector_state_path() - the state file of @plugin for @key.
 * @state_dir: as for mp_selector_registry_new().
 * @plugin: the plugin's name.
 * @key: any non-empty string.
 * @ret: receives the path; caller frees.
 *
 * Return: 0, -EINVAL for an empty key, -ENOMEM.
 */
int mp_selector_state_path(const char *state_dir, const char *plugin, const char *key,
			   char **ret);
