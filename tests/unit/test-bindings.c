/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the bindings and wwids files, in temporary folders. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "bindings.h"
#include "log.h"
#include "util.h"
#include "wwids.h"

struct fixture {
	char dir[64];
	char path[128];
};

/* Warnings are collected here so tests can check what was reported. */
static char logged[8192];

static void capture_log(enum mp_log_level level, const char *file, int line, const char *func,
			const char *msg, void *userdata)
{
	size_t len = strlen(logged);

	snprintf(logged + len, sizeof(logged) - len, "%s\n", msg);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/mpath-bindings-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/bindings", f->dir);
	logged[0] = '\0';
	mp_log_set_hook(capture_log, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	DIR *d = opendir(f->dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char p[512];

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f);
	mp_log_set_hook(NULL, NULL);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 65536);

	assert_non_null(fp);
	assert_non_null(buf);
	assert_true(fread(buf, 1, 65535, fp) < 65535);
	fclose(fp);
	return buf;
}

static size_t dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void assert_alias(const char *prefix, unsigned long index, const char *expected)
{
	_cleanup_free_ char *alias = NULL;
	unsigned long back;

	assert_int_equal(mp_alias_format(prefix, index, &alias), 0);
	assert_string_equal(alias, expected);
	assert_int_equal(mp_alias_index(prefix, alias, &back), 0);
	assert_int_equal(back, index);
}

static void test_alias_sequence(void **state)
{
	unsigned long v;

	assert_alias("mpath", 0, "mpatha");
	assert_alias("mpath", 25, "mpathz");
	assert_alias("mpath", 26, "mpathaa");
	assert_alias("mpath", 27, "mpathab");
	assert_alias("mpath", 51, "mpathaz");
	assert_alias("mpath", 52, "mpathba");
	assert_alias("mpath", 701, "mpathzz");
	assert_alias("mpath", 702, "mpathaaa");
	assert_alias("", 18277, "zzz");
	for (unsigned long i = 0; i < 20000; i++) {
		_cleanup_free_ char *alias = NULL;

		assert_int_equal(mp_alias_format("disk", i, &alias), 0);
		assert_int_equal(mp_alias_index("disk", alias, &v), 0);
		assert_int_equal(v, i);
	}
	assert_int_equal(mp_alias_index("mpath", "mpath", &v), -EINVAL);
	assert_int_equal(mp_alias_index("mpath", "mpathA", &v), -EINVAL);
	assert_int_equal(mp_alias_index("mpath", "mpath1", &v), -EINVAL);
	assert_int_equal(mp_alias_index("mpath", "mpatha-1", &v), -EINVAL);
	assert_int_equal(mp_alias_index("mpath", "data", &v), -EINVAL);
	assert_int_equal(mp_alias_index("mpath", "mpathzzzzzzzzzzzzzzzzzz", &v), -EINVAL);
}

static void test_allocation_and_restart(void **state)
{
	struct fixture *f = *state;
	_cleanup_mp_bindings_ struct mp_bindings *b = NULL;
	_cleanup_mp_bindings_ struct mp_bindings *again = NULL;
	_cleanup_free_ char *text = NULL;
	const char *alias;
	char wwid[32];

	assert_int_equal(mp_bindings_load(f->path, "mpath", &b), 0);
	assert_int_equal(b->nr, 0);
	for (int i = 0; i < 30; i++) {
		snprintf(wwid, sizeof(wwid), "3600a0b80000%04d", i);
		assert_int_equal(mp_bindings_assign(b, wwid, &alias), 1);
	}
	assert_string_equal(mp_bindings_alias(b, "3600a0b800000000"), "mpatha");
	assert_string_equal(mp_bindings_alias(b, "3600a0b800000025"), "mpathz");
	assert_string_equal(mp_bindings_alias(b, "3600a0b800000026"), "mpathaa");
	assert_string_equal(mp_bindings_alias(b, "3600a0b800000029"), "mpathad");
	assert_string_equal(mp_bindings_wwid(b, "mpathab"), "3600a0b800000027");
	assert_null(mp_bindings_wwid(b, "mpathae"));
	/* Known wwids keep their alias. */
	assert_int_equal(mp_bindings_assign(b, "3600a0b800000003", &alias), 0);
	assert_string_equal(alias, "mpathd");

	text = read_file(f->path);
	assert_non_null(strstr(text, "\nmpatha 3600a0b800000000\nmpathb 3600a0b800000001\n"));
	assert_non_null(strstr(text, "\nmpathad 3600a0b800000029\n"));

	/* After a restart: same aliases, allocation continues. */
	assert_int_equal(mp_bindings_load(f->path, "mpath", &again), 0);
	assert_int_equal(again->nr, 30);
	assert_string_equal(mp_bindings_alias(again, "3600a0b800000026"), "mpathaa");
	assert_int_equal(mp_bindings_assign(again, "3600a0b8new", &alias), 1);
	assert_string_equal(alias, "mpathae");
	assert_string_equal(logged, "");
}

