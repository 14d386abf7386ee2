/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon<->CLI wire protocol: length-prefixed frames over a unix SOCK_STREAM socket. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Frame: a 4-byte little-endian unsigned payload length, then the payload.
 * Request payload: UTF-8 command words separated by single spaces, e.g.
 * "show paths" or "fail path sdb", optionally ending in the word "--json".
 * Reply payload: a 4-byte little-endian int32 status (0 or -errno), then
 * the UTF-8 body (text or JSON), without a terminating NUL.
 */
#define MP_IPC_MAX_REQUEST (64u * 1024)		/* request payload bytes */
#define MP_IPC_MAX_REPLY (16u * 1024 * 1024)	/* reply payload bytes, status included */
#define MP_IPC_HEADER_SIZE 4u
#define MP_IPC_STATUS_SIZE 4u

/**
 * mp_ipc_connect() - connect to the daemon socket.
 * @path: a filesystem path, or "@name" for an abstract socket.
 * @ret_fd: receives a close-on-exec, non-blocking socket on success.
 *
 * Never waits: a daemon whose listen backlog is full yields -EAGAIN.
 *
 * Return: 0, -ENAMETOOLONG, -ENOENT/-ECONNREFUSED when no daemon listens,
 * -EAGAIN, or another -errno.
 */
int mp_ipc_connect(const char *path, int *ret_fd);

/**
 * mp_ipc_connect_wait() - connect to the daemon socket, waiting at most @timeout_ms for room.
 * @path: a filesystem path, or "@name" for an abstract socket.
 * @timeout_ms: how long a full listen backlog may be waited for; 0 means not at all.
 * @ret_fd: receives a close-on-exec, non-blocking socket on success.
 *
 * Other processes can keep the daemon's listen backlog full by connecting in a
 * loop, however fast it accepts. This waits in the kernel, which wakes it as
 * soon as the daemon accepts a connection, so it gets in within milliseconds
 * where a single non-blocking try would see -EAGAIN.
 *
 * Return: 0, -ETIMEDOUT when the backlog stayed full until the deadline, or as
 * mp_ipc_connect().
 */
int mp_ipc_connect_wait(const char *path, unsigned timeout_ms, int *ret_fd);

/*
 * Root's own socket: the daemon also listens on @path with MP_IPC_ROOT_SUFFIX
 * appended, mode 0600. A listen backlog is one queue for every uid, and a
 * process that connects in a loop can keep it full; the kernel lets only
 * root connect to this one, so no other uid can queue in front of root.
 * (An abstract "@name" socket has no permissions: the daemon then refuses
 * other uids on it, but cannot keep them out of its backlog.)
 */
#define MP_IPC_ROOT_SUFFIX ".root"

/**
 * mp_ipc_root_path() - root's own socket beside @path (@path with MP_IPC_ROOT_SUFFIX).
 * @ret: receives the path; caller frees.
 *
 * Return: 0, -EINVAL for an empty path, -ENAMETOOLONG, -ENOMEM.
 */
int mp_ipc_root_path(const char *path, char **ret);

/**
 * mp_ipc_connect_daemon() - connect as the CLI does.
 * @path: the daemon socket, as for mp_ipc_connect().
 * @timeout_ms: as for mp_ipc_connect_wait().
 * @ret_fd: receives the socket.
 *
 * Root (effective uid 0) goes through the root-only socket beside @path, and
 * through @path itself when that does not exist or nobody listens on it.
 *
 * Return: as mp_ipc_connect_wait().
 */
int mp_ipc_connect_daemon(const char *path, unsigned timeout_ms, int *ret_fd);

/**
 * mp_ipc_request() - send one request and wait for its reply.
 * @fd: a connected socket (blocking or not; every read and write is bounded).
 * @req: the request text; at most MP_IPC_MAX_REQUEST bytes of valid UTF-8.
 * @timeout_ms: the deadline for the whole exchange; 0 means do not wait.
 * @ret_status: receives the daemon's status (0 or -errno).
 * @ret_body: receives the NUL-terminated body; caller frees. May be NULL.
 *
 * Return: 0 when a well-formed reply arrived (look at *@ret_status for the
 * command's own result), -ETIMEDOUT when the deadline passed, -EMSGSIZE for
 * an oversize request or reply, -EBADMSG for a malformed reply,
 * -ECONNRESET when the daemon closed the connection, -EINVAL for a bad
 * request, or another -errno. The outputs are written only on success.
 * A daemon that refuses a connection (-EBUSY) answers and closes it at once,
 * maybe before the request is sent; that answer is returned as the reply.
 */
int mp_ipc_request(int fd, const char *req, unsigned timeout_ms, int *ret_status, char **ret_body);

/**
 * struct mp_ipc_reader - incremental reader of one frame from a non-blocking socket.
 *
 * The server keeps one per connection and calls mp_ipc_reader_feed() each
 * time poll reports the socket readable. It never reads past the end of
 * the current frame, so pipelined requests stay queued in the socket.
 */
