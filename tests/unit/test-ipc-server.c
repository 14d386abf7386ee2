/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control socket under load: mpathd's IPC server with the commands stubbed, against idle, hostile and bursty clients. */

/*
 * Each check starts the server on a fresh socket file in /tmp, with a
 * minimal sd-event loop in a thread standing in for the daemon's loop, and
 * talks to it as mpath does (mp_ipc_connect_daemon(), one bounded exchange);
 * the burst uses single non-blocking connects, as mpath did before. Hostile
 * clients run in forked children as uid 65534. Root's requests must each be
 * answered within ANSWER_MS. The checks use only ipc_server_start() and
 * ipc_server_stop() and the wire protocol, so they run against any version
 * of the server (the thread-per-client one fails all but test_malformed).
 * They need root (to be root, and to become nobody); without it they are
 * skipped, except the ones that do not depend on the uid.
 *
 * TEST_FILTER=test_name runs one check; TEST_VERBOSE=1 prints the server's
 * log and the time of each of root's requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../mpathd/clock.h"
#include "../../mpathd/commands.h"
#include "../../mpathd/daemon.h"
#include "../../mpathd/ipc_server.h"
#include "ipc.h"
#include "log.h"
#include "util.h"

#define NOBODY 65534
#define ANSWER_MS 1000		/* the most any of root's requests may take under a flood */
#define CLIENT_TIMEOUT_MS 2000	/* the client's own deadline, above ANSWER_MS so a slow answer is measured */
#define MAX_CHILDREN 8

static struct {
	char dir[64];
	char path[80];
	struct daemon d;
	pthread_t loop;
	bool loop_running;
	int exit_fd;
	int start_result;
	sem_t started;
	pid_t children[MAX_CHILDREN];
	unsigned nr_children;
} fx;

static atomic_uint log_lines;		/* lines at info or above: refusals, evictions */
static atomic_uint reconfigures;	/* "reconfigure" run on the loop */
static long slowest_ms;			/* of root's requests in the current check */
static long connect_ms;			/* of the last ask(): waiting for room in the backlog */

/* ---- what the server needs from the rest of the daemon ---- */

uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

bool command_is_read_only(char **argv, int argc)
{
	return argc >= 1 && (streq(argv[0], "show") || streq(argv[0], "list") || streq(argv[0], "help"));
}

/* "failover list" stands for a plugin verb that runs on the loop but needs no root. */
bool command_needs_root(char **argv, int argc)
{
	if (command_is_read_only(argv, argc))
		return false;
	return !(argc == 2 && streq(argv[0], "failover") && streq(argv[1], "list"));
}

static char *text_repeat(const char *line, size_t times)
{
	size_t len = strlen(line);
	char *s = malloc(len * times + 1);

	if (!s)
		return NULL;
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * len, line, len);
	s[len * times] = '\0';
	return s;
}

/* "show paths": a 64-path listing; "show big": 4 MiB, more than a socket buffer holds. */
int commands_render_read(char **argv, int argc, bool json, char **ret_body)
{
	if (argc == 2 && streq(argv[1], "paths"))
		*ret_body = text_repeat("sdb 3:0:0:1 8:16 active ready running mpatha 3600a0b80005\n", 64);
	else if (argc == 2 && streq(argv[1], "big"))
		*ret_body = text_repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n",
					64 * 1024);
	else
		return (*ret_body = strdup("unknown command")) ? -EINVAL : -ENOMEM;
	return *ret_body ? 0 : -ENOMEM;
}

