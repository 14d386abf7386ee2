/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Selector plugins in the daemon: one registry, the built-in path-grouping plugin, ticks and verbs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "map.h"
#include "mpath-config.h"
#include "plugin_builtin.h"
#include "plugins.h"
#include "selector_layout.h"
#include "selector_load.h"
#include "strbuf.h"
#include "util.h"
#include "words.h"

#define TICK_USEC 1000000

/* A plugin that could not be loaded, so it is reported once, not at every attach. */
struct plugin_failure {
	char name[64];
	int error;
};

static struct {
	struct mp_selector_registry *registry;
	char *plugin_dir;
	char *state_dir;
	sd_event_source *timer;
	struct plugin_failure *failures;
	size_t nr_failures;
} plugins;

/* ---- host services ---- */

static int host_setting(const struct mpath_sel_host *host, const struct mpath_sel_map *map,
			const char *keyword, unsigned index, const char **ret_text)
{
	const struct mpmap *m = map->host_data;
	const struct mp_map_settings *s = &m->settings;

	if (streq(keyword, mp_key_name(MP_KEY_FAILOVER_PRIORITY))) {
		if (index >= s->n_failover_prio)
			return -ENOENT;
		*ret_text = s->failover_prio[index].text;
		return 0;
	}
	for (int k = 0; index == 0 && k < MP_KEY_VENDOR; k++) {
		if (!streq(mp_key_name(k), keyword))
			continue;
		if (!s->key[k].set || !s->key[k].text)
			return -ENOENT;
		*ret_text = s->key[k].text;
		return 0;
	}
	return -ENOENT;
}

/* ---- the registry ---- */

static int registry_open(void)
{
	const char *env = getenv("MPATHD_SELECTOR_DIR");
	const char *dir = plugins.plugin_dir ? plugins.plugin_dir :
			  env && env[0] ? env : MPATH_SELECTOR_DIR;
	int r;

	if (plugins.registry)
		return 0;
	r = mp_selector_registry_new(dir, plugins.state_dir ? plugins.state_dir : MPATH_STATE_DIR,
				     host_setting, &plugins.registry);
	if (r < 0)
		return r;
	r = mp_selector_registry_add_builtin(plugins.registry, &plugin_builtin_ops);
	if (r < 0)
		plugins.registry = mp_selector_registry_free(plugins.registry);
	return r;
}

static struct plugin_failure *failure_find(const char *name)
{
	for (size_t i = 0; i < plugins.nr_failures; i++)
		if (streq(plugins.failures[i].name, name))
			return &plugins.failures[i];
	return NULL;
}

int plugins_get(const char *name, struct mp_selector **ret)
{
	struct plugin_failure *f = failure_find(name);
	int r;

	if (f)
		return f->error;
	r = registry_open();
	if (r >= 0)
		r = mp_selector_registry_get(plugins.registry, name, ret);
	if (r < 0 && r != -ENOMEM) {
		f = realloc(plugins.failures, (plugins.nr_failures + 1) * sizeof(*f));
		if (f) {
			plugins.failures = f;
			f = &f[plugins.nr_failures++];
			snprintf(f->name, sizeof(f->name), "%s", name);
			f->error = r;
		}
	}
	return r;
}

void plugins_retry_failed(void)
{
	free(plugins.failures);
	plugins.failures = NULL;
	plugins.nr_failures = 0;
}

/* ---- ticks: a plugin's timed decisions, applied by its map ---- */

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;

	for (size_t i = 0; i < d->nr_maps; i++) {
		struct mpmap *m = d->maps[i];
		struct mpath_sel_actions *a = NULL;

		if (!map_policy_has_tick(m) || m->removing)
			continue;
		if (map_policy_tick(m, &a) >= 0)
			map_apply_actions(d, m, a);	/* may not free m: ticks never remove maps */
	}
	sd_event_source_set_time_relative(s, TICK_USEC);
	return 0;
}

