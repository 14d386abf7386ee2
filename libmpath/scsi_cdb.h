/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCSI command blocks, sense data decoding and completion classes: pure functions, no I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MP_CDB_MAX 16
#define MP_SENSE_MAX 64

/* Opcodes and service actions this library builds. */
#define MP_OP_TEST_UNIT_READY     0x00
#define MP_OP_INQUIRY             0x12
#define MP_OP_READ_10             0x28
#define MP_OP_READ_16             0x88
#define MP_OP_SERVICE_ACTION_IN16 0x9e
#define MP_SA_REPORT_REFERRALS    0x13
#define MP_OP_MAINTENANCE_IN      0xa3
#define MP_SA_REPORT_TPGS         0x0a

/* SCSI status bytes (SAM). */
#define MP_SAM_GOOD                 0x00
#define MP_SAM_CHECK_CONDITION      0x02
#define MP_SAM_CONDITION_MET        0x04
#define MP_SAM_BUSY                 0x08
#define MP_SAM_RESERVATION_CONFLICT 0x18
#define MP_SAM_COMMAND_TERMINATED   0x22
#define MP_SAM_TASK_SET_FULL        0x28
#define MP_SAM_TASK_ABORTED         0x40

/* Sense keys (SPC). */
#define MP_SENSE_NO_SENSE        0x0
#define MP_SENSE_RECOVERED_ERROR 0x1
#define MP_SENSE_NOT_READY       0x2
#define MP_SENSE_MEDIUM_ERROR    0x3
#define MP_SENSE_HARDWARE_ERROR  0x4
#define MP_SENSE_ILLEGAL_REQUEST 0x5
#define MP_SENSE_UNIT_ATTENTION  0x6
#define MP_SENSE_DATA_PROTECT    0x7
#define MP_SENSE_ABORTED_COMMAND 0xb

/* Linux host_status (DID_*) and driver_status values of struct sg_io_hdr. */
#define MP_DID_OK            0x00
#define MP_DID_NO_CONNECT    0x01
#define MP_DID_BUS_BUSY      0x02
#define MP_DID_TIME_OUT      0x03
#define MP_DID_TRANSPORT_DISRUPTED 0x0e
#define MP_DID_TRANSPORT_FAILFAST  0x0f
#define MP_DID_MEDIUM_ERROR  0x13
#define MP_DRIVER_TIMEOUT    0x06
#define MP_DRIVER_SENSE      0x08

/**
 * struct mp_cdb - a command descriptor block ready to hand to SG_IO.
 * @bytes: the CDB; unused bytes are zero.
 * @len: how many of @bytes are the CDB (6, 10, 12 or 16).
 */
struct mp_cdb {
	uint8_t bytes[MP_CDB_MAX];
	uint8_t len;
};

/**
 * struct mp_sg_result - how a SCSI command completed, as the sg driver reports it.
 * @status: the SCSI status byte (MP_SAM_*).
 * @host_status: the HBA/transport status (MP_DID_*).
 * @driver_status: the mid-layer status (MP_DRIVER_*; low nibble matters).
 * @resid: bytes of the data buffer not transferred.
 * @duration_ms: how long the command took.
 * @sense_len: valid bytes in @sense.
 * @sense: the sense data, when @status is CHECK CONDITION.
 */
struct mp_sg_result {
	uint8_t status;
	uint16_t host_status;
	uint16_t driver_status;
	int32_t resid;
	uint32_t duration_ms;
	uint8_t sense_len;
	uint8_t sense[MP_SENSE_MAX];
};

/**
 * struct mp_sense - the parts of sense data a multipath daemon acts on.
 * @response_code: 0x70..0x73.
 * @descriptor: descriptor format (0x72/0x73) rather than fixed (0x70/0x71).
 * @deferred: the error belongs to an earlier command (0x71/0x73).
 * @key: sense key (MP_SENSE_*).
 * @asc: additional sense code, 0 when absent.
 * @ascq: additional sense code qualifier, 0 when absent.
 */
struct mp_sense {
	uint8_t response_code;
	bool descriptor;
	bool deferred;
	uint8_t key;
	uint8_t asc;
	uint8_t ascq;
};