/* On the loop. "reconfigure" answers later, as the daemon's does; "slow-exit" keeps it busy for 200 ms and then stops it, as `shutdown` does. */
int commands_execute_async(struct daemon *d, char **argv, int argc, bool json, char **ret_body,
			   command_done_t done, void *ctx)
{
	if (argc == 1 && streq(argv[0], "reconfigure")) {
		/* as the daemon's: answered through done(), here before the call returns */
		atomic_fetch_add(&reconfigures, 1);
		done(ctx, 0, strdup("ok"));
		return -EINPROGRESS;
	} else if (argc == 2 && streq(argv[0], "failover")) {
		usleep(5000);
	} else if (argc == 1 && streq(argv[0], "slow-exit")) {
		usleep(200000);
		sd_event_exit(d->event, 0);
	} else {
		*ret_body = strdup("unknown command");
		return -EINVAL;
	}
	*ret_body = strdup("ok");
	return *ret_body ? 0 : -ENOMEM;
}

static void log_hook(enum mp_log_level level, const char *file, int line, const char *func,
		     const char *msg, void *userdata)
{
	static int verbose = -1;

	if (verbose == -1)
		verbose = getenv("TEST_VERBOSE") != NULL;
	if (level <= MP_LOG_INFO)
		atomic_fetch_add(&log_lines, 1);
	if (verbose)
		fprintf(stderr, "[%s] %s\n", mp_log_level_name(level), msg);
}

/* ---- the daemon's loop, in a thread ---- */

