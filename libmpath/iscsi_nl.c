/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iSCSI transport netlink events (NETLINK_ISCSI group 1, as iscsid gets them): open the socket, parse. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "iscsi_nl.h"
#include "util.h"

#ifndef NETLINK_ISCSI
#define NETLINK_ISCSI 8
#endif

/*
 * struct iscsi_uevent, the same on every architecture: type at 0, iferror at 4, transport
 * handle at 8, the user->kernel union at 16, and the kernel->user union "r" at 40, 56 bytes
 * in all. Only offsets are used: a netlink payload need not be aligned for a uint64_t.
 */
#define UEV_R_OFFSET 40

#define ISCSI_NL_GROUP 1
#define ISCSI_NL_RCVBUF (1024 * 1024)

#define EV_FIELD(f) offsetof(struct mp_iscsi_event, f)

/*
 * The reported kernel events and, in order, the mp_iscsi_event member each uint32_t of their
 * "r" union goes to. Destroy lists host_no first, unlike create and unbind.
 */
static const struct {
	uint32_t type;
	enum mp_iscsi_event_kind kind;
	unsigned n_fields;
	size_t fields[3];
} kevents[] = {
	{ 102, MP_ISCSI_EV_CONN_ERROR, 3, { EV_FIELD(sid), EV_FIELD(cid), EV_FIELD(error) } },
	{ 104, MP_ISCSI_EV_SESSION_DESTROY, 2, { EV_FIELD(host_no), EV_FIELD(sid) } },
	{ 105, MP_ISCSI_EV_SESSION_UNBIND, 2, { EV_FIELD(sid), EV_FIELD(host_no) } },
	{ 106, MP_ISCSI_EV_SESSION_CREATE, 2, { EV_FIELD(sid), EV_FIELD(host_no) } },
	{ 109, MP_ISCSI_EV_CONN_LOGIN, 3, { EV_FIELD(sid), EV_FIELD(cid), EV_FIELD(state) } },
};

static const char *const conn_state_names[] = {
	"free", "xpt_wait", "in_login", "logged_in", "in_logout", "logout_requested", "cleanup_wait",
};

/* Error codes 1001..1022 in order (ISCSI_ERR_BASE is 1000). */
static const char *const error_names[] = {
	"datasn", "data_offset", "max_cmdsn", "exp_cmdsn", "bad_opcode", "datalen", "ahslen",
	"proto", "lun", "bad_itt", "conn_failed", "r2tsn", "session_failed", "hdr_digest",
	"data_digest", "param_not_found", "no_scsi_cmd", "invalid_host", "xmit_failed",
	"tcp_conn_close", "eh_session_reset", "nop_timedout",
};

const char *mp_iscsi_conn_state_name(unsigned state)
{
	return state < ARRAY_SIZE(conn_state_names) ? conn_state_names[state] : "unknown";
}

const char *mp_iscsi_error_name(unsigned error)
{
	if (error == 0)
		return "ok";
	if (error > 1000 && error - 1001 < ARRAY_SIZE(error_names))
		return error_names[error - 1001];
	return "unknown";
}

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int mp_iscsi_event_parse(const void *payload, size_t len, struct mp_iscsi_event *ret)
{
	const uint8_t *p = payload;
	struct mp_iscsi_event ev = {};
	uint32_t type;

	if (len < sizeof(type))
		return -EBADMSG;
	type = get_u32(p);
	for (size_t i = 0; i < ARRAY_SIZE(kevents); i++) {
		if (kevents[i].type != type)
			continue;
		if (len < UEV_R_OFFSET + 4 * kevents[i].n_fields)
			return -EBADMSG;
		ev.kind = kevents[i].kind;
		for (unsigned f = 0; f < kevents[i].n_fields; f++) {
			uint32_t v = get_u32(p + UEV_R_OFFSET + 4 * f);

			memcpy((uint8_t *)&ev + kevents[i].fields[f], &v, sizeof(v));
		}
		*ret = ev;
		return 1;
	}
	return 0;
}

int mp_iscsi_nl_parse(const void *buf, size_t len,
		      int (*cb)(const struct mp_iscsi_event *ev, void *userdata), void *userdata)
{
	const struct nlmsghdr *nlh = buf;
	/*
	 * Signed and wider than nlmsg_len: NLMSG_NEXT past an unpadded last message makes it
	 * negative, where a size_t would wrap and let NLMSG_OK accept bytes beyond the buffer.
	 */
	long long left;
	int n = 0;

	if ((uintptr_t)buf % NLMSG_ALIGNTO)
		return -EINVAL;
	if (len > INT_MAX)
		return -EBADMSG;
	for (left = (long long)len; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
		struct mp_iscsi_event ev;
		int r;

		/* The kernel sends its events as type 0; control messages carry none. */
		if (nlh->nlmsg_type != 0)
			continue;
		r = mp_iscsi_event_parse(NLMSG_DATA(nlh), nlh->nlmsg_len - NLMSG_HDRLEN, &ev);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		r = cb(&ev, userdata);
		if (r < 0)
			return r;
		n++;
	}
	/* Bytes left that NLMSG_OK refused: a cut-off header or a length past the end. */
	return left > 0 ? -EBADMSG : n;
}

int mp_iscsi_nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1u << (ISCSI_NL_GROUP - 1) };
	int rcvbuf = ISCSI_NL_RCVBUF;
	_cleanup_close_ int fd = -1;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ISCSI);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	/* Best effort: past rmem_max the kernel caps it, and the default still works. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return TAKE_FD(fd);
}
