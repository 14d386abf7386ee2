/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a path's facts from sysfs: identity, transport, iSCSI session and NIC, port groups. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path_facts.h"
#include "sgio.h"
#include "sysfs.h"
#include "util.h"
#include "vpd.h"

/* The last component of the symlink at sysfs-relative @rel ("dev/block/8:16" -> "sdb"). */
static int sysfs_link_name(const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	int r;

	r = mp_sysfs_path(path, sizeof(path), "%s", rel);
	if (r < 0)
		return r;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

/* SCSI INQUIRY strings are blank-padded; sysfs adds a newline. */
static void trim_right(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		s[--n] = '\0';
}

/* Read an optional attribute; a missing one leaves @buf empty. */
#define read_attr(buf, len, ...) do { mp_sysfs_read_attrf(buf, len, __VA_ARGS__); trim_right(buf); } while (0)

static bool dev_name_valid(const char *dev)
{
	return dev[0] && strlen(dev) < 32 && !strchr(dev, '/') && !streq(dev, ".") && !streq(dev, "..");
}

/* The "sessionN" component of the SCSI device's real path, or "" when not iSCSI. */
static void iscsi_session_of(const char *realdev, char *buf, size_t len)
{
	const char *p = strstr(realdev, "/session");
	unsigned id;
	int used = 0;

	buf[0] = '\0';
	if (p && sscanf(p + 1, "session%u%n", &id, &used) == 1 && (p[1 + used] == '/' || !p[1 + used]))
		snprintf(buf, len, "session%u", id);
}

static void iscsi_fill(struct mp_topo_path *p, int host)
{
	char addr[64], port[16];
	unsigned id;

	read_attr(p->iscsi_target, sizeof(p->iscsi_target), "class/iscsi_session/%s/targetname",
		  p->iscsi_session);
	read_attr(p->iscsi_iface, sizeof(p->iscsi_iface), "class/iscsi_session/%s/ifacename",
		  p->iscsi_session);
	/* software iSCSI has one host per session; it reports the NIC its iface is bound to */
	if (host >= 0)
		read_attr(p->iscsi_netdev, sizeof(p->iscsi_netdev), "class/iscsi_host/host%d/netdev", host);
	if (streq(p->iscsi_netdev, "default") || streq(p->iscsi_netdev, "<NULL>"))
		p->iscsi_netdev[0] = '\0';
	if (sscanf(p->iscsi_session, "session%u", &id) != 1)
		return;
	/* open-iscsi runs one connection per session, always number 0. */
	read_attr(addr, sizeof(addr), "class/iscsi_connection/connection%u:0/persistent_address", id);
	read_attr(port, sizeof(port), "class/iscsi_connection/connection%u:0/persistent_port", id);
	if (!addr[0])
		return;
	snprintf(p->iscsi_portal, sizeof(p->iscsi_portal), strchr(addr, ':') ? "[%s]:%s" : "%s:%s",
		 addr, port[0] ? port : "3260");
}

static void transport_fill(struct mp_topo_path *p, int host)
{
	char path[PATH_MAX], real[PATH_MAX];

	snprintf(p->transport, sizeof(p->transport), "unknown");
	if (mp_sysfs_path(path, sizeof(path), "block/%s/device", p->dev) < 0 || !realpath(path, real))
		return;
	iscsi_session_of(real, p->iscsi_session, sizeof(p->iscsi_session));
	if (p->iscsi_session[0]) {
		snprintf(p->transport, sizeof(p->transport), "iscsi");
		iscsi_fill(p, host);
	} else if (strstr(real, "/rport-")) {
		snprintf(p->transport, sizeof(p->transport), "fc");
	} else if (strstr(real, "/end_device-")) {
		snprintf(p->transport, sizeof(p->transport), "sas");
	} else if (host >= 0) {
		char proc_name[sizeof(p->transport)];

		read_attr(proc_name, sizeof(proc_name), "class/scsi_host/host%d/proc_name", host);
		if (proc_name[0])
			memcpy(p->transport, proc_name, sizeof(proc_name));
	}
}

/* The kernel caches VPD page 0x83 (vpd_pg83): reading it sends no command. */
static void vpd83_fill(struct mp_topo_path *p, struct mp_path_facts *f)
{
	char path[PATH_MAX];
	struct mp_vpd83 vpd = { 0 };
	_cleanup_close_ int fd = -1;
	ssize_t n;

	f->vpd83_len = 0;
	if (mp_sysfs_path(path, sizeof(path), "block/%s/device/vpd_pg83", p->dev) < 0)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, f->vpd83, sizeof(f->vpd83));
	if (n <= 0)
		return;
	f->vpd83_len = (size_t)n;
	if (mp_vpd83_parse(f->vpd83, f->vpd83_len, &vpd) < 0)
		return;
	p->tpg = mp_vpd83_target_port_group(&vpd);
	p->relative_port = mp_vpd83_relative_port(&vpd);
	if (p->tpg < 0)
		p->tpg = -1;
	if (p->relative_port < 0)
		p->relative_port = -1;
	mp_vpd83_release(&vpd);
}

