/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for INQUIRY/VPD parsing and the scsi_id-compatible WWID, on byte images of real targets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "vpd.h"

/*
 * LIO (target_core_spc.c spc_emulate_evpd_83) for a LUN whose vpd_unit_serial is
 * c2a1bd5e-7f0b-4c3e-9b1a-5d6e7f809a1b, model "block0", iSCSI, RTPI 1, ALUA group 17:
 * NAA 6 (OUI 001405 + serial nibbles), T10 "LIO-ORG " + "block0:<serial>\0",
 * relative port, target port group, SCSI name of the port and of the target.
 */
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

/* scsi_debug (inquiry_vpd_83): T10 first, then a locally assigned NAA 3 for host 0 LUN 0. */
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

/* EqualLogic style: T10 "EQLOGIC 100E-00", NAA 6 with 6090a0, the volume iqn as LU name. */
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

/* EUI-64 only: a target-port EUI-64 (ignored), then an 8-byte and a 16-byte LU EUI-64. */
static const uint8_t eui64_vpd83[] = {
	0x00, 0x83, 0x00, 0x2c, 0x01, 0x12, 0x00, 0x08, 0x50, 0x00, 0xc5, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00, 0x08, 0x00, 0x11, 0x22, 0x33,
	0x44, 0x55, 0x66, 0x77, 0x01, 0x02, 0x00, 0x10, 0x00, 0x11, 0x22, 0x33,
	0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

/* T10 vendor ID only (IET style) plus a target-port NAA that must not be picked. */
static const uint8_t t10_vpd83[] = {
	0x00, 0x83, 0x00, 0x38, 0x01, 0x13, 0x00, 0x08, 0x21, 0x00, 0x00, 0x1b,
	0x32, 0xa1, 0xb2, 0xc3, 0x02, 0x01, 0x00, 0x28, 0x49, 0x45, 0x54, 0x20,
	0x20, 0x20, 0x20, 0x20, 0x56, 0x49, 0x52, 0x54, 0x55, 0x41, 0x4c, 0x2d,
	0x44, 0x49, 0x53, 0x4b, 0x20, 0x20, 0x20, 0x20, 0x64, 0x69, 0x73, 0x6b,
	0x2f, 0x30, 0x20, 0x20, 0x62, 0x65, 0x61, 0x66, 0x31, 0x31, 0x20, 0x20,
};

/* Standard INQUIRY of a LIO disk with ALUA (TPGS = 3) and PROTECT. */
static const uint8_t lio_inquiry[] = {
	0x00, 0x00, 0x06, 0x12, 0x1f, 0x31, 0x00, 0x02,
	'L', 'I', 'O', '-', 'O', 'R', 'G', ' ',
	'b', 'l', 'o', 'c', 'k', '0', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	'4', '.', '0', ' ',
};

static const uint8_t ata_inquiry[] = {
	0x00, 0x00, 0x05, 0x02, 0x5b, 0x00, 0x00, 0x02,
	'A', 'T', 'A', ' ', ' ', ' ', ' ', ' ',
	'V', 'B', 'O', 'X', ' ', 'H', 'A', 'R', 'D', 'D', 'I', 'S', 'K', ' ', ' ', ' ',
	'1', '.', '0', ' ',
};

/* Page 0x80 as LIO sends it: the serial plus its NUL. */
static const uint8_t ata_vpd80[] = {
	0x00, 0x80, 0x00, 0x0d, 'V', 'B', '1', '2', '3', '4', '-', '5', '6', '7', '8', ' ', 0x00,
};

static void parse_ok(const uint8_t *page, size_t len, struct mp_vpd83 *vpd)
{
	assert_int_equal(mp_vpd83_parse(page, len, vpd), 0);
	assert_false(vpd->scsi2_format);
}

static void assert_wwid(const struct mp_vpd83 *vpd, const struct mp_inquiry *inq, const char *want)
{
	char buf[256];

	assert_int_equal(mp_vpd83_wwid(vpd, inq, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
}

static void test_inquiry(void **state)
{
	struct mp_inquiry inq;

	assert_int_equal(mp_inquiry_parse(lio_inquiry, sizeof(lio_inquiry), &inq), 0);
	assert_int_equal(inq.peripheral_qualifier, 0);
	assert_int_equal(inq.peripheral_type, 0);
	assert_int_equal(inq.version, 6);
	assert_int_equal(inq.tpgs, 3);
	assert_true(inq.protect);
	assert_string_equal(inq.vendor, "LIO-ORG");
	assert_string_equal(inq.product, "block0");
	assert_string_equal(inq.revision, "4.0");
	assert_memory_equal(inq.vendor_product_raw, "LIO-ORG block0          ", 24);

	assert_int_equal(mp_inquiry_parse(ata_inquiry, sizeof(ata_inquiry), &inq), 0);
	assert_int_equal(inq.tpgs, 0);
	assert_false(inq.protect);
	assert_string_equal(inq.product, "VBOX HARDDISK");

	assert_int_equal(mp_inquiry_parse(lio_inquiry, 35, &inq), -EBADMSG);
}

static void test_lio(void **state)
{
	struct mp_vpd83 vpd;
	const struct mp_designator *d;
	char name[128];

	parse_ok(lio_vpd83, sizeof(lio_vpd83), &vpd);
	assert_int_equal(vpd.n, 6);

	d = &vpd.designators[0];
	assert_int_equal(d->code_set, MP_CODE_SET_BINARY);
	assert_int_equal(d->association, MP_ASSOC_LU);
	assert_int_equal(d->type, MP_DESIG_NAA);
	assert_int_equal(d->len, 16);
	assert_false(d->piv);

	d = &vpd.designators[2];
	assert_int_equal(d->type, MP_DESIG_RELATIVE_PORT);
	assert_int_equal(d->association, MP_ASSOC_TARGET_PORT);
	assert_true(d->piv);
	assert_int_equal(d->protocol_id, 5);

	assert_wwid(&vpd, NULL, "36001405c2a1bd5e7f0b4c3e9b1a5d6e7");
	assert_int_equal(mp_vpd83_relative_port(&vpd), 1);
	assert_int_equal(mp_vpd83_target_port_group(&vpd), 17);
	assert_int_equal(mp_vpd83_scsi_name(&vpd, MP_ASSOC_TARGET_PORT, name, sizeof(name)), 63);
	assert_string_equal(name, "iqn.2003-01.org.linux-iscsi.tgt1.x8664:sn.4f1c2b7d9e0a,t,0x0001");
	assert_int_equal(mp_vpd83_scsi_name(&vpd, MP_ASSOC_TARGET_DEVICE, name, sizeof(name)), 54);
	assert_string_equal(name, "iqn.2003-01.org.linux-iscsi.tgt1.x8664:sn.4f1c2b7d9e0a");
	assert_int_equal(mp_vpd83_scsi_name(&vpd, MP_ASSOC_LU, name, sizeof(name)), -ENODATA);
	assert_int_equal(mp_vpd83_scsi_name(&vpd, MP_ASSOC_TARGET_PORT, name, 63), -ENOBUFS);

	mp_vpd83_release(&vpd);
	assert_null(vpd.designators);
	assert_int_equal(vpd.n, 0);
}

/* Without its NAA descriptor, LIO's page yields the T10 id scsi_id prints. */
static void test_lio_t10_fallback(void **state)
{
	uint8_t page[sizeof(lio_vpd83)];
	size_t naa_len = 4 + 16, body = sizeof(lio_vpd83) - 4 - naa_len;
	struct mp_vpd83 vpd;

	memcpy(page, lio_vpd83, 4);
	memcpy(page + 4, lio_vpd83 + 4 + naa_len, body);
	page[2] = body >> 8;
	page[3] = body & 0xff;
	parse_ok(page, 4 + body, &vpd);
	assert_int_equal(vpd.n, 5);
	assert_wwid(&vpd, NULL, "1LIO-ORG_block0:c2a1bd5e-7f0b-4c3e-9b1a-5d6e7f809a1b");
	mp_vpd83_release(&vpd);
}

static void test_scsi_debug(void **state)
{
	struct mp_vpd83 vpd;
	char name[64];

	parse_ok(scsi_debug_vpd83, sizeof(scsi_debug_vpd83), &vpd);
	assert_int_equal(vpd.n, 7);
	/* The NAA 3 comes after the T10 designator in the page but wins. */
	assert_wwid(&vpd, NULL, "333333330000007d0");
	assert_int_equal(mp_vpd83_relative_port(&vpd), 1);
	assert_int_equal(mp_vpd83_target_port_group(&vpd), 0x100);
	assert_int_equal(mp_vpd83_scsi_name(&vpd, MP_ASSOC_TARGET_DEVICE, name, sizeof(name)), 20);
	assert_string_equal(name, "naa.32222220000007D0");
	assert_int_equal(mp_vpd83_scsi_name(&vpd, MP_ASSOC_TARGET_PORT, name, sizeof(name)), -ENODATA);
	mp_vpd83_release(&vpd);
}

static void test_equallogic(void **state)
{
	struct mp_vpd83 vpd;
	char name[128];

	parse_ok(eql_vpd83, sizeof(eql_vpd83), &vpd);
	assert_int_equal(vpd.n, 6);
	assert_wwid(&vpd, NULL, "36090a02840b3a4d1c5e2f4b1a0000026");
	assert_int_equal(mp_vpd83_relative_port(&vpd), 2);
	assert_int_equal(mp_vpd83_target_port_group(&vpd), 2);
	assert_true(mp_vpd83_scsi_name(&vpd, MP_ASSOC_LU, name, sizeof(name)) > 0);
	assert_string_equal(name, "iqn.2001-05.com.equallogic:0-af1ff6-40b3a4d1c-26000000a0b1f4e2-vol1");
	assert_non_null(mp_vpd83_find(&vpd, MP_DESIG_T10_VENDOR, MP_ASSOC_LU));
	assert_null(mp_vpd83_find(&vpd, MP_DESIG_EUI64, MP_ASSOC_LU));
	mp_vpd83_release(&vpd);
}

/* scsi_id takes the first LU EUI-64 in page order, whatever its length. */
static void test_eui64_only(void **state)
{
	struct mp_vpd83 vpd;

	parse_ok(eui64_vpd83, sizeof(eui64_vpd83), &vpd);
	assert_int_equal(vpd.n, 3);
	assert_wwid(&vpd, NULL, "20011223344556677");
	assert_int_equal(mp_vpd83_relative_port(&vpd), -ENODATA);
	assert_int_equal(mp_vpd83_target_port_group(&vpd), -ENODATA);
	mp_vpd83_release(&vpd);
}

static void test_t10_only(void **state)
{
	struct mp_vpd83 vpd;

	parse_ok(t10_vpd83, sizeof(t10_vpd83), &vpd);
	assert_wwid(&vpd, NULL, "1IET_VIRTUAL-DISK_disk_0_beaf11");
	mp_vpd83_release(&vpd);
}

struct test_desc {
	uint8_t b0, b1;
	const char *hex;
};

static size_t build_page(uint8_t *page, const struct test_desc *d, size_t n)
{
	size_t off = 4;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(d[i].hex) / 2;

		page[off] = d[i].b0;
		page[off + 1] = d[i].b1;
		page[off + 2] = 0;
		page[off + 3] = len;
		for (size_t j = 0; j < len; j++) {
			char byte[3] = { d[i].hex[2 * j], d[i].hex[2 * j + 1], 0 };

			page[off + 4 + j] = (uint8_t)strtoul(byte, NULL, 16);
		}
		off += 4 + len;
	}
	page[0] = 0;
	page[1] = 0x83;
	page[2] = (off - 4) >> 8;
	page[3] = (off - 4) & 0xff;
	return off;
}

static void wwid_of(const struct test_desc *d, size_t n, const char *want)
{
	uint8_t page[512];
	struct mp_vpd83 vpd;
	size_t len = build_page(page, d, n);

	parse_ok(page, len, &vpd);
	if (want)
		assert_wwid(&vpd, NULL, want);
	else
		assert_int_equal(mp_vpd83_wwid(&vpd, NULL, (char[64]){}, 64), -ENODATA);
	mp_vpd83_release(&vpd);
}

/* NAA 6 beats 5, 5 beats the rest, the rest go in page order; only LU designators count. */
static void test_naa_order(void **state)
{
	const struct test_desc all[] = {
		{ 0x01, 0x13, "6aaaaaaaaaaaaaaabbbbbbbbbbbbbbbb" }, /* target port: ignored */
		{ 0x01, 0x03, "3000000000000001" },
		{ 0x01, 0x03, "2000000000000002" },
		{ 0x01, 0x03, "5000000000000005" },
		{ 0x01, 0x03, "6000000000000006cccccccccccccccc" },
	};

	wwid_of(all, 5, "36000000000000006cccccccccccccccc");
	wwid_of(all, 4, "35000000000000005");
	wwid_of(all, 3, "33000000000000001");
	wwid_of(all + 2, 1, "32000000000000002");
	wwid_of(all, 1, NULL);
}

static void test_vendor_specific(void **state)
{
	const struct test_desc d[] = { { 0x02, 0x00, "414243313233" } }; /* "ABC123" */
	uint8_t page[64];
	struct mp_inquiry inq;
	struct mp_vpd83 vpd;
	char buf[64];

	parse_ok(page, build_page(page, d, 1), &vpd);
	assert_int_equal(mp_inquiry_parse(lio_inquiry, sizeof(lio_inquiry), &inq), 0);
	assert_wwid(&vpd, &inq, "0LIO-ORG_block0_ABC123");
	assert_int_equal(mp_vpd83_wwid(&vpd, NULL, buf, sizeof(buf)), -ENODATA);
	inq.vendor_product_raw[20] = '\0';
	assert_int_equal(mp_vpd83_wwid(&vpd, &inq, buf, sizeof(buf)), -ENODATA);
	mp_vpd83_release(&vpd);
}

/* Old EMC Symmetrix: no descriptors, just an identifier after the header (byte 6 != 0). */
static void test_scsi2_format(void **state)
{
	static const uint8_t emc[] = {
		0x00, 0x83, 0x00, 0x10, 0x60, 0x06, 0x04, 0x80, 0x00, 0x01, 0x23, 0x45,
		0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45,
	};
	struct mp_vpd83 vpd;

	assert_int_equal(mp_vpd83_parse(emc, sizeof(emc), &vpd), 0);
	assert_true(vpd.scsi2_format);
	assert_wwid(&vpd, NULL, "360060480000123456789abcdef012345");
	mp_vpd83_release(&vpd);
}

static void test_errors(void **state)
{
	static const uint8_t empty[] = { 0x00, 0x83, 0x00, 0x00 };
	static const uint8_t overrun[] = { 0x00, 0x83, 0x00, 0x08, 0x01, 0x03, 0x00, 0x08, 1, 2, 3, 4 };
	uint8_t wrong[sizeof(lio_vpd83)];
	struct mp_vpd83 vpd = { .n = 99 };
	char small[16];

	memcpy(wrong, lio_vpd83, sizeof(wrong));
	wrong[1] = 0x80;
	assert_int_equal(mp_vpd83_parse(wrong, sizeof(wrong), &vpd), -EBADMSG);
	assert_int_equal(mp_vpd83_parse(lio_vpd83, 3, &vpd), -EBADMSG);
	assert_int_equal(mp_vpd83_parse(lio_vpd83, sizeof(lio_vpd83) - 1, &vpd), -EMSGSIZE);
	assert_int_equal(mp_vpd83_parse(overrun, sizeof(overrun), &vpd), -EBADMSG);
	assert_int_equal(vpd.n, 99); /* untouched on failure */
	assert_int_equal(mp_vpd_page_len(lio_vpd83, sizeof(lio_vpd83)), sizeof(lio_vpd83));

	assert_int_equal(mp_vpd83_parse(empty, sizeof(empty), &vpd), 0);
	assert_int_equal(vpd.n, 0);
	assert_int_equal(mp_vpd83_wwid(&vpd, NULL, small, sizeof(small)), -ENODATA);
	mp_vpd83_release(&vpd);

	parse_ok(lio_vpd83, sizeof(lio_vpd83), &vpd);
	assert_int_equal(mp_vpd83_wwid(&vpd, NULL, small, sizeof(small)), -ENOBUFS);
	mp_vpd83_release(&vpd);
	mp_vpd83_release(NULL);
}

static void test_vpd80(void **state)
{
	struct mp_inquiry inq;
	char buf[64];
	uint8_t bad[sizeof(ata_vpd80)];

	assert_int_equal(mp_vpd80_serial(ata_vpd80, sizeof(ata_vpd80), buf, sizeof(buf)), 11);
	assert_string_equal(buf, "VB1234-5678");
	assert_int_equal(mp_vpd80_serial(ata_vpd80, sizeof(ata_vpd80), buf, 11), -ENOBUFS);
	assert_int_equal(mp_vpd80_serial(ata_vpd80, sizeof(ata_vpd80) - 1, buf, sizeof(buf)),
			 -EMSGSIZE);

	assert_int_equal(mp_inquiry_parse(ata_inquiry, sizeof(ata_inquiry), &inq), 0);
	assert_int_equal(mp_vpd80_wwid(ata_vpd80, sizeof(ata_vpd80), &inq, buf, sizeof(buf)), 30);
	assert_string_equal(buf, "SATA_VBOX_HARDDISK_VB1234-5678");

	memcpy(bad, ata_vpd80, sizeof(bad));
	bad[1] = 0x83;
	assert_int_equal(mp_vpd80_serial(bad, sizeof(bad), buf, sizeof(buf)), -EBADMSG);
	assert_int_equal(mp_vpd80_wwid(bad, sizeof(bad), &inq, buf, sizeof(buf)), -EBADMSG);
	inq.vendor_product_raw[3] = '\0';
	assert_int_equal(mp_vpd80_wwid(ata_vpd80, sizeof(ata_vpd80), &inq, buf, sizeof(buf)), -EINVAL);
}

static void assert_reformat(const char *raw, const char *want)
{
	char buf[300];

	assert_int_equal(mp_vpd_reformat_serial(raw, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
}

static void test_reformat(void **state)
{
	char longer[400], buf[300];

	assert_reformat("  a  b\tc \n ", "a_b_c");
	assert_reformat("1IET     VIRTUAL-DISK", "1IET_VIRTUAL-DISK");
	assert_reformat("x/y,z*w", "x_y_z_w");
	assert_reformat("#+-.:=@_", "#+-.:=@_");
	assert_reformat("caf\xc3\xa9", "caf\xc3\xa9");           /* valid UTF-8 stays */
	assert_reformat("a\xff" "b\xc3", "a_b_");                /* invalid bytes do not */
	assert_reformat("\xc0\xaf", "__");                       /* overlong '/' */
	assert_reformat("\xed\xa0\x80", "___");                  /* surrogate */
	assert_reformat("a\\x2fb", "a\\x2fb");
	assert_reformat("", "");

	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(mp_vpd_reformat_serial(longer, buf, sizeof(buf)), 255);
	assert_int_equal(mp_vpd_reformat_serial("abcd", buf, 4), -ENOBUFS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inquiry),
		cmocka_unit_test(test_lio),
		cmocka_unit_test(test_lio_t10_fallback),
		cmocka_unit_test(test_scsi_debug),
		cmocka_unit_test(test_equallogic),
		cmocka_unit_test(test_eui64_only),
		cmocka_unit_test(test_t10_only),
		cmocka_unit_test(test_naa_order),
		cmocka_unit_test(test_vendor_specific),
		cmocka_unit_test(test_scsi2_format),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_vpd80),
		cmocka_unit_test(test_reformat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
