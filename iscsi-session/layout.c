/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The session layout: which sessions a group should have, computed from its facts alone. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "layout.h"
#include "util.h"

/* What the fill loop knows about one member of one volume. */
struct member_fill {
	unsigned quota;		/* min(member_sessions, NICs that reach it) */
	unsigned count;		/* sessions handed out so far */
	bool *nic_used;		/* per NIC: it has one of this member's sessions */
};

struct fill {
	const struct layout_input *in;
	struct member_fill **members;	/* [volume][member] */
	unsigned *volume_quota;
	unsigned *nic_load;
	struct layout_plan *plan;
	size_t cap;
};

bool layout_subnet_contains(const struct layout_subnet *subnet, const char *addr)
{
	uint8_t bin[16];
	unsigned bits = subnet->prefix;

	if (inet_pton(subnet->family, addr, bin) != 1)
		return false;
	for (size_t i = 0; bits > 0; i++, bits = bits > 8 ? bits - 8 : 0) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		if ((bin[i] & mask) != (subnet->addr[i] & mask))
			return false;
	}
	return true;
}

static bool nic_has_subnet_of(const struct layout_nic *nic, const char *addr)
{
	for (size_t i = 0; i < nic->n_subnets; i++)
		if (layout_subnet_contains(&nic->subnets[i], addr))
			return true;
	return false;
}

/* A portal in some NIC's subnet is reached by those NICs only; any other is routed. */
static bool nic_reaches(const struct layout_input *in, size_t nic, const struct layout_portal *p)
{
	bool local_somewhere = false;

	for (size_t i = 0; i < in->n_nics; i++)
		local_somewhere |= nic_has_subnet_of(&in->nics[i], p->addr);
	return !local_somewhere || nic_has_subnet_of(&in->nics[nic], p->addr);
}

static bool portal_equal(const struct layout_portal *p, const char *addr, unsigned port)
{
	return p->port == port && streq(p->addr, addr);
}

/* The current session of volume @v through NIC @nic to one of @m's portals, or NULL. */
static const struct layout_session *current_session(const struct layout_input *in, size_t v,
						    const struct layout_member *m, size_t nic)
{
	for (size_t i = 0; i < in->n_current; i++) {
		const struct layout_session *s = &in->current[i];

		if (!streq(s->target, in->volumes[v].target) || !streq(s->nic, in->nics[nic].name))
			continue;
		for (size_t k = 0; k < m->n_portals; k++)
			if (portal_equal(&m->portals[k], s->addr, s->port))
				return s;
	}
	return NULL;
}

/* The portal of @m that NIC @nic uses: the current one, else the first it reaches; -1 for none. */
static int member_portal_for(const struct layout_input *in, size_t v, const struct layout_member *m,
			     size_t nic)
{
	const struct layout_session *cur = current_session(in, v, m, nic);

	for (size_t k = 0; cur && k < m->n_portals; k++)
		if (portal_equal(&m->portals[k], cur->addr, cur->port))
			return (int)k;
	for (size_t k = 0; k < m->n_portals; k++)
		if (nic_reaches(in, nic, &m->portals[k]))
			return (int)k;
	return -1;
}

static bool nic_serves(const struct layout_input *in, size_t v, size_t m, size_t nic)
{
	return in->nics[nic].usable && member_portal_for(in, v, &in->volumes[v].members[m], nic) >= 0;
}

static int fill_init(struct fill *f)
{
	const struct layout_input *in = f->in;

	f->members = calloc(in->n_volumes ? in->n_volumes : 1, sizeof(*f->members));
	f->volume_quota = calloc(in->n_volumes ? in->n_volumes : 1, sizeof(*f->volume_quota));
	f->nic_load = calloc(in->n_nics ? in->n_nics : 1, sizeof(*f->nic_load));
	if (!f->members || !f->volume_quota || !f->nic_load)
		return -ENOMEM;
	for (size_t v = 0; v < in->n_volumes; v++) {
		const struct layout_volume *vol = &in->volumes[v];
		unsigned sum = 0;

		f->members[v] = calloc(vol->n_members ? vol->n_members : 1, sizeof(**f->members));
		if (!f->members[v])
			return -ENOMEM;
		for (size_t m = 0; m < vol->n_members; m++) {
			struct member_fill *mf = &f->members[v][m];
			unsigned reach = 0;

			if (vol->members[m].n_portals == 0)
				return -EINVAL;
			mf->nic_used = calloc(in->n_nics ? in->n_nics : 1, sizeof(bool));
			if (!mf->nic_used)
				return -ENOMEM;
			for (size_t n = 0; n < in->n_nics; n++)
				reach += nic_serves(in, v, m, n);
			mf->quota = reach < vol->member_sessions ? reach : vol->member_sessions;
			sum += mf->quota;
		}
		f->volume_quota[v] = sum < vol->volume_sessions ? sum : vol->volume_sessions;
	}
	return 0;
}

