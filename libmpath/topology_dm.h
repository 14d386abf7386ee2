/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building a topology straight from device-mapper and sysfs, for the CLI when no daemon runs. */
#pragma once

#include <stdint.h>

#include "dm.h"
#include "topology.h"

/**
 * mp_topology_from_dm() - a topology of every multipath map, read from dm and sysfs.
 * @ret: receives the topology, maps sorted by name; free with mp_topology_free().
 *
 * Only reads (DM_DEVICE_LIST, TABLE and STATUS, sysfs attributes), so it
 * never blocks on a queueing map. Checker states are MP_CHK_UNCHECKED,
 * priorities 0, there are no orphans, and queueing is -1 when the table
 * has queue_if_no_path, else 0. Call mp_dm_init() first.
 * Maps that vanish or change type while being read are skipped.
 *
 * Return: 0, or -errno (e.g. -ENOENT/-EACCES from /dev/mapper/control).
 */
int mp_topology_from_dm(struct mp_topology **ret);

/**
 * mp_topo_map_from_dm() - one map from its dm state, resolving its paths through sysfs.
 * @name: the dm name.
 * @info: its info; the minor gives "dm-N", the uuid the WWID ("mpath-" stripped;
 *        the name when the uuid has another form), plus read_only.
 * @size: the table length in sectors.
 * @table: the multipath table parameters.
 * @status: the multipath status parameters; NULL or unparsable leaves the
 *          group and path states unknown.
 * @ret: receives the map; release its arrays with mp_topo_map_release().
 *
 * Return: 0, -EINVAL (unparsable table), or -ENOMEM; @ret is written only on success.
 */
int mp_topo_map_from_dm(const char *name, const struct mp_dm_info *info, uint64_t size,
			const char *table, const char *status, struct mp_topo_map *ret);

/** mp_topo_map_release() - free the groups and paths of @m (not @m itself). */
void mp_topo_map_release(struct mp_topo_map *m);

/**
 * mp_topo_path_from_sysfs() - fill a path's sysfs facts from its block device number.
 * @devt: "major:minor".
 * @ret: receives dev, devt, hctl, vendor, product, revision (trailing blanks
 *       trimmed), size_sectors, dev_state, transport ("iscsi", "fc", "sas",
 *       else the SCSI host's proc_name, else "unknown"), and for iSCSI the
 *       session, iface, portal and target. Everything else is zero, with
 *       tpg and relative_port -1.
 *
 * Return: 0, or -ENODEV when @devt names no block device (then only devt,
 * tpg and relative_port are set, dev_state is "unknown", and the rest is empty).
 */
int mp_topo_path_from_sysfs(const char *devt, struct mp_topo_path *ret);
