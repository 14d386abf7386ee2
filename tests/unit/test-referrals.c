/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for REPORT REFERRALS / VPD 0xB3 parsing and LBA ownership. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "referrals.h"

/*
 * An EqualLogic-style volume over three members (TPGs 1, 2, 3), as LIO returns it for
 * an lba_map of
 *   0     16383 1:O 2:A 3:A
 *   16384 32767 1:A 2:O 3:A
 *   32768 49151 1:A 2:A 3:O
 * LIO writes the length as 16 bits at bytes 2..3 (96 = 3 * (20 + 3 * 4)).
 */
static const uint8_t eql_referrals[] = {
	0x00, 0x00, 0x00, 0x60,
	/* segment 0 */
	0x00, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3f, 0xff,
	0x00, 0x00, 0x00, 0x01,
	0x01, 0x00, 0x00, 0x02,
	0x01, 0x00, 0x00, 0x03,
	/* segment 1 */
	0x00, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7f, 0xff,
	0x01, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x02,
	0x01, 0x00, 0x00, 0x03,
	/* segment 2 */
	0x00, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xbf, 0xff,
	0x01, 0x00, 0x00, 0x01,
	0x01, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x03,
};

/* LIO's Referrals VPD page (spc_emulate_evpd_b3): segment size 16384, multiplier 0. */
static const uint8_t lio_vpd_b3[] = {
	0x00, 0xb3, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void test_parse_eql(void **state)
{
	struct mp_referral_map *map = NULL;
	const struct mp_referral_segment *seg;

	assert_int_equal(mp_referrals_data_len(eql_referrals, sizeof(eql_referrals)),
			 sizeof(eql_referrals));
	assert_int_equal(mp_referrals_parse(eql_referrals, sizeof(eql_referrals), &map), 0);
	assert_non_null(map);
	assert_int_equal(map->n_segments, 3);
	assert_int_equal(map->segment_size, 0);

	seg = &map->segments[1];
	assert_int_equal(seg->first_lba, 0x4000);
	assert_int_equal(seg->last_lba, 0x7fff);
	assert_int_equal(seg->n_tpgs, 3);
	assert_int_equal(seg->tpgs[0].tpg_id, 1);
	assert_int_equal(seg->tpgs[0].state, MP_ALUA_ACTIVE_NON_OPTIMIZED);
	assert_int_equal(seg->tpgs[1].tpg_id, 2);
	assert_int_equal(seg->tpgs[1].state, MP_ALUA_ACTIVE_OPTIMIZED);
	assert_int_equal(map->segments[2].last_lba, 0xbfff);
	assert_int_equal(map->segments[2].tpgs[2].tpg_id, 3);
	assert_int_equal(map->segments[0].tpgs[2].state, MP_ALUA_ACTIVE_NON_OPTIMIZED);

	assert_null(mp_referral_map_free(map));
	assert_null(mp_referral_map_free(NULL));
}

static void test_owner(void **state)
{
	struct mp_referral_map *map;

	assert_int_equal(mp_referrals_parse(eql_referrals, sizeof(eql_referrals), &map), 0);
	assert_int_equal(mp_referral_map_owner(map, 0), 1);
	assert_int_equal(mp_referral_map_owner(map, 0x3fff), 1);
	assert_int_equal(mp_referral_map_owner(map, 0x4000), 2);
	assert_int_equal(mp_referral_map_owner(map, 0x7fff), 2);
	assert_int_equal(mp_referral_map_owner(map, 0x8000), 3);
	assert_int_equal(mp_referral_map_owner(map, 0xbfff), 3);
	assert_int_equal(mp_referral_map_owner(map, 0xc000), -ENOENT);

	assert_int_equal(mp_referral_map_state(map, 0x4000, 2), MP_ALUA_ACTIVE_OPTIMIZED);
	assert_int_equal(mp_referral_map_state(map, 0x4000, 3), MP_ALUA_ACTIVE_NON_OPTIMIZED);
	assert_int_equal(mp_referral_map_state(map, 0x4000, 4), -ENOENT);
	assert_int_equal(mp_referral_map_state(map, 0xc000, 1), -ENOENT);
	assert_ptr_equal(mp_referral_map_find(map, 0x8123), &map->segments[2]);
	mp_referral_map_free(map);
}

/* The same map with a B3 multiplier: the three segments repeat every 3 * 16384 blocks. */
static void test_owner_with_multiplier(void **state)
{
	struct mp_referral_map *map;
	struct mp_referrals_vpd vpd;

	assert_int_equal(mp_referrals_vpd_parse(lio_vpd_b3, sizeof(lio_vpd_b3), &vpd), 0);
	assert_int_equal(vpd.segment_size, 16384);
	assert_int_equal(vpd.segment_multiplier, 0);

	assert_int_equal(mp_referrals_parse(eql_referrals, sizeof(eql_referrals), &map), 0);
	map->segment_size = vpd.segment_size;
	map->segment_multiplier = 3;
	assert_int_equal(mp_referral_map_owner(map, 0xc000), 1);
	assert_int_equal(mp_referral_map_owner(map, 0xc000 + 0x4001), 2);
	assert_int_equal(mp_referral_map_owner(map, 10 * 0xc000ULL + 0x8000), 3);
	assert_int_equal(mp_referral_map_owner(map, 0xbfff), 3);
	mp_referral_map_free(map);
}

static void test_no_owner(void **state)
{
	static const uint8_t standby_only[] = {
		0x00, 0x00, 0x00, 0x1c,
		0x00, 0x00, 0x00, 0x02,
		0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0x0f, 0xff,
		0xf2, 0x00, 0x00, 0x07, /* standby; high nibble is reserved and ignored */
		0x03, 0x00, 0x01, 0x00, /* unavailable, TPG 256 */
	};
	struct mp_referral_map *map;

	assert_int_equal(mp_referrals_parse(standby_only, sizeof(standby_only), &map), 0);
	assert_int_equal(map->segments[0].tpgs[0].state, MP_ALUA_STANDBY);
	assert_int_equal(map->segments[0].tpgs[1].tpg_id, 256);
	assert_int_equal(mp_referral_map_owner(map, 5), -ENODATA);
	assert_int_equal(mp_referral_map_state(map, 5, 256), MP_ALUA_UNAVAILABLE);
	mp_referral_map_free(map);
}

static void test_empty(void **state)
{
	static const uint8_t empty[] = { 0x00, 0x00, 0x00, 0x00 };
	struct mp_referral_map *map;

	assert_int_equal(mp_referrals_parse(empty, sizeof(empty), &map), 0);
	assert_int_equal(map->n_segments, 0);
	assert_int_equal(mp_referral_map_owner(map, 0), -ENOENT);
	mp_referral_map_free(map);
}

static void test_malformed(void **state)
{
	struct mp_referral_map *map = (struct mp_referral_map *)0x1;
	uint8_t buf[sizeof(eql_referrals)];

	/* Allocation length too small: the header still says 96. */
	assert_int_equal(mp_referrals_data_len(eql_referrals, 40), sizeof(eql_referrals));
	assert_int_equal(mp_referrals_parse(eql_referrals, 40, &map), -EMSGSIZE);
	assert_int_equal(mp_referrals_parse(eql_referrals, 3, &map), -EBADMSG);
	assert_int_equal(mp_referrals_data_len(eql_referrals, 3), 0);

	/* Header shortened to cut the last TPG descriptor in half. */
	memcpy(buf, eql_referrals, sizeof(buf));
	buf[3] = 0x5e;
	assert_int_equal(mp_referrals_parse(buf, sizeof(buf), &map), -EBADMSG);

	/* Header ending inside a segment descriptor. */
	buf[3] = 0x30;
	assert_int_equal(mp_referrals_parse(buf, sizeof(buf), &map), -EBADMSG);

	/* last LBA before first LBA. */
	memcpy(buf, eql_referrals, sizeof(buf));
	buf[4 + 32 + 19] = 0x00;
	buf[4 + 32 + 18] = 0x00;
	assert_int_equal(mp_referrals_parse(buf, sizeof(buf), &map), -EBADMSG);

	/* Claims 4 TPG descriptors where 3 are present. */
	memcpy(buf, eql_referrals, sizeof(buf));
	buf[4 + 64 + 3] = 4;
	assert_int_equal(mp_referrals_parse(buf, sizeof(buf), &map), -EBADMSG);

	assert_ptr_equal(map, (struct mp_referral_map *)0x1); /* untouched on failure */
}

static void test_vpd_b3(void **state)
{
	static const uint8_t mult[] = {
		0x00, 0xb3, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,
	};
	struct mp_referrals_vpd vpd = { 7, 7 };
	uint8_t bad[sizeof(lio_vpd_b3)];

	assert_int_equal(mp_referrals_vpd_parse(mult, sizeof(mult), &vpd), 0);
	assert_int_equal(vpd.segment_size, 65536);
	assert_int_equal(vpd.segment_multiplier, 8);

	assert_int_equal(mp_referrals_vpd_parse(lio_vpd_b3, 15, &vpd), -EBADMSG);
	memcpy(bad, lio_vpd_b3, sizeof(bad));
	bad[1] = 0xb0;
	assert_int_equal(mp_referrals_vpd_parse(bad, sizeof(bad), &vpd), -EBADMSG);
	bad[1] = 0xb3;
	bad[3] = 0x08;
	assert_int_equal(mp_referrals_vpd_parse(bad, sizeof(bad), &vpd), -EBADMSG);
	assert_int_equal(vpd.segment_size, 65536);
}

static void test_state_names(void **state)
{
	assert_string_equal(mp_alua_state_name(MP_ALUA_ACTIVE_OPTIMIZED), "active/optimized");
	assert_string_equal(mp_alua_state_name(MP_ALUA_ACTIVE_NON_OPTIMIZED), "active/non-optimized");
	assert_string_equal(mp_alua_state_name(MP_ALUA_STANDBY), "standby");
	assert_string_equal(mp_alua_state_name(MP_ALUA_UNAVAILABLE), "unavailable");
	assert_string_equal(mp_alua_state_name(MP_ALUA_TRANSITIONING), "transitioning");
	assert_string_equal(mp_alua_state_name(0x9), "reserved");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_eql),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_owner_with_multiplier),
		cmocka_unit_test(test_no_owner),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_vpd_b3),
		cmocka_unit_test(test_state_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
