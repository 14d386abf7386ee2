/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPC framing: bounded client exchange, incremental server reader, request tokenizer. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ipc.h"
#include "utf8.h"
#include "util.h"

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for @events until @deadline; a hang-up or error counts as ready so the caller's syscall reports it. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		int64_t left = deadline - now_ms();
		int n;

		if (left < 0)
			left = 0;
		n = poll(&pfd, 1, (int)(left > 60 * 60 * 1000 ? 60 * 60 * 1000 : left));
		if (n > 0)
			return 0;
		if (n == 0 && left == 0)
			return -ETIMEDOUT;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static int send_all(int fd, const void *buf, size_t len, int64_t deadline)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		int r;

		if (n >= 0) {
			p += n;
			len -= n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		r = wait_fd(fd, POLLOUT, deadline);
		if (r < 0)
			return r;
	}
	return 0;
}

static int recv_exact(int fd, void *buf, size_t len, int64_t deadline)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = recv(fd, p, len, MSG_DONTWAIT);
		int r;

		if (n > 0) {
			p += n;
			len -= n;
			continue;
		}
		if (n == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		r = wait_fd(fd, POLLIN, deadline);
		if (r < 0)
			return r;
	}
	return 0;
}

/* @path is a filesystem path or "@name" for an abstract socket. */
static int address_make(const char *path, struct sockaddr_un *sa, socklen_t *ret_len)
{
	bool abstract = path[0] == '@';
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(sa->sun_path))
		return len ? -ENAMETOOLONG : -EINVAL;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, len);
	if (abstract)
		sa->sun_path[0] = '\0';
	*ret_len = offsetof(struct sockaddr_un, sun_path) + len + (abstract ? 0 : 1);
	return 0;
}

