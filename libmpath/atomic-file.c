/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Atomic replacement of state files (bindings, wwids). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"
#include "util.h"

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= n;
	}
	return 0;
}

static int fsync_parent(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	_cleanup_close_ int dfd = -1;

	if (!copy)
		return -ENOMEM;
	dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	return fsync(dfd) < 0 ? -errno : 0;
}

static int write_temp(int fd, const char *path, const char *data, size_t len, mode_t mode)
{
	struct stat st;
	int r;

	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	if (fchmod(fd, mode) < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (r < 0)
		return r;
	return fsync(fd) < 0 ? -errno : 0;
}

int mp_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode)
{
	_cleanup_free_ char *tmp = NULL;
	int fd, r;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = write_temp(fd, path, data, len, mode);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return fsync_parent(path);
}
