/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What sysfs says about a SCSI block device: the one reader of path facts for the daemon and the CLI. */
#pragma once

#include <stddef.h>

#include "topology.h"

/**
 * struct mp_path_alua - what sysfs says about a path's ALUA state (kernel memory only).
 * @tpgs: the TPGS field of the standard INQUIRY data the kernel keeps (0 none, 1 implicit,
 *	2 explicit, 3 both), -1 when unknown.
 * @dh_state: the device handler attached ("alua", "rdac", "detached"...), "" when unknown.
 * @access_state: the ALUA handler's access_state ("active/optimized"...), "" without one.
 * @preferred_path: its preferred_path ("0", "1"), "" without one.
 */
struct mp_path_alua {
	int tpgs;
	char dh_state[16];
	char access_state[32];
	char preferred_path[8];
};

/**
 * mp_path_read_alua() - read @dev's ALUA attributes into @ret (never sends a command).
 * Return: 0, or -EINVAL for a bad name.
 */
int mp_path_read_alua(const char *dev, struct mp_path_alua *ret);

/**
 * struct mp_path_facts - a path's facts beyond its published topology entry.
 * @sg: its sg device ("sg3"), "" when it has none.
 * @host: the SCSI host number, -1 when unknown.
 * @vpd83: the raw VPD page 0x83 the kernel cached (vpd_pg83), for WWIDs and port groups.
 * @vpd83_len: its length; 0 when the kernel has none.
 * @alua: the ALUA attributes.
 */
struct mp_path_facts {
	char sg[16];
	int host;
	unsigned char vpd83[1024];
	size_t vpd83_len;
	struct mp_path_alua alua;
};

/**
 * mp_path_read_facts() - read everything sysfs knows about block device @dev.
 * @dev: the kernel name, "sdb".
 * @ret: receives dev, devt, hctl, vendor, product, revision, size, device state, transport
 *	(iscsi, fc, sas, or the host's driver name: scsi_debug, tcm_loop...), for iSCSI the
 *	session, target, iface, portal ("10.0.0.1:3260", "[fd00::1]:3260") and the NIC the
 *	session's host is bound to, and the target port group and relative port from VPD 0x83.
 *	The WWID is left empty. Fields sysfs does not have stay empty (tpg and relative_port -1).
 * @ret_facts: receives the rest; may be NULL.
 *
 * Reads kernel memory only (attributes the kernel caches); it never sends a command.
 *
 * Return: 0, -ENODEV when @dev is not a SCSI block device (or vanished), -EINVAL for a bad name.
 */
int mp_path_read_facts(const char *dev, struct mp_topo_path *ret, struct mp_path_facts *ret_facts);

/**
 * mp_path_read_state() - @dev's SCSI device state ("running", "offline", "blocked"...) into @buf.
 * Return: 0 or -errno.
 */
int mp_path_read_state(const char *dev, char *buf, size_t len);

/**
 * mp_path_dev_for_devt() - the block device name of "major:minor" @devt into @buf ("sdb").
 * Return: 0, or -errno when no such device exists.
 */
int mp_path_dev_for_devt(const char *devt, char *buf, size_t len);
