/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target for INQUIRY data, VPD pages 0x80, 0x83 and 0xB3, and the WWIDs scsi_id builds from them. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>

#include "fuzz.h"
#include "log.h"
#include "referrals.h"
#include "vpd.h"

/*
 * Input: one page as a device returns it. Every page parser gets it (each refuses the others'
 * page codes), and so does the INQUIRY parser; the WWIDs are built with no INQUIRY data, a
 * LIO disk's, and the input's own when it parses as INQUIRY data.
 */

#define ID_BUF 256

static const uint8_t lio_inquiry[36] = {
	0x00, 0x00, 0x06, 0x12, 0x1f, 0x31, 0x00, 0x02,
	'L', 'I', 'O', '-', 'O', 'R', 'G', ' ',
	'b', 'l', 'o', 'c', 'k', '0', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	'4', '.', '0', ' ',
};

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* udev's ID_SERIAL alphabet after mp_vpd_reformat_serial(); bytes >= 0x80 are valid UTF-8. */
static bool id_char_allowed(unsigned char c)
{
	return isalnum(c) || (c != '\0' && strchr("#+-.:=@_\\", c)) || c >= 0x80;
}

/* @id came back from a WWID builder that returned @r into a buffer of ID_BUF bytes. */
static void check_id(const char *id, int r, char lead)
{
	fuzz_assert(r > 0 && r < ID_BUF && strlen(id) == (size_t)r);
	fuzz_assert(!lead || id[0] == lead);
	for (int i = 0; i < r; i++)
		fuzz_assert(id_char_allowed((unsigned char)id[i]));
}

/* The same id into a buffer of exactly its size, and -ENOBUFS one byte short. */
static void check_id_buffer_sizes(const struct mp_vpd83 *vpd, const struct mp_inquiry *inq,
				  const char *id, int r)
{
	char exact[ID_BUF];

	fuzz_assert(mp_vpd83_wwid(vpd, inq, exact, (size_t)r + 1) == r && strcmp(exact, id) == 0);
	fuzz_assert(mp_vpd83_wwid(vpd, inq, exact, (size_t)r) == -ENOBUFS);
}

static void check_inquiry(const uint8_t *data, size_t size, const struct mp_inquiry *inq)
{
	fuzz_assert(inq->peripheral_qualifier < 8 && inq->peripheral_type < 32 && inq->tpgs < 4);
	fuzz_assert(strlen(inq->vendor) <= 8 && strlen(inq->product) <= 16 && strlen(inq->revision) <= 4);
	fuzz_assert(memcmp(inq->vendor, data + 8, strlen(inq->vendor)) == 0);
	fuzz_assert(memcmp(inq->vendor_product_raw, data + 8, 24) == 0);
	fuzz_assert(!inq->vendor[0] || inq->vendor[strlen(inq->vendor) - 1] != ' ');
}

/* The descriptors tile the page: what is left over is shorter than a descriptor header. */
static void check_designators(const uint8_t *page, size_t len, const struct mp_vpd83 *vpd)
{
	size_t body = mp_vpd_page_len(page, len) - 4, used = 0;

	if (vpd->scsi2_format) {
		fuzz_assert(vpd->n == 1 && vpd->designators[0].len <= body);
		return;
	}
	for (size_t i = 0; i < vpd->n; i++) {
		const struct mp_designator *d = &vpd->designators[i];

		fuzz_assert(d->code_set < 16 && d->association < 4 && d->type < 16 && d->protocol_id < 16);
		fuzz_assert(d->data[d->len] == '\0');
		fuzz_assert(memcmp(d->data, page + 4 + used + 4, d->len) == 0);
		fuzz_assert(mp_vpd83_find(vpd, d->type, d->association) <= d);
		used += 4 + d->len;
	}
	fuzz_assert(used <= body && body - used < 4);
}

static void check_port_values(const struct mp_vpd83 *vpd)
{
	int port = mp_vpd83_relative_port(vpd), tpg = mp_vpd83_target_port_group(vpd);
	char name[ID_BUF];

	fuzz_assert(port == -ENODATA || (port >= 0 && port <= 0xffff));
	fuzz_assert(tpg == -ENODATA || (tpg >= 0 && tpg <= 0xffff));
	for (uint8_t assoc = 0; assoc < 4; assoc++) {
		int r = mp_vpd83_scsi_name(vpd, assoc, name, sizeof(name));

		fuzz_assert(r == -ENODATA || (r >= 0 && strlen(name) == (size_t)r));
		if (r > 0)
			fuzz_assert(mp_vpd83_scsi_name(vpd, assoc, name, (size_t)r) == -ENOBUFS);
	}
}

