/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Child processes on the event loop: spawned without blocking, output captured, killed at a deadline. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

struct runner;
struct run_job;

/** The most output kept per stream; the rest is read and dropped. */
#define RUNNER_OUTPUT_MAX (1024 * 1024)

/**
 * struct run_result - how a child ended.
 * @status: its exit code (0..255); -ETIMEDOUT when the deadline killed it; -EINTR when a
 *          signal it did not ask for ended it (@signal says which); -errno when it could
 *          not be started.
 * @signal: the terminating signal, or 0.
 * @out: everything it wrote on stdout (up to RUNNER_OUTPUT_MAX), NUL-terminated, never NULL.
 * @err: the same for stderr.
 * @usec: how long it ran.
 */
struct run_result {
	int status;
	int signal;
	const char *out;
	const char *err;
	uint64_t usec;
};

/**
 * run_done_t - the answer: runs on the loop once, when the child ended or its deadline
 * passed. @res and its strings are valid during the call only.
 */
typedef void (*run_done_t)(const struct run_result *res, void *userdata);

/**
 * runner_new() - a runner on @event that runs at most @max_running children at a time.
 * @event: the loop.
 * @max_running: further jobs wait their turn, in order.
 * @ret: receives the runner.
 *
 * Blocks SIGCHLD in the calling thread (the loop's), as sd_event_add_child() needs; the
 * children start with an empty signal mask and default signal handlers.
 *
 * Return: 0 or -errno.
 */
int runner_new(sd_event *event, unsigned max_running, struct runner **ret);

/**
 * runner_free() - kill every child still running (their callbacks do not run) and free
 * the runner, without waiting: a child that has not died yet is reaped by the loop later.
 * Accepts NULL; returns NULL.
 */
struct runner *runner_free(struct runner *r);

/**
 * runner_run() - run @argv[0] (looked up in $PATH) with @argv, stdin from /dev/null.
 * @r: the runner.
 * @argv: NULL-terminated; copied.
 * @timeout_usec: from the moment the child starts; at the deadline the child's process
 *                group gets SIGKILL and @done is called with -ETIMEDOUT at once, even if
 *                the child cannot die yet (it is reaped later).
 * @done: called exactly once, unless the job is cancelled first; never from inside
 *        runner_run().
 * @userdata: for @done.
 * @ret: receives the job, for run_job_cancel(); may be NULL.
 *
 * Return: 0, or -ENOMEM.
 */
int runner_run(struct runner *r, char *const *argv, uint64_t timeout_usec, run_done_t done,
	       void *userdata, struct run_job **ret);

/**
 * run_job_cancel() - forget @job's callback; a running child is killed. Accepts NULL.
 * Only valid until its callback ran.
 */
void run_job_cancel(struct run_job *job);

/** runner_running() - how many children run now; runner_queued() - how many wait. */
unsigned runner_running(const struct runner *r);
unsigned runner_queued(const struct runner *r);

/**
 * runner_set_redact() - how to tell secrets in a command line, so logs never show them.
 * @r: the runner.
 * @is_secret: true when @argv[@i] is a secret (e.g. the value of a CHAP password
 *             setting); NULL for none.
 */
void runner_set_redact(struct runner *r, bool (*is_secret)(char *const *argv, size_t i));

/**
 * runner_format_argv() - @argv as one line for logs, secrets replaced by "********".
 * @r: the runner (its redaction rule), or NULL for none.
 * @buf, @size: receive the text, cut to fit.
 */
void runner_format_argv(const struct runner *r, char *const *argv, char *buf, size_t size);
