/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the IPC framing over socketpairs: round trips, limits, partial frames, timeouts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ipc.h"
#include "util.h"

static void make_pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

static void close_pair(int sv[2])
{
	close(sv[0]);
	close(sv[1]);
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void write_raw(int fd, const void *buf, size_t len)
{
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
}

static void write_header(int fd, uint32_t len)
{
	uint8_t h[4] = { len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, len >> 24 };

	write_raw(fd, h, 4);
}

/* The server's side: one whole request through the incremental reader. */
static char *server_read(int fd)
{
	struct mp_ipc_reader reader;
	char *payload = NULL;

	mp_ipc_reader_init(&reader, MP_IPC_MAX_REQUEST);
	assert_int_equal(mp_ipc_reader_feed(&reader, fd), 1);
	assert_int_equal(mp_ipc_reader_take(&reader, &payload, NULL), 0);
	mp_ipc_reader_release(&reader);
	return payload;
}

static void test_round_trip(void **state)
{
	_cleanup_free_ char *body = NULL, *req = NULL, *body2 = NULL;
	int sv[2], status = 1;

	make_pair(sv);
	/* The reply waits in the socket before the request goes out: no thread needed. */
	assert_int_equal(mp_ipc_send_reply(sv[1], 0, "mpatha (3600a0b8) dm-0", 1000), 0);
	assert_int_equal(mp_ipc_request(sv[0], "show maps --json", 1000, &status, &body), 0);
	assert_int_equal(status, 0);
	assert_string_equal(body, "mpatha (3600a0b8) dm-0");
	req = server_read(sv[1]);
	assert_string_equal(req, "show maps --json");

	assert_int_equal(mp_ipc_send_reply(sv[1], -ENOENT, NULL, 1000), 0);
	assert_int_equal(mp_ipc_request(sv[0], "fail path sdz", 1000, &status, &body2), 0);
	assert_int_equal(status, -ENOENT);
	assert_string_equal(body2, "");
	close_pair(sv);
}

static void test_wire_format(void **state)
{
	static const uint8_t expected[] = { 6, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 'n', 'o' };
	uint8_t got[sizeof(expected)];
	char *frame = NULL;
	size_t len;
	int sv[2];

	assert_int_equal(mp_ipc_reply_encode(-2, "no", &frame, &len), 0);
	assert_int_equal(len, sizeof(expected));
	assert_memory_equal(frame, expected, len);
	free(frame);
	assert_int_equal(mp_ipc_reply_encode(1, "x", &frame, &len), -EINVAL);
	assert_int_equal(mp_ipc_reply_encode(-5000, "x", &frame, &len), -EINVAL);

	make_pair(sv);
	write_raw(sv[1], expected, sizeof(expected)); /* a reply, so the request returns */
	int status;
	assert_int_equal(mp_ipc_request(sv[0], "show", 1000, &status, NULL), 0);
	assert_int_equal(read(sv[1], got, 8), 8);
	assert_memory_equal(got, ((uint8_t[]){ 4, 0, 0, 0, 's', 'h', 'o', 'w' }), 8);
	close_pair(sv);
}

static void test_partial_frames(void **state)
{
	static const char msg[] = "\x0b\x00\x00\x00reconfigure";
	struct mp_ipc_reader reader;
	_cleanup_free_ char *payload = NULL;
	size_t len = 0;
	int sv[2];

	make_pair(sv);
	mp_ipc_reader_init(&reader, MP_IPC_MAX_REQUEST);
	assert_int_equal(mp_ipc_reader_feed(&reader, sv[1]), 0);
	for (size_t i = 0; i < sizeof(msg) - 1; i++) {
		assert_int_equal(mp_ipc_reader_take(&reader, &payload, &len), -EAGAIN);
		write_raw(sv[0], msg + i, 1);
		assert_int_equal(mp_ipc_reader_feed(&reader, sv[1]), i + 2 == sizeof(msg) ? 1 : 0);
	}
	assert_int_equal(mp_ipc_reader_take(&reader, &payload, &len), 0);
	assert_int_equal(len, 11);
	assert_string_equal(payload, "reconfigure");
	mp_ipc_reader_release(&reader);
	close_pair(sv);
}

static void test_pipelined_and_empty(void **state)
{
	static const char two[] = "\x04\x00\x00\x00show\x00\x00\x00\x00\x03\x00\x00\x00" "add";
	struct mp_ipc_reader reader;
	char *p = NULL;
	size_t len;
	int sv[2];

	make_pair(sv);
	write_raw(sv[0], two, sizeof(two) - 1);
	mp_ipc_reader_init(&reader, MP_IPC_MAX_REQUEST);
	const char *want[] = { "show", "", "add" };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(mp_ipc_reader_feed(&reader, sv[1]), 1);
		assert_int_equal(mp_ipc_reader_take(&reader, &p, &len), 0);
		assert_string_equal(p, want[i]);
		assert_int_equal(len, strlen(want[i]));
		free(p);
	}
	assert_int_equal(mp_ipc_reader_feed(&reader, sv[1]), 0);
	mp_ipc_reader_release(&reader);
	close_pair(sv);
}

