/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A thin libdevmapper wrapper for multipath maps: list, inspect, create, reload, remove, message. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every function returns 0 (or a documented positive value) on success and
 * -errno on failure: the ioctl's own errno where libdevmapper reports one,
 * -ENXIO for a device that does not exist, -ENOMEM, -EIO otherwise. Output
 * parameters are written only on success.
 *
 * Blocking. These never wait for device I/O and are safe on the event loop:
 *   mp_dm_list_multipath, mp_dm_get_info, mp_dm_get_table, mp_dm_get_status,
 *   mp_dm_arm_poll_open, mp_dm_arm_poll.
 * These can block for as long as a map cannot complete I/O (a suspend has
 * to wait for in-flight I/O, and a map queueing with no usable path holds
 * that I/O forever) or as long as udev takes to process the event (the
 * udev cookie wait, which itself can stall behind blkid on a queueing map):
 *   mp_dm_create, mp_dm_create_targets, mp_dm_reload, mp_dm_remove,
 *   mp_dm_suspend, mp_dm_resume, mp_dm_message.
 * Run them on a worker thread. Suspends and resumes here never flush
 * queued I/O (no_flush) and skip the filesystem freeze (skip_lockfs), as
 * multipath-tools does, so they do not wait on the queue itself.
 *
 * Threads: libdevmapper keeps process-wide state (the node-operation list
 * and udev cookie semaphores) that is not safe for concurrent use. The
 * caller serialises calls that take a udev cookie (create, reload, resume,
 * remove), e.g. on one dm worker.
 *
 * Map UUIDs: "mpath-<WWID>" (MP_DM_UUID_PREFIX), as multipath-tools names
 * them, so mpathd adopts the maps it finds.
 */

#define MP_DM_UUID_PREFIX "mpath-"
#define MP_DM_TARGET_MULTIPATH "multipath"

/** struct mp_dm_info - what DM_DEV_STATUS reports about one device. */
struct mp_dm_info {
	bool exists;
	bool suspended;
	bool read_only;
	bool live_table;
	bool inactive_table;
	bool deferred_remove;		/* a deferred remove is pending */
	int open_count;
	unsigned major, minor;
	uint32_t event_nr;		/* bumped by every dm event of this device */
	int target_count;
	char uuid[129];			/* DM_UUID_LEN; "" when none */
};

/** struct mp_dm_target - one target line of a table. */
struct mp_dm_target {
	uint64_t start;			/* in 512-byte sectors */
	uint64_t length;		/* in 512-byte sectors */
	const char *type;		/* "multipath", "switch", "linear", ... */
	const char *params;
};

/**
 * mp_dm_init() - route libdevmapper's messages to the mp log hook and enable udev sync.
 *
 * libdevmapper's fatal and error messages log as err, warnings as warn,
 * notices as notice, info as info and its debug chatter as debug.
 * Call once at start-up, before any other mp_dm_* call.
 */
void mp_dm_init(void);

/**
 * mp_dm_list_multipath() - the names of all multipath maps.
 * @ret_names: receives a NULL-terminated array of names; free with mp_dm_names_free().
 *
 * A map qualifies when its UUID starts with "mpath-" or its (first) target
 * is "multipath". Devices that disappear during the listing are skipped.
 *
 * Return: the number of names, or -errno.
 */
int mp_dm_list_multipath(char ***ret_names);

/**
 * mp_dm_list_all() - the names of every dm device, whatever its target.
 * @ret_names: receives a NULL-terminated array; free with mp_dm_names_free().
 *
 * Return: the number of names, or -errno.
 */
int mp_dm_list_all(char ***ret_names);

/** mp_dm_names_free() - free a name array from mp_dm_list_multipath(); accepts NULL. */
void mp_dm_names_free(char **names);

static inline void mp_dm_names_freep(char ***names)
{
	mp_dm_names_free(*names);
}
#define _cleanup_dm_names_ __attribute__((cleanup(mp_dm_names_freep)))

/**
 * mp_dm_get_info() - a device's state.
 * @name: the dm name.
 * @ret: receives the info; ret->exists is false (and 0 returned) when no such device.
 *
 * Return: 0 or -errno.
 */
int mp_dm_get_info(const char *name, struct mp_dm_info *ret);

