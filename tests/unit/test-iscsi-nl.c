/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for iSCSI transport netlink event parsing, on datagrams built byte by byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <linux/netlink.h>

#include "iscsi_nl.h"

#define UEV_SIZE 56
#define MSG_SIZE NLMSG_LENGTH(UEV_SIZE)

/* A receive buffer, aligned as recv() into a uint32_t array would be. */
struct datagram {
	_Alignas(uint64_t) uint8_t buf[4 * MSG_SIZE];
	size_t len;
};

static void put_u32(uint8_t *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

/*
 * Append one netlink message of @nlmsg_type carrying a zeroed 56-byte iscsi_uevent of @type
 * whose "r" union (offset 40) starts with @r0, @r1, @r2.
 */
static uint8_t *dgram_add(struct datagram *d, uint16_t nlmsg_type, uint32_t type,
			  uint32_t r0, uint32_t r1, uint32_t r2)
{
	uint8_t *msg = d->buf + d->len;
	uint8_t *uev = msg + NLMSG_HDRLEN;

	assert_true(d->len + MSG_SIZE <= sizeof(d->buf));
	memset(msg, 0, MSG_SIZE);
	put_u32(msg, offsetof(struct nlmsghdr, nlmsg_len), MSG_SIZE);
	memcpy(msg + offsetof(struct nlmsghdr, nlmsg_type), &nlmsg_type, sizeof(nlmsg_type));
	put_u32(uev, 0, type);
	/* iferror and transport_handle, which the parser must not take for the union */
	put_u32(uev, 4, 0xdeadbeef);
	put_u32(uev, 8, 0x11111111);
	put_u32(uev, 40, r0);
	put_u32(uev, 44, r1);
	put_u32(uev, 48, r2);
	put_u32(uev, 52, 0xcafef00d);
	d->len += NLMSG_ALIGN(MSG_SIZE);
	return msg;
}

struct recorder {
	struct mp_iscsi_event ev[4];
	int n;
	int fail_at; /* return -EINTR for this call (1-based); 0 never */
};

static int record(const struct mp_iscsi_event *ev, void *userdata)
{
	struct recorder *rec = userdata;

	assert_true(rec->n < 4);
	rec->ev[rec->n++] = *ev;
	return rec->n == rec->fail_at ? -EINTR : 0;
}

static int parse_one(uint32_t type, uint32_t r0, uint32_t r1, uint32_t r2, struct mp_iscsi_event *ret)
{
	struct datagram d = {};

	dgram_add(&d, 0, type, r0, r1, r2);
	return mp_iscsi_event_parse(d.buf + NLMSG_HDRLEN, UEV_SIZE, ret);
}

static void test_conn_error(void **state)
{
	struct mp_iscsi_event ev;

	assert_int_equal(parse_one(102, 7, 0, 1020, &ev), 1);
	assert_int_equal(ev.kind, MP_ISCSI_EV_CONN_ERROR);
	assert_int_equal(ev.sid, 7);
	assert_int_equal(ev.cid, 0);
	assert_int_equal(ev.error, 1020);
	assert_int_equal(ev.host_no, 0);
	assert_int_equal(ev.state, 0);
	assert_string_equal(mp_iscsi_error_name(ev.error), "tcp_conn_close");
}

static void test_login_state(void **state)
{
	struct mp_iscsi_event ev;

	assert_int_equal(parse_one(109, 3, 2, MP_ISCSI_CONN_LOGGED_IN, &ev), 1);
	assert_int_equal(ev.kind, MP_ISCSI_EV_CONN_LOGIN);
	assert_int_equal(ev.sid, 3);
	assert_int_equal(ev.cid, 2);
	assert_int_equal(ev.state, MP_ISCSI_CONN_LOGGED_IN);
	assert_int_equal(ev.error, 0);
	assert_string_equal(mp_iscsi_conn_state_name(ev.state), "logged_in");
}

/* Create and unbind send sid, host_no; destroy sends host_no, sid. */
static void test_sessions(void **state)
{
	struct mp_iscsi_event ev;

	assert_int_equal(parse_one(106, 5, 9, 0, &ev), 1);
	assert_int_equal(ev.kind, MP_ISCSI_EV_SESSION_CREATE);
	assert_int_equal(ev.sid, 5);
	assert_int_equal(ev.host_no, 9);
	assert_int_equal(ev.cid, 0);

	assert_int_equal(parse_one(105, 5, 9, 0, &ev), 1);
	assert_int_equal(ev.kind, MP_ISCSI_EV_SESSION_UNBIND);
	assert_int_equal(ev.sid, 5);
	assert_int_equal(ev.host_no, 9);

	assert_int_equal(parse_one(104, 9, 5, 0, &ev), 1);
	assert_int_equal(ev.kind, MP_ISCSI_EV_SESSION_DESTROY);
	assert_int_equal(ev.sid, 5);
	assert_int_equal(ev.host_no, 9);
}

static void test_ignored(void **state)
{
	struct mp_iscsi_event ev = { .sid = 42 };
	struct recorder rec = {};
	struct datagram d = {};

	/* RECV_PDU, IF_ERROR, PATH_REQ, HOST_EVENT and a user->kernel type */
	assert_int_equal(parse_one(101, 1, 2, 3, &ev), 0);
	assert_int_equal(parse_one(103, 1, 2, 3, &ev), 0);
	assert_int_equal(parse_one(107, 1, 2, 3, &ev), 0);
	assert_int_equal(parse_one(110, 1, 2, 3, &ev), 0);
	assert_int_equal(parse_one(12, 1, 2, 3, &ev), 0);
	assert_int_equal(ev.sid, 42);

	dgram_add(&d, 0, 101, 1, 2, 3);
	assert_int_equal(mp_iscsi_nl_parse(d.buf, d.len, record, &rec), 0);
	assert_int_equal(rec.n, 0);
}

static void test_datagram(void **state)
{
	struct recorder rec = {};
	struct datagram d = {};

	dgram_add(&d, 0, 102, 7, 0, 1011);
	dgram_add(&d, 0, 101, 1, 2, 3);
	dgram_add(&d, 0, 109, 7, 0, MP_ISCSI_CONN_IN_LOGIN);
	dgram_add(&d, 0, 104, 4, 7, 0);
	assert_int_equal(mp_iscsi_nl_parse(d.buf, d.len, record, &rec), 3);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.ev[0].kind, MP_ISCSI_EV_CONN_ERROR);
	assert_int_equal(rec.ev[0].error, 1011);
	assert_int_equal(rec.ev[1].kind, MP_ISCSI_EV_CONN_LOGIN);
	assert_int_equal(rec.ev[1].state, MP_ISCSI_CONN_IN_LOGIN);
	assert_int_equal(rec.ev[2].kind, MP_ISCSI_EV_SESSION_DESTROY);
	assert_int_equal(rec.ev[2].sid, 7);
	assert_int_equal(rec.ev[2].host_no, 4);
}

