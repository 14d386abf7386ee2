/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libdevmapper calls for multipath maps, each returning -errno, plus DM_DEV_ARM_POLL event polling. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <libdevmapper.h>
#include <linux/dm-ioctl.h>

#include "dm.h"
#include "log.h"
#include "util.h"

DEFINE_FREE_FUNC(struct dm_task, dm_task_destroy)
#define _cleanup_dm_task_ _cleanup_(dm_task_destroyp)

/* libdevmapper's levels (its private log.h): 2 fatal .. 7 debug; higher bits are flags. */
#define DM_LEVEL_MASK 0x7
#define DM_LEVEL_FATAL 2
#define DM_LEVEL_ERR 3
#define DM_LEVEL_WARN 4
#define DM_LEVEL_NOTICE 5
#define DM_LEVEL_INFO 6

static enum mp_log_level level_from_dm(int level)
{
	switch (level & DM_LEVEL_MASK) {
	case DM_LEVEL_FATAL:
	case DM_LEVEL_ERR:
		return MP_LOG_ERR;
	case DM_LEVEL_WARN:
		return MP_LOG_WARN;
	case DM_LEVEL_NOTICE:
		return MP_LOG_NOTICE;
	case DM_LEVEL_INFO:
		return MP_LOG_INFO;
	default:
		return MP_LOG_DEBUG;
	}
}

static void dm_log_hook(int level, const char *file, int line, int dm_errno_or_class,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void dm_log_hook(int level, const char *file, int line, int dm_errno_or_class,
			const char *fmt, ...)
{
	enum mp_log_level l = level_from_dm(level);
	char *msg = NULL;
	va_list ap;
	int n;

	if (l > mp_log_get_level())
		return;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* libdevmapper's own messages already carry the ioctl's strerror text. */
	mp_log_internal(l, 0, file, line, "libdevmapper", "%s", msg);
	free(msg);
}

void mp_dm_init(void)
{
	dm_log_with_errno_init(dm_log_hook);
	dm_udev_set_sync_support(1);
}

static int task_error(struct dm_task *dmt)
{
	int e = dm_task_get_errno(dmt);

	return e > 0 ? -e : -EIO;
}

/*
 * dm_task_create() fails both for lack of memory and when it cannot reach
 * the driver (it checks the ioctl version first); tell the two apart so a
 * caller can say "permission denied" or "no device-mapper" instead of ENOMEM.
 */
static int control_error(void)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dm_dir(), DM_CONTROL_NODE);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return -ENOMEM;
}

static int task_new(int type, const char *name, struct dm_task **ret)
{
	struct dm_task *dmt;

	if (name && strlen(name) >= DM_NAME_LEN)
		return -ENAMETOOLONG;
	dmt = dm_task_create(type);
	if (!dmt)
		return control_error();
	if (name && !dm_task_set_name(dmt, name)) {
		dm_task_destroy(dmt);
		return -EINVAL;
	}
	*ret = dmt;
	return 0;
}

static int task_run(struct dm_task *dmt)
{
	return dm_task_run(dmt) ? 0 : task_error(dmt);
}

/*
 * Wait for udev to finish the event of a create or resume, but not forever: a udev worker
 * stuck on a map that queues I/O with no path would otherwise hold the dm job (and every
 * later change to that map) with it. After the limit the semaphore is left to udev.
 */
#define UDEV_WAIT_LIMIT_MS 10000

/*
 * libdevmapper keeps one process-wide list of pending /dev node operations: a create,
 * resume or remove run without DM_UDEV_DISABLE_LIBRARY_FALLBACK adds to it, and every udev
 * wait walks it. Our dm jobs run on several worker threads, and a resume can block in the
 * kernel for as long as a hung path keeps its I/O (the suspend before a table swap), so no
 * lock may be held across a task run. Instead the tasks never touch the list: udev creates
 * and removes the nodes (DM_UDEV_DISABLE_LIBRARY_FALLBACK, and nodes are added on create,
 * never on resume), and the list stays empty. The udev waits, which still walk it, take
 * this lock; it is never held across an ioctl.
 */
static pthread_mutex_t node_ops_lock = PTHREAD_MUTEX_INITIALIZER;

static void udev_wait_bounded(uint32_t cookie)
{
	int ready = 0, ok;

	for (unsigned waited = 0; waited < UDEV_WAIT_LIMIT_MS; waited += 10) {
		pthread_mutex_lock(&node_ops_lock);
		ok = dm_udev_wait_immediate(cookie, &ready);
		pthread_mutex_unlock(&node_ops_lock);
		if (!ok) {
			log_warn("Failed to wait for udev (cookie %u)", cookie);
			return;
		}
		if (ready)
			return;
		usleep(10000);
	}
	log_warn("udev has not finished the event of cookie 0x%x in %u ms; going on without it",
		 cookie, UDEV_WAIT_LIMIT_MS);
}