/**
 * mp_dm_get_table() - the live table of a single-target device.
 * @name: the dm name.
 * @ret_info: receives the device info; may be NULL.
 * @ret_target_type: receives e.g. "multipath"; caller frees; may be NULL.
 * @ret_params: receives the table parameters; caller frees; may be NULL.
 * @ret_size: receives the target length in sectors; may be NULL.
 *
 * Return: 0, -ENXIO (no such device), -ENODATA (no live table),
 * -EMEDIUMTYPE (more than one target), -ENOMEM, or the ioctl's -errno.
 */
int mp_dm_get_table(const char *name, struct mp_dm_info *ret_info, char **ret_target_type,
		    char **ret_params, uint64_t *ret_size);

/**
 * mp_dm_get_status() - the status line of a single-target device.
 * @ret_params: receives the status parameters (after the target type); caller frees.
 *
 * Return: as mp_dm_get_table().
 */
int mp_dm_get_status(const char *name, char **ret_params);

/**
 * mp_dm_create() - create a device with one target, load and resume it (may block).
 * @name: the dm name (alias or WWID).
 * @uuid: "mpath-<WWID>" for multipath maps; NULL for none.
 * @size: the length in sectors.
 * @target_type: e.g. "multipath".
 * @params: the table parameters.
 * @read_only: create the device read-only.
 *
 * Waits for udev to finish with the new device (cookie sync).
 *
 * Return: 0, -EBUSY (name or uuid taken), -EINVAL (the kernel rejected the table), or -errno.
 */
int mp_dm_create(const char *name, const char *uuid, uint64_t size, const char *target_type,
		 const char *params, bool read_only);

/**
 * mp_dm_create_targets() - mp_dm_create() with several targets (dm-switch stacks; may block).
 * @targets: @n targets in order; each start must equal the previous start + length.
 *
 * Return: as mp_dm_create(); -EINVAL for @n == 0 or a gap between targets.
 */
int mp_dm_create_targets(const char *name, const char *uuid, const struct mp_dm_target *targets,
			 size_t n);

/**
 * mp_dm_reload() - load a new one-target table and swap it in (may block).
 *
 * DM_DEVICE_RELOAD, then DM_DEVICE_RESUME with no_flush and skip_lockfs and
 * udev sync. The resume carries DM_SUBSYSTEM_UDEV_FLAG0, which
 * multipath-tools' 11-dm-mpath.rules read as "a reload, not a new map". If
 * the resume fails, the inactive table is cleared again so that a later
 * resume does not swap it in by surprise.
 *
 * Return: 0, -ENXIO, -EINVAL (table rejected), or -errno.
 */
int mp_dm_reload(const char *name, uint64_t size, const char *target_type, const char *params);

/**
 * mp_dm_remove() - remove a device (may block).
 * @deferred: if the device is open, let the kernel remove it on last close.
 *
 * Return: 0, -EBUSY (open and not @deferred), -ENXIO, or -errno.
 */
int mp_dm_remove(const char *name, bool deferred);

/**
 * mp_dm_message() - send a target message, e.g. "fail_path 8:16" (may block).
 * @sector: the sector selecting the target; 0 for single-target devices.
 *
 * Return: 0, -EINVAL (the target rejected the message), -ENXIO, or -errno.
 */
int mp_dm_message(const char *name, uint64_t sector, const char *msg);

/** mp_dm_suspend() - suspend with no_flush and skip_lockfs (may block). Return: 0 or -errno. */
int mp_dm_suspend(const char *name);

/** mp_dm_resume() - resume with no_flush, skip_lockfs and udev sync (may block). Return: 0 or -errno. */
int mp_dm_resume(const char *name);

/**
 * mp_dm_arm_poll_open() - open /dev/mapper/control for event polling and arm it.
 * @ret_fd: receives a close-on-exec fd; poll() it for POLLIN.
 *
 * When poll() reports POLLIN, some dm device raised an event: call
 * mp_dm_arm_poll() first (so no later event is lost), then re-read the
 * event_nr of each map with mp_dm_get_info() to find which ones.
 *
 * Return: 0, -EOPNOTSUPP when the dm driver is older than 4.37, or -errno.
 */
int mp_dm_arm_poll_open(int *ret_fd);

/** mp_dm_arm_poll() - re-arm @fd (DM_DEV_ARM_POLL) after it reported POLLIN. Return: 0 or -errno. */
int mp_dm_arm_poll(int fd);
