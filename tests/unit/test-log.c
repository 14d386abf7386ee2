/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for named-level logging and the caller's hook. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"

static char last_msg[256];
static enum mp_log_level last_level;
static int calls;

static void hook(enum mp_log_level level, const char *file, int line, const char *func,
		 const char *msg, void *userdata)
{
	last_level = level;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
	calls++;
}

static void test_levels_filter(void **state)
{
	mp_log_set_hook(hook, NULL);
	mp_log_set_level(MP_LOG_WARN);
	calls = 0;
	log_info("hidden %d", 1);
	assert_int_equal(calls, 0);
	log_err("shown %d", 2);
	assert_int_equal(calls, 1);
	assert_int_equal(last_level, MP_LOG_ERR);
	assert_string_equal(last_msg, "shown 2");
}

static void test_errno_return(void **state)
{
	mp_log_set_hook(hook, NULL);
	mp_log_set_level(MP_LOG_DEBUG);
	assert_int_equal(log_err_errno(-ENOENT, "open %s", "x"), -ENOENT);
	assert_string_equal(last_msg, "open x: No such file or directory");
	assert_int_equal(log_warn_errno(EIO, "read"), -EIO);
	/* filtered messages still return the error */
	mp_log_set_level(MP_LOG_ERR);
	assert_int_equal(log_debug_errno(-EBUSY, "quiet"), -EBUSY);
}

static void test_names(void **state)
{
	assert_int_equal(mp_log_level_from_name("debug"), MP_LOG_DEBUG);
	assert_int_equal(mp_log_level_from_name("WARN"), MP_LOG_WARN);
	assert_int_equal(mp_log_level_from_name("loud"), -EINVAL);
	assert_string_equal(mp_log_level_name(MP_LOG_NOTICE), "notice");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels_filter),
		cmocka_unit_test(test_errno_return),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
