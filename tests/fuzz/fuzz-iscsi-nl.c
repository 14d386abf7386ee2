/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target for iSCSI transport netlink datagrams, checked against the kernel's message layout. */
#include <errno.h>
#include <linux/netlink.h>

#include "fuzz.h"
#include "iscsi_nl.h"

/*
 * Input: one datagram as recv() returns it. The parser's walk and events are compared with a
 * walk written here from the netlink rules and include/scsi/iscsi_if.h (struct iscsi_uevent:
 * type at 0, the kernel-to-user union at 40).
 */

#define UEV_R 40
#define MAX_EVENTS 1024

/* Which mp_iscsi_event member each uint32_t of the kernel's union goes to. */
enum field { F_SID, F_CID, F_HOST, F_STATE, F_ERROR, F_NONE };

static const struct {
	uint32_t type;
	enum mp_iscsi_event_kind kind;
	enum field fields[3];
} spec[] = {
	{ 102, MP_ISCSI_EV_CONN_ERROR, { F_SID, F_CID, F_ERROR } },	/* r.connerror */
	{ 104, MP_ISCSI_EV_SESSION_DESTROY, { F_HOST, F_SID, F_NONE } },	/* r.d_session */
	{ 105, MP_ISCSI_EV_SESSION_UNBIND, { F_SID, F_HOST, F_NONE } },	/* r.unbind_session */
	{ 106, MP_ISCSI_EV_SESSION_CREATE, { F_SID, F_HOST, F_NONE } },	/* r.c_session_ret */
	{ 109, MP_ISCSI_EV_CONN_LOGIN, { F_SID, F_CID, F_STATE } },	/* r.conn_login */
};

struct recorder {
	struct mp_iscsi_event ev[MAX_EVENTS];
	int n;
	int stop_at;	/* return -EINTR on this call (1-based); 0 never */
};

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t get_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int record(const struct mp_iscsi_event *ev, void *userdata)
{
	struct recorder *rec = userdata;

	fuzz_assert(rec->n < MAX_EVENTS);
	rec->ev[rec->n++] = *ev;
	return rec->n == rec->stop_at ? -EINTR : 0;
}

/* The event the spec gives for @payload: 1 and *@ev, 0 for an ignored type, -EBADMSG if cut short. */
static int spec_event(const uint8_t *payload, size_t len, struct mp_iscsi_event *ev)
{
	uint32_t type;

	if (len < 4)
		return -EBADMSG;
	type = get_u32(payload);
	for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		size_t need = UEV_R + 4 * (spec[i].fields[2] == F_NONE ? 2 : 3);

		if (spec[i].type != type)
			continue;
		if (len < need)
			return -EBADMSG;
		memset(ev, 0, sizeof(*ev));
		ev->kind = spec[i].kind;
		for (int f = 0; f < 3 && spec[i].fields[f] != F_NONE; f++) {
			uint32_t v = get_u32(payload + UEV_R + 4 * f);
			uint32_t *dst[] = { &ev->sid, &ev->cid, &ev->host_no, &ev->state, &ev->error };

			*dst[spec[i].fields[f]] = v;
		}
		return 1;
	}
	return 0;
}

/* Walk @buf by the netlink rules: messages of at least a header, each padded to 4 bytes. */
static int spec_walk(const uint8_t *buf, size_t len, struct recorder *rec)
{
	size_t off = 0;

	while (len - off >= NLMSG_HDRLEN) {
		uint32_t mlen = get_u32(buf + off);
		struct mp_iscsi_event ev;
		int r;

		if (mlen < NLMSG_HDRLEN || mlen > len - off)
			return -EBADMSG;
		if (get_u16(buf + off + 4) == 0) {
			r = spec_event(buf + off + NLMSG_HDRLEN, mlen - NLMSG_HDRLEN, &ev);
			if (r < 0)
				return r;
			if (r == 1 && (r = record(&ev, rec)) < 0)
				return r;
		}
		/* The last message need not be padded. */
		if (NLMSG_ALIGN(mlen) >= len - off)
			return rec->n;
		off += NLMSG_ALIGN(mlen);
	}
	return off == len ? rec->n : -EBADMSG;
}

static void check_events(const struct recorder *got, const struct recorder *want)
{
	fuzz_assert(got->n == want->n);
	for (int i = 0; i < got->n; i++) {
		fuzz_assert(memcmp(&got->ev[i], &want->ev[i], sizeof(got->ev[i])) == 0);
		fuzz_assert(*mp_iscsi_conn_state_name(got->ev[i].state));
		fuzz_assert(*mp_iscsi_error_name(got->ev[i].error));
	}
}

/* The whole datagram, and again with the callback stopping the walk at its @stop_at-th event. */
static void fuzz_datagram(const uint8_t *buf, size_t len, int stop_at)
{
	static struct recorder got, want;
	int r, expect;

	memset(&got, 0, sizeof(got));
	memset(&want, 0, sizeof(want));
	expect = spec_walk(buf, len, &want);
	r = mp_iscsi_nl_parse(buf, len, record, &got);
	fuzz_assert(r == expect);
	check_events(&got, &want);

	memset(&got, 0, sizeof(got));
	memset(&want, 0, sizeof(want));
	got.stop_at = want.stop_at = stop_at;
	expect = spec_walk(buf, len, &want);
	r = mp_iscsi_nl_parse(buf, len, record, &got);
	fuzz_assert(r == expect);
	check_events(&got, &want);
}

/* One event payload at an odd address: the parser must not care about alignment. */
static void fuzz_event(const uint8_t *data, size_t size)
{
	uint8_t *odd = malloc(size + 1);
	struct mp_iscsi_event got = { .sid = 42 }, want;
	int r, expect;

	fuzz_assert(odd);
	memcpy(odd + 1, data, size);
	expect = spec_event(odd + 1, size, &want);
	r = mp_iscsi_event_parse(odd + 1, size, &got);
	fuzz_assert(r == expect);
	if (r == 1)
		fuzz_assert(memcmp(&got, &want, sizeof(got)) == 0);
	else
		fuzz_assert(got.sid == 42);
	free(odd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A receive buffer of uint32_t, as the daemon's is; libFuzzer's data has no such promise. */
	uint32_t *buf = malloc(size + 4);

	fuzz_assert(buf);
	memcpy(buf, data, size);
	fuzz_datagram((const uint8_t *)buf, size, 1 + (int)(size % 4));
	fuzz_assert(mp_iscsi_nl_parse((const uint8_t *)buf + 1, size, record, NULL) == -EINVAL);
	fuzz_event(data, size);
	free(buf);
	return 0;
}
