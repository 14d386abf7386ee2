/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to the failover-priority plugin: its per-map state and the state file. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpath-selector.h"

/* NetWare's range: 1 is the most preferred path. */
#define FP_PRIORITY_MIN 1
#define FP_PRIORITY_MAX 4000000

/**
 * struct fp_entry - what was set at run time for one path identity.
 * @id: &mpath_sel_path.id.
 * @priority: the run-time priority, 0 when none (config or default applies).
 * @down: administratively down: left out of the table, never carries I/O.
 */
struct fp_entry {
	char *id;
	unsigned priority;
	bool down;
};

/**
 * struct fp_map - the plugin's state for one map.
 * @entries: run-time settings, also for paths that are gone now; persisted.
 * @groups: the path id of each group (group i + 1 in the kernel) of the
 *	layout built last.
 * @prev_groups: the layout before it, restored on MPATH_SEL_MAP_LOAD_FAILED.
 * @prev_valid: @prev_groups and @prev_selected may be restored (no event since the build).
 * @selected: id of the path carrying I/O; NULL before the first layout.
 * @prev_selected: @selected before the last build.
 * @failback_at: CLOCK_MONOTONIC µs of a pending deferred failback; 0 for none.
 * @select_best: the next build puts I/O on the best Up path, whatever failback says.
 */
struct fp_map {
	struct fp_entry *entries;
	size_t nr_entries;
	char **groups;
	size_t nr_groups;
	char **prev_groups;
	size_t nr_prev_groups;
	bool prev_valid;
	char *selected;
	char *prev_selected;
	uint64_t failback_at;
	bool select_best;
};

/** fp_entry_find() - the entry for @id, or NULL. */
struct fp_entry *fp_entry_find(struct fp_map *fm, const char *id);

/** fp_entry_get() - the entry for @id, created empty if missing; NULL without memory. */
struct fp_entry *fp_entry_get(struct fp_map *fm, const char *id);

/** fp_entries_free() - free every entry of @fm. */
void fp_entries_free(struct fp_map *fm);

/**
 * fp_state_format() - the state file text for @fm.
 * @fm: the state.
 * @wwid: the map's WWID, recorded so a file cannot be applied to another map.
 * @ret: receives the text (free()), or NULL when nothing is worth saving.
 *
 * Return: 0 or -ENOMEM.
 */
int fp_state_format(const struct fp_map *fm, const char *wwid, char **ret);

/**
 * fp_state_parse() - read state file text into @fm's entries.
 * @text: the file.
 * @wwid: the map it must belong to.
 * @fm: receives the entries (replacing none: it must have none yet).
 * @ret_line, @ret_reason: on -EBADMSG, where and why the file is bad.
 *
 * The whole file is rejected on any error: a partial file is never trusted.
 *
 * Return: 0, -EBADMSG, or -ENOMEM.
 */
int fp_state_parse(const char *text, const char *wwid, struct fp_map *fm, unsigned *ret_line,
		   const char **ret_reason);

/** fp_state_load() - load @map's saved state into @fm, reporting a bad file and ignoring it. */
void fp_state_load(const struct mpath_sel_map *map, struct fp_map *fm);

/** fp_state_save() - save @fm for @map; 0 or -errno (logged). */
int fp_state_save(const struct mpath_sel_map *map, const struct fp_map *fm);
