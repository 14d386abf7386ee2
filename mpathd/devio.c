/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device I/O requests in a worker pool, limited per SCSI host; the bookkeeping runs on the loop. */
#include <errno.h>
#include <stdlib.h>

#include "clock.h"
#include "daemon.h"
#include "devio.h"
#include "log.h"
#include "util.h"

/* One SCSI host's requests: how many run, and the ones waiting their turn. */
struct devio_host {
	int host;
	unsigned running;
	struct devio_req *head, *tail;
};

struct devio {
	struct work_pool *pool;
	struct devio_host *hosts;
	size_t nr_hosts;
};

static struct devio_host *host_get(struct devio *io, int host)
{
	struct devio_host *h;

	for (size_t i = 0; i < io->nr_hosts; i++)
		if (io->hosts[i].host == host)
			return &io->hosts[i];
	h = realloc(io->hosts, (io->nr_hosts + 1) * sizeof(*h));
	if (!h)
		return NULL;
	io->hosts = h;
	h = &h[io->nr_hosts++];
	*h = (struct devio_host){ .host = host };
	return h;
}

static void req_run(struct work_item *w)
{
	struct devio_req *req = container_of(w, struct devio_req, item);

	req->started_usec = now_usec();
	req->run(req);
	req->elapsed_usec = now_usec() - req->started_usec;
}

static void req_dispatch(struct devio *io, struct devio_host *h, struct devio_req *req);

static void req_done(struct work_item *w)
{
	struct devio_req *req = container_of(w, struct devio_req, item);
	struct devio *io = req->daemon->devio;
	struct devio_host *h = io ? host_get(io, req->host) : NULL;

	if (h && h->running > 0) {
		h->running--;
		if (h->head && (h->host == DEVIO_NO_HOST || h->running < DEVIO_HOST_MAX)) {
			struct devio_req *next = h->head;

			h->head = next->next_waiting;
			if (!h->head)
				h->tail = NULL;
			req_dispatch(io, h, next);
		}
	}
	req->done(req);
}

static void req_dispatch(struct devio *io, struct devio_host *h, struct devio_req *req)
{
	h->running++;
	req->item = (struct work_item){ .run = req_run, .done = req_done };
	/* refused only once devio_stop() began: the request goes with the process */
	(void)work_pool_submit(io->pool, &req->item);
}

void devio_submit(struct daemon *d, struct devio_req *req)
{
	struct devio *io = d->devio;
	struct devio_host *h = host_get(io, req->host);

	req->daemon = d;
	req->next_waiting = NULL;
	if (!h) {
		log_err("devio: out of memory; running a request without its host's limit");
		req->item = (struct work_item){ .run = req_run, .done = req_done };
		(void)work_pool_submit(io->pool, &req->item);
		return;
	}
	if (h->host != DEVIO_NO_HOST && h->running >= DEVIO_HOST_MAX) {
		if (h->tail)
			h->tail->next_waiting = req;
		else
			h->head = req;
		h->tail = req;
		return;
	}
	req_dispatch(io, h, req);
}

unsigned devio_in_flight(struct daemon *d, int host)
{
	struct devio_host *h = d->devio ? host_get(d->devio, host) : NULL;
	unsigned n = h ? h->running : 0;

	for (struct devio_req *r = h ? h->head : NULL; r; r = r->next_waiting)
		n++;
	return n;
}

int devio_start(struct daemon *d)
{
	struct devio *io = calloc(1, sizeof(*io));
	int r;

	if (!io)
		return -ENOMEM;
	r = work_pool_new(d->event, "devio", DEVIO_THREADS_MAX, &io->pool);
	if (r < 0) {
		free(io);
		return r;
	}
	d->devio = io;
	return 0;
}

void devio_stop(struct daemon *d)
{
	struct devio *io = d->devio;

	if (!io)
		return;
	d->devio = NULL;
	work_pool_stop(io->pool, 0);
	free(io->hosts);
	free(io);
}
