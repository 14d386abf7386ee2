/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The multipath.conf grammar: sections, subsections and keyword statements, stored into section trees. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "strbuf.h"
#include "util.h"

/* Where each section may be opened. */
static const struct {
	const char *name;
	enum cfg_section_kind kind;
	enum cfg_section_kind parent;
} section_defs[] = {
	{ "defaults", CFG_SEC_DEFAULTS, CFG_SEC_NONE },
	{ "blacklist", CFG_SEC_BLACKLIST, CFG_SEC_NONE },
	{ "blacklist_exceptions", CFG_SEC_BLACKLIST_EXCEPTIONS, CFG_SEC_NONE },
	{ "devices", CFG_SEC_DEVICES, CFG_SEC_NONE },
	{ "multipaths", CFG_SEC_MULTIPATHS, CFG_SEC_NONE },
	{ "overrides", CFG_SEC_OVERRIDES, CFG_SEC_NONE },
	{ "iscsi", CFG_SEC_ISCSI, CFG_SEC_NONE },
	{ "device", CFG_SEC_DEVICE, CFG_SEC_DEVICES },
	{ "device", CFG_SEC_BL_DEVICE, CFG_SEC_BLACKLIST },
	{ "device", CFG_SEC_BL_DEVICE, CFG_SEC_BLACKLIST_EXCEPTIONS },
	{ "multipath", CFG_SEC_MULTIPATH, CFG_SEC_MULTIPATHS },
	{ "protocol", CFG_SEC_PROTOCOL, CFG_SEC_OVERRIDES },
};

struct mp_section *cfg_section_new(enum cfg_section_kind kind, const char *file, unsigned line)
{
	struct mp_section *sec = calloc(1, sizeof(*sec));

	if (sec) {
		sec->kind = kind;
		sec->file = file;
		sec->line = line;
	}
	return sec;
}

void cfg_section_free(struct mp_section *sec)
{
	if (!sec)
		return;
	for (size_t i = 0; i < sec->n_items; i++)
		cfg_item_release(&sec->items[i]);
	for (size_t i = 0; i < sec->n_children; i++)
		cfg_section_free(sec->children[i]);
	free(sec->items);
	free(sec->children);
	free(sec->builtin_name);
	free(sec->desc);
	free(sec->fprio);
	free(sec);
}

int cfg_section_add_child(struct mp_section *parent, struct mp_section *child)
{
	struct mp_section **c = realloc(parent->children,
					(parent->n_children + 1) * sizeof(*c));

	if (!c)
		return -ENOMEM;
	parent->children = c;
	parent->children[parent->n_children++] = child;
	return 0;
}

const struct mp_item *cfg_section_find(const struct mp_section *sec, enum mp_key key)
{
	for (size_t i = 0; sec && i < sec->n_items; i++)
		if (sec->items[i].kw->key == key)
			return &sec->items[i];
	return NULL;
}

/* A keyword given twice keeps its first position, so printing stays in the
 * order the user wrote, but takes the later value. */
