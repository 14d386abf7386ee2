/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the session layout (iscsi-session/layout.c): limits, spreading, caps and stability. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "layout.h"
#include "util.h"

#define MAX_VOLS 64
#define MAX_MEMBERS 4

/* A simulated group: member m's portal is 10.20.0.(11 + m):3260, as in the VM test bed. */
struct group {
	char targets[MAX_VOLS][64];
	struct layout_portal portals[MAX_MEMBERS][2];
	struct layout_member members[MAX_MEMBERS];
	struct layout_volume volumes[MAX_VOLS];
	struct layout_subnet san;
	struct layout_nic nics[3];
	struct layout_input in;
};

static void group_init(struct group *g, size_t vols, size_t members, size_t nics, unsigned ms,
		       unsigned vs, unsigned total)
{
	static const char *const names[] = { "eth1", "eth2", "eth3" };

	memset(g, 0, sizeof(*g));
	g->san.family = AF_INET;
	g->san.prefix = 24;
	inet_pton(AF_INET, "10.20.0.0", g->san.addr);
	for (size_t m = 0; m < members; m++) {
		snprintf(g->portals[m][0].addr, ISESS_ADDR_MAX, "10.20.0.%zu", 11 + m);
		g->portals[m][0].port = 3260;
		g->members[m] = (struct layout_member) { .tpgt = (int)m + 1, .portals = g->portals[m], .n_portals = 1 };
	}
	for (size_t v = 0; v < vols; v++) {
		snprintf(g->targets[v], sizeof(g->targets[v]), "iqn.2026-11.test:vol%02zu", v + 1);
		g->volumes[v] = (struct layout_volume) {
			.target = g->targets[v], .member_sessions = ms, .volume_sessions = vs,
			.members = g->members, .n_members = members,
		};
	}
	for (size_t n = 0; n < nics; n++)
		g->nics[n] = (struct layout_nic) { .name = names[n], .usable = true, .subnets = &g->san, .n_subnets = 1 };
	g->in = (struct layout_input) {
		.volumes = g->volumes, .n_volumes = vols, .nics = g->nics, .n_nics = nics,
		.total_sessions = total,
	};
}

static size_t count_where(const struct layout_plan *p, const char *target, const char *addr, const char *nic)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_sessions; i++)
		n += (!target || streq(p->sessions[i].target, target)) &&
		     (!addr || streq(p->sessions[i].addr, addr)) && (!nic || streq(p->sessions[i].nic, nic));
	return n;
}

/* No (volume, portal, NIC) twice: a member's sessions each have their own NIC. */
static void assert_distinct(const struct layout_plan *p)
{
	for (size_t i = 0; i < p->n_sessions; i++)
		for (size_t j = i + 1; j < p->n_sessions; j++)
			assert_false(streq(p->sessions[i].target, p->sessions[j].target) &&
				     p->sessions[i].member == p->sessions[j].member &&
				     streq(p->sessions[i].nic, p->sessions[j].nic));
}

static void test_one_member(void **state)
{
	struct group g;
	struct layout_plan p;

	group_init(&g, 1, 1, 2, 2, 6, 512);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 2);
	assert_int_equal(count_where(&p, NULL, "10.20.0.11", "eth1"), 1);
	assert_int_equal(count_where(&p, NULL, "10.20.0.11", "eth2"), 1);
	assert_int_equal(p.sessions[0].port, 3260);
	assert_string_equal(p.sessions[0].nic, "eth1");	/* sorted in NIC order */
	assert_false(p.capped_by_total);
	layout_plan_release(&p);
}

static void test_two_members(void **state)
{
	struct group g;
	struct layout_plan p;

	group_init(&g, 1, 2, 2, 2, 6, 512);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 4);
	for (size_t m = 0; m < 2; m++)
		for (size_t n = 0; n < 2; n++)
			assert_int_equal(count_where(&p, NULL, g.portals[m][0].addr, g.nics[n].name), 1);
	assert_distinct(&p);
	layout_plan_release(&p);
}

static void test_three_members(void **state)
{
	struct group g;
	struct layout_plan p;

	/* 3 members x min(2, 2 NICs) = 6 = volumesessions */
	group_init(&g, 1, 3, 2, 2, 6, 512);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 6);
	assert_int_equal(count_where(&p, NULL, NULL, "eth1"), 3);
	assert_int_equal(count_where(&p, NULL, NULL, "eth2"), 3);
	for (size_t m = 0; m < 3; m++)
		assert_int_equal(count_where(&p, NULL, g.portals[m][0].addr, NULL), 2);
	assert_distinct(&p);
	layout_plan_release(&p);
}

