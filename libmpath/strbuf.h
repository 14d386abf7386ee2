/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable, always NUL-terminated string buffer for building tables, replies and listings. */
#pragma once

#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t size;
};

#define STRBUF_INIT { NULL, 0, 0 }

/** strbuf_append() - append @len bytes of @s; returns 0 or -ENOMEM. */
int strbuf_append(struct strbuf *sb, const char *s, size_t len);
/** strbuf_puts() - append a C string. */
int strbuf_puts(struct strbuf *sb, const char *s);
/** strbuf_printf() - append formatted text; returns 0 or -ENOMEM. */
int strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** strbuf_str() - the text so far, "" when empty; valid until the next change. */
const char *strbuf_str(const struct strbuf *sb);
/** strbuf_steal() - hand the buffer to the caller (never NULL on success) and reset @sb. */
char *strbuf_steal(struct strbuf *sb);
/** strbuf_reset() - forget the text but keep the memory. */
void strbuf_reset(struct strbuf *sb);
/** strbuf_release() - free the memory; @sb can be reused afterwards. */
void strbuf_release(struct strbuf *sb);

static inline void strbuf_releasep(struct strbuf *sb)
{
	strbuf_release(sb);
}
#define _cleanup_strbuf_ __attribute__((cleanup(strbuf_releasep)))
