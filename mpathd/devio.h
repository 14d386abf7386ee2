/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device I/O off the loop: SCSI commands, direct reads, sysfs and state files, a few per host at a time. */
#pragma once

#include <stdint.h>

#include "workers.h"

struct daemon;

/*
 * Everything that touches a block device, an sg node or a file runs here, on a worker
 * thread, never on the event loop: a command to a path whose link is gone can wait for every
 * tag of its device, an open can wait in SCSI error handling, an fsync on a slow disk.
 * Requests for one SCSI host run at most DEVIO_HOST_MAX at a time (the rest wait in order),
 * so a sick host ties up at most that many threads and the others go on. Whoever submits a
 * request keeps at most one in flight per path, so a request that never returns holds only
 * its own slot; the submitter decides by its own timer what such a silence means.
 */

#define DEVIO_HOST_MAX		8	/* requests in flight per SCSI host */
#define DEVIO_THREADS_MAX	128	/* and in all */
#define DEVIO_NO_HOST		(-1)	/* files: no per-host limit */

struct devio_req;

/** typedef devio_fn - a request's work (on a worker) or its completion (on the loop). */
typedef void (*devio_fn)(struct devio_req *req);

/**
 * struct devio_req - embed in the request's owner, or allocate one per request.
 * @run: the blocking part, on a worker thread; touches only the request.
 * @done: on the loop, after @run; owns the request again.
 * @host: the SCSI host number, for the per-host limit; DEVIO_NO_HOST for none.
 * @userdata: the submitter's.
 * @started_usec: when @run began (CLOCK_MONOTONIC), for timing.
 * @elapsed_usec: how long @run took.
 */
struct devio_req {
	struct work_item item;
	devio_fn run;
	devio_fn done;
	int host;
	void *userdata;
	uint64_t started_usec;
	uint64_t elapsed_usec;
	struct devio_req *next_waiting;
	struct daemon *daemon;
};

/** devio_start() - start the pool; 0 or -errno. */
int devio_start(struct daemon *d);

/** devio_stop() - stop; requests in flight are left to the kernel (their done() never runs). */
void devio_stop(struct daemon *d);

/** devio_submit() - run @req; never blocks. On the loop. */
void devio_submit(struct daemon *d, struct devio_req *req);

/** devio_in_flight() - requests running or waiting for @host (DEVIO_NO_HOST: all files). */
unsigned devio_in_flight(struct daemon *d, int host);
