/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replacing a small state file all-or-nothing: temp file, fsync, rename, fsync the folder. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/**
 * mp_file_replace_now() - replace @path with @len bytes of @data, or remove it.
 * @path: the file; missing folders above it are created (mode 0700).
 * @data: the new content; NULL removes the file (a missing file is fine).
 * @len: its length.
 * @mode: permissions for a new file; an existing file keeps its own.
 *
 * Writes "<path>.XXXXXX" in the same folder, fsyncs it, renames it over
 * @path and fsyncs the folder, so a crash leaves either the old or the new
 * content, never a mix. The temp file is removed on failure. This blocks
 * for as long as the disk takes.
 *
 * Return: 0 or -errno.
 */
int mp_file_replace_now(const char *path, const char *data, size_t len, mode_t mode);

/**
 * typedef mp_file_writer_fn - replaces files for mp_file_write_atomic(): the daemon's
 * writer queues the write (mp_file_replace_now()) to a worker and returns at once.
 * Same arguments and return as mp_file_replace_now(); it must copy @data.
 */
typedef int (*mp_file_writer_fn)(const char *path, const char *data, size_t len, mode_t mode,
				 void *userdata);

/** mp_file_set_writer() - route mp_file_write_atomic() through @fn (NULL: write at once). */
void mp_file_set_writer(mp_file_writer_fn fn, void *userdata);

/**
 * mp_file_write_atomic() - replace (or with @data NULL remove) a state file: through the
 * writer mp_file_set_writer() installed, else mp_file_replace_now() at once.
 *
 * Return: 0 or -errno (with a writer: only errors it can see at once).
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
