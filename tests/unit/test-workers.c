/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the worker pools (mpathd/workers.c): blocked items hold only their own thread. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../mpathd/workers.h"
#include "util.h"

struct item {
	struct work_item w;
	bool block;		/* wait in run() until released */
	bool started, ran, done;
};

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static bool gate_open;

static void item_run(struct work_item *w)
{
	struct item *it = container_of(w, struct item, w);

	__atomic_store_n(&it->started, true, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&gate_lock);
	while (it->block && !gate_open)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
	it->ran = true;
}

static void item_done(struct work_item *w)
{
	container_of(w, struct item, w)->done = true;
}

static void gate_set(bool open)
{
	pthread_mutex_lock(&gate_lock);
	gate_open = open;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

static void item_init(struct item *it, bool block)
{
	*it = (struct item){ .block = block };
	it->w.run = item_run;
	it->w.done = item_done;
}

/* Run the loop until @it is done or 2 s pass; true when it is done. */
static bool loop_until_done(sd_event *e, struct item *it)
{
	for (int i = 0; i < 200 && !it->done; i++)
		sd_event_run(e, 10000);
	return it->done;
}

static void test_blocked_items_hold_only_their_thread(void **state)
{
	sd_event *e = NULL;
	struct work_pool *p = NULL;
	struct item blocked[3], quick;

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(work_pool_new(e, "test", 4, &p), 0);
	gate_set(false);
	for (int i = 0; i < 3; i++) {
		item_init(&blocked[i], true);
		work_pool_submit(p, &blocked[i].w);
	}
	item_init(&quick, false);
	work_pool_submit(p, &quick.w);
	assert_true(loop_until_done(e, &quick));
	assert_false(blocked[0].done);
	assert_int_equal(work_pool_busy(p), 3);
	gate_set(true);
	for (int i = 0; i < 3; i++)
		assert_true(loop_until_done(e, &blocked[i]));
	assert_int_equal(work_pool_stop(p, 0), 0);
	sd_event_unref(e);
}

static void test_full_pool_queues_then_runs(void **state)
{
	sd_event *e = NULL;
	struct work_pool *p = NULL;
	struct item blocked[2], waiting;

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(work_pool_new(e, "test", 2, &p), 0);
	gate_set(false);
	for (int i = 0; i < 2; i++) {
		item_init(&blocked[i], true);
		work_pool_submit(p, &blocked[i].w);
	}
	item_init(&waiting, false);
	work_pool_submit(p, &waiting.w);
	sd_event_run(e, 100000);
	assert_false(waiting.ran);	/* both threads are blocked: it waits its turn */
	gate_set(true);
	assert_true(loop_until_done(e, &waiting));
	assert_true(loop_until_done(e, &blocked[1]));
	work_pool_stop(p, 0);
	sd_event_unref(e);
}

static void test_stop_gives_up_on_blocked_items(void **state)
{
	sd_event *e = NULL;
	struct work_pool *p = NULL;
	static struct item blocked;	/* still referenced by the abandoned thread */
	struct item queued;
	struct timespec t0, t1;

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(work_pool_new(e, "test", 1, &p), 0);
	gate_set(false);
	item_init(&blocked, true);
	work_pool_submit(p, &blocked.w);
	item_init(&queued, false);
	work_pool_submit(p, &queued.w);
	while (!__atomic_load_n(&blocked.started, __ATOMIC_SEQ_CST))
		usleep(1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(work_pool_stop(p, 200000), 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 2000);
	assert_false(queued.ran);	/* dropped, never started */
	assert_false(blocked.done);
	gate_set(true);			/* the abandoned thread finishes and frees the pool */
	sd_event_unref(e);
}

/* At stop, with the loop gone: settle() waits for running items and runs their done(). */
static void test_settle_without_the_loop(void **state)
{
	sd_event *e = NULL;
	struct work_pool *p = NULL;
	struct item a, b;

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(work_pool_new(e, "test", 1, &p), 0);
	gate_set(false);
	item_init(&a, true);
	item_init(&b, false);
	assert_int_equal(work_pool_submit(p, &a.w), 0);
	assert_int_equal(work_pool_submit(p, &b.w), 0);
	work_pool_settle(p, 100000);	/* a is blocked: nothing finishes, settle gives up */
	assert_false(a.done);
	gate_set(true);
	for (int i = 0; i < 20 && !(a.done && b.done); i++)
		work_pool_settle(p, 1000000);
	assert_true(a.done);
	assert_true(b.done);
	assert_int_equal(work_pool_stop(p, 0), 0);
	sd_event_unref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settle_without_the_loop),
		cmocka_unit_test(test_blocked_items_hold_only_their_thread),
		cmocka_unit_test(test_full_pool_queues_then_runs),
		cmocka_unit_test(test_stop_gives_up_on_blocked_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
