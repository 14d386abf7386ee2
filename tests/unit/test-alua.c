/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for RTPG parsing, the access_state attributes and multipath-tools' alua priorities. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "alua.h"
#include "scsi_cdb.h"

/*
 * Two groups as LIO sends them for a LUN exported through two groups: group 1
 * active/optimized with PREF, every state supported, changed implicitly, ports 1 and 2;
 * group 2 standby, set by SET TARGET PORT GROUPS, port 3.
 */
static const uint8_t rtpg_std[] = {
	0x00, 0x00, 0x00, 0x1c,
	0x80, 0xdf, 0x00, 0x01, 0x00, 0x02, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	0x02, 0x0f, 0x00, 0x02, 0x00, 0x01, 0x5a, 0x01,
	0x00, 0x00, 0x00, 0x03,
};

/* The same groups with the extended header: format type 001b, transition time 60 s. */
static const uint8_t rtpg_ext[] = {
	0x00, 0x00, 0x00, 0x20, 0x10, 0x3c, 0x00, 0x00,
	0x80, 0xdf, 0x00, 0x01, 0x00, 0x02, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	0x02, 0x0f, 0x00, 0x02, 0x00, 0x01, 0x5a, 0x01,
	0x00, 0x00, 0x00, 0x03,
};

static void check_two_groups(const struct mp_rtpg *r)
{
	const struct mp_alua_group *g;

	assert_int_equal(r->nr_groups, 2);
	g = &r->groups[0];
	assert_int_equal(g->id, 1);
	assert_int_equal(g->state, MP_ALUA_ACTIVE_OPTIMIZED);
	assert_true(g->pref);
	assert_int_equal(g->supported, MP_ALUA_SUP_TRANSITIONING | MP_ALUA_SUP_OFFLINE |
			 MP_ALUA_SUP_LBA_DEPENDENT | MP_ALUA_SUP_UNAVAILABLE | MP_ALUA_SUP_STANDBY |
			 MP_ALUA_SUP_NON_OPTIMIZED | MP_ALUA_SUP_OPTIMIZED);
	assert_int_equal(g->status, MP_ALUA_STATUS_IMPLICIT_CHANGE);
	assert_int_equal(g->nr_ports, 2);
	assert_int_equal(g->ports[0], 1);
	assert_int_equal(g->ports[1], 2);
	g = &r->groups[1];
	assert_int_equal(g->id, 2);
	assert_int_equal(g->state, MP_ALUA_STANDBY);
	assert_false(g->pref);
	assert_int_equal(g->supported, 0x0f);
	assert_int_equal(g->status, MP_ALUA_STATUS_SET_BY_STPG);
	assert_int_equal(g->vendor, 0x5a);
	assert_int_equal(g->nr_ports, 1);
	assert_int_equal(g->ports[0], 3);

	assert_ptr_equal(mp_rtpg_find_group(r, 2), &r->groups[1]);
	assert_null(mp_rtpg_find_group(r, 3));
	assert_ptr_equal(mp_rtpg_find_port(r, 2), &r->groups[0]);
	assert_ptr_equal(mp_rtpg_find_port(r, 3), &r->groups[1]);
	assert_null(mp_rtpg_find_port(r, 4));
}

static void test_rtpg_standard(void **state)
{
	struct mp_rtpg r;
	uint8_t bigger[64] = {};

	assert_int_equal(mp_rtpg_response_len(rtpg_std, sizeof(rtpg_std)), sizeof(rtpg_std));
	assert_int_equal(mp_rtpg_parse(rtpg_std, sizeof(rtpg_std), false, &r), 0);
	assert_false(r.extended);
	assert_int_equal(r.transition_time, 0);
	check_two_groups(&r);
	mp_rtpg_release(&r);
	assert_null(r.groups);
	assert_int_equal(r.nr_groups, 0);
	mp_rtpg_release(NULL);

	/* Extended asked for but not given (byte 4 is the first descriptor): still standard. */
	assert_int_equal(mp_rtpg_parse(rtpg_std, sizeof(rtpg_std), true, &r), 0);
	assert_false(r.extended);
	check_two_groups(&r);
	mp_rtpg_release(&r);

	/* Bytes after the response (a larger allocation length) are ignored. */
	memcpy(bigger, rtpg_std, sizeof(rtpg_std));
	memset(bigger + sizeof(rtpg_std), 0xff, sizeof(bigger) - sizeof(rtpg_std));
	assert_int_equal(mp_rtpg_parse(bigger, sizeof(bigger), false, &r), 0);
	check_two_groups(&r);
	mp_rtpg_release(&r);
}

