/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Child processes watched by the event loop. iscsiadm can hang on a stuck iscsid or a dead
 * portal for minutes, so nothing here waits: the child is spawned (posix_spawn, no fork of
 * the threaded daemon), its exit arrives as an sd-event child source, its output through
 * non-blocking pipes, and a timer kills it at its deadline and answers for it at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "runner.h"
#include "util.h"

extern char **environ;

struct outbuf {
	char *data;
	size_t len, cap;
	int fd;
	sd_event_source *source;
};

struct run_job {
	struct runner *runner;
	struct run_job *next;		/* in the queue or the running list */
	char **argv;
	uint64_t timeout_usec;
	run_done_t done;		/* NULL once answered or cancelled */
	void *userdata;
	pid_t pid;
	uint64_t started;
	bool exited;
	int status, signal;
	struct outbuf out, err;
	sd_event_source *child_source;
	sd_event_source *timer;
};

struct runner {
	sd_event *event;
	unsigned max_running;
	unsigned n_running, n_queued;
	struct run_job *queue, **queue_tail;
	struct run_job *running;
	sd_event_source *kick;		/* starts queued jobs, outside the caller's stack */
	bool (*is_secret)(char *const *argv, size_t i);
};

static uint64_t mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void runner_format_argv(const struct runner *r, char *const *argv, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; argv[i] && used + 1 < size; i++) {
		bool secret = r && r->is_secret && r->is_secret(argv, i);

		used += snprintf(buf + used, size - used, "%s%s", i ? " " : "", secret ? "********" : argv[i]);
	}
}

