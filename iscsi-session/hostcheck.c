/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host checks: the settings an iSCSI host on one SAN subnet gets wrong. ARP flux
 * (arp_ignore, arp_announce), strict reverse-path filtering, a routing rule and table per
 * NIC so replies leave by the NIC they came in on, every NIC with an address, the heartbeat
 * port holding the subnet's route and never bound, and the MTU end to end (a don't-fragment
 * ping of MTU - 28 bytes from each NIC to each member). Each finding is one line with the
 * command that fixes it; a run with fixes applies them (without a shell) and checks again.
 * Settings come from /proc/sys and rtnetlink, pings from raw sockets: nothing here waits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "icmp.h"
#include "json.h"
#include "log.h"
#include "manager.h"
#include "netlink.h"
#include "records.h"
#include "util.h"

#define FINDINGS_MAX 64
#define PING_WAIT_USEC 1000000ULL	/* how long a don't-fragment ping may take to answer */
#define TABLE_BASE 200			/* per-NIC routing tables: TABLE_BASE + position of the NIC */
#define FIX_TIMEOUT_USEC (10 * 1000000ULL)
#define FIX_PASSES 3			/* a fix can reveal the next finding (strict rp_filter hides the MTU) */

/** struct finding - one problem: what it is, and the command that fixes it ("" for none). */
struct finding {
	char what[224];
	char fix[320];
};

/* A don't-fragment ping of one size from one NIC to one member portal. */
struct dfping {
	char nic[ISESS_NIC_MAX];
	char addr[ISESS_ADDR_MAX];
	unsigned size;			/* the IP packet size: the MTU tested */
	uint16_t seq;
	bool answered;
	int fd;
	sd_event_source *io;
};

struct hostcheck {
	struct isess *m;
	uint64_t run;			/* the run in progress, 0 for none */
	bool fix;			/* it applies fixes */
	uint64_t next_run;		/* a run asked for meanwhile */
	bool next_fix;
	struct finding *found;		/* the run in progress */
	size_t n_found;
	struct finding *result;		/* the last run that finished */
	size_t n_result;
	size_t fixed;			/* fixes the last run applied */
	uint64_t finished_at;
	struct dfping *pings;
	size_t n_pings;
	sd_event_source *ping_timer;
	char **fix_queue;		/* fix commands still to run */
	size_t n_fix_queue, fix_next;
	unsigned fix_pass;		/* passes of fixes this run has applied */
	uint16_t seq;
};

static void run_end(struct hostcheck *h);

