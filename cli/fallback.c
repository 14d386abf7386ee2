/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mpath -ll without a daemon: read device-mapper and sysfs directly and print the same layout. */
#include <errno.h>
#include <string.h>

#include "dm.h"
#include "log.h"
#include "mpath.h"
#include "strbuf.h"
#include "topology_dm.h"
#include "topology_print.h"

/*
 * libdevmapper explains a failed ioctl in several lines of its own; the
 * one-line error below says the same, so only libmpath's warnings show.
 */
static void log_to_stderr(enum mp_log_level level, const char *file, int line, const char *func,
			  const char *msg, void *userdata)
{
	if (strcmp(func, "libdevmapper") != 0)
		fprintf(stderr, "mpath: %s\n", msg);
}

int mpath_fallback_topology(const struct mpath_request *req)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	_cleanup_topology_ struct mp_topology *t = NULL;
	int r;

	fprintf(stderr, "mpath: mpathd not running; showing device-mapper state\n");
	mp_log_set_hook(log_to_stderr, NULL);
	mp_log_set_level(MP_LOG_WARN);
	mp_dm_init();
	r = mp_topology_from_dm(&t);
	if (r < 0) {
		fprintf(stderr, "mpath: cannot read device-mapper state: %s\n", strerror(-r));
		return MPATH_EXIT_UNREACHABLE;
	}
	if (req->json)
		r = mp_topology_json_map_topology(t, req->map_filter, &out, true);
	else
		r = mp_topology_print_ll(t, req->map_filter, req->with_checker, &out);
	if (r == -ENOENT) {
		fprintf(stderr, "mpath: %s: no such multipath map\n", req->map_filter);
		return MPATH_EXIT_ERROR;
	}
	if (r < 0) {
		fprintf(stderr, "mpath: %s\n", strerror(-r));
		return MPATH_EXIT_ERROR;
	}
	fputs(strbuf_str(&out), stdout);
	return MPATH_EXIT_OK;
}
