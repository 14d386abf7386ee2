/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Applying the plan: the session table from sysfs, the layout, the reconciler's steps, and
 * the iscsiadm sequences that carry them out (iface creation, node record + login, logout +
 * node removal, a second session on a failed one's node). Each sequence is a chain of child
 * processes; nothing here waits for one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "log.h"
#include "manager.h"
#include "node_prep.h"
#include "reconcile.h"
#include "util.h"

static bool node_equal(const struct layout_session *a, const struct layout_session *b)
{
	return a->port == b->port && streq(a->target, b->target) && streq(a->addr, b->addr) &&
	       streq(a->nic, b->nic);
}

static void node_from_session(const struct isess_session *s, struct layout_session *ret)
{
	*ret = (struct layout_session) { .port = s->port, .tpgt = s->tpgt };
	snprintf(ret->target, sizeof(ret->target), "%s", s->target);
	snprintf(ret->addr, sizeof(ret->addr), "%s", s->addr);
	snprintf(ret->nic, sizeof(ret->nic), "%s", s->nic);
}

static void node_args(const struct isess *m, const struct layout_session *s, struct iscsiadm_node *ret,
		      char *iface, size_t size)
{
	iscsiadm_iface_name(s->nic, iface, size);
	*ret = (struct iscsiadm_node) { .target = s->target, .addr = s->addr, .port = s->port, .tpgt = s->tpgt,
					.iface = iface };
}

bool apply_login_running(const struct isess *m, const struct layout_session *node)
{
	for (const struct op *op = m->ops_running; op; op = op->next)
		if ((op->kind == OP_LOGIN || op->kind == OP_RELOGIN) && node_equal(&op->node, node))
			return true;
	return false;
}

static bool session_op_running(const struct isess *m, unsigned sid)
{
	for (const struct op *op = m->ops_running; op; op = op->next)
		if ((op->kind == OP_LOGOUT || op->kind == OP_RELOGIN) && op->sid == sid)
			return true;
	return false;
}

/* ---- backoff of failed logins ---- */

static struct backoff *backoff_find(struct isess *m, const struct layout_session *node)
{
	for (size_t i = 0; i < m->n_backoffs; i++)
		if (node_equal(&m->backoffs[i].node, node))
			return &m->backoffs[i];
	return NULL;
}

static void backoff_note(struct isess *m, const struct layout_session *node, int status)
{
	struct backoff *b = backoff_find(m, node);
	uint64_t delay;

	if (!b) {
		struct backoff *more = realloc(m->backoffs, (m->n_backoffs + 1) * sizeof(*more));

		if (!more)
			return;
		m->backoffs = more;
		b = &m->backoffs[m->n_backoffs++];
		*b = (struct backoff) { .node = *node };
	}
	b->failures++;
	delay = ISESS_LOGIN_BACKOFF_USEC << (b->failures < 5 ? b->failures - 1 : 4);
	if (delay > 60 * 1000000ULL)
		delay = 60 * 1000000ULL;
	b->until = isess_now() + delay;
	snprintf(b->error, sizeof(b->error), "%s", iscsiadm_error_name(status));
}

static void backoff_clear(struct isess *m, const struct layout_session *node)
{
	struct backoff *b = backoff_find(m, node);

	if (b)
		*b = m->backoffs[--m->n_backoffs];
}

/* ---- login: node record, its settings, login ---- */

/*
 * A login's steps: 0 the node record (iscsiadm -o new), 1 its settings (-o update), 2 its
 * CHAP secrets (node_prep_chap(), off the loop; skipped without CHAP), 3 the login. A node
 * this manager has set up already starts at 3.
 */
enum { LOGIN_NEW, LOGIN_SETTINGS, LOGIN_CHAP, LOGIN_LOGIN, LOGIN_STEPS };

static void login_step(struct op *op);

/* The step @op is in; after an iscsiadm step's run, @ran (the runner has counted it already). */
static const char *login_step_name(const struct op *op, bool ran)
{
	static const char *const names[LOGIN_STEPS] = { "node record", "node settings", "CHAP", "login" };
	int step = op->step - (ran ? 1 : 0);

	return step >= 0 && step < LOGIN_STEPS ? names[step] : "?";
}

static void login_failed(struct op *op, bool ran, const char *error, const char *detail)
{
	struct isess *m = op->m;

	log_warn("iscsi: login to %s at %s:%u via %s failed at its %s step: %s%s%.120s", op->node.target,
		 op->node.addr, op->node.port, op->node.nic, login_step_name(op, ran), error,
		 detail[0] ? ": " : "", detail);
	/* the record may be what failed: the next attempt sets it up again */
	node_prep_forget(m, &op->node);
	mgr_op_end(op);
	mgr_kick(m);
}

static void login_done(const struct run_result *res, void *userdata)
{
	struct op *op = userdata;
	struct isess *m = op->m;
	bool last = op->step == LOGIN_STEPS;

	op->job = NULL;
	/* 15: the session exists already, which is what was wanted */
	if (res->status != 0 && !(last && res->status == ISCSIADM_ERR_SESS_EXISTS)) {
		backoff_note(m, &op->node, res->status);
		login_failed(op, true, iscsiadm_error_name(res->status), res->err);
		return;
	}
	if (!last) {
		login_step(op);
		return;
	}
	log_info("iscsi: logged in to %s at %s:%u via %s in %llu ms", op->node.target, op->node.addr,
		 op->node.port, op->node.nic, (unsigned long long)((isess_now() - op->started) / 1000));
	backoff_clear(m, &op->node);
	mgr_op_end(op);
	mgr_kick(m);
}

static void chap_written(struct op *op, int result)
{
	if (result < 0) {
		backoff_note(op->m, &op->node, ISCSIADM_ERR_IDBM);
		login_failed(op, false, "cannot write it into the node record", strerror(-result));
		return;
	}
	op->step = LOGIN_LOGIN;
	login_step(op);
}

static void login_step(struct op *op)
{
	struct isess *m = op->m;
	const struct iscsiadm_chap *chap = m->cfg->have_chap ? &m->cfg->chap : NULL;
	char iface[ISCSIADM_IFACE_MAX];
	struct iscsiadm_node n;
	struct iscsiadm_cmd cmd;
	uint64_t tmo = ISESS_ADM_TIMEOUT_USEC;
	int r;

	node_args(m, &op->node, &n, iface, sizeof(iface));
	if (op->step == LOGIN_CHAP && !chap)
		op->step = LOGIN_LOGIN;
	switch (op->step) {
	case LOGIN_NEW:
		r = iscsiadm_node_new(&cmd, m->cfg->iscsiadm, &n);
		break;
	case LOGIN_SETTINGS:
		r = iscsiadm_node_settings(&cmd, m->cfg->iscsiadm, &n, m->cfg->login_timeout_s, chap);
		break;
	case LOGIN_CHAP:
		r = node_prep_chap(op, chap_written);
		if (r < 0)
			break;
		return;		/* @op may have ended already */
	default:
		/* a reconfigure meanwhile may have changed what the set-up writes */
		if (op->prep_gen == m->prep_gen)
			node_prep_remember(m, &op->node);
		r = iscsiadm_node_login(&cmd, m->cfg->iscsiadm, &n);
		/* initial_login_retry_max 1: one login_timeout, plus iscsid's reply */
		tmo = (2ULL * m->cfg->login_timeout_s + 10) * 1000000ULL;
		break;
	}
	if (r >= 0 && op->step != LOGIN_CHAP)
		r = mgr_op_run(op, cmd.argv, tmo, login_done);
	if (r < 0) {
		log_warn_errno(r, "iscsi: cannot prepare the login to %s", op->node.target);
		node_prep_forget(m, &op->node);
		mgr_op_end(op);
	}
}

void apply_expire(struct isess *m)
{
	uint64_t now = isess_now();

	for (struct op *op = m->ops_running, *next; op; op = next) {
		next = op->next;
		/* a worker stuck in the disk (fsync on a dying /etc) keeps its thread; the login
		 * does not wait for it, and backs off so it does not tie up another at once */
		if (op->kind == OP_LOGIN && op->blocking && now - op->blocking->started > ISESS_ADM_TIMEOUT_USEC) {
			backoff_note(m, &op->node, ISCSIADM_ERR_IDBM);
			login_failed(op, false, "no answer", "the node record write did not finish in time");
		}
	}
}

/* Log in to @node. */
static void login_start(struct isess *m, const struct layout_session *node)
{
	struct backoff *b = backoff_find(m, node);
	struct op *op;

	if (b && b->until > isess_now())
		return;
	if (m->cfg->chap_file && !m->cfg->have_chap)
		return;		/* refused CHAP file: no login anywhere (reported by show) */
	op = mgr_op_new(m, OP_LOGIN);
	if (!op)
		return;
	op->node = *node;
	op->prep_gen = m->prep_gen;
	if (node_prep_known(m, node))
		op->step = LOGIN_LOGIN;
	log_debug("iscsi: logging in to %s at %s:%u via %s%s", node->target, node->addr, node->port, node->nic,
		  op->step ? " (its node record is set up)" : "");
	login_step(op);
}

/* ---- logout: the session, then its node record if nothing else uses it ---- */

static void logout_done(const struct run_result *res, void *userdata);

static bool node_in_use(const struct isess *m, const struct layout_session *node, unsigned except_sid)
{
	for (size_t i = 0; i < m->plan.n_sessions; i++)
		if (node_equal(&m->plan.sessions[i], node))
			return true;
	for (size_t i = 0; i < m->n_sessions; i++) {
		struct layout_session other;

		if (m->sessions[i].sid == except_sid || !m->sessions[i].nic[0])
			continue;
		node_from_session(&m->sessions[i], &other);
		if (node_equal(&other, node))
			return true;
	}
	return false;
}

static bool target_gone(const struct isess *m, const char *target)
{
	for (size_t i = 0; i < m->n_gone; i++)
		if (streq(m->gone[i], target))
			return true;
	return false;
}

/* Another session of @target exists, or its logout runs. */
static bool target_has_other(const struct isess *m, const char *target, unsigned sid)
{
	for (size_t i = 0; i < m->n_sessions; i++)
		if (m->sessions[i].sid != sid && streq(m->sessions[i].target, target))
			return true;
	for (const struct op *op = m->ops_running; op; op = op->next)
		if (op->kind == OP_LOGOUT && op->sid != sid && streq(op->node.target, target))
			return true;
	return false;
}

/* The node record of a session that is gone: one node, or a removed volume's all at once. */
static int logout_cleanup(struct op *op)
{
	struct isess *m = op->m;
	char iface[ISCSIADM_IFACE_MAX];
	struct iscsiadm_node n;
	struct iscsiadm_cmd cmd;
	int r;

	if (target_gone(m, op->node.target)) {
		if (target_has_other(m, op->node.target, op->sid))
			return -EBUSY;
		node_prep_forget_target(m, op->node.target);
		r = iscsiadm_target_delete(&cmd, m->cfg->iscsiadm, op->node.target);
	} else {
		if (node_in_use(m, &op->node, op->sid))
			return -EBUSY;
		node_prep_forget(m, &op->node);
		node_args(m, &op->node, &n, iface, sizeof(iface));
		r = iscsiadm_node_delete(&cmd, m->cfg->iscsiadm, &n);
	}
	return r < 0 ? r : mgr_op_run(op, cmd.argv, ISESS_ADM_TIMEOUT_USEC, logout_done);
}

static void tell_leaving(struct isess *m, unsigned sid, bool leaving)
{
	if (m->ops->session_leaving)
		m->ops->session_leaving(m->host, sid, leaving);
}

static void logout_done(const struct run_result *res, void *userdata)
{
	struct op *op = userdata;
	struct isess *m = op->m;

	op->job = NULL;
	if (op->step == 1) {
		if (res->status != 0 && res->status != ISCSIADM_ERR_SESS_NOT_FOUND) {
			log_warn("iscsi: logout of session %u failed: %s", op->sid, iscsiadm_error_name(res->status));
			tell_leaving(m, op->sid, false);
		} else
			log_info("iscsi: session %u (%s at %s:%u via %s) logged out", op->sid, op->node.target,
				 op->node.addr, op->node.port, op->node.nic);
		if (res->status == 0 && logout_cleanup(op) >= 0)
			return;
	}
	mgr_op_end(op);
	mgr_kick(m);
}

static void logout_start(struct isess *m, const struct isess_session *s, const char *why)
{
	struct iscsiadm_cmd cmd;
	struct op *op = mgr_op_new(m, OP_LOGOUT);

	if (!op)
		return;
	op->sid = s->sid;
	node_from_session(s, &op->node);
	log_notice("iscsi: logging out session %u (%s at %s:%u via %s): %s", s->sid, s->target, s->addr,
		   s->port, s->nic, why);
	if (iscsiadm_session_logout(&cmd, m->cfg->iscsiadm, s->sid) < 0 ||
	    mgr_op_run(op, cmd.argv, ISESS_ADM_TIMEOUT_USEC, logout_done) < 0) {
		mgr_op_end(op);
		return;
	}
	tell_leaving(m, s->sid, true);
}

/* ---- relogin: a second session on the node of one that is not in use ---- */

static void relogin_done(const struct run_result *res, void *userdata)
{
	struct op *op = userdata;
	struct isess *m = op->m;

	op->job = NULL;
	if (res->status == 0)
		log_info("iscsi: new session to %s at %s:%u via %s in %llu ms (replaces session %u)",
			 op->node.target, op->node.addr, op->node.port, op->node.nic,
			 (unsigned long long)((isess_now() - op->started) / 1000), op->sid);
	else
		log_warn("iscsi: new session for session %u failed: %s", op->sid, iscsiadm_error_name(res->status));
	/* the reconciler now logs out the one of the two that is not in use */
	mgr_op_end(op);
	mgr_kick(m);
}

static void relogin_start(struct isess *m, const struct isess_session *s)
{
	struct iscsiadm_cmd cmd;
	struct op *op = mgr_op_new(m, OP_RELOGIN);

	if (!op)
		return;
	op->sid = s->sid;
	node_from_session(s, &op->node);
	log_info("iscsi: session %u (%s at %s:%u via %s) is %s: logging in a new one", s->sid, s->target,
		 s->addr, s->port, s->nic, s->state == ISESS_SESSION_LOGGED_IN ? "not in use" :
		 isess_session_state_name(s->state));
	if (iscsiadm_session_new(&cmd, m->cfg->iscsiadm, s->sid) < 0 ||
	    mgr_op_run(op, cmd.argv, (2ULL * m->cfg->login_timeout_s + 10) * 1000000ULL, relogin_done) < 0)
		mgr_op_end(op);
}

static bool portal_matches(const struct isess_session *s, const char *portal)
{
	char buf[ISESS_ADDR_MAX + 16];

	if (!portal)
		return true;
	snprintf(buf, sizeof(buf), "%s:%u", s->addr, s->port);
	return streq(buf, portal);
}

static bool in_plan(const struct isess *m, const struct isess_session *s)
{
	struct layout_session node;

	node_from_session(s, &node);
	for (size_t i = 0; i < m->plan.n_sessions; i++)
		if (node_equal(&m->plan.sessions[i], &node))
			return true;
	return false;
}

/* Another session on @s's node is logged in: a replacement already made, on its way into the
 * maps (udev and the map reload take a while), or one the reconciler will sort out. */
static bool node_has_other_logged_in(const struct isess *m, const struct isess_session *s)
{
	struct layout_session node, other;

	node_from_session(s, &node);
	for (size_t i = 0; i < m->n_sessions; i++) {
		const struct isess_session *o = &m->sessions[i];

		if (o->sid == s->sid || o->state != ISESS_SESSION_LOGGED_IN)
			continue;
		node_from_session(o, &other);
		if (node_equal(&node, &other))
			return true;
	}
	return false;
}

void apply_relogin(struct isess *m, const char *nic, const char *portal, bool only_failed, unsigned sid_max)
{
	free(m->sessions);
	m->sessions = NULL;
	isess_sessions_read(&m->sessions, &m->n_sessions);
	for (size_t i = 0; i < m->n_sessions; i++) {
		const struct isess_session *s = &m->sessions[i];
		struct layout_session node;

		if (sid_max && s->sid > sid_max)
			continue;
		if (!streq(s->nic, nic) || !portal_matches(s, portal) || session_op_running(m, s->sid) ||
		    !in_plan(m, s))
			continue;
		if (only_failed ? s->state == ISESS_SESSION_LOGGED_IN : mgr_session_working(m, s))
			continue;
		node_from_session(s, &node);
		if (apply_login_running(m, &node) || node_has_other_logged_in(m, s))
			continue;
		relogin_start(m, s);
	}
}

/* Another session of @s's volume is in use, through another NIC. */
static bool volume_has_other_working(const struct isess *m, const struct isess_session *s)
{
	for (size_t i = 0; i < m->n_sessions; i++) {
		const struct isess_session *o = &m->sessions[i];

		if (o->sid != s->sid && !streq(o->nic, s->nic) && streq(o->target, s->target) &&
		    mgr_session_working(m, o))
			return true;
	}
	return false;
}

void apply_fail_fast(struct isess *m, const char *nic_name)
{
	const struct mgr_nic *nic = mgr_nic_find(m, nic_name);
	const struct nic_addr *a = nic ? nic_first_ipv4(&nic->info) : NULL;

	if (!a)
		return;
	free(m->sessions);
	m->sessions = NULL;
	isess_sessions_read(&m->sessions, &m->n_sessions);
	for (size_t i = 0; i < m->n_sessions; i++) {
		const struct isess_session *s = &m->sessions[i];
		int r;

		/* the last way to a volume keeps iscsid's recovery and the map's queueing */
		if (!streq(s->nic, nic_name) || s->state != ISESS_SESSION_LOGGED_IN || !volume_has_other_working(m, s))
			continue;
		r = conn_fail_fast(s, a->text, nic->info.ifindex);
		if (r < 0)
			log_warn_errno(r, "iscsi: session %u via %s: cannot fail it fast", s->sid, nic_name);
	}
}

/* ---- ifaces ---- */

static void iface_done(const struct run_result *res, void *userdata)
{
	struct op *op = userdata;
	struct isess *m = op->m;
	/* by name: a reconfigure may have rebuilt the NIC list meanwhile */
	struct mgr_nic *nic = mgr_nic_find(m, op->node.nic);
	struct iscsiadm_cmd cmd;

	op->job = NULL;
	if (nic && op->step == 1 && iscsiadm_iface_bind(&cmd, m->cfg->iscsiadm, nic->iface, nic->name) >= 0 &&
	    mgr_op_run(op, cmd.argv, ISESS_ADM_TIMEOUT_USEC, iface_done) >= 0)
		return;		/* "new" fails when it exists: bind it anyway */
	if (nic) {
		nic->iface_busy = false;
		nic->iface_ready = res->status == 0;
		if (res->status == 0)
			log_info("iscsi: iface %s bound to %s", nic->iface, nic->name);
		else
			log_warn("iscsi: cannot bind iface %s to %s: %s", nic->iface, nic->name,
				 iscsiadm_error_name(res->status));
	}
	mgr_op_end(op);
	if (!m->discovered)
		discovery_start(m);
	mgr_kick(m);
}

void apply_ifaces(struct isess *m)
{
	for (size_t i = 0; i < m->n_nics; i++) {
		struct mgr_nic *nic = &m->nics[i];
		struct iscsiadm_cmd cmd;
		struct op *op;

		/* made and bound once per manager and NIC, without looking at /etc/iscsi first:
		 * "new" fails harmlessly when it exists, and the bind is idempotent */
		if (nic->iface_ready || nic->iface_busy)
			continue;
		op = mgr_op_new(m, OP_IFACE);
		if (!op)
			return;
		snprintf(op->node.nic, sizeof(op->node.nic), "%s", nic->name);
		nic->iface_busy = true;
		if (iscsiadm_iface_new(&cmd, m->cfg->iscsiadm, nic->iface) < 0 ||
		    mgr_op_run(op, cmd.argv, ISESS_ADM_TIMEOUT_USEC, iface_done) < 0) {
			nic->iface_busy = false;
			mgr_op_end(op);
		}
	}
}

/* ---- the reconciliation pass ---- */

static unsigned clamp(unsigned v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Volumes with their limits: a devices or multipaths entry for the volume, else the group's. */
static struct layout_volume *plan_volumes(struct isess *m)
{
	struct layout_volume *v = calloc(m->group.n_volumes ? m->group.n_volumes : 1, sizeof(*v));

	for (size_t i = 0; v && i < m->group.n_volumes; i++) {
		unsigned ms = 0, vs = 0;

		v[i] = m->group.volumes[i];
		if (m->ops->volume_limits && m->ops->volume_limits(m->host, v[i].target, &ms, &vs) < 0)
			ms = vs = 0;
		v[i].member_sessions = clamp(ms ? ms : m->cfg->membersessions, 1, 4);
		v[i].volume_sessions = clamp(vs ? vs : m->cfg->volumesessions, 1, 12);
	}
	return v;
}

static int plan_compute(struct isess *m)
{
	_cleanup_free_ struct layout_volume *vols = plan_volumes(m);
	_cleanup_free_ struct layout_nic *nics = calloc(m->n_nics ? m->n_nics : 1, sizeof(*nics));
	_cleanup_free_ struct layout_subnet *nets = calloc(m->n_nics * NIC_ADDRS_MAX + 1, sizeof(*nets));
	_cleanup_free_ struct layout_session *cur = calloc(m->n_sessions + 1, sizeof(*cur));
	struct layout_input in = { .volumes = vols, .n_volumes = m->group.n_volumes, .nics = nics,
				   .n_nics = m->n_nics, .total_sessions = m->cfg->totalsessions, .current = cur };
	struct layout_plan plan;
	int r;

	if (!vols || !nics || !nets || !cur)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_nics; i++) {
		const struct mgr_nic *n = &m->nics[i];

		nics[i] = (struct layout_nic) { .name = n->name, .usable = n->usable && n->iface_ready,
						.subnets = &nets[i * NIC_ADDRS_MAX], .n_subnets = n->info.n_addrs };
		for (size_t k = 0; k < n->info.n_addrs; k++)
			nets[i * NIC_ADDRS_MAX + k] = n->info.addrs[k].subnet;
	}
	for (size_t i = 0; i < m->n_sessions && !m->rebalance; i++)
		if (m->sessions[i].nic[0])
			node_from_session(&m->sessions[i], &cur[in.n_current++]);
	r = layout_compute(&in, &plan);
	if (r < 0)
		return r;
	if (m->rebalance)
		mgr_change(m, "rebalance: %zu sessions planned", plan.n_sessions);
	m->rebalance = false;
	layout_plan_release(&m->plan);
	m->plan = plan;
	return 0;
}

/* The manager's sessions and the logins running, as the reconciler takes them. */
static int reconcile_run(struct isess *m, struct reconcile_action **ret, size_t *ret_n)
{
	_cleanup_free_ struct reconcile_session *act = calloc(m->n_sessions + 1, sizeof(*act));
	_cleanup_free_ struct layout_session *pend = NULL;
	struct reconcile_input in = { .desired = m->plan.sessions, .n_desired = m->plan.n_sessions,
				      .actual = act, .gone = (const char *const *)m->gone, .n_gone = m->n_gone };
	size_t n_ops = 0;

	for (const struct op *op = m->ops_running; op; op = op->next)
		n_ops++;
	pend = calloc(n_ops + 1, sizeof(*pend));
	if (!act || !pend)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_sessions; i++) {
		const struct isess_session *s = &m->sessions[i];

		if (!s->nic[0])
			continue;	/* not ours */
		act[in.n_actual++] = (struct reconcile_session) {
			.sid = s->sid, .target = s->target, .addr = s->addr, .port = s->port, .nic = s->nic,
			.logged_in = s->state == ISESS_SESSION_LOGGED_IN, .working = mgr_session_working(m, s),
			.logout_pending = session_op_running(m, s->sid),
		};
	}
	for (const struct op *op = m->ops_running; op; op = op->next)
		if (op->kind == OP_LOGIN || op->kind == OP_RELOGIN)
			pend[in.n_pending++] = op->node;
	in.pending = pend;
	return reconcile_compute(&in, ret, ret_n, &m->held_logouts);
}

void apply_reconcile(struct isess *m)
{
	_cleanup_free_ struct reconcile_action *acts = NULL;
	size_t n = 0;

	free(m->sessions);
	m->sessions = NULL;
	isess_sessions_read(&m->sessions, &m->n_sessions);
	mgr_publish_later(m);
	if (!m->discovered)
		return;
	if (plan_compute(m) < 0 || reconcile_run(m, &acts, &n) < 0) {
		log_warn("iscsi: out of memory while planning sessions");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (acts[i].kind == RECONCILE_LOGIN) {
			login_start(m, &m->plan.sessions[acts[i].index]);
		} else {
			const struct isess_session *s = isess_session_find(m->sessions, m->n_sessions, acts[i].sid);

			if (s)
				logout_start(m, s, acts[i].why);
		}
	}
	probes_update(m);
}
