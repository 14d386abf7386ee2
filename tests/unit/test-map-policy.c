/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for maps' policies and the plugin registry (mpathd/map_policy.c, plugins.c) with hand-made maps and the built plugins. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <dirent.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../mpathd/daemon.h"
#include "../../mpathd/map.h"
#include "../../mpathd/path.h"
#include "../../mpathd/map_plan.h"
#include "../../mpathd/map_policy.h"
#include "../../mpathd/plugins.h"
#include "config.h"
#include "dmtable.h"
#include "log.h"
#include "selector_layout.h"
#include "strbuf.h"
#include "util.h"
#include "words.h"

/* ---- what the glue needs from the rest of the daemon ---- */

static unsigned reloads;
static struct strbuf sent = STRBUF_INIT;

bool path_is_usable(const struct path *p)
{
	return p->info.checker_state != MP_CHK_FAULTY && !p->gone;
}

void map_apply_actions(struct daemon *d, struct mpmap *m, struct mpath_sel_actions *a)
{
	for (size_t i = 0; a && i < a->nr_messages; i++)
		strbuf_printf(&sent, "%s: %s\n", m->name, a->messages[i].text);
	if (a && a->reload)
		reloads++;
	mp_sel_actions_free(a);
}

/* ---- fixture ---- */

static char logged[8192];

static void capture_log(enum mp_log_level level, const char *file, int line, const char *func,
			const char *msg, void *userdata)
{
	size_t len = strlen(logged);

	snprintf(logged + len, sizeof(logged) - len, "%s\n", msg);
}

struct fixture {
	struct daemon d;
	struct mp_config *cfg;
	struct mpmap map;
	struct mpmap *maps[1];
	struct path paths[3];
	struct path *map_paths[3];
	char state_dir[64];
};

static struct fixture fx;

static void add_path(const char *dev, const char *devt, const char *hctl, int tpg)
{
	struct path *p = &fx.paths[fx.map.nr_paths];

	snprintf(p->info.dev, sizeof(p->info.dev), "%s", dev);
	snprintf(p->info.devt, sizeof(p->info.devt), "%s", devt);
	snprintf(p->info.hctl, sizeof(p->info.hctl), "%s", hctl);
	snprintf(p->info.transport, sizeof(p->info.transport), "fc");
	p->info.tpg = tpg;
	p->info.checker_state = MP_CHK_READY;
	p->map = &fx.map;
	fx.map_paths[fx.map.nr_paths++] = p;
}

/* Resolve @conf for the map, then attach. */
static void configure(const char *conf)
{
	struct mp_path_ident id = { .wwid = fx.map.wwid };

	fx.cfg = mp_config_free(fx.cfg);
	assert_int_equal(mp_config_parse_string(conf, strlen(conf), "multipath.conf",
						MP_CONFIG_NO_BUILTIN, &fx.cfg, NULL), 0);
	assert_int_equal(mp_config_resolve(fx.cfg, &id, &fx.map.settings), 0);
	assert_int_equal(map_policy_attach(&fx.d, &fx.map), 0);
}

static int setup(void **state)
{
	memset(&fx, 0, sizeof(fx));
	logged[0] = '\0';
	mp_log_set_hook(capture_log, NULL);
	strcpy(fx.state_dir, "/tmp/mpath-glue-XXXXXX");
	assert_non_null(mkdtemp(fx.state_dir));
	snprintf(fx.map.wwid, sizeof(fx.map.wwid), "36001405aa");
	snprintf(fx.map.name, sizeof(fx.map.name), "mpatha");
	fx.map.paths = fx.map_paths;
	fx.map.size_sectors = 2048;
	fx.maps[0] = &fx.map;
	fx.d.maps = fx.maps;
	fx.d.nr_maps = 1;
	add_path("sdc", "8:32", "3:0:0:1", 2);
	add_path("sdb", "8:16", "2:0:0:1", 2);
	add_path("sdd", "8:48", "4:0:0:1", 1);
	reloads = 0;
	strbuf_reset(&sent);
	assert_int_equal(plugins_start(&fx.d, TEST_SELECTOR_DIR, fx.state_dir), 0);
	return 0;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char p[512];

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR)
			remove_tree(p);
		else
			unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int teardown(void **state)
{
	plugins_stop(&fx.d);
	mp_config_free(fx.cfg);
	remove_tree(fx.state_dir);
	strbuf_release(&sent);
	mp_log_set_hook(NULL, NULL);
	return 0;
}

