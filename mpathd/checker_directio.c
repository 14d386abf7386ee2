/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The directio checker: an O_DIRECT read of the path's first 4 KiB, on a devio worker. It
 * tests the data path itself, which a TEST UNIT READY does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "checker.h"
#include "path.h"
#include "util.h"

#define DIRECTIO_LEN	4096	/* a multiple of every logical block size Linux supports */

static int directio_node(const struct path *p, char *buf, size_t len)
{
	snprintf(buf, len, "/dev/%s", p->info.dev);
	return 0;
}

static void directio_run(struct checker_req *req)
{
	_cleanup_close_ int fd = open(req->node, O_RDONLY | O_DIRECT | O_CLOEXEC);
	_cleanup_free_ void *buf = NULL;
	ssize_t n;

	req->state = MP_CHK_FAULTY;
	if (fd < 0) {
		req->error = -errno;
		return;
	}
	if (posix_memalign(&buf, DIRECTIO_LEN, DIRECTIO_LEN) != 0) {
		buf = NULL;
		req->busy = true;
		return;
	}
	n = pread(fd, buf, DIRECTIO_LEN, 0);
	if (n == DIRECTIO_LEN)
		req->state = MP_CHK_READY;
	else
		req->error = n < 0 ? -errno : -EIO;
}

const struct checker_ops checker_directio_ops = {
	.name = "directio",
	.node = directio_node,
	.run = directio_run,
};
