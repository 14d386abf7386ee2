/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The wwids file: load with per-line diagnostics, membership, atomic add and remove. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic-file.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"
#include "words.h"
#include "wwids.h"

static const char wwids_header[] =
	"# Multipathed WWIDs, maintained by mpathd.\n"
	"# Format: /<wwid>/\n";

void mp_wwids_free(struct mp_wwids *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nr; i++)
		free(w->wwids[i]);
	free(w->wwids);
	free(w->path);
	free(w);
}

bool mp_wwids_contains(const struct mp_wwids *w, const char *wwid)
{
	for (size_t i = 0; i < w->nr; i++)
		if (streq(w->wwids[i], wwid))
			return true;
	return false;
}

static bool wwid_valid(const char *wwid)
{
	return mp_word_valid(wwid) && !strchr(wwid, '/');
}

static int wwids_append(struct mp_wwids *w, const char *wwid)
{
	char **v = realloc(w->wwids, (w->nr + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	w->wwids = v;
	v[w->nr] = strdup(wwid);
	if (!v[w->nr])
		return -ENOMEM;
	w->nr++;
	return 0;
}

/* One line: 0 when used or blank, 1 when skipped (and reported), -ENOMEM. */
static int wwids_load_line(struct mp_wwids *w, char *line, unsigned lineno)
{
	char *save = NULL, *word, *extra;
	size_t len;

	line[strcspn(line, "#")] = '\0';
	word = strtok_r(line, " \t\r\n", &save);
	if (!word)
		return 0;
	extra = strtok_r(NULL, " \t\r\n", &save);
	len = strlen(word);
	if (extra || len < 3 || word[0] != '/' || word[len - 1] != '/') {
		log_warn("%s:%u: expected \"/<wwid>/\", skipping line", w->path, lineno);
		return 1;
	}
	word[len - 1] = '\0';
	word++;
	if (!wwid_valid(word)) {
		log_warn("%s:%u: invalid wwid \"%s\", skipping line", w->path, lineno, word);
		return 1;
	}
	if (mp_wwids_contains(w, word)) {
		log_warn("%s:%u: duplicate wwid %s, skipping line", w->path, lineno, word);
		return 1;
	}
	return wwids_append(w, word);
}

static int wwids_load_line_cb(void *userdata, char *line, unsigned lineno)
{
	return wwids_load_line(userdata, line, lineno);
}

int mp_wwids_load(const char *path, struct mp_wwids **ret)
{
	_cleanup_(mp_wwids_freep) struct mp_wwids *w = calloc(1, sizeof(*w));
	int skipped;

	if (!w || !(w->path = strdup(path)))
		return -ENOMEM;
	skipped = mp_file_read_lines(path, wwids_load_line_cb, w);
	if (skipped < 0)
		return skipped;
	*ret = TAKE_PTR(w);
	return skipped;
}

int mp_wwids_save(const struct mp_wwids *w)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int r = strbuf_puts(&sb, wwids_header);

	for (size_t i = 0; r == 0 && i < w->nr; i++)
		r = strbuf_printf(&sb, "/%s/\n", w->wwids[i]);
	if (r < 0)
		return r;
	r = mp_file_write_atomic(w->path, strbuf_str(&sb), sb.len, 0644);
	if (r < 0)
		return log_err_errno(r, "Failed to save wwids to %s", w->path);
	return 0;
}

int mp_wwids_add(struct mp_wwids *w, const char *wwid)
{
	int r;

	if (!wwid_valid(wwid))
		return -EINVAL;
	if (mp_wwids_contains(w, wwid))
		return 0;
	if ((r = wwids_append(w, wwid)) < 0)
		return r;
	r = mp_wwids_save(w);
	if (r < 0) {
		free(w->wwids[--w->nr]);
		return r;
	}
	return 1;
}

int mp_wwids_remove(struct mp_wwids *w, const char *wwid)
{
	char *removed;
	size_t i;
	int r;

	for (i = 0; i < w->nr && !streq(w->wwids[i], wwid); i++)
		;
	if (i == w->nr)
		return 0;
	removed = w->wwids[i];
	memmove(&w->wwids[i], &w->wwids[i + 1], (w->nr - i - 1) * sizeof(*w->wwids));
	w->nr--;
	r = mp_wwids_save(w);
	if (r < 0) {
		memmove(&w->wwids[i + 1], &w->wwids[i], (w->nr - i) * sizeof(*w->wwids));
		w->wwids[i] = removed;
		w->nr++;
		return r;
	}
	free(removed);
	return 1;
}
