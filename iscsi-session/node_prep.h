/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Node records the manager has set up for its logins: remembered in memory, CHAP written off the loop. */
#pragma once

#include <stdbool.h>

#include "layout.h"

struct isess;
struct op;

/* Whether this manager set up @node's record (settings and CHAP) since its last reconfigure. */
bool node_prep_known(const struct isess *m, const struct layout_session *node);
/* Remember that @node's record is set up; a failure to remember only costs a second set-up. */
void node_prep_remember(struct isess *m, const struct layout_session *node);
/* Forget @node (its login failed, or its record was deleted). */
void node_prep_forget(struct isess *m, const struct layout_session *node);
/* Forget every node of @target (its records were deleted). */
void node_prep_forget_target(struct isess *m, const char *target);

/**
 * node_prep_chap() - write the CHAP secrets into @op's node record, off the loop
 * (noderec_set_chap(): they never go on a command line).
 * @op: a login op; its node's record exists.
 * @then: on the loop when done, with 0 or -errno, unless @op ended first.
 *
 * Return: 0, or -errno (nothing runs).
 */
int node_prep_chap(struct op *op, void (*then)(struct op *op, int result));
