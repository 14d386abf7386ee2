/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The path checkers' common contract: one test in flight per path, answered on the event loop. */
#pragma once

#include "daemon.h"

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