static void test_rtpg_extended(void **state)
{
	struct mp_rtpg r;
	uint8_t bad[sizeof(rtpg_ext)];

	assert_int_equal(mp_rtpg_parse(rtpg_ext, sizeof(rtpg_ext), true, &r), 0);
	assert_true(r.extended);
	assert_int_equal(r.transition_time, 60);
	check_two_groups(&r);
	mp_rtpg_release(&r);

	/* Read as if the standard header had been asked for, the extended header is taken
	 * for a descriptor and the rest no longer lines up: rejected, not misread. */
	assert_int_equal(mp_rtpg_parse(rtpg_ext, sizeof(rtpg_ext), false, &r), -EBADMSG);

	/* An unknown format type. */
	memcpy(bad, rtpg_ext, sizeof(bad));
	bad[4] = 0x20;
	assert_int_equal(mp_rtpg_parse(bad, sizeof(bad), true, &r), -EBADMSG);
}

static void test_rtpg_no_groups(void **state)
{
	static const uint8_t empty[] = { 0, 0, 0, 0 };
	static const uint8_t empty_ext[] = { 0, 0, 0, 4, 0x10, 0, 0, 0 };
	struct mp_rtpg r;

	assert_int_equal(mp_rtpg_parse(empty, sizeof(empty), false, &r), 0);
	assert_int_equal(r.nr_groups, 0);
	assert_null(mp_rtpg_find_group(&r, 0));
	assert_null(mp_rtpg_find_port(&r, 0));
	mp_rtpg_release(&r);
	assert_int_equal(mp_rtpg_parse(empty_ext, sizeof(empty_ext), true, &r), 0);
	assert_true(r.extended);
	assert_int_equal(r.nr_groups, 0);
	mp_rtpg_release(&r);
}

static void test_rtpg_truncated(void **state)
{
	struct mp_rtpg r = { .nr_groups = 99 };

	/* The allocation length was too small: ask again with the whole length. */
	for (size_t len = 4; len < sizeof(rtpg_std); len++) {
		assert_int_equal(mp_rtpg_parse(rtpg_std, len, false, &r), -EMSGSIZE);
		assert_int_equal(mp_rtpg_response_len(rtpg_std, len), sizeof(rtpg_std));
	}
	for (size_t len = 0; len < 4; len++)
		assert_int_equal(mp_rtpg_parse(rtpg_std, len, false, &r), -EBADMSG);
	assert_int_equal(mp_rtpg_response_len(rtpg_std, 3), 0);
	assert_int_equal(mp_rtpg_parse(NULL, 64, false, &r), -EBADMSG);
	/* Nothing was written on failure. */
	assert_int_equal(r.nr_groups, 99);
}

