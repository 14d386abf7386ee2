/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsers for standard INQUIRY data and VPD pages 0x80/0x83, and the WWID udev's scsi_id derives. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MP_VPD_SERIAL   0x80
#define MP_VPD_DEVICE_ID 0x83

/* Designator code sets (SPC-4 table "CODE SET field"). */
enum mp_code_set {
	MP_CODE_SET_BINARY = 0x1,
	MP_CODE_SET_ASCII = 0x2,
	MP_CODE_SET_UTF8 = 0x3,
};

/* What a designator names (SPC-4 "ASSOCIATION field"). */
enum mp_association {
	MP_ASSOC_LU = 0x0,
	MP_ASSOC_TARGET_PORT = 0x1,
	MP_ASSOC_TARGET_DEVICE = 0x2,
};

/* Designator types (SPC-4 "DESIGNATOR TYPE field"). */
enum mp_designator_type {
	MP_DESIG_VENDOR_SPECIFIC = 0x0,
	MP_DESIG_T10_VENDOR = 0x1,
	MP_DESIG_EUI64 = 0x2,
	MP_DESIG_NAA = 0x3,
	MP_DESIG_RELATIVE_PORT = 0x4,
	MP_DESIG_TARGET_PORT_GROUP = 0x5,
	MP_DESIG_LU_GROUP = 0x6,
	MP_DESIG_MD5_LU = 0x7,
	MP_DESIG_SCSI_NAME = 0x8,
	MP_DESIG_PROTOCOL_SPECIFIC = 0x9,
	MP_DESIG_UUID = 0xa,
};

/**
 * struct mp_designator - one designation descriptor of VPD page 0x83.
 * @code_set: MP_CODE_SET_*.
 * @association: MP_ASSOC_*.
 * @type: MP_DESIG_*.
 * @protocol_id: the PROTOCOL IDENTIFIER (5 = iSCSI, 6 = SAS, 0 = FC); meaningful only with @piv.
 * @piv: the protocol identifier is valid.
 * @len: bytes in @data.
 * @data: the designator, followed by a NUL so text designators are C strings.
 */
struct mp_designator {
	uint8_t code_set;
	uint8_t association;
	uint8_t type;
	uint8_t protocol_id;
	bool piv;
	uint8_t len;
	uint8_t data[256];
};

/**
 * struct mp_vpd83 - a parsed Device Identification page.
 * @n: number of @designators.
 * @designators: in page order; owned, free with mp_vpd83_release().
 * @scsi2_format: the page used the pre-SPC-3 layout some EMC Symmetrix send (byte 6 != 0);
 *                @designators then holds one binary NAA entry with the raw identifier.
 */
struct mp_vpd83 {
	size_t n;
	struct mp_designator *designators;
	bool scsi2_format;
};

/**
 * struct mp_inquiry - standard INQUIRY data.
 * @peripheral_qualifier: byte 0 bits 7..5 (0 = LU connected).
 * @peripheral_type: byte 0 bits 4..0 (0 = disk).
 * @version: the SPC version claimed.
 * @tpgs: byte 5 bits 5..4: 0 no ALUA, 1 implicit, 2 explicit, 3 both.
 * @protect: byte 5 bit 0: the LU supports protection information.
 * @vendor, @product, @revision: T10 vendor (8), product (16), revision (4), cut at the first
 *	NUL and with trailing blanks trimmed.
 * @vendor_product_raw: bytes 8..31 as sent (not NUL-terminated); scsi_id prefixes these.
 */
struct mp_inquiry {
	uint8_t peripheral_qualifier;
	uint8_t peripheral_type;
	uint8_t version;
	uint8_t tpgs;
	bool protect;
	char vendor[9];
	char product[17];
	char revision[5];
	uint8_t vendor_product_raw[24];
};

/**
 * mp_vpd_page_len() - the full size of a VPD page from its header (4 + PAGE LENGTH).
 *
 * Return: the size, or 0 when @len < 4. Re-issue the INQUIRY when it exceeds what you read.
 */
size_t mp_vpd_page_len(const uint8_t *page, size_t len);

/**
 * mp_inquiry_parse() - parse standard INQUIRY data.
 * @buf: the data; at least 36 bytes.
 * @ret: written only on success.
 *
 * Return: 0, or -EBADMSG when shorter than 36 bytes.
 */
int mp_inquiry_parse(const uint8_t *buf, size_t len, struct mp_inquiry *ret);

/**
 * mp_vpd83_parse() - split VPD page 0x83 into designators.
 * @page: the page, header included.
 * @len: bytes read.
 * @ret: written only on success; release with mp_vpd83_release().
 *
 * Return: 0; -EBADMSG if this is not page 0x83 or a descriptor overruns the page;
 * -EMSGSIZE if the page is longer than @len (read it again with a bigger buffer); -ENOMEM.
 */
int mp_vpd83_parse(const uint8_t *page, size_t len, struct mp_vpd83 *ret);

/** mp_vpd83_release() - free the designators; @vpd may be reused. Accepts NULL. */
void mp_vpd83_release(struct mp_vpd83 *vpd);

