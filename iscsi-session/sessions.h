/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The iSCSI sessions that exist, read from sysfs (iscsi_session, iscsi_connection) without blocking. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "layout.h"

enum isess_session_state {
	ISESS_SESSION_UNKNOWN = 0,
	ISESS_SESSION_LOGGED_IN,	/* "LOGGED_IN" */
	ISESS_SESSION_FAILED,		/* "FAILED": in recovery, iscsid reconnecting */
	ISESS_SESSION_FREE,		/* "FREE": being set up or torn down */
};

/**
 * struct isess_session - one session as the kernel shows it.
 * @sid: N of sessionN.
 * @target: its target name.
 * @addr, @port: the portal of its node record (persistent_address/port).
 * @tpgt: its target portal group tag, -1 when unknown.
 * @iface: its open-iscsi iface.
 * @nic: the NIC of a manager-owned iface ("mpathd-<nic>"), "" for other sessions.
 * @state: its state.
 * @recovery_tmo: seconds, -1 when unknown.
 * @devs: its block devices, space separated ("sdb sdc"), cut to fit.
 */
struct isess_session {
	unsigned sid;
	char target[ISESS_TARGET_MAX];
	char addr[ISESS_ADDR_MAX];
	unsigned port;
	int tpgt;
	char iface[72];
	char nic[ISESS_NIC_MAX];
	enum isess_session_state state;
	int recovery_tmo;
	char devs[96];
};

/**
 * isess_sessions_read() - every iSCSI session, in sid order.
 * @ret: receives a malloc()ed array (NULL when there is none); free() it.
 * @ret_n: receives its length.
 *
 * Reads the sysfs root of mp_sysfs_root(), so tests can point it at a fake tree. Only
 * kernel memory is read: no device is touched. A missing iscsi_session class (no iSCSI
 * module loaded) gives an empty list.
 *
 * Return: 0, or -ENOMEM.
 */
int isess_sessions_read(struct isess_session **ret, size_t *ret_n);

/** isess_session_state_name() - "LOGGED_IN", "FAILED", "FREE" or "unknown". */
const char *isess_session_state_name(enum isess_session_state s);

/** isess_session_find() - the session @sid in @s, or NULL. */
const struct isess_session *isess_session_find(const struct isess_session *s, size_t n, unsigned sid);
