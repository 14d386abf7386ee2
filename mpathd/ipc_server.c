/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CLI socket: one thread per client, reads answered from the snapshot, changes forwarded to the loop. */

/*
 * Why threads: a reader must never wait for the loop (which may be busy with a
 * reconfigure), and a slow or hostile client must never stall it. So each
 * connection gets its own thread; read-only commands are rendered there from
 * the RCU snapshot, and only state changes cross over to the loop, through a
 * queue and an eventfd. A client that waits too long gives up; the request
 * is reference counted so whoever finishes last frees it.
 */
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>	/* daemon.h names struct udev_device without declaring it */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <urcu.h>

#include "daemon.h"
#include "ipc.h"
#include "log.h"
#include "util.h"

#define IPC_MAX_CLIENTS		64
#define IPC_LISTEN_BACKLOG	64
#define IPC_IDLE_TIMEOUT_MS	5000	/* for each whole request frame */
#define IPC_SEND_TIMEOUT_MS	5000
#define IPC_BUSY_TIMEOUT_MS	100	/* the accept thread's -EBUSY reply must not hold it up */
#define IPC_LOOP_TIMEOUT_SEC	30	/* how long a client waits for the loop */
#define IPC_STOP_WAIT_MS	1000	/* how long stop lets client threads send their last replies */

/* A state-changing request on its way to the loop and back. */
struct ipc_request {
	char **argv;
	int argc;
	bool json;
	int result;
	char *body;
	bool done;
	unsigned refs;			/* the client's and the queue's (then the loop's); under the server lock */
	pthread_cond_t cond;		/* signalled when done */
	struct ipc_request *next;
};

struct ipc_server {
	struct daemon *d;		/* used on the loop only */
	char *path;			/* the socket file we created and unlink; NULL otherwise */
	int listen_fd;
	int stop_fd;			/* eventfd: wakes the accept thread */
	int queue_fd;			/* eventfd: wakes the loop for queued requests */
	sd_event_source *queue_source;
	pthread_t accept_thread;
	bool accept_running;

	pthread_mutex_t lock;		/* everything below, and every request's fields */
	pthread_cond_t idle;		/* signalled whenever a client thread ends */
	unsigned refs;			/* the loop's, plus one per client thread */
	bool stopping;
	int client_fds[IPC_MAX_CLIENTS];	/* -1 when free */
	unsigned nr_clients;
	struct ipc_request *queue_head;
	struct ipc_request **queue_tail;
};

struct ipc_client {
	struct ipc_server *server;
	int fd;
	unsigned slot;
};

static void server_free(struct ipc_server *s);

static int64_t now_ms(void)
{
	return (int64_t)(now_usec() / 1000);
}

static void deadline_after(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static int cond_init_monotonic(pthread_cond_t *cond)
{
	pthread_condattr_t attr;
	int r;

	r = pthread_condattr_init(&attr);
	if (r)
		return -r;
	r = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!r)
		r = pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
	return -r;
}

/* Our threads block every signal, so the loop's signal sources alone receive them. */
static int thread_start(void *(*fn)(void *), void *arg, bool detached, pthread_t *ret)
{
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t thread;
	int r;

	r = pthread_attr_init(&attr);
	if (r)
		return -r;
	if (detached)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&thread, &attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (r)
		return -r;
	if (ret)
		*ret = thread;
	return 0;
}

static void argv_freep(char ***argv)
{
	mp_ipc_argv_free(*argv);
}

/* ---- requests ---- */

static void request_free(struct ipc_request *req)
{
	mp_ipc_argv_free(req->argv);
	free(req->body);
	pthread_cond_destroy(&req->cond);
	free(req);
}

/* Takes @argv, even on failure. */
static int request_new(char **argv, int argc, bool json, struct ipc_request **ret)
{
	struct ipc_request *req = calloc(1, sizeof(*req));
	int r;

	if (!req) {
		mp_ipc_argv_free(argv);
		return -ENOMEM;
	}
	r = cond_init_monotonic(&req->cond);
	if (r < 0) {
		mp_ipc_argv_free(argv);
		free(req);
		return r;
	}
	req->argv = argv;
	req->argc = argc;
	req->json = json;
	req->refs = 2;
	*ret = req;
	return 0;
}

