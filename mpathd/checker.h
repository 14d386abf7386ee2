/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The path checkers' common contract: one test in flight per path, answered on the event loop. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "topology.h"

struct daemon;
struct path;

/**
 * struct checker_ops - one way of testing a path.
 * @name: as in `path_checker`: "tur", "directio".
 * @open: acquire what testing @p needs (an fd); 0 or -errno. Runs when the path appears.
 * @submit: start one test without blocking; its answer arrives later through checker_done().
 *          0, or -errno when the test could not start (the path counts as failed).
 * @close: release what @open acquired. A test still in flight must stay safe to complete.
 */
struct checker_ops {
	const char *name;
	int (*open)(struct daemon *d, struct path *p);
	int (*submit)(struct daemon *d, struct path *p);
	void (*close)(struct daemon *d, struct path *p);
};

extern const struct checker_ops checker_tur_ops;
extern const struct checker_ops checker_directio_ops;

/* A checker's answer for @p's test in flight (checker.c). @busy: no verdict, try again later. */
void checker_done(struct daemon *d, struct path *p, enum mp_checker_state st, bool busy);

/* checker_directio.c: the daemon-wide AIO context, created on first use. */
void checker_directio_shutdown(struct daemon *d);

/* ---- what the rest of the daemon calls (checker.c) ---- */

/* Start testing @p with the checker its settings name (path_checker); 0 or -errno. */
int checker_start(struct daemon *d, struct path *p);
void checker_stop(struct path *p);
/* Test @p now: after a dm event, a link or session coming up, or an administrator's reinstate. */
void checker_kick(struct daemon *d, struct path *p);
/* Test @p now and, while it keeps failing, every 20 ms for @for_usec: its transport is back. */
void checker_recheck_soon(struct daemon *d, struct path *p, uint64_t for_usec);
void checker_path_state_changed(struct daemon *d, struct path *p, enum mp_checker_state st);
/* After a reload: restart @p's checker when its path_checker changed. */
void checker_config_changed(struct daemon *d, struct path *p);
