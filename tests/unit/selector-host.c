/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fake daemon behind the selector plugin tests (see selector-host.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dmtable.h"
#include "selector-host.h"
#include "strbuf.h"

static struct fake *of(const struct mpath_sel_host *h)
{
	return h->host_data;
}

static void __attribute__((format(printf, 3, 4)))
fake_log(const struct mpath_sel_host *h, enum mpath_sel_log_level level, const char *fmt, ...)
{
	struct fake *f = of(h);
	size_t len = strlen(f->log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->log + len, sizeof(f->log) - len, fmt, ap);
	va_end(ap);
	len = strlen(f->log);
	snprintf(f->log + len, sizeof(f->log) - len, "\n");
}

static uint64_t fake_now(const struct mpath_sel_host *h)
{
	return of(h)->now;
}

static int fake_setting(const struct mpath_sel_host *h, const struct mpath_sel_map *map,
			const char *keyword, unsigned index, const char **ret_text)
{
	struct fake *f = of(h);

	for (size_t i = 0; i < f->nr_settings; i++) {
		if (strcmp(f->keys[i], keyword) != 0)
			continue;
		if (index-- == 0) {
			*ret_text = f->values[i];
			return 0;
		}
	}
	return -ENOENT;
}

static int fake_state_load(const struct mpath_sel_host *h, const char *key, char **ret_text)
{
	struct fake *f = of(h);

	assert_string_equal(key, f->map.wwid);
	if (!f->state_text)
		return -ENOENT;
	*ret_text = strdup(f->state_text);
	return *ret_text ? 0 : -ENOMEM;
}

static int fake_state_save(const struct mpath_sel_host *h, const char *key, const char *text,
			   size_t len)
{
	struct fake *f = of(h);

	assert_string_equal(key, f->map.wwid);
	free(f->state_text);
	f->state_text = text ? strndup(text, len) : NULL;
	f->saves++;
	return 0;
}

void fake_init(struct fake *f, const struct mpath_selector_ops *ops)
{
	memset(f, 0, sizeof(*f));
	mp_sel_host_init(&f->host);
	f->host.plugin_name = ops->name;
	f->host.host_data = f;
	f->host.log = fake_log;
	f->host.now_usec = fake_now;
	f->host.setting = fake_setting;
	f->host.state_load = fake_state_load;
	f->host.state_save = fake_state_save;
	f->ops = ops;
	f->now = 1000000000;
	f->map.host = &f->host;
	f->map.name = "mpatha";
	f->map.wwid = "3600a0b80000000000000000000000001";
	f->map.vendor = "LIO-ORG";
	f->map.product = "disk";
	f->map.size_sectors = 2097152;
	f->map.block_size = 512;
	f->map.paths = f->view;
}

void fake_set(struct fake *f, const char *key, const char *value)
{
	assert_true(f->nr_settings < FAKE_MAX_SETTINGS);
	f->keys[f->nr_settings] = key;
	f->values[f->nr_settings++] = value;
}

void fake_unset(struct fake *f, const char *key)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nr_settings; i++) {
		if (strcmp(f->keys[i], key) == 0)
			continue;
		f->keys[n] = f->keys[i];
		f->values[n++] = f->values[i];
	}
	f->nr_settings = n;
}

/* Point the view's strings at the path records again (after adding or removing). */
static void view_refresh(struct fake *f)
{
	for (size_t i = 0; i < f->nr_paths; i++) {
		struct fake_path *p = &f->paths[i];
		struct mpath_sel_path *v = &f->view[i];
		unsigned host;

		v->dev = p->dev;
		v->devt = p->devt;
		v->hctl = p->hctl;
		v->host = sscanf(p->hctl, "%u:", &host) == 1 ? (int)host : -1;
		v->transport = p->transport;
		v->iscsi_iface = p->iface;
		v->iscsi_portal = p->portal;
		v->iscsi_target = p->target;
		v->iscsi_netdev = p->netdev;
		v->id = p->id;
	}
	f->map.nr_paths = f->nr_paths;
}

