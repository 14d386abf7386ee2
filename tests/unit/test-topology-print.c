/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Golden tests for the topology renderings (-ll, -l, show paths/maps, JSON) and the model's lookups. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "strbuf.h"
#include "topology.h"
#include "topology_format.h"
#include "topology_print.h"

/* MP_UPDATE_GOLDEN=1 rewrites the .ok files from the current output; review the diff. */
static void check_golden(const char *name, const char *got)
{
	char path[4096], expected[65536];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/topology/%s", TEST_SRCDIR, name);
	if (getenv("MP_UPDATE_GOLDEN")) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		assert_int_equal(fclose(f), 0);
	}
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(expected, 1, sizeof(expected) - 1, f);
	fclose(f);
	expected[n] = '\0';
	if (strcmp(expected, got) != 0) {
		print_error("%s differs; got:\n%s", name, got);
		fail();
	}
}

static struct mp_topo_path path(const char *dev, const char *devt, const char *hctl,
				enum mp_dm_path_state dm, enum mp_checker_state chk,
				const char *dev_state, int tpg)
{
	struct mp_topo_path p = { .tpg = tpg, .relative_port = tpg < 0 ? -1 : tpg + 10,
				  .dm_state = dm, .checker_state = chk };

	snprintf(p.dev, sizeof(p.dev), "%s", dev);
	snprintf(p.devt, sizeof(p.devt), "%s", devt);
	snprintf(p.hctl, sizeof(p.hctl), "%s", hctl);
	snprintf(p.dev_state, sizeof(p.dev_state), "%s", dev_state);
	return p;
}

static void set_vendor(struct mp_topo_path *p, const char *vendor, const char *product,
		       const char *transport)
{
	snprintf(p->vendor, sizeof(p->vendor), "%s", vendor);
	snprintf(p->product, sizeof(p->product), "%s", product);
	snprintf(p->revision, sizeof(p->revision), "4.0");
	snprintf(p->transport, sizeof(p->transport), "%s", transport);
}

static void set_iscsi(struct mp_topo_path *p, const char *session, const char *iface,
		      const char *portal)
{
	snprintf(p->iscsi_session, sizeof(p->iscsi_session), "%s", session);
	snprintf(p->iscsi_iface, sizeof(p->iscsi_iface), "%s", iface);
	snprintf(p->iscsi_portal, sizeof(p->iscsi_portal), "%s", portal);
	snprintf(p->iscsi_target, sizeof(p->iscsi_target), "iqn.2003-01.org.linux-iscsi:vol0");
}

static void add_group(struct mp_topo_map *m, const char *selector, int prio,
		      enum mp_pg_state state, const struct mp_topo_path *paths, size_t n)
{
	struct mp_topo_group *g;

	m->groups = realloc(m->groups, (m->nr_groups + 1) * sizeof(*m->groups));
	assert_non_null(m->groups);
	g = &m->groups[m->nr_groups++];
	*g = (struct mp_topo_group){ .priority = prio, .state = state, .nr_paths = n };
	snprintf(g->selector, sizeof(g->selector), "%s", selector);
	g->paths = calloc(n, sizeof(*g->paths));
	assert_non_null(g->paths);
	memcpy(g->paths, paths, n * sizeof(*paths));
	for (size_t i = 0; i < n; i++)
		g->paths[i].size_sectors = m->size_sectors;
	for (size_t i = 0; i < n; i++)
		snprintf(g->paths[i].wwid, sizeof(g->paths[i].wwid), "%s", m->wwid);
}

/* mpatha: an alias, ALUA, two groups, one failed offline path; all over iSCSI. */
static void build_mpatha(struct mp_topo_map *m)
{
	struct mp_topo_path good[2], bad[1];

	snprintf(m->name, sizeof(m->name), "mpatha");
	snprintf(m->wwid, sizeof(m->wwid), "36001405abcdef0123456789abcdef012");
	snprintf(m->dm_name, sizeof(m->dm_name), "dm-0");
	snprintf(m->vendor, sizeof(m->vendor), "LIO-ORG");
	snprintf(m->product, sizeof(m->product), "vol0");
	snprintf(m->features, sizeof(m->features), "1 queue_if_no_path");
	snprintf(m->hwhandler, sizeof(m->hwhandler), "1 alua");
	snprintf(m->selector_plugin, sizeof(m->selector_plugin), "round-robin");
	m->size_sectors = 262144;	/* 128 MiB */
	m->queueing = -1;
	good[0] = path("sda", "8:0", "2:0:0:0", MP_DM_PATH_ACTIVE, MP_CHK_READY, "running", 1);
	good[1] = path("sdb", "8:16", "3:0:0:0", MP_DM_PATH_ACTIVE, MP_CHK_READY, "running", 1);
	bad[0] = path("sdc", "8:32", "4:0:0:0", MP_DM_PATH_FAILED, MP_CHK_FAULTY, "offline", 2);
	set_vendor(&good[0], "LIO-ORG", "vol0", "iscsi");
	set_vendor(&good[1], "LIO-ORG", "vol0", "iscsi");
	set_vendor(&bad[0], "LIO-ORG", "vol0", "iscsi");
	set_iscsi(&good[0], "session1", "iface0", "10.10.1.2:3260");
	set_iscsi(&good[1], "session2", "iface1", "10.10.2.2:3260");
	set_iscsi(&bad[0], "session3", "iface0", "[fd00::2]:3260");
	good[0].priority = good[1].priority = 50;
	bad[0].priority = 10;
	bad[0].fail_count = 3;
	add_group(m, "service-time 0", 50, MP_PG_ACTIVE, good, 2);
	add_group(m, "service-time 0", 10, MP_PG_ENABLED, bad, 1);
}

