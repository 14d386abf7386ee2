/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for multipath-tools' prioritizers, detect_prio, the hardware handler, grouping and the best group. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "prio.h"
#include "util.h"

static void test_table(void **state)
{
	static const char *const implemented[] = { "const", "sysfs", "alua", "weightedpath",
						   "path_latency" };
	static const char *const known[] = { "ana", "datacore", "emc", "hds", "hp_sw", "iet",
					     "ontap", "random", "rdac" };
	struct mp_prio_input in = {};

	for (size_t i = 0; i < ARRAY_SIZE(implemented); i++)
		assert_true(mp_prioritizer_find(implemented[i])->implemented);
	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		assert_false(mp_prioritizer_find(known[i])->implemented);
		assert_int_equal(mp_prio_compute(known[i], "", &in), -EOPNOTSUPP);
	}
	assert_int_equal(mp_prioritizer_find("alua")->needs, MP_PRIO_NEEDS_RTPG);
	assert_int_equal(mp_prioritizer_find("sysfs")->needs, MP_PRIO_NEEDS_ACCESS_STATE);
	assert_null(mp_prioritizer_find("weighted"));
	assert_null(mp_prioritizer_find(NULL));
	assert_int_equal(mp_prio_compute("const", NULL, &in), 1);
	assert_int_equal(mp_prio_compute("nope", NULL, &in), -ENOENT);
	assert_int_equal(mp_prio_compute("const", NULL, NULL), -EINVAL);
}

static void test_sysfs_and_alua(void **state)
{
	struct mp_alua_group g = { .id = 1, .state = MP_ALUA_STANDBY, .pref = true };
	struct mp_prio_input in = { .access_state = "active/optimized\n", .preferred_path = "1\n" };

	assert_int_equal(mp_prio_compute("sysfs", "", &in), 50);
	assert_int_equal(mp_prio_compute("sysfs", "exclusive_pref_bit", &in), 130);
	in.access_state = "active/non-optimized\n";
	assert_int_equal(mp_prio_compute("sysfs", NULL, &in), 90);
	in.preferred_path = NULL;
	assert_int_equal(mp_prio_compute("sysfs", NULL, &in), 10);
	in.access_state = "standby\n";
	assert_int_equal(mp_prio_compute("sysfs", NULL, &in), 1);
	in.access_state = "transitioning\n";
	assert_int_equal(mp_prio_compute("sysfs", NULL, &in), 0);
	in.access_state = "unknown\n";
	in.preferred_path = "1";
	assert_int_equal(mp_prio_compute("sysfs", NULL, &in), 80);
	/* No access_state: a prio error, as multipath-tools' PRIO_UNDEF. */
	in.access_state = NULL;
	assert_int_equal(mp_prio_compute("sysfs", NULL, &in), -ENODATA);

	/* alua takes state and PREF from the RTPG group; the attributes do not matter. */
	assert_int_equal(mp_prio_compute("alua", NULL, &in), -ENODATA);
	in.alua = &g;
	assert_int_equal(mp_prio_compute("alua", NULL, &in), 81);
	g.state = MP_ALUA_ACTIVE_OPTIMIZED;
	assert_int_equal(mp_prio_compute("alua", "", &in), 50);
	assert_int_equal(mp_prio_compute("alua", "exclusive_pref_bit", &in), 130);
	g.pref = false;
	assert_int_equal(mp_prio_compute("alua", "exclusive_pref_bit", &in), 50);
	g.state = MP_ALUA_UNAVAILABLE;
	assert_int_equal(mp_prio_compute("alua", NULL, &in), 0);
}

