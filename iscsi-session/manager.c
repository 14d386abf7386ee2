/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The session manager's life on the host's loop: start, reconfigure, stop, the NIC table
 * kept by rtnetlink, the timers (discovery, reconciliation tick, relogin after a NIC
 * returns) and the `mpath iscsi` verbs. What it does lives in discovery.c, apply.c,
 * probes.c and hostcheck.c.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "manager.h"
#include "util.h"

uint64_t isess_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void mgr_change(struct isess *m, const char *fmt, ...)
{
	char line[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_notice("iscsi: %s", line);
	memmove(m->changes[1], m->changes[0], sizeof(m->changes) - sizeof(m->changes[0]));
	snprintf(m->changes[0], sizeof(m->changes[0]), "%s", line);
	mgr_publish_later(m);
}

struct mgr_nic *mgr_nic_find(struct isess *m, const char *name)
{
	for (size_t i = 0; i < m->n_nics; i++)
		if (streq(m->nics[i].name, name))
			return &m->nics[i];
	return NULL;
}

/* ---- iscsiadm operations ---- */

struct op *mgr_op_new(struct isess *m, enum op_kind kind)
{
	struct op *op = calloc(1, sizeof(*op));

	if (!op)
		return NULL;
	op->m = m;
	op->kind = kind;
	op->started = isess_now();
	op->next = m->ops_running;
	m->ops_running = op;
	return op;
}

void mgr_op_end(struct op *op)
{
	struct isess *m = op->m;

	if (op->blocking)
		op->blocking->owner = NULL;	/* its work goes on; its answer is dropped */
	for (struct op **p = &m->ops_running; *p; p = &(*p)->next)
		if (*p == op) {
			*p = op->next;
			break;
		}
	free(op);
}

static void blocking_work(void *arg)
{
	struct mgr_blocking *b = arg;

	b->work(b);
}

static void blocking_done(void *arg)
{
	struct mgr_blocking *b = arg;

	if (b->owner) {
		*b->slot = NULL;
		b->done(b->owner, b);
	}
	b->release(b);
}

int mgr_blocking_run(struct isess *m, void *owner, struct mgr_blocking **slot, struct mgr_blocking *b)
{
	int r;

	b->owner = owner;
	b->slot = slot;
	b->started = isess_now();
	*slot = b;
	if (!m->ops->run_blocking) {
		blocking_work(b);
		blocking_done(b);
		return 0;
	}
	r = m->ops->run_blocking(m->host, blocking_work, blocking_done, b);
	if (r < 0)
		*slot = NULL;
	return r;
}

int mgr_op_run(struct op *op, char *const *argv, uint64_t timeout_usec, run_done_t done)
{
	op->step++;
	return runner_run(op->m->runner, argv, timeout_usec, done, op, &op->job);
}

bool mgr_session_working(const struct isess *m, const struct isess_session *s)
{
	return s->state == ISESS_SESSION_LOGGED_IN && m->ops->session_active &&
	       m->ops->session_active(m->host, s->sid);
}

/* ---- deferred work ---- */

static int on_kick(sd_event_source *s, void *userdata)
{
	apply_reconcile(userdata);
	return 0;
}

void mgr_kick(struct isess *m)
{
	if (m->kick)
		sd_event_source_set_enabled(m->kick, SD_EVENT_ONESHOT);
}

static int on_publish(sd_event_source *s, void *userdata)
{
	struct isess *m = userdata;
	uint64_t t0 = isess_now(), took;

	report_publish(m);
	took = isess_now() - t0;
	if (took >= ISESS_PASS_SLOW_USEC)
		log_notice("iscsi: rendering the views of %zu sessions took %llu ms", m->n_sessions,
			   (unsigned long long)(took / 1000));
	return 0;
}

void mgr_publish_later(struct isess *m)
{
	if (m->publish)
		sd_event_source_set_enabled(m->publish, SD_EVENT_ONESHOT);
}

/* ---- NICs ---- */

/* The NICs to bind: the configured ones, or every NIC with an address in a discovery
 * address's subnet; never the heartbeat or an excluded one. */
static bool nic_wanted(const struct isess *m, const struct nic_info *n)
{
	const struct isess_config *c = m->cfg;

	if (isess_config_nic_excluded(c, n->name) || (c->heartbeat && streq(c->heartbeat, n->name)))
		return false;
	for (size_t i = 0; i < n->n_addrs; i++)
		if (isess_config_addr_excluded(c, n->addrs[i].text))
			return false;
	if (c->n_nics) {
		for (size_t i = 0; i < c->n_nics; i++)
			if (streq(c->nics[i], n->name))
				return true;
		return false;
	}
	for (size_t i = 0; i < c->n_discovery; i++)
		if (nic_in_subnet(n, c->discovery[i].addr))
			return true;
	return false;
}

static int nic_list_add(struct isess *m, const char *name)
{
	struct mgr_nic *more;

	if (mgr_nic_find(m, name))
		return 0;
	more = realloc(m->nics, (m->n_nics + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	m->nics = more;
	more = &m->nics[m->n_nics++];
	*more = (struct mgr_nic) { 0 };
	snprintf(more->name, sizeof(more->name), "%s", name);
	iscsiadm_iface_name(name, more->iface, sizeof(more->iface));
	return 0;
}

/* Re-read every interface; returns true when a NIC's usability or addresses changed. */
static bool nics_refresh(struct isess *m)
{
	struct nic_info *all = NULL;
	size_t n = 0;
	bool changed = false;

	if (nics_read(&all, &n) < 0)
		return false;
	free(m->all_nics);
	m->all_nics = all;
	m->n_all_nics = n;
	for (size_t i = 0; i < m->cfg->n_nics; i++)
		if (!isess_config_nic_excluded(m->cfg, m->cfg->nics[i]))
			nic_list_add(m, m->cfg->nics[i]);
	for (size_t i = 0; i < n; i++)
		if (!m->cfg->n_nics && nic_wanted(m, &all[i]))
			nic_list_add(m, all[i].name);
	for (size_t i = 0; i < m->n_nics; i++) {
		struct mgr_nic *nic = &m->nics[i];
		const struct nic_info *info = nics_find(all, n, nic->name);
		struct nic_info none = { 0 };
		bool usable = info && info->n_addrs > 0 && nic_wanted(m, info);

		snprintf(none.name, sizeof(none.name), "%s", nic->name);
		if (usable != nic->usable || (info && info->n_addrs != nic->info.n_addrs))
			changed = true;
		if (usable != nic->usable)
			mgr_change(m, "NIC %s %s", nic->name, usable ? "is usable" : "is gone or has no address");
		nic->usable = usable;
		nic->info = info ? *info : none;
	}
	return changed;
}

/* ---- rtnetlink: links and addresses ---- */

static void link_event(struct isess *m, const struct ifinfomsg *ifi, const char *name)
{
	struct mgr_nic *nic = mgr_nic_find(m, name);
	bool carrier = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);

	if (!nic || carrier == nic->info.carrier)
		return;
	nic->info.carrier = carrier;
	log_info("iscsi: %s: carrier %s", name, carrier ? "up" : "down");
	if (carrier) {
		/* its paths were failed when the carrier went: every session of it not in use is
		 * logged in anew now, rather than after iscsid's Time2Wait and 3 s retries or
		 * TCP's backed-off retransmission; the checkers test the old paths meanwhile, and
		 * whichever session serves first stays. A second pass after the grace catches
		 * the old sessions still not in use whose replacement did not log in. The ARP
		 * requests go first: the logins' SYNs must not wait for a stale neighbour entry. */
		probes_send_now(m, name);
		if (m->ops->recheck_paths)
			m->ops->recheck_paths(m->host, name, NULL);
		apply_relogin(m, name, NULL, false, 0);
		mgr_relogin_after_grace(m, name);
	} else {
		nic->relogin_at = 0;
		/* the paths first, whichever of the host's and our link handlers runs first:
		 * reading the sessions for the aborts below can wait on a busy connection */
		if (m->ops->fail_paths)
			m->ops->fail_paths(m->host, name, NULL, "carrier lost");
		apply_fail_fast(m, name);
	}
	probes_update(m);
	mgr_publish_later(m);
}

static const char *ifla_name(struct nlmsghdr *h, struct ifinfomsg *ifi)
{
	int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)));

	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_IFNAME)
			return RTA_DATA(a);
	return NULL;
}

