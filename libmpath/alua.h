/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ALUA: REPORT TARGET PORT GROUPS data, the kernel's access_state attributes, and multipath-tools' alua priorities. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Build the command with mp_cdb_report_tpgs() (scsi_cdb.h): MAINTENANCE IN (0xa3),
 * service action 0x0a, a 4-byte allocation length, optionally the extended header.
 * multipath-tools 0.9.4 asks for the standard header with 4096 bytes first and asks
 * again with 4 + RETURN DATA LENGTH when the data says it is longer.
 */
#define MP_RTPG_ALLOC_DEFAULT 4096

/* Asymmetric access states (SPC-4), as carried by RTPG and referral descriptors. */
enum mp_alua_state {
	MP_ALUA_ACTIVE_OPTIMIZED = 0x0,
	MP_ALUA_ACTIVE_NON_OPTIMIZED = 0x1,
	MP_ALUA_STANDBY = 0x2,
	MP_ALUA_UNAVAILABLE = 0x3,
	MP_ALUA_LBA_DEPENDENT = 0x4,
	MP_ALUA_OFFLINE = 0xe,
	MP_ALUA_TRANSITIONING = 0xf,
};

/* Supported-state bits: byte 1 of a target port group descriptor. */
#define MP_ALUA_SUP_TRANSITIONING  0x80
#define MP_ALUA_SUP_OFFLINE        0x40
#define MP_ALUA_SUP_LBA_DEPENDENT  0x10
#define MP_ALUA_SUP_UNAVAILABLE    0x08
#define MP_ALUA_SUP_STANDBY        0x04
#define MP_ALUA_SUP_NON_OPTIMIZED  0x02
#define MP_ALUA_SUP_OPTIMIZED      0x01

/* STATUS CODE of a target port group descriptor. */
#define MP_ALUA_STATUS_NONE            0x0
#define MP_ALUA_STATUS_SET_BY_STPG     0x1
#define MP_ALUA_STATUS_IMPLICIT_CHANGE 0x2

/**
 * struct mp_alua_group - one target port group descriptor.
 * @id: the target port group.
 * @state: the asymmetric access state (enum mp_alua_state; 0x5..0xd are reserved
 *	values, kept as sent).
 * @pref: the PREF bit: this group is a preferred one.
 * @supported: MP_ALUA_SUP_* bits.
 * @status: MP_ALUA_STATUS_* (other values kept as sent).
 * @vendor: the vendor specific byte.
 * @nr_ports: entries in @ports.
 * @ports: the relative target port identifiers; points into the owning &struct mp_rtpg.
 */
struct mp_alua_group {
	uint16_t id;
	uint8_t state;
	bool pref;
	uint8_t supported;
	uint8_t status;
	uint8_t vendor;
	uint8_t nr_ports;
	const uint16_t *ports;
};

/**
 * struct mp_rtpg - parsed REPORT TARGET PORT GROUPS data.
 * @extended: the data used the extended header (format type 001b).
 * @transition_time: IMPLICIT TRANSITION TIME in seconds (extended header only, else 0).
 * @nr_groups: entries in @groups.
 * @groups: the descriptors in the order sent; owned, free with mp_rtpg_release().
 * @ports: storage for every group's @ports; owned.
 */
struct mp_rtpg {
	bool extended;
	uint8_t transition_time;
	size_t nr_groups;
	struct mp_alua_group *groups;
	uint16_t *ports;
};

/**
 * mp_rtpg_response_len() - the size of the whole response: 4 + RETURN DATA LENGTH.
 *
 * Return: the size (up to 4 + 0xffffffff: cap the allocation length of a re-issue),
 * or 0 when @len < 4.
 */
size_t mp_rtpg_response_len(const uint8_t *buf, size_t len);

