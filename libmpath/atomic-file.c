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
#include "log.h"
#include "util.h"

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
	r = mp_write_all(fd, data, len);
	if (r < 0)
		return r;
	return fsync(fd) < 0 ? -errno : 0;
}

static mp_file_writer_fn writer;
static void *writer_data;

void mp_file_set_writer(mp_file_writer_fn fn, void *userdata)
{
	writer = fn;
	writer_data = userdata;
}

int mp_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode)
{
	return writer ? writer(path, data, len, mode, writer_data) : mp_file_replace_now(path, data, len, mode);
}

static int mkdir_parents(const char *path)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return -ENOMEM;
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

int mp_file_replace_now(const char *path, const char *data, size_t len, mode_t mode)
{
	_cleanup_free_ char *tmp = NULL;
	int fd, r;

	if (!data)
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	r = mkdir_parents(path);
	if (r < 0)
		return r;
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

int mp_file_read_lines(const char *path, int (*line_fn)(void *userdata, char *line, unsigned lineno),
		       void *userdata)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	unsigned lineno = 0;
	int r, sum = 0;

	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : log_err_errno(errno, "Failed to open %s", path);
	while (getline(&line, &size, f) >= 0) {
		r = line_fn(userdata, line, ++lineno);
		if (r < 0)
			return r;
		sum += r;
	}
	if (ferror(f))
		return log_err_errno(EIO, "Failed to read %s", path);
	return sum;
}
