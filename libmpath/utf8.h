/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict UTF-8 decoding shared by the IPC tokenizer and the JSON writer. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/**
 * mp_utf8_decode() - decode one code point from the start of @s.
 * @s: the bytes to decode.
 * @len: how many bytes of @s are available (at least 1).
 * @ret_cp: receives the code point on success; may be NULL.
 *
 * Rejects overlong forms, surrogates (U+D800..U+DFFF), code points above
 * U+10FFFF and truncated sequences.
 *
 * Return: the number of bytes used (1..4), or -EILSEQ.
 */
int mp_utf8_decode(const char *s, size_t len, uint32_t *ret_cp);

/**
 * mp_utf8_valid() - whether the @len bytes of @s are well-formed UTF-8.
 * Return: 1 if valid, 0 if not.
 */
int mp_utf8_valid(const char *s, size_t len);
