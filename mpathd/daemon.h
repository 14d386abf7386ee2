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
struct devio;

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
	char **dm_names;			/* every dm device at start: names never handed out */
	char **created;				/* maps this mpathd created (they may be removed) */

	struct udev *udev;
	struct udev_monitor *monitor;
	sd_event_source *monitor_source;
	struct udev_monitor *kernel_monitor;	/* the kernel's own uevents (events.c) */
	sd_event_source *kernel_monitor_source;
	int dm_poll_fd;
	sd_event_source *dm_poll_source;
	int rtnl_fd;
	sd_event_source *rtnl_source;
	int iscsi_fd;				/* NETLINK_ISCSI events, opened with the first iSCSI path */
	sd_event_source *iscsi_source;
	sd_event_source *iscsi_watch;		/* reads the state of sessions that reported errors */
	bool iscsi_unavailable;			/* opening it failed once; not retried */
	struct devio *devio;			/* device and file I/O off the loop (devio.c) */

	unsigned discoveries;			/* paths whose facts are being read */
	sd_event_source *publish_source;	/* deferred snapshot publication */
	uint64_t generation;
	bool startup_done;			/* every path found at start is known; maps are built */
	bool stopping;				/* in teardown: queueing is what stop left it */
	bool log_level_fixed;			/* -v given: verbosity in the config does not change it */
	bool ready;				/* READY=1 sent: the first loads ran */
	sd_event_source *ready_timer;

	struct work_pool *jobs;		/* dm work (dmjobs.c) */
	struct ipc_server *ipc;

	/* settings resolved once from the defaults */
	uint64_t polling_usec;
	uint64_t checker_timeout_usec;
	uint64_t failed_poll_usec;		/* how often a failed path is re-tested */
};

void daemon_notify_status(struct daemon *d);
/* Every path discovery in flight has come back: at start-up, the maps can be built. */
void daemon_discovery_settled(struct daemon *d);
/* At start-up, after a map's job: READY=1 once no map has its first load pending. */
void daemon_check_ready(struct daemon *d);
void daemon_request_exit(struct daemon *d);
