/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The WWID of a path exactly as multipathd 0.9.4 computes it: udev property first, then its sysfs fallbacks. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What is implemented, following libmultipath/discovery.c of multipath-tools 0.9.4
 * (get_uid(), get_udev_uid(), has_uid_fallback(), uid_fallback(), get_vpd_uid(),
 * get_vpd_sysfs(), get_vpd_sgio(), parse_vpd_pg83(), fix_broken_nvme_wwid(),
 * dasd_get_uid()) and libmultipath/config.c (get_uid_attribute_by_attrs()):
 *
 *  - the udev property named by uid_attribute, cut to 127 bytes, with the repair of
 *    over-long NVMe WWIDs ("nvme.XXXX-<serial>00-<model>00-<nsid>" hex padding removed);
 *  - the SCSI fallback: VPD page 0x83 from sysfs (vpd_pg83), then, if that gave nothing
 *    and the path is up, the same page by SG_IO, both parsed by multipath-tools' own
 *    page 0x83 rules (mp_uid_from_vpd83(), not scsi_id's: see vpd.h);
 *  - the NVMe fallback (the namespace's sysfs "wwid") and the DASD fallback (the ccw
 *    device's "uid" cut after its fourth field);
 *  - when a fallback may run (has_uid_fallback()), trailing blanks, and uid_attrs.
 *
 * Not implemented, on purpose:
 *  - get_udev_uid()'s getenv(uid_attribute) second chance: it serves "multipath -u"
 *    run from udev rules; a daemon's environment has no such variable. A caller that
 *    wants it can consult the environment from its property callback.
 *  - VPD page 0x80: multipath-tools 0.9.4 never builds a WWID from the unit serial
 *    number (page 0x80 only fills the path's serial), so neither does this file.
 *    Vendor, product and serial therefore play no part here.
 *  - The HP 3PAR page 0xc0 volume name (that is vpd_vendor_id, not a WWID).
 *  - Selecting uid_attribute from the config (overrides > device > defaults >
 *    "ID_SERIAL"): the caller resolves it; mp_uid_attrs_lookup() covers uid_attrs.
 */

/* multipath-tools' WWID_SIZE: a WWID holds at most 127 bytes plus the NUL. */
#define MP_WWID_SIZE 128

/* multipath-tools' default uid_attribute and the ones its built-in table sets for NVMe and DASD. */
#define MP_UID_ATTRIBUTE_DEFAULT "ID_SERIAL"
#define MP_UID_ATTRIBUTE_NVME "ID_WWN"
#define MP_UID_ATTRIBUTE_DASD "ID_UID"

/* The largest page 0x83 multipath-tools reads (VPD_BUFLEN); longer pages are cut. */
#define MP_UID_VPD_BUFLEN 4096

/* The bus of a path, which decides the fallbacks. */
enum mp_uid_bus {
	MP_UID_BUS_SCSI,
	MP_UID_BUS_NVME,
	MP_UID_BUS_CCW,
	MP_UID_BUS_OTHER,
};

/**
 * enum mp_uid_source - where a WWID came from.
 * @MP_UID_SOURCE_UDEV: the udev property named by uid_attribute (multipath-tools: "udev").
 * @MP_UID_SOURCE_SYSFS_VPD83: page 0x83 from sysfs vpd_pg83 ("sysfs").
 * @MP_UID_SOURCE_SGIO_VPD83: page 0x83 read with an SG_IO INQUIRY ("sgio").
 * @MP_UID_SOURCE_SYSFS_NVME: the NVMe namespace's sysfs "wwid" attribute ("sysfs").
 * @MP_UID_SOURCE_SYSFS_DASD: the DASD's ccw "uid" attribute ("sysfs").
 */
enum mp_uid_source {
	MP_UID_SOURCE_UDEV,
	MP_UID_SOURCE_SYSFS_VPD83,
	MP_UID_SOURCE_SGIO_VPD83,
	MP_UID_SOURCE_SYSFS_NVME,
	MP_UID_SOURCE_SYSFS_DASD,
};

/**
 * struct mp_uid_input - everything get_uid() looks at for one path.
 * @bus: the path's bus.
 * @uid_attribute: the selected uid_attribute; "" means "do not ask udev" (the fallback
 *	runs at once); NULL means none was selected and gives no WWID, as in multipath-tools.
 * @get_property: returns the udev property @name of the path's device, or NULL when it
 *	is not set; NULL when the path has no udev device (then the fallback runs).
 * @userdata: passed to @get_property and @read_vpd83_sgio.
 * @allow_fallback: whether a missing or empty property may be replaced by a fallback.
 *	multipathd passes true only once the path's uevents were retriggered
 *	retrigger_tries (3) times without the property appearing.
 * @path_up: the checker's state is up; only then is @read_vpd83_sgio used.
 * @vpd83: the content of /sys/block/sdX/device/vpd_pg83 as read, or NULL when it
 *	could not be read.
 * @vpd83_len: bytes in @vpd83.
 * @read_vpd83_sgio: fills @buf (@len bytes, zeroed) with page 0x83 from an SG_IO INQUIRY
 *	and returns the bytes read or -errno; called only when the sysfs page gave no WWID
 *	and @path_up is set. It blocks: run mp_uid_get() off the event loop if set.
 *	NULL when not available.
 * @nvme_wwid: the NVMe namespace's sysfs "wwid" as read (a trailing newline is fine),
 *	or NULL when unreadable.
 * @dasd_uid: the ccw parent's sysfs "uid" as read, or NULL when unreadable.
 */
struct mp_uid_input {
	enum mp_uid_bus bus;
	const char *uid_attribute;
	const char *(*get_property)(const char *name, void *userdata);
	void *userdata;
	bool allow_fallback;
	bool path_up;
	const uint8_t *vpd83;
	size_t vpd83_len;
	int (*read_vpd83_sgio)(uint8_t *buf, size_t len, void *userdata);
	const char *nvme_wwid;
	const char *dasd_uid;
};

/**
 * struct mp_uid - a path's WWID.
 * @wwid: the WWID, at most MP_WWID_SIZE - 1 bytes.
 * @source: where it came from.
 * @fallback: a fallback replaced a udev property that was missing or empty, or a
 *	missing udev device (multipathd logs such WWIDs at a higher level); false when
 *	uid_attribute "" asked for the fallback.
 */
struct mp_uid {
	char wwid[MP_WWID_SIZE];
	enum mp_uid_source source;
	bool fallback;
};

/**
 * mp_uid_get() - the WWID multipathd 0.9.4 gives a path.
 * @in: the path's data.
 * @ret: written only on success.
 *
 * In order: when @in->uid_attribute is non-empty and there is a udev device, the
 * property of that name (if non-empty, cut to 127 bytes, NVMe padding repaired). When
 * that gave nothing and @in->allow_fallback is set, or there was no property to ask
 * for, and mp_uid_has_fallback() allows it: the bus's fallback (see the top of this
 * header). Trailing blanks are then removed. The property always wins when present.
 *
 * Return: the WWID length (> 0); -ENODATA when there is none (no property and no
 * fallback allowed, or a WWID that is empty after trailing blanks go); an error of the
 * fallback (-EINVAL or -EOVERFLOW from a broken page 0x83, -errno of the SG_IO
 * callback, ...); -EINVAL if @in or @ret is NULL.
 */
int mp_uid_get(const struct mp_uid_input *in, struct mp_uid *ret);

/**
 * mp_uid_has_fallback() - whether multipath-tools may bypass udev for this path.
 *
 * Only with the bus's standard property (SCSI "ID_SERIAL", NVMe "ID_WWN", CCW "ID_UID")
 * or with uid_attribute "": any other property means the admin wants that property.
 */
bool mp_uid_has_fallback(enum mp_uid_bus bus, const char *uid_attribute);

/**
 * mp_uid_from_vpd83() - the WWID multipath-tools derives from page 0x83 (parse_vpd_pg83()).
 * @page: the page as read (from sysfs or SG_IO), header included.
 * @len: bytes in @page; only the first MP_UID_VPD_BUFLEN count, and bytes the header
 *	claims beyond @len read as zeros, as in multipath-tools' zeroed buffer.
 * @buf: receives the WWID.
 * @buflen: size of @buf; the WWID is cut to @buflen - 1 bytes (MP_WWID_SIZE gives 127).
 *
 * Only "logical unit" designators count, best first: NAA 6 (16 bytes), NAA 5 (8),
 * NAA 2 (8), EUI-64 (8, 12 or 16 bytes), SCSI name string starting "eui.", "naa." or
 * "iqn.", T10 vendor ID (>= 8 bytes), NAA 3 (8); the first of equal rank wins. NAA and
 * EUI-64 give their type digit and lowercase hex ("3" + 32 digits for NAA 6). A SCSI
 * name gives '2' ("eui."), '3' ("naa."), both lowercased, or '8' ("iqn.") followed by the
 * name without its four-character prefix, up to its first NUL. A T10 ID gives '1' and its
 * bytes up to the first NUL with each run of spaces turned into one '_' (trailing
 * spaces dropped); nothing else is replaced. A designator of the wrong length is
 * skipped. This is not scsi_id's order: scsi_debug's page (T10 and NAA 3) gives
 * "1Linux_scsi_debug_2000" here and "333333330000007d0" from scsi_id.
 *
 * Return: the WWID length; -ENODATA when this is not page 0x83 or nothing qualifies;
 * -EINVAL when nothing qualifies and some designator was malformed; -EOVERFLOW when
 * nothing qualifies before a descriptor that runs past the page; -ENOBUFS when @buflen
 * is below 2.
 */
int mp_uid_from_vpd83(const uint8_t *page, size_t len, char *buf, size_t buflen);

/**
 * mp_uid_attrs_lookup() - the udev property the uid_attrs option names for a device.
 * @uid_attrs: the option, e.g. "sd:ID_SERIAL dasd:ID_UID nvme:ID_WWN"; may be NULL.
 * @devname: the kernel name, e.g. "sdc".
 * @buf: receives the property name (possibly "").
 * @len: size of @buf.
 *
 * Records are separated by spaces; a record without ':' is ignored. The first record
 * whose part before its last ':' is a prefix of @devname wins. When one matches,
 * multipath-tools uses it instead of any uid_attribute setting.
 *
 * Return: the name's length; -ENOENT when no record matches; -ENOBUFS.
 */
int mp_uid_attrs_lookup(const char *uid_attrs, const char *devname, char *buf, size_t len);

/** mp_uid_source_name() - multipath-tools' word for @source: "udev", "sysfs" or "sgio". */
const char *mp_uid_source_name(enum mp_uid_source source);
