/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for topology maps built from dm table/status text and a fake sysfs tree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "strbuf.h"
#include "sysfs.h"
#include "topology_dm.h"
#include "topology_print.h"

static char tree[PATH_MAX];

/* mkdir -p of <tree>/<rel>. */
static void make_dirs(const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	for (char *p = path + strlen(tree) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
			*p = '/';
		}
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static void make_file(const char *dir, const char *name, const char *content)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", tree, dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

static void make_link(const char *rel, const char *target)
{
	char path[PATH_MAX * 4];

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	assert_int_equal(symlink(target, path), 0);
}

/* block/sdX/device points from the block folder back up to the SCSI device. */
static const char *hctl_target(const char *hctl, char *buf, size_t len)
{
	snprintf(buf, len, "../../../%s", hctl);
	return buf;
}

/*
 * One SCSI disk the way sysfs lays it out: the device folder (under @parent)
 * with its attributes, the block folder inside it, and the dev/block and
 * block/ links to that.
 */
static void make_disk(const char *parent, const char *hctl, const char *dev, const char *devt,
		      const char *state)
{
	char sdev[PATH_MAX], blk[PATH_MAX * 2], link[PATH_MAX * 3], target[64];

	snprintf(sdev, sizeof(sdev), "devices/%s/%s", parent, hctl);
	snprintf(blk, sizeof(blk), "%s/block/%s", sdev, dev);
	make_dirs(blk);
	make_file(sdev, "vendor", "LIO-ORG \n");
	make_file(sdev, "model", "vol0            \n");
	make_file(sdev, "rev", "4.0 \n");
	make_file(sdev, "state", state);
	make_file(blk, "size", "262144\n");
	snprintf(link, sizeof(link), "%s/device", blk);
	make_link(link, hctl_target(hctl, target, sizeof(target)));
	snprintf(link, sizeof(link), "dev/block/%s", devt);
	snprintf(blk, sizeof(blk), "../../%s/block/%s", sdev, dev);
	make_link(link, blk);
	snprintf(link, sizeof(link), "block/%s", dev);
	snprintf(blk, sizeof(blk), "../%s/block/%s", sdev, dev);
	make_link(link, blk);
}

static int setup_tree(void **state)
{
	char tmpl[] = "/tmp/mpathd-test-topology-XXXXXX";

	if (!mkdtemp(tmpl))
		return -1;
	snprintf(tree, sizeof(tree), "%s", tmpl);
	make_dirs("dev/block");
	make_dirs("block");
	make_disk("platform/host3/session1/target3:0:0", "3:0:0:0", "sdb", "8:16", "running\n");
	make_disk("pci0000:00/host4/rport-4:0-0/target4:0:0", "4:0:0:0", "sdc", "8:32", "offline\n");
	make_disk("platform/host5/target5:0:0", "5:0:0:0", "sdd", "8:48", "running\n");
	make_dirs("class/scsi_host/host5");
	make_file("class/scsi_host/host5", "proc_name", "scsi_debug\n");
	make_dirs("class/iscsi_session/session1");
	make_file("class/iscsi_session/session1", "targetname", "iqn.2003-01.org.linux-iscsi:vol0\n");
	make_file("class/iscsi_session/session1", "ifacename", "iface0\n");
	make_dirs("class/iscsi_host/host3");
	make_file("class/iscsi_host/host3", "netdev", "eth1\n");
	make_dirs("class/iscsi_connection/connection1:0");
	make_file("class/iscsi_connection/connection1:0", "persistent_address", "10.10.1.2\n");
	make_file("class/iscsi_connection/connection1:0", "persistent_port", "3260\n");
	return mp_sysfs_set_root(tree);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int teardown_tree(void **state)
{
	mp_sysfs_set_root(NULL);
	return nftw(tree, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_path_iscsi(void **state)
{
	struct mp_topo_path p;

	assert_int_equal(mp_topo_path_from_sysfs("8:16", &p), 0);
	assert_string_equal(p.dev, "sdb");
	assert_string_equal(p.devt, "8:16");
	assert_string_equal(p.hctl, "3:0:0:0");
	assert_string_equal(p.vendor, "LIO-ORG");
	assert_string_equal(p.product, "vol0");
	assert_string_equal(p.revision, "4.0");
	assert_string_equal(p.dev_state, "running");
	assert_int_equal(p.size_sectors, 262144);
	assert_string_equal(p.transport, "iscsi");
	assert_string_equal(p.iscsi_session, "session1");
	assert_string_equal(p.iscsi_iface, "iface0");
	assert_string_equal(p.iscsi_portal, "10.10.1.2:3260");
	assert_string_equal(p.iscsi_target, "iqn.2003-01.org.linux-iscsi:vol0");
	assert_string_equal(p.iscsi_netdev, "eth1");
	assert_int_equal(p.tpg, -1);
	assert_int_equal(p.relative_port, -1);
	assert_int_equal(p.checker_state, MP_CHK_UNCHECKED);
}

static void test_path_transports(void **state)
{
	struct mp_topo_path p;

	assert_int_equal(mp_topo_path_from_sysfs("8:32", &p), 0);
	assert_string_equal(p.transport, "fc");
	assert_string_equal(p.dev_state, "offline");
	assert_string_equal(p.iscsi_session, "");
	assert_int_equal(mp_topo_path_from_sysfs("8:48", &p), 0);
	assert_string_equal(p.transport, "scsi_debug");
	assert_int_equal(mp_topo_path_from_sysfs("8:64", &p), -ENODEV);
	assert_string_equal(p.devt, "8:64");
	assert_string_equal(p.dev, "");
	assert_string_equal(p.dev_state, "unknown");
}

static const struct mp_dm_info mpatha_info = {
	.exists = true, .live_table = true, .major = 253, .minor = 0,
	.uuid = "mpath-36001405abcdef0123456789abcdef012",
};

/* Two groups; 8:64 has no block device any more; 8:32 failed in the kernel. */
static const char table[] =
	"3 queue_if_no_path pg_init_retries 50 1 alua 2 1 "
	"service-time 0 2 2 8:16 1 1 8:64 1 1 "
	"round-robin 0 2 1 8:32 1 8:48 1";
static const char status[] =
	"2 0 0 0 2 1 "
	"A 0 2 2 8:16 A 0 0 1 8:64 A 0 0 1 "
	"E 0 2 1 8:32 F 4 0 8:48 A 0 0";

static void test_map_from_dm(void **state)
{
	struct mp_topology t = { .nr_maps = 1 };
	struct strbuf sb = STRBUF_INIT;
	struct mp_topo_map m;

	assert_int_equal(mp_topo_map_from_dm("mpatha", &mpatha_info, 262144, table, status, &m), 0);
	t.maps = &m;
	assert_string_equal(m.wwid, "36001405abcdef0123456789abcdef012");
	assert_string_equal(m.dm_name, "dm-0");
	assert_string_equal(m.features, "3 queue_if_no_path pg_init_retries 50");
	assert_int_equal(m.queueing, -1);
	assert_int_equal(m.groups[1].paths[0].fail_count, 4);
	assert_string_equal(m.groups[0].paths[1].wwid, m.wwid);
	assert_int_equal(mp_topology_print_ll(&t, NULL, false, &sb), 0);
	assert_string_equal(strbuf_str(&sb),
		"mpatha (36001405abcdef0123456789abcdef012) dm-0 LIO-ORG,vol0\n"
		"size=128M features='3 queue_if_no_path pg_init_retries 50' hwhandler='1 alua' wp=rw\n"
		"|-+- policy='service-time 0' prio=0 status=active\n"
		"| |- 3:0:0:0 sdb 8:16 active undef running\n"
		"| `- #:#:#:# -   8:64 active undef unknown\n"
		"`-+- policy='round-robin 0' prio=0 status=enabled\n"
		"  |- 4:0:0:0 sdc 8:32 failed undef offline\n"
		"  `- 5:0:0:0 sdd 8:48 active undef running\n");
	mp_topo_map_release(&m);
	strbuf_release(&sb);
}

/* The name is the WWID when the uuid is not ours; a bad status leaves states unknown. */
static void test_map_foreign_uuid(void **state)
{
	struct mp_dm_info info = mpatha_info;
	struct mp_topo_map m;

	snprintf(info.uuid, sizeof(info.uuid), "LVM-xyz");
	info.minor = 7;
	info.read_only = true;
	assert_int_equal(mp_topo_map_from_dm("36001405ff", &info, 2048,
					     "0 0 1 1 round-robin 0 1 1 8:16 1", "garbage", &m), 0);
	assert_string_equal(m.wwid, "36001405ff");
	assert_string_equal(m.dm_name, "dm-7");
	assert_string_equal(m.features, "0");
	assert_string_equal(m.hwhandler, "0");
	assert_int_equal(m.queueing, 0);
	assert_true(m.read_only);
	assert_int_equal(m.groups[0].state, MP_PG_UNKNOWN);
	assert_int_equal(m.groups[0].paths[0].dm_state, MP_DM_PATH_UNKNOWN);
	mp_topo_map_release(&m);
	assert_int_equal(mp_topo_map_from_dm("x", &info, 2048, "0 0 1 1 round-robin", NULL, &m),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_iscsi),
		cmocka_unit_test(test_path_transports),
		cmocka_unit_test(test_map_from_dm),
		cmocka_unit_test(test_map_foreign_uuid),
	};

	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
