/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Alias bindings: load with per-line diagnostics, look up, allocate as multipathd 0.9.4 does, append atomically. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic-file.h"
#include "bindings.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"
#include "words.h"

/* More names than dm could ever hold: a @taken callback refusing this many in a row is broken. */
#define TAKEN_MAX (1ul << 20)
/* multipath-tools numbers aliases with an int and ignores names of more than 7 letters. */
#define ALIAS_LETTERS_MAX 7

static void file_aliases_clear(struct mp_bindings *b)
{
	for (size_t i = 0; i < b->nr_file_aliases; i++)
		free(b->file_aliases[i]);
	free(b->file_aliases);
	b->file_aliases = NULL;
	b->nr_file_aliases = 0;
}

void mp_bindings_free(struct mp_bindings *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nr; i++) {
		free(b->entries[i].alias);
		free(b->entries[i].wwid);
	}
	file_aliases_clear(b);
	free(b->text);
	free(b->entries);
	free(b->path);
	free(b->prefix);
	free(b);
}

const char *mp_bindings_alias(const struct mp_bindings *b, const char *wwid)
{
	for (size_t i = 0; i < b->nr; i++)
		if (streq(b->entries[i].wwid, wwid))
			return b->entries[i].alias;
	return NULL;
}

const char *mp_bindings_wwid(const struct mp_bindings *b, const char *alias)
{
	for (size_t i = 0; i < b->nr; i++)
		if (streq(b->entries[i].alias, alias))
			return b->entries[i].wwid;
	return NULL;
}

int mp_alias_format(const char *prefix, unsigned long index, char **ret)
{
	char suffix[32];
	size_t n = sizeof(suffix) - 1;
	unsigned long v = index;
	char *alias;

	suffix[n] = '\0';
	/* Bijective base 26: digit values 1..26 map to a..z, there is no zero. */
	do {
		suffix[--n] = (char)('a' + v % 26);
		v /= 26;
	} while (v-- > 0);
	if (strlen(prefix) + strlen(suffix + n) > MP_ALIAS_MAX_LEN)
		return -ENAMETOOLONG;
	if (asprintf(&alias, "%s%s", prefix, suffix + n) < 0)
		return -ENOMEM;
	*ret = alias;
	return 0;
}

int mp_alias_index(const char *prefix, const char *alias, unsigned long *ret)
{
	size_t plen = strlen(prefix);
	const char *s = alias + plen;
	unsigned long v = 0;

	if (strncmp(alias, prefix, plen) != 0 || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < 'a' || *s > 'z')
			return -EINVAL;
		if (v > (ULONG_MAX - 26) / 26)
			return -EINVAL;
		v = v * 26 + (unsigned long)(*s - 'a' + 1);
	}
	*ret = v - 1;
	return 0;
}

/* multipath-tools' id of @alias: 1 for "<prefix>a"; -1 for any other name. */
static long alias_id(const char *alias, const char *prefix)
{
	unsigned long index;

	if (strlen(alias) > strlen(prefix) + ALIAS_LETTERS_MAX)
		return -1;
	if (mp_alias_index(prefix, alias, &index) < 0 || index >= INT_MAX)
		return -1;
	return (long)index + 1;
}

/*
 * lookup_binding()'s bookkeeping: @id is the next id of the run 1, 2, 3... met in
 * order, @biggest the biggest id seen, @smallest_bigger the smallest id seen while it
 * was above @id. @id is known free only while it is below @smallest_bigger.
 */
struct id_scan {
	long id;
	long biggest;
	long smallest_bigger;
};

static void id_scan_add(struct id_scan *s, long cur)
{
	if (cur == s->id)
		s->id++;
	if (cur > s->biggest)
		s->biggest = cur;
	if (cur > s->id && cur < s->smallest_bigger)
		s->smallest_bigger = cur;
}

/* One pass over the file's lines, then the bindings not saved yet. */
static struct id_scan id_scan_bindings(const struct mp_bindings *b, const char *prefix)
{
	struct id_scan s = { 1, 1, LONG_MAX };

