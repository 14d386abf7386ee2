/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control socket's listening ends: everyone's (passed by systemd or created), and root's own beside it. */
#pragma once

/*
 * A burst of a few hundred non-blocking connects waits here while the IPC
 * thread accepts, instead of failing with EAGAIN (the kernel caps the value
 * at net.core.somaxconn, 4096 since Linux 5.4). Not more: the queue is one
 * FIFO for every uid that can connect, so under a connect flood a newcomer
 * waits behind a full backlog; 512 keeps that wait to tens of milliseconds,
 * where 4096 cost hundreds. mpath waits for room in a full backlog
 * (mp_ipc_connect_wait()), so a larger burst still gets in, and root has a
 * backlog of its own (MP_IPC_ROOT_SUFFIX in ipc.h).
 */
#define IPC_LISTEN_BACKLOG 512

/** struct ipc_listen - the listening sockets, non-blocking and close-on-exec. */
struct ipc_listen {
	int fd;			/* everyone's, mode 0666 */
	int root_fd;		/* root's own, mode 0600; -1 when it could not be made */
	char *unlink_path;	/* the files we created, removed at close; NULL otherwise */
	char *root_unlink_path;
};

/**
 * ipc_listen_open() - open the listening sockets.
 * @path: where to create everyone's socket, or "@name" for an abstract one;
 *        unused when systemd passed one (socket activation).
 * @ret: receives the sockets.
 *
 * Root's socket is made beside everyone's (mp_ipc_root_path()), also under
 * socket activation; without it the daemon still runs, with a warning. A
 * socket file left by a daemon that died is replaced; a live one, or a file
 * that is not a socket, is not. Everyone may connect to @path (state changes
 * are checked against the peer's uid).
 *
 * Return: 0 or -errno (everyone's socket failed), logged.
 */
int ipc_listen_open(const char *path, struct ipc_listen *ret);

/** ipc_listen_close() - close the sockets and remove the files we created; accepts a zeroed or closed one. */
void ipc_listen_close(struct ipc_listen *l);
