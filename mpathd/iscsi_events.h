/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iSCSI connection errors and session returns from the kernel (NETLINK_ISCSI). */
#pragma once

#include <stdbool.h>

struct daemon;
struct path;

/* Listen, once the first iSCSI path appears; 0 or -errno (the checkers still cover it). */
int iscsi_events_start(struct daemon *d);
void iscsi_events_stop(struct daemon *d);
/* False while @p's iSCSI connection is down by the kernel's last word; true for other transports. */
bool path_transport_up(struct daemon *d, struct path *p);
