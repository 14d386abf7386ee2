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
