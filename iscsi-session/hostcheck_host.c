/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host checks answered at once: ARP flux (arp_ignore, arp_announce), strict
 * reverse-path filtering, a routing rule and table per NIC so replies leave by the NIC they
 * came in on, every NIC with an address, and the heartbeat port holding the subnet's route
 * and never bound. Settings come from /proc/sys and rtnetlink, which answer without waiting.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostcheck.h"
#include "netlink.h"
#include "util.h"

#define TABLE_BASE 200			/* per-NIC routing tables: TABLE_BASE + position of the NIC */

/* ---- sysctls ---- */

static int sysctl_read(const char *dev, const char *name)
{
	char path[128], buf[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", dev, name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return buf[0] ? atoi(buf) : -1;
}

/* The kernel applies the larger of all's and the NIC's value for these. */
static void check_arp(struct hostcheck *h, const char *nic)
{
	int ign_all = sysctl_read("all", "arp_ignore"), ign = sysctl_read(nic, "arp_ignore");
	int ann_all = sysctl_read("all", "arp_announce"), ann = sysctl_read(nic, "arp_announce");
	int ign_eff = ign_all > ign ? ign_all : ign, ann_eff = ann_all > ann ? ann_all : ann;
	char fix[160];

	if (ign_eff != 1 && ign_eff != 2) {
		snprintf(fix, sizeof(fix), "sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.%s.arp_ignore=1", nic);
		hostcheck_finding_add(h, fix, "%s: arp_ignore is %d (all %d, %s %d): it answers ARP for the other NICs' addresses (ARP flux)",
			    nic, ign_eff, ign_all, nic, ign);
	}
	if (ann_eff != 2) {
		snprintf(fix, sizeof(fix), "sysctl -w net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.%s.arp_announce=2", nic);
		hostcheck_finding_add(h, fix, "%s: arp_announce is %d (all %d, %s %d): its ARP requests may carry another NIC's address (ARP flux)",
			    nic, ann_eff, ann_all, nic, ann);
	}
}

static void check_rp_filter(struct hostcheck *h, const char *nic)
{
	int all = sysctl_read("all", "rp_filter"), dev = sysctl_read(nic, "rp_filter");
	int eff = all > dev ? all : dev;
	char fix[96];

	if (eff != 1)
		return;
	/* max(all, 2) is 2 whatever all is: the NIC alone needs changing */
	snprintf(fix, sizeof(fix), "sysctl -w net.ipv4.conf.%s.rp_filter=2", nic);
	hostcheck_finding_add(h, fix, "%s: rp_filter is strict (all %d, %s %d: the kernel takes the larger): a reply for one NIC that arrives on another is dropped",
		    nic, all, nic, dev);
}

/* ---- routing ---- */

static size_t nic_position(const struct isess *m, const char *nic)
{
	for (size_t i = 0; i < m->n_nics; i++)
		if (streq(m->nics[i].name, nic))
			return i;
	return m->n_nics;
}

static void subnet_text(const struct nic_addr *a, char *buf, size_t size)
{
	char net[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, a->subnet.addr, net, sizeof(net));
	snprintf(buf, size, "%s/%u", net, a->subnet.prefix);
}

/* A rule "from ADDR lookup T" and table T routing ADDR's subnet out of the NIC. */
static void check_policy_routing(struct hostcheck *h, const struct mgr_nic *nic, const struct nl_rule *rules,
				 size_t n_rules, const struct nl_route *routes, size_t n_routes)
{
	const struct nic_addr *a = nic_first_ipv4(&nic->info);
	uint32_t table = TABLE_BASE + 1 + (uint32_t)nic_position(h->m, nic->name);
	char net[INET_ADDRSTRLEN + 4], fix[256];
	bool rule = false, route = false;

	if (!a)
		return;
	subnet_text(a, net, sizeof(net));
	for (size_t i = 0; i < n_rules; i++)
		if (rules[i].table && rules[i].src_len == 32 && streq(rules[i].src, a->text)) {
			rule = true;
			table = rules[i].table;
		}
	for (size_t i = 0; i < n_routes; i++)
		if (routes[i].table == table && routes[i].oif == nic->info.ifindex &&
		    routes[i].dst_len == a->subnet.prefix && layout_subnet_contains(&a->subnet, routes[i].dst))
			route = true;
	if (rule && route)
		return;
	if (rule)	/* the rule is there: the route alone */
		snprintf(fix, sizeof(fix), "ip route replace %s dev %s src %s table %u", net, nic->name, a->text, table);
	else
		snprintf(fix, sizeof(fix), "ip route replace %s dev %s src %s table %u && ip rule add from %s table %u priority %u",
			 net, nic->name, a->text, table, a->text, table, table);
	hostcheck_finding_add(h, fix, "%s: no %s sends replies from %s back out of %s (a routing rule and table per NIC)",
		    nic->name, !rule ? "routing rule" : "route in its table", a->text, nic->name);
}

/* The heartbeat holds the subnet's route: the kernel sends to the group by it, not by an iSCSI NIC. */
static void check_heartbeat_route(struct hostcheck *h, const struct nic_info *hb, const struct nl_route *routes,
				  size_t n_routes)
{
	const struct isess *m = h->m;
	const struct nic_addr *a = nic_first_ipv4(hb);
	char fix[320] = "", net[INET_ADDRSTRLEN + 4];
	size_t used = 0;
	int oif = 0;

	if (!m->cfg->n_discovery || nl_route_get(m->cfg->discovery[0].addr, &oif) < 0 || oif == hb->ifindex || !a)
		return;
	subnet_text(a, net, sizeof(net));
	/* the iSCSI NICs' own routes to the subnet go from the main table: their tables have them */
	for (size_t i = 0; i < n_routes; i++) {
		const struct mgr_nic *nic = NULL;

		for (size_t k = 0; k < m->n_nics; k++)
			if (m->nics[k].info.ifindex == routes[i].oif)
				nic = &m->nics[k];
		if (nic && routes[i].table == 254 && routes[i].dst_len == a->subnet.prefix &&
		    layout_subnet_contains(&a->subnet, routes[i].dst) && used < sizeof(fix))
			used += snprintf(fix + used, sizeof(fix) - used, "%sip route del %s dev %s table main",
					 used ? " && " : "", net, nic->name);
	}
	hostcheck_finding_add(h, used ? fix : NULL, "heartbeat %s: the route to the group %s leaves by ifindex %d, not by the heartbeat port",
		    hb->name, m->cfg->discovery[0].addr, oif);
}

static void check_heartbeat(struct hostcheck *h, const struct nl_route *routes, size_t n_routes)
{
	const struct isess *m = h->m;
	const struct nic_info *hb;

	if (!m->cfg->heartbeat) {
		hostcheck_finding_add(h, NULL, "no heartbeat port: a dead member cannot be told from dead paths (set heartbeat in the iscsi section)");
		return;
	}
	hb = nics_find(m->all_nics, m->n_all_nics, m->cfg->heartbeat);
	if (!hb) {
		hostcheck_finding_add(h, NULL, "heartbeat %s: no such interface", m->cfg->heartbeat);
		return;
	}
	if (!nic_first_ipv4(hb))
		hostcheck_finding_add(h, NULL, "heartbeat %s: it has no IPv4 address (give it one on the SAN subnet)", hb->name);
	if (h->hb_bound[0])
		hostcheck_finding_add(h, NULL, "heartbeat %s: open-iscsi iface %s is bound to it: the heartbeat port must carry no iSCSI (delete the iface once its sessions are gone)",
			    hb->name, h->hb_bound);
	check_heartbeat_route(h, hb, routes, n_routes);
}

void hostcheck_host_checks(struct hostcheck *h)
{
	struct isess *m = h->m;
	_cleanup_free_ struct nl_rule *rules = NULL;
	_cleanup_free_ struct nl_route *routes = NULL;
	size_t n_rules = 0, n_routes = 0;

	int r = nl_rules(&rules, &n_rules);

	if (r >= 0)
		r = nl_routes(&routes, &n_routes);
	if (r < 0)
		hostcheck_finding_add(h, NULL, "cannot read the routing rules and tables: %s", strerror(-r));
	for (size_t i = 0; i < m->n_nics; i++) {
		const struct mgr_nic *nic = &m->nics[i];

		if (!nic->info.ifindex) {
			hostcheck_finding_add(h, NULL, "%s: no such interface", nic->name);
			continue;
		}
		if (!nic_first_ipv4(&nic->info)) {
			hostcheck_finding_add(h, NULL, "%s: it has no IPv4 address: no session can use it (give it one on the SAN subnet)",
				    nic->name);
			continue;
		}
		check_arp(h, nic->name);
		check_rp_filter(h, nic->name);
		check_policy_routing(h, nic, rules, n_rules, routes, n_routes);
		hostcheck_mtu_config(h, nic);
	}
	if (!m->n_nics)
		hostcheck_finding_add(h, NULL, "no iSCSI NIC: list them with nic in the iscsi section, or give NICs addresses in the group's subnet");
	check_heartbeat(h, routes, n_routes);
}
