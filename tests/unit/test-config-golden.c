/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Golden tests of the config parser: each tests/unit/config/NAME.conf must give NAME.ok and survive a print round trip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config-test-util.h"
#include "util.h"

#ifndef TEST_SRCDIR
#error "TEST_SRCDIR must point at tests/unit"
#endif

/* ---- golden files: tests/unit/config/NAME.conf -> NAME.ok ----
 *
 * The output is the diagnostics, then (if the file loads) the printed config,
 * then one block per "#@ resolve" or "#@ blacklist" line of the input. Set
 * MPATH_UPDATE_GOLDEN=1 to rewrite the .ok files after a deliberate change.
 */

#define GOLDEN_DIR TEST_SRCDIR "/config"

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(strbuf_append(&sb, buf, n), 0);
	fclose(f);
	return strbuf_steal(&sb);
}

/* "#@ resolve vendor=X|product=Universal Xport|wwid=..." */
static void directive_fields(char *spec, struct mp_path_ident *id, const char **props)
{
	char *save = NULL;

	for (char *f = strtok_r(spec, "|", &save); f; f = strtok_r(NULL, "|", &save)) {
		char *v = strchr(f, '=');

		assert_non_null(v);
		*v++ = '\0';
		if (streq(f, "wwid")) id->wwid = v;
		else if (streq(f, "vendor")) id->vendor = v;
		else if (streq(f, "product")) id->product = v;
		else if (streq(f, "revision")) id->revision = v;
		else if (streq(f, "protocol")) id->protocol = v;
		else if (streq(f, "devnode")) props[0] = v;
		else if (streq(f, "property")) props[1] = v;
		else fail_msg("unknown directive field %s", f);
	}
}

static void golden_resolve(const struct mp_config *cfg, char *spec, struct strbuf *out)
{
	struct mp_path_ident id = { 0 };
	const char *props[2] = { NULL, NULL };
	struct mp_map_settings s;
	_cleanup_strbuf_ struct strbuf all = STRBUF_INIT;
	char *save = NULL;

	directive_fields(spec, &id, props);
	resolve(cfg, &id, &s);
	assert_int_equal(mp_map_settings_print(&s, &all), 0);
	/* compiled-in values depend on build options; keep what the config decided */
	for (char *l = strtok_r(all.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (!strstr(l, "(default)"))
			strbuf_printf(out, "  %s\n", l);
}

/* The blacklist query of a "#@ blacklist" spec; @plist holds the properties. */
static void golden_query(char *spec, struct mp_blacklist_query *q, const char **plist, size_t max)
{
	struct mp_path_ident id = { 0 };
	const char *props[2] = { NULL, NULL };
	char *save = NULL;
	size_t n = 0;

	directive_fields(spec, &id, props);
	for (char *p = props[1] ? strtok_r((char *)props[1], ",", &save) : NULL; p && n < max - 1;
	     p = strtok_r(NULL, ",", &save))
		plist[n++] = p;
	plist[n] = NULL;
	*q = (struct mp_blacklist_query) {
		.devnode = props[0], .wwid = id.wwid, .vendor = id.vendor, .product = id.product,
		.protocol = id.protocol, .properties = props[1] ? plist : NULL,
	};
}

static void golden_blacklist(const struct mp_config *cfg, char *spec, struct strbuf *out)
{
	struct mp_blacklist_query q;
	const char *plist[16];
	const char *why = NULL;
	bool hit;

	golden_query(spec, &q, plist, ARRAY_SIZE(plist));
	hit = mp_config_blacklisted(cfg, &q, &why);
	strbuf_printf(out, "  %s\n", hit ? why : "not blacklisted");
}

static void golden_directives(const struct mp_config *cfg, const char *text, struct strbuf *out)
{
	_cleanup_free_ char *copy = strdup(text);
	char *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		_cleanup_free_ char *spec = NULL;

		if (strncmp(l, "#@ resolve ", 11) == 0) {
			strbuf_printf(out, "== resolve %s\n", l + 11);
			spec = strdup(l + 11);
			golden_resolve(cfg, spec, out);
		} else if (strncmp(l, "#@ blacklist ", 13) == 0) {
			strbuf_printf(out, "== blacklist %s\n", l + 13);
			spec = strdup(l + 13);
			golden_blacklist(cfg, spec, out);
		}
	}
}

/* The config printed with @flags must load to the same effective settings
 * and blacklist decisions for every directive of the golden file. */
static void golden_round_trip(const struct mp_config *cfg, unsigned flags, const char *text)
{
	_cleanup_config_ struct mp_config *again = round_trip(cfg, flags, 0);
	_cleanup_free_ char *copy = strdup(text);
	char *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		_cleanup_free_ char *spec = NULL;

		if (strncmp(l, "#@ resolve ", 11) == 0) {
			struct mp_path_ident id = { 0 };
			const char *props[2];
			struct mp_map_settings s1, s2;

			spec = strdup(l + 11);
			directive_fields(spec, &id, props);
			resolve(cfg, &id, &s1);
			resolve(again, &id, &s2);
			assert_settings_same(&s1, &s2, l);
		} else if (strncmp(l, "#@ blacklist ", 13) == 0) {
			struct mp_blacklist_query q;
			const char *plist[16];

			spec = strdup(l + 13);
			golden_query(spec, &q, plist, ARRAY_SIZE(plist));
			if (mp_config_blacklisted(cfg, &q, NULL) != mp_config_blacklisted(again, &q, NULL))
				fail_msg("%s: the printed config decides differently", l);
		}
	}
}

