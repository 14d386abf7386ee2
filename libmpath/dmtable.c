/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dm-multipath table: building it, printing the kernel's parameter string, parsing it back. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dmtable.h"
#include "strbuf.h"
#include "util.h"
#include "words.h"

/* The kernel caps groups and paths per group at 1024 (dm-mpath's _args ranges). */
#define MP_TABLE_MAX_GROUPS 1024
#define MP_TABLE_MAX_PATHS 1024

int mp_table_new(struct mp_table **ret)
{
	struct mp_table *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	*ret = t;
	return 0;
}

static void table_group_clear(struct mp_table_group *g)
{
	free(g->selector);
	mp_strv_free(g->selector_args);
	for (size_t i = 0; i < g->nr_paths; i++) {
		free(g->paths[i].dev);
		mp_strv_free(g->paths[i].args);
	}
	free(g->paths);
}

void mp_table_free(struct mp_table *t)
{
	if (!t)
		return;
	mp_strv_free(t->features);
	free(t->hwhandler);
	mp_strv_free(t->hwhandler_args);
	for (size_t i = 0; i < t->nr_groups; i++)
		table_group_clear(&t->groups[i]);
	free(t->groups);
	free(t);
}

static bool words_valid(char *const *v)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!mp_word_valid(v[i]))
			return false;
	return true;
}

/* A feature is one or more words separated by single spaces. */
static bool feature_valid(const char *f)
{
	const char *p = f;

	if (!*f || f[strlen(f) - 1] == ' ')
		return false;
	while (*p) {
		size_t n = strcspn(p, " ");
		char word[256];

		if (n == 0 || n >= sizeof(word))
			return false;
		memcpy(word, p, n);
		word[n] = '\0';
		if (!mp_word_valid(word))
			return false;
		p += n;
		if (*p == ' ')
			p++;
	}
	return true;
}

static size_t feature_words(const char *f)
{
	size_t n = 1;

	for (; *f; f++)
		n += *f == ' ';
	return n;
}

int mp_table_add_feature(struct mp_table *t, const char *feature)
{
	if (!feature || !feature_valid(feature))
		return -EINVAL;
	return mp_strv_push(&t->features, feature);
}

int mp_table_set_hwhandler(struct mp_table *t, const char *name, char *const *args)
{
	_cleanup_free_ char *copy = NULL;
	_cleanup_strv_ char **argv = NULL;
	int r;

	if (name && (!mp_word_valid(name) || !words_valid(args)))
		return -EINVAL;
	if (!name && mp_strv_length(args) > 0)
		return -EINVAL;
	if (name) {
		copy = strdup(name);
		if (!copy)
			return -ENOMEM;
		r = mp_strv_copy(args, &argv);
		if (r < 0)
			return r;
	}
	free(t->hwhandler);
	mp_strv_free(t->hwhandler_args);
	t->hwhandler = TAKE_PTR(copy);
	t->hwhandler_args = TAKE_PTR(argv);
	return 0;
}

int mp_table_add_group(struct mp_table *t, const char *selector, char *const *selector_args,
		       size_t nr_path_args)
{
	struct mp_table_group *groups, *g;
	int r;

	if (!mp_word_valid(selector) || !words_valid(selector_args))
		return -EINVAL;
	if (t->nr_groups >= MP_TABLE_MAX_GROUPS)
		return -E2BIG;
	groups = realloc(t->groups, (t->nr_groups + 1) * sizeof(*groups));
	if (!groups)
		return -ENOMEM;
	t->groups = groups;
	g = &groups[t->nr_groups];
	memset(g, 0, sizeof(*g));
	g->nr_path_args = nr_path_args;
	g->selector = strdup(selector);
	r = g->selector ? mp_strv_copy(selector_args, &g->selector_args) : -ENOMEM;
	if (r < 0) {
		table_group_clear(g);
		return r;
	}
	if (t->nr_groups++ == 0)
		t->initial_group = 1;
	return (int)t->nr_groups - 1;
}

int mp_table_add_path(struct mp_table *t, size_t group, const char *dev, char *const *args)
{
	struct mp_table_group *g;
	struct mp_table_path *paths, p = { NULL, NULL };
	int r;

	if (group >= t->nr_groups || !mp_word_valid(dev) || !words_valid(args))
		return -EINVAL;
	g = &t->groups[group];
	if (mp_strv_length(args) != g->nr_path_args)
		return -EINVAL;
	if (g->nr_paths >= MP_TABLE_MAX_PATHS)
		return -E2BIG;
	p.dev = strdup(dev);
	r = p.dev ? mp_strv_copy(args, &p.args) : -ENOMEM;
	paths = r < 0 ? NULL : realloc(g->paths, (g->nr_paths + 1) * sizeof(*paths));
	if (!paths) {
		free(p.dev);
		mp_strv_free(p.args);
		return -ENOMEM;
	}
	paths[g->nr_paths++] = p;
	g->paths = paths;
	return 0;
}

static int format_words(struct strbuf *sb, char *const *v)
{
	int r = 0;

	for (size_t i = 0; r == 0 && v && v[i]; i++)
		r = strbuf_printf(sb, " %s", v[i]);
	return r;
}

static int format_group(struct strbuf *sb, const struct mp_table_group *g)
{
	int r;

	if (g->nr_paths == 0)
		return -EINVAL;
	r = strbuf_printf(sb, " %s %zu", g->selector, mp_strv_length(g->selector_args));
	if (r == 0)
		r = format_words(sb, g->selector_args);
	if (r == 0)
		r = strbuf_printf(sb, " %zu %zu", g->nr_paths, g->nr_path_args);
	for (size_t i = 0; r == 0 && i < g->nr_paths; i++) {
		if (mp_strv_length(g->paths[i].args) != g->nr_path_args)
			return -EINVAL;
		r = strbuf_printf(sb, " %s", g->paths[i].dev);
		if (r == 0)
			r = format_words(sb, g->paths[i].args);
	}
	return r;
}