/* The top device's table of the plan the map's policy builds now. */
static void expect_table(const char *want)
{
	struct mpath_sel_layout *l = NULL;
	struct map_plan *plan = NULL;
	const char *text;

	assert_true(map_policy_layout(&fx.map, &l) >= 0);
	assert_int_equal(map_plan_build(&fx.map, l, &plan), 0);
	text = plan->devs[plan->nr - 1].params;
	if (!streq(text, want))
		fail_msg("got \"%s\", want \"%s\"", text, want);
	map_plan_free(plan);
	mp_sel_layout_free(l);
}

/* ---- tests ---- */

/* No selector configured, failover grouping: the built-in grouping maps.c used to build. */
static void test_builtin_failover(void **state)
{
	configure("defaults {\n path_grouping_policy failover\n}\n");
	assert_string_equal(map_policy_name(&fx.map), "path-grouping");
	/* sorted by TPG, then H:C:T:L */
	expect_table("0 0 3 1 service-time 0 1 2 8:48 1 1 service-time 0 1 2 8:16 1 1 "
		     "service-time 0 1 2 8:32 1 1");
}

static void test_builtin_group_by_tpg(void **state)
{
	configure("defaults {\n path_grouping_policy group_by_tpg\n path_selector \"round-robin 0\"\n"
		  " rr_min_io_rq 3\n}\n");
	assert_string_equal(map_policy_name(&fx.map), "path-grouping");
	/* multipath-tools' order: equal priorities, so the group with more usable paths first */
	expect_table("0 0 2 1 round-robin 0 2 1 8:16 3 8:32 3 round-robin 0 1 1 8:48 3");
}

/* multibus without a selector keyword: the round-robin plugin. */
static void test_multibus_round_robin(void **state)
{
	configure("defaults {\n path_grouping_policy multibus\n}\n");
	assert_string_equal(map_policy_name(&fx.map), "round-robin");
	expect_table("0 0 1 1 service-time 0 3 2 8:16 1 1 8:32 1 1 8:48 1 1");
}

/* A plugin that is not installed: logged, and the map still gets a table. */
static void test_missing_plugin_falls_back(void **state)
{
	configure("defaults {\n selector no-such-plugin\n path_grouping_policy multibus\n}\n");
	assert_string_equal(map_policy_name(&fx.map), "path-grouping");
	assert_non_null(strstr(logged, "selector plugin \"no-such-plugin\" not found"));
	assert_non_null(strstr(logged, "mpatha: selector no-such-plugin unavailable; using the built-in path-grouping"));
	expect_table("0 0 1 1 service-time 0 3 2 8:48 1 1 8:16 1 1 8:32 1 1");
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *s = strstr(hay, needle); s; s = strstr(s + 1, needle))
		n++;
	return n;
}

/* A reconfigure re-attaches every map: a plugin still missing is not reported again. */
static void test_missing_plugin_reported_once(void **state)
{
	const char *conf = "defaults {\n selector no-such-plugin\n}\n";

	configure(conf);
	configure(conf);
	configure(conf);
	assert_string_equal(map_policy_name(&fx.map), "path-grouping");
	assert_int_equal(count(logged, "selector plugin \"no-such-plugin\" not found"), 1);
	assert_int_equal(count(logged, "selector no-such-plugin unavailable"), 1);
	/* after plugins_retry_failed() (a reconfigure) the loader looks again, once */
	plugins_retry_failed();
	configure(conf);
	assert_int_equal(count(logged, "selector plugin \"no-such-plugin\" not found"), 2);
	assert_int_equal(count(logged, "selector no-such-plugin unavailable"), 1);
}

#define FP_CONF \
	"defaults {\n selector failover-priority\n failback immediate\n}\n" \
	"multipaths {\n multipath {\n  wwid 36001405aa\n" \
	"  failover_priority \"hctl=4:0:0:1 1\"\n  failover_priority \"hctl=2:*:*:* 2\"\n }\n}\n"