/* Control messages and types other than 0 carry no event. */
static void test_control_messages(void **state)
{
	struct recorder rec = {};
	struct datagram d = {};

	dgram_add(&d, NLMSG_NOOP, 102, 1, 0, 1011);
	dgram_add(&d, NLMSG_ERROR, 102, 1, 0, 1011);
	dgram_add(&d, 0, 106, 1, 2, 0);
	dgram_add(&d, NLMSG_DONE, 102, 1, 0, 1011);
	assert_int_equal(mp_iscsi_nl_parse(d.buf, d.len, record, &rec), 1);
	assert_int_equal(rec.ev[0].kind, MP_ISCSI_EV_SESSION_CREATE);
	assert_int_equal(mp_iscsi_nl_parse(d.buf, 0, record, &rec), 0);
}

static void test_truncated_payload(void **state)
{
	struct mp_iscsi_event ev = { .sid = 42 };
	struct recorder rec = {};
	struct datagram d = {};
	uint8_t *msg;

	dgram_add(&d, 0, 102, 7, 0, 1020);
	assert_int_equal(mp_iscsi_event_parse(d.buf + NLMSG_HDRLEN, 44, &ev), -EBADMSG);
	assert_int_equal(mp_iscsi_event_parse(d.buf + NLMSG_HDRLEN, 51, &ev), -EBADMSG);
	assert_int_equal(mp_iscsi_event_parse(d.buf + NLMSG_HDRLEN, 52, &ev), 1);
	ev.sid = 42;
	assert_int_equal(mp_iscsi_event_parse(d.buf + NLMSG_HDRLEN, 3, &ev), -EBADMSG);
	assert_int_equal(ev.sid, 42);

	/* session events need 48 bytes, ignored types only the 4-byte type */
	dgram_add(&d, 0, 104, 1, 2, 0);
	assert_int_equal(mp_iscsi_event_parse(d.buf + MSG_SIZE + NLMSG_HDRLEN, 47, &ev), -EBADMSG);
	assert_int_equal(mp_iscsi_event_parse(d.buf + MSG_SIZE + NLMSG_HDRLEN, 48, &ev), 1);
	dgram_add(&d, 0, 101, 1, 2, 0);
	assert_int_equal(mp_iscsi_event_parse(d.buf + 2 * MSG_SIZE + NLMSG_HDRLEN, 4, &ev), 0);
	assert_int_equal(mp_iscsi_event_parse(d.buf + 2 * MSG_SIZE + NLMSG_HDRLEN, 3, &ev), -EBADMSG);

	/* the same cut inside a datagram: the first event is delivered, then the error */
	d.len = 0;
	dgram_add(&d, 0, 106, 1, 2, 0);
	msg = dgram_add(&d, 0, 102, 7, 0, 1020);
	put_u32(msg, 0, NLMSG_LENGTH(44));
	d.len = MSG_SIZE + NLMSG_ALIGN(NLMSG_LENGTH(44));
	assert_int_equal(mp_iscsi_nl_parse(d.buf, d.len, record, &rec), -EBADMSG);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.ev[0].kind, MP_ISCSI_EV_SESSION_CREATE);
}

