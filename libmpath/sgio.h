/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Issuing SCSI commands: blocking SG_IO for workers, and the sg driver's write/poll/read for the loop. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "scsi_cdb.h"

/* Data direction of a command. */
enum mp_sg_dir {
	MP_SG_DIR_NONE,
	MP_SG_DIR_FROM_DEV,
	MP_SG_DIR_TO_DEV,
};

/**
 * mp_sg_io() - issue one command with the SG_IO ioctl and wait for it.
 * @fd: an open /dev/sdX or /dev/sgN.
 * @cdb, @cdb_len: the command (6..16 bytes).
 * @buf, @len: the data buffer; @buf may be NULL when @len is 0.
 * @dir: MP_SG_DIR_*.
 * @timeout_ms: the kernel aborts the command after this long.
 * @ret: how the command completed; written only on success.
 *
 * This blocks for up to @timeout_ms (longer if the host is stuck): call it from worker
 * threads or at discovery, never from the event loop.
 *
 * Return: 0 when the command completed, whatever its SCSI status (classify @ret with
 * mp_scsi_classify()); -EINVAL for bad arguments; -errno when the ioctl failed.
 */
int mp_sg_io(int fd, const uint8_t *cdb, size_t cdb_len, void *buf, size_t len,
	     enum mp_sg_dir dir, unsigned timeout_ms, struct mp_sg_result *ret);

/**
 * struct mp_sg_request - one asynchronous command; the caller owns it until it is reaped.
 * @cdb: the command.
 * @buf, @len, @dir: the data buffer; it must stay valid until reaped.
 * @timeout_ms: the kernel aborts the command after this long.
 * @pack_id: the caller's tag, echoed back by the driver.
 * @userdata: the caller's pointer.
 * @sense: where the driver puts sense data when the command is reaped.
 */
struct mp_sg_request {
	struct mp_cdb cdb;
	void *buf;
	size_t len;
	enum mp_sg_dir dir;
	unsigned timeout_ms;
	int pack_id;
	void *userdata;
	uint8_t sense[MP_SENSE_MAX];
};

/**
 * mp_sg_open() - open an sg device for asynchronous use (O_RDWR|O_NONBLOCK|O_CLOEXEC).
 * @path: e.g. "/dev/sg3".
 *
 * Return: the fd; -ENOTTY if @path is not an sg device (v3 interface); -errno from open().
 */
int mp_sg_open(const char *path);

/**
 * mp_sg_submit() - queue @req on @fd: write() one struct sg_io_hdr to the sg driver.
 *
 * The driver copies the command at once; @req, its @buf and @sense must stay valid
 * until mp_sg_reap() returns @req. poll() @fd for POLLIN to learn of completions.
 *
 * Return: 0; -EINVAL for bad arguments; -EAGAIN if the driver's queue is full; -errno;
 * -EIO on a short write.
 */
int mp_sg_submit(int fd, struct mp_sg_request *req);

/**
 * mp_sg_reap() - read() one completed command from @fd without blocking.
 * @ret_req: the request that completed.
 * @ret: how it completed; sense data is copied from @ret_req's buffer.
 *
 * Return: 0; -EAGAIN if nothing has completed; -EIO on a short read; -EBADMSG if the
 * header carries no request pointer; -errno.
 */
int mp_sg_reap(int fd, struct mp_sg_request **ret_req, struct mp_sg_result *ret);

/**
 * mp_sg_dev_for_block() - the sg device of a SCSI block device.
 * @sysfs_root: the sysfs root; NULL means mp_sysfs_root().
 * @blockname: e.g. "sdc".
 * @buf: receives e.g. "sg3" (the name under /dev).
 * @len: size of @buf.
 *
 * Looks in <sysfs>/block/<blockname>/device/scsi_generic/.
 *
 * Return: the name length; -EINVAL for a name with '/' or a dot name; -ENOENT when the
 * device has no sg node; -ENOBUFS; -errno from opendir().
 */
int mp_sg_dev_for_block(const char *sysfs_root, const char *blockname, char *buf, size_t len);
