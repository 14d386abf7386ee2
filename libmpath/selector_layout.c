/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Builders behind the selector host callbacks, and layouts turned into dm table text. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmswitch.h"
#include "dmtable.h"
#include "selector_layout.h"
#include "strbuf.h"
#include "util.h"
#include "words.h"

#define SUFFIX_MAX 32
#define ARGS_MAX 16

/* A plugin's mistake sticks: later calls fail too, and the layout is not loaded. */
static int layout_fail(struct mpath_sel_layout *l, int r)
{
	if (!l->error)
		l->error = r;
	return r;
}

static bool suffix_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SUFFIX_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* Copy a NULL-terminated argument list whose words the kernel accepts; NULL stays NULL. */
static int args_copy(const char *const *args, size_t *ret_n, char ***ret)
{
	char **v = NULL;
	size_t n = 0;

	for (; args && args[n]; n++) {
		int r = n < ARGS_MAX && mp_word_valid(args[n]) ? mp_strv_push(&v, args[n]) : -EINVAL;

		if (r < 0) {
			mp_strv_free(v);
			return r;
		}
	}
	*ret_n = n;
	*ret = v;
	return 0;
}

static struct mp_sel_device *device_get(struct mpath_sel_layout *l, int dev,
					enum mp_sel_device_type type)
{
	if (dev < 0 || (size_t)dev >= l->nr_devices || l->devices[dev].type != type)
		return NULL;
	return &l->devices[dev];
}

static bool suffix_taken(const struct mpath_sel_layout *l, const char *suffix)
{
	for (size_t i = 0; i < l->nr_devices; i++) {
		const char *s = l->devices[i].suffix;

		if ((!s && !suffix) || (s && suffix && streq(s, suffix)))
			return true;
	}
	return false;
}

static int device_append(struct mpath_sel_layout *l, const char *suffix,
			 enum mp_sel_device_type type, struct mp_sel_device **ret)
{
	struct mp_sel_device *v;

	if (l->error)
		return l->error;
	if ((suffix && !suffix_valid(suffix)) || suffix_taken(l, suffix))
		return layout_fail(l, -EINVAL);
	v = realloc(l->devices, (l->nr_devices + 1) * sizeof(*v));
	if (!v)
		return layout_fail(l, -ENOMEM);
	l->devices = v;
	v = &l->devices[l->nr_devices];
	*v = (struct mp_sel_device){ .type = type };
	if (suffix && !(v->suffix = strdup(suffix)))
		return layout_fail(l, -ENOMEM);
	l->nr_devices++;
	*ret = v;
	return (int)(l->nr_devices - 1);
}

static int cb_add_multipath(struct mpath_sel_layout *l, const char *suffix)
{
	struct mp_sel_device *d;

	return device_append(l, suffix, MP_SEL_DEVICE_MULTIPATH, &d);
}

static int cb_add_group(struct mpath_sel_layout *l, int dev, const char *selector,
			const char *const *selector_args, unsigned nr_path_args)
{
	struct mp_sel_device *d = device_get(l, dev, MP_SEL_DEVICE_MULTIPATH);
	struct mp_sel_group *g;
	size_t nargs;
	char **args;
	int r;

	if (l->error)
		return l->error;
	if (!d || !selector || !mp_word_valid(selector) || nr_path_args > ARGS_MAX)
		return layout_fail(l, -EINVAL);
	r = args_copy(selector_args, &nargs, &args);
	if (r < 0)
		return layout_fail(l, r);
	g = realloc(d->groups, (d->nr_groups + 1) * sizeof(*g));
	if (!g) {
		mp_strv_free(args);
		return layout_fail(l, -ENOMEM);
	}
	d->groups = g;
	g = &d->groups[d->nr_groups];
	*g = (struct mp_sel_group){ .selector = strdup(selector), .selector_args = args,
				    .nr_path_args = nr_path_args };
	d->nr_groups++;
	if (!g->selector)
		return layout_fail(l, -ENOMEM);
	return (int)(d->nr_groups - 1);
}

static bool path_in_device(const struct mp_sel_device *d, size_t path)
{
	for (size_t g = 0; g < d->nr_groups; g++)
		for (size_t i = 0; i < d->groups[g].nr_paths; i++)
			if (d->groups[g].paths[i].path == path)
				return true;
	return false;
}

