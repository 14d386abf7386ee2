/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One control socket connection on the IPC thread: frames in, requests answered or sent to the loop, replies out. */
#include <errno.h>
#include <libudev.h>	/* daemon.h names struct udev_device without declaring it */
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <urcu.h>

#include "clock.h"
#include "commands.h"
#include "daemon.h"
#include "ipc_internal.h"
#include "util.h"

static void argv_freep(char ***argv)
{
	mp_ipc_argv_free(*argv);
}

static struct ipc_sched_user *conn_line(struct ipc_conn *c)
{
	return &c->slot.user->sched;
}

/* The first call adds @c to epoll. A connection that cannot be watched is closed: check c->fd after. */
static void conn_set_events(struct ipc_server *s, struct ipc_conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	if (c->hup || (c->watched && c->events == events))
		return;
	if (epoll_ctl(s->epoll_fd, c->watched ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		ipc_log_limited(&s->dropped, "IPC: cannot watch a connection of uid %u: %s", (unsigned)c->uid,
				strerror(errno));
		ipc_conn_close(s, c);
		return;
	}
	c->events = events;
	c->watched = true;
}

/* A request is in progress from WAITING on: the connection is busy and cannot be closed to make room. */
static void conn_set_state(struct ipc_server *s, struct ipc_conn *c, enum ipc_conn_state state,
			   uint64_t timeout_usec)
{
	c->state = state;
	c->deadline = now_usec() + timeout_usec;
	ipc_slots_set_busy(&s->slots, &c->slot, state >= IPC_CONN_WAITING);
}

static void conn_read(struct ipc_server *s, struct ipc_conn *c);

/*
 * Read at once what the client sent before it is watched: a client that
 * connected, asked and left, or connected and left, is done with here,
 * without epoll, which keeps accepting cheap under a connect flood.
 */
int ipc_conn_open(struct ipc_server *s, int fd, uid_t uid)
{
	struct ipc_conn *c = calloc(1, sizeof(*c));
	int r;

	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	r = ipc_slots_add(&s->slots, &c->slot, uid);
	if (r < 0) {
		close(fd);
		free(c);
		return r;
	}
	c->fd = fd;
	c->uid = uid;
	mp_ipc_reader_init(&c->reader, MP_IPC_MAX_REQUEST);
	CDS_INIT_LIST_HEAD(&c->turn.link);
	c->state = IPC_CONN_IDLE;
	c->deadline = now_usec() + IPC_IDLE_TIMEOUT_USEC;
	cds_list_add_tail(&c->link, &s->conns);
	conn_read(s, c);
	if (c->fd >= 0 && !c->watched)
		conn_set_events(s, c, c->state <= IPC_CONN_READING ? EPOLLIN : 0);
	return 0;
}

/* Give up the request in hand: out of its uid's line, or left for the loop to skip. */
static void conn_drop_request(struct ipc_server *s, struct ipc_conn *c)
{
	if (c->state == IPC_CONN_WAITING)
		ipc_sched_cancel(&s->sched, conn_line(c), &c->turn);
	if (c->state == IPC_CONN_LOOP && c->req) {
		ipc_request_cancel(c->req);
		c->req = NULL;
		ipc_sched_loop_end(&s->sched, conn_line(c));
	}
	free(c->request);
	c->request = NULL;
}

void ipc_conn_close(struct ipc_server *s, struct ipc_conn *c)
{
	if (c->fd < 0)
		return;
	conn_drop_request(s, c);
	ipc_slots_remove(&s->slots, &c->slot);
	/*
	 * close() alone leaves it in epoll while another copy of the descriptor
	 * lives (a child between fork and exec), and its events would then
	 * reach a freed connection.
	 */
	if (c->watched && !c->hup)
		epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	mp_ipc_reader_release(&c->reader);
	free(c->out);
	c->out = NULL;
	cds_list_del(&c->link);
	cds_list_add_tail(&c->link, &s->closed);
}

void ipc_conns_reap(struct ipc_server *s)
{
	struct ipc_conn *c, *tmp;

	cds_list_for_each_entry_safe(c, tmp, &s->closed, link) {
		cds_list_del(&c->link);
		free(c);
	}
}

/* ---- replies ---- */

static void conn_write(struct ipc_server *s, struct ipc_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			c->out_off += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !c->hup) {
			conn_set_events(s, c, EPOLLOUT);
			return;
		}
		ipc_conn_close(s, c);	/* the client went away */
		return;
	}
	free(c->out);
	c->out = NULL;
	if (c->close_after_write || c->hup || s->stopping) {
		ipc_conn_close(s, c);
		return;
	}
	conn_set_state(s, c, IPC_CONN_IDLE, IPC_IDLE_TIMEOUT_USEC);
	conn_set_events(s, c, EPOLLIN);
}

