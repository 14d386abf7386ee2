/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ICMP probes on the loop. Each iSCSI NIC has a raw ICMP socket bound to it (SO_BINDTODEVICE)
 * and pings every member portal its sessions use, every probe_interval; ISESS_PROBE_LOSS
 * replies lost in a row fail that NIC's paths to that portal at once, long before the
 * session's NOP-out would notice a link that drops packets without losing its carrier. The
 * heartbeat port pings the group and every member the same way, so `show members` can tell
 * a dead member (nobody reaches it) from dead paths (the heartbeat still does). A probe
 * never reinstates a path: a reply only asks for the paths to be tested again, and for the
 * sessions that did not survive to be logged in anew.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <linux/icmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arp.h"
#include "icmp.h"
#include "log.h"
#include "manager.h"
#include "util.h"

enum target_state { TARGET_UNKNOWN, TARGET_OK, TARGET_LOST };

/* One address pinged from one socket. */
struct target {
	char addr[ISESS_ADDR_MAX];
	unsigned port;			/* for the portal string of fail_paths() */
	struct sockaddr_in sa;
	uint16_t seq;			/* of the last echo sent */
	bool answered;			/* the last echo got its reply */
	unsigned lost;			/* echoes in a row without reply */
	enum target_state state;
	uint64_t rtt_usec;
	bool keep;			/* still wanted after an update */
};

/* One socket: an iSCSI NIC's or the heartbeat's. */
struct psock {
	char nic[ISESS_NIC_MAX];
	bool heartbeat;
	int fd;
	sd_event_source *io;
	struct target *targets;
	size_t n_targets;
	bool keep;
};

struct probes {
	struct isess *m;
	struct psock *socks;
	size_t n_socks;
	sd_event_source *timer;
	uint16_t ident;
	uint16_t seq;
};

/* The echo payload carries the send time, so a reply gives its round trip on its own. */
struct echo_payload {
	uint64_t sent_usec;
	char pad[24];
};

static struct psock *psock_find(struct probes *p, const char *nic, bool heartbeat)
{
	for (size_t i = 0; i < p->n_socks; i++)
		if (p->socks[i].heartbeat == heartbeat && streq(p->socks[i].nic, nic))
			return &p->socks[i];
	return NULL;
}

static const struct psock *psock_find_const(const struct probes *p, const char *nic, bool heartbeat)
{
	return psock_find((struct probes *)p, nic, heartbeat);
}

static struct target *target_find(struct psock *s, const char *addr)
{
	for (size_t i = 0; i < s->n_targets; i++)
		if (streq(s->targets[i].addr, addr))
			return &s->targets[i];
	return NULL;
}

/* ---- state changes ---- */

static void portal_text(const struct target *t, char *buf, size_t size)
{
	snprintf(buf, size, "%s:%u", t->addr, t->port ? t->port : 3260);
}

static void target_lost(struct probes *p, struct psock *s, struct target *t)
{
	struct isess *m = p->m;
	char portal[ISESS_ADDR_MAX + 16], reason[96];
	int n = 0;

	t->state = TARGET_LOST;
	if (s->heartbeat) {
		mgr_change(m, "heartbeat %s: %s stopped answering", s->nic, t->addr);
		return;
	}
	portal_text(t, portal, sizeof(portal));
	snprintf(reason, sizeof(reason), "%u ICMP probes in a row unanswered", t->lost);
	if (m->ops->fail_paths)
		n = m->ops->fail_paths(m->host, s->nic, portal, reason);
	mgr_change(m, "%s lost %s (%u probes unanswered; heartbeat: %s): %d path%s failed", s->nic, t->addr,
		   t->lost, probes_heartbeat_state(m, t->addr), n, n == 1 ? "" : "s");
}

static void target_back(struct probes *p, struct psock *s, struct target *t)
{
	struct isess *m = p->m;
	char portal[ISESS_ADDR_MAX + 16];

	t->state = TARGET_OK;
	if (s->heartbeat) {
		mgr_change(m, "heartbeat %s: %s answers again", s->nic, t->addr);
		return;
	}
	mgr_change(m, "%s reaches %s again", s->nic, t->addr);
	portal_text(t, portal, sizeof(portal));
	if (m->ops->recheck_paths)
		m->ops->recheck_paths(m->host, s->nic, portal);
	/* sessions that failed meanwhile come back through a new login; the others get a grace */
	apply_relogin(m, s->nic, portal, true, 0);
	mgr_relogin_after_grace(m, s->nic);
}

/* ---- receiving ---- */