/* Under the lock: record the answer, wake the client and drop one reference; true if it was the last. */
static bool request_complete_locked(struct ipc_request *req, int result, char *body)
{
	req->result = result;
	req->body = body;
	req->done = true;
	pthread_cond_signal(&req->cond);
	return --req->refs == 0;
}

static struct ipc_request *queue_pop_locked(struct ipc_server *s)
{
	struct ipc_request *req = s->queue_head;

	if (!req)
		return NULL;
	s->queue_head = req->next;
	if (!s->queue_head)
		s->queue_tail = &s->queue_head;
	req->next = NULL;
	return req;
}

/* On the loop. */
static void request_run(struct ipc_server *s, struct ipc_request *req)
{
	char *body = NULL;
	bool orphaned, last;
	int r;

	pthread_mutex_lock(&s->lock);
	orphaned = req->refs == 1;
	pthread_mutex_unlock(&s->lock);
	if (orphaned) {
		/* Its client was told -ETIMEDOUT; running it now would surprise the administrator. */
		log_warn("dropping request '%s ...': its client stopped waiting", req->argv[0]);
		r = -ETIMEDOUT;
	} else {
		r = commands_execute(s->d, req->argv, req->argc, req->json, &body);
	}
	pthread_mutex_lock(&s->lock);
	last = request_complete_locked(req, r, body);
	pthread_mutex_unlock(&s->lock);
	if (last)
		request_free(req);
}

static int on_queue(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct ipc_server *s = userdata;
	struct ipc_request *req;
	eventfd_t count;

	(void)eventfd_read(fd, &count);
	for (;;) {
		pthread_mutex_lock(&s->lock);
		req = queue_pop_locked(s);
		pthread_mutex_unlock(&s->lock);
		if (!req)
			return 0;
		request_run(s, req);
	}
}

/* On a client thread: hand the request to the loop and wait for its answer. */
static int client_forward(struct ipc_server *s, char **argv, int argc, bool json, char **ret_body)
{
	struct ipc_request *req;
	struct timespec deadline;
	int r, status, wait = 0;
	bool last;

	r = request_new(argv, argc, json, &req);
	if (r < 0)
		return r;
	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		request_free(req);
		*ret_body = strdup("the daemon is stopping");
		return -ESHUTDOWN;
	}
	*s->queue_tail = req;
	s->queue_tail = &req->next;
	pthread_mutex_unlock(&s->lock);
	(void)eventfd_write(s->queue_fd, 1);

	deadline_after(&deadline, IPC_LOOP_TIMEOUT_SEC * 1000);
	pthread_mutex_lock(&s->lock);
	while (!req->done && wait != ETIMEDOUT)
		wait = pthread_cond_timedwait(&req->cond, &s->lock, &deadline);
	if (req->done) {
		status = req->result;
		*ret_body = TAKE_PTR(req->body);
	} else {
		status = -ETIMEDOUT;
		*ret_body = strdup("timed out: the daemon did not answer within 30 s");
	}
	last = --req->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (last)
		request_free(req);
	return status;
}

/* ---- client threads ---- */

static int client_reply(int fd, int status, const char *body)
{
	int r;

	if (status > 0)
		status = 0;
	if (status < -4095)
		status = -EIO;
	r = mp_ipc_send_reply(fd, status, body ? body : "", IPC_SEND_TIMEOUT_MS);
	if (r == -EMSGSIZE)
		r = mp_ipc_send_reply(fd, -EMSGSIZE, "reply too large", IPC_SEND_TIMEOUT_MS);
	return r;
}

/* One whole frame within IPC_IDLE_TIMEOUT_MS, so a trickling client cannot hold a thread forever. */
static int client_read_request(int fd, struct mp_ipc_reader *reader, char **ret, size_t *ret_len)
{
	int64_t deadline = now_ms() + IPC_IDLE_TIMEOUT_MS;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left;
		int r = mp_ipc_reader_feed(reader, fd);

		if (r > 0)
			return mp_ipc_reader_take(reader, ret, ret_len);
		if (r < 0)
			return r;
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return -errno;
	}
}

