/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transport timeouts from multipath.conf, as multipath-tools applies them: fast_io_fail_tmo and
 * dev_loss_tmo on a Fibre Channel remote port, fast_io_fail_tmo as an iSCSI session's
 * recovery_tmo (how long I/O waits for a lost session before it fails over), eh_deadline on
 * the SCSI host. The sysfs writes run on a devio worker.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "devio.h"
#include "log.h"
#include "map.h"
#include "path.h"
#include "path_tmo.h"
#include "sysfs.h"
#include "util.h"

#define DEV_LOSS_MAX	2147483647LL	/* what the FC transport takes for "never" */

/* What to write; -1 leaves an attribute alone. */
struct tmo_req {
	struct devio_req io;
	char dev[32];
	char session[16];
	int host;
	long long fast_io_fail, dev_loss, eh_deadline;	/* MP_TMO_OFF: "off" */
	int result;
	char what[160];		/* what was written, for the log */
};

static void tmo_value(long long v, char *buf, size_t len)
{
	if (v == MP_TMO_OFF)
		snprintf(buf, len, "off");
	else
		snprintf(buf, len, "%lld", v);
}

/* The "rport-H:B-R" component of the SCSI device's path, or "" when not FC. */
static void rport_of(const char *dev, char *buf, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX];
	const char *s;

	buf[0] = '\0';
	if (mp_sysfs_path(path, sizeof(path), "block/%s/device", dev) < 0 || !realpath(path, real))
		return;
	s = strstr(real, "/rport-");
	if (s)
		snprintf(buf, len, "%.*s", (int)strcspn(s + 1, "/"), s + 1);
}

static int attr_write(struct tmo_req *req, const char *rel, long long v)
{
	char value[24], have[24];
	size_t used = strlen(req->what);

	tmo_value(v, value, sizeof(value));
	if (mp_sysfs_read_attr(rel, have, sizeof(have)) >= 0 && streq(have, value))
		return 0;
	snprintf(req->what + used, sizeof(req->what) - used, "%s%s=%s", used ? ", " : "",
		 strrchr(rel, '/') + 1, value);
	return mp_sysfs_write_attr(rel, value);
}

static void tmo_run(struct devio_req *io)
{
	struct tmo_req *req = container_of(io, struct tmo_req, io);
	char rport[64], rel[160];
	int r = 0;

	rport_of(req->dev, rport, sizeof(rport));
	if (rport[0]) {
		/* dev_loss_tmo first: the kernel refuses a fast_io_fail_tmo not below it */
		snprintf(rel, sizeof(rel), "class/fc_remote_ports/%s/dev_loss_tmo", rport);
		if (req->dev_loss >= 0)
			r = attr_write(req, rel, req->dev_loss);
		snprintf(rel, sizeof(rel), "class/fc_remote_ports/%s/fast_io_fail_tmo", rport);
		if (r >= 0 && req->fast_io_fail != -2)
			r = attr_write(req, rel, req->fast_io_fail);
	} else if (req->session[0] && req->fast_io_fail >= 0) {
		snprintf(rel, sizeof(rel), "class/iscsi_session/%s/recovery_tmo", req->session);
		r = attr_write(req, rel, req->fast_io_fail);
	}
	if (r >= 0 && req->eh_deadline != -2 && req->host >= 0) {
		snprintf(rel, sizeof(rel), "class/scsi_host/host%d/eh_deadline", req->host);
		r = attr_write(req, rel, req->eh_deadline);
	}
	req->result = r;
}

static void tmo_done(struct devio_req *io)
{
	struct tmo_req *req = container_of(io, struct tmo_req, io);

	if (req->result < 0)
		log_warn_errno(req->result, "%s: setting transport timeouts failed (%s)", req->dev, req->what);
	else if (req->what[0])
		log_info("%s: transport timeouts: %s", req->dev, req->what);
	free(req);
}

/* A setting's value, or @unset when no level sets it. */
static long long setting_num(const struct mp_map_settings *s, enum mp_key k, long long unset)
{
	return s->key[k].set ? s->key[k].num : unset;
}

/*
 * As multipath-tools: dev_loss_tmo is raised to cover no_path_retry (a queueing map must not
 * lose its remote ports first), and a fast_io_fail_tmo not below dev_loss_tmo is turned off.
 */
static void tmo_adjust(struct daemon *d, const struct mp_map_settings *s, long long *fast, long long *loss)
{
	long long npr = setting_num(s, MP_KEY_NO_PATH_RETRY, MP_NO_PATH_RETRY_FAIL);
	long long min_loss = 0;

	if (npr > 0)
		min_loss = npr * (long long)(d->polling_usec / 1000000);
	else if (npr == MP_NO_PATH_RETRY_QUEUE)
		min_loss = DEV_LOSS_MAX;
	if (*loss == MP_DEV_LOSS_TMO_INFINITY)
		*loss = DEV_LOSS_MAX;
	if (*loss >= 0 && *loss < min_loss)
		*loss = min_loss;
	if (*loss >= 0 && *fast > 0 && *fast >= *loss)
		*fast = MP_TMO_OFF;
}

void path_apply_timeouts(struct daemon *d, struct path *p, const struct mp_map_settings *s)
{
	struct tmo_req *req;
	long long fast = setting_num(s, MP_KEY_FAST_IO_FAIL_TMO, -2);
	long long loss = setting_num(s, MP_KEY_DEV_LOSS_TMO, -2);
	long long eh = setting_num(s, MP_KEY_EH_DEADLINE, -2);
	char key[64];

	tmo_adjust(d, s, &fast, &loss);

	/* only what changed since the last time, so a reconfigure touches nothing else */
	snprintf(key, sizeof(key), "%lld/%lld/%lld", fast, loss, eh);
	if (streq(p->tmo_applied, key))
		return;
	snprintf(p->tmo_applied, sizeof(p->tmo_applied), "%s", key);
	req = calloc(1, sizeof(*req));
	if (!req)
		return;
	snprintf(req->dev, sizeof(req->dev), "%s", p->info.dev);
	snprintf(req->session, sizeof(req->session), "%s", p->info.iscsi_session);
	req->host = p->host;
	req->fast_io_fail = fast;
	req->dev_loss = loss;
	req->eh_deadline = eh;
	req->io.run = tmo_run;
	req->io.done = tmo_done;
	req->io.host = p->host;
	devio_submit(d, &req->io);
}
