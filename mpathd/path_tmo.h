/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transport timeouts (fast_io_fail_tmo, dev_loss_tmo, eh_deadline) applied to a path's sysfs. */
#pragma once

struct daemon;
struct path;
struct mp_map_settings;

/*
 * path_apply_timeouts() - apply @s's timeouts to @p's transport, off the loop: the FC remote
 * port's fast_io_fail_tmo and dev_loss_tmo, the iSCSI session's recovery_tmo (from
 * fast_io_fail_tmo), the SCSI host's eh_deadline. Only what changed since the last call is
 * written. Called when a map claims the path and after a reconfigure.
 */
void path_apply_timeouts(struct daemon *d, struct path *p, const struct mp_map_settings *s);
