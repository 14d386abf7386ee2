/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsing the dm-multipath status line: group states, path states and fail counts. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmtable.h"
#include "util.h"
#include "words.h"

void mp_status_free(struct mp_status *s)
{
	if (!s)
		return;
	mp_strv_free(s->features);
	mp_strv_free(s->hwhandler_args);
	for (size_t i = 0; i < s->nr_groups; i++) {
		struct mp_status_group *g = &s->groups[i];

		mp_strv_free(g->selector_args);
		for (size_t j = 0; j < g->nr_paths; j++) {
			free(g->paths[j].dev);
			mp_strv_free(g->paths[j].selector_args);
		}
		free(g->paths);
	}
	free(s->groups);
	free(s);
}

/* Everything before the groups; *@ret_nr_groups is how many follow. */
static int status_parse_head(struct mp_words *w, struct mp_status *s, size_t *ret_nr_groups)
{
	unsigned long queue_io, pg_init_count, next;
	size_t n;
	int r;

	if ((r = mp_words_count(w, 1, &n)) < 0 || (r = mp_words_take(w, n, &s->features)) < 0)
		return r;
	/* 6.1 prints "2 <queue_io> <pg_init_count>"; anything else stays raw only. */
	if (n == 2 && mp_parse_ulong(s->features[0], &queue_io) == 0 &&
	    mp_parse_ulong(s->features[1], &pg_init_count) == 0) {
		s->queue_io = queue_io != 0;
		s->pg_init_count = pg_init_count;
	}
	if ((r = mp_words_count(w, 1, &n)) < 0 || (r = mp_words_take(w, n, &s->hwhandler_args)) < 0)
		return r;
	if ((r = mp_words_count(w, 4, ret_nr_groups)) < 0)
		return r;
	if ((r = mp_words_ulong(w, *ret_nr_groups, &next)) < 0)
		return -EINVAL;
	s->next_group = next;
	return 0;
}

static int status_parse_path(struct mp_words *w, size_t nr_args, struct mp_status_path *p)
{
	const char *dev = mp_words_next(w);
	const char *state = mp_words_next(w);
	int r;

	if (!mp_word_valid(dev) || !state || (!streq(state, "A") && !streq(state, "F")))
		return -EINVAL;
	p->active = streq(state, "A");
	if ((r = mp_words_ulong(w, ULONG_MAX, &p->fail_count)) < 0)
		return r;
	p->dev = strdup(dev);
	if (!p->dev)
		return -ENOMEM;
	return mp_words_take(w, nr_args, &p->selector_args);
}

static int status_parse_group(struct mp_words *w, struct mp_status_group *g)
{
	const char *state = mp_words_next(w);
	size_t n, nr_paths;
	int r;

	if (!state || strlen(state) != 1 || !strchr("ADE", state[0]))
		return -EINVAL;
	g->state = (enum mp_group_state)state[0];
	if ((r = mp_words_count(w, 1, &n)) < 0 || (r = mp_words_take(w, n, &g->selector_args)) < 0)
		return r;
	if ((r = mp_words_count(w, 0, &nr_paths)) < 0 || (r = mp_words_count(w, 0, &g->nr_path_args)) < 0)
		return r;
	if (g->nr_path_args > SIZE_MAX / 4 || nr_paths > mp_words_left(w) / (3 + g->nr_path_args))
		return -EINVAL;
	/* nr_paths counts allocated paths only: mp_status_free() walks them after an error. */
	g->paths = calloc(nr_paths ? nr_paths : 1, sizeof(*g->paths));
	if (!g->paths)
		return -ENOMEM;
	g->nr_paths = nr_paths;
	for (size_t i = 0; i < g->nr_paths; i++)
		if ((r = status_parse_path(w, g->nr_path_args, &g->paths[i])) < 0)
			return r;
	return 0;
}

int mp_status_parse(const char *text, struct mp_status **ret)
{
	_cleanup_(mp_status_freep) struct mp_status *s = NULL;
	_cleanup_(mp_words_release) struct mp_words w;
	size_t nr_groups;
	int r;

	if ((r = mp_words_split(text, &w)) < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if ((r = status_parse_head(&w, s, &nr_groups)) < 0)
		return r == -ENOMEM ? r : -EINVAL;
	if ((nr_groups == 0) != (s->next_group == 0))
		return -EINVAL;
	/* s->nr_groups counts the groups allocated so far, for mp_status_free(). */
	s->groups = calloc(nr_groups ? nr_groups : 1, sizeof(*s->groups));
	if (!s->groups)
		return -ENOMEM;
	for (; s->nr_groups < nr_groups; ) {
		r = status_parse_group(&w, &s->groups[s->nr_groups++]);
		if (r < 0)
			return r == -ENOMEM ? r : -EINVAL;
	}
	if (mp_words_left(&w) > 0)
		return -EINVAL;
	*ret = TAKE_PTR(s);
	return 0;
}

const struct mp_status_path *mp_status_find_path(const struct mp_status *s, const char *dev)
{
	for (size_t i = 0; i < s->nr_groups; i++)
		for (size_t j = 0; j < s->groups[i].nr_paths; j++)
			if (streq(s->groups[i].paths[j].dev, dev))
				return &s->groups[i].paths[j];
	return NULL;
}

size_t mp_status_active_paths(const struct mp_status *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nr_groups; i++)
		for (size_t j = 0; j < s->groups[i].nr_paths; j++)
			n += s->groups[i].paths[j].active;
	return n;
}
