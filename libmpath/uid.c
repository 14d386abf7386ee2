/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The WWID of a path exactly as multipathd 0.9.4 computes it: udev property first, then its sysfs fallbacks. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "log.h"
#include "uid.h"
#include "util.h"

/* What multipath-tools reads of the NVMe "wwid" and DASD "uid" attributes. */
#define NVME_WWID_READ 256
#define DASD_UID_READ 80

const char *mp_uid_source_name(enum mp_uid_source source)
{
	switch (source) {
	case MP_UID_SOURCE_UDEV:
		return "udev";
	case MP_UID_SOURCE_SGIO_VPD83:
		return "sgio";
	case MP_UID_SOURCE_SYSFS_VPD83:
	case MP_UID_SOURCE_SYSFS_NVME:
	case MP_UID_SOURCE_SYSFS_DASD:
		return "sysfs";
	}
	return "unknown";
}

bool mp_uid_has_fallback(enum mp_uid_bus bus, const char *uid_attribute)
{
	const char *standard;

	if (!uid_attribute)
		return false;
	switch (bus) {
	case MP_UID_BUS_SCSI:
		standard = MP_UID_ATTRIBUTE_DEFAULT;
		break;
	case MP_UID_BUS_NVME:
		standard = MP_UID_ATTRIBUTE_NVME;
		break;
	case MP_UID_BUS_CCW:
		standard = MP_UID_ATTRIBUTE_DASD;
		break;
	default:
		return false;
	}
	return uid_attribute[0] == '\0' || streq(uid_attribute, standard);
}

/* ---- page 0x83, multipath-tools' rules ---- */

