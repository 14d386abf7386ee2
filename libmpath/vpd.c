/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsers for standard INQUIRY data and VPD pages 0x80/0x83, and the WWID udev's scsi_id derives. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"
#include "vpd.h"

/* scsi_id builds ids in a 256-byte buffer and gives up on any that would not fit. */
#define SCSI_ID_MAX 256

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

size_t mp_vpd_page_len(const uint8_t *page, size_t len)
{
	if (!page || len < 4)
		return 0;
	return 4 + (size_t)get_be16(page + 2);
}

/* Copy a fixed-width INQUIRY text field: stop at a NUL, drop trailing blanks. */
static void copy_field(char *dst, const uint8_t *src, size_t width)
{
	size_t n = 0;

	while (n < width && src[n] != '\0') {
		dst[n] = (char)src[n];
		n++;
	}
	while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == '\t'))
		n--;
	dst[n] = '\0';
}

int mp_inquiry_parse(const uint8_t *buf, size_t len, struct mp_inquiry *ret)
{
	struct mp_inquiry inq = {};

	if (!buf || len < 36)
		return -EBADMSG;
	inq.peripheral_qualifier = buf[0] >> 5;
	inq.peripheral_type = buf[0] & 0x1f;
	inq.version = buf[2];
	inq.tpgs = (buf[5] >> 4) & 0x3;
	inq.protect = buf[5] & 0x1;
	copy_field(inq.vendor, buf + 8, 8);
	copy_field(inq.product, buf + 16, 16);
	copy_field(inq.revision, buf + 32, 4);
	memcpy(inq.vendor_product_raw, buf + 8, sizeof(inq.vendor_product_raw));
	*ret = inq;
	return 0;
}

static void designator_fill(struct mp_designator *d, const uint8_t *p)
{
	memset(d, 0, sizeof(*d));
	d->protocol_id = p[0] >> 4;
	d->code_set = p[0] & 0x0f;
	d->piv = p[1] & 0x80;
	d->association = (p[1] >> 4) & 0x3;
	d->type = p[1] & 0x0f;
	d->len = p[3];
	memcpy(d->data, p + 4, d->len);
}

/* Count descriptors between @off and @end; -EBADMSG if one runs past @end. */
static int count_designators(const uint8_t *page, size_t off, size_t end)
{
	int n = 0;

	while (off + 4 <= end) {
		size_t dlen = page[off + 3];

		if (off + 4 + dlen > end)
			return -EBADMSG;
		off += 4 + dlen;
		n++;
	}
	return n;
}

/* The pre-SPC-3 layout: bytes 4.. hold one raw binary identifier of page[3] bytes. */
static int parse_scsi2(const uint8_t *page, size_t end, struct mp_vpd83 *ret)
{
	struct mp_designator *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->code_set = MP_CODE_SET_BINARY;
	d->type = MP_DESIG_NAA;
	d->len = (uint8_t)(end - 4 < page[3] ? end - 4 : page[3]);
	memcpy(d->data, page + 4, d->len);
	*ret = (struct mp_vpd83) { .n = 1, .designators = d, .scsi2_format = true };
	return 0;
}

int mp_vpd83_parse(const uint8_t *page, size_t len, struct mp_vpd83 *ret)
{
	_cleanup_free_ struct mp_designator *list = NULL;
	size_t end, off = 4;
	int n;

	if (!page || len < 4 || page[1] != MP_VPD_DEVICE_ID)
		return -EBADMSG;
	end = mp_vpd_page_len(page, len);
	if (end > len)
		return -EMSGSIZE;
	/* Byte 6 is reserved in every SPC-2+ descriptor; EMC's SCSI-2 format puts its OUI there. */
	if (end > 6 && page[6] != 0)
		return parse_scsi2(page, end, ret);

	n = count_designators(page, off, end);
	if (n < 0)
		return log_debug_errno(n, "VPD 0x83: descriptor overruns the page");
	if (n > 0) {
		list = calloc(n, sizeof(*list));
		if (!list)
			return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		designator_fill(&list[i], page + off);
		off += 4 + list[i].len;
	}
	*ret = (struct mp_vpd83) { .n = n, .designators = TAKE_PTR(list) };
	return 0;
}

void mp_vpd83_release(struct mp_vpd83 *vpd)
{
	if (!vpd)
		return;
	free(vpd->designators);
	*vpd = (struct mp_vpd83) {};
}

const struct mp_designator *mp_vpd83_find(const struct mp_vpd83 *vpd, uint8_t type,
					  uint8_t association)
{
	for (size_t i = 0; i < vpd->n; i++) {
		const struct mp_designator *d = &vpd->designators[i];

		if (d->type == type && d->association == association)
			return d;
	}
	return NULL;
}

/* Types 4 and 5 carry their 16-bit value in bytes 2..3 of a 4-byte designator. */
static int port_designator_value(const struct mp_vpd83 *vpd, uint8_t type)
{
	const struct mp_designator *d = mp_vpd83_find(vpd, type, MP_ASSOC_TARGET_PORT);

	if (!d || d->len < 4)
		return -ENODATA;
	return get_be16(d->data + 2);
}

