/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the bundled selector plugins (compiled into each; not part of the ABI). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "mpath-selector.h"

#define SEL_WORD_MAX 32
#define SEL_SELECTOR_ARGS_MAX 8

/**
 * struct sel_kernel_selector - a kernel path selector from path_selector.
 * @name: "round-robin", "queue-length", "service-time", "historical-service-time".
 * @args: its own arguments (after the count), NULL-terminated.
 * @nr_path_args: how many arguments each path takes in the table.
 * @weighted_repeat: the first path argument is a repeat count a weight can scale.
 * @throughput_arg: the second path argument is a relative throughput (service-time).
 */
struct sel_kernel_selector {
	char name[SEL_WORD_MAX];
	char arg_buf[SEL_SELECTOR_ARGS_MAX][SEL_WORD_MAX];
	const char *args[SEL_SELECTOR_ARGS_MAX + 1];
	unsigned nr_path_args;
	bool weighted_repeat;
	bool throughput_arg;
};

/**
 * sel_kernel_selector_get() - the map's path_selector, ready for layout_add_group().
 * @map: the map.
 * @ret: receives the selector.
 *
 * Falls back to "service-time 0" with a warning when path_selector is unset,
 * malformed, or names a selector whose per-path arguments the plugins cannot
 * fill (io-affinity wants a CPU mask per path).
 */
void sel_kernel_selector_get(const struct mpath_sel_map *map, struct sel_kernel_selector *ret);

/**
 * sel_single_group() - the plain layout: one multipath device, every path in one group with
 * path_selector and rr_min_io_rq. For plugins that have nothing better to build.
 *
 * Return: 0 or -errno.
 */
int sel_single_group(const struct mpath_sel_map *map, struct mpath_sel_layout *layout);

/** sel_kernel_selector_from() - the same from the setting @keyword (e.g. "member_path_selector"). */
void sel_kernel_selector_from(const struct mpath_sel_map *map, const char *keyword,
			      struct sel_kernel_selector *ret);

/**
 * sel_setting_long() - a numeric setting of @map, or @fallback when unset or not a number.
 */
long sel_setting_long(const struct mpath_sel_map *map, const char *keyword, long fallback);

/** sel_setting_is() - whether the setting @keyword of @map is set and equals @value. */
bool sel_setting_is(const struct mpath_sel_map *map, const char *keyword, const char *value);

enum sel_failback { SEL_FAILBACK_MANUAL, SEL_FAILBACK_IMMEDIATE, SEL_FAILBACK_FOLLOWOVER,
		    SEL_FAILBACK_DEFERRED };

/**
 * sel_failback_get() - the map's failback policy.
 * @map: the map.
 * @ret_seconds: for SEL_FAILBACK_DEFERRED, the delay; 0 otherwise.
 *
 * Unset means manual (the multipath.conf default).
 */
enum sel_failback sel_failback_get(const struct mpath_sel_map *map, long *ret_seconds);

/** sel_hctl_cmp() - compare "H:C:T:L" addresses number by number (strcmp for malformed ones). */
int sel_hctl_cmp(const char *a, const char *b);

/** sel_path_cmp() - stable path order: H:C:T:L, then devt. */
int sel_path_cmp(const struct mpath_sel_path *a, const struct mpath_sel_path *b);

/**
 * sel_sort_paths() - path indexes of @map in sel_path_cmp() order.
 * @map: the map.
 * @ret: receives @map->nr_paths indexes (NULL when there are none); free().
 *
 * Return: 0 or -ENOMEM.
 */
int sel_sort_paths(const struct mpath_sel_map *map, size_t **ret);

/**
 * sel_path_find() - the path of @map that @name names: its dev ("sdb"), devt
 * ("8:16"), H:C:T:L or id. Returns its index, or -ENOENT.
 */
int sel_path_find(const struct mpath_sel_map *map, const char *name);

/** sel_map_is() - whether @name is the map's name or WWID. */
bool sel_map_is(const struct mpath_sel_map *map, const char *name);

/**
 * sel_json_string() - print @s as a JSON string (quotes included) to @out.
 */
int sel_json_string(const struct mpath_sel_host *h, struct mpath_sel_output *out, const char *s);
