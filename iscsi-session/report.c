/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `mpath iscsi show` prints: every view rendered on the loop, text and JSON, into an
 * immutable reference-counted snapshot the host publishes, so readers on other threads never
 * wait for the loop or touch the manager's state.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "manager.h"
#include "util.h"

struct isess_snapshot {
	atomic_uint refs;
	uint64_t check_done;
	char *text[ISESS_VIEW_COUNT][2];	/* [view][json] */
};

static const char *const view_names[ISESS_VIEW_COUNT] = {
	[ISESS_VIEW_SESSIONS] = "sessions", [ISESS_VIEW_IFACES] = "ifaces",
	[ISESS_VIEW_MEMBERS] = "members", [ISESS_VIEW_CHECK] = "check",
};

int isess_view_from_name(const char *name)
{
	for (int i = 0; i < ISESS_VIEW_COUNT; i++)
		if (streq(view_names[i], name))
			return i;
	return -EINVAL;
}

struct isess_snapshot *isess_snapshot_ref(struct isess_snapshot *snap)
{
	if (snap)
		atomic_fetch_add(&snap->refs, 1);
	return snap;
}

struct isess_snapshot *isess_snapshot_unref(struct isess_snapshot *snap)
{
	if (!snap || atomic_fetch_sub(&snap->refs, 1) != 1)
		return NULL;
	for (int v = 0; v < ISESS_VIEW_COUNT; v++)
		for (int j = 0; j < 2; j++)
			free(snap->text[v][j]);
	free(snap);
	return NULL;
}

const char *isess_snapshot_text(const struct isess_snapshot *snap, enum isess_view view, bool json)
{
	return snap && view < ISESS_VIEW_COUNT ? snap->text[view][json] : "";
}

uint64_t isess_snapshot_check_done(const struct isess_snapshot *snap)
{
	return snap ? snap->check_done : 0;
}

/* ---- helpers ---- */

static bool session_planned(const struct isess *m, const struct isess_session *s)
{
	for (size_t i = 0; i < m->plan.n_sessions; i++) {
		const struct layout_session *p = &m->plan.sessions[i];

		if (p->port == s->port && streq(p->target, s->target) && streq(p->addr, s->addr) &&
		    streq(p->nic, s->nic))
			return true;
	}
	return false;
}

static const struct isess_session *session_for(const struct isess *m, const struct layout_session *p)
{
	const struct isess_session *best = NULL;

	for (size_t i = 0; i < m->n_sessions; i++) {
		const struct isess_session *s = &m->sessions[i];

		if (s->port == p->port && streq(p->target, s->target) && streq(p->addr, s->addr) &&
		    streq(p->nic, s->nic) && (!best || s->state == ISESS_SESSION_LOGGED_IN))
			best = s;
	}
	return best;
}

/* Why a planned session does not exist yet. */
static const char *missing_why(const struct isess *m, const struct layout_session *p, char *buf, size_t size)
{
	if (apply_login_running(m, p))
		return "login running";
	for (size_t i = 0; i < m->n_backoffs; i++) {
		const struct backoff *b = &m->backoffs[i];

		if (b->node.port == p->port && streq(b->node.target, p->target) && streq(b->node.addr, p->addr) &&
		    streq(b->node.nic, p->nic)) {
			snprintf(buf, size, "login failed %u time%s: %s", b->failures, b->failures == 1 ? "" : "s",
				 b->error);
			return buf;
		}
	}
	if (m->cfg->chap_file && !m->cfg->have_chap)
		return "chap_file refused";
	return "waiting";
}

static int member_tpgt(const struct isess *m, const char *target, const char *addr, unsigned port)
{
	const struct layout_member *mem = group_member_of(&m->group, target, addr, port);

	return mem ? mem->tpgt : -1;
}

static size_t sessions_logged_in(const struct isess *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n_sessions; i++)
		n += m->sessions[i].nic[0] && m->sessions[i].state == ISESS_SESSION_LOGGED_IN;
	return n;
}