int mp_vpd83_relative_port(const struct mp_vpd83 *vpd)
{
	return port_designator_value(vpd, MP_DESIG_RELATIVE_PORT);
}

int mp_vpd83_target_port_group(const struct mp_vpd83 *vpd)
{
	return port_designator_value(vpd, MP_DESIG_TARGET_PORT_GROUP);
}

int mp_vpd83_scsi_name(const struct mp_vpd83 *vpd, uint8_t association, char *buf, size_t len)
{
	const struct mp_designator *d = mp_vpd83_find(vpd, MP_DESIG_SCSI_NAME, association);
	size_t n;

	if (!d)
		return -ENODATA;
	n = strlen((const char *)d->data);
	if (n + 1 > len)
		return -ENOBUFS;
	memcpy(buf, d->data, n + 1);
	return (int)n;
}

/* ---- the WWID as scsi_id computes it ---- */

#define NAA_ANY (-1)

struct id_search {
	uint8_t type;
	int naa;
	uint8_t code_set;
};

/* scsi_id's id_search_list, minus its first entry (which only records the target port group). */
static const struct id_search id_search_order[] = {
	{ MP_DESIG_NAA, 6, MP_CODE_SET_BINARY },
	{ MP_DESIG_NAA, 6, MP_CODE_SET_ASCII },
	{ MP_DESIG_NAA, 5, MP_CODE_SET_BINARY },
	{ MP_DESIG_NAA, 5, MP_CODE_SET_ASCII },
	{ MP_DESIG_NAA, NAA_ANY, MP_CODE_SET_BINARY },
	{ MP_DESIG_NAA, NAA_ANY, MP_CODE_SET_ASCII },
	{ MP_DESIG_EUI64, NAA_ANY, MP_CODE_SET_BINARY },
	{ MP_DESIG_EUI64, NAA_ANY, MP_CODE_SET_ASCII },
	{ MP_DESIG_T10_VENDOR, NAA_ANY, MP_CODE_SET_BINARY },
	{ MP_DESIG_T10_VENDOR, NAA_ANY, MP_CODE_SET_ASCII },
	{ MP_DESIG_VENDOR_SPECIFIC, NAA_ANY, MP_CODE_SET_BINARY },
	{ MP_DESIG_VENDOR_SPECIFIC, NAA_ANY, MP_CODE_SET_ASCII },
};

static bool id_matches(const struct mp_designator *d, const struct id_search *s)
{
	size_t need;

	/*
	 * scsi_id would turn an empty designator into a bare type digit (and checks the NAA
	 * nibble of the next descriptor); such an id would merge unrelated LUs, so skip it.
	 */
	if (d->len == 0)
		return false;
	if (d->association != MP_ASSOC_LU || d->type != s->type || d->code_set != s->code_set)
		return false;
	if (s->naa != NAA_ANY && d->data[0] >> 4 != s->naa)
		return false;
	/* Two hex digits per binary byte, plus the type digit and the NUL. */
	need = (d->code_set == MP_CODE_SET_ASCII ? d->len : 2u * d->len) + 2;
	if (d->type == MP_DESIG_VENDOR_SPECIFIC)
		need += sizeof(((struct mp_inquiry *)NULL)->vendor_product_raw);
	return need <= SCSI_ID_MAX;
}

static bool vendor_product_usable(const struct mp_inquiry *inq)
{
	return inq && !memchr(inq->vendor_product_raw, '\0', sizeof(inq->vendor_product_raw));
}

/* Write "<type digit>[vendor+product]<hex or text>" into @raw (SCSI_ID_MAX bytes). */
static int id_build_raw(const struct mp_designator *d, const struct mp_inquiry *inq, char *raw)
{
	static const char hex[] = "0123456789abcdef";
	size_t j = 0;

	raw[j++] = hex[d->type & 0xf];
	if (d->type == MP_DESIG_VENDOR_SPECIFIC) {
		if (!vendor_product_usable(inq))
			return -EINVAL;
		memcpy(raw + j, inq->vendor_product_raw, sizeof(inq->vendor_product_raw));
		j += sizeof(inq->vendor_product_raw);
	}
	for (size_t i = 0; i < d->len; i++) {
		if (d->code_set == MP_CODE_SET_ASCII) {
			raw[j++] = (char)d->data[i];
		} else {
			raw[j++] = hex[d->data[i] >> 4];
			raw[j++] = hex[d->data[i] & 0xf];
		}
	}
	raw[j] = '\0';
	return 0;
}

/* scsi_id's pre-SPC-3 path: "3" + hex, truncated to what its buffer holds (126 bytes). */
static int wwid_scsi2(const struct mp_vpd83 *vpd, char *buf, size_t len)
{
	struct mp_designator d = vpd->designators[0];
	char raw[SCSI_ID_MAX];

	d.len = d.len > (SCSI_ID_MAX - 4) / 2 ? (SCSI_ID_MAX - 4) / 2 : d.len;
	d.type = MP_DESIG_NAA;
	d.code_set = MP_CODE_SET_BINARY;
	id_build_raw(&d, NULL, raw);
	return mp_vpd_reformat_serial(raw, buf, len);
}

