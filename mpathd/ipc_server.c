/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control socket: one IPC thread running its own epoll loop over the listening sockets and every connection. */

/*
 * Why a thread of its own: a reader must never wait for the daemon's loop
 * (which may be busy with a reconfigure), and no client, however slow or
 * hostile, may stall the loop. So the IPC thread owns the socket: it
 * accepts, reads and writes without blocking, and renders read-only
 * commands itself from the RCU snapshot. Only state changes cross over to
 * the loop (ipc_relay.c), and their answers come back the same way; the IPC
 * thread never waits for them.
 *
 * Two listening sockets (ipc_listen.h): everyone's, and root's own beside
 * it (mode 0600), which mpath uses as root. A listen backlog is one FIFO for
 * whoever can connect, and a process connecting in a loop can keep it full
 * faster than any server accepts; root's own backlog is out of its reach.
 * (Another uid that reaches root's socket, which only an abstract one
 * allows, is refused with -EPERM.)
 * The listening sockets and every connection are non-blocking and watched
 * by one epoll instance; a connection is read at once when accepted, so a
 * client that asked and left costs no epoll registration.
 *
 * Who gets in (ipc_slots.h): a table of IPC_MAX_CONNS connections, each
 * with the uid SO_PEERCRED gave at accept. A non-root uid holds at most
 * IPC_PER_UID, and non-root uids together at most IPC_MAX_CONNS minus
 * IPC_ROOT_RESERVE. When a new connection would pass a cap, the least
 * recently used connection without a request in progress makes room (the
 * uid's own first; root takes a non-root one first); one is refused with
 * -EBUSY only when every candidate is busy. Before an idle connection is
 * closed, what it sent is read, so a request already on its way is not
 * lost. Out of descriptors, a spare one takes the call and room is made
 * the same way.
 *
 * Whose request goes first (ipc_sched.h): whole requests wait in their
 * uid's line, and uids take turns, one request each; a non-root uid has at
 * most IPC_SCHED_LOOP_PER_UID requests at the loop, and the loop runs
 * root's before the others'. Each round serves at most IPC_SERVE_BUDGET
 * requests and accepts at most IPC_ACCEPT_BATCH connections, so neither a
 * connect flood nor a request flood shuts out the other work.
 *
 * Timeouts (ipc_internal.h), checked every IPC_SWEEP_USEC: a connection
 * that sent nothing for 60 s, a frame not complete 5 s after it began, a
 * reply not taken within 5 s: closed. No answer from the loop within 30 s:
 * -ETIMEDOUT, and the loop skips the request if it has not run it yet.
 *
 * Refusals are logged as warnings, evictions as info and dropped
 * connections as debug, each at most once a second, with a count of the
 * lines held back.
 *
 * Stop: the loop answers what it has queued with -ESHUTDOWN, then the IPC
 * thread stops accepting and reading, answers requests still in line with
 * -ESHUTDOWN, sends the replies in hand for up to IPC_STOP_FLUSH_USEC and
 * ends; ipc_server_stop() joins it.
 */
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>	/* daemon.h names struct udev_device without declaring it */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <urcu.h>

#include "clock.h"
#include "commands.h"
#include "daemon.h"
#include "ipc.h"
#include "ipc_internal.h"
#include "ipc_listen.h"
#include "ipc_server.h"
#include "log.h"
#include "util.h"

#define IPC_ACCEPT_BATCH	64	/* connections accepted per round */
#define IPC_SERVE_BUDGET	32	/* requests served per round */
#define IPC_EPOLL_BATCH		128	/* events taken per round */
#define IPC_EVICT_TRIES		8	/* idle connections tried before a new one is refused */
#define IPC_SWEEP_USEC		(IPC_USEC_PER_SEC / 4)
#define IPC_STOP_FLUSH_USEC	IPC_USEC_PER_SEC

/* epoll data of the server's own descriptors; connections carry their struct ipc_conn */
static char tag_listen, tag_listen_root, tag_stop, tag_answers;

void ipc_log_limited(struct ipc_log_kind *kind, const char *fmt, ...)
{
	char msg[256];
	unsigned held_back;
	va_list ap;

	if (kind->level > mp_log_get_level() ||
	    !ipc_ratelimit_pass(&kind->limit, now_usec(), &held_back))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (held_back)
		mp_log_full(kind->level, 0, "%s (and %u more %s in the last second)", msg, held_back, kind->what);
	else
		mp_log_full(kind->level, 0, "%s", msg);
}

