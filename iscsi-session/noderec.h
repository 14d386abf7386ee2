/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CHAP credentials written straight into open-iscsi's node record files, never on a command line. */
#pragma once

#include "iscsiadm.h"

/* Where open-iscsi keeps node records and its database lock (iscsiadm, iscsid, libopeniscsiusr). */
#define NODEREC_NODES_DIR "/etc/iscsi/nodes"
#define NODEREC_LOCK_DIR "/run/lock/iscsi"

/*
 * How long noderec_set_chap() waits for the lock. iscsiadm holds it for milliseconds at a
 * time; a lock still held after this is stuck or belongs to a long scan.
 */
#define NODEREC_LOCK_WAIT_MS 2000

/* The longest value open-iscsi reads back whole (its AUTH_STR_MAX_LEN and VALUE_MAXVAL, 256 with the NUL). */
#define NODEREC_VALUE_MAX 255

/**
 * noderec_set_chap() - set CHAP credentials in the node record of @n.
 * @nodes_dir: open-iscsi's node folder (NULL: NODEREC_NODES_DIR).
 * @lock_dir: open-iscsi's lock folder (NULL: NODEREC_LOCK_DIR); created when missing.
 * @n: the record: <nodes_dir>/<target>/<addr>,<port>,<tpgt>/<iface>, the layout iscsiadm
 *     makes for a record with a portal group tag. The flat <addr>,<port> file of old
 *     records is not supported. @n->tpgt must be 0 or more.
 * @chap: the credentials. node.session.auth.authmethod becomes CHAP, and each field that
 *        is not NULL replaces its line (node.session.auth.username, .password, .username_in,
 *        .password_in) or, when the record has none, is added before "# END RECORD". A NULL
 *        field leaves its line as it is. Later copies of a line it sets are dropped (open-iscsi
 *        would read the last one). Every other line stays byte for byte.
 *
 * Holds iscsiadm's write lock (a link from <lock_dir>/lock to <lock_dir>/lock.write) while it
 * reads the record, writes the new one to a temporary file in the same folder (mode 0600),
 * fsyncs it, renames it over the record and fsyncs the folder. The buffers that held the
 * record are wiped before they are freed; nothing is logged. This blocks (up to
 * NODEREC_LOCK_WAIT_MS for the lock, then disk I/O): run it off the event loop.
 *
 * Return: 0; -EINVAL when a name of @n is empty, ".", ".." or holds '/', when @n->tpgt is
 * negative, or when a value is empty, longer than NODEREC_VALUE_MAX, holds '\n' or starts or
 * ends with white space (open-iscsi would not read it back as given); -ENOENT when there is
 * no such record; -ETIMEDOUT when the lock stays taken; another -errno on I/O errors.
 */
int noderec_set_chap(const char *nodes_dir, const char *lock_dir, const struct iscsiadm_node *n,
		     const struct iscsiadm_chap *chap);
