/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iscsiadm command lines the manager runs, and the parsers of what they print. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "layout.h"

/* Every manager-owned iface is named ISCSIADM_IFACE_PREFIX + the NIC name. */
#define ISCSIADM_IFACE_PREFIX "mpathd-"
#define ISCSIADM_IFACE_MAX (sizeof(ISCSIADM_IFACE_PREFIX) + ISESS_NIC_MAX)

/* The longest command line the builders make, in words. */
#define ISCSIADM_ARGV_MAX 64

/**
 * struct iscsiadm_cmd - one command line; the words point into @buf or at constants.
 * @argv: NULL-terminated.
 */
struct iscsiadm_cmd {
	char *argv[ISCSIADM_ARGV_MAX];
	char buf[1024];
	size_t used;
	size_t argc;
};

/**
 * struct iscsiadm_node - the node record of one session: target, portal and iface.
 * @target: the target name.
 * @addr, @port: the portal.
 * @tpgt: its portal group tag, or -1. Give it: without one, open-iscsi keeps a single
 *        record per target and portal, whatever the iface, so a second iface's record
 *        replaces the first.
 * @iface: the open-iscsi iface name.
 */
struct iscsiadm_node {
	const char *target;
	const char *addr;
	unsigned port;
	int tpgt;
	const char *iface;
};

/**
 * struct iscsiadm_chap - CHAP credentials for node records; NULL fields are not set.
 * @username, @password: what the initiator sends.
 * @username_in, @password_in: what the target must send back (mutual CHAP), or NULL.
 */
struct iscsiadm_chap {
	const char *username, *password;
	const char *username_in, *password_in;
};

/** iscsiadm_iface_name() - "mpathd-<nic>" into @buf (ISCSIADM_IFACE_MAX bytes). */
void iscsiadm_iface_name(const char *nic, char *buf, size_t size);
/** iscsiadm_iface_nic() - the NIC of a manager iface name, or NULL for another iface. */
const char *iscsiadm_iface_nic(const char *iface);

/*
 * Builders: each fills @cmd with one command line starting with @prog (the iscsiadm
 * binary) and returns 0, or -ENAMETOOLONG when it does not fit.
 */
/* iscsiadm -m iface -I IFACE -o new */
int iscsiadm_iface_new(struct iscsiadm_cmd *cmd, const char *prog, const char *iface);
/* iscsiadm -m iface -I IFACE -o update -n iface.net_ifacename -v NIC */
int iscsiadm_iface_bind(struct iscsiadm_cmd *cmd, const char *prog, const char *iface, const char *nic);
/* iscsiadm -m iface -I IFACE -o delete */
int iscsiadm_iface_delete(struct iscsiadm_cmd *cmd, const char *prog, const char *iface);
/*
 * SendTargets through @addr:@port, bound to @iface (NULL: routed), printing the records
 * without storing them: iscsiadm -m discovery -t st -p ADDR:PORT [-I IFACE] -o nonpersistent
 */
int iscsiadm_discover(struct iscsiadm_cmd *cmd, const char *prog, const char *addr, unsigned port,
		      const char *iface);
/* iscsiadm -m node -o new -T TARGET -p PORTAL -I IFACE */
int iscsiadm_node_new(struct iscsiadm_cmd *cmd, const char *prog, const struct iscsiadm_node *n);
/*
 * The settings of a manager-owned node in one update: node.startup manual (the manager
 * logs in, not iscsid at boot), login_timeout @login_timeout, initial_login_retry_max 1,
 * and, when @chap is not NULL, authmethod CHAP and its user names. Never its passwords: a
 * command line is public (/proc/PID/cmdline); noderec_set_chap() writes those.
 */
int iscsiadm_node_settings(struct iscsiadm_cmd *cmd, const char *prog, const struct iscsiadm_node *n,
			   unsigned login_timeout, const struct iscsiadm_chap *chap);
/* iscsiadm -m node -T TARGET -p PORTAL -I IFACE --login */
int iscsiadm_node_login(struct iscsiadm_cmd *cmd, const char *prog, const struct iscsiadm_node *n);
/* iscsiadm -m node -o delete -T TARGET -p PORTAL -I IFACE */
int iscsiadm_node_delete(struct iscsiadm_cmd *cmd, const char *prog, const struct iscsiadm_node *n);
/* Every record of a target the group no longer offers: iscsiadm -m node -o delete -T TARGET */
int iscsiadm_target_delete(struct iscsiadm_cmd *cmd, const char *prog, const char *target);
/* iscsiadm -m session -r SID --logout */
int iscsiadm_session_logout(struct iscsiadm_cmd *cmd, const char *prog, unsigned sid);
/* A second session on an existing session's node record: iscsiadm -m session -r SID -o new */
int iscsiadm_session_new(struct iscsiadm_cmd *cmd, const char *prog, unsigned sid);

/**
 * iscsiadm_is_secret() - whether @argv[@i] is a CHAP password value (for runner_set_redact()).
 */
bool iscsiadm_is_secret(char *const *argv, size_t i);

/**
 * struct iscsiadm_record - one SendTargets record.
 * @addr: the portal address, canonical, without brackets.
 * @port: its port.
 * @tpgt: its target portal group tag.
 * @target: the target name.
 */
struct iscsiadm_record {
	char addr[ISESS_ADDR_MAX];
	unsigned port;
	int tpgt;
	char target[ISESS_TARGET_MAX];
};

/**
 * iscsiadm_parse_discovery() - the records of `iscsiadm -m discovery` output.
 * @text: lines "ADDR:PORT,TPGT TARGET" ("[ADDR]:PORT,TPGT TARGET" for IPv6); other
 *        lines (warnings, blank lines) are skipped. A record listed twice (once per
 *        iface) is kept once.
 * @ret: receives a malloc()ed array; free() it.
 * @ret_n: receives its length.
 *
 * Return: 0, or -ENOMEM.
 */
int iscsiadm_parse_discovery(const char *text, struct iscsiadm_record **ret, size_t *ret_n);

/**
 * iscsiadm_error_name() - the meaning of an iscsiadm exit code (its ISCSI_ERR_* value),
 * e.g. "session exists" for 15, "login failed" for 19, for logs and `mpath iscsi show`.
 */
const char *iscsiadm_error_name(int status);

/* The iscsiadm exit codes the manager treats specially. */
#define ISCSIADM_ERR_SESS_EXISTS 15
#define ISCSIADM_ERR_IDBM 6		/* the node database: a record could not be read or written */
#define ISCSIADM_ERR_NO_OBJS_FOUND 21
#define ISCSIADM_ERR_SESS_NOT_FOUND 2
