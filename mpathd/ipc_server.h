/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CLI socket: reads answered from the snapshot, changes forwarded to the loop. */
#pragma once

struct daemon;

int ipc_server_start(struct daemon *d, const char *path);
void ipc_server_stop(struct daemon *d);