/* The rank of an NAA designator; *@invalid when its length does not fit its NAA type. */
static int naa_rank(const uint8_t *d, bool *invalid)
{
	static const struct { uint8_t naa, rank, len; } naa[] = {
		{ 6, 8, 16 }, { 5, 7, 8 }, { 2, 6, 8 }, { 3, 1, 8 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(naa); i++) {
		if (d[4] >> 4 == naa[i].naa) {
			*invalid = d[3] != naa[i].len;
			return naa[i].rank;
		}
	}
	*invalid = true;
	return -1;
}

static bool scsi_name_usable(const uint8_t *d)
{
	return d[3] >= 4 && (!memcmp(d + 4, "eui.", 4) || !memcmp(d + 4, "naa.", 4) ||
			     !memcmp(d + 4, "iqn.", 4));
}

/*
 * How good a designator is as a WWID (higher is better, -1 never), and whether it is
 * malformed. Only logical-unit designators rank; the reserved association is malformed.
 */
static int designator_rank(const uint8_t *d, bool *invalid)
{
	*invalid = false;
	if ((d[1] & 0x30) == 0x30) {
		*invalid = true;
		return -1;
	}
	if ((d[1] & 0x30) != 0)
		return -1;
	switch (d[1] & 0x0f) {
	case 0x3:
		return naa_rank(d, invalid);
	case 0x2:
		*invalid = d[3] != 8 && d[3] != 12 && d[3] != 16;
		return 4;
	case 0x8:
		*invalid = !scsi_name_usable(d);
		return 3;
	case 0x1:
		*invalid = d[3] < 8;
		return 2;
	case 0xa:
		/* UUID designators are neither used nor counted as broken. */
		return -1;
	default:
		*invalid = true;
		return -1;
	}
}

/* The best designator of @in (@in_len bytes, zero padded beyond), or a negative errno. */
static int vpd83_best(const uint8_t *in, size_t in_len, const uint8_t **ret)
{
	const uint8_t *best = NULL;
	int err = -ENODATA, best_rank = -1;
	size_t off = 4;

	while (off + 4 <= in_len) {
		const uint8_t *d = in + off;
		bool invalid;
		int rank = designator_rank(d, &invalid);

		if (off + 4 + d[3] > in_len) {
			err = -EOVERFLOW;
			break;
		}
		if (invalid)
			err = -EINVAL;
		else if (rank > best_rank) {
			best = d;
			best_rank = rank;
		}
		off += 4 + d[3];
	}
	if (best_rank <= 0)
		return err;
	*ret = best;
	return 0;
}

/* "<type digit><hex>" for NAA and EUI-64. */
static size_t format_hex(const uint8_t *d, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t j = 0;

	out[j++] = (char)('0' + (d[1] & 0x0f));
	for (size_t i = 0; i < n; i++) {
		out[j++] = hex[d[4 + i] >> 4];
		out[j++] = hex[d[4 + i] & 0x0f];
	}
	out[j] = '\0';
	return j;
}

/* A SCSI name: '2' eui., '3' naa. (both lowercased) or '8' iqn., then the name after its prefix. */
static size_t format_scsi_name(const uint8_t *d, size_t n, char *out)
{
	const char *name = (const char *)d + 4;
	size_t j;

	out[0] = !memcmp(name, "eui.", 4) ? '2' : !memcmp(name, "naa.", 4) ? '3' : '8';
	j = strnlen(name + 4, n - 4);
	memcpy(out + 1, name + 4, j);
	out[++j] = '\0';
	if (out[0] != '8')
		for (size_t i = 1; i < j; i++)
			out[i] = (char)tolower((unsigned char)out[i]);
	return j;
}

/*
 * A T10 vendor ID: '1', then the bytes with each run of spaces made one '_' unless it
 * ends the designator. NUL bytes are copied too (the caller's copy stops at the first),
 * so the returned length counts bytes, as multipath-tools' buffer does.
 */
static size_t format_t10(const uint8_t *d, size_t n, char *out)
{
	const uint8_t *p = d + 4, *sp;
	size_t j = 0;

	out[j++] = '1';
	while ((sp = memchr(p, ' ', n))) {
		memcpy(out + j, p, (size_t)(sp - p));
		j += (size_t)(sp - p);
		n -= (size_t)(sp - p);
		for (p = sp; n > 0 && *p == ' '; p++)
			n--;
		if (n > 0)
			out[j++] = '_';
	}
	memcpy(out + j, p, n);
	j += n;
	out[j] = '\0';
	return j;
}

int mp_uid_from_vpd83(const uint8_t *page, size_t len, char *buf, size_t buflen)
{
	/* Zeroed like multipath-tools' buffer, plus slack so an NAA nibble read past a cut page stays inside. */
	uint8_t in[MP_UID_VPD_BUFLEN + 8] = {};
	char id[2 * MP_WWID_SIZE + 8];
	const uint8_t *d = NULL;
	size_t in_len, n, cut;
	int r;

	if (buflen < 2)
		return -ENOBUFS;
	if (page)
		memcpy(in, page, len < MP_UID_VPD_BUFLEN ? len : MP_UID_VPD_BUFLEN);
	if (in[1] != 0x83)
		return -ENODATA;
	in_len = 4 + (size_t)(in[2] << 8 | in[3]);
	if (in_len > MP_UID_VPD_BUFLEN)
		in_len = MP_UID_VPD_BUFLEN;
	r = vpd83_best(in, in_len, &d);
	if (r < 0)
		return r;

	n = d[3] < MP_WWID_SIZE ? d[3] : MP_WWID_SIZE;
	switch (d[1] & 0x0f) {
	case 0x2:
	case 0x3:
		cut = format_hex(d, n, id);
		/* multipath-tools keeps an odd length for hex ids: 127 characters at most. */
		if (cut >= buflen)
			cut = 2 * (buflen / 2) - 1;
		break;
	case 0x8:
		cut = format_scsi_name(d, n, id);
		break;
	default:
		cut = format_t10(d, n, id);
		break;
	}
	if (cut >= buflen) {
		log_debug("VPD 0x83: WWID of %zu bytes cut to %zu", cut, buflen - 1);
		cut = buflen - 1;
	}
	n = strnlen(id, cut);
	memcpy(buf, id, n);
	buf[n] = '\0';
	return (int)n;
}

/* ---- udev property and the other fallbacks ---- */

/* Drop the "00" pairs (hex-coded NUL bytes) that end right before @end; returns the new end. */
static char *skip_zero_pairs(char *start, size_t *len, char *end)
{
	char *p = end;

	while (p >= start + 2 && p[-1] == '0' && p[-2] == '0')
		p -= 2;
	if (p == end)
		return p;
	memmove(p, end, (size_t)(start + *len + 1 - end));
	*len -= (size_t)(end - p);
	return p;
}

/*
 * Some Linux NVMe host/target pairs report "nvme.VVVV-<serial hex>-<model hex>-<nsid>"
 * with the fields' NUL padding hex-coded as "00"s, which makes the WWID too long.
 * Returns the length of the repaired WWID in @out, or 0 when @value is not of that form.
 */
static size_t nvme_wwid_repair(const char *value, char *out, size_t size)
{
	char mangled[NVME_WWID_READ];
	size_t len = strlen(value);
	char *p;

	if (len >= sizeof(mangled) || len < 10 || memcmp(value, "nvme.", 5) || value[9] != '-')
		return 0;
	for (size_t i = 5; i < 9; i++)
		if (!isxdigit((unsigned char)value[i]))
			return 0;
	memcpy(mangled, value, len + 1);
	p = memrchr(mangled, '-', len);
	p = skip_zero_pairs(mangled, &len, p);
	p = memrchr(mangled, '-', (size_t)(p - mangled));
	if (!p || memrchr(mangled, '-', (size_t)(p - mangled)) != mangled + 9)
		return 0;
	skip_zero_pairs(mangled, &len, p);
	if (len >= size)
		return 0;
	memcpy(out, mangled, len + 1);
	return len;
}

/* Copy a WWID of any length the way get_udev_uid() does: repair NVMe padding, else cut. */
static int wwid_copy(const char *value, char *wwid)
{
	size_t n = strlen(value);

	if (n < MP_WWID_SIZE) {
		memcpy(wwid, value, n + 1);
		return (int)n;
	}
	n = nvme_wwid_repair(value, wwid, MP_WWID_SIZE);
	if (n > 0) {
		log_info("over-long WWID shortened to %s", wwid);
		return (int)n;
	}
	log_warn("WWID of %zu bytes cut to %d: %s", strlen(value), MP_WWID_SIZE - 1, value);
	memcpy(wwid, value, MP_WWID_SIZE - 1);
	wwid[MP_WWID_SIZE - 1] = '\0';
	return MP_WWID_SIZE - 1;
}

static int uid_from_udev(const struct mp_uid_input *in, struct mp_uid *uid)
{
	const char *value = in->get_property(in->uid_attribute, in->userdata);

	uid->source = MP_UID_SOURCE_UDEV;
	if (!value || !value[0]) {
		log_debug("no udev property %s", in->uid_attribute);
		return -ENODATA;
	}
	return wwid_copy(value, uid->wwid);
}

static int uid_from_scsi(const struct mp_uid_input *in, struct mp_uid *uid)
{
	uint8_t page[MP_UID_VPD_BUFLEN];
	int r = -ENOENT;

	uid->source = MP_UID_SOURCE_SYSFS_VPD83;
	if (in->vpd83)
		r = mp_uid_from_vpd83(in->vpd83, in->vpd83_len, uid->wwid, MP_WWID_SIZE);
	if (r >= 0 || !in->path_up || !in->read_vpd83_sgio)
		return r;
	log_debug("no WWID from sysfs VPD 0x83 (%s), asking the device", strerror(-r));
	uid->source = MP_UID_SOURCE_SGIO_VPD83;
	memset(page, 0, sizeof(page));
	r = in->read_vpd83_sgio(page, sizeof(page), in->userdata);
	if (r < 0)
		return r;
	return mp_uid_from_vpd83(page, (size_t)r, uid->wwid, MP_WWID_SIZE);
}

/* Trailing whitespace goes, as multipath-tools' sysfs reader does when the value fits its buffer. */
static size_t attr_chop(const char *raw, size_t read_max, char *out)
{
	size_t n = strlen(raw);

	if (n >= read_max) {
		n = read_max - 1;
	} else {
		while (n > 0 && isspace((unsigned char)raw[n - 1]))
			n--;
	}
	memcpy(out, raw, n);
	out[n] = '\0';
	return n;
}

static int uid_from_nvme(const struct mp_uid_input *in, struct mp_uid *uid)
{
	char value[NVME_WWID_READ];

	uid->source = MP_UID_SOURCE_SYSFS_NVME;
	if (!in->nvme_wwid)
		return -ENODATA;
	/* A value that fills the read buffer counts as unreadable. */
	if (strlen(in->nvme_wwid) >= sizeof(value))
		return -EOVERFLOW;
	attr_chop(in->nvme_wwid, sizeof(value), value);
	return wwid_copy(value, uid->wwid);
}

/* The DASD uid "IBM.<serial>.<ssid>.<unit>[.<token>]" loses everything from its fourth '.'. */
static int uid_from_dasd(const struct mp_uid_input *in, struct mp_uid *uid)
{
	char value[DASD_UID_READ];
	char *p = value;

	uid->source = MP_UID_SOURCE_SYSFS_DASD;
	if (!in->dasd_uid)
		return -ENODATA;
	attr_chop(in->dasd_uid, sizeof(value), value);
	for (int i = 0; i < 4 && p; i++)
		p = strchr(i ? p + 1 : p, '.');
	if (p)
		*p = '\0';
	return wwid_copy(value, uid->wwid);
}

static int uid_fallback(const struct mp_uid_input *in, struct mp_uid *uid)
{
	switch (in->bus) {
	case MP_UID_BUS_SCSI:
		return uid_from_scsi(in, uid);
	case MP_UID_BUS_NVME:
		return uid_from_nvme(in, uid);
	case MP_UID_BUS_CCW:
		return uid_from_dasd(in, uid);
	default:
		return -ENODATA;
	}
}

int mp_uid_get(const struct mp_uid_input *in, struct mp_uid *ret)
{
	struct mp_uid uid = {};
	bool ask_udev;
	size_t n;
	int r = -ENODATA;

	if (!in || !ret)
		return -EINVAL;
	if (!in->uid_attribute)
		return -ENODATA;
	ask_udev = in->get_property && in->uid_attribute[0] != '\0';
	if (ask_udev)
		r = uid_from_udev(in, &uid);
	if ((!ask_udev || (r <= 0 && in->allow_fallback)) &&
	    mp_uid_has_fallback(in->bus, in->uid_attribute)) {
		uid.fallback = ask_udev || !in->get_property;
		r = uid_fallback(in, &uid);
	}
	if (r < 0)
		return r;
	n = strlen(uid.wwid);
	while (n > 0 && uid.wwid[n - 1] == ' ')
		uid.wwid[--n] = '\0';
	if (n == 0)
		return -ENODATA;
	*ret = uid;
	return (int)n;
}

int mp_uid_attrs_lookup(const char *uid_attrs, const char *devname, char *buf, size_t len)
{
	const char *s = uid_attrs;

	while (s && *s) {
		const char *colon;
		size_t wlen, n;

		s += strspn(s, " ");
		wlen = strcspn(s, " ");
		while (wlen > 0 && isspace((unsigned char)s[wlen - 1]))
			wlen--;
		/* The part before the record's last ':' must start the device name. */
		colon = memrchr(s, ':', wlen);
		if (colon && !strncmp(devname, s, (size_t)(colon - s))) {
			n = wlen - (size_t)(colon + 1 - s);
			if (n + 1 > len)
				return -ENOBUFS;
			memcpy(buf, colon + 1, n);
			buf[n] = '\0';
			return (int)n;
		}
		s += strcspn(s, " ");
	}
	return -ENOENT;
}
