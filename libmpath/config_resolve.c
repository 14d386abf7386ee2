/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Effective per-map settings through the precedence chain, the blacklist check and the iscsi section. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "util.h"

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

void cfg_origin_format(const struct mp_section *sec, const struct mp_item *item, char *buf,
		       size_t size)
{
	const char *file = item ? item->file : sec->file;
	unsigned line = item ? item->line : sec->line;

	if (sec && sec->builtin_name)
		snprintf(buf, size, "(built-in %s)", sec->builtin_name);
	else if (!file)
		snprintf(buf, size, "(default)");
	else
		snprintf(buf, size, "(%s:%u)", base_name(file), line);
}

bool cfg_regex_match(const struct mp_item *item, const char *value)
{
	return (regexec(item->re, value, 0, NULL, 0) == 0) != item->invert;
}

static bool item_matches(const struct mp_section *sec, enum mp_key key, const char *value)
{
	const struct mp_item *it = cfg_section_find(sec, key);

	return it && value && cfg_regex_match(it, value);
}

bool cfg_device_matches(const struct mp_section *dev, const char *vendor, const char *product,
			const char *revision)
{
	if (!item_matches(dev, MP_KEY_VENDOR, vendor) || !item_matches(dev, MP_KEY_PRODUCT, product))
		return false;
	return !cfg_section_find(dev, MP_KEY_REVISION) ||
	       item_matches(dev, MP_KEY_REVISION, revision);
}

/* ---- the precedence chain ---- */

struct link {
	const struct mp_section *sec;
	enum mp_origin_kind kind;
};

struct chain {
	struct link *links;
	size_t n;
};

static void chain_add(struct chain *c, const struct mp_section *sec, enum mp_origin_kind kind)
{
	c->links[c->n++] = (struct link) { sec, kind };
}

static bool str_item_is(const struct mp_section *sec, enum mp_key key, const char *value)
{
	const struct mp_item *it = cfg_section_find(sec, key);

	return it && value && streq(it->str, value);
}

/* Later entries of one level come first: they were meant to win. */
static void chain_add_matching(struct chain *c, const struct mp_section *parent,
			       enum mp_origin_kind kind, const struct mp_path_ident *id)
{
	for (size_t i = parent->n_children; i-- > 0;) {
		const struct mp_section *sec = parent->children[i];
		bool match;

		if (kind == MP_ORIGIN_MULTIPATH)
			match = str_item_is(sec, MP_KEY_WWID, id->wwid);
		else if (kind == MP_ORIGIN_PROTOCOL)
			match = sec->kind == CFG_SEC_PROTOCOL &&
				str_item_is(sec, MP_KEY_PROTOCOL_TYPE, id->protocol);
		else
			match = cfg_device_matches(sec, id->vendor, id->product, id->revision);
		if (match)
			chain_add(c, sec, kind);
	}
}

static int chain_build(const struct mp_config *cfg, const struct mp_path_ident *id,
		       struct chain *c)
{
	const struct mp_section *const *top = (const struct mp_section *const *)cfg->top;
	size_t max = top[CFG_SEC_MULTIPATHS]->n_children + top[CFG_SEC_OVERRIDES]->n_children +
		     top[CFG_SEC_DEVICES]->n_children + cfg->builtin->n_children + 3;

	c->n = 0;
	c->links = calloc(max, sizeof(*c->links));
	if (!c->links)
		return -ENOMEM;
	chain_add_matching(c, top[CFG_SEC_MULTIPATHS], MP_ORIGIN_MULTIPATH, id);
	chain_add_matching(c, top[CFG_SEC_OVERRIDES], MP_ORIGIN_PROTOCOL, id);
	chain_add(c, top[CFG_SEC_OVERRIDES], MP_ORIGIN_OVERRIDES);
	chain_add_matching(c, top[CFG_SEC_DEVICES], MP_ORIGIN_DEVICE, id);
	chain_add_matching(c, cfg->builtin, MP_ORIGIN_BUILTIN, id);
	chain_add(c, top[CFG_SEC_DEFAULTS], MP_ORIGIN_DEFAULTS);
	chain_add(c, cfg->compiled, MP_ORIGIN_COMPILED);
	return 0;
}

static void setting_fill(struct mp_setting *s, const struct link *l, const struct mp_item *it)
{
	s->set = true;
	s->num = it->num;
	s->text = it->str;
	s->kind = l->kind;
	cfg_origin_format(l->sec, it, s->origin, sizeof(s->origin));
}

static void resolve_failover_prio(const struct chain *c, struct mp_map_settings *ret)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct mp_section *sec = c->links[i].sec;

		if (sec->n_fprio == 0)
			continue;
		setting_fill(&ret->key[MP_KEY_FAILOVER_PRIORITY], &c->links[i],
			     cfg_section_find(sec, MP_KEY_FAILOVER_PRIORITY));
		ret->failover_prio = sec->fprio;
		ret->n_failover_prio = sec->n_fprio;
		return;
	}
}

static void resolve_key(const struct chain *c, enum mp_key key, struct mp_setting *s)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct mp_item *it = cfg_section_find(c->links[i].sec, key);

		if (it) {
			setting_fill(s, &c->links[i], it);
			return;
		}
	}
}

int mp_config_resolve(const struct mp_config *cfg, const struct mp_path_ident *id,
		      struct mp_map_settings *ret)
{
	struct mp_map_settings s = { 0 };
	struct chain c;
	int r;

