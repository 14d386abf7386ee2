/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the reconciler (iscsi-session/reconcile.c): new before old, never the last working session. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "reconcile.h"
#include "util.h"

#define T1 "iqn.2026-11.test:vol1"
#define T2 "iqn.2026-11.test:vol2"

static struct layout_session want(const char *target, const char *addr, const char *nic)
{
	struct layout_session s = { .port = 3260 };

	snprintf(s.target, sizeof(s.target), "%s", target);
	snprintf(s.addr, sizeof(s.addr), "%s", addr);
	snprintf(s.nic, sizeof(s.nic), "%s", nic);
	return s;
}

static struct reconcile_session have(unsigned sid, const char *target, const char *addr, const char *nic,
				     bool working)
{
	return (struct reconcile_session) { .sid = sid, .target = target, .addr = addr, .port = 3260, .nic = nic,
					    .logged_in = true, .working = working };
}

struct result {
	struct reconcile_action *acts;
	size_t n, held;
};

static void run(const struct reconcile_input *in, struct result *r)
{
	assert_int_equal(reconcile_compute(in, &r->acts, &r->n, &r->held), 0);
}

static size_t count(const struct result *r, enum reconcile_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->acts[i].kind == kind;
	return n;
}

static bool logs_out(const struct result *r, unsigned sid)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->acts[i].kind == RECONCILE_LOGOUT && r->acts[i].sid == sid)
			return true;
	return false;
}

static void test_nothing_to_do(void **state)
{
	struct layout_session d[2] = { want(T1, "10.0.0.11", "eth1"), want(T1, "10.0.0.11", "eth2") };
	struct reconcile_session a[2] = { have(1, T1, "10.0.0.11", "eth1", true), have(2, T1, "10.0.0.11", "eth2", true) };
	struct reconcile_input in = { .desired = d, .n_desired = 2, .actual = a, .n_actual = 2 };
	struct result r;

	run(&in, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.held, 0);
	free(r.acts);
}

static void test_logins_for_missing(void **state)
{
	struct layout_session d[3] = { want(T1, "10.0.0.11", "eth1"), want(T1, "10.0.0.11", "eth2"),
				       want(T1, "10.0.0.12", "eth1") };
	struct reconcile_session a[1] = { have(1, T1, "10.0.0.11", "eth1", true) };
	struct layout_session pend[1] = { want(T1, "10.0.0.11", "eth2") };
	struct reconcile_input in = { .desired = d, .n_desired = 3, .actual = a, .n_actual = 1,
				      .pending = pend, .n_pending = 1 };
	struct result r;

	run(&in, &r);
	/* one exists, one is being logged in: only the third */
	assert_int_equal(r.n, 1);
	assert_int_equal(r.acts[0].kind, RECONCILE_LOGIN);
	assert_int_equal(r.acts[0].index, 2);
	free(r.acts);
}

/* A failed session that is planned is not logged in twice: failure handling brings it back. */
static void test_failed_planned_session_stays(void **state)
{
	struct layout_session d[1] = { want(T1, "10.0.0.11", "eth1") };
	struct reconcile_session a[1] = { have(1, T1, "10.0.0.11", "eth1", false) };
	struct reconcile_input in = { .desired = d, .n_desired = 1, .actual = a, .n_actual = 1 };
	struct result r;

	a[0].logged_in = false;
	run(&in, &r);
	assert_int_equal(r.n, 0);
	free(r.acts);
}

/* Moving a session to another member: the new one first, the old one after. */
static void test_new_before_old(void **state)
{
	struct layout_session d[2] = { want(T1, "10.0.0.11", "eth1"), want(T1, "10.0.0.12", "eth2") };
	struct reconcile_session a[2] = { have(1, T1, "10.0.0.11", "eth1", true), have(2, T1, "10.0.0.11", "eth2", true) };
	struct reconcile_input in = { .desired = d, .n_desired = 2, .actual = a, .n_actual = 2 };
	struct result r;

	run(&in, &r);
	assert_int_equal(count(&r, RECONCILE_LOGIN), 1);
	assert_int_equal(count(&r, RECONCILE_LOGOUT), 0);
	assert_int_equal(r.held, 1);
	free(r.acts);

	/* the new one is logging in: still held */
	in.pending = &d[1];
	in.n_pending = 1;
	run(&in, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.held, 1);
	free(r.acts);

	/* it exists: now the old one goes */
	struct reconcile_session a2[3] = { a[0], a[1], have(3, T1, "10.0.0.12", "eth2", true) };

	in.actual = a2;
	in.n_actual = 3;
	in.n_pending = 0;
	run(&in, &r);
	assert_int_equal(r.n, 1);
	assert_true(logs_out(&r, 2));
	assert_string_equal(r.acts[0].why, "not in the plan");
	free(r.acts);
}

