/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the multipath table text, its kernel-normalized comparison, status lines and dm-switch messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "dmswitch.h"
#include "dmtable.h"
#include "util.h"
#include "words.h"

static struct mp_table *parse_ok(const char *text)
{
	struct mp_table *t = NULL;

	assert_int_equal(mp_table_parse(text, &t), 0);
	assert_non_null(t);
	return t;
}

static void assert_format(const struct mp_table *t, const char *expected)
{
	_cleanup_free_ char *s = NULL;

	assert_int_equal(mp_table_format(t, &s), 0);
	assert_string_equal(s, expected);
}

static void assert_roundtrip(const char *text)
{
	_cleanup_mp_table_ struct mp_table *t = parse_ok(text);

	assert_format(t, text);
}

/* equal(a, b) and equal(b, a) must agree: the comparison is symmetric. */
static bool tables_equal(const char *a, const char *b, unsigned flags)
{
	_cleanup_mp_table_ struct mp_table *ta = parse_ok(a);
	_cleanup_mp_table_ struct mp_table *tb = parse_ok(b);
	bool ab = mp_table_equal(ta, tb, flags), ba = mp_table_equal(tb, ta, flags);

	assert_true(ab == ba);
	return ab;
}

static void test_format_basic(void **state)
{
	_cleanup_mp_table_ struct mp_table *t = NULL;
	char *one[] = { "1", NULL };
	int g;

	assert_int_equal(mp_table_new(&t), 0);
	assert_int_equal(mp_table_add_feature(t, "queue_if_no_path"), 0);
	g = mp_table_add_group(t, "round-robin", NULL, 1);
	assert_int_equal(g, 0);
	assert_int_equal(mp_table_add_path(t, g, "8:16", one), 0);
	g = mp_table_add_group(t, "round-robin", NULL, 1);
	assert_int_equal(g, 1);
	assert_int_equal(mp_table_add_path(t, g, "8:32", one), 0);
	assert_int_equal(t->initial_group, 1);
	assert_format(t, "1 queue_if_no_path 0 2 1 round-robin 0 1 1 8:16 1 round-robin 0 1 1 8:32 1");
	assert_true(mp_table_queue_if_no_path(t));
}

static void test_format_features_and_handler(void **state)
{
	_cleanup_mp_table_ struct mp_table *t = NULL;
	char *hargs[] = { "1", "0", NULL };
	char *sargs[] = { "2", "500", "3", NULL };
	char *pargs[] = { "1", NULL };
	int g;

	assert_int_equal(mp_table_new(&t), 0);
	assert_int_equal(mp_table_add_feature(t, "queue_if_no_path"), 0);
	assert_int_equal(mp_table_add_feature(t, "pg_init_retries 50"), 0);
	assert_int_equal(mp_table_set_hwhandler(t, "emc", hargs), 0);
	g = mp_table_add_group(t, "historical-service-time", sargs, 1);
	assert_int_equal(mp_table_add_path(t, g, "8:16", pargs), 0);
	assert_int_equal(mp_table_add_path(t, g, "65:240", pargs), 0);
	assert_format(t, "3 queue_if_no_path pg_init_retries 50 3 emc 1 0 1 1 "
		      "historical-service-time 3 2 500 3 2 1 8:16 1 65:240 1");
	assert_int_equal(mp_table_set_hwhandler(t, NULL, NULL), 0);
	t->initial_group = 1;
	assert_format(t, "3 queue_if_no_path pg_init_retries 50 0 1 1 "
		      "historical-service-time 3 2 500 3 2 1 8:16 1 65:240 1");
}