/**
 * mp_rtpg_parse() - parse REPORT TARGET PORT GROUPS parameter data.
 * @buf: the data, as transferred.
 * @len: bytes transferred (allocation length minus residual).
 * @extended_requested: the command asked for the extended header. Only then is the
 *	format type in byte 4 looked at (a device may still answer in the standard
 *	format, as the kernel's ALUA handler allows); otherwise byte 4 starts the first
 *	descriptor, as multipath-tools reads it.
 * @ret: written only on success; release with mp_rtpg_release().
 *
 * Bytes after 4 + RETURN DATA LENGTH are ignored. Every descriptor must fit inside it
 * whole, with its TARGET PORT COUNT relative port entries.
 *
 * Return: 0; -EMSGSIZE when the response is longer than @len (re-issue with
 * mp_rtpg_response_len() bytes); -EBADMSG for data shorter than its header, a
 * descriptor cut short or overrunning the data, or an unknown header format; -ENOMEM.
 */
int mp_rtpg_parse(const uint8_t *buf, size_t len, bool extended_requested, struct mp_rtpg *ret);

/** mp_rtpg_release() - free the groups; @rtpg may be reused. Accepts NULL. */
void mp_rtpg_release(struct mp_rtpg *rtpg);

/**
 * mp_rtpg_find_group() - the first descriptor of target port group @id.
 *
 * multipath-tools' alua prioritizer takes the path's group from the target port group
 * designator of VPD page 0x83 (mp_vpd83_target_port_group()) and uses the first
 * descriptor with that id when a device lists one twice.
 *
 * Return: the group (owned by @rtpg), or NULL.
 */
const struct mp_alua_group *mp_rtpg_find_group(const struct mp_rtpg *rtpg, uint16_t id);

/**
 * mp_rtpg_find_port() - the first group that lists relative target port @rel_port
 * (VPD 0x83's relative target port designator, mp_vpd83_relative_port()).
 *
 * Return: the group (owned by @rtpg), or NULL.
 */
const struct mp_alua_group *mp_rtpg_find_port(const struct mp_rtpg *rtpg, uint16_t rel_port);

/**
 * mp_alua_state_name() - the kernel's name of @state, as /sys/.../access_state shows it:
 * "active/optimized", "active/non-optimized", "standby", "unavailable",
 * "lba-dependent", "offline", "transitioning"; "reserved" for other values.
 */
const char *mp_alua_state_name(uint8_t state);

/**
 * mp_alua_state_from_sysfs() - the state named by the access_state attribute.
 * @text: the attribute as read (a trailing newline is fine).
 *
 * The text must start with one of the names mp_alua_state_name() gives, which is how
 * multipath-tools' sysfs prioritizer compares it.
 *
 * Return: the enum mp_alua_state value; -EINVAL for NULL or any other text (the kernel
 * shows "unknown" when the handler knows no state yet).
 */
int mp_alua_state_from_sysfs(const char *text);

/**
 * mp_alua_pref_from_sysfs() - the preferred_path attribute as multipath-tools reads it.
 * @text: the attribute as read, or NULL when it could not be read.
 *
 * Return: true for a number other than 0 (strtoul, any base prefix); false for 0,
 * NULL, text that is not a number, a value that overflows, or 16 bytes or more (too
 * long for multipath-tools' buffer).
 */
bool mp_alua_pref_from_sysfs(const char *text);

/**
 * mp_alua_exclusive_pref() - whether prio_args holds the word "exclusive_pref_bit".
 *
 * Like multipath-tools, only the first occurrence counts, and it must be a whole word
 * (blank or string edge on both sides).
 */
bool mp_alua_exclusive_pref(const char *prio_args);

/**
 * mp_alua_prio() - the priority of multipath-tools' alua and sysfs prioritizers.
 * @state: an enum mp_alua_state value, or a negative value for "unknown".
 * @pref: the group's PREF bit (alua) or preferred_path (sysfs).
 * @exclusive_pref: prio_args "exclusive_pref_bit".
 *
 * active/optimized 50, active/non-optimized 10, lba-dependent 5, standby 1, anything
 * else (unavailable, offline, transitioning, reserved, unknown) 0. A preferred path
 * gets 80 more, except an active/optimized one unless @exclusive_pref is set: so by
 * default optimized paths score 50 whether preferred or not, and a preferred
 * non-optimized path (90) outranks them.
 *
 * Return: the priority, 0..130.
 */
int mp_alua_prio(int state, bool pref, bool exclusive_pref);
