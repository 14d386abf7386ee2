/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the config unit tests and the golden tests; each fails the running cmocka test on a mismatch. */
#pragma once

#include "config.h"
#include "strbuf.h"

/* All messages of @d, one "file:line: severity: text" line each. */
char *diag_text(const struct mp_config_diag *d);

/* Parse @text as "multipath.conf", which must load without any message. */
struct mp_config *parse_clean(const char *text, unsigned flags);

/* Parse @text without the built-in table and return all messages;
 * @expect_r is the expected return value. */
char *parse_messages(const char *text, int expect_r);

char *print_config(const struct mp_config *cfg, unsigned flags);

/* @key is set to @text with @origin, e.g. "(multipath.conf:3)". */
void assert_setting(const struct mp_map_settings *s, enum mp_key key, const char *text,
		    const char *origin);

void resolve(const struct mp_config *cfg, const struct mp_path_ident *id,
	     struct mp_map_settings *s);

void write_file(const char *path, const char *text);

/* @a and @b agree on every value, daemon-wide keys included, and
 * mp_map_settings_equal() and mp_map_settings_diff() say so too. */
void assert_settings_same(const struct mp_map_settings *a, const struct mp_map_settings *b,
			  const char *what);

/* print -> parse -> print gives the same text, and the daemon-wide settings
 * survive; @parse_flags must be those @cfg was loaded with. Returns the
 * re-parsed config. */
struct mp_config *round_trip(const struct mp_config *cfg, unsigned flags, unsigned parse_flags);

void assert_round_trip(const struct mp_config *cfg, unsigned flags, unsigned parse_flags);
