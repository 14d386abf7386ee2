/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Event sources: udev block events (and the kernel's own "add", so a returning path of a known
 * map joins it before udev's rules are done: paths.c), dm events through DM_DEV_ARM_POLL, and
 * rtnetlink link state.
 */
#include <errno.h>
#include <fnmatch.h>
#include <libudev.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checker.h"
#include "daemon.h"
#include "dm.h"
#include "events.h"
#include "iscsi_events.h"
#include "log.h"
#include "map.h"
#include "path.h"
#include "snapshot.h"
#include "util.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000	/* <linux/if.h>, which clashes with <net/if.h> */
#endif

/* After a NIC's carrier returns, its failed paths are re-tested every 20 ms for this long. */
#define LINK_UP_RECHECK_USEC	3000000ULL

static bool is_path_candidate(struct udev_device *dev)
{
	const char *name = udev_device_get_sysname(dev);
	const char *type = udev_device_get_devtype(dev);

	return name && type && streq(type, "disk") && fnmatch("sd*", name, 0) == 0;
}

/* The kernel's remove comes first; udev's, later, may then name a new disk with the same name,
 * found since (a remove older than the path's own event is stale). */
static void handle_remove(struct daemon *d, struct udev_device *dev)
{
	struct path *p = daemon_find_path(d, udev_device_get_sysname(dev));

	if (!p || (p->seqnum && udev_device_get_seqnum(dev) < p->seqnum))
		return;
	log_info("%s: path removed", p->info.dev);
	path_remove(d, p);
}

static int on_udev(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	struct udev_device *dev;

	while ((dev = udev_monitor_receive_device(d->monitor))) {
		const char *action = udev_device_get_action(dev);

		if (action && is_path_candidate(dev)) {
			/* add and change both read the device's facts again, off the loop */
			if (streq(action, "add") || streq(action, "change"))
				path_discover(d, dev, DISCOVER_UDEV);
			else if (streq(action, "remove"))
				handle_remove(d, dev);
		}
		udev_device_unref(dev);
	}
	return 0;
}

/* The kernel's own events: the "add" of a disk not known yet may join an existing map now
 * (paths.c); a "remove" takes the path out at once, so no table is loaded with a device the
 * kernel no longer has while udev catches up. */
static int on_kernel_uevent(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	struct udev_device *dev;

	while ((dev = udev_monitor_receive_device(d->kernel_monitor))) {
		const char *action = udev_device_get_action(dev);

		if (action && is_path_candidate(dev)) {
			if (streq(action, "add") && !daemon_find_path(d, udev_device_get_sysname(dev)))
				path_discover(d, dev, DISCOVER_EARLY);
			else if (streq(action, "remove"))
				handle_remove(d, dev);
		}
		udev_device_unref(dev);
	}
	return 0;
}

int daemon_enumerate(struct daemon *d)
{
	struct udev_enumerate *e = udev_enumerate_new(d->udev);
	struct udev_list_entry *it;

	if (!e)
		return -ENOMEM;
	udev_enumerate_add_match_subsystem(e, "block");
	udev_enumerate_add_match_sysname(e, "sd*");
	udev_enumerate_scan_devices(e);
	udev_list_entry_foreach(it, udev_enumerate_get_list_entry(e)) {
		struct udev_device *dev = udev_device_new_from_syspath(d->udev, udev_list_entry_get_name(it));

		if (dev && is_path_candidate(dev))
			path_discover(d, dev, DISCOVER_UDEV);
		udev_device_unref(dev);
	}
	udev_enumerate_unref(e);
	if (d->discoveries == 0)
		daemon_discovery_settled(d);
	return 0;
}

/* Any dm event (a path failed by the kernel, a table change): re-read the status of maps. */
static int on_dm_event(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	int r = mp_dm_arm_poll(fd);

	if (r < 0) {
		/* a poll that cannot be re-armed would wake the loop forever: stop listening */
		log_err_errno(r, "re-arming dm event polling failed; kernel path failures are seen by the checkers only");
		d->dm_poll_source = sd_event_source_disable_unref(d->dm_poll_source);
	}
	maps_all_status(d);
	return 0;
}

/* ---- links: carrier lost fails the paths on that NIC at once; carrier back re-tests them ---- */

static void link_changed(struct daemon *d, const char *ifname, bool up)
{
	unsigned n = 0;

	for (size_t i = 0; i < d->nr_paths; i++) {
		struct path *p = d->paths[i];

		if (up) {
			if (p->info.checker_state != MP_CHK_READY)
				checker_kick(d, p);
			if (p->link_down && streq(p->info.iscsi_netdev, ifname)) {
				p->link_down = false;
				checker_recheck_soon(d, p, LINK_UP_RECHECK_USEC);
				n++;
			}
			continue;
		}
		if (!ifname[0] || !streq(p->info.iscsi_netdev, ifname) || p->link_down)
			continue;
		p->link_down = true;
		checker_path_state_changed(d, p, MP_CHK_FAULTY);
		n++;
	}
	if (n && !up)
		log_warn("%s: carrier lost: %u path%s failed", ifname, n, n == 1 ? "" : "s");
	else if (n)
		log_info("%s: carrier back: re-testing %u path%s", ifname, n, n == 1 ? "" : "s");
}

/* The link's name and carrier from an RTM_NEWLINK message. */
static bool link_parse(struct nlmsghdr *h, char *ifname, size_t len, bool *ret_up)
{
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	int alen = (int)IFLA_PAYLOAD(h);

	ifname[0] = '\0';
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen))
		if (a->rta_type == IFLA_IFNAME)
			snprintf(ifname, len, "%.*s", (int)RTA_PAYLOAD(a), (char *)RTA_DATA(a));
	if (!ifname[0] && !if_indextoname(ifi->ifi_index, ifname))
		return false;
	*ret_up = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_LOWER_UP) && (ifi->ifi_flags & IFF_RUNNING);
	return true;
}

