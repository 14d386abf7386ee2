/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Event sources: udev block events, dm events through DM_DEV_ARM_POLL, and rtnetlink links. */
#include <errno.h>
#include <fnmatch.h>
#include <libudev.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "dm.h"
#include "iscsi_manager.h"
#include "log.h"
#include "util.h"

static bool is_path_candidate(struct udev_device *dev)
{
	const char *name = udev_device_get_sysname(dev);
	const char *type = udev_device_get_devtype(dev);

	return name && type && streq(type, "disk") && fnmatch("sd*", name, 0) == 0;
}

static void handle_add(struct daemon *d, struct udev_device *dev)
{
	struct path *p = daemon_find_path(d, udev_device_get_sysname(dev));
	int r;

	if (p)
		return;
	r = path_new_from_udev(d, dev, &p);
	if (r < 0) {
		log_debug_errno(r, "%s: not a usable path", udev_device_get_sysname(dev));
		return;
	}
	if (daemon_add_path(d, p) < 0) {
		path_free(p);
		return;
	}
	log_info("%s: new path %s wwid %s", p->info.dev, p->info.hctl, p->info.wwid);
	if (streq(p->info.transport, "iscsi"))
		iscsi_events_start(d);	/* before the first test, so no error goes unheard */
	checker_start(d, p);
	maps_path_added(d, p);
	daemon_publish_later(d);
}

static void handle_remove(struct daemon *d, struct udev_device *dev)
{
	struct path *p = daemon_find_path(d, udev_device_get_sysname(dev));

	if (!p)
		return;
	log_info("%s: path removed", p->info.dev);
	p->gone = true;
	checker_stop(p);
	maps_path_removed(d, p);
	daemon_remove_path(d, p);
	path_free(p);
	daemon_publish_later(d);
}

static void handle_change(struct daemon *d, struct udev_device *dev)
{
	struct path *p = daemon_find_path(d, udev_device_get_sysname(dev));

	if (!p) {
		handle_add(d, dev);
		return;
	}
	path_refresh_state(p);
	checker_kick(d, p);
}

static int on_udev(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	struct udev_device *dev;

	while ((dev = udev_monitor_receive_device(d->monitor))) {
		const char *action = udev_device_get_action(dev);

		if (action && is_path_candidate(dev)) {
			if (streq(action, "add"))
				handle_add(d, dev);
			else if (streq(action, "remove"))
				handle_remove(d, dev);
			else if (streq(action, "change"))
				handle_change(d, dev);
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
			handle_add(d, dev);
		udev_device_unref(dev);
	}
	udev_enumerate_unref(e);
	return 0;
}

/* Any dm event (a path failed by the kernel, a table change): re-read the status of maps. */
static int on_dm_event(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;

	mp_dm_arm_poll(fd);
	maps_all_status(d);
	return 0;
}

/* A link that comes up may bring paths back: test its failed paths at once. One that lost its
 * carrier fails the iSCSI paths bound to it at once (iscsi_link_message()). */
static int on_rtnl(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	char buf[8192];
	ssize_t n;
	bool up = false;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			struct ifinfomsg *ifi = NLMSG_DATA(h);

			iscsi_link_message(d, h);
			if (h->nlmsg_type == RTM_NEWLINK && (ifi->ifi_flags & IFF_RUNNING))
				up = true;
		}
	}
	if (!up)
		return 0;
	for (size_t i = 0; i < d->nr_paths; i++)
		if (d->paths[i]->info.checker_state != MP_CHK_READY)
			checker_kick(d, d->paths[i]);
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

int events_start(struct daemon *d)
{
	sd_event_source *tick;
	int r;

	d->monitor = udev_monitor_new_from_netlink(d->udev, "udev");
	if (!d->monitor)
		return -ENOMEM;
	udev_monitor_filter_add_match_subsystem_devtype(d->monitor, "block", "disk");
	udev_monitor_set_receive_buffer_size(d->monitor, 128 * 1024 * 1024);
	r = udev_monitor_enable_receiving(d->monitor);
	if (r < 0)
		return log_err_errno(r, "udev monitor");
	r = sd_event_add_io(d->event, &d->monitor_source, udev_monitor_get_fd(d->monitor), EPOLLIN, on_udev, d);
	if (r < 0)
		return r;

	r = mp_dm_arm_poll_open(&d->dm_poll_fd);
	if (r < 0)
		log_warn_errno(r, "DM_DEV_ARM_POLL unavailable; kernel path failures are seen by the checkers only");
	else if ((r = sd_event_add_io(d->event, &d->dm_poll_source, d->dm_poll_fd, EPOLLIN, on_dm_event, d)) < 0)
		return r;

	d->rtnl_fd = rtnl_open();
	if (d->rtnl_fd >= 0)
		sd_event_add_io(d->event, &d->rtnl_source, d->rtnl_fd, EPOLLIN, on_rtnl, d);

	r = sd_event_add_time_relative(d->event, &tick, CLOCK_MONOTONIC, d->polling_usec, 100000, on_tick, d);
	if (r < 0)
		return r;
	sd_event_source_set_enabled(tick, SD_EVENT_ON);
	sd_event_source_set_floating(tick, true);
	sd_event_source_unref(tick);
	return 0;
}

void events_stop(struct daemon *d)
{
	d->monitor_source = sd_event_source_disable_unref(d->monitor_source);
	d->dm_poll_source = sd_event_source_disable_unref(d->dm_poll_source);
	d->rtnl_source = sd_event_source_disable_unref(d->rtnl_source);
	iscsi_events_stop(d);
	udev_monitor_unref(d->monitor);
	d->monitor = NULL;
	if (d->dm_poll_fd >= 0)
		close(d->dm_poll_fd);
	if (d->rtnl_fd >= 0)
		close(d->rtnl_fd);
}
