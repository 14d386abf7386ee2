/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dm-switch table text and region-mapping messages, compressed with implied indexes and R repeats. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dmswitch.h"
#include "strbuf.h"
#include "util.h"
#include "words.h"

#define SWITCH_MESSAGE "set_region_mappings"
#define MIN(a, b) ((a) < (b) ? (a) : (b))

int mp_switch_table_format(uint64_t region_size, const struct mp_switch_path *paths, size_t nr_paths,
			   char **ret)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	char *s;
	int r;

	if (nr_paths == 0 || nr_paths > UINT32_MAX || region_size == 0 || region_size > UINT32_MAX)
		return -EINVAL;
	r = strbuf_printf(&sb, "%zu %" PRIu64 " 0", nr_paths, region_size);
	for (size_t i = 0; r == 0 && i < nr_paths; i++) {
		if (!mp_word_valid(paths[i].dev))
			return -EINVAL;
		r = strbuf_printf(&sb, " %s %" PRIu64, paths[i].dev, paths[i].offset);
	}
	if (r < 0)
		return r;
	s = strbuf_steal(&sb);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* The message being built, and the run of regions it has written without a gap. */
struct mapping_builder {
	struct strbuf sb;
	size_t max_len;
	bool have_run;
	size_t run_start;
	size_t last;
	char **messages;
	size_t nr_messages;
};

static size_t hex_len(uint64_t v)
{
	size_t n = 1;

	while (v >>= 4)
		n++;
	return n;
}

static int builder_flush(struct mapping_builder *b)
{
	char **v;
	char *msg;

	if (!b->have_run)
		return 0;
	v = realloc(b->messages, (b->nr_messages + 2) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	b->messages = v;
	msg = strbuf_steal(&b->sb);
	if (!msg)
		return -ENOMEM;
	v[b->nr_messages++] = msg;
	v[b->nr_messages] = NULL;
	b->have_run = false;
	return 0;
}

/* The longest repeat of the last c (<= what this run wrote) mappings starting at region @i. */
static void best_repeat(const uint32_t *map, size_t n, size_t i, size_t max_cycle,
			size_t *ret_cycle, size_t *ret_count)
{
	size_t best_c = 0, best_m = 0;

	for (size_t c = 1; c <= max_cycle; c++) {
		size_t m = 0;

		while (i + m < n && map[i + m] == map[i + m - c])
			m++;
		if (m > best_m) {
			best_m = m;
			best_c = c;
		}
	}
	*ret_cycle = best_c;
	*ret_count = best_m;
}

/* Write the next token for region @i into @tok; returns how many regions it covers. */
static size_t next_token(const struct mapping_builder *b, const uint32_t *map, size_t n, size_t i,
			 char *tok, size_t size)
{
	bool contiguous = b->have_run && b->last + 1 == i;
	size_t c, m, plain = 0;

	if (!contiguous) {
		snprintf(tok, size, "%zx:%" PRIx32, i, map[i]);
		return 1;
	}
	best_repeat(map, n, i, MIN(i - b->run_start, (size_t)MP_SWITCH_MAX_CYCLE), &c, &m);
	for (size_t k = 0; k < m; k++)
		plain += 2 + hex_len(map[i + k]);
	if (m > 0 && 3 + hex_len(c) + hex_len(m) < plain) {
		snprintf(tok, size, "R%zx,%zx", c, m);
		return m;
	}
	snprintf(tok, size, ":%" PRIx32, map[i]);
	return 1;
}

static int build_mappings(struct mapping_builder *b, const uint32_t *map, const uint32_t *old, size_t n)
{
	size_t i = 0;
	int r;

	while (i < n) {
		char tok[64];
		size_t covered;

		bool unchanged = old && old[i] == map[i];

		if (unchanged && !(b->have_run && b->last + 1 == i)) {
			i++;
			continue;
		}
		covered = next_token(b, map, n, i, tok, sizeof(tok));
		/* An unchanged region is worth writing only inside a repeat. */
		if (unchanged && tok[0] != 'R') {
			i++;
			continue;
		}
		if (b->have_run && b->sb.len + 1 + strlen(tok) > b->max_len) {
			if ((r = builder_flush(b)) < 0)
				return r;
			continue;
		}
		if (!b->have_run) {
			if (strlen(SWITCH_MESSAGE) + 1 + strlen(tok) > b->max_len)
				return -EINVAL;
			if ((r = strbuf_puts(&b->sb, SWITCH_MESSAGE)) < 0)
				return r;
			b->run_start = i;
		} else if (b->last + 1 != i) {
			b->run_start = i;
		}
		if ((r = strbuf_printf(&b->sb, " %s", tok)) < 0)
			return r;
		b->have_run = true;
		b->last = i + covered - 1;
		i += covered;
	}
	return builder_flush(b);
}

int mp_switch_format_mappings(const uint32_t *map, const uint32_t *old, size_t nr_regions,
			      size_t max_len, char ***ret_messages)
{
	struct mapping_builder b = { .sb = STRBUF_INIT, .max_len = max_len };
	int r;

	b.messages = calloc(1, sizeof(*b.messages));
	if (!b.messages)
		return -ENOMEM;
	r = build_mappings(&b, map, old, nr_regions);
	strbuf_release(&b.sb);
	if (r < 0) {
		mp_strv_free(b.messages);
		return r;
	}
	*ret_messages = b.messages;
	return (int)b.nr_messages;
}

/* Like the kernel's parse_hex(): at least one hex digit; *@s is left after them. */
static int parse_hex(const char **s, unsigned long *ret)
{
	unsigned long v = 0;
	const char *p = *s;

	if (!isxdigit((unsigned char)*p))
		return -EINVAL;
	for (; isxdigit((unsigned char)*p); p++) {
		int d = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);

		if (v > (ULONG_MAX >> 4))
			return -EINVAL;
		v = (v << 4) | (unsigned long)d;
	}
	*s = p;
	*ret = v;
	return 0;
}

