/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the config unit tests and the golden tests: parse, print, resolve, round trip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config-test-util.h"
#include "util.h"

char *diag_text(const struct mp_config_diag *d)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(mp_config_diag_format(d, &sb), 0);
	return strbuf_steal(&sb);
}

/* A warning that a keyword is accepted but not acted on (config_keywords.c's limits). */
static bool is_limit_note(const struct mp_diag_msg *m)
{
	return m->severity == MP_DIAG_WARNING &&
	       (strstr(m->text, ": not implemented:") || strstr(m->text, ": applies to bio-based"));
}

/* Parse @text, which must load without any message (notes on unimplemented keywords aside). */
struct mp_config *parse_clean(const char *text, unsigned flags)
{
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	struct mp_config *cfg = NULL;
	int r = mp_config_parse_string(text, strlen(text), "multipath.conf", flags, &cfg, &d);
	size_t other = 0;

	for (size_t i = 0; i < d.n_msgs; i++)
		other += !is_limit_note(&d.msgs[i]);
	if (other) {
		_cleanup_free_ char *t = diag_text(&d);
		print_error("unexpected messages:\n%s", t);
	}
	assert_int_equal(r, 0);
	assert_int_equal(other, 0);
	assert_non_null(cfg);
	mp_config_diag_clear(&d);
	return cfg;
}

/* Parse @text and return all messages; @expect_r is the expected return. */
char *parse_messages(const char *text, int expect_r)
{
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	struct mp_config *cfg = (struct mp_config *)0x1;
	int r = mp_config_parse_string(text, strlen(text), "multipath.conf", MP_CONFIG_NO_BUILTIN,
				       &cfg, &d);
	char *t = diag_text(&d);

	assert_int_equal(r, expect_r);
	if (r < 0)
		assert_ptr_equal(cfg, (struct mp_config *)0x1);	/* ret untouched */
	else
		mp_config_free(cfg);
	mp_config_diag_clear(&d);
	return t;
}

char *print_config(const struct mp_config *cfg, unsigned flags)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(mp_config_print(cfg, flags, &sb), 0);
	return strbuf_steal(&sb);
}

void assert_setting(const struct mp_map_settings *s, enum mp_key key, const char *text,
			   const char *origin)
{
	const struct mp_setting *set = &s->key[key];

	if (!set->set)
		fail_msg("%s is not set", mp_key_name(key));
	assert_string_equal(set->text, text);
	assert_string_equal(set->origin, origin);
}

void resolve(const struct mp_config *cfg, const struct mp_path_ident *id,
		    struct mp_map_settings *s)
{
	assert_int_equal(mp_config_resolve(cfg, id, s), 0);
}

void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Two resolved settings must agree on every value, daemon-wide keys included
 * (mp_map_settings_equal() leaves those out), and the diff must be empty. */
void assert_settings_same(const struct mp_map_settings *a, const struct mp_map_settings *b,
				 const char *what)
{
	_cleanup_strbuf_ struct strbuf diff = STRBUF_INIT;
	int n = mp_map_settings_diff(a, b, &diff);

	if (!mp_map_settings_equal(a, b) || n != 0)
		fail_msg("%s: settings differ:\n%s", what, strbuf_str(&diff));
	for (enum mp_key key = 0; key < MP_KEY_COUNT; key++) {
		const struct mp_setting *x = &a->key[key], *y = &b->key[key];

		if (x->set != y->set || (x->set && (x->num != y->num || !streq(x->text, y->text))))
			fail_msg("%s: %s differs: %s -> %s", what, mp_key_name(key),
				 x->set ? x->text : "(unset)", y->set ? y->text : "(unset)");
	}
}

/* print -> parse -> print must give the same text; @parse_flags must be
 * those @cfg was loaded with. Returns the re-parsed config. */
struct mp_config *round_trip(const struct mp_config *cfg, unsigned flags,
				    unsigned parse_flags)
{
	_cleanup_free_ char *first = print_config(cfg, flags);
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	struct mp_config *again = NULL;
	_cleanup_free_ char *second = NULL;
	struct mp_map_settings s1, s2;
	int r = mp_config_parse_string(first, strlen(first), "printed.conf", parse_flags, &again,
				       &d);

	if (r < 0) {
		_cleanup_free_ char *t = diag_text(&d);
		fail_msg("printed config does not parse:\n%s\n%s", first, t);
	}
	second = print_config(again, flags);
	assert_string_equal(first, second);
	/* at least the daemon-wide values must survive */
	resolve(cfg, &(struct mp_path_ident) { 0 }, &s1);
	resolve(again, &(struct mp_path_ident) { 0 }, &s2);
	assert_settings_same(&s1, &s2, "round trip, no identity");
	mp_config_diag_clear(&d);
	return again;
}

void assert_round_trip(const struct mp_config *cfg, unsigned flags, unsigned parse_flags)
{
	mp_config_free(round_trip(cfg, flags, parse_flags));
}
