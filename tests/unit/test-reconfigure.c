/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for configuration reloads (mpathd/reconfigure.c): which maps reload, the summary, refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../mpathd/clock.h"
#include "../../mpathd/daemon.h"
#include "../../mpathd/devio.h"
#include "../../mpathd/checker.h"
#include "../../mpathd/map.h"
#include "../../mpathd/path.h"
#include "../../mpathd/path_tmo.h"
#include "../../mpathd/reconfigure.h"
#include "../../mpathd/snapshot.h"
#include "../../mpathd/map_policy.h"
#include "../../mpathd/iscsi_manager.h"
#include "isess.h"
#include "../../mpathd/plugins.h"
#include "config.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"
#include "words.h"

/* ---- what reconfigure.c needs from the rest of the daemon ---- */

#define NR_MAPS 3

static struct {
	struct daemon d;
	struct mpmap maps[NR_MAPS];
	struct mpmap *map_list[NR_MAPS];
	char selector[NR_MAPS][32];
	unsigned reloads[NR_MAPS];
	unsigned settings_events[NR_MAPS];
	char conf[64];
} fx;

static size_t map_index(const struct mpmap *m)
{
	return (size_t)(m - fx.maps);
}

uint64_t now_usec(void)
{
	return 1;
}

void daemon_notify_status(struct daemon *d)
{
}

void daemon_publish_later(struct daemon *d)
{
}

/* the iSCSI session manager follows a reload; it has its own tests */
void iscsi_manager_reconfigure(struct daemon *d, struct isess_config *c)
{
}

int isess_config_new(const struct mp_config *cfg, struct isess_config **ret)
{
	*ret = NULL;
	return 0;
}

struct isess_config *isess_config_free(struct isess_config *c)
{
	return NULL;
}

int map_settings_resolve(const struct mp_config *cfg, const struct mpmap *m, struct mp_map_settings *ret)
{
	struct mp_path_ident id = { .wwid = m->wwid, .vendor = "ACME", .product = "vol",
				    .protocol = "scsi:iscsi" };

	return mp_config_resolve(cfg, &id, ret);
}

void map_settings_set(struct mpmap *m, const struct mp_map_settings *s)
{
	m->settings = *s;
}

void map_schedule_reload(struct daemon *d, struct mpmap *m)
{
	fx.reloads[map_index(m)]++;
}

/* The devio pool: requests wait here until the test runs them (as a worker, then the loop). */
static struct devio_req *devio_waiting[4];
static size_t devio_nr;

void devio_submit(struct daemon *d, struct devio_req *req)
{
	assert_true(devio_nr < 4);
	req->daemon = d;
	devio_waiting[devio_nr++] = req;
}

static void devio_run_one(void)
{
	struct devio_req *req;

	assert_true(devio_nr > 0);
	req = devio_waiting[0];
	memmove(devio_waiting, devio_waiting + 1, --devio_nr * sizeof(*devio_waiting));
	req->run(req);
	req->done(req);
}

const char *map_policy_name(const struct mpmap *m)
{
	return fx.selector[map_index(m)];
}

/* The glue's rule, in short: a configured selector, else round-robin for multibus. */
int map_policy_attach(struct daemon *d, struct mpmap *m)
{
	const struct mp_setting *sel = &m->settings.key[MP_KEY_SELECTOR];
	const struct mp_setting *pg = &m->settings.key[MP_KEY_PATH_GROUPING_POLICY];
	const char *name = "path-grouping";

	if (sel->set && sel->kind != MP_ORIGIN_COMPILED)
		name = sel->text;
	else if (pg->set && pg->num == MP_PGP_MULTIBUS)
		name = "round-robin";
	snprintf(fx.selector[map_index(m)], sizeof(fx.selector[0]), "%s", name);
	return 0;
}

int map_policy_map_event(struct mpmap *m, int event, struct mpath_sel_actions **ret)
{
	assert_int_equal(event, MPATH_SEL_MAP_SETTINGS_CHANGED);
	fx.settings_events[map_index(m)]++;
	*ret = NULL;
	return 0;
}

void map_apply_actions(struct daemon *d, struct mpmap *m, struct mpath_sel_actions *a)
{
	assert_null(a);
}