static int section_store(struct cfg_parser *p, struct mp_section *sec, struct mp_item *item)
{
	struct mp_item *old = (struct mp_item *)cfg_section_find(sec, item->kw->key);
	struct mp_item *items;

	if (old && !(item->kw->flags & CFG_KW_REPEAT)) {
		if (old->file == item->file)
			cfg_warn(p, "%s given again; the value from line %u is replaced",
				 item->kw->name, old->line);
		cfg_item_release(old);
		*old = *item;
		return 0;
	}
	items = realloc(sec->items, (sec->n_items + 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	sec->items = items;
	sec->items[sec->n_items++] = *item;
	return 0;
}

static int store_value(struct cfg_parser *p, struct mp_section *sec,
		       const struct cfg_keyword *kw, const char *text)
{
	struct mp_item item;
	int r;

	if (kw->key == MP_KEY_CONFIG_DIR && !p->main_file) {
		cfg_warn(p, "config_dir is only read from the main file; ignored");
		return 0;
	}
	r = cfg_parse_value(p, kw, text, &item);
	if (r == -EINVAL && p->depth)
		p->failed_keys[p->depth - 1][kw->key / 64] |= UINT64_C(1) << (kw->key % 64);
	if (r != 0 || kw->key == MP_KEY_COUNT) {
		cfg_item_release(&item);
		return r > 0 ? 0 : r;
	}
	r = section_store(p, sec, &item);
	if (r < 0)
		cfg_item_release(&item);
	return r;
}

int cfg_apply(struct cfg_parser *p, struct mp_section *sec, const char *name, const char *value)
{
	bool known;
	const struct cfg_keyword *kw = cfg_keyword_find(name, sec->kind, &known);

	if (!kw)
		return cfg_error(p, "keyword %s is not allowed in section %s", name,
				 cfg_section_name(sec->kind));
	return store_value(p, sec, kw, value);
}

static struct mp_section *current(const struct cfg_parser *p)
{
	return p->depth ? p->stack[p->depth - 1] : NULL;
}

static enum cfg_section_kind current_kind(const struct cfg_parser *p)
{
	return p->depth ? p->stack[p->depth - 1]->kind : CFG_SEC_NONE;
}

static const char *section_name_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(section_defs); i++)
		if (streq(section_defs[i].name, name))
			return section_defs[i].name;
	return NULL;
}

/* multipathd skips keywords that do not belong where they are with a
 * message and keeps loading; so do we, but say what happened. */
static int report_unknown_keyword(struct cfg_parser *p, const char *name, bool known)
{
	enum cfg_section_kind kind = current_kind(p);

	if (known && kind == CFG_SEC_NONE)
		cfg_warn(p, "keyword %s is outside any section; ignored", name);
	else if (known)
		cfg_warn(p, "keyword %s is not allowed in section %s; ignored", name,
			 cfg_section_name(kind));
	else if (cfg_keyword_is_foreign(name))
		cfg_warn(p, "%s is a multipath-tools keyword that mpathd does not support; ignored",
			 name);
	else if (kind == CFG_SEC_NONE)
		cfg_warn(p, "unknown keyword %s outside any section; ignored", name);
	else
		cfg_warn(p, "unknown keyword %s in section %s; ignored", name,
			 cfg_section_name(kind));
	return 0;
}

static char *join_words(const struct cfg_token *tok, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n; i++)
		if (strbuf_printf(&sb, "%s%s", i ? " " : "", tok[i].text) < 0) {
			strbuf_release(&sb);
			return NULL;
		}
	return strbuf_steal(&sb);
}

/* "keyword value..." */
static int statement(struct cfg_parser *p, const struct cfg_token *tok, size_t n)
{
	const char *name = tok[0].text;
	bool known;
	const struct cfg_keyword *kw = cfg_keyword_find(name, current_kind(p), &known);
	_cleanup_free_ char *joined = NULL;
	int r = 0;

	if (!kw && n == 1 && !tok[0].quoted && section_name_of(name)) {
		/* a section name alone: its '{' may come on the next line */
		p->pending_section = section_name_of(name);
		p->pending_line = p->line;
		return 0;
	}
	if (!kw)
		return report_unknown_keyword(p, name, known);
	if (n == 1)
		return cfg_error(p, "missing value for %s", name);
	/* accepted, so a multipath-tools config loads, but not (or not fully) acted on: say so */
	if (cfg_keyword_limit(kw->key))
		cfg_warn(p, "%s: %s", name, cfg_keyword_limit(kw->key));
	if (kw->flags & CFG_KW_SPLIT) {
		for (size_t i = 1; i < n && r != -ENOMEM; i++)
			r = store_value(p, current(p), kw, tok[i].text);
		return r;
	}
	if (n > 2 && (kw->flags & CFG_KW_JOIN)) {
		joined = join_words(tok + 1, n - 1);
		if (!joined)
			return -ENOMEM;
	} else if (n > 2) {
		/* multipathd ignores the rest; "device { vendor X product Y }" would
		 * then silently match every product, so refuse it. */
		cfg_error(p, "unexpected \"%s\" after the value of %s (one keyword per line)",
			  tok[2].text, name);
		r = store_value(p, current(p), kw, tok[1].text);
		return r == -ENOMEM ? r : -EINVAL;
	}
	return store_value(p, current(p), kw, joined ? joined : tok[1].text);
}