/* The lines held back with no line since to carry their count. */
static void log_flush(struct ipc_log_kind *kind, uint64_t now)
{
	unsigned n = ipc_ratelimit_flush(&kind->limit, now);

	if (n)
		mp_log_full(kind->level, 0, "IPC: %u more %s in the last second", n, kind->what);
}

/* ---- accepting ---- */

static void spare_fd_open(struct ipc_server *s)
{
	if (s->spare_fd < 0)
		s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static int peer_uid(int fd, uid_t *ret)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	if (len != sizeof(cred))
		return -EIO;
	*ret = cred.uid;
	return 0;
}

/* One try to say why, never waiting: an empty socket buffer takes the short reply. */
static void connection_refuse(struct ipc_server *s, int fd, uid_t uid)
{
	if (s->busy_reply)
		(void)!send(fd, s->busy_reply, s->busy_reply_len, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
	ipc_log_limited(&s->refused, "IPC: refused a connection from uid %u: every connection it may hold is busy",
			(unsigned)uid);
}

/* Only an abstract socket lets another uid reach root's own; its mode keeps them out of a file one. */
static void connection_refuse_not_root(struct ipc_server *s, int fd, uid_t uid)
{
	_cleanup_free_ char *frame = NULL;
	size_t len;

	if (mp_ipc_reply_encode(-EPERM, "this socket is root's only", &frame, &len) == 0)
		(void)!send(fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
	ipc_log_limited(&s->refused, "IPC: refused uid %u on root's own socket", (unsigned)uid);
}

/* Make room for @fd's connection if a cap says so (ipc_slots.h), and open it; takes @fd. */
static void connection_admit(struct ipc_server *s, int fd, bool no_fd, bool root_only)
{
	uid_t uid = (uid_t)-1;	/* set by peer_uid(); never root by default */
	int r;

	if ((r = peer_uid(fd, &uid)) < 0) {
		close(fd);
		ipc_log_limited(&s->dropped, "IPC: cannot read a client's credentials: %s", strerror(-r));
		return;
	}
	if (root_only && uid != 0) {
		connection_refuse_not_root(s, fd, uid);
		return;
	}
	for (unsigned tries = 0; tries < IPC_EVICT_TRIES; tries++) {
		struct ipc_slot *victim = NULL;
		struct ipc_conn *vc;

		switch (ipc_slots_admit(&s->slots, uid, no_fd, &victim)) {
		case IPC_SLOT_ADMIT:
			if ((r = ipc_conn_open(s, fd, uid)) < 0)
				ipc_log_limited(&s->refused, "IPC: cannot take a connection from uid %u: %s",
						(unsigned)uid, strerror(-r));
			return;
		case IPC_SLOT_REFUSE:
			connection_refuse(s, fd, uid);
			return;
		case IPC_SLOT_EVICT:
			break;
		}
		vc = caa_container_of(victim, struct ipc_conn, slot);
		if (ipc_conn_probe(s, vc)) {
			ipc_log_limited(&s->evicted, "IPC: closed an idle connection of uid %u to make room for uid %u",
					(unsigned)vc->uid, (unsigned)uid);
			ipc_conn_close(s, vc);
		}
		if (vc->fd < 0)
			no_fd = false;	/* closed, or it hung up: a descriptor is free */
	}
	connection_refuse(s, fd, uid);
}

static void listen_watch(struct ipc_server *s, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = &tag_listen };
	struct epoll_event root_ev = { .events = events, .data.ptr = &tag_listen_root };

	epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, s->listen.fd, &ev);
	if (s->listen.root_fd >= 0)
		epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, s->listen.root_fd, &root_ev);
}

/* accept() failed for lack of resources: stop watching the sockets until the next sweep, rather than spin. */
static void accept_pause(struct ipc_server *s, int error)
{
	ipc_log_limited(&s->refused, "IPC: cannot accept connections: %s", strerror(error));
	listen_watch(s, 0);
	s->accept_paused = true;
}

static void accept_resume(struct ipc_server *s)
{
	if (!s->accept_paused || s->stopping)
		return;
	listen_watch(s, EPOLLIN);
	s->accept_paused = false;
}

static int accept_one(struct ipc_server *s, int listen_fd, bool *ret_no_fd)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	*ret_no_fd = false;
	if (fd >= 0 || (errno != EMFILE && errno != ENFILE) || s->spare_fd < 0)
		return fd >= 0 ? fd : -errno;
	/* out of descriptors: the spare one takes the call, and a connection must make room */
	close(s->spare_fd);
	s->spare_fd = -1;
	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return -errno;
	*ret_no_fd = true;
	return fd;
}