static int on_rtnl(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct isess *m = userdata;
	char buf[16384] __attribute__((aligned(8)));
	bool refresh = false;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0 || (n < 0 && errno == ENOBUFS)) {
		if (n < 0) {
			refresh = true;		/* lost events: read everything again */
			continue;
		}
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK) {
				struct ifinfomsg *ifi = NLMSG_DATA(h);
				const char *name = ifla_name(h, ifi);

				if (name)
					link_event(m, ifi, name);
			}
			refresh = true;		/* addresses, links added or gone */
		}
	}
	if (refresh && nics_refresh(m)) {
		apply_ifaces(m);
		probes_update(m);
		mgr_kick(m);
		hostcheck_start(m, ++m->check_requested, false);
	}
	return 0;
}

static int rtnl_open(struct isess *m)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
	};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	int r;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	m->rtnl_fd = fd;
	r = sd_event_add_io(m->event, &m->rtnl_source, fd, EPOLLIN, on_rtnl, m);
	/* after the host's handlers: a lost carrier fails the paths first, then the manager acts */
	return r < 0 ? r : sd_event_source_set_priority(m->rtnl_source, SD_EVENT_PRIORITY_NORMAL + 10);
}

/* ---- timers ---- */

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct isess *m = userdata;
	uint64_t t0 = isess_now(), took;

	apply_expire(m);
	apply_reconcile(m);
	took = isess_now() - t0;
	if (took >= ISESS_PASS_SLOW_USEC)
		log_notice("iscsi: a reconciliation pass over %zu sessions took %llu ms", m->n_sessions,
			   (unsigned long long)(took / 1000));
	sd_event_source_set_time(s, usec + ISESS_TICK_USEC);
	return 0;
}

