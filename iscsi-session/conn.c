/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Failing a session fast when its link is known dead. A session whose NIC lost its carrier
 * keeps its TCP connection and its commands in flight until the NOP-out times out (10 s with
 * open-iscsi's defaults), then until recovery_tmo; meanwhile dm-multipath cannot even load
 * a table (a suspend waits for requests in flight). Aborting the connection and zeroing
 * recovery_tmo hands those commands back to dm-multipath at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "sysfs.h"
#include "util.h"

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

int conn_fail_fast(const struct isess_session *s, const char *local_addr, int ifindex)
{
	char rel[96];
	unsigned lport = 0, port = 0;
	int r;

	snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/recovery_tmo", s->sid);
	r = mp_sysfs_write_attr(rel, "0");
	if (r < 0)
		return r;
	r = attr_uint(s->sid, "local_port", &lport);
	if (r >= 0)
		r = attr_uint(s->sid, "port", &port);
	if (r < 0)
		return r;
	return sock_destroy(local_addr, lport, s->conn_addr[0] ? s->conn_addr : s->addr, port, ifindex);
}
