/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device-mapper calls that may block run on worker threads; their results come back to the loop. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

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
	struct dm_job *next;
};
int dm_jobs_start(struct daemon *d, unsigned nr_workers);
void dm_jobs_stop(struct daemon *d);
int dm_job_submit(struct daemon *d, struct dm_job *job);
void dm_job_free(struct dm_job *job);