/* volumesessions below members x membersessions: the sessions spread over the members first. */
static void test_volume_cap_spreads(void **state)
{
	struct group g;
	struct layout_plan p;

	group_init(&g, 1, 3, 2, 2, 4, 512);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 4);
	assert_int_equal(count_where(&p, NULL, "10.20.0.11", NULL), 2);
	assert_int_equal(count_where(&p, NULL, "10.20.0.12", NULL), 1);
	assert_int_equal(count_where(&p, NULL, "10.20.0.13", NULL), 1);
	assert_int_equal(count_where(&p, NULL, NULL, "eth1"), 2);
	assert_int_equal(count_where(&p, NULL, NULL, "eth2"), 2);
	layout_plan_release(&p);

	/* volumesessions 2 with 3 members: two members get one each, the third none */
	group_init(&g, 1, 3, 2, 2, 2, 512);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 2);
	assert_int_equal(count_where(&p, NULL, "10.20.0.13", NULL), 0);
	assert_int_equal(count_where(&p, NULL, NULL, "eth1"), 1);	/* one per NIC */
	layout_plan_release(&p);
}

/* membersessions above the NIC count: one session per NIC and member. */
static void test_member_sessions_above_nics(void **state)
{
	struct group g;
	struct layout_plan p;

	group_init(&g, 1, 2, 2, 4, 12, 512);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 4);
	assert_distinct(&p);
	layout_plan_release(&p);

	group_init(&g, 1, 2, 3, 4, 12, 512);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 6);
	assert_int_equal(count_where(&p, NULL, NULL, "eth3"), 2);
	layout_plan_release(&p);

	/* membersessions 1, 2 NICs, 3 members, 2 volumes: NICs take turns */
	group_init(&g, 2, 3, 2, 1, 6, 512);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 6);
	assert_int_equal(count_where(&p, NULL, NULL, "eth1"), 3);
	assert_int_equal(count_where(&p, NULL, NULL, "eth2"), 3);
	layout_plan_release(&p);
}

static void test_several_volumes(void **state)
{
	struct group g;
	struct layout_plan p;

	group_init(&g, 3, 3, 2, 2, 6, 512);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 18);
	for (size_t v = 0; v < 3; v++) {
		assert_int_equal(p.per_volume[v], 6);
		assert_int_equal(count_where(&p, g.targets[v], NULL, NULL), 6);
		/* sorted by volume */
		assert_string_equal(p.sessions[6 * v].target, g.targets[v]);
	}
	assert_int_equal(count_where(&p, NULL, NULL, "eth1"), 9);
	assert_int_equal(count_where(&p, NULL, NULL, "eth2"), 9);
	assert_distinct(&p);
	layout_plan_release(&p);
}

/* A totalsessions that binds: every volume gets one session before any gets a second. */
static void test_total_cap(void **state)
{
	struct group g;
	struct layout_plan p;

	group_init(&g, 40, 3, 2, 2, 6, 64);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 64);
	assert_true(p.capped_by_total);
	for (size_t v = 0; v < 40; v++)
		assert_int_equal(p.per_volume[v], v < 24 ? 2 : 1);	/* 40 + 24 = 64 */
	/* a volume's two sessions go to two members */
	assert_int_equal(count_where(&p, g.targets[0], "10.20.0.11", NULL), 1);
	assert_int_equal(count_where(&p, g.targets[0], "10.20.0.12", NULL), 1);
	assert_int_equal(count_where(&p, NULL, NULL, "eth1"), 32);
	assert_int_equal(count_where(&p, NULL, NULL, "eth2"), 32);
	layout_plan_release(&p);

	/* a cap that does not bind says so */
	group_init(&g, 10, 3, 2, 2, 6, 64);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 60);
	assert_false(p.capped_by_total);
	layout_plan_release(&p);
}

static void test_unusable_nic(void **state)
{
	struct group g;
	struct layout_plan p;

	group_init(&g, 1, 3, 2, 2, 6, 512);
	g.nics[1].usable = false;
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 3);
	assert_int_equal(count_where(&p, NULL, NULL, "eth2"), 0);
	layout_plan_release(&p);

	g.nics[0].usable = false;
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 0);
	layout_plan_release(&p);
}

/* One subnet per NIC: a member has a portal in each, and each NIC uses the one in its own. */
static void test_per_nic_subnets(void **state)
{
	struct group g;
	struct layout_subnet nets[2] = { { .family = AF_INET, .prefix = 24 }, { .family = AF_INET, .prefix = 24 } };
	struct layout_plan p;

	group_init(&g, 1, 2, 2, 2, 6, 512);
	inet_pton(AF_INET, "10.10.1.0", nets[0].addr);
	inet_pton(AF_INET, "10.10.2.0", nets[1].addr);
	for (size_t m = 0; m < 2; m++) {
		snprintf(g.portals[m][0].addr, ISESS_ADDR_MAX, "10.10.1.%zu", 11 + m);
		snprintf(g.portals[m][1].addr, ISESS_ADDR_MAX, "10.10.2.%zu", 11 + m);
		g.portals[m][1].port = 3260;
		g.members[m].n_portals = 2;
	}
	g.nics[0].subnets = &nets[0];
	g.nics[1].subnets = &nets[1];
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 4);
	assert_int_equal(count_where(&p, NULL, "10.10.1.11", "eth1"), 1);
	assert_int_equal(count_where(&p, NULL, "10.10.2.11", "eth2"), 1);
	assert_int_equal(count_where(&p, NULL, "10.10.1.12", "eth1"), 1);
	assert_int_equal(count_where(&p, NULL, "10.10.2.12", "eth2"), 1);
	layout_plan_release(&p);

	/* a member only in NIC 1's subnet is reached by NIC 1 alone */
	g.members[1].n_portals = 1;
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(count_where(&p, NULL, "10.10.1.12", NULL), 1);
	assert_int_equal(p.n_sessions, 3);
	layout_plan_release(&p);
}

