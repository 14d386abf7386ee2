/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the failover-priority selector plugin: order, verbs, failback, persistence. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "mpath-selector.h"
#include "selector-host.h"

#define TARGET "iqn.2001-05.com.equallogic:vol1"
#define SEC 1000000ull

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

static void expect_str(char *got, const char *want)
{
	assert_non_null(got);
	if (strcmp(got, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", got, want);
	free(got);
}

static void expect_groups(const char *want)
{
	expect_str(fake_groups(&f), want);
}

/* Run a verb that must succeed; check its actions. */
static void verb_ok(const char *line, const char *want_actions)
{
	char *out = NULL, *actions = NULL;
	int r = fake_verb(&f, line, 0, &out, &actions);

	if (r != 0)
		fail_msg("%s: %d (%s)", line, r, out);
	free(out);
	expect_str(actions, want_actions);
}

/*
 * sdb 2:0:0:1 portal 10.0.0.1 iface0    iface=iface0 -> 5
 * sdc 3:0:0:1 portal 10.0.0.2 iface1    portal=10.0.0.2 -> 1
 * sdd 4:0:0:1 portal 10.0.0.1 iface1    portal=10.0.0.1:3260 -> 7
 * sde 10:0:0:1 (not iSCSI)              hctl=10:*:*:* -> 5 (tie with sdb, after it)
 */
static void standard_map(void)
{
	fake_add_iscsi_path(&f, "sdb", "2:0:0:1", TARGET, "10.0.0.1:3260", "iface0");
	fake_add_iscsi_path(&f, "sdc", "3:0:0:1", TARGET, "10.0.0.2:3260", "iface1");
	fake_add_iscsi_path(&f, "sdd", "4:0:0:1", TARGET, "10.0.0.1:3260", "iface1");
	fake_add_path(&f, "sde", "10:0:0:1");
	fake_set(&f, "failover_priority", "portal=10.0.0.2 1");
	fake_set(&f, "failover_priority", "iface=iface0 5");
	fake_set(&f, "failover_priority", "hctl=10:*:*:* 5");
	fake_set(&f, "failover_priority", "portal=10.0.0.1:3260 7");
	assert_int_equal(fake_attach(&f), 0);
}

static void test_abi(void **state)
{
	assert_int_equal(mpath_selector.abi_version, MPATH_SELECTOR_ABI_VERSION);
	assert_string_equal(mpath_selector.name, "failover-priority");
	for (const struct mpath_sel_verb *v = mpath_selector.verbs; v->name; v++)
		assert_non_null(v->run);
}

static void test_config_order(void **state)
{
	standard_map();
	expect_groups("*[sdc] [sdb] [sde] [sdd]");
	/* one path per group, the kernel selector and repeat count as configured */
	fake_set(&f, "path_selector", "round-robin 0");
	expect_str(fake_table(&f),
		   "0 0 4 1 round-robin 0 1 1 8:32 1 round-robin 0 1 1 8:16 1 "
		   "round-robin 0 1 1 8:64 1 round-robin 0 1 1 8:48 1");
}

/* Paths no entry matches come after every path with a priority, in H:C:T:L order. */
static void test_unconfigured_last(void **state)
{
	standard_map();
	fake_add_path(&f, "sdg", "9:0:0:1");
	fake_add_path(&f, "sdf", "1:0:0:1");
	expect_groups("*[sdc] [sdb] [sde] [sdd] [sdf] [sdg]");
}

static void test_match_kinds(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:1");
	fake_add_path(&f, "sdc", "3:0:0:1");
	fake_add_iscsi_path(&f, "sdd", "4:0:0:1", TARGET, "[fd00::1]:3260", "iface0");
	fake_add_iscsi_path(&f, "sde", "5:0:0:1", TARGET, "10.0.0.9:3261", "iface0");
	fake_set(&f, "failover_priority", "host=host3 2");
	fake_set(&f, "failover_priority", "portal=[fd00:0:0::1] 1");	/* same address, other spelling */
	fake_set(&f, "failover_priority", "portal=10.0.0.9:3260 3");	/* port differs: no match */
	fake_set(&f, "failover_priority", "hctl=2:0:*:1 4");
	assert_int_equal(fake_attach(&f), 0);
	expect_groups("*[sdd] [sdc] [sdb] [sde]");
	/* iface= also matches the NIC the iface is bound to */
	snprintf(f.paths[3].netdev, sizeof(f.paths[3].netdev), "eth2");
	fake_set(&f, "failover_priority", "iface=eth2 3");
	expect_groups("*[sdd] [sdc] [sde] [sdb]");
}

/* The first matching entry wins, not the lowest number. */
static void test_first_match_wins(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:1");
	fake_add_path(&f, "sdc", "3:0:0:1");
	fake_set(&f, "failover_priority", "hctl=2:*:*:* 9");
	fake_set(&f, "failover_priority", "hctl=*:*:*:* 1");
	assert_int_equal(fake_attach(&f), 0);
	expect_groups("*[sdc] [sdb]");
}

static void test_initial_group_skips_unusable(void **state)
{
	standard_map();
	fake_path(&f, "sdc")->usable = false;
	expect_groups("[sdc] *[sdb] [sde] [sdd]");
}

static void test_set_priority(void **state)
{
	standard_map();
	expect_groups("*[sdc] [sdb] [sde] [sdd]");
	verb_ok("failover set-priority sdd=1", "reload");
	/* ties keep H:C:T:L order: sdc 3:0:0:1 before sdd 4:0:0:1 */
	expect_groups("*[sdc] [sdd] [sdb] [sde]");
	assert_int_equal(f.saves, 1);
	assert_non_null(strstr(f.state_text, "\npath 1 up iscsi:" TARGET ",10.0.0.1:3260,iface1\n"));
	/* back to the configured value */
	verb_ok("failover set-priority 4:0:0:1=default", "reload");
	expect_groups("*[sdc] [sdb] [sde] [sdd]");
	assert_null(f.state_text);
}

static void test_set_priority_errors(void **state)
{
	char *out;

	standard_map();
	assert_int_equal(fake_verb(&f, "failover set-priority sdd=0", 0, &out, NULL), -EINVAL);
	assert_non_null(strstr(out, "usage: failover set-priority"));
	free(out);
	assert_int_equal(fake_verb(&f, "failover set-priority sdd=4000001", 0, &out, NULL), -EINVAL);
	free(out);
	assert_int_equal(fake_verb(&f, "failover set-priority sdd", 0, &out, NULL), -EINVAL);
	free(out);
	assert_int_equal(fake_verb(&f, "failover set-priority sdz=3", 0, &out, NULL), -ENOENT);
	free(out);
	assert_int_equal(f.saves, 0);
}

/* --insert: priorities >= N move down by one, N's place goes to the path. */
static void test_insert(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:1");
	fake_add_path(&f, "sdc", "3:0:0:1");
	fake_add_path(&f, "sdd", "4:0:0:1");
	fake_add_path(&f, "sde", "5:0:0:1");
	fake_set(&f, "failover_priority", "hctl=2:0:0:1 1");
	fake_set(&f, "failover_priority", "hctl=3:0:0:1 2");
	fake_set(&f, "failover_priority", "hctl=4:0:0:1 3");
	fake_set(&f, "failover_priority", "hctl=5:0:0:1 4000000");
	fake_set(&f, "failback", "immediate");
	assert_int_equal(fake_attach(&f), 0);
	fake_add_path(&f, "sdf", "6:0:0:1");
	expect_groups("*[sdb] [sdc] [sdd] [sde] [sdf]");

	verb_ok("failover set-priority sdf=2 --insert", "reload");
	expect_groups("*[sdb] [sdf] [sdc] [sdd] [sde]");
	/* sdb keeps 1, sdc 2->3, sdd 3->4, sde stays at the maximum */
	assert_non_null(strstr(f.state_text, "path 3 up hctl:3:0:0:1\n"));
	assert_non_null(strstr(f.state_text, "path 4 up hctl:4:0:0:1\n"));
	assert_non_null(strstr(f.state_text, "path 4000000 up hctl:5:0:0:1\n"));
	assert_non_null(strstr(f.state_text, "path 2 up hctl:6:0:0:1\n"));
	assert_null(strstr(f.state_text, "hctl:2:0:0:1"));

	/* without --insert, equal priorities just tie */
	verb_ok("failover set-priority sdb=3", "reload");
	expect_groups("*[sdf] [sdb] [sdc] [sdd] [sde]");

	/* --insert at the top */
	verb_ok("failover set-priority sde=1 --insert", "reload");
	expect_groups("*[sde] [sdf] [sdb] [sdc] [sdd]");
}

/* Down paths leave the table, never carry I/O, and come back when Up. */
static void test_set_state(void **state)
{
	char *out;

	standard_map();
	expect_groups("*[sdc] [sdb] [sde] [sdd]");
	verb_ok("failover set-state sdc down", "reload");
	expect_groups("*[sdb] [sde] [sdd]");
	assert_non_null(strstr(f.state_text, "path - down iscsi:" TARGET ",10.0.0.2:3260,iface1\n"));

	/* a Down path coming back from a checker failure does not get I/O */
	expect_str(fake_event(&f, "sdc", MPATH_SEL_PATH_USABLE), "");

	assert_int_equal(fake_verb(&f, "failover list", 0, &out, NULL), 0);
	assert_non_null(strstr(out, "mpatha (3600a0b80000000000000000000000001) failback manual\n"));
	assert_non_null(strstr(out, "       1 config   Down  ready  sdc "));
	assert_non_null(strstr(out, "  *          5 config   Up    ready  sdb "));
	free(out);

	/* Up again: back in the table, but manual failback keeps I/O where it is */
	verb_ok("failover set-state sdc up", "reload");
	expect_groups("[sdc] *[sdb] [sde] [sdd]");
	assert_null(f.state_text);

	/* --select moves I/O to the best Up path at once */
	verb_ok("failover set-state sdc up --select", "switch_group 1");
	expect_groups("*[sdc] [sdb] [sde] [sdd]");

	/* Down with --select on the path carrying I/O */
	verb_ok("failover set-state sdc down --select", "reload");
	expect_groups("*[sdb] [sde] [sdd]");

	assert_int_equal(fake_verb(&f, "failover set-state sdc sideways", 0, &out, NULL), -EINVAL);
	free(out);
	assert_int_equal(fake_verb(&f, "failover set-state sdc", 0, &out, NULL), -EINVAL);
	free(out);
}

static void test_list_filter_and_json(void **state)
{
	char *out;

	standard_map();
	expect_groups("*[sdc] [sdb] [sde] [sdd]");
	assert_int_equal(fake_verb(&f, "failover list mpathb", 0, &out, NULL), -ENOENT);
	free(out);
	assert_int_equal(fake_verb(&f, "failover list 3600a0b80000000000000000000000001", 0, &out, NULL), 0);
	free(out);
	assert_int_equal(fake_verb(&f, "failover list", MPATH_SEL_VERB_JSON, &out, NULL), 0);
	assert_true(strncmp(out, "{\"name\":\"mpatha\",\"wwid\":", strlen("{\"name\":\"mpatha\",\"wwid\":")) == 0);
	assert_non_null(strstr(out, "{\"dev\":\"sdc\",\"hctl\":\"3:0:0:1\",\"id\":\"iscsi:" TARGET
				",10.0.0.2:3260,iface1\",\"priority\":1,\"source\":\"config\",\"state\":\"up\",\"usable\":true,\"selected\":true}"));
	assert_string_equal(out + strlen(out) - 2, "]}");
	free(out);
	assert_int_equal(fake_verb(&f, "failover set-state sdd down", MPATH_SEL_VERB_JSON, &out, NULL), 0);
	assert_string_equal(out, "{\"message\":\"sdd (mpatha): Down\"}");
	free(out);
}

/* The selected path fails: I/O moves to the next priority at once, whatever the policy. */
static void fail_selected(void)
{
	expect_groups("*[sdc] [sdb] [sde] [sdd]");
	fake_path(&f, "sdc")->usable = false;
	expect_str(fake_event(&f, "sdc", MPATH_SEL_PATH_FAILED), "switch_group 2");
	/* a failure elsewhere changes nothing */
	fake_path(&f, "sdd")->usable = false;
	expect_str(fake_event(&f, "sdd", MPATH_SEL_PATH_FAILED), "");
	fake_path(&f, "sdd")->usable = true;
	expect_str(fake_event(&f, "sdd", MPATH_SEL_PATH_USABLE), "");
}

static void test_failback_immediate(void **state)
{
	fake_set(&f, "failback", "immediate");
	standard_map();
	fail_selected();
	fake_path(&f, "sdc")->usable = true;
	expect_str(fake_event(&f, "sdc", MPATH_SEL_PATH_USABLE), "switch_group 1");
	expect_groups("*[sdc] [sdb] [sde] [sdd]");
}

static void test_failback_manual(void **state)
{
	standard_map();
	fail_selected();
	fake_path(&f, "sdc")->usable = true;
	expect_str(fake_event(&f, "sdc", MPATH_SEL_PATH_USABLE), "");
	/* a reload is no failback either */
	expect_groups("[sdc] *[sdb] [sde] [sdd]");
	assert_int_equal(f.saves, 0);
	expect_str(fake_tick(&f), "");
	/* the administrator fails back */
	verb_ok("failover set-state sdc up --select", "switch_group 1");
}

static void test_failback_deferred(void **state)
{
	fake_set(&f, "failback", "30");
	standard_map();
	fail_selected();
	fake_path(&f, "sdc")->usable = true;
	expect_str(fake_event(&f, "sdc", MPATH_SEL_PATH_USABLE), "");
	f.now += 10 * SEC;
	expect_str(fake_tick(&f), "");
	f.now += 21 * SEC;
	expect_str(fake_tick(&f), "switch_group 1");
	expect_str(fake_tick(&f), "");

	/* the better path fails again before the time is up: no failback */
	fake_path(&f, "sdc")->usable = false;
	expect_str(fake_event(&f, "sdc", MPATH_SEL_PATH_FAILED), "switch_group 2");
	fake_path(&f, "sdc")->usable = true;
	expect_str(fake_event(&f, "sdc", MPATH_SEL_PATH_USABLE), "");
	f.now += 5 * SEC;
	fake_path(&f, "sdc")->usable = false;
	expect_str(fake_event(&f, "sdc", MPATH_SEL_PATH_FAILED), "");
	f.now += 40 * SEC;
	expect_str(fake_tick(&f), "");
}

/* followover: fail back when the better path comes back, but not on reloads. */
static void test_failback_followover(void **state)
{
	fake_set(&f, "failback", "followover");
	standard_map();
	fail_selected();
	expect_groups("[sdc] *[sdb] [sde] [sdd]");
	fake_path(&f, "sdc")->usable = true;
	expect_groups("[sdc] *[sdb] [sde] [sdd]");
	expect_str(fake_event(&f, "sdc", MPATH_SEL_PATH_USABLE), "switch_group 1");
}

/* With no usable path, the first one back carries I/O, whatever the policy. */
static void test_all_down_then_one_back(void **state)
{
	standard_map();
	expect_groups("*[sdc] [sdb] [sde] [sdd]");
	for (size_t i = 0; i < f.nr_paths; i++)
		f.view[i].usable = false;
	expect_str(fake_event(&f, "sdc", MPATH_SEL_PATH_FAILED), "");
	fake_path(&f, "sdd")->usable = true;
	expect_str(fake_event(&f, "sdd", MPATH_SEL_PATH_USABLE), "switch_group 4");
}

static void test_add_remove_reload(void **state)
{
	standard_map();
	expect_groups("*[sdc] [sdb] [sde] [sdd]");
	fake_add_path(&f, "sdf", "11:0:0:1");
	expect_str(fake_event(&f, "sdf", MPATH_SEL_PATH_ADDED), "reload");
	expect_groups("*[sdc] [sdb] [sde] [sdd] [sdf]");
	/* a path not in the loaded table that comes back: reload, no stale group number */
	fake_add_path(&f, "sdg", "1:0:0:1");
	fake_set(&f, "failover_priority", "hctl=1:0:0:1 1");
	fake_path(&f, "sdc")->usable = false;
	expect_str(fake_event(&f, "sdc", MPATH_SEL_PATH_FAILED), "reload");
}

/* A table that failed to load: group numbers refer to the one before. */
static void test_load_failed(void **state)
{
	standard_map();
	expect_groups("*[sdc] [sdb] [sde] [sdd]");
	expect_str(fake_map_event(&f, MPATH_SEL_MAP_LOADED), "");
	verb_ok("failover set-state sdb down", "reload");
	expect_groups("*[sdc] [sde] [sdd]");
	expect_str(fake_map_event(&f, MPATH_SEL_MAP_LOAD_FAILED), "");
	/* sdc fails; in the live table sdb is group 2 (Down, but the kernel does not know) */
	fake_path(&f, "sdc")->usable = false;
	expect_str(fake_event(&f, "sdc", MPATH_SEL_PATH_FAILED), "switch_group 3");
}

static void test_persistence_round_trip(void **state)
{
	standard_map();
	verb_ok("failover set-priority sdd=1 --insert", "reload");
	verb_ok("failover set-state sde down", "reload");
	expect_groups("*[sdd] [sdc] [sdb]");
	assert_non_null(f.state_text);

	/* restart: a new map_attach() reads the file */
	fake_detach(&f);
	assert_int_equal(fake_attach(&f), 0);
	expect_groups("*[sdd] [sdc] [sdb]");
	assert_string_equal(f.log, "");

	/* entries of a path that is gone are kept and still apply when it returns */
	fake_remove_path(&f, "sdd");
	verb_ok("failover set-priority sdb=9", "reload");
	assert_non_null(strstr(f.state_text, "path 1 up iscsi:" TARGET ",10.0.0.1:3260,iface1\n"));
	fake_detach(&f);
	assert_int_equal(fake_attach(&f), 0);
	fake_add_iscsi_path(&f, "sdx", "7:0:0:1", TARGET, "10.0.0.1:3260", "iface1");
	expect_groups("*[sdx] [sdc] [sdb]");
}

static void test_state_format(void **state)
{
	fake_add_path(&f, "sdb", "2:0:0:1");
	assert_int_equal(fake_attach(&f), 0);
	verb_ok("failover set-priority sdb=3", "reload");
	assert_string_equal(f.state_text,
			    "# mpathd failover-priority state; rewritten by mpathd on every change\n"
			    "mpathd-failover-priority 1\n"
			    "wwid 3600a0b80000000000000000000000001\n"
			    "path 3 up hctl:2:0:0:1\n"
			    "end 1\n");
}

/* Each bad file is reported and ignored as a whole: the configured order applies. */
static void expect_rejected(const char *text, const char *reason)
{
	fake_detach(&f);
	free(f.state_text);
	f.state_text = strdup(text);
	f.log[0] = '\0';
	assert_int_equal(fake_attach(&f), 0);
	if (!strstr(f.log, "saved failover state is corrupt") || !strstr(f.log, reason))
		fail_msg("log \"%s\" lacks \"%s\"", f.log, reason);
	expect_groups("*[sdc] [sdb] [sde] [sdd]");
}

#define GOOD_HEAD "mpathd-failover-priority 1\nwwid 3600a0b80000000000000000000000001\n"

static void test_corrupt_state_rejected(void **state)
{
	standard_map();
	expect_rejected("garbage\n", "line 1: not a failover-priority state file");
	expect_rejected("", "truncated");
	expect_rejected(GOOD_HEAD "path 1 down hctl:10:0:0:1\n", "truncated");
	expect_rejected(GOOD_HEAD "path 1 down hctl:10:0:0:1\nend 1", "line 4: the last line is incomplete");
	expect_rejected(GOOD_HEAD "path 1 down hctl:10:0:0:1\nend 2\n", "count at the end");
	expect_rejected("mpathd-failover-priority 1\nwwid 36000000000000000000000000000000f\nend 0\n",
			"another map");
	expect_rejected(GOOD_HEAD "path 0 up hctl:10:0:0:1\nend 1\n", "line 3: the priority");
	expect_rejected(GOOD_HEAD "path 1 maybe hctl:10:0:0:1\nend 1\n", "the state");
	expect_rejected(GOOD_HEAD "path 1 up\nend 1\n", "expected \"path");
	expect_rejected(GOOD_HEAD "path 1 up a\npath 2 up a\nend 2\n", "twice");
	expect_rejected(GOOD_HEAD "end 0\npath 1 up a\n", "after the end");
	expect_rejected("mpathd-failover-priority 2\n", "version 1");

	/* comments and blank lines are fine */
	fake_detach(&f);
	free(f.state_text);
	f.state_text = strdup("# hi\n\n" GOOD_HEAD "\npath 1 down hctl:10:0:0:1\n# x\nend 1\n");
	f.log[0] = '\0';
	assert_int_equal(fake_attach(&f), 0);
	assert_string_equal(f.log, "");
	expect_groups("*[sdc] [sdb] [sdd]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abi),
		cmocka_unit_test_setup_teardown(test_config_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unconfigured_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_match_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_initial_group_skips_unusable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_priority, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_priority_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_filter_and_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failback_immediate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failback_manual, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failback_deferred, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failback_followover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_down_then_one_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_remove_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_persistence_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_state_rejected, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