static void conn_reply(struct ipc_server *s, struct ipc_conn *c, int status, const char *body)
{
	int r;

	free(c->request);
	c->request = NULL;
	if (status > 0)
		status = 0;
	if (status < -4095)
		status = -EIO;
	if (!body)
		body = status < 0 ? strerror(-status) : "";
	r = mp_ipc_reply_encode(status, body, &c->out, &c->out_len);
	if (r == -EMSGSIZE)
		r = mp_ipc_reply_encode(-EMSGSIZE, "reply too large", &c->out, &c->out_len);
	if (r < 0) {
		ipc_conn_close(s, c);
		return;
	}
	c->out_off = 0;
	conn_set_state(s, c, IPC_CONN_WRITING, IPC_SEND_TIMEOUT_USEC);
	conn_write(s, c);
}

/* ---- requests ---- */

static void conn_request_arrived(struct ipc_server *s, struct ipc_conn *c)
{
	if (mp_ipc_reader_take(&c->reader, &c->request, &c->request_len) < 0) {
		ipc_conn_close(s, c);
		return;
	}
	conn_set_state(s, c, IPC_CONN_WAITING, IPC_LOOP_TIMEOUT_USEC);
	ipc_sched_push(&s->sched, conn_line(c), &c->turn);
	conn_set_events(s, c, 0);	/* nothing more from it until the reply is out */
}

static void conn_read(struct ipc_server *s, struct ipc_conn *c)
{
	size_t before = c->reader.header_len + c->reader.got;
	int r = mp_ipc_reader_feed(&c->reader, c->fd);

	if (r > 0) {
		conn_request_arrived(s, c);
	} else if (r == 0) {
		if (c->reader.header_len + c->reader.got == before)
			return;
		ipc_slots_touch(&s->slots, &c->slot);
		if (c->state == IPC_CONN_IDLE)
			conn_set_state(s, c, IPC_CONN_READING, IPC_FRAME_TIMEOUT_USEC);
	} else if (r == -EMSGSIZE) {
		c->close_after_write = true;
		conn_reply(s, c, -EMSGSIZE, "request too large");
	} else {
		if (r != -EPIPE)
			ipc_log_limited(&s->dropped, "IPC: connection of uid %u lost: %s", (unsigned)c->uid,
					strerror(-r));
		ipc_conn_close(s, c);
	}
}

/* Return: 0 with the words, or -errno with *@ret_why saying what is wrong. */
static int request_parse(const char *payload, size_t len, char ***ret_argv, int *ret_argc, bool *ret_json,
			 const char **ret_why)
{
	_cleanup_(argv_freep) char **argv = NULL;
	int argc, r;

	if (memchr(payload, '\0', len)) {
		*ret_why = "malformed request: NUL byte";
		return -EINVAL;
	}
	r = mp_ipc_split(payload, len, &argv, &argc);
	if (r == -ENOMEM || r == -EMSGSIZE) {
		*ret_why = strerror(-r);
		return r;
	}
	*ret_json = r >= 0 && mp_ipc_take_json_flag(argv, &argc);
	if (r < 0 || argc == 0) {
		*ret_why = "malformed request";
		return -EINVAL;
	}
	*ret_argv = TAKE_PTR(argv);
	*ret_argc = argc;
	return 0;
}

static void conn_render(struct ipc_server *s, struct ipc_conn *c, char **argv, int argc, bool json)
{
	_cleanup_free_ char *body = NULL;
	int status;

	rcu_read_lock();
	status = commands_render_read(argv, argc, json, &body);
	rcu_read_unlock();
	conn_reply(s, c, status, body);
}

