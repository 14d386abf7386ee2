/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the session table (iscsi-session/sessions.c) on a fake sysfs tree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sessions.h"
#include "sysfs.h"
#include "util.h"

static char root[] = "/tmp/isess-sysfs-XXXXXX";

static void put(const char *rel, const char *value)
{
	char path[512], *slash;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if (value) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fprintf(f, "%s\n", value);
		fclose(f);
	} else {
		mkdir(path, 0755);
	}
}

static void session(unsigned sid, const char *target, const char *iface, const char *state, const char *addr,
		    const char *dev)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/targetname", sid);
	put(rel, target);
	snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/ifacename", sid);
	put(rel, iface);
	snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/state", sid);
	put(rel, state);
	snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/tpgt", sid);
	put(rel, "2");
	snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/recovery_tmo", sid);
	put(rel, "5");
	snprintf(rel, sizeof(rel), "class/iscsi_connection/connection%u:0/persistent_address", sid);
	put(rel, addr);
	snprintf(rel, sizeof(rel), "class/iscsi_connection/connection%u:0/persistent_port", sid);
	put(rel, "3260");
	snprintf(rel, sizeof(rel), "class/iscsi_connection/connection%u:0/address", sid);
	put(rel, addr);
	if (dev) {
		snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/device/target%u:0:0/%u:0:0:0/block/%s", sid,
			 sid, sid, dev);
		put(rel, NULL);
	}
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(root));
	assert_int_equal(mp_sysfs_set_root(root), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
	mp_sysfs_set_root(NULL);
	return 0;
}

static void test_read(void **state)
{
	struct isess_session *s = NULL;
	size_t n = 0;

	assert_int_equal(isess_sessions_read(&s, &n), 0);
	assert_int_equal(n, 0);	/* no iscsi_session class yet */
	session(12, "iqn.2026-11.test:vol1", "mpathd-veth1", "LOGGED_IN", "10.20.0.11", "sdc");
	session(3, "iqn.2026-11.test:vol1", "default", "FAILED", "10.20.0.12", NULL);
	assert_int_equal(isess_sessions_read(&s, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].sid, 3);		/* in sid order */
	assert_int_equal(s[0].state, ISESS_SESSION_FAILED);
	assert_string_equal(s[0].nic, "");	/* not a manager iface */
	assert_string_equal(s[1].target, "iqn.2026-11.test:vol1");
	assert_string_equal(s[1].iface, "mpathd-veth1");
	assert_string_equal(s[1].nic, "veth1");
	assert_string_equal(s[1].addr, "10.20.0.11");
	assert_int_equal(s[1].port, 3260);
	assert_int_equal(s[1].tpgt, 2);
	assert_int_equal(s[1].recovery_tmo, 5);
	assert_string_equal(s[1].devs, "sdc");
	assert_ptr_equal(isess_session_find(s, n, 12), &s[1]);
	assert_null(isess_session_find(s, n, 4));
	assert_string_equal(isess_session_state_name(s[1].state), "LOGGED_IN");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
