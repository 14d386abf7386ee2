/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's state, owned by the event loop thread; other threads see only snapshots. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "config.h"
#include "sgio.h"
#include "shared_text.h"
#include "topology.h"

struct daemon;
struct mpmap;
struct udev;
struct udev_device;
struct udev_monitor;
struct mp_bindings;
struct mp_wwids;
struct dm_jobs;
struct ipc_server;
struct strbuf;
struct selector_verb_info;
struct checker_ops;
struct directio_req;
struct directio_ctx;

/** struct path - one SCSI block device that can be a path of a map. */
struct path {
	struct mp_topo_path info;	/* identity and published state */
	dev_t devt;
	struct mpmap *map;		/* NULL while unclaimed */
	bool gone;			/* removed by udev; freed once the map no longer uses it */

	/* checker: one test in flight at most (checker.c) */
	struct daemon *daemon;
	const struct checker_ops *checker;	/* NULL: not checked (path_checker none, or no device) */
	enum mp_checker checker_kind;
	int chk_fd;			/* tur: the sg device; directio: the block device, O_DIRECT */
	sd_event_source *chk_source;	/* tur: completions on chk_fd */
	struct directio_req *aio;	/* directio: the read and its buffer */
	struct mp_sg_request req;
	sd_event_source *timer;		/* next test, or the timeout of the running one */
	bool check_running;
	uint64_t check_started_usec;
	uint64_t recheck_fast_until;	/* failed: re-test every 20 ms until then (transport back) */
	unsigned consecutive_failures;

	/* iSCSI (iscsi_events.c): the connection reported an error and has not logged in since */
	bool transport_down;

	bool selector_usable;		/* the usability its map's selector last heard of */
};

/** struct mpmap - one multipath map, keyed by WWID. */
struct mpmap {
	char wwid[128];
	char name[128];			/* alias or WWID */
	char dm_name[16];		/* "dm-3", once known */
	struct mp_map_settings settings;
	struct path **paths;
	size_t nr_paths;
	bool exists;			/* the dm device exists */
	bool adopted;			/* found at start-up rather than created by us */
	bool removing;
	bool busy;			/* a dm job for this map is running */
	bool dirty;			/* the table must be rebuilt when the job ends */
	bool status_dirty;		/* the status must be re-read when the job ends */
	char *loaded_params;		/* the table we last loaded or found */
	uint64_t size_sectors;
	uint32_t event_nr;
	int open_count;
	int retries_left;		/* no_path_retry countdown while no path is usable */
	bool queueing_disabled;		/* we sent fail_if_no_path */
	uint64_t sync_hold_until;	/* a message failed: no state sync before this (µs) */
	char **pending_msgs;		/* messages waiting for the running job to end, in order */
	struct mp_topo_group *groups;	/* as loaded, with the last status read */
	size_t nr_groups;
	struct shared_text *settings_text;	/* mp_map_settings_print() of settings, for snapshots */
};

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

	struct dm_jobs *jobs;
	struct ipc_server *ipc;

	/* settings resolved once from the defaults */
	uint64_t polling_usec;
	uint64_t checker_timeout_usec;
	uint64_t failed_poll_usec;		/* how often a failed path is re-tested */
};

/* paths.c */
int path_new_from_udev(struct daemon *d, struct udev_device *dev, struct path **ret);
struct path *daemon_find_path(struct daemon *d, const char *dev);
int daemon_add_path(struct daemon *d, struct path *p);
void daemon_remove_path(struct daemon *d, struct path *p);
void path_free(struct path *p);
void path_refresh_state(struct path *p);
bool path_is_usable(const struct path *p);
/* The settings @p's identity selects under @cfg (as for a map of its WWID); 0 or -errno. */
int path_settings_resolve(const struct mp_config *cfg, const struct path *p, struct mp_map_settings *ret);

/* maps.c */
int maps_adopt_existing(struct daemon *d);
void maps_startup(struct daemon *d);	/* after enumeration: claim, resolve, load what differs */
void maps_tick(struct daemon *d);	/* every polling interval: no_path_retry countdown */
void maps_path_added(struct daemon *d, struct path *p);
void maps_path_removed(struct daemon *d, struct path *p);
void map_schedule_reload(struct daemon *d, struct mpmap *m);
void map_schedule_status(struct daemon *d, struct mpmap *m);
void maps_all_status(struct daemon *d);
int map_path_message(struct daemon *d, struct path *p, bool reinstate);
void map_check_queueing(struct daemon *d, struct mpmap *m);
struct mpmap *daemon_find_map(struct daemon *d, const char *name);
void map_free(struct mpmap *m);
int map_resize(struct daemon *d, struct mpmap *m);
/* Send a dm message to @m now, or after its running job; 0 or -errno. The selectors' sender. */
int map_send_message(struct daemon *d, struct mpmap *m, const char *msg);
/* @m's settings under @cfg (which need not be the running config yet); 0 or -errno. */
int map_settings_resolve(const struct mp_config *cfg, const struct mpmap *m, struct mp_map_settings *ret);
/* Make @s @m's settings and reprint them for snapshots. */
void map_settings_set(struct mpmap *m, const struct mp_map_settings *s);
/*
 * Send the messages a selector event returned (@r, @msgs; takes @msgs). True when the
 * selector asked for a reload instead (or a message could not be queued): the caller reloads.
 */
