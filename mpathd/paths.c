/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths: build one from udev and sysfs (no device I/O on the loop), keep the path table. */
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "checker.h"
#include "clock.h"
#include "daemon.h"
#include "log.h"
#include "path.h"
#include "sysfs.h"
#include "util.h"
#include "vpd.h"

/* Read <syspath>/<name> through the movable sysfs root; "" when it cannot be read. */
static void attr_read(const char *syspath, const char *name, char *buf, size_t len)
{
	const char *root = mp_sysfs_root();
	char rel[512];
	size_t rl = strlen(root);

	buf[0] = '\0';
	if (strncmp(syspath, root, rl) == 0 && syspath[rl] == '/')
		syspath += rl + 1;
	snprintf(rel, sizeof(rel), "%s/%s", syspath, name);
	if (mp_sysfs_read_attr(rel, buf, len) < 0)
		buf[0] = '\0';
	/* SCSI INQUIRY strings are blank-padded */
	for (size_t n = strlen(buf); n > 0 && buf[n - 1] == ' '; n--)
		buf[n - 1] = '\0';
}

/* The kernel keeps VPD page 0x83 in sysfs, so reading it does not touch the device. */
static int path_read_vpd83(struct path *p, const char *syspath)
{
	char file[512];
	uint8_t page[1024];
	struct mp_vpd83 vpd = { 0 };
	_cleanup_close_ int fd = -1;
	ssize_t n;
	int r;

	snprintf(file, sizeof(file), "%s/device/vpd_pg83", syspath);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, page, sizeof(page));
	if (n <= 0)
		return n < 0 ? -errno : -ENODATA;
	r = mp_vpd83_parse(page, n, &vpd);
	if (r < 0)
		return r;
	r = mp_vpd83_wwid(&vpd, NULL, p->info.wwid, sizeof(p->info.wwid));
	p->info.tpg = mp_vpd83_target_port_group(&vpd);
	p->info.relative_port = mp_vpd83_relative_port(&vpd);
	if (p->info.tpg < 0)
		p->info.tpg = -1;
	if (p->info.relative_port < 0)
		p->info.relative_port = -1;
	mp_vpd83_release(&vpd);
	return r < 0 ? r : 0;
}

static void path_read_transport(struct path *p, const char *syspath)
{
	const char *s = strstr(syspath, "/session");
	char dir[160], conn[160], addr[48], port[12];

	if (s) {
		size_t len = strcspn(s + 1, "/");

		snprintf(p->info.transport, sizeof(p->info.transport), "iscsi");
		snprintf(p->info.iscsi_session, sizeof(p->info.iscsi_session), "%.*s", (int)len, s + 1);
		snprintf(dir, sizeof(dir), "%s/class/iscsi_session/%s", mp_sysfs_root(), p->info.iscsi_session);
		attr_read(dir, "targetname", p->info.iscsi_target, sizeof(p->info.iscsi_target));
		attr_read(dir, "ifacename", p->info.iscsi_iface, sizeof(p->info.iscsi_iface));
		snprintf(conn, sizeof(conn), "%s/class/iscsi_connection/connection%s:0", mp_sysfs_root(),
			 p->info.iscsi_session + strlen("session"));
		attr_read(conn, "persistent_address", addr, sizeof(addr));
		attr_read(conn, "persistent_port", port, sizeof(port));
		if (addr[0])
			snprintf(p->info.iscsi_portal, sizeof(p->info.iscsi_portal), "%s:%s", addr, port);
	} else if (strstr(syspath, "/rport-")) {
		snprintf(p->info.transport, sizeof(p->info.transport), "fc");
	} else if (strstr(syspath, "/end_device-")) {
		snprintf(p->info.transport, sizeof(p->info.transport), "sas");
	} else if (strstr(syspath, "/pseudo_0/adapter")) {
		snprintf(p->info.transport, sizeof(p->info.transport), "scsi_debug");
	} else if (strstr(syspath, "tcm_loop")) {
		snprintf(p->info.transport, sizeof(p->info.transport), "loop");
	} else {
		snprintf(p->info.transport, sizeof(p->info.transport), "unknown");
	}
}

