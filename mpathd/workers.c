/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Worker pools that grow while work blocks; results come back to the event loop through an eventfd. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "workers.h"

#define WORKER_STACK_SIZE (256 * 1024)

struct work_pool {
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* work queued, or stopping */
	pthread_cond_t settled;		/* an item finished (stop waits on it) */
	struct work_item *queue, *queue_tail;
	struct work_item *finished;	/* newest first */
	unsigned nr_threads, idle, running, max_threads;
	unsigned refs;			/* the owner's, plus one per thread */
	bool stopping;
	int efd;
	sd_event_source *source;
	char name[16];
};

static void pool_free(struct work_pool *p)
{
	if (p->efd >= 0)
		close(p->efd);
	pthread_cond_destroy(&p->wake);
	pthread_cond_destroy(&p->settled);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* Under the lock: drop one reference; true when the caller must free the pool. */
static bool pool_unref_locked(struct work_pool *p)
{
	return --p->refs == 0;
}

static void *worker_main(void *arg)
{
	struct work_pool *p = arg;
	uint64_t one = 1;
	bool last;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct work_item *w;

		while (!p->queue && !p->stopping) {
			p->idle++;
			pthread_cond_wait(&p->wake, &p->lock);
			p->idle--;
		}
		if (p->stopping)
			break;
		w = p->queue;
		p->queue = w->next;
		if (!p->queue)
			p->queue_tail = NULL;
		p->running++;
		pthread_mutex_unlock(&p->lock);

		w->run(w);

		pthread_mutex_lock(&p->lock);
		p->running--;
		w->next = p->finished;
		p->finished = w;
		pthread_cond_broadcast(&p->settled);
		if (!p->stopping && write(p->efd, &one, sizeof(one)) < 0)
			log_warn_errno(-errno, "%s workers: waking the loop failed", p->name);
	}
	p->nr_threads--;
	last = pool_unref_locked(p);
	pthread_mutex_unlock(&p->lock);
	if (last)
		pool_free(p);
	return NULL;
}

/* Under the lock. A thread that cannot start is not fatal while another one runs. */
static void pool_grow_locked(struct work_pool *p)
{
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t thread;
	int r;

	if (pthread_attr_init(&attr))
		return;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&thread, &attr, worker_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (r) {
		log_warn_errno(-r, "%s workers: starting thread %u failed", p->name, p->nr_threads + 1);
		return;
	}
	p->nr_threads++;
	p->refs++;
	if (p->nr_threads == p->max_threads)
		log_warn("%s workers: all %u threads in use", p->name, p->max_threads);
}

int work_pool_submit(struct work_pool *p, struct work_item *w)
{
	w->next = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->stopping) {
		/* a done() run by work_pool_stop() asked for more: the process is stopping */
		pthread_mutex_unlock(&p->lock);
		return -ESHUTDOWN;
	}
	if (p->queue_tail)
		p->queue_tail->next = w;
	else
		p->queue = w;
	p->queue_tail = w;
	/* queued items beyond the idle threads each get a thread, up to the maximum */
	if (p->idle == 0 && p->nr_threads < p->max_threads)
		pool_grow_locked(p);
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

unsigned work_pool_busy(struct work_pool *p)
{
	unsigned n = 0;

	pthread_mutex_lock(&p->lock);
	for (struct work_item *w = p->queue; w; w = w->next)
		n++;
	n += p->running;
	pthread_mutex_unlock(&p->lock);
	return n;
}

/* On the loop: call done() for what finished, oldest first. */
static void pool_reap(struct work_pool *p)
{
	struct work_item *list, *rev = NULL;

	pthread_mutex_lock(&p->lock);
	list = p->finished;
	p->finished = NULL;
	pthread_mutex_unlock(&p->lock);
	while (list) {
		struct work_item *next = list->next;

		list->next = rev;
		rev = list;
		list = next;
	}
	while (rev) {
		struct work_item *next = rev->next;

		rev->done(rev);
		rev = next;
	}
}

static int on_finished(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn_errno(-errno, "reading a worker eventfd failed");
	pool_reap(userdata);
	return 0;
}

static int cond_init_monotonic(pthread_cond_t *c)
{
	pthread_condattr_t attr;
	int r;

	if ((r = pthread_condattr_init(&attr)))
		return -r;
	r = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!r)
		r = pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
	return -r;
}

int work_pool_new(sd_event *event, const char *name, unsigned max_threads, struct work_pool **ret)
{
	struct work_pool *p = calloc(1, sizeof(*p));
	int r;

	if (!p)
		return -ENOMEM;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->max_threads = max_threads ? max_threads : 1;
	p->refs = 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	r = cond_init_monotonic(&p->settled);
	p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r == 0 && p->efd < 0)
		r = -errno;
	if (r == 0)
		r = sd_event_add_io(event, &p->source, p->efd, EPOLLIN, on_finished, p);
	if (r < 0) {
		pool_free(p);
		return r;
	}
	(void)sd_event_source_set_description(p->source, name);
	*ret = p;
	return 0;
}

/* @wait_usec from now on CLOCK_MONOTONIC, the clock of p->settled. */
static void deadline_after(struct timespec *deadline, uint64_t wait_usec)
{
	clock_gettime(CLOCK_MONOTONIC, deadline);
	deadline->tv_sec += wait_usec / 1000000;
	deadline->tv_nsec += (wait_usec % 1000000) * 1000;
	if (deadline->tv_nsec >= 1000000000) {
		deadline->tv_sec++;
		deadline->tv_nsec -= 1000000000;
	}
}

void work_pool_settle(struct work_pool *p, uint64_t wait_usec)
{
	struct timespec deadline;

	deadline_after(&deadline, wait_usec);
	pthread_mutex_lock(&p->lock);
	while (!p->finished && (p->queue || p->running) &&
	       pthread_cond_timedwait(&p->settled, &p->lock, &deadline) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&p->lock);
	pool_reap(p);
}

unsigned work_pool_stop(struct work_pool *p, uint64_t wait_usec)
{
	struct timespec deadline;
	unsigned stuck;
	bool last;

	if (!p)
		return 0;
	deadline_after(&deadline, wait_usec);
	p->source = sd_event_source_disable_unref(p->source);
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	p->queue = p->queue_tail = NULL;
	pthread_cond_broadcast(&p->wake);
	while (p->running && wait_usec &&
	       pthread_cond_timedwait(&p->settled, &p->lock, &deadline) != ETIMEDOUT)
		;
	stuck = p->running;
	pthread_mutex_unlock(&p->lock);
	pool_reap(p);
	if (stuck)
		log_warn("%s workers: %u still blocked in the kernel at stop; not waiting for them",
			 p->name, stuck);
	pthread_mutex_lock(&p->lock);
	last = pool_unref_locked(p);
	pthread_mutex_unlock(&p->lock);
	if (last)
		pool_free(p);
	return stuck;
}