/* Portals in no NIC's subnet are routed: every NIC reaches them. */
static void test_routed_portals(void **state)
{
	struct group g;
	struct layout_plan p;

	group_init(&g, 1, 2, 2, 2, 6, 512);
	snprintf(g.portals[0][0].addr, ISESS_ADDR_MAX, "192.168.7.1");
	snprintf(g.portals[1][0].addr, ISESS_ADDR_MAX, "192.168.7.2");
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 4);
	layout_plan_release(&p);
}

/* Where the limits allow, the plan keeps the sessions that exist. */
static void test_keeps_current(void **state)
{
	struct group g;
	struct layout_plan p;
	struct layout_session cur[2] = {
		{ .target = "iqn.2026-11.test:vol01", .addr = "10.20.0.11", .port = 3260, .nic = "eth2" },
		/* a session to a portal the member no longer has is not kept */
		{ .target = "iqn.2026-11.test:vol01", .addr = "10.20.0.99", .port = 3260, .nic = "eth1" },
	};

	group_init(&g, 1, 2, 2, 1, 6, 512);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(count_where(&p, NULL, "10.20.0.11", "eth1"), 1);	/* without history */
	layout_plan_release(&p);

	g.in.current = cur;
	g.in.n_current = 2;
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 2);
	assert_int_equal(count_where(&p, NULL, "10.20.0.11", "eth2"), 1);
	assert_int_equal(count_where(&p, NULL, "10.20.0.12", "eth1"), 1);	/* balanced around it */
	assert_int_equal(count_where(&p, NULL, "10.20.0.99", NULL), 0);
	layout_plan_release(&p);
}

static void test_pure(void **state)
{
	struct group g;
	struct layout_plan a, b;

	group_init(&g, 7, 3, 3, 2, 5, 64);
	assert_int_equal(layout_compute(&g.in, &a), 0);
	assert_int_equal(layout_compute(&g.in, &b), 0);
	assert_int_equal(a.n_sessions, b.n_sessions);
	assert_memory_equal(a.sessions, b.sessions, a.n_sessions * sizeof(*a.sessions));
	layout_plan_release(&a);
	layout_plan_release(&b);
}

static void test_bad_input(void **state)
{
	struct group g;
	struct layout_plan p = { 0 };

	group_init(&g, 1, 2, 2, 2, 6, 512);
	g.members[1].n_portals = 0;
	assert_int_equal(layout_compute(&g.in, &p), -EINVAL);
	assert_null(p.sessions);

	group_init(&g, 0, 0, 0, 2, 6, 512);
	assert_int_equal(layout_compute(&g.in, &p), 0);
	assert_int_equal(p.n_sessions, 0);
	layout_plan_release(&p);
}

static void test_subnet_contains(void **state)
{
	struct layout_subnet v6 = { .family = AF_INET6, .prefix = 64 };
	struct layout_subnet v4 = { .family = AF_INET, .prefix = 22 };

	inet_pton(AF_INET6, "fd00:1::", v6.addr);
	inet_pton(AF_INET, "10.20.4.0", v4.addr);
	assert_true(layout_subnet_contains(&v6, "fd00:1::5"));
	assert_false(layout_subnet_contains(&v6, "fd00:2::5"));
	assert_false(layout_subnet_contains(&v6, "10.20.4.1"));
	assert_true(layout_subnet_contains(&v4, "10.20.7.255"));
	assert_false(layout_subnet_contains(&v4, "10.20.8.0"));
	assert_false(layout_subnet_contains(&v4, "garbage"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_member),
		cmocka_unit_test(test_two_members),
		cmocka_unit_test(test_three_members),
		cmocka_unit_test(test_volume_cap_spreads),
		cmocka_unit_test(test_member_sessions_above_nics),
		cmocka_unit_test(test_several_volumes),
		cmocka_unit_test(test_total_cap),
		cmocka_unit_test(test_unusable_nic),
		cmocka_unit_test(test_per_nic_subnets),
		cmocka_unit_test(test_routed_portals),
		cmocka_unit_test(test_keeps_current),
		cmocka_unit_test(test_pure),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_subnet_contains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