static void echo_reply(struct probes *p, struct psock *s, const struct sockaddr_in *from, const uint8_t *buf,
		       size_t len)
{
	const struct iphdr *ip = (const void *)buf;
	const struct icmphdr *icmp;
	struct echo_payload pl;
	struct target *t;
	char addr[INET_ADDRSTRLEN];
	size_t hl;

	if (len < sizeof(*ip) || (hl = (size_t)ip->ihl * 4) + sizeof(*icmp) + sizeof(pl) > len)
		return;
	icmp = (const void *)(buf + hl);
	if (icmp->type != ICMP_ECHOREPLY || ntohs(icmp->un.echo.id) != p->ident)
		return;
	inet_ntop(AF_INET, &from->sin_addr, addr, sizeof(addr));
	t = target_find(s, addr);
	if (!t || ntohs(icmp->un.echo.sequence) != t->seq)
		return;		/* a late answer to an older echo: it was counted lost */
	memcpy(&pl, buf + hl + sizeof(*icmp), sizeof(pl));
	t->answered = true;
	t->lost = 0;
	t->rtt_usec = isess_now() - pl.sent_usec;
	if (t->state == TARGET_LOST)
		target_back(p, s, t);
	else if (t->state == TARGET_UNKNOWN) {
		t->state = TARGET_OK;
		mgr_publish_later(p->m);
	}
}

static int on_readable(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct probes *p = userdata;
	uint8_t buf[2048];

	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
		struct psock *s = NULL;

		if (n <= 0)
			break;
		for (size_t i = 0; i < p->n_socks; i++)
			if (p->socks[i].fd == fd)
				s = &p->socks[i];
		if (s)
			echo_reply(p, s, &from, buf, (size_t)n);
	}
	return 0;
}

/* ---- sending ---- */

static void echo_send(struct probes *p, struct psock *s, struct target *t)
{
	struct {
		struct icmphdr h;
		struct echo_payload pl;
	} pkt = { 0 };

	t->seq = ++p->seq;
	t->answered = false;
	pkt.h.type = ICMP_ECHO;
	pkt.h.un.echo.id = htons(p->ident);
	pkt.h.un.echo.sequence = htons(t->seq);
	pkt.pl.sent_usec = isess_now();
	pkt.h.checksum = icmp_checksum(&pkt, sizeof(pkt));
	if (sendto(s->fd, &pkt, sizeof(pkt), MSG_DONTWAIT, (const struct sockaddr *)&t->sa, sizeof(t->sa)) < 0)
		log_debug("iscsi: probe %s -> %s: %s", s->nic, t->addr, strerror(errno));
}

static bool nic_has_carrier(const struct isess *m, const struct psock *s)
{
	const struct nic_info *info = nics_find(m->all_nics, m->n_all_nics, s->nic);
	const struct mgr_nic *nic = mgr_nic_find((struct isess *)m, s->nic);

	if (nic)
		return nic->info.carrier;
	return info && info->carrier;
}

/* One interval: count the echoes that got no reply, then send the next ones. */
static int on_tick(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct probes *p = userdata;
	struct isess *m = p->m;

	for (size_t i = 0; i < p->n_socks; i++) {
		struct psock *s = &p->socks[i];
		bool carrier = nic_has_carrier(m, s);

		for (size_t k = 0; k < s->n_targets; k++) {
			struct target *t = &s->targets[k];

			if (!carrier) {
				/* the daemon fails these paths on the carrier loss itself */
				t->lost = 0;
				continue;
			}
			if (t->seq && !t->answered && ++t->lost >= ISESS_PROBE_LOSS && t->state != TARGET_LOST)
				target_lost(p, s, t);
			echo_send(p, s, t);
		}
	}
	sd_event_source_set_time(src, usec + m->cfg->probe_interval_ms * 1000ULL);
	return 0;
}

void probes_send_now(struct isess *m, const char *nic)
{
	struct probes *p = m->probes;
	struct psock *s = p ? psock_find(p, nic, false) : NULL;
	const struct mgr_nic *n = mgr_nic_find(m, nic);
	const struct nic_addr *src = n ? nic_first_ipv4(&n->info) : NULL;

	for (size_t k = 0; s && k < s->n_targets; k++) {
		struct target *t = &s->targets[k];
		int r = src ? arp_request_send(nic, n->info.ifindex, src->text, t->addr) : -EADDRNOTAVAIL;

		if (r < 0)
			log_debug("iscsi: ARP request %s -> %s: %s", nic, t->addr, strerror(-r));
		echo_send(p, s, t);
	}
}

/* ---- sockets and targets ---- */

static int psock_open(struct probes *p, struct psock *s)
{
	int fd = icmp_socket_open(s->nic, false);
	int r;

	if (fd < 0)
		return fd;
	r = sd_event_add_io(p->m->event, &s->io, fd, EPOLLIN, on_readable, p);
	if (r < 0) {
		close(fd);
		return r;
	}
	s->fd = fd;
	return 0;
}

static void psock_close(struct psock *s)
{
	s->io = sd_event_source_disable_unref(s->io);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->targets);
	s->targets = NULL;
	s->n_targets = 0;
}

static struct psock *psock_want(struct probes *p, const char *nic, bool heartbeat)
{
	struct psock *s = psock_find(p, nic, heartbeat), *more;
	int r;

	if (s) {
		s->keep = true;
		return s;
	}
	more = realloc(p->socks, (p->n_socks + 1) * sizeof(*more));
	if (!more)
		return NULL;
	p->socks = more;
	s = &p->socks[p->n_socks];
	*s = (struct psock) { .heartbeat = heartbeat, .fd = -1, .keep = true };
	snprintf(s->nic, sizeof(s->nic), "%s", nic);
	r = psock_open(p, s);
	if (r < 0) {
		log_warn_errno(r, "iscsi: cannot open an ICMP socket on %s; no probes there", nic);
		return NULL;
	}
	p->n_socks++;
	return s;
}

