/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for CDB builders, sense decoding and completion classes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "scsi_cdb.h"

static void assert_cdb(const struct mp_cdb *c, const uint8_t *want, size_t len)
{
	assert_int_equal(c->len, len);
	assert_memory_equal(c->bytes, want, len);
	for (size_t i = len; i < MP_CDB_MAX; i++)
		assert_int_equal(c->bytes[i], 0);
}

static void test_inquiry(void **state)
{
	static const uint8_t std[] = { 0x12, 0x00, 0x00, 0x00, 0x24, 0x00 };
	static const uint8_t evpd83[] = { 0x12, 0x01, 0x83, 0x10, 0x00, 0x00 };
	struct mp_cdb c;

	assert_int_equal(mp_cdb_inquiry(&c, false, 0, 36), 0);
	assert_cdb(&c, std, sizeof(std));
	assert_int_equal(mp_cdb_inquiry(&c, true, 0x83, 4096), 0);
	assert_cdb(&c, evpd83, sizeof(evpd83));
	assert_int_equal(mp_cdb_inquiry(&c, false, 0x80, 255), -EINVAL);
}

static void test_tur_and_reads(void **state)
{
	static const uint8_t tur[6] = {};
	static const uint8_t r10[] = { 0x28, 0, 0x12, 0x34, 0x56, 0x78, 0, 0x00, 0x08, 0 };
	static const uint8_t r16[] = { 0x88, 0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
				       0x00, 0x01, 0x00, 0x00, 0, 0 };
	struct mp_cdb c;

	memset(&c, 0xff, sizeof(c));
	mp_cdb_test_unit_ready(&c);
	assert_cdb(&c, tur, sizeof(tur));

	assert_int_equal(mp_cdb_read10(&c, 0x12345678, 8), 0);
	assert_cdb(&c, r10, sizeof(r10));
	assert_int_equal(mp_cdb_read10(&c, 0x100000000ULL, 8), -ERANGE);
	assert_int_equal(mp_cdb_read10(&c, 0, 0x10000), -ERANGE);

	mp_cdb_read16(&c, 0x0102030405060708ULL, 0x10000);
	assert_cdb(&c, r16, sizeof(r16));
}

static void test_report_referrals(void **state)
{
	static const uint8_t all[] = { 0x9e, 0x13, 0, 0, 0, 0, 0, 0, 0, 0,
				       0x00, 0x00, 0x10, 0x00, 0x00, 0 };
	static const uint8_t one[] = { 0x9e, 0x13, 0, 0, 0, 0, 0, 0, 0x40, 0x00,
				       0x00, 0x00, 0x02, 0x00, 0x01, 0 };
	struct mp_cdb c;

	mp_cdb_report_referrals(&c, 0, 4096, false);
	assert_cdb(&c, all, sizeof(all));
	mp_cdb_report_referrals(&c, 0x4000, 512, true);
	assert_cdb(&c, one, sizeof(one));
}

static void test_report_tpgs(void **state)
{
	static const uint8_t plain[] = { 0xa3, 0x0a, 0, 0, 0, 0, 0x00, 0x00, 0x02, 0x00, 0, 0 };
	static const uint8_t ext[] = { 0xa3, 0x2a, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0x00, 0, 0 };
	struct mp_cdb c;

	mp_cdb_report_tpgs(&c, 512, false);
	assert_cdb(&c, plain, sizeof(plain));
	mp_cdb_report_tpgs(&c, 65536, true);
	assert_cdb(&c, ext, sizeof(ext));
}

