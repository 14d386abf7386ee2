/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target for device-mapper text: multipath table and status lines, dm-switch region messages. */
#include <errno.h>

#include "dmswitch.h"
#include "dmtable.h"
#include "fuzz.h"
#include "words.h"

/* The region table fuzz_switch_message() applies text to. */
#define SWITCH_REGIONS 512
#define SWITCH_PATHS 16

static bool has_empty_group(const struct mp_table *t)
{
	for (size_t i = 0; i < t->nr_groups; i++)
		if (t->groups[i].nr_paths == 0)
			return true;
	return false;
}

static void table_check_shape(const struct mp_table *t)
{
	if (t->nr_groups)
		fuzz_assert(t->initial_group >= 1 && t->initial_group <= t->nr_groups);
	else
		fuzz_assert(t->initial_group == 0);
	for (size_t i = 0; i < t->nr_groups; i++) {
		const struct mp_table_group *g = &t->groups[i];

		fuzz_assert(mp_word_valid(g->selector));
		for (size_t j = 0; j < g->nr_paths; j++) {
			fuzz_assert(mp_word_valid(g->paths[j].dev));
			fuzz_assert(mp_strv_length(g->paths[j].args) == g->nr_path_args);
		}
	}
}

/* What parses formats (unless the kernel would refuse it), parses back equal, and formats the same. */
static void fuzz_table(const char *text)
{
	struct mp_table *t = NULL, *again = NULL;
	char *first = NULL, *second = NULL;
	int r = mp_table_parse(text, &t);

	fuzz_assert(r == 0 || r == -EINVAL);
	if (r < 0) {
		fuzz_assert(!t);
		return;
	}
	table_check_shape(t);
	fuzz_assert(mp_table_equal(t, t, MP_TABLE_EQ_INITIAL_GROUP));
	r = mp_table_format(t, &first);
	if (r < 0) {
		/* The parser takes a group without paths; the formatter refuses it, as the kernel does. */
		fuzz_assert(r == -EINVAL && has_empty_group(t));
		mp_table_free(t);
		return;
	}
	fuzz_assert(mp_table_parse(first, &again) == 0);
	fuzz_assert(mp_table_equal(t, again, MP_TABLE_EQ_INITIAL_GROUP));
	fuzz_assert(mp_table_equal(again, t, MP_TABLE_EQ_INITIAL_GROUP));
	fuzz_assert(mp_table_queue_if_no_path(t) == mp_table_queue_if_no_path(again));
	fuzz_assert(mp_table_format(again, &second) == 0);
	fuzz_assert(strcmp(first, second) == 0);
	free(first);
	free(second);
	mp_table_free(again);
	mp_table_free(t);
}

static void status_check_group(const struct mp_status *s, const struct mp_status_group *g,
			       size_t *paths)
{
	fuzz_assert(g->state == MP_GROUP_ACTIVE || g->state == MP_GROUP_ENABLED ||
		    g->state == MP_GROUP_DISABLED);
	fuzz_assert(g->selector_args);
	for (size_t j = 0; j < g->nr_paths; j++) {
		const struct mp_status_path *p = &g->paths[j];
		const struct mp_status_path *found;

		fuzz_assert(mp_word_valid(p->dev));
		fuzz_assert(mp_strv_length(p->selector_args) == g->nr_path_args);
		found = mp_status_find_path(s, p->dev);
		fuzz_assert(found && strcmp(found->dev, p->dev) == 0);
		(*paths)++;
	}
}

/* What parses is consistent: counts, group states, every path findable by its device. */
static void fuzz_status(const char *text)
{
	struct mp_status *s = NULL;
	size_t paths = 0;
	int r = mp_status_parse(text, &s);

	fuzz_assert(r == 0 || r == -EINVAL);
	if (r < 0) {
		fuzz_assert(!s);
		return;
	}
	if (s->nr_groups)
		fuzz_assert(s->next_group >= 1 && s->next_group <= s->nr_groups);
	else
		fuzz_assert(s->next_group == 0);
	fuzz_assert(s->features && s->hwhandler_args);
	for (size_t i = 0; i < s->nr_groups; i++)
		status_check_group(s, &s->groups[i], &paths);
	fuzz_assert(mp_status_active_paths(s) <= paths);
	mp_status_free(s);
}

/* A set_region_mappings message from outside: accepted or not, no region gets a bad path. */
static void fuzz_switch_message(const char *text)
{
	uint32_t map[SWITCH_REGIONS];
	int r;

	for (size_t i = 0; i < SWITCH_REGIONS; i++)
		map[i] = i % SWITCH_PATHS;
	r = mp_switch_apply_mappings(map, SWITCH_REGIONS, SWITCH_PATHS, text);
	fuzz_assert(r == 0 || r == -EINVAL);
	for (size_t i = 0; i < SWITCH_REGIONS; i++)
		fuzz_assert(map[i] < SWITCH_PATHS);
}

static size_t hex_digits(size_t v)
{
	size_t n = 1;

	while (v >>= 4)
		n++;
	return n;
}

/* Replay the builder's messages as the kernel would; the table must come out as @map. */
static void switch_replay(const uint32_t *map, const uint32_t *old, size_t n, uint32_t nr_paths,
			  size_t max_len)
{
	uint32_t *table = calloc(n ? n : 1, sizeof(*table));
	char **msgs = NULL;
	int nr;

	fuzz_assert(table);
	nr = mp_switch_format_mappings(map, old, n, max_len, &msgs);
	if (nr == -EINVAL) {
		/* Only when not even "set_region_mappings <index>:<path>" fits. */
		fuzz_assert(n > 0 && max_len < strlen("set_region_mappings ") + hex_digits(n - 1) + 2);
		free(table);
		return;
	}
	fuzz_assert(nr >= 0 && msgs && !msgs[nr]);
	for (size_t i = 0; i < n; i++)
		table[i] = old ? old[i] : (uint32_t)(i * 7) % nr_paths;
	for (int i = 0; i < nr; i++) {
		fuzz_assert(strlen(msgs[i]) <= max_len);
		fuzz_assert(mp_switch_apply_mappings(table, n, nr_paths, msgs[i]) == 0);
	}
	fuzz_assert(n == 0 || memcmp(table, map, n * sizeof(*map)) == 0);
	if (old && (n == 0 || memcmp(old, map, n * sizeof(*map)) == 0))
		fuzz_assert(nr == 0);
	mp_strv_free(msgs);
	free(table);
}

/*
 * The input as a region map: byte 0 gives the number of paths, byte 1 the message size limit,
 * then one byte per region of the wanted map and one per region of the kernel's current map.
 */
static void fuzz_switch_builder(const uint8_t *data, size_t size)
{
	uint32_t nr_paths, *map, *old;
	size_t n, max_len;

	if (size < 2)
		return;
	nr_paths = 1 + (data[0] & 0x0f);
	max_len = 24 + data[1];
	n = (size - 2) / 2;
	map = calloc(n ? n : 1, sizeof(*map));
	old = calloc(n ? n : 1, sizeof(*old));
	fuzz_assert(map && old);
	for (size_t i = 0; i < n; i++) {
		map[i] = data[2 + i] % nr_paths;
		old[i] = data[2 + n + i] % nr_paths;
	}
	switch_replay(map, old, n, nr_paths, max_len);
	switch_replay(map, NULL, n, nr_paths, max_len);
	free(map);
	free(old);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);

	fuzz_table(text);
	fuzz_status(text);
	fuzz_switch_message(text);
	fuzz_switch_builder(data, size);
	free(text);
	return 0;
}