void path_apply_timeouts(struct daemon *d, struct path *p, const struct mp_map_settings *s)
{
	fail_msg("path_apply_timeouts() for a daemon without paths");
}

/* paths keep their checkers in these tests: the daemon has none */
void checker_config_changed(struct daemon *d, struct path *p)
{
	fail_msg("checker_config_changed() for a daemon without paths");
}

/* ---- fixture ---- */

static const char base_conf[] =
	"defaults {\n"
	"	polling_interval 5\n"
	"	no_path_retry 12\n"
	"}\n"
	"multipaths {\n"
	"	multipath {\n"
	"		wwid 36001405000000000000000000000000b\n"
	"		alias mpathb\n"
	"		no_path_retry 5\n"
	"	}\n"
	"}\n";

static void write_conf(const char *text)
{
	FILE *f = fopen(fx.conf, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void quiet_log(enum mp_log_level level, const char *file, int line, const char *func,
		      const char *msg, void *userdata)
{
}

static int setup(void **state)
{
	static const char *const names[NR_MAPS] = { "mpatha", "mpathb", "mpathc" };
	_cleanup_free_ char *diag = NULL;
	struct mp_config *cfg = NULL;
	int fd;

	memset(&fx, 0, sizeof(fx));
	mp_log_set_hook(quiet_log, NULL);
	snprintf(fx.conf, sizeof(fx.conf), "/tmp/test-reconfigure-XXXXXX");
	fd = mkstemp(fx.conf);
	assert_true(fd >= 0);
	close(fd);
	write_conf(base_conf);
	assert_int_equal(daemon_config_load(fx.conf, NULL, &cfg, &diag), 0);
	assert_string_equal(diag, "");
	assert_int_equal(daemon_config_set(&fx.d, cfg), 0);
	fx.d.config_file = fx.conf;
	for (size_t i = 0; i < NR_MAPS; i++) {
		struct mpmap *m = &fx.maps[i];

		snprintf(m->name, sizeof(m->name), "%s", names[i]);
		snprintf(m->wwid, sizeof(m->wwid), "36001405000000000000000000000000%c", (int)('a' + i));
		assert_int_equal(map_settings_resolve(cfg, m, &m->settings), 0);
		map_policy_attach(&fx.d, m);
		fx.map_list[i] = m;
	}
	fx.d.maps = fx.map_list;
	fx.d.nr_maps = NR_MAPS;
	return 0;
}

static int teardown(void **state)
{
	mp_config_free(fx.d.config);
	shared_text_unref(fx.d.config_text);
	unlink(fx.conf);
	mp_log_set_hook(NULL, NULL);
	return 0;
}

/* Reload @text; returns the summary (to free) and checks the return value. */
static char *reload(const char *text, int expect)
{
	char *summary = NULL;

	write_conf(text);
	assert_int_equal(daemon_reload_config(&fx.d, &summary), expect);
	assert_non_null(summary);
	return summary;
}

static void assert_reloads(unsigned a, unsigned b, unsigned c)
{
	assert_int_equal(fx.reloads[0], a);
	assert_int_equal(fx.reloads[1], b);
	assert_int_equal(fx.reloads[2], c);
	/* the selector hears of the new settings exactly when the map reloads */
	for (size_t i = 0; i < NR_MAPS; i++)
		assert_int_equal(fx.settings_events[i], fx.reloads[i]);
}

/* ---- tests ---- */

static void test_same_config_reloads_nothing(void **state)
{
	_cleanup_free_ char *summary = reload(base_conf, 0);

	assert_string_equal(summary, "configuration reloaded: no map changed\n");
	assert_reloads(0, 0, 0);
	/* the settings now point into the new config (the old one is freed) */
	assert_string_equal(fx.maps[1].settings.key[MP_KEY_NO_PATH_RETRY].text, "5");
}

static void test_moved_keyword_reloads_nothing(void **state)
{
	/* same values on other lines and at another level: origins differ, settings do not */
	static const char moved[] =
		"# a comment moves every line\n"
		"defaults {\n"
		"	no_path_retry 12\n"
		"	polling_interval 5\n"
		"}\n"
		"multipaths {\n"
		"	multipath {\n"
		"		no_path_retry 5\n"
		"		alias mpathb\n"
		"		wwid 36001405000000000000000000000000b\n"
		"	}\n"
		"}\n";
	_cleanup_free_ char *summary = reload(moved, 0);

	assert_string_equal(summary, "configuration reloaded: no map changed\n");
	_cleanup_free_ char *origin = NULL;

	assert_reloads(0, 0, 0);
	assert_true(asprintf(&origin, "(%s:8)", strrchr(fx.conf, '/') + 1) > 0);
	assert_string_equal(fx.maps[1].settings.key[MP_KEY_NO_PATH_RETRY].origin, origin);
}

static void test_one_map_changed(void **state)
{
	static const char changed[] =
		"defaults {\n"
		"	polling_interval 5\n"
		"	no_path_retry 12\n"
		"}\n"
		"multipaths {\n"
		"	multipath {\n"
		"		wwid 36001405000000000000000000000000b\n"
		"		alias mpathb\n"
		"		no_path_retry 10\n"
		"		path_selector \"queue-length 0\"\n"
		"	}\n"
		"}\n";
	_cleanup_free_ char *summary = reload(changed, 0);

	assert_string_equal(summary,
		"configuration reloaded: 1 of 3 maps changed\n"
		"reloading mpathb:\n"
		"  path_selector: service-time 0 -> queue-length 0\n"
		"  no_path_retry: 5 -> 10\n");
	assert_reloads(0, 1, 0);
}

static void test_selector_change_is_named(void **state)
{
	static const char multibus[] =
		"defaults {\n"
		"	polling_interval 5\n"
		"	no_path_retry 12\n"
		"}\n"
		"multipaths {\n"
		"	multipath {\n"
		"		wwid 36001405000000000000000000000000b\n"
		"		alias mpathb\n"
		"		no_path_retry 5\n"
		"	}\n"
		"	multipath {\n"
		"		wwid 36001405000000000000000000000000c\n"
		"		path_grouping_policy multibus\n"
		"	}\n"
		"}\n";
	_cleanup_free_ char *summary = reload(multibus, 0);

	assert_non_null(strstr(summary, "configuration reloaded: 1 of 3 maps changed\nreloading mpathc:\n"));
	assert_non_null(strstr(summary, "  path_grouping_policy: failover -> multibus\n"));
	assert_non_null(strstr(summary, "  selector: path-grouping -> round-robin\n"));
	assert_string_equal(fx.selector[2], "round-robin");
	assert_reloads(0, 0, 1);
}

static void test_daemon_wide_key_reloads_no_map(void **state)
{
	static const char slower[] =
		"defaults {\n"
		"	polling_interval 10\n"
		"	no_path_retry 12\n"
		"}\n"
		"multipaths {\n"
		"	multipath {\n"
		"		wwid 36001405000000000000000000000000b\n"
		"		alias mpathb\n"
		"		no_path_retry 5\n"
		"	}\n"
		"}\n";
	_cleanup_free_ char *summary = reload(slower, 0);

	assert_string_equal(summary, "configuration reloaded: no map changed\n"
				     "daemon: polling_interval 10 s, checker_timeout 30 s\n");
	assert_int_equal(fx.d.polling_usec, 10000000);
	assert_reloads(0, 0, 0);
}

static void test_errors_keep_the_running_config(void **state)
{
	static const char broken[] =
		"defaults {\n"
		"	no_path_retry 1\n"
		"	polling_interval banana\n"
		"}\n"
		"multipaths {\n"
		"	multipath {\n"
		"		wwid 36001405000000000000000000000000b\n"
		"		no_path_retry banana\n"
		"	}\n"
		"}\n";
	struct mp_config *before = fx.d.config;
	struct shared_text *text_before = fx.d.config_text;
	_cleanup_free_ char *summary = reload(broken, -EINVAL);
	_cleanup_free_ char *line3 = NULL, *line8 = NULL;

	assert_true(asprintf(&line3, "%s:3: error: ", fx.conf) > 0);
	assert_true(asprintf(&line8, "%s:8: error: ", fx.conf) > 0);
	assert_true(strncmp(summary, "configuration refused, the running one stays:\n", 46) == 0);
	/* every error, with its file and line */
	assert_non_null(strstr(summary, line3));
	assert_non_null(strstr(summary, line8));
	assert_ptr_equal(fx.d.config, before);
	assert_ptr_equal(fx.d.config_text, text_before);
	assert_string_equal(fx.maps[0].settings.key[MP_KEY_NO_PATH_RETRY].text, "12");
	assert_reloads(0, 0, 0);
}

static void test_missing_file_is_an_empty_config(void **state)
{
	_cleanup_free_ char *summary = NULL;

	/* as at start: no multipath.conf means defaults, which changes mpathb's no_path_retry */
	unlink(fx.conf);
	assert_int_equal(daemon_reload_config(&fx.d, &summary), 0);
	assert_non_null(strstr(summary, "reloading mpathb:\n  no_path_retry: 5 -> fail\n"));
	assert_non_null(strstr(summary, "reloading mpatha:\n  no_path_retry: 12 -> fail\n"));
	assert_reloads(1, 1, 1);
}

/* The async reload: the files are read by a devio request, never by the caller. */
struct answer {
	int calls, result;
	char *summary;
};

static void on_answer(void *userdata, int result, char *summary)
{
	struct answer *a = userdata;

	a->calls++;
	a->result = result;
	free(a->summary);
	a->summary = summary;
}

static void test_async_reads_off_the_loop(void **state)
{
	struct answer first = { 0 }, second = { 0 }, third = { 0 };

	write_conf("defaults {\n\tno_path_retry 7\n}\n");
	assert_int_equal(daemon_reload_config_async(&fx.d, on_answer, &first), 0);
	/* nothing read or applied yet: the request waits for a worker */
	assert_int_equal(devio_nr, 1);
	assert_int_equal(first.calls, 0);
	assert_reloads(0, 0, 0);
	/* asked again while the first read runs: both wait, and the second reads again */
	assert_int_equal(daemon_reload_config_async(&fx.d, on_answer, &second), 0);
	assert_int_equal(daemon_reload_config_async(&fx.d, on_answer, &third), 0);
	assert_int_equal(devio_nr, 1);
	devio_run_one();
	assert_int_equal(first.calls, 1);
	assert_int_equal(first.result, 0);
	assert_non_null(strstr(first.summary, "no_path_retry: 12 -> 7"));
	assert_string_equal(fx.maps[0].settings.key[MP_KEY_NO_PATH_RETRY].text, "7");
	/* the waiters' read is submitted once the first ends; the file changed meanwhile */
	assert_int_equal(second.calls, 0);
	assert_int_equal(devio_nr, 1);
	write_conf("defaults {\n\tno_path_retry 9\n}\n");
	devio_run_one();
	assert_int_equal(second.calls, 1);
	assert_int_equal(third.calls, 1);
	assert_non_null(strstr(second.summary, "no_path_retry: 7 -> 9"));
	assert_string_equal(third.summary, second.summary);
	assert_string_equal(fx.maps[0].settings.key[MP_KEY_NO_PATH_RETRY].text, "9");
	free(first.summary);
	free(second.summary);
	free(third.summary);
	/* at stop, a reload still reading is answered -ECANCELED */
	memset(&first, 0, sizeof(first));
	assert_int_equal(daemon_reload_config_async(&fx.d, on_answer, &first), 0);
	daemon_reload_cancel(&fx.d);
	assert_int_equal(first.calls, 1);
	assert_int_equal(first.result, -ECANCELED);
	devio_nr = 0;
}

static void test_config_text_follows(void **state)
{
	_cleanup_free_ char *summary = reload(
		"defaults {\n"
		"	polling_interval 5\n"
		"	no_path_retry 7\n"
		"}\n", 0);
	const char *text = shared_text_str(fx.d.config_text);

	assert_non_null(text);
	/* the effective config: the new value, and compiled-in defaults too */
	assert_non_null(strstr(text, "\tno_path_retry 7\n"));
	assert_non_null(strstr(text, "\tpath_checker tur\n"));
	assert_non_null(strstr(text, "devices {\n"));
	assert_reloads(1, 1, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_config_reloads_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_moved_keyword_reloads_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_map_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_selector_change_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daemon_wide_key_reloads_no_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_keep_the_running_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file_is_an_empty_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_text_follows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_async_reads_off_the_loop, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