struct mp_ipc_reader {
	uint8_t header[MP_IPC_HEADER_SIZE];
	size_t header_len;
	size_t max_payload;
	size_t payload_len;
	size_t got;
	char *payload;
};

/**
 * mp_ipc_reader_init() - prepare @reader for frames of at most @max_payload bytes.
 * Use MP_IPC_MAX_REQUEST on the server side.
 */
void mp_ipc_reader_init(struct mp_ipc_reader *reader, size_t max_payload);

/**
 * mp_ipc_reader_feed() - read what is available on @fd without blocking.
 * @reader: the reader.
 * @fd: the socket; reads use MSG_DONTWAIT, so its own flags do not matter.
 *
 * Return: 1 when a full frame is ready (take it with mp_ipc_reader_take()),
 * 0 when more bytes are needed, -EMSGSIZE when the announced length exceeds
 * the limit, -ECONNRESET on EOF in the middle of a frame, -EPIPE on EOF
 * between frames (a clean hang-up), -ENOMEM, or another -errno from recv().
 * After an error the connection should be closed.
 */
int mp_ipc_reader_feed(struct mp_ipc_reader *reader, int fd);

/**
 * mp_ipc_reader_take() - hand over the complete frame and get ready for the next.
 * @reader: a reader whose last feed returned 1.
 * @ret_payload: receives the payload with a NUL appended; caller frees.
 * @ret_len: receives the payload length (without the NUL); may be NULL. The
 *           payload may itself hold NUL bytes: give this length, not strlen(),
 *           to mp_ipc_split().
 *
 * Return: 0, or -EAGAIN when no complete frame is held.
 */
int mp_ipc_reader_take(struct mp_ipc_reader *reader, char **ret_payload, size_t *ret_len);

/** mp_ipc_reader_release() - free a partial frame; the reader can be fed again from scratch. */
void mp_ipc_reader_release(struct mp_ipc_reader *reader);

/**
 * mp_ipc_reply_encode() - build a complete reply frame in memory.
 * @status: 0 or -errno (-4095..0).
 * @body: the reply text, NULL for none.
 * @ret_buf: receives the frame; caller frees.
 * @ret_len: receives its length.
 *
 * For servers that write replies from their event loop as the socket drains.
 *
 * Return: 0, -EINVAL for a bad status, -EMSGSIZE if too large, -ENOMEM.
 */
int mp_ipc_reply_encode(int status, const char *body, char **ret_buf, size_t *ret_len);

/**
 * mp_ipc_send_reply() - send a reply frame, waiting at most @timeout_ms.
 * @fd: the client socket.
 * @status: 0 or -errno.
 * @body: the reply text, NULL for none.
 * @timeout_ms: deadline for the whole write.
 *
 * Return: 0, -ETIMEDOUT, -EPIPE when the client went away, or as
 * mp_ipc_reply_encode().
 */
int mp_ipc_send_reply(int fd, int status, const char *body, unsigned timeout_ms);

/**
 * mp_ipc_split() - split a request into words.
 * @req: the request text; need not be NUL-terminated.
 * @len: its length in bytes: the frame's payload length, as mp_ipc_reader_take()
 *       gives it, so that a NUL byte inside the frame is seen and refused.
 * @ret_argv: receives a NULL-terminated array of words; free with mp_ipc_argv_free().
 * @ret_argc: receives the number of words.
 *
 * Words are separated by exactly one space; leading, trailing or doubled
 * spaces, control characters (U+0000..U+001F, U+007F..U+009F) and invalid
 * UTF-8 are rejected.
 *
 * Return: 0, -EINVAL for an empty or malformed request, -EMSGSIZE past
 * MP_IPC_MAX_REQUEST, -ENOMEM.
 */
int mp_ipc_split(const char *req, size_t len, char ***ret_argv, int *ret_argc);

/**
 * mp_ipc_join() - the inverse of mp_ipc_split(), for the CLI.
 * @argv: the words; each must be non-empty and pass the same checks.
 * @argc: how many.
 * @ret: receives the request text; caller frees.
 *
 * Return: 0, -EINVAL for a bad word, -EMSGSIZE, -ENOMEM.
 */
int mp_ipc_join(char *const *argv, int argc, char **ret);

/**
 * mp_ipc_take_json_flag() - remove a trailing "--json" word.
 * @argv: a word array from mp_ipc_split(); the removed word is freed.
 * @argc: its length, decremented when the flag was present.
 *
 * Return: 1 if the flag was present, 0 if not.
 */
int mp_ipc_take_json_flag(char **argv, int *argc);

/** mp_ipc_argv_free() - free a word array from mp_ipc_split(); accepts NULL. */
void mp_ipc_argv_free(char **argv);

/**
 * mp_ipc_peer_is_root() - whether the process on the other end of @fd runs as uid 0.
 *
 * Uses SO_PEERCRED, i.e. the credentials at connect() (or socketpair()) time.
 *
 * Return: 1 if root, 0 if not, or -errno when the credentials cannot be read.
 */
int mp_ipc_peer_is_root(int fd);