static void header_text(const struct isess *m, struct strbuf *out)
{
	char group[ISESS_ADDR_MAX + 16] = "-";

	if (m->cfg->n_discovery)
		snprintf(group, sizeof(group), "%s:%u", m->cfg->discovery[0].addr,
			 m->cfg->discovery[0].port ? m->cfg->discovery[0].port : 3260);
	strbuf_printf(out, "group %s: %zu volume%s, ", group, m->group.n_volumes, m->group.n_volumes == 1 ? "" : "s");
	if (m->discovered)
		strbuf_printf(out, "discovered %llu s ago", (unsigned long long)((isess_now() - m->discovered_at) / 1000000));
	else
		strbuf_puts(out, "not discovered yet");
	if (m->discovery_error[0])
		strbuf_printf(out, " (last attempt: %s)", m->discovery_error);
	strbuf_printf(out, "\nsessions: %zu planned, %zu logged in; limits: membersessions %u, volumesessions %u, totalsessions %u%s\n",
		      m->plan.n_sessions, sessions_logged_in(m), m->cfg->membersessions, m->cfg->volumesessions,
		      m->cfg->totalsessions, m->plan.capped_by_total ? " (totalsessions reached)" : "");
	if (m->cfg->chap_file && !m->cfg->have_chap)
		strbuf_printf(out, "chap_file %s refused: %s\n", m->cfg->chap_file, m->cfg->chap_error);
	if (m->held_logouts)
		strbuf_printf(out, "%zu logout%s held: new sessions first, and never a volume's last working one\n",
			      m->held_logouts, m->held_logouts == 1 ? "" : "s");
}

/* ---- sessions ---- */

#define SESSION_ROW "  %-5s %-6s %-22s %-10s %-10s %-6s %s\n"

static void session_row(const char *sid, int tpgt, const char *addr, unsigned port, const char *nic,
			const char *state, const char *use, const char *devs, struct strbuf *out)
{
	char portal[ISESS_ADDR_MAX + 16], member[12];

	snprintf(portal, sizeof(portal), "%s:%u", addr, port);
	snprintf(member, sizeof(member), tpgt >= 0 ? "%d" : "-", tpgt);
	strbuf_printf(out, SESSION_ROW, sid, member, portal, nic, state, use, devs);
}

static void sessions_text(const struct isess *m, struct strbuf *out)
{
	char why[96], sid[16];

	header_text(m, out);
	for (size_t v = 0; v < m->plan.n_volumes && v < m->group.n_volumes; v++) {
		strbuf_printf(out, "%s: %u session%s planned\n", m->group.volumes[v].target, m->plan.per_volume[v],
			      m->plan.per_volume[v] == 1 ? "" : "s");
		strbuf_printf(out, SESSION_ROW, "sid", "tpgt", "portal", "nic", "state", "in use", "devices");
		for (size_t i = 0; i < m->plan.n_sessions; i++) {
			const struct layout_session *p = &m->plan.sessions[i];
			const struct isess_session *s;

			if (p->volume != v)
				continue;
			s = session_for(m, p);
			snprintf(sid, sizeof(sid), s ? "%u" : "-", s ? s->sid : 0);
			/* by address, not p->member: a discovery may have replaced the group since the plan */
			session_row(sid, member_tpgt(m, p->target, p->addr, p->port), p->addr, p->port, p->nic,
				    s ? isess_session_state_name(s->state) : missing_why(m, p, why, sizeof(why)),
				    s ? (mgr_session_working(m, s) ? "yes" : "no") : "-",
				    s ? s->devs : "", out);
		}
	}
	for (size_t i = 0, first = 1; i < m->n_sessions; i++) {
		const struct isess_session *s = &m->sessions[i];

		if (!s->nic[0] || session_planned(m, s))
			continue;
		if (first)
			strbuf_puts(out, "not in the plan (logged out once the plan allows):\n");
		first = 0;
		snprintf(sid, sizeof(sid), "%u", s->sid);
		session_row(sid, member_tpgt(m, s->target, s->addr, s->port), s->addr, s->port, s->nic,
			    isess_session_state_name(s->state), mgr_session_working(m, s) ? "yes" : "no",
			    s->target, out);
	}
}