static void test_gaps_and_prefixes(void **state)
{
	struct fixture *f = *state;
	_cleanup_mp_bindings_ struct mp_bindings *b = NULL;
	_cleanup_free_ char *next = NULL;
	const char *alias;

	write_file(f->path, "mpatha w1\nmpathc w3\ndata w9\ndiskb w8\n");
	assert_int_equal(mp_bindings_load(f->path, "mpath", &b), 0);
	assert_int_equal(mp_bindings_next_alias(b, &next), 0);
	assert_string_equal(next, "mpathb");
	assert_int_equal(mp_bindings_assign(b, "w2", &alias), 1);
	assert_string_equal(alias, "mpathb");
	assert_int_equal(mp_bindings_assign(b, "w4", &alias), 1);
	assert_string_equal(alias, "mpathd");
	mp_bindings_free(TAKE_PTR(b));

	assert_int_equal(mp_bindings_load(f->path, "disk", &b), 0);
	assert_int_equal(mp_bindings_assign(b, "w5", &alias), 1);
	assert_string_equal(alias, "diska");
	assert_int_equal(mp_bindings_assign(b, "w6", &alias), 1);
	assert_string_equal(alias, "diskc");

	/* Manual bindings: conflicts and malformed names. */
	assert_int_equal(mp_bindings_add(b, "data", "w9"), 0);
	assert_int_equal(mp_bindings_add(b, "data", "w10"), -EEXIST);
	assert_int_equal(mp_bindings_add(b, "other", "w9"), -EEXIST);
	assert_int_equal(mp_bindings_add(b, "a/b", "w11"), -EINVAL);
	assert_int_equal(mp_bindings_add(b, "..", "w11"), -EINVAL);
	assert_int_equal(mp_bindings_add(b, "ok", "w 11"), -EINVAL);
	assert_int_equal(mp_bindings_add(b, "ok", "w11"), 1);
}

static void test_bad_lines(void **state)
{
	struct fixture *f = *state;
	_cleanup_mp_bindings_ struct mp_bindings *b = NULL;
	char expect[256];

	write_file(f->path,
		   "# header comment\n"			/* 1 */
		   "\n"					/* 2 */
		   "mpatha 3600a  # trailing comment\n"	/* 3 */
		   "mpathb\n"				/* 4: no wwid */
		   "mpathc 3600c extra\n"		/* 5: too many words */
		   "mpatha 3600z\n"			/* 6: alias rebound */
		   "mpathd 3600a\n"			/* 7: wwid rebound */
		   "mpatha 3600a\n"			/* 8: exact duplicate */
		   "   \t \n"				/* 9 */
		   "mpathe\t3600e\r\n"			/* 10 */
		   "bad/alias 3600f\n");		/* 11 */
	assert_int_equal(mp_bindings_load(f->path, "mpath", &b), 6);
	assert_int_equal(b->nr, 2);
	assert_string_equal(mp_bindings_wwid(b, "mpatha"), "3600a");
	assert_string_equal(mp_bindings_wwid(b, "mpathe"), "3600e");
	for (unsigned line = 1; line <= 11; line++) {
		bool bad = line == 4 || line == 5 || line == 6 || line == 7 || line == 8 || line == 11;

		snprintf(expect, sizeof(expect), "%s:%u: ", f->path, line);
		if (bad != (strstr(logged, expect) != NULL))
			fail_msg("line %u %s reported:\n%s", line, bad ? "not" : "wrongly", logged);
	}
	assert_non_null(strstr(logged, "alias mpatha is already bound to 3600a"));
	assert_non_null(strstr(logged, "wwid 3600a already has alias mpatha"));
}