/* No alias (name == WWID), read-only, no vendor of its own, rarer states. */
static void build_unnamed(struct mp_topo_map *m)
{
	struct mp_topo_path first[1], rest[2];

	snprintf(m->name, sizeof(m->name), "36090a028108c5a3f0000000000000001");
	snprintf(m->wwid, sizeof(m->wwid), "36090a028108c5a3f0000000000000001");
	snprintf(m->dm_name, sizeof(m->dm_name), "dm-1");
	snprintf(m->features, sizeof(m->features), "0");
	snprintf(m->hwhandler, sizeof(m->hwhandler), "0");
	m->size_sectors = 5368709120ull;	/* 2.5 TiB */
	m->read_only = true;
	m->queueing = 12;
	first[0] = path("sdd", "8:48", "5:0:0:1", MP_DM_PATH_ACTIVE, MP_CHK_PENDING, "running", -1);
	rest[0] = path("sde", "8:64", "6:0:0:1", MP_DM_PATH_ACTIVE, MP_CHK_GHOST, "running", -1);
	rest[1] = path("sdf", "8:80", "7:0:0:1", MP_DM_PATH_FAILED, MP_CHK_ADMIN_DOWN, "blocked", -1);
	set_vendor(&first[0], "EQLOGIC", "100E-00", "fc");
	set_vendor(&rest[0], "EQLOGIC", "100E-00", "fc");
	set_vendor(&rest[1], "EQLOGIC", "100E-00", "fc");
	first[0].priority = 1;
	rest[0].priority = 2;
	rest[1].priority = 3;
	add_group(m, "round-robin 0", 1, MP_PG_ACTIVE, first, 1);
	add_group(m, "round-robin 0", 2, MP_PG_DISABLED, rest, 2);
}

static struct mp_topology *build_topology(void)
{
	struct mp_topology *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->generation = 42;
	t->created_usec = 1000;
	t->nr_maps = 2;
	t->maps = calloc(2, sizeof(*t->maps));
	assert_non_null(t->maps);
	build_mpatha(&t->maps[0]);
	build_unnamed(&t->maps[1]);
	t->nr_orphans = 2;
	t->orphans = calloc(2, sizeof(*t->orphans));
	assert_non_null(t->orphans);
	t->orphans[0] = path("sdr", "65:16", "1:0:0:0", MP_DM_PATH_UNKNOWN, MP_CHK_UNCHECKED,
			     "running", -1);
	set_vendor(&t->orphans[0], "ATA", "QEMU HARDDISK", "sas");
	t->orphans[0].size_sectors = 2097152;
	t->orphans[1] = path("", "", "", MP_DM_PATH_UNKNOWN, MP_CHK_UNCHECKED, "", -1);
	snprintf(t->orphans[1].devt, sizeof(t->orphans[1].devt), "8:96");
	return t;
}

static int setup(void **state)
{
	*state = build_topology();
	return 0;
}

static int teardown(void **state)
{
	assert_null(mp_topology_free(*state));
	return 0;
}

typedef int (*render_fn)(const struct mp_topology *t, struct strbuf *out);

static void check_render(void **state, render_fn fn, const char *golden)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(fn(*state, &sb), 0);
	check_golden(golden, strbuf_str(&sb));
	strbuf_release(&sb);
}

static int render_ll(const struct mp_topology *t, struct strbuf *out)
{
	return mp_topology_print_ll(t, NULL, true, out);
}

static int render_l(const struct mp_topology *t, struct strbuf *out)
{
	return mp_topology_print_ll(t, NULL, false, out);
}

/* Filtered by a path of the second map, as in `multipath -ll /dev/sde`. */
static int render_ll_filtered(const struct mp_topology *t, struct strbuf *out)
{
	return mp_topology_print_ll(t, "/dev/sde", true, out);
}

