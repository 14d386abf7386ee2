/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one way into sysfs: every path is built under a root that tests can move to a fake tree. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/** mp_sysfs_root() - the current sysfs root, "/sys" unless mp_sysfs_set_root() moved it. */
const char *mp_sysfs_root(void);

/**
 * mp_sysfs_set_root() - move the sysfs root (tests point it at a temporary tree).
 * @root: an absolute or relative folder; NULL restores "/sys". Trailing slashes are dropped.
 *
 * Not thread-safe: call it before any thread reads sysfs.
 *
 * Return: 0, or -ENAMETOOLONG.
 */
int mp_sysfs_set_root(const char *root);

/**
 * mp_sysfs_path_at() - build "<root>/<formatted relative path>".
 * @root: the sysfs root to use; NULL means mp_sysfs_root().
 * @buf: receives the path.
 * @len: size of @buf.
 * @fmt: printf format of the path relative to the root; a leading '/' is optional.
 *
 * Return: the path length, or -ENAMETOOLONG when it does not fit.
 */
int mp_sysfs_path_at(const char *root, char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** mp_sysfs_path() - mp_sysfs_path_at() under the current root. */
int mp_sysfs_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * mp_sysfs_read_attr() - read a sysfs attribute.
 * @relpath: the path relative to the sysfs root, e.g. "block/sda/device/vendor".
 * @buf: receives the value without its trailing newline, NUL-terminated.
 * @len: size of @buf.
 *
 * Return: the value length; -errno from open()/read(); -ENOBUFS when the value does
 * not fit; -ENAMETOOLONG.
 */
int mp_sysfs_read_attr(const char *relpath, char *buf, size_t len);

/**
 * mp_sysfs_read_attrf() - read an optional attribute named by a format; a missing or
 * unreadable one leaves @buf empty.
 */
void mp_sysfs_read_attrf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/**
 * mp_sysfs_write_attr() - write @value to a sysfs attribute (e.g. "running" to device/state).
 * @relpath: the path relative to the sysfs root.
 *
 * Return: 0; -errno from open()/write(); -EIO on a short write.
 */
int mp_sysfs_write_attr(const char *relpath, const char *value);
