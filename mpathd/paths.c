/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Paths: discovered off the loop (their facts read from sysfs on a devio worker), identified by
 * WWID on the loop, and kept in the path table. A change event re-reads a path's facts and
 * re-checks its WWID: a path whose WWID changed leaves its map at once.
 *
 * A disk the kernel announced before udev has processed it (an "early" discovery) may only join
 * a map that already exists, by the WWID of its own VPD page 0x83: a returning path of a known
 * LUN serves as soon as the kernel has it, not after udev's rules (1-2 s per disk under load).
 * Anything else waits for udev's event, which then re-reads the facts as for a change.
 */
#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "checker.h"
#include "clock.h"
#include "daemon.h"
#include "devio.h"
#include "iscsi_events.h"
#include "log.h"
#include "map.h"
#include "path.h"
#include "path_facts.h"
#include "path_prio.h"
#include "prio.h"
#include "snapshot.h"
#include "util.h"
#include "vpd.h"
#include "words.h"

/* RTPG at discovery: an answer for the first table, but no long wait for a dead path. */
#define DISCOVERY_RTPG_TIMEOUT_MS	5000

/* A discovery in flight: what udev said, and what the worker read. */
struct discovery {
	struct devio_req io;
	char dev[32];
	char **props;			/* "NAME=value" udev properties, copied on the loop */
	bool by_admin;			/* `mpath add path` */
	bool early;			/* from the kernel's event, before udev's (see above) */
	unsigned long long seqnum;	/* the event's SEQNUM, 0 when enumerated */
	int result;
	struct mp_topo_path info;
	struct mp_path_facts facts;
	char vpd_wwid[128];
	struct prio_sample prio;
};

static void discovery_free(struct discovery *disc)
{
	mp_strv_free(disc->props);
	free(disc);
}

static const char *prop_get(char *const *props, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; props && props[i]; i++)
		if (strncmp(props[i], name, len) == 0 && props[i][len] == '=')
			return props[i] + len + 1;
	return NULL;
}

/*
 * The WWID as multipathd computes it: the udev property uid_attribute names (ID_SERIAL by
 * default), else VPD 0x83 the way scsi_id builds it. @ret_source says which.
 */
static int wwid_compute(struct daemon *d, const struct discovery *disc, struct mp_topo_path *info)
{
	struct mp_map_settings s;
	struct mp_path_ident id = { .vendor = info->vendor, .product = info->product,
				    .revision = info->revision };
	const char *attr = "ID_SERIAL", *v;

	if (mp_config_resolve(d->config, &id, &s) >= 0 && s.key[MP_KEY_UID_ATTRIBUTE].set)
		attr = s.key[MP_KEY_UID_ATTRIBUTE].text;
	if (attr && attr[0] && (v = prop_get(disc->props, attr)) && v[0]) {
		snprintf(info->wwid, sizeof(info->wwid), "%s", v);
		snprintf(info->wwid_source, sizeof(info->wwid_source), "udev %s", attr);
		return 0;
	}
	if (!disc->vpd_wwid[0])
		return -ENODATA;
	snprintf(info->wwid, sizeof(info->wwid), "%s", disc->vpd_wwid);
	snprintf(info->wwid_source, sizeof(info->wwid_source), "vpd83");
	return 0;
}

int path_vpd_wwid(const uint8_t *page, size_t len, char *buf, size_t buf_len)
{
	struct mp_vpd83 vpd = { 0 };
	int r;

	buf[0] = '\0';
	if (!len || mp_vpd83_parse(page, len, &vpd) < 0)
		return -ENODATA;
	r = mp_vpd83_wwid(&vpd, NULL, buf, buf_len);
	mp_vpd83_release(&vpd);
	return r < 0 || !buf[0] ? -ENODATA : 0;
}

static void discovery_run(struct devio_req *io)
{
	struct discovery *disc = container_of(io, struct discovery, io);

	disc->result = mp_path_read_facts(disc->dev, &disc->info, &disc->facts);
	if (disc->result < 0)
		return;
	path_vpd_wwid(disc->facts.vpd83, disc->facts.vpd83_len, disc->vpd_wwid, sizeof(disc->vpd_wwid));
	/* ALUA devices answer RTPG once here, so the first table has the right groups */
	prio_sample_read(disc->dev, disc->facts.sg, disc->info.tpg, disc->facts.alua.tpgs > 0,
			 DISCOVERY_RTPG_TIMEOUT_MS, &disc->prio);
}

