/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's side of the iSCSI session manager: its host operations (fail or re-test the
 * paths of a NIC, tell whether a session is in use, per-volume limits) and its published
 * views (RCU, so `mpath iscsi show` never waits for the loop). Paths are matched to a NIC by
 * their facts, read off the loop when they were discovered: nothing here reads sysfs. A NIC
 * that loses its carrier has its paths failed by events.c, with or without the manager.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "checker.h"
#include "daemon.h"
#include "devio.h"
#include "iscsi_manager.h"
#include "isess.h"
#include "log.h"
#include "map.h"
#include "path.h"
#include "strbuf.h"
#include "util.h"

/* How long the paths of a NIC that came back are re-tested every 20 ms. */
#define RECHECK_USEC 2000000ULL

static struct isess *manager;

/*
 * Sessions the manager is logging out, until the kernel destroys them or the logout fails.
 * Their paths stay out of the maps: a table that names a disk the logout is removing fails
 * to load (ENXIO), and the session serves nothing the map needs (the manager logs out only
 * sessions not in use, or not needed).
 */
static unsigned *leaving;
static size_t n_leaving;

/* The manager's views, for client threads. */
struct published_views {
	struct rcu_head rcu;
	struct isess_snapshot *snap;
};
static struct published_views *published;

/* ---- paths by NIC ---- */

/*
 * Whether @p's session goes through @netdev (and @portal "ADDR:PORT" when not NULL): the
 * iSCSI host's netdev among its facts, else the NIC a manager-owned iface is named after.
 */
static bool path_on(const struct path *p, const char *netdev, const char *portal)
{
	const char *dev = p->info.iscsi_netdev;

	if (!streq(p->info.transport, "iscsi") || (portal && !streq(p->info.iscsi_portal, portal)))
		return false;
	if (!dev[0])
		dev = isess_iface_nic(p->info.iscsi_iface);
	return dev && streq(dev, netdev);
}

int iscsi_paths_fail_netdev(struct daemon *d, const char *netdev, const char *portal, const char *reason)
{
	int n = 0;

	for (size_t i = 0; i < d->nr_paths; i++) {
		struct path *p = d->paths[i];

		if (!path_on(p, netdev, portal))
			continue;
		p->recheck_fast_until = 0;
		if (p->info.checker_state == MP_CHK_FAULTY || p->info.checker_state == MP_CHK_ADMIN_DOWN)
			continue;
		checker_path_state_changed(d, p, MP_CHK_FAULTY);
		n++;
	}
	if (n)
		log_warn("%s%s%s: %s: %d iSCSI path%s failed", netdev, portal ? " to " : "", portal ? portal : "",
			 reason, n, n == 1 ? "" : "s");
	return n;
}

/* ---- host operations ---- */

static int op_fail_paths(void *host, const char *netdev, const char *portal, const char *reason)
{
	return iscsi_paths_fail_netdev(host, netdev, portal, reason);
}

static void op_recheck_paths(void *host, const char *netdev, const char *portal)
{
	struct daemon *d = host;

	for (size_t i = 0; i < d->nr_paths; i++)
		if (d->paths[i]->info.checker_state != MP_CHK_READY && path_on(d->paths[i], netdev, portal))
			checker_recheck_soon(d, d->paths[i], RECHECK_USEC);
}

static ssize_t leaving_index(unsigned sid)
{
	for (size_t i = 0; i < n_leaving; i++)
		if (leaving[i] == sid)
			return (ssize_t)i;
	return -1;
}

/* Called for every path and session on each pass (64 sessions: 4,096 times): no sscanf. */
static bool path_sid(const struct path *p, unsigned *sid)
{
	const char *s = p->info.iscsi_session, *digits = s + 7;
	char *end;
	unsigned long v;

	if (strncmp(s, "session", 7) != 0 || *digits < '0' || *digits > '9')
		return false;
	v = strtoul(digits, &end, 10);
	if (*end || v > UINT32_MAX)
		return false;
	*sid = (unsigned)v;
	return true;
}