static void test_eof(void **state)
{
	struct mp_ipc_reader reader;
	int sv[2];

	make_pair(sv);
	mp_ipc_reader_init(&reader, MP_IPC_MAX_REQUEST);
	close(sv[0]);
	assert_int_equal(mp_ipc_reader_feed(&reader, sv[1]), -EPIPE);
	close(sv[1]);

	make_pair(sv);
	write_raw(sv[0], "\x05\x00", 2);
	close(sv[0]);
	assert_int_equal(mp_ipc_reader_feed(&reader, sv[1]), -ECONNRESET);
	mp_ipc_reader_release(&reader);
	close(sv[1]);

	make_pair(sv);
	write_raw(sv[0], "\x05\x00\x00\x00" "ab", 6);
	close(sv[0]);
	assert_int_equal(mp_ipc_reader_feed(&reader, sv[1]), -ECONNRESET);
	mp_ipc_reader_release(&reader);
	close(sv[1]);
}

static void test_oversize(void **state)
{
	struct mp_ipc_reader reader;
	char *big = malloc(MP_IPC_MAX_REQUEST + 2);
	char *body = NULL;
	int sv[2], status;

	assert_non_null(big);
	make_pair(sv);
	/* Server: a request that announces one byte too many is refused before its payload. */
	mp_ipc_reader_init(&reader, MP_IPC_MAX_REQUEST);
	write_header(sv[0], MP_IPC_MAX_REQUEST + 1);
	assert_int_equal(mp_ipc_reader_feed(&reader, sv[1]), -EMSGSIZE);
	mp_ipc_reader_release(&reader);
	close_pair(sv);

	/* Exactly the limit is fine. */
	make_pair(sv);
	mp_ipc_reader_init(&reader, 16);
	write_header(sv[0], 16);
	write_raw(sv[0], "0123456789abcdef", 16);
	assert_int_equal(mp_ipc_reader_feed(&reader, sv[1]), 1);
	mp_ipc_reader_release(&reader);

	/* Client: an oversize request is not sent at all. */
	memset(big, 'a', MP_IPC_MAX_REQUEST + 1);
	big[MP_IPC_MAX_REQUEST + 1] = '\0';
	assert_int_equal(mp_ipc_request(sv[0], big, 100, &status, &body), -EMSGSIZE);
	close_pair(sv);

	/* Client: a reply announcing more than MP_IPC_MAX_REPLY. */
	make_pair(sv);
	write_header(sv[1], MP_IPC_MAX_REPLY + 1);
	assert_int_equal(mp_ipc_request(sv[0], "show", 1000, &status, &body), -EMSGSIZE);
	close_pair(sv);
	free(big);
}

static void test_bad_replies(void **state)
{
	char *body = NULL;
	int sv[2], status = 42;

	make_pair(sv);
	write_raw(sv[1], "\x02\x00\x00\x00\x00\x00", 6); /* shorter than a status */
	assert_int_equal(mp_ipc_request(sv[0], "show", 1000, &status, &body), -EBADMSG);
	close_pair(sv);

	make_pair(sv);
	write_raw(sv[1], "\x04\x00\x00\x00\x01\x00\x00\x00", 8); /* a positive status */
	assert_int_equal(mp_ipc_request(sv[0], "show", 1000, &status, &body), -EBADMSG);
	close_pair(sv);

	make_pair(sv);
	write_raw(sv[1], "\x06\x00\x00\x00\x00\x00\x00\x00" "a\x00", 10); /* a NUL in the body */
	assert_int_equal(mp_ipc_request(sv[0], "show", 1000, &status, &body), -EBADMSG);
	close_pair(sv);

	make_pair(sv);
	write_raw(sv[1], "\x08\x00\x00\x00\x00\x00", 6);
	close(sv[1]); /* the daemon dies mid-reply */
	assert_int_equal(mp_ipc_request(sv[0], "show", 1000, &status, &body), -ECONNRESET);
	close(sv[0]);

	assert_int_equal(status, 42); /* outputs untouched on failure */
	assert_null(body);
}

