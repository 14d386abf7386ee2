/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Semantic comparison of multipath tables, knowing how dm-mpath 6.1 normalizes what it prints back. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dmtable.h"
#include "util.h"
#include "words.h"

/* dm-ps-historical-service-time defaults: HST_FIXED_95 and no threshold. */
#define HST_DEFAULT_BASE_WEIGHT 972
#define HST_DEFAULT_THRESHOLD 0

struct features_norm {
	bool queue_if_no_path;
	bool retain_hwhandler;
	bool bio;
	unsigned long pg_init_retries;		/* 0: not set */
	long long pg_init_delay_msecs;		/* -1: not set */
};

/* Apply one known feature to @n; false for anything the kernel would not normalize. */
static bool feature_apply(const char *f, struct features_norm *n)
{
	char name[64], value[64];
	unsigned long v;

	if (sscanf(f, "%63s %63s", name, value) == 1) {
		if (strcasecmp(name, "queue_if_no_path") == 0)
			return n->queue_if_no_path = true;
		if (strcasecmp(name, "retain_attached_hw_handler") == 0)
			return n->retain_hwhandler = true;
		return false;
	}
	if (strcasecmp(name, "queue_mode") == 0) {
		if (strcasecmp(value, "bio") == 0)
			return n->bio = true;
		return strcasecmp(value, "rq") == 0 || strcasecmp(value, "mq") == 0;
	}
	if (mp_parse_ulong(value, &v) < 0)
		return false;
	if (strcasecmp(name, "pg_init_retries") == 0) {
		n->pg_init_retries = v;
		return true;
	}
	if (strcasecmp(name, "pg_init_delay_msecs") == 0) {
		n->pg_init_delay_msecs = (long long)v;
		return true;
	}
	return false;
}

static void features_normalize(char *const *features, struct features_norm *n)
{
	memset(n, 0, sizeof(*n));
	n->pg_init_delay_msecs = -1;
	for (size_t i = 0; features && features[i]; i++)
		feature_apply(features[i], n);
	if (n->bio)
		n->retain_hwhandler = true; /* bio mode sets it whether asked or not */
}

/* The next feature at or after *@i that feature_apply() does not know, or NULL. */
static const char *feature_next_unknown(char *const *features, size_t *i)
{
	struct features_norm scratch;

	for (; features && features[*i]; (*i)++) {
		memset(&scratch, 0, sizeof(scratch));
		if (!feature_apply(features[*i], &scratch))
			return features[(*i)++];
	}
	return NULL;
}

static bool features_equal(char *const *a, char *const *b, unsigned flags, bool *ret_bio)
{
	struct features_norm na, nb;
	size_t ia = 0, ib = 0;
	const char *ua, *ub;

	features_normalize(a, &na);
	features_normalize(b, &nb);
	*ret_bio = na.bio || nb.bio;
	if (flags & MP_TABLE_EQ_IGNORE_QUEUE_IF_NO_PATH)
		na.queue_if_no_path = nb.queue_if_no_path = false;
	if (na.queue_if_no_path != nb.queue_if_no_path || na.retain_hwhandler != nb.retain_hwhandler ||
	    na.bio != nb.bio || na.pg_init_retries != nb.pg_init_retries ||
	    na.pg_init_delay_msecs != nb.pg_init_delay_msecs)
		return false;
	do {
		ua = feature_next_unknown(a, &ia);
		ub = feature_next_unknown(b, &ib);
		if (!ua != !ub || (ua && strcasecmp(ua, ub) != 0))
			return false;
	} while (ua);
	return true;
}

/* Argument @idx as a number, @def when absent; false when it is not a number. */
static bool arg_ulong(char *const *args, size_t idx, unsigned long def, unsigned long *ret)
{
	if (idx >= mp_strv_length(args)) {
		*ret = def;
		return true;
	}
	return mp_parse_ulong(args[idx], ret) == 0;
}

static bool arg_ulong_equal(char *const *a, char *const *b, size_t idx, unsigned long def)
{
	unsigned long va, vb;

	if (arg_ulong(a, idx, def, &va) && arg_ulong(b, idx, def, &vb))
		return va == vb;
	return idx < mp_strv_length(a) && idx < mp_strv_length(b) && streq(a[idx], b[idx]);
}

static bool args_ignored(char *const *a, char *const *b)
{
	return true;
}

static bool hst_group_args_equal(char *const *a, char *const *b)
{
	return arg_ulong_equal(a, b, 0, HST_DEFAULT_BASE_WEIGHT) &&
	       arg_ulong_equal(a, b, 1, HST_DEFAULT_THRESHOLD);
}