static int client_handle(struct ipc_client *c, const char *payload, size_t len)
{
	_cleanup_(argv_freep) char **argv = NULL;
	_cleanup_free_ char *body = NULL;
	int argc, r, status;
	bool json;

	r = mp_ipc_split(payload, len, &argv, &argc);
	if (r == -ENOMEM || r == -EMSGSIZE)
		return client_reply(c->fd, r, strerror(-r));
	if (r < 0)
		return client_reply(c->fd, -EINVAL, "malformed request");
	json = mp_ipc_take_json_flag(argv, &argc);
	if (argc == 0)
		return client_reply(c->fd, -EINVAL, "malformed request");
	if (command_is_read_only(argv, argc)) {
		rcu_read_lock();
		status = commands_render_read(argv, argc, json, &body);
		rcu_read_unlock();
	} else if (command_needs_root(argv, argc) && mp_ipc_peer_is_root(c->fd) <= 0) {
		return client_reply(c->fd, -EPERM, "permission denied: only root may change state");
	} else {
		status = client_forward(c->server, TAKE_PTR(argv), argc, json, &body);
	}
	return client_reply(c->fd, status, body ? body : (status < 0 ? strerror(-status) : ""));
}

static void client_serve(struct ipc_client *c)
{
	struct mp_ipc_reader reader;
	int r;

	mp_ipc_reader_init(&reader, MP_IPC_MAX_REQUEST);
	do {
		_cleanup_free_ char *payload = NULL;
		size_t len = 0;

		r = client_read_request(c->fd, &reader, &payload, &len);
		if (r == -EMSGSIZE)
			client_reply(c->fd, -EMSGSIZE, "request too large");
		if (r >= 0)
			r = client_handle(c, payload, len);
	} while (r >= 0);
	mp_ipc_reader_release(&reader);
	if (r != -EPIPE)
		log_debug_errno(r, "client connection closed");
}

static void client_end(struct ipc_client *c)
{
	struct ipc_server *s = c->server;
	bool last;

	pthread_mutex_lock(&s->lock);
	/* off the list before close(), so stop never shuts down a reused descriptor */
	s->client_fds[c->slot] = -1;
	s->nr_clients--;
	pthread_cond_broadcast(&s->idle);
	last = --s->refs == 0;
	pthread_mutex_unlock(&s->lock);
	close(c->fd);
	free(c);
	if (last)
		server_free(s);
}

static void *client_main(void *userdata)
{
	struct ipc_client *c = userdata;

	rcu_register_thread();
	client_serve(c);
	rcu_unregister_thread();
	client_end(c);
	return NULL;
}

/* ---- accepting ---- */

static int client_slot_take(struct ipc_server *s, int fd, unsigned *ret)
{
	int r = -EBUSY;

	pthread_mutex_lock(&s->lock);
	if (s->stopping)
		r = -ESHUTDOWN;
	else if (s->nr_clients < IPC_MAX_CLIENTS)
		for (unsigned i = 0; i < IPC_MAX_CLIENTS; i++) {
			if (s->client_fds[i] >= 0)
				continue;
			s->client_fds[i] = fd;
			s->nr_clients++;
			s->refs++;
			*ret = i;
			r = 0;
			break;
		}
	pthread_mutex_unlock(&s->lock);
	return r;
}

static void client_slot_release(struct ipc_server *s, unsigned slot)
{
	pthread_mutex_lock(&s->lock);
	s->client_fds[slot] = -1;
	s->nr_clients--;
	s->refs--;		/* never the last: the loop holds one until the accept thread is joined */
	pthread_mutex_unlock(&s->lock);
}

static int client_spawn(struct ipc_server *s, int fd)
{
	_cleanup_free_ struct ipc_client *c = NULL;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	r = client_slot_take(s, fd, &c->slot);
	if (r < 0)
		return r;
	c->server = s;
	c->fd = fd;
	r = thread_start(client_main, c, true, NULL);
	if (r < 0) {
		client_slot_release(s, c->slot);
		return log_warn_errno(r, "Failed to start a client thread");
	}
	TAKE_PTR(c);
	return 0;
}

/* Sleep @ms unless stop is requested; after accept() fails for lack of resources. */
static void accept_backoff(struct ipc_server *s, int ms)
{
	struct pollfd pfd = { .fd = s->stop_fd, .events = POLLIN };

	(void)poll(&pfd, 1, ms);
}