static int find_section_def(const char *name, enum cfg_section_kind parent, bool *known)
{
	*known = false;
	for (size_t i = 0; i < ARRAY_SIZE(section_defs); i++) {
		if (!streq(section_defs[i].name, name))
			continue;
		if (section_defs[i].parent == parent)
			return (int)i;
		*known = true;
	}
	return -ENOENT;
}

static int reject_section(struct cfg_parser *p, const char *name, bool known)
{
	p->skip_depth = 1;
	if (known && current_kind(p) == CFG_SEC_NONE)
		return cfg_error(p, "section %s must be inside another section", name);
	if (known || p->depth == ARRAY_SIZE(p->stack))
		return cfg_error(p, "section %s is not allowed in section %s", name,
				 cfg_section_name(current_kind(p)));
	cfg_warn(p, "unknown section %s; ignored", name);
	return 0;
}

/* "name {" with the words before the brace in @tok. */
static int open_section(struct cfg_parser *p, const struct cfg_token *tok, size_t n)
{
	struct mp_section *sec;
	bool known;
	int i;

	if (n == 0 && p->pending_section) {
		struct cfg_token t = { CFG_TOK_WORD, false, (char *)p->pending_section };
		unsigned line = p->line;

		/* multipathd reads this form too, with a complaint */
		p->line = p->pending_line;
		cfg_warn(p, "'{' of section %s should be on the same line as its name",
			 p->pending_section);
		p->line = line;
		p->pending_section = NULL;
		return open_section(p, &t, 1);
	}
	if (n == 0) {
		p->skip_depth = 1;
		return cfg_error(p, "'{' without a section name");
	}
	if (n > 1)
		cfg_error(p, "unexpected \"%s\" between section name %s and '{'", tok[1].text,
			  tok[0].text);
	i = find_section_def(tok[0].text, current_kind(p), &known);
	if (i < 0 || p->depth == ARRAY_SIZE(p->stack))
		return reject_section(p, tok[0].text, known);
	if (p->depth == 0) {
		sec = p->cfg->top[section_defs[i].kind];
		if (!sec->file) {
			sec->file = p->file;
			sec->line = p->line;
		}
	} else {
		sec = cfg_section_new(section_defs[i].kind, p->file, p->line);
		if (!sec || cfg_section_add_child(current(p), sec) < 0) {
			cfg_section_free(sec);
			return -ENOMEM;
		}
	}
	p->open_line[p->depth] = p->line;
	memset(p->failed_keys[p->depth], 0, sizeof(p->failed_keys[p->depth]));
	p->stack[p->depth++] = sec;
	return 0;
}

/* The keywords a subsection cannot do without, checked when it closes.
 * A keyword whose value was rejected has had its error already. */
static void check_complete(struct cfg_parser *p, const struct mp_section *sec, const uint64_t *failed)
{
	static const struct {
		enum cfg_section_kind kind;
		enum mp_key key;
	} required[] = {
		{ CFG_SEC_DEVICE, MP_KEY_VENDOR },
		{ CFG_SEC_DEVICE, MP_KEY_PRODUCT },
		{ CFG_SEC_MULTIPATH, MP_KEY_WWID },
		{ CFG_SEC_PROTOCOL, MP_KEY_PROTOCOL_TYPE },
	};
	bool any_failed = false;

	for (size_t i = 0; i < CFG_KEY_MASK_WORDS; i++)
		any_failed |= failed[i] != 0;
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (sec->kind == required[i].kind && !cfg_section_find(sec, required[i].key) &&
		    !(failed[required[i].key / 64] & (UINT64_C(1) << (required[i].key % 64))))
			cfg_error(p, "%s section has no %s", cfg_section_name(sec->kind),
				  mp_key_name(required[i].key));
	if (sec->kind == CFG_SEC_BL_DEVICE && !cfg_section_find(sec, MP_KEY_BL_VENDOR) &&
	    !cfg_section_find(sec, MP_KEY_BL_PRODUCT) && !any_failed)
		cfg_error(p, "device section has neither vendor nor product");
}

