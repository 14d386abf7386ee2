/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compares the resolved settings of one map under two configs, so a reload touches only the maps that changed. */
#include <errno.h>
#include <string.h>

#include "config_internal.h"
#include "util.h"

/* Keys that only the defaults section takes are the same for every map; the
 * daemon applies them itself, and a change there must not reload all maps. */
static bool key_is_per_map(enum mp_key key)
{
	const struct cfg_keyword *kw = cfg_keyword_by_key(key);

	return kw && (kw->flags & CFG_KW_SETTING) && kw->sections != SEC(CFG_SEC_DEFAULTS);
}

static const char *text_or_empty(const char *s)
{
	return s ? s : "";
}

static bool setting_equal(const struct mp_setting *a, const struct mp_setting *b)
{
	if (a->set != b->set)
		return false;
	return !a->set || (a->num == b->num && streq(text_or_empty(a->text), text_or_empty(b->text)));
}

/* The text holds the normalized match and the priority, which is all that
 * selects and orders paths. */
static bool failover_equal(const struct mp_map_settings *a, const struct mp_map_settings *b)
{
	if (a->n_failover_prio != b->n_failover_prio)
		return false;
	for (size_t i = 0; i < a->n_failover_prio; i++) {
		const struct mp_failover_prio *x = &a->failover_prio[i], *y = &b->failover_prio[i];

		if (x->match != y->match || x->priority != y->priority || !streq(x->text, y->text))
			return false;
	}
	return true;
}

bool mp_map_settings_equal(const struct mp_map_settings *a, const struct mp_map_settings *b)
{
	if (!a || !b)
		return a == b;
	for (enum mp_key key = 0; key < MP_KEY_COUNT; key++)
		if (key != MP_KEY_FAILOVER_PRIORITY && key_is_per_map(key) &&
		    !setting_equal(&a->key[key], &b->key[key]))
			return false;
	return failover_equal(a, b);
}

static int put_setting_value(struct strbuf *out, const struct mp_setting *s)
{
	return strbuf_puts(out, s->set ? text_or_empty(s->text) : "(unset)");
}

static int put_failover_list(struct strbuf *out, const struct mp_map_settings *s)
{
	int r = 0;

	if (s->n_failover_prio == 0)
		return strbuf_puts(out, "(unset)");
	for (size_t i = 0; r >= 0 && i < s->n_failover_prio; i++)
		r = strbuf_printf(out, "%s%s", i ? ", " : "", s->failover_prio[i].text);
	return r;
}

static int diff_key(const struct mp_map_settings *a, const struct mp_map_settings *b,
		    enum mp_key key, struct strbuf *out)
{
	int r = strbuf_printf(out, "%s: ", mp_key_name(key));

	if (r >= 0)
		r = key == MP_KEY_FAILOVER_PRIORITY ? put_failover_list(out, a) :
						      put_setting_value(out, &a->key[key]);
	if (r >= 0)
		r = strbuf_puts(out, " -> ");
	if (r >= 0)
		r = key == MP_KEY_FAILOVER_PRIORITY ? put_failover_list(out, b) :
						      put_setting_value(out, &b->key[key]);
	return r < 0 ? r : strbuf_puts(out, "\n");
}

int mp_map_settings_diff(const struct mp_map_settings *a, const struct mp_map_settings *b,
			 struct strbuf *out)
{
	int changed = 0;

	if (!a || !b || !out)
		return -EINVAL;
	for (enum mp_key key = 0; key < MP_KEY_COUNT; key++) {
		bool same;
		int r;

		if (!key_is_per_map(key))
			continue;
		same = key == MP_KEY_FAILOVER_PRIORITY ? failover_equal(a, b) :
							 setting_equal(&a->key[key], &b->key[key]);
		if (same)
			continue;
		r = diff_key(a, b, key, out);
		if (r < 0)
			return r;
		changed++;
	}
	return changed;
}
