/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The alias bindings file: "<alias> <wwid>" per line, like multipath-tools' /etc/multipath/bindings. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define MP_BINDINGS_DEFAULT_PREFIX "mpath"
/* Device-mapper names are at most 127 bytes (DM_NAME_LEN - 1). */
#define MP_ALIAS_MAX_LEN 127

/*
 * The header multipath-tools 0.9.4 writes into a new or empty bindings file (and at the
 * top of a file it rewrites); mpathd writes the same bytes, so the file stays the one
 * multipathd would have written.
 */
#define MP_BINDINGS_HEADER \
	"# Multipath bindings, Version : 1.0\n" \
	"# NOTE: this file is automatically maintained by the multipath program.\n" \
	"# You should not need to edit this file in normal circumstances.\n" \
	"#\n" \
	"# Format:\n" \
	"# alias wwid\n" \
	"#\n"

struct mp_binding {
	char *alias;
	char *wwid;
};

/**
 * struct mp_bindings - the bindings of one file.
 * @path: the file.
 * @prefix: the alias prefix used when a request names none.
 * @nr: entries in @entries.
 * @entries: the bindings in file order, then the ones added since; lookups use these.
 * @nr_loaded: @entries[0..@nr_loaded) are in the file already.
 * @text: the file's bytes as loaded or last written (comments, skipped lines and
 *	all), or NULL when there was no file or it was empty.
 * @nr_file_aliases: entries in @file_aliases.
 * @file_aliases: the first word of every non-blank line of @text, in order, skipped
 *	lines included: multipath-tools counts them all when it picks a free alias.
 * @nr_conflicts: lines that bound an alias already bound to another wwid; multipathd
 *	0.9.4 rewrites the file at start-up when there are any (mp_bindings_rewrite()).
 */
struct mp_bindings {
	char *path;
	char *prefix;
	size_t nr;
	struct mp_binding *entries;
	size_t nr_loaded;
	char *text;
	size_t nr_file_aliases;
	char **file_aliases;
	size_t nr_conflicts;
};

/**
 * mp_bindings_load() - read a bindings file.
 * @path: the file; a missing file gives an empty set.
 * @prefix: the default prefix of allocated aliases (alias_prefix), e.g. "mpath".
 * @ret: receives the bindings; free with mp_bindings_free().
 *
 * Lines are "<alias> <wwid>"; "#" starts a comment; blank lines are fine. As in
 * multipath-tools 0.9.4, words after the wwid are ignored with a warning, and the
 * first binding of an alias or of a wwid wins. Lines without a wwid, lines that
 * rebind an alias (conflicts, counted in nr_conflicts) or a wwid already seen, exact
 * duplicates and names mpathd cannot use as a dm name are skipped with a
 * "<file>:<line>: ..." warning. Skipped lines stay in the file and their aliases
 * still count as used when a new alias is picked.
 *
 * Return: the number of lines warned about (0 or more), or -errno when the file
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
 * struct mp_alias_request - what a map needs a user-friendly name for.
 * @wwid: the map's WWID.
 * @prefix: its alias_prefix; NULL uses the bindings' default prefix.
 * @current: the name the map has in device-mapper now (an existing map being
 *	adopted), or NULL.
 * @taken: optional; returns true when @alias may not be handed out because a dm
 *	device of that name exists that is not this WWID's map. Called only for new
 *	aliases, never for one already bound.
 * @userdata: passed to @taken.
 */
struct mp_alias_request {
	const char *wwid;
	const char *prefix;
	const char *current;
	bool (*taken)(const char *alias, const char *wwid, void *userdata);
	void *userdata;
};

/**
 * mp_bindings_next_alias() - the alias multipath-tools 0.9.4 would allocate next.
 * @b: the bindings.
 * @req: the prefix, and @taken to consult; @req->wwid is only passed to @taken. NULL
 *	means the default prefix and no @taken.
 * @ret: receives the alias; caller frees.
 *
 * lookup_binding()'s single pass over the file's lines in order (then the bindings
 * not yet saved): with ids 1 = "<prefix>a", 2 = "<prefix>b", ..., the id after the
 * run 1, 2, 3... met in order is free when no line with a bigger id came before it
 * in the file; otherwise the biggest id + 1. So a gap is reused when the file is in
 * order ("mpatha, mpathc" gives mpathb) and not otherwise ("mpathc, mpatha" gives
 * mpathb, but "mpathb, mpatha, mpathd" gives mpathe). Aliases with another prefix,
 * or more than 7 letters after it, do not count. Then, while @taken refuses the id,
 * the next one, jumping past the biggest id when the next is used.
 *
 * Return: 0; -ENOSPC when no name is left (or @taken refused 2^20 in a row);
 * -ENAMETOOLONG; -ENOMEM.
 */
int mp_bindings_next_alias(const struct mp_bindings *b, const struct mp_alias_request *req,
			   char **ret);

/**
 * mp_bindings_add() - bind @alias to @wwid in memory (mp_bindings_save() writes it).
 * Return: 1 if added, 0 if exactly this binding exists, -EEXIST if the alias
 * or the wwid is bound to something else, -EINVAL for a malformed alias
 * (whitespace, control characters, "/", too long) or wwid, -ENOMEM.
 */
int mp_bindings_add(struct mp_bindings *b, const char *alias, const char *wwid);

/**
 * mp_bindings_save() - write the file atomically: its bytes as loaded (or the
 * header when there were none), then a "<alias> <wwid>" line per binding added
 * since. The result is what multipathd's append would give, except that a last line
 * without a newline gets one first. A new file gets mode 0600.
 * Return: 0 or -errno.
 */
int mp_bindings_save(struct mp_bindings *b);

/**
 * mp_bindings_rewrite() - write the file anew as multipathd 0.9.4 does when its
 * bindings conflict: the header, then every binding sorted by alias (strcmp, so
 * "mpathaa" before "mpathb"). Comments and skipped lines go.
 * Return: 0 or -errno.
 */
int mp_bindings_rewrite(struct mp_bindings *b);

/**
 * mp_bindings_assign() - the alias of @req->wwid, allocating and saving a new one if needed.
 * @b: the bindings.
 * @req: the map.
 * @ret_alias: receives the alias, owned by @b.
 *
 * As select_alias() in multipath-tools 0.9.4 when user_friendly_names is on:
 * when @req->current is set and bound to this wwid, it is kept; when it is bound to
 * another wwid it is not reused. Otherwise the wwid's binding wins, whatever its
 * prefix. Otherwise a @req->current of the form "<prefix><letters>" is bound to the
 * wwid (the map keeps its name). Otherwise mp_bindings_next_alias() is bound. A new
 * binding is dropped again if it cannot be saved.
 *
 * Return: 1 when a new binding was added and saved, 0 when one existed, -EINVAL for
 * a missing or empty wwid, -errno.
 */
int mp_bindings_assign(struct mp_bindings *b, const struct mp_alias_request *req,
		       const char **ret_alias);
