/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device-mapper calls that may block run on worker threads; their results come back to the loop. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "workers.h"

struct daemon;

struct dm_job;
typedef int (*dm_job_work_t)(struct dm_job *job);
typedef void (*dm_job_done_t)(struct daemon *d, struct dm_job *job);
struct dm_job {
	dm_job_work_t work;		/* runs on a worker thread; touches only the job */
	dm_job_done_t done;		/* runs on the loop */
	char map_name[128];
	char wwid[128];
	char *params;			/* table params or message text */
	uint64_t size;
	bool create;
	int result;			/* -errno from work() */
	char *out_status;		/* status params read back */
	char *out_table;		/* table params read back */
	int out_open_count;
	uint32_t out_event_nr;
	uint64_t out_size;
	char out_dm_name[16];
	void *userdata;
	struct daemon *daemon;
	struct work_item item;
};

/*
 * Each map has at most one job queued or running (maps.c keeps the rest waiting), so a map's
 * changes reach the kernel in order; the pool grows up to DM_JOBS_MAX_THREADS while jobs
 * block, so a map whose suspend hangs on a dead path holds one thread and no other map.
 */
#define DM_JOBS_MAX_THREADS 64

/* Start the pool; 0 or -errno. */
int dm_jobs_start(struct daemon *d);
/* Stop it, giving jobs in flight (a create half done) up to @wait_usec to finish. */
void dm_jobs_stop(struct daemon *d, uint64_t wait_usec);
/* Queue @job (taken); its done() runs on the loop and the job is freed after it. */
int dm_job_submit(struct daemon *d, struct dm_job *job);
void dm_job_free(struct dm_job *job);
