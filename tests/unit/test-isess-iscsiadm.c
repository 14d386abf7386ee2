/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of iscsiadm command lines and the SendTargets parser (iscsi-session/iscsiadm.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "iscsiadm.h"
#include "runner.h"
#include "util.h"

static void assert_argv(const struct iscsiadm_cmd *cmd, const char *want)
{
	char line[1024];

	runner_format_argv(NULL, cmd->argv, line, sizeof(line));
	assert_string_equal(line, want);
}

static void test_builders(void **state)
{
	struct iscsiadm_cmd c;
	struct iscsiadm_node n = { .target = "iqn.2026-11.test:vol1", .addr = "10.20.0.11", .port = 3260,
				   .tpgt = -1, .iface = "mpathd-eth1" };
	struct iscsiadm_node v6 = { .target = "iqn.2026-11.test:vol1", .addr = "fd00::5", .port = 0, .tpgt = 2,
				    .iface = "mpathd-eth2" };

	assert_int_equal(iscsiadm_iface_new(&c, "iscsiadm", "mpathd-eth1"), 0);
	assert_argv(&c, "iscsiadm -m iface -I mpathd-eth1 -o new");
	assert_int_equal(iscsiadm_iface_bind(&c, "iscsiadm", "mpathd-eth1", "eth1"), 0);
	assert_argv(&c, "iscsiadm -m iface -I mpathd-eth1 -o update -n iface.net_ifacename -v eth1");
	assert_int_equal(iscsiadm_discover(&c, "iscsiadm", "10.20.0.10", 0, "mpathd-eth1"), 0);
	assert_argv(&c, "iscsiadm -m discovery -t st -p 10.20.0.10:3260 -I mpathd-eth1 -o nonpersistent");
	assert_int_equal(iscsiadm_node_new(&c, "iscsiadm", &n), 0);
	assert_argv(&c, "iscsiadm -m node -o new -T iqn.2026-11.test:vol1 -p 10.20.0.11:3260 -I mpathd-eth1");
	assert_int_equal(iscsiadm_node_login(&c, "/sbin/iscsiadm", &v6), 0);
	assert_argv(&c, "/sbin/iscsiadm -m node -T iqn.2026-11.test:vol1 -p [fd00::5]:3260,2 -I mpathd-eth2 --login");
	assert_int_equal(iscsiadm_node_delete(&c, "iscsiadm", &n), 0);
	assert_argv(&c, "iscsiadm -m node -o delete -T iqn.2026-11.test:vol1 -p 10.20.0.11:3260 -I mpathd-eth1");
	assert_int_equal(iscsiadm_target_delete(&c, "iscsiadm", "iqn.2026-11.test:vol1"), 0);
	assert_argv(&c, "iscsiadm -m node -o delete -T iqn.2026-11.test:vol1");
	assert_int_equal(iscsiadm_session_logout(&c, "iscsiadm", 17), 0);
	assert_argv(&c, "iscsiadm -m session -r 17 --logout");
	assert_int_equal(iscsiadm_session_new(&c, "iscsiadm", 17), 0);
	assert_argv(&c, "iscsiadm -m session -r 17 -o new");
	assert_int_equal(c.argv[c.argc], NULL);
}

static void test_node_settings_and_secrets(void **state)
{
	struct iscsiadm_cmd c;
	struct iscsiadm_node n = { .target = "iqn.2026-11.test:vol1", .addr = "10.20.0.11", .port = 3260,
				   .tpgt = -1, .iface = "mpathd-eth1" };
	struct iscsiadm_chap chap = { .username = "host1", .password = "s3cret-one", .username_in = "grp",
				      .password_in = "s3cret-two" };
	char line[1024];
	struct runner *r = NULL;

	assert_int_equal(iscsiadm_node_settings(&c, "iscsiadm", &n, 5, NULL), 0);
	assert_argv(&c, "iscsiadm -m node -o update -T iqn.2026-11.test:vol1 -p 10.20.0.11:3260 -I mpathd-eth1 "
			"-n node.startup -v manual -n node.conn[0].timeo.login_timeout -v 5 "
			"-n node.session.initial_login_retry_max -v 1");
	assert_int_equal(iscsiadm_node_settings(&c, "iscsiadm", &n, 5, &chap), 0);
	runner_format_argv(NULL, c.argv, line, sizeof(line));
	assert_non_null(strstr(line, "-n node.session.auth.authmethod -v CHAP -n node.session.auth.username -v host1 "
				     "-n node.session.auth.username_in -v grp"));
	/* the secrets are not on the command line at all */
	(void)r;
	assert_null(strstr(line, "s3cret"));
	assert_null(strstr(line, "password"));
	/* the log's redaction rule still hides a password value, should one ever be on a command line */
	{
		char *argv[] = { "iscsiadm", "-n", "node.session.auth.password", "-v", "s3cret-one", NULL };

		for (size_t i = 0; argv[i]; i++)
			assert_int_equal(iscsiadm_is_secret(argv, i), i == 4);
	}
}

static void test_too_long(void **state)
{
	struct iscsiadm_cmd c;
	char target[2000];

	memset(target, 'a', sizeof(target) - 1);
	target[sizeof(target) - 1] = '\0';
	assert_int_equal(iscsiadm_node_login(&c, "iscsiadm", &(struct iscsiadm_node) {
		.target = target, .addr = "10.0.0.1", .port = 3260, .tpgt = 1, .iface = "x" }), -ENAMETOOLONG);
}

static void test_iface_names(void **state)
{
	char buf[ISCSIADM_IFACE_MAX];

	iscsiadm_iface_name("enp1s0f1", buf, sizeof(buf));
	assert_string_equal(buf, "mpathd-enp1s0f1");
	assert_string_equal(iscsiadm_iface_nic("mpathd-enp1s0f1"), "enp1s0f1");
	assert_null(iscsiadm_iface_nic("default"));
	assert_null(iscsiadm_iface_nic("mpathd-"));
	assert_null(iscsiadm_iface_nic(NULL));
}

static void test_parse_discovery(void **state)
{
	static const char out[] =
		"10.20.0.11:3260,1 iqn.2026-11.test:vol2\n"
		"10.20.0.12:3260,2 iqn.2026-11.test:vol2\n"
		"iscsiadm: some warning\n"
		"\n"
		"[fd00:0::11]:3261,1 iqn.2026-11.test:vol1\n"
		"10.20.0.11:3260,1 iqn.2026-11.test:vol2\n"	/* once per iface: kept once */
		"10.20.0.300:3260,1 iqn.bad\n"
		"10.20.0.13:3260,3 iqn.2026-11.test:vol1 trailing\n";
	struct iscsiadm_record *r = NULL;
	size_t n = 0;

	assert_int_equal(iscsiadm_parse_discovery(out, &r, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(r[0].addr, "10.20.0.11");
	assert_int_equal(r[0].port, 3260);
	assert_int_equal(r[0].tpgt, 1);
	assert_string_equal(r[0].target, "iqn.2026-11.test:vol2");
	assert_int_equal(r[1].tpgt, 2);
	assert_string_equal(r[2].addr, "fd00::11");
	assert_int_equal(r[2].port, 3261);
	free(r);

	assert_int_equal(iscsiadm_parse_discovery("", &r, &n), 0);
	assert_int_equal(n, 0);
	free(r);
}

static void test_error_names(void **state)
{
	assert_string_equal(iscsiadm_error_name(15), "session exists");
	assert_string_equal(iscsiadm_error_name(24), "authentication failed");
	assert_string_equal(iscsiadm_error_name(-ETIMEDOUT), "timed out (killed)");
	assert_string_equal(iscsiadm_error_name(200), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builders),
		cmocka_unit_test(test_node_settings_and_secrets),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_iface_names),
		cmocka_unit_test(test_parse_discovery),
		cmocka_unit_test(test_error_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
