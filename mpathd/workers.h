/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Worker pools: blocking work (dm ioctls, SCSI commands, device opens) off the event loop. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

/*
 * A pool runs each item's run() on a worker thread and then its done() on the event loop,
 * in completion order. A pool grows a thread whenever an item is queued and no thread is
 * idle, up to its maximum, so an item stuck in the kernel (a suspend waiting on a hung
 * path, a command on a dead link) holds its own thread and nothing else. Items that must
 * not run concurrently (one map's dm work, one path's tests) are kept apart by their
 * owners, which submit the next one only after done().
 *
 * Threads block every signal and run with a small stack, so mlockall() stays cheap.
 */

struct work_pool;
struct work_item;

/**
 * typedef work_run_fn - the blocking part; runs on a worker thread and touches only the item.
 */
typedef void (*work_run_fn)(struct work_item *w);

/**
 * typedef work_done_fn - runs on the event loop after run() returned; owns the item then.
 */
typedef void (*work_done_fn)(struct work_item *w);

/**
 * struct work_item - embed in the owner's job structure.
 * @run: see &work_run_fn.
 * @done: see &work_done_fn.
 * @next: the pool's.
 */
struct work_item {
	work_run_fn run;
	work_done_fn done;
	struct work_item *next;
};

/**
 * work_pool_new() - a pool whose done() callbacks run on @event.
 * @event: the daemon's loop.
 * @name: for logs ("dm", "devio").
 * @max_threads: how many items may block at once; at least 1.
 * @ret: receives the pool.
 *
 * Return: 0 or -errno.
 */
int work_pool_new(sd_event *event, const char *name, unsigned max_threads, struct work_pool **ret);

/**
 * work_pool_submit() - queue @w; a thread starts if none is idle and the pool may grow.
 *
 * Never blocks. When the pool is at its maximum with every thread busy, @w waits for the
 * first thread to come free.
 *
 * Return: 0, or -ESHUTDOWN once work_pool_stop() began (a done() it ran asked for more):
 * @w is not queued and stays the caller's to free.
 */
int work_pool_submit(struct work_pool *p, struct work_item *w);

/**
 * work_pool_busy() - items queued or running; for status and tests.
 */
unsigned work_pool_busy(struct work_pool *p);

/**
 * work_pool_settle() - on the loop's thread, with the loop no longer running (at stop): wait
 * up to @wait_usec for an item to finish, or for none to be queued or running, then call
 * done() for what finished, as the loop would have.
 */
void work_pool_settle(struct work_pool *p, uint64_t wait_usec);

/**
 * work_pool_stop() - stop taking work and free the pool.
 * @p: the pool; may be NULL.
 * @wait_usec: how long to wait for running items to return (0: not at all).
 *
 * Items still queued are dropped without run() or done(): the process is stopping and
 * their owners with it. Items that return within @wait_usec get their done() called here;
 * threads still blocked after it are left to the kernel and the pool's memory with them.
 *
 * Return: the number of items still running when it gave up.
 */
unsigned work_pool_stop(struct work_pool *p, uint64_t wait_usec);