int plugins_start(struct daemon *d, const char *plugin_dir, const char *state_dir)
{
	int r;

	plugins_stop(d);
	if ((plugin_dir && !(plugins.plugin_dir = strdup(plugin_dir))) ||
	    (state_dir && !(plugins.state_dir = strdup(state_dir))))
		return -ENOMEM;
	r = registry_open();
	if (r < 0 || !d->event)
		return r;
	/* before the loop runs: plugins and their state files are read now, never on the loop */
	mp_selector_registry_preload(plugins.registry);
	r = sd_event_add_time_relative(d->event, &plugins.timer, CLOCK_MONOTONIC, TICK_USEC, 100000,
				       on_tick, d);
	if (r < 0)
		return log_err_errno(r, "cannot start the selector plugin timer");
	return sd_event_source_set_enabled(plugins.timer, SD_EVENT_ON);
}

void plugins_stop(struct daemon *d)
{
	plugins.timer = sd_event_source_disable_unref(plugins.timer);
	/* plugins save their state in map_detach() */
	for (size_t i = 0; d && i < d->nr_maps; i++)
		map_policy_detach(d->maps[i]);
	plugins.registry = mp_selector_registry_free(plugins.registry);
	plugins_retry_failed();
	free(plugins.plugin_dir);
	free(plugins.state_dir);
	plugins.plugin_dir = plugins.state_dir = NULL;
}

/* ---- verbs ---- */

int plugin_command_lookup(char **argv, int argc, bool *ret_read_only)
{
	const struct mpath_sel_verb *verb;
	struct mp_selector *sel;

	if (mp_selector_registry_find_verb(plugins.registry, argv, argc, &sel, &verb) < 0)
		return -ENOENT;
	*ret_read_only = verb->read_only;
	return 0;
}

static int map_name_cmp(const void *a, const void *b)
{
	return strcmp((*(struct mpmap *const *)a)->name, (*(struct mpmap *const *)b)->name);
}

/* Run @verb on @m; its output goes to @sb, and @m applies what it asked for. */
static int verb_run_map(struct daemon *d, struct mpmap *m, const struct mpath_sel_verb *verb,
			int argc, char **argv, unsigned flags, struct strbuf *sb)
{
	struct mpath_sel_actions *a = NULL;
	struct mpath_sel_output out;
	int r;

	mp_sel_output_init(&out, sb);
	r = map_policy_verb(m, verb, argc, argv, flags, &out, &a);
	if (r >= 0)
		map_apply_actions(d, m, a);
	else
		mp_sel_actions_free(a);
	if (r >= 0 && out.error)
		r = out.error;
	return r;
}

/* The maps that use @sel, in name order; caller frees the array. */
static int maps_using(struct daemon *d, const struct mp_selector *sel, struct mpmap ***ret, size_t *ret_n)
{
	struct mpmap **maps = calloc(d->nr_maps ? d->nr_maps : 1, sizeof(*maps));
	size_t n = 0;

	if (!maps)
		return -ENOMEM;
	for (size_t i = 0; i < d->nr_maps; i++)
		if (d->maps[i]->policy.plugin == sel && !d->maps[i]->removing)
			maps[n++] = d->maps[i];
	qsort(maps, n, sizeof(*maps), map_name_cmp);
	*ret = maps;
	*ret_n = n;
	return 0;
}

/* Join one map's reply into @all (a JSON array when @json). */
static int reply_join(struct strbuf *all, const struct strbuf *one, bool json, size_t taken)
{
	int r = 0;

	if (json)
		r = strbuf_puts(all, taken ? "," : "[");
	if (r >= 0)
		r = strbuf_puts(all, strbuf_str(one));
	if (r >= 0 && !json && one->len && one->buf[one->len - 1] != '\n')
		r = strbuf_puts(all, "\n");
	return r;
}