static void test_weightedpath(void **state)
{
	struct mp_path_identity id = { .host = 4, .channel = 0, .target = 2, .lun = 1,
				       .devname = "sdaa", .serial = "ABC123" };
	struct mp_prio_input in = { .identity = &id };

	assert_int_equal(mp_prio_weightedpath("hbtl 1:.:.:. 2 4:.:.:. 4", &id), 4);
	id.host = 1;
	assert_int_equal(mp_prio_weightedpath("hbtl 1:.:.:. 2 4:.:.:. 4", &id), 2);
	id.host = 3;
	assert_int_equal(mp_prio_weightedpath("hbtl 1:.:.:. 2 4:.:.:. 4", &id), 0);
	id.lun = 1099511627776ULL;
	assert_int_equal(mp_prio_weightedpath("hbtl ^3:0:2:1099511627776$ 6", &id), 6);

	/* Searched, not anchored: "sda" matches sdaa; the first match wins. */
	assert_int_equal(mp_prio_weightedpath("devname sda 10 sdaa 20", &id), 10);
	assert_int_equal(mp_prio_weightedpath("devname ^sda$ 10 sdaa 20", &id), 20);
	assert_int_equal(mp_prio_weightedpath("  devname\t\tsd.a \t 9 ", &id), 9);
	assert_int_equal(mp_prio_compute("weightedpath", "devname sdaa 3", &in), 3);
	assert_int_equal(mp_prio_weightedpath("serial ^ABC 5", &id), 5);
	id.serial = NULL;
	assert_int_equal(mp_prio_weightedpath("serial ^ABC 5", &id), 0);
	assert_int_equal(mp_prio_weightedpath("serial ^$ 5", &id), 5);

	/* A broken regex is skipped; priorities read like atoi(). */
	assert_int_equal(mp_prio_weightedpath("devname sd[ 5 sdaa 6", &id), 6);
	assert_int_equal(mp_prio_weightedpath("devname sdaa abc", &id), 0);
	assert_int_equal(mp_prio_weightedpath("devname sdaa 7x", &id), 7);
	assert_int_equal(mp_prio_weightedpath("devname sdaa -5", &id), -ERANGE);
	/* A regex without a priority, an unknown kind, no args: 0. */
	assert_int_equal(mp_prio_weightedpath("devname sdaa", &id), 0);
	assert_int_equal(mp_prio_weightedpath("devnames sdaa 1", &id), 0);
	assert_int_equal(mp_prio_weightedpath("", &id), 0);
	assert_int_equal(mp_prio_weightedpath(NULL, &id), 0);
	assert_int_equal(mp_prio_weightedpath("devname sdaa 1", NULL), -EINVAL);
	in.identity = NULL;
	assert_int_equal(mp_prio_compute("weightedpath", "devname sdaa 3", &in), -ENODATA);
}

static void test_weightedpath_wwn(void **state)
{
	struct mp_path_identity fc = {
		.devname = "sdc", .fc = true,
		.host_wwnn = "0x20000000c9aaaaaa", .host_wwpn = "0x10000000c9aaaaaa",
		.tgt_wwnn = "0x2000001122334455", .tgt_wwpn = "0x5000001122334455",
	};
	struct mp_path_identity iscsi = { .devname = "sdd", .tgt_wwnn = "iqn.2003-01.org.x:t1" };

	assert_int_equal(mp_prio_weightedpath("wwn "
		"^0x20000000c9aaaaaa:0x10000000c9aaaaaa:0x2000001122334455:0x5000001122334455$ 7",
		&fc), 7);
	assert_int_equal(mp_prio_weightedpath("wwn :0x50+1122334455$ 8", &fc), 8);
	fc.host_wwnn = NULL;
	assert_int_equal(mp_prio_weightedpath("wwn ^\\[unknown\\]:0x1 9", &fc), 9);
	/* Not FC: only the target node name is known. */
	assert_int_equal(mp_prio_weightedpath("wwn ^\\[undef\\]:\\[undef\\]:iqn\\..*:\\[undef\\]$ 3",
					      &iscsi), 3);
	iscsi.tgt_wwnn = "";
	assert_int_equal(mp_prio_weightedpath("wwn ^(\\[undef\\]:){3}\\[undef\\]$ 4", &iscsi), 4);
}

static void test_path_latency_args(void **state)
{
	struct mp_path_latency_args a;

	assert_true(mp_path_latency_args_parse("io_num=20 base_num=10", &a));
	assert_int_equal(a.io_num, 20);
	assert_true(a.base_num == 10.0);
	assert_true(mp_path_latency_args_parse("base_num=1.5\tio_num=200 extra", &a));
	assert_int_equal(a.io_num, 200);
	assert_true(a.base_num == 1.5);
	static const char *const bad[] = {
		NULL, "", "io_num=20", "io_num=19 base_num=10", "io_num=20 base_num=10.5",
		"io_num=20 junk base_num=10", "io_num=20 io_num=30", "io_num= base_num=2",
		"base_num=1.0 io_num=50",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_false(mp_path_latency_args_parse(bad[i], &a));
		assert_int_equal(a.io_num, 100);
		assert_true(a.base_num == 1.77827941004);
	}
}