static void accept_one(struct ipc_server *s)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int r;

	if (fd < 0) {
		if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
			return;
		log_warn_errno(-errno, "Failed to accept a client");
		accept_backoff(s, 100);
		return;
	}
	r = client_spawn(s, fd);
	if (r < 0) {
		if (r == -EBUSY)
			log_warn("too many clients (%d), refusing one", IPC_MAX_CLIENTS);
		(void)mp_ipc_send_reply(fd, r, r == -EBUSY ? "too many clients, try again later" : strerror(-r),
					IPC_BUSY_TIMEOUT_MS);
		close(fd);
	}
}

static void *accept_main(void *userdata)
{
	struct ipc_server *s = userdata;
	struct pollfd pfd[2] = {
		{ .fd = s->listen_fd, .events = POLLIN },
		{ .fd = s->stop_fd, .events = POLLIN },
	};

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_err_errno(-errno, "IPC accept thread: poll failed, no longer accepting");
			return NULL;
		}
		if (pfd[1].revents)
			return NULL;
		if (pfd[0].revents & (POLLERR | POLLNVAL)) {
			log_err("IPC listening socket failed, no longer accepting");
			return NULL;
		}
		if (pfd[0].revents & POLLIN)
			accept_one(s);
	}
}

/* ---- the listening socket ---- */

