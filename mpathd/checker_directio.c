/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The directio checker: an O_DIRECT read of the path's first 4 KiB through Linux AIO (libaio),
 * completed through an eventfd on the event loop. It tests the data path itself, which a
 * TEST UNIT READY does not. Reads carry RWF_NOWAIT so a full device queue makes the submit
 * fail at once instead of blocking the loop; that counts as busy, not as failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <libaio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "checker.h"
#include "daemon.h"
#include "log.h"
#include "path.h"
#include "util.h"

#define DIRECTIO_LEN		4096	/* a multiple of every logical block size Linux supports */
#define DIRECTIO_MAX_EVENTS	4096

struct directio_ctx {
	io_context_t ioctx;
	int efd;
	sd_event_source *source;
	bool no_nowait;		/* the kernel refused RWF_NOWAIT: submit without it */
	unsigned in_flight;
};

/* One path's read; outlives the path when the path goes while the read is in flight. */
struct directio_req {
	struct iocb cb;
	struct path *p;		/* NULL once the path is gone: free on completion */
	void *buf;
};

static void directio_req_free(struct directio_req *req)
{
	if (!req)
		return;
	free(req->buf);
	free(req);
}

static void directio_complete(struct daemon *d, struct io_event *ev)
{
	struct directio_req *req = (struct directio_req *)ev->obj;
	long res = (long)ev->res;
	struct path *p = req->p;

	d->directio->in_flight--;
	if (!p) {
		directio_req_free(req);
		return;
	}
	if (res == -EAGAIN) {
		checker_done(d, p, MP_CHK_FAULTY, true);
		return;
	}
	if (res != DIRECTIO_LEN)
		log_debug("%s: directio read returned %ld", p->info.dev, res);
	checker_done(d, p, res == DIRECTIO_LEN ? MP_CHK_READY : MP_CHK_FAULTY, false);
}

static int directio_on_eventfd(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	struct io_event events[64];
	struct timespec zero = { 0, 0 };
	uint64_t count;
	int n;

	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return log_warn_errno(-errno, "directio: reading the eventfd");
	do {
		n = io_getevents(d->directio->ioctx, 0, ARRAY_SIZE(events), events, &zero);
		for (int i = 0; i < n; i++)
			directio_complete(d, &events[i]);
	} while (n == (int)ARRAY_SIZE(events));
	if (n < 0)
		log_warn_errno(n, "directio: io_getevents");
	return 0;
}

static int directio_ctx_get(struct daemon *d, struct directio_ctx **ret)
{
	_cleanup_free_ struct directio_ctx *c = NULL;
	int r;

	if (d->directio) {
		*ret = d->directio;
		return 0;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	r = io_setup(DIRECTIO_MAX_EVENTS, &c->ioctx);
	if (r < 0)
		return log_err_errno(r, "directio: io_setup");
	c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->efd < 0) {
		r = -errno;
		io_destroy(c->ioctx);
		return r;
	}
	r = sd_event_add_io(d->event, &c->source, c->efd, EPOLLIN, directio_on_eventfd, d);
	if (r < 0) {
		close(c->efd);
		io_destroy(c->ioctx);
		return r;
	}
	d->directio = TAKE_PTR(c);
	*ret = d->directio;
	return 0;
}

static int directio_open(struct daemon *d, struct path *p)
{
	struct directio_ctx *c;
	struct directio_req *req;
	char node[48];
	int r;

	r = directio_ctx_get(d, &c);
	if (r < 0)
		return r;
	req = calloc(1, sizeof(*req));
	if (!req)
		return -ENOMEM;
	if (posix_memalign(&req->buf, DIRECTIO_LEN, DIRECTIO_LEN) != 0) {
		free(req);
		return -ENOMEM;
	}
	snprintf(node, sizeof(node), "/dev/%s", p->info.dev);
	p->chk_fd = open(node, O_RDONLY | O_DIRECT | O_CLOEXEC | O_NONBLOCK);
	if (p->chk_fd < 0) {
		r = -errno;
		directio_req_free(req);
		return log_warn_errno(r, "%s: opening %s for direct reads failed", p->info.dev, node);
	}
	req->p = p;
	p->aio = req;
	return 0;
}

static int directio_submit(struct daemon *d, struct path *p)
{
	struct directio_ctx *c = d->directio;
	struct directio_req *req = p->aio;
	struct iocb *list[1] = { &req->cb };
	int r;

	for (;;) {
		io_prep_pread(&req->cb, p->chk_fd, req->buf, DIRECTIO_LEN, 0);
		io_set_eventfd(&req->cb, c->efd);
		req->cb.aio_rw_flags = c->no_nowait ? 0 : RWF_NOWAIT;
		r = io_submit(c->ioctx, 1, list);
		if ((r == -EOPNOTSUPP || r == -EINVAL) && !c->no_nowait) {
			log_info("directio: the kernel refuses RWF_NOWAIT (%s); reads may block when a queue is full",
				 strerror(-r));
			c->no_nowait = true;
			continue;
		}
		break;
	}
	if (r < 0)
		return r;	/* -EAGAIN: the AIO context or the device queue is full */
	if (r != 1)
		return -EIO;
	c->in_flight++;
	return 0;
}

/* The kernel holds its own reference to the file while a read is in flight, so the fd can go. */
static void directio_close(struct daemon *d, struct path *p)
{
	struct directio_req *req = p->aio;

	if (p->chk_fd >= 0)
		close(p->chk_fd);
	p->chk_fd = -1;
	p->aio = NULL;
	if (!req)
		return;
	if (p->check_running)
		req->p = NULL;		/* freed when its read completes */
	else
		directio_req_free(req);
}

/*
 * io_destroy() waits for reads in flight, which a hung path may hold for its whole SCSI timeout:
 * with any in flight the context is left to the kernel's clean-up at exit.
 */
void checker_directio_shutdown(struct daemon *d)
{
	struct directio_ctx *c = d->directio;

	if (!c)
		return;
	c->source = sd_event_source_disable_unref(c->source);
	if (c->in_flight == 0)
		io_destroy(c->ioctx);
	else
		log_info("directio: %u reads still in flight at exit", c->in_flight);
	close(c->efd);
	free(c);
	d->directio = NULL;
}

const struct checker_ops checker_directio_ops = {
	.name = "directio",
	.open = directio_open,
	.submit = directio_submit,
	.close = directio_close,
};
