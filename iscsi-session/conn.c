/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Failing a session fast when its link is known dead. A session whose NIC lost its carrier
 * keeps its TCP connection and its commands in flight until the NOP-out times out (10 s with
 * open-iscsi's defaults), then until recovery_tmo; meanwhile dm-multipath cannot even load
 * a table (a suspend waits for requests in flight). Aborting the connection and zeroing
 * recovery_tmo hands those commands back to dm-multipath at once.
 *
 * The work runs on a thread of its own: the connection's address and ports are read through
 * its socket (iscsi_tcp takes the connection's locks), which can take hundreds of ms on the
 * very link that just died, and the loop must not wait for that.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"
#include "sysfs.h"
#include "util.h"

#define CONN_THREAD_STACK (64 * 1024)

/* What the thread needs, copied: the manager's tables may change meanwhile. */
struct conn_abort {
	unsigned sid;
	char addr[ISESS_ADDR_MAX];	/* the portal, if the live address cannot be read */
	char local[ISESS_ADDR_MAX];
	char nic[ISESS_NIC_MAX];
	int ifindex;
};

static int attr_uint(unsigned sid, const char *name, unsigned *ret)
{
	char rel[96], buf[32];
	int r;

	snprintf(rel, sizeof(rel), "class/iscsi_connection/connection%u:0/%s", sid, name);
	r = mp_sysfs_read_attr(rel, buf, sizeof(buf));
	if (r < 0)
		return r;
	*ret = (unsigned)strtoul(buf, NULL, 10);
	return 0;
}

static int sock_destroy(const char *src, unsigned sport, const char *dst, unsigned dport, int ifindex)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 req;
	} msg = {
		.h = { .nlmsg_len = sizeof(msg), .nlmsg_type = SOCK_DESTROY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK },
		.req = { .sdiag_family = AF_INET, .sdiag_protocol = IPPROTO_TCP, .idiag_states = ~0U },
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[512];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	msg.req.id.idiag_sport = htons((uint16_t)sport);
	msg.req.id.idiag_dport = htons((uint16_t)dport);
	msg.req.id.idiag_if = (uint32_t)ifindex;
	msg.req.id.idiag_cookie[0] = msg.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (inet_pton(AF_INET, src, msg.req.id.idiag_src) != 1 || inet_pton(AF_INET, dst, msg.req.id.idiag_dst) != 1)
		return -EAFNOSUPPORT;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	/* the kernel answers within sendto() */
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < (ssize_t)(sizeof(struct nlmsghdr) + sizeof(struct nlmsgerr)))
		return n < 0 ? -errno : -EIO;
	if (((struct nlmsghdr *)buf)->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)buf))->error;
	return 0;
}

static int fail_fast(const struct conn_abort *c)
{
	char rel[96], dst[ISESS_ADDR_MAX];
	unsigned lport = 0, port = 0;
	int r;

	snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/recovery_tmo", c->sid);
	r = mp_sysfs_write_attr(rel, "0");
	if (r < 0)
		return r;
	/* the address it is connected to now (it differs from the portal after a redirect) */
	mp_sysfs_read_attrf(dst, sizeof(dst), "class/iscsi_connection/connection%u:0/address", c->sid);
	if (!dst[0])
		snprintf(dst, sizeof(dst), "%s", c->addr);
	r = attr_uint(c->sid, "local_port", &lport);
	if (r >= 0)
		r = attr_uint(c->sid, "port", &port);
	if (r < 0)
		return r;
	return sock_destroy(c->local, lport, dst, port, c->ifindex);
}

static void *fail_fast_thread(void *arg)
{
	struct conn_abort *c = arg;
	int r = fail_fast(c);

	if (r < 0)
		log_warn_errno(r, "iscsi: session %u via %s: cannot fail it fast", c->sid, c->nic);
	else
		log_info("iscsi: session %u via %s: connection aborted, its I/O goes to the other paths now",
			 c->sid, c->nic);
	free(c);
	return NULL;
}

int conn_fail_fast(const struct isess_session *s, const char *local_addr, int ifindex)
{
	struct conn_abort *c = calloc(1, sizeof(*c));
	pthread_attr_t attr;
	pthread_t t;
	int r;

	if (!c)
		return -ENOMEM;
	*c = (struct conn_abort) { .sid = s->sid, .ifindex = ifindex };
	snprintf(c->addr, sizeof(c->addr), "%s", s->addr);
	snprintf(c->local, sizeof(c->local), "%s", local_addr);
	snprintf(c->nic, sizeof(c->nic), "%s", s->nic);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, CONN_THREAD_STACK);
	r = -pthread_create(&t, &attr, fail_fast_thread, c);
	pthread_attr_destroy(&attr);
	if (r < 0)
		free(c);
	return r;
}
