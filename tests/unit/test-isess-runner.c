/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the child-process runner (iscsi-session/runner.c) on a real sd-event loop. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <cmocka.h>

#include "runner.h"
#include "util.h"

struct answer {
	bool done;
	int status;
	char out[256], err[256];
	uint64_t usec;
	uint64_t at;
};

static uint64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_done(const struct run_result *res, void *userdata)
{
	struct answer *a = userdata;

	assert_false(a->done);
	a->done = true;
	a->status = res->status;
	a->usec = res->usec;
	a->at = mono();
	snprintf(a->out, sizeof(a->out), "%s", res->out);
	snprintf(a->err, sizeof(a->err), "%s", res->err);
}

/* Run the loop until every answer in @a is in, or 10 s pass. */
static void loop_until(sd_event *e, struct answer *a, size_t n)
{
	uint64_t end = mono() + 10000000;

	for (;;) {
		bool all = true;

		for (size_t i = 0; i < n; i++)
			all &= a[i].done;
		if (all || mono() > end)
			break;
		assert_true(sd_event_run(e, 100000) >= 0);
	}
}

static void test_output_and_status(void **state)
{
	sd_event *e = NULL;
	struct runner *r = NULL;
	struct answer a = { 0 };
	char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(runner_new(e, 2, &r), 0);
	assert_int_equal(runner_run(r, argv, 5000000, on_done, &a, NULL), 0);
	assert_false(a.done);	/* never answered from inside runner_run() */
	loop_until(e, &a, 1);
	assert_true(a.done);
	assert_int_equal(a.status, 3);
	assert_string_equal(a.out, "out\n");
	assert_string_equal(a.err, "err\n");
	runner_free(r);
	sd_event_unref(e);
}

static void test_deadline_kills(void **state)
{
	sd_event *e = NULL;
	struct runner *r = NULL;
	struct answer a = { 0 };
	char *argv[] = { "sleep", "30", NULL };
	uint64_t t0 = mono();

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(runner_new(e, 1, &r), 0);
	assert_int_equal(runner_run(r, argv, 200000, on_done, &a, NULL), 0);
	loop_until(e, &a, 1);
	assert_int_equal(a.status, -ETIMEDOUT);
	assert_true(a.at - t0 < 2000000);
	/* the killed child is still reaped: the runner drains */
	for (int i = 0; i < 50 && runner_running(r); i++)
		sd_event_run(e, 20000);
	assert_int_equal(runner_running(r), 0);
	runner_free(r);
	sd_event_unref(e);
}

/* A hung child never holds the loop: a timer fires meanwhile. */
static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	*(uint64_t *)userdata = mono();
	return 0;
}

static void test_loop_stays_free(void **state)
{
	sd_event *e = NULL;
	struct runner *r = NULL;
	struct answer a = { 0 };
	char *argv[] = { "sleep", "30", NULL };
	uint64_t fired = 0, t0 = mono();

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(runner_new(e, 1, &r), 0);
	assert_int_equal(runner_run(r, argv, 1000000, on_done, &a, NULL), 0);
	assert_int_equal(sd_event_add_time_relative(e, NULL, CLOCK_MONOTONIC, 50000, 1000, on_timer, &fired), 0);
	loop_until(e, &a, 1);
	assert_true(fired > 0);
	assert_true(fired - t0 < 500000);
	assert_true(fired < a.at);
	runner_free(r);
	sd_event_unref(e);
}

static void test_queue_limit(void **state)
{
	sd_event *e = NULL;
	struct runner *r = NULL;
	struct answer a[3] = { { 0 } };
	char *argv[] = { "sleep", "0.2", NULL };
	uint64_t t0 = mono();

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(runner_new(e, 1, &r), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(runner_run(r, argv, 5000000, on_done, &a[i], NULL), 0);
	assert_int_equal(runner_queued(r), 3);
	sd_event_run(e, 0);
	assert_int_equal(runner_running(r), 1);
	assert_int_equal(runner_queued(r), 2);
	loop_until(e, a, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(a[i].status, 0);
	assert_true(a[0].at < a[1].at && a[1].at < a[2].at);
	assert_true(a[2].at - t0 >= 600000);
	runner_free(r);
	sd_event_unref(e);
}

static void test_spawn_failure_and_cancel(void **state)
{
	sd_event *e = NULL;
	struct runner *r = NULL;
	struct answer a = { 0 }, b = { 0 }, c = { 0 };
	char *missing[] = { "/nonexistent/iscsiadm", NULL };
	char *slow[] = { "sleep", "30", NULL };
	struct run_job *job = NULL;

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(runner_new(e, 2, &r), 0);
	assert_int_equal(runner_run(r, missing, 1000000, on_done, &a, NULL), 0);
	assert_int_equal(runner_run(r, slow, 5000000, on_done, &b, &job), 0);
	loop_until(e, &a, 1);
	assert_int_equal(a.status, -ENOENT);
	run_job_cancel(job);
	assert_int_equal(runner_run(r, (char *[]){ "true", NULL }, 1000000, on_done, &c, NULL), 0);
	loop_until(e, &c, 1);
	assert_int_equal(c.status, 0);
	assert_false(b.done);	/* cancelled: never answered */
	runner_free(r);
	sd_event_unref(e);
}

static bool secret_after_password(char *const *argv, size_t i)
{
	return i > 0 && streq(argv[i - 1], "--password");
}

static void test_redaction(void **state)
{
	sd_event *e = NULL;
	struct runner *r = NULL;
	char *argv[] = { "tool", "--password", "hunter2", "--user", "bob", NULL };
	char line[128];

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(runner_new(e, 1, &r), 0);
	runner_set_redact(r, secret_after_password);
	runner_format_argv(r, argv, line, sizeof(line));
	assert_string_equal(line, "tool --password ******** --user bob");
	runner_free(r);
	sd_event_unref(e);
}

/* Freeing the runner kills its children without waiting for them; the loop reaps them. */
static void test_free_leaves_reaping_to_loop(void **state)
{
	sd_event *e = NULL;
	struct runner *r = NULL;
	struct answer a = { 0 };
	char *argv[] = { "sleep", "30", NULL };
	uint64_t t0;
	int left = 0;

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(runner_new(e, 1, &r), 0);
	assert_int_equal(runner_run(r, argv, 10000000, on_done, &a, NULL), 0);
	for (int i = 0; i < 50 && !runner_running(r); i++)
		assert_true(sd_event_run(e, 20000) >= 0);
	assert_int_equal(runner_running(r), 1);
	t0 = mono();
	runner_free(r);
	assert_true(mono() - t0 < 100000);
	assert_false(a.done);	/* no callback after free */
	for (int i = 0; i < 100; i++) {
		assert_true(sd_event_run(e, 20000) >= 0);
		errno = 0;
		left = waitpid(-1, NULL, WNOHANG);
		if (left < 0 && errno == ECHILD)
			break;
	}
	assert_int_equal(left, -1);
	assert_int_equal(errno, ECHILD);
	sd_event_unref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_and_status),
		cmocka_unit_test(test_deadline_kills),
		cmocka_unit_test(test_loop_stays_free),
		cmocka_unit_test(test_queue_limit),
		cmocka_unit_test(test_spawn_failure_and_cancel),
		cmocka_unit_test(test_redaction),
		cmocka_unit_test(test_free_leaves_reaping_to_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