static int on_exit_fd(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

static void *loop_main(void *arg)
{
	sd_event_source *src = NULL;
	sd_event *e = NULL;
	int r = sd_event_new(&e);

	if (r >= 0) {
		fx.d.event = e;
		r = sd_event_add_io(e, &src, fx.exit_fd, EPOLLIN, on_exit_fd, NULL);
	}
	if (r >= 0)
		r = ipc_server_start(&fx.d, fx.path);
	fx.start_result = r;
	sem_post(&fx.started);
	if (r >= 0) {
		sd_event_loop(e);
		ipc_server_stop(&fx.d);
	}
	sd_event_source_unref(src);
	sd_event_unref(e);
	return NULL;
}

static int server_setup(void **state)
{
	static unsigned serial;

	memset(&fx, 0, sizeof(fx));
	/* a socket file, not an abstract one: the kernel keeps other uids out of root's by its mode */
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/mpathd-test-%d-%u", (int)getpid(), serial++);
	if (mkdir(fx.dir, 0755) < 0 || chmod(fx.dir, 0755) < 0)
		return -1;
	snprintf(fx.path, sizeof(fx.path), "%s/s", fx.dir);
	fx.exit_fd = eventfd(0, EFD_CLOEXEC);
	if (fx.exit_fd < 0 || sem_init(&fx.started, 0, 0) < 0)
		return -1;
	if (pthread_create(&fx.loop, NULL, loop_main, NULL) != 0)
		return -1;
	fx.loop_running = true;
	sem_wait(&fx.started);
	atomic_store(&log_lines, 0);
	atomic_store(&reconfigures, 0);
	slowest_ms = 0;
	return fx.start_result < 0 ? -1 : 0;
}

static void children_kill(void)
{
	for (unsigned i = 0; i < fx.nr_children; i++) {
		kill(fx.children[i], SIGKILL);
		waitpid(fx.children[i], NULL, 0);
	}
	fx.nr_children = 0;
}

static int server_teardown(void **state)
{
	children_kill();
	if (fx.loop_running) {
		(void)eventfd_write(fx.exit_fd, 1);
		pthread_join(fx.loop, NULL);
	}
	close(fx.exit_fd);
	sem_destroy(&fx.started);
	if (rmdir(fx.dir) < 0)
		fail_msg("%s: %s (the server left its socket files)", fx.dir, strerror(errno));
	return 0;
}

/* ---- clients ---- */

static long now_ms(void)
{
	return (long)(now_usec() / 1000);
}

/*
 * One request on a new connection, exactly as mpath sends it: one deadline
 * for the whole exchange, a full backlog waited for within it.
 * Return: the daemon's status or -errno.
 */
static int ask(const char *req, long *ret_ms, char **ret_body)
{
	_cleanup_close_ int fd = -1;
	long start = now_ms();
	int r, status = 0;

	r = mp_ipc_connect_daemon(fx.path, CLIENT_TIMEOUT_MS, &fd);
	connect_ms = now_ms() - start;
	if (r >= 0)
		r = mp_ipc_request(fd, req, CLIENT_TIMEOUT_MS - (now_ms() - start), &status, ret_body);
	*ret_ms = now_ms() - start;
	return r < 0 ? r : status;
}

/* How many of @tries single non-blocking connects find the backlog full: for the record, not a check. */
static unsigned backlog_full_count(unsigned tries)
{
	unsigned full = 0;

	for (unsigned i = 0; i < tries; i++) {
		int fd, r = mp_ipc_connect(fx.path, &fd);

		if (r == -EAGAIN)
			full++;
		else if (r == 0)
			close(fd);
		usleep(1000);
	}
	return full;
}

/* Root's part of a check: @req must succeed within ANSWER_MS, @times times, @gap_ms apart. */
static void root_asks(const char *req, unsigned times, unsigned gap_ms)
{
	for (unsigned i = 0; i < times; i++) {
		_cleanup_free_ char *body = NULL;
		long ms;
		int r = ask(req, &ms, &body);

		if (r != 0)
			fail_msg("root's '%s' #%u: %s (%s) after %ld ms", req, i + 1, strerror(-r),
				 body ? body : "no reply", ms);
		if (ms > ANSWER_MS)
			fail_msg("root's '%s' #%u took %ld ms (%ld to connect)", req, i + 1, ms, connect_ms);
		if (ms > slowest_ms)
			slowest_ms = ms;
		if (getenv("TEST_VERBOSE"))
			print_message("    %s #%u: %ld ms (%ld to connect)\n", req, i + 1, ms, connect_ms);
		usleep(gap_ms * 1000);
	}
}

static void report(const char *check)
{
	print_message("    %s: root's slowest answer %ld ms, %u log lines\n", check, slowest_ms,
		      atomic_load(&log_lines));
}

/* Like mpath, but a full backlog is retried until @deadline: a flood holds what it can get. */
static int connect_retrying(long deadline)
{
	int fd, r;

	while ((r = mp_ipc_connect(fx.path, &fd)) == -EAGAIN && now_ms() < deadline)
		usleep(1000);
	return r < 0 ? r : fd;
}

static int frame_send(int fd, const void *payload, size_t len)
{
	uint8_t frame[256];

	if (len + 4 > sizeof(frame))
		return -EMSGSIZE;
	frame[0] = len & 0xff;
	frame[1] = (len >> 8) & 0xff;
	frame[2] = (len >> 16) & 0xff;
	frame[3] = (len >> 24) & 0xff;
	memcpy(frame + 4, payload, len);
	return send(fd, frame, len + 4, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)(len + 4) ? 0 : -EIO;
}

static int recv_all(int fd, void *buf, size_t len, long deadline)
{
	char *p = buf;

	while (len > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n = recv(fd, p, len, MSG_DONTWAIT);

		if (n > 0) {
			p += n;
			len -= n;
			continue;
		}
		if (n == 0)
			return -ECONNRESET;
		if (errno != EAGAIN)
			return -errno;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		poll(&pfd, 1, (int)(deadline - now_ms()));
	}
	return 0;
}

/* A raw frame, which mp_ipc_request() would refuse to send, and its reply. */
static int raw_exchange(int fd, const void *payload, size_t len, char **ret_body)
{
	long deadline = now_ms() + CLIENT_TIMEOUT_MS;
	uint8_t hdr[8];
	uint32_t blen;
	int r = frame_send(fd, payload, len);

	if (r >= 0)
		r = recv_all(fd, hdr, sizeof(hdr), deadline);
	if (r < 0)
		return r;
	blen = (hdr[0] | hdr[1] << 8 | hdr[2] << 16 | (uint32_t)hdr[3] << 24) - 4;
	*ret_body = calloc(1, blen + 1);
	if (!*ret_body)
		return -ENOMEM;
	r = recv_all(fd, *ret_body, blen, deadline);
	return r < 0 ? r : (int32_t)(hdr[4] | hdr[5] << 8 | hdr[6] << 16 | (uint32_t)hdr[7] << 24);
}

/* ---- unprivileged children ---- */

/* Changing uid clears the parent-death signal, so it is set after; a flood must not outlive the test. */
static void become_nobody(pid_t parent)
{
	if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
		_exit(99);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(98);
}

/* Fork a child that runs @fn as nobody; it tells how it did on the pipe. */
static int nobody_spawn(void (*fn)(int report_fd, long arg), long arg, int *ret_report)
{
	pid_t parent = getpid(), pid;
	int p[2];

	if (fx.nr_children == MAX_CHILDREN || pipe2(p, O_CLOEXEC) < 0)
		return -EMFILE;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* only the report pipe: the server's and root's sockets stay with their owners */
		if (dup2(p[1], 3) < 0 || close_range(4, ~0u, 0) < 0)
			_exit(97);
		p[1] = 3;
		become_nobody(parent);
		fn(p[1], arg);
		_exit(0);
	}
	close(p[1]);
	fx.children[fx.nr_children++] = pid;
	*ret_report = p[0];
	return 0;
}

