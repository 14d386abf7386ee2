/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The built-in "path-grouping" selector plugin: multipath-tools' grouping and failback. */
#pragma once

#include "mpath-selector.h"

/*
 * Groups by path_grouping_policy (failover: one path per group; multibus: one group;
 * group_by_prio and group_by_tpg as multipath-tools 0.9.6 forms and orders them; group_by_serial
 * and group_by_node_name: one group), in the best group first, with the kernel path selector
 * from path_selector and rr_min_io_rq as repeat count. Fails back to the best group as
 * failback says: immediate, followover, after N seconds, or never (manual).
 */
extern const struct mpath_selector_ops plugin_builtin_ops;