static void test_timeout_silent_peer(void **state)
{
	struct timespec start;
	char *body = NULL;
	int sv[2], status;
	long ms;

	make_pair(sv);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(mp_ipc_request(sv[0], "show paths", 150, &status, &body), -ETIMEDOUT);
	ms = elapsed_ms(&start);
	assert_true(ms >= 140);
	assert_true(ms < 1000);

	/* A peer that sends half a reply and stalls. */
	write_raw(sv[1], "\x10\x00\x00\x00\x00\x00", 6);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(mp_ipc_request(sv[0], "show paths", 100, &status, &body), -ETIMEDOUT);
	assert_true(elapsed_ms(&start) < 1000);

	/* timeout 0: no waiting at all. */
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(mp_ipc_request(sv[0], "show", 0, &status, &body), -ETIMEDOUT);
	assert_true(elapsed_ms(&start) < 100);
	close_pair(sv);
}

static void test_timeout_blocked_writer(void **state)
{
	size_t size = 4 * 1024 * 1024;
	char *body = malloc(size + 1);
	struct timespec start;
	int sv[2], sndbuf = 4096;

	assert_non_null(body);
	memset(body, 'x', size);
	body[size] = '\0';
	make_pair(sv);
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	/* The client never reads: the reply must give up, not block the daemon. */
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(mp_ipc_send_reply(sv[1], 0, body, 100), -ETIMEDOUT);
	assert_true(elapsed_ms(&start) < 1000);
	close(sv[0]);
	assert_int_equal(mp_ipc_send_reply(sv[1], 0, body, 100), -EPIPE);
	close(sv[1]);
	free(body);
}

/* The whole C string as one request; frames with NUL bytes use mp_ipc_split() directly. */
static int split_str(const char *req, char ***ret_argv, int *ret_argc)
{
	return mp_ipc_split(req, strlen(req), ret_argv, ret_argc);
}

static void test_split(void **state)
{
	char **argv = NULL;
	int argc = 0;

	assert_int_equal(split_str("fail path sdb --json", &argv, &argc), 0);
	assert_int_equal(argc, 4);
	assert_string_equal(argv[2], "sdb");
	assert_int_equal(mp_ipc_take_json_flag(argv, &argc), 1);
	assert_int_equal(argc, 3);
	assert_null(argv[3]);
	assert_int_equal(mp_ipc_take_json_flag(argv, &argc), 0);
	mp_ipc_argv_free(argv);

	assert_int_equal(split_str("show alias \xc3\xa9t\xc3\xa9-\xe2\x82\xac", &argv, &argc), 0);
	assert_int_equal(argc, 3);
	assert_string_equal(argv[2], "\xc3\xa9t\xc3\xa9-\xe2\x82\xac");
	mp_ipc_argv_free(argv);

	assert_int_equal(split_str("help", &argv, &argc), 0);
	assert_int_equal(argc, 1);
	mp_ipc_argv_free(argv);
}

static void test_split_rejects(void **state)
{
	static const char *const bad[] = {
		"", " ", " show", "show ", "show  paths", "show\tpaths", "show\npaths", "show\x01",
		"show \x7f", "show \xff", "show \xc0\xaf",	/* overlong "/" */
		"show \xed\xa0\x80",				/* a surrogate */
		"show \xf4\x90\x80\x80",			/* past U+10FFFF */
		"show \xe2\x82",				/* truncated */
		"show \xc2\x85",				/* C1 control NEL */
	};
	char **argv = NULL;
	int argc = -1;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (split_str(bad[i], &argv, &argc) != -EINVAL)
			fail_msg("request %zu accepted", i);
	assert_null(argv);
	assert_int_equal(argc, -1);

	char *big = malloc(MP_IPC_MAX_REQUEST + 2);
	assert_non_null(big);
	memset(big, 'a', MP_IPC_MAX_REQUEST + 1);
	big[MP_IPC_MAX_REQUEST + 1] = '\0';
	assert_int_equal(split_str(big, &argv, &argc), -EMSGSIZE);
	free(big);
}

