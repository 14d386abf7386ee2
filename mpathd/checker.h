/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path checkers: one test in flight per path, run off the loop, answered on the loop. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "devio.h"
#include "path_prio.h"
#include "topology.h"

struct daemon;
struct path;

/**
 * struct checker_req - one test of one path, run on a devio worker.
 * @io: the request.
 * @p: the path; NULL once the path is gone (the request is then freed when it returns).
 * @node: the device node the test uses ("/dev/sg3", "/dev/sdc").
 * @timeout_ms: the command's own timeout.
 * @state: the verdict, written by the test.
 * @busy: no verdict: the device could not take the test now; tested again later.
 * @error: -errno of a failed open or command, for the log.
 */
struct checker_req {
	struct devio_req io;
	struct path *p;
	char node[48];
	unsigned timeout_ms;
	enum mp_checker_state state;
	bool busy;
	int error;
	/* the same test reads the device's state, and for a failed path its identity */
	char dev[32];
	char sg[16];
	char dev_state[16];
	bool verify_identity;
	char vpd_wwid[128];	/* from a fresh INQUIRY of VPD page 0x83; "" when not read */
	int tpg;
	bool want_rtpg;
	struct prio_sample prio;	/* priority inputs, read after the test */
};

/**
 * struct checker_ops - one way of testing a path.
 * @name: as in `path_checker`: "tur", "directio".
 * @node: the device node it tests @p through, into @buf; 0 or -errno (not checkable).
 * @run: the test itself, on a worker thread: open, command or read, close; sets the verdict.
 */
struct checker_ops {
	const char *name;
	int (*node)(const struct path *p, char *buf, size_t len);
	void (*run)(struct checker_req *req);
};

extern const struct checker_ops checker_tur_ops;
extern const struct checker_ops checker_directio_ops;

/* ---- what the rest of the daemon calls (checker.c) ---- */

/* Start testing @p with the checker its settings name (path_checker); 0 or -errno. */
int checker_start(struct daemon *d, struct path *p);
/* Start testing @p unless it is tested already: when a map claims it. */
void checker_claimed(struct daemon *d, struct path *p);
/* Stop testing @p; a test in flight is left to finish on its own. */
void checker_stop(struct path *p);
/* Test @p now: after a dm event, a link or session coming up, or an administrator's reinstate. */
void checker_kick(struct daemon *d, struct path *p);
/* Test @p now and, while it keeps failing, every 20 ms for @for_usec: its transport is back. */
void checker_recheck_soon(struct daemon *d, struct path *p, uint64_t for_usec);
void checker_path_state_changed(struct daemon *d, struct path *p, enum mp_checker_state st);
/* After a reload: restart @p's checker when its path_checker changed. */
void checker_config_changed(struct daemon *d, struct path *p);
