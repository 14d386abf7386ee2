/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who may hold a connection to the control socket: per-uid caps, a share kept for root, and which idle connection makes room. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <urcu/list.h>

#include "ipc_sched.h"

/*
 * The table knows connections only as slots (uid, busy or idle); it does no
 * I/O and reads no clock, so the policy can be tested alone. "Busy" means a
 * request is in progress: read whole and waiting, at the daemon's loop, or
 * its reply being written. Idle connections (nothing, or part of a frame)
 * are kept in least-recently-used order, per uid and for all non-root uids.
 *
 * Policy, for a new connection from uid U:
 *  - non-root U at its per-uid cap: U's own least recently used idle
 *    connection makes room; none idle: refused;
 *  - non-root U when the non-root share (total - root_reserve) or the whole
 *    table is full, or no descriptor is left: U's own LRU idle connection,
 *    else the LRU idle one of any non-root uid; none: refused;
 *  - root when the table is full or no descriptor is left: the LRU idle
 *    connection of a non-root uid, else root's own LRU idle one; none: refused;
 *  - otherwise admitted.
 * So idle connections never keep out a new client, a non-root uid can only
 * ever take room from non-root uids, and root is refused only when every
 * connection in the table has a request in progress.
 */

/** struct ipc_slot_limits - the caps; total >= root_reserve, per_uid >= 1. */
struct ipc_slot_limits {
	unsigned total;			/* connections in the table */
	unsigned root_reserve;		/* of those, never held by non-root uids */
	unsigned per_uid;		/* for each non-root uid */
};

/** struct ipc_user - one uid's account: its connections, and its turn for requests (ipc_sched.h). */
struct ipc_user {
	uid_t uid;
	unsigned nr_conns;
	struct cds_list_head idle;	/* its idle slots, least recently used first */
	struct cds_list_head link;	/* in the table's users */
	struct ipc_sched_user sched;
};

/** struct ipc_slot - a connection's place in the table, embedded in the connection. */
struct ipc_slot {
	struct ipc_user *user;
	bool busy;
	struct cds_list_head user_idle;		/* in user->idle while idle */
	struct cds_list_head nonroot_idle;	/* in the table's nonroot_idle while idle, non-root only */
};

struct ipc_slot_table {
	struct ipc_slot_limits limits;
	unsigned nr_total;
	unsigned nr_nonroot;
	struct cds_list_head users;
	struct cds_list_head nonroot_idle;	/* every non-root idle slot, least recently used first */
};

enum ipc_slot_verdict {
	IPC_SLOT_ADMIT,		/* there is room */
	IPC_SLOT_EVICT,		/* close *ret_victim first, then admit */
	IPC_SLOT_REFUSE,	/* everything that could make room is busy */
};

void ipc_slots_init(struct ipc_slot_table *t, const struct ipc_slot_limits *limits);

/**
 * ipc_slots_admit() - decide on a new connection from @uid; changes nothing.
 * @no_fd: the process is out of descriptors, so an existing connection must
 *         make room even below the caps.
 * @ret_victim: receives the slot to close on IPC_SLOT_EVICT.
 */
enum ipc_slot_verdict ipc_slots_admit(struct ipc_slot_table *t, uid_t uid, bool no_fd,
				      struct ipc_slot **ret_victim);

/** ipc_slots_add() - enter @slot for @uid, idle and most recently used. Return: 0 or -ENOMEM. */
int ipc_slots_add(struct ipc_slot_table *t, struct ipc_slot *slot, uid_t uid);

/** ipc_slots_remove() - take @slot out; the uid's account goes with its last slot. */
void ipc_slots_remove(struct ipc_slot_table *t, struct ipc_slot *slot);

/** ipc_slots_touch() - @slot saw activity: an idle slot becomes the most recently used. */
void ipc_slots_touch(struct ipc_slot_table *t, struct ipc_slot *slot);

/** ipc_slots_set_busy() - a request began (@busy) or ended; an ended one is the most recently used. */
void ipc_slots_set_busy(struct ipc_slot_table *t, struct ipc_slot *slot, bool busy);

/** ipc_slots_user_find() - @uid's account, or NULL when it holds no connection. */
struct ipc_user *ipc_slots_user_find(struct ipc_slot_table *t, uid_t uid);
