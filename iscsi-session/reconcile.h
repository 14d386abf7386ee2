/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reconciler: the logins and logouts that take the sessions from what exists to what is wanted. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "layout.h"

/**
 * struct reconcile_session - one manager-owned session that exists.
 * @sid: its session id.
 * @target, @addr, @port, @nic: its node (volume, portal) and the NIC of its iface.
 * @logged_in: the kernel says LOGGED_IN.
 * @working: logged in and the host uses at least one of its paths.
 * @logout_pending: a logout of it is running.
 */
struct reconcile_session {
	unsigned sid;
	const char *target;
	const char *addr;
	unsigned port;
	const char *nic;
	bool logged_in;
	bool working;
	bool logout_pending;
};

/**
 * struct reconcile_input - what is wanted and what is there.
 * @desired: the plan's sessions.
 * @n_desired: their number.
 * @actual: the manager's sessions that exist.
 * @n_actual: their number.
 * @pending: sessions whose login is running (target, portal and NIC set).
 * @n_pending: their number.
 * @gone: targets the group no longer offers (the last discovery succeeded without them);
 *        their sessions may all go, the last working one included.
 * @n_gone: their number.
 */
struct reconcile_input {
	const struct layout_session *desired;
	size_t n_desired;
	const struct reconcile_session *actual;
	size_t n_actual;
	const struct layout_session *pending;
	size_t n_pending;
	const char *const *gone;
	size_t n_gone;
};

enum reconcile_kind {
	RECONCILE_LOGIN,	/* log in desired[index] */
	RECONCILE_LOGOUT,	/* log out session sid */
};

/**
 * struct reconcile_action - one step.
 * @kind: login or logout.
 * @index: for a login, the index into @desired.
 * @sid: for a logout, the session.
 * @why: for a logout, a static reason: "not in the plan", "duplicate", "volume removed".
 */
struct reconcile_action {
	enum reconcile_kind kind;
	size_t index;
	unsigned sid;
	const char *why;
};

/**
 * reconcile_compute() - the steps to take now.
 * @in: the plan, the sessions, the running logins and logouts.
 * @ret: receives a malloc()ed array of actions, logins first; free() it.
 * @ret_n: its length.
 * @ret_held: receives how many logouts wait (new sessions first, or the volume's last
 *            working session); may be NULL.
 *
 * A desired session that exists in any state, or whose login runs, is not logged in
 * again. A session that is not in the plan, or a second one for the same node (the one
 * kept is logged in and working if any, else the newest), is logged out when:
 *  - it is not logged in (it carries nothing) and, for a second session on a node,
 *    another session there is working (until then it may come back first), or
 *  - every desired session of its volume exists and none is being logged in (new before
 *    old), and its volume keeps another working session that is not being logged out.
 * The last working session of a volume is never logged out, unless the group no longer
 * offers the volume (@gone).
 *
 * The function is pure.
 *
 * Return: 0 or -ENOMEM.
 */
int reconcile_compute(const struct reconcile_input *in, struct reconcile_action **ret, size_t *ret_n,
		      size_t *ret_held);
