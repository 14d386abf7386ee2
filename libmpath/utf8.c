/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict UTF-8 decoding (RFC 3629): no overlongs, no surrogates, nothing past U+10FFFF. */
#include <errno.h>

#include "utf8.h"

int mp_utf8_decode(const char *s, size_t len, uint32_t *ret_cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp, min;
	int n;

	if (len == 0)
		return -EILSEQ;
	if (u[0] < 0x80) {
		n = 1, cp = u[0], min = 0;
	} else if ((u[0] & 0xe0) == 0xc0) {
		n = 2, cp = u[0] & 0x1f, min = 0x80;
	} else if ((u[0] & 0xf0) == 0xe0) {
		n = 3, cp = u[0] & 0x0f, min = 0x800;
	} else if ((u[0] & 0xf8) == 0xf0) {
		n = 4, cp = u[0] & 0x07, min = 0x10000;
	} else {
		return -EILSEQ;
	}
	if ((size_t)n > len)
		return -EILSEQ;
	for (int i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return -EILSEQ;
		cp = (cp << 6) | (u[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -EILSEQ;
	if (ret_cp)
		*ret_cp = cp;
	return n;
}

int mp_utf8_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		int n = mp_utf8_decode(s + i, len - i, NULL);

		if (n < 0)
			return 0;
		i += n;
	}
	return 1;
}
