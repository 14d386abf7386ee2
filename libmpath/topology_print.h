/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text and JSON renderings of a topology snapshot: `-ll`, `show paths`, `show maps` and --json. */
#pragma once

#include <stdbool.h>

#include "strbuf.h"
#include "topology.h"

/*
 * All functions append to @out and return 0, -ENOENT (a filter matched
 * nothing; nothing appended), or -ENOMEM (@out may hold a partial text).
 * Column widths are computed over every path of the topology (orphans
 * too), as multipath-tools does over its path vector, so the columns of
 * different maps line up. No line ends in whitespace.
 */

/**
 * mp_topology_print_ll() - the `multipath -ll` layout.
 * @t: the topology.
 * @map_filter: NULL for all maps, or a map (alias, WWID, dm-N, /dev/mapper/NAME)
 *              or one of its paths (sdb, 8:16, /dev/sdb).
 * @with_checker: false for `-l`: print "undef" in the checker column.
 * @out: receives the text.
 *
 * Per map:
 *   NAME (WWID) dm-N VENDOR,PRODUCT        "(WWID)" only when it differs from NAME
 *   size=SIZE features='F' hwhandler='H' wp=rw|ro
 *   |-+- policy='SELECTOR' prio=N status=STATE      one per group; "`-+-" for the last
 *   | |- HCIL DEV DEV_T DM_STATE CHECKER_STATE DEV_STATE
 *   | `- ...                                         "`-" for the last path of a group
 * SIZE is multipath-tools' format: KiB, MiB, ... with one decimal below 10
 * ("128M", "1.0G", "2.5T").
 */
int mp_topology_print_ll(const struct mp_topology *t, const char *map_filter, bool with_checker,
			 struct strbuf *out);

/**
 * mp_topology_print_paths() - the `show paths` table, one path per row, orphans last.
 *
 * Columns: hcil dev dev_t dm_st chk_st dev_st map tpg transport iface portal prio.
 * Unknown or empty values print as "-"; an orphan's map as "[orphan]".
 */
int mp_topology_print_paths(const struct mp_topology *t, struct strbuf *out);

/**
 * mp_topology_print_maps() - the `show maps` table, one map per row.
 *
 * Columns: name sysfs wwid paths active queueing features. queueing is "on"
 * (queue forever), "off", or "N chk" (N no_path_retry intervals left); the
 * features column is last because it holds spaces ("1 queue_if_no_path").
 */
int mp_topology_print_maps(const struct mp_topology *t, struct strbuf *out);

/*
 * JSON documents. Field names are stable; new fields may be added. Strings
 * are always strings (possibly ""); integers the model marks unknown with
 * -1 (tpg, relative_port) are null.
 *
 * PATH  = { "dev", "dev_t", "hcil", "wwid", "vendor", "product", "revision",
 *           "size_sectors", "dev_state", "dm_state", "checker_state",
 *           "fail_count", "priority", "tpg", "relative_port", "transport",
 *           "iscsi_session", "iscsi_iface", "iscsi_portal", "iscsi_target",
 *           "last_change_usec" }
 *         dm_state: mp_dm_path_state_name(); checker_state: mp_checker_state_name().
 * GROUP = { "group" (1-based), "selector", "priority", "state", "paths": [PATH] }
 *         state: mp_pg_state_name().
 * MAP   = { "name", "wwid", "sysfs", "vendor", "product" (the map's, else its
 *           first path's, as -ll shows them), "size_sectors",
 *           "size" (as -ll prints it), "features", "hwhandler",
 *           "write_protect" ("rw"|"ro"), "selector_plugin", "queueing"
 *           (-1 forever, 0 off, N intervals left), "nr_paths",
 *           "nr_active_paths", "path_groups": [GROUP] }
 */

/**
 * mp_topology_json_topology() - `show topology --json`:
 * { "generation", "maps": [MAP], "orphans": [PATH] }.
 * @pretty: indented, one member per line, ending in a newline; otherwise compact.
 */
int mp_topology_json_topology(const struct mp_topology *t, struct strbuf *out, bool pretty);

/**
 * mp_topology_json_map_topology() - mp_topology_json_topology() restricted to the maps
 * @map_filter selects (as mp_topology_print_ll(); NULL for all). "orphans" is
 * present only without a filter.
 */
int mp_topology_json_map_topology(const struct mp_topology *t, const char *map_filter,
				  struct strbuf *out, bool pretty);

/**
 * mp_topology_json_paths() - `show paths --json`: { "paths": [PATH + "map"] },
 * where "map" is the map's name, or null for an orphan.
 */
int mp_topology_json_paths(const struct mp_topology *t, struct strbuf *out, bool pretty);

/** mp_topology_json_maps() - `show maps --json`: { "maps": [MAP without "path_groups"] }. */
int mp_topology_json_maps(const struct mp_topology *t, struct strbuf *out, bool pretty);

/**
 * mp_format_size() - a size in 512-byte sectors as multipath-tools prints it.
 * @buf: receives e.g. "128M", "1.0G", "2.5T"; 16 bytes are always enough.
 */
void mp_format_size(uint64_t sectors, char *buf, size_t len);
