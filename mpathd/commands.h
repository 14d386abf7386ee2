/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CLI's commands: reads rendered from the snapshot on any thread, changes run on the loop. */
#pragma once

#include <stdbool.h>

struct daemon;

int commands_execute(struct daemon *d, char **argv, int argc, bool json, char **ret_body);
bool command_is_read_only(char **argv, int argc);
bool command_needs_root(char **argv, int argc);
int commands_render_read(char **argv, int argc, bool json, char **ret_body);
