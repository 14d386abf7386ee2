/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable string buffer. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static int strbuf_reserve(struct strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;
	size_t size;
	char *p;

	if (want <= sb->size)
		return 0;
	size = sb->size ? sb->size : 64;
	while (size < want)
		size *= 2;
	p = realloc(sb->buf, size);
	if (!p)
		return -ENOMEM;
	sb->buf = p;
	sb->size = size;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_append(struct strbuf *sb, const char *s, size_t len)
{
	int r = strbuf_reserve(sb, len);

	if (r < 0)
		return r;
	memcpy(sb->buf + sb->len, s, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_puts(struct strbuf *sb, const char *s)
{
	return strbuf_append(sb, s, strlen(s));
}

int strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	r = strbuf_reserve(sb, n);
	if (r < 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
	va_end(ap);
	sb->len += n;
	return 0;
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

char *strbuf_steal(struct strbuf *sb)
{
	char *p;

	if (!sb->buf && strbuf_reserve(sb, 0) < 0)
		return NULL;
	p = sb->buf;
	sb->buf = NULL;
	sb->len = sb->size = 0;
	return p;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->size = 0;
}