	if (!cfg || !id || !ret)
		return -EINVAL;
	r = chain_build(cfg, id, &c);
	if (r < 0)
		return r;
	for (enum mp_key key = 0; key < MP_KEY_COUNT; key++) {
		const struct cfg_keyword *kw = cfg_keyword_by_key(key);

		if (key == MP_KEY_FAILOVER_PRIORITY)
			resolve_failover_prio(&c, &s);
		else if (kw && (kw->flags & CFG_KW_SETTING))
			resolve_key(&c, key, &s.key[key]);
	}
	free(c.links);
	*ret = s;
	return 0;
}

/* ---- blacklist ---- */

static const struct mp_item *match_any(const struct mp_section *sec, enum mp_key key,
				       const char *value)
{
	for (size_t i = 0; i < sec->n_items; i++)
		if (sec->items[i].kw->key == key && cfg_regex_match(&sec->items[i], value))
			return &sec->items[i];
	return NULL;
}

static bool has_key(const struct mp_section *sec, enum mp_key key)
{
	return cfg_section_find(sec, key) != NULL;
}

static bool check_simple(const struct mp_config *cfg, enum mp_key key, const char *value,
			 const char **reason)
{
	const struct mp_item *it;

	if (!value || match_any(cfg->top[CFG_SEC_BLACKLIST_EXCEPTIONS], key, value))
		return false;
	it = match_any(cfg->top[CFG_SEC_BLACKLIST], key, value);
	if (!it)
		it = match_any(cfg->default_blacklist, key, value);
	if (it)
		*reason = it->desc;
	return it != NULL;
}

/* A missing vendor or product in a blacklist device entry matches anything. */
static bool bl_device_matches(const struct mp_section *dev, const struct mp_blacklist_query *q)
{
	return (!has_key(dev, MP_KEY_BL_VENDOR) || item_matches(dev, MP_KEY_BL_VENDOR, q->vendor)) &&
	       (!has_key(dev, MP_KEY_BL_PRODUCT) || item_matches(dev, MP_KEY_BL_PRODUCT, q->product));
}

static const struct mp_section *find_bl_device(const struct mp_section *bl,
					       const struct mp_blacklist_query *q)
{
	for (size_t i = 0; i < bl->n_children; i++)
		if (bl_device_matches(bl->children[i], q))
			return bl->children[i];
	return NULL;
}

/* product_blacklist applies to the devices entry's vendor, not its product:
 * DELL ^MD3 lists "Universal Xport", which ^MD3 does not match. */
static const struct mp_item *find_product_blacklist(const struct mp_section *devices,
						    const struct mp_blacklist_query *q)
{
	for (size_t i = 0; i < devices->n_children; i++) {
		const struct mp_section *dev = devices->children[i];
		const struct mp_item *pb = cfg_section_find(dev, MP_KEY_PRODUCT_BLACKLIST);

		if (pb && item_matches(dev, MP_KEY_VENDOR, q->vendor) &&
		    cfg_regex_match(pb, q->product))
			return pb;
	}
	return NULL;
}

static bool check_device(const struct mp_config *cfg, const struct mp_blacklist_query *q,
			 const char **reason)
{
	const struct mp_section *dev;
	const struct mp_item *pb;

	if (!q->vendor || !q->product || find_bl_device(cfg->top[CFG_SEC_BLACKLIST_EXCEPTIONS], q))
		return false;
	dev = find_bl_device(cfg->top[CFG_SEC_BLACKLIST], q);
	if (dev) {
		*reason = dev->desc;
		return true;
	}
	pb = find_product_blacklist(cfg->top[CFG_SEC_DEVICES], q);
	if (!pb)
		pb = find_product_blacklist(cfg->builtin, q);
	if (pb)
		*reason = pb->desc;
	return pb != NULL;
}

static bool check_property(const struct mp_config *cfg, const struct mp_blacklist_query *q,
			   const char **reason)
{
	const struct mp_section *exc = cfg->top[CFG_SEC_BLACKLIST_EXCEPTIONS];

	if (!q->properties)
		return false;
	for (const char *const *prop = q->properties; *prop; prop++)
		if (match_any(exc, MP_KEY_BL_PROPERTY, *prop))
			return false;
	for (const char *const *prop = q->properties; *prop; prop++)
		if (check_simple(cfg, MP_KEY_BL_PROPERTY, *prop, reason))
			return true;
	if (!has_key(exc, MP_KEY_BL_PROPERTY))
		return false;
	*reason = "no udev property matches a blacklist_exceptions property";
	return true;
}

bool mp_config_blacklisted(const struct mp_config *cfg, const struct mp_blacklist_query *q,
			   const char **reason)
{
	const char *why = NULL;
	bool hit;

	if (!cfg || !q)
		return false;
	hit = check_simple(cfg, MP_KEY_BL_DEVNODE, q->devnode, &why) ||
	      check_device(cfg, q, &why) ||
	      check_simple(cfg, MP_KEY_BL_WWID, q->wwid, &why) ||
	      check_simple(cfg, MP_KEY_BL_PROTOCOL, q->protocol, &why) ||
	      check_property(cfg, q, &why);
	if (hit && reason)
		*reason = why;
	return hit;
}

/* ---- iscsi ---- */

int mp_config_iscsi(const struct mp_config *cfg, struct mp_iscsi_settings *ret)
{
	if (!cfg || !ret)
		return -EINVAL;
	*ret = cfg->iscsi;
	return 0;
}
