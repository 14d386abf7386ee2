/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the selector loader, registry, state files and layout builders, on the built plugins. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <dirent.h>
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "dmtable.h"
#include "log.h"
#include "selector_layout.h"
#include "selector_load.h"
#include "util.h"

static char logged[8192];

static void capture_log(enum mp_log_level level, const char *file, int line, const char *func,
			const char *msg, void *userdata)
{
	size_t len = strlen(logged);

	snprintf(logged + len, sizeof(logged) - len, "%s\n", msg);
}

static int setup(void **state)
{
	logged[0] = '\0';
	mp_log_set_hook(capture_log, NULL);
	return 0;
}

static int teardown(void **state)
{
	mp_log_set_hook(NULL, NULL);
	return 0;
}

static void expect_logged(const char *text)
{
	if (!strstr(logged, text))
		fail_msg("log \"%s\" lacks \"%s\"", logged, text);
}

static void test_load_good(void **state)
{
	const char *names[] = { "round-robin", "failover-priority", "example" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct mp_selector *s = NULL;

		assert_int_equal(mp_selector_load(TEST_SELECTOR_DIR, names[i], &s), 0);
		assert_string_equal(s->name, names[i]);
		assert_string_equal(s->ops->name, names[i]);
		assert_int_equal(s->ops->abi_version, MPATH_SELECTOR_ABI_VERSION);
		assert_non_null(s->ops->description);
		assert_non_null(s->path);
		assert_false(s->initialized);
		assert_string_equal(s->host.plugin_name, names[i]);
		/* only "mpath_selector" is exported: the shared helpers stay inside */
		assert_null(dlsym(s->handle, "sel_sort_paths"));
		assert_null(dlsym(s->handle, "fp_state_parse"));
		mp_selector_unload(s);
	}
	assert_string_equal(logged, "");
}

static void test_load_missing(void **state)
{
	struct mp_selector *s = NULL;

	assert_int_equal(mp_selector_load(TEST_SELECTOR_DIR, "no-such-plugin", &s), -ENOENT);
	assert_null(s);
	expect_logged("selector plugin \"no-such-plugin\" not found: " TEST_SELECTOR_DIR "/no-such-plugin.so does not exist");
}

static void test_load_bad_names(void **state)
{
	struct mp_selector *s = NULL;

	assert_int_equal(mp_selector_load(TEST_SELECTOR_DIR, "../selectors/round-robin", &s), -EINVAL);
	assert_int_equal(mp_selector_load(TEST_SELECTOR_DIR, "", &s), -EINVAL);
	assert_int_equal(mp_selector_load(TEST_SELECTOR_DIR, ".hidden", &s), -EINVAL);
	expect_logged("invalid selector plugin name");
}

static void test_load_bad_abi(void **state)
{
	struct mp_selector *s = NULL;

	assert_int_equal(mp_selector_load(TEST_BUILDDIR, "bad-abi", &s), -EPROTO);
	expect_logged("bad-abi.so: built for selector ABI version 42, this mpathd speaks version 1");
}

static void test_load_no_symbol(void **state)
{
	struct mp_selector *s = NULL;

	assert_int_equal(mp_selector_load(TEST_BUILDDIR, "no-symbol", &s), -ENOEXEC);
	expect_logged("no-symbol.so: not a selector plugin: it exports no symbol \"mpath_selector\"");
}

static void test_load_wrong_name(void **state)
{
	struct mp_selector *s = NULL;

	assert_int_equal(mp_selector_load(TEST_BUILDDIR, "wrong-name", &s), -ENOEXEC);
	expect_logged("calls itself \"round-robin\", expected \"wrong-name\"");
}

static void test_load_incomplete(void **state)
{
	struct mp_selector *s = NULL;

	assert_int_equal(mp_selector_load(TEST_BUILDDIR, "no-build-layout", &s), -ENOEXEC);
	expect_logged("has no build_layout callback");
}

/* A plugin that calls into the daemon's library does not load at all (RTLD_NOW). */
static void test_load_undefined_symbol(void **state)
{
	struct mp_selector *s = NULL;

	assert_int_equal(mp_selector_load(TEST_BUILDDIR, "undefined-symbol", &s), -ENOEXEC);
	expect_logged("cannot load:");
	expect_logged("mp_log_internal");
}

