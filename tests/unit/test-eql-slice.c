/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the eql-slice selector plugin: member devices, the switch and its regions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mpath-selector.h"
#include "selector-host.h"

static struct fake f;

static int setup(void **state)
{
	fake_init(&f, &mpath_selector);
	return 0;
}

static int teardown(void **state)
{
	fake_detach(&f);
	fake_release(&f);
	return 0;
}

static void expect_stack(const char *want)
{
	char *s = fake_stack(&f);

	if (strcmp(s, want))
		fail_msg("got:\n%s\nwant:\n%s", s, want);
	free(s);
}

static void expect_actions(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

/* Three members with two paths each: sdb/sdc member 11, sdd/sde 12, sdf/sdg 13. */
static void three_members(void)
{
	const char *dev[] = { "sdb", "sdc", "sdd", "sde", "sdf", "sdg" };
	char hctl[16];

	for (int i = 0; i < 6; i++) {
		snprintf(hctl, sizeof(hctl), "%d:0:0:0", 2 + i);
		fake_add_path(&f, dev[i], hctl);
		fake_path(&f, dev[i])->tpg = 11 + i / 2;
	}
}

/* Segments of 8192 blocks, owners 11 11 12 13 12 (the state 0 group owns). */
static struct mpath_sel_tpg_state tpg_states[5][3];
static struct mpath_sel_segment segments[5];

static void referrals(const int *owner, size_t n)
{
	for (size_t s = 0; s < n; s++) {
		for (int t = 0; t < 3; t++)
			tpg_states[s][t] = (struct mpath_sel_tpg_state){ .tpg = 11 + t,
									  .state = 11 + t == owner[s] ? 0 : 1 };
		segments[s] = (struct mpath_sel_segment){ .first_lba = s * 8192, .last_lba = s * 8192 + 8191,
							  .nr_tpgs = 3, .tpgs = tpg_states[s] };
	}
	f.map.segments = segments;
	f.map.nr_segments = n;
	f.map.size_sectors = n * 8192;
}

static void test_stack_follows_referrals(void **state)
{
	three_members();
	referrals((const int[]){ 11, 11, 12, 13, 12 }, 5);
	assert_int_equal(fake_attach(&f), 0);
	expect_stack("m11: [sdb sdc] [sdd sde sdf sdg]\n"
		     "m12: [sdd sde] [sdb sdc sdf sdg]\n"
		     "m13: [sdf sdg] [sdb sdc sdd sde]\n"
		     "top: switch 8192 m11,m12,m13 | 0 0 1 2 1");
}

/* 4 KiB blocks: a segment of 8192 blocks is 65536 sectors. */
static void test_block_size(void **state)
{
	three_members();
	referrals((const int[]){ 13, 12 }, 2);
	f.map.block_size = 4096;
	f.map.size_sectors = 2 * 65536;
	assert_int_equal(fake_attach(&f), 0);
	expect_stack("m11: [sdb sdc] [sdd sde sdf sdg]\n"
		     "m12: [sdd sde] [sdb sdc sdf sdg]\n"
		     "m13: [sdf sdg] [sdb sdc sdd sde]\n"
		     "top: switch 65536 m11,m12,m13 | 2 1");
}

/* Before referrals arrive: EqualLogic's page size, regions spread over the members. */
static void test_no_referrals_yet(void **state)
{
	three_members();
	f.map.size_sectors = 4 * 30720;
	assert_int_equal(fake_attach(&f), 0);
	expect_stack("m11: [sdb sdc] [sdd sde sdf sdg]\n"
		     "m12: [sdd sde] [sdb sdc sdf sdg]\n"
		     "m13: [sdf sdg] [sdb sdc sdd sde]\n"
		     "top: switch 30720 m11,m12,m13 | 0 1 2 0");
}

static void test_events(void **state)
{
	three_members();
	referrals((const int[]){ 11, 12 }, 2);
	assert_int_equal(fake_attach(&f), 0);
	expect_actions(fake_map_event(&f, MPATH_SEL_MAP_REFERRALS_CHANGED), "reload");
	expect_actions(fake_event(&f, "sdd", MPATH_SEL_PATH_USABLE), "m12: switch_group 1");
	expect_actions(fake_event(&f, "sdd", MPATH_SEL_PATH_FAILED), "");
	expect_actions(fake_event(&f, "sdd", MPATH_SEL_PATH_ADDED), "reload");
}

/* A member with one path has no fallback of its own paths, and keeps the others as fallback. */
static void test_member_per_tpg(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:0");
	fake_add_path(&f, "sdc", "3:0:0:0");
	fake_path(&f, "sdb")->tpg = 11;
	fake_path(&f, "sdc")->tpg = 12;
	referrals((const int[]){ 12 }, 1);
	assert_int_equal(fake_attach(&f), 0);
	expect_stack("m11: [sdb] [sdc]\nm12: [sdc] [sdb]\ntop: switch 8192 m11,m12 | 1");
}

/* Paths that report no target port group: one plain device. */
static void test_no_tpg(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:0");
	fake_add_path(&f, "sdc", "3:0:0:0");
	fake_path(&f, "sdb")->tpg = -1;
	fake_path(&f, "sdc")->tpg = -1;
	assert_int_equal(fake_attach(&f), 0);
	expect_stack("top: [sdb sdc]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stack_follows_referrals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_referrals_yet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_member_per_tpg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_tpg, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