static void test_format_rejects(void **state)
{
	_cleanup_mp_table_ struct mp_table *t = NULL;
	_cleanup_free_ char *s = NULL;
	char *one[] = { "1", NULL }, *two[] = { "1", "2", NULL }, *bad[] = { "a b", NULL };

	assert_int_equal(mp_table_new(&t), 0);
	assert_format(t, "0 0 0 0");
	assert_int_equal(mp_table_add_feature(t, ""), -EINVAL);
	assert_int_equal(mp_table_add_feature(t, "pg_init_retries  50"), -EINVAL);
	assert_int_equal(mp_table_add_feature(t, "queue_if_no_path "), -EINVAL);
	assert_int_equal(mp_table_add_feature(t, "queue\tif"), -EINVAL);
	assert_int_equal(mp_table_add_group(t, "round robin", NULL, 0), -EINVAL);
	assert_int_equal(mp_table_add_group(t, "round-robin", bad, 0), -EINVAL);
	assert_int_equal(mp_table_add_group(t, "round-robin", NULL, 1), 0);
	/* A group without paths is refused by the kernel. */
	assert_int_equal(mp_table_format(t, &s), -EINVAL);
	assert_int_equal(mp_table_add_path(t, 0, "8:16", two), -EINVAL);
	assert_int_equal(mp_table_add_path(t, 0, "8:16", NULL), -EINVAL);
	assert_int_equal(mp_table_add_path(t, 1, "8:16", one), -EINVAL);
	assert_int_equal(mp_table_add_path(t, 0, "", one), -EINVAL);
	assert_int_equal(mp_table_add_path(t, 0, "8:16", one), 0);
	t->initial_group = 2;
	assert_int_equal(mp_table_format(t, &s), -EINVAL);
	t->initial_group = 0;
	assert_int_equal(mp_table_format(t, &s), -EINVAL);
	t->initial_group = 1;
	assert_format(t, "0 0 1 1 round-robin 0 1 1 8:16 1");
}

static void test_parse_fields(void **state)
{
	_cleanup_mp_table_ struct mp_table *t =
		parse_ok("  3 queue_if_no_path pg_init_retries 50 1 alua 2 2 "
			 "service-time 0 2 2 8:16 1 1 8:32 1 4 round-robin 0 1 1 8:48 1 \n");

	assert_int_equal(mp_strv_length(t->features), 2);
	assert_string_equal(t->features[0], "queue_if_no_path");
	assert_string_equal(t->features[1], "pg_init_retries 50");
	assert_string_equal(t->hwhandler, "alua");
	assert_int_equal(mp_strv_length(t->hwhandler_args), 0);
	assert_int_equal(t->nr_groups, 2);
	assert_int_equal(t->initial_group, 2);
	assert_string_equal(t->groups[0].selector, "service-time");
	assert_int_equal(t->groups[0].nr_path_args, 2);
	assert_int_equal(t->groups[0].nr_paths, 2);
	assert_string_equal(t->groups[0].paths[1].dev, "8:32");
	assert_string_equal(t->groups[0].paths[1].args[1], "4");
	assert_string_equal(t->groups[1].paths[0].dev, "8:48");
	assert_true(mp_table_queue_if_no_path(t));
}

static void test_roundtrip(void **state)
{
	assert_roundtrip("0 0 0 0");
	assert_roundtrip("1 queue_if_no_path 0 2 1 round-robin 0 1 1 8:16 1 round-robin 0 1 1 8:32 1");
	assert_roundtrip("5 queue_if_no_path pg_init_retries 50 queue_mode bio 2 rdac 7 1 1 "
			 "queue-length 0 3 1 8:16 1 8:32 1 8:48 1");
	assert_roundtrip("2 pg_init_delay_msecs 2000 3 emc 1 0 3 3 service-time 0 1 2 8:16 1 1 "
			 "service-time 0 1 2 8:32 1 2 io-affinity 0 1 1 8:48 f");
	assert_roundtrip("0 0 1 1 round-robin 0 2 0 8:16 8:32");
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"1",
		"1 queue_if_no_path",
		"1 queue_if_no_path 0",
		"0 0 1",
		"0 0 0 1",			/* an initial group without groups */
		"0 0 1 0 round-robin 0 1 1 8:16 1",	/* no initial group */
		"0 0 1 2 round-robin 0 1 1 8:16 1",	/* initial group out of range */
		"0 0 1 1 round-robin 0 2 1 8:16 1",	/* a path missing */
		"0 0 1 1 round-robin 0 1 1 8:16",	/* an argument missing */
		"0 0 1 1 round-robin 0 1 1 8:16 1 extra",
		"x 0 0 0",
		"-1 0 0 0",
		"0 0 99999999999999999999999 1",
		"0 0 4000000000 1 round-robin 0 1 1 8:16 1",
		"0 0 1 1 round-robin 0 4000000000 1 8:16 1",
		"0 0 1 1 round-robin 0 1 18446744073709551615 8:16 1",
		"0 5 alua 0 0",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct mp_table *t = NULL;
		int r = mp_table_parse(bad[i], &t);

		if (r != -EINVAL)
			fail_msg("\"%s\" parsed with %d", bad[i], r);
		assert_null(t);
	}
}