	for (size_t i = 0; i < b->nr_file_aliases; i++)
		id_scan_add(&s, alias_id(b->file_aliases[i], prefix));
	for (size_t i = b->nr_loaded; i < b->nr; i++)
		id_scan_add(&s, alias_id(b->entries[i].alias, prefix));
	if (s.id >= s.smallest_bigger)
		s.id = s.biggest + 1;
	return s;
}

/* Move @s->id on while @req->taken refuses it, jumping past the biggest id when the next one is used. */
static int id_skip_taken(const struct mp_alias_request *req, const char *prefix, struct id_scan *s)
{
	for (unsigned long tries = 0;; tries++) {
		_cleanup_free_ char *alias = NULL;
		int r = mp_alias_format(prefix, (unsigned long)s->id - 1, &alias);

		if (r < 0)
			return r;
		if (!req->taken(alias, req->wwid, req->userdata))
			return 0;
		log_debug("%s: alias %s is held by another device-mapper device", req->wwid, alias);
		if (tries + 1 >= TAKEN_MAX || s->id >= INT_MAX)
			return -ENOSPC;
		s->id++;
		if (s->id == s->smallest_bigger && s->biggest >= s->smallest_bigger)
			s->id = s->biggest + 1;
	}
}

int mp_bindings_next_alias(const struct mp_bindings *b, const struct mp_alias_request *req,
			   char **ret)
{
	const char *prefix = req && req->prefix ? req->prefix : b->prefix;
	struct id_scan s = id_scan_bindings(b, prefix);
	int r = s.id > INT_MAX ? -ENOSPC : 0;

	if (r == 0 && req && req->taken)
		r = id_skip_taken(req, prefix, &s);
	if (r == -ENOSPC)
		return log_err_errno(r, "No more available user_friendly_names with prefix \"%s\"", prefix);
	if (r < 0)
		return r;
	return mp_alias_format(prefix, (unsigned long)s.id - 1, ret);
}

static bool alias_valid(const char *alias)
{
	return mp_word_valid(alias) && !strchr(alias, '/') && strlen(alias) <= MP_ALIAS_MAX_LEN &&
	       !streq(alias, ".") && !streq(alias, "..");
}

int mp_bindings_add(struct mp_bindings *b, const char *alias, const char *wwid)
{
	const char *bound_wwid, *bound_alias;
	struct mp_binding *entries, e;

	if (!alias_valid(alias) || !mp_word_valid(wwid))
		return -EINVAL;
	bound_wwid = mp_bindings_wwid(b, alias);
	bound_alias = mp_bindings_alias(b, wwid);
	if (bound_wwid && streq(bound_wwid, wwid))
		return 0;
	if (bound_wwid || bound_alias)
		return -EEXIST;
	e.alias = strdup(alias);
	e.wwid = strdup(wwid);
	entries = e.alias && e.wwid ? realloc(b->entries, (b->nr + 1) * sizeof(*entries)) : NULL;
	if (!entries) {
		free(e.alias);
		free(e.wwid);
		return -ENOMEM;
	}
	entries[b->nr++] = e;
	b->entries = entries;
	return 1;
}

