/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Types shared by the config parser, keyword table, resolver and printer; not a public API. */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* struct cfg_parser's failed_keys: one bit per key */
#define CFG_KEY_MASK_WORDS (((size_t)MP_KEY_COUNT + 63) / 64)

/* Section kinds. The first ones are the top-level singletons. */
enum cfg_section_kind {
	CFG_SEC_DEFAULTS,
	CFG_SEC_BLACKLIST,
	CFG_SEC_BLACKLIST_EXCEPTIONS,
	CFG_SEC_DEVICES,
	CFG_SEC_MULTIPATHS,
	CFG_SEC_OVERRIDES,
	CFG_SEC_ISCSI,
	CFG_SEC_TOP_COUNT,
	CFG_SEC_DEVICE = CFG_SEC_TOP_COUNT,	/* devices { device } */
	CFG_SEC_MULTIPATH,			/* multipaths { multipath } */
	CFG_SEC_PROTOCOL,			/* overrides { protocol } */
	CFG_SEC_BL_DEVICE,			/* blacklist[_exceptions] { device } */
	CFG_SEC_KIND_COUNT,
	CFG_SEC_NONE = CFG_SEC_KIND_COUNT,	/* top level, outside any section */
};

#define SEC(k) (1u << (k))
#define SEC_MAP (SEC(CFG_SEC_DEFAULTS) | SEC(CFG_SEC_DEVICE) | SEC(CFG_SEC_MULTIPATH) | \
		 SEC(CFG_SEC_OVERRIDES))
#define SEC_PATH (SEC(CFG_SEC_DEFAULTS) | SEC(CFG_SEC_DEVICE) | SEC(CFG_SEC_OVERRIDES))
#define SEC_BL (SEC(CFG_SEC_BLACKLIST) | SEC(CFG_SEC_BLACKLIST_EXCEPTIONS))

struct cfg_parser;
struct mp_item;

/* A word a keyword accepts and the number it stands for; the first word of a
 * number is the one printed. */
struct cfg_word {
	const char *name;
	long long value;
};

enum cfg_keyword_flags {
	CFG_KW_REPEAT = 1 << 0,		/* may appear many times; every value is kept */
	CFG_KW_QUOTE = 1 << 1,		/* printed in double quotes */
	CFG_KW_JOIN = 1 << 2,		/* unquoted words are joined with single spaces */
	CFG_KW_SETTING = 1 << 3,	/* resolved into struct mp_map_settings */
	CFG_KW_SPLIT = 1 << 4,		/* each word on the line is its own value */
};

/**
 * struct cfg_keyword - one entry of the keyword table.
 * @name: the keyword.
 * @key: where the value goes; MP_KEY_COUNT for keywords that are not stored.
 * @sections: SEC() mask of the sections that allow it.
 * @flags: &enum cfg_keyword_flags.
 * @words: accepted words, NULL-terminated; NULL for none.
 * @min, @max: accepted numbers; min > max accepts none.
 * @parse: turns the text into @item; returns 0, 1 to drop the value
 *         (after a warning), or -EINVAL after reporting an error.
 * @fallback: compiled-in default, NULL for none.
 */
struct cfg_keyword {
	const char *name;
	enum mp_key key;
	unsigned sections;
	unsigned flags;
	const struct cfg_word *words;
	long long min, max;
	int (*parse)(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		     struct mp_item *item);
	const char *fallback;
};

/* One value read from a file (or from the built-in and compiled-in tables). */
struct mp_item {
	const struct cfg_keyword *kw;
	char *str;		/* the normalized text, as printed */
	long long num;
	regex_t *re;		/* for regex keywords */
	bool invert;		/* blacklist regex written as "!regex" */
	const char *file;	/* owned by the config; NULL when compiled in */
	unsigned line;
	char *desc;		/* blacklist criteria: the reason text */
	struct mp_failover_prio fprio;
	struct mp_portal portal;
	struct mp_iscsi_exclude exclude;
};

struct mp_section {
	enum cfg_section_kind kind;
	const char *file;
	unsigned line;
	struct mp_item *items;
	size_t n_items;
	struct mp_section **children;
	size_t n_children;
	char *builtin_name;	/* "EQLOGIC 100E-00" for built-in hardware entries */
	char *desc;		/* blacklist device entries: the reason text */
	struct mp_failover_prio *fprio;
	size_t n_fprio;
};

struct mp_config {
	struct mp_section *top[CFG_SEC_TOP_COUNT];
	struct mp_section *compiled;		/* compiled-in defaults */
	struct mp_section *default_blacklist;	/* compiled-in blacklist */
	struct mp_section *builtin;		/* the built-in hardware table */
	char **files;
	size_t n_files;
	struct mp_iscsi_settings iscsi;		/* lists below, built by cfg_finalize() */
	const char **iscsi_nics;
	struct mp_portal *iscsi_discovery;
	struct mp_iscsi_exclude *iscsi_excludes;
	const char **iscsi_volumes;
};

