/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCSI command blocks, sense data decoding and completion classes: pure functions, no I/O. */
#include <errno.h>
#include <string.h>

#include "scsi_cdb.h"
#include "util.h"

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, v);
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static void cdb_init(struct mp_cdb *c, uint8_t opcode, uint8_t len)
{
	memset(c, 0, sizeof(*c));
	c->bytes[0] = opcode;
	c->len = len;
}

int mp_cdb_inquiry(struct mp_cdb *ret, bool evpd, uint8_t page, uint16_t alloc_len)
{
	if (!evpd && page != 0)
		return -EINVAL;
	cdb_init(ret, MP_OP_INQUIRY, 6);
	ret->bytes[1] = evpd ? 0x01 : 0x00;
	ret->bytes[2] = page;
	put_be16(ret->bytes + 3, alloc_len);
	return 0;
}

void mp_cdb_test_unit_ready(struct mp_cdb *ret)
{
	cdb_init(ret, MP_OP_TEST_UNIT_READY, 6);
}

int mp_cdb_read10(struct mp_cdb *ret, uint64_t lba, uint32_t blocks)
{
	if (lba > UINT32_MAX || blocks > UINT16_MAX)
		return -ERANGE;
	cdb_init(ret, MP_OP_READ_10, 10);
	put_be32(ret->bytes + 2, (uint32_t)lba);
	put_be16(ret->bytes + 7, (uint16_t)blocks);
	return 0;
}

void mp_cdb_read16(struct mp_cdb *ret, uint64_t lba, uint32_t blocks)
{
	cdb_init(ret, MP_OP_READ_16, 16);
	put_be64(ret->bytes + 2, lba);
	put_be32(ret->bytes + 10, blocks);
}

void mp_cdb_report_referrals(struct mp_cdb *ret, uint64_t lba, uint32_t alloc_len,
			     bool one_segment)
{
	cdb_init(ret, MP_OP_SERVICE_ACTION_IN16, 16);
	ret->bytes[1] = MP_SA_REPORT_REFERRALS;
	put_be64(ret->bytes + 2, lba);
	put_be32(ret->bytes + 10, alloc_len);
	ret->bytes[14] = one_segment ? 0x01 : 0x00;
}

void mp_cdb_report_tpgs(struct mp_cdb *ret, uint32_t alloc_len, bool extended)
{
	cdb_init(ret, MP_OP_MAINTENANCE_IN, 12);
	/* Bits 7..5 of byte 1 select the parameter data format; 001b is the extended header. */
	ret->bytes[1] = MP_SA_REPORT_TPGS | (extended ? 0x20 : 0x00);
	put_be32(ret->bytes + 6, alloc_len);
}

int mp_sense_decode(const uint8_t *sense, size_t len, struct mp_sense *ret)
{
	struct mp_sense s = {};

	if (!sense || len < 1)
		return -EINVAL;
	s.response_code = sense[0] & 0x7f;
	switch (s.response_code) {
	case 0x70:
	case 0x71:
		if (len < 3)
			return -EINVAL;
		s.key = sense[2] & 0x0f;
		/* Byte 7 says how much follows; ASC/ASCQ exist only if it reaches bytes 12/13. */
		if (len > 7) {
			size_t avail = min_size((size_t)sense[7] + 8, len);

			s.asc = avail > 12 ? sense[12] : 0;
			s.ascq = avail > 13 ? sense[13] : 0;
		}
		break;
	case 0x72:
	case 0x73:
		if (len < 4)
			return -EINVAL;
		s.descriptor = true;
		s.key = sense[1] & 0x0f;
		s.asc = sense[2];
		s.ascq = sense[3];
		break;
	default:
		return -EINVAL;
	}
	s.deferred = s.response_code == 0x71 || s.response_code == 0x73;
	*ret = s;
	return 0;
}