/* Remember the first word of a file line: every one counts when picking a free alias. */
static int file_alias_push(struct mp_bindings *b, const char *alias)
{
	char **v, *copy;

	/* Grow by doubling: the slot count is the next power of two at or above nr. */
	if ((b->nr_file_aliases & (b->nr_file_aliases - 1)) == 0) {
		v = realloc(b->file_aliases, (b->nr_file_aliases ? 2 * b->nr_file_aliases : 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		b->file_aliases = v;
	}
	copy = strdup(alias);
	if (!copy)
		return -ENOMEM;
	b->file_aliases[b->nr_file_aliases++] = copy;
	return 0;
}

/* Report a line whose binding add refused; returns 1 (one line warned about). */
static int bindings_report(struct mp_bindings *b, int r, const char *alias, const char *wwid,
			   unsigned lineno)
{
	const char *other;

	if (r == 0) {
		log_warn("%s:%u: duplicate binding %s %s, skipping line", b->path, lineno, alias, wwid);
	} else if (r == -EINVAL) {
		log_warn("%s:%u: invalid alias or wwid \"%s %s\", skipping line", b->path, lineno,
			 alias, wwid);
	} else if ((other = mp_bindings_wwid(b, alias))) {
		b->nr_conflicts++;
		log_warn("%s:%u: alias %s is already bound to %s, skipping line", b->path, lineno,
			 alias, other);
	} else {
		log_warn("%s:%u: wwid %s already has alias %s, skipping line", b->path, lineno, wwid,
			 mp_bindings_alias(b, wwid));
	}
	return 1;
}

/* One line: 0 when used or blank, 1 when warned about, -ENOMEM. */
static int bindings_load_line(struct mp_bindings *b, char *line, unsigned lineno)
{
	char *save = NULL, *alias, *wwid, *extra;
	int r, warned = 0;

	line[strcspn(line, "#")] = '\0';
	alias = strtok_r(line, " \t\r\n", &save);
	if (!alias)
		return 0;
	if ((r = file_alias_push(b, alias)) < 0)
		return r;
	wwid = strtok_r(NULL, " \t\r\n", &save);
	if (!wwid) {
		log_warn("%s:%u: expected \"<alias> <wwid>\", skipping line", b->path, lineno);
		return 1;
	}
	extra = strtok_r(NULL, " \t\r\n", &save);
	if (extra) {
		log_warn("%s:%u: ignoring \"%s\" after the wwid", b->path, lineno, extra);
		warned = 1;
	}
	r = mp_bindings_add(b, alias, wwid);
	if (r == -ENOMEM)
		return r;
	if (r == 1) {
		b->nr_loaded = b->nr;
		return warned;
	}
	return bindings_report(b, r, alias, wwid, lineno);
}

struct bindings_loader {
	struct mp_bindings *b;
	struct strbuf text;
};

static int bindings_load_line_cb(void *userdata, char *line, unsigned lineno)
{
	struct bindings_loader *l = userdata;
	int r = strbuf_puts(&l->text, line);

	return r < 0 ? r : bindings_load_line(l->b, line, lineno);
}

static int bindings_new(const char *path, const char *prefix, struct mp_bindings **ret)
{
	struct mp_bindings *b = calloc(1, sizeof(*b));

	if (!b)
		return -ENOMEM;
	b->path = strdup(path);
	b->prefix = strdup(prefix);
	if (!b->path || !b->prefix) {
		mp_bindings_free(b);
		return -ENOMEM;
	}
	*ret = b;
	return 0;
}

int mp_bindings_load(const char *path, const char *prefix, struct mp_bindings **ret)
{
	_cleanup_mp_bindings_ struct mp_bindings *b = NULL;
	struct bindings_loader l = { .text = STRBUF_INIT };
	int r, warned;

	if ((r = bindings_new(path, prefix, &b)) < 0)
		return r;
	l.b = b;
	warned = mp_file_read_lines(path, bindings_load_line_cb, &l);
	if (warned >= 0 && l.text.len > 0)
		b->text = strbuf_steal(&l.text);
	strbuf_release(&l.text);
	if (warned < 0)
		return warned;
	*ret = TAKE_PTR(b);
	return warned;
}

/*
 * Write @content and make it the file's known state. Its binding lines after @text
 * (or after the header) are @lines (NULL: @entries[@from..nr), appended).
 */
static int bindings_commit(struct mp_bindings *b, struct strbuf *content, size_t from,
			   struct mp_binding *const *lines)
{
	int r = mp_file_write_atomic(b->path, strbuf_str(content), content->len, 0600);

	if (r < 0)
		return log_err_errno(r, "Failed to save bindings to %s", b->path);
	if (lines)
		file_aliases_clear(b);
	for (size_t i = from; i < b->nr; i++) {
		r = file_alias_push(b, lines ? lines[i]->alias : b->entries[i].alias);
		if (r < 0)
			return r;
	}
	free(b->text);
	b->text = strbuf_steal(content);
	b->nr_loaded = b->nr;
	return 0;
}

static int binding_line(struct strbuf *sb, const struct mp_binding *e)
{
	return strbuf_printf(sb, "%s %s\n", e->alias, e->wwid);
}

int mp_bindings_save(struct mp_bindings *b)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	size_t from = b->text ? b->nr_loaded : 0;
	int r;

	if (!b->text)
		r = strbuf_puts(&sb, MP_BINDINGS_HEADER);
	else if ((r = strbuf_puts(&sb, b->text)) == 0 && sb.buf[sb.len - 1] != '\n')
		r = strbuf_puts(&sb, "\n");
	for (size_t i = from; r == 0 && i < b->nr; i++)
		r = binding_line(&sb, &b->entries[i]);
	return r < 0 ? r : bindings_commit(b, &sb, from, NULL);
}

static int cmp_binding_alias(const void *x, const void *y)
{
	return strcmp((*(struct mp_binding *const *)x)->alias, (*(struct mp_binding *const *)y)->alias);
}

int mp_bindings_rewrite(struct mp_bindings *b)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ struct mp_binding **sorted = calloc(b->nr + 1, sizeof(*sorted));
	int r = sorted ? strbuf_puts(&sb, MP_BINDINGS_HEADER) : -ENOMEM;

	for (size_t i = 0; i < b->nr; i++)
		if (sorted)
			sorted[i] = &b->entries[i];
	if (r == 0 && b->nr > 0)
		qsort(sorted, b->nr, sizeof(*sorted), cmp_binding_alias);
	for (size_t i = 0; r == 0 && i < b->nr; i++)
		r = binding_line(&sb, sorted[i]);
	if (r < 0)
		return r;
	if ((r = bindings_commit(b, &sb, 0, sorted)) < 0)
		return r;
	b->nr_conflicts = 0;
	return 0;
}

