/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CLI's commands: reads rendered from the snapshot on any thread, changes run on the loop. */
#pragma once

#include <stdbool.h>

struct daemon;

int commands_execute(struct daemon *d, char **argv, int argc, bool json, char **ret_body);

/* typedef command_done_t - a command answered later: its result and body (the callee's). */
typedef void (*command_done_t)(void *ctx, int result, char *body);

/*
 * commands_execute_async() - as commands_execute(), but a command whose work is off the loop
 * (reconfigure reads files on a worker) returns -EINPROGRESS and answers through @done.
 */
int commands_execute_async(struct daemon *d, char **argv, int argc, bool json, char **ret_body,
			   command_done_t done, void *ctx);
bool command_is_read_only(char **argv, int argc);
bool command_needs_root(char **argv, int argc);
int commands_render_read(char **argv, int argc, bool json, char **ret_body);