/* Like mkdir -p for the directories above @path. */
static int mkdir_parents(const char *path, mode_t mode)
{
	_cleanup_free_ char *dir = strdup(path);

	if (!dir)
		return -ENOMEM;
	for (char *s = strchr(dir + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(dir, mode) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

/* Remove a socket left by a daemon that died, but never take over a live one or remove a non-socket. */
static int stale_socket_remove(const char *path)
{
	struct stat st;
	int fd, r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	r = mp_ipc_connect(path, &fd);
	if (r == 0)
		close(fd);
	if (r == 0 || r == -EAGAIN)
		return -EADDRINUSE;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* @path may be "@name" for an abstract socket, as mp_ipc_connect() accepts. */
static int listen_socket_create(const char *path, int *ret_fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	bool abstract = path[0] == '@';
	_cleanup_close_ int fd = -1;
	int r;

	if (len == 0 || len >= sizeof(sa.sun_path))
		return log_err_errno(-ENAMETOOLONG, "Bad socket path '%s'", path);
	memcpy(sa.sun_path, path, len);
	if (abstract)
		sa.sun_path[0] = '\0';
	else if ((r = mkdir_parents(path, 0755)) < 0 || (r = stale_socket_remove(path)) < 0)
		return log_err_errno(r, "Failed to prepare %s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return log_err_errno(-errno, "Failed to create the IPC socket");
	if (bind(fd, (struct sockaddr *)&sa, offsetof(struct sockaddr_un, sun_path) + len + !abstract) < 0)
		return log_err_errno(-errno, "Failed to bind %s", path);
	/* everyone may read; state changes are checked against the peer's uid */
	if (!abstract && chmod(path, 0666) < 0) {
		r = log_err_errno(-errno, "Failed to chmod %s", path);
		unlink(path);
		return r;
	}
	if (listen(fd, IPC_LISTEN_BACKLOG) < 0) {
		r = log_err_errno(-errno, "Failed to listen on %s", path);
		if (!abstract)
			unlink(path);
		return r;
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Return: 1 with the socket systemd passed, 0 when there is none, or -errno. */
static int listen_socket_inherit(int *ret_fd)
{
	int n = sd_listen_fds(1);
	int fd = SD_LISTEN_FDS_START;
	int r;

	if (n < 0)
		return log_err_errno(n, "Failed to get the sockets passed by systemd");
	if (n == 0)
		return 0;
	if (n > 1)
		log_warn("systemd passed %d sockets, using the first", n);
	r = sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0);
	if (r <= 0)
		return log_err_errno(r < 0 ? r : -EINVAL, "The socket systemd passed is not a listening unix stream socket");
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return log_err_errno(-errno, "Failed to make the passed socket non-blocking");
	*ret_fd = fd;
	return 1;
}

static int listen_open(struct ipc_server *s, const char *path)
{
	int r = listen_socket_inherit(&s->listen_fd);

	if (r > 0) {
		log_info("IPC: using the socket passed by systemd");
		return 0;
	}
	if (r < 0)
		return r;
	r = listen_socket_create(path, &s->listen_fd);
	if (r < 0)
		return r;
	if (path[0] != '@') {
		s->path = strdup(path);
		if (!s->path)
			return -ENOMEM;
	}
	log_info("IPC: listening on %s", path);
	return 0;
}

static void listen_close(struct ipc_server *s)
{
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	s->listen_fd = -1;
	if (s->path)
		unlink(s->path);
	free(s->path);
	s->path = NULL;
}

/* ---- start and stop ---- */

/* Close and destroy what the server holds; stop has already done the loop's part (source, socket). */
static void server_release(struct ipc_server *s)
{
	listen_close(s);
	s->queue_source = sd_event_source_disable_unref(s->queue_source);
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	if (s->queue_fd >= 0)
		close(s->queue_fd);
	s->stop_fd = s->queue_fd = -1;
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->lock);
}

/* On whichever thread drops the last reference: the loop at stop, or the last client thread. */
static void server_free(struct ipc_server *s)
{
	if (!s)
		return;
	server_release(s);
	free(s);
}

static void server_freep(struct ipc_server **s)
{
	server_free(*s);
}

static int server_new(struct daemon *d, struct ipc_server **ret)
{
	_cleanup_free_ struct ipc_server *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->d = d;
	s->listen_fd = s->stop_fd = s->queue_fd = -1;
	s->refs = 1;
	s->queue_tail = &s->queue_head;
	for (unsigned i = 0; i < IPC_MAX_CLIENTS; i++)
		s->client_fds[i] = -1;
	r = cond_init_monotonic(&s->idle);
	if (r < 0)
		return r;
	pthread_mutex_init(&s->lock, NULL);
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->queue_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->stop_fd < 0 || s->queue_fd < 0) {
		r = -errno;
		server_release(s);
		return r;
	}
	*ret = TAKE_PTR(s);
	return 0;
}

int ipc_server_start(struct daemon *d, const char *path)
{
	_cleanup_(server_freep) struct ipc_server *s = NULL;
	int r;

	if (d->ipc)
		return -EALREADY;
	r = server_new(d, &s);
	if (r < 0)
		return log_err_errno(r, "Failed to set up the IPC server");
	r = listen_open(s, path);
	if (r < 0)
		return r;
	r = sd_event_add_io(d->event, &s->queue_source, s->queue_fd, EPOLLIN, on_queue, s);
	if (r < 0)
		return log_err_errno(r, "Failed to watch the IPC request queue");
	(void)sd_event_source_set_description(s->queue_source, "ipc-queue");
	r = thread_start(accept_main, s, false, &s->accept_thread);
	if (r < 0)
		return log_err_errno(r, "Failed to start the IPC accept thread");
	s->accept_running = true;
	d->ipc = TAKE_PTR(s);
	return 0;
}

/* Under the lock: answer what the loop will never run, wake every client thread. */
static void server_cancel_locked(struct ipc_server *s)
{
	struct ipc_request *req;

	s->stopping = true;
	while ((req = queue_pop_locked(s)))
		if (request_complete_locked(req, -ESHUTDOWN, strdup("the daemon is stopping")))
			request_free(req);
	/* SHUT_RD ends their reads at once but lets a reply still in hand go out */
	for (unsigned i = 0; i < IPC_MAX_CLIENTS; i++)
		if (s->client_fds[i] >= 0)
			shutdown(s->client_fds[i], SHUT_RD);
}

void ipc_server_stop(struct daemon *d)
{
	struct ipc_server *s = d->ipc;
	struct timespec deadline;
	int wait = 0;
	bool last;

	if (!s)
		return;
	d->ipc = NULL;
	if (s->accept_running) {
		(void)eventfd_write(s->stop_fd, 1);
		pthread_join(s->accept_thread, NULL);
	}
	listen_close(s);
	s->queue_source = sd_event_source_disable_unref(s->queue_source);

	deadline_after(&deadline, IPC_STOP_WAIT_MS);
	pthread_mutex_lock(&s->lock);
	server_cancel_locked(s);
	while (s->nr_clients > 0 && wait != ETIMEDOUT)
		wait = pthread_cond_timedwait(&s->idle, &s->lock, &deadline);
	if (s->nr_clients > 0)
		log_warn("IPC: %u client threads still running at shutdown", s->nr_clients);
	last = --s->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (last)
		server_free(s);
}
