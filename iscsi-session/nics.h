/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The facts of the host's network interfaces the manager needs: existence, carrier, addresses, MTU. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "layout.h"

#define NIC_ADDRS_MAX 8

/**
 * struct nic_addr - one address of a NIC.
 * @text: the address in text form.
 * @subnet: the subnet it is in (its prefix route).
 */
struct nic_addr {
	char text[ISESS_ADDR_MAX];
	struct layout_subnet subnet;
};

/**
 * struct nic_info - one interface.
 * @name: the net device name.
 * @ifindex: its index, 0 when it does not exist.
 * @up: administratively up (IFF_UP).
 * @carrier: it has a link (IFF_RUNNING: up and lower layer up).
 * @mtu: its MTU, 0 when unknown.
 * @addrs: its IPv4 and global IPv6 addresses (link-local ones are left out).
 * @n_addrs: their number.
 */
struct nic_info {
	char name[ISESS_NIC_MAX];
	int ifindex;
	bool up, carrier;
	unsigned mtu;
	struct nic_addr addrs[NIC_ADDRS_MAX];
	size_t n_addrs;
};

/**
 * nics_read() - every interface of the host but the loopback, in ifindex order.
 * @ret: receives a malloc()ed array; free() it.
 * @ret_n: its length.
 *
 * Uses getifaddrs() (a netlink dump the kernel answers at once) and sysfs for the MTU.
 *
 * Return: 0 or -errno.
 */
int nics_read(struct nic_info **ret, size_t *ret_n);

/** nics_find() - the interface named @name in @nics, or NULL. */
const struct nic_info *nics_find(const struct nic_info *nics, size_t n, const char *name);

/** nic_first_ipv4() - the first IPv4 address of @nic, or NULL. */
const struct nic_addr *nic_first_ipv4(const struct nic_info *nic);

/** nic_in_subnet() - whether @addr lies in one of @nic's subnets. */
bool nic_in_subnet(const struct nic_info *nic, const char *addr);