/* The parse state of one file. */
struct cfg_parser {
	struct mp_config *cfg;
	struct mp_config_diag *diag;
	const char *file;		/* interned in cfg->files */
	unsigned line;
	bool main_file;
	bool oom;
	struct mp_section *stack[2];	/* open sections: top level, then subsection */
	unsigned open_line[2];
	uint64_t failed_keys[2][CFG_KEY_MASK_WORDS];	/* keys with invalid values, per open section */
	unsigned depth;
	unsigned skip_depth;		/* > 0 while inside an ignored block */
	const char *pending_section;	/* "name" alone on the previous line */
	unsigned pending_line;		/* ... and that line */
};

/* ---- lexer (config_lex.c) ---- */

enum cfg_token_kind { CFG_TOK_WORD, CFG_TOK_OPEN, CFG_TOK_CLOSE };

struct cfg_token {
	enum cfg_token_kind kind;
	bool quoted;
	char *text;
};

struct cfg_line {
	struct cfg_token *tok;
	size_t n;
	size_t cap;
	unsigned lineno;
};

struct cfg_lexer {
	const char *p;
	const char *end;
	unsigned lineno;
};

void cfg_lexer_init(struct cfg_lexer *lx, const char *text, size_t len);
int cfg_lexer_next(struct cfg_lexer *lx, struct cfg_line *line, const char **error);
void cfg_line_clear(struct cfg_line *line);

/* ---- diagnostics (config_diag.c) ---- */

int cfg_diag_add(struct mp_config_diag *diag, enum mp_diag_severity sev, const char *file,
		 unsigned line, const char *text);
int cfg_error(struct cfg_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cfg_warn(struct cfg_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cfg_diag_log(const struct mp_config_diag *diag);

/* ---- keyword table (config_keywords.c) ---- */

const struct cfg_keyword *cfg_keyword_find(const char *name, enum cfg_section_kind sec,
					   bool *known_elsewhere);
const struct cfg_keyword *cfg_keyword_by_key(enum mp_key key);
/* A note on how mpathd falls short of a keyword multipath-tools documents, or NULL. */
const char *cfg_keyword_limit(enum mp_key key);
bool cfg_keyword_is_foreign(const char *name);
const char *cfg_section_name(enum cfg_section_kind kind);
int cfg_parse_value(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		    struct mp_item *item);
void cfg_item_release(struct mp_item *item);

/* generic handlers, also used by config_validate.c */
int cfg_parse_wordint(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		      struct mp_item *item);
int cfg_parse_string(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		     struct mp_item *item);
int cfg_parse_regex(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		    struct mp_item *item);

/* ---- value checks (config_validate.c) ---- */

int cfg_parse_path_selector(struct cfg_parser *p, const struct cfg_keyword *kw,
			    const char *text, struct mp_item *item);
int cfg_parse_features(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		       struct mp_item *item);
int cfg_parse_hwhandler(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
			struct mp_item *item);
int cfg_parse_prio(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		   struct mp_item *item);
int cfg_parse_checker(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		      struct mp_item *item);
int cfg_parse_identifier(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
			 struct mp_item *item);
int cfg_parse_token(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		    struct mp_item *item);
int cfg_parse_abspath(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		      struct mp_item *item);
int cfg_parse_ifname(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		     struct mp_item *item);
int cfg_parse_portal(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		     struct mp_item *item);
int cfg_parse_exclude(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
		      struct mp_item *item);
int cfg_parse_target_name(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
			  struct mp_item *item);
int cfg_parse_failover_prio(struct cfg_parser *p, const struct cfg_keyword *kw,
			    const char *text, struct mp_item *item);
int cfg_parse_deprecated(struct cfg_parser *p, const struct cfg_keyword *kw, const char *text,
			 struct mp_item *item);
bool cfg_ifname_valid(const char *name);
bool cfg_regex_too_complex(const char *pattern);

/* ---- sections and parsing (config_parse.c) ---- */

struct mp_section *cfg_section_new(enum cfg_section_kind kind, const char *file, unsigned line);
void cfg_section_free(struct mp_section *sec);
int cfg_section_add_child(struct mp_section *parent, struct mp_section *child);
const struct mp_item *cfg_section_find(const struct mp_section *sec, enum mp_key key);
int cfg_parse_text(struct cfg_parser *p, const char *text, size_t len);
int cfg_apply(struct cfg_parser *p, struct mp_section *sec, const char *name, const char *value);

/* ---- loading (config_load.c) ---- */

int cfg_finalize(struct cfg_parser *p);

/* ---- built-in hardware table (hwtable.c) ---- */

int cfg_hwtable_load(struct cfg_parser *p, struct mp_section *container);

/* ---- helpers shared by resolver and printer ---- */

bool cfg_regex_match(const struct mp_item *item, const char *value);
bool cfg_device_matches(const struct mp_section *dev, const char *vendor, const char *product,
			const char *revision);
void cfg_origin_format(const struct mp_section *sec, const struct mp_item *item, char *buf,
		       size_t size);
