/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Network interfaces from getifaddrs() and sysfs: a kernel dump, answered without waiting. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nics.h"
#include "sysfs.h"
#include "util.h"

static unsigned prefix_len(const struct sockaddr *mask, int family)
{
	const uint8_t *b = family == AF_INET ? (const uint8_t *)&((const struct sockaddr_in *)mask)->sin_addr
					     : (const uint8_t *)&((const struct sockaddr_in6 *)mask)->sin6_addr;
	size_t len = family == AF_INET ? 4 : 16;
	unsigned n = 0;

	for (size_t i = 0; i < len; i++)
		n += __builtin_popcount(b[i]);
	return n;
}

static void addr_add(struct nic_info *nic, const struct ifaddrs *ifa)
{
	int family = ifa->ifa_addr->sa_family;
	const void *bin = family == AF_INET ? (const void *)&((const struct sockaddr_in *)ifa->ifa_addr)->sin_addr
					    : (const void *)&((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
	struct nic_addr *a;
	unsigned bits;

	if (nic->n_addrs == NIC_ADDRS_MAX)
		return;
	if (family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL((const struct in6_addr *)bin))
		return;
	a = &nic->addrs[nic->n_addrs];
	inet_ntop(family, bin, a->text, sizeof(a->text));
	a->subnet.family = family;
	a->subnet.prefix = ifa->ifa_netmask ? prefix_len(ifa->ifa_netmask, family) : (family == AF_INET ? 32 : 128);
	memcpy(a->subnet.addr, bin, family == AF_INET ? 4 : 16);
	bits = a->subnet.prefix;
	for (size_t i = 0; i < 16; i++, bits = bits > 8 ? bits - 8 : 0)
		a->subnet.addr[i] &= bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
	nic->n_addrs++;
}

static struct nic_info *nic_get(struct nic_info **list, size_t *n, size_t *cap, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (streq((*list)[i].name, name))
			return &(*list)[i];
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct nic_info *more = realloc(*list, c * sizeof(*more));

		if (!more)
			return NULL;
		*list = more;
		*cap = c;
	}
	(*list)[*n] = (struct nic_info) { 0 };
	snprintf((*list)[*n].name, sizeof((*list)[*n].name), "%s", name);
	return &(*list)[(*n)++];
}

static int ifindex_cmp(const void *a, const void *b)
{
	const struct nic_info *x = a, *y = b;

	return x->ifindex - y->ifindex;
}

int nics_read(struct nic_info **ret, size_t *ret_n)
{
	struct ifaddrs *all, *ifa;
	struct nic_info *list = NULL;
	size_t n = 0, cap = 0;

	if (getifaddrs(&all) < 0)
		return -errno;
	for (ifa = all; ifa; ifa = ifa->ifa_next) {
		struct nic_info *nic;
		char mtu[16];

		if (ifa->ifa_flags & IFF_LOOPBACK)
			continue;
		nic = nic_get(&list, &n, &cap, ifa->ifa_name);
		if (!nic) {
			freeifaddrs(all);
			free(list);
			return -ENOMEM;
		}
		nic->up = ifa->ifa_flags & IFF_UP;
		nic->carrier = (ifa->ifa_flags & IFF_UP) && (ifa->ifa_flags & IFF_RUNNING);
		if (!nic->ifindex) {
			char rel[64];

			nic->ifindex = (int)if_nametoindex(nic->name);
			snprintf(rel, sizeof(rel), "class/net/%s/mtu", nic->name);
			if (mp_sysfs_read_attr(rel, mtu, sizeof(mtu)) > 0)
				nic->mtu = (unsigned)atoi(mtu);
		}
		if (ifa->ifa_addr && (ifa->ifa_addr->sa_family == AF_INET || ifa->ifa_addr->sa_family == AF_INET6))
			addr_add(nic, ifa);
	}
	freeifaddrs(all);
	if (n > 1)
		qsort(list, n, sizeof(*list), ifindex_cmp);
	*ret = list;
	*ret_n = n;
	return 0;
}

const struct nic_info *nics_find(const struct nic_info *nics, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq(nics[i].name, name))
			return &nics[i];
	return NULL;
}

const struct nic_addr *nic_first_ipv4(const struct nic_info *nic)
{
	for (size_t i = 0; nic && i < nic->n_addrs; i++)
		if (nic->addrs[i].subnet.family == AF_INET)
			return &nic->addrs[i];
	return NULL;
}

bool nic_in_subnet(const struct nic_info *nic, const char *addr)
{
	for (size_t i = 0; i < nic->n_addrs; i++)
		if (layout_subnet_contains(&nic->addrs[i].subnet, addr))
			return true;
	return false;
}
