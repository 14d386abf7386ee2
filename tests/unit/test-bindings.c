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

/* Allocation with nothing but the wwid: the default prefix, no current name, no dm check. */
static int assign(struct mp_bindings *b, const char *wwid, const char **alias)
{
	return mp_bindings_assign(b, &(struct mp_alias_request) { .wwid = wwid }, alias);
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
		assert_int_equal(assign(b, wwid, &alias), 1);
	}
	assert_string_equal(mp_bindings_alias(b, "3600a0b800000000"), "mpatha");
	assert_string_equal(mp_bindings_alias(b, "3600a0b800000025"), "mpathz");
	assert_string_equal(mp_bindings_alias(b, "3600a0b800000026"), "mpathaa");
	assert_string_equal(mp_bindings_alias(b, "3600a0b800000029"), "mpathad");
	assert_string_equal(mp_bindings_wwid(b, "mpathab"), "3600a0b800000027");
	assert_null(mp_bindings_wwid(b, "mpathae"));
	/* Known wwids keep their alias. */
	assert_int_equal(assign(b, "3600a0b800000003", &alias), 0);
	assert_string_equal(alias, "mpathd");

	text = read_file(f->path);
	assert_non_null(strstr(text, "\nmpatha 3600a0b800000000\nmpathb 3600a0b800000001\n"));
	assert_non_null(strstr(text, "\nmpathad 3600a0b800000029\n"));

	/* After a restart: same aliases, allocation continues. */
	assert_int_equal(mp_bindings_load(f->path, "mpath", &again), 0);
	assert_int_equal(again->nr, 30);
	assert_string_equal(mp_bindings_alias(again, "3600a0b800000026"), "mpathaa");
	assert_int_equal(assign(again, "3600a0b8new", &alias), 1);
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
	assert_int_equal(mp_bindings_next_alias(b, NULL, &next), 0);
	assert_string_equal(next, "mpathb");
	assert_int_equal(assign(b, "w2", &alias), 1);
	assert_string_equal(alias, "mpathb");
	assert_int_equal(assign(b, "w4", &alias), 1);
	assert_string_equal(alias, "mpathd");
	mp_bindings_free(TAKE_PTR(b));

	assert_int_equal(mp_bindings_load(f->path, "disk", &b), 0);
	assert_int_equal(assign(b, "w5", &alias), 1);
	assert_string_equal(alias, "diska");
	assert_int_equal(assign(b, "w6", &alias), 1);
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
		   "mpathc 3600c extra\n"		/* 5: extra word, ignored */
		   "mpatha 3600z\n"			/* 6: alias rebound */
		   "mpathd 3600a\n"			/* 7: wwid rebound */
		   "mpatha 3600a\n"			/* 8: exact duplicate */
		   "   \t \n"				/* 9 */
		   "mpathe\t3600e\r\n"			/* 10 */
		   "bad/alias 3600f\n");		/* 11 */
	assert_int_equal(mp_bindings_load(f->path, "mpath", &b), 6);
	assert_int_equal(b->nr, 3);
	assert_int_equal(b->nr_loaded, 3);
	assert_int_equal(b->nr_conflicts, 1);
	assert_string_equal(mp_bindings_wwid(b, "mpatha"), "3600a");
	assert_string_equal(mp_bindings_wwid(b, "mpathc"), "3600c");
	assert_string_equal(mp_bindings_wwid(b, "mpathe"), "3600e");
	assert_null(mp_bindings_wwid(b, "mpathd"));
	for (unsigned line = 1; line <= 11; line++) {
		bool bad = (line >= 4 && line <= 8) || line == 11;

		snprintf(expect, sizeof(expect), "%s:%u: ", f->path, line);
		if (bad != (strstr(logged, expect) != NULL))
			fail_msg("line %u %s reported:\n%s", line, bad ? "not" : "wrongly", logged);
	}
	assert_non_null(strstr(logged, "ignoring \"extra\" after the wwid"));
	assert_non_null(strstr(logged, "alias mpatha is already bound to 3600a"));
	assert_non_null(strstr(logged, "wwid 3600a already has alias mpatha"));
	/* Every line's alias counts as used, skipped ones too (mpathb, mpathd). */
	assert_int_equal(b->nr_file_aliases, 8);
}