bool map_selector_send(struct daemon *d, struct mpmap *m, int r, char **msgs);

/* map_table.c */
/* The table @m's settings and selector ask for; 0 or -errno. */
int map_build_params(struct daemon *d, struct mpmap *m, char **ret);
/* Whether the kernel already has @params for @m (compared by meaning, not text). */
bool map_table_is_loaded(const struct mpmap *m, const char *params);
/* Record the loaded layout as topology groups, so snapshots can show it before any status. */
void map_groups_from_table(struct mpmap *m, const char *params);

/* reconfigure.c: loading the configuration at start and on reloads */
/* Load and check; @ret_diag receives every file:line message ("" for none). 0 or -errno. */
int daemon_config_load(const char *file, const char *dir, struct mp_config **ret, char **ret_diag);
/* At start: take @cfg as the running config. 0 or -ENOMEM. */
int daemon_config_set(struct daemon *d, struct mp_config *cfg);
/* SIGHUP and `reconfigure`: reload, or keep the running config on errors; *ret_summary says what happened. */
int daemon_reload_config(struct daemon *d, char **ret_summary);
/* Switch to @cfg (taken), reloading only maps whose settings or selector changed; report them in @out. */
int maps_reconfigure(struct daemon *d, struct mp_config *cfg, struct strbuf *out);

/* checker.c */
int checker_start(struct daemon *d, struct path *p);
void checker_stop(struct path *p);
void checker_kick(struct daemon *d, struct path *p);
/* Test @p now and, while it keeps failing, every 20 ms for @for_usec: its transport is back. */
void checker_recheck_soon(struct daemon *d, struct path *p, uint64_t for_usec);
void checker_path_state_changed(struct daemon *d, struct path *p, enum mp_checker_state st);
/* After a reload: restart @p's checker when its path_checker changed. */
void checker_config_changed(struct daemon *d, struct path *p);

/* iscsi_events.c: iSCSI connection errors and logins from the kernel (NETLINK_ISCSI) */
/* Listen, once the first iSCSI path appears; 0 or -errno (the checkers still cover it). */
int iscsi_events_start(struct daemon *d);
void iscsi_events_stop(struct daemon *d);
/* False while @p's iSCSI connection is down by the kernel's last word; true for other transports. */
bool path_transport_up(struct daemon *d, struct path *p);

/* events.c */
int events_start(struct daemon *d);
void events_stop(struct daemon *d);
int daemon_enumerate(struct daemon *d);

/* snapshot.c */
/** struct snapshot - what readers see: the topology and texts that only change on the loop. */
struct snapshot {
	struct mp_topology *topology;
	struct shared_text *config;		/* the effective config, printed */
	struct shared_text **map_settings;	/* per topology->maps entry; NULL when not resolved yet */
	struct selector_verb_info *verbs;	/* the loaded selector plugins' verbs */
	size_t nr_verbs;
};
void daemon_publish_later(struct daemon *d);
int daemon_publish_now(struct daemon *d);
const struct snapshot *snapshot_acquire(void);	/* caller holds rcu_read_lock; NULL before the first */
void snapshot_shutdown(void);

/* dmjobs.c: device-mapper calls that may block run on worker threads */
struct dm_job;
typedef int (*dm_job_work_t)(struct dm_job *job);
typedef void (*dm_job_done_t)(struct daemon *d, struct dm_job *job);
struct dm_job {
	dm_job_work_t work;		/* runs on a worker thread; touches only the job */
	dm_job_done_t done;		/* runs on the loop */
	char map_name[128];
	char wwid[128];
	char *params;			/* table params or message text */
	uint64_t size;
	bool create;
	int result;			/* -errno from work() */
	char *out_status;		/* status params read back */
	char *out_table;		/* table params read back */
	int out_open_count;
	uint32_t out_event_nr;
	uint64_t out_size;
	char out_dm_name[16];
	void *userdata;
	struct dm_job *next;
};
int dm_jobs_start(struct daemon *d, unsigned nr_workers);
void dm_jobs_stop(struct daemon *d);
int dm_job_submit(struct daemon *d, struct dm_job *job);
void dm_job_free(struct dm_job *job);

/* ipc_server.c */
int ipc_server_start(struct daemon *d, const char *path);
void ipc_server_stop(struct daemon *d);

/* commands.c: commands that change state run on the loop */
int commands_execute(struct daemon *d, char **argv, int argc, bool json, char **ret_body);
bool command_is_read_only(char **argv, int argc);
bool command_needs_root(char **argv, int argc);
int commands_render_read(char **argv, int argc, bool json, char **ret_body);

/* main.c */
void daemon_notify_status(struct daemon *d);
void daemon_request_exit(struct daemon *d);

uint64_t now_usec(void);
