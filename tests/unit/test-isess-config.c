/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the manager's settings (iscsi-session/isess_config.c): defaults, limits, CHAP file rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "isess_config.h"
#include "util.h"

static struct mp_config *parse(const char *text)
{
	struct mp_config *cfg = NULL;

	assert_int_equal(mp_config_parse_string(text, strlen(text), "t.conf", MP_CONFIG_NO_BUILTIN, &cfg, NULL), 0);
	return cfg;
}

static void test_no_section(void **state)
{
	_cleanup_config_ struct mp_config *cfg = parse("defaults {\n}\n");
	struct isess_config *c = (void *)1;

	assert_int_equal(isess_config_new(cfg, &c), 0);
	assert_null(c);
}

static void test_defaults_and_limits(void **state)
{
	_cleanup_config_ struct mp_config *cfg = parse(
		"defaults {\n\tvolumesessions 4\n\ttotalsessions 128\n}\n"
		"iscsi {\n\tdiscovery 10.20.0.10\n\tmembersessions 3\n\ttotalsessions 64\n"
		"\texclude 10.30.0.0/16 eth9\n\tvolume iqn.2026-11.test:vol1\n}\n");
	struct isess_config *c = NULL;

	assert_int_equal(isess_config_new(cfg, &c), 0);
	assert_non_null(c);
	assert_int_equal(c->membersessions, 3);		/* iscsi section */
	assert_int_equal(c->volumesessions, 4);		/* defaults section */
	assert_int_equal(c->totalsessions, 64);		/* the iscsi section wins */
	assert_int_equal(c->probe_interval_ms, ISESS_DEFAULT_PROBE_INTERVAL_MS);
	assert_int_equal(c->login_timeout_s, ISESS_DEFAULT_LOGIN_TIMEOUT_S);
	assert_int_equal(c->discovery_interval_s, ISESS_DEFAULT_DISCOVERY_INTERVAL_S);
	assert_true(isess_config_nic_excluded(c, "eth9"));
	assert_false(isess_config_nic_excluded(c, "eth1"));
	assert_true(isess_config_addr_excluded(c, "10.30.7.1"));
	assert_false(isess_config_addr_excluded(c, "10.20.0.11"));
	assert_true(isess_config_wants_volume(c, "IQN.2026-11.test:VOL1"));
	assert_false(isess_config_wants_volume(c, "iqn.2026-11.test:vol2"));
	isess_config_free(c);

	/* nothing set anywhere: EHCM's defaults */
	_cleanup_config_ struct mp_config *bare = parse("iscsi {\n\tdiscovery 10.20.0.10\n}\n");

	assert_int_equal(isess_config_new(bare, &c), 0);
	assert_int_equal(c->membersessions, 2);
	assert_int_equal(c->volumesessions, 6);
	assert_int_equal(c->totalsessions, 512);
	assert_true(isess_config_wants_volume(c, "anything"));
	isess_config_free(c);
}

static void test_chap_parse(void **state)
{
	struct iscsiadm_chap chap;
	char err[96];

	assert_int_equal(isess_chap_parse("# group secret\nusername host1\npassword abc123def456\n", &chap, err,
					  sizeof(err)), 0);
	assert_string_equal(chap.username, "host1");
	assert_string_equal(chap.password, "abc123def456");
	assert_null(chap.username_in);
	free((char *)chap.username);
	free((char *)chap.password);
	assert_int_equal(isess_chap_parse("username host1\n", &chap, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "it needs both username and password");
	assert_int_equal(isess_chap_parse("username a\npassword b\nusername_in c\n", &chap, err, sizeof(err)), -EINVAL);
	assert_int_equal(isess_chap_parse("user a\n", &chap, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 1: unknown key \"user\"");
}

/* The file must be root's and readable by root only; a refused one is reported, never read out. */
static void test_chap_file_rules(void **state)
{
	char path[] = "/tmp/isess-chap-XXXXXX", text[256];
	struct isess_config *c = NULL;
	struct mp_config *cfg;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_true(write(fd, "username host1\npassword topsecret\n", 34) == 34);
	close(fd);
	snprintf(text, sizeof(text), "iscsi {\n\tdiscovery 10.20.0.10\n\tchap_file %s\n}\n", path);
	cfg = parse(text);

	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(isess_config_new(cfg, &c), 0);
	assert_false(c->have_chap);
	assert_non_null(strstr(c->chap_error, "its mode is 0644: others can read it"));
	assert_null(strstr(c->chap_error, "topsecret"));
	isess_config_free(c);

	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(isess_config_new(cfg, &c), 0);
	if (geteuid() == 0) {
		assert_true(c->have_chap);
		assert_string_equal(c->chap.username, "host1");
		assert_string_equal(c->chap.password, "topsecret");
	} else {
		assert_false(c->have_chap);	/* not owned by root */
		assert_non_null(strstr(c->chap_error, "not root"));
	}
	isess_config_free(c);

	unlink(path);
	assert_int_equal(isess_config_new(cfg, &c), 0);
	assert_false(c->have_chap);
	assert_non_null(strstr(c->chap_error, "cannot open it"));
	isess_config_free(c);
	mp_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_section),
		cmocka_unit_test(test_defaults_and_limits),
		cmocka_unit_test(test_chap_parse),
		cmocka_unit_test(test_chap_file_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