static int apply_repeat(uint32_t *map, size_t nr_regions, const char *arg, unsigned long *index)
{
	unsigned long cycle = 0, count = 0;
	const char *s = arg + 1;

	if (parse_hex(&s, &cycle) < 0 || *s++ != ',' || parse_hex(&s, &count) < 0 || *s)
		return -EINVAL;
	if (cycle == 0 || cycle - 1 > *index)
		return -EINVAL;
	if (*index + count < *index || *index + count >= nr_regions)
		return -EINVAL;
	while (count--) {
		(*index)++;
		map[*index] = map[*index - cycle];
	}
	return 0;
}

static int apply_one(uint32_t *map, size_t nr_regions, uint32_t nr_paths, const char *arg,
		     unsigned long *index)
{
	unsigned long path = 0;
	const char *s = arg;

	if (*s == 'R' || *s == 'r')
		return apply_repeat(map, nr_regions, arg, index);
	if (*s == ':')
		(*index)++;
	else if (parse_hex(&s, index) < 0 || *s != ':')
		return -EINVAL;
	s++;
	if (parse_hex(&s, &path) < 0 || *s)
		return -EINVAL;
	if (*index >= nr_regions || path >= nr_paths)
		return -EINVAL;
	map[*index] = (uint32_t)path;
	return 0;
}

int mp_switch_apply_mappings(uint32_t *map, size_t nr_regions, uint32_t nr_paths, const char *message)
{
	_cleanup_(mp_words_release) struct mp_words w;
	unsigned long index = 0;
	const char *arg;
	int r;

	if ((r = mp_words_split(message, &w)) < 0)
		return r;
	arg = mp_words_next(&w);
	if (!arg || strcasecmp(arg, SWITCH_MESSAGE) != 0 || mp_words_left(&w) == 0)
		return -EINVAL;
	while ((arg = mp_words_next(&w)))
		if ((r = apply_one(map, nr_regions, nr_paths, arg, &index)) < 0)
			return r;
	return 0;
}
