/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the control socket's policy: admission and eviction per uid, turns between uids, the log rate limit. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../mpathd/ipc_ratelimit.h"
#include "../../mpathd/ipc_sched.h"
#include "../../mpathd/ipc_slots.h"

#define ROOT 0
#define ALICE 1000
#define BOB 1001
#define EVE 1002

/* A small table: 8 connections, 3 kept for root, 2 per non-root uid. */
static const struct ipc_slot_limits limits = { .total = 8, .root_reserve = 3, .per_uid = 2 };

static struct ipc_slot_table table;
static struct ipc_slot slots[16];
static unsigned used;

static int setup(void **state)
{
	ipc_slots_init(&table, &limits);
	memset(slots, 0, sizeof(slots));
	used = 0;
	return 0;
}

static int teardown(void **state)
{
	for (unsigned i = 0; i < used; i++)
		ipc_slots_remove(&table, &slots[i]);
	assert_int_equal(table.nr_total, 0);
	assert_true(cds_list_empty(&table.users));
	return 0;
}

/* Admit a connection of @uid, which must fit without eviction; its index. */
static unsigned add(uid_t uid)
{
	struct ipc_slot *victim = NULL;

	assert_int_equal(ipc_slots_admit(&table, uid, false, &victim), IPC_SLOT_ADMIT);
	assert_int_equal(ipc_slots_add(&table, &slots[used], uid), 0);
	return used++;
}

/* What a new connection of @uid gets; -1 when refused, -2 when admitted, else the victim's index. */
static int decide(uid_t uid, bool no_fd)
{
	struct ipc_slot *victim = NULL;

	switch (ipc_slots_admit(&table, uid, no_fd, &victim)) {
	case IPC_SLOT_ADMIT:
		return -2;
	case IPC_SLOT_REFUSE:
		return -1;
	case IPC_SLOT_EVICT:
		break;
	}
	assert_non_null(victim);
	return (int)(victim - slots);
}

static void test_admit_below_caps(void **state)
{
	add(ALICE);
	add(ROOT);
	assert_int_equal(decide(ALICE, false), -2);
	assert_int_equal(decide(BOB, false), -2);
	assert_int_equal(decide(ROOT, false), -2);
	assert_int_equal(table.nr_total, 2);
	assert_int_equal(table.nr_nonroot, 1);
	assert_int_equal(ipc_slots_user_find(&table, ALICE)->nr_conns, 1);
	assert_null(ipc_slots_user_find(&table, BOB));
}

/* At its own cap a uid gives up its least recently used idle connection, never another uid's. */
static void test_per_uid_cap_evicts_own_lru(void **state)
{
	unsigned a0 = add(ALICE), a1 = add(ALICE);

	add(BOB);
	assert_int_equal(decide(ALICE, false), (int)a0);
	ipc_slots_touch(&table, &slots[a0]);
	assert_int_equal(decide(ALICE, false), (int)a1);
	/* a request in progress is never taken */
	ipc_slots_set_busy(&table, &slots[a1], true);
	assert_int_equal(decide(ALICE, false), (int)a0);
	ipc_slots_set_busy(&table, &slots[a0], true);
	assert_int_equal(decide(ALICE, false), -1);
	/* it ended: idle again, most recently used */
	ipc_slots_set_busy(&table, &slots[a1], false);
	assert_int_equal(decide(ALICE, false), (int)a1);
	/* the others are not touched by alice's cap */
	assert_int_equal(decide(BOB, false), -2);
	assert_int_equal(decide(ROOT, false), -2);
}

/* The non-root share (total - reserve = 5) full: the newcomer's own idle first, then any non-root one, never root's. */
static void test_nonroot_share(void **state)
{
	unsigned a0 = add(ALICE), b0 = add(BOB), a1 = add(ALICE), b1 = add(BOB), e0 = add(EVE);
	unsigned r0 = add(ROOT);

	assert_int_equal(table.nr_nonroot, 5);
	assert_int_equal(decide(EVE, false), (int)e0);
	assert_int_equal(decide(1003, false), (int)a0);		/* nothing of its own: the LRU non-root */
	ipc_slots_touch(&table, &slots[a0]);
	assert_int_equal(decide(1003, false), (int)b0);
	for (unsigned i = 0; i < 5; i++)
		ipc_slots_set_busy(&table, &slots[i], true);
	assert_int_equal(decide(1003, false), -1);		/* root's idle r0 is not for it */
	assert_int_equal(decide(ROOT, false), -2);		/* root still has its reserve */
	(void)a1;
	(void)b1;
	(void)r0;
}

