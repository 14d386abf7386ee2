/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Issuing SCSI commands: blocking SG_IO for workers, and the sg driver's write/poll/read for the loop. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <scsi/sg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"
#include "sgio.h"
#include "sysfs.h"
#include "util.h"

/* The sg v3 interface (struct sg_io_hdr) appeared in sg driver 3.0.0. */
#define SG_V3_VERSION 30000

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static int sg_direction(enum mp_sg_dir dir, size_t len)
{
	if (len == 0)
		return SG_DXFER_NONE;
	switch (dir) {
	case MP_SG_DIR_FROM_DEV:
		return SG_DXFER_FROM_DEV;
	case MP_SG_DIR_TO_DEV:
		return SG_DXFER_TO_DEV;
	default:
		return -EINVAL;
	}
}

static int sg_hdr_init(struct sg_io_hdr *h, const uint8_t *cdb, size_t cdb_len, void *buf,
		       size_t len, enum mp_sg_dir dir, unsigned timeout_ms, uint8_t *sense)
{
	int direction = sg_direction(dir, len);

	if (direction == -EINVAL || !cdb || cdb_len < 6 || cdb_len > MP_CDB_MAX ||
	    len > UINT_MAX || (len > 0 && !buf))
		return -EINVAL;
	*h = (struct sg_io_hdr) {
		.interface_id = 'S',
		.dxfer_direction = direction,
		.cmd_len = (unsigned char)cdb_len,
		.mx_sb_len = MP_SENSE_MAX,
		.dxfer_len = (unsigned)len,
		.dxferp = buf,
		.cmdp = (unsigned char *)cdb,
		.sbp = sense,
		.timeout = timeout_ms,
	};
	return 0;
}

static void sg_result_from_hdr(const struct sg_io_hdr *h, const uint8_t *sense,
			       struct mp_sg_result *ret)
{
	*ret = (struct mp_sg_result) {
		.status = h->status,
		.host_status = h->host_status,
		.driver_status = h->driver_status,
		.resid = h->resid,
		.duration_ms = h->duration,
		.sense_len = h->sb_len_wr > MP_SENSE_MAX ? MP_SENSE_MAX : h->sb_len_wr,
	};
	memcpy(ret->sense, sense, ret->sense_len);
}

int mp_sg_io(int fd, const uint8_t *cdb, size_t cdb_len, void *buf, size_t len,
	     enum mp_sg_dir dir, unsigned timeout_ms, struct mp_sg_result *ret)
{
	uint8_t sense[MP_SENSE_MAX] = {};
	struct sg_io_hdr h;
	int r;

	r = sg_hdr_init(&h, cdb, cdb_len, buf, len, dir, timeout_ms, sense);
	if (r < 0)
		return r;
	if (ioctl(fd, SG_IO, &h) < 0) {
		r = -errno;
		return log_debug_errno(r, "SG_IO (opcode 0x%02x) failed", cdb[0]);
	}
	sg_result_from_hdr(&h, sense, ret);
	return 0;
}

int mp_sg_open(const char *path)
{
	_cleanup_close_ int fd = -1;
	int version;

	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SG_GET_VERSION_NUM, &version) < 0 || version < SG_V3_VERSION)
		return -ENOTTY;
	return TAKE_FD(fd);
}

int mp_sg_submit(int fd, struct mp_sg_request *req)
{
	struct sg_io_hdr h;
	ssize_t n;
	int r;

	r = sg_hdr_init(&h, req->cdb.bytes, req->cdb.len, req->buf, req->len, req->dir,
			req->timeout_ms, req->sense);
	if (r < 0)
		return r;
	h.pack_id = req->pack_id;
	h.usr_ptr = req;
	do
		n = write(fd, &h, sizeof(h));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(h) ? 0 : -EIO;
}

int mp_sg_reap(int fd, struct mp_sg_request **ret_req, struct mp_sg_result *ret)
{
	struct mp_sg_request *req;
	struct sg_io_hdr h = {};
	ssize_t n;

	do
		n = read(fd, &h, sizeof(h));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != sizeof(h))
		return -EIO;
	req = h.usr_ptr;
	if (!req)
		return -EBADMSG;
	sg_result_from_hdr(&h, req->sense, ret);
	*ret_req = req;
	return 0;
}

static bool blockname_valid(const char *name)
{
	return name && name[0] != '\0' && name[0] != '.' && !strchr(name, '/');
}

int mp_sg_dev_for_block(const char *sysfs_root, const char *blockname, char *buf, size_t len)
{
	_cleanup_(closedirp) DIR *dir = NULL;
	char path[PATH_MAX];
	struct dirent *de;
	int r;

	if (!blockname_valid(blockname))
		return -EINVAL;
	r = mp_sysfs_path_at(sysfs_root, path, sizeof(path), "block/%s/device/scsi_generic",
			     blockname);
	if (r < 0)
		return r;
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		if (n + 1 > len)
			return -ENOBUFS;
		memcpy(buf, de->d_name, n + 1);
		return (int)n;
	}
	return -ENOENT;
}
