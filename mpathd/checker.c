/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Path checking on the event loop: each path has one timer and at most one test in flight,
 * run by its checker (tur or directio, checker_*.c). A hung path only keeps its own test
 * waiting; a failed path is re-tested every 250 ms, and every 20 ms for a second after
 * its transport reports that it is back.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "checker.h"
#include "clock.h"
#include "daemon.h"
#include "iscsi_events.h"
#include "log.h"
#include "map.h"
#include "path.h"
#include "snapshot.h"
#include "util.h"

#define RECHECK_FAST_USEC	20000ULL

uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int checker_arm(struct daemon *d, struct path *p, uint64_t delay_usec);

void checker_path_state_changed(struct daemon *d, struct path *p, enum mp_checker_state st)
{
	enum mp_checker_state was = p->info.checker_state;

	if (was == st)
		return;
	if (was == MP_CHK_ADMIN_DOWN && st != MP_CHK_UNCHECKED)
		return;		/* only an administrator's reinstate lifts an administrative fail */
	p->info.checker_state = st;
	p->info.last_change_usec = now_usec();
	if (st == MP_CHK_READY || st == MP_CHK_FAULTY || st == MP_CHK_ADMIN_DOWN)
		log_info("%s: checker %s -> %s", p->info.dev, mp_checker_state_name(was), mp_checker_state_name(st));
	if (p->map) {
		if (st == MP_CHK_READY && p->info.dm_state == MP_DM_PATH_FAILED)
			map_path_message(d, p, true);
		else if ((st == MP_CHK_FAULTY || st == MP_CHK_ADMIN_DOWN) && p->info.dm_state != MP_DM_PATH_FAILED)
			map_path_message(d, p, false);
		map_check_queueing(d, p->map);
	}
	daemon_publish_later(d);
}

static uint64_t checker_next_delay(struct daemon *d, struct path *p, enum mp_checker_state st)
{
	if (st == MP_CHK_READY || st == MP_CHK_GHOST)
		return d->polling_usec;
	if (now_usec() < p->recheck_fast_until)
		return RECHECK_FAST_USEC;
	return d->failed_poll_usec;
}

/* The device's queue is full: it is working, and the verdict waits for the next test. */
static int checker_busy(struct daemon *d, struct path *p)
{
	log_debug("%s: %s busy, testing again later", p->info.dev, p->checker->name);
	return checker_arm(d, p, d->failed_poll_usec);
}

void checker_done(struct daemon *d, struct path *p, enum mp_checker_state st, bool busy)
{
	p->check_running = false;
	if (busy) {
		checker_busy(d, p);
		return;
	}
	if (st == MP_CHK_READY && !path_transport_up(d, p))
		st = MP_CHK_FAULTY;	/* an answer from before the transport went down */
	if (st == MP_CHK_FAULTY)
		p->consecutive_failures++;
	else
		p->consecutive_failures = 0;
	log_debug("%s: %s %s in %llu ms", p->info.dev, p->checker->name, mp_checker_state_name(st),
		  (unsigned long long)((now_usec() - p->check_started_usec) / 1000));
	path_refresh_state(p);
	checker_path_state_changed(d, p, st);
	checker_arm(d, p, checker_next_delay(d, p, st));
}

/* The timer either starts the next test or notices that the running one has not answered. */
static int checker_on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct path *p = userdata;
	struct daemon *d = p->daemon;
	int r;

	if (p->check_running) {
		/* No answer within checker_timeout: the path is hung; its test stays in flight. */
		checker_path_state_changed(d, p, MP_CHK_FAULTY);
		return checker_arm(d, p, d->checker_timeout_usec);
	}
	r = p->checker->submit(d, p);
	if (r == -EAGAIN)
		return checker_busy(d, p);
	if (r < 0) {
		log_debug_errno(r, "%s: %s could not start", p->info.dev, p->checker->name);
		path_refresh_state(p);
		checker_path_state_changed(d, p, MP_CHK_FAULTY);
		return checker_arm(d, p, checker_next_delay(d, p, MP_CHK_FAULTY));
	}
	p->check_running = true;
	p->check_started_usec = now_usec();
	return checker_arm(d, p, d->checker_timeout_usec + 1000000);
}

