/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the bundled selector plugins: settings, path order, path lookup, JSON strings. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sel-util.h"

#define FALLBACK_SELECTOR "service-time 0"

/* Kernel selectors whose per-path arguments we know how to fill. */
static const struct {
	const char *name;
	unsigned nr_path_args;
	bool weighted_repeat;
	bool throughput_arg;
} known_selectors[] = {
	{ "round-robin", 1, true, false },
	{ "queue-length", 1, false, false },
	{ "service-time", 2, false, true },
	{ "historical-service-time", 1, false, false },
};

/* "<name> <count> [args]" into @ks; false when malformed or unknown. */
static bool selector_parse(const char *text, struct sel_kernel_selector *ks)
{
	char buf[256], *save = NULL, *w;
	unsigned n = 0;
	long count = -1;

	if (snprintf(buf, sizeof(buf), "%s", text) >= (int)sizeof(buf))
		return false;
	*ks = (struct sel_kernel_selector){ 0 };
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (strlen(w) >= SEL_WORD_MAX)
			return false;
		if (!ks->name[0]) {
			strcpy(ks->name, w);
		} else if (count < 0) {
			char *end;

			count = strtol(w, &end, 10);
			if (*end || count < 0 || count > SEL_SELECTOR_ARGS_MAX)
				return false;
		} else {
			if (n >= SEL_SELECTOR_ARGS_MAX)
				return false;
			strcpy(ks->arg_buf[n], w);
			ks->args[n] = ks->arg_buf[n];
			n++;
		}
	}
	if (!ks->name[0] || (count >= 0 && (unsigned long)count != n))
		return false;
	for (size_t i = 0; i < sizeof(known_selectors) / sizeof(known_selectors[0]); i++) {
		if (strcmp(known_selectors[i].name, ks->name) == 0) {
			ks->nr_path_args = known_selectors[i].nr_path_args;
			ks->weighted_repeat = known_selectors[i].weighted_repeat;
			ks->throughput_arg = known_selectors[i].throughput_arg;
			return true;
		}
	}
	return false;
}

void sel_kernel_selector_from(const struct mpath_sel_map *map, const char *keyword,
			      struct sel_kernel_selector *ret)
{
	const struct mpath_sel_host *h = map->host;
	const char *text = NULL;

	if (h->setting(h, map, keyword, 0, &text) < 0 || !text)
		text = FALLBACK_SELECTOR;
	if (selector_parse(text, ret))
		return;
	h->log(h, MPATH_SEL_LOG_WARN, "map %s: %s \"%s\" is not supported here; using \"%s\"",
	       map->name, keyword, text, FALLBACK_SELECTOR);
	selector_parse(FALLBACK_SELECTOR, ret);
}

void sel_kernel_selector_get(const struct mpath_sel_map *map, struct sel_kernel_selector *ret)
{
	sel_kernel_selector_from(map, "path_selector", ret);
}

long sel_setting_long(const struct mpath_sel_map *map, const char *keyword, long fallback)
{
	const struct mpath_sel_host *h = map->host;
	const char *text = NULL;
	char *end;
	long v;

	if (h->setting(h, map, keyword, 0, &text) < 0 || !text || !text[0])
		return fallback;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || *end)
		return fallback;
	return v;
}

bool sel_setting_is(const struct mpath_sel_map *map, const char *keyword, const char *value)
{
	const struct mpath_sel_host *h = map->host;
	const char *text = NULL;

	return h->setting(h, map, keyword, 0, &text) == 0 && text && strcmp(text, value) == 0;
}

enum sel_failback sel_failback_get(const struct mpath_sel_map *map, long *ret_seconds)
{
	const struct mpath_sel_host *h = map->host;
	const char *text = NULL;
	long v;