static void test_atomic_save(void **state)
{
	struct fixture *f = *state;
	_cleanup_mp_bindings_ struct mp_bindings *b = NULL;
	_cleanup_mp_bindings_ struct mp_bindings *lost = NULL;
	char path[192];
	struct stat st;
	const char *alias;

	write_file(f->path, "mpatha w1\n");
	assert_int_equal(chmod(f->path, 0640), 0);
	assert_int_equal(mp_bindings_load(f->path, "mpath", &b), 0);
	assert_int_equal(mp_bindings_assign(b, "w2", &alias), 1);
	/* Only the bindings file is left (no temp file), and it kept its mode. */
	assert_int_equal(dir_entries(f->dir), 1);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);

	/* A folder that does not exist: the new binding is not kept. */
	snprintf(path, sizeof(path), "%s/missing/bindings", f->dir);
	assert_int_equal(mp_bindings_load(path, "mpath", &lost), 0);
	assert_int_equal(mp_bindings_assign(lost, "w1", &alias), -ENOENT);
	assert_int_equal(lost->nr, 0);
	assert_null(mp_bindings_alias(lost, "w1"));
	assert_non_null(strstr(logged, "Failed to save bindings"));

	/* A rename that fails (a folder is in the way): the temp file does not stay behind. */
	snprintf(path, sizeof(path), "%s/sub", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sub/bindings", f->dir);
	mp_bindings_free(TAKE_PTR(lost));
	assert_int_equal(mp_bindings_load(path, "mpath", &lost), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sub/bindings/x", f->dir);
	write_file(path, "x");
	assert_true(mp_bindings_assign(lost, "w1", &alias) < 0);
	snprintf(path, sizeof(path), "%s/sub", f->dir);
	assert_int_equal(dir_entries(path), 1);
	snprintf(path, sizeof(path), "%s/sub/bindings/x", f->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub/bindings", f->dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sub", f->dir);
	rmdir(path);

	/* Something that cannot be read as a file: loading fails instead of pretending it is empty. */
	mp_bindings_free(TAKE_PTR(lost));
	assert_true(mp_bindings_load(f->dir, "mpath", &lost) < 0);
	assert_null(lost);
}

static void test_wwids(void **state)
{
	struct fixture *f = *state;
	_cleanup_mp_wwids_ struct mp_wwids *w = NULL;
	_cleanup_mp_wwids_ struct mp_wwids *again = NULL;
	_cleanup_free_ char *text = NULL;
	char path[192];

	snprintf(path, sizeof(path), "%s/wwids", f->dir);
	assert_int_equal(mp_wwids_load(path, &w), 0);
	assert_false(mp_wwids_contains(w, "3600a"));
	assert_int_equal(mp_wwids_add(w, "3600a"), 1);
	assert_int_equal(mp_wwids_add(w, "3600a"), 0);
	assert_int_equal(mp_wwids_add(w, "3600b"), 1);
	assert_int_equal(mp_wwids_add(w, "36/00"), -EINVAL);
	assert_int_equal(mp_wwids_add(w, ""), -EINVAL);
	text = read_file(path);
	assert_non_null(strstr(text, "\n/3600a/\n/3600b/\n"));
	assert_int_equal(dir_entries(f->dir), 1);

	assert_int_equal(mp_wwids_load(path, &again), 0);
	assert_true(mp_wwids_contains(again, "3600b"));
	assert_int_equal(mp_wwids_remove(again, "3600a"), 1);
	assert_int_equal(mp_wwids_remove(again, "3600a"), 0);
	assert_false(mp_wwids_contains(again, "3600a"));
	assert_true(mp_wwids_contains(again, "3600b"));
	mp_wwids_free(TAKE_PTR(again));
	assert_int_equal(mp_wwids_load(path, &again), 0);
	assert_int_equal(again->nr, 1);
}

static void test_wwids_bad_lines(void **state)
{
	struct fixture *f = *state;
	_cleanup_mp_wwids_ struct mp_wwids *w = NULL;
	char path[192], expect[256];

	snprintf(path, sizeof(path), "%s/wwids", f->dir);
	write_file(path,
		   "# comment\n"		/* 1 */
		   "/3600a/\n"			/* 2 */
		   "3600b\n"			/* 3: no slashes */
		   "//\n"			/* 4: empty */
		   "/36/00/\n"			/* 5: slash inside */
		   "/3600a/\n"			/* 6: duplicate */
		   "  /3600c/  # note\n"	/* 7 */
		   "/3600d/ /3600e/\n");	/* 8: two on a line */
	assert_int_equal(mp_wwids_load(path, &w), 5);
	assert_int_equal(w->nr, 2);
	assert_true(mp_wwids_contains(w, "3600c"));
	for (unsigned line = 1; line <= 8; line++) {
		bool bad = line == 3 || line == 4 || line == 5 || line == 6 || line == 8;

		snprintf(expect, sizeof(expect), "%s:%u: ", path, line);
		if (bad != (strstr(logged, expect) != NULL))
			fail_msg("line %u %s reported:\n%s", line, bad ? "not" : "wrongly", logged);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias_sequence),
		cmocka_unit_test_setup_teardown(test_allocation_and_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gaps_and_prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wwids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wwids_bad_lines, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