static void session_json(const struct isess *m, struct mp_json *j, const struct layout_session *p,
			 const struct isess_session *s, bool planned)
{
	char portal[ISESS_ADDR_MAX + 16], why[96];
	const char *addr = s ? s->addr : p->addr;
	unsigned port = s ? s->port : p->port;

	snprintf(portal, sizeof(portal), "%s:%u", addr, port);
	mp_json_begin_object(j);
	mp_json_key(j, "sid");
	if (s)
		mp_json_uint(j, s->sid);
	else
		mp_json_null(j);
	mp_json_kv_string(j, "target", s ? s->target : p->target);
	mp_json_kv_int(j, "member_tpgt", member_tpgt(m, s ? s->target : p->target, addr, port));
	mp_json_kv_string(j, "portal", portal);
	mp_json_kv_string(j, "nic", s ? s->nic : p->nic);
	mp_json_kv_bool(j, "planned", planned);
	mp_json_kv_string(j, "state", s ? isess_session_state_name(s->state) : "missing");
	if (!s)
		mp_json_kv_string(j, "why", missing_why(m, p, why, sizeof(why)));
	mp_json_kv_bool(j, "in_use", s && mgr_session_working(m, s));
	mp_json_kv_string(j, "devices", s ? s->devs : "");
	mp_json_end_object(j);
}

static void sessions_json(const struct isess *m, struct mp_json *j)
{
	mp_json_begin_object(j);
	mp_json_kv_bool(j, "discovered", m->discovered);
	mp_json_kv_string(j, "discovery_error", m->discovery_error);
	mp_json_kv_uint(j, "planned", m->plan.n_sessions);
	mp_json_kv_uint(j, "logged_in", sessions_logged_in(m));
	mp_json_kv_bool(j, "capped_by_total", m->plan.capped_by_total);
	mp_json_kv_uint(j, "held_logouts", m->held_logouts);
	mp_json_kv_uint(j, "membersessions", m->cfg->membersessions);
	mp_json_kv_uint(j, "volumesessions", m->cfg->volumesessions);
	mp_json_kv_uint(j, "totalsessions", m->cfg->totalsessions);
	mp_json_key(j, "volumes");
	mp_json_begin_array(j);
	for (size_t v = 0; v < m->plan.n_volumes && v < m->group.n_volumes; v++) {
		mp_json_begin_object(j);
		mp_json_kv_string(j, "target", m->group.volumes[v].target);
		mp_json_kv_uint(j, "members", m->group.volumes[v].n_members);
		mp_json_kv_uint(j, "planned", m->plan.per_volume[v]);
		mp_json_key(j, "sessions");
		mp_json_begin_array(j);
		for (size_t i = 0; i < m->plan.n_sessions; i++)
			if (m->plan.sessions[i].volume == v)
				session_json(m, j, &m->plan.sessions[i], session_for(m, &m->plan.sessions[i]), true);
		mp_json_end_array(j);
		mp_json_end_object(j);
	}
	mp_json_end_array(j);
	mp_json_key(j, "unplanned");
	mp_json_begin_array(j);
	for (size_t i = 0; i < m->n_sessions; i++)
		if (m->sessions[i].nic[0] && !session_planned(m, &m->sessions[i]))
			session_json(m, j, NULL, &m->sessions[i], false);
	mp_json_end_array(j);
	mp_json_end_object(j);
}

/* ---- ifaces ---- */

static size_t nic_sessions(const struct isess *m, const char *nic)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n_sessions; i++)
		n += streq(m->sessions[i].nic, nic);
	return n;
}

