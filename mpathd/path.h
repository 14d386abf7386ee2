/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths: one SCSI block device that can be a path of a map, built from udev and sysfs, and the path table. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>
#include "config.h"
#include "sgio.h"
#include "topology.h"

struct daemon;
struct mpmap;
struct udev_device;
struct checker_ops;
struct directio_req;

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

int path_new_from_udev(struct daemon *d, struct udev_device *dev, struct path **ret);
struct path *daemon_find_path(struct daemon *d, const char *dev);
int daemon_add_path(struct daemon *d, struct path *p);
void daemon_remove_path(struct daemon *d, struct path *p);
void path_free(struct path *p);
void path_refresh_state(struct path *p);
bool path_is_usable(const struct path *p);
/* The settings @p's identity selects under @cfg (as for a map of its WWID); 0 or -errno. */
int path_settings_resolve(const struct mp_config *cfg, const struct path *p, struct mp_map_settings *ret);
