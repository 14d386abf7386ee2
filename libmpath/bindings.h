/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The alias bindings file: "<alias> <wwid>" per line, like multipath-tools' /etc/multipath/bindings. */
#pragma once

#include <stddef.h>

#define MP_BINDINGS_DEFAULT_PREFIX "mpath"
/* Device-mapper names are at most 127 bytes (DM_NAME_LEN - 1). */
#define MP_ALIAS_MAX_LEN 127

struct mp_binding {
	char *alias;
	char *wwid;
};

/** struct mp_bindings - the bindings of one file, in file order. */
struct mp_bindings {
	char *path;
	char *prefix;
	size_t nr;
	struct mp_binding *entries;
};

/**
 * mp_bindings_load() - read a bindings file.
 * @path: the file; a missing file gives an empty set.
 * @prefix: the prefix of allocated aliases, e.g. "mpath".
 * @ret: receives the bindings; free with mp_bindings_free().
 *
 * Lines are "<alias> <wwid>"; "#" starts a comment; blank lines are fine.
 * Malformed lines and lines that rebind an alias or a wwid already seen are
 * logged as "<file>:<line>: ..." warnings and skipped; the first binding wins.
 *
 * Return: the number of skipped lines (0 or more), or -errno when the file
 * cannot be read.
 */
int mp_bindings_load(const char *path, const char *prefix, struct mp_bindings **ret);

/** mp_bindings_free() - free @b; accepts NULL. */
void mp_bindings_free(struct mp_bindings *b);

static inline void mp_bindings_freep(struct mp_bindings **b)
{
	mp_bindings_free(*b);
}
#define _cleanup_mp_bindings_ __attribute__((cleanup(mp_bindings_freep)))

/** mp_bindings_alias() - the alias bound to @wwid, or NULL. */
const char *mp_bindings_alias(const struct mp_bindings *b, const char *wwid);

/** mp_bindings_wwid() - the wwid bound to @alias, or NULL. */
const char *mp_bindings_wwid(const struct mp_bindings *b, const char *alias);

/**
 * mp_alias_format() - the alias with sequence number @index: bijective base 26,
 * so 0 is "<prefix>a", 25 "<prefix>z", 26 "<prefix>aa", 27 "<prefix>ab", 702 "<prefix>aaa".
 * @prefix: the alias prefix.
 * @index: the sequence number.
 * @ret: receives the alias; caller frees.
 *
 * Return: 0, -ENAMETOOLONG past MP_ALIAS_MAX_LEN, -ENOMEM.
 */
int mp_alias_format(const char *prefix, unsigned long index, char **ret);

/**
 * mp_alias_index() - the sequence number of @alias under @prefix.
 * Return: 0 and *@ret set, or -EINVAL when @alias is not "<prefix>[a-z]+"
 * (or too long to number).
 */
int mp_alias_index(const char *prefix, const char *alias, unsigned long *ret);

/**
 * mp_bindings_next_alias() - the lowest-numbered free alias under the bindings' prefix.
 * @b: the bindings.
 * @ret: receives the alias; caller frees.
 *
 * Gaps left by deleted lines are reused first, as multipath-tools does.
 *
 * Return: 0 or -ENOMEM.
 */
int mp_bindings_next_alias(const struct mp_bindings *b, char **ret);

/**
 * mp_bindings_add() - bind @alias to @wwid in memory (mp_bindings_save() writes it).
 * Return: 1 if added, 0 if exactly this binding exists, -EEXIST if the alias
 * or the wwid is bound to something else, -EINVAL for a malformed alias
 * (whitespace, control characters, "/", too long) or wwid, -ENOMEM.
 */
int mp_bindings_add(struct mp_bindings *b, const char *alias, const char *wwid);

/**
 * mp_bindings_save() - write the bindings to their file atomically (mode 0600 when new).
 * Return: 0 or -errno.
 */
int mp_bindings_save(const struct mp_bindings *b);

/**
 * mp_bindings_assign() - the alias of @wwid, allocating and saving a new one if needed.
 * @b: the bindings.
 * @wwid: the wwid.
 * @ret_alias: receives the alias, owned by @b.
 *
 * A new binding is dropped again if it cannot be saved.
 *
 * Return: 1 when a new alias was allocated and saved, 0 when one existed, -errno.
 */
int mp_bindings_assign(struct mp_bindings *b, const char *wwid, const char **ret_alias);
