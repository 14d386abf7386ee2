/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `show paths format` and `show maps format`: multipathd's wildcards, for scripts written for it. */
#pragma once

#include <stdbool.h>

#include "strbuf.h"
#include "topology.h"

/*
 * Path wildcards (as multipathd 0.9.4): %w uuid (WWID), %i hcil, %d dev, %D dev_t, %t dm_st,
 * %o dev_st, %T chk_st, %s vend/prod/rev, %c checker, %C next_check, %p pri, %S size,
 * %z serial, %M marginal_st, %m multipath, %N/%n/%R/%r host and target WWNN/WWPN, %a host
 * adapter, %G foreign, %g vpd page data, %0 failures, %P protocol, %I init_st, %L LUN hex.
 * Map wildcards: %n name, %w uuid, %d sysfs, %F failback, %Q queueing, %N paths,
 * %r write_prot, %t dm-st, %S size, %f features, %x failures, %h hwhandler, %A action,
 * %0 path_faults, %1 switch_grp, %2 map_loads, %3 total_q_time, %4 q_timeouts,
 * %s vend/prod/rev, %v vend, %p prod, %e rev, %G foreign, %g vpd page data.
 * Facts mpathd does not keep print as multipathd prints an unknown value ("[undef]", "0",
 * "--"). "%%" is a percent sign; an unknown wildcard prints as written.
 */

/**
 * mp_topology_format_paths() - one line per path (maps' paths, then orphans).
 * @t: the topology.
 * @fmt: the format.
 * @raw: false: a header line of column names first, every column padded to its widest
 *	value, as `multipathd show paths format`; true: neither, as `... raw format`.
 * @out: receives the text.
 *
 * Return: 0 or -ENOMEM.
 */
int mp_topology_format_paths(const struct mp_topology *t, const char *fmt, bool raw, struct strbuf *out);

/** mp_topology_format_maps() - the same for maps, with the map wildcards. */
int mp_topology_format_maps(const struct mp_topology *t, const char *fmt, bool raw, struct strbuf *out);
