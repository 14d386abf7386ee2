/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What selector plugins produce (layouts, actions, verb output) and its conversion to dm tables. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpath-selector.h"

struct mp_table;
struct strbuf;

/*
 * The opaque builders of mpath-selector.h, defined here for the daemon and
 * for tests. Plugins fill them through the callbacks mp_sel_host_init() puts
 * into a &struct mpath_sel_host; every callback checks its arguments, so a
 * buggy plugin gets -EINVAL rather than corrupting the daemon.
 */

/** struct mp_sel_group_path - a path of a group: index into the map view, and its arguments. */
struct mp_sel_group_path {
	size_t path;
	char **args;		/* NULL-terminated, exactly the group's nr_path_args */
};

/** struct mp_sel_group - a path group of a multipath device. */
struct mp_sel_group {
	char *selector;		/* kernel path selector, "round-robin" */
	char **selector_args;	/* NULL-terminated, NULL for none */
	unsigned nr_path_args;
	size_t nr_paths;
	struct mp_sel_group_path *paths;
};

enum mp_sel_device_type { MP_SEL_DEVICE_MULTIPATH, MP_SEL_DEVICE_SWITCH };

/**
 * struct mp_sel_device - one device of a layout.
 * @type: multipath or switch.
 * @suffix: NULL for the top device (named like the map), else the lower
 *	device's suffix ("<map>-<suffix>").
 * @groups, @nr_groups, @initial_group: multipath only; @initial_group is
 *	0-based.
 * @lower, @nr_lower: switch only: device indexes of its dm paths, in order.
 * @region_size: switch only: sectors per region.
 * @regions, @nr_regions: switch only: lower-device number per region; NULL
 *	until set.
 */
struct mp_sel_device {
	enum mp_sel_device_type type;
	char *suffix;
	struct mp_sel_group *groups;
	size_t nr_groups;
	size_t initial_group;
	int *lower;
	size_t nr_lower;
	uint64_t region_size;
	uint32_t *regions;
	size_t nr_regions;
};

/**
 * struct mpath_sel_layout - a layout being built or built.
 * @nr_paths: paths in the map view it is built for (path indexes are below it).
 * @devices, @nr_devices: the devices, lower ones first.
 * @error: the first error a builder callback returned; later callbacks fail with it.
 */
struct mpath_sel_layout {
	size_t nr_paths;
	struct mp_sel_device *devices;
	size_t nr_devices;
	int error;
};

/** struct mp_sel_message - a dm message a plugin asked for. */
struct mp_sel_message {
	char *suffix;		/* NULL for the top device */
	char *text;
};

/** struct mpath_sel_actions - what a plugin asked for from one callback. */
struct mpath_sel_actions {
	struct mp_sel_message *messages;
	size_t nr_messages;
	bool reload;
	int error;
};

/** struct mpath_sel_output - a verb's reply being written. */
struct mpath_sel_output {
	struct strbuf *sb;
	int error;
};

/**
 * mp_sel_host_init() - reset @host and fill in the builder callbacks.
 * @host: receives abi_version, size and the layout_*, action_* and
 *	output_printf callbacks; log, now_usec, setting and the state
 *	callbacks are left NULL for the caller.
 */
void mp_sel_host_init(struct mpath_sel_host *host);

/**
 * mp_sel_layout_new() - an empty layout for a map view of @nr_paths paths.
 * @ret: receives it; free with mp_sel_layout_free().
 *
 * Return: 0 or -ENOMEM.
 */
int mp_sel_layout_new(size_t nr_paths, struct mpath_sel_layout **ret);

/** mp_sel_layout_free() - free @l; accepts NULL, returns NULL. */
struct mpath_sel_layout *mp_sel_layout_free(struct mpath_sel_layout *l);

static inline void mp_sel_layout_freep(struct mpath_sel_layout **l)
{
	mp_sel_layout_free(*l);
}
#define _cleanup_sel_layout_ __attribute__((cleanup(mp_sel_layout_freep)))

/**
 * mp_sel_layout_check() - whether a finished layout can be loaded.
 * @l: the layout.
 *
 * Checks: no builder failed; exactly one top device; every group has paths;
 * a switch has its region map, and every region names one of its lower
 * devices.
 *
 * Return: the index of the top device, or -EINVAL (or the builder's error).
 */
int mp_sel_layout_check(const struct mpath_sel_layout *l);

/**
 * mp_sel_layout_fill_table() - add the groups of multipath device @dev to @t.
 * @l: the layout.
 * @dev: a multipath device of @l.
 * @map: the view @l was built for; gives each path's major:minor.
 * @t: a table with no groups yet; features and hardware handler are left
 *     to the caller.
 *
 * Sets the initial group as the plugin chose it.
 *
 * Return: 0, -EINVAL (not a multipath device, a path out of range), -ENOMEM.
 */
int mp_sel_layout_fill_table(const struct mpath_sel_layout *l, size_t dev,
			     const struct mpath_sel_map *map, struct mp_table *t);

/**
 * mp_sel_layout_switch_params() - the table parameters of switch device @dev.
 * @l: the layout.
 * @dev: a switch device of @l.
 * @lower_devs: "major:minor" of each of its lower devices, in its order.
 * @ret: receives "<n> <region_size> 0 <dev> 0 ..."; caller frees.
 *
 * Return: 0, -EINVAL, -ENOMEM.
 */
int mp_sel_layout_switch_params(const struct mpath_sel_layout *l, size_t dev,
				const char *const *lower_devs, char **ret);

/** mp_sel_actions_new() - an empty action list; 0 or -ENOMEM. */
int mp_sel_actions_new(struct mpath_sel_actions **ret);

/** mp_sel_actions_free() - free @a; accepts NULL, returns NULL. */
struct mpath_sel_actions *mp_sel_actions_free(struct mpath_sel_actions *a);

static inline void mp_sel_actions_freep(struct mpath_sel_actions **a)
{
	mp_sel_actions_free(*a);
}
#define _cleanup_sel_actions_ __attribute__((cleanup(mp_sel_actions_freep)))

/** mp_sel_output_init() - direct verb output to @sb. */
void mp_sel_output_init(struct mpath_sel_output *out, struct strbuf *sb);