static void server_accept(struct ipc_server *s, int listen_fd, bool root_only)
{
	for (unsigned i = 0; i < IPC_ACCEPT_BATCH; i++) {
		bool no_fd;
		int fd = accept_one(s, listen_fd, &no_fd);

		if (fd >= 0)
			connection_admit(s, fd, no_fd, root_only);
		spare_fd_open(s);
		if (fd == -EAGAIN || fd == -EWOULDBLOCK)
			return;
		if (fd < 0 && fd != -EINTR && fd != -ECONNABORTED) {
			accept_pause(s, -fd);
			return;
		}
	}
}

/* ---- the thread ---- */

static void server_answers(struct ipc_server *s)
{
	struct ipc_request *req = ipc_relay_take_answers(&s->relay);

	while (req) {
		struct ipc_request *next = req->next;

		ipc_conn_answer(s, req);
		req = next;
	}
}

static void server_serve(struct ipc_server *s)
{
	for (unsigned i = 0; i < IPC_SERVE_BUDGET; i++) {
		struct ipc_sched_user *line;
		struct ipc_sched_entry *e = ipc_sched_pop(&s->sched, &line);

		if (!e)
			return;
		ipc_conn_serve(s, caa_container_of(e, struct ipc_conn, turn));
	}
}

static void server_sweep(struct ipc_server *s, uint64_t now)
{
	struct ipc_conn *c, *tmp;

	if (now < s->next_sweep)
		return;
	s->next_sweep = now + IPC_SWEEP_USEC;
	cds_list_for_each_entry_safe(c, tmp, &s->conns, link)
		if (now >= c->deadline)
			ipc_conn_expire(s, c);
	accept_resume(s);
	log_flush(&s->refused, now);
	log_flush(&s->evicted, now);
	log_flush(&s->dropped, now);
}

static void server_begin_stop(struct ipc_server *s)
{
	struct ipc_conn *c, *tmp;
	eventfd_t count;

	(void)eventfd_read(s->stop_fd, &count);
	s->stopping = true;
	s->stop_deadline = now_usec() + IPC_STOP_FLUSH_USEC;
	epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, s->listen.fd, NULL);
	if (s->listen.root_fd >= 0)
		epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, s->listen.root_fd, NULL);
	cds_list_for_each_entry_safe(c, tmp, &s->conns, link)
		ipc_conn_stop(s, c);
}

static void server_dispatch(struct ipc_server *s, const struct epoll_event *ev)
{
	if (ev->data.ptr == &tag_listen_root)
		server_accept(s, s->listen.root_fd, true);
	else if (ev->data.ptr == &tag_listen)
		server_accept(s, s->listen.fd, false);
	else if (ev->data.ptr == &tag_stop)
		server_begin_stop(s);
	else if (ev->data.ptr == &tag_answers)
		server_answers(s);
	else
		ipc_conn_event(s, ev->data.ptr, ev->events);
}

/* How long epoll may wait: not at all with requests in line, else until the next sweep. */
static int server_wait_ms(struct ipc_server *s)
{
	uint64_t now = now_usec();

	if (ipc_sched_pending(&s->sched))
		return 0;
	return now >= s->next_sweep ? 0 : (int)((s->next_sweep - now) / 1000) + 1;
}

/* One round of events, requests and timeouts; false when the thread should end. */
static bool server_round(struct ipc_server *s)
{
	struct epoll_event ev[IPC_EPOLL_BATCH];
	int n = epoll_wait(s->epoll_fd, ev, IPC_EPOLL_BATCH, server_wait_ms(s));
	uint64_t now;

	if (n < 0 && errno != EINTR) {
		log_err_errno(-errno, "IPC: epoll_wait failed, the control socket no longer answers");
		return false;
	}
	for (int i = 0; i < n; i++)
		server_dispatch(s, &ev[i]);
	server_serve(s);
	now = now_usec();
	server_sweep(s, now);
	ipc_conns_reap(s);
	if (s->stopping)
		return !cds_list_empty(&s->conns) && now < s->stop_deadline;
	return true;
}