static int cb_add_path(struct mpath_sel_layout *l, int dev, int group, size_t path,
		       const char *const *args)
{
	struct mp_sel_device *d = device_get(l, dev, MP_SEL_DEVICE_MULTIPATH);
	struct mp_sel_group_path *p;
	struct mp_sel_group *g;
	char **copy;
	size_t n;
	int r;

	if (l->error)
		return l->error;
	if (!d || group < 0 || (size_t)group >= d->nr_groups || path >= l->nr_paths ||
	    path_in_device(d, path))
		return layout_fail(l, -EINVAL);
	g = &d->groups[group];
	r = args_copy(args, &n, &copy);
	if (r < 0)
		return layout_fail(l, r);
	if (n != g->nr_path_args) {
		mp_strv_free(copy);
		return layout_fail(l, -EINVAL);
	}
	p = realloc(g->paths, (g->nr_paths + 1) * sizeof(*p));
	if (!p) {
		mp_strv_free(copy);
		return layout_fail(l, -ENOMEM);
	}
	g->paths = p;
	g->paths[g->nr_paths++] = (struct mp_sel_group_path){ .path = path, .args = copy };
	return 0;
}

static int cb_set_initial_group(struct mpath_sel_layout *l, int dev, int group)
{
	struct mp_sel_device *d = device_get(l, dev, MP_SEL_DEVICE_MULTIPATH);

	if (l->error)
		return l->error;
	if (!d || group < 0 || (size_t)group >= d->nr_groups)
		return layout_fail(l, -EINVAL);
	d->initial_group = group;
	return 0;
}

static int cb_add_switch(struct mpath_sel_layout *l, const char *suffix, uint64_t region_size,
			 const int *lower, size_t nr_lower)
{
	struct mp_sel_device *d;
	int idx;

	if (l->error)
		return l->error;
	if (!region_size || region_size > UINT32_MAX || !lower || nr_lower == 0 ||
	    nr_lower > l->nr_devices)
		return layout_fail(l, -EINVAL);
	for (size_t i = 0; i < nr_lower; i++) {
		if (lower[i] < 0 || (size_t)lower[i] >= l->nr_devices)
			return layout_fail(l, -EINVAL);
		for (size_t j = 0; j < i; j++)
			if (lower[j] == lower[i])
				return layout_fail(l, -EINVAL);
	}
	idx = device_append(l, suffix, MP_SEL_DEVICE_SWITCH, &d);
	if (idx < 0)
		return idx;
	d->region_size = region_size;
	d->lower = malloc(nr_lower * sizeof(*d->lower));
	if (!d->lower)
		return layout_fail(l, -ENOMEM);
	memcpy(d->lower, lower, nr_lower * sizeof(*lower));
	d->nr_lower = nr_lower;
	return idx;
}

static int cb_set_regions(struct mpath_sel_layout *l, int dev, const uint32_t *regions,
			  size_t nr_regions)
{
	struct mp_sel_device *d = device_get(l, dev, MP_SEL_DEVICE_SWITCH);
	uint32_t *copy;

	if (l->error)
		return l->error;
	if (!d || !regions || nr_regions == 0 || nr_regions > SIZE_MAX / sizeof(*regions))
		return layout_fail(l, -EINVAL);
	for (size_t i = 0; i < nr_regions; i++)
		if (regions[i] >= d->nr_lower)
			return layout_fail(l, -EINVAL);
	copy = malloc(nr_regions * sizeof(*copy));
	if (!copy)
		return layout_fail(l, -ENOMEM);
	memcpy(copy, regions, nr_regions * sizeof(*copy));
	free(d->regions);
	d->regions = copy;
	d->nr_regions = nr_regions;
	return 0;
}

static int cb_action_message(struct mpath_sel_actions *a, const char *suffix, const char *message)
{
	struct mp_sel_message *v;
	char *s = NULL, *t;

	if (a->error)
		return a->error;
	if (!message || !message[0] || strchr(message, '\n') || (suffix && !suffix_valid(suffix)))
		return a->error = -EINVAL;
	v = realloc(a->messages, (a->nr_messages + 1) * sizeof(*v));
	if (!v)
		return a->error = -ENOMEM;
	a->messages = v;
	t = strdup(message);
	if (suffix)
		s = strdup(suffix);
	if (!t || (suffix && !s)) {
		free(t);
		free(s);
		return a->error = -ENOMEM;
	}
	a->messages[a->nr_messages++] = (struct mp_sel_message){ .suffix = s, .text = t };
	return 0;
}

static int cb_action_reload(struct mpath_sel_actions *a)
{
	if (a->error)
		return a->error;
	a->reload = true;
	return 0;
}

static int __attribute__((format(printf, 2, 3)))
cb_output_printf(struct mpath_sel_output *out, const char *fmt, ...)
{
	_cleanup_free_ char *text = NULL;
	va_list ap;
	int n;

	if (out->error)
		return out->error;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0) {
		text = NULL;
		return out->error = -ENOMEM;
	}
	if (strbuf_append(out->sb, text, n) < 0)
		return out->error = -ENOMEM;
	return 0;
}

