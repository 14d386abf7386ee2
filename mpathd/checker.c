/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Path checking: each path has one timer and at most one test in flight, run by its checker
 * (tur or directio, checker_*.c) on a devio worker. The loop never waits for a test: a path
 * whose test has not answered within checker_timeout counts as down (hung) and keeps its one
 * test in flight, which holds nothing but its own slot. A failed path is re-tested every
 * 250 ms, and every 20 ms for a while after its transport reports that it is back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checker.h"
#include "clock.h"
#include "daemon.h"
#include "devio.h"
#include "iscsi_events.h"
#include "log.h"
#include "map.h"
#include "map_referrals.h"
#include "path.h"
#include "path_facts.h"
#include "scsi_cdb.h"
#include "sgio.h"
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

/* The device could not take the test now: it is working, and the verdict waits for the next test. */
static int checker_busy(struct daemon *d, struct path *p)
{
	log_debug("%s: %s busy, testing again later", p->info.dev, p->checker->name);
	return checker_arm(d, p, d->failed_poll_usec);
}

static void checker_done(struct daemon *d, struct path *p, enum mp_checker_state st, bool busy,
			 uint64_t elapsed_usec)
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
		  (unsigned long long)(elapsed_usec / 1000));
	/*
	 * A verdict that did not change can still disagree with the kernel: a path reinstated
	 * while its device was offline is failed again by the kernel at once, and only a later
	 * test sees the device running. A change sends its own message (checker_path_state_changed);
	 * an unchanged verdict brings the kernel in line here.
	 */
	if (p->map && st == p->info.checker_state && (st == MP_CHK_READY || st == MP_CHK_FAULTY))
		map_sync_path_states(d, p->map);
	else
		checker_path_state_changed(d, p, st);
	checker_arm(d, p, checker_next_delay(d, p, st));
}

/* A fresh INQUIRY of VPD page 0x83: is it still the LUN it was (recheck_wwid)? */
static void identity_read(struct checker_req *req)
{
	char node[32];
	uint8_t page[1024];
	struct mp_sg_result res;
	struct mp_cdb cdb;
	_cleanup_close_ int fd = -1;

	snprintf(node, sizeof(node), "/dev/%s", req->sg);
	fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || mp_cdb_inquiry(&cdb, true, 0x83, sizeof(page)) < 0)
		return;
	if (mp_sg_io(fd, cdb.bytes, cdb.len, page, sizeof(page), MP_SG_DIR_FROM_DEV, req->timeout_ms,
		     &res) < 0 || mp_scsi_classify(&res, NULL) != MP_SCSI_OK)
		return;
	path_vpd_wwid(page, sizeof(page) - res.resid, req->vpd_wwid, sizeof(req->vpd_wwid));
}

/* A failed path answers as another LUN: it must never be reinstated in its map. */
static void checker_identity_changed(struct daemon *d, struct path *p, const char *vpd_wwid)
{
	struct mp_topo_path now = p->info;

	log_err("%s: before reinstating: VPD page 0x83 now gives WWID %s, not %s; another LUN "
		"answers at %s; it leaves map %s", p->info.dev, vpd_wwid, p->vpd_wwid, p->info.hctl,
		p->map ? p->map->name : "(none)");
	snprintf(now.wwid, sizeof(now.wwid), "%s", vpd_wwid);
	snprintf(now.wwid_source, sizeof(now.wwid_source), "vpd83 inquiry");
	now.checker_state = MP_CHK_UNCHECKED;
	now.dm_state = MP_DM_PATH_UNKNOWN;
	path_wwid_changed(d, p, &now, vpd_wwid);
}

static void checker_req_run(struct devio_req *io)
{
	struct checker_req *req = container_of(io, struct checker_req, io);
	const struct checker_ops *ops = io->userdata;

	ops->run(req);
	if (mp_path_read_state(req->dev, req->dev_state, sizeof(req->dev_state)) < 0)
		req->dev_state[0] = '\0';
	if (req->verify_identity && req->state == MP_CHK_READY && req->sg[0])
		identity_read(req);
	prio_sample_read(req->dev, req->sg, req->tpg,
			 req->want_rtpg && (req->state == MP_CHK_READY || req->state == MP_CHK_GHOST),
			 req->timeout_ms, &req->prio);
}