/**
 * mp_vpd83_find() - the first designator of @type with @association.
 *
 * Return: the designator (owned by @vpd), or NULL.
 */
const struct mp_designator *mp_vpd83_find(const struct mp_vpd83 *vpd, uint8_t type,
					  uint8_t association);

/**
 * mp_vpd83_relative_port() - the relative target port identifier (type 4, target port).
 *
 * Return: 0..65535, or -ENODATA.
 */
int mp_vpd83_relative_port(const struct mp_vpd83 *vpd);

/**
 * mp_vpd83_target_port_group() - the target port group (type 5, target port).
 *
 * Return: 0..65535, or -ENODATA.
 */
int mp_vpd83_target_port_group(const struct mp_vpd83 *vpd);

/**
 * mp_vpd83_scsi_name() - copy a SCSI name string designator (type 8, UTF-8).
 * @association: MP_ASSOC_TARGET_PORT gives e.g. "iqn...,t,0x0001" (the target port name),
 *	MP_ASSOC_TARGET_DEVICE the target name, MP_ASSOC_LU the LU name.
 *
 * Return: the string length, -ENODATA if absent, -ENOBUFS if @len is too small.
 */
int mp_vpd83_scsi_name(const struct mp_vpd83 *vpd, uint8_t association, char *buf, size_t len);

/**
 * mp_vpd83_wwid() - the WWID `/lib/udev/scsi_id -g -u` prints for this page 0x83.
 * @inq: standard INQUIRY data; may be NULL (vendor-specific designators are then skipped).
 *
 * Mirrors scsi_id (systemd src/udev/scsi_id/scsi_serial.c) exactly, so WWIDs equal
 * udev's ID_SERIAL and existing multipath bindings keep working. Only designators with
 * association "logical unit" count. Search order, first hit wins, each step scanning the
 * page in order and trying binary before ASCII code set:
 *   NAA 6 (IEEE Registered Extended), NAA 5 (IEEE Registered), any other NAA (2, 3, ...
 *   in page order), EUI-64 (page order, whatever its length), T10 vendor ID,
 *   vendor specific (prefixed by the 24 vendor+product bytes of @inq).
 * Output: type digit ("3" NAA, "2" EUI-64, "1" T10, "0" vendor specific) followed by
 * lowercase hex for binary designators or the raw text for ASCII ones, then
 * mp_vpd_reformat_serial(). A pre-SPC-3 page gives "3" + hex of its first identifier.
 * Note this differs from multipath-tools' own fallback (NAA 2 before 3, longest EUI-64
 * first) only when a page carries two such designators. Deliberate differences from
 * scsi_id, both for broken devices only: empty designators are skipped (scsi_id would
 * print a bare "3"), and an unusable vendor/product gives an error where scsi_id prints "S".
 *
 * Return: the WWID length; -ENODATA when no designator qualifies (fall back to page 0x80,
 * see mp_vpd80_wwid()); -ENOBUFS when @len is too small.
 */
int mp_vpd83_wwid(const struct mp_vpd83 *vpd, const struct mp_inquiry *inq, char *buf, size_t len);

/**
 * mp_vpd80_serial() - the unit serial number of VPD page 0x80, blanks trimmed on both ends.
 *
 * Return: its length; -EBADMSG if not page 0x80; -EMSGSIZE if the page is longer than @len;
 * -ENOBUFS if @buflen is too small.
 */
int mp_vpd80_serial(const uint8_t *page, size_t len, char *buf, size_t buflen);

/**
 * mp_vpd80_wwid() - the id scsi_id falls back to when page 0x83 gives none.
 *
 * "S" + vendor (8) + product (16) exactly as INQUIRY sent them + the page 0x80 serial,
 * then mp_vpd_reformat_serial(): vendor "ATA     ", product "VBOX HARDDISK   " and
 * serial "VB12" give "SATA_VBOX_HARDDISK_VB12". scsi_id tries page 0x83 first, then 0x80, each only when
 * listed in VPD page 0x00.
 *
 * Return: the id length; -EBADMSG if not page 0x80; -EMSGSIZE as above; -EINVAL if the
 * vendor or product field holds a NUL (scsi_id rejects those); -ERANGE if the id would
 * exceed scsi_id's 256-byte limit; -ENOBUFS if @buflen is too small.
 */
int mp_vpd80_wwid(const uint8_t *page, size_t len, const struct mp_inquiry *inq,
		  char *buf, size_t buflen);

/**
 * mp_vpd_reformat_serial() - apply scsi_id's -u rule (udev's ID_SERIAL form) to @raw.
 *
 * Leading and trailing whitespace go, each inner run of whitespace becomes one '_',
 * then every byte that is not alphanumeric, one of "#+-.:=@_", part of a valid UTF-8
 * sequence or a "\x" escape becomes '_'. At most 255 bytes of @raw are read.
 *
 * Return: the result length, or -ENOBUFS if @len is too small.
 */
int mp_vpd_reformat_serial(const char *raw, char *buf, size_t len);
