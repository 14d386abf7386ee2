/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The default log sink (stderr) and the hook that lets the daemon send messages to the journal. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"

static mp_log_hook_t log_hook;
static void *log_hook_data;
static enum mp_log_level log_level = MP_LOG_INFO;

static const char *const level_names[] = {
	[MP_LOG_ERR] = "err",
	[MP_LOG_WARN] = "warn",
	[MP_LOG_NOTICE] = "notice",
	[MP_LOG_INFO] = "info",
	[MP_LOG_DEBUG] = "debug",
};

void mp_log_set_hook(mp_log_hook_t hook, void *userdata)
{
	log_hook = hook;
	log_hook_data = userdata;
}

void mp_log_set_level(enum mp_log_level level)
{
	log_level = level;
}

enum mp_log_level mp_log_get_level(void)
{
	return log_level;
}

const char *mp_log_level_name(enum mp_log_level level)
{
	if (level < MP_LOG_ERR || level > MP_LOG_DEBUG)
		return "?";
	return level_names[level];
}

int mp_log_level_from_name(const char *name)
{
	for (int l = MP_LOG_ERR; l <= MP_LOG_DEBUG; l++)
		if (strcasecmp(name, level_names[l]) == 0)
			return l;
	if (strcasecmp(name, "error") == 0)
		return MP_LOG_ERR;
	if (strcasecmp(name, "warning") == 0)
		return MP_LOG_WARN;
	return -EINVAL;
}

int mp_log_internal(enum mp_log_level level, int error, const char *file, int line,
		    const char *func, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (error && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(error));

	if (log_hook)
		log_hook(level, file, line, func, msg, log_hook_data);
	else
		fprintf(stderr, "%s: %s\n", mp_log_level_name(level), msg);
	return -error;
}
