/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Routing facts through rtnetlink: policy rules, routes, and the route the kernel picks. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct nl_rule - one IPv4 policy routing rule.
 * @priority: its priority.
 * @src: the "from" address in text ("" for all), @src_len its prefix length.
 * @table: the table it looks up (0 when it does something else).
 */
struct nl_rule {
	uint32_t priority;
	char src[16];
	unsigned src_len;
	uint32_t table;
};

/**
 * struct nl_route - one IPv4 unicast route.
 * @table: its table.
 * @dst: the destination in text, @dst_len its prefix length.
 * @oif: the interface index it leaves by.
 * @metric: its priority.
 */
struct nl_route {
	uint32_t table;
	char dst[16];
	unsigned dst_len;
	int oif;
	uint32_t metric;
};

/*
 * The queries below send one request on a fresh rtnetlink socket and read the kernel's
 * answer, which is queued before send() returns: they do not wait.
 */

/** nl_rules() - every IPv4 rule; *@ret is malloc()ed. 0 or -errno. */
int nl_rules(struct nl_rule **ret, size_t *ret_n);
/** nl_routes() - every IPv4 unicast route of every table; *@ret is malloc()ed. 0 or -errno. */
int nl_routes(struct nl_route **ret, size_t *ret_n);
/** nl_route_get() - the interface index the kernel would send to @dst by. 0 or -errno. */
int nl_route_get(const char *dst, int *ret_oif);