/* Drop the last binding again (it could not be saved). */
static void bindings_drop_last(struct mp_bindings *b)
{
	b->nr--;
	free(b->entries[b->nr].alias);
	free(b->entries[b->nr].wwid);
}

/* Bind @alias to @wwid and save; the binding is dropped again if saving fails. */
static int bindings_add_saved(struct mp_bindings *b, const char *alias, const char *wwid,
			      const char **ret_alias)
{
	int r = mp_bindings_add(b, alias, wwid);

	if (r < 0)
		return r;
	if ((r = mp_bindings_save(b)) < 0) {
		bindings_drop_last(b);
		return r;
	}
	*ret_alias = b->entries[b->nr - 1].alias;
	return 1;
}

/*
 * use_existing_alias(): the name the map has now. Returns 0 or 1 when settled, and
 * -ENOENT when the normal allocation should decide.
 */
static int assign_current(struct mp_bindings *b, const struct mp_alias_request *req,
			  const char *prefix, const char **ret_alias)
{
	const char *bound = mp_bindings_wwid(b, req->current);
	const char *existing;

	if (bound && !streq(bound, req->wwid)) {
		log_warn("%s: alias %s is bound to wwid %s, cannot reuse it", req->wwid, req->current,
			 bound);
		return -ENOENT;
	}
	existing = mp_bindings_alias(b, req->wwid);
	if (existing) {
		*ret_alias = existing;
		return 0;
	}
	if (alias_id(req->current, prefix) <= 0)
		return -ENOENT;
	log_info("%s: binding its current name %s", req->wwid, req->current);
	return bindings_add_saved(b, req->current, req->wwid, ret_alias);
}

int mp_bindings_assign(struct mp_bindings *b, const struct mp_alias_request *req,
		       const char **ret_alias)
{
	_cleanup_free_ char *alias = NULL;
	const char *prefix, *existing;
	int r;

	if (!req || !req->wwid || !*req->wwid)
		return -EINVAL;
	prefix = req->prefix ? req->prefix : b->prefix;
	if (req->current && *req->current) {
		r = assign_current(b, req, prefix, ret_alias);
		if (r != -ENOENT)
			return r;
	}
	existing = mp_bindings_alias(b, req->wwid);
	if (existing) {
		*ret_alias = existing;
		return 0;
	}
	if ((r = mp_bindings_next_alias(b, req, &alias)) < 0)
		return r;
	return bindings_add_saved(b, alias, req->wwid, ret_alias);
}
