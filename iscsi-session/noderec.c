/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rewriting the CHAP lines of one open-iscsi node record under iscsiadm's own lock. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "noderec.h"
#include "util.h"

#define LOCK_RETRY_MS 10		/* iscsiadm's own pace (DB_LOCK_USECS_WAIT) */
#define RECORD_MAX (1024 * 1024)	/* iscsiadm writes a few KiB */
#define END_RECORD "# END RECORD"	/* iscsiadm's last line; added lines go above it */
#define TEMP_SUFFIX ".mpathd-new"
#define SETTINGS_MAX 5

/* One line to set; @present and @written track it through the record. */
struct setting {
	const char *key;
	const char *value;
	bool present;
	bool written;
};

/* Bytes that held or may hold a secret: wiped before they are freed. */
struct secret_buf {
	char *data;
	size_t len, size;
};

static void secret_buf_wipe(struct secret_buf *b)
{
	if (b->data) {
		explicit_bzero(b->data, b->size);
		free(b->data);
	}
	*b = (struct secret_buf) { 0 };
}

/* Each name is one path component. */
static bool name_ok(const char *s)
{
	return s && *s && !strchr(s, '/') && !streq(s, ".") && !streq(s, "..");
}

/*
 * What open-iscsi reads back as written: its parser strips white space around a value,
 * skips a line without one, and its buffers hold 255 bytes.
 */
static bool value_ok(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len <= NODEREC_VALUE_MAX && !strchr(s, '\n') && !isspace((unsigned char)s[0]) &&
	       !isspace((unsigned char)s[len - 1]);
}

static int settings_get(const struct iscsiadm_chap *chap, struct setting *ret, size_t *ret_n)
{
	const struct setting all[SETTINGS_MAX] = {
		{ "node.session.auth.authmethod", "CHAP" },
		{ "node.session.auth.username", chap->username },
		{ "node.session.auth.password", chap->password },
		{ "node.session.auth.username_in", chap->username_in },
		{ "node.session.auth.password_in", chap->password_in },
	};
	size_t n = 0;

	for (size_t i = 0; i < SETTINGS_MAX; i++) {
		if (!all[i].value)
			continue;
		if (!value_ok(all[i].value))
			return -EINVAL;
		ret[n++] = all[i];
	}
	*ret_n = n;
	return 0;
}