/* The whole table full: root takes a non-root idle connection first, then its own; refused only when all are busy. */
static void test_root_at_total_cap(void **state)
{
	unsigned a0 = add(ALICE), b0 = add(BOB);
	unsigned r[6];

	for (unsigned i = 0; i < 6; i++)
		r[i] = add(ROOT);
	assert_int_equal(table.nr_total, 8);
	assert_int_equal(decide(ROOT, false), (int)a0);
	ipc_slots_set_busy(&table, &slots[a0], true);
	assert_int_equal(decide(ROOT, false), (int)b0);
	ipc_slots_set_busy(&table, &slots[b0], true);
	assert_int_equal(decide(ROOT, false), (int)r[0]);
	for (unsigned i = 0; i < 6; i++)
		ipc_slots_set_busy(&table, &slots[r[i]], true);
	assert_int_equal(decide(ROOT, false), -1);
	/* a non-root newcomer at the total cap may take only non-root idle ones */
	ipc_slots_set_busy(&table, &slots[r[2]], false);
	assert_int_equal(decide(EVE, false), -1);
	ipc_slots_set_busy(&table, &slots[b0], false);
	assert_int_equal(decide(EVE, false), (int)b0);
}

/* Out of descriptors: someone must make room even below every cap. */
static void test_no_fd(void **state)
{
	unsigned a0 = add(ALICE), r0 = add(ROOT);

	assert_int_equal(decide(ALICE, true), (int)a0);
	assert_int_equal(decide(BOB, true), (int)a0);
	assert_int_equal(decide(ROOT, true), (int)a0);
	ipc_slots_set_busy(&table, &slots[a0], true);
	assert_int_equal(decide(ROOT, true), (int)r0);
	assert_int_equal(decide(BOB, true), -1);
}

/* Evicting the victim the table names, then admitting, keeps every count right. */
static void test_evict_then_admit(void **state)
{
	unsigned a0 = add(ALICE);
	int v;

	add(ALICE);
	v = decide(ALICE, false);
	assert_int_equal(v, (int)a0);
	ipc_slots_remove(&table, &slots[v]);
	assert_int_equal(decide(ALICE, false), -2);
	assert_int_equal(ipc_slots_add(&table, &slots[a0], ALICE), 0);
	assert_int_equal(ipc_slots_user_find(&table, ALICE)->nr_conns, 2);
	assert_int_equal(table.nr_total, 2);
	assert_int_equal(table.nr_nonroot, 2);
}

/* ---- turns ---- */

struct line {
	struct ipc_sched_user user;
	struct ipc_sched_entry entries[8];
};

static unsigned popped(struct ipc_sched *s, struct line *lines, unsigned n)
{
	struct ipc_sched_user *u = NULL;
	struct ipc_sched_entry *e = ipc_sched_pop(s, &u);

	assert_non_null(e);
	for (unsigned i = 0; i < n; i++)
		if (u == &lines[i].user)
			return i;
	fail_msg("popped an unknown line");
	return 0;
}

/* A uid with many requests waiting takes turns with one that has a single request. */
static void test_turns(void **state)
{
	struct ipc_sched s;
	struct line lines[2];
	struct ipc_sched_user *u;

	ipc_sched_init(&s);
	for (unsigned i = 0; i < 2; i++)
		ipc_sched_user_init(&lines[i].user);
	for (unsigned k = 0; k < 8; k++)
		ipc_sched_push(&s, &lines[0].user, &lines[0].entries[k]);
	assert_int_equal(popped(&s, lines, 2), 0);
	ipc_sched_push(&s, &lines[1].user, &lines[1].entries[0]);
	ipc_sched_push(&s, &lines[1].user, &lines[1].entries[1]);
	assert_int_equal(popped(&s, lines, 2), 0);
	assert_int_equal(popped(&s, lines, 2), 1);
	assert_int_equal(popped(&s, lines, 2), 0);
	assert_int_equal(popped(&s, lines, 2), 1);
	for (unsigned k = 0; k < 5; k++)
		assert_int_equal(popped(&s, lines, 2), 0);
	assert_false(ipc_sched_pending(&s));
	assert_null(ipc_sched_pop(&s, &u));
}