/* The last working session of a volume stays, even when the plan drops it. */
static void test_never_the_last_working(void **state)
{
	struct reconcile_session a[2] = { have(1, T1, "10.0.0.11", "eth1", true), have(2, T1, "10.0.0.11", "eth2", false) };
	struct reconcile_input in = { .actual = a, .n_actual = 2 };
	struct result r;

	/* nothing planned for vol1 (e.g. a NIC change): the failed one goes, the working one stays */
	run(&in, &r);
	assert_int_equal(r.n, 1);
	assert_true(logs_out(&r, 2));
	assert_int_equal(r.held, 1);
	free(r.acts);

	/* two working ones: one may go, not both */
	a[1].working = true;
	run(&in, &r);
	assert_int_equal(count(&r, RECONCILE_LOGOUT), 1);
	assert_int_equal(r.held, 1);
	free(r.acts);

	/* a logout already running counts as gone */
	a[0].logout_pending = true;
	run(&in, &r);
	assert_int_equal(r.n, 0);
	free(r.acts);
}

/* A volume the group no longer offers loses every session, the last working one too. */
static void test_volume_removed(void **state)
{
	struct reconcile_session a[3] = { have(1, T1, "10.0.0.11", "eth1", true), have(2, T1, "10.0.0.11", "eth2", true),
					  have(3, T2, "10.0.0.11", "eth1", true) };
	const char *gone[1] = { T1 };
	struct layout_session d[1] = { want(T2, "10.0.0.11", "eth1") };
	struct reconcile_input in = { .desired = d, .n_desired = 1, .actual = a, .n_actual = 3, .gone = gone,
				      .n_gone = 1 };
	struct result r;

	run(&in, &r);
	assert_int_equal(r.n, 2);
	assert_true(logs_out(&r, 1));
	assert_true(logs_out(&r, 2));
	assert_string_equal(r.acts[0].why, "volume removed");
	free(r.acts);
}

/* Two sessions on one node (after a relogin): the one in use stays, else the newest. */
static void test_duplicates(void **state)
{
	struct layout_session d[1] = { want(T1, "10.0.0.11", "eth1") };
	struct reconcile_session a[2] = { have(4, T1, "10.0.0.11", "eth1", false), have(9, T1, "10.0.0.11", "eth1", true) };
	struct reconcile_input in = { .desired = d, .n_desired = 1, .actual = a, .n_actual = 2 };
	struct result r;

	a[0].logged_in = false;
	run(&in, &r);
	assert_int_equal(r.n, 1);
	assert_true(logs_out(&r, 4));
	assert_string_equal(r.acts[0].why, "duplicate");
	free(r.acts);

	/* the replacement logged in but not in use yet: the old one, in recovery, is held
	 * (it may come back first) */
	a[1].working = false;
	run(&in, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.held, 1);
	free(r.acts);
	a[1].working = true;

	/* the new one not in use yet, the old one back in use: the old one stays */
	a[0] = have(4, T1, "10.0.0.11", "eth1", true);
	a[1].working = false;
	run(&in, &r);
	assert_int_equal(r.n, 1);
	assert_true(logs_out(&r, 9));
	free(r.acts);

	/* neither in use, both logged in: the newest stays; the older one is not working, so it goes */
	a[0].working = false;
	run(&in, &r);
	assert_int_equal(r.n, 1);
	assert_true(logs_out(&r, 4));
	free(r.acts);
}

/* Volumes are independent: vol2's missing session does not hold vol1's logout. */
static void test_volumes_independent(void **state)
{
	struct layout_session d[2] = { want(T1, "10.0.0.11", "eth1"), want(T2, "10.0.0.11", "eth1") };
	struct reconcile_session a[2] = { have(1, T1, "10.0.0.11", "eth1", true), have(2, T1, "10.0.0.11", "eth2", true) };
	struct reconcile_input in = { .desired = d, .n_desired = 2, .actual = a, .n_actual = 2 };
	struct result r;

	run(&in, &r);
	assert_int_equal(count(&r, RECONCILE_LOGIN), 1);
	assert_true(logs_out(&r, 2));
	/* logins come first */
	assert_int_equal(r.acts[0].kind, RECONCILE_LOGIN);
	free(r.acts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_to_do),
		cmocka_unit_test(test_logins_for_missing),
		cmocka_unit_test(test_failed_planned_session_stays),
		cmocka_unit_test(test_new_before_old),
		cmocka_unit_test(test_never_the_last_working),
		cmocka_unit_test(test_volume_removed),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_volumes_independent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
