/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Failing a session fast: its recovery timeout, and aborting its TCP connection through sock_diag. */
#pragma once

#include "sessions.h"

/**
 * conn_fail_fast() - make session @s fail its I/O now instead of after NOP-out and recovery.
 * @s: a logged-in session whose link is known dead (its NIC lost its carrier).
 * @local_addr: the IPv4 address of the NIC the session is bound to.
 * @ifindex: that NIC's index: a socket bound to a device is found only with it.
 *
 * On a detached thread of its own (the calls below can wait on the connection's locks):
 * writes 0 to the session's recovery_tmo (so its commands fail at once once it is blocked,
 * and dm-multipath retries them on other paths), then aborts its TCP connection with
 * SOCK_DESTROY (the 4-tuple from iscsi_connection's address, port and local_port), so the
 * kernel reports the connection error now. iscsid then recovers the session as after any
 * connection error. The thread logs the outcome (a failure, e.g. -EOPNOTSUPP without
 * CONFIG_INET_DIAG_DESTROY, as a warning).
 *
 * Return: 0 once the thread runs, or -errno.
 */
int conn_fail_fast(const struct isess_session *s, const char *local_addr, int ifindex);