/* The portals @nic's sessions use (or the heartbeat pings), with the probe verdict of each. */
static void probe_list(const struct isess *m, const char *nic, bool heartbeat, struct strbuf *out)
{
	size_t shown = 0;

	for (size_t i = 0; i < m->group.n_records; i++) {
		const char *addr = m->group.records[i].addr;
		const char *st = heartbeat ? probes_heartbeat_state(m, addr) : probes_state(m, nic, addr);
		bool dup = false;

		for (size_t k = 0; k < i; k++)
			dup |= streq(m->group.records[k].addr, addr);
		if (dup || streq(st, "-"))
			continue;
		strbuf_printf(out, "%s%s %s", shown++ ? ", " : "", addr, st);
	}
	if (!shown)
		strbuf_puts(out, "-");
}

static void nic_row(const struct isess *m, const struct nic_info *info, const char *iface, const char *role,
		    bool heartbeat, struct strbuf *out)
{
	char addr[64] = "-", mtu[12] = "-", sessions[12] = "-";

	if (info->n_addrs)
		snprintf(addr, sizeof(addr), "%s/%u", info->addrs[0].text, info->addrs[0].subnet.prefix);
	if (info->mtu)
		snprintf(mtu, sizeof(mtu), "%u", info->mtu);
	if (!heartbeat)
		snprintf(sessions, sizeof(sessions), "%zu", nic_sessions(m, info->name));
	strbuf_printf(out, "%-10s %-16s %-9s %-8s %-5s %-18s %-8s ", info->name, iface, role,
		      !info->ifindex ? "absent" : info->carrier ? "up" : "down", mtu, addr, sessions);
	probe_list(m, info->name, heartbeat, out);
	strbuf_puts(out, "\n");
}

static void ifaces_text(const struct isess *m, struct strbuf *out)
{
	strbuf_printf(out, "%-10s %-16s %-9s %-8s %-5s %-18s %-8s probes (every %u ms)\n", "nic", "iface", "role",
		      "carrier", "mtu", "address", "sessions", m->cfg->probe_interval_ms);
	for (size_t i = 0; i < m->n_nics; i++)
		nic_row(m, &m->nics[i].info, m->nics[i].iface_ready ? m->nics[i].iface : "(creating)",
			m->nics[i].usable ? "iscsi" : "unusable", false, out);
	if (m->cfg->heartbeat) {
		const struct nic_info *hb = nics_find(m->all_nics, m->n_all_nics, m->cfg->heartbeat);
		struct nic_info none = { 0 };

		snprintf(none.name, sizeof(none.name), "%s", m->cfg->heartbeat);
		nic_row(m, hb ? hb : &none, "-", "heartbeat", true, out);
	} else {
		strbuf_puts(out, "no heartbeat port: a dead member cannot be told from a dead path\n");
	}
}

static void nic_json(const struct isess *m, struct mp_json *j, const struct nic_info *info, const char *iface,
		     const char *role, bool usable)
{
	bool hb = streq(role, "heartbeat");

	mp_json_begin_object(j);
	mp_json_kv_string(j, "nic", info->name);
	mp_json_kv_string(j, "iface", iface);
	mp_json_kv_string(j, "role", role);
	mp_json_kv_bool(j, "exists", info->ifindex != 0);
	mp_json_kv_bool(j, "usable", usable);
	mp_json_kv_bool(j, "carrier", info->carrier);
	mp_json_kv_uint(j, "mtu", info->mtu);
	mp_json_key(j, "addresses");
	mp_json_begin_array(j);
	for (size_t k = 0; k < info->n_addrs; k++)
		mp_json_string(j, info->addrs[k].text);
	mp_json_end_array(j);
	if (!hb)
		mp_json_kv_uint(j, "sessions", nic_sessions(m, info->name));
	mp_json_key(j, "probes");
	mp_json_begin_object(j);
	for (size_t i = 0; i < m->group.n_records; i++) {
		const char *addr = m->group.records[i].addr;
		const char *st = hb ? probes_heartbeat_state(m, addr) : probes_state(m, info->name, addr);

		if (!streq(st, "-"))
			mp_json_kv_string(j, addr, st);
	}
	mp_json_end_object(j);
	mp_json_end_object(j);
}

