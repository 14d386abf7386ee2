/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-mapper work off the loop: an ioctl on a suspended or queueing map can block for
 * as long as the map does, so every dm call runs on a small worker pool. Finished jobs come
 * back to the loop through an eventfd. One job per map at a time keeps each map in order.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "daemon.h"
#include "dmjobs.h"
#include "log.h"
#include "util.h"

#define MAX_WORKERS 8

struct dm_jobs {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct dm_job *queue, *queue_tail;
	struct dm_job *finished;
	bool stopping;
	int efd;
	sd_event_source *source;
	pthread_t threads[MAX_WORKERS];
	unsigned nr_threads;
};

void dm_job_free(struct dm_job *job)
{
	if (!job)
		return;
	free(job->params);
	free(job->out_status);
	free(job->out_table);
	free(job);
}

static void *worker_main(void *arg)
{
	struct dm_jobs *j = arg;
	uint64_t one = 1;

	pthread_mutex_lock(&j->lock);
	for (;;) {
		struct dm_job *job;

		while (!j->queue && !j->stopping)
			pthread_cond_wait(&j->wake, &j->lock);
		if (j->stopping)
			break;
		job = j->queue;
		j->queue = job->next;
		if (!j->queue)
			j->queue_tail = NULL;
		pthread_mutex_unlock(&j->lock);

		job->result = job->work(job);

		pthread_mutex_lock(&j->lock);
		job->next = j->finished;
		j->finished = job;
		if (write(j->efd, &one, sizeof(one)) < 0)
			log_warn_errno(errno, "waking the loop failed");
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

static int on_jobs_finished(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	struct dm_jobs *j = d->jobs;
	struct dm_job *list, *rev = NULL;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return log_warn_errno(errno, "reading the job eventfd failed"), 0;
	pthread_mutex_lock(&j->lock);
	list = j->finished;
	j->finished = NULL;
	pthread_mutex_unlock(&j->lock);
	/* finished jobs were pushed in reverse; handle them in completion order */
	while (list) {
		struct dm_job *next = list->next;

		list->next = rev;
		rev = list;
		list = next;
	}
	while (rev) {
		struct dm_job *next = rev->next;

		rev->done(d, rev);
		dm_job_free(rev);
		rev = next;
	}
	return 0;
}

int dm_jobs_start(struct daemon *d, unsigned nr_workers)
{
	struct dm_jobs *j = calloc(1, sizeof(*j));
	int r;

	if (!j)
		return -ENOMEM;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	j->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (j->efd < 0) {
		free(j);
		return -errno;
	}
	d->jobs = j;
	r = sd_event_add_io(d->event, &j->source, j->efd, EPOLLIN, on_jobs_finished, d);
	if (r < 0)
		return r;
	if (nr_workers > MAX_WORKERS)
		nr_workers = MAX_WORKERS;
	for (; j->nr_threads < nr_workers; j->nr_threads++) {
		r = -pthread_create(&j->threads[j->nr_threads], NULL, worker_main, j);
		if (r < 0)
			return log_err_errno(r, "starting a dm worker failed");
	}
	return 0;
}

int dm_job_submit(struct daemon *d, struct dm_job *job)
{
	struct dm_jobs *j = d->jobs;

	job->next = NULL;
	pthread_mutex_lock(&j->lock);
	if (j->queue_tail)
		j->queue_tail->next = job;
	else
		j->queue = job;
	j->queue_tail = job;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	return 0;
}

/* Workers stuck in an ioctl are not waited for: the process is exiting. */
void dm_jobs_stop(struct daemon *d)
{
	struct dm_jobs *j = d->jobs;

	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stopping = true;
	pthread_cond_broadcast(&j->wake);
	pthread_mutex_unlock(&j->lock);
	for (unsigned i = 0; i < j->nr_threads; i++)
		pthread_detach(j->threads[i]);
	sd_event_source_disable_unref(j->source);
}