/* Fixed format, as sd logs "Unit Attention: Power on, reset, or bus device reset occurred". */
static const uint8_t sense_ua_reset[] = {
	0x70, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x29, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
/* Descriptor format from LIO with D_SENSE: NOT READY, ALUA state transition (04/0a). */
static const uint8_t sense_alua_transition[] = { 0x72, 0x02, 0x04, 0x0a, 0x00, 0x00, 0x00, 0x00 };
/* Fixed, MEDIUM ERROR, unrecovered read error (11/00). */
static const uint8_t sense_medium[] = {
	0xf0, 0x00, 0x03, 0x00, 0x00, 0x10, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
/* Fixed, ILLEGAL REQUEST, invalid command operation code (20/00). */
static const uint8_t sense_invalid_opcode[] = {
	0x70, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

static void test_sense_decode(void **state)
{
	static const uint8_t deferred_hw[] = { 0x73, 0x04, 0x44, 0x00 };
	/* Additional length 0: bytes 8.. are stale buffer contents, not sense data. */
	static const uint8_t fixed_short[] = { 0x70, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
					       0x00, 0x00, 0x00, 0x00, 0x29, 0x01, 0x00, 0x00 };
	static const uint8_t truncated_fixed[] = { 0x70, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x0a,
						   0x00, 0x00, 0x00, 0x00, 0x2a };
	struct mp_sense s;

	assert_int_equal(mp_sense_decode(sense_ua_reset, sizeof(sense_ua_reset), &s), 0);
	assert_int_equal(s.response_code, 0x70);
	assert_false(s.descriptor);
	assert_false(s.deferred);
	assert_int_equal(s.key, MP_SENSE_UNIT_ATTENTION);
	assert_int_equal(s.asc, 0x29);
	assert_int_equal(s.ascq, 0x00);

	assert_int_equal(mp_sense_decode(sense_alua_transition, sizeof(sense_alua_transition), &s), 0);
	assert_true(s.descriptor);
	assert_int_equal(s.key, MP_SENSE_NOT_READY);
	assert_int_equal(s.asc, 0x04);
	assert_int_equal(s.ascq, 0x0a);

	/* VALID bit set (0xf0) is still response code 0x70. */
	assert_int_equal(mp_sense_decode(sense_medium, sizeof(sense_medium), &s), 0);
	assert_int_equal(s.response_code, 0x70);
	assert_int_equal(s.key, MP_SENSE_MEDIUM_ERROR);
	assert_int_equal(s.asc, 0x11);

	assert_int_equal(mp_sense_decode(deferred_hw, sizeof(deferred_hw), &s), 0);
	assert_true(s.deferred);
	assert_true(s.descriptor);
	assert_int_equal(s.key, MP_SENSE_HARDWARE_ERROR);
	assert_int_equal(s.asc, 0x44);

	assert_int_equal(mp_sense_decode(fixed_short, sizeof(fixed_short), &s), 0);
	assert_int_equal(s.key, MP_SENSE_NOT_READY);
	assert_int_equal(s.asc, 0);

	/* ASC present, ASCQ cut off by the buffer. */
	assert_int_equal(mp_sense_decode(truncated_fixed, sizeof(truncated_fixed), &s), 0);
	assert_int_equal(s.asc, 0x2a);
	assert_int_equal(s.ascq, 0);

	s.key = 0x5a;
	assert_int_equal(mp_sense_decode(sense_ua_reset, 2, &s), -EINVAL);
	assert_int_equal(mp_sense_decode(sense_alua_transition, 3, &s), -EINVAL);
	assert_int_equal(mp_sense_decode((const uint8_t[]){ 0x00, 0, 0, 0 }, 4, &s), -EINVAL);
	assert_int_equal(mp_sense_decode(sense_ua_reset, 0, &s), -EINVAL);
	assert_int_equal(s.key, 0x5a); /* untouched on failure */
}

static struct mp_sg_result check_condition(const uint8_t *sense, size_t len)
{
	struct mp_sg_result r = { .status = MP_SAM_CHECK_CONDITION, .driver_status = MP_DRIVER_SENSE,
				  .sense_len = (uint8_t)len };

	if (len)
		memcpy(r.sense, sense, len);
	return r;
}

static void test_classify_sense(void **state)
{
	struct mp_sg_result r;
	struct mp_sense s;

	r = check_condition(sense_ua_reset, sizeof(sense_ua_reset));
	assert_int_equal(mp_scsi_classify(&r, &s), MP_SCSI_UNIT_ATTENTION);
	assert_int_equal(s.asc, 0x29);
	assert_true(mp_scsi_class_is_retryable(MP_SCSI_UNIT_ATTENTION));

	r = check_condition(sense_alua_transition, sizeof(sense_alua_transition));
	assert_int_equal(mp_scsi_classify(&r, &s), MP_SCSI_NOT_READY);
	assert_int_equal(s.ascq, 0x0a);
	assert_false(mp_scsi_class_is_retryable(MP_SCSI_NOT_READY));

	r = check_condition(sense_medium, sizeof(sense_medium));
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_MEDIUM_ERROR);
	r = check_condition((const uint8_t[]){ 0x72, 0x04, 0x44, 0x00 }, 4);
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_MEDIUM_ERROR);
	r = check_condition(sense_invalid_opcode, sizeof(sense_invalid_opcode));
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_ILLEGAL_REQUEST);
	r = check_condition((const uint8_t[]){ 0x72, 0x01, 0x17, 0x01 }, 4);
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_OK);
	r = check_condition((const uint8_t[]){ 0x72, 0x0b, 0x47, 0x00 }, 4);
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_ABORTED);
	r = check_condition((const uint8_t[]){ 0x72, 0x07, 0x27, 0x00 }, 4);
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_OTHER);

	/* CHECK CONDITION without sense data tells us nothing. */
	r = check_condition(NULL, 0);
	assert_int_equal(mp_scsi_classify(&r, &s), MP_SCSI_OTHER);
	assert_int_equal(s.key, 0);
}