/* Expected values computed with multipath-tools' formula in IEEE doubles. */
static void test_path_latency(void **state)
{
	uint64_t s[100];
	struct mp_prio_input in = { .latency_us = s, .nr_latency = 20 };
	const double def = 1.77827941004;

	for (size_t i = 0; i < 100; i++)
		s[i] = 1000;
	assert_int_equal(mp_prio_path_latency(s, 100, def), 19);
	assert_int_equal(mp_prio_path_latency(s, 100, 10.0), 5);
	for (size_t i = 0; i < 20; i++)
		s[i] = 100;
	assert_int_equal(mp_prio_path_latency(s, 20, 10.0), 6);
	assert_int_equal(mp_prio_compute("path_latency", "io_num=20 base_num=10", &in), 6);
	/* 1 us or less: the top priority, 31 with the default base (log_base(1e8) < 32). */
	for (size_t i = 0; i < 20; i++)
		s[i] = 1;
	assert_int_equal(mp_prio_path_latency(s, 20, def), 31);
	for (size_t i = 0; i < 20; i++)
		s[i] = 0;
	assert_int_equal(mp_prio_path_latency(s, 20, def), 31);
	/* 200 s: beyond the 100 s ceiling. */
	for (size_t i = 0; i < 20; i++)
		s[i] = 200000000;
	assert_int_equal(mp_prio_path_latency(s, 20, def), 0);
	/* Zero samples count in the mean without adding to it. */
	for (size_t i = 0; i < 100; i++)
		s[i] = i < 50 ? 0 : 10000;
	assert_int_equal(mp_prio_path_latency(s, 100, def), 23);
	for (size_t i = 0; i < 100; i++)
		s[i] = i < 50 ? 100 : 10000;
	assert_int_equal(mp_prio_path_latency(s, 100, def), 19);

	assert_int_equal(mp_prio_path_latency(s, 0, def), -EINVAL);
	assert_int_equal(mp_prio_path_latency(s, 10, 1.0), -EINVAL);
	in.nr_latency = 0;
	assert_int_equal(mp_prio_compute("path_latency", NULL, &in), -ENODATA);
}

static void test_tpgs_resolve(void **state)
{
	struct mp_tpgs_probe p = { .scsi = true, .inquiry_tpgs = 3, .path_usable = true,
				   .probe = MP_ALUA_PROBE_OK };

	assert_int_equal(mp_tpgs_resolve(&p), MP_TPGS_BOTH);
	p.inquiry_tpgs = 1;
	assert_int_equal(mp_tpgs_resolve(&p), MP_TPGS_IMPLICIT);
	/* TPGS claimed but RTPG fails on a path that is up: no ALUA. */
	p.probe = MP_ALUA_PROBE_FAILED;
	assert_int_equal(mp_tpgs_resolve(&p), MP_TPGS_NONE);
	/* ... unless the path is down: ask again later. */
	p.path_down = true;
	assert_int_equal(mp_tpgs_resolve(&p), MP_TPGS_UNDEF);
	p.path_down = false;
	p.probe = MP_ALUA_PROBE_VPD_FAILED;
	assert_int_equal(mp_tpgs_resolve(&p), MP_TPGS_UNDEF);
	p.probe = MP_ALUA_PROBE_OK;
	p.path_usable = false;
	assert_int_equal(mp_tpgs_resolve(&p), MP_TPGS_UNDEF);
	p.inquiry_tpgs = -EIO;
	assert_int_equal(mp_tpgs_resolve(&p), MP_TPGS_UNDEF);
	/* TPGS 0 is final, RTPG or not; so is a non-SCSI bus. */
	p.inquiry_tpgs = 0;
	p.probe = MP_ALUA_PROBE_FAILED;
	assert_int_equal(mp_tpgs_resolve(&p), MP_TPGS_NONE);
	p.scsi = false;
	p.inquiry_tpgs = 3;
	assert_int_equal(mp_tpgs_resolve(&p), MP_TPGS_NONE);
}

