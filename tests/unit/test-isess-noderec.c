/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of iscsi-session/noderec.c: CHAP lines in node records, in a temporary folder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "noderec.h"
#include "util.h"

#define TARGET "iqn.2001-05.com.equallogic:0-af1ff6-vol1"
#define IFACE "mpathd-eth1"

/* The start and end of a record as iscsiadm 2.1.8 writes it for a manager node. */
#define HEAD \
	"# BEGIN RECORD 2.1.8\n" \
	"node.name = " TARGET "\n" \
	"node.tpgt = 1\n" \
	"node.startup = manual\n" \
	"iface.iscsi_ifacename = " IFACE "\n" \
	"iface.net_ifacename = eth1\n" \
	"iface.transport_name = tcp\n" \
	"node.discovery_address = 10.20.0.10\n" \
	"node.discovery_port = 3260\n" \
	"node.discovery_type = send_targets\n" \
	"node.session.initial_cmdsn = 0\n"
#define TAIL_BODY \
	"node.session.auth.chap_algs = MD5\n" \
	"node.session.timeo.replacement_timeout = 120\n" \
	"node.conn[0].address = 10.20.0.11\n" \
	"node.conn[0].port = 3260\n" \
	"node.conn[0].startup = manual\n"
#define TAIL TAIL_BODY "# END RECORD\n"
/* TAIL after setting password "pw" in a record without one */
#define TAIL_WITH_PASSWORD TAIL_BODY "node.session.auth.password = pw\n# END RECORD\n"

struct fixture {
	char dir[64];
	char nodes[128];
	char lock_dir[128];
	char lock_write[160];
	char portal[512];
	char record[640];
	struct iscsiadm_node node;
};

static const struct iscsiadm_chap chap_all = {
	.username = "initiator-user", .password = "s3cret-Out",
	.username_in = "target-user", .password_in = "s3cret-In",
};

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char target_dir[256];

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/mpath-noderec-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->nodes, sizeof(f->nodes), "%s/nodes", f->dir);
	/* not made here: noderec_set_chap() makes it, as iscsiadm does */
	snprintf(f->lock_dir, sizeof(f->lock_dir), "%s/lock", f->dir);
	snprintf(f->lock_write, sizeof(f->lock_write), "%s/lock.write", f->lock_dir);
	snprintf(target_dir, sizeof(target_dir), "%s/%s", f->nodes, TARGET);
	snprintf(f->portal, sizeof(f->portal), "%s/10.20.0.11,3260,1", target_dir);
	snprintf(f->record, sizeof(f->record), "%s/%s", f->portal, IFACE);
	if (mkdir(f->nodes, 0700) < 0 || mkdir(target_dir, 0700) < 0 || mkdir(f->portal, 0700) < 0)
		return -1;
	f->node = (struct iscsiadm_node) { .target = TARGET, .addr = "10.20.0.11", .port = 3260, .tpgt = 1,
					   .iface = IFACE };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* The file's text; free() it. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	assert_non_null(text);
	n = fread(text, 1, 65535, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static void assert_record(const struct fixture *f, const char *expected)
{
	char *text = read_file(f->record);

	assert_string_equal(text, expected);
	free(text);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A fresh record: authmethod None and no user lines; the rest go above "# END RECORD". */
static void test_adds_missing_lines(void **state)
{
	struct fixture *f = *state;

	write_file(f->record, HEAD "node.session.auth.authmethod = None\n" TAIL, 0600);
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node, &chap_all), 0);
	assert_record(f, HEAD "node.session.auth.authmethod = CHAP\n" TAIL_BODY
			 "node.session.auth.username = initiator-user\n"
			 "node.session.auth.password = s3cret-Out\n"
			 "node.session.auth.username_in = target-user\n"
			 "node.session.auth.password_in = s3cret-In\n"
			 "# END RECORD\n");
}

/* Lines already there are replaced where they stand. */
static void test_replaces_lines_in_place(void **state)
{
	struct fixture *f = *state;
	const char *expected = HEAD "node.session.auth.authmethod = CHAP\n"
			       "node.session.auth.username = initiator-user\n"
			       "node.session.auth.password = s3cret-Out\n"
			       "node.session.auth.username_in = target-user\n"
			       "node.session.auth.password_in = s3cret-In\n" TAIL;

	write_file(f->record, HEAD "node.session.auth.authmethod = CHAP\n"
		   "node.session.auth.username = old-user\n"
		   "node.session.auth.password = old-secret\n"
		   "node.session.auth.username_in = old-target\n"
		   "node.session.auth.password_in = old-secret-in\n" TAIL, 0600);
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node, &chap_all), 0);
	assert_record(f, expected);
	/* a second run changes nothing */
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node, &chap_all), 0);
	assert_record(f, expected);
}

/*
 * Lines of other keys stay byte for byte, however odd; a key that only starts like one set
 * is another key; open-iscsi's key syntax (indent, no spaces around '=') is recognised.
 */