bool iscsi_path_leaving(const struct path *p)
{
	unsigned sid;

	return n_leaving && path_sid(p, &sid) && leaving_index(sid) >= 0;
}

static void leaving_drop(unsigned sid)
{
	ssize_t i = leaving_index(sid);

	if (i >= 0)
		leaving[i] = leaving[--n_leaving];
}

static bool path_in_session(const struct path *p, unsigned sid)
{
	unsigned psid;

	return path_sid(p, &psid) && psid == sid;
}

/* Its paths, out of their maps (leaving) or offered to them again (the logout failed). */
static void session_paths_move(struct daemon *d, unsigned sid, bool out)
{
	for (size_t i = 0; i < d->nr_paths; i++) {
		struct path *p = d->paths[i];

		if (p->gone || !path_in_session(p, sid))
			continue;
		if (out && p->map) {
			log_info("%s: out of map %s: session %u is being logged out", p->info.dev, p->map->name, sid);
			maps_path_removed(d, p);
		} else if (!out && !p->map) {
			maps_path_added(d, p);
		}
	}
}

static void op_session_leaving(void *host, unsigned sid, bool yes)
{
	struct daemon *d = host;
	unsigned *n;

	if (!yes) {
		leaving_drop(sid);
		session_paths_move(d, sid, false);
		return;
	}
	if (leaving_index(sid) < 0) {
		n = realloc(leaving, (n_leaving + 1) * sizeof(*n));
		if (!n)
			return;		/* its paths stay; at worst a load fails once and is retried */
		leaving = n;
		leaving[n_leaving++] = sid;
	}
	session_paths_move(d, sid, true);
}

void iscsi_session_destroyed(struct daemon *d, unsigned sid)
{
	leaving_drop(sid);
}

static bool op_session_active(void *host, unsigned sid)
{
	struct daemon *d = host;

	if (leaving_index(sid) >= 0)
		return false;
	for (size_t i = 0; i < d->nr_paths; i++) {
		const struct path *p = d->paths[i];

		if (path_in_session(p, sid) && p->info.checker_state == MP_CHK_READY &&
		    (!p->map || p->info.dm_state == MP_DM_PATH_ACTIVE))
			return true;
	}
	return false;
}

/* Only a devices, multipaths or overrides entry speaks for one volume; defaults are the group's. */
static unsigned specific(const struct mp_setting *s)
{
	return s->set && s->kind < MP_ORIGIN_DEFAULTS ? (unsigned)s->num : 0;
}

static int op_volume_limits(void *host, const char *target, unsigned *ms, unsigned *vs)
{
	struct daemon *d = host;
	struct mp_map_settings s;

	for (size_t i = 0; i < d->nr_paths; i++) {
		const struct path *p = d->paths[i];

		if (!streq(p->info.iscsi_target, target) || path_settings_resolve(d->config, p, &s) < 0)
			continue;
		*ms = specific(&s.key[MP_KEY_MEMBERSESSIONS]);
		*vs = specific(&s.key[MP_KEY_VOLUMESESSIONS]);
		return *ms || *vs ? 0 : -ENOENT;
	}
	return -ENOENT;
}

static void views_free(struct rcu_head *head)
{
	struct published_views *v = caa_container_of(head, struct published_views, rcu);

	isess_snapshot_unref(v->snap);
	free(v);
}

/* Runs on the loop, which snapshot.c registered with RCU before the manager started. */
static void op_publish(void *host, struct isess_snapshot *snap)
{
	struct published_views *fresh = calloc(1, sizeof(*fresh)), *old;

	if (!fresh) {
		isess_snapshot_unref(snap);
		return;
	}
	fresh->snap = snap;
	old = rcu_xchg_pointer(&published, fresh);
	if (old)
		call_rcu(&old->rcu, views_free);
}

/* The manager's file work (node records under /etc/iscsi) on the device I/O workers. */
struct blocking_req {
	struct devio_req io;
	void (*work)(void *arg);
	void (*done)(void *arg);
	void *arg;
};