static void test_load_not_elf(void **state)
{
	char dir[] = "/tmp/mpath-sel-XXXXXX", path[64];
	struct mp_selector *s = NULL;
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/text.so", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("not a shared object\n", fp);
	fclose(fp);
	assert_int_equal(mp_selector_load(dir, "text", &s), -ENOEXEC);
	expect_logged("text.so: cannot load:");
	unlink(path);
	rmdir(dir);
}

/* ---- the registry ---- */

static unsigned inits, finis;

static int counting_init(const struct mpath_sel_host *host)
{
	inits++;
	return 0;
}

static void counting_fini(const struct mpath_sel_host *host)
{
	finis++;
}

static int empty_layout(const struct mpath_sel_map *map, struct mpath_sel_layout *l)
{
	return map->host->layout_add_multipath(l, NULL) < 0 ? -EINVAL : 0;
}

static const struct mpath_selector_ops counting_ops = {
	.abi_version = MPATH_SELECTOR_ABI_VERSION,
	.name = "counting",
	.init = counting_init,
	.fini = counting_fini,
	.build_layout = empty_layout,
};

static void test_registry_loads_once(void **state)
{
	struct mp_selector_registry *r = NULL;
	struct mp_selector *a = NULL, *b = NULL;

	inits = finis = 0;
	assert_int_equal(mp_selector_registry_new(TEST_SELECTOR_DIR, "/nonexistent", NULL, &r), 0);
	assert_int_equal(mp_selector_registry_add_builtin(r, &counting_ops), 0);
	assert_int_equal(mp_selector_registry_add_builtin(r, &counting_ops), -EEXIST);
	assert_int_equal(inits, 1);
	assert_int_equal(mp_selector_registry_get(r, "counting", &a), 0);
	assert_int_equal(mp_selector_registry_get(r, "counting", &b), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(inits, 1);

	assert_int_equal(mp_selector_registry_get(r, "round-robin", &a), 0);
	assert_int_equal(mp_selector_registry_get(r, "round-robin", &b), 0);
	assert_ptr_equal(a, b);
	assert_true(a->initialized);
	assert_int_equal(mp_selector_registry_count(r), 2);
	assert_ptr_equal(mp_selector_registry_nth(r, 1), a);
	assert_null(mp_selector_registry_nth(r, 2));

	/* failures are not cached, and leave the registry as it was */
	assert_int_equal(mp_selector_registry_get(r, "nope", &a), -ENOENT);
	assert_int_equal(mp_selector_registry_count(r), 2);

	mp_selector_registry_free(r);
	assert_int_equal(finis, 1);
}

static void test_registry_verbs(void **state)
{
	struct mp_selector_registry *r = NULL;
	const struct mpath_sel_verb *v = NULL;
	struct mp_selector *s = NULL;
	char *list[] = { "failover", "list", "mpatha" };
	char *state_cmd[] = { "failover", "set-state", "sdb", "down" };
	char *partial[] = { "failover" };
	char *other[] = { "failover", "lis" };

	assert_int_equal(mp_selector_registry_new(TEST_SELECTOR_DIR, "/nonexistent", NULL, &r), 0);
	assert_int_equal(mp_selector_registry_find_verb(r, list, 3, &s, &v), -ENOENT);
	assert_int_equal(mp_selector_registry_get(r, "round-robin", &s), 0);
	assert_int_equal(mp_selector_registry_get(r, "failover-priority", &s), 0);
	assert_int_equal(mp_selector_registry_find_verb(r, list, 3, &s, &v), 2);
	assert_string_equal(v->name, "failover list");
	assert_true(v->read_only);
	assert_string_equal(s->name, "failover-priority");
	assert_int_equal(mp_selector_registry_find_verb(r, state_cmd, 4, &s, &v), 2);
	assert_string_equal(v->name, "failover set-state");
	assert_false(v->read_only);
	assert_int_equal(mp_selector_registry_find_verb(r, partial, 1, &s, &v), -ENOENT);
	assert_int_equal(mp_selector_registry_find_verb(r, other, 2, &s, &v), -ENOENT);
	mp_selector_registry_free(r);
}

/* ---- state files ---- */

static void test_state_path(void **state)
{
	char *p = NULL;

	assert_int_equal(mp_selector_state_path("/var/lib/mpathd", "failover-priority",
						 "3600a0b8000000000", &p), 0);
	assert_string_equal(p, "/var/lib/mpathd/selectors/failover-priority/3600a0b8000000000");
	free(p);
	assert_int_equal(mp_selector_state_path("/s", "x", "SATA WDC/1:2.3", &p), 0);
	assert_string_equal(p, "/s/selectors/x/SATA%20WDC%2F1:2.3");
	free(p);
	assert_int_equal(mp_selector_state_path("/s", "x", "..", &p), 0);
	assert_string_equal(p, "/s/selectors/x/%2E.");
	free(p);
	assert_int_equal(mp_selector_state_path("/s", "x", "", &p), -EINVAL);
}

static void test_state_files(void **state)
{
	char dir[] = "/tmp/mpath-sel-XXXXXX", path[256];
	struct mp_selector_registry *r = NULL;
	struct mp_selector *s = NULL;
	const struct mpath_sel_host *h;
	char *text = NULL;
	struct stat st;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(mp_selector_registry_new(TEST_SELECTOR_DIR, dir, NULL, &r), 0);
	assert_int_equal(mp_selector_registry_get(r, "example", &s), 0);
	h = &s->host;
	assert_int_equal(h->state_load(h, "36001", &text), -ENOENT);
	assert_int_equal(h->state_save(h, "36001", "one\n", 4), 0);
	snprintf(path, sizeof(path), "%s/selectors/example/36001", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(h->state_load(h, "36001", &text), 0);
	assert_string_equal(text, "one\n");
	free(text);
	assert_int_equal(h->state_save(h, "36001", "two\n", 4), 0);
	assert_int_equal(h->state_load(h, "36001", &text), 0);
	assert_string_equal(text, "two\n");
	free(text);
	assert_int_equal(h->state_save(h, "36001", NULL, 0), 0);
	assert_int_equal(h->state_load(h, "36001", &text), -ENOENT);
	/* a file with a NUL inside is not ours */
	assert_int_equal(h->state_save(h, "36002", "a\0b\n", 4), 0);
	assert_int_equal(h->state_load(h, "36002", &text), -EBADMSG);
	assert_int_equal(h->state_save(h, "36002", NULL, 0), 0);
	mp_selector_registry_free(r);

	snprintf(path, sizeof(path), "%s/selectors/example", dir);
	assert_int_equal(rmdir(path), 0);
	snprintf(path, sizeof(path), "%s/selectors", dir);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* After a preload every plugin is loaded and every state file read: loads touch no file. */
static void test_state_preload(void **state)
{
	char dir[] = "/tmp/mpath-sel-XXXXXX", path[256];
	struct mp_selector_registry *r = NULL;
	struct mp_selector *s = NULL;
	const struct mpath_sel_host *h;
	char *text = NULL;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(mp_selector_registry_new(TEST_SELECTOR_DIR, dir, NULL, &r), 0);
	assert_int_equal(mp_selector_registry_get(r, "example", &s), 0);
	assert_int_equal(s->host.state_save(&s->host, "36001", "kept\n", 5), 0);
	mp_selector_registry_free(r);

	assert_int_equal(mp_selector_registry_new(TEST_SELECTOR_DIR, dir, NULL, &r), 0);
	assert_int_equal(mp_selector_registry_preload(r), 0);
	/* the plugin folder's plugins are loaded already */
	assert_true(mp_selector_registry_count(r) >= 2);
	assert_int_equal(mp_selector_registry_get(r, "example", &s), 0);
	h = &s->host;
	/* the file goes; the copy read at preload answers */
	snprintf(path, sizeof(path), "%s/selectors/example/36001", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(h->state_load(h, "36001", &text), 0);
	assert_string_equal(text, "kept\n");
	free(text);
	/* saves update the copy as well as the file */
	assert_int_equal(h->state_save(h, "36001", "new\n", 4), 0);
	assert_int_equal(h->state_load(h, "36001", &text), 0);
	assert_string_equal(text, "new\n");
	free(text);
	assert_int_equal(h->state_save(h, "36001", NULL, 0), 0);
	assert_int_equal(h->state_load(h, "36001", &text), -ENOENT);
	assert_int_equal(h->state_load(h, "36009", &text), -ENOENT);
	mp_selector_registry_free(r);

	snprintf(path, sizeof(path), "%s/selectors/example", dir);
	assert_int_equal(rmdir(path), 0);
	snprintf(path, sizeof(path), "%s/selectors", dir);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* ---- a loaded plugin end to end: view -> layout -> dm table ---- */

static int setting_rr(const struct mpath_sel_host *h, const struct mpath_sel_map *map,
		      const char *keyword, unsigned index, const char **ret_text)
{
	if (index == 0 && strcmp(keyword, "path_selector") == 0) {
		*ret_text = "round-robin 0";
		return 0;
	}
	return -ENOENT;
}

static void test_round_robin_table(void **state)
{
	struct mp_selector_registry *r = NULL;
	struct mpath_sel_layout *l = NULL;
	struct mp_selector *s = NULL;
	struct mp_table *t = NULL;
	struct mpath_sel_path paths[] = {
		{ .dev = "sdc", .devt = "8:32", .hctl = "3:0:0:1", .id = "hctl:3:0:0:1", .usable = true },
		{ .dev = "sdb", .devt = "8:16", .hctl = "2:0:0:1", .id = "hctl:2:0:0:1", .usable = true },
	};
	struct mpath_sel_map map = { .name = "mpatha", .wwid = "36001", .paths = paths, .nr_paths = 2 };
	char *text = NULL;

	assert_int_equal(mp_selector_registry_new(TEST_SELECTOR_DIR, "/nonexistent", setting_rr, &r), 0);
	assert_int_equal(mp_selector_registry_get(r, "round-robin", &s), 0);
	map.host = &s->host;
	assert_int_equal(mp_sel_layout_new(2, &l), 0);
	assert_int_equal(s->ops->build_layout(&map, l), 0);
	assert_int_equal(mp_sel_layout_check(l), 0);
	assert_int_equal(mp_table_new(&t), 0);
	assert_int_equal(mp_table_add_feature(t, "queue_if_no_path"), 0);
	assert_int_equal(mp_sel_layout_fill_table(l, 0, &map, t), 0);
	assert_int_equal(mp_table_format(t, &text), 0);
	assert_string_equal(text, "1 queue_if_no_path 0 1 1 round-robin 0 2 1 8:16 1 8:32 1");
	free(text);
	mp_table_free(t);
	mp_sel_layout_free(l);
	mp_selector_registry_free(r);
}

/* ---- the builders reject what the kernel (or the daemon) would ---- */

static void test_layout_builders(void **state)
{
	struct mpath_sel_host h;
	struct mpath_sel_layout *l = NULL;
	const char *one[] = { "1", NULL }, *two[] = { "1", "1", NULL }, *bad[] = { "a b", NULL };
	int dev, g;

	mp_sel_host_init(&h);
	assert_int_equal(h.abi_version, MPATH_SELECTOR_ABI_VERSION);
	assert_true(MPATH_SEL_HOST_HAS(&h, output_printf));
	assert_int_equal(mp_sel_layout_new(2, &l), 0);
	dev = h.layout_add_multipath(l, NULL);
	assert_int_equal(dev, 0);
	g = h.layout_add_group(l, dev, "round-robin", NULL, 1);
	assert_int_equal(g, 0);
	assert_int_equal(h.layout_add_path(l, dev, g, 0, one), 0);
	/* a group without paths cannot be loaded */
	assert_int_equal(h.layout_add_group(l, dev, "round-robin", NULL, 1), 1);
	assert_int_equal(mp_sel_layout_check(l), -EINVAL);
	assert_int_equal(h.layout_add_path(l, dev, 1, 1, one), 0);
	assert_int_equal(h.layout_set_initial_group(l, dev, 1), 0);
	assert_int_equal(mp_sel_layout_check(l), 0);
	assert_int_equal(l->devices[0].initial_group, 1);
	/* a second top device */
	assert_int_equal(h.layout_add_multipath(l, NULL), -EINVAL);
	assert_int_equal(mp_sel_layout_check(l), -EINVAL);
	mp_sel_layout_free(l);

	assert_int_equal(mp_sel_layout_new(2, &l), 0);
	dev = h.layout_add_multipath(l, NULL);
	g = h.layout_add_group(l, dev, "service-time", NULL, 2);
	assert_int_equal(h.layout_add_path(l, dev, g, 0, one), -EINVAL);	/* argument count */
	assert_int_equal(h.layout_add_path(l, dev, g, 0, two), -EINVAL);	/* the error sticks */
	mp_sel_layout_free(l);

	assert_int_equal(mp_sel_layout_new(2, &l), 0);
	dev = h.layout_add_multipath(l, NULL);
	g = h.layout_add_group(l, dev, "round-robin", NULL, 1);
	assert_int_equal(h.layout_add_path(l, dev, g, 2, one), -EINVAL);	/* path out of range */
	mp_sel_layout_free(l);

	assert_int_equal(mp_sel_layout_new(2, &l), 0);
	dev = h.layout_add_multipath(l, NULL);
	g = h.layout_add_group(l, dev, "round-robin", NULL, 1);
	assert_int_equal(h.layout_add_path(l, dev, g, 0, one), 0);
	assert_int_equal(h.layout_add_path(l, dev, g, 0, one), -EINVAL);	/* twice in a device */
	mp_sel_layout_free(l);

	assert_int_equal(mp_sel_layout_new(2, &l), 0);
	dev = h.layout_add_multipath(l, NULL);
	assert_int_equal(h.layout_add_group(l, dev, "round-robin", bad, 1), -EINVAL);
	mp_sel_layout_free(l);

	assert_int_equal(mp_sel_layout_new(2, &l), 0);
	assert_int_equal(h.layout_add_multipath(l, "bad suffix"), -EINVAL);
	mp_sel_layout_free(l);
}

/* The eql-slice shape: two member devices under a switch, and messages for both levels. */
static void test_layout_stack(void **state)
{
	struct mpath_sel_host h;
	struct mpath_sel_layout *l = NULL;
	struct mpath_sel_actions *a = NULL;
	const char *one[] = { "1", NULL };
	const char *lower_devs[] = { "253:1", "253:2" };
	uint32_t regions[] = { 0, 1, 1, 0 }, wrong[] = { 0, 2 };
	int lower[2], top;
	char *params = NULL;

	mp_sel_host_init(&h);
	assert_int_equal(mp_sel_layout_new(2, &l), 0);
	for (int i = 0; i < 2; i++) {
		const char *names[] = { "m0", "m1" };
		int g;

		lower[i] = h.layout_add_multipath(l, names[i]);
		assert_int_equal(lower[i], i);
		/* preferred group: the member's path; fallback: the other's */
		g = h.layout_add_group(l, lower[i], "round-robin", NULL, 1);
		assert_int_equal(h.layout_add_path(l, lower[i], g, i, one), 0);
		g = h.layout_add_group(l, lower[i], "round-robin", NULL, 1);
		assert_int_equal(h.layout_add_path(l, lower[i], g, 1 - i, one), 0);
	}
	assert_int_equal(h.layout_add_multipath(l, "m0"), -EINVAL);	/* suffix taken */
	mp_sel_layout_free(l);

	assert_int_equal(mp_sel_layout_new(2, &l), 0);
	for (int i = 0; i < 2; i++) {
		int g;

		lower[i] = h.layout_add_multipath(l, i ? "m1" : "m0");
		g = h.layout_add_group(l, lower[i], "round-robin", NULL, 1);
		h.layout_add_path(l, lower[i], g, i, one);
	}
	top = h.layout_add_switch(l, NULL, 30720, lower, 2);
	assert_int_equal(top, 2);
	assert_int_equal(mp_sel_layout_check(l), -EINVAL);		/* no region map yet */
	assert_int_equal(h.layout_set_regions(l, top, regions, 4), 0);
	assert_int_equal(mp_sel_layout_check(l), 2);
	assert_int_equal(mp_sel_layout_switch_params(l, top, lower_devs, &params), 0);
	assert_string_equal(params, "2 30720 0 253:1 0 253:2 0");
	free(params);
	assert_int_equal(mp_sel_layout_fill_table(l, top, NULL, NULL), -EINVAL);
	assert_int_equal(h.layout_set_regions(l, top, wrong, 2), -EINVAL);
	mp_sel_layout_free(l);

	assert_int_equal(mp_sel_actions_new(&a), 0);
	assert_int_equal(h.action_message(a, NULL, "set_region_mappings 0:1 1:0"), 0);
	assert_int_equal(h.action_message(a, "m1", "switch_group 2"), 0);
	assert_int_equal(h.action_reload(a), 0);
	assert_int_equal(a->nr_messages, 2);
	assert_null(a->messages[0].suffix);
	assert_string_equal(a->messages[1].suffix, "m1");
	assert_string_equal(a->messages[1].text, "switch_group 2");
	assert_true(a->reload);
	assert_int_equal(h.action_message(a, NULL, "two\nlines"), -EINVAL);
	mp_sel_actions_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_abi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_no_symbol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_wrong_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_incomplete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_undefined_symbol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_not_elf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry_loads_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry_verbs, setup, teardown),
		cmocka_unit_test(test_state_path),
		cmocka_unit_test_setup_teardown(test_state_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_preload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_robin_table, setup, teardown),
		cmocka_unit_test(test_layout_builders),
		cmocka_unit_test(test_layout_stack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
