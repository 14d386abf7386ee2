/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Event sources: udev block events, dm events through DM_DEV_ARM_POLL, rtnetlink links. */
#pragma once

struct daemon;

int events_start(struct daemon *d);
void events_stop(struct daemon *d);
int daemon_enumerate(struct daemon *d);
