/* SPDX-License-Identifier: GPL-2.0-or-later */
/* REPORT REFERRALS for a map, through one of its working paths on a devio worker, on a timer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "daemon.h"
#include "devio.h"
#include "log.h"
#include "map.h"
#include "map_referrals.h"
#include "path.h"
#include "referrals.h"
#include "scsi_cdb.h"
#include "snapshot.h"
#include "sgio.h"
#include "sysfs.h"
#include "util.h"

#define REFERRALS_ALLOC		(256 * 1024)
#define REFERRALS_TIMEOUT_MS	10000

struct referrals_req {
	struct devio_req io;
	struct mpmap *map;		/* NULL once the map is gone */
	char sg[16];
	char dev[32];
	int result;
	bool unsupported;		/* the LUN refused the command: it has no referrals */
	struct mp_referral_map *rmap;
	uint32_t block_size;
};

/* ---- on a worker ---- */

static int sg_command(int fd, const struct mp_cdb *cdb, void *buf, size_t len, size_t *ret_len, bool *ret_illegal)
{
	struct mp_sg_result res;
	struct mp_sense sense;
	int r = mp_sg_io(fd, cdb->bytes, cdb->len, buf, len, MP_SG_DIR_FROM_DEV, REFERRALS_TIMEOUT_MS, &res);

	if (r < 0)
		return r;
	switch (mp_scsi_classify(&res, &sense)) {
	case MP_SCSI_OK:
		*ret_len = len - (res.resid > 0 && (size_t)res.resid < len ? (size_t)res.resid : 0);
		return 0;
	case MP_SCSI_ILLEGAL_REQUEST:
		*ret_illegal = true;
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

static void referrals_run(struct devio_req *io)
{
	struct referrals_req *req = container_of(io, struct referrals_req, io);
	_cleanup_free_ uint8_t *buf = malloc(REFERRALS_ALLOC);
	_cleanup_close_ int fd = -1;
	struct mp_referrals_vpd vpd = { 0 };
	uint8_t page[64];
	struct mp_cdb cdb;
	char node[32], attr[96], bs[16];
	size_t len = 0;

	snprintf(node, sizeof(node), "/dev/%s", req->sg);
	fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (!buf || fd < 0) {
		req->result = buf ? -errno : -ENOMEM;
		return;
	}
	snprintf(attr, sizeof(attr), "block/%s/queue/logical_block_size", req->dev);
	req->block_size = mp_sysfs_read_attr(attr, bs, sizeof(bs)) >= 0 ? (uint32_t)strtoul(bs, NULL, 10) : 512;
	/* VPD page 0xB3 gives the segment size (optional: the segments give it too) */
	if (mp_cdb_inquiry(&cdb, true, MP_VPD_REFERRALS, sizeof(page)) >= 0 &&
	    sg_command(fd, &cdb, page, sizeof(page), &len, &(bool){ false }) >= 0)
		mp_referrals_vpd_parse(page, len, &vpd);
	mp_cdb_report_referrals(&cdb, 0, REFERRALS_ALLOC, false);
	req->result = sg_command(fd, &cdb, buf, REFERRALS_ALLOC, &len, &req->unsupported);
	if (req->result >= 0)
		req->result = mp_referrals_parse(buf, len, &req->rmap);
	if (req->result >= 0) {
		req->rmap->segment_size = vpd.segment_size;
		req->rmap->segment_multiplier = vpd.segment_multiplier;
	}
}

/* ---- on the loop ---- */

static void referrals_clear(struct map_referrals *r)
{
	free(r->segments);
	free(r->tpgs);
	r->segments = NULL;
	r->tpgs = NULL;
	r->nr_segments = 0;
}

/* Whether @rmap says the same as @r: same segments, same owners and states. */
static bool referrals_same(const struct map_referrals *r, const struct mp_referral_map *rmap)
{
	if (r->state != REFERRALS_KNOWN || r->nr_segments != rmap->n_segments)
		return false;
	for (size_t i = 0; i < rmap->n_segments; i++) {
		const struct mpath_sel_segment *a = &r->segments[i];
		const struct mp_referral_segment *b = &rmap->segments[i];

		if (a->first_lba != b->first_lba || a->last_lba != b->last_lba || a->nr_tpgs != b->n_tpgs)
			return false;
		for (size_t k = 0; k < b->n_tpgs; k++)
			if (a->tpgs[k].tpg != b->tpgs[k].tpg_id || a->tpgs[k].state != b->tpgs[k].state)
				return false;
	}
	return true;
}

static int referrals_take(struct map_referrals *r, const struct mp_referral_map *rmap)
{
	size_t nr_tpgs = 0, k = 0;
	struct mpath_sel_segment *segs;
	struct mpath_sel_tpg_state *tpgs;

	for (size_t i = 0; i < rmap->n_segments; i++)
		nr_tpgs += rmap->segments[i].n_tpgs;
	segs = calloc(rmap->n_segments ? rmap->n_segments : 1, sizeof(*segs));
	tpgs = calloc(nr_tpgs ? nr_tpgs : 1, sizeof(*tpgs));
	if (!segs || !tpgs) {
		free(segs);
		free(tpgs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < rmap->n_segments; i++) {
		const struct mp_referral_segment *s = &rmap->segments[i];

		segs[i] = (struct mpath_sel_segment){ .first_lba = s->first_lba, .last_lba = s->last_lba,
						       .nr_tpgs = s->n_tpgs, .tpgs = &tpgs[k] };
		for (size_t t = 0; t < s->n_tpgs; t++, k++)
			tpgs[k] = (struct mpath_sel_tpg_state){ .tpg = s->tpgs[t].tpg_id, .state = s->tpgs[t].state };
	}
	referrals_clear(r);
	r->segments = segs;
	r->tpgs = tpgs;
	r->nr_segments = rmap->n_segments;
	r->segment_size = rmap->segment_size ? rmap->segment_size :
			  rmap->n_segments ? (uint32_t)(rmap->segments[0].last_lba - rmap->segments[0].first_lba + 1) : 0;
	r->period = rmap->segment_multiplier ? (uint64_t)rmap->segment_size * rmap->segment_multiplier : 0;
	r->state = REFERRALS_KNOWN;
	return 0;
}

static void referrals_arm(struct daemon *d, struct mpmap *m);

static void referrals_done(struct devio_req *io)
{
	struct referrals_req *req = container_of(io, struct referrals_req, io);
	struct daemon *d = io->daemon;
	struct mpmap *m = req->map;
	struct map_referrals *r;
	struct mpath_sel_actions *a = NULL;

	if (!m)
		goto out;
	r = &m->referrals;
	r->in_flight = false;
	r->req = NULL;
	r->wait_timer = sd_event_source_disable_unref(r->wait_timer);
	m->block_size = req->block_size ? req->block_size : 512;
	if (req->unsupported) {
		if (r->state == REFERRALS_UNKNOWN)
			log_debug("%s: reports no referrals", m->name);
		r->state = REFERRALS_NONE;
		goto resume;
	}
	if (req->result < 0) {
		log_debug_errno(req->result, "%s: REPORT REFERRALS through %s failed", m->name, req->dev);
	} else {
		r->refreshed_usec = now_usec();
		if (!referrals_same(r, req->rmap) && referrals_take(r, req->rmap) >= 0) {
			log_info("%s: referrals: %zu segments of %u blocks", m->name, r->nr_segments, r->segment_size);
			if (map_policy_map_event(m, MPATH_SEL_MAP_REFERRALS_CHANGED, &a) >= 0)
				map_apply_actions(d, m, a);
			daemon_publish_later(d);
		}
	}
	if (r->again) {
		r->again = false;
		map_referrals_refresh(d, m);
	} else {
		referrals_arm(d, m);
	}
resume:
	/* a load that waited for this read (map_referrals_pending()) goes now */
	if (m->dirty && !m->busy)
		map_schedule_reload(d, m);
out:
	mp_referral_map_free(req->rmap);
	free(req);
}

static int on_referrals_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct mpmap *m = userdata;

	map_referrals_refresh(m->daemon, m);
	return 0;
}

static void referrals_arm(struct daemon *d, struct mpmap *m)
{
	const struct mp_setting *s = &m->settings.key[MP_KEY_REFERRALS_REFRESH];
	uint64_t usec = (s->set && s->num > 0 ? (uint64_t)s->num : 5) * 1000000ULL;
	sd_event_source *timer = m->referrals.timer;

	if (m->referrals.state != REFERRALS_KNOWN)
		return;
	if (!timer) {
		if (sd_event_add_time_relative(d->event, &timer, CLOCK_MONOTONIC, usec, 100000,
					       on_referrals_timer, m) < 0)
			return;
		m->referrals.timer = timer;
		return;
	}
	sd_event_source_set_time_relative(timer, usec);
	sd_event_source_set_enabled(timer, SD_EVENT_ONESHOT);
}

/* A path to ask through: one that works, else any with an sg device. */
static struct path *referrals_path(struct mpmap *m)
{
	struct path *any = NULL;

	for (size_t i = 0; i < m->nr_paths; i++) {
		struct path *p = m->paths[i];

		if (!p->sg[0])
			continue;
		if (path_is_usable(p) && p->info.checker_state == MP_CHK_READY)
			return p;
		if (!any)
			any = p;
	}
	return any;
}

void map_referrals_refresh(struct daemon *d, struct mpmap *m)
{
	struct map_referrals *r = &m->referrals;
	struct referrals_req *req;
	struct path *p;

	if (r->state == REFERRALS_NONE || m->removing)
		return;
	if (r->in_flight) {
		r->again = true;
		return;
	}
	p = referrals_path(m);
	if (!p || !(req = calloc(1, sizeof(*req))))
		return;
	m->daemon = d;
	req->map = m;
	snprintf(req->sg, sizeof(req->sg), "%s", p->sg);
	snprintf(req->dev, sizeof(req->dev), "%s", p->info.dev);
	req->io.run = referrals_run;
	req->io.done = referrals_done;
	req->io.host = p->host;
	r->in_flight = true;
	r->req = req;
	if (!r->first_usec)
		r->first_usec = now_usec();
	devio_submit(d, &req->io);
}

static int on_wait_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct mpmap *m = userdata;

	m->referrals.wait_timer = sd_event_source_disable_unref(m->referrals.wait_timer);
	if (m->dirty && !m->busy) {
		log_info("%s: no referrals after %llu s; loading without them", m->name,
			 REFERRALS_FIRST_WAIT_USEC / 1000000ULL);
		map_schedule_reload(m->daemon, m);
	}
	return 0;
}

bool map_referrals_pending(struct daemon *d, struct mpmap *m)
{
	struct map_referrals *r = &m->referrals;
	uint64_t now = now_usec();

	if (r->state != REFERRALS_UNKNOWN || !r->in_flight || !r->first_usec ||
	    now >= r->first_usec + REFERRALS_FIRST_WAIT_USEC)
		return false;
	m->daemon = d;
	if (!r->wait_timer &&
	    sd_event_add_time(d->event, &r->wait_timer, CLOCK_MONOTONIC,
			      r->first_usec + REFERRALS_FIRST_WAIT_USEC, 100000, on_wait_timer, m) < 0)
		return false;
	return true;
}

void map_referrals_release(struct mpmap *m)
{
	struct map_referrals *r = &m->referrals;

	if (r->in_flight && r->req)
		((struct referrals_req *)r->req)->map = NULL;
	r->timer = sd_event_source_disable_unref(r->timer);
	r->wait_timer = sd_event_source_disable_unref(r->wait_timer);
	referrals_clear(r);
}