static int path_new(const struct discovery *disc, struct path **ret)
{
	struct path *p = calloc(1, sizeof(*p));
	unsigned maj, min;

	if (!p)
		return -ENOMEM;
	p->info = disc->info;
	snprintf(p->sg, sizeof(p->sg), "%s", disc->facts.sg);
	snprintf(p->vpd_wwid, sizeof(p->vpd_wwid), "%s", disc->vpd_wwid);
	p->host = disc->facts.host;
	p->seqnum = disc->seqnum;
	if (sscanf(p->info.devt, "%u:%u", &maj, &min) == 2)
		p->devt = makedev(maj, min);
	p->info.checker_state = MP_CHK_UNCHECKED;
	p->info.last_change_usec = now_usec();
	p->tpgs = MP_TPGS_UNDEF;
	*ret = p;
	return 0;
}

static void path_added(struct daemon *d, struct path *p, bool by_admin)
{
	if (daemon_add_path(d, p) < 0) {
		path_free(p);
		return;
	}
	if (by_admin)
		log_notice("%s: added by the administrator, %s wwid %s", p->info.dev, p->info.hctl, p->info.wwid);
	else
		log_info("%s: new path %s wwid %s (from %s)", p->info.dev, p->info.hctl, p->info.wwid,
			 p->info.wwid_source);
	if (streq(p->info.transport, "iscsi"))
		iscsi_events_start(d);	/* before the first test, so no error goes unheard */
	/* only a path some map claims is tested (maps.c): blacklisted and single-path disks are left alone */
	maps_path_added(d, p);
	daemon_publish_later(d);
}

/* A known path changed: its state, and whether it is still the same LUN (recheck_wwid). */
static void path_changed(struct daemon *d, struct path *p, const struct discovery *disc)
{
	const struct mp_topo_path *now = &disc->info;
	bool vpd_changed = disc->vpd_wwid[0] && p->vpd_wwid[0] && !streq(disc->vpd_wwid, p->vpd_wwid);

	snprintf(p->info.dev_state, sizeof(p->info.dev_state), "%s", now->dev_state);
	if ((now->wwid[0] && !streq(now->wwid, p->info.wwid)) || vpd_changed) {
		log_err("%s: its WWID changed from %s to %s: another LUN answers at %s; "
			"it leaves map %s at once", p->info.dev, p->info.wwid,
			vpd_changed && streq(now->wwid, p->info.wwid) ? disc->vpd_wwid : now->wwid,
			p->info.hctl, p->map ? p->map->name : "(none)");
		if (vpd_changed && streq(now->wwid, p->info.wwid)) {
			/* udev's property is stale; the page the kernel re-read is not */
			struct mp_topo_path fresh = *now;

			snprintf(fresh.wwid, sizeof(fresh.wwid), "%s", disc->vpd_wwid);
			snprintf(fresh.wwid_source, sizeof(fresh.wwid_source), "vpd83");
			path_wwid_changed(d, p, &fresh, disc->vpd_wwid);
		} else {
			path_wwid_changed(d, p, now, disc->vpd_wwid);
		}
		return;
	}
	/* a path that joined on the kernel's event has its WWID confirmed by udev's */
	if (now->wwid[0])
		snprintf(p->info.wwid_source, sizeof(p->info.wwid_source), "%s", now->wwid_source);
	if (path_prio_update(d, p, &disc->prio) && p->map)
		map_schedule_reload(d, p->map);
	checker_kick(d, p);
}

/* An early discovery joins only an existing, managed map of its VPD WWID, as a new path. */
static bool early_may_join(struct daemon *d, const struct discovery *disc, const struct path *p)
{
	const struct mpmap *m;

	if (p || !disc->vpd_wwid[0] || !streq(disc->info.wwid, disc->vpd_wwid))
		return false;
	m = daemon_find_map(d, disc->vpd_wwid);
	return m && !m->unmanaged;
}

static void discovery_done(struct devio_req *io)
{
	struct discovery *disc = container_of(io, struct discovery, io);
	struct daemon *d = io->daemon;
	struct path *p = daemon_find_path(d, disc->dev);
	struct path *fresh = NULL;

	d->discoveries--;
	if (disc->result >= 0 && wwid_compute(d, disc, &disc->info) < 0)
		disc->result = -ENODATA;
	if (disc->result < 0)
		log_debug_errno(disc->result, "%s: not a usable path", disc->dev);
	else if (disc->early && !early_may_join(d, disc, p)) {
		if (!p)
			log_debug("%s: new disk, wwid %s: no map of it yet; waiting for udev", disc->dev,
				  disc->info.wwid);
	}
	else if (p && !p->gone)
		path_changed(d, p, disc);
	else if (!p && path_new(disc, &fresh) >= 0) {
		path_prio_update(d, fresh, &disc->prio);
		path_added(d, fresh, disc->by_admin);
	}
	discovery_free(disc);
	if (d->discoveries == 0)
		daemon_discovery_settled(d);
}

