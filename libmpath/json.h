/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small streaming JSON writer on top of strbuf, for the CLI's and the daemon's --json output. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

#define MP_JSON_MAX_DEPTH 32

/*
 * The writer keeps the first error it hits ("sticky"): every later call
 * returns it and writes nothing, so a caller may chain many calls and check
 * only the result of mp_json_finish().
 */
struct mp_json {
	struct strbuf sb;
	bool pretty;
	int error;
	unsigned depth;
	bool has_items[MP_JSON_MAX_DEPTH + 1];
	bool is_object[MP_JSON_MAX_DEPTH + 1];
	bool after_key;
	bool done;
};

/**
 * mp_json_init() - start an empty document.
 * @j: the writer.
 * @pretty: indent with two spaces and put one member per line; otherwise compact.
 */
void mp_json_init(struct mp_json *j, bool pretty);

/** mp_json_release() - free the text; @j can be initialised again. Accepts NULL. */
void mp_json_release(struct mp_json *j);

/**
 * mp_json_begin_object() - open an object ("{") as the next value.
 * Return: 0, -EINVAL on misuse (e.g. a value without a key inside an
 * object, or a second top-level value), -E2BIG past MP_JSON_MAX_DEPTH, -ENOMEM.
 */
int mp_json_begin_object(struct mp_json *j);
/** mp_json_end_object() - close the innermost object; -EINVAL if that is not an object or a key waits for its value. */
int mp_json_end_object(struct mp_json *j);
/** mp_json_begin_array() - open an array ("[") as the next value; errors as mp_json_begin_object(). */
int mp_json_begin_array(struct mp_json *j);
/** mp_json_end_array() - close the innermost array; -EINVAL if that is not an array. */
int mp_json_end_array(struct mp_json *j);

/**
 * mp_json_key() - write a member name; only valid directly inside an object,
 * and must be followed by exactly one value. Escaped like mp_json_string().
 */
int mp_json_key(struct mp_json *j, const char *key);

/**
 * mp_json_string() - write a string value (NULL writes null).
 *
 * Quotes, backslashes and control characters are escaped; so are U+2028 and
 * U+2029. Bytes that are not valid UTF-8 (vendor strings from sysfs can be
 * anything) are written as U+FFFD rather than failing the whole document.
 */
int mp_json_string(struct mp_json *j, const char *s);
/** mp_json_int() - write a signed integer value. */
int mp_json_int(struct mp_json *j, int64_t v);
/** mp_json_uint() - write an unsigned integer value. */
int mp_json_uint(struct mp_json *j, uint64_t v);
/** mp_json_bool() - write true or false. */
int mp_json_bool(struct mp_json *j, bool v);
/** mp_json_null() - write null. */
int mp_json_null(struct mp_json *j);

/** mp_json_kv_string() - mp_json_key() then mp_json_string(). */
int mp_json_kv_string(struct mp_json *j, const char *key, const char *s);
/** mp_json_kv_int() - mp_json_key() then mp_json_int(). */
int mp_json_kv_int(struct mp_json *j, const char *key, int64_t v);
/** mp_json_kv_uint() - mp_json_key() then mp_json_uint(). */
int mp_json_kv_uint(struct mp_json *j, const char *key, uint64_t v);
/** mp_json_kv_bool() - mp_json_key() then mp_json_bool(). */
int mp_json_kv_bool(struct mp_json *j, const char *key, bool v);

/**
 * mp_json_finish() - check the document is complete and hand its text over.
 * @j: the writer; reset on success.
 * @ret: receives the text (with a trailing newline when pretty); caller frees.
 *
 * Return: 0; the sticky error; -EINVAL if a container is still open or
 * nothing was written.
 */
int mp_json_finish(struct mp_json *j, char **ret);
