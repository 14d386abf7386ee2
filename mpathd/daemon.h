/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's state, owned by the event loop thread; other threads see only snapshots. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

struct mp_config;
struct shared_text;
struct path;
struct mpmap;
struct udev;
struct udev_monitor;
struct mp_bindings;
struct mp_wwids;
struct work_pool;
struct ipc_server;
struct directio_ctx;

struct daemon {
	sd_event *event;
	struct mp_config *config;
	char *config_file;
	char *config_dir;
	struct shared_text *config_text;	/* the effective config as printed, for snapshots */

	struct path **paths;
	size_t nr_paths;
	struct mpmap **maps;
	size_t nr_maps;

	struct mp_bindings *bindings;
	struct mp_wwids *wwids;

	struct udev *udev;
	struct udev_monitor *monitor;
	sd_event_source *monitor_source;
	int dm_poll_fd;
	sd_event_source *dm_poll_source;
	int rtnl_fd;
	sd_event_source *rtnl_source;
	int iscsi_fd;				/* NETLINK_ISCSI events, opened with the first iSCSI path */
	sd_event_source *iscsi_source;
	sd_event_source *iscsi_watch;		/* reads the state of sessions that reported errors */
	bool iscsi_unavailable;			/* opening it failed once; not retried */
	struct directio_ctx *directio;		/* the directio checker's AIO context, on first use */

	sd_event_source *publish_source;	/* deferred snapshot publication */
	uint64_t generation;
	bool startup_done;

	struct work_pool *jobs;		/* dm work (dmjobs.c) */
	struct ipc_server *ipc;

	/* settings resolved once from the defaults */
	uint64_t polling_usec;
	uint64_t checker_timeout_usec;
	uint64_t failed_poll_usec;		/* how often a failed path is re-tested */
};

void daemon_notify_status(struct daemon *d);
void daemon_request_exit(struct daemon *d);
