/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Named-level logging for libmpath and its users; the library logs through a hook the caller sets. */
#pragma once

#include <stdarg.h>

enum mp_log_level {
	MP_LOG_ERR = 3,
	MP_LOG_WARN = 4,
	MP_LOG_NOTICE = 5,
	MP_LOG_INFO = 6,
	MP_LOG_DEBUG = 7,
};

/**
 * typedef mp_log_hook_t - receives every message at or below the set level.
 * @level: the message's level.
 * @file, @line, @func: where it was logged.
 * @msg: the formatted message, without a trailing newline.
 */
typedef void (*mp_log_hook_t)(enum mp_log_level level, const char *file, int line,
			      const char *func, const char *msg, void *userdata);

/** mp_log_set_hook() - route messages to @hook (NULL restores the stderr default). */
void mp_log_set_hook(mp_log_hook_t hook, void *userdata);
/** mp_log_set_level() - drop messages less severe than @level. */
void mp_log_set_level(enum mp_log_level level);
enum mp_log_level mp_log_get_level(void);
/** mp_log_level_from_name() - "err", "warn", "notice", "info", "debug"; -EINVAL otherwise. */
int mp_log_level_from_name(const char *name);
const char *mp_log_level_name(enum mp_log_level level);

/**
 * mp_log_internal() - format and emit one message.
 * @error: a positive errno to append as ": <strerror>", or 0.
 *
 * Returns -@error, so callers can write `return log_err_errno(r, "...")`.
 */
int mp_log_internal(enum mp_log_level level, int error, const char *file, int line,
		    const char *func, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#define mp_log_full(level, error, ...) \
	((level) <= mp_log_get_level() ? \
	 mp_log_internal((level), (error), __FILE__, __LINE__, __func__, __VA_ARGS__) : \
	 -((error) < 0 ? -(error) : (error)))

#define log_err(...)    ((void)mp_log_full(MP_LOG_ERR, 0, __VA_ARGS__))
#define log_warn(...)   ((void)mp_log_full(MP_LOG_WARN, 0, __VA_ARGS__))
#define log_notice(...) ((void)mp_log_full(MP_LOG_NOTICE, 0, __VA_ARGS__))
#define log_info(...)   ((void)mp_log_full(MP_LOG_INFO, 0, __VA_ARGS__))
#define log_debug(...)  ((void)mp_log_full(MP_LOG_DEBUG, 0, __VA_ARGS__))

/* The _errno variants take a negative or positive errno, append its text and return -errno. */
#define log_err_errno(e, ...)   mp_log_full(MP_LOG_ERR, (e) < 0 ? -(e) : (e), __VA_ARGS__)
#define log_warn_errno(e, ...)  mp_log_full(MP_LOG_WARN, (e) < 0 ? -(e) : (e), __VA_ARGS__)
#define log_info_errno(e, ...)  mp_log_full(MP_LOG_INFO, (e) < 0 ? -(e) : (e), __VA_ARGS__)
#define log_debug_errno(e, ...) mp_log_full(MP_LOG_DEBUG, (e) < 0 ? -(e) : (e), __VA_ARGS__)
