/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NULL-terminated string lists and a whitespace tokenizer for device-mapper table text. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/** mp_strv_length() - number of entries before the NULL; 0 for a NULL list. */
size_t mp_strv_length(char *const *v);
/** mp_strv_free() - free every entry and the list; accepts NULL. */
void mp_strv_free(char **v);
/** mp_strv_push() - append a copy of @s to *@v (which may be NULL); 0 or -ENOMEM. */
int mp_strv_push(char ***v, const char *s);
/** mp_strv_copy() - deep copy of @src (NULL copies as an empty list); 0 or -ENOMEM. */
int mp_strv_copy(char *const *src, char ***ret);
/** mp_strv_equal() - same length and the same strings in the same order (NULL == empty). */
bool mp_strv_equal(char *const *a, char *const *b);

static inline void mp_strv_freep(char ***v)
{
	mp_strv_free(*v);
}
#define _cleanup_strv_ __attribute__((cleanup(mp_strv_freep)))

/**
 * mp_word_valid() - whether @s can be one word of a table line:
 * non-empty, no whitespace, no control characters.
 */
bool mp_word_valid(const char *s);

/** mp_parse_ulong() - strict decimal: digits only, no sign, no overflow; 0 or -EINVAL/-ERANGE. */
int mp_parse_ulong(const char *s, unsigned long *ret);

/** struct mp_words - the words of one line, consumed front to back. */
struct mp_words {
	char *buf;
	char **v;
	size_t n;
	size_t pos;
};

/** mp_words_split() - split @s at runs of whitespace; 0 or -ENOMEM. */
int mp_words_split(const char *s, struct mp_words *w);
/** mp_words_release() - free the words. */
void mp_words_release(struct mp_words *w);
/** mp_words_left() - how many words are not consumed yet. */
size_t mp_words_left(const struct mp_words *w);
/** mp_words_next() - the next word, or NULL at the end. */
const char *mp_words_next(struct mp_words *w);
/** mp_words_ulong() - consume a decimal number no larger than @max; -EINVAL or -ERANGE otherwise. */
int mp_words_ulong(struct mp_words *w, unsigned long max, unsigned long *ret);
/**
 * mp_words_count() - consume a count of words that must follow; -EINVAL
 * if fewer than @per_item * count words are left (so garbage cannot make us allocate much).
 */
int mp_words_count(struct mp_words *w, size_t per_item, size_t *ret);
/** mp_words_take() - consume @n words into a new list (never NULL on success); 0, -EINVAL or -ENOMEM. */
int mp_words_take(struct mp_words *w, size_t n, char ***ret);
