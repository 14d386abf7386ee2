/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the multipathd 0.9.4 WWID rules: udev property, VPD 0x83 fallback, NVMe and DASD. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "uid.h"
#include "util.h"

/* The same byte images as test-vpd.c: scsi_debug, LIO, an EqualLogic-style page, IET. */
static const uint8_t scsi_debug_vpd83[] = {
	0x00, 0x83, 0x00, 0x70, 0x02, 0x01, 0x00, 0x1c, 0x4c, 0x69, 0x6e, 0x75,
	0x78, 0x20, 0x20, 0x20, 0x73, 0x63, 0x73, 0x69, 0x5f, 0x64, 0x65, 0x62,
	0x75, 0x67, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x32, 0x30, 0x30, 0x30,
	0x01, 0x03, 0x00, 0x08, 0x33, 0x33, 0x33, 0x30, 0x00, 0x00, 0x07, 0xd0,
	0x61, 0x94, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x61, 0x93, 0x00, 0x08,
	0x32, 0x22, 0x22, 0x20, 0x00, 0x00, 0x00, 0x01, 0x61, 0x95, 0x00, 0x04,
	0x00, 0x00, 0x01, 0x00, 0x61, 0xa3, 0x00, 0x08, 0x32, 0x22, 0x22, 0x20,
	0x00, 0x00, 0x07, 0xd0, 0x63, 0xa8, 0x00, 0x18, 0x6e, 0x61, 0x61, 0x2e,
	0x33, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x30, 0x30, 0x30, 0x30, 0x30,
	0x30, 0x37, 0x44, 0x30, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t lio_vpd83[] = {
	0x00, 0x83, 0x00, 0xdc, 0x01, 0x03, 0x00, 0x10, 0x60, 0x01, 0x40, 0x5c,
	0x2a, 0x1b, 0xd5, 0xe7, 0xf0, 0xb4, 0xc3, 0xe9, 0xb1, 0xa5, 0xd6, 0xe7,
	0x02, 0x01, 0x00, 0x34, 0x4c, 0x49, 0x4f, 0x2d, 0x4f, 0x52, 0x47, 0x20,
	0x62, 0x6c, 0x6f, 0x63, 0x6b, 0x30, 0x3a, 0x63, 0x32, 0x61, 0x31, 0x62,
	0x64, 0x35, 0x65, 0x2d, 0x37, 0x66, 0x30, 0x62, 0x2d, 0x34, 0x63, 0x33,
	0x65, 0x2d, 0x39, 0x62, 0x31, 0x61, 0x2d, 0x35, 0x64, 0x36, 0x65, 0x37,
	0x66, 0x38, 0x30, 0x39, 0x61, 0x31, 0x62, 0x00, 0x51, 0x94, 0x00, 0x04,
	0x00, 0x00, 0x00, 0x01, 0x51, 0x95, 0x00, 0x04, 0x00, 0x00, 0x00, 0x11,
	0x53, 0x98, 0x00, 0x40, 0x69, 0x71, 0x6e, 0x2e, 0x32, 0x30, 0x30, 0x33,
	0x2d, 0x30, 0x31, 0x2e, 0x6f, 0x72, 0x67, 0x2e, 0x6c, 0x69, 0x6e, 0x75,
	0x78, 0x2d, 0x69, 0x73, 0x63, 0x73, 0x69, 0x2e, 0x74, 0x67, 0x74, 0x31,
	0x2e, 0x78, 0x38, 0x36, 0x36, 0x34, 0x3a, 0x73, 0x6e, 0x2e, 0x34, 0x66,
	0x31, 0x63, 0x32, 0x62, 0x37, 0x64, 0x39, 0x65, 0x30, 0x61, 0x2c, 0x74,
	0x2c, 0x30, 0x78, 0x30, 0x30, 0x30, 0x31, 0x00, 0x53, 0xa8, 0x00, 0x38,
	0x69, 0x71, 0x6e, 0x2e, 0x32, 0x30, 0x30, 0x33, 0x2d, 0x30, 0x31, 0x2e,
	0x6f, 0x72, 0x67, 0x2e, 0x6c, 0x69, 0x6e, 0x75, 0x78, 0x2d, 0x69, 0x73,
	0x63, 0x73, 0x69, 0x2e, 0x74, 0x67, 0x74, 0x31, 0x2e, 0x78, 0x38, 0x36,
	0x36, 0x34, 0x3a, 0x73, 0x6e, 0x2e, 0x34, 0x66, 0x31, 0x63, 0x32, 0x62,
	0x37, 0x64, 0x39, 0x65, 0x30, 0x61, 0x00, 0x00,
};

/* T10 "EQLOGIC 100E-00 ...", NAA 6, and the volume iqn as an LU SCSI name (rank 3). */
static const uint8_t eql_vpd83[] = {
	0x00, 0x83, 0x00, 0xe4, 0x02, 0x01, 0x00, 0x20, 0x45, 0x51, 0x4c, 0x4f,
	0x47, 0x49, 0x43, 0x20, 0x31, 0x30, 0x30, 0x45, 0x2d, 0x30, 0x30, 0x20,
	0x34, 0x30, 0x42, 0x33, 0x41, 0x34, 0x44, 0x31, 0x43, 0x35, 0x45, 0x32,
	0x46, 0x34, 0x42, 0x31, 0x01, 0x03, 0x00, 0x10, 0x60, 0x90, 0xa0, 0x28,
	0x40, 0xb3, 0xa4, 0xd1, 0xc5, 0xe2, 0xf4, 0xb1, 0xa0, 0x00, 0x00, 0x26,
	0x53, 0x08, 0x00, 0x44, 0x69, 0x71, 0x6e, 0x2e, 0x32, 0x30, 0x30, 0x31,
	0x2d, 0x30, 0x35, 0x2e, 0x63, 0x6f, 0x6d, 0x2e, 0x65, 0x71, 0x75, 0x61,
	0x6c, 0x6c, 0x6f, 0x67, 0x69, 0x63, 0x3a, 0x30, 0x2d, 0x61, 0x66, 0x31,
	0x66, 0x66, 0x36, 0x2d, 0x34, 0x30, 0x62, 0x33, 0x61, 0x34, 0x64, 0x31,
	0x63, 0x2d, 0x32, 0x36, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x61, 0x30,
	0x62, 0x31, 0x66, 0x34, 0x65, 0x32, 0x2d, 0x76, 0x6f, 0x6c, 0x31, 0x00,
	0x51, 0x94, 0x00, 0x04, 0x00, 0x00, 0x00, 0x02, 0x51, 0x95, 0x00, 0x04,
	0x00, 0x00, 0x00, 0x02, 0x53, 0x98, 0x00, 0x50, 0x69, 0x71, 0x6e, 0x2e,
	0x32, 0x30, 0x30, 0x31, 0x2d, 0x30, 0x35, 0x2e, 0x63, 0x6f, 0x6d, 0x2e,
	0x65, 0x71, 0x75, 0x61, 0x6c, 0x6c, 0x6f, 0x67, 0x69, 0x63, 0x3a, 0x30,
	0x2d, 0x61, 0x66, 0x31, 0x66, 0x66, 0x36, 0x2d, 0x34, 0x30, 0x62, 0x33,
	0x61, 0x34, 0x64, 0x31, 0x63, 0x2d, 0x32, 0x36, 0x30, 0x30, 0x30, 0x30,
	0x30, 0x30, 0x61, 0x30, 0x62, 0x31, 0x66, 0x34, 0x65, 0x32, 0x2d, 0x76,
	0x6f, 0x6c, 0x31, 0x2c, 0x74, 0x2c, 0x30, 0x78, 0x30, 0x30, 0x30, 0x31,
	0x00, 0x00, 0x00, 0x00,
};

/* A target-port EUI-64 (ignored), then an 8-byte and a 16-byte LU EUI-64. */
static const uint8_t eui64_vpd83[] = {
	0x00, 0x83, 0x00, 0x2c, 0x01, 0x12, 0x00, 0x08, 0x50, 0x00, 0xc5, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00, 0x08, 0x00, 0x11, 0x22, 0x33,
	0x44, 0x55, 0x66, 0x77, 0x01, 0x02, 0x00, 0x10, 0x00, 0x11, 0x22, 0x33,
	0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

/* IET: a target-port NAA, then a T10 id with a '/' that scsi_id would replace. */
static const uint8_t t10_vpd83[] = {
	0x00, 0x83, 0x00, 0x38, 0x01, 0x13, 0x00, 0x08, 0x21, 0x00, 0x00, 0x1b,
	0x32, 0xa1, 0xb2, 0xc3, 0x02, 0x01, 0x00, 0x28, 0x49, 0x45, 0x54, 0x20,
	0x20, 0x20, 0x20, 0x20, 0x56, 0x49, 0x52, 0x54, 0x55, 0x41, 0x4c, 0x2d,
	0x44, 0x49, 0x53, 0x4b, 0x20, 0x20, 0x20, 0x20, 0x64, 0x69, 0x73, 0x6b,
	0x2f, 0x30, 0x20, 0x20, 0x62, 0x65, 0x61, 0x66, 0x31, 0x31, 0x20, 0x20,
};

static void assert_vpd_wwid(const uint8_t *page, size_t len, const char *want)
{
	char buf[MP_WWID_SIZE];

	assert_int_equal(mp_uid_from_vpd83(page, len, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
}

/* Build a page from descriptors given as (byte1, data, len) triples; code set 1 or 2 as appropriate. */
struct desc {
	uint8_t b0, b1;
	const void *data;
	uint8_t len;
};

static size_t build_page(uint8_t *page, const struct desc *d, size_t n)
{
	size_t off = 4;

	memset(page, 0, 4);
	page[1] = 0x83;
	for (size_t i = 0; i < n; i++) {
		page[off] = d[i].b0;
		page[off + 1] = d[i].b1;
		page[off + 2] = 0;
		page[off + 3] = d[i].len;
		memcpy(page + off + 4, d[i].data, d[i].len);
		off += 4 + d[i].len;
	}
	page[2] = (uint8_t)((off - 4) >> 8);
	page[3] = (uint8_t)(off - 4);
	return off;
}

static void test_vpd83_real_pages(void **state)
{
	/* T10 (rank 2) beats the locally assigned NAA 3 (rank 1): sg3-utils' ID_SERIAL, not scsi_id's. */
	assert_vpd_wwid(scsi_debug_vpd83, sizeof(scsi_debug_vpd83), "1Linux_scsi_debug_2000");
	assert_vpd_wwid(lio_vpd83, sizeof(lio_vpd83), "36001405c2a1bd5e7f0b4c3e9b1a5d6e7");
	assert_vpd_wwid(eql_vpd83, sizeof(eql_vpd83), "36090a02840b3a4d1c5e2f4b1a0000026");
	/* Equal rank: the first EUI-64 wins; the target-port one does not count. */
	assert_vpd_wwid(eui64_vpd83, sizeof(eui64_vpd83), "20011223344556677");
	/* Only spaces are folded: the '/' stays (scsi_id prints disk_0). */
	assert_vpd_wwid(t10_vpd83, sizeof(t10_vpd83), "1IET_VIRTUAL-DISK_disk/0_beaf11");
}

/* LIO without its NAA: the T10 id, cut at the NUL LIO puts after the serial. */
static void test_vpd83_lio_t10(void **state)
{
	uint8_t page[sizeof(lio_vpd83)];
	size_t naa_len = 4 + 16, body = sizeof(lio_vpd83) - 4 - naa_len;

	memcpy(page, lio_vpd83, 4);
	memcpy(page + 4, lio_vpd83 + 4 + naa_len, body);
	page[2] = (uint8_t)(body >> 8);
	page[3] = (uint8_t)body;
	assert_vpd_wwid(page, 4 + body, "1LIO-ORG_block0:c2a1bd5e-7f0b-4c3e-9b1a-5d6e7f809a1b");
}

static void test_vpd83_ranking(void **state)
{
	static const uint8_t naa6[16] = { 0x60, 0x0a, 0x0b, 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	static const uint8_t naa5[8] = { 0x50, 0x06, 0x01, 0x60, 0xaa, 0xbb, 0xcc, 0xdd };
	static const uint8_t naa2[8] = { 0x20, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t naa3[8] = { 0x33, 0x33, 0x33, 0x30, 0, 0, 0x07, 0xd0 };
	static const uint8_t eui[8] = { 0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3 };
	static const char name[] = "naa.600A0B80ABCDEF00";
	static const char t10[] = "VENDOR  PRODUCT 1234";
	/* Worst first, so each better one must replace the one before. */
	struct desc all[] = {
		{ 0x01, 0x03, naa3, 8 }, { 0x02, 0x01, t10, sizeof(t10) - 1 },
		{ 0x03, 0x08, name, sizeof(name) - 1 }, { 0x01, 0x02, eui, 8 },
		{ 0x01, 0x03, naa2, 8 }, { 0x01, 0x03, naa5, 8 }, { 0x01, 0x03, naa6, 16 },
	};
	static const char *const want[] = {
		"333333330000007d0", "1VENDOR_PRODUCT_1234", "3600a0b80abcdef00",
		"2deadbeef00010203", "32000001122334455", "350060160aabbccdd",
		"3600a0b800102030405060708090a0b0c",
	};
	uint8_t page[512];

	for (size_t n = 1; n <= ARRAY_SIZE(all); n++)
		assert_vpd_wwid(page, build_page(page, all, n), want[n - 1]);
}

static void test_vpd83_scsi_names(void **state)
{
	static const char iqn[] = "iqn.2001-05.com.Example:Vol1\0\0\0";
	static const char eui[] = "eui.0011223344AABBCC";
	static const char other[] = "xyz.0011223344";
	uint8_t page[256];
	struct desc d;

	/* "iqn." gives '8' and loses its prefix; the case stays; NUL padding ends it. */
	d = (struct desc) { 0x03, 0x08, iqn, sizeof(iqn) - 1 };
	assert_vpd_wwid(page, build_page(page, &d, 1), "82001-05.com.Example:Vol1");
	d = (struct desc) { 0x03, 0x08, eui, sizeof(eui) - 1 };
	assert_vpd_wwid(page, build_page(page, &d, 1), "20011223344aabbcc");
	/* Another prefix is malformed; nothing else qualifies. */
	d = (struct desc) { 0x03, 0x08, other, sizeof(other) - 1 };
	assert_int_equal(mp_uid_from_vpd83(page, build_page(page, &d, 1), (char[8]){}, 8), -EINVAL);
}

static void test_vpd83_malformed(void **state)
{
	static const uint8_t naa6_short[8] = { 0x60, 1, 2, 3, 4, 5, 6, 7 };
	static const uint8_t naa5[8] = { 0x50, 1, 2, 3, 4, 5, 6, 7 };
	static const uint8_t naa7[8] = { 0x70, 1, 2, 3, 4, 5, 6, 7 };
	static const uint8_t eui10[10] = { 1 };
	static const uint8_t uuid[18] = { 0x10 };
	uint8_t page[256];
	char buf[MP_WWID_SIZE];
	struct desc bad[] = {
		{ 0x01, 0x03, naa6_short, 8 },	/* NAA 6 must be 16 bytes */
		{ 0x01, 0x03, naa7, 8 },	/* no such NAA */
		{ 0x01, 0x02, eui10, 10 },	/* EUI-64 is 8, 12 or 16 */
		{ 0x02, 0x01, "SHORT", 5 },	/* T10 needs 8 */
		{ 0x01, 0x33, naa5, 8 },	/* reserved association */
		{ 0x01, 0x00, naa5, 8 },	/* vendor specific */
	};
	struct desc ok[] = { { 0x01, 0x03, naa5, 8 }, { 0x01, 0x0a, uuid, 18 } };
	size_t len;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		len = build_page(page, &bad[i], 1);
		assert_int_equal(mp_uid_from_vpd83(page, len, buf, sizeof(buf)), -EINVAL);
	}
	/* A malformed designator does not hide a good one. */
	memcpy(&bad[ARRAY_SIZE(bad) - 1], &ok[0], sizeof(ok[0]));
	assert_vpd_wwid(page, build_page(page, bad, ARRAY_SIZE(bad)), "35001020304050607");
	/* A UUID designator is not used, but not an error either. */
	assert_int_equal(mp_uid_from_vpd83(page, build_page(page, &ok[1], 1), buf, sizeof(buf)), -ENODATA);
	/* Target-port designators alone give nothing. */
	ok[0].b1 = 0x13;
	assert_int_equal(mp_uid_from_vpd83(page, build_page(page, ok, 1), buf, sizeof(buf)), -ENODATA);
}

static void test_vpd83_lengths(void **state)
{
	static const uint8_t naa5[8] = { 0x50, 1, 2, 3, 4, 5, 6, 7 };
	uint8_t page[300], copy[sizeof(lio_vpd83)];
	char buf[MP_WWID_SIZE], small[10];
	struct desc d = { 0x01, 0x03, naa5, 8 };
	size_t len;

	/* Not page 0x83, or nothing at all. */
	assert_int_equal(mp_uid_from_vpd83(t10_vpd83, 1, buf, sizeof(buf)), -ENODATA);
	assert_int_equal(mp_uid_from_vpd83(NULL, 0, buf, sizeof(buf)), -ENODATA);
	memcpy(copy, lio_vpd83, sizeof(copy));
	copy[1] = 0x80;
	assert_int_equal(mp_uid_from_vpd83(copy, sizeof(copy), buf, sizeof(buf)), -ENODATA);
	assert_int_equal(mp_uid_from_vpd83(lio_vpd83, sizeof(lio_vpd83), buf, 1), -ENOBUFS);

	/* Only the NAA was read; the header claims more, which reads as zeros: still the NAA. */
	assert_vpd_wwid(lio_vpd83, 24, "36001405c2a1bd5e7f0b4c3e9b1a5d6e7");
	/* A descriptor running past the page end stops the scan: what was found before counts. */
	len = build_page(page, &d, 1);
	page[len] = 0x01;
	page[len + 1] = 0x03;
	page[len + 3] = 200;
	page[3] += 4;
	assert_vpd_wwid(page, len + 4, "35001020304050607");
	memmove(page + 4, page + len, 4);
	page[3] = 4;
	assert_int_equal(mp_uid_from_vpd83(page, 8, buf, sizeof(buf)), -EOVERFLOW);

	/* Hex ids are cut to an odd length that fits. */
	assert_int_equal(mp_uid_from_vpd83(lio_vpd83, sizeof(lio_vpd83), small, sizeof(small)), 9);
	assert_string_equal(small, "36001405c");
}

static void test_vpd83_long_t10(void **state)
{
	uint8_t page[4 + 4 + 255];
	char text[256], buf[MP_WWID_SIZE];
	struct desc d;

	for (size_t i = 0; i < 255; i++)
		text[i] = (char)('a' + i % 26);
	d = (struct desc) { 0x02, 0x01, text, 255 };
	/* multipath-tools reads 128 bytes of the designator and keeps 127 characters. */
	assert_int_equal(mp_uid_from_vpd83(page, build_page(page, &d, 1), buf, sizeof(buf)), 127);
	assert_int_equal(buf[0], '1');
	assert_memory_equal(buf + 1, text, 126);
	/* Leading spaces become one '_', trailing ones vanish. */
	d = (struct desc) { 0x02, 0x01, "  ABC   DEF  ", 13 };
	assert_vpd_wwid(page, build_page(page, &d, 1), "1_ABC_DEF");
}

/* ---- mp_uid_get() ---- */

struct props {
	const char *name;
	const char *value;
	unsigned asked;
	unsigned sgio_calls;
	int sgio_result;
	const uint8_t *sgio_page;
	size_t sgio_len;
};

static const char *get_prop(const char *name, void *userdata)
{
	struct props *p = userdata;

	p->asked++;
	return p->name && !strcmp(name, p->name) ? p->value : NULL;
}

static int read_sgio(uint8_t *buf, size_t len, void *userdata)
{
	struct props *p = userdata;

	p->sgio_calls++;
	if (p->sgio_result < 0)
		return p->sgio_result;
	memcpy(buf, p->sgio_page, p->sgio_len);
	return (int)p->sgio_len;
}

static struct mp_uid_input scsi_input(struct props *p)
{
	return (struct mp_uid_input) {
		.bus = MP_UID_BUS_SCSI,
		.uid_attribute = MP_UID_ATTRIBUTE_DEFAULT,
		.get_property = get_prop,
		.userdata = p,
		.path_up = true,
		.vpd83 = scsi_debug_vpd83,
		.vpd83_len = sizeof(scsi_debug_vpd83),
		.read_vpd83_sgio = read_sgio,
	};
}

static void test_uid_property_wins(void **state)
{
	/* systemd's scsi_id rule gives scsi_debug this ID_SERIAL; the page would give 1Linux_... */
	struct props p = { .name = "ID_SERIAL", .value = "333333330000007d0" };
	struct mp_uid_input in = scsi_input(&p);
	struct mp_uid uid;

	in.allow_fallback = true;
	assert_int_equal(mp_uid_get(&in, &uid), 17);
	assert_string_equal(uid.wwid, "333333330000007d0");
	assert_int_equal(uid.source, MP_UID_SOURCE_UDEV);
	assert_false(uid.fallback);
	assert_string_equal(mp_uid_source_name(uid.source), "udev");
	assert_int_equal(p.sgio_calls, 0);

	/* Another configured property is used the same way. */
	p.name = "ID_WWN";
	p.value = "0x5000c500a1b2c3d4";
	in.uid_attribute = "ID_WWN";
	assert_int_equal(mp_uid_get(&in, &uid), 18);
	assert_string_equal(uid.wwid, "0x5000c500a1b2c3d4");
}

static void test_uid_fallback_only_without_property(void **state)
{
	struct props p = { .name = "ID_SERIAL", .value = NULL };
	struct mp_uid_input in = scsi_input(&p);
	struct mp_uid uid = { .wwid = "untouched" };

	/* Missing property, fallback not yet allowed (uevents not retriggered enough). */
	assert_int_equal(mp_uid_get(&in, &uid), -ENODATA);
	assert_string_equal(uid.wwid, "untouched");
	/* Allowed: sysfs page 0x83 by multipath-tools' rules. */
	in.allow_fallback = true;
	assert_int_equal(mp_uid_get(&in, &uid), 22);
	assert_string_equal(uid.wwid, "1Linux_scsi_debug_2000");
	assert_int_equal(uid.source, MP_UID_SOURCE_SYSFS_VPD83);
	assert_true(uid.fallback);
	assert_string_equal(mp_uid_source_name(uid.source), "sysfs");
	/* An empty property counts as missing. */
	p.value = "";
	assert_int_equal(mp_uid_get(&in, &uid), 22);
	assert_int_equal(p.sgio_calls, 0);

	/* A non-standard property never falls back: the admin asked for that property. */
	in.uid_attribute = "ID_WWN";
	assert_int_equal(mp_uid_get(&in, &uid), -ENODATA);
	/* No selection at all gives nothing. */
	in.uid_attribute = NULL;
	assert_int_equal(mp_uid_get(&in, &uid), -ENODATA);
	assert_int_equal(mp_uid_get(NULL, &uid), -EINVAL);
}

static void test_uid_empty_attribute(void **state)
{
	struct props p = { .name = "ID_SERIAL", .value = "3600a0b8" };
	struct mp_uid_input in = scsi_input(&p);
	struct mp_uid uid;

	/* uid_attribute "": udev is not asked, the fallback runs even without allow_fallback. */
	in.uid_attribute = "";
	assert_int_equal(mp_uid_get(&in, &uid), 22);
	assert_int_equal(p.asked, 0);
	assert_false(uid.fallback);
	/* No udev device: the fallback runs and is reported as one. */
	in.uid_attribute = MP_UID_ATTRIBUTE_DEFAULT;
	in.get_property = NULL;
	assert_int_equal(mp_uid_get(&in, &uid), 22);
	assert_true(uid.fallback);
}

static void test_uid_sgio_fallback(void **state)
{
	struct props p = { .sgio_page = lio_vpd83, .sgio_len = sizeof(lio_vpd83) };
	struct mp_uid_input in = scsi_input(&p);
	struct mp_uid uid;
	uint8_t not83[8] = { 0, 0x80, 0, 4, 'a', 'b', 'c', 'd' };

	in.allow_fallback = true;
	in.vpd83 = NULL;
	assert_int_equal(mp_uid_get(&in, &uid), 33);
	assert_string_equal(uid.wwid, "36001405c2a1bd5e7f0b4c3e9b1a5d6e7");
	assert_int_equal(uid.source, MP_UID_SOURCE_SGIO_VPD83);
	assert_string_equal(mp_uid_source_name(uid.source), "sgio");
	assert_int_equal(p.sgio_calls, 1);
	/* A sysfs page that gives nothing also leads to SG_IO. */
	in.vpd83 = not83;
	in.vpd83_len = sizeof(not83);
	assert_int_equal(mp_uid_get(&in, &uid), 33);
	assert_int_equal(p.sgio_calls, 2);
	/* Only on a path that is up; the sysfs error is returned otherwise. */
	in.path_up = false;
	assert_int_equal(mp_uid_get(&in, &uid), -ENODATA);
	in.vpd83 = NULL;
	assert_int_equal(mp_uid_get(&in, &uid), -ENOENT);
	assert_int_equal(p.sgio_calls, 2);
	/* The callback's error comes back. */
	in.path_up = true;
	p.sgio_result = -EIO;
	assert_int_equal(mp_uid_get(&in, &uid), -EIO);
}

static void test_uid_blanks_and_length(void **state)
{
	struct props p = { .name = "ID_SERIAL", .value = "3600a0b8  " };
	struct mp_uid_input in = scsi_input(&p);
	struct mp_uid uid;
	char longer[201];

	assert_int_equal(mp_uid_get(&in, &uid), 8);
	assert_string_equal(uid.wwid, "3600a0b8");
	/* Only blanks: no WWID (and no fallback without allow_fallback). */
	p.value = "   ";
	assert_int_equal(mp_uid_get(&in, &uid), -ENODATA);
	/* Over-long values are cut to 127 bytes. */
	memset(longer, 'x', 200);
	longer[200] = '\0';
	p.value = longer;
	assert_int_equal(mp_uid_get(&in, &uid), 127);
	assert_int_equal(strlen(uid.wwid), 127);
}

static void test_uid_nvme(void **state)
{
	static const char broken[] =
		"nvme.0000-3163653363666438366239656630386200-"
		"4c696e75780000000000000000000000000000000000000000000000000000000000000000000000-00000002";
	struct props p = { .name = "ID_WWN", .value = broken };
	struct mp_uid_input in = {
		.bus = MP_UID_BUS_NVME, .uid_attribute = MP_UID_ATTRIBUTE_NVME,
		.get_property = get_prop, .userdata = &p,
	};
	struct mp_uid uid;
	char huge[300];

	/* The hex-coded NUL padding of serial and model goes. */
	assert_int_equal(mp_uid_get(&in, &uid), 62);
	assert_string_equal(uid.wwid, "nvme.0000-31636533636664383662396566303862-4c696e7578-00000002");
	/* Sysfs "wwid" fallback, newline stripped. */
	p.value = NULL;
	in.allow_fallback = true;
	in.nvme_wwid = "eui.0025388b9100a1b2\n";
	assert_int_equal(mp_uid_get(&in, &uid), 20);
	assert_string_equal(uid.wwid, "eui.0025388b9100a1b2");
	assert_int_equal(uid.source, MP_UID_SOURCE_SYSFS_NVME);
	/* Unreadable, or too big for multipath-tools' 256-byte read. */
	in.nvme_wwid = NULL;
	assert_int_equal(mp_uid_get(&in, &uid), -ENODATA);
	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	in.nvme_wwid = huge;
	assert_int_equal(mp_uid_get(&in, &uid), -EOVERFLOW);
	/* The SCSI default property is not NVMe's: no fallback. */
	in.uid_attribute = MP_UID_ATTRIBUTE_DEFAULT;
	in.nvme_wwid = "eui.1";
	assert_int_equal(mp_uid_get(&in, &uid), -ENODATA);
}

static void test_uid_dasd(void **state)
{
	struct mp_uid_input in = {
		.bus = MP_UID_BUS_CCW, .uid_attribute = "",
		.dasd_uid = "IBM.75000000092461.4d00.10.00000000000000000000000000000000\n",
	};
	struct mp_uid uid;

	assert_int_equal(mp_uid_get(&in, &uid), 26);
	assert_string_equal(uid.wwid, "IBM.75000000092461.4d00.10");
	assert_int_equal(uid.source, MP_UID_SOURCE_SYSFS_DASD);
	in.dasd_uid = "IBM.75000000092461.4d00.10\n";
	assert_int_equal(mp_uid_get(&in, &uid), 26);
	/* Another bus has no fallback at all. */
	in.bus = MP_UID_BUS_OTHER;
	assert_int_equal(mp_uid_get(&in, &uid), -ENODATA);
}

static void test_has_fallback(void **state)
{
	assert_true(mp_uid_has_fallback(MP_UID_BUS_SCSI, "ID_SERIAL"));
	assert_true(mp_uid_has_fallback(MP_UID_BUS_SCSI, ""));
	assert_false(mp_uid_has_fallback(MP_UID_BUS_SCSI, "ID_WWN"));
	assert_false(mp_uid_has_fallback(MP_UID_BUS_SCSI, NULL));
	assert_true(mp_uid_has_fallback(MP_UID_BUS_NVME, "ID_WWN"));
	assert_false(mp_uid_has_fallback(MP_UID_BUS_NVME, "ID_SERIAL"));
	assert_true(mp_uid_has_fallback(MP_UID_BUS_CCW, "ID_UID"));
	assert_false(mp_uid_has_fallback(MP_UID_BUS_OTHER, ""));
}

static void test_uid_attrs(void **state)
{
	static const char attrs[] = "  sd:ID_SERIAL nocolon dasd:ID_UID nvme:ID_WWN\t ";
	char buf[32];

	assert_int_equal(mp_uid_attrs_lookup(attrs, "sdc", buf, sizeof(buf)), 9);
	assert_string_equal(buf, "ID_SERIAL");
	assert_int_equal(mp_uid_attrs_lookup(attrs, "dasdb", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "ID_UID");
	assert_int_equal(mp_uid_attrs_lookup(attrs, "nvme0n1", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "ID_WWN");
	assert_int_equal(mp_uid_attrs_lookup(attrs, "vda", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(mp_uid_attrs_lookup(NULL, "sda", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(mp_uid_attrs_lookup(attrs, "sda", buf, 4), -ENOBUFS);
	/* The last ':' splits; an empty type matches every device; an empty property is allowed. */
	assert_int_equal(mp_uid_attrs_lookup("a:b:X", "a:bc", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "X");
	assert_int_equal(mp_uid_attrs_lookup(":ANY", "vda", buf, sizeof(buf)), 3);
	assert_int_equal(mp_uid_attrs_lookup("vd:", "vda", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vpd83_real_pages),
		cmocka_unit_test(test_vpd83_lio_t10),
		cmocka_unit_test(test_vpd83_ranking),
		cmocka_unit_test(test_vpd83_scsi_names),
		cmocka_unit_test(test_vpd83_malformed),
		cmocka_unit_test(test_vpd83_lengths),
		cmocka_unit_test(test_vpd83_long_t10),
		cmocka_unit_test(test_uid_property_wins),
		cmocka_unit_test(test_uid_fallback_only_without_property),
		cmocka_unit_test(test_uid_empty_attribute),
		cmocka_unit_test(test_uid_sgio_fallback),
		cmocka_unit_test(test_uid_blanks_and_length),
		cmocka_unit_test(test_uid_nvme),
		cmocka_unit_test(test_uid_dasd),
		cmocka_unit_test(test_has_fallback),
		cmocka_unit_test(test_uid_attrs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