static void test_keeps_other_lines(void **state)
{
	struct fixture *f = *state;
#define ODD_LINES \
	"# BEGIN RECORD 2.1.8\n" \
	"\n" \
	"   \t\n" \
	"# node.session.auth.password = commented-out\n" \
	"node.conn[0].port   =   3260   \n" \
	"node.startup = manual\r\n" \
	"a line without an equals sign\n" \
	"node.session.auth.username_inx = not-ours\n" \
	"node.session.auth.user = not-ours\n"

	/* ending with a line without its newline, which open-iscsi skips */
	write_file(f->record, ODD_LINES "\tnode.session.auth.username=old-user\n"
		   "node.session.auth.password_length = 10\n"
		   "# END RECORD", 0600);
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node,
					  &(struct iscsiadm_chap) { .username = "u1", .password = "p=w#1" }), 0);
	assert_record(f, ODD_LINES "node.session.auth.username = u1\n"
			 "node.session.auth.password_length = 10\n"
			 "node.session.auth.authmethod = CHAP\n"
			 "node.session.auth.password = p=w#1\n"
			 "# END RECORD");
#undef ODD_LINES
}

/* Without "# END RECORD" the lines go at the end, after a newline the last line lacked. */
static void test_adds_at_end(void **state)
{
	struct fixture *f = *state;

	write_file(f->record, "node.session.auth.authmethod = None\nnode.startup = manual", 0600);
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node, &(struct iscsiadm_chap) { .password = "pw" }), 0);
	assert_record(f, "node.session.auth.authmethod = CHAP\nnode.startup = manual\n"
			 "node.session.auth.password = pw\n");
}

/* A NULL field neither sets nor removes its line. */
static void test_null_fields_untouched(void **state)
{
	struct fixture *f = *state;

	write_file(f->record, HEAD "node.session.auth.authmethod = None\n"
		   "node.session.auth.username = old-user\n"
		   "node.session.auth.password = old-secret\n" TAIL, 0600);
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node,
					  &(struct iscsiadm_chap) { .username = "new-user" }), 0);
	assert_record(f, HEAD "node.session.auth.authmethod = CHAP\n"
			 "node.session.auth.username = new-user\n"
			 "node.session.auth.password = old-secret\n" TAIL);
}

/* open-iscsi reads the last of duplicate lines, so later copies of a line set go. */
static void test_drops_duplicates(void **state)
{
	struct fixture *f = *state;

	write_file(f->record, HEAD "node.session.auth.authmethod = None\n"
		   "node.session.auth.password = first\n"
		   "node.session.auth.authmethod = None\n"
		   "node.session.auth.password = second\n" TAIL, 0600);
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node,
					  &(struct iscsiadm_chap) { .password = "new" }), 0);
	assert_record(f, HEAD "node.session.auth.authmethod = CHAP\n"
			 "node.session.auth.password = new\n" TAIL);
}

/* The new record is 0600 whatever the old one was, and no temporary file stays behind. */
static void test_mode_and_no_leftovers(void **state)
{
	struct fixture *f = *state;
	char stale[700];
	struct stat st;
	struct dirent *de;
	mode_t old_mask;
	DIR *d;
	int entries = 0, r;

	write_file(f->record, HEAD "node.session.auth.authmethod = None\n" TAIL, 0644);
	/* a temporary copy a crash left behind */
	snprintf(stale, sizeof(stale), "%s/.%s.mpathd-new", f->portal, IFACE);
	write_file(stale, "node.session.auth.password = half-writ", 0600);
	/* a umask that would leave the owner read-only */
	old_mask = umask(0277);
	r = noderec_set_chap(f->nodes, f->lock_dir, &f->node, &chap_all);
	umask(old_mask);
	assert_int_equal(r, 0);
	assert_int_equal(stat(f->record, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	d = opendir(f->portal);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
			assert_string_equal(de->d_name, IFACE);
			entries++;
		}
	closedir(d);
	assert_int_equal(entries, 1);
}

/* The lock folder is made when missing, and the lock is let go after a write. */
static void test_lock_released(void **state)
{
	struct fixture *f = *state;
	char lock[160];
	struct stat st;

	write_file(f->record, HEAD "node.session.auth.authmethod = None\n" TAIL, 0600);
	assert_false(exists(f->lock_dir));
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node, &chap_all), 0);
	assert_int_equal(stat(f->lock_dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	snprintf(lock, sizeof(lock), "%s/lock", f->lock_dir);
	assert_true(exists(lock));
	assert_false(exists(f->lock_write));
}

static void take_lock(const struct fixture *f)
{
	char lock[160];

	assert_int_equal(mkdir(f->lock_dir, 0700), 0);
	snprintf(lock, sizeof(lock), "%s/lock", f->lock_dir);
	write_file(lock, "", 0600);
	assert_int_equal(link(lock, f->lock_write), 0);
}

/* A lock that stays taken: -ETIMEDOUT after NODEREC_LOCK_WAIT_MS; the lock is not broken. */
static void test_lock_held(void **state)
{
	struct fixture *f = *state;
	const char *text = HEAD "node.session.auth.authmethod = None\n" TAIL;
	uint64_t start, took;

	write_file(f->record, text, 0600);
	take_lock(f);
	start = now_ms();
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node, &chap_all), -ETIMEDOUT);
	took = now_ms() - start;
	assert_true(took >= NODEREC_LOCK_WAIT_MS - 20);
	assert_true(took < NODEREC_LOCK_WAIT_MS + 1000);
	assert_true(exists(f->lock_write));
	assert_record(f, text);
}

