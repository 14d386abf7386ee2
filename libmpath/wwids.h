/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The wwids file: "/<wwid>/" per line, the WWIDs that are known to be multipathed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/** struct mp_wwids - the WWIDs of one file, in file order. */
struct mp_wwids {
	char *path;
	size_t nr;
	char **wwids;
};

/**
 * mp_wwids_load() - read a wwids file.
 * @path: the file; a missing file gives an empty set.
 * @ret: receives the set; free with mp_wwids_free().
 *
 * "#" starts a comment; blank lines are fine. Malformed and duplicate lines
 * are logged as "<file>:<line>: ..." warnings and skipped.
 *
 * Return: the number of skipped lines (0 or more), or -errno when the file
 * cannot be read.
 */
int mp_wwids_load(const char *path, struct mp_wwids **ret);

/** mp_wwids_free() - free @w; accepts NULL. */
void mp_wwids_free(struct mp_wwids *w);

static inline void mp_wwids_freep(struct mp_wwids **w)
{
	mp_wwids_free(*w);
}
#define _cleanup_mp_wwids_ __attribute__((cleanup(mp_wwids_freep)))

/** mp_wwids_contains() - whether @wwid is in the set. */
bool mp_wwids_contains(const struct mp_wwids *w, const char *wwid);

/**
 * mp_wwids_add() - add @wwid and save the file atomically.
 * Return: 1 when added and saved, 0 when already present, -EINVAL for a
 * malformed wwid (empty, whitespace, control characters, "/"), or -errno
 * from saving (the set is then unchanged).
 */
int mp_wwids_add(struct mp_wwids *w, const char *wwid);

/**
 * mp_wwids_remove() - remove @wwid and save the file atomically.
 * Return: 1 when removed and saved, 0 when absent, -errno from saving (the set is then unchanged).
 */
int mp_wwids_remove(struct mp_wwids *w, const char *wwid);

/** mp_wwids_save() - write the set to its file atomically (mode 0644 when new); 0 or -errno. */
int mp_wwids_save(const struct mp_wwids *w);