static void assert_next(const char *path, const char *text, const char *prefix, const char *want)
{
	_cleanup_mp_bindings_ struct mp_bindings *b = NULL;
	_cleanup_free_ char *next = NULL;

	write_file(path, text);
	assert_true(mp_bindings_load(path, "mpath", &b) >= 0);
	assert_int_equal(mp_bindings_next_alias(b, &(struct mp_alias_request) { .prefix = prefix },
						&next), 0);
	if (strcmp(next, want))
		fail_msg("after \"%s\": %s, want %s", text, next, want);
}

/* multipath-tools 0.9.4's lookup_binding(): one pass in file order. */
static void test_allocation_order(void **state)
{
	struct fixture *f = *state;

	assert_next(f->path, "", NULL, "mpatha");
	assert_next(f->path, "mpatha w1\nmpathb w2\nmpathd w4\n", NULL, "mpathc");
	assert_next(f->path, "mpathc w3\nmpatha w1\n", NULL, "mpathb");
	assert_next(f->path, "mpathe w5\nmpathc w3\nmpatha w1\n", NULL, "mpathb");
	/* Out of order: the gap at mpathc is not found, the biggest + 1 is used. */
	assert_next(f->path, "mpathb w2\nmpatha w1\nmpathd w4\n", NULL, "mpathe");
	/* The alias of a line without wwid is still used. */
	assert_next(f->path, "mpatha w1\nmpathb\n", NULL, "mpathc");
	/* Names of more than 7 letters and other prefixes do not count. */
	assert_next(f->path, "mpathb w2\nmpatha w1\nmpathaaaaaaaa w3\n", NULL, "mpathc");
	assert_next(f->path, "data w9\nmpatha w1\ndiskb w8\n", NULL, "mpathb");
	assert_next(f->path, "data w9\nmpatha w1\ndiskb w8\n", "disk", "diska");
	assert_next(f->path, "mpathz w26\n", "mpath", "mpatha");
	assert_next(f->path, "mpatha w1\nmpathz w26\n", "mpath", "mpathb");
}

struct taken_list {
	const char *const *names;
	unsigned calls;
	const char *wwid;
};

static bool taken_in_list(const char *alias, const char *wwid, void *userdata)
{
	struct taken_list *t = userdata;

	t->calls++;
	t->wwid = wwid;
	for (size_t i = 0; t->names[i]; i++)
		if (!strcmp(t->names[i], alias))
			return true;
	return false;
}

static bool taken_always(const char *alias, const char *wwid, void *userdata)
{
	(*(unsigned *)userdata)++;
	return true;
}

static void test_taken(void **state)
{
	struct fixture *f = *state;
	_cleanup_mp_bindings_ struct mp_bindings *b = NULL;
	static const char *const held[] = { "mpathb", "mpathc", NULL };
	struct taken_list t = { .names = held };
	struct mp_alias_request req = { .wwid = "w5", .taken = taken_in_list, .userdata = &t };
	const char *alias;
	unsigned calls = 0;

	write_file(f->path, "mpatha w1\nmpathd w4\n");
	assert_int_equal(mp_bindings_load(f->path, "mpath", &b), 0);
	/* mpathb and mpathc are dm names of other maps; mpathd is bound: mpathe. */
	assert_int_equal(mp_bindings_assign(b, &req, &alias), 1);
	assert_string_equal(alias, "mpathe");
	assert_int_equal(t.calls, 3);
	assert_string_equal(t.wwid, "w5");
	/* An existing binding is returned without asking. */
	t.calls = 0;
	req.wwid = "w1";
	assert_int_equal(mp_bindings_assign(b, &req, &alias), 0);
	assert_string_equal(alias, "mpatha");
	assert_int_equal(t.calls, 0);
	/* Refusing everything ends, with no binding added. */
	req = (struct mp_alias_request) { .wwid = "w6", .taken = taken_always, .userdata = &calls };
	assert_int_equal(mp_bindings_assign(b, &req, &alias), -ENOSPC);
	assert_int_equal(calls, 1u << 20);
	assert_null(mp_bindings_alias(b, "w6"));
	assert_int_equal(mp_bindings_assign(b, &(struct mp_alias_request) { .wwid = "" }, &alias),
			 -EINVAL);
	assert_int_equal(mp_bindings_assign(b, NULL, &alias), -EINVAL);
}

