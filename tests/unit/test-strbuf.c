/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the growable string buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "strbuf.h"

static void test_empty(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	assert_string_equal(strbuf_str(&sb), "");
	char *s = strbuf_steal(&sb);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

static void test_append_and_grow(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < 1000; i++)
		assert_int_equal(strbuf_printf(&sb, "%d,", i % 10), 0);
	assert_int_equal(sb.len, 2000);
	assert_true(sb.size > sb.len);
	assert_int_equal(strncmp(strbuf_str(&sb), "0,1,2,3,", 8), 0);
	strbuf_reset(&sb);
	assert_string_equal(strbuf_str(&sb), "");
	assert_int_equal(strbuf_puts(&sb, "abc"), 0);
	assert_int_equal(strbuf_append(&sb, "defgh", 2), 0);
	assert_string_equal(strbuf_str(&sb), "abcde");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_append_and_grow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