void path_refresh_state(struct path *p)
{
	char dir[320];

	snprintf(dir, sizeof(dir), "%s/block/%s", mp_sysfs_root(), p->info.dev);
	attr_read(dir, "device/state", p->info.dev_state, sizeof(p->info.dev_state));
}

int path_new_from_udev(struct daemon *d, struct udev_device *dev, struct path **ret)
{
	_cleanup_free_ struct path *p = NULL;
	const char *syspath = udev_device_get_syspath(dev);
	const char *serial;
	struct udev_device *sdev;
	char size[32];

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->chk_fd = -1;
	p->info.tpg = p->info.relative_port = -1;
	snprintf(p->info.dev, sizeof(p->info.dev), "%s", udev_device_get_sysname(dev));
	p->devt = udev_device_get_devnum(dev);
	snprintf(p->info.devt, sizeof(p->info.devt), "%u:%u", major(p->devt), minor(p->devt));
	sdev = udev_device_get_parent_with_subsystem_devtype(dev, "scsi", "scsi_device");
	if (!sdev)
		return -ENODEV;
	snprintf(p->info.hctl, sizeof(p->info.hctl), "%s", udev_device_get_sysname(sdev));
	attr_read(syspath, "device/vendor", p->info.vendor, sizeof(p->info.vendor));
	attr_read(syspath, "device/model", p->info.product, sizeof(p->info.product));
	attr_read(syspath, "device/rev", p->info.revision, sizeof(p->info.revision));
	attr_read(syspath, "size", size, sizeof(size));
	p->info.size_sectors = strtoull(size, NULL, 10);
	path_refresh_state(p);
	path_read_transport(p, syspath);
	if (path_read_vpd83(p, syspath) < 0 || !p->info.wwid[0]) {
		serial = udev_device_get_property_value(dev, "ID_SERIAL");
		if (!serial)
			return -ENODATA;
		snprintf(p->info.wwid, sizeof(p->info.wwid), "%s", serial);
	}
	p->info.checker_state = MP_CHK_UNCHECKED;
	p->info.last_change_usec = now_usec();
	*ret = TAKE_PTR(p);
	return 0;
}

struct path *daemon_find_path(struct daemon *d, const char *dev)
{
	for (size_t i = 0; i < d->nr_paths; i++)
		if (streq(d->paths[i]->info.dev, dev) || streq(d->paths[i]->info.devt, dev))
			return d->paths[i];
	return NULL;
}

int daemon_add_path(struct daemon *d, struct path *p)
{
	struct path **n = realloc(d->paths, (d->nr_paths + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	d->paths = n;
	d->paths[d->nr_paths++] = p;
	return 0;
}

void daemon_remove_path(struct daemon *d, struct path *p)
{
	for (size_t i = 0; i < d->nr_paths; i++) {
		if (d->paths[i] != p)
			continue;
		memmove(&d->paths[i], &d->paths[i + 1], (d->nr_paths - i - 1) * sizeof(*d->paths));
		d->nr_paths--;
		return;
	}
}

void path_free(struct path *p)
{
	if (!p)
		return;
	checker_stop(p);
	free(p);
}

int path_settings_resolve(const struct mp_config *cfg, const struct path *p, struct mp_map_settings *ret)
{
	struct mp_path_ident id = {
		.wwid = p->info.wwid,
		.vendor = p->info.vendor,
		.product = p->info.product,
		.revision = p->info.revision,
		.protocol = streq(p->info.transport, "iscsi") ? "scsi:iscsi" : "scsi:unspec",
	};

	return mp_config_resolve(cfg, &id, ret);
}

bool path_is_usable(const struct path *p)
{
	return p->info.checker_state != MP_CHK_FAULTY && p->info.checker_state != MP_CHK_ADMIN_DOWN &&
	       !streq(p->info.dev_state, "offline") && !p->gone;
}
