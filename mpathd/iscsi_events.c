/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iSCSI session state straight from the kernel: the iSCSI transport's netlink events, which
 * iscsid also hears. A connection error fails the session's paths at once, before any I/O or
 * checker has timed out; the session's return (a login event, or its state in sysfs) re-tests
 * them at once, so a path is back in the map within milliseconds of its session.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checker.h"
#include "clock.h"
#include "daemon.h"
#include "iscsi_events.h"
#include "iscsi_manager.h"
#include "iscsi_nl.h"
#include "log.h"
#include "path.h"
#include "sysfs.h"
#include "util.h"

/* How long failed paths are re-tested every 20 ms after their session logged in. */
#define LOGIN_RECHECK_USEC	2000000ULL
/* How often the state of a session that reported an error is read until it logs in again. */
#define SESSION_WATCH_USEC	50000ULL

static bool path_on_session(const struct path *p, uint32_t sid)
{
	char name[24];

	snprintf(name, sizeof(name), "session%u", sid);
	return streq(p->info.iscsi_session, name);
}

static bool session_logged_in(const char *session)
{
	char rel[96], state[32];

	snprintf(rel, sizeof(rel), "class/iscsi_session/%s/state", session);
	return mp_sysfs_read_attr(rel, state, sizeof(state)) >= 0 && streq(state, "LOGGED_IN");
}

/* @p's session is back: test it at once and, while the device is still unblocking, every 20 ms. */
static void path_session_back(struct daemon *d, struct path *p)
{
	p->transport_down = false;
	checker_recheck_soon(d, p, LOGIN_RECHECK_USEC);
}

/* Whether @p's session, down since its connection error, has logged in again (then unmark it). */
static bool path_session_returned(struct path *p)
{
	if (!session_logged_in(p->info.iscsi_session))
		return false;
	log_info("%s: %s logged in again", p->info.dev, p->info.iscsi_session);
	p->transport_down = false;
	return true;
}

/*
 * Software iSCSI (iscsi_tcp) reports connection errors but no login: while a session is down
 * its state in sysfs is read every 50 ms, a read of kernel memory that never touches the device.
 */
static int session_watch_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;
	bool any_down = false;

	for (size_t i = 0; i < d->nr_paths; i++) {
		struct path *p = d->paths[i];

		if (!p->transport_down)
			continue;
		if (path_session_returned(p))
			checker_recheck_soon(d, p, LOGIN_RECHECK_USEC);
		else
			any_down = true;
	}
	if (any_down) {
		sd_event_source_set_time(s, usec + SESSION_WATCH_USEC);
		return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	}
	return sd_event_source_set_enabled(s, SD_EVENT_OFF);
}

static void session_watch_start(struct daemon *d)
{
	if (!d->iscsi_watch) {
		if (sd_event_add_time_relative(d->event, &d->iscsi_watch, CLOCK_MONOTONIC, SESSION_WATCH_USEC,
					       10000, session_watch_tick, d) < 0)
			log_warn("iSCSI: cannot watch session states; failed paths are re-tested every 250 ms");
		return;
	}
	if (sd_event_source_get_enabled(d->iscsi_watch, NULL) > 0)
		return;
	sd_event_source_set_time_relative(d->iscsi_watch, SESSION_WATCH_USEC);
	sd_event_source_set_enabled(d->iscsi_watch, SD_EVENT_ONESHOT);
}

static void session_conn_error(struct daemon *d, const struct mp_iscsi_event *ev)
{
	unsigned n = 0, again = 0;

	for (size_t i = 0; i < d->nr_paths; i++) {
		struct path *p = d->paths[i];

		if (!path_on_session(p, ev->sid))
			continue;
		again += p->transport_down;
		p->transport_down = true;
		p->recheck_fast_until = 0;
		checker_path_state_changed(d, p, MP_CHK_FAULTY);
		n++;
	}
	if (n)
		session_watch_start(d);
	/* iscsid's failed relogins report an error each: only the first one is news */
	if (again == n && n)
		log_debug("session%u: connection %u failed again (%s)", ev->sid, ev->cid, mp_iscsi_error_name(ev->error));
	else
		log_warn("session%u: iSCSI connection %u failed (%s): %u path%s failed", ev->sid, ev->cid,
			 mp_iscsi_error_name(ev->error), n, n == 1 ? "" : "s");
}