static void checker_req_done(struct devio_req *io)
{
	struct checker_req *req = container_of(io, struct checker_req, io);
	struct path *p = req->p;

	if (p && p->checker) {
		p->check_req = NULL;
		if (req->error && !req->busy)
			log_debug_errno(req->error, "%s: %s test failed", p->info.dev, p->checker->name);
		if (req->dev_state[0] && !streq(req->dev_state, p->info.dev_state)) {
			snprintf(p->info.dev_state, sizeof(p->info.dev_state), "%s", req->dev_state);
			daemon_publish_later(io->daemon);
		}
		if (req->vpd_wwid[0] && p->vpd_wwid[0] && !streq(req->vpd_wwid, p->vpd_wwid)) {
			checker_identity_changed(io->daemon, p, req->vpd_wwid);
			free(req);
			return;
		}
		if (path_prio_update(io->daemon, p, &req->prio) && p->map) {
			map_schedule_reload(io->daemon, p->map);	/* regroup by the new priority */
			/* an ALUA change on a scale-out array often means pages moved */
			map_referrals_refresh(io->daemon, p->map);
		}
		checker_done(io->daemon, p, req->state, req->busy, io->elapsed_usec);
	}
	free(req);
}

/* Start one test of @p on a devio worker. */
static int checker_submit(struct daemon *d, struct path *p)
{
	struct checker_req *req = calloc(1, sizeof(*req));
	int r;

	if (!req)
		return -ENOMEM;
	r = p->checker->node(p, req->node, sizeof(req->node));
	if (r < 0) {
		free(req);
		return r;
	}
	req->p = p;
	req->timeout_ms = d->checker_timeout_usec / 1000;
	snprintf(req->dev, sizeof(req->dev), "%s", p->info.dev);
	snprintf(req->sg, sizeof(req->sg), "%s", p->sg);
	/* before a failed path is reinstated, make sure it is still the same LUN */
	req->verify_identity = p->info.checker_state == MP_CHK_FAULTY ||
			       p->info.dm_state == MP_DM_PATH_FAILED;
	req->tpg = p->info.tpg;
	req->want_rtpg = path_prio_wants_rtpg(p);
	req->io.run = checker_req_run;
	req->io.done = checker_req_done;
	req->io.host = p->host;
	req->io.userdata = (void *)p->checker;
	p->check_req = req;
	devio_submit(d, &req->io);
	return 0;
}

/* The timer either starts the next test or notices that the running one has not answered. */
static int checker_on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct path *p = userdata;
	struct daemon *d = p->daemon;
	int r;

	if (p->check_running) {
		/* No answer within checker_timeout: the path is hung; its test stays in flight. */
		if (p->info.checker_state != MP_CHK_FAULTY)
			log_warn("%s: %s has not answered in %llu ms: the path counts as down", p->info.dev,
				 p->checker->name, (unsigned long long)((now_usec() - p->check_started_usec) / 1000));
		checker_path_state_changed(d, p, MP_CHK_FAULTY);
		return checker_arm(d, p, d->checker_timeout_usec);
	}
	r = checker_submit(d, p);
	if (r < 0) {
		log_debug_errno(r, "%s: %s could not start", p->info.dev, p->checker->name);
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
	char node[48];
	int r;

	p->daemon = d;
	p->checker_kind = checker_kind_for(d, p);
	p->checker = checker_ops_for(p->checker_kind);
	if (!p->checker) {
		/* path_checker none: the path counts as up unless the kernel fails it */
		checker_path_state_changed(d, p, MP_CHK_READY);
		return 0;
	}
	r = p->checker->node(p, node, sizeof(node));
	if (r < 0) {
		log_warn_errno(r, "%s: nothing to test it through; not checking", p->info.dev);
		p->checker = NULL;
		return r;
	}
	log_debug("%s: checker %s", p->info.dev, p->checker->name);
	return checker_arm(d, p, 0);
}

void checker_claimed(struct daemon *d, struct path *p)
{
	if (!p->checker_started) {
		p->checker_started = true;
		checker_start(d, p);
	}
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
	if (p->check_req)
		p->check_req->p = NULL;	/* freed when it returns */
	p->check_req = NULL;
	p->checker = NULL;
	p->check_running = false;
}

/* After a reload: a path whose path_checker changed starts over with the new one. */
void checker_config_changed(struct daemon *d, struct path *p)
{
	enum mp_checker kind = checker_kind_for(d, p);

	if (kind == p->checker_kind || p->gone || !p->checker_started)
		return;
	log_info("%s: path_checker %s -> %s", p->info.dev, checker_kind_name(p->checker_kind), checker_kind_name(kind));
	checker_stop(p);
	if (checker_start(d, p) < 0)
		log_warn("%s: its new checker did not start; the path keeps its last state", p->info.dev);
}