static void server_close_all(struct ipc_server *s)
{
	struct ipc_conn *c, *tmp;
	unsigned writing = 0;

	cds_list_for_each_entry_safe(c, tmp, &s->conns, link) {
		writing += c->state == IPC_CONN_WRITING;
		ipc_conn_close(s, c);
	}
	ipc_conns_reap(s);
	if (writing)
		log_warn("IPC: %u replies were still going out at shutdown", writing);
}

static void *server_main(void *userdata)
{
	struct ipc_server *s = userdata;

	rcu_register_thread();	/* commands_render_read() reads the snapshot under rcu_read_lock() */
	while (server_round(s))
		;
	server_close_all(s);
	rcu_unregister_thread();
	return NULL;
}

/* The thread blocks every signal, so the loop's signal sources alone receive them. */
static int thread_start(struct ipc_server *s)
{
	sigset_t all, old;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&s->thread, NULL, server_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		return -r;
	s->thread_running = true;
	return 0;
}

/* ---- start and stop ---- */

static void server_free(struct ipc_server *s)
{
	if (!s)
		return;
	ipc_listen_close(&s->listen);
	ipc_relay_release(&s->relay);
	if (s->epoll_fd >= 0)
		close(s->epoll_fd);
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	if (s->spare_fd >= 0)
		close(s->spare_fd);
	free(s->busy_reply);
	free(s);
}

static void server_freep(struct ipc_server **s)
{
	server_free(*s);
}

static struct ipc_server *server_new(void)
{
	static const struct ipc_slot_limits limits = {
		.total = IPC_MAX_CONNS, .root_reserve = IPC_ROOT_RESERVE, .per_uid = IPC_PER_UID,
	};
	struct ipc_server *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->listen.fd = s->listen.root_fd = s->epoll_fd = s->stop_fd = s->spare_fd = -1;
	s->relay.loop_fd = s->relay.answer_fd = -1;
	ipc_slots_init(&s->slots, &limits);
	ipc_sched_init(&s->sched);
	CDS_INIT_LIST_HEAD(&s->conns);
	CDS_INIT_LIST_HEAD(&s->closed);
	s->refused = (struct ipc_log_kind){ .level = MP_LOG_WARN, .what = "connections refused" };
	s->evicted = (struct ipc_log_kind){ .level = MP_LOG_INFO, .what = "idle connections closed to make room" };
	s->dropped = (struct ipc_log_kind){ .level = MP_LOG_DEBUG, .what = "connections dropped" };
	/* made once: a connect flood is refused many thousand times a second */
	if (mp_ipc_reply_encode(-EBUSY, "too many connections: every one this uid may hold is busy; try again later",
				&s->busy_reply, &s->busy_reply_len) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

static int epoll_watch(struct ipc_server *s, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int server_descriptors(struct ipc_server *s)
{
	int r;

	s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epoll_fd < 0)
		return -errno;
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->stop_fd < 0)
		return -errno;
	if ((r = epoll_watch(s, s->listen.fd, &tag_listen)) < 0 ||
	    (s->listen.root_fd >= 0 && (r = epoll_watch(s, s->listen.root_fd, &tag_listen_root)) < 0) ||
	    (r = epoll_watch(s, s->stop_fd, &tag_stop)) < 0 ||
	    (r = epoll_watch(s, s->relay.answer_fd, &tag_answers)) < 0)
		return r;
	spare_fd_open(s);
	return 0;
}

int ipc_server_start(struct daemon *d, const char *path)
{
	_cleanup_(server_freep) struct ipc_server *s = NULL;
	int r;

	if (d->ipc)
		return -EALREADY;
	s = server_new();
	if (!s)
		return log_err_errno(-ENOMEM, "Failed to set up the IPC server");
	r = ipc_relay_init(&s->relay, d);
	if (r < 0)
		return log_err_errno(r, "Failed to set up the IPC request queue");
	r = ipc_listen_open(path, &s->listen);
	if (r < 0)
		return r;
	r = server_descriptors(s);
	if (r < 0)
		return log_err_errno(r, "Failed to set up the IPC thread's descriptors");
	r = thread_start(s);
	if (r < 0)
		return log_err_errno(r, "Failed to start the IPC thread");
	d->ipc = TAKE_PTR(s);
	return 0;
}

void ipc_server_stop(struct daemon *d)
{
	struct ipc_server *s = d->ipc;

	if (!s)
		return;
	d->ipc = NULL;
	ipc_relay_shutdown(&s->relay);
	if (s->thread_running) {
		(void)eventfd_write(s->stop_fd, 1);
		pthread_join(s->thread, NULL);
	}
	server_free(s);
}