static void fill_release(struct fill *f)
{
	for (size_t v = 0; f->members && v < f->in->n_volumes; v++) {
		for (size_t m = 0; f->members[v] && m < f->in->volumes[v].n_members; m++)
			free(f->members[v][m].nic_used);
		free(f->members[v]);
	}
	free(f->members);
	free(f->volume_quota);
	free(f->nic_load);
}

/* The member of volume @v with room and the fewest sessions so far; -1 when all are full. */
static int next_member(const struct fill *f, size_t v)
{
	int best = -1;

	for (size_t m = 0; m < f->in->volumes[v].n_members; m++) {
		const struct member_fill *mf = &f->members[v][m];

		if (mf->count < mf->quota && (best < 0 || mf->count < f->members[v][best].count))
			best = (int)m;
	}
	return best;
}

/* A NIC the member has no session on: the current one, else the least loaded, else the first. */
static int next_nic(const struct fill *f, size_t v, size_t m)
{
	const struct layout_input *in = f->in;
	int best = -1;
	bool best_current = false;

	for (size_t n = 0; n < in->n_nics; n++) {
		bool cur;

		if (f->members[v][m].nic_used[n] || !nic_serves(in, v, m, n))
			continue;
		cur = current_session(in, v, &in->volumes[v].members[m], n) != NULL;
		if (best < 0 || (cur && !best_current) ||
		    (cur == best_current && f->nic_load[n] < f->nic_load[best])) {
			best = (int)n;
			best_current = cur;
		}
	}
	return best;
}

static int plan_add(struct fill *f, size_t v, size_t m, size_t n)
{
	const struct layout_input *in = f->in;
	const struct layout_member *mem = &in->volumes[v].members[m];
	const struct layout_portal *p = &mem->portals[member_portal_for(in, v, mem, n)];
	struct layout_plan *plan = f->plan;
	struct layout_session *s;

	if (plan->n_sessions == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;

		s = realloc(plan->sessions, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		plan->sessions = s;
		f->cap = cap;
	}
	s = &plan->sessions[plan->n_sessions++];
	*s = (struct layout_session) { .port = p->port, .tpgt = mem->tpgt, .volume = v, .member = m };
	snprintf(s->target, sizeof(s->target), "%s", in->volumes[v].target);
	snprintf(s->addr, sizeof(s->addr), "%s", p->addr);
	snprintf(s->nic, sizeof(s->nic), "%s", in->nics[n].name);
	f->members[v][m].nic_used[n] = true;
	f->members[v][m].count++;
	f->nic_load[n]++;
	plan->per_volume[v]++;
	return 0;
}

/* One round: every volume with room gets one more session. Returns how many were added. */
static int fill_round(struct fill *f, size_t *total)
{
	int added = 0;

	for (size_t v = 0; v < f->in->n_volumes; v++) {
		int m, n, r;

		if (f->plan->per_volume[v] >= f->volume_quota[v])
			continue;
		if (*total >= f->in->total_sessions) {
			f->plan->capped_by_total = true;
			return added;
		}
		m = next_member(f, v);
		n = m < 0 ? -1 : next_nic(f, v, (size_t)m);
		if (n < 0)
			continue;
		r = plan_add(f, v, (size_t)m, (size_t)n);
		if (r < 0)
			return r;
		(*total)++;
		added++;
	}
	return added;
}

static size_t nic_index(const struct layout_input *in, const char *name)
{
	for (size_t n = 0; n < in->n_nics; n++)
		if (streq(in->nics[n].name, name))
			return n;
	return in->n_nics;
}

static int session_cmp(const void *a, const void *b, void *input)
{
	const struct layout_session *x = a, *y = b;
	size_t nx, ny;

	if (x->volume != y->volume)
		return x->volume < y->volume ? -1 : 1;
	if (x->member != y->member)
		return x->member < y->member ? -1 : 1;
	nx = nic_index(input, x->nic);
	ny = nic_index(input, y->nic);
	return nx < ny ? -1 : nx > ny;
}

int layout_compute(const struct layout_input *in, struct layout_plan *ret)
{
	struct layout_plan plan = { .n_volumes = in->n_volumes };
	struct fill f = { .in = in, .plan = &plan };
	size_t total = 0;
	int r;

	plan.per_volume = calloc(in->n_volumes ? in->n_volumes : 1, sizeof(*plan.per_volume));
	r = plan.per_volume ? fill_init(&f) : -ENOMEM;
	while (r >= 0 && (r = fill_round(&f, &total)) > 0)
		;
	fill_release(&f);
	if (r < 0) {
		layout_plan_release(&plan);
		return r;
	}
	if (plan.n_sessions > 1)
		qsort_r(plan.sessions, plan.n_sessions, sizeof(*plan.sessions), session_cmp, (void *)in);
	*ret = plan;
	return 0;
}

void layout_plan_release(struct layout_plan *plan)
{
	free(plan->sessions);
	free(plan->per_volume);
	*plan = (struct layout_plan) { 0 };
}
