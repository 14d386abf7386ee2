/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Prints the configuration back in multipath.conf syntax, and one map's settings with their origins. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "util.h"

/* In the top-level order of the printed file. */
static const enum cfg_section_kind top_order[] = {
	CFG_SEC_DEFAULTS, CFG_SEC_BLACKLIST, CFG_SEC_BLACKLIST_EXCEPTIONS, CFG_SEC_DEVICES,
	CFG_SEC_MULTIPATHS, CFG_SEC_OVERRIDES, CFG_SEC_ISCSI,
};

/* Quotes inside a quoted string are doubled, as the lexer expects. */
static int put_quoted(struct strbuf *out, const char *s)
{
	int r = strbuf_puts(out, "\"");

	for (const char *q; r >= 0 && (q = strchr(s, '"')); s = q + 1)
		if ((r = strbuf_append(out, s, q - s + 1)) >= 0)
			r = strbuf_puts(out, "\"");
	if (r >= 0)
		r = strbuf_puts(out, s);
	return r < 0 ? r : strbuf_puts(out, "\"");
}

/* A word that the lexer would split or cut short, e.g. the interface name
 * "a{b", which the kernel allows, must be quoted even where the keyword's
 * values are normally printed bare. */
static bool needs_quotes(const char *s)
{
	return s[0] == '\0' || s[strcspn(s, " \t\r\v\f\"{}#!")] != '\0';
}

static int put_value(struct strbuf *out, const struct cfg_keyword *kw, const char *text)
{
	if ((kw->flags & CFG_KW_QUOTE) || needs_quotes(text))
		return put_quoted(out, text);
	return strbuf_puts(out, text);
}

static int put_item(struct strbuf *out, const struct mp_item *it, unsigned depth)
{
	int r = strbuf_printf(out, "%.*s%s ", (int)depth, "\t\t\t", mp_key_name(it->kw->key));

	if (r >= 0)
		r = put_value(out, it->kw, it->str);
	return r < 0 ? r : strbuf_puts(out, "\n");
}

static int put_open(struct strbuf *out, const char *name, unsigned depth)
{
	return strbuf_printf(out, "%.*s%s {\n", (int)depth, "\t\t\t", name);
}

static int put_close(struct strbuf *out, unsigned depth)
{
	return strbuf_printf(out, "%.*s}\n", (int)depth, "\t\t\t");
}

static int put_items(struct strbuf *out, const struct mp_section *sec, unsigned depth)
{
	for (size_t i = 0; i < sec->n_items; i++) {
		int r = put_item(out, &sec->items[i], depth);

		if (r < 0)
			return r;
	}
	return 0;
}

/* A subsection: its items only, as subsections have no children. */
static int put_subsection(struct strbuf *out, const struct mp_section *sec, unsigned depth)
{
	int r = put_open(out, cfg_section_name(sec->kind), depth);

	if (r >= 0)
		r = put_items(out, sec, depth + 1);
	return r < 0 ? r : put_close(out, depth);
}

static int put_children(struct strbuf *out, const struct mp_section *sec, unsigned depth)
{
	for (size_t i = 0; i < sec->n_children; i++) {
		int r = put_subsection(out, sec->children[i], depth);

		if (r < 0)
			return r;
	}
	return 0;
}

static bool same_text(const struct mp_item *a, const struct mp_item *b)
{
	return a->kw->key == b->kw->key && streq(a->str, b->str);
}

static bool section_has_item(const struct mp_section *sec, const struct mp_item *item)
{
	for (size_t i = 0; i < sec->n_items; i++)
		if (same_text(&sec->items[i], item))
			return true;
	return false;
}

/* Every defaults keyword in key order, the file's value or the compiled-in one. */
static int put_effective_defaults(struct strbuf *out, const struct mp_config *cfg)
{
	int r = put_open(out, "defaults", 0);

	for (enum mp_key key = 0; r >= 0 && key < MP_KEY_COUNT; key++) {
		const struct mp_item *it = cfg_section_find(cfg->top[CFG_SEC_DEFAULTS], key);

		if (!it)
			it = cfg_section_find(cfg->compiled, key);
		if (it)
			r = put_item(out, it, 1);
	}
	return r < 0 ? r : put_close(out, 0);
}

/* Compiled-in entries the file repeats are printed once, so that printing
 * the re-parsed output gives the same text. */