static void test_failover_priority_through_glue(void **state)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	char *list[] = { "failover", "list" };
	char *setp[] = { "failover", "set-priority", "sdc=1", "--insert" };
	char *bad[] = { "failover", "set-state", "sdz", "down" };
	char *unknown[] = { "show", "maps" };
	struct mpath_sel_actions *a = NULL;
	bool ro = false;

	configure(FP_CONF);
	assert_string_equal(map_policy_name(&fx.map), "failover-priority");
	expect_table("0 0 3 1 service-time 0 1 2 8:48 1 1 service-time 0 1 2 8:16 1 1 "
		     "service-time 0 1 2 8:32 1 1");

	assert_int_equal(plugin_command_lookup(list, 2, &ro), 0);
	assert_true(ro);
	assert_int_equal(plugin_command_lookup(unknown, 2, &ro), -ENOENT);
	assert_int_equal(plugin_command(&fx.d, unknown, 2, false, &out, &ro), -ENOENT);

	assert_int_equal(plugin_command(&fx.d, list, 2, false, &out, &ro), 0);
	assert_non_null(strstr(strbuf_str(&out), "mpatha (36001405aa) failback immediate\n"));
	assert_non_null(strstr(strbuf_str(&out), "  *          1 config   Up    ready  sdd "));

	strbuf_reset(&out);
	ro = true;
	assert_int_equal(plugin_command(&fx.d, setp, 4, false, &out, &ro), 0);
	assert_false(ro);
	assert_int_equal(reloads, 1);
	expect_table("0 0 3 1 service-time 0 1 2 8:32 1 1 service-time 0 1 2 8:48 1 1 "
		     "service-time 0 1 2 8:16 1 1");
	{
		char path[256];

		snprintf(path, sizeof(path), "%s/selectors/failover-priority/36001405aa", fx.state_dir);
		assert_int_equal(access(path, R_OK), 0);
	}

	strbuf_reset(&out);
	assert_int_equal(plugin_command(&fx.d, bad, 4, false, &out, &ro), -ENODEV);
	assert_non_null(strstr(strbuf_str(&out), "no map using selector failover-priority"));

	/* JSON: one value per map, in an array */
	strbuf_reset(&out);
	assert_int_equal(plugin_command(&fx.d, list, 2, true, &out, &ro), 0);
	assert_true(strncmp(strbuf_str(&out), "[{\"name\":\"mpatha\"", 17) == 0);
	assert_string_equal(strbuf_str(&out) + out.len - 3, "]}]");

	/* the selected path fails: a switch_group message for the map to send */
	fx.paths[0].info.checker_state = MP_CHK_FAULTY;		/* sdc */
	assert_int_equal(map_policy_path_event(&fx.map, &fx.paths[0], MPATH_SEL_PATH_FAILED, &a), 0);
	assert_non_null(a);
	assert_int_equal(a->nr_messages, 1);
	assert_string_equal(a->messages[0].text, "switch_group 2");
	assert_false(a->reload);
	a = mp_sel_actions_free(a);

	/* a removed path, already detached from the map: reload */
	fx.map.nr_paths = 2;
	assert_int_equal(map_policy_path_event(&fx.map, &fx.paths[2], MPATH_SEL_PATH_REMOVED, &a), 0);
	assert_non_null(a);
	assert_true(a->reload);
	mp_sel_actions_free(a);
}

/* group_by_prio: groups by priority, best first; failback immediate switches back to it. */
static void test_builtin_group_by_prio_failback(void **state)
{
	struct mpath_sel_actions *a = NULL;
	struct mp_topo_group groups[2] = { 0 };
	struct map_dev top = { .type = MP_SEL_DEVICE_MULTIPATH, .groups = groups, .nr_groups = 2 };

	fx.paths[0].info.priority = 50;		/* sdc: active/optimized */
	fx.paths[1].info.priority = 10;		/* sdb: non-optimized */
	fx.paths[2].info.priority = 50;		/* sdd: active/optimized */
	configure("defaults {\n path_grouping_policy group_by_prio\n failback immediate\n"
		  " path_selector \"round-robin 0\"\n}\n");
	expect_table("0 0 2 1 round-robin 0 2 1 8:48 1 8:32 1 round-robin 0 1 1 8:16 1");

	/* the kernel went to group 2 while the optimized paths were down; one comes back */
	fx.map.devs = &top;
	fx.map.nr_devs = 1;
	groups[0].state = MP_PG_ENABLED;
	groups[1].state = MP_PG_ACTIVE;
	assert_int_equal(map_policy_path_event(&fx.map, &fx.paths[0], MPATH_SEL_PATH_USABLE, &a), 0);
	assert_non_null(a);
	assert_int_equal(a->nr_messages, 1);
	assert_string_equal(a->messages[0].text, "switch_group 1");
	a = mp_sel_actions_free(a);

	/* already on the best group: nothing to do */
	groups[0].state = MP_PG_ACTIVE;
	groups[1].state = MP_PG_ENABLED;
	assert_int_equal(map_policy_path_event(&fx.map, &fx.paths[0], MPATH_SEL_PATH_USABLE, &a), 0);
	assert_true(!a || a->nr_messages == 0);
	mp_sel_actions_free(a);
	fx.map.devs = NULL;
	fx.map.nr_devs = 0;
}

