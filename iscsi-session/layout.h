/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The session layout: a pure function from volumes, members, NICs and limits to the sessions wanted. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISESS_TARGET_MAX 224	/* iSCSI names are at most 223 bytes */
#define ISESS_ADDR_MAX 46	/* an IPv6 address in text */
#define ISESS_NIC_MAX 16	/* IFNAMSIZ */

/**
 * struct layout_portal - one portal of a member, as SendTargets lists it.
 * @addr: the address in canonical text form (inet_ntop), without brackets.
 * @port: the TCP port.
 */
struct layout_portal {
	char addr[ISESS_ADDR_MAX];
	unsigned port;
};

/**
 * struct layout_member - the part of a volume one group member serves.
 * @tpgt: its target portal group tag; a member of an EqualLogic-style group is one
 *        portal group of the volume's target.
 * @portals: the member's portals; a NIC uses the first one it reaches.
 * @n_portals: their number (at least one).
 */
struct layout_member {
	int tpgt;
	const struct layout_portal *portals;
	size_t n_portals;
};

/**
 * struct layout_volume - one volume (an iSCSI target) and its limits.
 * @target: the target name.
 * @member_sessions: sessions wanted to each member (EHCM membersessions, 1..4).
 * @volume_sessions: sessions to the volume over all members (volumesessions, 1..12).
 * @members: the members holding the volume.
 * @n_members: their number.
 */
struct layout_volume {
	const char *target;
	unsigned member_sessions;
	unsigned volume_sessions;
	const struct layout_member *members;
	size_t n_members;
};

/**
 * struct layout_subnet - an IP subnet a NIC has an address in.
 * @family: AF_INET or AF_INET6.
 * @addr: the network address, in network byte order (4 or 16 bytes used).
 * @prefix: the prefix length.
 */
struct layout_subnet {
	int family;
	uint8_t addr[16];
	unsigned prefix;
};

/**
 * struct layout_nic - one NIC sessions may be bound to.
 * @name: the net device name.
 * @usable: it exists and has an address; a NIC that lost its carrier stays usable
 *          (its sessions are failed and brought back, not moved).
 * @subnets: the subnets of its addresses. A portal inside one of them is reached by
 *           this NIC only; a portal in no NIC's subnet is routed, and every NIC reaches it.
 * @n_subnets: their number.
 */
struct layout_nic {
	const char *name;
	bool usable;
	const struct layout_subnet *subnets;
	size_t n_subnets;
};

/**
 * struct layout_session - one session: wanted (in a plan) or existing (a hint).
 * @target: the volume.
 * @addr, @port: the portal it logs in to.
 * @nic: the NIC its iface is bound to.
 * @tpgt: the member's portal group tag (plans; -1 when unknown). It is not part of a
 *        session's identity, but open-iscsi files node records under it.
 * @volume, @member: indexes into the input's volumes and that volume's members
 *                   (plans only; ignored in hints).
 */
struct layout_session {
	char target[ISESS_TARGET_MAX];
	char addr[ISESS_ADDR_MAX];
	unsigned port;
	char nic[ISESS_NIC_MAX];
	int tpgt;
	size_t volume, member;
};

/**
 * struct layout_input - everything the layout depends on.
 * @volumes: the volumes to serve, in a stable order (their order breaks ties).
 * @n_volumes: their number.
 * @nics: the NICs, in config order (their order breaks ties).
 * @n_nics: their number.
 * @total_sessions: the cap over all volumes (EHCM totalsessions, 64..1024).
 * @current: the sessions that exist now, or NULL; where the limits allow, the plan
 *           keeps their NIC and portal, so a change moves as few sessions as possible.
 * @n_current: their number.
 */
struct layout_input {
	const struct layout_volume *volumes;
	size_t n_volumes;
	const struct layout_nic *nics;
	size_t n_nics;
	unsigned total_sessions;
	const struct layout_session *current;
	size_t n_current;
};

/**
 * struct layout_plan - the sessions wanted.
 * @sessions: sorted by volume, then member, then NIC order.
 * @n_sessions: their number.
 * @per_volume: sessions per input volume (@n_volumes entries).
 * @capped_by_total: the total cap left some session out.
 */
struct layout_plan {
	struct layout_session *sessions;
	size_t n_sessions;
	unsigned *per_volume;
	size_t n_volumes;
	bool capped_by_total;
};

/**
 * layout_compute() - the sessions a group should have.
 * @in: volumes, members, NICs, limits and the current sessions.
 * @ret: receives the plan; release it with layout_plan_release().
 *
 * Each member of a volume may have min(member_sessions, NICs that reach it) sessions,
 * each through a different NIC. Sessions are handed out in rounds over the volumes, one
 * per volume per round, to the volume's member that has the fewest so far, until the
 * volume reaches volume_sessions or its members their share, and the whole plan
 * total_sessions: so every volume gets a session before any gets a second, and a
 * volume's sessions spread over its members. Each session goes to a NIC the member has
 * none on yet, preferring one that has the session now, then the NIC with the fewest
 * sessions in the plan, then config order. A NIC that is not usable gets none.
 *
 * The function is pure: the same input gives the same plan.
 *
 * Return: 0, -EINVAL for a malformed input (a member without portals), or -ENOMEM.
 */
int layout_compute(const struct layout_input *in, struct layout_plan *ret);

/** layout_plan_release() - free what a plan holds; the plan may be zeroed or partly built. */
void layout_plan_release(struct layout_plan *plan);

/**
 * layout_subnet_contains() - whether @addr (text, IPv4 or IPv6) lies in @subnet.
 * Return: false for an address that does not parse or has another family.
 */
bool layout_subnet_contains(const struct layout_subnet *subnet, const char *addr);
