/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Discovery: SendTargets through the group address, bound to one of the iSCSI NICs (the
 * heartbeat port never carries iSCSI), and the group model it yields: volumes (targets),
 * their members (portal groups) and the members' portals. A discovery that fails changes
 * nothing; one that succeeds tells which volumes and members came and went.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "manager.h"
#include "util.h"

void group_release(struct group *g)
{
	free(g->records);
	free(g->volumes);
	free(g->members);
	free(g->portals);
	free(g->targets);
	*g = (struct group) { 0 };
}

static int record_cmp(const void *a, const void *b)
{
	const struct iscsiadm_record *x = a, *y = b;
	int c = strcmp(x->target, y->target);

	if (c)
		return c;
	if (x->tpgt != y->tpgt)
		return x->tpgt < y->tpgt ? -1 : 1;
	c = strcmp(x->addr, y->addr);
	return c ? c : (int)x->port - (int)y->port;
}

/* Records sorted by target and tpgt become volumes, members and portals, all in a row. */
static int group_build(struct group *g)
{
	size_t n = g->n_records;

	g->volumes = calloc(n ? n : 1, sizeof(*g->volumes));
	g->members = calloc(n ? n : 1, sizeof(*g->members));
	g->portals = calloc(n ? n : 1, sizeof(*g->portals));
	g->targets = calloc(n ? n : 1, sizeof(*g->targets));
	if (!g->volumes || !g->members || !g->portals || !g->targets)
		return -ENOMEM;
	for (size_t i = 0, nm = 0; i < n; i++) {
		const struct iscsiadm_record *r = &g->records[i];
		bool new_vol = i == 0 || !streq(r->target, g->records[i - 1].target);
		bool new_mem = new_vol || r->tpgt != g->records[i - 1].tpgt;
		struct layout_volume *v;

		if (new_vol) {
			v = &g->volumes[g->n_volumes];
			snprintf(g->targets[g->n_volumes], ISESS_TARGET_MAX, "%s", r->target);
			*v = (struct layout_volume) { .target = g->targets[g->n_volumes], .members = &g->members[nm] };
			g->n_volumes++;
		}
		v = &g->volumes[g->n_volumes - 1];
		if (new_mem) {
			g->members[nm] = (struct layout_member) { .tpgt = r->tpgt, .portals = &g->portals[i] };
			nm++;
			v->n_members++;
		}
		snprintf(g->portals[i].addr, sizeof(g->portals[i].addr), "%s", r->addr);
		g->portals[i].port = r->port;
		g->members[nm - 1].n_portals++;
	}
	return 0;
}

const struct layout_member *group_member_of(const struct group *g, const char *target, const char *addr,
					    unsigned port)
{
	for (size_t v = 0; v < g->n_volumes; v++) {
		if (!streq(g->volumes[v].target, target))
			continue;
		for (size_t mi = 0; mi < g->volumes[v].n_members; mi++) {
			const struct layout_member *mem = &g->volumes[v].members[mi];

			for (size_t k = 0; k < mem->n_portals; k++)
				if (mem->portals[k].port == port && streq(mem->portals[k].addr, addr))
					return mem;
		}
	}
	return NULL;
}

static const struct layout_volume *group_volume(const struct group *g, const char *target)
{
	for (size_t v = 0; v < g->n_volumes; v++)
		if (streq(g->volumes[v].target, target))
			return &g->volumes[v];
	return NULL;
}

static bool member_in(const struct layout_volume *v, const struct layout_member *mem)
{
	for (size_t i = 0; v && i < v->n_members; i++)
		if (v->members[i].tpgt == mem->tpgt && streq(v->members[i].portals[0].addr, mem->portals[0].addr))
			return true;
	return false;
}

static bool target_has_session(const struct isess *m, const char *target)
{
	for (size_t i = 0; i < m->n_sessions; i++)
		if (m->sessions[i].nic[0] && streq(m->sessions[i].target, target))
			return true;
	return false;
}

/*
 * The targets the group dropped stay in m->gone while the manager still has sessions of
 * them, so that a logout that failed or outlasted a discovery interval is still allowed to
 * take a removed volume's last session; a target the group offers again leaves the list.
 */
static void gone_update(struct isess *m, const struct group *old, const struct group *new)
{
	char **prev = m->gone;
	size_t n_prev = m->n_gone;

	m->n_gone = 0;
	m->gone = calloc(n_prev + old->n_volumes + 1, sizeof(*m->gone));
	for (size_t i = 0; i < n_prev; i++) {
		if (m->gone && !group_volume(new, prev[i]) && !group_volume(old, prev[i]) &&
		    target_has_session(m, prev[i]))
			m->gone[m->n_gone++] = prev[i];
		else
			free(prev[i]);
	}
	free(prev);
	for (size_t v = 0; m->gone && v < old->n_volumes; v++)
		if (!group_volume(new, old->volumes[v].target) && (m->gone[m->n_gone] = strdup(old->volumes[v].target)))
			m->n_gone++;
}