static void test_rtpg_malicious(void **state)
{
	uint8_t buf[64];
	struct mp_rtpg r;

	/* A RETURN DATA LENGTH of 4 GiB: not parsed, and the size is reported whole. */
	memcpy(buf, rtpg_std, sizeof(rtpg_std));
	memset(buf, 0xff, 4);
	assert_int_equal(mp_rtpg_parse(buf, sizeof(buf), false, &r), -EMSGSIZE);
	assert_int_equal(mp_rtpg_response_len(buf, sizeof(buf)), (size_t)4 + 0xffffffffu);

	/* A port count that runs past the data. */
	memcpy(buf, rtpg_std, sizeof(rtpg_std));
	buf[27] = 200;
	assert_int_equal(mp_rtpg_parse(buf, sizeof(rtpg_std), false, &r), -EBADMSG);
	assert_int_equal(mp_rtpg_parse(buf, sizeof(buf), false, &r), -EBADMSG);

	/* A RETURN DATA LENGTH that cuts a descriptor, or leaves a few stray bytes. */
	memcpy(buf, rtpg_std, sizeof(rtpg_std));
	buf[3] = 0x1a;
	assert_int_equal(mp_rtpg_parse(buf, sizeof(rtpg_std), false, &r), -EBADMSG);
	buf[3] = 0x1e;
	memset(buf + sizeof(rtpg_std), 0, 2);
	assert_int_equal(mp_rtpg_parse(buf, sizeof(rtpg_std) + 2, false, &r), -EBADMSG);
	buf[3] = 0x03;
	assert_int_equal(mp_rtpg_parse(buf, sizeof(rtpg_std), false, &r), -EBADMSG);

	/* 255 ports in one group, all present: accepted, and each port is found. */
	memset(buf, 0, sizeof(buf));
	{
		size_t n = 4 + 8 + 4 * 255;
		uint8_t *big = calloc(1, n);

		assert_non_null(big);
		big[2] = (uint8_t)((n - 4) >> 8);
		big[3] = (uint8_t)(n - 4);
		big[4] = 0x01;
		big[7] = 0x07;
		big[11] = 255;
		for (size_t i = 0; i < 255; i++) {
			big[12 + 4 * i + 2] = (uint8_t)((i + 1) >> 8);
			big[12 + 4 * i + 3] = (uint8_t)(i + 1);
		}
		assert_int_equal(mp_rtpg_parse(big, n, false, &r), 0);
		assert_int_equal(r.groups[0].nr_ports, 255);
		assert_int_equal(r.groups[0].state, MP_ALUA_ACTIVE_NON_OPTIMIZED);
		assert_ptr_equal(mp_rtpg_find_port(&r, 255), &r.groups[0]);
		mp_rtpg_release(&r);
		free(big);
	}
}

/* A device that lists one group twice: the first descriptor counts. */
static void test_rtpg_duplicate_and_reserved(void **state)
{
	static const uint8_t dup[] = {
		0x00, 0x00, 0x00, 0x18,
		0x01, 0x0f, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x0f, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00,
		0x07, 0x0f, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
	};
	struct mp_rtpg r;

	assert_int_equal(mp_rtpg_parse(dup, sizeof(dup), false, &r), 0);
	assert_int_equal(r.nr_groups, 3);
	assert_int_equal(mp_rtpg_find_group(&r, 5)->state, MP_ALUA_ACTIVE_NON_OPTIMIZED);
	/* A reserved state is kept as sent and scores 0. */
	assert_int_equal(mp_rtpg_find_group(&r, 6)->state, 0x7);
	assert_string_equal(mp_alua_state_name(0x7), "reserved");
	assert_int_equal(mp_alua_prio(0x7, false, false), 0);
	mp_rtpg_release(&r);
}

/* The CDB comes from scsi_cdb.c: MAINTENANCE IN, SA 0x0a, 4-byte allocation length. */
static void test_rtpg_cdb(void **state)
{
	struct mp_cdb c;

	mp_cdb_report_tpgs(&c, MP_RTPG_ALLOC_DEFAULT, false);
	assert_int_equal(c.len, 12);
	assert_int_equal(c.bytes[0], 0xa3);
	assert_int_equal(c.bytes[1], 0x0a);
	assert_int_equal(c.bytes[6] << 24 | c.bytes[7] << 16 | c.bytes[8] << 8 | c.bytes[9], 4096);
	mp_cdb_report_tpgs(&c, MP_RTPG_ALLOC_DEFAULT, true);
	assert_int_equal(c.bytes[1], 0x2a);
}

static void test_alua_prio(void **state)
{
	static const struct {
		int state;
		int plain, pref, pref_exclusive;
	} want[] = {
		{ MP_ALUA_ACTIVE_OPTIMIZED, 50, 50, 130 },
		{ MP_ALUA_ACTIVE_NON_OPTIMIZED, 10, 90, 90 },
		{ MP_ALUA_LBA_DEPENDENT, 5, 85, 85 },
		{ MP_ALUA_STANDBY, 1, 81, 81 },
		{ MP_ALUA_UNAVAILABLE, 0, 80, 80 },
		{ MP_ALUA_OFFLINE, 0, 80, 80 },
		{ MP_ALUA_TRANSITIONING, 0, 80, 80 },
		{ -EINVAL, 0, 80, 80 },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(mp_alua_prio(want[i].state, false, false), want[i].plain);
		assert_int_equal(mp_alua_prio(want[i].state, false, true), want[i].plain);
		assert_int_equal(mp_alua_prio(want[i].state, true, false), want[i].pref);
		assert_int_equal(mp_alua_prio(want[i].state, true, true), want[i].pref_exclusive);
	}
}

