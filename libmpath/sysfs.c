/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one way into sysfs: every path is built under a root that tests can move to a fake tree. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysfs.h"
#include "util.h"

#define SYSFS_DEFAULT_ROOT "/sys"

static char sysfs_root[PATH_MAX] = SYSFS_DEFAULT_ROOT;

const char *mp_sysfs_root(void)
{
	return sysfs_root;
}

int mp_sysfs_set_root(const char *root)
{
	size_t n;

	if (!root)
		root = SYSFS_DEFAULT_ROOT;
	n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	if (n >= sizeof(sysfs_root))
		return -ENAMETOOLONG;
	memcpy(sysfs_root, root, n);
	sysfs_root[n] = '\0';
	return 0;
}

__attribute__((format(printf, 4, 0)))
static int sysfs_vpath(const char *root, char *buf, size_t len, const char *fmt, va_list ap)
{
	int n, m;

	if (!root)
		root = sysfs_root;
	/* "/" as root must not turn "/block" into "//block". */
	n = snprintf(buf, len, "%s", streq(root, "/") ? "" : root);
	if (n < 0 || (size_t)n + 1 >= len)
		return -ENAMETOOLONG;
	if (fmt[0] != '/')
		buf[n++] = '/';
	m = vsnprintf(buf + n, len - n, fmt, ap);
	if (m < 0 || (size_t)m >= len - n)
		return -ENAMETOOLONG;
	return n + m;
}

int mp_sysfs_path_at(const char *root, char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = sysfs_vpath(root, buf, len, fmt, ap);
	va_end(ap);
	return r;
}

int mp_sysfs_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = sysfs_vpath(NULL, buf, len, fmt, ap);
	va_end(ap);
	return r;
}

/* Read until EOF; -ENOBUFS if more than @len bytes are there. */
static ssize_t read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;

	for (;;) {
		char extra;
		ssize_t n = got < len ? read(fd, buf + got, len - got) : read(fd, &extra, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return (ssize_t)got;
		if (got == len)
			return -ENOBUFS;
		got += n;
	}
}

int mp_sysfs_read_attr(const char *relpath, char *buf, size_t len)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];
	ssize_t n;
	int r;

	if (len == 0)
		return -ENOBUFS;
	r = mp_sysfs_path(path, sizeof(path), "%s", relpath);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read_all(fd, buf, len - 1);
	if (n < 0)
		return (int)n;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return (int)n;
}

int mp_sysfs_write_attr(const char *relpath, const char *value)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];
	size_t len = strlen(value);
	ssize_t n;
	int r;

	r = mp_sysfs_path(path, sizeof(path), "%s", relpath);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

void mp_sysfs_read_attrf(char *buf, size_t len, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;
	int n;

	buf[0] = '\0';
	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel) || mp_sysfs_read_attr(rel, buf, len) < 0)
		buf[0] = '\0';
}