int mp_ipc_connect(const char *path, int *ret_fd)
{
	struct sockaddr_un sa;
	_cleanup_close_ int fd = -1;
	socklen_t salen;
	int r = address_make(path, &sa, &salen);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* Non-blocking: a full backlog gives EAGAIN now instead of a hang. */
	if (connect(fd, (struct sockaddr *)&sa, salen) < 0 && errno != EINPROGRESS)
		return -errno;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

static int send_timeout_set(int fd, int64_t left_ms)
{
	struct timeval tv = { .tv_sec = left_ms / 1000, .tv_usec = left_ms % 1000 * 1000 };

	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ? -errno : 0;
}

/*
 * A blocking connect() to a unix socket whose backlog is full sleeps until
 * the daemon accepts one, and is woken right then; SO_SNDTIMEO bounds it.
 * Polling with non-blocking tries instead would lose nearly every free place
 * to a process that retries in a tight loop.
 */
int mp_ipc_connect_wait(const char *path, unsigned timeout_ms, int *ret_fd)
{
	int64_t deadline = now_ms() + timeout_ms;
	struct sockaddr_un sa;
	_cleanup_close_ int fd = -1;
	socklen_t salen;
	int r = address_make(path, &sa, &salen);

	if (r < 0)
		return r;
	if (timeout_ms == 0)
		return mp_ipc_connect(path, ret_fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	for (;;) {
		int64_t left = deadline - now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		r = send_timeout_set(fd, left);
		if (r < 0)
			return r;
		if (connect(fd, (struct sockaddr *)&sa, salen) == 0)
			break;
		if (errno == EAGAIN)
			return -ETIMEDOUT;	/* the backlog stayed full until the deadline */
		if (errno != EINTR)
			return -errno;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return -errno;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int mp_ipc_root_path(const char *path, char **ret)
{
	size_t len = strlen(path);
	char *s;

	if (len == 0)
		return -EINVAL;
	if (len + strlen(MP_IPC_ROOT_SUFFIX) >= sizeof(((struct sockaddr_un *)NULL)->sun_path))
		return -ENAMETOOLONG;
	s = malloc(len + sizeof(MP_IPC_ROOT_SUFFIX));
	if (!s)
		return -ENOMEM;
	memcpy(s, path, len);
	memcpy(s + len, MP_IPC_ROOT_SUFFIX, sizeof(MP_IPC_ROOT_SUFFIX));
	*ret = s;
	return 0;
}

int mp_ipc_connect_daemon(const char *path, unsigned timeout_ms, int *ret_fd)
{
	_cleanup_free_ char *root = NULL;
	int r;

	if (geteuid() == 0 && mp_ipc_root_path(path, &root) == 0) {
		r = mp_ipc_connect_wait(root, timeout_ms, ret_fd);
		/* an older daemon, or none: the socket everyone uses (and socket activation) */
		if (r != -ENOENT && r != -ECONNREFUSED)
			return r;
	}
	return mp_ipc_connect_wait(path, timeout_ms, ret_fd);
}

static int request_check(const char *req, size_t *ret_len)
{
	size_t len = strlen(req);

	if (len > MP_IPC_MAX_REQUEST)
		return -EMSGSIZE;
	if (!mp_utf8_valid(req, len))
		return -EINVAL;
	*ret_len = len;
	return 0;
}

static int reply_read(int fd, int64_t deadline, int *ret_status, char **ret_body)
{
	uint8_t header[MP_IPC_HEADER_SIZE];
	_cleanup_free_ char *payload = NULL;
	size_t len, body_len;
	int32_t status;
	int r;

	r = recv_exact(fd, header, sizeof(header), deadline);
	if (r < 0)
		return r;
	len = get_le32(header);
	if (len > MP_IPC_MAX_REPLY)
		return -EMSGSIZE;
	if (len < MP_IPC_STATUS_SIZE)
		return -EBADMSG;
	payload = malloc(len + 1);
	if (!payload)
		return -ENOMEM;
	r = recv_exact(fd, payload, len, deadline);
	if (r < 0)
		return r;
	status = (int32_t)get_le32((const uint8_t *)payload);
	body_len = len - MP_IPC_STATUS_SIZE;
	if (status > 0 || status < -4095 || memchr(payload + MP_IPC_STATUS_SIZE, '\0', body_len))
		return -EBADMSG;
	payload[len] = '\0';
	memmove(payload, payload + MP_IPC_STATUS_SIZE, body_len + 1);
	*ret_status = status;
	if (ret_body)
		*ret_body = TAKE_PTR(payload);
	return 0;
}

int mp_ipc_request(int fd, const char *req, unsigned timeout_ms, int *ret_status, char **ret_body)
{
	int64_t deadline = now_ms() + timeout_ms;
	_cleanup_free_ uint8_t *frame = NULL;
	size_t len;
	int r;

	r = request_check(req, &len);
	if (r < 0)
		return r;
	frame = malloc(MP_IPC_HEADER_SIZE + len);
	if (!frame)
		return -ENOMEM;
	put_le32(frame, len);
	memcpy(frame + MP_IPC_HEADER_SIZE, req, len);
	r = send_all(fd, frame, MP_IPC_HEADER_SIZE + len, deadline);
	if (r == -EPIPE || r == -ECONNRESET) {
		/* A daemon that refused the connection (-EBUSY) answered before closing: that is the reply. */
		if (reply_read(fd, deadline, ret_status, ret_body) == 0)
			return 0;
		return -ECONNRESET;
	}
	if (r < 0)
		return r;
	return reply_read(fd, deadline, ret_status, ret_body);
}

void mp_ipc_reader_init(struct mp_ipc_reader *reader, size_t max_payload)
{
	memset(reader, 0, sizeof(*reader));
	reader->max_payload = max_payload;
}

void mp_ipc_reader_release(struct mp_ipc_reader *reader)
{
	free(reader->payload);
	reader->payload = NULL;
	reader->header_len = reader->payload_len = reader->got = 0;
}

static bool reader_complete(const struct mp_ipc_reader *reader)
{
	return reader->payload && reader->got == reader->payload_len;
}

/* One recv() into @buf: >0 bytes read, 0 would block, -errno; EOF maps to @eof_error. */
static ssize_t reader_recv(int fd, void *buf, size_t len, int eof_error)
{
	for (;;) {
		ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);

		if (n > 0)
			return n;
		if (n == 0)
			return eof_error;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -errno;
	}
}

static int reader_header_done(struct mp_ipc_reader *reader)
{
	reader->payload_len = get_le32(reader->header);
	if (reader->payload_len > reader->max_payload)
		return -EMSGSIZE;
	reader->payload = malloc(reader->payload_len + 1);
	if (!reader->payload)
		return -ENOMEM;
	reader->got = 0;
	return 0;
}

int mp_ipc_reader_feed(struct mp_ipc_reader *reader, int fd)
{
	while (!reader_complete(reader)) {
		ssize_t n;
		int r;

		if (reader->header_len < MP_IPC_HEADER_SIZE) {
			n = reader_recv(fd, reader->header + reader->header_len,
					MP_IPC_HEADER_SIZE - reader->header_len,
					reader->header_len ? -ECONNRESET : -EPIPE);
			if (n <= 0)
				return (int)n;
			reader->header_len += n;
			if (reader->header_len == MP_IPC_HEADER_SIZE && (r = reader_header_done(reader)) < 0)
				return r;
			continue;
		}
		n = reader_recv(fd, reader->payload + reader->got,
				reader->payload_len - reader->got, -ECONNRESET);
		if (n <= 0)
			return (int)n;
		reader->got += n;
	}
	return 1;
}

int mp_ipc_reader_take(struct mp_ipc_reader *reader, char **ret_payload, size_t *ret_len)
{
	if (!reader_complete(reader))
		return -EAGAIN;
	reader->payload[reader->payload_len] = '\0';
	if (ret_len)
		*ret_len = reader->payload_len;
	*ret_payload = TAKE_PTR(reader->payload);
	reader->header_len = reader->payload_len = reader->got = 0;
	return 0;
}

int mp_ipc_reply_encode(int status, const char *body, char **ret_buf, size_t *ret_len)
{
	size_t body_len = body ? strlen(body) : 0;
	size_t len = MP_IPC_STATUS_SIZE + body_len;
	uint8_t *frame;

	if (status > 0 || status < -4095)
		return -EINVAL;
	if (body_len > MP_IPC_MAX_REPLY - MP_IPC_STATUS_SIZE)
		return -EMSGSIZE;
	frame = malloc(MP_IPC_HEADER_SIZE + len);
	if (!frame)
		return -ENOMEM;
	put_le32(frame, len);
	put_le32(frame + MP_IPC_HEADER_SIZE, (uint32_t)status);
	if (body_len)
		memcpy(frame + MP_IPC_HEADER_SIZE + MP_IPC_STATUS_SIZE, body, body_len);
	*ret_buf = (char *)frame;
	*ret_len = MP_IPC_HEADER_SIZE + len;
	return 0;
}

int mp_ipc_send_reply(int fd, int status, const char *body, unsigned timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	_cleanup_free_ char *frame = NULL;
	size_t len;
	int r;

	r = mp_ipc_reply_encode(status, body, &frame, &len);
	if (r < 0)
		return r;
	r = send_all(fd, frame, len, deadline);
	return r == -ECONNRESET ? -EPIPE : r;
}

/* Checks one word (or a whole request when @allow_space): UTF-8, no control characters. */
static int text_check(const char *s, size_t len, bool allow_space)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		int n = mp_utf8_decode(s + i, len - i, &cp);

		if (n < 0)
			return -EINVAL;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp == ' ' && !allow_space))
			return -EINVAL;
		i += n;
	}
	return 0;
}

