/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the sg submit/reap marshalling (a pipe stands in for /dev/sgN) and SG_IO errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <scsi/sg.h>
#include <unistd.h>
#include <cmocka.h>

#include "sgio.h"

static int pipe_fds[2];

static int setup_pipe(void **state)
{
	return pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC);
}

static int teardown_pipe(void **state)
{
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	return 0;
}

/* What mp_sg_submit() writes is a complete v3 header pointing back at the request. */
static void test_submit_header(void **state)
{
	uint8_t data[96];
	struct mp_sg_request req = { .buf = data, .len = sizeof(data), .dir = MP_SG_DIR_FROM_DEV,
				     .timeout_ms = 5000, .pack_id = 42 };
	struct sg_io_hdr h;

	mp_cdb_report_referrals(&req.cdb, 0, sizeof(data), false);
	assert_int_equal(mp_sg_submit(pipe_fds[1], &req), 0);
	assert_int_equal(read(pipe_fds[0], &h, sizeof(h)), sizeof(h));
	assert_int_equal(h.interface_id, 'S');
	assert_int_equal(h.dxfer_direction, SG_DXFER_FROM_DEV);
	assert_int_equal(h.cmd_len, 16);
	assert_ptr_equal(h.cmdp, req.cdb.bytes);
	assert_int_equal(h.cmdp[0], 0x9e);
	assert_int_equal(h.dxfer_len, sizeof(data));
	assert_ptr_equal(h.dxferp, data);
	assert_ptr_equal(h.sbp, req.sense);
	assert_int_equal(h.mx_sb_len, MP_SENSE_MAX);
	assert_int_equal(h.timeout, 5000);
	assert_int_equal(h.pack_id, 42);
	assert_ptr_equal(h.usr_ptr, &req);
}

/* Play the driver: complete a command with a UNIT ATTENTION and let mp_sg_reap() pick it up. */
static void test_reap(void **state)
{
	static const uint8_t ua[] = { 0x70, 0, 0x06, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x29, 0x00, 0, 0, 0, 0 };
	struct mp_sg_request req = { .pack_id = 7 }, *got = NULL;
	struct mp_sg_result res;
	struct sg_io_hdr h = { .interface_id = 'S', .status = 0x02, .masked_status = 0x01,
			       .driver_status = 0x08, .sb_len_wr = sizeof(ua), .resid = 12,
			       .duration = 3, .pack_id = 7, .usr_ptr = &req };
	struct mp_sense sense;

	assert_int_equal(mp_sg_reap(pipe_fds[0], &got, &res), -EAGAIN);
	memcpy(req.sense, ua, sizeof(ua));
	assert_int_equal(write(pipe_fds[1], &h, sizeof(h)), sizeof(h));
	assert_int_equal(mp_sg_reap(pipe_fds[0], &got, &res), 0);
	assert_ptr_equal(got, &req);
	assert_int_equal(res.status, 0x02);
	assert_int_equal(res.resid, 12);
	assert_int_equal(res.duration_ms, 3);
	assert_int_equal(res.sense_len, sizeof(ua));
	assert_int_equal(mp_scsi_classify(&res, &sense), MP_SCSI_UNIT_ATTENTION);
	assert_int_equal(sense.asc, 0x29);

	/* A header without the request pointer, and a short one. */
	h.usr_ptr = NULL;
	assert_int_equal(write(pipe_fds[1], &h, sizeof(h)), sizeof(h));
	assert_int_equal(mp_sg_reap(pipe_fds[0], &got, &res), -EBADMSG);
	assert_int_equal(write(pipe_fds[1], &h, 10), 10);
	assert_int_equal(mp_sg_reap(pipe_fds[0], &got, &res), -EIO);
}

static void test_bad_arguments(void **state)
{
	struct mp_sg_request req = { .len = 8, .dir = MP_SG_DIR_FROM_DEV };
	struct mp_sg_result res;
	uint8_t cdb[6] = {}, buf[8];

	mp_cdb_test_unit_ready(&req.cdb);
	assert_int_equal(mp_sg_submit(pipe_fds[1], &req), -EINVAL); /* len without buffer */
	req.len = 0;
	req.cdb.len = 17;
	assert_int_equal(mp_sg_submit(pipe_fds[1], &req), -EINVAL);
	req.cdb.len = 6;
	assert_int_equal(mp_sg_submit(-1, &req), -EBADF);

	assert_int_equal(mp_sg_io(pipe_fds[0], cdb, 5, NULL, 0, MP_SG_DIR_NONE, 1000, &res), -EINVAL);
	assert_int_equal(mp_sg_io(pipe_fds[0], cdb, 6, buf, sizeof(buf), MP_SG_DIR_NONE, 1000, &res),
			 -EINVAL);
}

static void test_not_sg(void **state)
{
	struct mp_sg_result res = { .status = 0x77 };
	uint8_t cdb[6] = {};
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(mp_sg_io(fd, cdb, sizeof(cdb), NULL, 0, MP_SG_DIR_NONE, 1000, &res), -ENOTTY);
	assert_int_equal(res.status, 0x77); /* untouched on failure */
	close(fd);
	assert_int_equal(mp_sg_open("/dev/null"), -ENOTTY);
	assert_int_equal(mp_sg_open("/nonexistent/sg0"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_submit_header),
		cmocka_unit_test(test_reap),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_not_sg),
	};
	return cmocka_run_group_tests(tests, setup_pipe, teardown_pipe);
}