static void test_detect(void **state)
{
	struct mp_prio_detect d = { .bus = MP_PRIO_BUS_SCSI, .tpgs = MP_TPGS_BOTH,
				    .access_state = true };

	assert_string_equal(mp_prio_detect(&d), "sysfs");
	/* NetApp E/EF wants RTPGs: alua, unless TPGS is explicit-only. */
	d.rdac = true;
	assert_string_equal(mp_prio_detect(&d), "alua");
	d.tpgs = MP_TPGS_EXPLICIT;
	assert_string_equal(mp_prio_detect(&d), "sysfs");
	/* No readable access_state (no device handler attached): alua. */
	d.rdac = false;
	d.access_state = false;
	assert_string_equal(mp_prio_detect(&d), "alua");
	d.tpgs = MP_TPGS_UNDEF;
	assert_string_equal(mp_prio_detect(&d), "alua");
	d.tpgs = MP_TPGS_NONE;
	d.access_state = true;
	assert_null(mp_prio_detect(&d));
	d = (struct mp_prio_detect) { .bus = MP_PRIO_BUS_NVME, .nvme_ana = true };
	assert_string_equal(mp_prio_detect(&d), "ana");
	d.nvme_ana = false;
	assert_null(mp_prio_detect(&d));
	d = (struct mp_prio_detect) { .bus = MP_PRIO_BUS_OTHER, .tpgs = MP_TPGS_BOTH };
	assert_null(mp_prio_detect(&d));
}

static void test_select(void **state)
{
	struct mp_prio_detect d = { .bus = MP_PRIO_BUS_SCSI, .tpgs = MP_TPGS_IMPLICIT,
				    .access_state = true };
	struct mp_prio_choice c;

	/* Detection beats any configured prio and drops its args. */
	mp_prio_select(true, &d, "weightedpath", "devname sda 10", &c);
	assert_string_equal(c.name, "sysfs");
	assert_string_equal(c.args, "");
	assert_int_equal(c.origin, MP_PRIO_ORIGIN_DETECTED);
	mp_prio_select(true, &d, "alua", "exclusive_pref_bit", &c);
	assert_string_equal(c.name, "sysfs");
	assert_string_equal(c.args, "");

	mp_prio_select(false, &d, "alua", "exclusive_pref_bit", &c);
	assert_string_equal(c.name, "alua");
	assert_string_equal(c.args, "exclusive_pref_bit");
	assert_int_equal(c.origin, MP_PRIO_ORIGIN_CONFIG);
	mp_prio_select(false, &d, NULL, NULL, &c);
	assert_string_equal(c.name, "const");
	assert_int_equal(c.origin, MP_PRIO_ORIGIN_CONFIG);
	mp_prio_select(false, &d, "weightedpath", NULL, &c);
	assert_string_equal(c.args, "");

	/* alua without TPGS falls back to const; while TPGS is unknown it stays. */
	d.tpgs = MP_TPGS_NONE;
	mp_prio_select(true, &d, "alua", "exclusive_pref_bit", &c);
	assert_string_equal(c.name, "const");
	assert_string_equal(c.args, "");
	assert_int_equal(c.origin, MP_PRIO_ORIGIN_ALUA_FALLBACK);
	d.tpgs = MP_TPGS_UNDEF;
	mp_prio_select(false, &d, "alua", NULL, &c);
	assert_string_equal(c.name, "alua");
}

static void assert_hwhandler(const int *tpgs, const char *const *dh, size_t n, bool retain,
			     const char *conf, const char *want)
{
	char buf[32];

	assert_int_equal(mp_hwhandler_select(tpgs, dh, n, retain, conf, buf, sizeof(buf)),
			 (int)strlen(want));
	assert_string_equal(buf, want);
}