void mp_sel_host_init(struct mpath_sel_host *host)
{
	*host = (struct mpath_sel_host){
		.abi_version = MPATH_SELECTOR_ABI_VERSION,
		.size = sizeof(*host),
		.layout_add_multipath = cb_add_multipath,
		.layout_add_group = cb_add_group,
		.layout_add_path = cb_add_path,
		.layout_set_initial_group = cb_set_initial_group,
		.layout_add_switch = cb_add_switch,
		.layout_set_regions = cb_set_regions,
		.action_message = cb_action_message,
		.action_reload = cb_action_reload,
		.output_printf = cb_output_printf,
	};
}

int mp_sel_layout_new(size_t nr_paths, struct mpath_sel_layout **ret)
{
	struct mpath_sel_layout *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->nr_paths = nr_paths;
	*ret = l;
	return 0;
}

static void group_release(struct mp_sel_group *g)
{
	for (size_t i = 0; i < g->nr_paths; i++)
		mp_strv_free(g->paths[i].args);
	free(g->paths);
	free(g->selector);
	mp_strv_free(g->selector_args);
}

struct mpath_sel_layout *mp_sel_layout_free(struct mpath_sel_layout *l)
{
	if (!l)
		return NULL;
	for (size_t i = 0; i < l->nr_devices; i++) {
		struct mp_sel_device *d = &l->devices[i];

		for (size_t g = 0; g < d->nr_groups; g++)
			group_release(&d->groups[g]);
		free(d->groups);
		free(d->suffix);
		free(d->lower);
		free(d->regions);
	}
	free(l->devices);
	free(l);
	return NULL;
}

static int device_check(const struct mpath_sel_layout *l, const struct mp_sel_device *d)
{
	if (d->type == MP_SEL_DEVICE_SWITCH)
		return d->regions && d->nr_regions ? 0 : -EINVAL;
	for (size_t g = 0; g < d->nr_groups; g++)
		if (d->groups[g].nr_paths == 0)
			return -EINVAL;
	return d->initial_group < d->nr_groups || d->nr_groups == 0 ? 0 : -EINVAL;
}

int mp_sel_layout_check(const struct mpath_sel_layout *l)
{
	int top = -1;

	if (l->error)
		return l->error;
	for (size_t i = 0; i < l->nr_devices; i++) {
		if (device_check(l, &l->devices[i]) < 0)
			return -EINVAL;
		if (!l->devices[i].suffix) {
			if (top >= 0)
				return -EINVAL;
			top = (int)i;
		}
	}
	return top >= 0 ? top : -EINVAL;
}

int mp_sel_layout_fill_table(const struct mpath_sel_layout *l, size_t dev,
			     const struct mpath_sel_map *map, struct mp_table *t)
{
	const struct mp_sel_device *d;

	if (dev >= l->nr_devices || l->devices[dev].type != MP_SEL_DEVICE_MULTIPATH ||
	    t->nr_groups != 0 || map->nr_paths < l->nr_paths)
		return -EINVAL;
	d = &l->devices[dev];
	for (size_t g = 0; g < d->nr_groups; g++) {
		const struct mp_sel_group *sg = &d->groups[g];
		int idx = mp_table_add_group(t, sg->selector, sg->selector_args, sg->nr_path_args);

		if (idx < 0)
			return idx;
		for (size_t i = 0; i < sg->nr_paths; i++) {
			int r = mp_table_add_path(t, idx, map->paths[sg->paths[i].path].devt,
						  sg->paths[i].args);

			if (r < 0)
				return r;
		}
	}
	if (d->nr_groups)
		t->initial_group = d->initial_group + 1;
	return 0;
}

int mp_sel_layout_switch_params(const struct mpath_sel_layout *l, size_t dev,
				const char *const *lower_devs, char **ret)
{
	_cleanup_free_ struct mp_switch_path *paths = NULL;
	const struct mp_sel_device *d;

	if (dev >= l->nr_devices || l->devices[dev].type != MP_SEL_DEVICE_SWITCH || !lower_devs)
		return -EINVAL;
	d = &l->devices[dev];
	paths = calloc(d->nr_lower, sizeof(*paths));
	if (!paths)
		return -ENOMEM;
	for (size_t i = 0; i < d->nr_lower; i++) {
		if (!lower_devs[i])
			return -EINVAL;
		paths[i].dev = lower_devs[i];
	}
	return mp_switch_table_format(d->region_size, paths, d->nr_lower, ret);
}

int mp_sel_actions_new(struct mpath_sel_actions **ret)
{
	struct mpath_sel_actions *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	*ret = a;
	return 0;
}

struct mpath_sel_actions *mp_sel_actions_free(struct mpath_sel_actions *a)
{
	if (!a)
		return NULL;
	for (size_t i = 0; i < a->nr_messages; i++) {
		free(a->messages[i].suffix);
		free(a->messages[i].text);
	}
	free(a->messages);
	free(a);
	return NULL;
}

void mp_sel_output_init(struct mpath_sel_output *out, struct strbuf *sb)
{
	*out = (struct mpath_sel_output){ .sb = sb };
}
