/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A map's dm-multipath table: features and hardware handler from its settings, groups from its selector. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "dmtable.h"
#include "map.h"
#include "map_table.h"
#include "path.h"
#include "selectors.h"
#include "util.h"
#include "words.h"

/* Split config text such as "2 pg_init_retries 50" into a NULL-terminated word list. */
static int split_words(const char *s, char ***ret)
{
	_cleanup_free_ char *copy = strdup(s ? s : "");
	char **v = NULL, *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (mp_strv_push(&v, w) < 0) {
			mp_strv_free(v);
			return -ENOMEM;
		}
	}
	if (!v && mp_strv_push(&v, "") < 0)
		return -ENOMEM;
	if (!v[0][0]) {
		free(v[0]);
		v[0] = NULL;
	}
	*ret = v;
	return 0;
}

static int table_add_features(struct mp_table *t, const struct mp_map_settings *s)
{
	_cleanup_strv_ char **w = NULL;
	const struct mp_setting *f = &s->key[MP_KEY_FEATURES];
	long long npr = s->key[MP_KEY_NO_PATH_RETRY].set ? s->key[MP_KEY_NO_PATH_RETRY].num : MP_NO_PATH_RETRY_FAIL;
	bool queue = npr != MP_NO_PATH_RETRY_FAIL;
	int r;

	if (f->set && f->text && split_words(f->text, &w) >= 0 && w[0]) {
		/* "2 pg_init_retries 50": the first word counts the rest; pair values with keys */
		for (size_t i = 1; w[i]; i++) {
			char buf[128];

			if (streq(w[i], "queue_if_no_path"))
				continue;
			if (w[i + 1] && strspn(w[i + 1], "0123456789") == strlen(w[i + 1])) {
				snprintf(buf, sizeof(buf), "%s %s", w[i], w[i + 1]);
				i++;
			} else {
				snprintf(buf, sizeof(buf), "%s", w[i]);
			}
			r = mp_table_add_feature(t, buf);
			if (r < 0)
				return r;
		}
	}
	return queue ? mp_table_add_feature(t, "queue_if_no_path") : 0;
}

static int table_set_hwhandler(struct mp_table *t, const struct mp_map_settings *s)
{
	_cleanup_strv_ char **w = NULL;
	const struct mp_setting *h = &s->key[MP_KEY_HARDWARE_HANDLER];

	if (!h->set || !h->text || split_words(h->text, &w) < 0 || !w[0] || !w[1])
		return 0;
	return mp_table_set_hwhandler(t, w[1], w[2] ? &w[2] : NULL);
}

/* A stable order for the selector's view: target port group, then H:C:T:L. */
static int path_cmp_tpg(const void *a, const void *b)
{
	const struct path *x = *(struct path *const *)a, *y = *(struct path *const *)b;

	if (x->info.tpg != y->info.tpg)
		return x->info.tpg < y->info.tpg ? -1 : 1;
	return strcmp(x->info.hctl, y->info.hctl);
}

int map_build_params(struct daemon *d, struct mpmap *m, char **ret)
{
	struct mp_table *t = NULL;
	int r;

	r = mp_table_new(&t);
	if (r < 0)
		return r;
	qsort(m->paths, m->nr_paths, sizeof(*m->paths), path_cmp_tpg);
	r = table_add_features(t, &m->settings);
	if (r >= 0)
		r = table_set_hwhandler(t, &m->settings);
	if (r >= 0)
		r = map_selector_build_table(d, m, t);
	if (r >= 0)
		r = mp_table_format(t, ret);
	mp_table_free(t);
	return r;
}

bool map_table_is_loaded(const struct mpmap *m, const char *params)
{
	struct mp_table *want = NULL, *have = NULL;
	bool same = false;

	/* By meaning, not text: the kernel prints features and selector arguments its own way. */
	if (m->exists && m->loaded_params && mp_table_parse(params, &want) >= 0 &&
	    mp_table_parse(m->loaded_params, &have) >= 0)
		same = mp_table_equal(want, have, 0);
	mp_table_free(want);
	mp_table_free(have);
	return same;
}

void map_groups_from_table(struct mpmap *m, const char *params)
{
	struct mp_table *t = NULL;

	for (size_t g = 0; g < m->nr_groups; g++)
		free(m->groups[g].paths);
	free(m->groups);
	m->groups = NULL;
	m->nr_groups = 0;
	if (!params || mp_table_parse(params, &t) < 0)
		return;
	m->groups = calloc(t->nr_groups ? t->nr_groups : 1, sizeof(*m->groups));
	if (!m->groups)
		goto out;
	for (size_t g = 0; g < t->nr_groups; g++) {
		struct mp_topo_group *tg = &m->groups[g];
		const struct mp_table_group *src = &t->groups[g];

		snprintf(tg->selector, sizeof(tg->selector), "%s %s", src->selector,
			 src->selector_args && src->selector_args[0] ? src->selector_args[0] : "0");
		tg->state = MP_PG_ENABLED;
		tg->paths = calloc(src->nr_paths ? src->nr_paths : 1, sizeof(*tg->paths));
		if (!tg->paths)
			break;
		for (size_t i = 0; i < src->nr_paths; i++)
			snprintf(tg->paths[i].devt, sizeof(tg->paths[i].devt), "%s", src->paths[i].dev);
		tg->nr_paths = src->nr_paths;
		m->nr_groups++;
	}
out:
	mp_table_free(t);
}