static void test_hwhandler(void **state)
{
	const int all[] = { 1, 3 }, mixed[] = { 1, 0 }, undef[] = { -1, -1 }, some[] = { -1, 2 };
	const char *const none[] = { NULL, NULL };
	const char *const alua[] = { "detached\n", "alua\n" };
	const char *const rdac[] = { "rdac", "alua" };
	char small[4];

	assert_hwhandler(all, none, 2, true, NULL, "1 alua");
	assert_hwhandler(some, none, 2, true, NULL, "1 alua");
	assert_hwhandler(undef, none, 2, true, NULL, "0");
	assert_hwhandler(mixed, none, 2, true, NULL, "0");
	assert_hwhandler(all, none, 0, true, NULL, "0");
	/* The kernel's attached handler is kept, first path first, "detached" skipped. */
	assert_hwhandler(all, alua, 2, true, NULL, "1 alua");
	assert_hwhandler(all, rdac, 2, true, "0", "1 rdac");
	assert_hwhandler(mixed, rdac, 2, true, NULL, "1 rdac");
	/* ... but a retained alua handler without TPGS on every path becomes "0". */
	assert_hwhandler(mixed, alua, 2, true, NULL, "0");
	/* A configured handler stays, "0" included; "1 alua" only where every path has TPGS. */
	assert_hwhandler(all, none, 2, true, "1 emc", "1 emc");
	assert_hwhandler(all, rdac, 2, false, "0", "0");
	assert_hwhandler(all, none, 2, true, "1 alua", "1 alua");
	assert_hwhandler(mixed, none, 2, true, "1 alua", "0");
	assert_int_equal(mp_hwhandler_select(all, none, 2, true, NULL, small, sizeof(small)),
			 -ENOBUFS);
}

static void assert_groups(const struct mp_pg_path *p, size_t n, enum mp_pg_match m, bool marginal,
			  int nr, const unsigned *want)
{
	unsigned got[16];

	assert_int_equal(mp_pg_group(p, n, m, marginal, got), nr);
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("path %zu: group %u, want %u", i, got[i], want[i]);
}

static void test_group_by_prio(void **state)
{
	struct mp_pg_path p[] = {
		{ .prio = 10, .enabled = true }, { .prio = 50, .enabled = true },
		{ .prio = 10, .enabled = true }, { .prio = 50, .enabled = true },
		{ .prio = 1, .enabled = true },
	};
	unsigned g[5];

	assert_groups(p, 5, MP_PG_BY_PRIO, false, 3, (const unsigned[]) { 1, 0, 1, 0, 2 });
	assert_int_equal(mp_pg_group(p, 5, MP_PG_BY_PRIO, false, g), 3);
	assert_int_equal(mp_pg_best(p, 5, g, 3), 1);
	assert_int_equal(mp_pg_priority(p, 5, g, 0).prio, 50);
	assert_int_equal(mp_pg_priority(p, 5, g, 0).enabled, 2);

	/* A group with no enabled path has priority 0, whatever its paths say. */
	p[1].enabled = p[3].enabled = false;
	assert_groups(p, 5, MP_PG_BY_PRIO, false, 3, (const unsigned[]) { 0, 2, 0, 2, 1 });
	assert_int_equal(mp_pg_group(p, 5, MP_PG_BY_PRIO, false, g), 3);
	assert_int_equal(mp_pg_best(p, 5, g, 3), 1);

	assert_int_equal(mp_pg_group(p, 0, MP_PG_BY_PRIO, false, g), 0);
	assert_int_equal(mp_pg_group(p, 5, MP_PG_BY_PRIO, false, NULL), -EINVAL);
}

/* failover and multibus: a group per path, or one; the groups sorted by priority all the same. */
static void test_group_each_and_all(void **state)
{
	struct mp_pg_path p[] = {
		{ .prio = 1, .enabled = true }, { .prio = 50, .enabled = true },
		{ .prio = 10, .enabled = true }, { .prio = 50, .enabled = false },
	};

	/* highest priority first; equal ones keep path order; a disabled path counts 0 */
	assert_groups(p, 4, MP_PG_EACH, false, 4, (const unsigned[]) { 2, 0, 1, 3 });
	assert_groups(p, 4, MP_PG_ALL, false, 1, (const unsigned[]) { 0, 0, 0, 0 });
}