static void test_classify_status(void **state)
{
	struct mp_sg_result r = {};
	struct mp_sense s;

	assert_int_equal(mp_scsi_classify(&r, &s), MP_SCSI_OK);
	r.status = MP_SAM_CONDITION_MET;
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_OK);
	r.status = MP_SAM_BUSY;
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_BUSY);
	r.status = MP_SAM_TASK_SET_FULL;
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_BUSY);
	r.status = MP_SAM_RESERVATION_CONFLICT;
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_RESERVATION_CONFLICT);
	assert_false(mp_scsi_class_is_retryable(MP_SCSI_RESERVATION_CONFLICT));
	r.status = MP_SAM_TASK_ABORTED;
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_ABORTED);
	assert_true(mp_scsi_class_is_retryable(MP_SCSI_ABORTED));
	r.status = 0x30; /* ACA ACTIVE */
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_OTHER);
}

static void test_classify_transport(void **state)
{
	struct mp_sg_result r = {};

	r.host_status = MP_DID_TIME_OUT;
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_TIMEOUT);
	r.host_status = MP_DID_TRANSPORT_DISRUPTED;
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_TRANSPORT_ERROR);
	r.host_status = MP_DID_NO_CONNECT;
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_TRANSPORT_ERROR);
	r.host_status = MP_DID_MEDIUM_ERROR;
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_MEDIUM_ERROR);

	r.host_status = MP_DID_OK;
	r.driver_status = MP_DRIVER_TIMEOUT;
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_TIMEOUT);
	r.driver_status = 0x04; /* DRIVER_ERROR */
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_TRANSPORT_ERROR);
	r.driver_status = MP_DRIVER_SENSE;
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_OK);

	/* A transport failure wins over whatever sense came with it. */
	r = check_condition(sense_ua_reset, sizeof(sense_ua_reset));
	r.host_status = MP_DID_TRANSPORT_FAILFAST;
	assert_int_equal(mp_scsi_classify(&r, NULL), MP_SCSI_TRANSPORT_ERROR);
}

static void test_class_names(void **state)
{
	assert_string_equal(mp_scsi_class_name(MP_SCSI_OK), "ok");
	assert_string_equal(mp_scsi_class_name(MP_SCSI_UNIT_ATTENTION), "unit-attention");
	assert_string_equal(mp_scsi_class_name(MP_SCSI_OTHER), "other");
	assert_string_equal(mp_scsi_class_name((enum mp_scsi_class)99), "?");
	for (int c = MP_SCSI_OK; c <= MP_SCSI_OTHER; c++)
		assert_string_not_equal(mp_scsi_class_name(c), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inquiry),
		cmocka_unit_test(test_tur_and_reads),
		cmocka_unit_test(test_report_referrals),
		cmocka_unit_test(test_report_tpgs),
		cmocka_unit_test(test_sense_decode),
		cmocka_unit_test(test_classify_sense),
		cmocka_unit_test(test_classify_status),
		cmocka_unit_test(test_classify_transport),
		cmocka_unit_test(test_class_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
