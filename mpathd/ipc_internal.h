/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The IPC server's own types, shared by its thread (ipc_server.c) and its connections (ipc_conn.c). */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <urcu/list.h>

#include "ipc.h"
#include "ipc_listen.h"
#include "ipc_ratelimit.h"
#include "ipc_relay.h"
#include "ipc_sched.h"
#include "ipc_slots.h"
#include "log.h"

#define IPC_USEC_PER_SEC 1000000ull

/* The connection table (ipc_slots.h has the policy). */
#define IPC_MAX_CONNS		4096
#define IPC_ROOT_RESERVE	1024	/* of IPC_MAX_CONNS, never held by non-root uids */
#define IPC_PER_UID		32	/* connections of one non-root uid */

/* How long a connection may stay in a state (see enum ipc_conn_state). */
#define IPC_IDLE_TIMEOUT_USEC	(60 * IPC_USEC_PER_SEC)	/* nothing sent */
#define IPC_FRAME_TIMEOUT_USEC	(5 * IPC_USEC_PER_SEC)	/* a whole frame, once begun: no trickling */
#define IPC_LOOP_TIMEOUT_USEC	(30 * IPC_USEC_PER_SEC)	/* waiting for its turn and for the loop */
#define IPC_SEND_TIMEOUT_USEC	(5 * IPC_USEC_PER_SEC)	/* the whole reply */

/*
 * A connection's life. IDLE and READING hold no request: they may be closed
 * to make room (ipc_slots.h). The other states hold one; the connection is
 * not read again until its reply is out, so pipelined requests are answered
 * in order and a client cannot queue more than one at a time per connection.
 */
enum ipc_conn_state {
	IPC_CONN_IDLE,		/* between requests */
	IPC_CONN_READING,	/* part of a frame has arrived */
	IPC_CONN_WAITING,	/* a whole request waits for its uid's turn (ipc_sched.h) */
	IPC_CONN_LOOP,		/* the request is with the daemon's loop */
	IPC_CONN_WRITING,	/* its reply is going out */
};

/** struct ipc_conn - one client connection; owned by the IPC thread. */
struct ipc_conn {
	int fd;				/* -1 once closed */
	uid_t uid;			/* SO_PEERCRED, read at accept */
	enum ipc_conn_state state;
	uint64_t deadline;		/* µs: when the state times out */
	uint32_t events;		/* the epoll interest */
	bool watched;			/* added to epoll */
	bool hup;			/* the client hung up: off epoll; finish the request in hand, then close */
	bool close_after_write;
	struct mp_ipc_reader reader;
	char *request;			/* WAITING: the payload */
	size_t request_len;
	struct ipc_request *req;	/* LOOP */
	char *out;			/* WRITING: the reply frame */
	size_t out_len;
	size_t out_off;
	struct ipc_slot slot;
	struct ipc_sched_entry turn;
	struct cds_list_head link;	/* in the server's conns; in closed once closed */
};

/** struct ipc_log_kind - one kind of line logged at most once a second. */
struct ipc_log_kind {
	struct ipc_ratelimit limit;
	enum mp_log_level level;
	const char *what;		/* for the count of lines held back, e.g. "connections refused" */
};

struct ipc_server {
	struct ipc_listen listen;
	int epoll_fd;
	int stop_fd;			/* eventfd: the loop tells the IPC thread to stop */
	int spare_fd;			/* given up to accept one more connection when out of descriptors */
	char *busy_reply;		/* the -EBUSY frame a refused connection gets */
	size_t busy_reply_len;
	pthread_t thread;
	bool thread_running;
	struct ipc_relay relay;

	/* the IPC thread's own */
	bool stopping;
	uint64_t stop_deadline;
	bool accept_paused;		/* accept() failed for lack of resources: retried at the next sweep */
	uint64_t next_sweep;
	struct ipc_slot_table slots;
	struct ipc_sched sched;
	struct cds_list_head conns;
	struct cds_list_head closed;	/* closed during this round, freed at its end */
	struct ipc_log_kind refused;
	struct ipc_log_kind evicted;
	struct ipc_log_kind dropped;
};

/* ipc_server.c */
/** ipc_log_limited() - log a line of @kind unless one went out less than a second ago. */
void ipc_log_limited(struct ipc_log_kind *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ipc_conn.c: everything runs on the IPC thread */
/** ipc_conn_open() - a new connection from @uid (room already made); takes @fd. Return: 0 or -errno. */
int ipc_conn_open(struct ipc_server *s, int fd, uid_t uid);
/** ipc_conn_close() - close @c at once, giving up its request; freed by ipc_conns_reap(). */
void ipc_conn_close(struct ipc_server *s, struct ipc_conn *c);
/** ipc_conns_reap() - free the connections closed during this round. */
void ipc_conns_reap(struct ipc_server *s);
/** ipc_conn_event() - epoll reported @events on @c (which may have been closed this round). */
void ipc_conn_event(struct ipc_server *s, struct ipc_conn *c, uint32_t events);
/** ipc_conn_probe() - before @c is closed to make room, read what it sent: whether it is still idle and open. */
bool ipc_conn_probe(struct ipc_server *s, struct ipc_conn *c);
/** ipc_conn_serve() - @c's request has its turn: answer it, or send it to the loop. */
void ipc_conn_serve(struct ipc_server *s, struct ipc_conn *c);
/** ipc_conn_answer() - the loop answered @req (taken): reply to whoever still waits for it. */
void ipc_conn_answer(struct ipc_server *s, struct ipc_request *req);
/** ipc_conn_expire() - @c's deadline passed. */
void ipc_conn_expire(struct ipc_server *s, struct ipc_conn *c);
/** ipc_conn_stop() - the server stops: finish the request in hand (-ESHUTDOWN if not begun), else close. */
void ipc_conn_stop(struct ipc_server *s, struct ipc_conn *c);
