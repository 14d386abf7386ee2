/* SPDX-License-Identifier: GPL-2.0-or-later */
/* From a map's layout and settings to the tables of its dm devices; reads the map, changes nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dmswitch.h"
#include "dmtable.h"
#include "map.h"
#include "map_plan.h"
#include "path.h"
#include "prio.h"
#include "util.h"
#include "words.h"

bool map_settings_want_queueing(const struct mp_map_settings *s)
{
	const struct mp_setting *npr = &s->key[MP_KEY_NO_PATH_RETRY];

	return (npr->set ? npr->num : MP_NO_PATH_RETRY_FAIL) != MP_NO_PATH_RETRY_FAIL;
}

/* "2 pg_init_retries 50": the first word counts the rest; pair values with their keys. */
static int table_add_features(struct mp_table *t, const struct mp_map_settings *s)
{
	const struct mp_setting *f = &s->key[MP_KEY_FEATURES];
	struct mp_words w = { 0 };
	int r = 0;

	if (f->set && f->text && (r = mp_words_split(f->text, &w)) >= 0) {
		for (size_t i = 1; r >= 0 && i < w.n; i++) {
			_cleanup_free_ char *feature = NULL;

			if (streq(w.v[i], "queue_if_no_path"))
				continue;	/* from no_path_retry, below */
			if (i + 1 < w.n && strspn(w.v[i + 1], "0123456789") == strlen(w.v[i + 1])) {
				r = asprintf(&feature, "%s %s", w.v[i], w.v[i + 1]) < 0 ? -ENOMEM : 0;
				i++;
			} else {
				feature = strdup(w.v[i]);
				r = feature ? 0 : -ENOMEM;
			}
			if (r >= 0)
				r = mp_table_add_feature(t, feature);
		}
		mp_words_release(&w);
	}
	if (r >= 0 && map_settings_want_queueing(s))
		r = mp_table_add_feature(t, "queue_if_no_path");
	return r;
}

/*
 * The hardware handler as multipath-tools selects it: the one the kernel attached to the
 * paths (it keeps it anyway), else the configured one, else "1 alua" when every path does ALUA;
 * a configured "1 alua" becomes none when not every path does.
 */
static int hwhandler_select(const struct mpmap *m, char *buf, size_t len)
{
	const struct mp_setting *h = &m->settings.key[MP_KEY_HARDWARE_HANDLER];
	_cleanup_free_ int *tpgs = calloc(m->nr_paths ? m->nr_paths : 1, sizeof(*tpgs));
	_cleanup_free_ const char **dh = calloc(m->nr_paths ? m->nr_paths : 1, sizeof(*dh));

	if (!tpgs || !dh)
		return -ENOMEM;
	for (size_t i = 0; i < m->nr_paths; i++) {
		tpgs[i] = m->paths[i]->tpgs;
		dh[i] = m->paths[i]->dh_state[0] ? m->paths[i]->dh_state : NULL;
	}
	return mp_hwhandler_select(tpgs, dh, m->nr_paths, true,
				   h->set && h->kind != MP_ORIGIN_COMPILED ? h->text : NULL, buf, len);
}

/* "1 alua": the first word counts the handler's name and arguments. */
static int table_set_hwhandler(struct mp_table *t, const struct mpmap *m)
{
	_cleanup_strv_ char **args = NULL;
	struct mp_words w = { 0 };
	char text[64];
	int r;

	r = hwhandler_select(m, text, sizeof(text));
	if (r < 0)
		return r;
	r = mp_words_split(text, &w);
	if (r < 0)
		return r;
	for (size_t i = 2; r >= 0 && i < w.n; i++)
		r = mp_strv_push(&args, w.v[i]);
	if (r >= 0 && w.n >= 2)
		r = mp_table_set_hwhandler(t, w.v[1], args);
	mp_words_release(&w);
	return r;
}

/* The layout's view of the paths, as far as tables need it: their devts. */
static int paths_view(const struct mpmap *m, struct mpath_sel_path **ret)
{
	struct mpath_sel_path *v = calloc(m->nr_paths ? m->nr_paths : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < m->nr_paths; i++)
		v[i].devt = m->paths[i]->info.devt;
	*ret = v;
	return 0;
}