static void test_current_name(void **state)
{
	struct fixture *f = *state;
	_cleanup_mp_bindings_ struct mp_bindings *b = NULL;
	_cleanup_free_ char *text = NULL;
	struct mp_alias_request req = { .wwid = "w5", .current = "mpathq" };
	const char *alias;

	write_file(f->path, "mpatha w1\n");
	assert_int_equal(mp_bindings_load(f->path, "mpath", &b), 0);
	/* An adopted map named like an alias keeps its name, which gets bound. */
	assert_int_equal(mp_bindings_assign(b, &req, &alias), 1);
	assert_string_equal(alias, "mpathq");
	text = read_file(f->path);
	assert_string_equal(text, "mpatha w1\nmpathq w5\n");
	/* Another form of name is not bound: a new alias is allocated. */
	req = (struct mp_alias_request) { .wwid = "w6", .current = "data" };
	assert_int_equal(mp_bindings_assign(b, &req, &alias), 1);
	assert_string_equal(alias, "mpathb");
	/* A name bound to another wwid is not reused. */
	req = (struct mp_alias_request) { .wwid = "w7", .current = "mpatha" };
	assert_int_equal(mp_bindings_assign(b, &req, &alias), 1);
	assert_string_equal(alias, "mpathc");
	assert_non_null(strstr(logged, "alias mpatha is bound to wwid w1, cannot reuse it"));
	/* The wwid's binding wins over the current name; the current name when it is the binding. */
	req = (struct mp_alias_request) { .wwid = "w1", .current = "mpathz" };
	assert_int_equal(mp_bindings_assign(b, &req, &alias), 0);
	assert_string_equal(alias, "mpatha");
	req.current = "mpatha";
	assert_int_equal(mp_bindings_assign(b, &req, &alias), 0);
	assert_string_equal(alias, "mpatha");
	assert_null(mp_bindings_wwid(b, "mpathz"));
}

/* Bindings under any prefix are kept and honoured; a request may bring its own prefix. */
static void test_prefixes(void **state)
{
	struct fixture *f = *state;
	_cleanup_mp_bindings_ struct mp_bindings *b = NULL;
	struct mp_alias_request req = { .wwid = "w9", .prefix = "disk" };
	const char *alias;

	write_file(f->path, "data w9\nmpatha w1\nsan_b w2\n");
	assert_int_equal(mp_bindings_load(f->path, "mpath", &b), 0);
	assert_int_equal(mp_bindings_assign(b, &req, &alias), 0);
	assert_string_equal(alias, "data");
	req.wwid = "w2";
	assert_int_equal(mp_bindings_assign(b, &req, &alias), 0);
	assert_string_equal(alias, "san_b");
	req.wwid = "w3";
	assert_int_equal(mp_bindings_assign(b, &req, &alias), 1);
	assert_string_equal(alias, "diska");
	req.wwid = "w4";
	req.prefix = NULL;
	assert_int_equal(mp_bindings_assign(b, &req, &alias), 1);
	assert_string_equal(alias, "mpathb");
}