/* A vendor-specific id, the only kind that needs INQUIRY data, comes last in scsi_id's order. */
static void check_wwids(const struct mp_vpd83 *vpd, const struct mp_inquiry *const *inqs, size_t n)
{
	char without[ID_BUF], with[ID_BUF];
	int r0 = mp_vpd83_wwid(vpd, NULL, without, sizeof(without));

	fuzz_assert(r0 == -ENODATA || r0 > 0);
	if (r0 > 0) {
		check_id(without, r0, vpd->scsi2_format ? '3' : 0);
		fuzz_assert(strchr("0123", without[0]));
		check_id_buffer_sizes(vpd, NULL, without, r0);
	}
	for (size_t i = 0; i < n; i++) {
		int r = mp_vpd83_wwid(vpd, inqs[i], with, sizeof(with));

		fuzz_assert(r == -ENODATA || r > 0);
		if (r0 > 0)
			fuzz_assert(r == r0 && strcmp(with, without) == 0);
		if (r > 0) {
			check_id(with, r, 0);
			check_id_buffer_sizes(vpd, inqs[i], with, r);
		}
	}
}

static void fuzz_vpd83(const uint8_t *page, size_t len, const struct mp_inquiry *const *inqs, size_t n)
{
	struct mp_vpd83 vpd = { .n = 7 };
	bool mine = len >= 4 && page[1] == MP_VPD_DEVICE_ID;
	int r = mp_vpd83_parse(page, len, &vpd);

	fuzz_assert(r == 0 || r == -EBADMSG || r == -EMSGSIZE);
	fuzz_assert(r != -EMSGSIZE || (mine && mp_vpd_page_len(page, len) > len));
	if (r < 0) {
		fuzz_assert(vpd.n == 7);
		return;
	}
	fuzz_assert(mine && mp_vpd_page_len(page, len) <= len);
	check_designators(page, len, &vpd);
	check_port_values(&vpd);
	check_wwids(&vpd, inqs, n);
	mp_vpd83_release(&vpd);
	fuzz_assert(!vpd.designators && vpd.n == 0);
}

static void fuzz_vpd80(const uint8_t *page, size_t len, const struct mp_inquiry *const *inqs, size_t n)
{
	char serial[ID_BUF], id[ID_BUF];
	int r = mp_vpd80_serial(page, len, serial, sizeof(serial));

	fuzz_assert(r >= 0 || r == -EBADMSG || r == -EMSGSIZE || r == -ENOBUFS);
	if (r >= 0) {
		fuzz_assert(strlen(serial) == (size_t)r);
		fuzz_assert(r == 0 || (!isspace((unsigned char)serial[0]) && !isspace((unsigned char)serial[r - 1])));
	}
	for (size_t i = 0; i < n; i++) {
		int w = mp_vpd80_wwid(page, len, inqs[i], id, sizeof(id));

		fuzz_assert(w > 0 || w == -EBADMSG || w == -EMSGSIZE || w == -EINVAL || w == -ERANGE);
		if (w > 0)
			check_id(id, w, 'S');
	}
}

static void fuzz_vpd_b3(const uint8_t *page, size_t len)
{
	struct mp_referrals_vpd vpd = { 7, 7 };
	int r = mp_referrals_vpd_parse(page, len, &vpd);

	fuzz_assert(r == 0 || r == -EBADMSG);
	if (r < 0) {
		fuzz_assert(vpd.segment_size == 7 && vpd.segment_multiplier == 7);
		return;
	}
	fuzz_assert(len >= 16 && page[1] == MP_VPD_REFERRALS);
	fuzz_assert(vpd.segment_size == get_be32(page + 8) && vpd.segment_multiplier == get_be32(page + 12));
}

/* The serial rule alone, on the input as text. */
static void fuzz_reformat(const uint8_t *data, size_t size)
{
	char *raw = fuzz_strndup(data, size), out[ID_BUF];
	int r = mp_vpd_reformat_serial(raw, out, sizeof(out));

	fuzz_assert(r >= 0 && r < ID_BUF && strlen(out) == (size_t)r);
	for (int i = 0; i < r; i++)
		fuzz_assert(id_char_allowed((unsigned char)out[i]));
	free(raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mp_inquiry lio, own;
	const struct mp_inquiry *inqs[2] = { &lio };
	size_t n = 1;
	int r;

	mp_log_set_level(MP_LOG_ERR);
	fuzz_assert(mp_inquiry_parse(lio_inquiry, sizeof(lio_inquiry), &lio) == 0);
	r = mp_inquiry_parse(data, size, &own);
	fuzz_assert(r == (size >= 36 ? 0 : -EBADMSG));
	if (r == 0) {
		check_inquiry(data, size, &own);
		inqs[n++] = &own;
	}
	fuzz_vpd83(data, size, inqs, n);
	fuzz_vpd80(data, size, inqs, n);
	fuzz_vpd_b3(data, size);
	fuzz_reformat(data, size);
	return 0;
}