void mp_ipc_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

static void argv_freep(char ***p)
{
	mp_ipc_argv_free(*p);
}

/*
 * @len, not strlen(): a frame is counted bytes, and a NUL inside it must be
 * refused here (text_check() sees U+0000 as a control character) instead of
 * silently ending the request early.
 */
int mp_ipc_split(const char *req, size_t len, char ***ret_argv, int *ret_argc)
{
	_cleanup_(argv_freep) char **argv = NULL;
	const char *p = req, *end = req + len;
	size_t n = 1;
	int r;

	if (len > MP_IPC_MAX_REQUEST)
		return -EMSGSIZE;
	if (len == 0 || req[0] == ' ' || req[len - 1] == ' ' || memmem(req, len, "  ", 2))
		return -EINVAL;
	r = text_check(req, len, true);
	if (r < 0)
		return r;
	for (const char *s = req; s < end; s++)
		n += *s == ' ';
	argv = calloc(n + 1, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *space = memchr(p, ' ', end - p);
		size_t wlen = space ? (size_t)(space - p) : (size_t)(end - p);

		argv[i] = strndup(p, wlen);
		if (!argv[i])
			return -ENOMEM;
		p += wlen + 1;
	}
	*ret_argc = (int)n;
	*ret_argv = TAKE_PTR(argv);
	return 0;
}

int mp_ipc_join(char *const *argv, int argc, char **ret)
{
	size_t total = 0, off = 0;
	char *s;

	if (argc <= 0)
		return -EINVAL;
	for (int i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]);

		if (len == 0 || text_check(argv[i], len, false) < 0)
			return -EINVAL;
		total += len + 1;
		if (total > MP_IPC_MAX_REQUEST + 1)
			return -EMSGSIZE;
	}
	s = malloc(total);
	if (!s)
		return -ENOMEM;
	for (int i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]);

		memcpy(s + off, argv[i], len);
		off += len;
		s[off++] = i + 1 < argc ? ' ' : '\0';
	}
	*ret = s;
	return 0;
}

int mp_ipc_take_json_flag(char **argv, int *argc)
{
	if (*argc < 1 || strcmp(argv[*argc - 1], "--json") != 0)
		return 0;
	free(argv[*argc - 1]);
	argv[*argc - 1] = NULL;
	(*argc)--;
	return 1;
}

int mp_ipc_peer_is_root(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	if (len != sizeof(cred))
		return -EIO;
	return cred.uid == 0;
}
