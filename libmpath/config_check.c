/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks that span sections or files, run once everything is read, and the lookup tables built from them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "util.h"

/* Report at the place of @item rather than where the parser stopped. */
static void error_at(struct cfg_parser *p, const char *file, unsigned line, const char *what)
{
	p->file = file;
	p->line = line;
	cfg_error(p, "%s", what);
}

static void warn_at(struct cfg_parser *p, const char *file, unsigned line, const char *what)
{
	p->file = file;
	p->line = line;
	cfg_warn(p, "%s", what);
}

static int describe_item(struct mp_item *item, const struct mp_section *sec)
{
	char origin[MP_ORIGIN_MAX];

	cfg_origin_format(sec, item, origin, sizeof(origin));
	if (asprintf(&item->desc, "%s \"%s\" %s", item->kw->name, item->str, origin) < 0) {
		item->desc = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int describe_bl_device(struct mp_section *dev)
{
	const struct mp_item *v = cfg_section_find(dev, MP_KEY_BL_VENDOR);
	const struct mp_item *pr = cfg_section_find(dev, MP_KEY_BL_PRODUCT);
	char origin[MP_ORIGIN_MAX];

	cfg_origin_format(dev, NULL, origin, sizeof(origin));
	if (asprintf(&dev->desc, "device%s%s%s%s%s%s %s", v ? " vendor \"" : "",
		     v ? v->str : "", v ? "\"" : "", pr ? " product \"" : "", pr ? pr->str : "",
		     pr ? "\"" : "", origin) < 0) {
		dev->desc = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Blacklist reasons are written once here, so that matching, which runs on
 * an immutable config, only hands out pointers. */
static int describe_blacklist(struct mp_section *bl)
{
	for (size_t i = 0; i < bl->n_items; i++)
		if (describe_item(&bl->items[i], bl) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < bl->n_children; i++)
		if (describe_bl_device(bl->children[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int collect_fprio(struct cfg_parser *p, struct mp_section *sec)
{
	size_t n = 0;

	for (size_t i = 0; i < sec->n_items; i++)
		n += sec->items[i].kw->key == MP_KEY_FAILOVER_PRIORITY;
	if (n == 0)
		return 0;
	sec->fprio = calloc(n, sizeof(*sec->fprio));
	if (!sec->fprio)
		return -ENOMEM;
	for (size_t i = 0; i < sec->n_items; i++) {
		const struct mp_item *it = &sec->items[i];
		const char *match = it->fprio.text;

		if (it->kw->key != MP_KEY_FAILOVER_PRIORITY)
			continue;
		for (size_t j = 0; j < sec->n_fprio; j++)
			if (strncmp(sec->fprio[j].text, match, strcspn(match, " ") + 1) == 0)
				error_at(p, it->file, it->line,
					 "failover_priority gives the same paths a second priority");
		sec->fprio[sec->n_fprio] = it->fprio;
		cfg_origin_format(sec, it, sec->fprio[sec->n_fprio].origin, MP_ORIGIN_MAX);
		sec->n_fprio++;
	}
	return 0;
}

static int check_device(struct cfg_parser *p, struct mp_section *dev)
{
	for (size_t i = 0; i < dev->n_items; i++)
		if (dev->items[i].kw->key == MP_KEY_PRODUCT_BLACKLIST &&
		    describe_item(&dev->items[i], dev) < 0)
			return -ENOMEM;
	return collect_fprio(p, dev);
}

static int check_devices(struct cfg_parser *p, struct mp_section *devices)
{
	for (size_t i = 0; i < devices->n_children; i++)
		if (check_device(p, devices->children[i]) < 0)
			return -ENOMEM;
	return 0;
}

static const char *item_str(const struct mp_section *sec, enum mp_key key)
{
	const struct mp_item *it = cfg_section_find(sec, key);

	return it ? it->str : NULL;
}

/* Two maps cannot share an alias; two entries for one wwid merge, which is
 * allowed but worth a word. */
static int check_multipaths(struct cfg_parser *p, struct mp_section *mps)
{
	for (size_t i = 0; i < mps->n_children; i++) {
		const struct mp_section *a = mps->children[i];
		const char *alias = item_str(a, MP_KEY_ALIAS), *wwid = item_str(a, MP_KEY_WWID);

		for (size_t j = 0; j < i; j++) {
			const struct mp_section *b = mps->children[j];
			const char *balias = item_str(b, MP_KEY_ALIAS);
			const char *bwwid = item_str(b, MP_KEY_WWID);

			if (alias && balias && streq(alias, balias) && !(wwid && bwwid && streq(wwid, bwwid)))
				error_at(p, a->file, cfg_section_find(a, MP_KEY_ALIAS)->line,
					 "alias is already used by another multipath section");
			if (wwid && bwwid && streq(wwid, bwwid))
				warn_at(p, a->file, a->line,
					"a multipath section for this wwid already exists; their settings merge");
		}
		if (collect_fprio(p, mps->children[i]) < 0)
			return -ENOMEM;
	}
	return 0;
}

static void check_polling(struct cfg_parser *p, const struct mp_section *defs)
{
	const struct mp_item *pi = cfg_section_find(defs, MP_KEY_POLLING_INTERVAL);
	const struct mp_item *max = cfg_section_find(defs, MP_KEY_MAX_POLLING_INTERVAL);
	long long interval = pi ? pi->num : 5;
	char msg[128];

	if (!max || max->num >= interval)
		return;
	snprintf(msg, sizeof(msg), "max_polling_interval %lld is less than polling_interval %lld",
		 max->num, interval);
	error_at(p, max->file, max->line, msg);
}

static size_t iscsi_count(const struct mp_section *sec, enum mp_key key)
{
	size_t n = 0;

	for (size_t i = 0; i < sec->n_items; i++)
		n += sec->items[i].kw->key == key;
	return n;
}

static void check_iscsi_item(struct cfg_parser *p, const struct mp_section *sec, size_t i)
{
	const struct mp_item *it = &sec->items[i];
	const struct mp_item *hb = cfg_section_find(sec, MP_KEY_ISCSI_HEARTBEAT);

	for (size_t j = 0; j < i; j++)
		if (sec->items[j].kw->key == it->kw->key && streq(sec->items[j].str, it->str))
			warn_at(p, it->file, it->line, "listed twice");
	if (hb && it->kw->key == MP_KEY_ISCSI_NIC && streq(hb->str, it->str))
		error_at(p, it->file, it->line,
			 "the heartbeat interface must not also be an iSCSI nic");
	if (it->kw->key != MP_KEY_ISCSI_EXCLUDE || !it->exclude.nic[0])
		return;
	for (size_t j = 0; j < sec->n_items; j++)
		if (sec->items[j].kw->key == MP_KEY_ISCSI_NIC && streq(sec->items[j].str, it->str))
			warn_at(p, it->file, it->line, "this nic is also listed as an iSCSI nic; it is not used");
}

static void iscsi_store(struct mp_config *cfg, const struct mp_item *it)
{
	struct mp_iscsi_settings *is = &cfg->iscsi;

	switch (it->kw->key) {
	case MP_KEY_ISCSI_NIC: cfg->iscsi_nics[is->n_nics++] = it->str; break;
	case MP_KEY_ISCSI_DISCOVERY: cfg->iscsi_discovery[is->n_discovery++] = it->portal; break;
	case MP_KEY_ISCSI_EXCLUDE: cfg->iscsi_excludes[is->n_excludes++] = it->exclude; break;
	case MP_KEY_ISCSI_VOLUME: cfg->iscsi_volumes[is->n_volumes++] = it->str; break;
	case MP_KEY_ISCSI_HEARTBEAT: is->heartbeat = it->str; break;
	case MP_KEY_ISCSI_CHAP_FILE: is->chap_file = it->str; break;
	case MP_KEY_MEMBERSESSIONS: is->membersessions = it->num; break;
	case MP_KEY_VOLUMESESSIONS: is->volumesessions = it->num; break;
	case MP_KEY_TOTALSESSIONS: is->totalsessions = it->num; break;
	case MP_KEY_ISCSI_MTU: is->mtu = it->num; break;
	case MP_KEY_ISCSI_PROBE_INTERVAL: is->probe_interval_ms = it->num; break;
	case MP_KEY_ISCSI_LOGIN_TIMEOUT: is->login_timeout_s = it->num; break;
	case MP_KEY_ISCSI_DISCOVERY_INTERVAL: is->discovery_interval_s = it->num; break;
	default: break;
	}
}

/* The session manager reads the iscsi section through mp_config_iscsi(); its lists live here. */
static int build_iscsi(struct cfg_parser *p, struct mp_config *cfg)
{
	const struct mp_section *sec = cfg->top[CFG_SEC_ISCSI];

	cfg->iscsi_nics = calloc(iscsi_count(sec, MP_KEY_ISCSI_NIC) + 1, sizeof(char *));
	cfg->iscsi_discovery = calloc(iscsi_count(sec, MP_KEY_ISCSI_DISCOVERY) + 1,
				      sizeof(struct mp_portal));
	cfg->iscsi_excludes = calloc(iscsi_count(sec, MP_KEY_ISCSI_EXCLUDE) + 1,
				     sizeof(struct mp_iscsi_exclude));
	cfg->iscsi_volumes = calloc(iscsi_count(sec, MP_KEY_ISCSI_VOLUME) + 1, sizeof(char *));
	if (!cfg->iscsi_nics || !cfg->iscsi_discovery || !cfg->iscsi_excludes || !cfg->iscsi_volumes)
		return -ENOMEM;
	cfg->iscsi = (struct mp_iscsi_settings) {
		.present = sec->n_items > 0,
		.discovery = cfg->iscsi_discovery, .nics = cfg->iscsi_nics,
		.excludes = cfg->iscsi_excludes, .volumes = cfg->iscsi_volumes,
	};
	for (size_t i = 0; i < sec->n_items; i++) {
		check_iscsi_item(p, sec, i);
		iscsi_store(cfg, &sec->items[i]);
	}
	if (cfg->iscsi.present && cfg->iscsi.n_discovery == 0)
		warn_at(p, sec->file, sec->line,
			"the iscsi section has no discovery address: the session manager does nothing");
	return 0;
}

/* The session limits act through the session manager only: without an iscsi section, say so. */
static void check_session_limits(struct cfg_parser *p, const struct mp_section *sec)
{
	if (!sec)
		return;
	for (size_t i = 0; i < sec->n_items; i++) {
		const struct mp_item *it = &sec->items[i];
		char what[160];

		if (it->kw->key != MP_KEY_MEMBERSESSIONS && it->kw->key != MP_KEY_VOLUMESESSIONS &&
		    it->kw->key != MP_KEY_TOTALSESSIONS)
			continue;
		snprintf(what, sizeof(what), "%s: ignored: there is no iscsi section, so no session manager runs",
			 it->kw->name);
		warn_at(p, it->file, it->line, what);
	}
	for (size_t i = 0; i < sec->n_children; i++)
		check_session_limits(p, sec->children[i]);
}

int cfg_finalize(struct cfg_parser *p)
{
	struct mp_config *cfg = p->cfg;
	int r = 0;

	if (describe_blacklist(cfg->top[CFG_SEC_BLACKLIST]) < 0 ||
	    describe_blacklist(cfg->top[CFG_SEC_BLACKLIST_EXCEPTIONS]) < 0 ||
	    describe_blacklist(cfg->default_blacklist) < 0 ||
	    check_devices(p, cfg->top[CFG_SEC_DEVICES]) < 0 || check_devices(p, cfg->builtin) < 0 ||
	    check_multipaths(p, cfg->top[CFG_SEC_MULTIPATHS]) < 0 || build_iscsi(p, cfg) < 0)
		r = -ENOMEM;
	check_polling(p, cfg->top[CFG_SEC_DEFAULTS]);
	if (r == 0 && !cfg->iscsi.present)
		for (size_t i = 0; i < CFG_SEC_TOP_COUNT; i++)
			if (i != CFG_SEC_ISCSI)
				check_session_limits(p, cfg->top[i]);
	return r < 0 || p->oom ? -ENOMEM : 0;
}