static char *golden_output(const char *name, const char *text)
{
	_cleanup_free_ char *dir = NULL;
	struct mp_config_diag d = MP_CONFIG_DIAG_INIT;
	_cleanup_config_ struct mp_config *cfg = NULL;
	struct strbuf out = STRBUF_INIT;
	struct stat st;
	int r;

	assert_true(asprintf(&dir, "%.*s.d", (int)(strlen(name) - 5), name) > 0);
	r = mp_config_load(name, stat(dir, &st) == 0 ? dir : NULL, 0, &cfg, &d);
	assert_int_equal(r == 0, d.n_errors == 0);
	assert_int_equal(mp_config_diag_format(&d, &out), 0);
	if (r == 0) {
		strbuf_puts(&out, "== config\n");
		assert_int_equal(mp_config_print(cfg, 0, &out), 0);
		golden_round_trip(cfg, 0, text);
		golden_round_trip(cfg, MP_PRINT_DEFAULTS, text);
		golden_round_trip(cfg, MP_PRINT_DEFAULTS | MP_PRINT_BUILTIN, text);
		golden_directives(cfg, text, &out);
	}
	mp_config_diag_clear(&d);
	return strbuf_steal(&out);
}

static void test_golden(void **state)
{
	const char *name = *state;
	_cleanup_free_ char *ok_name = NULL, *text = NULL, *want = NULL, *got = NULL;

	assert_int_equal(chdir(GOLDEN_DIR), 0);
	text = read_all(name);
	assert_non_null(text);
	got = golden_output(name, text);
	assert_true(asprintf(&ok_name, "%.*s.ok", (int)(strlen(name) - 5), name) > 0);
	if (getenv("MPATH_UPDATE_GOLDEN")) {
		write_file(ok_name, got);
		return;
	}
	want = read_all(ok_name);
	if (!want)
		fail_msg("%s is missing; run with MPATH_UPDATE_GOLDEN=1 and review it", ok_name);
	if (!streq(want, got))
		fail_msg("%s differs from %s; got:\n%s", name, ok_name, got);
}

static int golden_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && streq(d->d_name + n - 5, ".conf");
}

static int run_golden(void)
{
	struct dirent **list = NULL;
	int n = scandir(GOLDEN_DIR, &list, golden_filter, alphasort);
	struct CMUnitTest *tests;
	int failed;

	if (n < 8) {
		fprintf(stderr, "expected golden files in %s\n", GOLDEN_DIR);
		return 1;
	}
	tests = calloc(n, sizeof(*tests));
	assert_non_null(tests);
	for (int i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest) {
			.name = list[i]->d_name, .test_func = test_golden,
			.initial_state = list[i]->d_name,
		};
	failed = _cmocka_run_group_tests("golden", tests, n, NULL, NULL);
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	free(tests);
	return failed;
}

int main(void)
{
	return run_golden();
}