static void test_group_by_tpg_average(void **state)
{
	struct mp_pg_path p[] = {
		{ .prio = 50, .tpg = 1, .enabled = true }, { .prio = 10, .tpg = 2, .enabled = true },
		{ .prio = 10, .tpg = 1, .enabled = true }, { .prio = 10, .tpg = 2, .enabled = true },
	};
	unsigned g[4];

	/* Group priority is the mean of enabled paths: 30 against 10. */
	assert_groups(p, 4, MP_PG_BY_TPG, false, 2, (const unsigned[]) { 0, 1, 0, 1 });
	/* 10 against 10: more enabled paths first. */
	p[0].enabled = false;
	assert_groups(p, 4, MP_PG_BY_TPG, false, 2, (const unsigned[]) { 1, 0, 1, 0 });
	/* All equal: the order of first appearance stays. */
	p[0].enabled = true;
	p[0].prio = 10;
	p[0].tpg = 7;
	p[2].tpg = 7;
	assert_groups(p, 4, MP_PG_BY_TPG, false, 2, (const unsigned[]) { 0, 1, 0, 1 });
	/* The mean rounds toward zero, PRIO_UNDEF (-1) included. */
	p[0].prio = 3;
	p[2].prio = 4;
	assert_int_equal(mp_pg_group(p, 4, MP_PG_BY_TPG, false, g), 2);
	assert_int_equal(mp_pg_priority(p, 4, g, g[0]).prio, 3);
	p[0].prio = -1;
	p[2].prio = -2;
	assert_int_equal(mp_pg_priority(p, 4, g, g[0]).prio, -1);
}

static void test_group_marginal(void **state)
{
	struct mp_pg_path p[] = {
		{ .prio = 50, .enabled = true }, { .prio = 50, .enabled = true, .marginal = true },
		{ .prio = 10, .enabled = true },
	};
	unsigned g[3];

	/* marginal_pathgroups: the marginal path gets its own group, after the normal ones. */
	assert_groups(p, 3, MP_PG_BY_PRIO, true, 3, (const unsigned[]) { 0, 2, 1 });
	assert_int_equal(mp_pg_group(p, 3, MP_PG_BY_PRIO, true, g), 3);
	assert_true(mp_pg_priority(p, 3, g, 2).marginal);
	assert_false(mp_pg_priority(p, 3, g, 0).marginal);
	/* Without it, the marginal path joins its priority's group, which is not marginal. */
	assert_groups(p, 3, MP_PG_BY_PRIO, false, 2, (const unsigned[]) { 0, 0, 1 });
	/* Only marginal paths: grouped as usual. */
	p[0].marginal = p[2].marginal = true;
	assert_groups(p, 3, MP_PG_BY_PRIO, true, 2, (const unsigned[]) { 0, 0, 1 });
}

static void test_best_group(void **state)
{
	struct mp_pg_path p[] = {
		{ .prio = 50, .enabled = true, .marginal = true }, { .prio = 10, .enabled = true },
		{ .prio = 10, .enabled = true }, { .prio = 10, .enabled = true },
	};

	/* A normal group replaces an earlier marginal choice whatever the priorities. */
	assert_int_equal(mp_pg_best(p, 2, (const unsigned[]) { 0, 1 }, 2), 2);
	/* A marginal group after a normal one is never chosen. */
	assert_int_equal(mp_pg_best(p, 2, (const unsigned[]) { 1, 0 }, 2), 1);
	/* Equal priorities: more enabled paths wins, else the earlier group. */
	assert_int_equal(mp_pg_best(p + 1, 3, (const unsigned[]) { 0, 1, 1 }, 2), 2);
	assert_int_equal(mp_pg_best(p + 1, 2, (const unsigned[]) { 0, 1 }, 2), 1);
	/* Nothing enabled, or no groups: group 1. */
	p[1].enabled = p[2].enabled = p[3].enabled = false;
	p[0].enabled = false;
	assert_int_equal(mp_pg_best(p, 4, (const unsigned[]) { 0, 1, 1, 2 }, 3), 1);
	assert_int_equal(mp_pg_best(p, 0, NULL, 0), 1);
	/* A lone enabled path in the last group. */
	p[3].enabled = true;
	assert_int_equal(mp_pg_best(p, 4, (const unsigned[]) { 0, 1, 1, 2 }, 3), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_sysfs_and_alua),
		cmocka_unit_test(test_weightedpath),
		cmocka_unit_test(test_weightedpath_wwn),
		cmocka_unit_test(test_path_latency_args),
		cmocka_unit_test(test_path_latency),
		cmocka_unit_test(test_tpgs_resolve),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_hwhandler),
		cmocka_unit_test(test_group_by_prio),
		cmocka_unit_test(test_group_by_tpg_average),
		cmocka_unit_test(test_group_marginal),
		cmocka_unit_test(test_group_each_and_all),
		cmocka_unit_test(test_best_group),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