/*
 * Run a task that makes the kernel send a uevent, and wait until udev has processed it.
 * The wait must follow even a failed run: it is what releases the cookie's semaphore.
 */
static int task_run_synced(struct dm_task *dmt, uint16_t udev_flags)
{
	uint32_t cookie = 0;
	int r;

	if (!dm_task_set_add_node(dmt, DM_ADD_NODE_ON_CREATE) ||
	    !dm_task_set_cookie(dmt, &cookie, udev_flags | DM_UDEV_DISABLE_LIBRARY_FALLBACK))
		return -EIO;
	r = task_run(dmt);
	udev_wait_bounded(cookie);
	return r;
}

static int task_info(struct dm_task *dmt, struct mp_dm_info *ret)
{
	struct dm_info di;
	const char *uuid;

	if (!dm_task_get_info(dmt, &di))
		return -EIO;
	*ret = (struct mp_dm_info){
		.exists = di.exists,
		.suspended = di.suspended,
		.read_only = di.read_only,
		.live_table = di.live_table,
		.inactive_table = di.inactive_table,
		.deferred_remove = di.deferred_remove,
		.open_count = di.open_count,
		.major = di.major,
		.minor = di.minor,
		.event_nr = di.event_nr,
		.target_count = di.target_count,
	};
	uuid = di.exists ? dm_task_get_uuid(dmt) : NULL;
	if (uuid)
		snprintf(ret->uuid, sizeof(ret->uuid), "%s", uuid);
	return 0;
}

/* Create and run a query (info, table, status, list) on @name; with @ret_info, read its info. */
static int task_query(int type, const char *name, struct dm_task **ret, struct mp_dm_info *ret_info)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	int r;

	r = task_new(type, name, &dmt);
	if (r < 0)
		return r;
	/* a status must never make a target flush (thin-pool metadata, a queueing map below) */
	if (type == DM_DEVICE_STATUS && !dm_task_no_flush(dmt))
		return -ENOMEM;
	r = task_run(dmt);
	if (r < 0)
		return r;
	if (ret_info && (r = task_info(dmt, ret_info)) < 0)
		return r;
	*ret = TAKE_PTR(dmt);
	return 0;
}

int mp_dm_get_info(const char *name, struct mp_dm_info *ret)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;

	return task_query(DM_DEVICE_INFO, name, &dmt, ret);
}

static int dup_out(const char *s, char **ret)
{
	char *copy;

	if (!ret)
		return 0;
	copy = strdup(s ? s : "");
	if (!copy)
		return -ENOMEM;
	*ret = copy;
	return 0;
}

/* Run a TABLE or STATUS task on @name and check that it has exactly one target. */
static int task_single_target(int type, const char *name, struct mp_dm_info *ret_info,
			      char **ret_target_type, char **ret_params, uint64_t *ret_size)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	_cleanup_free_ char *target_type = NULL;
	char *tt = NULL, *params = NULL;
	uint64_t start, length;
	struct mp_dm_info info;
	void *next;
	int r;

	r = task_query(type, name, &dmt, &info);
	if (r < 0)
		return r;
	if (!info.exists)
		return -ENXIO;
	next = dm_get_next_target(dmt, NULL, &start, &length, &tt, &params);
	if (!tt)
		return -ENODATA;
	if (next)
		return -EMEDIUMTYPE;
	if (dup_out(tt, &target_type) < 0 || dup_out(params, ret_params) < 0)
		return -ENOMEM;
	if (ret_info)
		*ret_info = info;
	if (ret_target_type)
		*ret_target_type = TAKE_PTR(target_type);
	if (ret_size)
		*ret_size = length;
	return 0;
}

int mp_dm_get_table(const char *name, struct mp_dm_info *ret_info, char **ret_target_type,
		    char **ret_params, uint64_t *ret_size)
{
	return task_single_target(DM_DEVICE_TABLE, name, ret_info, ret_target_type, ret_params,
				  ret_size);
}

int mp_dm_get_status(const char *name, char **ret_params)
{
	return task_single_target(DM_DEVICE_STATUS, name, NULL, NULL, ret_params, NULL);
}

/*
 * The first target's type of @name into @buf ("" for no table); -ENXIO if it vanished.
 * From the table, never the status: a thin-pool or cache status can wait on metadata that
 * lives on a queueing multipath map, and this runs on every dm device at start-up.
 */