static int on_discovery_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct isess *m = userdata;

	discovery_start(m);
	sd_event_source_set_time(s, usec + m->cfg->discovery_interval_s * 1000000ULL);
	return 0;
}

void mgr_relogin_after_grace(struct isess *m, const char *nic_name)
{
	struct mgr_nic *nic = mgr_nic_find(m, nic_name);

	if (!nic)
		return;
	nic->relogin_at = isess_now() + ISESS_RELOGIN_GRACE_USEC;
	nic->relogin_sid_max = 0;
	for (size_t i = 0; i < m->n_sessions; i++)
		if (m->sessions[i].sid > nic->relogin_sid_max)
			nic->relogin_sid_max = m->sessions[i].sid;
	sd_event_source_set_time(m->relogin_timer, nic->relogin_at);
	sd_event_source_set_enabled(m->relogin_timer, SD_EVENT_ONESHOT);
}

/* The grace after a NIC returned is over: what is still not in use is logged in anew. */
static int on_relogin_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct isess *m = userdata;
	uint64_t now = isess_now(), next = 0;

	for (size_t i = 0; i < m->n_nics; i++) {
		struct mgr_nic *nic = &m->nics[i];

		if (!nic->relogin_at)
			continue;
		if (nic->relogin_at <= now + 1000) {
			nic->relogin_at = 0;
			if (nic->info.carrier)
				apply_relogin(m, nic->name, NULL, false, nic->relogin_sid_max);
		} else if (!next || nic->relogin_at < next) {
			next = nic->relogin_at;
		}
	}
	if (next) {
		sd_event_source_set_time(s, next);
		sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	}
	return 0;
}

static int timers_start(struct isess *m)
{
	int r;

	r = sd_event_add_time_relative(m->event, &m->tick, CLOCK_MONOTONIC, ISESS_TICK_USEC, 50000, on_tick, m);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->tick, SD_EVENT_ON);
	if (r >= 0)
		r = sd_event_add_time_relative(m->event, &m->discovery_timer, CLOCK_MONOTONIC, 0, 1000,
					       on_discovery_timer, m);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->discovery_timer, SD_EVENT_ON);
	if (r >= 0)
		r = sd_event_add_time(m->event, &m->relogin_timer, CLOCK_MONOTONIC, 0, 1000, on_relogin_timer, m);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->relogin_timer, SD_EVENT_OFF);
	if (r >= 0)
		r = sd_event_add_defer(m->event, &m->kick, on_kick, m);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->kick, SD_EVENT_OFF);
	if (r >= 0)
		r = sd_event_add_defer(m->event, &m->publish, on_publish, m);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->publish, SD_EVENT_ONESHOT);
	return r;
}

/* ---- life cycle ---- */

static void log_config(const struct isess *m)
{
	const struct isess_config *c = m->cfg;

	log_info("iscsi: session manager: %zu discovery address%s, %s NICs, heartbeat %s; "
		 "membersessions %u, volumesessions %u, totalsessions %u; probes every %u ms",
		 c->n_discovery, c->n_discovery == 1 ? "" : "es", c->n_nics ? "configured" : "automatic",
		 c->heartbeat ? c->heartbeat : "none", c->membersessions, c->volumesessions,
		 c->totalsessions, c->probe_interval_ms);
	if (c->chap_file && !c->have_chap)
		log_err("iscsi: chap_file %s refused: %s; no session is logged in", c->chap_file, c->chap_error);
}

