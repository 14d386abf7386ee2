/* SPDX-License-Identifier: GPL-2.0-or-later */
/* String lists and the tokenizer used by the dm table and status parsers. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "words.h"

size_t mp_strv_length(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

void mp_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

int mp_strv_push(char ***v, const char *s)
{
	size_t n = mp_strv_length(*v);
	char **nv;
	char *copy = strdup(s);

	if (!copy)
		return -ENOMEM;
	nv = realloc(*v, (n + 2) * sizeof(*nv));
	if (!nv) {
		free(copy);
		return -ENOMEM;
	}
	nv[n] = copy;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

int mp_strv_copy(char *const *src, char ***ret)
{
	size_t n = mp_strv_length(src);
	_cleanup_strv_ char **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i] = strdup(src[i]);
		if (!v[i])
			return -ENOMEM;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

bool mp_strv_equal(char *const *a, char *const *b)
{
	size_t n = mp_strv_length(a);

	if (n != mp_strv_length(b))
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

bool mp_word_valid(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

int mp_parse_ulong(const char *s, unsigned long *ret)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		if (v > (ULONG_MAX - (*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (*s - '0');
	}
	*ret = v;
	return 0;
}

int mp_words_split(const char *s, struct mp_words *w)
{
	size_t cap = 0;
	char *save = NULL;

	memset(w, 0, sizeof(*w));
	w->buf = strdup(s);
	if (!w->buf)
		return -ENOMEM;
	for (char *tok = strtok_r(w->buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		if (w->n == cap) {
			char **nv;

			cap = cap ? cap * 2 : 32;
			nv = realloc(w->v, cap * sizeof(*nv));
			if (!nv) {
				mp_words_release(w);
				return -ENOMEM;
			}
			w->v = nv;
		}
		w->v[w->n++] = tok;
	}
	return 0;
}

void mp_words_release(struct mp_words *w)
{
	free(w->v);
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

size_t mp_words_left(const struct mp_words *w)
{
	return w->n - w->pos;
}

const char *mp_words_next(struct mp_words *w)
{
	return w->pos < w->n ? w->v[w->pos++] : NULL;
}

int mp_words_ulong(struct mp_words *w, unsigned long max, unsigned long *ret)
{
	const char *s = mp_words_next(w);
	unsigned long v;
	int r;

	if (!s)
		return -EINVAL;
	r = mp_parse_ulong(s, &v);
	if (r < 0)
		return r;
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int mp_words_count(struct mp_words *w, size_t per_item, size_t *ret)
{
	unsigned long v;
	int r = mp_words_ulong(w, ULONG_MAX, &v);

	if (r < 0)
		return r;
	if (per_item && v > mp_words_left(w) / per_item)
		return -EINVAL;
	*ret = v;
	return 0;
}

int mp_words_take(struct mp_words *w, size_t n, char ***ret)
{
	_cleanup_strv_ char **v = NULL;

	if (n > mp_words_left(w))
		return -EINVAL;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i] = strdup(mp_words_next(w));
		if (!v[i])
			return -ENOMEM;
	}
	*ret = TAKE_PTR(v);
	return 0;
}