static int first_target_type(const char *name, char *buf, size_t len)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	char *type = NULL, *params = NULL;
	uint64_t start, length;
	struct mp_dm_info info;
	int r;

	r = task_query(DM_DEVICE_TABLE, name, &dmt, &info);
	if (r < 0)
		return r;
	if (!info.exists)
		return -ENXIO;
	(void)dm_get_next_target(dmt, NULL, &start, &length, &type, &params);
	snprintf(buf, len, "%s", type ? type : "");
	return 0;
}

/* 1 if @name is a multipath map, 0 if not or if it vanished meanwhile. */
static int name_is_multipath(const char *name)
{
	struct mp_dm_info info;
	char type[DM_MAX_TYPE_NAME];
	int r;

	r = mp_dm_get_info(name, &info);
	if (r < 0)
		return r;
	if (!info.exists)
		return 0;
	if (strncmp(info.uuid, MP_DM_UUID_PREFIX, strlen(MP_DM_UUID_PREFIX)) == 0)
		return 1;
	r = first_target_type(name, type, sizeof(type));
	if (r == -ENXIO)
		return 0;
	if (r < 0)
		return r;
	return streq(type, MP_DM_TARGET_MULTIPATH);
}

void mp_dm_names_free(char **names)
{
	if (!names)
		return;
	for (char **n = names; *n; n++)
		free(*n);
	free(names);
}

static int names_append(char ***names, size_t *n, const char *name)
{
	char **grown = realloc(*names, (*n + 2) * sizeof(**names));

	if (!grown)
		return -ENOMEM;
	*names = grown;
	grown[*n] = strdup(name);
	if (!grown[*n])
		return -ENOMEM;
	grown[++*n] = NULL;
	return 0;
}

/* The names of every dm device for which @keep (NULL: any) answers 1. */
static int list_names(int (*keep)(const char *name), char ***ret_names)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	_cleanup_dm_names_ char **names = calloc(1, sizeof(*names));
	struct dm_names *entry;
	size_t n = 0;
	int r;

	if (!names)
		return -ENOMEM;
	r = task_query(DM_DEVICE_LIST, NULL, &dmt, NULL);
	if (r < 0)
		return r;
	entry = dm_task_get_names(dmt);
	/* An empty list is one entry with dev == 0. */
	while (entry && entry->dev) {
		r = keep ? keep(entry->name) : 1;
		if (r < 0)
			return r;
		if (r > 0 && (r = names_append(&names, &n, entry->name)) < 0)
			return r;
		entry = entry->next ? (struct dm_names *)((char *)entry + entry->next) : NULL;
	}
	*ret_names = TAKE_PTR(names);
	return (int)n;
}

int mp_dm_list_multipath(char ***ret_names)
{
	return list_names(name_is_multipath, ret_names);
}

int mp_dm_list_all(char ***ret_names)
{
	return list_names(NULL, ret_names);
}

static int targets_check(const struct mp_dm_target *targets, size_t n)
{
	if (n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!targets[i].type || !targets[i].params || targets[i].length == 0)
			return -EINVAL;
		if (i > 0 && targets[i].start != targets[i - 1].start + targets[i - 1].length)
			return -EINVAL;
	}
	return targets[0].start == 0 ? 0 : -EINVAL;
}

static int task_add_targets(struct dm_task *dmt, const struct mp_dm_target *targets, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!dm_task_add_target(dmt, targets[i].start, targets[i].length, targets[i].type,
					targets[i].params))
			return -ENOMEM;
	return 0;
}

static int create(const char *name, const char *uuid, const struct mp_dm_target *targets,
		  size_t n, bool read_only)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	int r;

	r = targets_check(targets, n);
	if (r < 0)
		return r;
	if (uuid && strlen(uuid) >= DM_UUID_LEN)
		return -ENAMETOOLONG;
	r = task_new(DM_DEVICE_CREATE, name, &dmt);
	if (r < 0)
		return r;
	if (uuid && !dm_task_set_uuid(dmt, uuid))
		return -EINVAL;
	r = task_add_targets(dmt, targets, n);
	if (r < 0)
		return r;
	if (read_only && !dm_task_set_ro(dmt))
		return -ENOMEM;
	/* With a table, DM_DEVICE_CREATE creates, loads and resumes; a failed load removes it again. */
	return task_run_synced(dmt, 0);
}

int mp_dm_create_targets(const char *name, const char *uuid, const struct mp_dm_target *targets,
			 size_t n)
{
	return create(name, uuid, targets, n, false);
}

int mp_dm_create(const char *name, const char *uuid, uint64_t size, const char *target_type,
		 const char *params, bool read_only)
{
	const struct mp_dm_target target = {
		.start = 0, .length = size, .type = target_type, .params = params,
	};

	return create(name, uuid, &target, 1, read_only);
}