/* failback manual (the default): no switch back. */
static void test_builtin_failback_manual(void **state)
{
	struct mpath_sel_actions *a = NULL;
	struct mp_topo_group groups[3] = { 0 };
	struct map_dev top = { .type = MP_SEL_DEVICE_MULTIPATH, .groups = groups, .nr_groups = 3 };

	configure("defaults {\n path_grouping_policy failover\n}\n");
	fx.map.devs = &top;
	fx.map.nr_devs = 1;
	groups[1].state = MP_PG_ACTIVE;
	assert_int_equal(map_policy_path_event(&fx.map, &fx.paths[2], MPATH_SEL_PATH_USABLE, &a), 0);
	assert_true(!a || a->nr_messages == 0);
	mp_sel_actions_free(a);
	fx.map.devs = NULL;
	fx.map.nr_devs = 0;
}

/* Reconfigure to another selector: the map moves to it. */
/* The top device of the layout the map's policy builds now: its type and how many devices. */
static void expect_layout(enum mp_sel_device_type top_type, size_t nr_devices)
{
	struct mpath_sel_layout *l = NULL;
	int top = map_policy_layout(&fx.map, &l);

	assert_true(top >= 0);
	assert_int_equal(l->devices[top].type, top_type);
	assert_int_equal(l->nr_devices, nr_devices);
	mp_sel_layout_free(l);
}

#define EQL_CONF "defaults {\n selector eql-slice\n path_grouping_policy multibus\n}\n"

/*
 * A map found at start-up as one multipath device (multipathd's), whose selector builds a
 * switch over member devices: the kernel cannot change a live device's target type, so the
 * map keeps the built-in layout, says so once, and a reconfigure does not bring the plugin
 * back. A map of its own (new) gets the stack.
 */
static void test_adopted_map_keeps_its_type(void **state)
{
	struct map_dev top = { .type = MP_SEL_DEVICE_MULTIPATH };

	snprintf(top.name, sizeof(top.name), "mpatha");
	configure(EQL_CONF);
	assert_string_equal(map_policy_name(&fx.map), "eql-slice");
	expect_layout(MP_SEL_DEVICE_SWITCH, 3);		/* new: 2 members and the switch */

	fx.map.devs = &top;
	fx.map.nr_devs = 1;
	fx.map.origin = MAP_ADOPTED;
	expect_layout(MP_SEL_DEVICE_MULTIPATH, 1);
	assert_string_equal(map_policy_name(&fx.map), "path-grouping");
	assert_int_equal(count(logged, "mpatha: selector eql-slice builds a switch over this multipath map"), 1);
	configure(EQL_CONF);
	expect_layout(MP_SEL_DEVICE_MULTIPATH, 1);
	assert_string_equal(map_policy_name(&fx.map), "path-grouping");
	assert_int_equal(count(logged, "builds a switch over this"), 1);
	fx.map.devs = NULL;
	fx.map.nr_devs = 0;
}

static void test_reattach(void **state)
{
	configure(FP_CONF);
	assert_string_equal(map_policy_name(&fx.map), "failover-priority");
	configure(FP_CONF);
	assert_string_equal(map_policy_name(&fx.map), "failover-priority");
	configure("defaults {\n selector example\n}\n");
	assert_string_equal(map_policy_name(&fx.map), "example");
	expect_table("0 0 3 1 round-robin 0 1 1 8:16 1 round-robin 0 1 1 8:32 1 round-robin 0 1 1 8:48 1");
	map_policy_detach(&fx.map);
	assert_string_equal(map_policy_name(&fx.map), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_builtin_failover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtin_group_by_tpg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multibus_round_robin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_plugin_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_plugin_reported_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failover_priority_through_glue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reattach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adopted_map_keeps_its_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtin_group_by_prio_failback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtin_failback_manual, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
