/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control socket's listening ends: everyone's (passed by systemd or created), and root's own beside it. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>

#include "ipc.h"
#include "ipc_listen.h"
#include "log.h"
#include "util.h"

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

static int socket_bind(int fd, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	bool abstract = path[0] == '@';

	memcpy(sa.sun_path, path, len);
	if (abstract)
		sa.sun_path[0] = '\0';
	if (bind(fd, (struct sockaddr *)&sa, offsetof(struct sockaddr_un, sun_path) + len + !abstract) < 0)
		return -errno;
	return 0;
}

/* @mode: of the socket file; 0666 for everyone's, 0600 for root's (the kernel checks it on connect). */
static int socket_create(const char *path, mode_t mode, int *ret_fd)
{
	bool abstract = path[0] == '@';
	_cleanup_close_ int fd = -1;
	int r;

	if (path[0] == '\0' || strlen(path) >= sizeof(((struct sockaddr_un *)NULL)->sun_path))
		return log_err_errno(-ENAMETOOLONG, "Bad socket path '%s'", path);
	if (!abstract && ((r = mkdir_parents(path, 0755)) < 0 || (r = stale_socket_remove(path)) < 0))
		return log_err_errno(r, "Failed to prepare %s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return log_err_errno(-errno, "Failed to create the IPC socket");
	r = socket_bind(fd, path);
	if (r < 0)
		return log_err_errno(r, "Failed to bind %s", path);
	if (!abstract && chmod(path, mode) < 0)
		r = log_err_errno(-errno, "Failed to chmod %s", path);
	else if (listen(fd, IPC_LISTEN_BACKLOG) < 0)
		r = log_err_errno(-errno, "Failed to listen on %s", path);
	if (r < 0) {
		if (!abstract)
			unlink(path);
		return r;
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Return: 1 with the socket systemd passed, 0 when there is none, or -errno. */
static int socket_inherit(int *ret_fd)
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
	/* listen() again sets our backlog, whatever the unit's Backlog= says */
	if (listen(fd, IPC_LISTEN_BACKLOG) < 0)
		log_warn_errno(-errno, "Failed to set the passed socket's backlog");
	*ret_fd = fd;
	return 1;
}

/* The name @fd is bound to, as mp_ipc_connect() takes it ("@name" when abstract). */
static int socket_name(int fd, char **ret)
{
	struct sockaddr_un sa = { 0 };
	socklen_t len = sizeof(sa);
	size_t n;
	char *name;

	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return -errno;
	if (len <= offsetof(struct sockaddr_un, sun_path))
		return -EINVAL;		/* unnamed */
	n = len - offsetof(struct sockaddr_un, sun_path);
	if (sa.sun_path[0] != '\0')
		n = strnlen(sa.sun_path, n);
	name = strndup(sa.sun_path, n);
	if (!name)
		return -ENOMEM;
	if (name[0] == '\0')
		name[0] = '@';
	*ret = name;
	return 0;
}

/* Everyone's socket: systemd's, else created at @path. */
static int main_open(const char *path, struct ipc_listen *l, char **ret_name)
{
	_cleanup_free_ char *name = NULL, *file = NULL;
	int r = socket_inherit(&l->fd);

	if (r > 0) {
		log_info("IPC: using the socket passed by systemd");
		r = socket_name(l->fd, ret_name);
		if (r < 0)
			log_warn_errno(r, "IPC: cannot tell where the passed socket is, to put root's beside it");
		return 0;
	}
	if (r < 0)
		return r;
	name = strdup(path);
	if (!name || (path[0] != '@' && !(file = strdup(path))))
		return log_err_errno(-ENOMEM, "IPC socket path");
	r = socket_create(path, 0666, &l->fd);
	if (r < 0)
		return r;
	log_info("IPC: listening on %s", path);
	l->unlink_path = TAKE_PTR(file);	/* only now: a failed start must not remove a live daemon's socket */
	*ret_name = TAKE_PTR(name);
	return 0;
}

/* Root's own socket beside @name; without it the daemon works, root just shares everyone's backlog. */
static void root_open(const char *name, struct ipc_listen *l)
{
	_cleanup_free_ char *path = NULL;
	int r = name ? mp_ipc_root_path(name, &path) : -ENOENT;

	if (r >= 0)
		r = socket_create(path, 0600, &l->root_fd);
	if (r < 0) {
		log_warn_errno(r, "IPC: no socket of root's own; root shares everyone's");
		return;
	}
	log_info("IPC: root's own socket %s", path);
	if (path[0] != '@')
		l->root_unlink_path = TAKE_PTR(path);
}

int ipc_listen_open(const char *path, struct ipc_listen *ret)
{
	struct ipc_listen l = { .fd = -1, .root_fd = -1 };
	_cleanup_free_ char *name = NULL;
	int r = main_open(path, &l, &name);

	if (r < 0) {
		ipc_listen_close(&l);
		return r;
	}
	root_open(name, &l);
	*ret = l;
	return 0;
}

static void socket_close(int *fd, char **unlink_path)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	if (*unlink_path)
		unlink(*unlink_path);
	free(*unlink_path);
	*unlink_path = NULL;
}

void ipc_listen_close(struct ipc_listen *l)
{
	socket_close(&l->fd, &l->unlink_path);
	socket_close(&l->root_fd, &l->root_unlink_path);
}