/* Ping @addr from @s; IPv6 portals are not probed yet. */
static void target_want(struct psock *s, const char *addr, unsigned port)
{
	struct target *t = target_find(s, addr), *more;
	struct sockaddr_in sa = { .sin_family = AF_INET };

	if (t) {
		t->keep = true;
		return;
	}
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return;
	more = realloc(s->targets, (s->n_targets + 1) * sizeof(*more));
	if (!more)
		return;
	s->targets = more;
	t = &s->targets[s->n_targets++];
	*t = (struct target) { .port = port, .sa = sa, .keep = true };
	snprintf(t->addr, sizeof(t->addr), "%s", addr);
}

static void targets_sweep(struct psock *s)
{
	size_t kept = 0;

	for (size_t i = 0; i < s->n_targets; i++) {
		if (!s->targets[i].keep)
			continue;
		s->targets[i].keep = false;
		s->targets[kept++] = s->targets[i];
	}
	s->n_targets = kept;
}

static void socks_sweep(struct probes *p)
{
	size_t kept = 0;

	for (size_t i = 0; i < p->n_socks; i++) {
		if (!p->socks[i].keep) {
			psock_close(&p->socks[i]);
			continue;
		}
		p->socks[i].keep = false;
		targets_sweep(&p->socks[i]);
		p->socks[kept++] = p->socks[i];
	}
	p->n_socks = kept;
}

void probes_update(struct isess *m)
{
	struct probes *p = m->probes;

	if (!p)
		return;
	/* each NIC pings the portals its sessions use, planned or existing */
	for (size_t i = 0; i < m->n_nics; i++) {
		struct psock *s;

		if (!m->nics[i].usable || !(s = psock_want(p, m->nics[i].name, false)))
			continue;
		for (size_t k = 0; k < m->plan.n_sessions; k++)
			if (streq(m->plan.sessions[k].nic, s->nic))
				target_want(s, m->plan.sessions[k].addr, m->plan.sessions[k].port);
		for (size_t k = 0; k < m->n_sessions; k++)
			if (streq(m->sessions[k].nic, s->nic))
				target_want(s, m->sessions[k].addr, m->sessions[k].port);
	}
	/* the heartbeat pings the group and every member */
	if (m->cfg->heartbeat && nics_find(m->all_nics, m->n_all_nics, m->cfg->heartbeat)) {
		struct psock *s = psock_want(p, m->cfg->heartbeat, true);

		for (size_t k = 0; s && k < m->cfg->n_discovery; k++)
			target_want(s, m->cfg->discovery[k].addr, m->cfg->discovery[k].port);
		for (size_t k = 0; s && k < m->group.n_records; k++)
			target_want(s, m->group.records[k].addr, m->group.records[k].port);
	}
	socks_sweep(p);
}

int probes_new(struct isess *m, struct probes **ret)
{
	struct probes *p = calloc(1, sizeof(*p));
	int r;

	if (!p)
		return -ENOMEM;
	p->m = m;
	p->ident = (uint16_t)(getpid() ^ 0x4d50);
	r = sd_event_add_time_relative(m->event, &p->timer, CLOCK_MONOTONIC, m->cfg->probe_interval_ms * 1000ULL,
				       1000, on_tick, p);
	if (r >= 0)
		r = sd_event_source_set_enabled(p->timer, SD_EVENT_ON);
	if (r < 0) {
		probes_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

struct probes *probes_free(struct probes *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->n_socks; i++)
		psock_close(&p->socks[i]);
	free(p->socks);
	sd_event_source_disable_unref(p->timer);
	free(p);
	return NULL;
}

static const char *state_name(const struct psock *s, const struct target *t, const struct isess *m)
{
	if (!nic_has_carrier(m, s))
		return "no-carrier";
	switch (t->state) {
	case TARGET_OK: return "ok";
	case TARGET_LOST: return "lost";
	default: return "waiting";
	}
}

const char *probes_state(const struct isess *m, const char *nic, const char *addr)
{
	const struct psock *s = m->probes ? psock_find_const(m->probes, nic, false) : NULL;
	const struct target *t = s ? target_find((struct psock *)s, addr) : NULL;

	return t ? state_name(s, t, m) : "-";
}

const char *probes_heartbeat_state(const struct isess *m, const char *addr)
{
	const struct psock *s = m->probes && m->cfg->heartbeat ? psock_find_const(m->probes, m->cfg->heartbeat, true) : NULL;
	const struct target *t = s ? target_find((struct psock *)s, addr) : NULL;

	return t ? state_name(s, t, m) : "-";
}

uint64_t probes_rtt(const struct isess *m, const char *nic, const char *addr)
{
	const struct psock *s = m->probes ? psock_find_const(m->probes, nic, false) : NULL;
	const struct target *t = s ? target_find((struct psock *)s, addr) : NULL;

	return t && t->state == TARGET_OK ? t->rtt_usec : 0;
}
