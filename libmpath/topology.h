/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The immutable topology snapshot: maps, their path groups and paths, as the CLI shows them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum mp_dm_path_state {		/* the kernel's view, from the multipath status line */
	MP_DM_PATH_UNKNOWN = 0,
	MP_DM_PATH_ACTIVE,		/* "A" */
	MP_DM_PATH_FAILED,		/* "F" */
};

enum mp_checker_state {		/* the daemon's view, from checkers and events */
	MP_CHK_UNCHECKED = 0,
	MP_CHK_READY,
	MP_CHK_FAULTY,
	MP_CHK_PENDING,		/* a check is in flight and has not answered yet */
	MP_CHK_GHOST,		/* standby: usable only after a group switch */
	MP_CHK_ADMIN_DOWN,	/* failed by an administrator, never reinstated by checkers */
};

enum mp_pg_state {
	MP_PG_UNKNOWN = 0,
	MP_PG_ACTIVE,			/* the group I/O goes to */
	MP_PG_ENABLED,
	MP_PG_DISABLED,
};

/** struct mp_topo_path - one path (a SCSI block device) as published. */
struct mp_topo_path {
	char dev[32];			/* "sdb" */
	char devt[16];			/* "8:16" */
	char hctl[32];			/* "2:0:0:1" */
	char wwid[128];
	char wwid_source[32];		/* where the WWID came from: "udev ID_SERIAL", "vpd83" */
	char vendor[16], product[24], revision[8];
	uint64_t size_sectors;
	char dev_state[16];		/* sysfs device/state: running, offline, blocked... */
	char transport[16];		/* iscsi, fc, sas, scsi_debug, loop, unknown */
	char iscsi_session[16];		/* "session3" */
	char iscsi_iface[32];
	char iscsi_portal[64];		/* "10.10.1.2:3260" */
	char iscsi_target[224];
	char iscsi_netdev[16];		/* the NIC its iface is bound to, "" when not bound or unknown */
	int tpg;			/* target port group from VPD 0x83, -1 when unknown */
	int relative_port;		/* -1 when unknown */
	enum mp_dm_path_state dm_state;
	enum mp_checker_state checker_state;
	unsigned fail_count;		/* from the dm status line */
	int priority;			/* from the prioritizer; 0 when unknown */
	char prio_source[40];		/* the prioritizer: "alua", "sysfs (detected)", "const" */
	uint64_t last_change_usec;	/* CLOCK_MONOTONIC of the last state change */
};

/** struct mp_topo_group - one dm path group. */
struct mp_topo_group {
	char selector[32];		/* "service-time 0" */
	int priority;
	enum mp_pg_state state;
	size_t nr_paths;
	struct mp_topo_path *paths;
};

/**
 * struct mp_topo_member - one lower device of a map's stack (eql-slice: one array member).
 * @name: its dm name, "mpatha-m11".
 * @dm_name: "dm-3".
 * @features, @hwhandler: as the kernel prints them.
 * @first_group, @nr_groups: its path groups, @first_group.. in the map's groups.
 * @nr_regions: the switch regions routed to it.
 */
struct mp_topo_member {
	char name[128];
	char dm_name[16];
	char features[128];
	char hwhandler[64];
	size_t first_group;
	size_t nr_groups;
	size_t nr_regions;
};

/** struct mp_topo_map - one multipath map (or, for a stack, its top device). */
struct mp_topo_map {
	char name[128];			/* alias or WWID */
	char wwid[128];
	char dm_name[16];		/* "dm-0" */
	char vendor[16], product[24];
	uint64_t size_sectors;
	char features[128];		/* as the kernel prints them: "1 queue_if_no_path" */
	char hwhandler[64];		/* "1 alua" or "0" */
	bool read_only;
	char selector_plugin[32];	/* mpathd selector plugin, "" when unknown */
	bool unmanaged;			/* adopted, none of its paths found: mpathd leaves it alone */
	int queueing;			/* remaining no_path_retry intervals; -1 forever; 0 none */
	size_t nr_groups;
	struct mp_topo_group *groups;	/* a stack's: every member's, in member order */
	char target[16];		/* the top device's target: "multipath", or "switch" for a stack */
	uint64_t region_size;		/* switch: sectors per region */
	size_t nr_regions;		/* switch: regions in the map */
	uint64_t referrals_age_usec;	/* since REPORT REFERRALS was last read; 0 never */
	size_t nr_members;
	struct mp_topo_member *members;	/* a stack's lower devices, in the switch's order */
};

/** struct mp_topology - everything the CLI shows; immutable once published. */
struct mp_topology {
	uint64_t generation;		/* increases with every publication */
	uint64_t created_usec;		/* CLOCK_MONOTONIC */
	size_t nr_maps;
	struct mp_topo_map *maps;
	size_t nr_orphans;		/* paths that belong to no map (single path, blacklisted...) */
	struct mp_topo_path *orphans;
};

/**
 * mp_topology_free() - free a topology and everything in it; accepts NULL, returns NULL.
 *
 * @t itself and each array in it (maps, every map's groups, every group's
 * paths, orphans) must be a separate malloc() allocation, or NULL.
 */
struct mp_topology *mp_topology_free(struct mp_topology *t);

static inline void mp_topology_freep(struct mp_topology **t)
{
	mp_topology_free(*t);
}
#define _cleanup_topology_ __attribute__((cleanup(mp_topology_freep)))

/** mp_topology_find_path() - the path named @dev ("sdb" or "8:16"), or NULL. */
const struct mp_topo_path *mp_topology_find_path(const struct mp_topology *t, const char *dev,
						 const struct mp_topo_map **ret_map);
/** mp_topology_find_map() - the map named @name (alias, WWID or dm-N), or NULL. */
const struct mp_topo_map *mp_topology_find_map(const struct mp_topology *t, const char *name);

const char *mp_dm_path_state_name(enum mp_dm_path_state s);	/* "active", "failed", "undef" */
/* "undef" (unchecked), "ready", "faulty", "pending", "ghost", "admin-down" */
const char *mp_checker_state_name(enum mp_checker_state s);
const char *mp_pg_state_name(enum mp_pg_state s);		/* "active", "enabled", "disabled", "undef" */

/**
 * mp_topo_map_path_repeated() - whether path @i of group @g of @m came earlier in @m: in a stack
 * every path is in several member devices, and lists show it once.
 */
bool mp_topo_map_path_repeated(const struct mp_topo_map *m, size_t g, size_t i);
/** mp_topo_map_nr_paths() - how many paths @m has over all its groups (each counted once). */
size_t mp_topo_map_nr_paths(const struct mp_topo_map *m);
/** mp_topo_map_nr_active_paths() - how many of them the kernel has not failed (MP_DM_PATH_ACTIVE). */
size_t mp_topo_map_nr_active_paths(const struct mp_topo_map *m);
