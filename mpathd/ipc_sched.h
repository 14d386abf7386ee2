/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whose request the control socket serves next: uids take turns, and a non-root uid has a bounded number at the loop. */
#pragma once

#include <stdbool.h>
#include <urcu/list.h>

/*
 * A connection whose request has arrived whole waits in its uid's line; the
 * uids with requests waiting take turns, one request each, so a uid that
 * floods requests on many connections delays root by at most one request
 * per turn. A non-root uid may have IPC_SCHED_LOOP_PER_UID requests at the
 * daemon's loop at once; when the next one it is served would exceed that,
 * the caller puts it back (ipc_sched_hold()) and the uid sits out until one
 * of its requests returns from the loop.
 */
#define IPC_SCHED_LOOP_PER_UID 4

/** struct ipc_sched - the uids with requests waiting, in turn order. */
struct ipc_sched {
	struct cds_list_head turns;
};

/** struct ipc_sched_user - one uid's line; embedded in its account. */
struct ipc_sched_user {
	struct cds_list_head waiting;	/* entries, oldest first */
	struct cds_list_head turn;	/* in ipc_sched.turns while it has a turn coming */
	unsigned at_loop;		/* its requests now at the loop */
	bool held;			/* sits out until one of them returns */
};

/** struct ipc_sched_entry - a waiting request's place in its line; embedded in the connection. */
struct ipc_sched_entry {
	struct cds_list_head link;
};

void ipc_sched_init(struct ipc_sched *s);
void ipc_sched_user_init(struct ipc_sched_user *u);

/** ipc_sched_push() - @e's request has arrived: it waits at the end of @u's line. */
void ipc_sched_push(struct ipc_sched *s, struct ipc_sched_user *u, struct ipc_sched_entry *e);

/** ipc_sched_pop() - the next request to serve, the uids taking turns; NULL when none waits. */
struct ipc_sched_entry *ipc_sched_pop(struct ipc_sched *s, struct ipc_sched_user **ret_user);

/** ipc_sched_cancel() - @e leaves @u's line before its turn (its connection went away). */
void ipc_sched_cancel(struct ipc_sched *s, struct ipc_sched_user *u, struct ipc_sched_entry *e);

/** ipc_sched_loop_full() - whether @u may not send another request to the loop now. */
bool ipc_sched_loop_full(const struct ipc_sched_user *u, bool root);

/** ipc_sched_hold() - put @e, just popped, back first in @u's line; @u sits out until ipc_sched_loop_end(). */
void ipc_sched_hold(struct ipc_sched *s, struct ipc_sched_user *u, struct ipc_sched_entry *e);

/** ipc_sched_loop_begin() - one of @u's requests went to the loop. */
void ipc_sched_loop_begin(struct ipc_sched_user *u);

/** ipc_sched_loop_end() - one of @u's requests came back (or its client stopped waiting). */
void ipc_sched_loop_end(struct ipc_sched *s, struct ipc_sched_user *u);

/** ipc_sched_pending() - whether some uid has a turn coming. */
bool ipc_sched_pending(struct ipc_sched *s);