static enum mp_scsi_class classify_sense_key(uint8_t key)
{
	switch (key) {
	case MP_SENSE_NO_SENSE:
	case MP_SENSE_RECOVERED_ERROR:
		return MP_SCSI_OK;
	case MP_SENSE_NOT_READY:
		return MP_SCSI_NOT_READY;
	case MP_SENSE_MEDIUM_ERROR:
	case MP_SENSE_HARDWARE_ERROR:
		return MP_SCSI_MEDIUM_ERROR;
	case MP_SENSE_ILLEGAL_REQUEST:
		return MP_SCSI_ILLEGAL_REQUEST;
	case MP_SENSE_UNIT_ATTENTION:
		return MP_SCSI_UNIT_ATTENTION;
	case MP_SENSE_ABORTED_COMMAND:
		return MP_SCSI_ABORTED;
	default:
		return MP_SCSI_OTHER;
	}
}

static enum mp_scsi_class classify_transport(const struct mp_sg_result *res)
{
	unsigned driver = res->driver_status & 0x0f;

	if (res->host_status == MP_DID_TIME_OUT || driver == MP_DRIVER_TIMEOUT)
		return MP_SCSI_TIMEOUT;
	if (res->host_status == MP_DID_MEDIUM_ERROR)
		return MP_SCSI_MEDIUM_ERROR;
	if (res->host_status != MP_DID_OK)
		return MP_SCSI_TRANSPORT_ERROR;
	/* DRIVER_SENSE only says the sense buffer is valid. */
	if (driver != 0 && driver != MP_DRIVER_SENSE)
		return MP_SCSI_TRANSPORT_ERROR;
	return MP_SCSI_OK;
}

enum mp_scsi_class mp_scsi_classify(const struct mp_sg_result *res, struct mp_sense *ret_sense)
{
	struct mp_sense sense = {};
	enum mp_scsi_class cls;
	uint8_t status = res->status & 0xfe;

	if (ret_sense)
		*ret_sense = sense;
	cls = classify_transport(res);
	if (cls != MP_SCSI_OK)
		return cls;

	switch (status) {
	case MP_SAM_GOOD:
	case MP_SAM_CONDITION_MET:
		return MP_SCSI_OK;
	case MP_SAM_BUSY:
	case MP_SAM_TASK_SET_FULL:
		return MP_SCSI_BUSY;
	case MP_SAM_RESERVATION_CONFLICT:
		return MP_SCSI_RESERVATION_CONFLICT;
	case MP_SAM_TASK_ABORTED:
		return MP_SCSI_ABORTED;
	case MP_SAM_CHECK_CONDITION:
	case MP_SAM_COMMAND_TERMINATED:
		break;
	default:
		return MP_SCSI_OTHER;
	}

	if (mp_sense_decode(res->sense, min_size(res->sense_len, sizeof(res->sense)), &sense) < 0)
		return MP_SCSI_OTHER;
	if (ret_sense)
		*ret_sense = sense;
	return classify_sense_key(sense.key);
}

static const char *const class_names[] = {
	[MP_SCSI_OK] = "ok",
	[MP_SCSI_NOT_READY] = "not-ready",
	[MP_SCSI_UNIT_ATTENTION] = "unit-attention",
	[MP_SCSI_TRANSPORT_ERROR] = "transport-error",
	[MP_SCSI_MEDIUM_ERROR] = "medium-error",
	[MP_SCSI_ILLEGAL_REQUEST] = "illegal-request",
	[MP_SCSI_TIMEOUT] = "timeout",
	[MP_SCSI_BUSY] = "busy",
	[MP_SCSI_RESERVATION_CONFLICT] = "reservation-conflict",
	[MP_SCSI_ABORTED] = "aborted",
	[MP_SCSI_OTHER] = "other",
};

const char *mp_scsi_class_name(enum mp_scsi_class cls)
{
	if ((unsigned)cls >= ARRAY_SIZE(class_names))
		return "?";
	return class_names[cls];
}

bool mp_scsi_class_is_retryable(enum mp_scsi_class cls)
{
	return cls == MP_SCSI_UNIT_ATTENTION || cls == MP_SCSI_BUSY || cls == MP_SCSI_ABORTED;
}