static int format_head(struct strbuf *sb, const struct mp_table *t)
{
	size_t words = 0;
	int r;

	for (size_t i = 0; t->features && t->features[i]; i++)
		words += feature_words(t->features[i]);
	r = strbuf_printf(sb, "%zu", words);
	if (r == 0)
		r = format_words(sb, t->features);
	if (r == 0 && t->hwhandler)
		r = strbuf_printf(sb, " %zu %s", 1 + mp_strv_length(t->hwhandler_args), t->hwhandler);
	else if (r == 0)
		r = strbuf_puts(sb, " 0");
	if (r == 0)
		r = format_words(sb, t->hwhandler_args);
	if (r == 0)
		r = strbuf_printf(sb, " %zu %u", t->nr_groups, t->initial_group);
	return r;
}

int mp_table_format(const struct mp_table *t, char **ret)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	char *s;
	int r;

	if (t->nr_groups ? (t->initial_group < 1 || t->initial_group > t->nr_groups) : t->initial_group != 0)
		return -EINVAL;
	r = format_head(&sb, t);
	for (size_t i = 0; r == 0 && i < t->nr_groups; i++)
		r = format_group(&sb, &t->groups[i]);
	if (r < 0)
		return r;
	s = strbuf_steal(&sb);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* Features that take one value word; dm-mpath has no others. */
static bool feature_has_value(const char *name)
{
	static const char *const with_value[] = {
		"pg_init_retries", "pg_init_delay_msecs", "queue_mode", "queue_if_no_path_timeout",
	};

	for (size_t i = 0; i < ARRAY_SIZE(with_value); i++)
		if (strcasecmp(name, with_value[i]) == 0)
			return true;
	return false;
}

static int parse_features(struct mp_words *w, struct mp_table *t)
{
	size_t n, end;
	int r = mp_words_count(w, 1, &n);

	if (r < 0)
		return r;
	end = w->pos + n;
	while (w->pos < end) {
		const char *name = mp_words_next(w);
		_cleanup_free_ char *f = NULL;

		if (feature_has_value(name) && w->pos < end) {
			if (asprintf(&f, "%s %s", name, mp_words_next(w)) < 0)
				return -ENOMEM;
		} else if (!(f = strdup(name))) {
			return -ENOMEM;
		}
		r = mp_strv_push(&t->features, f);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_hwhandler(struct mp_words *w, struct mp_table *t)
{
	size_t n;
	int r = mp_words_count(w, 1, &n);

	if (r < 0 || n == 0)
		return r;
	t->hwhandler = strdup(mp_words_next(w));
	if (!t->hwhandler)
		return -ENOMEM;
	return mp_words_take(w, n - 1, &t->hwhandler_args);
}

static int parse_group(struct mp_words *w, struct mp_table *t)
{
	_cleanup_strv_ char **sel_args = NULL;
	const char *selector = mp_words_next(w);
	size_t nargs, npaths, nr_path_args;
	int r, g;

	if (!selector)
		return -EINVAL;
	if ((r = mp_words_count(w, 1, &nargs)) < 0 || (r = mp_words_take(w, nargs, &sel_args)) < 0)
		return r;
	if ((r = mp_words_count(w, 0, &npaths)) < 0 || (r = mp_words_count(w, 1, &nr_path_args)) < 0)
		return r;
	if (npaths > mp_words_left(w) / (1 + nr_path_args))
		return -EINVAL;
	g = mp_table_add_group(t, selector, sel_args, nr_path_args);
	if (g < 0)
		return g;
	for (size_t i = 0; i < npaths; i++) {
		_cleanup_strv_ char **args = NULL;
		const char *dev = mp_words_next(w);

		if ((r = mp_words_take(w, nr_path_args, &args)) < 0)
			return r;
		if ((r = mp_table_add_path(t, g, dev, args)) < 0)
			return r;
	}
	return 0;
}

static int table_parse_words(struct mp_words *w, struct mp_table *t)
{
	unsigned long initial;
	size_t nr_groups;
	int r;

	if ((r = parse_features(w, t)) < 0 || (r = parse_hwhandler(w, t)) < 0)
		return r;
	if ((r = mp_words_count(w, 5, &nr_groups)) < 0)
		return r;
	if ((r = mp_words_ulong(w, nr_groups, &initial)) < 0)
		return r;
	if ((nr_groups == 0) != (initial == 0))
		return -EINVAL;
	for (size_t i = 0; i < nr_groups; i++)
		if ((r = parse_group(w, t)) < 0)
			return r;
	if (mp_words_left(w) > 0)
		return -EINVAL;
	t->initial_group = initial;
	return 0;
}

int mp_table_parse(const char *params, struct mp_table **ret)
{
	_cleanup_mp_table_ struct mp_table *t = NULL;
	_cleanup_(mp_words_release) struct mp_words w;
	int r;

	r = mp_words_split(params, &w);
	if (r < 0)
		return r;
	if ((r = mp_table_new(&t)) < 0)
		return r;
	r = table_parse_words(&w, t);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	*ret = TAKE_PTR(t);
	return 0;
}

bool mp_table_queue_if_no_path(const struct mp_table *t)
{
	for (size_t i = 0; t->features && t->features[i]; i++)
		if (strcasecmp(t->features[i], "queue_if_no_path") == 0)
			return true;
	return false;
}
