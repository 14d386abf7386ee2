/* SPDX-License-Identifier: GPL-2.0-or-later */
/* open-iscsi's iface and node records, read through libopeniscsiusr (files under /etc/iscsi). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "iscsiadm.h"

/**
 * records_iface_netdev() - the net device the iface @name is bound to.
 * @name: the iface.
 * @buf, @size: receive the net device name ("" when the iface is bound by MAC or not at all).
 *
 * Return: 0, -ENOENT when the iface does not exist, -EIO for other errors.
 */
int records_iface_netdev(const char *name, char *buf, size_t size);

/**
 * records_ifaces_bound_to() - the ifaces bound to net device @netdev, space separated, into @buf.
 * Return: how many, or -EIO.
 */
int records_ifaces_bound_to(const char *netdev, char *buf, size_t size);

/* Every node record, read once: a pass that starts many logins reads the records once, not once per login. */
struct records_nodes;

/** records_nodes_read() - read every node record (none when they cannot be read). 0 or -ENOMEM. */
int records_nodes_read(struct records_nodes **ret);
/** records_nodes_free() - accepts NULL; returns NULL. */
struct records_nodes *records_nodes_free(struct records_nodes *r);

/**
 * records_node_ready() - whether the node record of @n is among @r with the manager's
 * settings: node.startup manual, login_timeout @login_timeout, and CHAP user @chap_user
 * (NULL: none). When it is, a login needs no `-o new` and `-o update` first.
 */
bool records_node_ready(const struct records_nodes *r, const struct iscsiadm_node *n, unsigned login_timeout,
			const char *chap_user);