size_t fake_add_iscsi_path(struct fake *f, const char *dev, const char *hctl, const char *target,
			   const char *portal, const char *iface)
{
	size_t i = f->nr_paths++;
	struct fake_path *p = &f->paths[i];
	unsigned devno = 1;

	assert_true(i < FAKE_MAX_PATHS);
	/* a devt no other path of the map has */
	for (size_t j = 0; j < i; j++) {
		unsigned n;

		if (sscanf(f->paths[j].devt, "8:%u", &n) == 1 && n / 16 >= devno)
			devno = n / 16 + 1;
	}
	memset(p, 0, sizeof(*p));
	snprintf(p->dev, sizeof(p->dev), "%s", dev);
	snprintf(p->devt, sizeof(p->devt), "8:%u", devno * 16);
	snprintf(p->hctl, sizeof(p->hctl), "%s", hctl);
	snprintf(p->transport, sizeof(p->transport), "%s", target ? "iscsi" : "unknown");
	if (target) {
		snprintf(p->target, sizeof(p->target), "%s", target);
		snprintf(p->portal, sizeof(p->portal), "%s", portal);
		snprintf(p->iface, sizeof(p->iface), "%s", iface);
		snprintf(p->id, sizeof(p->id), "iscsi:%s,%s,%s", target, portal, iface);
	} else {
		snprintf(p->id, sizeof(p->id), "hctl:%s", hctl);
	}
	f->view[i] = (struct mpath_sel_path){ .tpg = -1, .relative_port = -1, .usable = true };
	view_refresh(f);
	return i;
}

size_t fake_add_path(struct fake *f, const char *dev, const char *hctl)
{
	return fake_add_iscsi_path(f, dev, hctl, NULL, NULL, NULL);
}

static size_t path_index(struct fake *f, const char *dev)
{
	for (size_t i = 0; i < f->nr_paths; i++)
		if (strcmp(f->paths[i].dev, dev) == 0)
			return i;
	fail_msg("no path %s", dev);
	return 0;
}

struct mpath_sel_path *fake_path(struct fake *f, const char *dev)
{
	return &f->view[path_index(f, dev)];
}

void fake_remove_path(struct fake *f, const char *dev)
{
	size_t i = path_index(f, dev);

	memmove(&f->paths[i], &f->paths[i + 1], (f->nr_paths - i - 1) * sizeof(f->paths[0]));
	memmove(&f->view[i], &f->view[i + 1], (f->nr_paths - i - 1) * sizeof(f->view[0]));
	f->nr_paths--;
	view_refresh(f);
}

int fake_attach(struct fake *f)
{
	void *priv = NULL;
	int r;

	if (f->ops->init)
		assert_int_equal(f->ops->init(&f->host), 0);
	f->map.priv = NULL;
	r = f->ops->map_attach ? f->ops->map_attach(&f->map, &priv) : 0;
	f->map.priv = priv;
	return r;
}

void fake_detach(struct fake *f)
{
	if (f->ops->map_detach)
		f->ops->map_detach(&f->map);
	f->map.priv = NULL;
	if (f->ops->fini)
		f->ops->fini(&f->host);
}

void fake_release(struct fake *f)
{
	free(f->state_text);
	f->state_text = NULL;
}

static struct mpath_sel_layout *build(struct fake *f)
{
	struct mpath_sel_layout *l = NULL;

	assert_int_equal(mp_sel_layout_new(f->nr_paths, &l), 0);
	assert_int_equal(f->ops->build_layout(&f->map, l), 0);
	assert_int_equal(mp_sel_layout_check(l), 0);
	return l;
}

char *fake_table(struct fake *f)
{
	struct mpath_sel_layout *l = build(f);
	struct mp_table *t = NULL;
	char *text = NULL;

	assert_int_equal(mp_table_new(&t), 0);
	assert_int_equal(mp_sel_layout_fill_table(l, 0, &f->map, t), 0);
	assert_int_equal(mp_table_format(t, &text), 0);
	mp_table_free(t);
	mp_sel_layout_free(l);
	return text;
}

char *fake_stack(struct fake *f)
{
	struct mpath_sel_layout *l = NULL;
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(mp_sel_layout_new(f->nr_paths, &l), 0);
	assert_int_equal(f->ops->build_layout(&f->map, l), 0);
	assert_true(mp_sel_layout_check(l) >= 0);
	for (size_t k = 0; k < l->nr_devices; k++) {
		const struct mp_sel_device *d = &l->devices[k];

		strbuf_printf(&sb, "%s%s:", k ? "\n" : "", d->suffix ? d->suffix : "top");
		if (d->type == MP_SEL_DEVICE_SWITCH) {
			strbuf_printf(&sb, " switch %llu", (unsigned long long)d->region_size);
			for (size_t i = 0; i < d->nr_lower; i++)
				strbuf_printf(&sb, "%s%s", i ? "," : " ", l->devices[d->lower[i]].suffix);
			strbuf_puts(&sb, " |");
			for (size_t i = 0; i < d->nr_regions; i++)
				strbuf_printf(&sb, " %u", d->regions[i]);
			continue;
		}
		for (size_t g = 0; g < d->nr_groups; g++) {
			strbuf_printf(&sb, " [");
			for (size_t i = 0; i < d->groups[g].nr_paths; i++)
				strbuf_printf(&sb, "%s%s", i ? " " : "", f->paths[d->groups[g].paths[i].path].dev);
			strbuf_printf(&sb, "]");
		}
	}
	mp_sel_layout_free(l);
	return strbuf_steal(&sb);
}

