/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tur checker: a TEST UNIT READY written to the path's sg device, its answer read when the
 * fd turns readable. The sg driver keeps a command queued while the transport is blocked, so a
 * test in flight completes the moment the path is back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checker.h"
#include "daemon.h"
#include "log.h"
#include "path.h"
#include "scsi_cdb.h"
#include "sgio.h"

static enum mp_checker_state tur_classify(const struct mp_sg_result *res)
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

static int tur_on_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct path *p = userdata;
	struct mp_sg_request *req;
	struct mp_sg_result res;
	int r;

	r = mp_sg_reap(fd, &req, &res);
	if (r == -EAGAIN)
		return 0;
	checker_done(p->daemon, p, r < 0 ? MP_CHK_FAULTY : tur_classify(&res), false);
	return 0;
}

static int tur_open(struct daemon *d, struct path *p)
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
	p->chk_fd = r;
	r = sd_event_add_io(d->event, &p->chk_source, p->chk_fd, EPOLLIN, tur_on_readable, p);
	if (r < 0) {
		close(p->chk_fd);
		p->chk_fd = -1;
		return r;
	}
	return 0;
}

static int tur_submit(struct daemon *d, struct path *p)
{
	memset(&p->req, 0, sizeof(p->req));
	mp_cdb_test_unit_ready(&p->req.cdb);
	p->req.dir = MP_SG_DIR_NONE;
	p->req.timeout_ms = d->checker_timeout_usec / 1000;
	p->req.userdata = p;
	return mp_sg_submit(p->chk_fd, &p->req);
}

/* The sg driver copies results out only on read(), so a closed fd with a TUR in flight is safe. */
static void tur_close(struct daemon *d, struct path *p)
{
	p->chk_source = sd_event_source_disable_unref(p->chk_source);
	if (p->chk_fd >= 0)
		close(p->chk_fd);
	p->chk_fd = -1;
}

const struct checker_ops checker_tur_ops = {
	.name = "tur",
	.open = tur_open,
	.submit = tur_submit,
	.close = tur_close,
};