static void __attribute__((format(printf, 3, 4)))
finding_add(struct hostcheck *h, const char *fix, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	if (h->n_found >= FINDINGS_MAX)
		return;
	f = &h->found[h->n_found++];
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
	snprintf(f->fix, sizeof(f->fix), "%s", fix ? fix : "");
}

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
		finding_add(h, fix, "%s: arp_ignore is %d (all %d, %s %d): it answers ARP for the other NICs' addresses (ARP flux)",
			    nic, ign_eff, ign_all, nic, ign);
	}
	if (ann_eff != 2) {
		snprintf(fix, sizeof(fix), "sysctl -w net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.%s.arp_announce=2", nic);
		finding_add(h, fix, "%s: arp_announce is %d (all %d, %s %d): its ARP requests may carry another NIC's address (ARP flux)",
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
	finding_add(h, fix, "%s: rp_filter is strict (all %d, %s %d: the kernel takes the larger): a reply for one NIC that arrives on another is dropped",
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
	finding_add(h, fix, "%s: no %s sends replies from %s back out of %s (a routing rule and table per NIC)",
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
	finding_add(h, used ? fix : NULL, "heartbeat %s: the route to the group %s leaves by ifindex %d, not by the heartbeat port",
		    hb->name, m->cfg->discovery[0].addr, oif);
}

static void check_heartbeat(struct hostcheck *h, const struct nl_route *routes, size_t n_routes)
{
	const struct isess *m = h->m;
	const struct nic_info *hb;
	char bound[256];

	if (!m->cfg->heartbeat) {
		finding_add(h, NULL, "no heartbeat port: a dead member cannot be told from dead paths (set heartbeat in the iscsi section)");
		return;
	}
	hb = nics_find(m->all_nics, m->n_all_nics, m->cfg->heartbeat);
	if (!hb) {
		finding_add(h, NULL, "heartbeat %s: no such interface", m->cfg->heartbeat);
		return;
	}
	if (!nic_first_ipv4(hb))
		finding_add(h, NULL, "heartbeat %s: it has no IPv4 address (give it one on the SAN subnet)", hb->name);
	if (records_ifaces_bound_to(hb->name, bound, sizeof(bound)) > 0)
		finding_add(h, NULL, "heartbeat %s: open-iscsi iface %s is bound to it: the heartbeat port must carry no iSCSI (delete the iface once its sessions are gone)",
			    hb->name, bound);
	check_heartbeat_route(h, hb, routes, n_routes);
}

/* ---- MTU: don't-fragment pings ---- */

static unsigned nic_mtu_expected(const struct isess *m, const struct mgr_nic *nic)
{
	return m->cfg->mtu ? m->cfg->mtu : nic->info.mtu;
}

static void check_mtu_config(struct hostcheck *h, const struct mgr_nic *nic)
{
	char fix[96];

	if (!h->m->cfg->mtu || !nic->info.mtu || nic->info.mtu == h->m->cfg->mtu)
		return;
	snprintf(fix, sizeof(fix), "ip link set dev %s mtu %u", nic->name, h->m->cfg->mtu);
	finding_add(h, fix, "%s: MTU %u, but the iscsi section expects %u", nic->name, nic->info.mtu, h->m->cfg->mtu);
}

static int on_ping_reply(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct dfping *p = userdata;
	uint8_t buf[256];
	ssize_t n;

	/* a truncated read is enough: the headers tell whose reply it is */
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC)) > 0) {
		const struct iphdr *ip = (const void *)buf;
		const struct icmphdr *icmp;
		size_t hl = (size_t)ip->ihl * 4;

		if (hl + sizeof(*icmp) > sizeof(buf))
			continue;
		icmp = (const void *)(buf + hl);
		if (icmp->type == ICMP_ECHOREPLY && ntohs(icmp->un.echo.sequence) == p->seq &&
		    ntohs(icmp->un.echo.id) == (uint16_t)(getpid() ^ 0x4d54))
			p->answered = true;
	}
	return 0;
}