/* The child's report: a number, or -1 when it did not come within @timeout_ms. */
static long report_read(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long v;

	if (poll(&pfd, 1, timeout_ms) <= 0 || read(fd, &v, sizeof(v)) != sizeof(v))
		return -1;
	return v;
}

static void report_write(int fd, long v)
{
	(void)!write(fd, &v, sizeof(v));
}

/* Open @arg connections and keep them, doing nothing; report how many connects succeeded. */
static void child_hold_idle(int report_fd, long arg)
{
	long deadline = now_ms() + 5000, n = 0;

	for (long i = 0; i < arg && now_ms() < deadline; i++)
		n += connect_retrying(deadline) >= 0;
	report_write(report_fd, n);
	for (;;)
		pause();
}

/* Request from a connection as nobody; report the status, then the time taken. */
static void child_ask(int report_fd, long arg)
{
	_cleanup_free_ char *body = NULL;
	long ms;
	int r = ask((const char *)arg, &ms, &body);

	report_write(report_fd, r);
	report_write(report_fd, ms);
}

/*
 * Reconnect in a loop, as fast as possible: connect and close; connect, send a
 * request and close without reading; connect and keep the newest 64.
 */
static void child_reconnect_flood(int report_fd, long arg)
{
	int kept[64];
	unsigned long i;

	memset(kept, -1, sizeof(kept));
	report_write(report_fd, 0);
	for (i = 0;; i++) {
		int fd;

		if (mp_ipc_connect(fx.path, &fd) < 0)
			continue;
		switch (i % 3) {
		case 0:
			close(fd);
			break;
		case 1:
			frame_send(fd, "show paths", 10);
			close(fd);
			break;
		default:
			if (kept[i / 3 % 64] >= 0)
				close(kept[i / 3 % 64]);
			kept[i / 3 % 64] = fd;
		}
	}
}

/*
 * Hold every connection it can get, each made as hard to take back as
 * possible: a request whose 4 MiB reply is never read, a frame that never
 * ends, a queue of loop-bound verbs never read, or nothing at all.
 */
static void child_hold_slots(int report_fd, long arg)
{
	long deadline = now_ms() + 5000, n = 0;

	for (long i = 0; i < arg && now_ms() < deadline; i++) {
		int fd = connect_retrying(deadline);

		if (fd < 0)
			continue;
		n++;
		if (i % 4 == 0)
			frame_send(fd, "show big", 8);
		else if (i % 4 == 1)
			(void)!send(fd, "\x0a\x00", 2, MSG_NOSIGNAL | MSG_DONTWAIT);
		else if (i % 4 == 2)
			for (int k = 0; k < 20; k++)
				frame_send(fd, "failover list", 13);
	}
	report_write(report_fd, n);
	for (;;)
		pause();
}