/* Offload HBAs report logins; software iSCSI is covered by session_watch_tick(). */
static void session_login_event(struct daemon *d, const struct mp_iscsi_event *ev)
{
	unsigned n = 0;

	for (size_t i = 0; i < d->nr_paths; i++) {
		struct path *p = d->paths[i];

		if (!path_on_session(p, ev->sid))
			continue;
		path_session_back(d, p);
		n++;
	}
	log_info("session%u: iSCSI connection %u logged in: testing its %u path%s", ev->sid, ev->cid, n,
		 n == 1 ? "" : "s");
}

static int iscsi_on_event(const struct mp_iscsi_event *ev, void *userdata)
{
	struct daemon *d = userdata;

	switch (ev->kind) {
	case MP_ISCSI_EV_CONN_ERROR:
		session_conn_error(d, ev);
		break;
	case MP_ISCSI_EV_CONN_LOGIN:
		if (ev->state == MP_ISCSI_CONN_LOGGED_IN)
			session_login_event(d, ev);
		else
			log_debug("session%u: connection %u %s", ev->sid, ev->cid, mp_iscsi_conn_state_name(ev->state));
		break;
	case MP_ISCSI_EV_SESSION_CREATE:
		log_debug("session%u: created on host%u", ev->sid, ev->host_no);
		break;
	case MP_ISCSI_EV_SESSION_UNBIND:
	case MP_ISCSI_EV_SESSION_DESTROY:
		/* its disks leave through udev; this only explains why */
		log_info("session%u: %s", ev->sid, ev->kind == MP_ISCSI_EV_SESSION_UNBIND ? "unbound" : "destroyed");
		if (ev->kind == MP_ISCSI_EV_SESSION_DESTROY)
			iscsi_session_destroyed(d, ev->sid);
		break;
	}
	return 0;
}

/* Events were lost: let every iSCSI path's checker and the session state in sysfs decide. */
static void iscsi_events_lost(struct daemon *d)
{
	log_warn("iSCSI events were lost (receive buffer overrun); re-testing the iSCSI paths");
	for (size_t i = 0; i < d->nr_paths; i++)
		if (streq(d->paths[i]->info.transport, "iscsi"))
			checker_kick(d, d->paths[i]);
}

static int iscsi_on_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	char buf[16384] __attribute__((aligned(8)));	/* netlink headers are 4-aligned */
	ssize_t n;
	int r;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			iscsi_events_lost(d);
			continue;
		}
		if (n <= 0)
			break;
		r = mp_iscsi_nl_parse(buf, (size_t)n, iscsi_on_event, d);
		if (r < 0)
			log_warn_errno(r, "iSCSI event: malformed message (%zd bytes)", n);
	}
	return 0;
}

int iscsi_events_start(struct daemon *d)
{
	int r;

	if (d->iscsi_fd >= 0)
		return 0;
	if (d->iscsi_unavailable)
		return -ENOTCONN;
	r = mp_iscsi_nl_open();
	if (r < 0) {
		d->iscsi_unavailable = true;
		return log_warn_errno(r, "iSCSI events unavailable; iSCSI paths are watched by their checkers only");
	}
	d->iscsi_fd = r;
	r = sd_event_add_io(d->event, &d->iscsi_source, d->iscsi_fd, EPOLLIN, iscsi_on_readable, d);
	if (r < 0) {
		close(d->iscsi_fd);
		d->iscsi_fd = -1;
		return r;
	}
	log_info("listening to iSCSI connection events");
	return 0;
}

void iscsi_events_stop(struct daemon *d)
{
	d->iscsi_source = sd_event_source_disable_unref(d->iscsi_source);
	d->iscsi_watch = sd_event_source_disable_unref(d->iscsi_watch);
	if (d->iscsi_fd >= 0)
		close(d->iscsi_fd);
	d->iscsi_fd = -1;
}

bool path_transport_up(struct daemon *d, struct path *p)
{
	if (p->link_down)
		return false;	/* until its NIC has carrier again (events.c) */
	if (!p->transport_down)
		return true;
	/* the watch may not have run yet: the session's own state settles it */
	return path_session_returned(p);
}