/* A suspend with queued I/O would wait for paths forever; never flush, never freeze. */
static int task_quiet_suspend_flags(struct dm_task *dmt)
{
	if (!dm_task_no_flush(dmt) || !dm_task_skip_lockfs(dmt))
		return -ENOMEM;
	return 0;
}

static int resume(const char *name, uint16_t udev_flags)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	int r;

	r = task_new(DM_DEVICE_RESUME, name, &dmt);
	if (r < 0)
		return r;
	r = task_quiet_suspend_flags(dmt);
	if (r < 0)
		return r;
	return task_run_synced(dmt, udev_flags);
}

int mp_dm_resume(const char *name)
{
	return resume(name, 0);
}

int mp_dm_suspend(const char *name)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	int r;

	r = task_new(DM_DEVICE_SUSPEND, name, &dmt);
	if (r < 0)
		return r;
	r = task_quiet_suspend_flags(dmt);
	if (r < 0)
		return r;
	return task_run(dmt);
}

static void clear_inactive(const char *name)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	int r;

	r = task_new(DM_DEVICE_CLEAR, name, &dmt);
	if (r >= 0)
		r = task_run(dmt);
	if (r < 0)
		log_warn_errno(r, "%s: Failed to clear the inactive table", name);
}

static int load(const char *name, uint64_t size, const char *target_type, const char *params,
		bool read_only)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	const struct mp_dm_target target = {
		.start = 0, .length = size, .type = target_type, .params = params,
	};
	int r;

	r = targets_check(&target, 1);
	if (r < 0)
		return r;
	r = task_new(DM_DEVICE_RELOAD, name, &dmt);
	if (r < 0)
		return r;
	r = task_add_targets(dmt, &target, 1);
	if (r < 0)
		return r;
	if (read_only && !dm_task_set_ro(dmt))
		return -ENOMEM;
	return task_run(dmt);
}

int mp_dm_reload(const char *name, uint64_t size, const char *target_type, const char *params)
{
	struct mp_dm_info info;
	int r;

	/* A reload without the read-only flag would silently make a read-only map writable. */
	r = mp_dm_get_info(name, &info);
	if (r < 0)
		return r;
	if (!info.exists)
		return -ENXIO;
	r = load(name, size, target_type, params, info.read_only);
	if (r < 0)
		return r;
	r = resume(name, DM_SUBSYSTEM_UDEV_FLAG0);
	if (r < 0)
		clear_inactive(name);
	return r;
}

int mp_dm_remove(const char *name, bool deferred)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	struct mp_dm_info info;
	int r;

	r = mp_dm_get_info(name, &info);
	if (r < 0)
		return r;
	if (!info.exists)
		return -ENXIO;
	if (info.open_count > 0 && !deferred)
		return -EBUSY;
	r = task_new(DM_DEVICE_REMOVE, name, &dmt);
	if (r < 0)
		return r;
	if (deferred && !dm_task_deferred_remove(dmt))
		return -ENOMEM;
	return task_run_synced(dmt, 0);
}

int mp_dm_message(const char *name, uint64_t sector, const char *msg)
{
	_cleanup_dm_task_ struct dm_task *dmt = NULL;
	int r;

	r = task_new(DM_DEVICE_TARGET_MSG, name, &dmt);
	if (r < 0)
		return r;
	if (!dm_task_set_sector(dmt, sector) || !dm_task_set_message(dmt, msg))
		return -ENOMEM;
	return task_run(dmt);
}

/* ---- event polling on the control node ---- */

#define ARM_POLL_MAJOR 4
#define ARM_POLL_MINOR 37

static int driver_supports_arm_poll(void)
{
	char version[64];
	unsigned major, minor;

	if (!dm_driver_version(version, sizeof(version)))
		return -ENODEV;
	if (sscanf(version, "%u.%u", &major, &minor) != 2)
		return -EIO;
	if (major != ARM_POLL_MAJOR || minor < ARM_POLL_MINOR) {
		log_warn("device-mapper driver %s has no DM_DEV_ARM_POLL (needs 4.37)", version);
		return -EOPNOTSUPP;
	}
	return 0;
}

int mp_dm_arm_poll(int fd)
{
	struct dm_ioctl dmi = {
		.version = { ARM_POLL_MAJOR, ARM_POLL_MINOR, 0 },
		.data_size = sizeof(dmi),
		.data_start = sizeof(dmi),
	};

	if (ioctl(fd, DM_DEV_ARM_POLL, &dmi) < 0)
		return -errno;
	return 0;
}

int mp_dm_arm_poll_open(int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];
	int r;

	r = driver_supports_arm_poll();
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/%s", dm_dir(), DM_CONTROL_NODE);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = mp_dm_arm_poll(fd);
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}