/* Connect to root's own socket; report the result. */
static void child_connect_root(int report_fd, long arg)
{
	_cleanup_free_ char *root = NULL;
	int fd, r = mp_ipc_root_path(fx.path, &root);

	if (r >= 0)
		r = mp_ipc_connect(root, &fd);
	report_write(report_fd, r);
}

/* nobody asks @req on a new connection: answered within ANSWER_MS with @want_status or @or_status. */
static long nobody_expect(const char *req, int want_status, int or_status)
{
	long status, ms;
	int fd;

	assert_int_equal(nobody_spawn(child_ask, (long)req, &fd), 0);
	status = report_read(fd, 5000);
	ms = report_read(fd, 1000);
	close(fd);
	if ((status != want_status && status != or_status) || ms > ANSWER_MS)
		fail_msg("nobody's '%s': status %ld (%s), %ld ms; want %d within %d ms", req, status,
			 strerror((int)-status), ms, want_status, ANSWER_MS);
	return status;
}

static bool need_root(void)
{
	if (geteuid() == 0)
		return true;
	print_message("    skipped: needs root to act as root and as uid %d\n", NOBODY);
	return false;
}

/* ---- the checks ---- */

/* 1,000 idle connections held by root: a new show paths is answered, and so are the idle ones. */
static void test_root_idle_1000(void **state)
{
	static int fds[1000];
	long deadline = now_ms() + 5000;
	unsigned held = 0;

	if (!need_root())
		skip();
	for (unsigned i = 0; i < ARRAY_SIZE(fds); i++)
		if ((fds[i] = connect_retrying(deadline)) >= 0)
			held++;
	usleep(100 * 1000);
	root_asks("show paths", 5, 0);
	root_asks("reconfigure", 1, 0);
	nobody_expect("show paths", 0, 0);
	report("1000 idle root connections");
	/* none of them was dropped: each still answers */
	for (unsigned i = 0; i < ARRAY_SIZE(fds); i++) {
		_cleanup_free_ char *body = NULL;
		int status = -1;

		if (fds[i] < 0 || mp_ipc_request(fds[i], "show paths", CLIENT_TIMEOUT_MS, &status, &body) < 0 ||
		    status != 0)
			fail_msg("idle root connection %u of %u (held %u) no longer answers", i, 1000, held);
		close(fds[i]);
	}
}

/* 1,000 idle connections opened by nobody: root's and nobody's next show paths are answered. */
static void test_nobody_idle_1000(void **state)
{
	int fd;
	long n;

	if (!need_root())
		skip();
	assert_int_equal(nobody_spawn(child_hold_idle, 1000, &fd), 0);
	n = report_read(fd, 20000);
	close(fd);
	if (n < 0)
		fail_msg("nobody did not finish its 1000 connects");
	usleep(100 * 1000);
	root_asks("show paths", 5, 0);
	root_asks("reconfigure", 1, 0);
	nobody_expect("show paths", 0, 0);
	report("1000 idle connections by nobody");
}

/* nobody reconnects in a loop: root gets every answer, and the log stays quiet. */
static void test_reconnect_flood(void **state)
{
	unsigned full;
	long start;
	int fd;

	if (!need_root())
		skip();
	assert_int_equal(nobody_spawn(child_reconnect_flood, 0, &fd), 0);
	assert_int_equal(report_read(fd, 5000), 0);
	close(fd);
	start = now_ms();
	usleep(300 * 1000);
	root_asks("show paths", 20, 50);
	root_asks("reconfigure", 1, 0);
	/* -EBUSY when the flood has every connection nobody may hold busy at that moment */
	nobody_expect("reconfigure", -EPERM, -EBUSY);
	full = backlog_full_count(100);
	report("reconnect flood by nobody");
	print_message("    (a single non-blocking connect found the backlog full %u times in 100)\n", full);
	/* at most a line a second for each kind of refusal, eviction or timeout */
	if (atomic_load(&log_lines) > 3 * ((now_ms() - start) / 1000 + 1))
		fail_msg("%u log lines in %ld ms of flood", atomic_load(&log_lines), now_ms() - start);
	assert_int_equal(atomic_load(&reconfigures), 1);
}