static void test_file_format(void **state)
{
	struct fixture *f = *state;
	_cleanup_mp_bindings_ struct mp_bindings *b = NULL;
	_cleanup_free_ char *text = NULL;
	const char *alias;

	/* A new file starts with multipath-tools' header. */
	assert_int_equal(mp_bindings_load(f->path, "mpath", &b), 0);
	assert_int_equal(assign(b, "w1", &alias), 1);
	text = read_file(f->path);
	assert_string_equal(text, MP_BINDINGS_HEADER "mpatha w1\n");
	free(TAKE_PTR(text));
	mp_bindings_free(TAKE_PTR(b));

	/* So does an empty one. */
	write_file(f->path, "");
	assert_int_equal(mp_bindings_load(f->path, "mpath", &b), 0);
	assert_null(b->text);
	assert_int_equal(assign(b, "w1", &alias), 1);
	text = read_file(f->path);
	assert_string_equal(text, MP_BINDINGS_HEADER "mpatha w1\n");
	free(TAKE_PTR(text));
	mp_bindings_free(TAKE_PTR(b));

	/* An existing file keeps every byte, comments and skipped lines too; new lines are
	 * appended, after a newline if the last line had none. */
	write_file(f->path, "# mine\nmpatha w1   extra\nmpathb\n# end");
	assert_int_equal(mp_bindings_load(f->path, "mpath", &b), 2);
	assert_int_equal(assign(b, "w3", &alias), 1);
	assert_int_equal(assign(b, "w4", &alias), 1);
	text = read_file(f->path);
	assert_string_equal(text, "# mine\nmpatha w1   extra\nmpathb\n# end\nmpathc w3\nmpathd w4\n");
	free(TAKE_PTR(text));
	/* Bindings added but not saved are saved with the next one. */
	assert_int_equal(mp_bindings_add(b, "mpathz", "w26"), 1);
	assert_int_equal(assign(b, "w5", &alias), 1);
	assert_string_equal(alias, "mpathe");
	text = read_file(f->path);
	assert_non_null(strstr(text, "\nmpathd w4\nmpathz w26\nmpathe w5\n"));
}

/* What multipathd 0.9.4 does at start when an alias is bound twice. */
static void test_rewrite(void **state)
{
	struct fixture *f = *state;
	_cleanup_mp_bindings_ struct mp_bindings *b = NULL;
	_cleanup_free_ char *text = NULL;
	const char *alias;

	write_file(f->path, "mpathb w2\nmpathaa w27\n# note\nmpatha w1\nmpathb w9\nmpathc\n");
	assert_int_equal(mp_bindings_load(f->path, "mpath", &b), 2);
	assert_int_equal(b->nr_conflicts, 1);
	assert_int_equal(mp_bindings_rewrite(b), 0);
	assert_int_equal(b->nr_conflicts, 0);
	text = read_file(f->path);
	assert_string_equal(text, MP_BINDINGS_HEADER "mpatha w1\nmpathaa w27\nmpathb w2\n");
	/* mpathc was only on a dropped line: free again. */
	assert_int_equal(assign(b, "w3", &alias), 1);
	assert_string_equal(alias, "mpathc");
	free(TAKE_PTR(text));
	text = read_file(f->path);
	assert_string_equal(text, MP_BINDINGS_HEADER "mpatha w1\nmpathaa w27\nmpathb w2\nmpathc w3\n");
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
	assert_int_equal(assign(b, "w2", &alias), 1);
	/* Only the bindings file is left (no temp file), and it kept its mode. */
	assert_int_equal(dir_entries(f->dir), 1);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);

	/* A folder that cannot be made (a file is in the way): the new binding is not kept. */
	snprintf(path, sizeof(path), "%s/blocker/bindings", f->dir);
	assert_int_equal(mp_bindings_load(path, "mpath", &lost), 0);
	snprintf(path, sizeof(path), "%s/blocker", f->dir);
	write_file(path, "");
	assert_int_equal(assign(lost, "w1", &alias), -ENOTDIR);
	unlink(path);
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
	assert_true(assign(lost, "w1", &alias) < 0);
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
		cmocka_unit_test_setup_teardown(test_allocation_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_current_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wwids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wwids_bad_lines, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