	*ret_seconds = 0;
	if (h->setting(h, map, "failback", 0, &text) < 0 || !text)
		return SEL_FAILBACK_MANUAL;
	if (strcmp(text, "immediate") == 0)
		return SEL_FAILBACK_IMMEDIATE;
	if (strcmp(text, "followover") == 0)
		return SEL_FAILBACK_FOLLOWOVER;
	if (strcmp(text, "manual") == 0)
		return SEL_FAILBACK_MANUAL;
	v = sel_setting_long(map, "failback", -1);
	if (v == 0)
		return SEL_FAILBACK_IMMEDIATE;
	if (v > 0) {
		*ret_seconds = v;
		return SEL_FAILBACK_DEFERRED;
	}
	h->log(h, MPATH_SEL_LOG_WARN, "map %s: unknown failback \"%s\"; failing back manually",
	       map->name, text);
	return SEL_FAILBACK_MANUAL;
}

static bool hctl_split(const char *s, long v[4])
{
	for (int i = 0; i < 4; i++) {
		char *end;

		if (*s < '0' || *s > '9')
			return false;
		v[i] = strtol(s, &end, 10);
		if (*end != (i == 3 ? '\0' : ':'))
			return false;
		s = end + 1;
	}
	return true;
}

int sel_hctl_cmp(const char *a, const char *b)
{
	long x[4], y[4];

	if (!hctl_split(a, x) || !hctl_split(b, y))
		return strcmp(a, b);
	for (int i = 0; i < 4; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

int sel_path_cmp(const struct mpath_sel_path *a, const struct mpath_sel_path *b)
{
	int r = sel_hctl_cmp(a->hctl, b->hctl);

	return r ? r : strcmp(a->devt, b->devt);
}

static int index_cmp(const void *x, const void *y, void *arg)
{
	const struct mpath_sel_map *map = arg;

	return sel_path_cmp(&map->paths[*(const size_t *)x], &map->paths[*(const size_t *)y]);
}

int sel_sort_paths(const struct mpath_sel_map *map, size_t **ret)
{
	size_t *v = NULL;

	if (map->nr_paths) {
		v = malloc(map->nr_paths * sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (size_t i = 0; i < map->nr_paths; i++)
			v[i] = i;
		qsort_r(v, map->nr_paths, sizeof(*v), index_cmp, (void *)map);
	}
	*ret = v;
	return 0;
}

int sel_path_find(const struct mpath_sel_map *map, const char *name)
{
	for (size_t i = 0; i < map->nr_paths && i <= INT_MAX; i++) {
		const struct mpath_sel_path *p = &map->paths[i];

		if (strcmp(p->dev, name) == 0 || strcmp(p->devt, name) == 0 ||
		    strcmp(p->hctl, name) == 0 || strcmp(p->id, name) == 0)
			return (int)i;
	}
	return -ENOENT;
}

bool sel_map_is(const struct mpath_sel_map *map, const char *name)
{
	return strcmp(map->name, name) == 0 || strcmp(map->wwid, name) == 0;
}

int sel_json_string(const struct mpath_sel_host *h, struct mpath_sel_output *out, const char *s)
{
	int r = h->output_printf(out, "\"");

	for (; r == 0 && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			r = h->output_printf(out, "\\%c", c);
		else if (c < 0x20)
			r = h->output_printf(out, "\\u%04x", c);
		else
			r = h->output_printf(out, "%c", c);
	}
	return r ? r : h->output_printf(out, "\"");
}

int sel_single_group(const struct mpath_sel_map *map, struct mpath_sel_layout *layout)
{
	const struct mpath_sel_host *h = map->host;
	struct sel_kernel_selector ks;
	long repeat = sel_setting_long(map, "rr_min_io_rq", 1);
	char rep[24];
	const char *args[3] = { rep, "1", NULL };
	size_t *order = NULL;
	int dev, group, r;

	sel_kernel_selector_get(map, &ks);
	snprintf(rep, sizeof(rep), "%ld", repeat > 0 ? repeat : 1);
	if (ks.nr_path_args < 2)
		args[1] = NULL;
	dev = h->layout_add_multipath(layout, NULL);
	if (dev < 0 || map->nr_paths == 0)
		return dev < 0 ? dev : 0;
	group = h->layout_add_group(layout, dev, ks.name, ks.args, ks.nr_path_args);
	if (group < 0)
		return group;
	r = sel_sort_paths(map, &order);
	for (size_t i = 0; r == 0 && i < map->nr_paths; i++)
		r = h->layout_add_path(layout, dev, group, order[i], args);
	free(order);
	return r;
}