/* nobody holds every connection it can get, busy or not: root still gets answers, nobody changes nothing. */
static void test_slot_holder(void **state)
{
	int fd;
	long n;

	if (!need_root())
		skip();
	assert_int_equal(nobody_spawn(child_hold_slots, 2000, &fd), 0);
	n = report_read(fd, 30000);
	close(fd);
	if (n < 0)
		fail_msg("nobody did not finish its connects");
	root_asks("show paths", 20, 10);
	root_asks("reconfigure", 3, 0);
	/* its own connections are all busy by now, or one makes room: refused either way */
	if (nobody_expect("reconfigure", -EBUSY, -EPERM) == -EBUSY)
		print_message("    nobody's new connection was refused: all of its own are busy\n");
	report("nobody holding every connection it can");
	assert_int_equal(atomic_load(&reconfigures), 3);
	if (atomic_load(&log_lines) > 12)
		fail_msg("%u log lines", atomic_load(&log_lines));
}

/* Root's own socket: nobody cannot connect to it, root can, and answers come from the same server. */
static void test_root_socket(void **state)
{
	_cleanup_free_ char *root = NULL, *body = NULL;
	_cleanup_close_ int fd = -1;
	int pipe_fd, status;

	if (!need_root())
		skip();
	assert_int_equal(mp_ipc_root_path(fx.path, &root), 0);
	assert_int_equal(mp_ipc_connect(root, &fd), 0);
	assert_int_equal(mp_ipc_request(fd, "reconfigure", CLIENT_TIMEOUT_MS, &status, &body), 0);
	assert_int_equal(status, 0);
	assert_int_equal(nobody_spawn(child_connect_root, 0, &pipe_fd), 0);
	assert_int_equal(report_read(pipe_fd, 5000), -EACCES);
	close(pipe_fd);
	nobody_expect("show paths", 0, 0);
}