static int multipath_params(const struct mpmap *m, const struct mpath_sel_layout *l, size_t dev,
			    const struct mpath_sel_map *view, char **ret)
{
	_cleanup_mp_table_ struct mp_table *t = NULL;
	int r;

	r = mp_table_new(&t);
	if (r >= 0)
		r = table_add_features(t, &m->settings);
	if (r >= 0)
		r = table_set_hwhandler(t, m);
	if (r >= 0)
		r = mp_sel_layout_fill_table(l, dev, view, t);
	if (r >= 0)
		r = mp_table_format(t, ret);
	return r;
}

static int plan_dev_fill(const struct mpmap *m, const struct mpath_sel_layout *l, size_t i,
			 const struct mpath_sel_map *view, bool stack, struct plan_dev *pd)
{
	const struct mp_sel_device *sd = &l->devices[i];

	pd->type = sd->type;
	if (sd->suffix && !(pd->suffix = strdup(sd->suffix)))
		return -ENOMEM;
	if (sd->suffix)
		snprintf(pd->name, sizeof(pd->name), "%.100s-%s", m->name, sd->suffix);
	else
		snprintf(pd->name, sizeof(pd->name), "%s", m->name);
	if (!stack)
		snprintf(pd->uuid, sizeof(pd->uuid), MAP_UUID_PREFIX "%s", m->wwid);
	else
		snprintf(pd->uuid, sizeof(pd->uuid), MAP_STACK_UUID_PREFIX "%.110s%s%s", m->wwid,
			 sd->suffix ? "-" : "", sd->suffix ? sd->suffix : "");
	if (sd->type == MP_SEL_DEVICE_MULTIPATH)
		return multipath_params(m, l, i, view, &pd->params);
	pd->lower = calloc(sd->nr_lower ? sd->nr_lower : 1, sizeof(*pd->lower));
	pd->regions = calloc(sd->nr_regions ? sd->nr_regions : 1, sizeof(*pd->regions));
	if (!pd->lower || !pd->regions)
		return -ENOMEM;
	for (size_t k = 0; k < sd->nr_lower; k++)
		pd->lower[k] = (size_t)sd->lower[k];
	pd->nr_lower = sd->nr_lower;
	memcpy(pd->regions, sd->regions, sd->nr_regions * sizeof(*pd->regions));
	pd->nr_regions = sd->nr_regions;
	pd->region_size = sd->region_size;
	return 0;
}

int map_plan_build(const struct mpmap *m, const struct mpath_sel_layout *l, struct map_plan **ret)
{
	_cleanup_free_ struct mpath_sel_path *paths = NULL;
	struct map_plan *p;
	int r;

	r = paths_view(m, &paths);
	if (r < 0)
		return r;
	const struct mpath_sel_map view = { .paths = paths, .nr_paths = m->nr_paths };

	p = calloc(1, sizeof(*p));
	if (!p || !(p->devs = calloc(l->nr_devices ? l->nr_devices : 1, sizeof(*p->devs)))) {
		free(p);
		return -ENOMEM;
	}
	p->size_sectors = m->size_sectors;
	p->queueing = map_settings_want_queueing(&m->settings);
	for (size_t i = 0; r >= 0 && i < l->nr_devices; i++)
		r = plan_dev_fill(m, l, i, &view, l->nr_devices > 1, &p->devs[p->nr++]);
	/* lower devices come before their users; the plan's order is the load order */
	if (r >= 0 && (p->nr == 0 || p->devs[p->nr - 1].suffix))
		r = -EINVAL;
	if (r < 0) {
		map_plan_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

struct map_plan *map_plan_free(struct map_plan *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->nr; i++) {
		free(p->devs[i].suffix);
		free(p->devs[i].params);
		free(p->devs[i].lower);
		free(p->devs[i].regions);
	}
	free(p->devs);
	free(p);
	return NULL;
}

int map_plan_switch_params(const struct map_plan *p, size_t dev, char *const *lower_devts, char **ret)
{
	const struct plan_dev *pd = &p->devs[dev];
	_cleanup_free_ struct mp_switch_path *paths = calloc(pd->nr_lower ? pd->nr_lower : 1,
							     sizeof(*paths));

	if (!paths)
		return -ENOMEM;
	for (size_t k = 0; k < pd->nr_lower; k++) {
		const char *devt = lower_devts[pd->lower[k]];

		if (!devt || !devt[0])
			return -ENODEV;
		paths[k] = (struct mp_switch_path){ .dev = devt, .offset = 0 };
	}
	return mp_switch_table_format(pd->region_size, paths, pd->nr_lower, ret);
}