/**
 * enum mp_scsi_class - what a completed command means for the path.
 * @MP_SCSI_OK: success (includes RECOVERED ERROR and NO SENSE).
 * @MP_SCSI_NOT_READY: sense key NOT READY (e.g. ALUA standby, becoming ready).
 * @MP_SCSI_UNIT_ATTENTION: sense key UNIT ATTENTION; retry the command.
 * @MP_SCSI_TRANSPORT_ERROR: the host or driver status reports a transport failure.
 * @MP_SCSI_MEDIUM_ERROR: MEDIUM ERROR or HARDWARE ERROR; the path works, the LU does not.
 * @MP_SCSI_ILLEGAL_REQUEST: the device rejects the command (unsupported opcode/field).
 * @MP_SCSI_TIMEOUT: the command timed out (DID_TIME_OUT or DRIVER_TIMEOUT).
 * @MP_SCSI_BUSY: BUSY or TASK SET FULL status; retry later.
 * @MP_SCSI_RESERVATION_CONFLICT: another initiator holds a reservation.
 * @MP_SCSI_ABORTED: ABORTED COMMAND sense or TASK ABORTED status; retry.
 * @MP_SCSI_OTHER: anything else (DATA PROTECT, missing sense data, ...).
 */
enum mp_scsi_class {
	MP_SCSI_OK,
	MP_SCSI_NOT_READY,
	MP_SCSI_UNIT_ATTENTION,
	MP_SCSI_TRANSPORT_ERROR,
	MP_SCSI_MEDIUM_ERROR,
	MP_SCSI_ILLEGAL_REQUEST,
	MP_SCSI_TIMEOUT,
	MP_SCSI_BUSY,
	MP_SCSI_RESERVATION_CONFLICT,
	MP_SCSI_ABORTED,
	MP_SCSI_OTHER,
};

/**
 * mp_cdb_inquiry() - build INQUIRY (6).
 * @ret: the CDB.
 * @evpd: request VPD page @page instead of standard data.
 * @page: VPD page code; must be 0 when @evpd is false.
 * @alloc_len: allocation length.
 *
 * Return: 0, or -EINVAL when @page is set without @evpd.
 */
int mp_cdb_inquiry(struct mp_cdb *ret, bool evpd, uint8_t page, uint16_t alloc_len);

/** mp_cdb_test_unit_ready() - build TEST UNIT READY (6); never fails. */
void mp_cdb_test_unit_ready(struct mp_cdb *ret);

/**
 * mp_cdb_read10() - build READ (10).
 * @lba: first block; must fit in 32 bits.
 * @blocks: number of blocks; must fit in 16 bits.
 *
 * Return: 0, or -ERANGE when @lba or @blocks do not fit.
 */
int mp_cdb_read10(struct mp_cdb *ret, uint64_t lba, uint32_t blocks);

/** mp_cdb_read16() - build READ (16) for @blocks blocks at @lba; never fails. */
void mp_cdb_read16(struct mp_cdb *ret, uint64_t lba, uint32_t blocks);

/**
 * mp_cdb_report_referrals() - build REPORT REFERRALS: SERVICE ACTION IN (16), SA 0x13 (SBC-3).
 * @lba: the LBA whose user data segment is reported first.
 * @alloc_len: allocation length.
 * @one_segment: set ONE_SEG: report only the segment holding @lba.
 */
void mp_cdb_report_referrals(struct mp_cdb *ret, uint64_t lba, uint32_t alloc_len,
			     bool one_segment);

/**
 * mp_cdb_report_tpgs() - build REPORT TARGET PORT GROUPS: MAINTENANCE IN (12), SA 0x0a (SPC).
 * @alloc_len: allocation length.
 * @extended: ask for the extended header (parameter data format 001b).
 */
void mp_cdb_report_tpgs(struct mp_cdb *ret, uint32_t alloc_len, bool extended);

/**
 * mp_sense_decode() - decode fixed (0x70/0x71) or descriptor (0x72/0x73) sense data.
 * @sense: the sense bytes.
 * @len: how many bytes are valid.
 * @ret: written only on success.
 *
 * ASC/ASCQ are 0 when fixed-format data is too short to hold them.
 *
 * Return: 0, or -EINVAL for an unknown response code or too few bytes.
 */
int mp_sense_decode(const uint8_t *sense, size_t len, struct mp_sense *ret);

/**
 * mp_scsi_classify() - classify a completed command.
 * @res: the completion.
 * @ret_sense: optional; receives the decoded sense when there was a CHECK CONDITION
 *             with valid sense data, and is zeroed otherwise.
 *
 * Transport trouble (host_status, driver_status) wins over the SCSI status,
 * because sense data from a broken nexus means nothing.
 *
 * Return: the class.
 */
enum mp_scsi_class mp_scsi_classify(const struct mp_sg_result *res, struct mp_sense *ret_sense);

/** mp_scsi_class_name() - a short lowercase name for logs ("ok", "not-ready", ...). */
const char *mp_scsi_class_name(enum mp_scsi_class cls);

/**
 * mp_scsi_class_is_retryable() - whether re-issuing the same command on the same path
 * can succeed: UNIT ATTENTION, BUSY and ABORTED.
 */
bool mp_scsi_class_is_retryable(enum mp_scsi_class cls);
