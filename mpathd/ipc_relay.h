/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The crossing between the IPC thread and the daemon's loop: requests that change state go over, their answers come back. */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <systemd/sd-event.h>

struct daemon;
struct ipc_conn;

/*
 * A request has one owner at a time: the IPC thread builds it, the queue
 * holds it, the loop runs it, the answer list holds it, and the IPC thread
 * frees it. Neither side ever waits for the other: each hands over under a
 * short lock and wakes the other through an eventfd. Root's requests are
 * run before those of other uids. The loop runs a few per wake-up, so a
 * queue of them never holds up its other events.
 */

/** struct ipc_request - a request for the daemon's loop. */
struct ipc_request {
	char **argv;
	int argc;
	bool json;
	bool root;
	int result;			/* written by the loop */
	char *body;			/* written by the loop */
	atomic_bool cancelled;		/* its client stopped waiting: the loop skips it */
	struct ipc_conn *conn;		/* the IPC thread's only: who waits for it; NULL once nobody does */
	struct ipc_relay *relay;	/* the loop's: where a command answered later sends its answer */
	struct ipc_request *next;
};

struct ipc_request_list {
	struct ipc_request *head;
	struct ipc_request **tail;
};

/** struct ipc_relay - the queues and their wake-ups. */
struct ipc_relay {
	struct daemon *d;		/* the loop's only */
	pthread_mutex_t lock;		/* the lists and stopping */
	struct ipc_request_list root_queue;
	struct ipc_request_list queue;
	struct ipc_request_list answers;
	bool stopping;
	int loop_fd;			/* eventfd: requests for the loop */
	int answer_fd;			/* eventfd: answers for the IPC thread */
	sd_event_source *source;
};

/** ipc_request_new() - a request taking @argv (even on failure). Return: 0 or -ENOMEM. */
int ipc_request_new(char **argv, int argc, bool json, bool root, struct ipc_request **ret);
void ipc_request_free(struct ipc_request *req);

/** ipc_request_cancel() - on the IPC thread: nobody waits for @req any more; the loop will skip it. */
void ipc_request_cancel(struct ipc_request *req);

/** ipc_relay_init() - on the loop: the eventfds and the loop's event source. Return: 0 or -errno. */
int ipc_relay_init(struct ipc_relay *r, struct daemon *d);

/** ipc_relay_release() - on the loop, once the IPC thread is gone: free what is left. */
void ipc_relay_release(struct ipc_relay *r);

/** ipc_relay_submit() - on the IPC thread: hand @req to the loop. Return: 0, or -ESHUTDOWN (@req not taken). */
int ipc_relay_submit(struct ipc_relay *r, struct ipc_request *req);

/** ipc_relay_take_answers() - on the IPC thread: every answered request, oldest first, chained by next. */
struct ipc_request *ipc_relay_take_answers(struct ipc_relay *r);

/**
 * ipc_relay_shutdown() - on the loop, when the daemon stops: the loop will run
 * nothing more; everything queued is answered -ESHUTDOWN, and so is every later submit.
 */
void ipc_relay_shutdown(struct ipc_relay *r);