void runner_set_redact(struct runner *r, bool (*is_secret)(char *const *argv, size_t i))
{
	r->is_secret = is_secret;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static char **strv_copy(char *const *argv)
{
	size_t n = 0;
	char **v;

	while (argv[n])
		n++;
	v = calloc(n + 1, sizeof(*v));
	for (size_t i = 0; v && i < n; i++)
		if (!(v[i] = strdup(argv[i]))) {
			strv_free(v);
			return NULL;
		}
	return v;
}

static void outbuf_close(struct outbuf *b)
{
	b->source = sd_event_source_disable_unref(b->source);
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

static void job_free(struct run_job *job)
{
	outbuf_close(&job->out);
	outbuf_close(&job->err);
	free(job->out.data);
	free(job->err.data);
	job->child_source = sd_event_source_disable_unref(job->child_source);
	job->timer = sd_event_source_disable_unref(job->timer);
	strv_free(job->argv);
	free(job);
}

static void list_remove(struct run_job **head, struct run_job *job)
{
	for (struct run_job **p = head; *p; p = &(*p)->next)
		if (*p == job) {
			*p = job->next;
			return;
		}
}

static void runner_kick(struct runner *r)
{
	if (r->kick)
		sd_event_source_set_enabled(r->kick, SD_EVENT_ONESHOT);
}

/* Read what is there; keep up to RUNNER_OUTPUT_MAX. Returns false at EOF or error. */
static bool outbuf_drain(struct outbuf *b)
{
	char chunk[4096];

	for (;;) {
		ssize_t n = read(b->fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN;
		if (n == 0)
			return false;
		if (b->len + (size_t)n + 1 > b->cap && b->len < RUNNER_OUTPUT_MAX) {
			size_t cap = b->cap ? b->cap * 2 : 4096;
			char *d;

			while (cap < b->len + (size_t)n + 1)
				cap *= 2;
			d = realloc(b->data, cap);
			if (!d)
				continue;	/* drop it; the exit status still counts */
			b->data = d;
			b->cap = cap;
		}
		if (b->len + (size_t)n + 1 <= b->cap && b->len + (size_t)n <= RUNNER_OUTPUT_MAX) {
			memcpy(b->data + b->len, chunk, n);
			b->len += n;
			b->data[b->len] = '\0';
		}
	}
}

static void job_answer(struct run_job *job, int status)
{
	run_done_t done = job->done;
	struct run_result res = {
		.status = status,
		.signal = job->signal,
		.out = job->out.data ? job->out.data : "",
		.err = job->err.data ? job->err.data : "",
		.usec = mono_usec() - job->started,
	};

	job->done = NULL;
	if (done)
		done(&res, job->userdata);
}

/* The child is gone: take the rest of its output, answer (unless the deadline did), free. */
static void job_finish(struct run_job *job)
{
	struct runner *r = job->runner;

	if (job->out.fd >= 0)
		outbuf_drain(&job->out);
	if (job->err.fd >= 0)
		outbuf_drain(&job->err);
	list_remove(&r->running, job);
	r->n_running--;
	if (job->signal && job->status == 0)
		job->status = -EINTR;
	job_answer(job, job->status);
	job_free(job);
	runner_kick(r);
}

static int on_child(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	struct run_job *job = userdata;

	if (!job) {
		/* a child of a freed runner, killed and now gone: sd-event has reaped it */
		sd_event_source_disable_unref(s);
		return 0;
	}
	job->exited = true;
	if (si->si_code == CLD_EXITED)
		job->status = si->si_status;
	else
		job->signal = si->si_status;
	job_finish(job);
	return 0;
}

static int on_output(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct outbuf *b = userdata;

	if (!outbuf_drain(b))
		outbuf_close(b);
	return 0;
}

/* The deadline: kill the whole process group and answer now; the child is reaped later. */
static int on_deadline(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct run_job *job = userdata;
	char line[256];

	runner_format_argv(job->runner, job->argv, line, sizeof(line));
	log_warn("%s: no answer within %llu ms: killed", line,
		 (unsigned long long)(job->timeout_usec / 1000));
	kill(-job->pid, SIGKILL);
	kill(job->pid, SIGKILL);
	job_answer(job, -ETIMEDOUT);
	return 0;
}

static int spawn_child(struct run_job *job, int out_w, int err_w)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int r;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	posix_spawn_file_actions_adddup2(&fa, err_w, 2);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_USEVFORK);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setpgroup(&attr, 0);
	r = -posix_spawnp(&job->pid, job->argv[0], &fa, &attr, job->argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return r;
}

static int pipe_open(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0) {
		int r = -errno;

		close(fds[0]);
		close(fds[1]);
		return r;
	}
	return 0;
}

static int job_watch(struct run_job *job)
{
	sd_event *e = job->runner->event;
	int r;

	r = sd_event_add_child(e, &job->child_source, job->pid, WEXITED, on_child, job);
	if (r >= 0)
		r = sd_event_add_io(e, &job->out.source, job->out.fd, EPOLLIN, on_output, &job->out);
	if (r >= 0)
		r = sd_event_add_io(e, &job->err.source, job->err.fd, EPOLLIN, on_output, &job->err);
	if (r >= 0)
		r = sd_event_add_time_relative(e, &job->timer, CLOCK_MONOTONIC, job->timeout_usec, 1000,
					       on_deadline, job);
	return r;
}

static int job_start(struct run_job *job)
{
	int out[2], err[2], r;
	char line[512];

	r = pipe_open(out);
	if (r < 0)
		return r;
	r = pipe_open(err);
	if (r < 0) {
		close(out[0]);
		close(out[1]);
		return r;
	}
	job->out.fd = out[0];
	job->err.fd = err[0];
	job->started = mono_usec();
	r = spawn_child(job, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	if (r < 0)
		return r;
	runner_format_argv(job->runner, job->argv, line, sizeof(line));
	log_debug("run [%d]: %s", (int)job->pid, line);
	r = job_watch(job);
	if (r < 0) {
		/* no watch, no reaping: kill it and wait, which is quick after SIGKILL */
		kill(-job->pid, SIGKILL);
		waitpid(job->pid, NULL, 0);
	}
	return r;
}

static int on_kick(sd_event_source *s, void *userdata)
{
	struct runner *r = userdata;

	while (r->queue && r->n_running < r->max_running) {
		struct run_job *job = r->queue;
		int err;

		r->queue = job->next;
		if (!r->queue)
			r->queue_tail = &r->queue;
		r->n_queued--;
		job->next = r->running;
		r->running = job;
		r->n_running++;
		err = job_start(job);
		if (err < 0) {
			job->status = err;
			job_finish(job);
		}
	}
	return 0;
}

int runner_new(sd_event *event, unsigned max_running, struct runner **ret)
{
	_cleanup_free_ struct runner *r = calloc(1, sizeof(*r));
	sigset_t chld;
	int err;

	if (!r)
		return -ENOMEM;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &chld, NULL);
	r->event = sd_event_ref(event);
	r->max_running = max_running ? max_running : 1;
	r->queue_tail = &r->queue;
	err = sd_event_add_defer(event, &r->kick, on_kick, r);
	if (err < 0) {
		sd_event_unref(r->event);
		return err;
	}
	sd_event_source_set_enabled(r->kick, SD_EVENT_OFF);
	*ret = TAKE_PTR(r);
	return 0;
}

/*
 * A killed child may not die at once (a process in uninterruptible sleep dies when its
 * system call returns): rather than wait for it here, on the loop, its child source is left
 * to the loop, which reaps it when it dies and then frees the source.
 */
static void job_orphan(struct run_job *job)
{
	sd_event_source *s = job->child_source;

	kill(-job->pid, SIGKILL);
	kill(job->pid, SIGKILL);
	if (job->exited || !s)
		return;
	if (waitpid(job->pid, NULL, WNOHANG) == job->pid)
		return;		/* already dead: reaped now */
	sd_event_source_set_userdata(s, NULL);
	if (sd_event_source_set_floating(s, true) < 0)
		return;		/* the source goes with the job; the zombie waits for the daemon's exit */
	sd_event_source_unref(s);
	job->child_source = NULL;
}

struct runner *runner_free(struct runner *r)
{
	if (!r)
		return NULL;
	while (r->running) {
		struct run_job *job = r->running;

		r->running = job->next;
		job_orphan(job);
		job_free(job);
	}
	while (r->queue) {
		struct run_job *job = r->queue;

		r->queue = job->next;
		job_free(job);
	}
	sd_event_source_disable_unref(r->kick);
	sd_event_unref(r->event);
	free(r);
	return NULL;
}

int runner_run(struct runner *r, char *const *argv, uint64_t timeout_usec, run_done_t done,
	       void *userdata, struct run_job **ret)
{
	struct run_job *job = calloc(1, sizeof(*job));

	if (!job || !(job->argv = strv_copy(argv))) {
		free(job);
		return -ENOMEM;
	}
	job->runner = r;
	job->timeout_usec = timeout_usec;
	job->done = done;
	job->userdata = userdata;
	job->out.fd = job->err.fd = -1;
	*r->queue_tail = job;
	r->queue_tail = &job->next;
	r->n_queued++;
	runner_kick(r);
	if (ret)
		*ret = job;
	return 0;
}

void run_job_cancel(struct run_job *job)
{
	if (!job)
		return;
	job->done = NULL;
	if (job->pid > 0 && !job->exited) {
		kill(-job->pid, SIGKILL);
		kill(job->pid, SIGKILL);
		return;		/* its child source reaps and frees it */
	}
	if (job->pid == 0) {
		struct runner *r = job->runner;

		list_remove(&r->queue, job);
		r->queue_tail = &r->queue;
		while (*r->queue_tail)
			r->queue_tail = &(*r->queue_tail)->next;
		r->n_queued--;
		job_free(job);
	}
}

unsigned runner_running(const struct runner *r)
{
	return r->n_running;
}

unsigned runner_queued(const struct runner *r)
{
	return r->n_queued;
}