static int path_format(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int path_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * iscsiadm's idbm_lock(): whoever links @write to @lock first holds the database. Unlike
 * iscsiadm, a lock that stays taken is never broken here: the caller hears -ETIMEDOUT.
 */
static int lock_take(const char *dir, const char *lock, const char *write)
{
	_cleanup_close_ int fd = -1;
	uint64_t deadline = now_ms() + NODEREC_LOCK_WAIT_MS;
	const struct timespec pause = { .tv_nsec = LOCK_RETRY_MS * 1000000L };

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (link(lock, write) < 0) {
		if (errno != EEXIST)
			return -errno;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
	return 0;
}

static int record_read(int dirfd, const char *name, struct secret_buf *ret)
{
	_cleanup_(secret_buf_wipe) struct secret_buf b = { 0 };
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -ENOENT;
	if (st.st_size > RECORD_MAX)
		return -EFBIG;
	b.size = st.st_size + 1;
	b.data = malloc(b.size);
	if (!b.data)
		return -ENOMEM;
	while (b.len < (size_t)st.st_size) {
		ssize_t n = read(fd, b.data + b.len, st.st_size - b.len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		b.len += n;
	}
	*ret = b;
	b = (struct secret_buf) { 0 };
	return 0;
}

/*
 * The key of the line [@p, @end) as idbm_recinfo_config() reads it: after leading white
 * space, up to white space or '='. NULL for a blank line. A comment's "key" starts with
 * '#', so it matches no setting.
 */
static const char *line_key(const char *p, const char *end, size_t *ret_len)
{
	const char *e;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end)
		return NULL;
	for (e = p; e < end && !isspace((unsigned char)*e) && *e != '='; e++)
		;
	*ret_len = e - p;
	return p;
}

static bool line_is_end(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	return (size_t)(end - p) >= strlen(END_RECORD) && !memcmp(p, END_RECORD, strlen(END_RECORD));
}

static struct setting *setting_find(struct setting *s, size_t n, const char *key, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(s[i].key) == len && !memcmp(s[i].key, key, len))
			return &s[i];
	return NULL;
}

static void put(struct secret_buf *b, const char *p, size_t len)
{
	memcpy(b->data + b->len, p, len);
	b->len += len;
}

static void put_setting(struct secret_buf *b, struct setting *s)
{
	put(b, s->key, strlen(s->key));
	put(b, " = ", 3);
	put(b, s->value, strlen(s->value));
	put(b, "\n", 1);
	s->written = true;
}

static void put_missing(struct secret_buf *b, struct setting *s, size_t n)
{
	if (b->len && b->data[b->len - 1] != '\n')
		put(b, "\n", 1);
	for (size_t i = 0; i < n; i++)
		if (!s[i].present)
			put_setting(b, &s[i]);
}

/* Where a line ends, and where the next one starts. */
static const char *line_end(const char *p, const char *end, const char **ret_next)
{
	const char *nl = memchr(p, '\n', end - p);

	*ret_next = nl ? nl + 1 : end;
	return nl ? nl : end;
}

/*
 * @in with each setting's first line replaced and its later lines dropped (idbm would read
 * the last one), and the settings it lacks added above its last "# END RECORD" line, or at
 * its end without one. Every other line is copied as it is.
 */
static int record_edit(const struct secret_buf *in, struct setting *s, size_t n, struct secret_buf *ret)
{
	_cleanup_(secret_buf_wipe) struct secret_buf out = { 0 };
	const char *end = in->data + in->len, *tail = end, *next, *lend, *key;
	struct setting *set;
	size_t len;

	out.size = in->len + 1;
	for (size_t i = 0; i < n; i++)
		out.size += strlen(s[i].key) + strlen(" = \n") + strlen(s[i].value);
	out.data = malloc(out.size);
	if (!out.data)
		return -ENOMEM;
	for (const char *p = in->data; p < end; p = next) {
		lend = line_end(p, end, &next);
		key = line_key(p, lend, &len);
		set = key ? setting_find(s, n, key, len) : NULL;
		if (set)
			set->present = true;
		else if (line_is_end(p, lend))
			tail = p;
	}
	for (const char *p = in->data; p < end; p = next) {
		lend = line_end(p, end, &next);
		if (p == tail)
			put_missing(&out, s, n);
		key = line_key(p, lend, &len);
		set = key ? setting_find(s, n, key, len) : NULL;
		if (!set)
			put(&out, p, next - p);
		else if (!set->written)
			put_setting(&out, set);
	}
	if (tail == end)
		put_missing(&out, s, n);
	*ret = out;
	out = (struct secret_buf) { 0 };
	return 0;
}

/*
 * The temporary file has one fixed name per record: iscsiadm reads every file in the
 * folder as a record, so a copy a crash left behind is removed on the next write.
 */
static int record_replace(int dirfd, const char *name, const struct secret_buf *content)
{
	char tmp[NAME_MAX + 1];
	int fd, r;

	r = path_format(tmp, sizeof(tmp), ".%s" TEMP_SUFFIX, name);
	if (r < 0)
		return r;
	if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/* 0600 whatever the umask, as iscsiadm's umask 0077 makes it */
	r = fchmod(fd, 0600) < 0 ? -errno : 0;
	if (r == 0)
		r = mp_write_all(fd, content->data, content->len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	return fsync(dirfd) < 0 ? -errno : 0;
}

static int record_update(const char *dir, const char *name, struct setting *s, size_t n)
{
	_cleanup_(secret_buf_wipe) struct secret_buf old = { 0 };
	_cleanup_(secret_buf_wipe) struct secret_buf new = { 0 };
	_cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	/* ENOTDIR: the portal is a flat file of the old layout, not supported */
	if (dirfd < 0)
		return errno == ENOTDIR ? -ENOENT : -errno;
	r = record_read(dirfd, name, &old);
	if (r < 0)
		return r;
	r = record_edit(&old, s, n, &new);
	if (r < 0)
		return r;
	return record_replace(dirfd, name, &new);
}

int noderec_set_chap(const char *nodes_dir, const char *lock_dir, const struct iscsiadm_node *n,
		     const struct iscsiadm_chap *chap)
{
	char dir[PATH_MAX], lock[PATH_MAX], write[PATH_MAX];
	struct setting s[SETTINGS_MAX];
	size_t n_settings;
	int r;

	if (!n || !chap || !name_ok(n->target) || !name_ok(n->addr) || !name_ok(n->iface) || n->tpgt < 0)
		return -EINVAL;
	r = settings_get(chap, s, &n_settings);
	if (r < 0)
		return r;
	nodes_dir = nodes_dir ? nodes_dir : NODEREC_NODES_DIR;
	lock_dir = lock_dir ? lock_dir : NODEREC_LOCK_DIR;
	/* the port as iscsiadm_node_new() gives it */
	r = path_format(dir, sizeof(dir), "%s/%s/%s,%u,%d", nodes_dir, n->target, n->addr,
			n->port ? n->port : 3260, n->tpgt);
	if (r == 0)
		r = path_format(lock, sizeof(lock), "%s/lock", lock_dir);
	if (r == 0)
		r = path_format(write, sizeof(write), "%s/lock.write", lock_dir);
	if (r == 0)
		r = lock_take(lock_dir, lock, write);
	if (r < 0)
		return r;
	r = record_update(dir, n->iface, s, n_settings);
	unlink(write);
	return r;
}