static void blocking_run(struct devio_req *io)
{
	struct blocking_req *b = caa_container_of(io, struct blocking_req, io);

	b->work(b->arg);
}

static void blocking_done(struct devio_req *io)
{
	struct blocking_req *b = caa_container_of(io, struct blocking_req, io);

	b->done(b->arg);
	free(b);
}

static int op_run_blocking(void *host, void (*work)(void *arg), void (*done)(void *arg), void *arg)
{
	struct blocking_req *b = calloc(1, sizeof(*b));

	if (!b)
		return -ENOMEM;
	*b = (struct blocking_req) { .work = work, .done = done, .arg = arg };
	b->io.run = blocking_run;
	b->io.done = blocking_done;
	b->io.host = DEVIO_NO_HOST;
	devio_submit(host, &b->io);
	return 0;
}

static const struct isess_host_ops host_ops = {
	.fail_paths = op_fail_paths,
	.recheck_paths = op_recheck_paths,
	.session_active = op_session_active,
	.session_leaving = op_session_leaving,
	.volume_limits = op_volume_limits,
	.publish = op_publish,
	.run_blocking = op_run_blocking,
};

/* ---- life cycle ---- */

static int manager_start(struct daemon *d, struct isess_config *c)
{
	int r = isess_start(d->event, c, &host_ops, d, &manager);

	if (r < 0)
		log_err_errno(r, "iSCSI session manager did not start; sessions are left as they are");
	return r;
}

/* At start-up, before the loop runs: reading the CHAP file here keeps nothing waiting. */
int iscsi_manager_start(struct daemon *d)
{
	struct isess_config *c = NULL;
	int r = isess_config_new(d->config, &c);

	if (r < 0)
		return log_err_errno(r, "iSCSI session manager did not start; sessions are left as they are");
	return c ? manager_start(d, c) : 0;
}

void iscsi_manager_stop(struct daemon *d)
{
	struct published_views *old;

	manager = isess_stop(manager);
	/* a logout cut short may leave its session: its paths are offered again */
	while (n_leaving) {
		unsigned sid = leaving[0];

		leaving_drop(sid);
		session_paths_move(d, sid, false);
	}
	free(leaving);
	leaving = NULL;
	old = rcu_xchg_pointer(&published, NULL);
	if (old)
		call_rcu(&old->rcu, views_free);
}

void iscsi_manager_reconfigure(struct daemon *d, struct isess_config *c)
{
	struct mp_iscsi_settings is;

	if (mp_config_iscsi(d->config, &is) < 0 || (is.present && !c)) {
		isess_config_free(c);
		log_warn("iSCSI session manager: the new configuration could not be applied");
		return;
	}
	if (!is.present) {
		if (manager)
			log_notice("iscsi section removed: the session manager stops; sessions stay logged in");
		iscsi_manager_stop(d);
	} else if (!manager) {
		manager_start(d, c);
	} else {
		isess_reconfigure(manager, c);
	}
}

int iscsi_manager_command(struct daemon *d, char **args, int nargs, struct strbuf *out)
{
	return isess_command(manager, args, nargs, out);
}

int iscsi_manager_show(char **args, int nargs, bool json, struct strbuf *out)
{
	const struct published_views *v = rcu_dereference(published);
	int view = isess_view_from_name(args[0]);
	unsigned long long want = 0;
	char *end;

	if (view < 0 || (nargs == 2 && view != ISESS_VIEW_CHECK))
		return strbuf_puts(out, "usage: show iscsi sessions|ifaces|members|check [N]"), -EINVAL;
	if (nargs == 2) {
		want = strtoull(args[1], &end, 10);
		if (*end || !want)
			return strbuf_puts(out, "usage: show iscsi check [N]: N is a check run number"), -EINVAL;
	}
	if (!v)
		return strbuf_puts(out, "the iSCSI session manager is not running (no iscsi section)"), -ENODEV;
	if (want && isess_snapshot_check_done(v->snap) < want)
		return strbuf_printf(out, "check %llu has not finished yet", want), -EAGAIN;
	return strbuf_puts(out, isess_snapshot_text(v->snap, view, json));
}
