/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A typed dm-multipath table, its kernel text form, and the multipath status line. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Table text (the constructor parameters, and what DM_TABLE_STATUS returns
 * in table mode):
 *   <#feature words> [features] <#hwh args> [hwh name [args]] <#groups> <initial group>
 *     { <selector> <#sel args> [args] <#paths> <#per-path args> { <major:minor> [args] } }
 *
 * The kernel (Linux 6.1) prints the table back normalized:
 * - features in a fixed order: queue_if_no_path (the current state, which
 *   "fail_if_no_path" and suspend change), pg_init_retries N (only if N > 0),
 *   pg_init_delay_msecs N, retain_attached_hw_handler, queue_mode bio (never
 *   "rq"/"mq", the default);
 * - the hardware handler as "1 <name>", never its arguments, and possibly the
 *   name of the handler already attached to the paths instead of ours;
 * - the group number of the current (or next) group, not the initial one;
 * - paths as major:minor; per-path argument counts as the selector's
 *   table_args, with round-robin, queue-length and service-time repeat
 *   counts forced to 1, historical-service-time's per-path argument as 0
 *   and its group arguments as "<base_weight> <threshold>".
 */

/** struct mp_table_path - one path of a priority group. */
struct mp_table_path {
	char *dev;	/* "major:minor" */
	char **args;	/* NULL-terminated; exactly nr_path_args of the group */
};

/** struct mp_table_group - one priority group. */
struct mp_table_group {
	char *selector;		/* kernel path selector, e.g. "round-robin" */
	char **selector_args;	/* NULL-terminated, may be NULL for none */
	size_t nr_path_args;	/* per-path argument count */
	size_t nr_paths;
	struct mp_table_path *paths;
};

/** struct mp_table - a whole multipath target table. */
struct mp_table {
	char **features;	/* NULL-terminated; one feature with its value per entry, e.g. "pg_init_retries 50" */
	char *hwhandler;	/* NULL for none, e.g. "alua" */
	char **hwhandler_args;	/* NULL-terminated, may be NULL */
	unsigned initial_group;	/* 1-based; 0 only when there are no groups */
	size_t nr_groups;
	struct mp_table_group *groups;
};

/** mp_table_new() - an empty table (no features, no handler, no groups); 0 or -ENOMEM. */
int mp_table_new(struct mp_table **ret);

/** mp_table_free() - free @t and everything it holds; accepts NULL. */
void mp_table_free(struct mp_table *t);

static inline void mp_table_freep(struct mp_table **t)
{
	mp_table_free(*t);
}
#define _cleanup_mp_table_ __attribute__((cleanup(mp_table_freep)))

/**
 * mp_table_add_feature() - append a feature.
 * @t: the table.
 * @feature: the feature and its value as words separated by single spaces,
 *           e.g. "queue_if_no_path" or "pg_init_retries 50".
 *
 * Return: 0, -EINVAL for an empty or malformed feature, -ENOMEM.
 */
int mp_table_add_feature(struct mp_table *t, const char *feature);

/**
 * mp_table_set_hwhandler() - set (or with @name NULL, clear) the hardware handler.
 * @t: the table.
 * @name: e.g. "alua", "emc", "rdac"; NULL for none.
 * @args: NULL-terminated handler arguments, or NULL.
 *
 * Return: 0, -EINVAL for a malformed word, -ENOMEM.
 */
int mp_table_set_hwhandler(struct mp_table *t, const char *name, char *const *args);

/**
 * mp_table_add_group() - append a priority group.
 * @t: the table.
 * @selector: the kernel path selector, e.g. "round-robin".
 * @selector_args: NULL-terminated selector arguments, or NULL.
 * @nr_path_args: how many arguments every path of this group has.
 *
 * The first group added becomes the initial group.
 *
 * Return: the 0-based index of the new group, -EINVAL, or -ENOMEM.
 */
int mp_table_add_group(struct mp_table *t, const char *selector, char *const *selector_args,
		       size_t nr_path_args);

/**
 * mp_table_add_path() - append a path to group @group (0-based).
 * @t: the table.
 * @group: the group index from mp_table_add_group().
 * @dev: "major:minor".
 * @args: NULL-terminated path arguments; exactly the group's nr_path_args.
 *
 * Return: 0, -EINVAL (bad group, malformed word, wrong argument count), -ENOMEM.
 */
int mp_table_add_path(struct mp_table *t, size_t group, const char *dev, char *const *args);

/**
 * mp_table_format() - the parameter string the kernel takes for @t.
 * @t: the table.
 * @ret: receives the text, without a trailing space; caller frees.
 *
 * Checks what the kernel would reject: a group without paths, a path with
 * the wrong argument count, an initial group out of range.
 *
 * Return: 0, -EINVAL, or -ENOMEM.
 */
int mp_table_format(const struct mp_table *t, char **ret);

/**
 * mp_table_parse() - parse table text (ours, or the kernel's table-mode output).
 * @params: the parameters after "multipath"; extra whitespace is allowed.
 * @ret: receives the table; free with mp_table_free().
 *
 * Features are grouped back into one entry per feature ("pg_init_retries 50").
 *
 * Return: 0, -EINVAL for malformed or truncated text, -ENOMEM.
 */
int mp_table_parse(const char *params, struct mp_table **ret);

/** Compare the initial group too (the kernel reports the current group there). */
#define MP_TABLE_EQ_INITIAL_GROUP		(1u << 0)
/** Ignore queue_if_no_path (the kernel reports its current, message-driven state). */
#define MP_TABLE_EQ_IGNORE_QUEUE_IF_NO_PATH	(1u << 1)
/** Ignore the hardware handler name (the kernel may report the one attached to the paths). */
#define MP_TABLE_EQ_IGNORE_HWHANDLER		(1u << 2)

/**
 * mp_table_equal() - whether two tables mean the same to the kernel.
 * @a, @b: the tables, typically the one we would load and the kernel's.
 * @flags: MP_TABLE_EQ_* flags.
 *
 * Compares features by meaning (order, case, "pg_init_retries 0",
 * "queue_mode rq|mq" and the flags implied by "queue_mode bio" do not
 * matter), the hardware handler by name only, groups in order and the paths of each group in any order,
 * and selector and path arguments as the kernel normalizes them for the
 * known selectors (see the top of this header); unknown selectors'
 * arguments are compared word by word.
 */
bool mp_table_equal(const struct mp_table *a, const struct mp_table *b, unsigned flags);

/** mp_table_queue_if_no_path() - whether @t has the queue_if_no_path feature. */
bool mp_table_queue_if_no_path(const struct mp_table *t);

/*
 * Status text (DM_TABLE_STATUS in status mode), as 6.1 prints it:
 *   2 <queue_io> <pg_init_count> 0 <#groups> <next group>
 *     { <A|D|E> <#sel status args> [args] <#paths> <#per-path info args>
 *       { <major:minor> <A|F> <fail_count> [info args] } }
 * The kernel's status line does not tell whether queue_if_no_path is in
 * effect (the table line does: mp_table_queue_if_no_path()), nor how many
 * I/Os are queued (older kernels printed a queue size where queue_io is).
 */

enum mp_group_state {
	MP_GROUP_ACTIVE = 'A',		/* the group I/O goes to */
	MP_GROUP_ENABLED = 'E',		/* usable */
	MP_GROUP_DISABLED = 'D',	/* bypassed ("disable_group", or pg_init failed) */
};

struct mp_status_path {
	char *dev;		/* major:minor */
	bool active;		/* 'A' (true) or 'F' (failed) */
	unsigned long fail_count;
	char **selector_args;	/* per-path selector info, e.g. queue-length's in-flight count */
};

struct mp_status_group {
	enum mp_group_state state;
	char **selector_args;	/* group-level selector status */
	size_t nr_path_args;
	size_t nr_paths;
	struct mp_status_path *paths;
};

struct mp_status {
	char **features;	/* the raw status feature words */
	/*
	 * From the two feature words 6.1 prints: whether the target is holding
	 * I/O back (pg_init required or in progress, the closest the kernel
	 * comes to reporting pg_init_in_progress), and how often pg_init ran
	 * for the current group. Both 0 if the kernel printed something else.
	 */
	bool queue_io;
	unsigned long pg_init_count;
	char **hwhandler_args;	/* handler status words (6.1 prints none) */
	unsigned next_group;	/* 1-based group in use or about to be; 0 with no groups */
	size_t nr_groups;
	struct mp_status_group *groups;
};

/**
 * mp_status_parse() - parse a multipath status line.
 * @text: the status parameters after "multipath".
 * @ret: receives the status; free with mp_status_free().
 *
 * Return: 0, -EINVAL for malformed or truncated text, -ENOMEM.
 */
int mp_status_parse(const char *text, struct mp_status **ret);

/** mp_status_free() - free @s; accepts NULL. */
void mp_status_free(struct mp_status *s);

static inline void mp_status_freep(struct mp_status **s)
{
	mp_status_free(*s);
}
#define _cleanup_mp_status_ __attribute__((cleanup(mp_status_freep)))

/** mp_status_find_path() - the status of path @dev (major:minor), or NULL. */
const struct mp_status_path *mp_status_find_path(const struct mp_status *s, const char *dev);

/** mp_status_active_paths() - how many paths are not failed, over all groups. */
size_t mp_status_active_paths(const struct mp_status *s);