/* service-time: <repeat_count (forced to 1)> <relative_throughput (default 1)>. */
static bool st_path_args_equal(char *const *a, char *const *b)
{
	return arg_ulong_equal(a, b, 1, 1);
}

/* A cpumask as "%*pb" prints it or cpumask_parse() takes it: hex, maybe comma-grouped. */
static void cpumask_normalize(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++) {
		if (*s == ',' || (n == 0 && *s == '0'))
			continue;
		out[n++] = (char)tolower((unsigned char)*s);
	}
	out[n] = '\0';
}

static bool ioa_path_args_equal(char *const *a, char *const *b)
{
	char ma[512], mb[512];

	if (mp_strv_length(a) < 1 || mp_strv_length(b) < 1)
		return mp_strv_length(a) == mp_strv_length(b);
	cpumask_normalize(a[0], ma, sizeof(ma));
	cpumask_normalize(b[0], mb, sizeof(mb));
	return streq(ma, mb);
}

struct selector_rules {
	const char *name;
	bool (*group_args_equal)(char *const *a, char *const *b);
	bool (*path_args_equal)(char *const *a, char *const *b);
};

/* How the kernel selectors print back what they were given (see dmtable.h). */
static const struct selector_rules selector_rules[] = {
	{ "round-robin", args_ignored, args_ignored },
	{ "queue-length", args_ignored, args_ignored },
	{ "service-time", args_ignored, st_path_args_equal },
	{ "historical-service-time", hst_group_args_equal, args_ignored },
	{ "io-affinity", args_ignored, ioa_path_args_equal },
};

static const struct selector_rules *selector_rules_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(selector_rules); i++)
		if (streq(selector_rules[i].name, name))
			return &selector_rules[i];
	return NULL;
}

static bool dev_equal(const char *a, const char *b)
{
	unsigned maj_a, min_a, maj_b, min_b;
	char end_a, end_b;

	if (sscanf(a, "%u:%u%c", &maj_a, &min_a, &end_a) == 2 &&
	    sscanf(b, "%u:%u%c", &maj_b, &min_b, &end_b) == 2)
		return maj_a == maj_b && min_a == min_b;
	return streq(a, b);
}

static bool group_equal(const struct mp_table_group *a, const struct mp_table_group *b)
{
	const struct selector_rules *rules;

	if (!streq(a->selector, b->selector) || a->nr_paths != b->nr_paths)
		return false;
	rules = selector_rules_find(a->selector);
	if (rules ? !rules->group_args_equal(a->selector_args, b->selector_args)
		  : !mp_strv_equal(a->selector_args, b->selector_args) || a->nr_path_args != b->nr_path_args)
		return false;
	/*
	 * The same paths with the same arguments, in any order: the order within a group only
	 * decides where a path selector starts, and two daemons list paths in their own order.
	 */
	/*
	 * Each of b's paths matches one of a's at most: a device listed twice (the parser takes
	 * it) pairs up by its arguments too.
	 */
	_cleanup_free_ bool *used = calloc(b->nr_paths ? b->nr_paths : 1, sizeof(*used));

	if (!used)
		return false;
	for (size_t i = 0; i < a->nr_paths; i++) {
		const struct mp_table_path *pa = &a->paths[i];
		bool found = false;

		for (size_t k = 0; k < b->nr_paths && !found; k++) {
			const struct mp_table_path *pb = &b->paths[k];

			found = !used[k] && dev_equal(pa->dev, pb->dev) &&
				(rules ? rules->path_args_equal(pa->args, pb->args)
				       : mp_strv_equal(pa->args, pb->args));
			if (found)
				used[k] = true;
		}
		if (!found)
			return false;
	}
	return true;
}

bool mp_table_equal(const struct mp_table *a, const struct mp_table *b, unsigned flags)
{
	bool bio;

	if (!features_equal(a->features, b->features, flags, &bio))
		return false;
	/* Bio mode drops the handler we give and reports the attached one. */
	if (!bio && !(flags & MP_TABLE_EQ_IGNORE_HWHANDLER)) {
		if (!a->hwhandler != !b->hwhandler || (a->hwhandler && !streq(a->hwhandler, b->hwhandler)))
			return false;
	}
	if (a->nr_groups != b->nr_groups)
		return false;
	if ((flags & MP_TABLE_EQ_INITIAL_GROUP) && a->initial_group != b->initial_group)
		return false;
	for (size_t i = 0; i < a->nr_groups; i++)
		if (!group_equal(&a->groups[i], &b->groups[i]))
			return false;
	return true;
}