/* What dm-mpath in 6.1 prints back for tables we load. */
static void test_equal_kernel_normalized(void **state)
{
	/* Repeat counts forced to 1, per-path argument counts as the selector's table_args. */
	assert_true(tables_equal("1 queue_if_no_path 0 2 1 round-robin 0 1 1 8:16 100 round-robin 0 1 1 8:32 100",
				 "1 queue_if_no_path 0 2 1 round-robin 0 1 1 8:16 1 round-robin 0 1 1 8:32 1 ", 0));
	assert_true(tables_equal("0 0 1 1 round-robin 0 2 0 8:16 8:32",
				 "0 0 1 1 round-robin 0 2 1 8:16 1 8:32 1 ", 0));
	assert_true(tables_equal("0 0 1 1 queue-length 0 2 0 8:16 8:32",
				 "0 0 1 1 queue-length 0 2 1 8:16 1 8:32 1 ", 0));
	/* Feature order, pg_init_retries 0, queue_mode rq/mq, case. */
	assert_true(tables_equal("5 pg_init_retries 50 queue_if_no_path queue_mode mq 1 alua 1 1 round-robin 0 1 1 8:16 1",
				 "3 queue_if_no_path pg_init_retries 50 1 alua 1 1 round-robin 0 1 1 8:16 1 ", 0));
	assert_true(tables_equal("4 pg_init_retries 0 QUEUE_MODE RQ 0 1 1 round-robin 0 1 1 8:16 1",
				 "0 0 1 1 round-robin 0 1 1 8:16 1 ", 0));
	assert_true(tables_equal("2 pg_init_delay_msecs 0100 0 1 1 round-robin 0 1 1 8:16 1",
				 "2 pg_init_delay_msecs 100 0 1 1 round-robin 0 1 1 8:16 1 ", 0));
	/* The handler's arguments are never printed back. */
	assert_true(tables_equal("0 3 emc 1 0 1 1 round-robin 0 1 1 8:16 1",
				 "0 1 emc 1 1 round-robin 0 1 1 8:16 1 ", 0));
	/* Bio mode: retain_attached_hw_handler implied, our handler dropped for the attached one. */
	assert_true(tables_equal("2 queue_mode bio 1 rdac 1 1 round-robin 0 1 1 8:16 1",
				 "3 retain_attached_hw_handler queue_mode bio 1 alua 1 1 round-robin 0 1 1 8:16 1 ", 0));
	/* service-time: repeat count forced to 1, relative throughput kept (default 1). */
	assert_true(tables_equal("0 0 1 1 service-time 0 2 2 8:16 5 2 8:32 5 1",
				 "0 0 1 1 service-time 0 2 2 8:16 1 2 8:32 1 1 ", 0));
	assert_true(tables_equal("0 0 1 1 service-time 0 2 1 8:16 1 8:32 1",
				 "0 0 1 1 service-time 0 2 2 8:16 1 1 8:32 1 1 ", 0));
	/* historical-service-time: group args printed as "2 <base> <threshold>", path args as 0. */
	assert_true(tables_equal("0 0 1 1 historical-service-time 0 2 1 8:16 1 8:32 1",
				 "0 0 1 1 historical-service-time 2 972 0 2 1 8:16 0 8:32 0 ", 0));
	assert_true(tables_equal("0 0 1 1 historical-service-time 1 500 1 1 8:16 1",
				 "0 0 1 1 historical-service-time 2 500 0 1 1 8:16 0 ", 0));
	/* io-affinity: cpumask in "%*pb" form. */
	assert_true(tables_equal("0 0 1 1 io-affinity 0 2 1 8:16 0F 8:32 1,00000000",
				 "0 0 1 1 io-affinity 0 2 1 8:16 f 8:32 100000000 ", 0));
	/* round-robin ignores its group arguments; the kernel prints 0 of them. */
	assert_true(tables_equal("0 0 1 1 round-robin 1 x 1 1 8:16 1", "0 0 1 1 round-robin 0 1 1 8:16 1 ", 0));
	/* The kernel reports the current group where the initial one was. */
	assert_true(tables_equal("0 0 2 1 round-robin 0 1 1 8:16 1 round-robin 0 1 1 8:32 1",
				 "0 0 2 2 round-robin 0 1 1 8:16 1 round-robin 0 1 1 8:32 1 ", 0));
}

