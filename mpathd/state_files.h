/* SPDX-License-Identifier: GPL-2.0-or-later */
/* State files (bindings, wwids, plugin state, created maps) written off the loop, newest content wins. */
#pragma once

#include <stdbool.h>

struct daemon;

/*
 * state_files_start() - route libmpath's state file writes (mp_file_write_atomic()) to devio
 * workers: the loop hands over a copy and goes on; fsync waits on a worker. Writes of one
 * file never overlap: a write that arrives while the file is being written replaces any
 * queued one and runs next, so the file ends with the newest content.
 */
void state_files_start(struct daemon *d);

/* state_files_stop() - write what is queued, now (the process is stopping), and go back to direct writes. */
void state_files_stop(struct daemon *d);

/* The record of the maps this mpathd created (so a restart may still remove them). */
#define STATE_CREATED_MAPS "/run/mpathd/created-maps"

/* state_created_load() - read the record into d->created at start-up. */
void state_created_load(struct daemon *d);

/* state_created_set() - add or drop @name in the record and save it. */
void state_created_set(struct daemon *d, const char *name, bool created);