/* A non-root uid with IPC_SCHED_LOOP_PER_UID requests at the loop sits out; root never does. */
static void test_loop_bound(void **state)
{
	struct ipc_sched s;
	struct line lines[2];
	struct ipc_sched_user *u = NULL;
	struct ipc_sched_entry *e;

	ipc_sched_init(&s);
	ipc_sched_user_init(&lines[0].user);
	ipc_sched_user_init(&lines[1].user);
	for (unsigned k = 0; k < IPC_SCHED_LOOP_PER_UID; k++) {
		assert_false(ipc_sched_loop_full(&lines[0].user, false));
		ipc_sched_loop_begin(&lines[0].user);
	}
	assert_true(ipc_sched_loop_full(&lines[0].user, false));
	assert_false(ipc_sched_loop_full(&lines[0].user, true));
	ipc_sched_push(&s, &lines[0].user, &lines[0].entries[0]);
	ipc_sched_push(&s, &lines[0].user, &lines[0].entries[1]);
	e = ipc_sched_pop(&s, &u);
	assert_ptr_equal(e, &lines[0].entries[0]);
	ipc_sched_hold(&s, u, e);
	assert_false(ipc_sched_pending(&s));
	/* others go on meanwhile */
	ipc_sched_push(&s, &lines[1].user, &lines[1].entries[0]);
	assert_int_equal(popped(&s, lines, 2), 1);
	assert_false(ipc_sched_pending(&s));
	/* an answer comes back: the held request is next, in its place */
	ipc_sched_loop_end(&s, &lines[0].user);
	assert_ptr_equal(ipc_sched_pop(&s, &u), &lines[0].entries[0]);
	assert_ptr_equal(ipc_sched_pop(&s, &u), &lines[0].entries[1]);
}

static void test_cancel(void **state)
{
	struct ipc_sched s;
	struct line lines[1];
	struct ipc_sched_user *u;

	ipc_sched_init(&s);
	ipc_sched_user_init(&lines[0].user);
	ipc_sched_push(&s, &lines[0].user, &lines[0].entries[0]);
	ipc_sched_push(&s, &lines[0].user, &lines[0].entries[1]);
	ipc_sched_cancel(&s, &lines[0].user, &lines[0].entries[0]);
	assert_ptr_equal(ipc_sched_pop(&s, &u), &lines[0].entries[1]);
	ipc_sched_push(&s, &lines[0].user, &lines[0].entries[2]);
	ipc_sched_cancel(&s, &lines[0].user, &lines[0].entries[2]);
	assert_false(ipc_sched_pending(&s));
	assert_true(cds_list_empty(&lines[0].user.turn));
}

/* ---- log rate limit ---- */

static void test_ratelimit(void **state)
{
	struct ipc_ratelimit rl = { 0 };
	unsigned held = 99;
	const uint64_t s = IPC_RATELIMIT_INTERVAL_USEC;

	assert_true(ipc_ratelimit_pass(&rl, 5 * s, &held));
	assert_int_equal(held, 0);
	for (unsigned i = 0; i < 1000; i++)
		assert_false(ipc_ratelimit_pass(&rl, 5 * s + i * 100, &held));
	assert_int_equal(ipc_ratelimit_flush(&rl, 5 * s + s / 2), 0);	/* too early */
	assert_true(ipc_ratelimit_pass(&rl, 6 * s, &held));
	assert_int_equal(held, 1000);
	assert_false(ipc_ratelimit_pass(&rl, 6 * s + 1, &held));
	assert_false(ipc_ratelimit_pass(&rl, 6 * s + 2, &held));
	/* no further line: the sweep reports the count on its own, once */
	assert_int_equal(ipc_ratelimit_flush(&rl, 7 * s), 2);
	assert_int_equal(ipc_ratelimit_flush(&rl, 9 * s), 0);
	assert_true(ipc_ratelimit_pass(&rl, 9 * s, &held));
	assert_int_equal(held, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_admit_below_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_uid_cap_evicts_own_lru, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonroot_share, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_at_total_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evict_then_admit, setup, teardown),
		cmocka_unit_test(test_turns),
		cmocka_unit_test(test_loop_bound),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_ratelimit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