static void test_exclusive_pref_arg(void **state)
{
	assert_true(mp_alua_exclusive_pref("exclusive_pref_bit"));
	assert_true(mp_alua_exclusive_pref("foo exclusive_pref_bit"));
	assert_true(mp_alua_exclusive_pref("exclusive_pref_bit\tbar"));
	assert_true(mp_alua_exclusive_pref("\texclusive_pref_bit "));
	assert_false(mp_alua_exclusive_pref(NULL));
	assert_false(mp_alua_exclusive_pref(""));
	assert_false(mp_alua_exclusive_pref("exclusive_pref_bits"));
	assert_false(mp_alua_exclusive_pref("no_exclusive_pref_bit"));
	assert_false(mp_alua_exclusive_pref("exclusive_pref_bit,x"));
	/* Only the first occurrence is looked at. */
	assert_false(mp_alua_exclusive_pref("xexclusive_pref_bit exclusive_pref_bit"));
}

static void test_sysfs_attributes(void **state)
{
	static const char *const names[] = {
		"active/optimized", "active/non-optimized", "standby", "unavailable",
		"lba-dependent", "offline", "transitioning",
	};
	static const int states[] = {
		MP_ALUA_ACTIVE_OPTIMIZED, MP_ALUA_ACTIVE_NON_OPTIMIZED, MP_ALUA_STANDBY,
		MP_ALUA_UNAVAILABLE, MP_ALUA_LBA_DEPENDENT, MP_ALUA_OFFLINE, MP_ALUA_TRANSITIONING,
	};
	char text[64];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(text, sizeof(text), "%s\n", names[i]);
		assert_int_equal(mp_alua_state_from_sysfs(text), states[i]);
		assert_int_equal(mp_alua_state_from_sysfs(names[i]), states[i]);
		assert_string_equal(mp_alua_state_name((uint8_t)states[i]), names[i]);
	}
	assert_int_equal(mp_alua_state_from_sysfs("unknown\n"), -EINVAL);
	assert_int_equal(mp_alua_state_from_sysfs("active"), -EINVAL);
	assert_int_equal(mp_alua_state_from_sysfs(" standby"), -EINVAL);
	assert_int_equal(mp_alua_state_from_sysfs(""), -EINVAL);
	assert_int_equal(mp_alua_state_from_sysfs(NULL), -EINVAL);

	assert_true(mp_alua_pref_from_sysfs("1\n"));
	assert_true(mp_alua_pref_from_sysfs(" 2"));
	assert_true(mp_alua_pref_from_sysfs("0x10"));
	assert_false(mp_alua_pref_from_sysfs("0\n"));
	assert_false(mp_alua_pref_from_sysfs(""));
	assert_false(mp_alua_pref_from_sysfs("yes"));
	assert_false(mp_alua_pref_from_sysfs(NULL));
	/* strtoul turns "-1" into ULONG_MAX, which multipath-tools treats as a parse error. */
	assert_false(mp_alua_pref_from_sysfs("-1"));
	assert_false(mp_alua_pref_from_sysfs("000000000000001\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtpg_standard),
		cmocka_unit_test(test_rtpg_extended),
		cmocka_unit_test(test_rtpg_no_groups),
		cmocka_unit_test(test_rtpg_truncated),
		cmocka_unit_test(test_rtpg_malicious),
		cmocka_unit_test(test_rtpg_duplicate_and_reserved),
		cmocka_unit_test(test_rtpg_cdb),
		cmocka_unit_test(test_alua_prio),
		cmocka_unit_test(test_exclusive_pref_arg),
		cmocka_unit_test(test_sysfs_attributes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
