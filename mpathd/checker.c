/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Path checking without threads: a TEST UNIT READY is written to the path's sg device and
 * its answer is read when the fd turns readable, so a hung path delays nothing else. A
 * failed path keeps a TUR in flight: it completes the moment the transport returns, which
 * is what lets a path be reinstated within a second instead of at the next poll.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "scsi_cdb.h"
#include "sgio.h"
#include "util.h"

void maps_tick(struct daemon *d);

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

static enum mp_checker_state classify(const struct mp_sg_result *res)
{
	struct mp_sense sense;

	switch (mp_scsi_classify(res, &sense)) {
	case MP_SCSI_OK:
	case MP_SCSI_UNIT_ATTENTION:	/* the device answered: it is reachable */
	case MP_SCSI_RESERVATION_CONFLICT:
		return MP_CHK_READY;
	case MP_SCSI_NOT_READY:
		/* ALUA standby (02/04/0b) is a ghost path, usable after a group switch */
		return sense.asc == 0x04 && sense.ascq == 0x0b ? MP_CHK_GHOST : MP_CHK_FAULTY;
	default:
		return MP_CHK_FAULTY;
	}
}

static int on_sg_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct path *p = userdata;
	struct daemon *d = sd_event_source_get_userdata(p->timer) ? sd_event_source_get_userdata(p->timer) : NULL;
	struct mp_sg_request *req;
	struct mp_sg_result res;
	enum mp_checker_state st;
	int r;

	r = mp_sg_reap(fd, &req, &res);
	if (r == -EAGAIN)
		return 0;
	p->check_running = false;
	st = r < 0 ? MP_CHK_FAULTY : classify(&res);
	if (st == MP_CHK_FAULTY)
		p->consecutive_failures++;
	else
		p->consecutive_failures = 0;
	log_debug("%s: TUR %s in %llu ms", p->info.dev, mp_checker_state_name(st),
		  (unsigned long long)((now_usec() - p->check_started_usec) / 1000));
	path_refresh_state(p);
	if (d) {
		checker_path_state_changed(d, p, st);
		checker_arm(d, p, st == MP_CHK_READY ? d->polling_usec : d->failed_poll_usec);
	}
	return 0;
}

static int checker_submit(struct daemon *d, struct path *p)
{
	int r;

	memset(&p->req, 0, sizeof(p->req));
	mp_cdb_test_unit_ready(&p->req.cdb);
	p->req.dir = MP_SG_DIR_NONE;
	p->req.timeout_ms = d->checker_timeout_usec / 1000;
	p->req.userdata = p;
	r = mp_sg_submit(p->sg_fd, &p->req);
	if (r < 0)
		return r;
	p->check_running = true;
	p->check_started_usec = now_usec();
	return 0;
}

/* The timer either starts the next check or notices that the running one has not answered. */
static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;
	struct path *p = NULL;

	for (size_t i = 0; i < d->nr_paths; i++)
		if (d->paths[i]->timer == s)
			p = d->paths[i];
	if (!p)
		return 0;
	if (p->check_running) {
		/* No answer within checker_timeout: the path is hung; the TUR stays queued. */
		checker_path_state_changed(d, p, MP_CHK_FAULTY);
		return checker_arm(d, p, d->checker_timeout_usec);
	}
	if (checker_submit(d, p) < 0) {
		path_refresh_state(p);
		checker_path_state_changed(d, p, MP_CHK_FAULTY);
		return checker_arm(d, p, d->failed_poll_usec);
	}
	return checker_arm(d, p, d->checker_timeout_usec + 1000000);
}

static int checker_arm(struct daemon *d, struct path *p, uint64_t delay_usec)
{
	int r;

	if (!p->timer) {
		r = sd_event_add_time_relative(d->event, &p->timer, CLOCK_MONOTONIC, delay_usec, 10000,
					       on_timer, d);
		return r < 0 ? r : 0;
	}
	r = sd_event_source_set_time_relative(p->timer, delay_usec);
	if (r < 0)
		return r;
	return sd_event_source_set_enabled(p->timer, SD_EVENT_ONESHOT);
}

int checker_start(struct daemon *d, struct path *p)
{
	char sg[32], node[48];
	int r;

	r = mp_sg_dev_for_block(NULL, p->info.dev, sg, sizeof(sg));
	if (r < 0)
		return log_warn_errno(r, "%s: no sg device, not checking", p->info.dev);
	snprintf(node, sizeof(node), "/dev/%s", sg);
	r = mp_sg_open(node);
	if (r < 0)
		return log_warn_errno(r, "%s: opening %s failed", p->info.dev, node);
	p->sg_fd = r;
	r = sd_event_add_io(d->event, &p->sg_source, p->sg_fd, EPOLLIN, on_sg_readable, p);
	if (r < 0)
		return r;
	return checker_arm(d, p, 0);
}

/* Check now: after a dm event, a link coming up, or an administrator's reinstate. */
void checker_kick(struct daemon *d, struct path *p)
{
	if (p->sg_fd < 0 || p->check_running)
		return;
	checker_arm(d, p, 0);
}

void checker_stop(struct path *p)
{
	p->sg_source = sd_event_source_disable_unref(p->sg_source);
	p->timer = sd_event_source_disable_unref(p->timer);
	if (p->sg_fd >= 0)
		close(p->sg_fd);
	p->sg_fd = -1;
}
