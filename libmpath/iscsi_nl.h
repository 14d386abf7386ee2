/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iSCSI transport netlink events (NETLINK_ISCSI group 1, as iscsid gets them): open the socket, parse. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The kernel events this module reports; every other event type is ignored. */
enum mp_iscsi_event_kind {
	MP_ISCSI_EV_CONN_ERROR,
	MP_ISCSI_EV_CONN_LOGIN,
	MP_ISCSI_EV_SESSION_CREATE,
	MP_ISCSI_EV_SESSION_UNBIND,
	MP_ISCSI_EV_SESSION_DESTROY,
};

/* iSCSI connection states, as the kernel reports them in a login state event. */
enum mp_iscsi_conn_state {
	MP_ISCSI_CONN_FREE = 0,
	MP_ISCSI_CONN_XPT_WAIT = 1,
	MP_ISCSI_CONN_IN_LOGIN = 2,
	MP_ISCSI_CONN_LOGGED_IN = 3,
	MP_ISCSI_CONN_IN_LOGOUT = 4,
	MP_ISCSI_CONN_LOGOUT_REQUESTED = 5,
	MP_ISCSI_CONN_CLEANUP_WAIT = 6,
};

/**
 * struct mp_iscsi_event - one parsed kernel event.
 * @kind: which event.
 * @sid: the session id (the N of /sys/class/iscsi_session/sessionN); set for every kind.
 * @cid: the connection id; set for CONN_ERROR and CONN_LOGIN.
 * @host_no: the SCSI host; set for SESSION_CREATE, SESSION_UNBIND and SESSION_DESTROY.
 * @state: an enum mp_iscsi_conn_state value; set for CONN_LOGIN.
 * @error: the kernel's iSCSI error code (1001..1022, see mp_iscsi_error_name()); set for CONN_ERROR.
 *
 * Fields a kind does not set are 0.
 */
struct mp_iscsi_event {
	enum mp_iscsi_event_kind kind;
	uint32_t sid;
	uint32_t cid;
	uint32_t host_no;
	uint32_t state;
	uint32_t error;
};

/**
 * mp_iscsi_conn_state_name() - "free", "xpt_wait", "in_login", "logged_in", "in_logout",
 * "logout_requested", "cleanup_wait"; "unknown" for any other value.
 */
const char *mp_iscsi_conn_state_name(unsigned state);

/**
 * mp_iscsi_error_name() - a short name for a kernel iSCSI error code: "conn_failed" (1011),
 * "session_failed" (1013), "xmit_failed" (1019), "tcp_conn_close" (1020), "eh_session_reset" (1021), "nop_timedout" (1022), ...
 *
 * Return: the name; "ok" for 0; "unknown" for codes outside 1001..1022.
 */
const char *mp_iscsi_error_name(unsigned error);

/**
 * mp_iscsi_event_parse() - parse one struct iscsi_uevent (the payload of one netlink message).
 * @payload: the event, in host byte order; any alignment.
 * @len: its length in bytes.
 * @ret: written only when 1 is returned.
 *
 * Reads the event type at offset 0 and, for the reported kinds, the uint32_t fields of the
 * kernel-to-user union at offset 40.
 *
 * Return: 1 for a connection error, connection login state, or session create, unbind or
 * destroy event; 0 for any other type (ignored); -EBADMSG if @len is too short for the type
 * (4 bytes to read it, 48 for session events, 52 for connection events).
 */
int mp_iscsi_event_parse(const void *payload, size_t len, struct mp_iscsi_event *ret);

/**
 * mp_iscsi_nl_parse() - parse every netlink message in a datagram read from mp_iscsi_nl_open().
 * @buf: the datagram; must be 4-byte aligned (NLMSG_ALIGNTO), as any recv() buffer of
 *	uint32_t or larger elements is.
 * @len: bytes received.
 * @cb: called once per reported event, in order; returning < 0 stops the walk.
 * @userdata: passed to @cb.
 *
 * Messages of type 0 carry an event; NLMSG_NOOP, NLMSG_DONE, NLMSG_ERROR and other types are
 * skipped. On an error, the events already passed to @cb stay delivered.
 *
 * Return: the number of events passed to @cb; -EBADMSG at the first truncated or malformed
 * message; the value @cb returned if < 0; -EINVAL if @buf is not 4-byte aligned.
 */
int mp_iscsi_nl_parse(const void *buf, size_t len,
		      int (*cb)(const struct mp_iscsi_event *ev, void *userdata), void *userdata);

/**
 * mp_iscsi_nl_open() - open a non-blocking, close-on-exec NETLINK_ISCSI socket bound to
 * multicast group 1, where the iSCSI transport class sends its events.
 *
 * The socket only receives: nothing is ever sent to the kernel, so it cannot disturb iscsid.
 * Binding to the group needs CAP_NET_ADMIN. The receive buffer is raised to 1 MiB when
 * allowed, so a burst of events on many sessions is not dropped (ENOBUFS on recv() if it is).
 * On some kernels creating the socket loads scsi_transport_iscsi through module autoload, so
 * open it only once iSCSI is in use (an iSCSI session or iscsid exists).
 *
 * Return: the socket, or -errno (-EPROTONOSUPPORT without iSCSI transport support,
 * -EPERM without CAP_NET_ADMIN).
 */
int mp_iscsi_nl_open(void);