/* The SCSI host of a syspath ".../hostN/...", for the per-host limit; DEVIO_NO_HOST when none. */
static int syspath_host(const char *syspath)
{
	const char *s = syspath ? strstr(syspath, "/host") : NULL;
	unsigned host;

	return s && sscanf(s, "/host%u/", &host) == 1 ? (int)host : DEVIO_NO_HOST;
}

int path_discover(struct daemon *d, struct udev_device *dev, enum discover_how how)
{
	struct discovery *disc = calloc(1, sizeof(*disc));
	struct udev_list_entry *e;
	int r = 0;

	if (!disc)
		return -ENOMEM;
	snprintf(disc->dev, sizeof(disc->dev), "%s", udev_device_get_sysname(dev));
	udev_list_entry_foreach(e, udev_device_get_properties_list_entry(dev)) {
		_cleanup_free_ char *kv = NULL;

		if (asprintf(&kv, "%s=%s", udev_list_entry_get_name(e), udev_list_entry_get_value(e)) < 0 ||
		    mp_strv_push(&disc->props, kv) < 0) {
			r = -ENOMEM;
			break;
		}
	}
	if (r < 0) {
		discovery_free(disc);
		return r;
	}
	disc->by_admin = how == DISCOVER_BY_ADMIN;
	disc->early = how == DISCOVER_EARLY;
	disc->seqnum = udev_device_get_seqnum(dev);
	disc->io.run = discovery_run;
	disc->io.done = discovery_done;
	disc->io.host = syspath_host(udev_device_get_syspath(dev));
	d->discoveries++;
	devio_submit(d, &disc->io);
	return 0;
}

struct path *daemon_find_path(struct daemon *d, const char *dev)
{
	for (size_t i = 0; i < d->nr_paths; i++)
		if (streq(d->paths[i]->info.dev, dev) || streq(d->paths[i]->info.devt, dev))
			return d->paths[i];
	return NULL;
}

int daemon_add_path(struct daemon *d, struct path *p)
{
	struct path **n = realloc(d->paths, (d->nr_paths + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	d->paths = n;
	d->paths[d->nr_paths++] = p;
	return 0;
}

void daemon_remove_path(struct daemon *d, struct path *p)
{
	for (size_t i = 0; i < d->nr_paths; i++) {
		if (d->paths[i] != p)
			continue;
		memmove(&d->paths[i], &d->paths[i + 1], (d->nr_paths - i - 1) * sizeof(*d->paths));
		d->nr_paths--;
		return;
	}
}

void path_free(struct path *p)
{
	if (!p)
		return;
	checker_stop(p);
	free(p);
}

/* Gone from udev, or no longer the LUN it was: out of its map and the path table. */
void path_remove(struct daemon *d, struct path *p)
{
	p->gone = true;
	checker_stop(p);
	maps_path_removed(d, p);
	daemon_remove_path(d, p);
	path_free(p);
	daemon_publish_later(d);
}

/*
 * Another LUN answers at @p's address: fail it in the kernel at once (before the reload that
 * takes it out of its map can run), drop it, and offer the device to the map of its new WWID
 * as a path discovered afresh.
 */
void path_wwid_changed(struct daemon *d, struct path *p, const struct mp_topo_path *now,
		       const char *vpd_wwid)
{
	struct discovery disc = { .info = *now };
	struct path *fresh = NULL;

	snprintf(disc.vpd_wwid, sizeof(disc.vpd_wwid), "%s", vpd_wwid);
	snprintf(disc.facts.sg, sizeof(disc.facts.sg), "%s", p->sg);
	disc.facts.host = p->host;
	if (p->map)
		map_path_message(d, p, false);
	path_remove(d, p);
	if (path_new(&disc, &fresh) >= 0)
		path_added(d, fresh, false);
}

int path_settings_resolve(const struct mp_config *cfg, const struct path *p, struct mp_map_settings *ret)
{
	struct mp_path_ident id = {
		.wwid = p->info.wwid,
		.vendor = p->info.vendor,
		.product = p->info.product,
		.revision = p->info.revision,
		.protocol = streq(p->info.transport, "iscsi") ? "scsi:iscsi" : "scsi:unspec",
	};

	return mp_config_resolve(cfg, &id, ret);
}

bool path_is_usable(const struct path *p)
{
	return p->info.checker_state != MP_CHK_FAULTY && p->info.checker_state != MP_CHK_ADMIN_DOWN &&
	       !streq(p->info.dev_state, "offline") && !p->gone;
}