/* Log what moved between @old and @new, and which targets are gone (gone_update()). */
static void group_diff(struct isess *m, const struct group *old, const struct group *new)
{
	gone_update(m, old, new);
	for (size_t v = 0; v < new->n_volumes; v++) {
		const struct layout_volume *nv = &new->volumes[v], *ov = group_volume(old, nv->target);

		if (!ov && m->discovered)
			mgr_change(m, "volume %s added (%zu member%s)", nv->target, nv->n_members,
				   nv->n_members == 1 ? "" : "s");
		for (size_t i = 0; ov && i < nv->n_members; i++)
			if (!member_in(ov, &nv->members[i]))
				mgr_change(m, "member %s (tpgt %d) added to %s", nv->members[i].portals[0].addr,
					   nv->members[i].tpgt, nv->target);
		for (size_t i = 0; ov && i < ov->n_members; i++)
			if (!member_in(nv, &ov->members[i]))
				mgr_change(m, "member %s (tpgt %d) left %s", ov->members[i].portals[0].addr,
					   ov->members[i].tpgt, nv->target);
	}
	for (size_t v = 0; v < old->n_volumes; v++) {
		if (group_volume(new, old->volumes[v].target))
			continue;
		mgr_change(m, "volume %s removed from the group", old->volumes[v].target);
	}
}

/* Keep the volumes the config asks for, and the portals outside excluded subnets. */
static size_t records_filter(const struct isess *m, struct iscsiadm_record *recs, size_t n)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)
		if (isess_config_wants_volume(m->cfg, recs[i].target) &&
		    !isess_config_addr_excluded(m->cfg, recs[i].addr))
			recs[kept++] = recs[i];
	return kept;
}

static void discovery_succeeded(struct isess *m, struct iscsiadm_record *recs, size_t n)
{
	struct group fresh = { .records = recs, .n_records = records_filter(m, recs, n) };

	if (fresh.n_records > 1)
		qsort(fresh.records, fresh.n_records, sizeof(*fresh.records), record_cmp);
	if (group_build(&fresh) < 0) {
		group_release(&fresh);
		log_warn("iscsi: discovery: out of memory");
		return;
	}
	group_diff(m, &m->group, &fresh);
	if (!m->discovered)
		mgr_change(m, "discovery found %zu volume%s", fresh.n_volumes, fresh.n_volumes == 1 ? "" : "s");
	group_release(&m->group);
	m->group = fresh;
	m->discovered = true;
	m->discovered_at = isess_now();
	m->discovery_error[0] = '\0';
	/* now, not on a later kick: the plan indexes the group's volumes and members, and a
	 * publication before the next pass would read the new group through the old plan */
	apply_reconcile(m);
	mgr_publish_later(m);
}

/* Attempt @i: the (address, NIC) pair, addresses first; false when there are no more. */
static bool attempt(const struct isess *m, size_t i, size_t *addr, const struct mgr_nic **nic)
{
	size_t k = 0;

	for (size_t a = 0; a < m->cfg->n_discovery; a++)
		for (size_t n = 0; n < m->n_nics; n++) {
			const struct mgr_nic *c = &m->nics[n];

			if (!c->usable || !c->iface_ready || !c->info.carrier)
				continue;
			if (k++ == i) {
				*addr = a;
				*nic = c;
				return true;
			}
		}
	return false;
}

static int discovery_try(struct op *op);

static void discovery_done(const struct run_result *res, void *userdata)
{
	struct op *op = userdata;
	struct isess *m = op->m;
	struct iscsiadm_record *recs = NULL;
	size_t n = 0;

	op->job = NULL;
	if (res->status == 0 || res->status == ISCSIADM_ERR_NO_OBJS_FOUND) {
		if (iscsiadm_parse_discovery(res->out, &recs, &n) == 0) {
			log_debug("iscsi: discovery: %zu record%s", n, n == 1 ? "" : "s");
			discovery_succeeded(m, recs, n);
			mgr_op_end(op);
			return;
		}
	}
	snprintf(m->discovery_error, sizeof(m->discovery_error), "%s (%s)", iscsiadm_error_name(res->status),
		 res->err[0] ? res->err : "no message");
	m->discovery_error[strcspn(m->discovery_error, "\n")] = '\0';
	log_warn("iscsi: discovery attempt %zu failed: %s", op->index + 1, m->discovery_error);
	op->index++;
	if (discovery_try(op) < 0)
		mgr_op_end(op);
	mgr_publish_later(m);
}

static int discovery_try(struct op *op)
{
	struct isess *m = op->m;
	const struct mgr_nic *nic;
	const struct mp_portal *p;
	struct iscsiadm_cmd cmd;
	size_t a;
	int r;

	if (!attempt(m, op->index, &a, &nic))
		return -ENOENT;
	p = &m->cfg->discovery[a];
	r = iscsiadm_discover(&cmd, m->cfg->iscsiadm, p->addr, p->port, nic->iface);
	if (r >= 0)
		r = mgr_op_run(op, cmd.argv, ISESS_ADM_TIMEOUT_USEC, discovery_done);
	return r;
}

void discovery_start(struct isess *m)
{
	struct op *op;

	for (op = m->ops_running; op; op = op->next)
		if (op->kind == OP_DISCOVERY)
			return;
	op = mgr_op_new(m, OP_DISCOVERY);
	if (!op)
		return;
	if (discovery_try(op) < 0) {
		if (!m->discovery_error[0])
			snprintf(m->discovery_error, sizeof(m->discovery_error),
				 "no NIC with an iface and a carrier to discover through");
		mgr_op_end(op);
	}
}
