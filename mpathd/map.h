/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Maps: one per WWID, its paths, its stack of dm devices as the kernel has it, and its policy. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "map_policy.h"
#include "map_referrals.h"
#include "selector_layout.h"
#include "shared_text.h"
#include "topology.h"

struct daemon;
struct path;

/**
 * struct map_dev - one dm device of a map's stack, as the kernel has it.
 * @suffix: NULL for the top device (named like the map), else the lower device's
 *	suffix; its dm name is "<map>-<suffix>".
 * @name: its dm name.
 * @type: multipath or switch.
 * @params: the table the kernel has (as the kernel prints it).
 * @uuid: its dm UUID (an adopted device keeps the one it had).
 * @devt: "major:minor", what a switch table above it names.
 * @dm_name: "dm-4".
 * @event_nr, @open_count: from the last info read.
 * @groups, @nr_groups: multipath: the groups as loaded, with the last status read.
 * @regions, @nr_regions, @region_size: switch: our copy of its region map, which the
 *	kernel never shows (owner device number per region), and the region size in sectors.
 * @regions_usec: switch: when the region map was last sent whole or in part.
 */
struct map_dev {
	char *suffix;
	char name[128];
	enum mp_sel_device_type type;
	char *params;
	char uuid[136];
	char devt[16];
	char dm_name[16];
	uint32_t event_nr;
	int open_count;
	struct mp_topo_group *groups;
	size_t nr_groups;
	uint32_t *regions;
	size_t nr_regions;
	uint64_t region_size;
	uint64_t regions_usec;
};

/**
 * enum map_origin - who made the map, which decides what mpathd may do to it.
 * @MAP_NEW: not in the kernel yet; mpathd will create it.
 * @MAP_CREATED: created by this mpathd (or recorded as created by an earlier run).
 * @MAP_ADOPTED: found at start-up; mpathd manages it but never removes it.
 */
enum map_origin { MAP_NEW, MAP_CREATED, MAP_ADOPTED };

/**
 * struct mpmap - one multipath map, keyed by WWID.
 * @devs, @nr_devs: the stack as loaded, lower devices first, the top device last; empty
 *	until the first load (or adoption).
 * @policy: its selector plugin and the plugin's state for it.
 * @busy: a dm job for this map is queued or running (map_apply.c); the map's next change
 *	waits for it, so the kernel sees the map's changes in order.
 * @dirty: the stack must be rebuilt and synced when the job ends.
 * @status_dirty: the status must be re-read when the job ends.
 * @pending_msgs: layout messages (a plugin's, which name groups of the layout being loaded)
 *	waiting for the running job, each "<suffix or ->\t<text>".
 * @unmanaged: adopted, but mpathd found none of its paths: left alone, shown as unmanaged.
 */
struct mpmap {
	char wwid[128];
	char name[128];			/* alias or WWID; the top device's dm name */
	struct mp_map_settings settings;
	struct shared_text *settings_text;	/* mp_map_settings_print() of settings, for snapshots */
	struct path **paths;
	size_t nr_paths;
	struct map_policy policy;
	struct map_dev *devs;
	size_t nr_devs;
	uint64_t size_sectors;
	enum map_origin origin;
	bool unmanaged;
	bool removing;
	bool busy;
	bool dirty;
	bool status_dirty;
	char **pending_msgs;
	int retries_left;		/* no_path_retry countdown while no path is usable */
	bool queueing_disabled;		/* we sent fail_if_no_path */
	bool queueing_live;		/* the kernel's table has queue_if_no_path */
	uint64_t sync_hold_until;	/* a message failed: no state sync before this (µs) */
	bool load_failed;		/* the last load failed: maps_tick() tries again */
	struct map_referrals referrals;	/* where each part of the LUN lives (map_referrals.c) */
	struct shared_text *regions_text;	/* a switch's regions as `show map X regions` lists them */
	uint32_t block_size;		/* logical block size in bytes; 512 until read */
	struct daemon *daemon;		/* for its timers */
};

/** map_top() - the top device of @m's stack, or NULL before the first load. */
static inline struct map_dev *map_top(const struct mpmap *m)
{
	return m->nr_devs ? &m->devs[m->nr_devs - 1] : NULL;
}

/** map_exists() - whether @m's top device is in the kernel. */
static inline bool map_exists(const struct mpmap *m)
{
	return m->nr_devs > 0;
}

/* ---- the model (maps.c) ---- */

/* After enumeration: claim, resolve, load what differs. */
void maps_startup(struct daemon *d);
/* Every polling interval: the no_path_retry countdown. */
void maps_tick(struct daemon *d);
void maps_path_added(struct daemon *d, struct path *p);
void maps_path_removed(struct daemon *d, struct path *p);
/* @p joins @m: 1, or 0 when it already was a path of @m, or -ENOMEM. */
int map_attach_path(struct mpmap *m, struct path *p);
struct mpmap *daemon_find_map(struct daemon *d, const char *name);
/* A new map for @wwid in the map table, or NULL without memory. */
struct mpmap *map_new(struct daemon *d, const char *wwid);
void map_free(struct mpmap *m);
/* Take @m out of the map table and free it; its paths become unclaimed. */
void daemon_drop_map(struct daemon *d, struct mpmap *m);
int map_resize(struct daemon *d, struct mpmap *m);
/* @m's settings under @cfg (which need not be the running config yet); 0 or -errno. */
int map_settings_resolve(const struct mp_config *cfg, const struct mpmap *m, struct mp_map_settings *ret);
/* Make @s @m's settings and reprint them for snapshots. */
void map_settings_set(struct mpmap *m, const struct mp_map_settings *s);
/* Fail or reinstate @p in every device of its map that holds it; 0 or -errno. */
int map_path_message(struct daemon *d, struct path *p, bool reinstate);
/* After any change of a path's checker or kernel state: tell the policy, then no_path_retry. */
void map_check_queueing(struct daemon *d, struct mpmap *m);
/* Bring the kernel in line with the checkers: fail what is down, reinstate what is up. */
void map_sync_path_states(struct daemon *d, struct mpmap *m);
/* Take the kernel's view of device @dev from its status line. */
void map_dev_apply_status(struct daemon *d, struct mpmap *m, struct map_dev *dev, const char *status);
/* Carry out what a policy asked for (messages, or a reload); takes @a. */
void map_apply_actions(struct daemon *d, struct mpmap *m, struct mpath_sel_actions *a);

/* ---- to the kernel (map_apply.c) ---- */

/* Rebuild @m's stack from its policy and bring the kernel's devices in line with it. */
void map_schedule_reload(struct daemon *d, struct mpmap *m);
/* Re-read the status of @m's devices. */
void map_schedule_status(struct daemon *d, struct mpmap *m);
void maps_all_status(struct daemon *d);
/*
 * Send @msg to @m's device with @suffix (NULL: the top device) now, or after the running job;
 * 0 or -errno. Path messages go through map_path_message().
 */
int map_send_message(struct daemon *d, struct mpmap *m, const char *suffix, const char *msg);
/*
 * Send a queueing message (queue_if_no_path, fail_if_no_path) to every multipath device of
 * @m's stack: a switch takes none. 0 when at least one got it, or -errno.
 */
int map_send_queueing(struct daemon *d, struct mpmap *m, bool queue);
/* Devices of @m in the kernel: @name if it is one of them. */
struct map_dev *map_find_dev(struct mpmap *m, const char *name);
/* Record @dev's groups from its table, so snapshots can show them before any status. */
void map_dev_groups_from_table(struct map_dev *dev);