static int ping_send(struct hostcheck *h, struct dfping *p)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	size_t len = p->size - 20;	/* the ICMP part: header and MTU - 28 bytes of payload */
	_cleanup_free_ uint8_t *pkt = calloc(1, len);
	struct icmphdr *icmp = (void *)pkt;
	int r;

	if (!pkt)
		return -ENOMEM;
	if (inet_pton(AF_INET, p->addr, &sa.sin_addr) != 1)
		return -EINVAL;
	p->fd = icmp_socket_open(p->nic, true);
	if (p->fd < 0)
		return p->fd;
	p->seq = ++h->seq;
	icmp->type = ICMP_ECHO;
	icmp->un.echo.id = htons((uint16_t)(getpid() ^ 0x4d54));
	icmp->un.echo.sequence = htons(p->seq);
	icmp->checksum = icmp_checksum(pkt, len);
	r = sd_event_add_io(h->m->event, &p->io, p->fd, EPOLLIN, on_ping_reply, p);
	if (r < 0)
		return r;
	if (sendto(p->fd, pkt, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static void pings_release(struct hostcheck *h)
{
	for (size_t i = 0; i < h->n_pings; i++) {
		h->pings[i].io = sd_event_source_disable_unref(h->pings[i].io);
		if (h->pings[i].fd >= 0)
			close(h->pings[i].fd);
	}
	free(h->pings);
	h->pings = NULL;
	h->n_pings = 0;
}

static void ping_add(struct hostcheck *h, const char *nic, const char *addr, unsigned size)
{
	struct dfping *p;

	for (size_t i = 0; i < h->n_pings; i++)
		if (streq(h->pings[i].nic, nic) && streq(h->pings[i].addr, addr) && h->pings[i].size == size)
			return;
	p = realloc(h->pings, (h->n_pings + 1) * sizeof(*p));
	if (!p)
		return;
	h->pings = p;
	p = &h->pings[h->n_pings++];
	*p = (struct dfping) { .size = size, .fd = -1 };
	snprintf(p->nic, sizeof(p->nic), "%s", nic);
	snprintf(p->addr, sizeof(p->addr), "%s", addr);
}

/* Each NIC with a carrier pings each IPv4 member portal it serves, at its MTU and at 1500. */
static void pings_start(struct hostcheck *h)
{
	const struct isess *m = h->m;

	for (size_t i = 0; i < m->n_nics; i++) {
		const struct mgr_nic *nic = &m->nics[i];
		unsigned mtu = nic_mtu_expected(m, nic);

		if (!nic->usable || !nic->info.carrier || mtu < 576)
			continue;
		for (size_t k = 0; k < m->plan.n_sessions; k++) {
			const struct layout_session *s = &m->plan.sessions[k];
			struct in_addr x;

			if (!streq(s->nic, nic->name) || inet_pton(AF_INET, s->addr, &x) != 1)
				continue;
			ping_add(h, nic->name, s->addr, mtu);
			if (mtu > 1500)
				ping_add(h, nic->name, s->addr, 1500);
		}
	}
	for (size_t i = 0; i < h->n_pings; i++) {
		int r = ping_send(h, &h->pings[i]);

		if (r < 0)
			log_debug("iscsi: MTU ping %s -> %s (%u): %s", h->pings[i].nic, h->pings[i].addr,
				  h->pings[i].size, strerror(-r));
	}
}

static const struct dfping *ping_find(const struct hostcheck *h, const char *nic, const char *addr, unsigned size)
{
	for (size_t i = 0; i < h->n_pings; i++)
		if (streq(h->pings[i].nic, nic) && streq(h->pings[i].addr, addr) && h->pings[i].size == size)
			return &h->pings[i];
	return NULL;
}

/* A larger ping of the same NIC and portal than @p, if any: it carries the verdict. */
static const struct dfping *ping_larger(const struct hostcheck *h, const struct dfping *p)
{
	for (size_t i = 0; i < h->n_pings; i++)
		if (h->pings[i].size > p->size && streq(h->pings[i].nic, p->nic) && streq(h->pings[i].addr, p->addr))
			return &h->pings[i];
	return NULL;
}

/*
 * Each NIC and portal pinged at its MTU (and at 1500 when that is larger) gives one verdict:
 * the large ping unanswered and the 1500 one answered is a path that does not carry the MTU;
 * both unanswered is a portal that does not answer at all. Lowering the NIC is offered as
 * the fix only when the iscsi section sets no mtu: otherwise the section asks for that MTU,
 * and the path has to be fixed instead.
 */
static void mtu_verdicts(struct hostcheck *h)
{
	for (size_t i = 0; i < h->n_pings; i++) {
		const struct dfping *p = &h->pings[i], *small;
		char fix[96];

		if (p->answered || ping_larger(h, p))
			continue;
		small = p->size > 1500 ? ping_find(h, p->nic, p->addr, 1500) : NULL;
		if (small && small->answered) {
			snprintf(fix, sizeof(fix), "ip link set dev %s mtu 1500", p->nic);
			finding_add(h, h->m->cfg->mtu ? NULL : fix,
				    "%s -> %s: a don't-fragment ping of %u bytes (MTU %u) gets no answer, one of 1500 does: the path does not carry MTU %u (fix the switch or target%s)",
				    p->nic, p->addr, p->size - 28, p->size, p->size,
				    h->m->cfg->mtu ? ", or lower mtu in the iscsi section" : ", or lower the NIC");
		} else {
			finding_add(h, NULL, "%s -> %s: no answer to a don't-fragment ping of %u bytes (MTU %u)", p->nic,
				    p->addr, p->size - 28, p->size);
		}
	}
}

/* ---- a run ---- */

static void checks_sync(struct hostcheck *h)
{
	struct isess *m = h->m;
	_cleanup_free_ struct nl_rule *rules = NULL;
	_cleanup_free_ struct nl_route *routes = NULL;
	size_t n_rules = 0, n_routes = 0;

	int r = nl_rules(&rules, &n_rules);

	if (r >= 0)
		r = nl_routes(&routes, &n_routes);
	if (r < 0)
		finding_add(h, NULL, "cannot read the routing rules and tables: %s", strerror(-r));
	for (size_t i = 0; i < m->n_nics; i++) {
		const struct mgr_nic *nic = &m->nics[i];

		if (!nic->info.ifindex) {
			finding_add(h, NULL, "%s: no such interface", nic->name);
			continue;
		}
		if (!nic_first_ipv4(&nic->info)) {
			finding_add(h, NULL, "%s: it has no IPv4 address: no session can use it (give it one on the SAN subnet)",
				    nic->name);
			continue;
		}
		check_arp(h, nic->name);
		check_rp_filter(h, nic->name);
		check_policy_routing(h, nic, rules, n_rules, routes, n_routes);
		check_mtu_config(h, nic);
	}
	if (!m->n_nics)
		finding_add(h, NULL, "no iSCSI NIC: list them with nic in the iscsi section, or give NICs addresses in the group's subnet");
	check_heartbeat(h, routes, n_routes);
}

static void fixes_run_next(struct hostcheck *h);

static void fix_done(const struct run_result *res, void *userdata)
{
	struct hostcheck *h = userdata;

	if (res->status != 0)
		log_warn("iscsi: fix \"%s\" failed (%d): %.160s", h->fix_queue[h->fix_next - 1], res->status, res->err);
	else
		h->fixed++;
	fixes_run_next(h);
}

/* Run the next fix command, split at blanks (no shell: the words never contain any). */
static void fixes_run_next(struct hostcheck *h)
{
	char *argv[32], *save = NULL, buf[320];
	size_t n = 0;

	if (h->fix_next >= h->n_fix_queue) {
		/* this pass is applied: check again; on_pings_done fixes what is new, up to FIX_PASSES */
		size_t fixed = h->fixed;

		h->n_found = 0;
		checks_sync(h);
		pings_start(h);
		h->fixed = fixed;
		sd_event_source_set_time_relative(h->ping_timer, PING_WAIT_USEC);
		sd_event_source_set_enabled(h->ping_timer, SD_EVENT_ONESHOT);
		return;
	}
	snprintf(buf, sizeof(buf), "%s", h->fix_queue[h->fix_next++]);
	for (char *w = strtok_r(buf, " ", &save); w && n + 1 < ARRAY_SIZE(argv); w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	log_notice("iscsi: applying fix: %s", h->fix_queue[h->fix_next - 1]);
	if (!n || runner_run(h->m->runner, argv, FIX_TIMEOUT_USEC, fix_done, h, NULL) < 0)
		fixes_run_next(h);
}

static void fix_queue_release(struct hostcheck *h)
{
	for (size_t i = 0; i < h->n_fix_queue; i++)
		free(h->fix_queue[i]);
	free(h->fix_queue);
	h->fix_queue = NULL;
	h->n_fix_queue = h->fix_next = 0;
}

/* Every command of every finding's fix ("a && b" is two commands), in order. */
static bool fixable(const struct hostcheck *h)
{
	for (size_t i = 0; i < h->n_found; i++)
		if (h->found[i].fix[0])
			return true;
	return false;
}

static void fixes_start(struct hostcheck *h)
{
	h->fix_pass++;
	fix_queue_release(h);
	h->fix_queue = calloc(FINDINGS_MAX * 4, sizeof(char *));
	for (size_t i = 0; h->fix_queue && i < h->n_found; i++) {
		const char *p = h->found[i].fix;

		while (*p && h->n_fix_queue < FINDINGS_MAX * 4) {
			const char *end = strstr(p, " && ");
			size_t len = end ? (size_t)(end - p) : strlen(p);
			bool dup = false;

			/* two findings of one NIC (one per member) have one fix */
			for (size_t k = 0; k < h->n_fix_queue; k++)
				dup |= strlen(h->fix_queue[k]) == len && strncmp(h->fix_queue[k], p, len) == 0;
			if (!dup)
				h->fix_queue[h->n_fix_queue++] = strndup(p, len);
			p += len + (end ? 4 : 0);
		}
	}
	pings_release(h);
	fixes_run_next(h);
}

static int on_pings_done(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hostcheck *h = userdata;

	mtu_verdicts(h);
	pings_release(h);
	if (h->fix && fixable(h) && h->fix_pass < FIX_PASSES) {
		fixes_start(h);
		return 0;
	}
	run_end(h);
	return 0;
}

static void run_begin(struct hostcheck *h, uint64_t run, bool fix)
{
	h->run = run;
	h->fix = fix;
	h->fix_pass = 0;
	h->fixed = 0;
	h->n_found = 0;
	checks_sync(h);
	pings_start(h);
	sd_event_source_set_time_relative(h->ping_timer, h->n_pings ? PING_WAIT_USEC : 0);
	sd_event_source_set_enabled(h->ping_timer, SD_EVENT_ONESHOT);
}

static void run_end(struct hostcheck *h)
{
	struct isess *m = h->m;
	struct finding *swap = h->result;

	h->result = h->found;
	h->n_result = h->n_found;
	h->found = swap;
	h->n_found = 0;
	h->finished_at = isess_now();
	m->check_done = h->run;
	log_info("iscsi: host check %llu: %zu finding%s%s", (unsigned long long)h->run, h->n_result,
		 h->n_result == 1 ? "" : "s", h->fixed ? " after fixes" : "");
	for (size_t i = 0; i < h->n_result; i++)
		log_notice("iscsi: check: %s%s%s", h->result[i].what, h->result[i].fix[0] ? "; fix: " : "",
			   h->result[i].fix);
	fix_queue_release(h);
	h->run = 0;
	mgr_publish_later(m);
	if (h->next_run) {
		uint64_t run = h->next_run;
		bool fix = h->next_fix;

		h->next_run = 0;
		h->next_fix = false;
		run_begin(h, run, fix);
	}
}

void hostcheck_start(struct isess *m, uint64_t run, bool fix)
{
	struct hostcheck *h = m->checks;

	if (!h)
		return;
	if (h->run) {
		/* one at a time: the newest request runs next, with fixes if any asked */
		h->next_run = run;
		h->next_fix |= fix;
		return;
	}
	run_begin(h, run, fix);
}

int hostcheck_new(struct isess *m, struct hostcheck **ret)
{
	struct hostcheck *h = calloc(1, sizeof(*h));
	int r;

	if (!h)
		return -ENOMEM;
	h->m = m;
	h->found = calloc(FINDINGS_MAX, sizeof(*h->found));
	h->result = calloc(FINDINGS_MAX, sizeof(*h->result));
	if (!h->found || !h->result) {
		hostcheck_free(h);
		return -ENOMEM;
	}
	r = sd_event_add_time_relative(m->event, &h->ping_timer, CLOCK_MONOTONIC, PING_WAIT_USEC, 1000,
				       on_pings_done, h);
	if (r >= 0)
		r = sd_event_source_set_enabled(h->ping_timer, SD_EVENT_OFF);
	if (r < 0) {
		hostcheck_free(h);
		return r;
	}
	*ret = h;
	return 0;
}

struct hostcheck *hostcheck_free(struct hostcheck *h)
{
	if (!h)
		return NULL;
	pings_release(h);
	fix_queue_release(h);
	sd_event_source_disable_unref(h->ping_timer);
	free(h->found);
	free(h->result);
	free(h);
	return NULL;
}

/* ---- rendering ---- */

int hostcheck_render(const struct isess *m, bool json, struct strbuf *out)
{
	const struct hostcheck *h = m->checks;
	_cleanup_free_ char *text = NULL;
	struct mp_json j;
	int r;

	if (!h)
		return 0;
	if (!json) {
		if (!m->check_done)
			return strbuf_puts(out, "no host check has finished yet\n");
		strbuf_printf(out, "host check %llu: %zu finding%s%s\n", (unsigned long long)m->check_done, h->n_result,
			      h->n_result == 1 ? "" : "s", h->fixed ? " left after the fixes" : "");
		if (h->fixed)
			strbuf_printf(out, "%zu fix command%s applied\n", h->fixed, h->fixed == 1 ? "" : "s");
		for (size_t i = 0; i < h->n_result; i++)
			strbuf_printf(out, "%s; fix: %s\n", h->result[i].what,
				      h->result[i].fix[0] ? h->result[i].fix : "by hand");
		return 0;
	}
	mp_json_init(&j, true);
	mp_json_begin_object(&j);
	mp_json_kv_uint(&j, "run", m->check_done);
	mp_json_kv_uint(&j, "fixes_applied", h->fixed);
	mp_json_key(&j, "findings");
	mp_json_begin_array(&j);
	for (size_t i = 0; i < h->n_result; i++) {
		mp_json_begin_object(&j);
		mp_json_kv_string(&j, "finding", h->result[i].what);
		mp_json_key(&j, "fix");
		if (h->result[i].fix[0])
			mp_json_string(&j, h->result[i].fix);
		else
			mp_json_null(&j);
		mp_json_end_object(&j);
	}
	mp_json_end_array(&j);
	mp_json_end_object(&j);
	r = mp_json_finish(&j, &text);
	mp_json_release(&j);
	return r < 0 ? r : strbuf_puts(out, text);
}
