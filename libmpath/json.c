/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A streaming JSON writer: state is a stack of open containers, errors are sticky. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"

void mp_json_init(struct mp_json *j, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->pretty = pretty;
}

void mp_json_release(struct mp_json *j)
{
	if (!j)
		return;
	strbuf_release(&j->sb);
	j->error = 0;
	j->depth = 0;
	j->after_key = j->done = false;
}

static int json_fail(struct mp_json *j, int r)
{
	if (!j->error)
		j->error = r;
	return j->error;
}

static int json_newline(struct mp_json *j)
{
	int r;

	if (!j->pretty)
		return 0;
	r = strbuf_puts(&j->sb, "\n");
	for (unsigned i = 0; r == 0 && i < j->depth; i++)
		r = strbuf_puts(&j->sb, "  ");
	return r;
}

/* Everything a value needs before it: a comma, a line break, or nothing after a key. */
static int json_before_value(struct mp_json *j)
{
	int r = 0;

	if (j->error)
		return j->error;
	if (j->depth == 0) {
		if (j->done)
			return json_fail(j, -EINVAL);
		j->done = true;
		return 0;
	}
	if (j->after_key) {
		j->after_key = false;
		return 0;
	}
	if (j->is_object[j->depth])
		return json_fail(j, -EINVAL);
	if (j->has_items[j->depth])
		r = strbuf_puts(&j->sb, ",");
	j->has_items[j->depth] = true;
	if (r == 0)
		r = json_newline(j);
	return r < 0 ? json_fail(j, r) : 0;
}

static int json_put(struct mp_json *j, const char *s)
{
	int r = strbuf_puts(&j->sb, s);

	return r < 0 ? json_fail(j, r) : 0;
}

static int json_begin(struct mp_json *j, bool object)
{
	int r = json_before_value(j);

	if (r < 0)
		return r;
	if (j->depth >= MP_JSON_MAX_DEPTH)
		return json_fail(j, -E2BIG);
	j->depth++;
	j->is_object[j->depth] = object;
	j->has_items[j->depth] = false;
	return json_put(j, object ? "{" : "[");
}

static int json_end(struct mp_json *j, bool object)
{
	bool had_items;
	int r;

	if (j->error)
		return j->error;
	if (j->depth == 0 || j->is_object[j->depth] != object || j->after_key)
		return json_fail(j, -EINVAL);
	had_items = j->has_items[j->depth];
	j->depth--;
	if (had_items && (r = json_newline(j)) < 0)
		return json_fail(j, r);
	return json_put(j, object ? "}" : "]");
}

int mp_json_begin_object(struct mp_json *j)
{
	return json_begin(j, true);
}

int mp_json_end_object(struct mp_json *j)
{
	return json_end(j, true);
}

int mp_json_begin_array(struct mp_json *j)
{
	return json_begin(j, false);
}

int mp_json_end_array(struct mp_json *j)
{
	return json_end(j, false);
}

static int json_escape_cp(struct strbuf *sb, uint32_t cp)
{
	switch (cp) {
	case '"': return strbuf_puts(sb, "\\\"");
	case '\\': return strbuf_puts(sb, "\\\\");
	case '\b': return strbuf_puts(sb, "\\b");
	case '\f': return strbuf_puts(sb, "\\f");
	case '\n': return strbuf_puts(sb, "\\n");
	case '\r': return strbuf_puts(sb, "\\r");
	case '\t': return strbuf_puts(sb, "\\t");
	}
	/* U+2028/2029 are valid JSON but break JavaScript string literals. */
	if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029 || cp == 0xfffd)
		return strbuf_printf(sb, "\\u%04" PRIx32, cp);
	return -EAGAIN; /* copy the bytes as they are */
}

static int json_put_quoted(struct mp_json *j, const char *s)
{
	size_t len = strlen(s), i = 0;
	int r = strbuf_puts(&j->sb, "\"");

	while (r == 0 && i < len) {
		uint32_t cp;
		int n = mp_utf8_decode(s + i, len - i, &cp);

		if (n < 0) {
			n = 1;
			cp = 0xfffd;
		}
		r = json_escape_cp(&j->sb, cp);
		if (r == -EAGAIN)
			r = strbuf_append(&j->sb, s + i, n);
		i += n;
	}
	if (r == 0)
		r = strbuf_puts(&j->sb, "\"");
	return r < 0 ? json_fail(j, r) : 0;
}

int mp_json_key(struct mp_json *j, const char *key)
{
	int r;

	if (j->error)
		return j->error;
	if (!key || j->depth == 0 || !j->is_object[j->depth] || j->after_key)
		return json_fail(j, -EINVAL);
	if (j->has_items[j->depth] && (r = json_put(j, ",")) < 0)
		return r;
	j->has_items[j->depth] = true;
	if ((r = json_newline(j)) < 0)
		return json_fail(j, r);
	if ((r = json_put_quoted(j, key)) < 0)
		return r;
	if ((r = json_put(j, j->pretty ? ": " : ":")) < 0)
		return r;
	j->after_key = true;
	return 0;
}

int mp_json_string(struct mp_json *j, const char *s)
{
	int r = json_before_value(j);

	if (r < 0)
		return r;
	return s ? json_put_quoted(j, s) : json_put(j, "null");
}

static int json_printf_value(struct mp_json *j, const char *text)
{
	int r = json_before_value(j);

	return r < 0 ? r : json_put(j, text);
}

int mp_json_int(struct mp_json *j, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return json_printf_value(j, buf);
}

int mp_json_uint(struct mp_json *j, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_printf_value(j, buf);
}

int mp_json_bool(struct mp_json *j, bool v)
{
	return json_printf_value(j, v ? "true" : "false");
}

int mp_json_null(struct mp_json *j)
{
	return json_printf_value(j, "null");
}

int mp_json_kv_string(struct mp_json *j, const char *key, const char *s)
{
	int r = mp_json_key(j, key);

	return r < 0 ? r : mp_json_string(j, s);
}

int mp_json_kv_int(struct mp_json *j, const char *key, int64_t v)
{
	int r = mp_json_key(j, key);

	return r < 0 ? r : mp_json_int(j, v);
}

int mp_json_kv_uint(struct mp_json *j, const char *key, uint64_t v)
{
	int r = mp_json_key(j, key);

	return r < 0 ? r : mp_json_uint(j, v);
}

int mp_json_kv_bool(struct mp_json *j, const char *key, bool v)
{
	int r = mp_json_key(j, key);

	return r < 0 ? r : mp_json_bool(j, v);
}

int mp_json_finish(struct mp_json *j, char **ret)
{
	char *text;

	if (j->error)
		return j->error;
	if (j->depth != 0 || !j->done)
		return json_fail(j, -EINVAL);
	if (j->pretty && strbuf_puts(&j->sb, "\n") < 0)
		return json_fail(j, -ENOMEM);
	text = strbuf_steal(&j->sb);
	if (!text)
		return json_fail(j, -ENOMEM);
	mp_json_release(j);
	*ret = text;
	return 0;
}