static int render_json_topology(const struct mp_topology *t, struct strbuf *out)
{
	return mp_topology_json_topology(t, out, true);
}

static int render_json_map(const struct mp_topology *t, struct strbuf *out)
{
	return mp_topology_json_map_topology(t, "/dev/mapper/mpatha", out, false);
}

static int render_json_paths(const struct mp_topology *t, struct strbuf *out)
{
	return mp_topology_json_paths(t, out, true);
}

static int render_json_maps(const struct mp_topology *t, struct strbuf *out)
{
	return mp_topology_json_maps(t, out, true);
}

/* An eql-slice stack: a switch over two members, each with its own paths first. */
static struct mp_topology *build_stack(void)
{
	struct mp_topology *t = calloc(1, sizeof(*t));
	struct mp_topo_map *m;
	struct mp_topo_path p11[2], p12[2];

	assert_non_null(t);
	t->maps = calloc(1, sizeof(*t->maps));
	assert_non_null(t->maps);
	t->nr_maps = 1;
	m = &t->maps[0];
	snprintf(m->name, sizeof(m->name), "mpatha");
	snprintf(m->wwid, sizeof(m->wwid), "36090a028108c5a3f0000000000000009");
	snprintf(m->dm_name, sizeof(m->dm_name), "dm-4");
	snprintf(m->target, sizeof(m->target), "switch");
	snprintf(m->selector_plugin, sizeof(m->selector_plugin), "eql-slice");
	m->size_sectors = 65536;
	m->region_size = 8192;
	m->nr_regions = 8;
	m->referrals_age_usec = 1200000;
	p11[0] = path("sdb", "8:16", "2:0:0:0", MP_DM_PATH_ACTIVE, MP_CHK_READY, "running", 11);
	p11[1] = path("sdc", "8:32", "3:0:0:0", MP_DM_PATH_ACTIVE, MP_CHK_READY, "running", 12);
	p12[0] = p11[1];
	p12[1] = p11[0];
	for (int i = 0; i < 2; i++) {
		set_vendor(&p11[i], "EQLOGIC", "100E-00", "iscsi");
		set_vendor(&p12[i], "EQLOGIC", "100E-00", "iscsi");
	}
	add_group(m, "queue-length 0", 0, MP_PG_ACTIVE, &p11[0], 1);
	add_group(m, "queue-length 0", 0, MP_PG_ENABLED, &p11[1], 1);
	add_group(m, "queue-length 0", 0, MP_PG_ACTIVE, &p12[0], 1);
	add_group(m, "queue-length 0", 0, MP_PG_ENABLED, &p12[1], 1);
	m->members = calloc(2, sizeof(*m->members));
	assert_non_null(m->members);
	m->nr_members = 2;
	m->members[0] = (struct mp_topo_member){ .name = "mpatha-m11", .dm_name = "dm-2", .features = "0",
						 .hwhandler = "0", .first_group = 0, .nr_groups = 2, .nr_regions = 5 };
	m->members[1] = (struct mp_topo_member){ .name = "mpatha-m12", .dm_name = "dm-3", .features = "0",
						 .hwhandler = "0", .first_group = 2, .nr_groups = 2, .nr_regions = 3 };
	return t;
}

static void test_stack(void **state)
{
	struct mp_topology *t = build_stack();
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(mp_topology_print_ll(t, NULL, true, &sb), 0);
	check_golden("ll-stack.ok", strbuf_str(&sb));
	strbuf_reset(&sb);
	assert_int_equal(mp_topology_json_topology(t, &sb, true), 0);
	check_golden("stack.json.ok", strbuf_str(&sb));
	strbuf_release(&sb);
	mp_topology_free(t);
}

/* What a script written for `multipathd show paths format "%d %w %t %T"` reads. */
static int render_paths_format(const struct mp_topology *t, struct strbuf *out)
{
	return mp_topology_format_paths(t, "%d %w %t %T %p %m %i %D %o %s %0 %P %L %% %y", false, out);
}

static int render_paths_raw_format(const struct mp_topology *t, struct strbuf *out)
{
	return mp_topology_format_paths(t, "%d:%w:%t:%T", true, out);
}

static int render_maps_format(const struct mp_topology *t, struct strbuf *out)
{
	return mp_topology_format_maps(t, "%n %w %d %N %Q %f %h %s %S %r", false, out);
}

static void test_paths_format(void **state)
{
	check_render(state, render_paths_format, "paths-format.ok");
	check_render(state, render_paths_raw_format, "paths-raw-format.ok");
	check_render(state, render_maps_format, "maps-format.ok");
}

static void test_ll(void **state)
{
	check_render(state, render_ll, "ll.ok");
}