/* Takes @argv. */
static void conn_forward(struct ipc_server *s, struct ipc_conn *c, char **argv, int argc, bool json)
{
	struct ipc_request *req;
	int r;

	r = ipc_request_new(argv, argc, json, c->uid == 0, &req);
	if (r < 0) {
		conn_reply(s, c, r, NULL);
		return;
	}
	req->conn = c;
	r = ipc_relay_submit(&s->relay, req);
	if (r < 0) {
		ipc_request_free(req);
		conn_reply(s, c, r, "the daemon is stopping");
		return;
	}
	free(c->request);
	c->request = NULL;
	c->req = req;
	conn_set_state(s, c, IPC_CONN_LOOP, IPC_LOOP_TIMEOUT_USEC);
	ipc_sched_loop_begin(conn_line(c));
}

void ipc_conn_serve(struct ipc_server *s, struct ipc_conn *c)
{
	_cleanup_(argv_freep) char **argv = NULL;
	const char *why = NULL;
	bool json = false;
	int argc = 0, r;

	r = request_parse(c->request, c->request_len, &argv, &argc, &json, &why);
	if (r < 0) {
		conn_reply(s, c, r, why);
	} else if (command_is_read_only(argv, argc)) {
		conn_render(s, c, argv, argc, json);
	} else if (c->uid != 0 && command_needs_root(argv, argc)) {
		conn_reply(s, c, -EPERM, "permission denied: only root may change state");
	} else if (ipc_sched_loop_full(conn_line(c), c->uid == 0)) {
		ipc_sched_hold(&s->sched, conn_line(c), &c->turn);	/* its turn comes back with an answer */
	} else {
		conn_forward(s, c, TAKE_PTR(argv), argc, json);
	}
}

void ipc_conn_answer(struct ipc_server *s, struct ipc_request *req)
{
	struct ipc_conn *c = req->conn;

	if (c) {
		c->req = NULL;
		ipc_sched_loop_end(&s->sched, conn_line(c));
		conn_reply(s, c, req->result, req->body);
	}
	ipc_request_free(req);
}

/* ---- events, timeouts, stop ---- */

/* A hang-up while a request is in hand: stop watching (it would be reported again and again), finish it, then close. */
static void conn_hangup(struct ipc_server *s, struct ipc_conn *c)
{
	if (c->watched)
		epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
	c->hup = true;
}

void ipc_conn_event(struct ipc_server *s, struct ipc_conn *c, uint32_t events)
{
	if (c->fd < 0)
		return;
	if (c->state == IPC_CONN_WRITING && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
		conn_write(s, c);
	else if (c->state <= IPC_CONN_READING && (events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		conn_read(s, c);
	else if (events & (EPOLLERR | EPOLLHUP))
		conn_hangup(s, c);
}

bool ipc_conn_probe(struct ipc_server *s, struct ipc_conn *c)
{
	conn_read(s, c);
	return c->fd >= 0 && !c->slot.busy;
}

void ipc_conn_expire(struct ipc_server *s, struct ipc_conn *c)
{
	switch (c->state) {
	case IPC_CONN_IDLE:
	case IPC_CONN_READING:
	case IPC_CONN_WRITING:
		ipc_log_limited(&s->dropped, "IPC: closing a connection of uid %u: %s", (unsigned)c->uid,
				c->state == IPC_CONN_IDLE ? "idle too long" :
				c->state == IPC_CONN_READING ? "a request frame took too long" :
				"its reply is not being read");
		ipc_conn_close(s, c);
		break;
	case IPC_CONN_WAITING:
	case IPC_CONN_LOOP:
		conn_drop_request(s, c);
		conn_reply(s, c, -ETIMEDOUT, "timed out: the daemon did not answer within 30 s");
		break;
	}
}

void ipc_conn_stop(struct ipc_server *s, struct ipc_conn *c)
{
	switch (c->state) {
	case IPC_CONN_IDLE:
	case IPC_CONN_READING:
		ipc_conn_close(s, c);
		break;
	case IPC_CONN_WAITING:
		conn_drop_request(s, c);
		conn_reply(s, c, -ESHUTDOWN, "the daemon is stopping");
		break;
	case IPC_CONN_LOOP:	/* the relay answers it -ESHUTDOWN, if the loop did not */
	case IPC_CONN_WRITING:
		break;
	}
}
