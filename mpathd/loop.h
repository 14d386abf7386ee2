/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's event loop, timed: a dispatch that holds the loop too long is logged. */
#pragma once

#include <systemd/sd-event.h>

/*
 * Runs @e as sd_event_loop() does, until it exits; returns its exit code or -errno.
 * A single dispatch longer than 250 ms is logged as a warning with its length: nothing on
 * the loop may block, and the line after the handler's own log lines says which one did.
 */
int loop_run(sd_event *e);