static void test_equal_differences(void **state)
{
	const char *base = "1 queue_if_no_path 1 alua 2 1 round-robin 0 2 1 8:16 1 8:32 1 round-robin 0 1 1 8:48 1";

	assert_true(tables_equal(base, base, MP_TABLE_EQ_INITIAL_GROUP));
	/* Path order within a group only says where the selector starts: not a difference. */
	assert_true(tables_equal(base, "1 queue_if_no_path 1 alua 2 1 round-robin 0 2 1 8:32 1 8:16 1 "
				 "round-robin 0 1 1 8:48 1", 0));
	/* Another path is. */
	assert_false(tables_equal(base, "1 queue_if_no_path 1 alua 2 1 round-robin 0 2 1 8:32 1 8:64 1 "
				  "round-robin 0 1 1 8:48 1", 0));
	/* Group order is priority. */
	assert_false(tables_equal(base, "1 queue_if_no_path 1 alua 2 1 round-robin 0 1 1 8:48 1 "
				  "round-robin 0 2 1 8:16 1 8:32 1", 0));
	assert_false(tables_equal(base, "1 queue_if_no_path 1 alua 1 1 round-robin 0 3 1 8:16 1 8:32 1 8:48 1", 0));
	assert_false(tables_equal(base, "1 queue_if_no_path 1 alua 2 1 round-robin 0 2 1 8:16 1 8:33 1 "
				  "round-robin 0 1 1 8:48 1", 0));
	assert_false(tables_equal(base, "1 queue_if_no_path 1 alua 2 1 queue-length 0 2 1 8:16 1 8:32 1 "
				  "round-robin 0 1 1 8:48 1", 0));
	/* queue_if_no_path, unless told to ignore it. */
	const char *noq = "0 1 alua 2 1 round-robin 0 2 1 8:16 1 8:32 1 round-robin 0 1 1 8:48 1";
	assert_false(tables_equal(base, noq, 0));
	assert_true(tables_equal(base, noq, MP_TABLE_EQ_IGNORE_QUEUE_IF_NO_PATH));
	/* The handler name, unless told to ignore it. */
	const char *emc = "1 queue_if_no_path 1 emc 2 1 round-robin 0 2 1 8:16 1 8:32 1 round-robin 0 1 1 8:48 1";
	const char *none = "1 queue_if_no_path 0 2 1 round-robin 0 2 1 8:16 1 8:32 1 round-robin 0 1 1 8:48 1";
	assert_false(tables_equal(base, emc, 0));
	assert_false(tables_equal(base, none, 0));
	assert_true(tables_equal(base, emc, MP_TABLE_EQ_IGNORE_HWHANDLER));
	/* The initial group, when asked. */
	const char *second = "1 queue_if_no_path 1 alua 2 2 round-robin 0 2 1 8:16 1 8:32 1 round-robin 0 1 1 8:48 1";
	assert_true(tables_equal(base, second, 0));
	assert_false(tables_equal(base, second, MP_TABLE_EQ_INITIAL_GROUP));
	/* Feature values. */
	assert_false(tables_equal("2 pg_init_retries 50 0 0 0", "2 pg_init_retries 5 0 0 0", 0));
	assert_false(tables_equal("2 pg_init_delay_msecs 0 0 0 0", "0 0 0 0", 0));
	assert_false(tables_equal("2 queue_mode bio 0 0 0", "0 0 0 0", 0));
	assert_false(tables_equal("1 retain_attached_hw_handler 0 0 0", "0 0 0 0", 0));
	assert_false(tables_equal("1 no_partitions 0 0 0", "0 0 0 0", 0));
	assert_true(tables_equal("1 no_partitions 0 0 0", "1 no_partitions 0 0 0", 0));
	/* Selector arguments the kernel keeps. */
	assert_false(tables_equal("0 0 1 1 service-time 0 1 2 8:16 1 2", "0 0 1 1 service-time 0 1 2 8:16 1 1", 0));
	assert_false(tables_equal("0 0 1 1 historical-service-time 2 500 0 1 1 8:16 0",
				  "0 0 1 1 historical-service-time 2 972 0 1 1 8:16 0", 0));
	assert_false(tables_equal("0 0 1 1 io-affinity 0 1 1 8:16 3", "0 0 1 1 io-affinity 0 1 1 8:16 1", 0));
	/* Unknown selectors: word by word, argument counts included. */
	assert_true(tables_equal("0 0 1 1 my-sel 1 a 1 1 8:16 x", "0 0 1 1 my-sel 1 a 1 1 8:16 x", 0));
	assert_false(tables_equal("0 0 1 1 my-sel 1 a 1 1 8:16 x", "0 0 1 1 my-sel 1 b 1 1 8:16 x", 0));
	assert_false(tables_equal("0 0 1 1 my-sel 0 1 1 8:16 x", "0 0 1 1 my-sel 0 1 1 8:16 y", 0));
	assert_false(tables_equal("0 0 1 1 my-sel 0 1 0 8:16", "0 0 1 1 my-sel 0 1 1 8:16 1", 0));
	/* A device listed twice with other arguments equals itself (found by the fuzzer). */
	const char *twice = "0 0 1 1 my-sel 0 2 1 8:16 a 8:16 b";
	assert_true(tables_equal(twice, twice, MP_TABLE_EQ_INITIAL_GROUP));
	assert_false(tables_equal(twice, "0 0 1 1 my-sel 0 2 1 8:16 a 8:16 a", 0));
}

