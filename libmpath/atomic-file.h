/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replacing a small state file all-or-nothing: temp file, fsync, rename, fsync the folder. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/**
 * mp_file_write_atomic() - replace @path with @len bytes of @data.
 * @path: the file; its folder must exist.
 * @data: the new content.
 * @len: its length.
 * @mode: permissions for a new file; an existing file keeps its own.
 *
 * Writes "<path>.XXXXXX" in the same folder, fsyncs it, renames it over
 * @path and fsyncs the folder, so a crash leaves either the old or the new
 * content, never a mix. The temp file is removed on failure.
 *
 * Return: 0 or -errno.
 */
int mp_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode);

/**
 * mp_file_read_lines() - feed each line of a text file to a callback.
 * @path: the file; a missing file has no lines.
 * @line_fn: gets each line (with its newline, writable) and its 1-based number;
 *           returns a count to add up, or -errno to stop.
 * @userdata: passed to @line_fn.
 *
 * Return: the sum of @line_fn's counts, or -errno.
 */
int mp_file_read_lines(const char *path, int (*line_fn)(void *userdata, char *line, unsigned lineno),
		       void *userdata);
