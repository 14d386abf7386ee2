/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whose request the control socket serves next: uids take turns, and a non-root uid has a bounded number at the loop. */
#include "ipc_sched.h"

void ipc_sched_init(struct ipc_sched *s)
{
	CDS_INIT_LIST_HEAD(&s->turns);
}

void ipc_sched_user_init(struct ipc_sched_user *u)
{
	CDS_INIT_LIST_HEAD(&u->waiting);
	CDS_INIT_LIST_HEAD(&u->turn);
	u->at_loop = 0;
	u->held = false;
}

/* Give @u a turn at the end, unless it has one, has nothing waiting or sits out. */
static void turn_queue(struct ipc_sched *s, struct ipc_sched_user *u)
{
	if (u->held || cds_list_empty(&u->waiting) || !cds_list_empty(&u->turn))
		return;
	cds_list_add_tail(&u->turn, &s->turns);
}

void ipc_sched_push(struct ipc_sched *s, struct ipc_sched_user *u, struct ipc_sched_entry *e)
{
	cds_list_add_tail(&e->link, &u->waiting);
	turn_queue(s, u);
}

struct ipc_sched_entry *ipc_sched_pop(struct ipc_sched *s, struct ipc_sched_user **ret_user)
{
	struct ipc_sched_user *u;
	struct ipc_sched_entry *e;

	if (cds_list_empty(&s->turns))
		return NULL;
	u = cds_list_first_entry(&s->turns, struct ipc_sched_user, turn);
	cds_list_del_init(&u->turn);
	e = cds_list_first_entry(&u->waiting, struct ipc_sched_entry, link);
	cds_list_del_init(&e->link);
	turn_queue(s, u);
	*ret_user = u;
	return e;
}

void ipc_sched_cancel(struct ipc_sched *s, struct ipc_sched_user *u, struct ipc_sched_entry *e)
{
	cds_list_del_init(&e->link);
	if (cds_list_empty(&u->waiting))
		cds_list_del_init(&u->turn);
}

bool ipc_sched_loop_full(const struct ipc_sched_user *u, bool root)
{
	return !root && u->at_loop >= IPC_SCHED_LOOP_PER_UID;
}

void ipc_sched_hold(struct ipc_sched *s, struct ipc_sched_user *u, struct ipc_sched_entry *e)
{
	cds_list_add(&e->link, &u->waiting);
	u->held = true;
	cds_list_del_init(&u->turn);
}

void ipc_sched_loop_begin(struct ipc_sched_user *u)
{
	u->at_loop++;
}

void ipc_sched_loop_end(struct ipc_sched *s, struct ipc_sched_user *u)
{
	if (u->at_loop > 0)
		u->at_loop--;
	if (u->held && u->at_loop < IPC_SCHED_LOOP_PER_UID) {
		u->held = false;
		turn_queue(s, u);
	}
}

bool ipc_sched_pending(struct ipc_sched *s)
{
	return !cds_list_empty(&s->turns);
}