/* 300 clients connect at once with non-blocking connects, then each asks: all are answered. */
static void test_burst_300(void **state)
{
	static int fds[300];
	unsigned refused = 0, answered = 0;
	long start = now_ms();

	if (!need_root())
		skip();
	for (unsigned i = 0; i < ARRAY_SIZE(fds); i++) {
		int r = mp_ipc_connect(fx.path, &fds[i]);

		if (r < 0) {
			fds[i] = -1;
			refused++;
		}
	}
	for (unsigned i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			frame_send(fds[i], "show paths", 10);
	for (unsigned i = 0; i < ARRAY_SIZE(fds); i++) {
		_cleanup_free_ char *body = NULL;
		uint8_t hdr[8];

		if (fds[i] < 0)
			continue;
		if (recv_all(fds[i], hdr, 8, start + 5000) == 0 && !hdr[4] && !hdr[5] && !hdr[6] && !hdr[7])
			answered++;
		close(fds[i]);
	}
	print_message("    burst of 300: %u connects refused, %u answered in %ld ms\n", refused, answered,
		      now_ms() - start);
	assert_int_equal(refused, 0);
	assert_int_equal(answered, ARRAY_SIZE(fds));
}

/* A NUL byte inside a frame is refused, and the connection goes on working. */
static void test_nul_frame(void **state)
{
	_cleanup_free_ char *body = NULL, *body2 = NULL, *body3 = NULL;
	_cleanup_close_ int fd = -1;
	int status;

	assert_int_equal(mp_ipc_connect(fx.path, &fd), 0);
	assert_int_equal(raw_exchange(fd, "show paths\0tail", 15, &body), -EINVAL);
	if (!strstr(body, "NUL byte"))
		fail_msg("reply to a NUL frame: '%s'", body);
	assert_int_equal(raw_exchange(fd, "reconfigure\0", 12, &body2), -EINVAL);
	assert_int_equal(mp_ipc_request(fd, "show paths", CLIENT_TIMEOUT_MS, &status, &body3), 0);
	assert_int_equal(status, 0);
	assert_int_equal(atomic_load(&reconfigures), 0);
}

/* Malformed frames get error replies and the server lives on. */
static void test_malformed(void **state)
{
	_cleanup_free_ char *b1 = NULL, *b2 = NULL, *b3 = NULL, *b4 = NULL, *b5 = NULL;
	_cleanup_close_ int fd = -1, fd2 = -1;
	uint8_t hdr[8];
	long ms;

	assert_int_equal(mp_ipc_connect(fx.path, &fd), 0);
	assert_int_equal(raw_exchange(fd, "show \xff", 6, &b1), -EINVAL);
	assert_int_equal(raw_exchange(fd, "", 0, &b2), -EINVAL);
	assert_int_equal(raw_exchange(fd, "show  paths", 11, &b3), -EINVAL);
	assert_int_equal(raw_exchange(fd, "show paths", 10, &b4), 0);
	/* announcing more than the limit: refused, then the connection is closed */
	assert_int_equal(mp_ipc_connect(fx.path, &fd2), 0);
	assert_int_equal(send(fd2, "\xff\xff\xff\x7f", 4, MSG_NOSIGNAL), 4);
	assert_int_equal(recv_all(fd2, hdr, 8, now_ms() + CLIENT_TIMEOUT_MS), 0);
	assert_int_equal((int32_t)(hdr[4] | hdr[5] << 8 | hdr[6] << 16 | (uint32_t)hdr[7] << 24), -EMSGSIZE);
	assert_int_equal(ask("show paths", &ms, &b5), 0);
}

/* Stopping answers what is queued for the loop with -ESHUTDOWN and delivers the reply in hand. */
static void test_stop(void **state)
{
	_cleanup_close_ int a = -1, b = -1;
	_cleanup_free_ char *bb = NULL;
	uint8_t hdr[8], rest[2];
	int sb = 1;
	long start;

	if (geteuid() != 0) {
		print_message("    skipped: needs root to change state\n");
		skip();
	}
	assert_int_equal(mp_ipc_connect(fx.path, &a), 0);
	assert_int_equal(mp_ipc_connect(fx.path, &b), 0);
	assert_int_equal(frame_send(a, "slow-exit", 9), 0);
	usleep(50 * 1000);	/* the loop is now in slow-exit, for 200 ms */
	start = now_ms();
	assert_int_equal(mp_ipc_request(b, "reconfigure", CLIENT_TIMEOUT_MS, &sb, &bb), 0);
	assert_int_equal(sb, -ESHUTDOWN);
	assert_true(now_ms() - start < ANSWER_MS);
	assert_int_equal(atomic_load(&reconfigures), 0);
	/* slow-exit's own reply ("ok", status 0) went out before the server closed the connection */
	assert_int_equal(recv_all(a, hdr, 8, now_ms() + CLIENT_TIMEOUT_MS), 0);
	assert_memory_equal(hdr, "\x06\x00\x00\x00\x00\x00\x00\x00", 8);
	assert_int_equal(recv_all(a, rest, 2, now_ms() + CLIENT_TIMEOUT_MS), 0);
	assert_int_equal(recv_all(a, rest, 1, now_ms() + CLIENT_TIMEOUT_MS), -ECONNRESET);
	pthread_join(fx.loop, NULL);
	fx.loop_running = false;
}

static int group_setup(void **state)
{
	struct rlimit rl = { 16384, 16384 };

	signal(SIGPIPE, SIG_IGN);
	mp_log_set_hook(log_hook, NULL);
	mp_log_set_level(MP_LOG_INFO);
	/* the server and root's clients share this process: 2,000 descriptors and more */
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 && getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nul_frame, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_malformed, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_root_idle_1000, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_nobody_idle_1000, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_reconnect_flood, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_slot_holder, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_root_socket, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_burst_300, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_stop, server_setup, server_teardown),
	};

	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