static int put_blacklist(struct strbuf *out, const struct mp_config *cfg, bool defaults)
{
	const struct mp_section *bl = cfg->top[CFG_SEC_BLACKLIST];
	const struct mp_section *dbl = cfg->default_blacklist;
	int r = put_open(out, "blacklist", 0);

	for (size_t i = 0; defaults && r >= 0 && i < dbl->n_items; i++)
		if (!section_has_item(bl, &dbl->items[i]))
			r = put_item(out, &dbl->items[i], 1);
	if (r >= 0)
		r = put_items(out, bl, 1);
	if (r >= 0)
		r = put_children(out, bl, 1);
	return r < 0 ? r : put_close(out, 0);
}

static int render(const struct mp_section *sec, char **ret)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int r = put_subsection(&sb, sec, 1);

	if (r < 0)
		return r;
	*ret = strbuf_steal(&sb);
	return *ret ? 0 : -ENOMEM;
}

static int user_has_entry(const struct mp_section *user, const char *text)
{
	for (size_t i = 0; i < user->n_children; i++) {
		_cleanup_free_ char *u = NULL;
		int r = render(user->children[i], &u);

		if (r < 0)
			return r;
		if (streq(u, text))
			return 1;
	}
	return 0;
}

static int put_builtin(struct strbuf *out, const struct mp_config *cfg)
{
	for (size_t i = 0; i < cfg->builtin->n_children; i++) {
		_cleanup_free_ char *text = NULL;
		int r = render(cfg->builtin->children[i], &text);

		if (r >= 0)
			r = user_has_entry(cfg->top[CFG_SEC_DEVICES], text);
		if (r == 0)
			r = strbuf_puts(out, text);
		if (r < 0)
			return r;
	}
	return 0;
}

static int put_devices(struct strbuf *out, const struct mp_config *cfg, bool builtin)
{
	int r = put_open(out, "devices", 0);

	if (r >= 0 && builtin)
		r = put_builtin(out, cfg);
	if (r >= 0)
		r = put_children(out, cfg->top[CFG_SEC_DEVICES], 1);
	return r < 0 ? r : put_close(out, 0);
}

static int put_plain(struct strbuf *out, const struct mp_section *sec)
{
	int r = put_open(out, cfg_section_name(sec->kind), 0);

	if (r >= 0)
		r = put_items(out, sec, 1);
	if (r >= 0)
		r = put_children(out, sec, 1);
	return r < 0 ? r : put_close(out, 0);
}

static bool is_empty(const struct mp_section *sec)
{
	return sec->n_items == 0 && sec->n_children == 0;
}

static int put_top(struct strbuf *out, const struct mp_config *cfg, enum cfg_section_kind kind,
		   unsigned flags)
{
	const struct mp_section *sec = cfg->top[kind];
	bool defaults = flags & MP_PRINT_DEFAULTS, builtin = flags & MP_PRINT_BUILTIN;

	if (kind == CFG_SEC_DEFAULTS && defaults)
		return put_effective_defaults(out, cfg);
	if (kind == CFG_SEC_BLACKLIST && (defaults || !is_empty(sec)))
		return put_blacklist(out, cfg, defaults);
	if (kind == CFG_SEC_DEVICES && ((builtin && cfg->builtin->n_children) || !is_empty(sec)))
		return put_devices(out, cfg, builtin);
	return is_empty(sec) ? 0 : put_plain(out, sec);
}

int mp_config_print(const struct mp_config *cfg, unsigned flags, struct strbuf *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(top_order); i++) {
		int r = put_top(out, cfg, top_order[i], flags);

		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- one map's settings ---- */

static int put_setting(struct strbuf *out, const struct cfg_keyword *kw, const char *text,
		       const char *origin)
{
	_cleanup_strbuf_ struct strbuf value = STRBUF_INIT;
	int r = put_value(&value, kw, text);

	if (r < 0)
		return r;
	return strbuf_printf(out, "%-28s %-32s %s\n", kw->name, strbuf_str(&value), origin);
}

int mp_map_settings_print(const struct mp_map_settings *s, struct strbuf *out)
{
	const struct mp_setting *fp = &s->key[MP_KEY_FAILOVER_PRIORITY];
	int r = 0;

	for (enum mp_key key = 0; r >= 0 && key < MP_KEY_COUNT; key++) {
		const struct mp_setting *set = &s->key[key];

		if (set->set && key != MP_KEY_FAILOVER_PRIORITY)
			r = put_setting(out, cfg_keyword_by_key(key), set->text, set->origin);
	}
	for (size_t i = 0; r >= 0 && fp->set && i < s->n_failover_prio; i++)
		r = put_setting(out, cfg_keyword_by_key(MP_KEY_FAILOVER_PRIORITY),
				s->failover_prio[i].text, s->failover_prio[i].origin);
	return r;
}