static int checker_arm(struct daemon *d, struct path *p, uint64_t delay_usec)
{
	int r;

	if (!p->timer) {
		r = sd_event_add_time_relative(d->event, &p->timer, CLOCK_MONOTONIC, delay_usec, 10000,
					       checker_on_timer, p);
		return r < 0 ? r : 0;
	}
	r = sd_event_source_set_time_relative(p->timer, delay_usec);
	if (r < 0)
		return r;
	return sd_event_source_set_enabled(p->timer, SD_EVENT_ONESHOT);
}

static enum mp_checker checker_kind_for(const struct daemon *d, const struct path *p)
{
	struct mp_map_settings s;
	const struct mp_setting *k;

	if (path_settings_resolve(d->config, p, &s) < 0)
		return MP_CHECKER_TUR;
	k = &s.key[MP_KEY_PATH_CHECKER];
	return k->set ? (enum mp_checker)k->num : MP_CHECKER_TUR;
}

static const char *checker_kind_name(enum mp_checker kind)
{
	switch (kind) {
	case MP_CHECKER_NONE:
		return "none";
	case MP_CHECKER_DIRECTIO:
		return "directio";
	case MP_CHECKER_READSECTOR0:
		return "readsector0";
	default:
		return "tur";
	}
}

static const struct checker_ops *checker_ops_for(enum mp_checker kind)
{
	switch (kind) {
	case MP_CHECKER_NONE:
		return NULL;
	case MP_CHECKER_DIRECTIO:
	case MP_CHECKER_READSECTOR0:	/* a read of the first block, which directio does */
		return &checker_directio_ops;
	default:			/* tur, and the array checkers mpathd runs as tur */
		return &checker_tur_ops;
	}
}

int checker_start(struct daemon *d, struct path *p)
{
	int r;

	p->daemon = d;
	p->checker_kind = checker_kind_for(d, p);
	p->checker = checker_ops_for(p->checker_kind);
	if (!p->checker) {
		/* path_checker none: the path counts as up unless the kernel fails it */
		checker_path_state_changed(d, p, MP_CHK_READY);
		return 0;
	}
	r = p->checker->open(d, p);
	if (r < 0) {
		p->checker = NULL;
		return r;
	}
	log_debug("%s: checker %s", p->info.dev, p->checker->name);
	return checker_arm(d, p, 0);
}

/* Test now: after a dm event, a link or session coming up, or an administrator's reinstate. */
void checker_kick(struct daemon *d, struct path *p)
{
	if (!p->checker || p->check_running)
		return;
	checker_arm(d, p, 0);
}

/* Test failed paths quickly for a while: their transport says it is back. */
void checker_recheck_soon(struct daemon *d, struct path *p, uint64_t for_usec)
{
	p->recheck_fast_until = now_usec() + for_usec;
	checker_kick(d, p);
}

void checker_stop(struct path *p)
{
	p->timer = sd_event_source_disable_unref(p->timer);
	if (p->checker)
		p->checker->close(p->daemon, p);
	p->checker = NULL;
	p->check_running = false;
}

/* After a reload: a path whose path_checker changed starts over with the new one. */
void checker_config_changed(struct daemon *d, struct path *p)
{
	enum mp_checker kind = checker_kind_for(d, p);

	if (kind == p->checker_kind || p->gone)
		return;
	log_info("%s: path_checker %s -> %s", p->info.dev, checker_kind_name(p->checker_kind), checker_kind_name(kind));
	checker_stop(p);
	if (checker_start(d, p) < 0)
		log_warn("%s: its new checker did not start; the path keeps its last state", p->info.dev);
}