static void ifaces_json(const struct isess *m, struct mp_json *j)
{
	mp_json_begin_object(j);
	mp_json_kv_uint(j, "probe_interval_ms", m->cfg->probe_interval_ms);
	mp_json_key(j, "nics");
	mp_json_begin_array(j);
	for (size_t i = 0; i < m->n_nics; i++)
		nic_json(m, j, &m->nics[i].info, m->nics[i].iface, "iscsi", m->nics[i].usable);
	if (m->cfg->heartbeat) {
		const struct nic_info *hb = nics_find(m->all_nics, m->n_all_nics, m->cfg->heartbeat);
		struct nic_info none = { 0 };

		snprintf(none.name, sizeof(none.name), "%s", m->cfg->heartbeat);
		nic_json(m, j, hb ? hb : &none, "", "heartbeat", hb != NULL);
	}
	mp_json_end_array(j);
	mp_json_end_object(j);
}

/* ---- members ---- */

/* Each distinct member (tpgt and first portal) once, with what the manager sees of it. */
struct member_view {
	int tpgt;
	const char *addr;
	unsigned port;
	size_t volumes, planned, logged_in;
};

static size_t members_collect(const struct isess *m, struct member_view *mv, size_t max)
{
	size_t n = 0;

	for (size_t v = 0; v < m->group.n_volumes; v++)
		for (size_t i = 0; i < m->group.volumes[v].n_members; i++) {
			const struct layout_member *mem = &m->group.volumes[v].members[i];
			size_t k;

			for (k = 0; k < n; k++)
				if (mv[k].tpgt == mem->tpgt && streq(mv[k].addr, mem->portals[0].addr))
					break;
			if (k == n && n < max)
				mv[n++] = (struct member_view) { .tpgt = mem->tpgt, .addr = mem->portals[0].addr,
								 .port = mem->portals[0].port };
			if (k < n)
				mv[k].volumes++;
		}
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < m->plan.n_sessions; i++)
			mv[k].planned += streq(m->plan.sessions[i].addr, mv[k].addr);
		for (size_t i = 0; i < m->n_sessions; i++)
			mv[k].logged_in += m->sessions[i].nic[0] && streq(m->sessions[i].addr, mv[k].addr) &&
					   m->sessions[i].state == ISESS_SESSION_LOGGED_IN;
	}
	return n;
}

/* Up through some NIC, down through all (then the heartbeat decides: member or our paths). */
static const char *member_verdict(const struct isess *m, const char *addr, char *buf, size_t size)
{
	size_t ok = 0, lost = 0;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->n_nics; i++) {
		const char *st = probes_state(m, m->nics[i].name, addr);

		if (streq(st, "ok"))
			ok++;
		else if (streq(st, "lost")) {
			lost++;
			used += snprintf(buf + used, used < size ? size - used : 0, "%s%s", used ? "," : "lost via ",
					 m->nics[i].name);
		}
	}
	if (lost && !ok)
		return streq(probes_heartbeat_state(m, addr), "ok") ? "paths down (heartbeat reaches it)" :
								     "member down (heartbeat lost too)";
	if (lost)
		return buf;
	return ok ? "up" : "not probed";
}

