/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Alias bindings: load with per-line diagnostics, look up, allocate mpatha..mpathz, mpathaa.., save atomically. */
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

static const char bindings_header[] =
	"# Multipath alias bindings, maintained by mpathd.\n"
	"# Format: <alias> <wwid>\n";

void mp_bindings_free(struct mp_bindings *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nr; i++) {
		free(b->entries[i].alias);
		free(b->entries[i].wwid);
	}
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

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

int mp_bindings_next_alias(const struct mp_bindings *b, char **ret)
{
	_cleanup_free_ unsigned long *used = calloc(b->nr + 1, sizeof(*used));
	unsigned long next = 0;
	size_t n = 0;

	if (!used)
		return -ENOMEM;
	for (size_t i = 0; i < b->nr; i++)
		if (mp_alias_index(b->prefix, b->entries[i].alias, &used[n]) == 0)
			n++;
	qsort(used, n, sizeof(*used), cmp_ulong);
	for (size_t i = 0; i < n && used[i] <= next; i++)
		if (used[i] == next)
			next++;
	return mp_alias_format(b->prefix, next, ret);
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

/* One line: 0 when used or blank, 1 when skipped (and reported), -ENOMEM. */
static int bindings_load_line(struct mp_bindings *b, char *line, unsigned lineno)
{
	char *save = NULL, *alias, *wwid, *extra;
	const char *other;
	int r;

	line[strcspn(line, "#")] = '\0';
	alias = strtok_r(line, " \t\r\n", &save);
	if (!alias)
		return 0;
	wwid = strtok_r(NULL, " \t\r\n", &save);
	extra = strtok_r(NULL, " \t\r\n", &save);
	if (!wwid || extra) {
		log_warn("%s:%u: expected \"<alias> <wwid>\", skipping line", b->path, lineno);
		return 1;
	}
	r = mp_bindings_add(b, alias, wwid);
	switch (r) {
	case 1:
		return 0;
	case 0:
		log_warn("%s:%u: duplicate binding %s %s, skipping line", b->path, lineno, alias, wwid);
		return 1;
	case -EINVAL:
		log_warn("%s:%u: invalid alias or wwid \"%s %s\", skipping line", b->path, lineno, alias, wwid);
		return 1;
	case -EEXIST:
		if ((other = mp_bindings_wwid(b, alias)))
			log_warn("%s:%u: alias %s is already bound to %s, skipping line",
				 b->path, lineno, alias, other);
		else
			log_warn("%s:%u: wwid %s already has alias %s, skipping line",
				 b->path, lineno, wwid, mp_bindings_alias(b, wwid));
		return 1;
	default:
		return r;
	}
}

static int bindings_load_line_cb(void *userdata, char *line, unsigned lineno)
{
	return bindings_load_line(userdata, line, lineno);
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
	int r, skipped;

	if ((r = bindings_new(path, prefix, &b)) < 0)
		return r;
	skipped = mp_file_read_lines(path, bindings_load_line_cb, b);
	if (skipped < 0)
		return skipped;
	*ret = TAKE_PTR(b);
	return skipped;
}

int mp_bindings_save(const struct mp_bindings *b)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int r = strbuf_puts(&sb, bindings_header);

	for (size_t i = 0; r == 0 && i < b->nr; i++)
		r = strbuf_printf(&sb, "%s %s\n", b->entries[i].alias, b->entries[i].wwid);
	if (r < 0)
		return r;
	r = mp_file_write_atomic(b->path, strbuf_str(&sb), sb.len, 0600);
	if (r < 0)
		return log_err_errno(r, "Failed to save bindings to %s", b->path);
	return 0;
}

int mp_bindings_assign(struct mp_bindings *b, const char *wwid, const char **ret_alias)
{
	_cleanup_free_ char *alias = NULL;
	const char *existing = mp_bindings_alias(b, wwid);
	int r;

	if (existing) {
		*ret_alias = existing;
		return 0;
	}
	if ((r = mp_bindings_next_alias(b, &alias)) < 0)
		return r;
	if ((r = mp_bindings_add(b, alias, wwid)) < 0)
		return r;
	r = mp_bindings_save(b);
	if (r < 0) {
		b->nr--;
		free(b->entries[b->nr].alias);
		free(b->entries[b->nr].wwid);
		return r;
	}
	*ret_alias = b->entries[b->nr - 1].alias;
	return 1;
}