static void test_status_parse(void **state)
{
	_cleanup_mp_status_ struct mp_status *s = NULL;

	/* round-robin, two groups, one failed path (6.1 prints a trailing space). */
	assert_int_equal(mp_status_parse("2 0 0 0 2 1 A 0 2 0 8:16 A 0 8:32 F 3 E 0 1 0 8:48 A 1 ", &s), 0);
	assert_false(s->queue_io);
	assert_int_equal(s->pg_init_count, 0);
	assert_int_equal(mp_strv_length(s->hwhandler_args), 0);
	assert_int_equal(s->nr_groups, 2);
	assert_int_equal(s->next_group, 1);
	assert_int_equal(s->groups[0].state, MP_GROUP_ACTIVE);
	assert_int_equal(s->groups[1].state, MP_GROUP_ENABLED);
	assert_int_equal(s->groups[0].nr_paths, 2);
	assert_true(s->groups[0].paths[0].active);
	assert_false(s->groups[0].paths[1].active);
	assert_int_equal(s->groups[0].paths[1].fail_count, 3);
	assert_string_equal(s->groups[1].paths[0].dev, "8:48");
	assert_int_equal(s->groups[1].paths[0].fail_count, 1);
	assert_int_equal(mp_status_active_paths(s), 2);
	assert_non_null(mp_status_find_path(s, "8:32"));
	assert_false(mp_status_find_path(s, "8:32")->active);
	assert_null(mp_status_find_path(s, "8:64"));
}

static void test_status_selector_args(void **state)
{
	_cleanup_mp_status_ struct mp_status *s = NULL;
	_cleanup_mp_status_ struct mp_status *h = NULL;

	/* service-time: per path "<in-flight size> <relative throughput>"; pg_init pending on alua. */
	assert_int_equal(mp_status_parse("2 1 3 0 2 2 E 0 2 2 8:16 A 0 0 1 8:32 F 1 0 1 "
					 "D 0 1 2 8:48 F 2 4096 1 ", &s), 0);
	assert_true(s->queue_io);
	assert_int_equal(s->pg_init_count, 3);
	assert_int_equal(s->next_group, 2);
	assert_int_equal(s->groups[1].state, MP_GROUP_DISABLED);
	assert_int_equal(s->groups[1].nr_path_args, 2);
	assert_string_equal(s->groups[1].paths[0].selector_args[0], "4096");
	assert_int_equal(mp_status_active_paths(s), 1);
	/* historical-service-time prints group status "2 <base> <threshold>" and three per-path values. */
	assert_int_equal(mp_status_parse("2 0 0 0 1 1 A 2 972 0 2 3 8:16 A 0 1024 0 0 8:32 A 0 2048 1 77", &h), 0);
	assert_int_equal(mp_strv_length(h->groups[0].selector_args), 2);
	assert_string_equal(h->groups[0].selector_args[0], "972");
	assert_string_equal(h->groups[0].paths[1].selector_args[2], "77");
}

