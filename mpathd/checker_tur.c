/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tur checker: a TEST UNIT READY through the path's sg device, on a devio worker. The
 * worker may wait (for a tag, for the transport); the loop does not, and the path's timer
 * decides what a silence means.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "checker.h"
#include "path.h"
#include "scsi_cdb.h"
#include "sgio.h"
#include "util.h"

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

static int tur_node(const struct path *p, char *buf, size_t len)
{
	if (!p->sg[0])
		return -ENODEV;
	snprintf(buf, len, "/dev/%s", p->sg);
	return 0;
}

static void tur_run(struct checker_req *req)
{
	_cleanup_close_ int fd = open(req->node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	struct mp_sg_result res;
	struct mp_cdb cdb;
	int r;

	req->state = MP_CHK_FAULTY;
	if (fd < 0) {
		req->error = -errno;
		return;
	}
	mp_cdb_test_unit_ready(&cdb);
	r = mp_sg_io(fd, cdb.bytes, cdb.len, NULL, 0, MP_SG_DIR_NONE, req->timeout_ms, &res);
	if (r == -EAGAIN || r == -EBUSY) {
		req->busy = true;
		return;
	}
	req->error = r < 0 ? r : 0;
	if (r >= 0)
		req->state = tur_classify(&res);
}

const struct checker_ops checker_tur_ops = {
	.name = "tur",
	.node = tur_node,
	.run = tur_run,
};