int mp_vpd83_wwid(const struct mp_vpd83 *vpd, const struct mp_inquiry *inq, char *buf, size_t len)
{
	char raw[SCSI_ID_MAX];

	if (vpd->scsi2_format && vpd->n == 1)
		return wwid_scsi2(vpd, buf, len);
	for (size_t s = 0; s < ARRAY_SIZE(id_search_order); s++) {
		for (size_t i = 0; i < vpd->n; i++) {
			const struct mp_designator *d = &vpd->designators[i];

			if (!id_matches(d, &id_search_order[s]))
				continue;
			if (id_build_raw(d, inq, raw) < 0)
				continue;
			return mp_vpd_reformat_serial(raw, buf, len);
		}
	}
	return -ENODATA;
}

/* Bounds-check page 0x80 and return its serial bytes through @ret_data / @ret_n. */
static int vpd80_payload(const uint8_t *page, size_t len, const uint8_t **ret_data, size_t *ret_n)
{
	size_t end;

	if (!page || len < 4 || page[1] != MP_VPD_SERIAL)
		return -EBADMSG;
	end = mp_vpd_page_len(page, len);
	if (end > len)
		return -EMSGSIZE;
	*ret_data = page + 4;
	*ret_n = end - 4;
	return 0;
}

int mp_vpd80_serial(const uint8_t *page, size_t len, char *buf, size_t buflen)
{
	const uint8_t *data;
	size_t n, start = 0;
	int r;

	r = vpd80_payload(page, len, &data, &n);
	if (r < 0)
		return r;
	n = strnlen((const char *)data, n);
	while (start < n && isspace(data[start]))
		start++;
	while (n > start && isspace(data[n - 1]))
		n--;
	if (n - start + 1 > buflen)
		return -ENOBUFS;
	memcpy(buf, data + start, n - start);
	buf[n - start] = '\0';
	return (int)(n - start);
}

int mp_vpd80_wwid(const uint8_t *page, size_t len, const struct mp_inquiry *inq,
		  char *buf, size_t buflen)
{
	char raw[SCSI_ID_MAX];
	const uint8_t *data;
	size_t n, vp = sizeof(inq->vendor_product_raw);
	int r;

	r = vpd80_payload(page, len, &data, &n);
	if (r < 0)
		return r;
	if (!vendor_product_usable(inq))
		return -EINVAL;
	if (1 + vp + n + 1 > SCSI_ID_MAX)
		return -ERANGE;
	raw[0] = 'S';
	memcpy(raw + 1, inq->vendor_product_raw, vp);
	memcpy(raw + 1 + vp, data, n);
	raw[1 + vp + n] = '\0';
	return mp_vpd_reformat_serial(raw, buf, buflen);
}

/* ---- udev's ID_SERIAL character rules ---- */

/* Length of the valid UTF-8 sequence at @s, or -1 (overlong, surrogate, non-character...). */
static int utf8_sequence_len(const unsigned char *s)
{
	uint32_t c;
	int n;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, c = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, c = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, c = s[0] & 0x07;
	else
		return -1;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (n != (c < 0x800 ? 2 : c < 0x10000 ? 3 : 4) || c < 0x80)
		return -1;
	if (c >= 0x110000 || (c & 0xfffff800) == 0xd800 ||
	    (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe)
		return -1;
	return n;
}

static bool char_allowed(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c != '\0' && strchr("#+-.:=@_", c));
}

static void replace_chars(char *s)
{
	size_t i = 0;

	while (s[i] != '\0') {
		int n;

		if (char_allowed(s[i])) {
			i++;
		} else if (s[i] == '\\' && s[i + 1] == 'x') {
			i += 2;
		} else if ((n = utf8_sequence_len((const unsigned char *)s + i)) > 1) {
			i += n;
		} else {
			s[i++] = '_';
		}
	}
}

/* Drop outer whitespace, fold inner runs to '_'; reads at most @max bytes of @in. */
static size_t fold_whitespace(const char *in, char *out, size_t max)
{
	bool pending = false;
	size_t i = strspn(in, " \t\n\r"), j = 0;

	for (; j < max && i < max && in[i] != '\0'; i++) {
		if (isspace((unsigned char)in[i])) {
			pending = true;
			continue;
		}
		if (pending) {
			if (j + 1 >= max)
				break;
			out[j++] = '_';
			pending = false;
		}
		out[j++] = in[i];
	}
	out[j] = '\0';
	return j;
}

int mp_vpd_reformat_serial(const char *raw, char *buf, size_t len)
{
	char tmp[SCSI_ID_MAX];
	size_t n = fold_whitespace(raw, tmp, sizeof(tmp) - 1);

	replace_chars(tmp);
	if (n + 1 > len)
		return -ENOBUFS;
	memcpy(buf, tmp, n + 1);
	return (int)n;
}