static void test_status_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"2 0 0",
		"2 0 0 0 1 1",
		"2 0 0 0 1 1 X 0 1 0 8:16 A 0",
		"2 0 0 0 1 1 AE 0 1 0 8:16 A 0",
		"2 0 0 0 1 1 A 0 1 0 8:16 Q 0",
		"2 0 0 0 1 1 A 0 1 0 8:16 A",
		"2 0 0 0 1 1 A 0 1 0 8:16 A x",
		"2 0 0 0 1 1 A 0 2 0 8:16 A 0",
		"2 0 0 0 1 1 A 0 1 1 8:16 A 0",
		"2 0 0 0 1 1 A 0 1 0 8:16 A 0 junk",
		"2 0 0 0 1 2 A 0 1 0 8:16 A 0",
		"2 0 0 0 0 1",
		"2 0 0 0 1 1 A 0 99999999999 0 8:16 A 0",
		/* a path count, then no argument count: the group is freed before its paths exist */
		"2 0 0 0 1 1 A 0 5 x",
		"2 0 0 0 2 1 A 0 1 0 8:16 A 0 E 0 20 8:32 A 0",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct mp_status *s = NULL;

		if (mp_status_parse(bad[i], &s) >= 0)
			fail_msg("\"%s\" parsed", bad[i]);
		assert_null(s);
	}
}

static void test_switch_table(void **state)
{
	const struct mp_switch_path paths[] = { { "253:1", 0 }, { "253:2", 0 }, { "253:3", 2048 } };
	_cleanup_free_ char *s = NULL;

	assert_int_equal(mp_switch_table_format(128, paths, 3, &s), 0);
	assert_string_equal(s, "3 128 0 253:1 0 253:2 0 253:3 2048");
	assert_int_equal(mp_switch_table_format(0, paths, 3, &s), -EINVAL);
	assert_int_equal(mp_switch_table_format(128, paths, 0, &s), -EINVAL);
}

static void free_messages(char **msgs)
{
	mp_strv_free(msgs);
}

/* Format, check every message's size and shape, replay them as the kernel would, compare. */
static int check_mappings(const uint32_t *map, const uint32_t *old, size_t n, uint32_t nr_paths,
			  size_t max_len, char ***ret)
{
	uint32_t *table = calloc(n, sizeof(*table));
	char **msgs = NULL;
	int nr;

	assert_non_null(table);
	if (old)
		memcpy(table, old, n * sizeof(*table));
	nr = mp_switch_format_mappings(map, old, n, max_len, &msgs);
	assert_true(nr >= 0);
	assert_int_equal(mp_strv_length(msgs), nr);
	for (int i = 0; i < nr; i++) {
		const char *first = msgs[i] + strlen("set_region_mappings ");

		assert_true(strlen(msgs[i]) <= max_len);
		assert_int_equal(strncmp(msgs[i], "set_region_mappings ", 20), 0);
		/* Every message starts with an explicit index, so it stands on its own. */
		assert_true(first[0] != ':' && first[0] != 'R');
		assert_int_equal(mp_switch_apply_mappings(table, n, nr_paths, msgs[i]), 0);
	}
	assert_memory_equal(table, map, n * sizeof(*table));
	free(table);
	if (ret)
		*ret = msgs;
	else
		free_messages(msgs);
	return nr;
}

static void test_switch_mappings_compact(void **state)
{
	const uint32_t doc[] = { 0, 1, 2, 0, 1, 2, 1 };
	uint32_t same[1000], stripes[600];
	char **msgs = NULL;

	assert_int_equal(check_mappings(doc, NULL, ARRAY_SIZE(doc), 3, 4096, &msgs), 1);
	assert_string_equal(msgs[0], "set_region_mappings 0:0 :1 :2 R3,3 :1");
	free_messages(msgs);

	for (size_t i = 0; i < ARRAY_SIZE(same); i++)
		same[i] = 0xa;
	assert_int_equal(check_mappings(same, NULL, ARRAY_SIZE(same), 16, 4096, &msgs), 1);
	assert_string_equal(msgs[0], "set_region_mappings 0:a R1,3e7");
	free_messages(msgs);

	/* Two regions per member over three members, repeated. */
	for (size_t i = 0; i < ARRAY_SIZE(stripes); i++)
		stripes[i] = (i / 2) % 3;
	assert_int_equal(check_mappings(stripes, NULL, ARRAY_SIZE(stripes), 3, 4096, &msgs), 1);
	assert_string_equal(msgs[0], "set_region_mappings 0:0 :0 :1 :1 :2 :2 R6,252");
	free_messages(msgs);
}