static void test_bad_nlmsg_len(void **state)
{
	struct recorder rec = {};
	struct datagram d = {};
	uint8_t *msg;

	dgram_add(&d, 0, 106, 1, 2, 0);
	msg = dgram_add(&d, 0, 102, 7, 0, 1020);
	put_u32(msg, 0, MSG_SIZE + 4);
	assert_int_equal(mp_iscsi_nl_parse(d.buf, d.len, record, &rec), -EBADMSG);
	assert_int_equal(rec.n, 1);

	/* shorter than a header */
	rec.n = 0;
	put_u32(msg, 0, NLMSG_HDRLEN - 1);
	assert_int_equal(mp_iscsi_nl_parse(d.buf, d.len, record, &rec), -EBADMSG);
	assert_int_equal(rec.n, 1);

	/* a header cut off after a complete message */
	rec.n = 0;
	assert_int_equal(mp_iscsi_nl_parse(d.buf, MSG_SIZE + 8, record, &rec), -EBADMSG);
	assert_int_equal(rec.n, 1);

	/* the buffer ends inside the first message */
	rec.n = 0;
	assert_int_equal(mp_iscsi_nl_parse(d.buf, MSG_SIZE - 1, record, &rec), -EBADMSG);
	assert_int_equal(rec.n, 0);

	/* an unpadded last message is complete: NLMSG_NEXT steps past the end, not into it */
	rec.n = 0;
	put_u32(msg, 0, NLMSG_LENGTH(53));
	assert_int_equal(mp_iscsi_nl_parse(d.buf, MSG_SIZE + NLMSG_LENGTH(53), record, &rec), 2);
	assert_int_equal(rec.ev[1].error, 1020);

	/* not 4-byte aligned */
	assert_int_equal(mp_iscsi_nl_parse(d.buf + 1, d.len - 1, record, &rec), -EINVAL);
}

static void test_cb_stops(void **state)
{
	struct recorder rec = { .fail_at = 2 };
	struct datagram d = {};

	dgram_add(&d, 0, 106, 1, 2, 0);
	dgram_add(&d, 0, 109, 1, 0, MP_ISCSI_CONN_LOGGED_IN);
	dgram_add(&d, 0, 102, 1, 0, 1011);
	assert_int_equal(mp_iscsi_nl_parse(d.buf, d.len, record, &rec), -EINTR);
	assert_int_equal(rec.n, 2);
}

static void test_names(void **state)
{
	assert_string_equal(mp_iscsi_conn_state_name(MP_ISCSI_CONN_FREE), "free");
	assert_string_equal(mp_iscsi_conn_state_name(MP_ISCSI_CONN_LOGOUT_REQUESTED), "logout_requested");
	assert_string_equal(mp_iscsi_conn_state_name(MP_ISCSI_CONN_CLEANUP_WAIT), "cleanup_wait");
	assert_string_equal(mp_iscsi_conn_state_name(7), "unknown");
	assert_string_equal(mp_iscsi_conn_state_name(~0u), "unknown");

	assert_string_equal(mp_iscsi_error_name(0), "ok");
	assert_string_equal(mp_iscsi_error_name(1001), "datasn");
	assert_string_equal(mp_iscsi_error_name(1011), "conn_failed");
	assert_string_equal(mp_iscsi_error_name(1013), "session_failed");
	assert_string_equal(mp_iscsi_error_name(1019), "xmit_failed");
	assert_string_equal(mp_iscsi_error_name(1021), "eh_session_reset");
	assert_string_equal(mp_iscsi_error_name(1000), "unknown");
	assert_string_equal(mp_iscsi_error_name(1022), "nop_timedout");
	assert_string_equal(mp_iscsi_error_name(1023), "unknown");
	assert_string_equal(mp_iscsi_error_name(1), "unknown");
	assert_string_equal(mp_iscsi_error_name(~0u), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conn_error),
		cmocka_unit_test(test_login_state),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_datagram),
		cmocka_unit_test(test_control_messages),
		cmocka_unit_test(test_truncated_payload),
		cmocka_unit_test(test_bad_nlmsg_len),
		cmocka_unit_test(test_cb_stops),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
