/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The crossing between the IPC thread and the daemon's loop: requests that change state go over, their answers come back. */
#include <errno.h>
#include <libudev.h>	/* daemon.h names struct udev_device without declaring it */
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#include "clock.h"
#include "commands.h"
#include "daemon.h"
#include "ipc.h"
#include "ipc_relay.h"
#include "log.h"
#include "util.h"

#define IPC_RELAY_BATCH 8	/* requests run per wake-up of the loop */

int ipc_request_new(char **argv, int argc, bool json, bool root, struct ipc_request **ret)
{
	struct ipc_request *req = calloc(1, sizeof(*req));

	if (!req) {
		mp_ipc_argv_free(argv);
		return -ENOMEM;
	}
	req->argv = argv;
	req->argc = argc;
	req->json = json;
	req->root = root;
	atomic_init(&req->cancelled, false);
	*ret = req;
	return 0;
}

void ipc_request_free(struct ipc_request *req)
{
	if (!req)
		return;
	mp_ipc_argv_free(req->argv);
	free(req->body);
	free(req);
}

void ipc_request_cancel(struct ipc_request *req)
{
	req->conn = NULL;
	atomic_store(&req->cancelled, true);
}

static void list_init(struct ipc_request_list *l)
{
	l->head = NULL;
	l->tail = &l->head;
}

static void list_push(struct ipc_request_list *l, struct ipc_request *req)
{
	req->next = NULL;
	*l->tail = req;
	l->tail = &req->next;
}

static struct ipc_request *list_pop(struct ipc_request_list *l)
{
	struct ipc_request *req = l->head;

	if (!req)
		return NULL;
	l->head = req->next;
	if (!l->head)
		l->tail = &l->head;
	req->next = NULL;
	return req;
}

static void list_free(struct ipc_request_list *l)
{
	struct ipc_request *req;

	while ((req = list_pop(l)))
		ipc_request_free(req);
}

/* Under the lock. */
static void answer_locked(struct ipc_relay *r, struct ipc_request *req, int result, char *body)
{
	req->result = result;
	req->body = body;
	list_push(&r->answers, req);
}

static void answer(struct ipc_relay *r, struct ipc_request *req, int result, char *body)
{
	pthread_mutex_lock(&r->lock);
	answer_locked(r, req, result, body);
	pthread_mutex_unlock(&r->lock);
	(void)eventfd_write(r->answer_fd, 1);
}

/* A command that answered later (reconfigure): on the loop. */
static void request_answered(void *ctx, int result, char *body)
{
	struct ipc_request *req = ctx;

	answer(req->relay, req, result, body);
}

/* On the loop. */
static void request_run(struct ipc_relay *r, struct ipc_request *req)
{
	char *body = NULL;
	int result;

	if (atomic_load(&req->cancelled)) {
		/* Its client was told -ETIMEDOUT; running it now would surprise the administrator. */
		log_warn("dropping request '%s ...': its client stopped waiting", req->argv[0]);
		result = -ETIMEDOUT;
	} else {
		req->relay = r;
		result = commands_execute_async(r->d, req->argv, req->argc, req->json, &body,
						request_answered, req);
		if (result == -EINPROGRESS)
			return;		/* request_answered() comes later */
	}
	answer(r, req, result, body);
}

static struct ipc_request *queue_pop(struct ipc_relay *r)
{
	struct ipc_request *req;

	pthread_mutex_lock(&r->lock);
	req = list_pop(&r->root_queue) ?: list_pop(&r->queue);
	pthread_mutex_unlock(&r->lock);
	return req;
}

static bool loop_exiting(struct ipc_relay *r)
{
	int code;

	return sd_event_get_exit_code(r->d->event, &code) >= 0;
}

static int on_requests(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct ipc_relay *r = userdata;
	eventfd_t count;

	(void)eventfd_read(fd, &count);
	for (unsigned i = 0; i < IPC_RELAY_BATCH; i++) {
		struct ipc_request *req;

		/* once the daemon stops, ipc_relay_shutdown() answers what is left */
		if (loop_exiting(r))
			return 0;
		req = queue_pop(r);
		if (!req)
			return 0;
		request_run(r, req);
	}
	(void)eventfd_write(fd, 1);	/* more may wait: come back after the loop's other events */
	return 0;
}

int ipc_relay_init(struct ipc_relay *r, struct daemon *d)
{
	int res;

	memset(r, 0, sizeof(*r));
	r->d = d;
	list_init(&r->root_queue);
	list_init(&r->queue);
	list_init(&r->answers);
	pthread_mutex_init(&r->lock, NULL);
	r->answer_fd = -1;
	r->loop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->loop_fd < 0)
		return -errno;
	r->answer_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->answer_fd < 0)
		return -errno;
	res = sd_event_add_io(d->event, &r->source, r->loop_fd, EPOLLIN, on_requests, r);
	if (res < 0)
		return res;
	(void)sd_event_source_set_description(r->source, "ipc-requests");
	return 0;
}

void ipc_relay_release(struct ipc_relay *r)
{
	r->source = sd_event_source_disable_unref(r->source);
	list_free(&r->root_queue);
	list_free(&r->queue);
	list_free(&r->answers);
	if (r->loop_fd >= 0)
		close(r->loop_fd);
	if (r->answer_fd >= 0)
		close(r->answer_fd);
	r->loop_fd = r->answer_fd = -1;
	pthread_mutex_destroy(&r->lock);
}

int ipc_relay_submit(struct ipc_relay *r, struct ipc_request *req)
{
	pthread_mutex_lock(&r->lock);
	if (r->stopping) {
		pthread_mutex_unlock(&r->lock);
		return -ESHUTDOWN;
	}
	list_push(req->root ? &r->root_queue : &r->queue, req);
	pthread_mutex_unlock(&r->lock);
	(void)eventfd_write(r->loop_fd, 1);
	return 0;
}

struct ipc_request *ipc_relay_take_answers(struct ipc_relay *r)
{
	struct ipc_request *chain;
	eventfd_t count;

	(void)eventfd_read(r->answer_fd, &count);
	pthread_mutex_lock(&r->lock);
	chain = r->answers.head;
	list_init(&r->answers);
	pthread_mutex_unlock(&r->lock);
	return chain;
}

void ipc_relay_shutdown(struct ipc_relay *r)
{
	struct ipc_request *req;

	r->source = sd_event_source_disable_unref(r->source);
	pthread_mutex_lock(&r->lock);
	r->stopping = true;
	while ((req = list_pop(&r->root_queue) ?: list_pop(&r->queue)))
		answer_locked(r, req, -ESHUTDOWN, strdup("the daemon is stopping"));
	pthread_mutex_unlock(&r->lock);
	(void)eventfd_write(r->answer_fd, 1);
}
