/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the round-robin selector plugin, driven through its ops with a fake daemon. */
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

static void expect_table(const char *want)
{
	char *t = fake_table(&f);

	assert_string_equal(t, want);
	free(t);
}

static void expect_actions(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static void test_abi(void **state)
{
	assert_int_equal(mpath_selector.abi_version, MPATH_SELECTOR_ABI_VERSION);
	assert_string_equal(mpath_selector.name, "round-robin");
	assert_non_null(mpath_selector.description);
	assert_non_null(mpath_selector.build_layout);
}

/* One group, paths in numeric H:C:T:L order (10 after 2), service-time by default. */
static void test_one_group_hctl_order(void **state)
{
	fake_add_path(&f, "sdc", "10:0:0:1");
	fake_add_path(&f, "sdb", "2:0:0:1");
	fake_add_path(&f, "sdd", "3:0:0:1");
	assert_int_equal(fake_attach(&f), 0);
	/* sdc 8:16, sdb 8:32, sdd 8:48 */
	expect_table("0 0 1 1 service-time 0 3 2 8:32 1 1 8:48 1 1 8:16 1 1");
	assert_string_equal(f.log, "");
}

/* Unusable paths stay in the group: the daemon fails and reinstates them without reloads. */
static void test_unusable_paths_stay(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:1");
	fake_add_path(&f, "sdc", "3:0:0:1");
	fake_path(&f, "sdb")->usable = false;
	fake_path(&f, "sdb")->dm_failed = true;
	fake_set(&f, "path_selector", "round-robin 0");
	assert_int_equal(fake_attach(&f), 0);
	expect_table("0 0 1 1 round-robin 0 2 1 8:16 1 8:32 1");
	expect_actions(fake_event(&f, "sdb", MPATH_SEL_PATH_USABLE), "");
	expect_actions(fake_event(&f, "sdc", MPATH_SEL_PATH_FAILED), "");
}

static void test_repeat_count(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:1");
	fake_add_path(&f, "sdc", "3:0:0:1");
	fake_set(&f, "path_selector", "round-robin 0");
	fake_set(&f, "rr_min_io_rq", "100");
	assert_int_equal(fake_attach(&f), 0);
	expect_table("0 0 1 1 round-robin 0 2 1 8:16 100 8:32 100");
}

/* rr_weight priorities: round-robin repeats rr_min_io_rq * prio; prio 0 counts as 1. */
static void test_weights_round_robin(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:1");
	fake_add_path(&f, "sdc", "3:0:0:1");
	fake_add_path(&f, "sdd", "4:0:0:1");
	fake_path(&f, "sdb")->prio = 50;
	fake_path(&f, "sdc")->prio = 10;
	fake_set(&f, "path_selector", "round-robin 0");
	fake_set(&f, "rr_min_io_rq", "2");
	fake_set(&f, "rr_weight", "priorities");
	assert_int_equal(fake_attach(&f), 0);
	expect_table("0 0 1 1 round-robin 0 3 1 8:16 100 8:32 20 8:48 2");

	/* uniform ignores prio */
	fake_unset(&f, "rr_weight");
	fake_set(&f, "rr_weight", "uniform");
	expect_table("0 0 1 1 round-robin 0 3 1 8:16 2 8:32 2 8:48 2");
}

/* service-time: the weight is the relative throughput, at most 100. */
static void test_weights_service_time(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:1");
	fake_add_path(&f, "sdc", "3:0:0:1");
	fake_path(&f, "sdb")->prio = 500;
	fake_path(&f, "sdc")->prio = 7;
	fake_set(&f, "path_selector", "service-time 0");
	fake_set(&f, "rr_weight", "priorities");
	assert_int_equal(fake_attach(&f), 0);
	expect_table("0 0 1 1 service-time 0 2 2 8:16 1 100 8:32 1 7");
}

static void test_queue_length(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:1");
	fake_set(&f, "path_selector", "queue-length 0");
	fake_set(&f, "rr_weight", "priorities");
	fake_path(&f, "sdb")->prio = 9;
	assert_int_equal(fake_attach(&f), 0);
	expect_table("0 0 1 1 queue-length 0 1 1 8:16 1");
}

/* io-affinity needs a CPU mask per path: fall back to service-time, with a warning. */
static void test_unsupported_selector(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:1");
	fake_set(&f, "path_selector", "io-affinity 0");
	assert_int_equal(fake_attach(&f), 0);
	expect_table("0 0 1 1 service-time 0 1 2 8:16 1 1");
	assert_non_null(strstr(f.log, "path_selector \"io-affinity 0\" is not supported"));
}

static void test_selector_args_kept(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:1");
	fake_set(&f, "path_selector", "historical-service-time 2 5 10");
	assert_int_equal(fake_attach(&f), 0);
	expect_table("0 0 1 1 historical-service-time 2 5 10 1 1 8:16 1");
}

static void test_no_paths(void **state)
{
	assert_int_equal(fake_attach(&f), 0);
	expect_table("0 0 0 0");
}

/* Only membership changes need a reload. */
static void test_events(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:1");
	fake_add_path(&f, "sdc", "3:0:0:1");
	assert_int_equal(fake_attach(&f), 0);
	expect_actions(fake_event(&f, "sdc", MPATH_SEL_PATH_ADDED), "reload");
	expect_actions(fake_event(&f, "sdc", MPATH_SEL_PATH_REMOVED), "reload");
	expect_actions(fake_event(&f, "sdb", MPATH_SEL_PATH_FAILED), "");
	fake_remove_path(&f, "sdc");
	expect_table("0 0 1 1 service-time 0 1 2 8:16 1 1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abi),
		cmocka_unit_test_setup_teardown(test_one_group_hctl_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unusable_paths_stay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeat_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weights_round_robin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weights_service_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsupported_selector, setup, teardown),
		cmocka_unit_test_setup_teardown(test_selector_args_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