char *fake_groups(struct fake *f)
{
	struct mpath_sel_layout *l = build(f);
	const struct mp_sel_device *d = &l->devices[0];
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(d->type, MP_SEL_DEVICE_MULTIPATH);
	for (size_t g = 0; g < d->nr_groups; g++) {
		strbuf_printf(&sb, "%s%s[", g ? " " : "", g == d->initial_group ? "*" : "");
		for (size_t i = 0; i < d->groups[g].nr_paths; i++)
			strbuf_printf(&sb, "%s%s", i ? " " : "", f->paths[d->groups[g].paths[i].path].dev);
		strbuf_puts(&sb, "]");
	}
	mp_sel_layout_free(l);
	return strbuf_steal(&sb);
}

static char *actions_describe(const struct mpath_sel_actions *a)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(a->error, 0);
	for (size_t i = 0; i < a->nr_messages; i++)
		strbuf_printf(&sb, "%s%s%s%s", i ? "; " : "", a->messages[i].suffix ? a->messages[i].suffix : "",
			      a->messages[i].suffix ? ": " : "", a->messages[i].text);
	if (a->reload)
		strbuf_printf(&sb, "%sreload", a->nr_messages ? "; " : "");
	strbuf_puts(&sb, "");
	return strbuf_steal(&sb);
}

char *fake_event(struct fake *f, const char *dev, int event)
{
	struct mpath_sel_actions *a = NULL;
	char *s;

	assert_int_equal(mp_sel_actions_new(&a), 0);
	assert_non_null(f->ops->path_event);
	assert_int_equal(f->ops->path_event(&f->map, path_index(f, dev), event, a), 0);
	s = actions_describe(a);
	mp_sel_actions_free(a);
	return s;
}

char *fake_map_event(struct fake *f, int event)
{
	struct mpath_sel_actions *a = NULL;
	char *s;

	assert_int_equal(mp_sel_actions_new(&a), 0);
	assert_int_equal(f->ops->map_event(&f->map, event, a), 0);
	s = actions_describe(a);
	mp_sel_actions_free(a);
	return s;
}

char *fake_tick(struct fake *f)
{
	struct mpath_sel_actions *a = NULL;
	char *s;

	assert_int_equal(mp_sel_actions_new(&a), 0);
	assert_int_equal(f->ops->tick(&f->map, a), 0);
	s = actions_describe(a);
	mp_sel_actions_free(a);
	return s;
}

int fake_verb(struct fake *f, const char *line, unsigned flags, char **ret_out, char **ret_actions)
{
	char buf[512], *argv[16], *save = NULL;
	struct mpath_sel_actions *a = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct mpath_sel_output out;
	int argc = 0, r = -ENOENT;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok_r(buf, " ", &save); w && argc < 16; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	assert_int_equal(mp_sel_actions_new(&a), 0);
	mp_sel_output_init(&out, &sb);
	for (const struct mpath_sel_verb *v = f->ops->verbs; v && v->name; v++) {
		char name[64];
		int words = 0, match = 1;

		snprintf(name, sizeof(name), "%s", v->name);
		for (char *s2 = NULL, *w = strtok_r(name, " ", &s2); w; w = strtok_r(NULL, " ", &s2), words++)
			if (words >= argc || strcmp(argv[words], w) != 0)
				match = 0;
		if (!match)
			continue;
		r = v->run(&f->map, argc - words, argv + words, flags, &out, a);
		break;
	}
	assert_int_equal(out.error, 0);
	strbuf_puts(&sb, "");
	*ret_out = strbuf_steal(&sb);
	if (ret_actions)
		*ret_actions = actions_describe(a);
	mp_sel_actions_free(a);
	return r;
}
