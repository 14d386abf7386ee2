/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MTU end to end: a don't-fragment ping of the NIC's (or the configured) MTU and one of
 * 1500 bytes from each NIC to each member portal it serves, on non-blocking raw sockets whose
 * replies arrive on the loop; the verdicts are taken PING_WAIT_USEC later.
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

#include "hostcheck.h"
#include "icmp.h"
#include "log.h"
#include "util.h"

static unsigned nic_mtu_expected(const struct isess *m, const struct mgr_nic *nic)
{
	return m->cfg->mtu ? m->cfg->mtu : nic->info.mtu;
}

void hostcheck_mtu_config(struct hostcheck *h, const struct mgr_nic *nic)
{
	char fix[96];

	if (!h->m->cfg->mtu || !nic->info.mtu || nic->info.mtu == h->m->cfg->mtu)
		return;
	snprintf(fix, sizeof(fix), "ip link set dev %s mtu %u", nic->name, h->m->cfg->mtu);
	hostcheck_finding_add(h, fix, "%s: MTU %u, but the iscsi section expects %u", nic->name, nic->info.mtu, h->m->cfg->mtu);
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

void hostcheck_pings_release(struct hostcheck *h)
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
void hostcheck_pings_start(struct hostcheck *h)
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
void hostcheck_mtu_verdicts(struct hostcheck *h)
{
	for (size_t i = 0; i < h->n_pings; i++) {
		const struct dfping *p = &h->pings[i], *small;
		char fix[96];

		if (p->answered || ping_larger(h, p))
			continue;
		small = p->size > 1500 ? ping_find(h, p->nic, p->addr, 1500) : NULL;
		if (small && small->answered) {
			snprintf(fix, sizeof(fix), "ip link set dev %s mtu 1500", p->nic);
			hostcheck_finding_add(h, h->m->cfg->mtu ? NULL : fix,
				    "%s -> %s: a don't-fragment ping of %u bytes (MTU %u) gets no answer, one of 1500 does: the path does not carry MTU %u (fix the switch or target%s)",
				    p->nic, p->addr, p->size - 28, p->size, p->size,
				    h->m->cfg->mtu ? ", or lower mtu in the iscsi section" : ", or lower the NIC");
		} else {
			hostcheck_finding_add(h, NULL, "%s -> %s: no answer to a don't-fragment ping of %u bytes (MTU %u)", p->nic,
				    p->addr, p->size - 28, p->size);
		}
	}
}
