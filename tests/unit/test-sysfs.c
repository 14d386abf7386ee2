/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the sysfs helpers and the block -> sg lookup, on a fake tree in a temp folder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sgio.h"
#include "sysfs.h"

static char tree[PATH_MAX];

static void make_dir(const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void make_file(const char *rel, const char *content)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

/*
 * <tree>/block/sdc/device/{vendor,model,state,scsi_generic/sg3/}, as an iSCSI LUN shows it;
 * sdd has a device but no sg node; sde's scsi_generic folder is empty.
 */
static int setup_tree(void **state)
{
	char tmpl[] = "/tmp/mpathd-test-sysfs-XXXXXX";

	if (!mkdtemp(tmpl))
		return -1;
	snprintf(tree, sizeof(tree), "%s", tmpl);
	make_dir("block");
	make_dir("block/sdc");
	make_dir("block/sdc/device");
	make_file("block/sdc/device/vendor", "LIO-ORG \n");
	make_file("block/sdc/device/model", "block0          \n");
	make_file("block/sdc/device/state", "running\n");
	make_file("block/sdc/device/empty", "");
	make_dir("block/sdc/device/scsi_generic");
	make_dir("block/sdc/device/scsi_generic/sg3");
	make_dir("block/sdd");
	make_dir("block/sdd/device");
	make_dir("block/sde");
	make_dir("block/sde/device");
	make_dir("block/sde/device/scsi_generic");
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

/* Every test starts from the fake tree, whatever the previous one left behind. */
static int use_tree(void **state)
{
	return mp_sysfs_set_root(tree);
}

static void test_root(void **state)
{
	char path[PATH_MAX];

	assert_string_equal(mp_sysfs_root(), tree);
	assert_int_equal(mp_sysfs_set_root(NULL), 0);
	assert_string_equal(mp_sysfs_root(), "/sys");
	assert_int_equal(mp_sysfs_path(path, sizeof(path), "block/%s/device", "sda"),
			 (int)strlen("/sys/block/sda/device"));
	assert_string_equal(path, "/sys/block/sda/device");
	assert_int_equal(mp_sysfs_path(path, sizeof(path), "/class/iscsi_session"), 24);
	assert_string_equal(path, "/sys/class/iscsi_session");

	assert_int_equal(mp_sysfs_set_root("/tmp/x///"), 0);
	assert_string_equal(mp_sysfs_root(), "/tmp/x");
	assert_int_equal(mp_sysfs_set_root("/"), 0);
	mp_sysfs_path(path, sizeof(path), "block");
	assert_string_equal(path, "/block");

	assert_int_equal(mp_sysfs_path_at("/other", path, sizeof(path), "block/%s", "sdb"), 16);
	assert_string_equal(path, "/other/block/sdb");
	assert_int_equal(mp_sysfs_path_at("/other", path, 10, "block/%s", "sdb"), -ENAMETOOLONG);
	assert_int_equal(mp_sysfs_path_at("/other", path, 6, "x"), -ENAMETOOLONG);

	assert_int_equal(mp_sysfs_set_root(tree), 0);
}

static void test_read_attr(void **state)
{
	char buf[64];

	assert_int_equal(mp_sysfs_read_attr("block/sdc/device/vendor", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "LIO-ORG ");
	assert_int_equal(mp_sysfs_read_attr("/block/sdc/device/state", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "running");
	assert_int_equal(mp_sysfs_read_attr("block/sdc/device/empty", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	/* "running\n" needs 8 bytes plus the NUL slot. */
	assert_int_equal(mp_sysfs_read_attr("block/sdc/device/state", buf, 9), 7);
	assert_int_equal(mp_sysfs_read_attr("block/sdc/device/state", buf, 8), -ENOBUFS);
	assert_int_equal(mp_sysfs_read_attr("block/sdc/device/state", buf, 0), -ENOBUFS);
	assert_int_equal(mp_sysfs_read_attr("block/sdz/device/state", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(mp_sysfs_read_attr("block/sdc/device", buf, sizeof(buf)), -EISDIR);
}

static void test_write_attr(void **state)
{
	char buf[64];

	assert_int_equal(mp_sysfs_write_attr("block/sdc/device/state", "offline"), 0);
	assert_int_equal(mp_sysfs_read_attr("block/sdc/device/state", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "offline");
	assert_int_equal(mp_sysfs_write_attr("block/sdz/device/state", "running"), -ENOENT);
}

static void test_sg_dev_for_block(void **state)
{
	char buf[16];

	assert_int_equal(mp_sg_dev_for_block(NULL, "sdc", buf, sizeof(buf)), 3);
	assert_string_equal(buf, "sg3");
	assert_int_equal(mp_sg_dev_for_block(tree, "sdc", buf, sizeof(buf)), 3);
	assert_string_equal(buf, "sg3");
	assert_int_equal(mp_sg_dev_for_block(NULL, "sdc", buf, 3), -ENOBUFS);
	assert_int_equal(mp_sg_dev_for_block(NULL, "sdd", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(mp_sg_dev_for_block(NULL, "sde", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(mp_sg_dev_for_block(NULL, "sdz", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(mp_sg_dev_for_block("/nonexistent", "sdc", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(mp_sg_dev_for_block(NULL, "../sdc", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(mp_sg_dev_for_block(NULL, "..", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(mp_sg_dev_for_block(NULL, "", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(mp_sg_dev_for_block(NULL, NULL, buf, sizeof(buf)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_root, use_tree),
		cmocka_unit_test_setup(test_read_attr, use_tree),
		cmocka_unit_test_setup(test_write_attr, use_tree),
		cmocka_unit_test_setup(test_sg_dev_for_block, use_tree),
	};
	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
