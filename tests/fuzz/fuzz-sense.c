/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target for SCSI sense data and the classification of a completed command. */
#include <errno.h>
#include <stdbool.h>

#include "fuzz.h"
#include "scsi_cdb.h"

/*
 * Input: 8 bytes of completion (SCSI status, host status and driver status as little-endian
 * 16-bit values, sense length, 2 unused), then the sense buffer as the sg driver fills it.
 */

#define CLASS_COUNT (MP_SCSI_OTHER + 1)

static void fuzz_decode(const uint8_t *sense, size_t len)
{
	struct mp_sense s = { .key = 0xff };
	int r = mp_sense_decode(len ? sense : NULL, len, &s);
	uint8_t code = len ? sense[0] & 0x7f : 0;

	fuzz_assert(r == 0 || r == -EINVAL);
	if (r < 0) {
		fuzz_assert(s.key == 0xff);
		return;
	}
	fuzz_assert(code >= 0x70 && code <= 0x73 && s.response_code == code);
	fuzz_assert(s.descriptor == (code >= 0x72) && s.deferred == (code == 0x71 || code == 0x73));
	fuzz_assert(s.key < 16);
	fuzz_assert(s.descriptor ? len >= 4 && s.asc == sense[2] && s.ascq == sense[3] : len >= 3);
	/* Fixed format: ASC/ASCQ only when both the buffer and the additional length reach them. */
	if (!s.descriptor) {
		fuzz_assert(s.asc == (len > 12 && sense[7] + 8 > 12 ? sense[12] : 0));
		fuzz_assert(s.ascq == (len > 13 && sense[7] + 8 > 13 ? sense[13] : 0));
	}
}

/* Whether sense data should count: a CHECK CONDITION over a sound transport (scsi_cdb.h). */
static bool sense_counts(const struct mp_sg_result *res)
{
	uint8_t status = res->status & 0xfe;
	unsigned driver = res->driver_status & 0x0f;

	if (res->host_status != MP_DID_OK || (driver != 0 && driver != MP_DRIVER_SENSE))
		return false;
	return status == MP_SAM_CHECK_CONDITION || status == MP_SAM_COMMAND_TERMINATED;
}

static void fuzz_classify(const uint8_t *data, size_t size)
{
	struct mp_sg_result res = {};
	struct mp_sense got, decoded;
	enum mp_scsi_class cls;
	size_t n = size - 8 < MP_SENSE_MAX ? size - 8 : MP_SENSE_MAX;

	res.status = data[0];
	res.host_status = (uint16_t)(data[1] | data[2] << 8);
	res.driver_status = (uint16_t)(data[3] | data[4] << 8);
	res.sense_len = data[5];
	memcpy(res.sense, data + 8, n);
	memset(&got, 0xa5, sizeof(got));
	cls = mp_scsi_classify(&res, &got);
	fuzz_assert((unsigned)cls < CLASS_COUNT && mp_scsi_classify(&res, NULL) == cls);
	fuzz_assert(strcmp(mp_scsi_class_name(cls), "?") != 0);
	fuzz_assert(mp_scsi_class_is_retryable(cls) == (cls == MP_SCSI_UNIT_ATTENTION ||
						       cls == MP_SCSI_BUSY || cls == MP_SCSI_ABORTED));
	/* Sense is reported only for a CHECK CONDITION without transport trouble, and then as decoded. */
	if (!sense_counts(&res) ||
	    mp_sense_decode(res.sense, res.sense_len < MP_SENSE_MAX ? res.sense_len : MP_SENSE_MAX,
			    &decoded) < 0) {
		static const struct mp_sense zero;

		fuzz_assert(memcmp(&got, &zero, sizeof(got)) == 0);
		return;
	}
	fuzz_assert(memcmp(&got, &decoded, sizeof(got)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	fuzz_decode(data + 8, size - 8);
	fuzz_classify(data, size);
	return 0;
}