static int on_rtnl(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	char buf[16384] __attribute__((aligned(8)));
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			char ifname[IF_NAMESIZE + 1];
			bool up;

			if ((h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK) &&
			    link_parse(h, ifname, sizeof(ifname), &up))
				link_changed(d, ifname, up && h->nlmsg_type == RTM_NEWLINK);
		}
	}
	if (n < 0 && errno == ENOBUFS) {
		log_warn("link events were lost; re-testing every path that is not ready");
		link_changed(d, "", true);
	}
	return 0;
}

static int rtnl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;

	maps_tick(d);
	sd_event_source_set_time(s, usec + d->polling_usec);
	return 0;
}

static int monitor_open(struct daemon *d, const char *source, struct udev_monitor **ret_mon,
			sd_event_source **ret_src, sd_event_io_handler_t handler)
{
	struct udev_monitor *mon = udev_monitor_new_from_netlink(d->udev, source);
	int r;

	if (!mon)
		return -ENOMEM;
	*ret_mon = mon;
	udev_monitor_filter_add_match_subsystem_devtype(mon, "block", "disk");
	udev_monitor_set_receive_buffer_size(mon, 128 * 1024 * 1024);
	r = udev_monitor_enable_receiving(mon);
	if (r < 0)
		return r;
	return sd_event_add_io(d->event, ret_src, udev_monitor_get_fd(mon), EPOLLIN, handler, d);
}

static int udev_monitor_start(struct daemon *d)
{
	int r = monitor_open(d, "udev", &d->monitor, &d->monitor_source, on_udev);

	if (r < 0)
		return log_err_errno(r, "watching udev events");
	/* an accelerator only: without it, every disk waits for udev */
	r = monitor_open(d, "kernel", &d->kernel_monitor, &d->kernel_monitor_source, on_kernel_uevent);
	if (r < 0)
		log_warn_errno(r, "kernel uevents unavailable; a returning path waits for udev");
	return 0;
}

int events_start(struct daemon *d)
{
	sd_event_source *tick;
	int r;

	r = udev_monitor_start(d);
	if (r < 0)
		return r;
	r = mp_dm_arm_poll_open(&d->dm_poll_fd);
	if (r < 0)
		log_warn_errno(r, "DM_DEV_ARM_POLL unavailable; kernel path failures are seen by the checkers only");
	else if ((r = sd_event_add_io(d->event, &d->dm_poll_source, d->dm_poll_fd, EPOLLIN, on_dm_event, d)) < 0)
		return log_err_errno(r, "watching dm events");
	d->rtnl_fd = rtnl_open();
	if (d->rtnl_fd < 0)
		log_warn_errno(d->rtnl_fd, "link events unavailable; a lost carrier is seen at the iSCSI timeout");
	else if ((r = sd_event_add_io(d->event, &d->rtnl_source, d->rtnl_fd, EPOLLIN, on_rtnl, d)) < 0)
		return log_err_errno(r, "watching link events");
	r = sd_event_add_time_relative(d->event, &tick, CLOCK_MONOTONIC, d->polling_usec, 100000, on_tick, d);
	if (r < 0)
		return log_err_errno(r, "starting the polling timer");
	sd_event_source_set_enabled(tick, SD_EVENT_ON);
	sd_event_source_set_floating(tick, true);
	sd_event_source_unref(tick);
	return 0;
}

void events_stop(struct daemon *d)
{
	d->monitor_source = sd_event_source_disable_unref(d->monitor_source);
	d->kernel_monitor_source = sd_event_source_disable_unref(d->kernel_monitor_source);
	d->dm_poll_source = sd_event_source_disable_unref(d->dm_poll_source);
	d->rtnl_source = sd_event_source_disable_unref(d->rtnl_source);
	iscsi_events_stop(d);
	udev_monitor_unref(d->monitor);
	d->monitor = NULL;
	udev_monitor_unref(d->kernel_monitor);
	d->kernel_monitor = NULL;
	if (d->dm_poll_fd >= 0)
		close(d->dm_poll_fd);
	if (d->rtnl_fd >= 0)
		close(d->rtnl_fd);
}
