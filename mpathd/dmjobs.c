/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-mapper work off the loop: an ioctl on a suspended or queueing map can block for as
 * long as the map does, so every dm call runs in the "dm" worker pool, and its result comes
 * back to the loop. libdevmapper is called with no lock held across an ioctl (libmpath/dm.c).
 */
#include <stdlib.h>

#include "daemon.h"
#include "dmjobs.h"
#include "log.h"
#include "util.h"

void dm_job_free(struct dm_job *job)
{
	if (!job)
		return;
	free(job->params);
	free(job->out_status);
	free(job->out_table);
	free(job);
}

static void job_run(struct work_item *w)
{
	struct dm_job *job = container_of(w, struct dm_job, item);

	job->result = job->work(job);
}

static void job_done(struct work_item *w)
{
	struct dm_job *job = container_of(w, struct dm_job, item);

	job->done(job->daemon, job);
	dm_job_free(job);
}

int dm_jobs_start(struct daemon *d)
{
	return work_pool_new(d->event, "dm", DM_JOBS_MAX_THREADS, &d->jobs);
}

int dm_job_submit(struct daemon *d, struct dm_job *job)
{
	job->daemon = d;
	job->item = (struct work_item){ .run = job_run, .done = job_done };
	work_pool_submit(d->jobs, &job->item);
	return 0;
}

void dm_jobs_stop(struct daemon *d, uint64_t wait_usec)
{
	work_pool_stop(d->jobs, wait_usec);
	d->jobs = NULL;
}