static void test_l(void **state)
{
	check_render(state, render_l, "l.ok");
}

static void test_ll_filtered(void **state)
{
	check_render(state, render_ll_filtered, "ll-filtered.ok");
}

static void test_paths(void **state)
{
	check_render(state, mp_topology_print_paths, "paths.ok");
}

static void test_maps(void **state)
{
	check_render(state, mp_topology_print_maps, "maps.ok");
}

static void test_json_topology(void **state)
{
	check_render(state, render_json_topology, "topology.json.ok");
}

static void test_json_map(void **state)
{
	check_render(state, render_json_map, "map-mpatha.json.ok");
}

static void test_json_paths(void **state)
{
	check_render(state, render_json_paths, "paths.json.ok");
}

static void test_json_maps(void **state)
{
	check_render(state, render_json_maps, "maps.json.ok");
}

static void test_filter_unknown(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(mp_topology_print_ll(*state, "mpathz", true, &sb), -ENOENT);
	assert_int_equal(mp_topology_json_map_topology(*state, "sdz", &sb, false), -ENOENT);
	assert_string_equal(strbuf_str(&sb), "");
	strbuf_release(&sb);
}

static void test_empty_topology(void **state)
{
	struct mp_topology t = { 0 };
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(mp_topology_print_ll(&t, NULL, true, &sb), 0);
	assert_string_equal(strbuf_str(&sb), "");
	assert_int_equal(mp_topology_print_maps(&t, &sb), 0);
	assert_string_equal(strbuf_str(&sb), "name sysfs wwid paths active queueing selector features\n");
	strbuf_reset(&sb);
	assert_int_equal(mp_topology_json_paths(&t, &sb, false), 0);
	assert_string_equal(strbuf_str(&sb), "{\"paths\":[]}");
	strbuf_release(&sb);
}

static void test_format_size(void **state)
{
	static const struct { uint64_t sectors; const char *text; } cases[] = {
		{ 0, "0.0K" }, { 2, "1.0K" }, { 2047, "1023K" }, { 2048, "1.0M" },
		{ 262144, "128M" }, { 2097152, "1.0G" }, { 20971520, "10G" },
		{ 5368709120ull, "2.5T" }, { 2199023255552ull, "1.0P" },
		{ 2199023255552ull * 2048, "2048P" },
	};
	char buf[16];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mp_format_size(cases[i].sectors, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
	}
}

static void test_find(void **state)
{
	const struct mp_topology *t = *state;
	const struct mp_topo_map *m = (const void *)1;

	assert_ptr_equal(mp_topology_find_map(t, "mpatha"), &t->maps[0]);
	assert_ptr_equal(mp_topology_find_map(t, "36001405abcdef0123456789abcdef012"), &t->maps[0]);
	assert_ptr_equal(mp_topology_find_map(t, "dm-1"), &t->maps[1]);
	assert_ptr_equal(mp_topology_find_map(t, "/dev/mapper/mpatha"), &t->maps[0]);
	assert_null(mp_topology_find_map(t, "sda"));
	assert_null(mp_topology_find_map(t, ""));
	assert_ptr_equal(mp_topology_find_path(t, "8:64", &m), &t->maps[1].groups[1].paths[0]);
	assert_ptr_equal(m, &t->maps[1]);
	assert_ptr_equal(mp_topology_find_path(t, "/dev/sdr", &m), &t->orphans[0]);
	assert_null(m);
	assert_ptr_equal(mp_topology_find_path(t, "sdc", NULL), &t->maps[0].groups[1].paths[0]);
	assert_null(mp_topology_find_path(t, "sdz", NULL));
	assert_null(mp_topology_find_path(t, "", NULL));
	assert_int_equal(mp_topo_map_nr_paths(&t->maps[1]), 3);
	assert_int_equal(mp_topo_map_nr_active_paths(&t->maps[1]), 2);
}

static void test_state_names(void **state)
{
	assert_string_equal(mp_dm_path_state_name(MP_DM_PATH_FAILED), "failed");
	assert_string_equal(mp_dm_path_state_name((enum mp_dm_path_state)99), "undef");
	assert_string_equal(mp_checker_state_name(MP_CHK_UNCHECKED), "undef");
	assert_string_equal(mp_checker_state_name(MP_CHK_ADMIN_DOWN), "admin-down");
	assert_string_equal(mp_pg_state_name(MP_PG_DISABLED), "disabled");
	assert_string_equal(mp_pg_state_name(MP_PG_UNKNOWN), "undef");
	assert_null(mp_topology_free(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_l, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ll_filtered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_format, setup, teardown),
		cmocka_unit_test(test_stack),
		cmocka_unit_test_setup_teardown(test_maps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_topology, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_maps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
		cmocka_unit_test(test_empty_topology),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