/* "show paths\0tail" is one 15-byte frame: refused, not run as "show paths". */
static void test_split_refuses_nul(void **state)
{
	static const char frame[] = "\x0f\x00\x00\x00show paths\0tail";
	struct mp_ipc_reader reader;
	_cleanup_free_ char *payload = NULL;
	char **argv = NULL;
	size_t len = 0;
	int argc = -1, sv[2];

	assert_int_equal(mp_ipc_split("show paths\0tail", 15, &argv, &argc), -EINVAL);
	assert_int_equal(mp_ipc_split("show\0", 5, &argv, &argc), -EINVAL);
	assert_int_equal(mp_ipc_split("\0", 1, &argv, &argc), -EINVAL);
	assert_null(argv);
	assert_int_equal(argc, -1);

	make_pair(sv);
	write_raw(sv[0], frame, sizeof(frame) - 1);
	mp_ipc_reader_init(&reader, MP_IPC_MAX_REQUEST);
	assert_int_equal(mp_ipc_reader_feed(&reader, sv[1]), 1);
	assert_int_equal(mp_ipc_reader_take(&reader, &payload, &len), 0);
	assert_int_equal(len, 15);
	assert_int_equal(mp_ipc_split(payload, len, &argv, &argc), -EINVAL);
	mp_ipc_reader_release(&reader);
	close_pair(sv);
}

/* The length bounds the words: the text need not end in a NUL. */
static void test_split_bounded(void **state)
{
	char **argv = NULL;
	int argc = 0;

	assert_int_equal(mp_ipc_split("show pathsXYZ", 10, &argv, &argc), 0);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "paths");
	mp_ipc_argv_free(argv);
	assert_int_equal(mp_ipc_split("show  paths", 5, &argv, &argc), -EINVAL);	/* trailing space */
}

static void test_join(void **state)
{
	char *words[] = { "fail", "path", "sdb" };
	char *bad[] = { "fail", "two words" };
	char *empty[] = { "fail", "" };
	_cleanup_free_ char *s = NULL;
	char **argv = NULL;
	int argc;

	assert_int_equal(mp_ipc_join(words, 3, &s), 0);
	assert_string_equal(s, "fail path sdb");
	assert_int_equal(split_str(s, &argv, &argc), 0);
	assert_int_equal(argc, 3);
	mp_ipc_argv_free(argv);
	assert_int_equal(mp_ipc_join(bad, 2, &s), -EINVAL);
	assert_int_equal(mp_ipc_join(empty, 2, &s), -EINVAL);
	assert_int_equal(mp_ipc_join(words, 0, &s), -EINVAL);
}

