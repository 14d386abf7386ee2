/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtnetlink queries for the host checks: rules, routes and route lookups, answered by the kernel at once. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink.h"
#include "util.h"

#define NL_BUF 32768

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

	return fd < 0 ? -errno : fd;
}

/* Send @req and hand every message of the answer to @fn until NLMSG_DONE or the last reply. */
static int nl_talk(struct nlmsghdr *req, int (*fn)(struct nlmsghdr *h, void *userdata), void *userdata)
{
	_cleanup_close_ int fd = nl_open();
	char *buf;
	bool dump = req->nlmsg_flags & NLM_F_DUMP;
	int r = 0;

	if (fd < 0)
		return fd;
	if (send(fd, req, req->nlmsg_len, 0) < 0)
		return -errno;
	buf = malloc(NL_BUF);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		/* the kernel queued the answer (or its first part) during send() */
		ssize_t n = recv(fd, buf, NL_BUF, MSG_DONTWAIT);

		if (n < 0) {
			r = errno == EAGAIN ? -ETIMEDOUT : -errno;
			break;
		}
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				goto out;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				r = e->error;
				goto out;
			}
			r = fn(h, userdata);
			if (r < 0 || !dump)
				goto out;
		}
	}
out:
	free(buf);
	return r;
}

struct list {
	void *items;
	size_t n, size;
};

static void *list_add(struct list *l)
{
	void *more = realloc(l->items, (l->n + 1) * l->size);

	if (!more)
		return NULL;
	l->items = more;
	return memset((char *)more + l->n++ * l->size, 0, l->size);
}

static int rule_one(struct nlmsghdr *h, void *userdata)
{
	struct fib_rule_hdr *frh = NLMSG_DATA(h);
	int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*frh)));
	struct nl_rule *r;

	if (h->nlmsg_type != RTM_NEWRULE || frh->family != AF_INET)
		return 0;
	r = list_add(userdata);
	if (!r)
		return -ENOMEM;
	r->table = frh->table;
	r->src_len = frh->src_len;
	for (struct rtattr *a = (void *)((char *)frh + NLMSG_ALIGN(sizeof(*frh))); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		if (a->rta_type == FRA_SRC)
			inet_ntop(AF_INET, RTA_DATA(a), r->src, sizeof(r->src));
		else if (a->rta_type == FRA_TABLE)
			r->table = *(uint32_t *)RTA_DATA(a);
		else if (a->rta_type == FRA_PRIORITY)
			r->priority = *(uint32_t *)RTA_DATA(a);
	}
	if (frh->action != FR_ACT_TO_TBL)
		r->table = 0;
	return 0;
}

int nl_rules(struct nl_rule **ret, size_t *ret_n)
{
	struct {
		struct nlmsghdr h;
		struct fib_rule_hdr frh;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETRULE, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.frh = { .family = AF_INET },
	};
	struct list l = { .size = sizeof(struct nl_rule) };
	int r = nl_talk(&req.h, rule_one, &l);

	if (r < 0) {
		free(l.items);
		return r;
	}
	*ret = l.items;
	*ret_n = l.n;
	return 0;
}

static void route_attrs(struct rtmsg *rtm, int len, struct nl_route *r)
{
	for (struct rtattr *a = RTM_RTA(rtm); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_DST)
			inet_ntop(AF_INET, RTA_DATA(a), r->dst, sizeof(r->dst));
		else if (a->rta_type == RTA_TABLE)
			r->table = *(uint32_t *)RTA_DATA(a);
		else if (a->rta_type == RTA_OIF)
			r->oif = *(int *)RTA_DATA(a);
		else if (a->rta_type == RTA_PRIORITY)
			r->metric = *(uint32_t *)RTA_DATA(a);
	}
}

static int route_one(struct nlmsghdr *h, void *userdata)
{
	struct rtmsg *rtm = NLMSG_DATA(h);
	struct nl_route *r;

	if (h->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET || rtm->rtm_type != RTN_UNICAST)
		return 0;
	r = list_add(userdata);
	if (!r)
		return -ENOMEM;
	r->table = rtm->rtm_table;
	r->dst_len = rtm->rtm_dst_len;
	snprintf(r->dst, sizeof(r->dst), "0.0.0.0");
	route_attrs(rtm, (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*rtm))), r);
	return 0;
}

int nl_routes(struct nl_route **ret, size_t *ret_n)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg rtm;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETROUTE, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.rtm = { .rtm_family = AF_INET },
	};
	struct list l = { .size = sizeof(struct nl_route) };
	int r = nl_talk(&req.h, route_one, &l);

	if (r < 0) {
		free(l.items);
		return r;
	}
	*ret = l.items;
	*ret_n = l.n;
	return 0;
}

static int route_get_one(struct nlmsghdr *h, void *userdata)
{
	struct rtmsg *rtm = NLMSG_DATA(h);
	struct nl_route r = { 0 };

	if (h->nlmsg_type != RTM_NEWROUTE)
		return 0;
	route_attrs(rtm, (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*rtm))), &r);
	*(int *)userdata = r.oif;
	return 0;
}

int nl_route_get(const char *dst, int *ret_oif)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg rtm;
		struct rtattr a;
		struct in_addr addr;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETROUTE, .nlmsg_flags = NLM_F_REQUEST },
		.rtm = { .rtm_family = AF_INET, .rtm_dst_len = 32 },
		.a = { .rta_len = RTA_LENGTH(sizeof(struct in_addr)), .rta_type = RTA_DST },
	};
	int oif = 0, r;

	if (inet_pton(AF_INET, dst, &req.addr) != 1)
		return -EINVAL;
	r = nl_talk(&req.h, route_get_one, &oif);
	if (r < 0)
		return r;
	*ret_oif = oif;
	return oif ? 0 : -ENETUNREACH;
}