static int close_section(struct cfg_parser *p)
{
	unsigned line = p->line;

	if (p->depth == 0)
		return cfg_error(p, "unbalanced braces: '}' without an open section");
	p->depth--;
	p->line = p->open_line[p->depth];
	check_complete(p, p->stack[p->depth], p->failed_keys[p->depth]);
	p->line = line;
	return 0;
}

static int handle_brace(struct cfg_parser *p, const struct cfg_token *words, size_t n_words,
			enum cfg_token_kind brace)
{
	int r = 0;

	if (p->skip_depth) {
		p->skip_depth += brace == CFG_TOK_OPEN ? 1 : -1;
		return 0;
	}
	if (brace == CFG_TOK_OPEN)
		return open_section(p, words, n_words);
	if (n_words)
		r = statement(p, words, n_words);
	if (r == -ENOMEM)
		return r;
	return close_section(p);
}

/* A section name alone on its line that no '{' followed. */
static void report_pending(struct cfg_parser *p)
{
	unsigned line = p->line;

	if (!p->pending_section)
		return;
	p->line = p->pending_line;
	cfg_error(p, "section %s needs '{'", p->pending_section);
	p->line = line;
	p->pending_section = NULL;
}

/* A statement ends at '{', '}' or the end of the line, so "blacklist { }"
 * and "device { vendor X }" both work on one line. */
static int process_line(struct cfg_parser *p, const struct cfg_line *line)
{
	size_t start = 0;
	int r = 0;

	if (line->tok[0].kind != CFG_TOK_OPEN)
		report_pending(p);
	p->line = line->lineno;
	for (size_t i = 0; i < line->n && r != -ENOMEM; i++) {
		if (line->tok[i].kind == CFG_TOK_WORD)
			continue;
		r = handle_brace(p, line->tok + start, i - start, line->tok[i].kind);
		p->pending_section = NULL;
		start = i + 1;
	}
	if (r != -ENOMEM && !p->skip_depth && start < line->n) {
		p->pending_section = NULL;
		r = statement(p, line->tok + start, line->n - start);
	}
	return r == -ENOMEM || p->oom ? -ENOMEM : 0;
}

static void check_end_of_file(struct cfg_parser *p)
{
	report_pending(p);
	if (p->skip_depth)
		cfg_error(p, "unbalanced braces: end of file inside an ignored section");
	while (p->depth > 0) {
		p->depth--;
		p->line = p->open_line[p->depth];
		cfg_error(p, "unbalanced braces: section %s is not closed",
			  cfg_section_name(p->stack[p->depth]->kind));
	}
}

int cfg_parse_text(struct cfg_parser *p, const char *text, size_t len)
{
	struct cfg_lexer lx;
	struct cfg_line line = { 0 };
	const char *error = NULL;
	int r;

	p->depth = p->skip_depth = 0;
	p->pending_section = NULL;
	cfg_lexer_init(&lx, text, len);
	while ((r = cfg_lexer_next(&lx, &line, &error)) != 0) {
		if (r == -EINVAL) {
			p->line = line.lineno;
			cfg_error(p, "%s", error);
		} else if (r < 0 || process_line(p, &line) < 0) {
			r = -ENOMEM;
			break;
		}
	}
	if (r == 0) {
		p->line = lx.lineno;
		check_end_of_file(p);
		r = p->oom ? -ENOMEM : 0;
	}
	cfg_line_clear(&line);
	free(line.tok);
	return r;
}