static void members_text(const struct isess *m, struct strbuf *out)
{
	struct member_view mv[64];
	size_t n = members_collect(m, mv, ARRAY_SIZE(mv));
	char verdict[96];

	strbuf_printf(out, "%-6s %-22s %-8s %-9s %-10s %s\n", "tpgt", "portal", "volumes", "sessions", "heartbeat",
		      "verdict");
	for (size_t k = 0; k < n; k++) {
		char portal[ISESS_ADDR_MAX + 16], sess[24];

		snprintf(portal, sizeof(portal), "%s:%u", mv[k].addr, mv[k].port);
		snprintf(sess, sizeof(sess), "%zu/%zu", mv[k].logged_in, mv[k].planned);
		strbuf_printf(out, "%-6d %-22s %-8zu %-9s %-10s %s\n", mv[k].tpgt, portal, mv[k].volumes, sess,
			      probes_heartbeat_state(m, mv[k].addr), member_verdict(m, mv[k].addr, verdict, sizeof(verdict)));
	}
	if (m->changes[0][0])
		strbuf_puts(out, "recent changes (newest first):\n");
	for (size_t i = 0; i < ARRAY_SIZE(m->changes) && m->changes[i][0]; i++)
		strbuf_printf(out, "  %s\n", m->changes[i]);
}

static void members_json(const struct isess *m, struct mp_json *j)
{
	struct member_view mv[64];
	size_t n = members_collect(m, mv, ARRAY_SIZE(mv));
	char verdict[96];

	mp_json_begin_object(j);
	mp_json_key(j, "members");
	mp_json_begin_array(j);
	for (size_t k = 0; k < n; k++) {
		char portal[ISESS_ADDR_MAX + 16];

		snprintf(portal, sizeof(portal), "%s:%u", mv[k].addr, mv[k].port);
		mp_json_begin_object(j);
		mp_json_kv_int(j, "tpgt", mv[k].tpgt);
		mp_json_kv_string(j, "portal", portal);
		mp_json_kv_uint(j, "volumes", mv[k].volumes);
		mp_json_kv_uint(j, "planned", mv[k].planned);
		mp_json_kv_uint(j, "logged_in", mv[k].logged_in);
		mp_json_kv_string(j, "heartbeat", probes_heartbeat_state(m, mv[k].addr));
		mp_json_kv_string(j, "verdict", member_verdict(m, mv[k].addr, verdict, sizeof(verdict)));
		mp_json_end_object(j);
	}
	mp_json_end_array(j);
	mp_json_key(j, "changes");
	mp_json_begin_array(j);
	for (size_t i = 0; i < ARRAY_SIZE(m->changes) && m->changes[i][0]; i++)
		mp_json_string(j, m->changes[i]);
	mp_json_end_array(j);
	mp_json_end_object(j);
}

/* ---- the snapshot ---- */

static char *render(const struct isess *m, enum isess_view view, bool json)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	struct mp_json j;
	char *text = NULL;

	if (view == ISESS_VIEW_CHECK) {
		hostcheck_render(m, json, &sb);
		return strbuf_steal(&sb);
	}
	if (!json) {
		if (view == ISESS_VIEW_SESSIONS)
			sessions_text(m, &sb);
		else if (view == ISESS_VIEW_IFACES)
			ifaces_text(m, &sb);
		else
			members_text(m, &sb);
		return strbuf_steal(&sb);
	}
	mp_json_init(&j, true);
	if (view == ISESS_VIEW_SESSIONS)
		sessions_json(m, &j);
	else if (view == ISESS_VIEW_IFACES)
		ifaces_json(m, &j);
	else
		members_json(m, &j);
	if (mp_json_finish(&j, &text) < 0)
		text = NULL;
	mp_json_release(&j);
	return text;
}

void report_publish(struct isess *m)
{
	struct isess_snapshot *snap = calloc(1, sizeof(*snap));

	if (!snap)
		return;
	atomic_init(&snap->refs, 1);
	snap->check_done = m->check_done;
	for (int v = 0; v < ISESS_VIEW_COUNT; v++)
		for (int j = 0; j < 2; j++)
			if (!(snap->text[v][j] = render(m, v, j))) {
				isess_snapshot_unref(snap);
				log_warn("iscsi: out of memory rendering the views");
				return;
			}
	if (m->ops->publish)
		m->ops->publish(m->host, snap);
	else
		isess_snapshot_unref(snap);
}
