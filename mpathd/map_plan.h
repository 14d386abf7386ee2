/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A map's plan: the dm devices its layout and settings ask for, with their tables; pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "selector_layout.h"

struct mpmap;
struct mp_map_settings;

/* dm UUIDs: multipath-tools' for a single multipath device (so it can take the map back),
 * mpathd's own for the devices of a stack. */
#define MAP_UUID_PREFIX		"mpath-"
#define MAP_STACK_UUID_PREFIX	"mpathd-"

/**
 * struct plan_dev - one dm device the plan wants.
 * @type: multipath or switch.
 * @suffix: NULL for the top device.
 * @name: dm name: the map's name, or "<map>-<suffix>".
 * @uuid: dm UUID.
 * @params: multipath: the whole table. switch: NULL; the table names the lower devices by
 *	major:minor, known only once they exist (map_plan_switch_params()).
 * @lower, @nr_lower: switch: the plan devices it routes to, in its path order.
 * @region_size: switch: sectors per region.
 * @regions, @nr_regions: switch: owner (0..nr_lower-1) of every region.
 */
struct plan_dev {
	enum mp_sel_device_type type;
	char *suffix;
	char name[128];
	char uuid[136];
	char *params;
	size_t *lower;
	size_t nr_lower;
	uint64_t region_size;
	uint32_t *regions;
	size_t nr_regions;
};

/** struct map_plan - the devices, lower ones first, the top device last. */
struct map_plan {
	struct plan_dev *devs;
	size_t nr;
	uint64_t size_sectors;
	bool queueing;		/* queue_if_no_path wanted now */
};

/**
 * map_plan_build() - turn @l (from map_policy_layout(), paths indexing @m->paths) into a plan.
 * @m: the map: name, WWID, size, settings, paths.
 * @l: a checked layout.
 * @ret: receives the plan; free with map_plan_free().
 *
 * Features come from the settings (queue_if_no_path from no_path_retry), the hardware
 * handler from hardware_handler.
 *
 * Return: 0, -EINVAL (a layout that cannot be expressed), or -ENOMEM.
 */
int map_plan_build(const struct mpmap *m, const struct mpath_sel_layout *l, struct map_plan **ret);

/** map_plan_free() - accepts NULL; returns NULL. */
struct map_plan *map_plan_free(struct map_plan *p);

/**
 * map_plan_switch_params() - the table of switch device @dev, given the lower devices' devts.
 * @lower_devts: "major:minor" of each plan device (indexed like @p->devs), NULL where unknown.
 * @ret: receives the table; caller frees.
 *
 * Return: 0, -ENODEV when a lower device's devt is unknown, -ENOMEM.
 */
int map_plan_switch_params(const struct map_plan *p, size_t dev, char *const *lower_devts, char **ret);

/** map_settings_want_queueing() - whether @s asks for queue_if_no_path (no_path_retry not "fail"). */
bool map_settings_want_queueing(const struct mp_map_settings *s);