int isess_start(sd_event *event, struct isess_config *cfg, const struct isess_host_ops *ops,
		void *host, struct isess **ret)
{
	struct isess *m;
	int r;

	*ret = NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		isess_config_free(cfg);
		return -ENOMEM;
	}
	m->event = sd_event_ref(event);
	m->ops = ops;
	m->host = host;
	m->rtnl_fd = -1;
	m->cfg = cfg;
	r = runner_new(event, ISESS_ADM_PARALLEL, &m->runner);
	if (r >= 0) {
		runner_set_redact(m->runner, iscsiadm_is_secret);
		r = rtnl_open(m);
	}
	if (r >= 0)
		r = timers_start(m);
	if (r >= 0)
		r = probes_new(m, &m->probes);
	if (r >= 0)
		r = hostcheck_new(m, &m->checks);
	if (r < 0) {
		isess_stop(m);
		return log_err_errno(r, "iscsi: cannot start the session manager");
	}
	log_config(m);
	nics_refresh(m);
	apply_ifaces(m);
	probes_update(m);
	hostcheck_start(m, ++m->check_requested, false);
	*ret = m;
	return 0;
}

void isess_reconfigure(struct isess *m, struct isess_config *cfg)
{
	_cleanup_free_ struct mgr_nic *old = m->n_nics ? malloc(m->n_nics * sizeof(*old)) : NULL;
	size_t n_old = old ? m->n_nics : 0;

	if (old)
		memcpy(old, m->nics, n_old * sizeof(*old));
	isess_config_free(m->cfg);
	m->cfg = cfg;
	/* node settings may differ now (login_timeout, CHAP): each node is set up again */
	free(m->prepared);
	m->prepared = NULL;
	m->n_prepared = 0;
	m->prep_gen++;
	/* NICs no longer configured drop out; their sessions leave with the next plan */
	m->n_nics = 0;
	log_config(m);
	nics_refresh(m);
	/* the ifaces of NICs that stay are bound already, or being bound */
	for (size_t i = 0; i < n_old; i++) {
		struct mgr_nic *nic = mgr_nic_find(m, old[i].name);

		if (nic) {
			nic->iface_ready = old[i].iface_ready;
			nic->iface_busy = old[i].iface_busy;
		}
	}
	apply_ifaces(m);
	probes_update(m);
	sd_event_source_set_time_relative(m->discovery_timer, 0);
	hostcheck_start(m, ++m->check_requested, false);
	mgr_kick(m);
}

struct isess *isess_stop(struct isess *m)
{
	if (!m)
		return NULL;
	m->probes = probes_free(m->probes);
	m->checks = hostcheck_free(m->checks);
	/* killing the children first: their callbacks would touch what follows */
	m->runner = runner_free(m->runner);
	while (m->ops_running)
		mgr_op_end(m->ops_running);
	m->rtnl_source = sd_event_source_disable_unref(m->rtnl_source);
	if (m->rtnl_fd >= 0)
		close(m->rtnl_fd);
	m->tick = sd_event_source_disable_unref(m->tick);
	m->discovery_timer = sd_event_source_disable_unref(m->discovery_timer);
	m->relogin_timer = sd_event_source_disable_unref(m->relogin_timer);
	m->kick = sd_event_source_disable_unref(m->kick);
	m->publish = sd_event_source_disable_unref(m->publish);
	group_release(&m->group);
	for (size_t i = 0; i < m->n_gone; i++)
		free(m->gone[i]);
	free(m->gone);
	layout_plan_release(&m->plan);
	free(m->sessions);
	free(m->backoffs);
	free(m->prepared);
	free(m->nics);
	free(m->all_nics);
	isess_config_free(m->cfg);
	sd_event_unref(m->event);
	free(m);
	return NULL;
}

/* ---- commands ---- */

int isess_command(struct isess *m, char **argv, int argc, struct strbuf *out)
{
	if (!m)
		return strbuf_puts(out, "the iSCSI session manager is not configured (no iscsi section)"), -ENODEV;
	if (argc == 1 && streq(argv[0], "rebalance")) {
		/* a fresh discovery, then a plan without the current sessions' pull */
		sd_event_source_set_time_relative(m->discovery_timer, 0);
		sd_event_source_set_enabled(m->discovery_timer, SD_EVENT_ON);
		m->rebalance = true;
		mgr_kick(m);
		return strbuf_puts(out, "rebalance started: discovery, then the plan is applied");
	}
	if ((argc == 1 || argc == 2) && streq(argv[0], "check")) {
		bool fix = argc == 2 && streq(argv[1], "--fix");

		if (argc == 2 && !fix)
			return strbuf_puts(out, "usage: iscsi check [--fix]"), -EINVAL;
		hostcheck_start(m, ++m->check_requested, fix);
		return strbuf_printf(out, "check %llu started%s", (unsigned long long)m->check_requested,
				     fix ? " (applying fixes)" : "");
	}
	return strbuf_puts(out, "usage: iscsi rebalance | iscsi check [--fix]"), -EINVAL;
}

const char *isess_iface_nic(const char *iface)
{
	return iscsiadm_iface_nic(iface);
}