static void test_switch_mappings_split(void **state)
{
	enum { N = 5000 };
	uint32_t *map = malloc(N * sizeof(*map));
	unsigned seed = 42;
	char **msgs = NULL;
	int nr;

	assert_non_null(map);
	for (size_t i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		map[i] = (seed >> 16) % 4;
	}
	nr = check_mappings(map, NULL, N, 4, 200, &msgs);
	assert_true(nr > 20);
	free_messages(msgs);
	/* The smallest useful limit still works; below it nothing fits. */
	assert_true(check_mappings(map, NULL, 64, 4, strlen("set_region_mappings 3f:3"), NULL) >= 32);
	assert_int_equal(mp_switch_format_mappings(map, NULL, N, 22, &msgs), -EINVAL);
	free(map);
}

static void test_switch_mappings_diff(void **state)
{
	enum { N = 4096 };
	uint32_t *old = malloc(N * sizeof(*old)), *map = malloc(N * sizeof(*map));
	char **msgs = NULL;

	assert_non_null(old);
	assert_non_null(map);
	for (size_t i = 0; i < N; i++)
		old[i] = map[i] = (i / 16) % 3;
	assert_int_equal(check_mappings(map, old, N, 3, 4096, &msgs), 0);
	assert_null(msgs[0]);
	free_messages(msgs);
	map[100] = 2;
	map[2000] = 0;
	map[2001] = 0;
	assert_int_equal(check_mappings(map, old, N, 3, 4096, &msgs), 1);
	assert_string_equal(msgs[0], "set_region_mappings 64:2 7d0:0 :0");
	free_messages(msgs);
	free(old);
	free(map);
}

static void test_switch_apply(void **state)
{
	uint32_t table[0x1100] = { 0 };

	/* The example from the kernel's switch.rst. */
	assert_int_equal(mp_switch_apply_mappings(table, ARRAY_SIZE(table), 3,
						  "set_region_mappings 1000:1 :2 R2,10"), 0);
	for (size_t i = 0x1000; i < 0x1000 + 18; i++)
		assert_int_equal(table[i], (i % 2) ? 2 : 1);
	assert_int_equal(table[0x1000 + 18], 0);
	assert_int_equal(mp_switch_apply_mappings(table, ARRAY_SIZE(table), 3, "set_region_mappings 0:0 :1 :2 :0 :1 :2 :1"), 0);
	assert_int_equal(table[6], 1);

	static const char *const bad[] = {
		"set_region_mappings",
		"other 0:0",
		"set_region_mappings 0:3",		/* path out of range */
		"set_region_mappings 1100:0",		/* region out of range */
		"set_region_mappings 0:0 R2,1",		/* cycle longer than what precedes */
		"set_region_mappings 10ff:0 R1,1",	/* repeat past the end */
		"set_region_mappings 0:0 R0,1",
		"set_region_mappings 0:0 R1",
		"set_region_mappings 0:0 R1,1x",
		"set_region_mappings 0:",
		"set_region_mappings x:1",
		"set_region_mappings 0:1z",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (mp_switch_apply_mappings(table, ARRAY_SIZE(table), 3, bad[i]) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_basic),
		cmocka_unit_test(test_format_features_and_handler),
		cmocka_unit_test(test_format_rejects),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_equal_kernel_normalized),
		cmocka_unit_test(test_equal_differences),
		cmocka_unit_test(test_status_parse),
		cmocka_unit_test(test_status_selector_args),
		cmocka_unit_test(test_status_rejects),
		cmocka_unit_test(test_switch_table),
		cmocka_unit_test(test_switch_mappings_compact),
		cmocka_unit_test(test_switch_mappings_split),
		cmocka_unit_test(test_switch_mappings_diff),
		cmocka_unit_test(test_switch_apply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