/* A lock let go meanwhile (by another process, as iscsiadm would) is taken. */
static void test_lock_waits(void **state)
{
	struct fixture *f = *state;
	const struct timespec pause = { .tv_nsec = 200 * 1000000L };
	uint64_t start;
	int status;
	pid_t pid;

	write_file(f->record, HEAD "node.session.auth.authmethod = None\n" TAIL, 0600);
	take_lock(f);
	start = now_ms();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		nanosleep(&pause, NULL);
		_exit(unlink(f->lock_write) == 0 ? 0 : 1);
	}
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node, &(struct iscsiadm_chap) { .password = "pw" }), 0);
	assert_true(now_ms() - start >= 150);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_false(exists(f->lock_write));
	assert_record(f, HEAD "node.session.auth.authmethod = CHAP\n" TAIL_WITH_PASSWORD);
}

/* Only the folder-per-portal layout with an iface file is a record; the lock is let go. */
static void test_missing_record(void **state)
{
	struct fixture *f = *state;
	struct iscsiadm_node other = f->node;
	char flat[600];

	/* the portal folder without the iface's file */
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node, &chap_all), -ENOENT);
	assert_false(exists(f->lock_write));
	/* no such portal folder, nor target */
	other.tpgt = 2;
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &other, &chap_all), -ENOENT);
	other = f->node;
	other.target = "iqn.2001-05.com.example:none";
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &other, &chap_all), -ENOENT);
	/* a flat file where the portal folder would be */
	other = f->node;
	other.addr = "10.20.0.12";
	snprintf(flat, sizeof(flat), "%s/%s/10.20.0.12,3260,1", f->nodes, TARGET);
	write_file(flat, HEAD TAIL, 0600);
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &other, &chap_all), -ENOENT);
	/* the old layout's flat <addr>,<port> file */
	other.addr = "10.20.0.13";
	snprintf(flat, sizeof(flat), "%s/%s/10.20.0.13,3260", f->nodes, TARGET);
	write_file(flat, HEAD TAIL, 0600);
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &other, &chap_all), -ENOENT);
	assert_false(exists(f->lock_write));
}

/* Bad names and values are refused before anything is touched, even the lock folder. */
static void test_bad_input(void **state)
{
	struct fixture *f = *state;
	const char *text = HEAD "node.session.auth.authmethod = None\n" TAIL;
	const char *bad_names[] = { "", ".", "..", "a/b", "/", "../x" };
	const char *bad_values[] = { "", "pass\nnode.startup = automatic", "\n", " lead", "trail ", "tab\t" };
	char long_value[NODEREC_VALUE_MAX + 2];
	struct iscsiadm_node n;

	write_file(f->record, text, 0600);
	for (size_t i = 0; i < ARRAY_SIZE(bad_names); i++) {
		n = f->node;
		n.target = bad_names[i];
		assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &n, &chap_all), -EINVAL);
		n = f->node;
		n.addr = bad_names[i];
		assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &n, &chap_all), -EINVAL);
		n = f->node;
		n.iface = bad_names[i];
		assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &n, &chap_all), -EINVAL);
	}
	n = f->node;
	n.tpgt = -1;
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &n, &chap_all), -EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(bad_values); i++) {
		assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node,
						  &(struct iscsiadm_chap) { .password = bad_values[i] }), -EINVAL);
		assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node,
						  &(struct iscsiadm_chap) { .username_in = bad_values[i] }), -EINVAL);
	}
	memset(long_value, 'x', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = '\0';
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node,
					  &(struct iscsiadm_chap) { .password_in = long_value }), -EINVAL);
	assert_record(f, text);
	assert_false(exists(f->lock_dir));
	/* the longest value open-iscsi reads back whole is fine */
	long_value[NODEREC_VALUE_MAX] = '\0';
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &f->node,
					  &(struct iscsiadm_chap) { .password_in = long_value }), 0);
}

/* Port 0 is iscsiadm's default port, as the command builders give it. */
static void test_default_port(void **state)
{
	struct fixture *f = *state;
	struct iscsiadm_node n = f->node;

	write_file(f->record, HEAD "node.session.auth.authmethod = None\n" TAIL, 0600);
	n.port = 0;
	assert_int_equal(noderec_set_chap(f->nodes, f->lock_dir, &n, &(struct iscsiadm_chap) { .password = "pw" }), 0);
	assert_record(f, HEAD "node.session.auth.authmethod = CHAP\n" TAIL_WITH_PASSWORD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_adds_missing_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaces_lines_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keeps_other_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adds_at_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_fields_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drops_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_and_no_leftovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_released, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_port, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
