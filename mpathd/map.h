/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Maps: one multipath map per WWID, its paths, its table as loaded, and how changes reach the kernel. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "config.h"
#include "shared_text.h"
#include "topology.h"

struct daemon;
struct path;

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
