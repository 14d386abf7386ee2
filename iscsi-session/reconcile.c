/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reconciler: desired against actual sessions, new before old, never the last working one. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reconcile.h"
#include "util.h"

struct actions {
	struct reconcile_action *list;
	size_t n, cap;
};

static int action_add(struct actions *a, struct reconcile_action act)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct reconcile_action *more = realloc(a->list, cap * sizeof(*more));

		if (!more)
			return -ENOMEM;
		a->list = more;
		a->cap = cap;
	}
	a->list[a->n++] = act;
	return 0;
}

static bool same_node(const char *target, const char *addr, unsigned port, const char *nic,
		      const struct layout_session *s)
{
	return s->port == port && streq(s->target, target) && streq(s->addr, addr) && streq(s->nic, nic);
}

static bool actual_is(const struct reconcile_session *a, const struct layout_session *s)
{
	return same_node(a->target, a->addr, a->port, a->nic, s);
}

static bool is_gone(const struct reconcile_input *in, const char *target)
{
	for (size_t i = 0; i < in->n_gone; i++)
		if (streq(in->gone[i], target))
			return true;
	return false;
}

/* The index of the desired session @a belongs to, or -1. */
static long desired_of(const struct reconcile_input *in, const struct reconcile_session *a)
{
	for (size_t i = 0; i < in->n_desired; i++)
		if (actual_is(a, &in->desired[i]))
			return (long)i;
	return -1;
}

/* Of two sessions of one node, the one to keep: working, then logged in, then the newest. */
static bool better(const struct reconcile_session *a, const struct reconcile_session *b)
{
	if (a->working != b->working)
		return a->working;
	if (a->logged_in != b->logged_in)
		return a->logged_in;
	return a->sid > b->sid;
}

/* Another session of @ai's node (target, portal, NIC) that @pred holds for, if any. */
static bool node_other(const struct reconcile_input *in, size_t ai,
		       bool (*pred)(const struct reconcile_session *b, const struct reconcile_session *a))
{
	const struct reconcile_session *a = &in->actual[ai];

	for (size_t j = 0; j < in->n_actual; j++) {
		const struct reconcile_session *b = &in->actual[j];

		if (j != ai && b->port == a->port && streq(b->target, a->target) && streq(b->addr, a->addr) &&
		    streq(b->nic, a->nic) && pred(b, a))
			return true;
	}
	return false;
}

static bool is_working(const struct reconcile_session *b, const struct reconcile_session *a)
{
	return b->working;
}

/* Whether @ai is the one session kept for its desired node. */
static bool is_keeper(const struct reconcile_input *in, size_t ai)
{
	return !node_other(in, ai, better);
}

/* Whether another session on @ai's node is working. */
static bool node_has_working(const struct reconcile_input *in, size_t ai)
{
	return node_other(in, ai, is_working);
}

static bool desired_exists(const struct reconcile_input *in, const struct layout_session *d)
{
	for (size_t j = 0; j < in->n_actual; j++)
		if (actual_is(&in->actual[j], d))
			return true;
	return false;
}

static bool login_running(const struct reconcile_input *in, const struct layout_session *d)
{
	for (size_t j = 0; j < in->n_pending; j++)
		if (same_node(d->target, d->addr, d->port, d->nic, &in->pending[j]))
			return true;
	return false;
}

/* Every desired session of @target exists and none of its logins runs. */
static bool volume_complete(const struct reconcile_input *in, const char *target)
{
	for (size_t i = 0; i < in->n_desired; i++)
		if (streq(in->desired[i].target, target) && !desired_exists(in, &in->desired[i]))
			return false;
	for (size_t j = 0; j < in->n_pending; j++)
		if (streq(in->pending[j].target, target))
			return false;
	return true;
}

/* Working sessions of @target other than @skip, not on their way out (@leaving counts ours). */
static size_t working_left(const struct reconcile_input *in, const char *target, size_t skip,
			   const bool *leaving)
{
	size_t n = 0;

	for (size_t j = 0; j < in->n_actual; j++)
		n += j != skip && !leaving[j] && !in->actual[j].logout_pending && in->actual[j].working &&
		     streq(in->actual[j].target, target);
	return n;
}

static int plan_logins(const struct reconcile_input *in, struct actions *acts)
{
	for (size_t i = 0; i < in->n_desired; i++) {
		const struct layout_session *d = &in->desired[i];
		int r;

		if (desired_exists(in, d) || login_running(in, d))
			continue;
		r = action_add(acts, (struct reconcile_action) { .kind = RECONCILE_LOGIN, .index = i });
		if (r < 0)
			return r;
	}
	return 0;
}

/* Decide session @ai: logout now (1), hold (0), or keep (-1 for "nothing to do"). */
static int logout_decision(const struct reconcile_input *in, size_t ai, const bool *leaving, const char **why)
{
	const struct reconcile_session *a = &in->actual[ai];
	bool gone = is_gone(in, a->target);

	if (a->logout_pending)
		return -1;
	if (desired_of(in, a) >= 0) {
		if (is_keeper(in, ai))
			return -1;
		*why = "duplicate";
		/* a replacement not in use yet: this one, still in iscsid's recovery, may serve
		 * first (whichever does stays) */
		if (!a->logged_in && !node_has_working(in, ai))
			return 0;
	} else {
		*why = gone ? "volume removed" : "not in the plan";
	}
	if (!a->logged_in)
		return 1;
	if (gone)
		return 1;
	if (!volume_complete(in, a->target))
		return 0;
	return !a->working || working_left(in, a->target, ai, leaving) > 0;
}

int reconcile_compute(const struct reconcile_input *in, struct reconcile_action **ret, size_t *ret_n,
		      size_t *ret_held)
{
	struct actions acts = { 0 };
	_cleanup_free_ bool *leaving = calloc(in->n_actual ? in->n_actual : 1, sizeof(bool));
	size_t held = 0;
	int r;

	if (!leaving)
		return -ENOMEM;
	r = plan_logins(in, &acts);
	for (size_t i = 0; r >= 0 && i < in->n_actual; i++) {
		const char *why = NULL;
		int d = logout_decision(in, i, leaving, &why);

		if (d == 0)
			held++;
		if (d != 1)
			continue;
		leaving[i] = true;
		r = action_add(&acts, (struct reconcile_action) {
			.kind = RECONCILE_LOGOUT, .sid = in->actual[i].sid, .why = why });
	}
	if (r < 0) {
		free(acts.list);
		return r;
	}
	*ret = acts.list;
	*ret_n = acts.n;
	if (ret_held)
		*ret_held = held;
	return 0;
}
