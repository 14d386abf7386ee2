/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target for the IPC wire format: the server's frame reader, the client's reply reader, request words. */
#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "ipc.h"

/*
 * Input: byte 0 sets how many bytes reach the socket at a time (1..256), the rest is what the
 * peer sends before it hangs up. The server's reader and the client's reply reader get the same
 * bytes; what they make of them is checked against the frame format in ipc.h.
 */

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void socket_pair(int sv[2])
{
	fuzz_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
}

static void write_all(int fd, const uint8_t *buf, size_t len)
{
	fuzz_assert(write(fd, buf, len) == (ssize_t)len);
}

/* split() and join() are inverses; a trailing --json is one word that take_json_flag() removes. */
static void fuzz_words(const char *req)
{
	char **argv = NULL, *joined = NULL;
	int argc = 0, r = mp_ipc_split(req, strlen(req), &argv, &argc);
	size_t len = strlen(req);

	fuzz_assert(r == 0 || r == -EINVAL);
	if (r < 0)
		return;
	fuzz_assert(argc >= 1 && !argv[argc]);
	for (int i = 0; i < argc; i++)
		fuzz_assert(argv[i][0] && !strchr(argv[i], ' '));
	fuzz_assert(mp_ipc_join(argv, argc, &joined) == 0 && strcmp(joined, req) == 0);
	free(joined);
	if (mp_ipc_take_json_flag(argv, &argc)) {
		fuzz_assert(len >= 6 && strcmp(req + len - 6, "--json") == 0 && !argv[argc]);
		if (argc > 0) {
			fuzz_assert(mp_ipc_join(argv, argc, &joined) == 0);
			fuzz_assert(strlen(joined) == len - 7 && strncmp(joined, req, len - 7) == 0);
			free(joined);
		}
	}
	mp_ipc_argv_free(argv);
}

/* Feed until the reader wants more (0) or fails (< 0); every frame must be the next one of @stream. */
static int reader_drain(struct mp_ipc_reader *rd, int fd, const uint8_t *stream, size_t size,
			size_t *off)
{
	for (;;) {
		char *payload = NULL, *none = NULL;
		size_t len = 0;
		int r = mp_ipc_reader_feed(rd, fd);

		if (r <= 0)
			return r;
		fuzz_assert(r == 1);
		fuzz_assert(mp_ipc_reader_take(rd, &payload, &len) == 0);
		fuzz_assert(mp_ipc_reader_take(rd, &none, NULL) == -EAGAIN && !none);
		fuzz_assert(size - *off >= MP_IPC_HEADER_SIZE + len);
		fuzz_assert(get_le32(stream + *off) == len && len <= MP_IPC_MAX_REQUEST);
		fuzz_assert(memcmp(payload, stream + *off + MP_IPC_HEADER_SIZE, len) == 0);
		fuzz_assert(payload[len] == '\0');
		fuzz_words(payload);
		*off += MP_IPC_HEADER_SIZE + len;
		free(payload);
	}
}

/* How the reader must end at @off: clean hang-up, oversize announcement, or a cut frame. */
static int reader_expected_end(const uint8_t *stream, size_t size, size_t off)
{
	if (off == size)
		return -EPIPE;
	if (size - off >= MP_IPC_HEADER_SIZE && get_le32(stream + off) > MP_IPC_MAX_REQUEST)
		return -EMSGSIZE;
	return -ECONNRESET;
}

/* The server side: frames arrive @chunk bytes at a time, then the client hangs up. */
static void fuzz_reader(const uint8_t *stream, size_t size, size_t chunk)
{
	struct mp_ipc_reader rd;
	size_t written = 0, off = 0;
	int sv[2], r = 0;

	socket_pair(sv);
	mp_ipc_reader_init(&rd, MP_IPC_MAX_REQUEST);
	while (r == 0 && written < size) {
		size_t n = size - written < chunk ? size - written : chunk;

		write_all(sv[0], stream + written, n);
		written += n;
		r = reader_drain(&rd, sv[1], stream, size, &off);
	}
	if (r == 0) {
		fuzz_assert(shutdown(sv[0], SHUT_WR) == 0);
		r = reader_drain(&rd, sv[1], stream, size, &off);
	}
	fuzz_assert(r == reader_expected_end(stream, size, off));
	mp_ipc_reader_release(&rd);
	close(sv[0]);
	close(sv[1]);
}

/* What mp_ipc_request() must return for @reply, by the reply format in ipc.h. */
static int reply_expected(const uint8_t *reply, size_t size)
{
	uint32_t len;
	int32_t status;

	if (size < MP_IPC_HEADER_SIZE)
		return -ECONNRESET;
	len = get_le32(reply);
	if (len > MP_IPC_MAX_REPLY)
		return -EMSGSIZE;
	if (len < MP_IPC_STATUS_SIZE)
		return -EBADMSG;
	if (size - MP_IPC_HEADER_SIZE < len)
		return -ECONNRESET;
	status = (int32_t)get_le32(reply + MP_IPC_HEADER_SIZE);
	if (status > 0 || status < -4095 ||
	    memchr(reply + MP_IPC_HEADER_SIZE + MP_IPC_STATUS_SIZE, '\0', len - MP_IPC_STATUS_SIZE))
		return -EBADMSG;
	return 0;
}

/* The client side: the daemon's reply is already queued and the daemon gone, so nothing waits. */
static void fuzz_reply(const uint8_t *reply, size_t size)
{
	char *body = NULL, *frame = NULL;
	int sv[2], status = 1, r;
	size_t frame_len;

	socket_pair(sv);
	write_all(sv[0], reply, size);
	fuzz_assert(shutdown(sv[0], SHUT_WR) == 0);
	r = mp_ipc_request(sv[1], "show paths --json", 0, &status, &body);
	fuzz_assert(r == reply_expected(reply, size));
	if (r == 0) {
		/* Encoding what was read gives back the very frame. */
		fuzz_assert(status <= 0 && status >= -4095 && body);
		fuzz_assert(mp_ipc_reply_encode(status, body, &frame, &frame_len) == 0);
		fuzz_assert(frame_len <= size && memcmp(frame, reply, frame_len) == 0);
		fuzz_assert(frame_len == MP_IPC_HEADER_SIZE + get_le32(reply));
	} else {
		fuzz_assert(status == 1 && !body);
	}
	free(frame);
	free(body);
	close(sv[0]);
	close(sv[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_reader(data + 1, size - 1, 1 + data[0]);
	fuzz_reply(data + 1, size - 1);
	return 0;
}
