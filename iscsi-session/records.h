/* SPDX-License-Identifier: GPL-2.0-or-later */
/* open-iscsi's iface records, read through libopeniscsiusr (files under /etc/iscsi): blocking, off the loop. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "iscsiadm.h"

/**
 * records_ifaces_bound_to() - the ifaces bound to net device @netdev, space separated, into @buf.
 * Return: how many, or -EIO.
 */
int records_ifaces_bound_to(const char *netdev, char *buf, size_t size);
