/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who may hold a connection to the control socket: per-uid caps, a share kept for root, and which idle connection makes room. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipc_slots.h"

/* Where the room for a new connection comes from (the policy in ipc_slots.h). */
enum room {
	ROOM_FREE,		/* below every cap */
	ROOM_OWN,		/* the uid's own idle connections only */
	ROOM_OWN_THEN_NONROOT,	/* its own, else any non-root uid's */
	ROOM_NONROOT_THEN_OWN,	/* any non-root uid's, else its own (root) */
};

void ipc_slots_init(struct ipc_slot_table *t, const struct ipc_slot_limits *limits)
{
	memset(t, 0, sizeof(*t));
	t->limits = *limits;
	CDS_INIT_LIST_HEAD(&t->users);
	CDS_INIT_LIST_HEAD(&t->nonroot_idle);
}

struct ipc_user *ipc_slots_user_find(struct ipc_slot_table *t, uid_t uid)
{
	struct ipc_user *u;

	cds_list_for_each_entry(u, &t->users, link)
		if (u->uid == uid)
			return u;
	return NULL;
}

static enum room room_for(const struct ipc_slot_table *t, uid_t uid, unsigned nr_uid, bool no_fd)
{
	const struct ipc_slot_limits *lim = &t->limits;
	bool table_full = t->nr_total >= lim->total;

	if (uid == 0)
		return table_full || no_fd ? ROOM_NONROOT_THEN_OWN : ROOM_FREE;
	if (nr_uid >= lim->per_uid)
		return ROOM_OWN;
	if (table_full || no_fd || t->nr_nonroot + lim->root_reserve >= lim->total)
		return ROOM_OWN_THEN_NONROOT;
	return ROOM_FREE;
}

static struct ipc_slot *own_lru(struct ipc_user *u)
{
	if (!u || cds_list_empty(&u->idle))
		return NULL;
	return cds_list_first_entry(&u->idle, struct ipc_slot, user_idle);
}

static struct ipc_slot *nonroot_lru(struct ipc_slot_table *t)
{
	if (cds_list_empty(&t->nonroot_idle))
		return NULL;
	return cds_list_first_entry(&t->nonroot_idle, struct ipc_slot, nonroot_idle);
}

enum ipc_slot_verdict ipc_slots_admit(struct ipc_slot_table *t, uid_t uid, bool no_fd,
				      struct ipc_slot **ret_victim)
{
	struct ipc_user *u = ipc_slots_user_find(t, uid);
	struct ipc_slot *victim = NULL;

	switch (room_for(t, uid, u ? u->nr_conns : 0, no_fd)) {
	case ROOM_FREE:
		return IPC_SLOT_ADMIT;
	case ROOM_OWN:
		victim = own_lru(u);
		break;
	case ROOM_OWN_THEN_NONROOT:
		victim = own_lru(u) ?: nonroot_lru(t);
		break;
	case ROOM_NONROOT_THEN_OWN:
		victim = nonroot_lru(t) ?: own_lru(u);
		break;
	}
	if (!victim)
		return IPC_SLOT_REFUSE;
	*ret_victim = victim;
	return IPC_SLOT_EVICT;
}

static struct ipc_user *user_get(struct ipc_slot_table *t, uid_t uid)
{
	struct ipc_user *u = ipc_slots_user_find(t, uid);

	if (u)
		return u;
	u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->uid = uid;
	CDS_INIT_LIST_HEAD(&u->idle);
	ipc_sched_user_init(&u->sched);
	cds_list_add_tail(&u->link, &t->users);
	return u;
}

/* Idle again, or new: the most recently used of its lists. */
static void idle_enter(struct ipc_slot_table *t, struct ipc_slot *slot)
{
	cds_list_add_tail(&slot->user_idle, &slot->user->idle);
	if (slot->user->uid != 0)
		cds_list_add_tail(&slot->nonroot_idle, &t->nonroot_idle);
}

static void idle_leave(struct ipc_slot *slot)
{
	cds_list_del_init(&slot->user_idle);
	cds_list_del_init(&slot->nonroot_idle);
}

int ipc_slots_add(struct ipc_slot_table *t, struct ipc_slot *slot, uid_t uid)
{
	struct ipc_user *u = user_get(t, uid);

	if (!u)
		return -ENOMEM;
	slot->user = u;
	slot->busy = false;
	CDS_INIT_LIST_HEAD(&slot->user_idle);
	CDS_INIT_LIST_HEAD(&slot->nonroot_idle);
	idle_enter(t, slot);
	u->nr_conns++;
	t->nr_total++;
	t->nr_nonroot += uid != 0;
	return 0;
}

void ipc_slots_remove(struct ipc_slot_table *t, struct ipc_slot *slot)
{
	struct ipc_user *u = slot->user;

	if (!u)
		return;
	idle_leave(slot);
	slot->user = NULL;
	t->nr_total--;
	t->nr_nonroot -= u->uid != 0;
	if (--u->nr_conns > 0)
		return;
	cds_list_del(&u->link);
	free(u);
}

void ipc_slots_touch(struct ipc_slot_table *t, struct ipc_slot *slot)
{
	if (slot->busy || !slot->user)
		return;
	idle_leave(slot);
	idle_enter(t, slot);
}

void ipc_slots_set_busy(struct ipc_slot_table *t, struct ipc_slot *slot, bool busy)
{
	if (!slot->user || slot->busy == busy)
		return;
	slot->busy = busy;
	if (busy)
		idle_leave(slot);
	else
		idle_enter(t, slot);
}
