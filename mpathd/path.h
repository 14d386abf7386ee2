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
struct checker_req;

/** struct path - one SCSI block device that can be a path of a map. */
struct path {
	struct mp_topo_path info;	/* identity and published state */
	dev_t devt;
	struct mpmap *map;		/* NULL while unclaimed */
	bool gone;			/* removed by udev; freed once the map no longer uses it */
	unsigned long long seqnum;	/* the uevent it was found by (0 at start): an older remove is stale */

	char sg[16];			/* its sg device, "sg3"; "" when it has none */
	char vpd_wwid[128];		/* the WWID its VPD page 0x83 gave at discovery, for rechecks */
	int host;			/* SCSI host number, for the per-host devio limit */
	char tmo_applied[64];		/* the transport timeouts last written (path_tmo.c) */

	/* priority (path_prio.c): the prioritizer chosen, TPGS as ALUA detection found it */
	char prio_name[24];
	bool prio_known;
	int tpgs;			/* enum mp_tpgs; MP_TPGS_UNDEF until known */
	char dh_state[16];		/* the device handler the kernel attached ("alua"...) */

	/* checker: one test in flight at most (checker.c) */
	struct daemon *daemon;
	const struct checker_ops *checker;	/* NULL: not checked (path_checker none, or no device) */
	enum mp_checker checker_kind;
	struct checker_req *check_req;	/* the test in flight, on a devio worker */
	bool checker_started;		/* a map claimed it: it is tested (checker_claimed()) */
	sd_event_source *timer;		/* next test, or the timeout of the running one */
	bool check_running;
	uint64_t check_started_usec;
	uint64_t recheck_fast_until;	/* failed: re-test every 20 ms until then (transport back) */
	unsigned consecutive_failures;

	/* iSCSI (iscsi_events.c): the connection reported an error and has not logged in since */
	bool transport_down;
	/* its NIC lost carrier and has not got it back (events.c) */
	bool link_down;

	bool selector_usable;		/* the usability its map's selector last heard of */
};

/*
 * Read @dev's facts on a devio worker; when they come back the path is added (or, for a
 * known path, its state refreshed and its WWID re-checked). 0 or -ENOMEM.
 */
enum discover_how {
	DISCOVER_UDEV,		/* udev's event, or the enumeration at start */
	DISCOVER_EARLY,		/* the kernel's event: may only join an existing map (paths.c) */
	DISCOVER_BY_ADMIN,	/* `mpath add path` */
};
int path_discover(struct daemon *d, struct udev_device *dev, enum discover_how how);
struct path *daemon_find_path(struct daemon *d, const char *dev);
int daemon_add_path(struct daemon *d, struct path *p);
void daemon_remove_path(struct daemon *d, struct path *p);
void path_free(struct path *p);
/* Out of its map and the path table, freed. */
void path_remove(struct daemon *d, struct path *p);
/*
 * Another LUN answers at @p's address: @p is failed at once and dropped, and the device is
 * offered again as a new path with @now (its facts and new WWID) and @vpd_wwid.
 */
void path_wwid_changed(struct daemon *d, struct path *p, const struct mp_topo_path *now,
		       const char *vpd_wwid);
bool path_is_usable(const struct path *p);
/* The WWID VPD page 0x83 gives, as scsi_id builds it, into @buf; 0 or -ENODATA. */
int path_vpd_wwid(const uint8_t *page, size_t len, char *buf, size_t buf_len);
/* The settings @p's identity selects under @cfg (as for a map of its WWID); 0 or -errno. */
int path_settings_resolve(const struct mp_config *cfg, const struct path *p, struct mp_map_settings *ret);
