/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the JSON writer: layout, escaping, misuse. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "json.h"

static void write_sample(struct mp_json *j)
{
	assert_int_equal(mp_json_begin_object(j), 0);
	assert_int_equal(mp_json_kv_string(j, "name", "mpatha"), 0);
	assert_int_equal(mp_json_kv_uint(j, "size", 2097152), 0);
	assert_int_equal(mp_json_key(j, "paths"), 0);
	assert_int_equal(mp_json_begin_array(j), 0);
	assert_int_equal(mp_json_begin_object(j), 0);
	assert_int_equal(mp_json_kv_string(j, "dev", "sdb"), 0);
	assert_int_equal(mp_json_kv_bool(j, "active", true), 0);
	assert_int_equal(mp_json_kv_int(j, "prio", -1), 0);
	assert_int_equal(mp_json_end_object(j), 0);
	assert_int_equal(mp_json_string(j, NULL), 0);
	assert_int_equal(mp_json_end_array(j), 0);
	assert_int_equal(mp_json_key(j, "empty"), 0);
	assert_int_equal(mp_json_begin_array(j), 0);
	assert_int_equal(mp_json_end_array(j), 0);
	assert_int_equal(mp_json_key(j, "none"), 0);
	assert_int_equal(mp_json_begin_object(j), 0);
	assert_int_equal(mp_json_end_object(j), 0);
	assert_int_equal(mp_json_end_object(j), 0);
}

static void test_compact(void **state)
{
	struct mp_json j;
	char *s = NULL;

	mp_json_init(&j, false);
	write_sample(&j);
	assert_int_equal(mp_json_finish(&j, &s), 0);
	assert_string_equal(s, "{\"name\":\"mpatha\",\"size\":2097152,\"paths\":[{\"dev\":\"sdb\","
			    "\"active\":true,\"prio\":-1},null],\"empty\":[],\"none\":{}}");
	free(s);
}

static void test_pretty(void **state)
{
	struct mp_json j;
	char *s = NULL;

	mp_json_init(&j, true);
	write_sample(&j);
	assert_int_equal(mp_json_finish(&j, &s), 0);
	assert_string_equal(s,
			    "{\n"
			    "  \"name\": \"mpatha\",\n"
			    "  \"size\": 2097152,\n"
			    "  \"paths\": [\n"
			    "    {\n"
			    "      \"dev\": \"sdb\",\n"
			    "      \"active\": true,\n"
			    "      \"prio\": -1\n"
			    "    },\n"
			    "    null\n"
			    "  ],\n"
			    "  \"empty\": [],\n"
			    "  \"none\": {}\n"
			    "}\n");
	free(s);
}

static char *one_string(const char *in)
{
	struct mp_json j;
	char *s = NULL;

	mp_json_init(&j, false);
	assert_int_equal(mp_json_string(&j, in), 0);
	assert_int_equal(mp_json_finish(&j, &s), 0);
	return s;
}

static void test_escaping(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "plain", "\"plain\"" },
		{ "", "\"\"" },
		{ "a\"b\\c/d", "\"a\\\"b\\\\c/d\"" },
		{ "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ "bad\xff" "byte", "\"bad\\ufffdbyte\"" },
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },
		{ "cut\xe2\x82", "\"cut\\ufffd\\ufffd\"" },
		{ "ls\xe2\x80\xa8ps\xe2\x80\xa9", "\"ls\\u2028ps\\u2029\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = one_string(cases[i].in);

		assert_string_equal(s, cases[i].out);
		free(s);
	}
}

static void test_numbers(void **state)
{
	struct mp_json j;
	char *s = NULL;

	mp_json_init(&j, false);
	assert_int_equal(mp_json_begin_array(&j), 0);
	assert_int_equal(mp_json_int(&j, INT64_MIN), 0);
	assert_int_equal(mp_json_uint(&j, UINT64_MAX), 0);
	assert_int_equal(mp_json_int(&j, 0), 0);
	assert_int_equal(mp_json_bool(&j, false), 0);
	assert_int_equal(mp_json_null(&j), 0);
	assert_int_equal(mp_json_end_array(&j), 0);
	assert_int_equal(mp_json_finish(&j, &s), 0);
	assert_string_equal(s, "[-9223372036854775808,18446744073709551615,0,false,null]");
	free(s);
}

static void test_misuse(void **state)
{
	struct mp_json j;
	char *s = NULL;

	/* A value without a key inside an object; the error sticks. */
	mp_json_init(&j, false);
	assert_int_equal(mp_json_begin_object(&j), 0);
	assert_int_equal(mp_json_int(&j, 1), -EINVAL);
	assert_int_equal(mp_json_kv_int(&j, "a", 1), -EINVAL);
	assert_int_equal(mp_json_end_object(&j), -EINVAL);
	assert_int_equal(mp_json_finish(&j, &s), -EINVAL);
	assert_null(s);
	mp_json_release(&j);

	/* A key inside an array; a key at top level; two keys in a row. */
	mp_json_init(&j, false);
	assert_int_equal(mp_json_begin_array(&j), 0);
	assert_int_equal(mp_json_key(&j, "a"), -EINVAL);
	mp_json_release(&j);
	mp_json_init(&j, false);
	assert_int_equal(mp_json_key(&j, "a"), -EINVAL);
	mp_json_release(&j);
	mp_json_init(&j, false);
	assert_int_equal(mp_json_begin_object(&j), 0);
	assert_int_equal(mp_json_key(&j, "a"), 0);
	assert_int_equal(mp_json_key(&j, "b"), -EINVAL);
	mp_json_release(&j);

	/* A dangling key, mismatched ends, unclosed containers, empty documents, two documents. */
	mp_json_init(&j, false);
	assert_int_equal(mp_json_begin_object(&j), 0);
	assert_int_equal(mp_json_key(&j, "a"), 0);
	assert_int_equal(mp_json_end_object(&j), -EINVAL);
	mp_json_release(&j);
	mp_json_init(&j, false);
	assert_int_equal(mp_json_begin_object(&j), 0);
	assert_int_equal(mp_json_end_array(&j), -EINVAL);
	mp_json_release(&j);
	mp_json_init(&j, false);
	assert_int_equal(mp_json_begin_array(&j), 0);
	assert_int_equal(mp_json_finish(&j, &s), -EINVAL);
	mp_json_release(&j);
	mp_json_init(&j, false);
	assert_int_equal(mp_json_finish(&j, &s), -EINVAL);
	mp_json_release(&j);
	mp_json_init(&j, false);
	assert_int_equal(mp_json_int(&j, 1), 0);
	assert_int_equal(mp_json_int(&j, 2), -EINVAL);
	mp_json_release(&j);
	assert_null(s);
}

static void test_depth(void **state)
{
	struct mp_json j;
	char *s = NULL;

	mp_json_init(&j, false);
	for (int i = 0; i < MP_JSON_MAX_DEPTH; i++)
		assert_int_equal(mp_json_begin_array(&j), 0);
	assert_int_equal(mp_json_begin_array(&j), -E2BIG);
	mp_json_release(&j);

	mp_json_init(&j, false);
	for (int i = 0; i < MP_JSON_MAX_DEPTH; i++)
		assert_int_equal(mp_json_begin_array(&j), 0);
	for (int i = 0; i < MP_JSON_MAX_DEPTH; i++)
		assert_int_equal(mp_json_end_array(&j), 0);
	assert_int_equal(mp_json_finish(&j, &s), 0);
	assert_int_equal(strlen(s), 2 * MP_JSON_MAX_DEPTH);
	free(s);
	mp_json_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_depth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