int plugin_command(struct daemon *d, char **argv, int argc, bool json, struct strbuf *out,
		   bool *ret_read_only)
{
	const struct mpath_sel_verb *verb;
	_cleanup_free_ struct mpmap **maps = NULL;
	_cleanup_strbuf_ struct strbuf all = STRBUF_INIT;
	struct mp_selector *sel;
	size_t n = 0, taken = 0;
	int words, r;

	words = mp_selector_registry_find_verb(plugins.registry, argv, argc, &sel, &verb);
	if (words < 0)
		return -ENOENT;
	r = maps_using(d, sel, &maps, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		_cleanup_strbuf_ struct strbuf one = STRBUF_INIT;

		r = verb_run_map(d, maps[i], verb, argc - words, argv + words,
				 json ? MPATH_SEL_VERB_JSON : 0, &one);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			strbuf_reset(out);
			strbuf_puts(out, one.len ? strbuf_str(&one) : strerror(-r));
			return r;
		}
		r = reply_join(&all, &one, json, taken++);
		if (r < 0)
			return r;
	}
	if (taken == 0 && !(verb->read_only && argc == words)) {
		strbuf_reset(out);
		strbuf_printf(out, "no map using selector %s has a map or path named in '%s", sel->name,
			      verb->name);
		for (int i = words; i < argc; i++)
			strbuf_printf(out, " %s", argv[i]);
		strbuf_puts(out, "'");
		return -ENODEV;
	}
	r = json ? strbuf_puts(&all, taken ? "]" : "[]") : 0;
	if (r >= 0)
		r = strbuf_puts(out, strbuf_str(&all));
	if (r < 0)
		return r;
	*ret_read_only = verb->read_only;
	return 0;
}

int plugins_help(struct strbuf *out)
{
	char usage[64];
	int r = 0;

	for (size_t i = 0; r == 0 && i < mp_selector_registry_count(plugins.registry); i++) {
		const struct mp_selector *s = mp_selector_registry_nth(plugins.registry, i);

		for (const struct mpath_sel_verb *v = s->ops->verbs; r == 0 && v && v->name; v++) {
			snprintf(usage, sizeof(usage), "%s%s%s", v->name, v->usage && v->usage[0] ? " " : "",
				 v->usage ? v->usage : "");
			r = strbuf_printf(out, "  %-32s %s (selector %s)\n", usage, v->help ? v->help : "",
					  s->name);
		}
	}
	return r;
}

void plugin_verbs_free(struct plugin_verb_info *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].words);
		free(v[i].usage);
		free(v[i].help);
		free(v[i].plugin);
	}
	free(v);
}

static int verb_info_copy(const struct mp_selector *s, const struct mpath_sel_verb *v,
			  struct plugin_verb_info *ret)
{
	*ret = (struct plugin_verb_info){
		.words = strdup(v->name), .usage = strdup(v->usage ? v->usage : ""),
		.help = strdup(v->help ? v->help : ""), .plugin = strdup(s->name),
		.read_only = v->read_only,
	};
	return ret->words && ret->usage && ret->help && ret->plugin ? 0 : -ENOMEM;
}

int plugins_verbs(struct plugin_verb_info **ret, size_t *ret_n)
{
	struct plugin_verb_info *v = NULL;
	size_t n = 0, total = 0;
	int r = 0;

	for (size_t i = 0; i < mp_selector_registry_count(plugins.registry); i++) {
		const struct mp_selector *s = mp_selector_registry_nth(plugins.registry, i);

		for (const struct mpath_sel_verb *verb = s->ops->verbs; verb && verb->name; verb++)
			total++;
	}
	if (total && !(v = calloc(total, sizeof(*v))))
		return -ENOMEM;
	for (size_t i = 0; r == 0 && i < mp_selector_registry_count(plugins.registry); i++) {
		const struct mp_selector *s = mp_selector_registry_nth(plugins.registry, i);

		for (const struct mpath_sel_verb *verb = s->ops->verbs; r == 0 && verb && verb->name; verb++)
			r = verb_info_copy(s, verb, &v[n++]);
	}
	if (r < 0) {
		plugin_verbs_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}