/* Byte 5 of the standard INQUIRY data the kernel cached ("inquiry"): TPGS in bits 4-5. */
static int inquiry_tpgs(const char *dev)
{
	char path[PATH_MAX];
	unsigned char inq[8];
	_cleanup_close_ int fd = -1;

	if (mp_sysfs_path(path, sizeof(path), "block/%s/device/inquiry", dev) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, inq, sizeof(inq)) < 6)
		return -1;
	return (inq[5] >> 4) & 0x3;
}

int mp_path_read_alua(const char *dev, struct mp_path_alua *ret)
{
	struct mp_path_alua a = { .tpgs = -1 };

	if (!dev_name_valid(dev))
		return -EINVAL;
	a.tpgs = inquiry_tpgs(dev);
	read_attr(a.dh_state, sizeof(a.dh_state), "block/%s/device/dh_state", dev);
	/* both read -EINVAL (so empty) while no device handler is attached */
	read_attr(a.access_state, sizeof(a.access_state), "block/%s/device/access_state", dev);
	read_attr(a.preferred_path, sizeof(a.preferred_path), "block/%s/device/preferred_path", dev);
	*ret = a;
	return 0;
}

int mp_path_read_state(const char *dev, char *buf, size_t len)
{
	char rel[64];

	if (!dev_name_valid(dev))
		return -EINVAL;
	snprintf(rel, sizeof(rel), "block/%s/device/state", dev);
	buf[0] = '\0';
	if (mp_sysfs_read_attr(rel, buf, len) < 0)
		return -ENODEV;
	trim_right(buf);
	return 0;
}

int mp_path_dev_for_devt(const char *devt, char *buf, size_t len)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "dev/block/%s", devt);
	return sysfs_link_name(rel, buf, len);
}

int mp_path_read_facts(const char *dev, struct mp_topo_path *ret, struct mp_path_facts *ret_facts)
{
	struct mp_topo_path p = { .tpg = -1, .relative_port = -1 };
	struct mp_path_facts f = { .host = -1 };
	char rel[64], size[32];
	unsigned host;

	if (!dev_name_valid(dev))
		return -EINVAL;
	snprintf(p.dev, sizeof(p.dev), "%s", dev);
	read_attr(p.devt, sizeof(p.devt), "block/%s/dev", dev);
	snprintf(rel, sizeof(rel), "block/%s/device", dev);
	if (sysfs_link_name(rel, p.hctl, sizeof(p.hctl)) < 0)
		return -ENODEV;
	if (sscanf(p.hctl, "%u:", &host) == 1)
		f.host = (int)host;
	read_attr(p.vendor, sizeof(p.vendor), "block/%s/device/vendor", dev);
	read_attr(p.product, sizeof(p.product), "block/%s/device/model", dev);
	read_attr(p.revision, sizeof(p.revision), "block/%s/device/rev", dev);
	read_attr(p.dev_state, sizeof(p.dev_state), "block/%s/device/state", dev);
	read_attr(size, sizeof(size), "block/%s/size", dev);
	p.size_sectors = strtoull(size, NULL, 10);
	transport_fill(&p, f.host);
	vpd83_fill(&p, &f);
	mp_path_read_alua(dev, &f.alua);
	if (mp_sg_dev_for_block(NULL, dev, f.sg, sizeof(f.sg)) < 0)
		f.sg[0] = '\0';
	*ret = p;
	if (ret_facts)
		*ret_facts = f;
	return 0;
}
