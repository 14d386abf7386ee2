/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by every module: scope cleanup, ownership transfer, array sizes. */
#pragma once

#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <errno.h>
#include <stddef.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* The structure that embeds @ptr as its @member. */
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* Hand ownership of *p to the caller and leave NULL behind, so cleanup does nothing. */
#define TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })
#define TAKE_FD(fd) ({ int _fd = (fd); (fd) = -1; _fd; })

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Declare name##p() that calls func() on a pointer-to-pointer, for _cleanup_(name##p). */
#define DEFINE_FREE_FUNC(type, func) \
	static inline void func##p(type **p) { if (*p) func(*p); }

/* Write all @len bytes of @data to @fd, through short writes and EINTR; 0 or -errno. */
static inline int mp_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static inline int negative_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

#define streq(a, b) (strcmp((a), (b)) == 0)