static void test_request_rejects_invalid_utf8(void **state)
{
	int sv[2], status;
	char *body = NULL;
	char buf[8];

	make_pair(sv);
	assert_int_equal(mp_ipc_request(sv[0], "show \xff", 100, &status, &body), -EINVAL);
	/* Nothing was sent. */
	assert_int_equal(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	close_pair(sv);
}

static void test_peercred(void **state)
{
	int sv[2];

	make_pair(sv);
	assert_int_equal(mp_ipc_peer_is_root(sv[0]), geteuid() == 0);
	assert_int_equal(mp_ipc_peer_is_root(sv[1]), geteuid() == 0);
	close_pair(sv);
	assert_int_equal(mp_ipc_peer_is_root(-1), -EBADF);
}

static void test_connect(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char name[64], *body = NULL;
	int lfd, cfd, afd, status;
	char long_path[200];

	assert_int_equal(mp_ipc_connect("/nonexistent/mpathd.sock", &cfd), -ENOENT);
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(mp_ipc_connect(long_path, &cfd), -ENAMETOOLONG);

	snprintf(name, sizeof(name), "@mpathd-test-%d", (int)getpid());
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	memcpy(sa.sun_path + 1, name + 1, strlen(name) - 1);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa,
			      offsetof(struct sockaddr_un, sun_path) + strlen(name)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(mp_ipc_connect(name, &cfd), 0);
	assert_true(fcntl(cfd, F_GETFD) & FD_CLOEXEC);
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	assert_int_equal(mp_ipc_peer_is_root(afd), geteuid() == 0);
	assert_int_equal(mp_ipc_send_reply(afd, 0, "ok", 1000), 0);
	assert_int_equal(mp_ipc_request(cfd, "show status", 1000, &status, &body), 0);
	assert_string_equal(body, "ok");
	free(body);
	close(afd);
	close(cfd);
	close(lfd);
}

/* A listening abstract socket @name with a backlog of one; the caller closes it. */
static int listener(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(lfd >= 0);
	memcpy(sa.sun_path + 1, name + 1, strlen(name) - 1);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, offsetof(struct sockaddr_un, sun_path) + strlen(name)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	return lfd;
}

static void *accept_later(void *arg)
{
	int lfd = *(int *)arg;

	usleep(100 * 1000);
	close(accept(lfd, NULL, NULL));
	return NULL;
}

/* A full backlog: a single try fails at once; waiting gets in as soon as one is accepted, or times out. */
static void test_connect_wait(void **state)
{
	int lfd, fd, queued[16], n = 0;
	struct timespec start;
	char name[64];
	pthread_t thread;

	snprintf(name, sizeof(name), "@mpathd-test-wait-%d", (int)getpid());
	lfd = listener(name);
	while (n < 16 && mp_ipc_connect(name, &queued[n]) == 0)
		n++;
	assert_true(n > 0 && n < 16);
	assert_int_equal(mp_ipc_connect(name, &fd), -EAGAIN);

	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(mp_ipc_connect_wait(name, 100, &fd), -ETIMEDOUT);
	assert_true(elapsed_ms(&start) >= 90 && elapsed_ms(&start) < 1000);

	assert_int_equal(pthread_create(&thread, NULL, accept_later, &lfd), 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(mp_ipc_connect_wait(name, 5000, &fd), 0);
	assert_true(elapsed_ms(&start) < 1000);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	pthread_join(thread, NULL);
	close(fd);
	while (n > 0)
		close(queued[--n]);
	close(lfd);
	assert_int_equal(mp_ipc_connect_wait("/nonexistent/mpathd.sock", 100, &fd), -ENOENT);
}

/* A daemon that refuses a connection answers and closes before the request goes out: that answer is the reply. */
static void test_reply_before_close(void **state)
{
	_cleanup_free_ char *body = NULL;
	int sv[2], status = 0;

	make_pair(sv);
	assert_int_equal(mp_ipc_send_reply(sv[1], -EBUSY, "too many connections", 1000), 0);
	close(sv[1]);
	assert_int_equal(mp_ipc_request(sv[0], "show paths", 1000, &status, &body), 0);
	assert_int_equal(status, -EBUSY);
	assert_string_equal(body, "too many connections");
	close(sv[0]);

	/* closed with nothing said: the connection was lost */
	make_pair(sv);
	close(sv[1]);
	assert_int_equal(mp_ipc_request(sv[0], "show paths", 1000, &status, NULL), -ECONNRESET);
	close(sv[0]);
}

static void test_root_socket_path(void **state)
{
	_cleanup_free_ char *a = NULL, *b = NULL;
	char long_path[108], name[64], *c = NULL;
	int lfd, fd;

	assert_int_equal(mp_ipc_root_path("/run/mpathd/mpathd.sock", &a), 0);
	assert_string_equal(a, "/run/mpathd/mpathd.sock" MP_IPC_ROOT_SUFFIX);
	assert_int_equal(mp_ipc_root_path("@mpathd", &b), 0);
	assert_string_equal(b, "@mpathd" MP_IPC_ROOT_SUFFIX);
	memset(long_path, 'a', sizeof(long_path) - 4);
	long_path[sizeof(long_path) - 4] = '\0';
	assert_int_equal(mp_ipc_root_path(long_path, &c), -ENAMETOOLONG);
	assert_int_equal(mp_ipc_root_path("", &c), -EINVAL);
	assert_null(c);

	/* no root socket beside it (a daemon of before): everyone's, for root too */
	snprintf(name, sizeof(name), "@mpathd-test-daemon-%d", (int)getpid());
	lfd = listener(name);
	assert_int_equal(mp_ipc_connect_daemon(name, 1000, &fd), 0);
	close(fd);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_wire_format),
		cmocka_unit_test(test_partial_frames),
		cmocka_unit_test(test_pipelined_and_empty),
		cmocka_unit_test(test_eof),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_bad_replies),
		cmocka_unit_test(test_timeout_silent_peer),
		cmocka_unit_test(test_timeout_blocked_writer),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_rejects),
		cmocka_unit_test(test_split_refuses_nul),
		cmocka_unit_test(test_split_bounded),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_request_rejects_invalid_utf8),
		cmocka_unit_test(test_peercred),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_connect_wait),
		cmocka_unit_test(test_reply_before_close),
		cmocka_unit_test(test_root_socket_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
